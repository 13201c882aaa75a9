"""External links against a local HTTP server on 127.0.0.1: statuses, retries, time-outs, cache."""

from __future__ import annotations

import json
import os
import threading
from typing import TYPE_CHECKING

import pytest

from kb.findings import Rule, Severity
from kb.links.external import (
    ExternalChecker,
    ExternalOptions,
    ExternalResult,
    check_external,
    failures,
)
from kb.links.trace import external_findings

from .conftest import BODY_LINE, Checker, Server, as_rows, page

if TYPE_CHECKING:
    from pathlib import Path


def options(tmp_path: Path, **overrides: object) -> ExternalOptions:
    settings: dict[str, object] = {
        "timeout": 5.0,  # generous: only the /hang tests need a short one
        "retries": 2,
        "backoff": 0.0,
        "cache_file": tmp_path / ".cache/kb-links.json",
    }
    settings.update(overrides)
    return ExternalOptions(**settings)  # type: ignore[arg-type]


def test_statuses(server: Server, tmp_path: Path) -> None:
    urls = [server.url(p) for p in ("/ok", "/moved", "/missing", "/error", "/loop")]
    results = check_external(urls, options(tmp_path, retries=0))
    summary = {url.removeprefix(server.base): r.status for url, r in results.items()}
    assert summary == {
        "/ok": 200,
        "/moved": 200,
        "/missing": 404,
        "/error": 500,
        "/loop": 302,
    }
    assert results[server.url("/moved")].final_url == server.url("/ok")
    assert [url.removeprefix(server.base) for url in failures(results)] == [
        "/error",
        "/loop",
        "/missing",
    ]
    assert failures(results)[server.url("/loop")][0].endswith(
        "answered HTTP 302 (a redirect loop, or too many redirects)"
    )
    # HEAD first, and HEAD again after the redirect.
    assert ("HEAD", "/ok") in server.methods
    assert ("GET", "/ok") not in server.methods


def test_japanese_path_is_percent_encoded(server: Server, tmp_path: Path) -> None:
    url = server.url("/ヘルプ/返金?q=入金")
    results = check_external([url], options(tmp_path))
    assert results[url].status == 200
    assert list(server.hits) == [
        "/%E3%83%98%E3%83%AB%E3%83%97/%E8%BF%94%E9%87%91?q=%E5%85%A5%E9%87%91"
    ]


def test_get_when_head_is_refused(server: Server, tmp_path: Path) -> None:
    results = check_external([server.url("/no-head")], options(tmp_path))
    assert results[server.url("/no-head")].status == 200
    assert server.methods == [("HEAD", "/no-head"), ("GET", "/no-head")]


@pytest.mark.parametrize("path", ["/flaky", "/busy"])
def test_retries_after_5xx_and_429(server: Server, tmp_path: Path, path: str) -> None:
    results = check_external([server.url(path)], options(tmp_path))
    assert results[server.url(path)].status == 200
    assert server.hits[path] == 2


def test_retries_are_bounded_and_back_off(server: Server, tmp_path: Path) -> None:
    waits: list[float] = []
    checker = ExternalChecker(options(tmp_path, retries=2, backoff=0.25), sleep=waits.append)
    results = checker.check([server.url("/error"), server.url("/missing")])
    assert results[server.url("/error")].status == 500
    assert server.hits["/error"] == 3
    assert server.hits["/missing"] == 1  # a 404 is an answer, not a hiccup
    assert waits == [0.25, 0.5]


def test_hang_is_bounded_by_the_timeout(server: Server, tmp_path: Path) -> None:
    checker = ExternalChecker(options(tmp_path, timeout=0.3, retries=1), sleep=lambda s: None)
    result = checker.check([server.url("/hang")])[server.url("/hang")]
    assert (result.status, result.error) == (None, "timed out after 0.3 s")
    assert server.hits["/hang"] == 2
    assert failures({result.url: result})[result.url][0] == f"{result.url}: timed out after 0.3 s"
    cache = json.loads((tmp_path / ".cache/kb-links.json").read_text(encoding="utf-8"))
    assert cache["entries"] == {}  # a time-out is not remembered


@pytest.mark.parametrize("path", ["/to-ftp", "/to-file", "/to-data", "/chain"])
def test_redirects_lead_to_http_and_https_only(server: Server, tmp_path: Path, path: str) -> None:
    result = check_external([server.url(path)], options(tmp_path, retries=0))[server.url(path)]
    assert result.status is None
    assert result.error.startswith("redirected to ")
    assert result.error.endswith(": kb follows redirects to http and https only")
    assert not result.ok


def test_a_dripping_server_is_cut_off_at_the_deadline(server: Server, tmp_path: Path) -> None:
    # Each header line comes well within the 0.5 s time-out: without a deadline on the whole
    # answer the URL would be held as long as the server likes (90 s in the issue).
    settings = options(tmp_path, timeout=0.5, deadline=1.0, retries=3, backoff=0.0)
    result = check_external([server.url("/drip")], settings)[server.url("/drip")]
    assert (result.status, result.error) == (
        None,
        "no complete answer within the 1 s deadline",
    )
    assert server.hits["/drip"] == 1  # no retry: the deadline covers retries too


def test_the_deadline_leaves_time_for_answers(server: Server, tmp_path: Path) -> None:
    urls = [server.url(p) for p in ("/ok", "/moved", "/missing")]
    results = check_external(urls, options(tmp_path, deadline=5.0, retries=0))
    assert [results[url].status for url in urls] == [200, 200, 404]


def test_connection_refused(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    result = check_external([url], options(tmp_path, retries=0))[url]
    assert (result.status, result.error) == (None, "connection refused")
    message, hint = result.describe()
    assert message == f"{url}: connection refused"
    assert hint


def test_per_host_limit(server: Server, tmp_path: Path) -> None:
    in_flight, peak = 0, 0
    lock = threading.Lock()

    class Counting(ExternalChecker):
        def _request(self, url: str, method: str) -> tuple[ExternalResult, float | None]:
            nonlocal in_flight, peak
            with lock:
                in_flight += 1
                peak = max(peak, in_flight)
            try:
                return super()._request(url, method)
            finally:
                with lock:
                    in_flight -= 1

    urls = [server.url(f"/ok?{n}") for n in range(12)]
    results = Counting(options(tmp_path, per_host=2, workers=8)).check(urls)
    assert all(result.ok for result in results.values())
    assert peak <= 2


class TestCache:
    """Answers are remembered for a TTL; transient failures are not."""

    def test_second_run_answers_from_the_cache(self, server: Server, tmp_path: Path) -> None:
        urls = [server.url(p) for p in ("/ok", "/moved", "/missing", "/error")]
        check_external(urls, options(tmp_path, retries=0))
        before = sum(server.hits.values())
        cached = [server.url(p) for p in ("/ok", "/moved", "/missing")]
        results = check_external(cached, options(tmp_path, retries=0))
        assert sum(server.hits.values()) == before
        assert all(result.cached for result in results.values())
        assert results[server.url("/missing")].status == 404
        assert results[server.url("/moved")].final_url == server.url("/ok")
        check_external([server.url("/error")], options(tmp_path, retries=0))
        assert server.hits["/error"] == 2  # a 500 is asked again

    def test_ttl(self, server: Server, tmp_path: Path) -> None:
        now = [1_000_000.0]
        settings = options(tmp_path, cache_ttl_hours=1.0)
        ExternalChecker(settings, clock=lambda: now[0]).check([server.url("/ok")])
        now[0] += 3599
        ExternalChecker(settings, clock=lambda: now[0]).check([server.url("/ok")])
        assert server.hits["/ok"] == 1
        now[0] += 2
        ExternalChecker(settings, clock=lambda: now[0]).check([server.url("/ok")])
        assert server.hits["/ok"] == 2

    def test_file_is_written_atomically_and_survives_corruption(
        self, server: Server, tmp_path: Path
    ) -> None:
        cache = tmp_path / ".cache/kb-links.json"
        cache.parent.mkdir()
        cache.write_text("{not json", encoding="utf-8")
        check_external([server.url("/ok")], options(tmp_path))
        data = json.loads(cache.read_text(encoding="utf-8"))
        assert data["version"] == 1
        assert data["entries"][server.url("/ok")]["status"] == 200
        assert sorted(p.name for p in cache.parent.iterdir()) == ["kb-links.json"]

    def test_entries_from_the_future_are_ignored(self, server: Server, tmp_path: Path) -> None:
        now = 1_000_000.0
        cache = tmp_path / ".cache/kb-links.json"
        cache.parent.mkdir()
        forged = {"status": 200, "final_url": "", "checked_at": now + 10 * 365 * 86400}
        fresh = {"status": 200, "final_url": "", "checked_at": now - 60}
        cache.write_text(
            json.dumps(
                {
                    "version": 1,
                    "entries": {server.url("/missing"): forged, server.url("/ok"): fresh},
                }
            ),
            encoding="utf-8",
        )
        checker = ExternalChecker(options(tmp_path, retries=0), clock=lambda: now)
        results = checker.check([server.url("/missing"), server.url("/ok")])
        assert results[server.url("/missing")].status == 404  # asked, not taken from the cache
        assert not results[server.url("/missing")].cached
        assert results[server.url("/ok")].cached
        saved = json.loads(cache.read_text(encoding="utf-8"))["entries"]
        assert saved[server.url("/missing")]["checked_at"] == now

    def test_a_named_pipe_in_place_of_the_cache_does_not_block(
        self, server: Server, tmp_path: Path
    ) -> None:
        cache = tmp_path / ".cache/kb-links.json"
        cache.parent.mkdir()
        os.mkfifo(cache)
        results = check_external([server.url("/ok")], options(tmp_path))
        assert results[server.url("/ok")].status == 200
        assert cache.is_file()  # replaced by a real cache file

    def test_no_cache(self, server: Server, tmp_path: Path) -> None:
        check_external([server.url("/ok")], options(tmp_path, cache_file=None))
        check_external([server.url("/ok")], options(tmp_path, cache_file=None))
        assert server.hits["/ok"] == 2
        assert not (tmp_path / ".cache").exists()


def test_findings_for_failed_external_links(
    server: Server, tmp_path: Path, check_tree: Checker
) -> None:
    body = (
        f'<a href="{server.url("/ok")}">fine</a><a href="{server.url("/moved")}">moved</a>\n'
        f'<a href="{server.url("/missing")}#part">gone</a>\n'
        f'<a href="{server.url("/error")}">broken</a>'
    )
    markdown = f"# Guide\n\nThe [gone page]({server.url('/missing')}#part) moved.\n"
    report = check_tree(
        {"site/payments/guide/index.html": page(body), "docs/en/payments/guide.md": markdown},
        collect_external=True,
    )
    assert report.findings == []
    results = check_external(report.external, options(tmp_path, retries=0))
    from kb.links.model import LinkOptions

    link_options = LinkOptions(
        site_dir=tmp_path / "site", root=tmp_path, docs_dir=tmp_path / "docs"
    )
    findings = external_findings(failures(results), report, link_options)
    page_path = "payments/guide/index.html"
    assert as_rows(findings) == [
        ("external-link", page_path, "docs/en/payments/guide.md", 3),
        ("external-link", page_path, f"site/{page_path}", BODY_LINE + 2),
    ]
    assert {f.severity for f in findings} == {Severity.WARNING}
    assert findings[0].message == f"{server.url('/missing')} answered HTTP 404"
    assert findings[1].message == f"{server.url('/error')} answered HTTP 500"
    raised = LinkOptions(
        site_dir=tmp_path / "site",
        severities={Rule.EXTERNAL_LINK: Severity.ERROR},
    )
    assert {f.severity for f in external_findings(failures(results), report, raised)} == {
        Severity.ERROR
    }

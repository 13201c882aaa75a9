"""The build checks what it renders: article bodies and whole pages against the output
allowlist (kb/html_policy.py), and writes the Content-Security-Policy the pages need."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

from kb.csp import read_policy, script_hashes_of
from kb.html_policy import inline_script_hashes

from .test_site_build import EN_INDEX, JA_INDEX

if TYPE_CHECKING:
    from collections.abc import Callable

    from .conftest import BuiltSite

pytestmark = pytest.mark.build

EN = "docs/en/payments/overlay.md"
# Invisible to kb check's source scan: only the rendered HTML shows the style attribute.
OVERLAY = (
    "---\ntitle: Overlay\ndescription: An overlay.\nproducts: [payments]\n---\n\n# Overlay\n\n"
    '<p style="position:fixed;inset:0">Re-enter your card</p>\n\nText after it.\n'
)
FILES: dict[str, str | bytes] = {
    "docs/en/index.md": EN_INDEX,
    "docs/ja/index.md": JA_INDEX,
    EN: OVERLAY,
}


@pytest.fixture
def allowed_warnings() -> list[str]:
    return ["KB304 unsafe-html"]


def test_a_body_outside_the_allowlist_is_reported_once_on_its_line_and_taken_out(
    build_site: Callable[..., BuiltSite],
) -> None:
    site = build_site(FILES)
    reported = [m for m in site.kb_messages(logging.WARNING) if "KB304" in m]
    assert reported == [
        f"kb: {EN}:9: KB304 unsafe-html: style attribute on <p>: the site's "
        "Content-Security-Policy ignores it "
        "(hint: use a class the theme styles, or leave the styling out)"
    ], reported  # once: the Japanese fallback copy is not reported again
    for page in ("payments/overlay/index.html", "ja/payments/overlay/index.html"):
        html = site.html(page)
        paragraph = next(p for p in html.css("article p") if "Re-enter" in p.text())
        assert "style" not in paragraph.attributes
        assert "Text after it." in html.body.text()


def test_site_headers_lists_exactly_the_inline_scripts_the_pages_run(
    build_site: Callable[..., BuiltSite],
) -> None:
    site = build_site({"docs/en/index.md": EN_INDEX, "docs/ja/index.md": JA_INDEX})
    policy = read_policy(site.site)
    assert policy is not None
    assert policy.startswith("default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-")
    run: set[str] = set()
    for page in site.site.rglob("*.html"):
        run.update(inline_script_hashes(page.read_text(encoding="utf-8")))
    assert run
    assert script_hashes_of(policy) == run
    # kb's own script is a file: nothing kb writes is inline.
    pages = [page.read_text(encoding="utf-8") for page in site.site.rglob("*.html")]
    assert not any("kbSkip" in text for text in pages)
    assert all("assets/kb/skip-sitemap-probes.js" in text for text in pages)

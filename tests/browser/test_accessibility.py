"""Accessibility and phones: axe-core on every page type, both languages, desktop and 390 px.

The site is the repository's own, with one Japanese translation removed (a fallback page) and
one English article changed (a stale translation), so that every page type is there.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .conftest import REPO, _QuietHandler

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
FALLBACK = "payouts/payout-schedule/"
STALE = "payments/refund-a-payment/"
PAGE_TYPES = {
    "home": "",
    "product": "products/payouts/",
    "article": "payouts/add-bank-account/",
    "fallback": FALLBACK,
    "stale": STALE,
    "glossary": "glossary/",
    "contact": "contact/",
    "status": "status/",
    "404": "404.html",
}
WIDTHS = {"desktop": 1280, "phone": 390}
# Focus shows on the element (outline, shadow, background) or, for Material's search input,
# on its form, which opens white and raised.
FOCUS_SHOWN = """() => {
  const e = document.activeElement;
  return [e, e.closest('.md-search__form')].filter(Boolean).some(x => {
    const style = getComputedStyle(x);
    return style.outlineStyle !== 'none' || style.boxShadow !== 'none'
      || style.backgroundColor !== 'rgba(0, 0, 0, 0)';
  });
}"""


@pytest.fixture(scope="module")
def varied_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo site with a fallback and a stale page, built and served on 127.0.0.1."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    root = tmp_path_factory.mktemp("varied")
    for name in ("mkdocs.yml", "products.yml", "glossary.yml"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "docs", root / "docs")
    (root / "docs/ja" / f"{FALLBACK.rstrip('/')}.md").unlink()
    stale = root / "docs/en" / f"{STALE.rstrip('/')}.md"
    stale.write_text(stale.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    site_dir = root / "site"
    cwd = Path.cwd()
    os.chdir(root)
    try:
        build(load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir)))
    finally:
        os.chdir(cwd)
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module", params=list(WIDTHS))
def sized_page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """A page at desktop or phone width, reused across the module's page types."""
    width = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": 900})
    yield context.new_page()
    context.close()


def violations(page: Any) -> list[str]:
    """axe-core's violations on the page as loaded, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {node['html'][:120]}"
        for v in results.response["violations"]
        for node in v["nodes"]
    ]


def no_sideways_scrolling(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize("prefix", ["", "ja/"])
def test_every_page_type_has_no_axe_violations(
    sized_page: Any, varied_site: str, prefix: str
) -> None:
    found: dict[str, list[str]] = {}
    for kind, path in PAGE_TYPES.items():
        sized_page.goto(f"{varied_site}{prefix}{path}", wait_until="networkidle")
        if kind == "fallback":
            assert sized_page.locator(".kb-notice--untranslated").count() == int(bool(prefix))
        if kind == "stale" and prefix:
            assert sized_page.locator(".kb-notice--stale").count() == 1
        problems = violations(sized_page)
        if not no_sideways_scrolling(sized_page):
            problems.append("the page scrolls sideways")
        if problems:
            found[kind] = problems
    assert not found, found


@pytest.mark.parametrize(("prefix", "query"), [("", "refund"), ("ja/", "返金")])
def test_open_search_results_have_no_axe_violations(
    sized_page: Any, varied_site: str, prefix: str, query: str
) -> None:
    sized_page.goto(f"{varied_site}{prefix}", wait_until="networkidle")
    open_search(sized_page)
    type_query(sized_page, query)
    assert sized_page.locator(".md-search-result__item").count() > 0
    assert violations(sized_page) == []


def open_search(page: Any) -> None:
    """Open the search box as a reader would at this width (the phone shows an icon)."""
    icon = page.locator("label.md-header__button[for=__search]")
    if icon.is_visible():
        icon.click()
    page.locator(".kb-search input.md-search__input").click()


def type_query(page: Any, query: str) -> None:
    box = page.locator(".kb-search input.md-search__input")
    box.fill("")
    box.press_sequentially(query)
    box.press("End")  # Playwright types CJK with insertText, which fires no keyup
    page.wait_for_function(
        "q => document.querySelector('.kb-search').dataset.query === q", arg=query
    )


def test_a_phone_reader_goes_home_product_article_switches_language_and_searches(
    browser: Any, varied_site: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{varied_site}ja/", wait_until="networkidle")
        assert no_sideways_scrolling(page)
        page.locator(".kb-product-card[data-product='payouts']").click()
        page.wait_for_load_state("networkidle")
        assert page.url == f"{varied_site}ja/products/payouts/"
        assert no_sideways_scrolling(page)
        page.locator(".kb-article-list__item > a").first.click()
        page.wait_for_load_state("networkidle")
        assert page.url.startswith(f"{varied_site}ja/payouts/")
        assert no_sideways_scrolling(page)
        article = page.url.removeprefix(f"{varied_site}ja/")
        page.locator(".md-header__option .md-select button").click()
        page.get_by_role("link", name="English", exact=True).click()
        page.wait_for_load_state("networkidle")
        assert page.url == f"{varied_site}{article}"
        assert page.locator("html").get_attribute("lang") == "en"
        open_search(page)
        type_query(page, "bank account")
        page.locator(".md-search-result__item > a").first.click()
        page.wait_for_load_state("networkidle")
        assert "/ja/" not in page.url
        assert page.locator("article h1").count() == 1
        assert no_sideways_scrolling(page)
    finally:
        context.close()


def test_keyboard_reaches_the_search_box_the_switcher_and_a_table_with_visible_focus(
    browser: Any, varied_site: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{varied_site}ja/status/", wait_until="networkidle")
        reached: list[str] = []
        for _ in range(80):
            page.keyboard.press("Tab")
            name = str(
                page.evaluate(
                    """() => {
                      const e = document.activeElement;
                      return (e.closest('.md-select') ? 'md-select ' : '') + e.className;
                    }"""
                )
            )
            if any(key in name for key in ("md-search__input", "md-select", "kb-table")):
                # Focus shows as an outline, a shadow or a background (after its transition).
                page.wait_for_function(FOCUS_SHOWN, timeout=2000)
                reached.append(name)
        assert any("md-search__input" in name for name in reached), reached
        assert any("kb-table" in name for name in reached), reached
        assert any("md-select" in name for name in reached), reached
    finally:
        context.close()

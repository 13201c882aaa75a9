"""Insights as a merchant meets them: the widget, searches and clicks reach a real collector.

The demo site is built once more with an endpoint, and `kb collect` runs on SQLite in a
temporary folder. Chromium under Playwright says it is automated (`navigator.webdriver`, a
"HeadlessChrome" user agent), which the tracker and the collector both refuse: the tests that
expect events present a person's browser, and one test checks that automation sends nothing.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
import time
from typing import TYPE_CHECKING, Any

import pytest

from insights.service import CollectorProcess, free_port
from kb.insights.store import open_store

from .conftest import REPO, _QuietHandler

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.browser
pytest.importorskip("uvicorn")

PERSON = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
NOT_AUTOMATED = "Object.defineProperty(Navigator.prototype, 'webdriver', {get: () => false});"
GPC = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true});"
ARTICLE = {"en": "payouts/payout-schedule/", "ja": "ja/payouts/payout-schedule/"}


class InsightsSite:
    """The demo site with an endpoint, served on loopback, and its collector."""

    def __init__(self, base: str, collector: CollectorProcess, db: str) -> None:
        self.base = base
        self.collector = collector
        self.db = db

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        store = open_store(self.db, create=False)
        try:
            return store.rows(sql)
        finally:
            store.close()

    def wait_for(self, sql: str, count: int = 1) -> list[tuple[Any, ...]]:
        """Rows of `sql` once there are `count` (the collector stores every 100 ms)."""
        deadline = time.monotonic() + 20
        while True:
            rows = self.rows(sql)
            if len(rows) >= count or time.monotonic() > deadline:
                return rows
            time.sleep(0.05)


@pytest.fixture(scope="module")
def insights_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InsightsSite]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    root = tmp_path_factory.mktemp("insights")
    site_dir = root / "site"
    port = free_port()
    config = load_config(str(REPO / "mkdocs.yml"), site_dir=str(site_dir))
    config.plugins["kb"].config.insights["endpoint"] = f"http://127.0.0.1:{port}/api/event"
    build(config)
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    db = f"sqlite:///{root / 'insights.sqlite3'}"
    collector = CollectorProcess(db, site_dir, base, port=port)
    yield InsightsSite(base, collector, db)
    collector.stop()
    httpd.shutdown()
    httpd.server_close()


def person(browser: Any, *scripts: str) -> Any:
    """A browser context that looks like a person's (or, with GPC, a careful person's)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, user_agent=PERSON)
    for script in (NOT_AUTOMATED, *scripts):
        context.add_init_script(script)
    return context


def collector_requests(page: Any, site: InsightsSite) -> list[str]:
    seen: list[str] = []
    prefix = f"http://127.0.0.1:{site.collector.port}/"
    page.on("request", lambda r: seen.append(r.url) if r.url.startswith(prefix) else None)
    return seen


@pytest.mark.parametrize("language", ["en", "ja"])
def test_no_with_a_reason_and_a_comment_reaches_the_collector(
    browser: Any, insights_site: InsightsSite, language: str
) -> None:
    context = person(browser)
    page = context.new_page()
    page.goto(f"{insights_site.base}/{ARTICLE[language]}", wait_until="networkidle")
    widget = page.locator(".kb-feedback")
    question = {"en": "Was this article helpful?", "ja": "この記事は役に立ちましたか？"}
    assert widget.locator(".kb-feedback__title").inner_text() == question[language]
    widget.locator(".kb-feedback__no").click()
    widget.locator("input[value=translation]").check()
    comment = f"<!-- {language} --> wrong fee, write to me@example.com"
    widget.locator("textarea").fill(comment)
    widget.locator(".kb-feedback__send").click()
    assert widget.locator(".kb-feedback__thanks").is_visible()
    assert widget.locator(".kb-feedback__contact a").is_visible()
    context.close()
    page_path = f"/{ARTICLE[language]}"
    rows = insights_site.wait_for(
        "SELECT helpful, reason, comment, language FROM events "
        f"WHERE type = 'vote' AND page = '{page_path}'"
    )
    assert rows == [
        (0, "translation", f"<!-- {language} --> wrong fee, write to [email]", language)
    ]
    views = insights_site.rows(
        f"SELECT COUNT(*) FROM events WHERE type = 'view' AND page = '{page_path}'"
    )
    assert views[0][0] >= 1


def test_a_search_without_results_and_a_click_are_recorded_with_rank(
    browser: Any, insights_site: InsightsSite
) -> None:
    context = person(browser)
    page = context.new_page()
    page.goto(f"{insights_site.base}/", wait_until="networkidle")
    box = page.locator(".kb-search input.md-search__input")
    box.click()
    box.press_sequentially("zqxvbnw")
    page.wait_for_function("document.querySelector('.kb-search').dataset.query === 'zqxvbnw'")
    box.press("Enter")  # settled
    box.fill("")
    box.press_sequentially("payout schedule")
    page.wait_for_function(
        "document.querySelector('.kb-search').dataset.query === 'payout schedule'"
    )
    second = page.locator(".md-search-result__item").nth(1).locator("a").first
    target = second.get_attribute("href")
    with page.expect_navigation():
        second.click()
    context.close()
    searches = insights_site.wait_for(
        "SELECT query, results FROM events WHERE type = 'search' AND page = '/' ORDER BY ts", 2
    )
    assert searches[0] == ("zqxvbnw", 0)
    assert searches[1][0] == "payout schedule"
    assert searches[1][1] > 1
    clicks = insights_site.wait_for(
        "SELECT query, \"rank\", target FROM events WHERE type = 'click'"
    )
    assert clicks == [("payout schedule", 2, target.split("#")[0])]


def test_global_privacy_control_sends_nothing(browser: Any, insights_site: InsightsSite) -> None:
    context = person(browser, GPC)
    page = context.new_page()
    seen = collector_requests(page, insights_site)
    page.goto(f"{insights_site.base}/{ARTICLE['en']}", wait_until="networkidle")
    assert page.locator(".kb-feedback").is_hidden()
    assert page.evaluate("navigator.globalPrivacyControl") is True
    context.close()
    assert seen == []


def test_an_automated_browser_sends_nothing(browser: Any, insights_site: InsightsSite) -> None:
    context = browser.new_context()
    page = context.new_page()
    seen = collector_requests(page, insights_site)
    page.goto(f"{insights_site.base}/{ARTICLE['ja']}", wait_until="networkidle")
    assert page.evaluate("navigator.webdriver") is True
    context.close()
    assert seen == []


def test_without_an_endpoint_no_request_is_ever_made(
    browser: Any, server: str, demo_site: Path
) -> None:
    context = person(browser)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{server}{ARTICLE['ja']}", wait_until="networkidle")
    assert page.locator(".kb-feedback").count() == 0
    assert page.locator("#kb-insights-config").count() == 0
    context.close()
    assert not (demo_site / "assets/kb/insights.js").exists()
    assert [url for url in requests if "insights" in url or "/api/" in url] == []
    assert all(url.startswith(server) for url in requests)


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_widget_is_accessible_and_works_by_keyboard(
    browser: Any, insights_site: InsightsSite, language: str, width: int
) -> None:
    """axe-core finds nothing on an article with the widget, before and after "No", and a
    keyboard user reaches Yes/No, the reasons, the comment and Send with visible focus."""
    from .test_accessibility import FOCUS_SHOWN, violations

    context = person(browser)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{insights_site.base}/{ARTICLE[language]}", wait_until="networkidle")
    widget = page.locator(".kb-feedback")
    assert widget.is_visible()
    assert violations(page) == []

    def tab_to(selector: str) -> None:
        for _ in range(200):
            page.keyboard.press("Tab")
            if page.evaluate("s => document.activeElement.matches(s)", selector):
                page.wait_for_function(FOCUS_SHOWN, timeout=2000)  # and it shows
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to(".kb-feedback__no")
    page.keyboard.press("Enter")
    tab_to("input[name=reason]")
    page.keyboard.press("Space")
    tab_to(".kb-feedback__comment")
    page.keyboard.type("hard to follow")
    assert violations(page) == []
    tab_to(".kb-feedback__send")
    page.keyboard.press("Enter")
    assert widget.locator(".kb-feedback__thanks").is_visible()
    context.close()

"""Search as a merchant uses it: typed into the header box of the demo site, in each language."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from kb.site.search_text import segment

from .conftest import SEARCH_RECALL

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .conftest import Traffic

pytestmark = pytest.mark.browser

GOLDEN = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "search_queries.yml").read_text(encoding="utf-8")
)
ARTICLE = "payments/refund-a-payment/"
PREFIX = {"en": "", "ja": "ja/"}
MIN_RECALL = 0.95
BOX = ".kb-search input.md-search__input"


def search(page: Any, query: str) -> list[str]:
    """Clear the box, type `query` as a person would, and return the result URLs in order."""
    # Both language pages share a context; a background tab's timers are throttled.
    page.bring_to_front()
    box = page.locator(BOX)
    box.click()
    box.fill("")
    box.press_sequentially(query)
    # Playwright types CJK with insertText, which fires no keyup; a real IME commit does.
    box.press("End")
    page.wait_for_function(
        "q => document.querySelector('.kb-search').dataset.query === q", arg=query
    )
    urls: list[str] = page.eval_on_selector_all(
        ".md-search-result__item", "items => items.map(item => item.dataset.url)"
    )
    return urls


@pytest.fixture(scope="module")
def language_pages(browser: Any, server: str) -> Iterator[dict[str, Any]]:
    """One article page per language, reused across the module's queries."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pages = {}
    for language, prefix in PREFIX.items():
        page = context.new_page()
        page.goto(f"{server}{prefix}{ARTICLE}", wait_until="networkidle")
        pages[language] = page
    yield pages
    context.close()


@pytest.mark.parametrize("language", ["ja", "en"])
def test_golden_queries_find_the_article_in_the_top_five(
    language_pages: dict[str, Any], language: str
) -> None:
    page = language_pages[language]
    prefix = PREFIX[language]
    misses = []
    for entry in GOLDEN[language]:
        urls = search(page, entry["q"])
        other = [url for url in urls if url.startswith("/ja/") != (language == "ja")]
        assert other == [], f"{entry['q']!r} on a {language} page returned {other}"
        if f"/{prefix}{entry['expect']}/" not in urls[:5]:
            misses.append(f"{entry['q']!r} ({entry['kind']}): {urls[:5]}")
    total = len(GOLDEN[language])
    recall = (total - len(misses)) / total
    SEARCH_RECALL[language] = (
        f"search recall@5 [{language}]: {total - len(misses)}/{total} = {recall:.1%}"
        + "".join(f"\n  miss {miss}" for miss in misses)
    )
    assert recall >= MIN_RECALL, misses


@pytest.mark.parametrize("language", ["ja", "en"])
def test_golden_no_result_queries_show_the_no_results_state(
    language_pages: dict[str, Any], language: str
) -> None:
    page = language_pages[language]
    for query in GOLDEN["no_results"][language]:
        assert search(page, query) == [], query
        assert page.locator(".kb-search__empty").is_visible(), query


@pytest.mark.parametrize(
    ("language", "query"),
    [("ja", "refund"), ("ja", "Webhook"), ("en", "返金"), ("en", "チャージバック")],
)
def test_a_query_in_the_other_language_never_returns_its_pages(
    language_pages: dict[str, Any], language: str, query: str
) -> None:
    urls = search(language_pages[language], query)
    assert all(url.startswith("/ja/") == (language == "ja") for url in urls), urls


def test_a_result_shows_title_section_and_the_whole_compound_highlighted(
    language_pages: dict[str, Any],
) -> None:
    page = language_pages["ja"]
    urls = search(page, "手数料")
    assert "/ja/local-payments/bank-transfer-payments/" in urls
    item = page.locator(
        ".md-search-result__item[data-url='/ja/local-payments/bank-transfer-payments/']"
    )
    assert item.locator(".kb-search-result__title").inner_text() == "銀行振込で支払いを受け付ける"
    section = item.locator(".kb-search-result__section")
    assert section.get_attribute("href").startswith("/ja/local-payments/bank-transfer-payments/#")
    heading = section.locator(".kb-search-result__heading").inner_text()
    assert heading
    assert " " not in heading
    excerpt = item.locator(".kb-search-result__excerpt")
    marks = excerpt.locator("mark").all_inner_texts()
    assert marks
    assert set(marks) == {"手数料"}, marks
    assert item.locator(".kb-search-result__products .kb-chip").all_inner_texts() == [
        "コンビニ決済・銀行振込"
    ]


@pytest.mark.parametrize(
    ("language", "query", "product", "expect"),
    [
        ("ja", "返金", "terminal", "/ja/terminal/refund-in-person/"),
        ("en", "refund", "local-payments", "/local-payments/refund-konbini-payment/"),
    ],
)
def test_results_can_be_narrowed_to_a_product(
    language_pages: dict[str, Any],
    server: str,
    language: str,
    query: str,
    product: str,
    expect: str,
) -> None:
    page = language_pages[language]
    everything = search(page, query)
    page.select_option(".kb-search__product", product)
    page.wait_for_function(
        "p => document.querySelector('.kb-search').dataset.product === p", arg=product
    )
    narrowed = page.eval_on_selector_all(
        ".md-search-result__item", "items => items.map(item => item.dataset.url)"
    )
    page.select_option(".kb-search__product", "")
    page.wait_for_function("document.querySelector('.kb-search').dataset.product === ''")
    assert expect in narrowed
    assert 0 < len(narrowed) < len(everything)
    items = page.eval_on_selector_all(
        ".md-search-result__item", "items => items.map(item => item.dataset.products)"
    )
    assert len(items) == len(everything)
    for url in narrowed:
        page_html = page.request.get(server + url.lstrip("/")).text()
        assert f'data-product="{product}"' in page_html, url


def test_the_browser_segments_a_query_as_the_index_was(language_pages: dict[str, Any]) -> None:
    page = language_pages["ja"]
    texts = [
        "振込手数料は１，５００円です。",
        "ｺﾝﾋﾞﾆ決済の支払期限は3日後",
        "3Dセキュア・APIキー（テストモード）",
        "60〜75日 ※ 2023年10月1日",
        "請求書  を\u3000送る",
    ]
    in_browser = page.evaluate("texts => texts.map(t => window.kbSearch.segment(t))", texts)
    assert in_browser == [segment(text) for text in texts]
    joined = page.evaluate(
        "html => window.kbSearch.unsegment(html)",
        "振込 込手 <mark>手数</mark> <mark>数料</mark> 料は 1,500 円 。 TsubamePay の 請求",
    )
    assert joined == "振込<mark>手数料</mark>は1,500円。TsubamePayの請求"


def test_searching_loads_only_the_page_language_index_and_stays_on_loopback(
    page: Any, server: str, traffic: Traffic
) -> None:
    page.goto(f"{server}ja/{ARTICLE}", wait_until="networkidle")
    before = list(traffic.requests)
    assert not any("/pagefind/" in url for url in before), "Pagefind loads before a search"
    urls = search(page, "チャージバック")
    assert urls
    assert all(url.startswith("/ja/") for url in urls)
    page.wait_for_load_state("networkidle")
    fetched = [url for url in traffic.requests if "/pagefind/" in url]
    assert any(".ja_" in url or "/ja_" in url for url in fetched), fetched
    assert not any(".en_" in url or "/en_" in url for url in fetched), fetched
    assert not any("search_index.json" in url for url in traffic.requests)
    assert traffic.failures == []
    assert traffic.console_errors == []
    assert traffic.offsite(server) == []


def test_the_home_prompt_opens_the_search_box(page: Any, server: str) -> None:
    page.goto(f"{server}ja/", wait_until="networkidle")
    page.locator(".kb-search-hero").click()
    assert page.evaluate("document.getElementById('__search').checked")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    page.keyboard.type("入金")
    page.keyboard.press("End")
    page.wait_for_function("document.querySelector('.kb-search').dataset.query === '入金'")
    first = page.locator(".md-search-result__item > a").first
    first.click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{server}ja/")

"""What a Japanese merchant reads in search results: excerpts join back into the page's text."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

BOX = ".kb-search input.md-search__input"


def test_japanese_excerpts_never_double_a_character_where_a_heading_ends(
    page: Any, server: str
) -> None:
    page.goto(f"{server}ja/payments/refund-a-payment/", wait_until="networkidle")
    box = page.locator(BOX)
    box.click()
    box.press_sequentially("返金")
    box.press("End")  # Playwright types CJK with insertText, which fires no keyup
    page.wait_for_function(
        "q => document.querySelector('.kb-search').dataset.query === q", arg="返金"
    )
    excerpts = page.locator(".kb-search-result__excerpt").all_inner_texts()
    assert excerpts
    assert not [e for e in excerpts if "すする" in e or "する." in e], excerpts
    # The article's h1 and its first paragraph, as the page shows them, with a full stop between.
    assert any(e.startswith("決済を返金する。オンラインのカード決済") for e in excerpts), excerpts


def search_for(page: Any, query: str) -> None:
    box = page.locator(BOX)
    box.click()
    box.fill("")
    box.press_sequentially(query)
    box.press("End")
    page.wait_for_function(
        "q => document.querySelector('.kb-search').dataset.query === q", arg=query
    )


@pytest.mark.parametrize(
    ("prefix", "query", "says", "contact"),
    [
        ("ja/", "ぬぬぬぬ", "一致する記事はありません", "サポートへのお問い合わせ"),
        ("", "zzxqvj", "No matching articles", "Contact support"),
    ],
)
def test_a_search_with_no_results_says_so_and_offers_products_and_support(
    page: Any, server: str, prefix: str, query: str, says: str, contact: str
) -> None:
    page.goto(f"{server}{prefix}payments/refund-a-payment/", wait_until="networkidle")
    empty = page.locator(".kb-search__empty")
    search_for(page, "返金" if prefix else "refund")
    assert not empty.is_visible()  # results found: no empty state
    search_for(page, query)
    assert page.locator(".md-search-result__meta").inner_text() == says
    assert empty.is_visible()
    products = empty.locator(".kb-search__empty-products a")
    assert products.count() >= 8
    first = products.first.evaluate("a => a.href")
    assert first == f"{server}{prefix}products/payments/"
    link = empty.get_by_role("link", name=contact, exact=True)
    assert link.evaluate("a => a.href") == f"{server}{prefix}contact/"

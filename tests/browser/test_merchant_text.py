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

"""A merchant finds an article by product, in each language, and the switcher keeps the place."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("home", "product_name", "prefix"),
    [("ja/", "入金", "ja/"), ("", "Payouts", "")],
)
def test_home_card_to_article_and_chip_back(
    page: Any, server: str, home: str, product_name: str, prefix: str
) -> None:
    page.goto(server + home)
    page.locator(".kb-product-card", has_text=product_name).click()
    assert page.url == f"{server}{prefix}products/payouts/"
    assert page.locator("article h1").inner_text().strip() == product_name
    first = page.locator(".kb-article-list__item > a").first
    title = first.inner_text().strip()
    first.click()
    assert page.url.startswith(f"{server}{prefix}payouts/")
    assert page.locator("article h1").first.inner_text().rstrip("¶").strip() == title
    assert page.locator("html").get_attribute("lang") == (prefix.rstrip("/") or "en")
    page.locator(".kb-chip", has_text=product_name).first.click()
    assert page.url == f"{server}{prefix}products/payouts/"


@pytest.mark.parametrize(
    ("start", "language_name", "target"),
    [
        ("products/payouts/", "日本語", "ja/products/payouts/"),
        ("ja/products/payouts/", "English", "products/payouts/"),
    ],
)
def test_switcher_keeps_the_product_page(
    page: Any, server: str, start: str, language_name: str, target: str
) -> None:
    page.goto(server + start)
    page.locator(".md-header__option .md-select button").hover()
    page.get_by_role("link", name=language_name, exact=True).click()
    page.wait_for_load_state()
    assert page.url == server + target

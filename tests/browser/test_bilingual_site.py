"""What a bilingual help center must get right from day one, checked in headless Chromium."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .conftest import Traffic

pytestmark = pytest.mark.browser

ARTICLE = "payments/refund-a-payment/"


def open_page(page: Any, server: str, path: str) -> Any:
    response = page.goto(server + path, wait_until="networkidle")
    assert response is not None
    assert response.status == 200, f"{path}: HTTP {response.status}"
    return response


@pytest.mark.parametrize(
    ("start", "language_name", "target", "target_lang"),
    [
        (ARTICLE, "日本語", f"ja/{ARTICLE}", "ja"),
        (f"ja/{ARTICLE}", "English", ARTICLE, "en"),
    ],
)
def test_switcher_goes_to_the_same_article(
    page: Any, server: str, start: str, language_name: str, target: str, target_lang: str
) -> None:
    open_page(page, server, start)
    page.locator(".md-header__option .md-select button").hover()
    page.get_by_role("link", name=language_name, exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.url == server + target
    assert page.locator("html").get_attribute("lang") == target_lang


@pytest.mark.parametrize(
    ("path", "lang"), [(ARTICLE, "en"), (f"ja/{ARTICLE}", "ja"), ("", "en"), ("ja/", "ja")]
)
def test_html_lang_matches_the_page_language(page: Any, server: str, path: str, lang: str) -> None:
    open_page(page, server, path)
    assert page.locator("html").get_attribute("lang") == lang


@pytest.mark.parametrize("path", [ARTICLE, f"ja/{ARTICLE}"])
def test_head_has_absolute_hreflang_alternates(page: Any, server: str, path: str) -> None:
    open_page(page, server, path)
    links = page.eval_on_selector_all(
        "head link[rel=alternate][hreflang]",
        "els => els.map(e => [e.getAttribute('hreflang'), e.getAttribute('href')])",
    )
    assert dict(links) == {
        "en": f"https://help.tsubamepay.example/{ARTICLE}",
        "ja": f"https://help.tsubamepay.example/ja/{ARTICLE}",
        "x-default": f"https://help.tsubamepay.example/{ARTICLE}",
    }


@pytest.mark.parametrize(
    ("path", "lang", "heading"),
    [("404.html", "en", "Page not found"), ("ja/404.html", "ja", "ページが見つかりません")],
)
def test_each_language_has_its_own_404_page(
    page: Any, server: str, path: str, lang: str, heading: str
) -> None:
    open_page(page, server, path)
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("article h1").inner_text() == heading


def test_japanese_text_uses_a_japanese_font_and_nothing_leaves_loopback(
    page: Any, server: str, traffic: Traffic
) -> None:
    open_page(page, server, f"ja/{ARTICLE}")
    family = page.eval_on_selector("article h1", "e => getComputedStyle(e).fontFamily")
    assert "Noto Sans CJK JP" in family
    assert family.index("Noto Sans CJK JP") < family.index("sans-serif")
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    document = session.send("DOM.getDocument")
    node = session.send(
        "DOM.querySelector", {"nodeId": document["root"]["nodeId"], "selector": "article h1"}
    )
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
    used = {font["familyName"] for font in fonts}
    assert any("Noto Sans CJK JP" in name or "Noto Sans JP" in name for name in used), used
    assert traffic.offsite(server) == []


@pytest.mark.parametrize("path", [ARTICLE, f"ja/{ARTICLE}", "", "ja/"])
def test_pages_load_without_errors_or_missing_requests(
    page: Any, server: str, traffic: Traffic, path: str
) -> None:
    open_page(page, server, path)
    assert traffic.failures == []
    assert traffic.console_errors == []
    assert traffic.offsite(server) == []

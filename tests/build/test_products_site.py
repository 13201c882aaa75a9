"""The site organised around products: home cards, product pages, chips, breadcrumbs, related."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .test_site_build import EN_INDEX, JA_INDEX, digest_of

if TYPE_CHECKING:
    from collections.abc import Callable

    from .conftest import BuiltSite

pytestmark = pytest.mark.build


def article(title: str, products: str, body: str = "Text.", reviewed: str = "") -> str:
    extra = f"last_reviewed: {reviewed}\n" if reviewed else ""
    return (
        f"---\ntitle: {title}\ndescription: About {title}.\nproducts: {products}\n{extra}---\n\n"
        f"# {title}\n\n{body}\n"
    )


def translated(en: str, title: str, products: str, reviewed: str = "") -> str:
    extra = f"last_reviewed: {reviewed}\n" if reviewed else ""
    return (
        f"---\ntitle: {title}\ndescription: {title}について。\nproducts: {products}\n{extra}"
        f"source_digest: {digest_of(en)}\n---\n\n# {title}\n\n本文です。\n"
    )


def product_files() -> dict[str, str | bytes]:
    refunds = article("Refunds", "[payments]", reviewed="2026-11-25")
    schedule = article("Payout schedule", "[payouts, payments]")
    fees = article("Fees", "[payments]")
    return {
        "docs/en/index.md": EN_INDEX,
        "docs/ja/index.md": JA_INDEX,
        "docs/en/payments/refunds.md": refunds,
        "docs/ja/payments/refunds.md": translated(refunds, "返金", "[payments]", "2026-11-25"),
        "docs/en/payouts/schedule.md": schedule,
        "docs/ja/payouts/schedule.md": translated(
            schedule, "入金スケジュール", "[payouts, payments]"
        ),
        "docs/en/payments/fees.md": fees,  # not translated: served by fallback in Japanese
    }


def titles(site: BuiltSite, page: str, selector: str) -> list[str]:
    return [node.text(strip=True) for node in site.html(page).css(selector)]


def test_product_pages_list_exactly_their_articles_per_language(
    build_site: Callable[..., BuiltSite],
) -> None:
    site = build_site(product_files())
    assert titles(site, "products/payments/index.html", ".kb-article-list__item > a") == [
        "Fees",
        "Refunds",
        "Payout schedule",
    ]
    assert titles(site, "products/payouts/index.html", ".kb-article-list__item > a") == [
        "Payout schedule"
    ]
    assert titles(site, "ja/products/payments/index.html", ".kb-article-list__item > a") == [
        "Fees",
        "返金",
        "入金スケジュール",
    ]
    assert titles(site, "ja/products/payouts/index.html", ".kb-article-list__item > a") == [
        "入金スケジュール"
    ]
    ja = site.html("ja/products/payouts/index.html")
    assert ja.css_first("h1").text(strip=True) == "入金"
    assert ja.css_first(".kb-product__description").text(strip=True) == "売上を入金します。"


def test_product_page_links_resolve_to_the_language_pages(
    build_site: Callable[..., BuiltSite],
) -> None:
    site = build_site(product_files())
    links = [
        a.attributes["href"]
        for a in site.html("ja/products/payments/index.html").css(".kb-article-list__item > a")
    ]
    assert links == ["../../payments/fees/", "../../payments/refunds/", "../../payouts/schedule/"]
    for link in links:
        assert (site.site / "ja/products/payments" / link / "index.html").resolve().is_file()


def test_article_has_chips_breadcrumbs_related_and_review_date(
    build_site: Callable[..., BuiltSite],
) -> None:
    site = build_site(product_files())
    ja = site.html("ja/payouts/schedule/index.html")
    assert [a.text(strip=True) for a in ja.css(".kb-chip")] == ["入金", "カード決済"]
    assert [a.attributes["href"] for a in ja.css(".kb-chip")] == [
        "../../products/payouts/",
        "../../products/payments/",
    ]
    assert [a.text(strip=True) for a in ja.css(".kb-breadcrumbs a")] == ["ホーム", "入金"]
    assert [a.text(strip=True) for a in ja.css(".kb-related li > a")] == ["Fees", "返金"]
    en = site.html("payments/refunds/index.html")
    assert en.css_first(".kb-reviewed time").text() == "November 25, 2026"
    assert (
        site.html("ja/payments/refunds/index.html").css_first(".kb-reviewed time").text()
        == "2026年11月25日"
    )
    related = [a.text(strip=True) for a in en.css(".kb-related li > a")]
    assert "Refunds" not in related
    assert related == ["Fees", "Payout schedule"]


def test_fallback_article_sits_under_its_product_in_japanese(
    build_site: Callable[..., BuiltSite],
) -> None:
    site = build_site(product_files())
    ja = site.html("ja/payments/fees/index.html")
    assert [a.text(strip=True) for a in ja.css(".kb-chip")] == ["カード決済"]
    assert [a.text(strip=True) for a in ja.css(".kb-breadcrumbs a")] == ["ホーム", "カード決済"]


def test_home_has_product_cards_with_counts(build_site: Callable[..., BuiltSite]) -> None:
    site = build_site(product_files())
    cards = site.html("ja/index.html").css(".kb-product-card")
    assert [card.css_first(".kb-product-card__name").text() for card in cards] == [
        "カード決済",
        "入金",
    ]
    assert [card.css_first(".kb-product-card__count").text() for card in cards] == [
        "3件の記事",
        "1件の記事",
    ]
    assert site.html("index.html").css_first(".kb-search-hero") is not None


def test_navigation_lists_home_and_products_only(build_site: Callable[..., BuiltSite]) -> None:
    site = build_site(product_files())
    nav = site.html("ja/payments/refunds/index.html").css(
        ".md-nav--primary > .md-nav__list > .md-nav__item > .md-nav__link"
    )
    assert [node.text(strip=True) for node in nav] == ["ホーム", "カード決済", "入金"]


def test_switcher_on_a_product_page_stays_on_the_product(
    build_site: Callable[..., BuiltSite],
) -> None:
    site = build_site(product_files())
    links = {
        a.attributes["hreflang"]: a.attributes["href"]
        for a in site.html("ja/products/payouts/index.html").css(".md-select__link")
    }
    assert links == {"en": "../../../products/payouts/", "ja": "./"}


def test_status_page_shows_coverage_and_stays_out_of_navigation_and_indexes(
    build_site: Callable[..., BuiltSite],
) -> None:
    site = build_site(product_files())
    for path, heading in [
        ("status/index.html", "Translation status"),
        ("ja/status/index.html", "翻訳の状況"),
    ]:
        html = site.html(path)
        assert html.css_first("article h1").text() == heading
        assert html.css_first("meta[name=robots]").attributes["content"] == "noindex"
        bars = html.css("svg.kb-status-chart rect.kb-status-chart__bar")
        assert len(bars) == 2  # payments and payouts, for Japanese
        nav = [a.text(strip=True) for a in html.css(".md-nav--primary .md-nav__link")]
        assert heading not in nav
    rows = {
        row.css("td")[0].text(): [td.text() for td in row.css("td")[2:]]
        for row in site.html("ja/status/index.html").css("article table tbody tr")
    }
    # payments: fees (missing), refunds (translated), schedule (translated, secondary product)
    assert rows["カード決済"] == ["3", "2", "0", "1", "0", "0", "67%"]
    assert rows["入金"] == ["1", "1", "0", "0", "0", "0", "100%"]
    sitemap = (site.site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/status/" not in sitemap
    for path in ("status/index.html", "ja/status/index.html"):
        assert "data-pagefind-body" not in (site.site / path).read_text(encoding="utf-8")
    assert "data-pagefind-body" in (site.site / "ja/payments/refunds/index.html").read_text(
        encoding="utf-8"
    )


def test_a_written_related_section_and_kb_list_are_one_section(
    build_site: Callable[..., BuiltSite],
) -> None:
    files = product_files()
    body = (
        "Text.\n\n## Related articles\n\n"
        "- [Schedule first](../payouts/schedule.md)\n- [Itself](refunds.md)\n"
    )
    refunds = article("Refunds", "[payments]", body=body)
    files["docs/en/payments/refunds.md"] = refunds
    files["docs/ja/payments/refunds.md"] = translated(refunds, "返金", "[payments]").replace(
        "本文です。\n",
        "本文です。\n\n## 関連記事\n\n"
        "- [入金スケジュール](../payouts/schedule.md)\n- [この記事](refunds.md)\n",
    )
    site = build_site(files)
    for path, heading, expected in [
        ("payments/refunds/index.html", "Related articles", ["Schedule first", "Fees"]),
        ("ja/payments/refunds/index.html", "関連記事", ["入金スケジュール", "Fees"]),
    ]:
        html = site.html(path)
        sections = html.css(".kb-related")
        assert len(sections) == 1, path
        assert [h.text(strip=True) for h in html.css("article h2")].count(heading) == 1
        assert [a.text(strip=True) for a in sections[0].css("li > a")] == expected
        # The table of contents still leads to the section.
        assert html.css_first(".md-nav--secondary a[href='#related-articles']") is not None
        assert sections[0].css_first("h2").attributes["id"] == "related-articles"


def test_old_urls_and_product_folders_lead_to_their_new_pages_in_both_languages(
    build_site: Callable[..., BuiltSite],
) -> None:
    files = product_files()
    refunds = files["docs/en/payments/refunds.md"]
    assert isinstance(refunds, str)
    files["docs/en/payments/refunds.md"] = refunds.replace(
        "---\n", "---\nredirect_from: [payments/refund-a-payment.md]\n", 1
    )
    files["docs/ja/payments/refunds.md"] = translated(
        files["docs/en/payments/refunds.md"], "返金", "[payments]", "2026-11-25"
    )
    plugins = [
        {"search": {"lang": ["en", "ja"]}},
        {"i18n": {"docs_structure": "folder", "fallback_to_default": True, "languages": [
            {"locale": "en", "default": True, "name": "English", "build": True},
            {"locale": "ja", "name": "日本語", "build": True}]}},
        {"kb": {"taxonomy": "products.yml", "redirects": {
            "payouts/payout-calendar.md": "payouts/schedule.md",
            "payments/fees.md": "payments/refunds.md"}}},
    ]  # fmt: skip
    site = build_site(files, plugins=plugins)
    cases = [
        ("payments/refund-a-payment/", "../refunds/", "payments/refunds/"),
        ("payouts/payout-calendar/", "../schedule/", "payouts/schedule/"),
        ("payouts/", "../products/payouts/", "products/payouts/"),
        ("payments/", "../products/payments/", "products/payments/"),
    ]
    for prefix in ("", "ja/"):
        for old, relative, new in cases:
            html = site.html(f"{prefix}{old}index.html")
            refresh = html.css_first('meta[http-equiv="refresh"]')
            assert refresh is not None, f"{prefix}{old}"
            assert refresh.attributes["content"] == f"0; url={relative}"
            assert html.css_first("body a").attributes["href"] == relative
            canonical = html.css_first("link[rel=canonical]").attributes["href"]
            assert canonical == f"https://help.example.com/{prefix}{new}"
            assert html.css_first("meta[name=robots]").attributes["content"] == "noindex"
            assert html.css_first("html").attributes["lang"] == (prefix.rstrip("/") or "en")
            assert not html.css("script")
            assert not html.css("[data-pagefind-body]")
            assert (site.site / f"{prefix}{new}index.html").is_file()
    # A page that exists is never replaced by a redirect (fees is still an article).
    assert site.html("payments/fees/index.html").css_first("article h1").text().startswith("Fees")
    sitemap = (site.site / "sitemap.xml").read_text(encoding="utf-8")
    assert "refund-a-payment" not in sitemap
    assert "payout-calendar" not in sitemap


def test_every_article_ends_with_still_need_help_in_its_language(
    build_site: Callable[..., BuiltSite],
) -> None:
    files = product_files()
    contact = "---\ntitle: Contact\ndescription: Reach us.\nkind: page\n---\n\n# Contact\n\nHi.\n"
    files["docs/en/contact.md"] = contact
    site = build_site(files)
    for path, title, link in [
        ("payments/refunds/index.html", "Still need help?", "Contact support"),
        ("ja/payments/refunds/index.html", "解決しない場合", "サポートへのお問い合わせ"),
    ]:
        block = site.html(path).css_first("aside.kb-help")
        assert block is not None, path
        assert block.css_first("h2").text() == title
        anchor = block.css_first("a")
        assert anchor.text() == link
        assert anchor.attributes["href"] == "../../contact/"
        assert "9:00" in block.text()
    # Pages that are not articles (contact itself, the home page) do not get the block.
    assert site.html("contact/index.html").css_first("aside.kb-help") is None

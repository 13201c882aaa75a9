"""Real builds of tiny bilingual sites: what the kb plugin adds to Material + static-i18n."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

    from .conftest import BuiltSite

pytestmark = pytest.mark.build

EN_REFUNDS = """\
---
title: Refunds
description: Give money back.
products: [payments]
---

# Refunds

How refunds work.

## Partial refunds

Refund part of a payment.

## Refund timing

Five to ten business days.
"""

JA_REFUNDS = """\
---
title: 返金
description: 返金の方法です。
products: [payments]
source_digest: {digest}
---

# 返金

返金の仕組みです。

## 一部返金

支払いの一部を返金します。

## 返金のタイミング

5〜10営業日かかります。
"""

EN_INDEX = "---\ntitle: Help\ndescription: Home.\nkind: page\n---\n\n# Help\n\nWelcome.\n"
EN_PAYOUTS = """\
---
title: Payouts
description: Get paid.
products: [payouts]
---

# Payouts

See [partial refunds](../payments/refunds.md#partial-refunds).
"""


def digest_of(text: str) -> str:
    """The source_digest of an English article given as text."""
    from kb.digest import digest_text

    return digest_text(text)


JA_INDEX = (
    "---\ntitle: ヘルプ\ndescription: ホーム。\nkind: page\n"
    f"source_digest: {digest_of(EN_INDEX)}\n---\n\n# ヘルプ\n\nようこそ。\n"
)


def bilingual_files(*, stale: bool = False) -> dict[str, str | bytes]:
    digest = "000000000000" if stale else digest_of(EN_REFUNDS)
    return {
        "docs/en/index.md": EN_INDEX,
        "docs/ja/index.md": JA_INDEX,
        "docs/en/payments/refunds.md": EN_REFUNDS,
        "docs/ja/payments/refunds.md": JA_REFUNDS.format(digest=digest),
        "docs/en/payouts/payouts.md": EN_PAYOUTS,
    }


def test_both_languages_are_built(build_site: Callable[..., BuiltSite]) -> None:
    site = build_site(bilingual_files())
    for path in [
        "index.html",
        "ja/index.html",
        "payments/refunds/index.html",
        "ja/payments/refunds/index.html",
        "payouts/payouts/index.html",
        "ja/payouts/payouts/index.html",
        "404.html",
        "ja/404.html",
    ]:
        assert (site.site / path).is_file(), path


def test_japanese_headings_carry_the_english_ids(build_site: Callable[..., BuiltSite]) -> None:
    site = build_site(bilingual_files())
    ids = [
        h.attributes.get("id")
        for h in site.html("ja/payments/refunds/index.html").css("article h2")
    ]
    assert ids == ["partial-refunds", "refund-timing"]


def test_fallback_page_has_notice_english_lang_canonical_and_noindex(
    build_site: Callable[..., BuiltSite],
) -> None:
    site = build_site(bilingual_files())
    html = site.html("ja/payouts/payouts/index.html")
    notice = html.css_first(".kb-notice--untranslated")
    assert notice is not None
    assert "翻訳されていない" in notice.text()
    content = html.css_first(".kb-fallback-content")
    assert content is not None
    assert content.attributes["lang"] == "en"
    assert html.css_first("html").attributes["lang"] == "ja"
    canonical = html.css_first("link[rel=canonical]")
    assert canonical is not None
    assert canonical.attributes["href"] == "https://help.example.com/payouts/payouts/"
    assert html.css_first("meta[name=robots]").attributes["content"] == "noindex"
    hreflangs = {link.attributes["hreflang"] for link in html.css("link[rel=alternate][hreflang]")}
    assert hreflangs == {"en", "x-default"}


def test_translated_page_has_no_notice_and_both_alternates(
    build_site: Callable[..., BuiltSite],
) -> None:
    site = build_site(bilingual_files())
    html = site.html("ja/payments/refunds/index.html")
    assert html.css_first(".kb-notice") is None
    assert html.css_first("meta[name=robots]") is None
    alternates = {
        link.attributes["hreflang"]: link.attributes["href"]
        for link in html.css("link[rel=alternate][hreflang]")
    }
    assert alternates == {
        "en": "https://help.example.com/payments/refunds/",
        "ja": "https://help.example.com/ja/payments/refunds/",
        "x-default": "https://help.example.com/payments/refunds/",
    }


def test_stale_translation_links_to_the_english_version(
    build_site: Callable[..., BuiltSite],
) -> None:
    site = build_site(bilingual_files(stale=True))
    notice = site.html("ja/payments/refunds/index.html").css_first(".kb-notice--stale")
    assert notice is not None
    link = notice.css_first("a")
    assert link is not None
    assert link.attributes["href"] == "../../../payments/refunds/"
    assert link.attributes["hreflang"] == "en"


def test_japanese_only_article_does_not_advertise_english(
    build_site: Callable[..., BuiltSite], allowed_warnings: list[str]
) -> None:
    allowed_warnings.append("orphan-translation")
    files = bilingual_files()
    files["docs/ja/payments/campaign.md"] = (
        "---\ntitle: キャンペーン\ndescription: 日本だけの案内です。\nproducts: [payments]\n---\n\n"
        "# キャンペーン\n\n日本限定です。\n"
    )
    site = build_site(files)
    html = site.html("ja/payments/campaign/index.html")
    hreflangs = {link.attributes["hreflang"] for link in html.css("link[rel=alternate][hreflang]")}
    assert hreflangs == {"ja", "x-default"}
    switcher = {a.attributes["hreflang"]: a.text(strip=True) for a in html.css(".md-select__link")}
    assert switcher["en"] == "English（ホームページ）"


def test_each_finding_is_logged_once_although_i18n_builds_twice(
    build_site: Callable[..., BuiltSite],
) -> None:
    site = build_site(bilingual_files(stale=True))
    infos = site.kb_messages(logging.INFO)
    stale = [m for m in infos if "stale-translation" in m]
    missing = [m for m in infos if "missing-translation" in m]
    assert len(stale) == 1
    assert "docs/ja/payments/refunds.md:5: KB103 stale-translation" in stale[0]
    assert len(missing) == 1
    assert "docs/en/payouts/payouts.md" in missing[0]


def test_strict_build_aborts_on_an_error_finding(
    build_site: Callable[..., BuiltSite], allowed_warnings: list[str]
) -> None:
    from mkdocs.exceptions import Abort

    allowed_warnings.append("heading-mismatch")
    files = bilingual_files()
    files["docs/ja/payments/refunds.md"] = str(files["docs/ja/payments/refunds.md"]).replace(
        "## 返金のタイミング", "### 返金のタイミング"
    )
    with pytest.raises(Abort):
        build_site(files, strict=True)


def test_japanese_404_page_is_in_japanese(build_site: Callable[..., BuiltSite]) -> None:
    site = build_site(bilingual_files())
    english = site.html("404.html")
    japanese = site.html("ja/404.html")
    assert english.css_first("html").attributes["lang"] == "en"
    assert english.css_first("article h1").text() == "Page not found"
    assert japanese.css_first("html").attributes["lang"] == "ja"
    assert japanese.css_first("article h1").text() == "ページが見つかりません"


def test_fallback_pages_stay_out_of_the_sitemap_and_search(
    build_site: Callable[..., BuiltSite],
) -> None:
    site = build_site(bilingual_files())
    sitemap = (site.site / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://help.example.com/ja/payments/refunds/" in sitemap
    assert "<loc>https://help.example.com/ja/payouts/payouts/</loc>" not in sitemap
    index = (site.site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert '"location":"ja/payouts/payouts/' not in index.replace(" ", "")


def test_disabled_plugin_leaves_the_stock_build(build_site: Callable[..., BuiltSite]) -> None:
    config_plugins = [
        {"search": {"lang": ["en", "ja"]}},
        {
            "i18n": {
                "docs_structure": "folder",
                "languages": [
                    {"locale": "en", "default": True, "name": "English", "build": True},
                    {"locale": "ja", "name": "日本語", "build": True},
                ],
            }
        },
        {"kb": {"enabled": False}},
    ]
    site = build_site(bilingual_files(), plugins=config_plugins)
    assert site.html("ja/payouts/payouts/index.html").css_first(".kb-notice") is None
    assert site.kb_messages() == []


def test_broken_taxonomy_is_reported_with_file_and_line(
    build_site: Callable[..., BuiltSite], allowed_warnings: list[str]
) -> None:
    allowed_warnings.extend(["invalid-taxonomy", "unknown-product"])
    broken = "products:\n  - id: payments\n    icon: material/credit-card\n    name: {en: Cards}\n"
    site = build_site(bilingual_files(), products=broken)
    messages = [m for m in site.kb_messages(logging.WARNING) if "invalid-taxonomy" in m]
    assert messages
    assert all(m.startswith("kb: products.yml:") for m in messages)
    assert any("products.yml:4:" in m or "products.yml:2:" in m for m in messages)


GLOSSARY_YML = """\
terms:
  - en: payout
    ja: 入金
    forbidden: [ペイアウト]
    definition:
      en: Money sent to your bank account.
      ja: 銀行口座に振り込まれるお金です。
  - en: refund
    ja: 返金
    forbidden: []
    definition:
      en: Money given back to a customer.
      ja: 顧客に返すお金です。
"""
EN_GLOSSARY = (
    "---\ntitle: Glossary\ndescription: Terms.\nkind: page\nglossary: true\n---\n\n"
    "# Glossary\n\nThe words we use.\n"
)


def test_glossary_page_lists_every_term_in_each_language_and_is_in_the_navigation(
    build_site: Callable[..., BuiltSite],
) -> None:
    files = bilingual_files()
    files["glossary.yml"] = GLOSSARY_YML
    files["docs/en/glossary.md"] = EN_GLOSSARY
    files["docs/ja/glossary.md"] = (
        "---\ntitle: 用語集\ndescription: 用語です。\nkind: page\nglossary: true\n"
        f"source_digest: {digest_of(EN_GLOSSARY)}\n---\n\n# 用語集\n\n使う言葉です。\n"
    )
    site = build_site(files)
    english = site.html("glossary/index.html")
    assert [" ".join(dt.text().split()) for dt in english.css("article dt")] == [
        "payout (入金)",
        "refund (返金)",
    ]
    japanese = site.html("ja/glossary/index.html")
    assert [" ".join(dt.text().split()) for dt in japanese.css("article dt")] == [
        "入金（payout）",
        "返金（refund）",
    ]
    assert japanese.css_first("article dd").text(strip=True) == "銀行口座に振り込まれるお金です。"
    nav = japanese.css(".md-nav--primary > .md-nav__list > .md-nav__item > .md-nav__link")
    assert [node.text(strip=True) for node in nav][-1] == "用語集"


def test_live_preview_keeps_the_search_index_instead_of_rebuilding_it(
    build_site: Callable[..., BuiltSite], allowed_warnings: list[str]
) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    allowed_warnings.append("A 'dirty' build is being performed")
    site = build_site(bilingual_files())
    entry = site.site / "pagefind" / "pagefind-entry.json"
    assert entry.is_file()
    before = entry.stat().st_mtime_ns
    config = load_config(str(site.root / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=True)
    build(config, dirty=True)
    assert entry.stat().st_mtime_ns == before


def test_japanese_pages_get_catalogue_defaults_and_english_pages_keep_theirs(
    build_site: Callable[..., BuiltSite],
) -> None:
    files = bilingual_files()
    files["docs/en/payments/refunds.md"] = EN_REFUNDS + "\n!!! note\n    Keep the receipt.\n"
    files["docs/ja/payments/refunds.md"] = (
        JA_REFUNDS.format(digest=digest_of(files["docs/en/payments/refunds.md"]))
        + "\n!!! note\n    領収書を保管してください。\n"
    )
    files["docs/en/payouts/payouts.md"] = EN_PAYOUTS + "\n!!! tip\n    Check the date.\n"
    site = build_site(files)
    ja = site.html("ja/payments/refunds/index.html")
    assert [t.text() for t in ja.css(".admonition-title")] == ["メモ"]
    assert {a.attributes["title"] for a in ja.css("a.headerlink")} == {"この見出しへのリンク"}
    en = site.html("payments/refunds/index.html")
    assert [t.text() for t in en.css(".admonition-title")] == ["Note"]
    # A fallback copy is English content (lang="en"): its defaults stay English.
    fallback = site.html("ja/payouts/payouts/index.html")
    assert [t.text() for t in fallback.css(".kb-fallback-content .admonition-title")] == ["Tip"]


def test_the_sidebar_names_the_site_once_and_labels_the_home_entry_home(
    build_site: Callable[..., BuiltSite],
) -> None:
    site = build_site(bilingual_files())
    for path, home, site_name in [
        ("payments/refunds/index.html", "Home", "Fixture Help"),
        ("ja/payments/refunds/index.html", "ホーム", "Fixture Help"),
        ("ja/index.html", "ホーム", "Fixture Help"),
    ]:
        nav = site.html(path).css_first(".md-nav--primary")
        entries = nav.css(".md-nav__list > .md-nav__item > .md-nav__link")
        assert entries[0].text(strip=True) == home, path
        assert [n.text(strip=True) for n in nav.css("*")].count(site_name) <= 1, path
        assert nav.css_first(".md-nav__title").text(strip=True) == site_name
    # On the home page itself the entry is the current one, with its table of contents.
    current = site.html("ja/index.html").css_first(".md-nav--primary .md-nav__link--active")
    assert current is not None
    assert current.text(strip=True) == "ホーム"


def test_glossary_text_with_angle_brackets_shows_as_written_in_both_languages(
    build_site: Callable[..., BuiltSite],
) -> None:
    files = bilingual_files()
    files["glossary.yml"] = GLOSSARY_YML.replace(
        "Money sent to your bank account.", "'Shown as <b>bold</b>? No, 3 < 5 \\\\ stays.'"
    ).replace("銀行口座に振り込まれるお金です。", "'<b>入金</b>は3 < 5です。'")
    files["docs/en/glossary.md"] = EN_GLOSSARY
    files["docs/ja/glossary.md"] = (
        "---\ntitle: 用語集\ndescription: 用語です。\nkind: page\nglossary: true\n"
        f"source_digest: {digest_of(EN_GLOSSARY)}\n---\n\n# 用語集\n\n使う言葉です。\n"
    )
    site = build_site(files)
    english = site.html("glossary/index.html").css_first("article dd").text()
    assert english == "Shown as <b>bold</b>? No, 3 < 5 \\\\ stays."
    japanese = site.html("ja/glossary/index.html").css_first("article dd").text()
    assert japanese == "<b>入金</b>は3 < 5です。"

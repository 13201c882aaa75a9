"""Drafts and templates never reach merchants: a translation draft is served like a missing
translation, an English draft stays out of the site, and placeholders fail the strict build."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kb.articles import parse_article
from kb.placeholders import ARTICLE_TEMPLATE, DESCRIPTION_TEMPLATE
from kb.writes.draft import draft_translation

from .test_products_site import product_files, titles, translated
from .test_search_build import KB_ONLY, fragments
from .test_site_build import digest_of

if TYPE_CHECKING:
    from collections.abc import Callable

    from .conftest import BuiltSite

pytestmark = pytest.mark.build

INSTANT = "docs/en/payouts/instant.md"
INSTANT_EN = (
    "---\ntitle: Get paid instantly\ndescription: Instant payouts to a debit card.\n"
    "products: [payouts]\n---\n\n# Get paid instantly\n\nInstant payouts reach your card in "
    "minutes.\n\n## Before you start\n\nAdd a debit card.\n"
)
SECRET_EN = (
    "---\ntitle: Secret launch\ndescription: Not announced yet.\nproducts: [payouts, payments]\n"
    "draft: true\n---\n\n# Secret launch\n\nComing soon.\n"
)


def _draft_of(english: str, rel: str) -> str:
    """What `kb start-translation` writes for `english`."""
    loaded = parse_article(english.encode(), Path(rel), "en", rel, f"docs/en/{rel}")
    assert loaded.article is not None
    return draft_translation(loaded.article, "ja")


def draft_files() -> dict[str, str | bytes]:
    files = product_files()
    files[INSTANT] = INSTANT_EN
    files["docs/ja/payouts/instant.md"] = _draft_of(INSTANT_EN, "payouts/instant.md")
    files["docs/en/payouts/secret.md"] = SECRET_EN
    # A translation of an English draft is no more published than its source.
    files["docs/ja/payouts/secret.md"] = translated(SECRET_EN, "極秘", "[payouts, payments]")
    return files


@pytest.fixture
def drafts_site(build_site: Callable[..., BuiltSite], allowed_warnings: list[str]) -> BuiltSite:
    # The untouched draft's TODO(ja) markers are an error (the strict build would stop).
    allowed_warnings.append("KB314 placeholder")
    return build_site(draft_files(), plugins=KB_ONLY)


def test_the_draft_is_what_start_translation_writes() -> None:
    draft = _draft_of(INSTANT_EN, "payouts/instant.md")
    assert "\ndraft: true\n" in draft
    assert "source_digest" not in draft
    assert draft.count("TODO(ja)") >= 4


def test_a_translation_draft_is_served_like_a_missing_translation(drafts_site: BuiltSite) -> None:
    site = drafts_site
    assert any("docs/ja/payouts/instant.md:2: KB314 placeholder" in m for m in site.kb_messages())
    page = site.html("ja/payouts/instant/index.html")
    assert page.css_first("article h1").text(strip=True).startswith("Get paid instantly")
    assert page.css_first(".kb-notice--untranslated") is not None
    assert page.css_first(".kb-fallback-content").attributes["lang"] == "en"
    assert page.css_first("link[rel=canonical]").attributes["href"] == (
        "https://help.example.com/payouts/instant/"
    )
    assert page.css_first("meta[name=robots]").attributes["content"] == "noindex"
    assert "data-pagefind-body" not in page.html
    hreflangs = {link.attributes["hreflang"] for link in page.css("link[rel=alternate][hreflang]")}
    assert hreflangs == {"en", "x-default"}
    # Listed in Japanese as the English fallback, under the English title.
    assert "Get paid instantly" in titles(
        site, "ja/products/payouts/index.html", ".kb-article-list__item > a"
    )
    sitemap = (site.site / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://help.example.com/payouts/instant/" in sitemap
    assert "https://help.example.com/ja/payouts/instant/" not in sitemap
    searched = fragments(site)
    assert "/payouts/instant/" in searched
    assert "/ja/payouts/instant/" not in searched


def test_no_template_text_anywhere_in_the_site(drafts_site: BuiltSite) -> None:
    for path in drafts_site.site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt"):
            assert "TODO" not in path.read_text(encoding="utf-8"), path
    for url, fragment in fragments(drafts_site).items():
        assert "TODO" not in json.dumps(fragment, ensure_ascii=False), url


def test_an_english_draft_is_left_out_of_every_page_and_listing(drafts_site: BuiltSite) -> None:
    site = drafts_site
    for language in ("", "ja/"):
        assert not (site.site / f"{language}payouts/secret").exists()
        for product in ("payouts", "payments"):
            listed = titles(
                site, f"{language}products/{product}/index.html", ".kb-article-list__item > a"
            )
            assert listed, product
            assert "Secret launch" not in listed
            assert "極秘" not in listed
        related = titles(site, f"{language}payouts/schedule/index.html", ".kb-related li > a")
        assert related
        assert "Secret launch" not in related
        assert "極秘" not in related
    # Home cards count published articles only: payouts has schedule and instant.
    cards = site.html("index.html").css(".kb-product-card__count")
    assert [card.text() for card in cards] == ["3 articles", "2 articles"]
    sitemap = (site.site / "sitemap.xml").read_text(encoding="utf-8")
    assert "secret" not in sitemap
    assert not any("secret" in url for url in fragments(site))
    for path in site.site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "Secret launch" not in text, path
        assert "payouts/secret" not in text, path


def test_the_status_page_counts_the_draft_apart(drafts_site: BuiltSite) -> None:
    rows = {
        row.css("td")[0].text(): [td.text() for td in row.css("td")[2:]]
        for row in drafts_site.html("ja/status/index.html").css("article table tbody tr")
    }
    header = [th.text() for th in drafts_site.html("ja/status/index.html").css("article th")]
    assert "下書き" in header
    # articles, up to date, stale, missing, untracked, draft, coverage: the draft is not counted
    # as translated, and the English draft (secret) is not counted at all.
    assert rows["入金"] == ["2", "1", "0", "0", "0", "1", "50%"]


def test_mkdocs_serve_previews_an_english_draft_with_a_banner(
    build_site: Callable[..., BuiltSite], allowed_warnings: list[str]
) -> None:
    allowed_warnings.append("KB314 placeholder")
    site = build_site(draft_files(), plugins=KB_ONLY, serve_url="http://127.0.0.1:8000/")
    page = site.html("payouts/secret/index.html")
    banner = page.css_first(".kb-notice--draft")
    assert banner is not None
    assert banner.css_first(".admonition-title").text() == "Draft: not published"
    assert page.css_first("meta[name=robots]").attributes["content"] == "noindex"
    assert "data-pagefind-body" not in page.html
    # Still no listing shows it.
    assert "Secret launch" not in titles(
        site, "products/payouts/index.html", ".kb-article-list__item > a"
    )
    # The translator previews the Japanese draft, under the banner in Japanese.
    ja = site.html("ja/payouts/instant/index.html")
    assert (
        ja.css_first(".kb-notice--draft .admonition-title").text() == "下書き（公開されていません）"
    )
    assert ja.css_first(".kb-notice--untranslated") is None
    assert "TODO(ja)" in ja.css_first("article h1").text()


def test_an_english_article_with_placeholders_fails_the_strict_build(
    build_site: Callable[..., BuiltSite], allowed_warnings: list[str]
) -> None:
    from mkdocs.exceptions import Abort

    allowed_warnings.append("KB314 placeholder")
    files = product_files()
    files["docs/en/payouts/new.md"] = (
        f"---\ntitle: New\ndescription: {json.dumps(DESCRIPTION_TEMPLATE)}\n"
        "products: [payouts]\n---\n\n" + ARTICLE_TEMPLATE.format(title="New")
    )
    with pytest.raises(Abort):
        build_site(files, strict=True, plugins=KB_ONLY)


def test_a_published_article_alone_is_unchanged(
    build_site: Callable[..., BuiltSite],
) -> None:
    files = product_files()
    files[INSTANT] = INSTANT_EN
    files["docs/ja/payouts/instant.md"] = (
        "---\ntitle: 即時入金\ndescription: デビットカードに即時に入金します。\n"
        f"products: [payouts]\nsource_digest: {digest_of(INSTANT_EN)}\n---\n\n# 即時入金\n\n"
        "数分でカードに入金されます。\n\n## 始める前に {#before-you-start}\n\n"
        "デビットカードを登録します。\n"
    )
    site = build_site(files, plugins=KB_ONLY, strict=True)
    page = site.html("ja/payouts/instant/index.html")
    assert page.css_first("article h1").text(strip=True).startswith("即時入金")
    assert page.css_first(".kb-notice") is None
    assert "https://help.example.com/ja/payouts/instant/" in (site.site / "sitemap.xml").read_text(
        encoding="utf-8"
    )

"""The search index a build writes: one Pagefind index per language, only real articles."""

from __future__ import annotations

import gzip
import json
from typing import TYPE_CHECKING

import pytest

from kb.site.search_index import UNUSED_FILES

from .test_products_site import product_files

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from .conftest import BuiltSite

pytestmark = pytest.mark.build

KB_ONLY = [
    {
        "i18n": {
            "docs_structure": "folder",
            "fallback_to_default": True,
            "languages": [
                {"locale": "en", "default": True, "name": "English", "build": True},
                {"locale": "ja", "name": "日本語", "build": True},
            ],
        }
    },
    {"kb": {"taxonomy": "products.yml"}},
]


def fragments(site: BuiltSite) -> dict[str, dict[str, object]]:
    """Every indexed page's Pagefind fragment, by URL."""
    pages = {}
    for path in (site.site / "pagefind" / "fragment").iterdir():
        raw = gzip.decompress(path.read_bytes())
        fragment = json.loads(raw.removeprefix(b"pagefind_dcd"))
        pages[fragment["url"]] = fragment
    return pages


def entry(site: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    return data


def test_each_language_gets_its_own_index_of_its_own_articles(
    build_site: Callable[..., BuiltSite],
) -> None:
    site = build_site(product_files(), plugins=KB_ONLY)
    assert set(entry(site.site)["languages"]) == {"en", "ja"}  # type: ignore[arg-type]
    pages = fragments(site)
    assert sorted(pages) == [
        "/ja/payments/refunds/",
        "/ja/payouts/schedule/",
        "/payments/fees/",
        "/payments/refunds/",
        "/payouts/schedule/",
    ]
    assert not (site.site / "search" / "search_index.json").exists()
    assert "kb: Search index: en: 3, ja: 2 in pagefind/" in site.kb_messages()
    for name in UNUSED_FILES:
        assert not (site.site / "pagefind" / name).exists()


def test_japanese_is_indexed_as_bigrams_with_the_original_title_and_products(
    build_site: Callable[..., BuiltSite],
) -> None:
    site = build_site(product_files(), plugins=KB_ONLY)
    page = fragments(site)["/ja/payouts/schedule/"]
    assert page["meta"] == {"title": "入金スケジュール"}
    assert page["filters"] == {"product": ["payouts", "payments"]}
    content = str(page["content"])
    assert "入金 金ス スケ ケジ ジュ ュー ール" in content
    assert "ホーム" not in content  # breadcrumbs are not content
    assert "¶" not in content
    english = fragments(site)["/payouts/schedule/"]
    assert english["meta"] == {"title": "Payout schedule"}
    assert "Payout schedule" in str(english["content"])


def test_pages_carry_the_search_box_and_only_articles_are_marked_for_the_index(
    build_site: Callable[..., BuiltSite],
) -> None:
    site = build_site(product_files(), plugins=KB_ONLY)
    article = site.html("ja/payments/refunds/index.html")
    assert article.css_first(".kb-search input.md-search__input") is not None
    assert article.css_first("form[name=search]") is None  # Material would fetch its index
    settings = json.loads(article.css_first("#kb-search-config").text())
    assert settings["language"] == "ja"
    assert settings["segment"] is True
    assert settings["products"][:2] == [
        {"id": "payments", "name": "カード決済"},
        {"id": "payouts", "name": "入金"},
    ]
    assert article.css_first("[data-pagefind-body]") is not None
    for unindexed in (
        "ja/payments/fees/index.html",  # English shown under the Japanese URL
        "index.html",
        "ja/products/payouts/index.html",
        "ja/404.html",
    ):
        assert site.html(unindexed).css_first("[data-pagefind-body]") is None, unindexed
    assert site.html("ja/404.html").css_first(".kb-search") is not None


def test_search_off_leaves_no_index_and_no_box(build_site: Callable[..., BuiltSite]) -> None:
    plugins = [*KB_ONLY[:1], {"kb": {"taxonomy": "products.yml", "search": {"enabled": False}}}]
    site = build_site(product_files(), plugins=plugins)
    assert not (site.site / "pagefind").exists()
    assert site.html("payments/refunds/index.html").css_first(".kb-search") is None


def test_materials_search_box_is_replaced_when_both_are_configured(
    build_site: Callable[..., BuiltSite],
) -> None:
    site = build_site(product_files())  # the fixture keeps Material's search plugin
    page = site.html("payments/refunds/index.html")
    assert page.css_first(".kb-search") is not None
    assert page.css_first("form[name=search]") is None
    assert (site.site / "pagefind" / "pagefind.js").is_file()

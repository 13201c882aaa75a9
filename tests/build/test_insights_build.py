"""The build side of insights: a page manifest always; widget and tracker with an endpoint."""

from __future__ import annotations

import gzip
import json
import logging
from importlib import resources
from typing import TYPE_CHECKING, Any

import pytest

from kb.insights.manifest import load_manifest

from .test_products_site import product_files

if TYPE_CHECKING:
    from collections.abc import Callable

    from .conftest import BuiltSite

pytestmark = pytest.mark.build


def kb_plugins(**insights: Any) -> list[dict[str, Any]]:
    kb: dict[str, Any] = {"taxonomy": "products.yml"}
    if insights:
        kb["insights"] = insights
    return [
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
        {"kb": kb},
    ]


def contact_files() -> dict[str, str | bytes]:
    return {
        **product_files(),
        "docs/en/contact.md": "---\ntitle: Contact\nkind: page\n---\n\n# Contact\n",
    }


def test_the_manifest_lists_every_page_with_its_translation_state(
    build_site: Callable[..., BuiltSite],
) -> None:
    site = build_site(contact_files(), plugins=kb_plugins())
    manifest = load_manifest(site.site)
    pages = {
        path: (e.language, e.article, e.products, e.state) for path, e in manifest.pages.items()
    }
    assert pages["/payouts/schedule/"] == (
        "en",
        "payouts/schedule.md",
        ("payouts", "payments"),
        "source",
    )
    assert pages["/ja/payouts/schedule/"][3] == "current"
    assert pages["/ja/payments/fees/"] == ("ja", "payments/fees.md", ("payments",), "missing")
    assert pages["/ja/contact/"][3] == "missing"
    assert pages["/ja/products/payouts/"][3] == "generated"
    assert pages["/"][1] == "index.md"
    assert manifest.source_language == "en"
    assert manifest.contact == "contact.md"


def test_without_an_endpoint_there_is_no_widget_no_tracker_and_no_request(
    build_site: Callable[..., BuiltSite],
) -> None:
    site = build_site(contact_files(), plugins=kb_plugins())
    assert not (site.site / "assets/kb/insights.js").exists()
    for page in site.site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "insights" not in text, page
        assert "kb-feedback" not in text, page


def test_with_an_endpoint_articles_carry_the_widget_in_their_language(
    build_site: Callable[..., BuiltSite],
) -> None:
    endpoint = "https://collect.example/api/event"
    site = build_site(contact_files(), plugins=kb_plugins(endpoint=endpoint))
    assert (site.site / "assets/kb/insights.js").is_file()
    ja = site.html("ja/payments/refunds/index.html")
    widget = ja.css_first(".kb-feedback")
    assert widget is not None
    assert "hidden" in widget.attributes  # until the script shows it
    assert (
        widget.css_first(".kb-feedback__title").text(strip=True) == "この記事は役に立ちましたか？"
    )
    reasons = [n.attributes["value"] for n in widget.css("input[name=reason]")]
    assert reasons == ["not_answered", "unclear", "outdated", "translation", "other"]
    assert widget.css_first("textarea").attributes["maxlength"] == "500"
    assert "個人情報" in widget.css_first(".kb-feedback__privacy").text()
    assert widget.css_first(".kb-feedback__contact a").attributes["href"] == "../../contact/"
    en = site.html("payments/refunds/index.html")
    assert en.css_first(".kb-feedback__title").text(strip=True) == "Was this article helpful?"
    config = json.loads(en.css_first("script#kb-insights-config").text())
    assert config == {"endpoint": endpoint, "lang": "en"}
    assert en.css_first("script[src$='assets/kb/insights.js']") is not None
    # No inline script or style of insights: the site runs under script-src 'self'.
    assert en.css_first(".kb-feedback [style]") is None
    # Pages that are not articles count views but ask nothing.
    home = site.html("index.html")
    assert home.css_first(".kb-feedback") is None
    assert home.css_first("script#kb-insights-config") is not None
    assert site.html("products/payouts/index.html").css_first(".kb-feedback") is None
    # The policy the build writes lets the tracker reach the collector's origin, and no other.
    headers = (site.site / "_headers").read_text(encoding="utf-8")
    policy = next(line for line in headers.splitlines() if "Content-Security-Policy" in line)
    assert "; connect-src 'self' https://collect.example" in policy
    assert policy.count("https://") == 1


def test_a_same_origin_endpoint(build_site: Callable[..., BuiltSite]) -> None:
    site = build_site(product_files(), plugins=kb_plugins(endpoint="/api/event"))
    config = json.loads(site.html("ja/index.html").css_first("script#kb-insights-config").text())
    assert config == {"endpoint": "/api/event", "lang": "ja"}
    assert "connect-src" not in (site.site / "_headers").read_text(encoding="utf-8")


@pytest.mark.parametrize("endpoint", ["collect.example/api", "javascript:alert(1)", "//x.example/"])
def test_a_bad_endpoint_is_a_configuration_error(endpoint: str) -> None:
    from kb.site.plugin import KbPlugin

    plugin = KbPlugin()
    errors, _ = plugin.load_config({"insights": {"endpoint": endpoint}})
    assert errors
    assert "insights.endpoint" in str(errors[0][1])


def test_the_tracker_is_at_most_1_kb_gzipped() -> None:
    source = (resources.files("kb.site") / "templates/assets/kb/insights.js").read_bytes()
    assert len(gzip.compress(source, 9)) <= 1024


POPULAR_EN = (
    "---\ntitle: Help\ndescription: Home.\nkind: page\n---\n\n# Help\n\n## Popular articles\n\n"
    "- [Refunds](payments/refunds.md)\n- [Payout schedule](payouts/schedule.md)\n"
    "- [Fees](payments/fees.md)\n"
)


def popular_files(export: object) -> dict[str, str | bytes]:
    from .test_site_build import digest_of

    return {
        **contact_files(),
        "docs/en/index.md": POPULAR_EN,
        "docs/ja/index.md": (
            f"---\ntitle: ヘルプ\ndescription: ホーム。\nkind: page\n"
            f"source_digest: {digest_of(POPULAR_EN)}\n---\n\n# ヘルプ\n\n"
            "## よく読まれている記事\n\n"
            "- [返金](payments/refunds.md)\n- [入金スケジュール](payouts/schedule.md)\n"
            "- [手数料](payments/fees.md)\n"
        ),
        "insights.json": json.dumps(export),
    }


def home_links(site: BuiltSite, page: str) -> list[str]:
    return [str(a.attributes.get("href")) for a in site.html(page).css("article ul li a")]


def test_the_home_page_orders_popular_articles_by_the_exported_views(
    build_site: Callable[..., BuiltSite],
) -> None:
    export = {
        "version": 1,
        "popular": [
            {
                "page": "/payments/fees/",
                "language": "en",
                "article": "payments/fees.md",
                "views": 9,
            },
            {
                "page": "/ja/payouts/schedule/",
                "language": "ja",
                "article": "payouts/schedule.md",
                "views": 4,
            },
        ],
    }
    site = build_site(popular_files(export), plugins=kb_plugins(popular_from="insights.json"))
    assert home_links(site, "index.html") == [
        "payments/fees/",
        "payments/refunds/",
        "payouts/schedule/",
    ]
    assert home_links(site, "ja/index.html") == [
        "payouts/schedule/",
        "payments/refunds/",
        "payments/fees/",
    ]


def test_a_missing_export_is_one_warning_and_the_writers_order(
    build_site: Callable[..., BuiltSite], allowed_warnings: list[str]
) -> None:
    allowed_warnings.append("insights.popular_from")
    site = build_site(popular_files([]), plugins=kb_plugins(popular_from="none.json"))
    assert home_links(site, "index.html") == [
        "payments/refunds/",
        "payouts/schedule/",
        "payments/fees/",
    ]
    warnings = [m for m in site.kb_messages(logging.WARNING) if "popular_from" in m]
    assert len(warnings) == 1
    assert "none.json: no such file (the writers' order is kept)" in warnings[0]

"""The home page's popular articles ordered by the views of the last `kb insights` export."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from kb.insights.events import Event
from kb.insights.popular import PopularExport, order_popular, read_popular
from kb.insights.report import InsightsOptions, build_report
from kb.insights.store import DAY, open_store

if TYPE_CHECKING:
    from pathlib import Path

    from kb.insights.manifest import PageManifest

HOME = """# Help

Welcome.

## Popular articles

- [Refunds](payments/refunds.md)
- [Payout schedule](payouts/schedule.md)
- [Fees](payouts/fees.md#fees)

## Still need help?

- [Contact](contact.md)
"""


def items(markdown: str) -> list[str]:
    return [line for line in markdown.split("\n") if line.startswith("- [")]


def test_the_first_list_of_article_links_is_ordered_by_views_in_the_page_language() -> None:
    views = {("en", "payouts/fees.md"): 30, ("en", "payouts/schedule.md"): 5, ("ja", "x.md"): 99}
    ordered = order_popular(HOME, "en", views)
    assert items(ordered) == [
        "- [Fees](payouts/fees.md#fees)",
        "- [Payout schedule](payouts/schedule.md)",
        "- [Refunds](payments/refunds.md)",  # no views: the writers' place after the others
        "- [Contact](contact.md)",  # another list: untouched
    ]
    assert ordered.replace("\n", "") != HOME.replace("\n", "")
    assert sorted(ordered.split("\n")) == sorted(HOME.split("\n"))
    # Other languages' views do not count; no views at all keeps the writers' order.
    assert order_popular(HOME, "ja", views) == HOME
    assert order_popular(HOME, "en", {}) == HOME
    # Ties keep the writers' order.
    tied = {("en", "payouts/fees.md"): 1, ("en", "payments/refunds.md"): 1}
    assert items(order_popular(HOME, "en", tied))[:3] == [
        "- [Refunds](payments/refunds.md)",
        "- [Fees](payouts/fees.md#fees)",
        "- [Payout schedule](payouts/schedule.md)",
    ]


def test_links_are_resolved_from_the_page_folder() -> None:
    markdown = "- [A](../payouts/a.md)\n- [B](b.md)\n"
    assert order_popular(markdown, "en", {("en", "payouts/a.md"): 3}, "guides") == markdown
    views = {("en", "payouts/a.md"): 3, ("en", "guides/b.md"): 4}
    assert order_popular(markdown, "en", views, "guides") == "- [B](b.md)\n- [A](../payouts/a.md)\n"


def export(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "insights.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_an_export_is_read_and_bad_files_are_one_warning(tmp_path: Path) -> None:
    rows = [
        {"page": "/payouts/fees/", "language": "en", "article": "payouts/fees.md", "views": 30},
        {"page": "/ja/", "language": "ja", "article": "index.md", "views": 2},
        {"language": "en", "article": "bad.md", "views": "many"},
        "junk",
    ]
    assert read_popular(export(tmp_path, {"version": 1, "popular": rows})) == PopularExport(
        {("en", "payouts/fees.md"): 30, ("ja", "index.md"): 2}
    )
    missing = read_popular(tmp_path / "none.json")
    assert missing.views == {}
    assert missing.warning == f"{tmp_path / 'none.json'}: no such file (the writers' order is kept)"
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_bytes(b"{not json \xff")
    assert read_popular(corrupt).warning == f"{corrupt}: not JSON (the writers' order is kept)"
    for foreign in ([1, 2], {"version": 2, "popular": []}, {"version": 1, "trends": []}):
        found = read_popular(export(tmp_path, foreign))
        assert found.views == {}
        assert found.warning is not None
        assert "not a kb insights JSON export with popular pages" in found.warning
    folder = tmp_path / "folder.json"
    folder.mkdir()
    assert "IsADirectoryError" in (read_popular(folder).warning or "")


@pytest.mark.parametrize("store_url", ["sqlite", "postgresql"], indirect=True)
def test_the_report_exports_every_article_page_with_views(
    store_url: str, manifest: PageManifest
) -> None:
    now = 1_780_000_000
    store = open_store(store_url)
    try:
        store.migrate()
        store.save_pages(manifest)
        events = [
            *[Event("view", "/payouts/fees/", "en", now) for _ in range(3)],
            *[Event("view", "/ja/payouts/schedule/", "ja", now) for _ in range(2)],
            Event("view", "/payments/refunds/", "en", now - 40 * DAY),  # out of the window
            *[Event("view", "/contact/", "en", now, referrer="/payouts/fees/") for _ in range(9)],
        ]
        store.write(events)
        report = build_report(store, InsightsOptions(now=now))
        assert report["popular"] == [
            {"page": "/payouts/fees/", "language": "en", "article": "payouts/fees.md", "views": 3},
            {
                "page": "/ja/payouts/schedule/",
                "language": "ja",
                "article": "payouts/schedule.md",
                "views": 2,
            },
        ]
        ja = build_report(store, InsightsOptions(now=now, language="ja"))
        assert [row["page"] for row in ja["popular"]] == ["/ja/payouts/schedule/"]
    finally:
        store.close()

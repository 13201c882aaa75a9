"""`kb insights` on a fixed set of events: exact rankings, in every format, escaped."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest

from kb.insights.events import Event, scrub_event
from kb.insights.report import InsightsOptions, TwinState, build_report, wilson_lower_bound
from kb.insights.report_formats import FORMATS, render
from kb.insights.store import DAY, open_store

if TYPE_CHECKING:
    from collections.abc import Iterator

    from kb.insights.manifest import PageManifest
    from kb.insights.store import EventStore

NOW = 1_780_000_000 + DAY // 2
COMMENT = "<!-- hidden --><script>alert(1)</script> call me 090-1234-5678"


def many(n: int, event: Event, ts: int = NOW) -> list[Event]:
    return [scrub_event(event, ts) for _ in range(n)]


def votes(page: str, language: str, helpful: int, unhelpful: int, **no: Any) -> list[Event]:
    yes = Event("vote", page, language, helpful=True)
    return many(helpful, yes) + many(unhelpful, Event("vote", page, language, helpful=False, **no))


def view(page: str, language: str, referrer: str | None = None) -> Event:
    return Event("view", page, language, referrer=referrer)


def search(query: str, language: str, results: int, product: str | None = None) -> Event:
    return Event(
        "search",
        "/ja/" if language == "ja" else "/",
        language,
        query=query,
        results=results,
        product=product,
    )


def fixed_events() -> list[Event]:
    return [
        *votes("/payments/refunds/", "en", 2, 8, reason="not_answered"),
        *votes("/payouts/schedule/", "en", 8, 2),
        *votes("/ja/payouts/schedule/", "ja", 1, 2, reason="translation"),
        *votes("/ja/payouts/schedule/", "ja", 0, 2, reason="outdated"),
        *votes("/ja/payouts/schedule/", "ja", 0, 1, reason="translation", comment=COMMENT),
        *votes("/payouts/fees/", "en", 0, 3),  # too few votes to rank
        *many(100, view("/payments/refunds/", "en")),
        *many(50, view("/payouts/schedule/", "en")),
        *many(25, view("/payouts/schedule/", "en"), ts=NOW - 8 * DAY),
        *many(30, view("/ja/payouts/schedule/", "ja")),
        *many(40, view("/ja/payouts/fees/", "ja")),
        *many(10, view("/contact/", "en", "/payments/refunds/")),
        *many(10, view("/contact/", "en", "/payouts/schedule/")),
        *many(5, view("/payments/refunds/", "en"), ts=NOW - 40 * DAY),  # outside 30 days
        # One Japanese query typed three ways: full-width space, half-width kana, spaces.
        *many(2, search("入金　スケジュール", "ja", 0)),
        *many(1, search("入金 ｽｹｼﾞｭｰﾙ", "ja", 0)),
        *many(1, search("  入金   スケジュール ", "ja", 0)),
        *many(2, search("パス", "ja", 0)),
        *many(1, search("バス", "ja", 0)),
        *many(3, search("Payout fees", "en", 0, "payouts")),
        *many(4, search("refund", "en", 5)),
        *many(3, search("Payout schedule", "en", 2)),
        *many(1, Event("click", "/", "en", query="refund", rank=2, target="/payments/refunds/")),
        *many(
            3,
            Event("click", "/", "en", query="payout schedule", rank=1, target="/payouts/schedule/"),
        ),
    ]


@pytest.fixture
def store(store_url: str, manifest: PageManifest) -> Iterator[EventStore]:
    store = open_store(store_url)
    store.migrate()
    store.save_pages(manifest)
    store.write(fixed_events())
    yield store
    store.close()


def report(store: EventStore, **options: Any) -> dict[str, Any]:
    return build_report(store, InsightsOptions(now=NOW, **options))


def test_articles_to_fix_by_wilson_lower_bound(store: EventStore) -> None:
    rows = report(store)["articles_to_fix"]
    assert [(r["page"], r["votes"], r["helpful"]) for r in rows] == [
        ("/ja/payouts/schedule/", 6, 1),
        ("/payments/refunds/", 10, 2),
        ("/payouts/schedule/", 10, 8),
    ]
    assert rows[0]["score"] == round(wilson_lower_bound(1, 6), 4)
    assert rows[0]["reasons"] == {"translation": 3, "outdated": 2}
    assert rows[0]["comments"] == ["<!-- hidden --><script>alert(1)</script> call me [phone]"]
    assert rows[0]["article"] == "payouts/schedule.md"
    assert rows[1]["views"] == 100  # the 5 older views are outside the window


def test_min_votes(store: EventStore) -> None:
    pages = [r["page"] for r in report(store, min_votes=3)["articles_to_fix"]]
    assert pages[0] == "/payouts/fees/"
    assert [r["page"] for r in report(store, min_votes=7)["articles_to_fix"]] == [
        "/payments/refunds/",
        "/payouts/schedule/",
    ]


def test_zero_result_queries_are_grouped_after_normalisation(store: EventStore) -> None:
    rows = report(store)["zero_result_queries"]
    assert rows == [
        {"language": "ja", "query": "入金 スケジュール", "searches": 4, "product": None},
        {"language": "en", "query": "payout fees", "searches": 3, "product": "payouts"},
        {"language": "ja", "query": "パス", "searches": 2, "product": None},
        {"language": "ja", "query": "バス", "searches": 1, "product": None},
    ]


def test_low_click_through_queries(store: EventStore) -> None:
    rows = report(store)["low_ctr_queries"]
    assert [(r["query"], r["searches"], r["clicks"], r["ctr"]) for r in rows] == [
        ("refund", 4, 1, 0.25),
        ("payout schedule", 3, 3, 1.0),
    ]


def test_translate_next_joins_kb_status(store: EventStore) -> None:
    without = report(store)["translation_priorities"]
    assert [(r["ja_page"], r["ja_views"], r["state"], r["priority"]) for r in without] == [
        ("/ja/payouts/fees/", 40, "missing", 80.0),
        ("/ja/payouts/schedule/", 30, "stale", 30.0),
    ]
    twins = {("ja", "payouts/schedule.md"): TwinState("stale", 60)}
    joined = build_report(store, InsightsOptions(now=NOW), twins)["translation_priorities"]
    assert [(r["article"], r["stale_days"], r["priority"]) for r in joined] == [
        ("payouts/schedule.md", 60, 90.0),
        ("payouts/fees.md", None, 80.0),
    ]
    # The status core says it has been translated since the build: no longer a priority.
    current = {("ja", "payouts/schedule.md"): TwinState("current")}
    assert [
        r["article"]
        for r in build_report(store, InsightsOptions(now=NOW), current)["translation_priorities"]
    ] == ["payouts/fees.md"]


def test_contact_rate_worst_first(store: EventStore) -> None:
    rows = report(store)["contact_rate"]
    assert [(r["page"], r["views"], r["contacts"], r["rate"]) for r in rows] == [
        ("/payouts/schedule/", 75, 10, 0.1333),
        ("/payments/refunds/", 100, 10, 0.1),
    ]


def test_trends_week_over_week_per_product(store: EventStore) -> None:
    trends = {row["product"]: row for row in report(store)["trends"]}
    assert sorted(trends) == ["payments", "payouts"]
    payouts = trends["payouts"]
    assert (payouts["views"], payouts["views_previous"], payouts["views_change"]) == (
        120,
        25,
        380.0,
    )
    assert payouts["zero_results"] == 3
    assert trends["payments"]["views_change"] is None
    assert trends["payments"]["helpful_rate"] == 0.2


def test_filters(store: EventStore) -> None:
    ja = report(store, language="ja")
    assert [r["page"] for r in ja["articles_to_fix"]] == ["/ja/payouts/schedule/"]
    assert {r["language"] for r in ja["zero_result_queries"]} == {"ja"}
    payments = report(store, product="payments")
    assert [r["page"] for r in payments["articles_to_fix"]] == ["/payments/refunds/"]
    assert payments["translation_priorities"] == []
    assert [t["product"] for t in payments["trends"]] == ["payments"]


def test_json_document(store: EventStore) -> None:
    data = json.loads(render(report(store), "json"))
    assert data["version"] == 1
    for key in (
        "articles_to_fix",
        "zero_result_queries",
        "translation_priorities",
        "contact_rate",
        "trends",
    ):
        assert key in data
    assert set(data["articles_to_fix"][0]) >= {
        "page",
        "language",
        "article",
        "views",
        "votes",
        "helpful",
        "score",
        "reasons",
    }
    assert set(data["zero_result_queries"][0]) == {"language", "query", "searches", "product"}
    assert set(data["translation_priorities"][0]) >= {
        "article",
        "ja_page",
        "ja_views",
        "state",
        "stale_days",
    }


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_format_escapes_merchants_text(
    store: EventStore, output_format: str, language: str
) -> None:
    text = render(report(store), output_format, language)
    assert "入金 スケジュール" in text
    if output_format == "text":
        assert "<!-- hidden --><script>alert(1)</script> call me [phone]" in text
        assert "\x1b" not in text
    else:
        assert "<!--" not in text
        assert "<script" not in text
    if output_format in ("markdown", "html"):
        assert "&lt;!-- hidden --&gt;&lt;script&gt;" in text
    if output_format == "json":
        assert json.loads(text)["articles_to_fix"][0]["comments"][0].startswith("<!-- hidden")


def test_html_is_one_page_with_charts_in_the_reports_language(store: EventStore) -> None:
    page = render(report(store), "html", "ja")
    assert page.startswith("<!doctype html>")
    assert '<html lang="ja">' in page
    assert "改善が必要な記事" in page
    assert page.count("<svg") == 3
    assert 'name="viewport"' in page
    assert "<script" not in page
    assert "src=" not in page
    assert "href=" not in page


def test_an_empty_store_reports_nothing(store_url: str, manifest: PageManifest) -> None:
    store = open_store(store_url)
    try:
        store.migrate()
        data = build_report(store, InsightsOptions(now=NOW))
        assert data["articles_to_fix"] == []
        assert data["trends"] == []
        assert "Nothing to report." in render(data, "text")
    finally:
        store.close()


def test_a_hostile_comment_in_a_table_cell(store: EventStore) -> None:
    hostile = replace(
        scrub_event(
            Event(
                "vote",
                "/payments/refunds/",
                "en",
                helpful=False,
                comment="a | b\n| c |\r\n<img src=x onerror=alert(1)>",
            ),
            NOW,
        )
    )
    store.write([hostile])
    markdown = render(report(store), "markdown")
    row = next(line for line in markdown.splitlines() if line.startswith("| /payments/refunds/"))
    assert row.count(" | ") == 6  # page, views, votes, helpful, score, reasons, comments
    assert "<img" not in markdown

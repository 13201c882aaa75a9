"""Weekly rollups: kept with the daily ones, built from them by the migration to schema 2, and
a report reading whole weeks from them equals one reading every day from the daily rollups."""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.insights.events import Event
from kb.insights.report import InsightsOptions, build_report, summed_rollups, window_weeks
from kb.insights.store import (
    _MIGRATIONS,
    _UPSERT_DAILY,
    DAY,
    SCHEMA_VERSION,
    StoreError,
    open_store,
    rollup,
    week_of,
    weekly_rollup,
)

if TYPE_CHECKING:
    from kb.insights.manifest import PageManifest
    from kb.insights.store import EventStore

T0 = 1_780_000_000
"""On a Thursday (UTC): the windows below start and end inside weeks."""
DAYS = 40
PRODUCTS = (None, "payments", "payouts")
QUERIES = ("refund", "payout", "返金", "入金 日", "fees")


def random_events(seed: int, manifest: PageManifest, count: int = 3000) -> list[Event]:
    """Events of every kind on the manifest's pages over `DAYS` days, at random times."""
    rng = random.Random(seed)
    pages = sorted(manifest.pages.values(), key=lambda page: page.path)
    articles = [page for page in pages if page.article != "contact.md"]
    contact = {page.language: page.path for page in pages if page.article == "contact.md"}
    events = []
    for _ in range(count):
        page = rng.choice(articles)
        ts = T0 + rng.randrange(DAYS * DAY)
        kind = rng.random()
        if kind < 0.4:
            events.append(Event("view", page.path, page.language, ts))
        elif kind < 0.5:
            events.append(
                Event("view", contact[page.language], page.language, ts, referrer=page.path)
            )
        elif kind < 0.7:
            helpful = rng.random() < 0.5
            reason = None if helpful else rng.choice(("unclear", "outdated", "other"))
            events.append(
                Event("vote", page.path, page.language, ts, helpful=helpful, reason=reason)
            )
        elif kind < 0.9:
            query = rng.choice(QUERIES)
            events.append(
                Event(
                    "search",
                    page.path,
                    page.language,
                    ts,
                    query=query,
                    query_key=query,
                    results=rng.choice((0, 0, 1, 5)),
                    product=rng.choice(PRODUCTS),
                )
            )
        else:
            query = rng.choice(QUERIES)
            events.append(
                Event(
                    "click",
                    page.path,
                    page.language,
                    ts,
                    query=query,
                    query_key=query,
                    rank=1,
                    target=page.path,
                )
            )
    return events


def filled(store_url: str, manifest: PageManifest, events: list[Event]) -> EventStore:
    store = open_store(store_url)
    store.migrate()
    store.save_pages(manifest)
    for start in range(0, len(events), 500):  # batches that straddle days and weeks
        store.write(events[start : start + 500])
    return store


def test_week_of_is_the_iso_monday() -> None:
    for day in range(T0 // DAY - 10, T0 // DAY + 10):
        date = dt.date(1970, 1, 1) + dt.timedelta(days=day)
        monday = dt.date(1970, 1, 1) + dt.timedelta(days=week_of(day))
        assert monday.isoweekday() == 1
        assert monday.isocalendar()[:2] == date.isocalendar()[:2]


@given(first=st.integers(20_000, 20_100), length=st.integers(1, 400))
def test_window_weeks_are_whole_weeks_inside_the_window(first: int, length: int) -> None:
    last = first + length - 1
    weeks = window_weeks(first, last)
    if weeks is None:
        # No Monday..Sunday fits.
        assert all(week_of(d) < first or week_of(d) + 6 > last for d in range(first, last + 1))
        return
    start, end = weeks
    assert week_of(start) == start
    assert week_of(end) == end
    assert first <= start < first + 7
    assert last - 13 < end <= last - 6


@pytest.mark.parametrize("store_url", ["sqlite", "postgresql"], indirect=True)
def test_the_weekly_rollups_are_the_daily_ones_summed_by_week(
    store_url: str, manifest: PageManifest
) -> None:
    store = filled(store_url, manifest, random_events(1, manifest))
    try:
        daily = store.rows("SELECT * FROM daily ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10")
        weekly = store.rows("SELECT * FROM weekly ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10")
        assert [tuple(row) for row in weekly] == weekly_rollup(daily)
        assert len(weekly) < len(daily)
        # Retention deletes raw events only: both rollups stay.
        store.prune(T0 + DAYS * DAY)
        assert store.rows("SELECT COUNT(*) FROM events") == [(0,)]
        assert store.rows("SELECT SUM(n) FROM daily") == store.rows("SELECT SUM(n) FROM weekly")
        assert int(store.rows("SELECT SUM(n) FROM weekly")[0][0]) == 3000
    finally:
        store.close()


def _report(store: EventStore, now: int, since: int, weekly: bool, **more: Any) -> dict[str, Any]:
    options = InsightsOptions(since_days=since, now=now, weekly=weekly, min_votes=2, **more)
    return build_report(store, options)


@pytest.mark.parametrize("store_url", ["sqlite", "postgresql"], indirect=True)
def test_reading_whole_weeks_equals_reading_every_day(
    store_url: str, manifest: PageManifest
) -> None:
    store = filled(store_url, manifest, random_events(2, manifest))
    first_day = T0 // DAY
    try:

        @settings(max_examples=40, deadline=None)
        @given(
            last=st.integers(first_day - 3, first_day + DAYS + 3),
            since=st.integers(1, DAYS + 10),
            language=st.sampled_from((None, "ja")),
            product=st.sampled_from((None, "payouts")),
        )
        def check(last: int, since: int, language: str | None, product: str | None) -> None:
            first = last - since + 1
            daily = sorted(summed_rollups(store, first, last, weekly=False))
            assert sorted(summed_rollups(store, first, last, weekly=True)) == daily
            now = last * DAY + DAY // 3
            more = {"language": language, "product": product, "limit": 100}
            assert _report(store, now, since, True, **more) == _report(
                store, now, since, False, **more
            )

        check()
        if store.dialect == "postgresql":
            # The report's sums are hashed in memory, not sorted on disk.
            assert store.rows("SHOW work_mem") == [("64MB",)]
        # A long window that does not start or end on a week's edge reads the weekly rows.
        last = first_day + DAYS - 3
        assert week_of(last) != last - 6
        assert window_weeks(last - 29, last) is not None
        report = _report(store, last * DAY, 30, True)
        assert report["articles_to_fix"]
        assert report["zero_result_queries"]
        assert report == _report(store, last * DAY, 30, False)
    finally:
        store.close()


def index_names(store: EventStore) -> set[str]:
    if store.dialect == "sqlite":
        found = store.rows("SELECT name FROM sqlite_master WHERE type = 'index'")
    else:
        found = store.rows("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
    return {str(row[0]) for row in found}


def _version_1(store_url: str, manifest: PageManifest, events: list[Event]) -> EventStore:
    """A database as kb made it at schema version 1: daily rollups only."""
    store = open_store(store_url)
    for statement in _MIGRATIONS[1]:
        options = "WITHOUT ROWID" if store.dialect == "sqlite" else ""
        store.rows(statement.replace("TABLE_OPTIONS", options))
    store.rows("INSERT INTO settings (key, value) VALUES ('schema_version', '1')")
    store.save_pages(manifest)
    for start in range(0, len(events), 500):
        rows = rollup(events[start : start + 500], frozenset({"/contact/", "/ja/contact/"}))
        store._executemany(_UPSERT_DAILY, rows)
        store.commit()
    return store


@pytest.mark.parametrize("store_url", ["sqlite", "postgresql"], indirect=True)
def test_the_migration_to_version_2_builds_the_weekly_rollups(
    store_url: str, manifest: PageManifest
) -> None:
    events = random_events(3, manifest)
    old = _version_1(store_url, manifest, events)
    try:
        assert old.schema_version() == 1
        assert "events_comments" in index_names(old)
        assert old.rows("SELECT COUNT(*) FROM daily") != [(0,)]
        # Before a collector migrates it, the report reads every day from the daily rollups.
        last = T0 // DAY + DAYS - 3
        before = _report(old, last * DAY, 31, True)
        assert before["articles_to_fix"]
        assert old.migrate() == SCHEMA_VERSION == 2
        assert old.schema_version() == 2
        daily = old.rows("SELECT * FROM daily ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10")
        weekly = old.rows("SELECT * FROM weekly ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10")
        assert [tuple(row) for row in weekly] == weekly_rollup(daily)
        # Recent comments are found by their own index (not by walking every event by time).
        assert index_names(old) >= {"events_ts", "events_recent_comments"}
        assert "events_comments" not in index_names(old)
        assert _report(old, last * DAY, 31, True) == before
        # The migrated database keeps collecting into both rollups.
        old.write(random_events(4, manifest, 100))
        assert old.rows("SELECT SUM(n) FROM weekly") == old.rows("SELECT SUM(n) FROM daily")
        assert _report(old, last * DAY, 31, True) == _report(old, last * DAY, 31, False)
    finally:
        old.close()


@pytest.mark.parametrize("store_url", ["sqlite", "postgresql"], indirect=True)
def test_daily_rollups_of_a_development_schema_are_refused_clearly(store_url: str) -> None:
    store = open_store(store_url)
    try:
        store.migrate()
        # Before schema 1 was settled, a click's rank and target were in the rollup's key.
        store.rows("DROP TABLE daily")
        store.rows(
            "CREATE TABLE daily (day INTEGER, type TEXT, page TEXT, language TEXT, "
            "referrer TEXT, helpful INTEGER, reason TEXT, query_key TEXT, product TEXT, "
            'zero INTEGER, "rank" INTEGER, target TEXT, n BIGINT)'
        )
        store.rows("UPDATE settings SET value = '1' WHERE key = 'schema_version'")
        with pytest.raises(StoreError, match="development version of kb.*new database"):
            store.migrate()
        assert store.schema_version() == 1
    finally:
        store.close()

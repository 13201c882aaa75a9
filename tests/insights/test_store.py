"""One interface, one schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from kb.insights.events import Event
from kb.insights.store import DAY, SCHEMA_VERSION, StoreError, open_store

if TYPE_CHECKING:
    from pathlib import Path

    from kb.insights.manifest import PageManifest

T0 = 1_780_000_000


def views(n: int, ts: int = T0, page: str = "/payouts/schedule/") -> list[Event]:
    return [Event("view", page, "en", ts=ts + i) for i in range(n)]


def test_migrate_creates_the_schema_once(store_url: str) -> None:
    store = open_store(store_url)
    try:
        assert store.schema_version() == 0
        assert store.migrate() == SCHEMA_VERSION
        assert store.migrate() == SCHEMA_VERSION  # a second collector starting
        assert store.schema_version() == SCHEMA_VERSION
    finally:
        store.close()


def test_a_database_of_a_newer_kb_is_refused(store_url: str) -> None:
    store = open_store(store_url)
    try:
        store.migrate()
        store.rows("UPDATE settings SET value = '99' WHERE key = 'schema_version'")
        with pytest.raises(StoreError, match="schema version 99"):
            store.migrate()
    finally:
        store.close()


def test_writes_store_events_and_daily_rollups(store_url: str, manifest: PageManifest) -> None:
    store = open_store(store_url)
    try:
        store.migrate()
        store.save_pages(manifest)
        store.save_pages(manifest)
        store.write(views(3))
        store.write(views(2, ts=T0 + DAY))
        store.write(
            [Event("search", "/ja/", "ja", ts=T0, query="返金", query_key="返金", results=0)]
        )
        assert store.rows("SELECT COUNT(*) FROM events") == [(6,)]
        assert store.rows("SELECT day, type, zero, n FROM daily ORDER BY day, type") == [
            (T0 // DAY, "search", 1, 1),
            (T0 // DAY, "view", 0, 3),
            (T0 // DAY + 1, "view", 0, 2),
        ]
        assert store.rows("SELECT COUNT(*) FROM pages") == [(len(manifest.pages),)]
        assert store.setting("contact") == "contact.md"
        # Retention: raw events go, the daily counts stay.
        assert store.prune(T0 + DAY) == 4
        assert store.rows("SELECT COUNT(*) FROM events") == [(2,)]
        assert store.rows("SELECT SUM(n) FROM daily WHERE type = 'view'") == [(5,)]
    finally:
        store.close()


def test_a_failed_write_leaves_nothing_behind(store_url: str) -> None:
    store = open_store(store_url)
    try:
        store.migrate()
        store.rows("DROP TABLE daily")
        with pytest.raises(Exception):  # noqa: B017, PT011 - each driver has its own error
            store.write(views(3))
        assert store.rows("SELECT COUNT(*) FROM events") == [(0,)]
    finally:
        store.close()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://db/x", "must start with sqlite:/// or postgresql://"),
        ("sqlite://relative.db", "write sqlite:///file.sqlite3"),
        ("sqlite:///", "write sqlite:///file.sqlite3"),
    ],
)
def test_bad_urls(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        open_store(url)


def test_a_report_never_creates_a_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        open_store(f"sqlite:///{tmp_path / 'missing.sqlite3'}", create=False)
    assert not (tmp_path / "missing.sqlite3").exists()


def test_postgres_down_is_a_store_error() -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError, match="PostgreSQL"):
        open_store("postgresql://nobody@127.0.0.1:1/none")


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    try:
        assert store.rows("PRAGMA journal_mode") == [("wal",)]
    finally:
        store.close()

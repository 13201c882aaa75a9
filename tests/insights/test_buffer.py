"""The write buffer: a database that is down or locked loses nothing it can keep, and says so."""

from __future__ import annotations

import sqlite3
import threading
import time
from typing import TYPE_CHECKING

from kb.insights.buffer import EventBuffer
from kb.insights.events import Event
from kb.insights.store import open_store

if TYPE_CHECKING:
    from pathlib import Path

    from kb.insights.store import EventStore


def events(n: int) -> list[Event]:
    now = int(time.time())
    return [Event("view", "/", "en", ts=now + i) for i in range(n)]


def count(url: str) -> int:
    store = open_store(url)
    try:
        return int(store.rows("SELECT COUNT(*) FROM events")[0][0])
    finally:
        store.close()


def migrated(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    store = open_store(url)
    store.migrate()
    store.close()
    return url


def test_a_graceful_stop_stores_everything(tmp_path: Path) -> None:
    url = migrated(tmp_path)
    # A flush interval far longer than the test: only the stop can store these.
    buffer = EventBuffer(lambda: open_store(url), flush_interval=3600, batch_size=10**6)
    buffer.start()
    for event in events(2500):
        assert buffer.add(event)
    buffer.close()
    assert count(url) == 2500
    assert buffer.health()["stored"] == 2500
    assert buffer.health()["dropped"] == 0


def test_a_full_batch_is_written_without_waiting_for_the_interval(tmp_path: Path) -> None:
    url = migrated(tmp_path)
    written = threading.Event()

    def opener() -> EventStore:
        store = open_store(url)
        write = store.write

        def observed(batch: list[Event]) -> None:  # type: ignore[override]
            write(batch)
            written.set()

        store.write = observed  # type: ignore[method-assign]
        return store

    buffer = EventBuffer(opener, flush_interval=3600, batch_size=100)
    buffer.start()
    for event in events(100):
        buffer.add(event)
    assert written.wait(30)
    assert count(url) == 100
    buffer.close()


def test_a_locked_database_is_retried_and_nothing_is_lost(tmp_path: Path) -> None:
    url = migrated(tmp_path)
    path = tmp_path / "b.sqlite3"
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    failed = threading.Event()

    def opener() -> EventStore:
        store = open_store(url)
        store._db.execute("PRAGMA busy_timeout = 0")  # type: ignore[attr-defined]
        return store

    buffer = EventBuffer(opener, flush_interval=0.01, batch_size=10)
    original = buffer._store_batch

    def observed(batch: list[Event]) -> bool:
        stored = original(batch)
        if not stored:
            failed.set()
        return stored

    buffer._store_batch = observed  # type: ignore[method-assign]
    buffer.start()
    for event in events(50):
        buffer.add(event)
    assert failed.wait(30)
    health = buffer.health()
    assert health["status"] == "degraded"
    assert health["write_failures"] >= 1
    assert "locked" in health["last_error"]
    assert health["buffered"] == 50
    locker.execute("ROLLBACK")
    locker.close()
    buffer.close()
    assert count(url) == 50
    assert buffer.health()["dropped"] == 0
    assert buffer.health()["status"] == "ok"


def test_a_full_buffer_drops_and_counts(tmp_path: Path, caplog: object) -> None:
    url = migrated(tmp_path)
    buffer = EventBuffer(
        lambda: open_store(url), capacity=10, flush_interval=3600, batch_size=10**6
    )
    accepted = [buffer.add(event) for event in events(15)]
    assert accepted == [True] * 10 + [False] * 5
    assert buffer.health()["dropped"] == 5
    buffer.start()
    buffer.close()
    assert count(url) == 10


def test_a_database_down_at_stop_is_reported_as_dropped(tmp_path: Path) -> None:
    def down() -> EventStore:
        raise OSError("connection refused")

    buffer = EventBuffer(down, flush_interval=0.01, drain_timeout=0.05)
    buffer.start()
    for event in events(7):
        buffer.add(event)
    buffer.close()
    health = buffer.health()
    assert health["dropped"] == 7
    assert health["stored"] == 0
    assert "connection refused" in health["last_error"]


def test_raw_events_past_the_retention_are_deleted_and_daily_counts_stay(tmp_path: Path) -> None:
    url = migrated(tmp_path)
    old = int(time.time()) - 3 * 86_400
    buffer = EventBuffer(lambda: open_store(url), retention_days=2)
    buffer.start()
    for event in events(5):
        buffer.add(event)
    for i in range(4):
        buffer.add(Event("view", "/", "en", ts=old + i))
    buffer.close()
    assert count(url) == 5
    store = open_store(url)
    try:
        assert store.rows("SELECT SUM(n) FROM daily") == [(9,)]
    finally:
        store.close()

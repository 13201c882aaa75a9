"""The write buffer between the web handlers and the store.

Handlers only append to memory. One writer thread stores the buffer at least every 100 ms or
as soon as 2,000 events wait, and once more on a graceful stop, so a stop loses nothing; a crash
loses at most what arrived since the last write. When the database is down or locked, events
wait (up to `capacity`) and the write is retried with back-off; what does not fit is dropped
and counted, in the log and in `/healthz`.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import deque
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from kb.insights.events import Event
    from kb.insights.store import EventStore

log = logging.getLogger("kb.insights")

FLUSH_INTERVAL = 0.1
BATCH_SIZE = 2_000
CAPACITY = 200_000
RETENTION_CHECK = 3_600.0


class EventBuffer:
    """A bounded queue of events and the thread that stores them."""

    def __init__(
        self,
        open_store: Callable[[], EventStore],
        *,
        flush_interval: float = FLUSH_INTERVAL,
        batch_size: int = BATCH_SIZE,
        capacity: int = CAPACITY,
        retention_days: int | None = 90,
        drain_timeout: float = 15.0,
    ) -> None:
        self._open_store = open_store
        self._interval = flush_interval
        self._batch = batch_size
        self._capacity = capacity
        self._retention = retention_days
        self._drain_timeout = drain_timeout
        self._pending: deque[Event] = deque()
        self._wake = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._store: EventStore | None = None
        self.stored = 0
        self.dropped = 0
        self.failures = 0
        self.last_error: str | None = None
        self._writing = 0
        self._last_drop_log = 0.0
        self._next_prune = 0.0

    def start(self) -> None:
        """Start the writer thread."""
        self._thread = threading.Thread(target=self._run, name="kb-insights-writer", daemon=True)
        self._thread.start()

    def add(self, event: Event) -> bool:
        """Queue an event; False (and counted as dropped) when the buffer is full."""
        with self._wake:
            if len(self._pending) + self._writing >= self._capacity:
                self.dropped += 1
                now = time.monotonic()
                if now - self._last_drop_log > 10:
                    self._last_drop_log = now
                    log.warning(
                        "kb collect: buffer full (%d events): dropped %d events so far",
                        self._capacity,
                        self.dropped,
                    )
                return False
            self._pending.append(event)
            if len(self._pending) >= self._batch:
                self._wake.notify()
        return True

    def health(self) -> dict[str, Any]:
        """What `/healthz` reports."""
        with self._wake:
            buffered = len(self._pending) + self._writing
        return {
            "status": "ok" if self.last_error is None else "degraded",
            "buffered": buffered,
            "stored": self.stored,
            "dropped": self.dropped,
            "write_failures": self.failures,
            "last_error": self.last_error,
        }

    def close(self) -> None:
        """Store everything still buffered (retrying for up to the drain timeout) and stop."""
        with self._wake:
            self._stopping = True
            self._wake.notify()
        if self._thread is not None:
            self._thread.join()
        if self._pending:
            self.dropped += len(self._pending)
            log.warning(
                "kb collect: stopped with the database unavailable: dropped %d events",
                len(self._pending),
            )
            self._pending.clear()

    def _take(self) -> list[Event]:
        with self._wake:
            if not self._stopping and len(self._pending) < self._batch:
                self._wake.wait(self._interval)
            count = min(len(self._pending), self._batch * 5)
            batch = [self._pending.popleft() for _ in range(count)]
            self._writing = len(batch)
        return batch

    def _run(self) -> None:
        backoff = self._interval
        deadline: float | None = None
        while True:
            stopping = self._stopping
            if stopping and deadline is None:
                deadline = time.monotonic() + self._drain_timeout
            batch = self._take()
            if batch and not self._store_batch(batch):
                if deadline is not None and time.monotonic() > deadline:
                    return
                time.sleep(backoff)
                backoff = min(backoff * 2, 2.0)
                continue
            backoff = self._interval
            self._prune()
            if stopping and not self._pending:
                self._close_store()
                return

    def _store_batch(self, batch: list[Event]) -> bool:
        try:
            if self._store is None:
                self._store = self._open_store()
            self._store.write(batch)
        except Exception as error:  # any database fault: keep events, retry
            with self._wake:
                self._pending.extendleft(reversed(batch))
                self._writing = 0
            self.failures += 1
            message = str(error).strip().splitlines()
            self.last_error = f"{type(error).__name__}: {message[0] if message else ''}"[:200]
            log.warning(
                "kb collect: writing %d events failed (%s): retrying", len(batch), self.last_error
            )
            self._close_store()
            return False
        with self._wake:
            self._writing = 0
        self.stored += len(batch)
        self.last_error = None
        return True

    def _prune(self) -> None:
        if self._retention is None or self._store is None:
            return
        now = time.monotonic()
        if now < self._next_prune:
            return
        self._next_prune = now + RETENTION_CHECK
        try:
            self._store.prune(int(time.time()) - self._retention * 86_400)
        except Exception as error:  # retried at the next check
            log.warning("kb collect: deleting old events failed: %s", error)

    def _close_store(self) -> None:
        if self._store is not None:
            # A broken connection is dropped either way.
            with contextlib.suppress(Exception):
                self._store.close()
            self._store = None

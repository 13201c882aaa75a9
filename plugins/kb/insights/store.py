"""Storage behind one small interface, one schema: SQLite (default, WAL) or PostgreSQL.

Every write stores the raw events and adds them to the daily and weekly rollups in one
transaction: the report reads the rollups (small whatever the traffic), whole weeks from the
weekly table and the days at a window's edges from the daily one, and raw events past the
retention are deleted while the rollups stay. The schema carries its version; `migrate` brings
any older database up to `SCHEMA_VERSION` (version 2 builds the weekly rows from the daily ones)
and refuses a newer one.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from kb.insights.events import Event
    from kb.insights.manifest import PageManifest

SCHEMA_VERSION = 2
WEEKLY_SCHEMA = 2
"""The schema version that added the weekly rollups."""
DAY = 86_400
EVENT_COLUMNS = (
    "ts",
    "type",
    "page",
    "language",
    "referrer",
    "helpful",
    "reason",
    "comment",
    "query",
    "query_key",
    "results",
    "product",
    "rank",
    "target",
)
ROLLUP_KEYS = (
    "day",
    "type",
    "page",
    "language",
    "referrer",
    "helpful",
    "reason",
    "query_key",
    "product",
    "zero",
)
"""Columns of the daily rollup's key: every dimension a report counts by ('' or -1 for none).
A view's referrer is kept only on the contact page (for the contact rate), and a click's rank
and target only in the raw events: the rollups stay small whatever the traffic."""
DIMENSIONS = ROLLUP_KEYS[1:]
"""The rollup's key without its day: the weekly rollup has the same, under its `week`."""
WEEKLY_PAGE_TYPES = ("view", "vote")
"""The events whose page the weekly rollups keep. A search's or a click's page (where the box
was used) is only in the daily rollups, for the trends: the report counts searches and clicks
over a window by language, query and product, and without the page a week of them takes a
sixth of the rows."""
WEEKLY_PAGE = "CASE WHEN type IN ('view', 'vote') THEN page ELSE '' END"
"""The page of a rollup row as the weekly rollups keep it, in SQL."""


def week_of(day: int) -> int:
    """The first day (Monday, UTC) of the ISO week of `day` (days since 1970-01-01, a Thursday)."""
    return day - (day + 3) % 7


_WEEK_OF_DAY = "(day - (day + 3) % 7)"
"""`week_of` in SQL (days are positive, so `%` agrees in SQLite and PostgreSQL)."""
_WEEKLY_DIMENSIONS = ", ".join(WEEKLY_PAGE if name == "page" else name for name in DIMENSIONS)

_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE IF NOT EXISTS events (
            ts BIGINT NOT NULL, type TEXT NOT NULL, page TEXT NOT NULL, language TEXT NOT NULL,
            referrer TEXT, helpful INTEGER, reason TEXT, comment TEXT, query TEXT,
            query_key TEXT, results INTEGER, product TEXT, "rank" INTEGER, target TEXT)""",
        "CREATE INDEX IF NOT EXISTS events_ts ON events (ts)",
        "CREATE INDEX IF NOT EXISTS events_comments ON events (page, ts) WHERE comment IS NOT NULL",
        """CREATE TABLE IF NOT EXISTS daily (
            day INTEGER NOT NULL, type TEXT NOT NULL, page TEXT NOT NULL,
            language TEXT NOT NULL, referrer TEXT NOT NULL, helpful INTEGER NOT NULL,
            reason TEXT NOT NULL, query_key TEXT NOT NULL, product TEXT NOT NULL,
            zero INTEGER NOT NULL, n BIGINT NOT NULL,
            PRIMARY KEY (day, type, page, language, referrer, helpful, reason, query_key,
                         product, zero)) TABLE_OPTIONS""",
        """CREATE TABLE IF NOT EXISTS pages (
            path TEXT PRIMARY KEY, language TEXT NOT NULL, article TEXT NOT NULL,
            products TEXT NOT NULL, state TEXT NOT NULL)""",
        "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
    2: (
        """CREATE TABLE IF NOT EXISTS weekly (
            week INTEGER NOT NULL, type TEXT NOT NULL, page TEXT NOT NULL,
            language TEXT NOT NULL, referrer TEXT NOT NULL, helpful INTEGER NOT NULL,
            reason TEXT NOT NULL, query_key TEXT NOT NULL, product TEXT NOT NULL,
            zero INTEGER NOT NULL, n BIGINT NOT NULL,
            PRIMARY KEY (week, type, page, language, referrer, helpful, reason, query_key,
                         product, zero)) TABLE_OPTIONS""",
        # The report's recent comments, newest first: without it, finding the few thousand
        # comments walked the 10 million events of 90 days by time (3.4 s).
        "DROP INDEX IF EXISTS events_comments",
        "CREATE INDEX IF NOT EXISTS events_recent_comments ON events (ts) "
        "WHERE comment IS NOT NULL",
        f"""INSERT INTO weekly (week, {", ".join(DIMENSIONS)}, n)
            SELECT {_WEEK_OF_DAY}, {_WEEKLY_DIMENSIONS}, SUM(n) FROM daily
            GROUP BY {_WEEK_OF_DAY}, {_WEEKLY_DIMENSIONS}""",
    ),
}
_QUOTED = {"rank": '"rank"'}


class StoreError(Exception):
    """The database URL is not usable, or the database cannot be opened or migrated."""


def _event_row(event: Event) -> tuple[Any, ...]:
    helpful = None if event.helpful is None else int(event.helpful)
    return (
        event.ts,
        event.type,
        event.page,
        event.language,
        event.referrer,
        helpful,
        event.reason,
        event.comment,
        event.query,
        event.query_key,
        event.results,
        event.product,
        event.rank,
        event.target,
    )


def rollup(events: Iterable[Event], contact: frozenset[str] = frozenset()) -> list[tuple[Any, ...]]:
    """Count events by day and every dimension; rows sorted, so that writers lock in order.

    Args:
        events: A batch.
        contact: The contact pages, whose views are counted by referrer.
    """
    counts: Counter[tuple[Any, ...]] = Counter()
    for event in events:
        counts[
            (
                event.ts // DAY,
                event.type,
                event.page,
                event.language,
                (event.referrer or "") if event.page in contact else "",
                -1 if event.helpful is None else int(event.helpful),
                event.reason or "",
                event.query_key or "",
                event.product or "",
                int(event.results == 0),
            )
        ] += 1
    return [(*key, n) for key, n in sorted(counts.items())]


def weekly_rollup(daily: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """The weekly rows of daily rollup rows (`rollup`'s), sorted like them: summed by ISO week,
    with a page only for `WEEKLY_PAGE_TYPES`."""
    counts: Counter[tuple[Any, ...]] = Counter()
    for day, kind, page, *rest, n in daily:
        page = page if kind in WEEKLY_PAGE_TYPES else ""
        counts[(week_of(day), kind, page, *rest)] += n
    return [(*key, n) for key, n in sorted(counts.items())]


def _columns(names: Sequence[str]) -> str:
    return ", ".join(_QUOTED.get(name, name) for name in names)


_INSERT_EVENT = (
    f"INSERT INTO events ({_columns(EVENT_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in EVENT_COLUMNS)})"
)
_UPSERT_DAILY = (
    f"INSERT INTO daily ({_columns(ROLLUP_KEYS)}, n) "
    f"VALUES ({', '.join('?' for _ in ROLLUP_KEYS)}, ?) "
    f"ON CONFLICT ({_columns(ROLLUP_KEYS)}) DO UPDATE SET n = daily.n + excluded.n"
)
_UPSERT_WEEKLY = (
    f"INSERT INTO weekly (week, {_columns(DIMENSIONS)}, n) "
    f"VALUES (?, {', '.join('?' for _ in DIMENSIONS)}, ?) "
    f"ON CONFLICT (week, {_columns(DIMENSIONS)}) DO UPDATE SET n = weekly.n + excluded.n"
)
_UPSERT_PAGE = (
    "INSERT INTO pages (path, language, article, products, state) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (path) DO UPDATE SET language = excluded.language, "
    "article = excluded.article, products = excluded.products, state = excluded.state"
)


class EventStore(ABC):
    """Where events go and where the report reads them. Not shared between threads."""

    dialect: str
    """`sqlite` or `postgresql`."""
    _database_errors: tuple[type[Exception], ...] = ()
    """What the driver raises for a failed statement."""
    _contact: frozenset[str] | None = None
    """The contact pages (read from the pages table at the first write)."""
    _table_options = ""
    """What ends `CREATE TABLE daily` and `weekly`: SQLite keeps them clustered by day or week
    (`WITHOUT ROWID`), so that a report reads its days and weeks in sequential scans."""

    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    @abstractmethod
    def _begin(self) -> None:
        """Start a write transaction (and take the migration lock)."""

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def rollback(self) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def _has_table(self, name: str) -> bool: ...

    @abstractmethod
    def _table_columns(self, name: str) -> list[str]: ...

    def schema_version(self) -> int:
        """The schema version of the database (0 for an empty one)."""
        if not self._has_table("settings"):
            return 0
        rows = self._execute("SELECT value FROM settings WHERE key = 'schema_version'")
        return int(rows[0][0]) if rows else 0

    def migrate(self) -> int:
        """Create or upgrade the schema to `SCHEMA_VERSION` and return the version.

        Raises:
            StoreError: The database was made by a newer kb.
        """
        self._begin()
        try:
            current = self.schema_version()
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"the database has schema version {current}; this kb knows {SCHEMA_VERSION}"
                )
            if current >= 1:
                self._check_daily()
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[version]:
                    self._execute(statement.replace("TABLE_OPTIONS", self._table_options))
                self._execute(
                    "INSERT INTO settings (key, value) VALUES ('schema_version', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (str(version),),
                )
        except BaseException:
            self.rollback()
            raise
        self.commit()
        return SCHEMA_VERSION

    def _check_daily(self) -> None:
        """Refuse the daily rollups of a development version of schema 1 (they also had
        `rank` and `target` in their key, which no upsert of this kb matches)."""
        columns = self._table_columns("daily")
        if columns != ["day", *DIMENSIONS, "n"]:
            raise StoreError(
                "the database's daily rollups have the columns of a development version of kb "
                f"({', '.join(columns)}); collect into a new database (or delete this one)"
            )

    def write(self, events: Sequence[Event]) -> None:
        """Store a batch of events and add them to the daily and weekly rollups, in one
        transaction."""
        if not events:
            return
        self._begin()
        try:
            if self._contact is None:
                self._contact = frozenset(
                    row[0]
                    for row in self._execute(
                        "SELECT path FROM pages WHERE article = "
                        "(SELECT value FROM settings WHERE key = 'contact')"
                    )
                )
            self._write_events([_event_row(event) for event in events])
            daily = rollup(events, self._contact)
            self._executemany(_UPSERT_DAILY, daily)
            self._executemany(_UPSERT_WEEKLY, weekly_rollup(daily))
        except BaseException:
            self.rollback()
            raise
        self.commit()

    def _write_events(self, rows: list[tuple[Any, ...]]) -> None:
        self._executemany(_INSERT_EVENT, rows)

    def save_pages(self, manifest: PageManifest) -> None:
        """Record the build's pages (products and translation state) for the report."""
        rows = [
            (e.path, e.language, e.article, ",".join(e.products), e.state)
            for e in manifest.pages.values()
        ]
        self._begin()
        try:
            self._executemany(_UPSERT_PAGE, sorted(rows))
            for key, value in (
                ("source_language", manifest.source_language),
                ("contact", manifest.contact or ""),
            ):
                self._execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )
        except BaseException:
            self.rollback()
            raise
        self.commit()

    def prune(self, before: int) -> int:
        """Delete raw events older than `before` (seconds); the rollups stay."""
        self._begin()
        try:
            rows = self._execute("SELECT COUNT(*) FROM events WHERE ts < ?", (before,))
            self._execute("DELETE FROM events WHERE ts < ?", (before,))
        except BaseException:
            self.rollback()
            raise
        self.commit()
        return int(rows[0][0])

    @abstractmethod
    def prepare_report(self) -> None:
        """Set this connection up for a report's sums."""

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a read-only query written with `?` placeholders.

        Raises:
            StoreError: The query failed (a table of the schema missing, for one).
        """
        try:
            result = self._execute(sql, params)
        except self._database_errors as error:
            self.rollback()
            first = str(error).strip().splitlines()
            raise StoreError(
                f"the database cannot be read ({first[0] if first else type(error).__name__}); "
                "is it a kb collect database?"
            ) from None
        self.commit()
        return result

    def setting(self, key: str) -> str | None:
        """A value of the settings table."""
        found = self.rows("SELECT value FROM settings WHERE key = ?", (key,))
        return str(found[0][0]) if found else None


class SqliteStore(EventStore):
    """SQLite in WAL mode: readers never wait for the collector."""

    dialect = "sqlite"
    _table_options = "WITHOUT ROWID"
    _database_errors = (sqlite3.Error,)

    def __init__(self, path: Path, *, create: bool = True, busy_timeout_ms: int = 2000) -> None:
        if not create and not path.is_file():
            raise StoreError(f"{path}: no such database")
        try:
            self._db = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=busy_timeout_ms / 1000
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error as error:
            raise StoreError(f"{path}: {error}") from None
        self.path = path

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._db.execute(sql, params).fetchall()

    def prepare_report(self) -> None:
        """Nothing to do: SQLite's sums of a report measured the same with a memory temp store
        or a 64 MB page cache."""

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._db.executemany(sql, rows)

    def _begin(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        if self._db.in_transaction:
            self._db.execute("COMMIT")

    def rollback(self) -> None:
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")

    def close(self) -> None:
        self._db.close()

    def _has_table(self, name: str) -> bool:
        found = self._execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        )
        return bool(found)

    def _table_columns(self, name: str) -> list[str]:
        return [str(row[1]) for row in self._execute(f"PRAGMA table_info({name})")]


class PostgresStore(EventStore):
    """PostgreSQL through psycopg 3: events by `COPY`, rollups by one `executemany` upsert."""

    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError:
            raise StoreError("PostgreSQL needs psycopg: pip install 'kb[insights]'") from None
        try:
            self._db = psycopg.connect(url, connect_timeout=5)
        except psycopg.Error as error:
            first = str(error).strip().splitlines()
            raise StoreError(f"PostgreSQL: {first[0] if first else 'cannot connect'}") from None
        self._database_errors = (psycopg.Error,)

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s")

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self._db.execute(self._sql(sql), params)
        return cursor.fetchall() if cursor.description is not None else []

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._db.cursor() as cursor:
            cursor.executemany(self._sql(sql), rows)

    def _write_events(self, rows: list[tuple[Any, ...]]) -> None:
        with (
            self._db.cursor() as cursor,
            cursor.copy(f"COPY events ({_columns(EVENT_COLUMNS)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def prepare_report(self) -> None:
        """Let the report's sums be hashed in memory: with PostgreSQL's default 4 MB of
        `work_mem`, summing a year's 700,000 weekly rows sorted them on disk (3.1 s, against
        0.7 s hashed)."""
        self._execute("SET work_mem = '64MB'")
        self.commit()

    def _begin(self) -> None:
        # psycopg opens a transaction with the first statement; two collectors starting at
        # once must not both create the schema.
        self._db.execute("SELECT pg_advisory_xact_lock(7210013)")

    def commit(self) -> None:
        self._db.commit()

    def rollback(self) -> None:
        self._db.rollback()

    def close(self) -> None:
        self._db.close()

    def _has_table(self, name: str) -> bool:
        found = self._execute("SELECT to_regclass(?) IS NOT NULL", (name,))
        return bool(found and found[0][0])

    def _table_columns(self, name: str) -> list[str]:
        found = self._execute(
            "SELECT a.attname FROM pg_attribute a WHERE a.attrelid = to_regclass(?) "
            "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            (name,),
        )
        return [str(row[0]) for row in found]


def open_store(url: str, *, create: bool = True) -> EventStore:
    """Open the store a database URL names.

    Args:
        url: `sqlite:///relative/file.sqlite3`, `sqlite:////absolute/file.sqlite3`, or
            `postgresql://user@host/db` (any libpq URL).
        create: Whether an SQLite file that does not exist may be created.

    Raises:
        StoreError: An unknown scheme, or a database that cannot be opened.
    """
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        if not url.startswith("sqlite:///") or len(url) <= len("sqlite:///"):
            raise StoreError(f"{url!r}: write sqlite:///file.sqlite3 (or sqlite:////abs/path)")
        return SqliteStore(Path(unquote(url[len("sqlite:///") :])), create=create)
    if scheme in ("postgresql", "postgres"):
        return PostgresStore(url)
    raise StoreError(f"{url!r}: the database URL must start with sqlite:/// or postgresql://")

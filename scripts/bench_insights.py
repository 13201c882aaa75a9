"""Benchmark `kb insights` over millions of events.

    python scripts/bench_insights.py                      # 10,000,000 events into SQLite
    python scripts/bench_insights.py --events 1000000 --keep /tmp/insights.sqlite3
    python scripts/bench_insights.py --db postgresql://kb_test:kb_test@127.0.0.1/kb_test
    python scripts/bench_insights.py --keep /tmp/insights.sqlite3   # again: reports only

Generates events over 90 days (`--days`) on 200 pages (100 articles in English and Japanese, a
third of the Japanese ones missing and a third stale): views with referrers, votes with reasons
and a few comments, searches from a vocabulary of 3,000 queries typed in several forms
(Zipf-like, a tenth without results) and clicks with ranks. They are written through the
collector's store (`EventStore.write`: raw events plus daily and weekly rollups, in batches),
then `kb insights` runs as a command for each window (7, 30, 90 and 365 days) and format,
end to end (process start, reading, ranking, rendering). A database that already has rollups
(a `--keep` file, a PostgreSQL database filled before) is migrated to this kb's schema and
reported on as it is, without generating events again.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kb.insights.events import Event
from kb.insights.manifest import PageEntry, build_manifest
from kb.insights.scrub import query_key
from kb.insights.store import DAY, StoreError, open_store

KB = str(Path(sys.executable).with_name("kb"))
PRODUCTS = ("payments", "payouts", "disputes", "terminal")
REASONS = ("not_answered", "unclear", "outdated", "translation", "other")


def pages() -> list[PageEntry]:
    entries = [
        PageEntry("/contact/", "en", "contact.md", (), "source"),
        PageEntry("/ja/contact/", "ja", "contact.md", (), "current"),
    ]
    for i in range(100):
        product = PRODUCTS[i % len(PRODUCTS)]
        rel = f"{product}/article-{i}.md"
        entries.append(PageEntry(f"/{product}/article-{i}/", "en", rel, (product,), "source"))
        state = ("current", "stale", "missing")[i % 3]
        entries.append(PageEntry(f"/ja/{product}/article-{i}/", "ja", rel, (product,), state))
    return entries


def generate(count: int, now: int, entries: list[PageEntry], seed: int = 13, days: int = 90):
    """Yield batches of events, oldest first, spread over `days` days."""
    rng = random.Random(seed)
    articles = [e for e in entries if e.article != "contact.md"]
    contact = {e.language: e.path for e in entries if e.article == "contact.md"}
    weights = [1 / (i + 1) for i in range(len(articles))]
    vocabulary = [f"query {i}" for i in range(2000)] + [
        f"入金 スケジュール {i}" for i in range(1000)
    ]
    query_weights = [1 / (i + 1) for i in range(len(vocabulary))]
    start = now - days * DAY
    batch: list[Event] = []
    picked_pages = rng.choices(articles, weights, k=min(count, 100_000))
    picked_queries = rng.choices(vocabulary, query_weights, k=50_000)
    for n in range(count):
        ts = start + (n * days * DAY) // count
        page = picked_pages[n % len(picked_pages)]
        kind = rng.random()
        if kind < 0.70:
            referrer = picked_pages[(n * 7) % len(picked_pages)].path if n % 3 else None
            batch.append(Event("view", page.path, page.language, ts, referrer=referrer))
            if n % 50 == 0:
                batch.append(
                    Event("view", contact[page.language], page.language, ts, referrer=page.path)
                )
        elif kind < 0.78:
            helpful = rng.random() < 0.7
            reason = None if helpful else rng.choice(REASONS)
            comment = "The screenshots are outdated." if not helpful and n % 40 == 0 else None
            batch.append(
                Event(
                    "vote",
                    page.path,
                    page.language,
                    ts,
                    helpful=helpful,
                    reason=reason,
                    comment=comment,
                )
            )
        elif kind < 0.92:
            query = picked_queries[n % len(picked_queries)]
            results = 0 if n % 10 == 0 else 1 + n % 9
            product = PRODUCTS[n % 5] if n % 5 < 4 else None
            batch.append(
                Event(
                    "search",
                    page.path,
                    page.language,
                    ts,
                    query=query,
                    query_key=query_key(query),
                    results=results,
                    product=product,
                )
            )
        else:
            query = picked_queries[n % len(picked_queries)]
            target = picked_pages[(n * 13) % len(picked_pages)]
            batch.append(
                Event(
                    "click",
                    page.path,
                    page.language,
                    ts,
                    query=query,
                    query_key=query_key(query),
                    rank=1 + n % 10,
                    target=target.path,
                )
            )
        if len(batch) >= 50_000:
            yield batch
            batch = []
    if batch:
        yield batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=90, help="days the events span")
    parser.add_argument("--db", help="a database URL (default: a new SQLite file)")
    parser.add_argument(
        "--keep", type=Path, help="write the SQLite file here and keep it (or reuse it)"
    )
    parser.add_argument(
        "--since", nargs="+", default=["7d", "30d", "90d", "365d"], help="windows to report"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "insights.sqlite3"
        url = args.db or f"sqlite:///{path}"
        try:
            store = open_store(url)
            started = time.perf_counter()
            version = store.schema_version()
            store.migrate()
            migrated = time.perf_counter() - started
        except StoreError as error:
            sys.exit(f"bench_insights: {error}")
        print(
            f"machine: {os.cpu_count()} cores, load average "
            f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )
        if store.rows("SELECT COUNT(*) FROM daily")[0][0]:
            note = f"; migrated from schema {version} in {migrated:.1f} s" if version < 2 else ""
            print(f"reporting on the events already stored{note}")
        else:
            entries = pages()
            store.save_pages(build_manifest(entries, source_language="en", contact="contact.md"))
            now = int(time.time())
            started = time.perf_counter()
            written = 0
            for batch in generate(args.events, now, entries, days=args.days):
                store.write(batch)
                written += len(batch)
            loaded = time.perf_counter() - started
            print(
                f"generated and stored {written:,} events in {loaded:.1f} s "
                f"({written / loaded:,.0f} events/s)"
            )
        events = store.rows("SELECT COUNT(*) FROM events")[0][0]
        daily = store.rows("SELECT COUNT(*) FROM daily")[0][0]
        weekly = store.rows("SELECT COUNT(*) FROM weekly")[0][0]
        store.close()
        size = f", {path.stat().st_size / 1e6:,.0f} MB" if url.startswith("sqlite") else ""
        print(f"{events:,} raw events, {daily:,} daily and {weekly:,} weekly rollup rows{size}")
        for since in args.since:
            for output_format in ("json", "text", "html"):
                command = [
                    KB,
                    "insights",
                    "--db",
                    url,
                    "--since",
                    since,
                    "--format",
                    output_format,
                    "--output",
                    str(Path(tmp) / f"report.{output_format}"),
                ]
                started = time.perf_counter()
                subprocess.run(command, check=True)
                took = time.perf_counter() - started
                print(
                    f"kb insights --since {since} --format {output_format}: {took:.2f} s end to end"
                )


if __name__ == "__main__":
    main()

"""Benchmark `kb collect` on loopback: throughput, latency, sent = stored, the crash window.

    python scripts/bench_collect.py                          # SQLite
    python scripts/bench_collect.py --postgres postgresql://kb_test:kb_test@127.0.0.1/kb_test
    python scripts/bench_collect.py --seconds 5 --connections 32

Starts `kb collect` (rate limit off) on a synthetic page manifest and drives it from one
asyncio process over keep-alive connections, with a mix of views, votes (with comments),
searches and clicks. Bounded in time (`--seconds` per phase) and count (`--max-events`):

1. **sustained**: as fast as the collector answers (closed loop);
2. **paced**: 2,000 events/s, latency measured from each event's scheduled time (so a stall is
   not hidden by the generator waiting for it);
3. **graceful stop**: SIGTERM; every event answered 204 must be in the database;
4. **crash window**: a fresh collector at 5,000 events/s is killed with SIGKILL; the events
   answered 204 but not stored are what a crash loses (at most one flush interval's worth).

Latency is printed as the collector measures its handler (`/healthz`, the last 20,000
requests: "server") and as the generator sees each round trip from send to answer; in the
paced phase, how late the generator sent (it shares the two cores with the collector, and
with whatever else runs: the load average is printed first).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kb.insights.manifest import PageEntry, build_manifest, write_manifest
from kb.insights.store import open_store

ORIGIN = "https://help.example"
KB = str(Path(sys.executable).with_name("kb"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def site(folder: Path) -> list[str]:
    """A manifest of 100 articles in two languages; returns the page paths."""
    entries = []
    for i in range(100):
        product = ("payments", "payouts", "disputes")[i % 3]
        for language, prefix in (("en", ""), ("ja", "/ja")):
            state = "source" if language == "en" else ("current", "stale", "missing")[i % 3]
            entries.append(
                PageEntry(
                    f"{prefix}/{product}/article-{i}/",
                    language,
                    f"{product}/article-{i}.md",
                    (product,),
                    state,
                )
            )
    folder.mkdir(parents=True, exist_ok=True)
    write_manifest(build_manifest(entries, source_language="en", contact="contact.md"), folder)
    return [e.path for e in entries]


def bodies(paths: list[str], count: int = 2000) -> list[bytes]:
    rng = random.Random(13)
    made = []
    for _ in range(count):
        page = rng.choice(paths)
        lang = "ja" if page.startswith("/ja/") else "en"
        kind = rng.random()
        event: dict[str, object] = {"v": 1, "page": page, "lang": lang}
        if kind < 0.7:
            event.update(type="view", referrer=rng.choice([None, rng.choice(paths)]))
        elif kind < 0.8:
            event.update(
                type="vote",
                helpful=False,
                reason="unclear",
                comment="The fee table is out of date; mail me at a@b.example",
            )
        elif kind < 0.9:
            event.update(
                type="search",
                query=rng.choice(["入金 スケジュール", "refund", "fees"]),
                results=rng.randint(0, 12),
                product=None,
            )
        else:
            event.update(
                type="click",
                query="refund",
                rank=rng.randint(1, 10),
                target=rng.choice(
                    [p for p in paths if p.startswith(f"/{lang}/" if lang == "ja" else "/")]
                ),
            )
        if event["type"] == "click" and lang == "en":
            event["target"] = rng.choice([p for p in paths if not p.startswith("/ja/")])
        made.append(json.dumps(event).encode())
    return made


def request(port: int, body: bytes) -> bytes:
    return (
        f"POST /api/event HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {ORIGIN}\r\n"
        "User-Agent: Mozilla/5.0 (bench)\r\nContent-Type: text/plain\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


class Collector:
    def __init__(self, db: str, site_dir: Path) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                KB,
                "collect",
                "--db",
                db,
                "--site-dir",
                str(site_dir),
                "--origin",
                ORIGIN,
                "--port",
                str(self.port),
                "--rate-limit",
                "0",
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("kb collect did not start")

    def health(self) -> dict[str, object]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("GET", "/healthz")
        data: dict[str, object] = json.loads(connection.getresponse().read())
        connection.close()
        return data

    def stop(self, sig: int = signal.SIGTERM) -> float:
        started = time.monotonic()
        self.process.send_signal(sig)
        self.process.communicate(timeout=120)
        return time.monotonic() - started


async def connection_loop(
    port: int,
    payloads: list[bytes],
    stop_at: float,
    budget: list[int],
    latencies: list[float],
    late: list[float],
    interval: float | None,
    offset: float,
) -> int:
    """One keep-alive connection: send, wait for the answer, repeat (paced when `interval`)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    ok = 0
    i = 0
    start = time.perf_counter() + offset
    try:
        while budget[0] > 0:
            if interval is not None:
                scheduled = start + i * interval
                delay = scheduled - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                late.append(time.perf_counter() - scheduled)
            sent = time.perf_counter()
            if sent >= stop_at:
                break
            budget[0] -= 1
            writer.write(payloads[i % len(payloads)])
            i += 1
            head = await reader.readuntil(b"\r\n\r\n")
            latencies.append(time.perf_counter() - sent)
            if not head.startswith(b"HTTP/1.1 204"):
                raise SystemExit(f"unexpected answer: {head[:40]!r}")
            ok += 1
    finally:
        writer.close()
    return ok


async def load(
    port: int,
    payloads: list[bytes],
    seconds: float,
    max_events: int,
    connections: int,
    rate: float | None,
) -> tuple[int, float, list[float], list[float]]:
    """Events answered 204, seconds, round trips and (paced) how late each send was."""
    budget = [max_events]
    latencies: list[float] = []
    late: list[float] = []
    requests = [request(port, body) for body in payloads]
    started = time.perf_counter()
    stop_at = started + seconds
    interval = connections / rate if rate else None
    tasks = [
        connection_loop(
            port,
            requests[n::connections] or requests,
            stop_at,
            budget,
            latencies,
            late,
            interval,
            (interval or 0) * n / connections,
        )
        for n in range(connections)
    ]
    done = sum(await asyncio.gather(*tasks))
    return done, time.perf_counter() - started, latencies, late


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else 0.0


def stored(db: str) -> int:
    store = open_store(db, create=False)
    try:
        return int(store.rows("SELECT COUNT(*) FROM events")[0][0])
    finally:
        store.close()


def run(
    name: str, db: str, site_dir: Path, payloads: list[bytes], args: argparse.Namespace
) -> None:
    collector = Collector(db, site_dir)
    accepted = 0
    for phase, rate, connections in (
        ("sustained", None, args.connections),
        ("paced 2,000/s", 2000.0, 16),
    ):
        done, elapsed, latencies, late = asyncio.run(
            load(collector.port, payloads, args.seconds, args.max_events, connections, rate)
        )
        accepted += done
        server: dict[str, float] = collector.health()["latency_ms"]  # type: ignore[assignment]
        lateness = f"; generator late p99 {p(late, 0.99):.1f} ms" if late else ""
        print(
            f"{name} {phase}: {done} events in {elapsed:.1f} s = {done / elapsed:,.0f} events/s; "
            f"server p50 {server['p50']} ms p99 {server['p99']} ms; "
            f"round trip p50 {p(latencies, 0.5):.1f} ms p99 {p(latencies, 0.99):.1f} ms"
            f"{lateness}"
        )
    took = collector.stop()
    count = stored(db)
    print(
        f"{name} graceful stop: {accepted} answered 204, {count} stored "
        f"({'sent = stored' if count == accepted else 'MISMATCH'}); stop took {took:.2f} s"
    )


def crash(
    name: str, db: str, site_dir: Path, payloads: list[bytes], args: argparse.Namespace
) -> None:
    collector = Collector(db, site_dir)
    before = stored(db)

    acknowledged = asyncio.run(killed_count(collector, payloads, args))
    collector.process.wait()
    lost = acknowledged - (stored(db) - before)
    print(
        f"{name} crash (SIGKILL at 5,000 events/s): {acknowledged} answered 204, "
        f"{acknowledged - lost} stored, {lost} lost = {lost / 5000 * 1000:.0f} ms of traffic "
        f"(flush interval 100 ms)"
    )


async def killed_count(
    collector: Collector, payloads: list[bytes], args: argparse.Namespace
) -> int:
    """Run paced load on 16 connections, kill the collector half-way, count the 204s."""
    counts = [0]
    requests = [request(collector.port, body) for body in payloads]
    interval = 16 / 5000.0
    stop_at = time.perf_counter() + args.seconds

    async def one(n: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", collector.port)
        start = time.perf_counter() + interval * n / 16
        i = 0
        try:
            while time.perf_counter() < stop_at:
                delay = start + i * interval - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                writer.write(requests[(n + 16 * i) % len(requests)])
                i += 1
                head = await reader.readuntil(b"\r\n\r\n")
                if head.startswith(b"HTTP/1.1 204"):
                    counts[0] += 1
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            pass

    async def kill() -> None:
        await asyncio.sleep(min(args.seconds / 2, 2.0))
        collector.process.send_signal(signal.SIGKILL)

    await asyncio.gather(kill(), *(one(n) for n in range(16)))
    return counts[0]


def main() -> None:
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per phase (default 10)")
    parser.add_argument("--max-events", type=int, default=200_000, help="per phase")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("KB_TEST_POSTGRES_URL"),
        help="also run against this PostgreSQL (default: $KB_TEST_POSTGRES_URL)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = site(folder / "site")
        payloads = bodies(paths)
        load_average = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"machine: {os.cpu_count()} cores, load average {load_average}; "
            f"{len(paths)} pages; {len(payloads)} distinct events"
        )
        run("SQLite", f"sqlite:///{folder / 'a.sqlite3'}", folder / "site", payloads, args)
        crash("SQLite", f"sqlite:///{folder / 'b.sqlite3'}", folder / "site", payloads, args)
        if args.postgres:
            for table in ("events", "daily", "weekly", "pages", "settings"):
                store = open_store(args.postgres)
                store.rows(f"DROP TABLE IF EXISTS {table}")
                store.close()
            run("PostgreSQL", args.postgres, folder / "site", payloads, args)
            crash("PostgreSQL", args.postgres, folder / "site", payloads, args)


if __name__ == "__main__":
    main()

"""`kb collect` as a process: a graceful stop loses nothing; two collectors share PostgreSQL."""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING

import pytest

from kb.insights.store import open_store

from .conftest import ORIGIN
from .service import CollectorProcess

if TYPE_CHECKING:
    from pathlib import Path

pytest.importorskip("uvicorn")


def search(i: int) -> dict[str, object]:
    return {"v": 1, "type": "search", "page": "/", "lang": "en", "query": f"q{i}", "results": 1}


def stored_queries(url: str) -> list[str]:
    store = open_store(url)
    try:
        return [row[0] for row in store.rows("SELECT query FROM events")]
    finally:
        store.close()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_graceful_stop_stores_every_accepted_event(
    site_dir: Path, tmp_path: Path, sig: int
) -> None:
    url = f"sqlite:///{tmp_path / 'stop.sqlite3'}"
    collector = CollectorProcess(url, site_dir, ORIGIN)
    answers = [collector.post(search(i)) for i in range(1500)]
    status, log = collector.stop(sig)
    assert answers == [204] * 1500
    assert status == 0, log
    assert sorted(stored_queries(url)) == sorted(f"q{i}" for i in range(1500))


def test_the_collector_never_logs_an_address(site_dir: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    collector = CollectorProcess(url, site_dir, ORIGIN, rate_limit=2)
    answers = [collector.post(search(i)) for i in range(3)]
    assert collector.post({"v": 9}) == 429
    health = collector.health()
    _, log = collector.stop()
    assert answers == [204, 204, 429]
    assert "127.0.0.1:" not in log.replace(f"127.0.0.1:{collector.port}/api/event", "")
    assert health["stored"] + health["buffered"] == 2


def test_kb_collect_refuses_a_site_without_manifest(tmp_path: Path) -> None:
    import subprocess

    from .service import KB

    done = subprocess.run(
        [
            KB,
            "collect",
            "--db",
            f"sqlite:///{tmp_path / 'x.sqlite3'}",
            "--site-dir",
            str(tmp_path),
            "--origin",
            ORIGIN,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "kb-pages.json not found" in done.stderr
    assert not (tmp_path / "x.sqlite3").exists()


def test_two_collectors_on_one_postgresql_count_each_event_once(
    site_dir: Path, postgres_url: str
) -> None:
    first = CollectorProcess(postgres_url, site_dir, ORIGIN)
    second = CollectorProcess(postgres_url, site_dir, ORIGIN)
    answers = [(first if i % 2 else second).post(search(i)) for i in range(2000)]
    first_status, first_log = first.stop()
    second_status, second_log = second.stop()
    assert answers == [204] * 2000
    assert (first_status, second_status) == (0, 0), first_log + second_log
    queries = stored_queries(postgres_url)
    assert sorted(queries) == sorted(f"q{i}" for i in range(2000))
    store = open_store(postgres_url)
    try:
        assert store.rows("SELECT SUM(n) FROM daily WHERE type = 'search'") == [(2000,)]
    finally:
        store.close()

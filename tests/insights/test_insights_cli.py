"""`kb insights` and `kb collect` on the command line: bad arguments are one line and exit 2."""

from __future__ import annotations

import json
import os
import time
from typing import TYPE_CHECKING

import pytest

from kb.cli import main
from kb.insights.report import TwinState, twin_states
from kb.insights.store import open_store

from .test_report import fixed_events

if TYPE_CHECKING:
    from pathlib import Path

    from kb.insights.manifest import PageManifest

    from ..conftest import Tree


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["insights"], "the following arguments are required: --db"),
        (["insights", "--db", "mysql://x"], "write sqlite:///file.sqlite3 or postgresql://"),
        (["insights", "--db", "sqlite:///x", "--since", "30"], "e.g. 30d, 4w"),
        (["insights", "--db", "sqlite:///x", "--since", "0d"], "e.g. 30d, 4w"),
        (["insights", "--db", "sqlite:///x", "--format", "pdf"], "invalid choice"),
        (["insights", "--db", "sqlite:///x", "--min-votes", "-1"], "not a whole number"),
        (["collect", "--db", "sqlite:///x", "--site-dir", "s"], "required: --origin"),
        (
            ["collect", "--db", "sqlite:///x", "--site-dir", "s", "--origin", "help.example"],
            "not an origin",
        ),
        (
            [
                "collect",
                "--db",
                "sqlite:///x",
                "--site-dir",
                "s",
                "--origin",
                "https://h.example/p",
            ],
            "not an origin",
        ),
        (
            [
                "collect",
                "--db",
                "sqlite:///x",
                "--site-dir",
                "s",
                "--origin",
                "https://h.example",
                "--port",
                "70000",
            ],
            "not a port",
        ),
    ],
)
def test_bad_arguments(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert message in error


def test_a_missing_or_empty_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.sqlite3"
    assert main(["insights", "--db", f"sqlite:///{missing}"]) == 2
    assert not missing.exists()
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    assert main(["insights", "--db", f"sqlite:///{empty}"]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert errors == [
        f"kb insights: {missing}: no such database",
        "kb insights: the database holds no insights yet (start kb collect first)",
    ]


def test_a_database_missing_a_table_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "half.sqlite3"
    store = open_store(f"sqlite:///{path}")
    store.migrate()
    store.rows("DROP TABLE pages")
    store.close()
    assert main(["insights", "--db", f"sqlite:///{path}"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "kb insights: the database cannot be read (no such table: pages); "
        "is it a kb collect database?"
    ]


def test_report_to_a_file(
    tmp_path: Path, manifest: PageManifest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no mkdocs.yml here: no status join
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    store = open_store(url)
    store.migrate()
    store.save_pages(manifest)
    now = int(time.time())
    store.write([event.__class__(**{**event.__dict__, "ts": now}) for event in fixed_events()])
    store.close()
    target = tmp_path / "out.json"
    assert main(["insights", "--db", url, "--format", "json", "--output", str(target)]) == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["zero_result_queries"][0]["query"] == "入金 スケジュール"
    html = tmp_path / "out.html"
    assert (
        main(
            ["insights", "--db", url, "--format", "html", "--language", "ja", "--output", str(html)]
        )
        == 0
    )
    assert "改善が必要な記事" in html.read_text(encoding="utf-8")


def test_twin_states_come_from_kb_status(tree: Tree) -> None:
    from core.test_status import center

    project = tree(center())
    ten_days_ago = time.time() - 10 * 86_400
    os.utime(project.docs_dir / "en/payments/b.md", (ten_days_ago, ten_days_ago))
    states = twin_states(project)
    assert states[("ja", "payments/a.md")] == TwinState("current", None)
    assert states[("ja", "payments/b.md")] == TwinState("stale", 10)
    assert states[("ja", "payouts/c.md")].state == "untracked"
    assert states[("ja", "payouts/d.md")].state == "missing"

"""Hostile arguments and data on the command line: one line on stderr and exit 2, or inert text."""

from __future__ import annotations

import io
import os
import subprocess
from collections.abc import Callable
from contextlib import redirect_stderr
from typing import TYPE_CHECKING

import pytest

from cli.test_cli import MKDOCS_YML, kb
from core.bilingual import EN, JA, PRODUCTS, center
from kb.cli import main
from kb.project import Project

if TYPE_CHECKING:
    from pathlib import Path

Tree = Callable[..., Project]


@pytest.fixture
def root(tree: Tree) -> Path:
    project = tree({**center(), "mkdocs.yml": MKDOCS_YML, "elsewhere.md": "# Not in docs\n"})
    return project.root


def one_line_usage_error(run: subprocess.CompletedProcess[str]) -> None:
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert len(run.stderr.splitlines()) == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ["check", "elsewhere.md"],
        ["check", "/etc/passwd"],
        ["diff", "elsewhere.md"],
        ["diff", "/etc/passwd"],
        ["mark-translated", "/"],
        ["mark-translated", "."],
        ["mark-translated", ".."],
        ["mark-translated", "docs"],
        ["mark-translated", "docs/en"],
        ["mark-translated", "elsewhere.md"],
        ["mark-translated", "/etc/passwd"],
        ["mark-translated", EN],
        ["mark-translated", JA, "/"],
        ["mark-translated", "docs/ja/nothing-here.md"],
        ["start-translation", "elsewhere.md"],
        ["start-translation", "/etc/passwd"],
        ["start-translation", JA],
        ["start-translation", EN, "--language", "fr"],
        ["new", "../../etc/cron", "--title", "x"],
        ["new", "payments/../../x", "--title", "x"],
        ["new", "payments/" + "a" * 300, "--title", "x"],
        ["new", "payments/.hidden", "--title", "x"],
    ],
    ids=lambda args: " ".join(args)[:60],
)
def test_targets_outside_the_language_folders_exit_2(root: Path, args: list[str]) -> None:
    before = {path: path.read_bytes() for path in root.rglob("*.md")}
    run = kb(root, *args)
    one_line_usage_error(run)
    assert {path: path.read_bytes() for path in root.rglob("*.md")} == before


def test_mark_translated_slash_marks_nothing(root: Path) -> None:
    stale = (root / JA).read_text("utf-8").replace("source_digest: ", "source_digest: 0")
    (root / JA).write_text(stale, "utf-8")
    one_line_usage_error(kb(root, "mark-translated", "/"))
    assert (root / JA).read_text("utf-8") == stale


@pytest.mark.parametrize(
    "ref", ["--output=report.txt", "-o", "--exec=touch pwned", "", " ", "HEAD\nmain"]
)
def test_changed_refs_never_reach_git_as_options(root: Path, ref: str) -> None:
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    run = kb(root, "check", f"--changed={ref}")
    if ref == "":
        assert run.returncode in (0, 1, 2)  # `--changed=` is the default ref
        return
    one_line_usage_error(run)
    assert "is not a git revision" in run.stderr
    assert not (root / "report.txt").exists()
    assert not (root / "pwned").exists()


def test_a_nul_byte_in_a_path_is_a_usage_error() -> None:
    stderr = io.StringIO()
    with redirect_stderr(stderr), pytest.raises(SystemExit) as raised:
        main(["check", "docs/en/a\0.md"])
    assert raised.value.code == 2
    assert stderr.getvalue().count("\n") == 1
    assert "holds a NUL byte" in stderr.getvalue()


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize(
    "name", ["Card [/x] payments", "[bold red]Loud[/]", "[link=https://evil.example]x", ":smile:"]
)
def test_status_prints_markup_from_products_yml_as_text(
    root: Path, name: str, *, color: bool
) -> None:
    (root / "products.yml").write_text(
        PRODUCTS.replace("{en: Card payments,", f"{{en: '{name}',"), "utf-8"
    )
    env = {"FORCE_COLOR": "1", "NO_COLOR": ""} if color else {}
    run = kb(root, "status", env=env)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    plain = _strip_ansi(run.stdout)
    assert name in plain


def test_terminal_escapes_in_file_names_are_printed_escaped(root: Path) -> None:
    name = "docs/en/payments/\x1b[2J\x1b]8;;evil.example\x07x.md"
    (root / name).write_text("# X\n", "utf-8")
    for env in ({}, {"FORCE_COLOR": "1", "NO_COLOR": ""}):
        run = kb(root, "check", env=env)
        assert "\x1b[2J" not in run.stdout
        assert "\x1b]8;;" not in run.stdout
        assert "\\x1b[2J\\x1b]8;;evil.example\\x07x.md" in run.stdout


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_symlinked_language_folder_start_translation_exits_2(
    root: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (root / "docs/ja/payments/refunds.md").unlink()
    (root / "docs/ja/payments").rmdir()
    os.symlink(outside, root / "docs/ja/payments")
    run = kb(root, "start-translation", EN)
    one_line_usage_error(run)
    assert "symlinked folder" in run.stderr
    assert list(outside.iterdir()) == []

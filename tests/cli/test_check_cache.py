"""`kb check` reuses the last run's findings only while nothing it reads has changed."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import pytest

from core.bilingual import center, varied
from kb.build_cache import cache_root
from kb.check_cache import NAMESPACE

from .test_cli import BROKEN, EN, JA, MKDOCS_YML, Tree, git, kb

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


@pytest.fixture
def site(tree: Tree) -> Callable[..., Path]:
    def make(files: dict[str, str | bytes] | None = None) -> Path:
        return tree({**(files if files is not None else center()), "mkdocs.yml": MKDOCS_YML}).root

    return make


def entries(root: Path) -> list[Path]:
    """The check cache's entries (of whatever kb fingerprint the `kb` subprocess had)."""
    return sorted(p for p in cache_root(root).glob(f"{NAMESPACE}-*/*/*") if p.is_file())


def findings(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    run = kb(root, "check", "--format", "json", *args, env=env)
    return run.returncode, run.stdout, run.stderr


def rules(run: tuple[int, str, str]) -> set[str]:
    return {finding["rule"] for finding in json.loads(run[1])["findings"]}


def test_warm_findings_are_the_cold_findings(site: Callable[..., Path]) -> None:
    root = site(varied({EN: BROKEN}))
    cold = findings(root, "--no-cache")
    assert entries(root) == []  # --no-cache neither reads nor writes
    first = findings(root)
    assert len(entries(root)) == 1
    stamp = entries(root)[0].stat().st_mtime_ns
    warm = findings(root)
    assert entries(root)[0].stat().st_mtime_ns == stamp  # read, not written again
    assert cold == first == warm
    assert cold[0] == 1
    assert "broken-link" in {f["rule"] for f in json.loads(warm[1])["findings"]}
    for text in ("text", "markdown", "github"):
        assert (
            kb(root, "check", "--format", text).stdout
            == kb(root, "check", "--format", text, "--no-cache").stdout
        )


def test_an_edit_a_new_file_or_another_option_is_checked_again(
    site: Callable[..., Path],
) -> None:
    root = site(varied({EN: BROKEN}))
    assert "broken-link" in rules(findings(root))
    article = root / EN
    fixed = article.read_text(encoding="utf-8").replace("missing.md", "schedule.md")
    article.write_text(fixed, encoding="utf-8")
    assert findings(root) == findings(root, "--no-cache")
    assert "broken-link" not in rules(findings(root))
    before = rules(findings(root))
    (root / "docs/en/payments/new.md").write_text("# No front matter\n", encoding="utf-8")
    assert findings(root) == findings(root, "--no-cache")
    assert rules(findings(root)) != before
    for args in (["--select", "broken-link"], ["--severity", "missing-front-matter=ignore"]):
        assert findings(root, *args) == findings(root, *args, "--no-cache")
    os.remove(root / JA)
    assert findings(root) == findings(root, "--no-cache")
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text("utf-8").replace("untracked-translation: warning", "broken-link: info")
    )
    assert findings(root) == findings(root, "--no-cache")


def test_a_corrupt_entry_is_ignored_and_replaced(site: Callable[..., Path]) -> None:
    root = site(varied({EN: BROKEN}))
    expected = findings(root, "--no-cache")
    findings(root)
    [entry] = entries(root)
    data = entry.read_bytes()
    entry.write_bytes(data.replace(b"broken-link", b"fixed-links"))
    assert findings(root) == expected
    assert entry.read_bytes() == data
    entry.write_bytes(data[:100])
    assert findings(root) == expected
    assert entry.read_bytes() == data


def test_kb_no_cache_turns_it_off(site: Callable[..., Path]) -> None:
    root = site(varied({EN: BROKEN}))
    assert findings(root, env={"KB_NO_CACHE": "1"})[0] == 1
    assert entries(root) == []


def test_changed_runs_are_never_cached(site: Callable[..., Path]) -> None:
    root = site()
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start")
    findings(root, "--changed", "HEAD")
    assert entries(root) == []

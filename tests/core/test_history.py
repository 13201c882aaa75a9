"""`kb diff` against a real temporary git repository; `--changed` scopes."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from core.bilingual import EN, EN_BODY, EN_FRONT, JA, JA_BODY, JA_FRONT, center
from kb.check import run_check
from kb.digest import digest_text
from kb.gitinfo import changed_files
from kb.history import HistoryError, translation_diff
from kb.project import Project

Tree = Callable[..., Project]


def git(root: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=kb",
            "-c",
            "user.email=kb@example.com",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=root,
        check=True,
        capture_output=True,
    )


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)


@pytest.fixture
def repo(tree: Tree) -> Project:
    project = tree(center())
    git(project.root, "init", "-q")
    commit_all(project.root, "v1")
    return project


def test_diff_shows_the_english_changes_since_the_recorded_digest(repo: Project) -> None:
    en = repo.root / EN
    en.write_text(EN_FRONT + EN_BODY.replace("Refunds cannot", "Refunds can never"), "utf-8")
    commit_all(repo.root, "v2")
    en.write_text(en.read_text("utf-8") + "\nA new paragraph.\n", "utf-8")
    diff = translation_diff(repo, Path(JA))
    assert diff.commit is not None
    assert diff.source_path == EN
    assert "-    Refunds cannot be undone." in diff.diff
    assert "+    Refunds can never be undone." in diff.diff
    assert "+A new paragraph." in diff.diff
    assert diff.diff.startswith(f"--- {EN}@{diff.commit[:12]}\n+++ {EN} (working tree)\n")


def test_diff_of_a_current_translation_is_empty(repo: Project) -> None:
    diff = translation_diff(repo, Path(JA))
    assert diff.commit is None
    assert diff.diff == ""


def test_diff_without_a_matching_version(repo: Project) -> None:
    (repo.root / JA).write_text(JA_FRONT.format(digest="deadbeef0000") + JA_BODY, "utf-8")
    (repo.root / EN).write_text(EN_FRONT + EN_BODY + "\nMore.\n", "utf-8")
    with pytest.raises(HistoryError, match="no committed version") as raised:
        translation_diff(repo, Path(JA))
    assert not raised.value.usage


@pytest.mark.parametrize("commits", [0, 1])
def test_diff_of_an_untracked_english_article(tree: Tree, commits: int) -> None:
    project = tree(center())
    git(project.root, "init", "-q")
    if commits:
        (project.root / "README.md").write_text("x", "utf-8")
        git(project.root, "add", "README.md")
        git(project.root, "commit", "-qm", "readme")
    (project.root / JA).write_text(JA_FRONT.format(digest="deadbeef0000") + JA_BODY, "utf-8")
    with pytest.raises(HistoryError, match="no git history"):
        translation_diff(project, Path(JA))


def test_diff_without_git(repo: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo.root / EN).write_text(EN_FRONT + EN_BODY + "\nMore.\n", "utf-8")
    monkeypatch.setenv("PATH", "")
    with pytest.raises(HistoryError, match="git is not installed") as raised:
        translation_diff(repo, Path(JA))
    assert raised.value.usage


@pytest.mark.parametrize(
    ("path", "reason"),
    [(EN, "source-language article"), ("docs/en/assets/flow.svg", "not an article")],
)
def test_diff_usage_errors(repo: Project, path: str, reason: str) -> None:
    with pytest.raises(HistoryError, match=reason):
        translation_diff(repo, Path(path))


def test_diff_without_source_digest(repo: Project) -> None:
    (repo.root / JA).write_text(
        JA_FRONT.replace("source_digest: {digest}\n", "") + JA_BODY, "utf-8"
    )
    with pytest.raises(HistoryError, match="records no source_digest"):
        translation_diff(repo, Path(JA))


def test_changed_files_lists_modified_added_renamed_deleted_and_untracked(repo: Project) -> None:
    root = repo.root
    (root / "docs/en/payouts/schedule.md").rename(root / "docs/en/payouts/calendar.md")
    (root / "docs/ja/payouts/schedule.md").unlink()
    (root / EN).write_text(EN_FRONT + EN_BODY + "\nMore.\n", "utf-8")
    git(root, "add", "-A")
    (root / "docs/en/new.md").write_text("# New\n", "utf-8")
    assert changed_files(repo.docs_dir) == [
        "en/new.md",
        "en/payments/refunds.md",
        "en/payouts/calendar.md",
        "en/payouts/schedule.md",
        "ja/payouts/schedule.md",
    ]


def test_changed_check_covers_twins_and_linking_articles(repo: Project) -> None:
    root = repo.root
    schedule = root / "docs/en/payouts/schedule.md"
    schedule.write_text(
        schedule.read_text("utf-8").replace("## Holidays", "## Bank holidays"), "utf-8"
    )
    result = run_check(repo, changed=True)
    assert result.scope == {
        ("en", "payouts/schedule.md"),
        ("ja", "payouts/schedule.md"),
        ("en", "payments/refunds.md"),
        ("ja", "payments/refunds.md"),
    }
    # The Japanese link breaks too: Japanese headings take the English ids.
    assert [(f.rule.value, f.path) for f in result.findings] == [
        ("broken-anchor", EN),
        ("broken-anchor", JA),
        ("stale-translation", "docs/ja/payouts/schedule.md"),
    ]


def test_changed_check_with_an_explicit_ref(repo: Project) -> None:
    (repo.root / "docs/en/extra.md").write_text("---\nproducts: [payments]\n---\n# X\n", "utf-8")
    commit_all(repo.root, "v2")
    result = run_check(repo, changed_ref="HEAD~1")
    assert result.scope == {("en", "extra.md")}
    assert [f.rule.value for f in result.findings] == ["missing-translation"]
    assert run_check(repo, changed=True).scope == frozenset()


def test_digest_of_the_head_version_is_what_mark_translated_records(repo: Project) -> None:
    assert digest_text((repo.root / EN).read_text("utf-8")) in (repo.root / JA).read_text("utf-8")


def test_changed_defaults_to_the_merge_base_with_origin_main(repo: Project) -> None:
    git(repo.root, "update-ref", "refs/remotes/origin/main", "HEAD")
    (repo.root / "docs/en/extra.md").write_text("# X\n", "utf-8")
    commit_all(repo.root, "on the branch")
    git(repo.root, "pack-refs", "--all")
    assert changed_files(repo.docs_dir) == ["en/extra.md"]
    assert changed_files(repo.docs_dir, "HEAD") == []

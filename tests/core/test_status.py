"""`translation_status`: coverage per product and language, stale translations, old reviews."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from kb.check import run_check
from kb.digest import digest_text
from kb.project import Project
from kb.report.status import render_status_json, render_status_markdown, write_status
from kb.status import Coverage, translation_status

if TYPE_CHECKING:
    from pathlib import Path

Tree = Callable[..., Project]

PRODUCTS = """\
products:
  - id: payments
    name: {en: Card payments, ja: カード決済}
    description: {en: Cards., ja: カード。}
  - id: payouts
    name: {en: Payouts, ja: 入金}
    description: {en: Money., ja: 入金。}
"""
TODAY = dt.date(2026, 6, 1)


def english(title: str, products: str, reviewed: str | None, body: str = "Text.\n") -> str:
    review = f"last_reviewed: {reviewed}\n" if reviewed else ""
    return f"---\ntitle: {title}\nproducts: [{products}]\n{review}---\n\n# {title}\n\n{body}"


def japanese(source: str | None, title: str = "記事") -> str:
    digest = f"source_digest: {source}\n" if source else ""
    return f"---\ntitle: {title}\n{digest}---\n\n# {title}\n\n本文です。\n"


def center() -> dict[str, str]:
    a = english("A", "payments", "2025-01-01")
    b = english("B", "payments, payouts", "2026-05-01")
    index = "---\ntitle: Home\nkind: page\n---\n\n# Home\n"
    return {
        "products.yml": PRODUCTS,
        "docs/en/payments/a.md": a,
        "docs/ja/payments/a.md": japanese(digest_text(a)),
        "docs/en/payments/b.md": b,
        "docs/ja/payments/b.md": japanese("deadbeef0000"),
        "docs/en/payouts/c.md": english("C", "payouts", None),
        "docs/ja/payouts/c.md": japanese(None),
        "docs/en/payouts/d.md": english("D", "payouts", "2024-01-01"),
        "docs/en/index.md": index,
        "docs/ja/index.md": japanese(digest_text(index)),
        "docs/ja/payouts/old.md": japanese("deadbeef0000"),
    }


def rows(coverage: tuple[Coverage, ...]) -> list[tuple[object, ...]]:
    return [
        (c.product, c.language, c.articles, c.translated, c.stale, c.untracked, c.missing)
        for c in coverage
    ]


def test_coverage_per_product_and_language(tree: Tree) -> None:
    report = translation_status(tree(center()), today=TODAY, history=False)
    # b names two products and counts in both; the home page names none.
    assert rows(report.coverage) == [
        ("payments", "ja", 2, 1, 1, 0, 0),
        ("payouts", "ja", 3, 0, 1, 1, 1),
        ("", "ja", 1, 1, 0, 0, 0),
    ]
    assert rows(report.totals) == [("*", "ja", 5, 2, 1, 1, 1)]
    assert [round(c.percent) for c in report.coverage] == [50, 0, 100]
    assert report.totals[0].percent == 40.0
    assert report.orphans == ("docs/ja/payouts/old.md",)
    assert report.product_name("payouts", "ja") == "入金"
    assert report.product_name("unknown", "ja") == "unknown"


def test_overdue_reviews_oldest_first(tree: Tree) -> None:
    project = tree(center())
    report = translation_status(project, today=TODAY, history=False)
    assert report.review_age_days == 365
    assert [(r.path, r.last_reviewed.isoformat(), r.days, r.products) for r in report.overdue] == [
        ("docs/en/payouts/d.md", "2024-01-01", 882, ("payouts",)),
        ("docs/en/payments/a.md", "2025-01-01", 516, ("payments",)),
    ]
    shorter = translation_status(project, today=TODAY, review_age_days=30, history=False)
    assert [r.path for r in shorter.overdue] == [
        "docs/en/payouts/d.md",
        "docs/en/payments/a.md",
        "docs/en/payments/b.md",
    ]
    configured = tree(center(), status={"review_age_days": 1000})
    assert translation_status(configured, today=TODAY, history=False).overdue == ()


def test_without_git_stale_translations_are_dated_by_modification_time(tree: Tree) -> None:
    project = tree(center())
    os.utime(project.docs_dir / "en/payments/b.md", (1_780_000_000, 1_780_000_000))
    [stale] = translation_status(project, today=TODAY).stale
    assert stale.path == "docs/ja/payments/b.md"
    assert stale.source_path == "docs/en/payments/b.md"
    assert stale.basis == "mtime"
    assert stale.since == dt.date.fromtimestamp(1_780_000_000)
    assert stale.days == (TODAY - stale.since).days


def test_the_builds_check_result_is_reused(tree: Tree) -> None:
    project = tree(center())
    result = run_check(project)
    assert translation_status(project, result, today=TODAY, history=False) == translation_status(
        project, today=TODAY, history=False
    )


def git(root: Path, *args: str, date: str = "2026-01-10T12:00:00") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_AUTHOR_NAME": "kb",
        "GIT_AUTHOR_EMAIL": "kb@example.com",
        "GIT_COMMITTER_NAME": "kb",
        "GIT_COMMITTER_EMAIL": "kb@example.com",
    }
    done = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return done.stdout.strip()


def edit(path: Path, text: str) -> None:
    path.write_text(path.read_text("utf-8") + text, "utf-8")


@pytest.fixture
def repo(tree: Tree) -> Project:
    files = center()
    a = files["docs/en/payments/a.md"]
    files["docs/ja/payments/b.md"] = japanese(digest_text(files["docs/en/payments/b.md"]))
    files["docs/ja/payouts/c.md"] = japanese("0123456789ab")  # no version has this digest
    project = tree(files)
    git(project.root, "init", "-q")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "v1")
    edit(project.docs_dir / "en/payments/b.md", "\nMore.\n")
    git(project.root, "commit", "-qam", "b changes", date="2026-03-05T09:00:00")
    # a is renamed, then changed: its history follows the rename.
    git(project.root, "mv", "docs/en/payments/a.md", "docs/en/payments/a2.md")
    git(project.root, "mv", "docs/ja/payments/a.md", "docs/ja/payments/a2.md")
    git(project.root, "commit", "-qm", "a moves", date="2026-01-20T09:00:00")
    (project.docs_dir / "en/payments/a2.md").write_text(a + "\nMore.\n", "utf-8")
    git(project.root, "commit", "-qam", "a changes", date="2026-02-01T09:00:00")
    edit(project.docs_dir / "en/index.md", "\nNot committed.\n")
    return project


def test_stale_translations_are_dated_from_git_history(repo: Project) -> None:
    head = git(repo.root, "rev-parse", "HEAD")
    b_commit = git(repo.root, "rev-parse", "HEAD~2")
    report = translation_status(repo, today=TODAY)
    assert [(s.path, s.since, s.basis, s.commit) for s in report.stale] == [
        ("docs/ja/payments/a2.md", dt.date(2026, 2, 1), "git", head),
        ("docs/ja/payments/b.md", dt.date(2026, 3, 5), "git", b_commit),
        ("docs/ja/index.md", dt.date.today(), "working-tree", None),
        ("docs/ja/payouts/c.md", None, "unknown", None),
    ]
    assert [s.days for s in report.stale][:2] == [120, 88]


def test_renderers(repo: Project) -> None:
    report = translation_status(repo, today=TODAY)
    document = json.loads(render_status_json(report))
    assert document["version"] == 1
    assert document["today"] == "2026-06-01"
    assert document["totals"] == [
        {
            "product": "*",
            "language": "ja",
            "articles": 5,
            "translated": 0,
            "stale": 4,
            "untracked": 0,
            "missing": 1,
            "draft": 0,
            "coverage": 0.0,
        }
    ]
    assert document["stale"][1]["since"] == "2026-03-05"
    assert document["stale"][1]["basis"] == "git"
    assert document["overdue"][0]["path"] == "docs/en/payouts/d.md"
    markdown = render_status_markdown(report)
    assert "| Card payments (payments) | ja | 2 | 0 | 2 | 0 | 0 | 0 | 0% |" in markdown
    assert "| **all articles** | ja | 5 | 0 | 4 | 0 | 1 | 0 | 0% |" in markdown
    assert (
        "| `docs/ja/payments/b.md` | `docs/en/payments/b.md` | 2026-03-05 (88 days ago) | "
        f"commit {git(repo.root, 'rev-parse', 'HEAD~2')[:12]} |"
    ) in markdown
    assert "| `docs/en/payouts/d.md` | 2024-01-01 | 882 |" in markdown
    text = io.StringIO()
    write_status(report, "text", text)
    output = text.getvalue()
    assert "Card payments (payments)" in output
    assert "Stale translations, stale the longest first (4):" in output
    assert "docs/ja/payouts/c.md: docs/en/payouts/c.md changed unknown" in output
    assert "\x1b[" not in output

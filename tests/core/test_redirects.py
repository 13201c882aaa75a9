"""Redirects: old paths, what the build redirects, and `missing-redirect` against git history."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from core.bilingual import center
from kb.check import run_check
from kb.project import Project, ProjectError, project_from_options
from kb.redirects import Redirect, collect_redirects, old_path, redirect_page

if TYPE_CHECKING:
    from pathlib import Path

Tree = Callable[..., Project]
LANGUAGES = ("en", "ja")


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ("payments/old.md", "payments/old.md"),
        ("/payments/old/", "payments/old.md"),
        ("payments/old", "payments/old.md"),
        ("payments/old.html", "payments/old.md"),
        ("/ja/payments/old/", "payments/old.md"),
        ("payouts/", "payouts.md"),
        ("/", None),
        ("index.md", None),
        ("../outside.md", None),
        ("payments/../../x.md", None),
        ("https://example.com/old/", None),
        ("//example.com/old/", None),
        ("payments/old?x=1", None),
        ('payments/"><script>', None),
        ("", None),
        (["payments/old.md"], None),
    ],
)
def test_old_paths_and_urls_name_one_language_relative_article(
    value: object, path: str | None
) -> None:
    assert old_path(value, LANGUAGES) == path


def test_the_site_redirects_configured_declared_and_product_folder_paths(tree: Tree) -> None:
    files = center()
    en_schedule = "docs/en/payouts/schedule.md"
    files[en_schedule] = files[en_schedule].replace(
        "---\n", "---\nredirect_from: [payouts/calendar.md]\naliases: /payouts/old-calendar/\n", 1
    )
    project = tree(files)
    result = run_check(project)
    redirects = collect_redirects(
        {"payments/old-refunds.md": "payments/refunds.md", "payments/gone.md": "nowhere.md",
         "payouts/schedule.md": "payments/refunds.md"},
        result.articles,
        languages=LANGUAGES,
        source_language="en",
        product_ids=["payments", "payouts", "terminal"],
    )  # fmt: skip
    assert redirects == [
        Redirect("payments/index.md", "products/payments.md"),
        Redirect("payments/old-refunds.md", "payments/refunds.md"),
        Redirect("payouts/calendar.md", "payouts/schedule.md"),
        Redirect("payouts/index.md", "products/payouts.md"),
        Redirect("payouts/old-calendar.md", "payouts/schedule.md"),
    ]  # an existing article and an unknown target are never redirected; no folder, no redirect
    assert not [f for f in result.findings if f.rule.value == "front-matter-mismatch"]


def test_a_redirect_page_works_without_script_and_is_canonical_and_noindex() -> None:
    page = redirect_page(
        language="ja",
        target_url="../refunds/",
        canonical="https://help.example.com/ja/payments/refunds/",
        strings={
            "redirect_title": "移動",
            "redirect_body": "移動しました。",
            "redirect_link": "へ",
        },
    )
    assert '<meta http-equiv="refresh" content="0; url=../refunds/">' in page
    assert '<link rel="canonical" href="https://help.example.com/ja/payments/refunds/">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert '<a href="../refunds/">へ</a>' in page
    assert "<script" not in page
    assert '<html lang="ja" data-kb-redirect>' in page


def test_bad_redirect_options_are_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    for value in (["old.md"], {"old.md": "https://example.com/"}, {"../x.md": "new.md"}):
        with pytest.raises(ProjectError, match="redirects"):
            project_from_options(
                root=tmp_path,
                docs_dir=tmp_path / "docs",
                languages=list(LANGUAGES),
                options={"redirects": value},
            )


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=kb", "-c", "user.email=kb@example.com", "-c",
         "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=root, check=True, capture_output=True,
    )  # fmt: skip


@pytest.fixture
def repo(tree: Tree) -> Project:
    project = tree(center())
    git(project.root, "init", "-q")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "v1")
    return project


def missing(project: Project, **options: object) -> list[tuple[str, str]]:
    if options:
        project = project_from_options(
            root=project.root, docs_dir=project.docs_dir, languages=list(LANGUAGES),
            options=options,
        )  # fmt: skip
    result = run_check(project, changed=True, select=["missing-redirect"])
    return [(f.path, f.hint) for f in result.findings]


def test_a_renamed_article_without_a_redirect_is_an_error_naming_the_new_path(
    repo: Project,
) -> None:
    root = repo.root
    git(root, "mv", "docs/en/payouts/schedule.md", "docs/en/payouts/calendar.md")
    git(root, "mv", "docs/ja/payouts/schedule.md", "docs/ja/payouts/calendar.md")
    found = missing(repo)
    assert [path for path, _ in found] == [
        "docs/en/payouts/schedule.md",
        "docs/ja/payouts/schedule.md",
    ]
    assert "redirect_from: [payouts/schedule.md]" in found[0][1]
    assert "docs/en/payouts/calendar.md" in found[0][1]
    result = run_check(repo, changed=True, select=["missing-redirect"])
    assert {f.severity.value for f in result.findings} == {"error"}
    # Declared in the new article's front matter (English only: it covers both languages).
    calendar = root / "docs/en/payouts/calendar.md"
    calendar.write_text(
        calendar.read_text("utf-8").replace(
            "---\n", "---\nredirect_from: [payouts/schedule.md]\n", 1
        ),
        "utf-8",
    )
    assert missing(repo) == []


def test_a_deleted_article_needs_a_redirect_unless_the_options_give_one(repo: Project) -> None:
    (repo.root / "docs/en/payouts/schedule.md").unlink()
    (repo.root / "docs/ja/payouts/schedule.md").unlink()
    found = missing(repo)
    assert len(found) == 2
    assert "the article that replaces it" in found[0][1]
    assert missing(repo, redirects={"payouts/schedule.md": "payments/refunds.md"}) == []


def test_a_deleted_translation_keeps_its_url_through_the_english_fallback(repo: Project) -> None:
    (repo.root / "docs/ja/payouts/schedule.md").unlink()
    assert missing(repo) == []

"""The docs folder as kb walks it: symlinks that leave, loop or name a folder, special files."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from core.bilingual import EN, center
from kb.check import run_check
from kb.corpus import FileIndex
from kb.docs_tree import (
    MAX_DEPTH,
    FileTooLarge,
    NotAFile,
    read_regular_file,
    symlink_problem,
    walk_docs,
)
from kb.findings import Rule
from kb.project import Project, ProjectError, project_from_options

Tree = Callable[..., Project]


def link(root: Path, relative: str, target: str | Path) -> None:
    """Create the symlink `root/relative -> target` (its folder too)."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)


# Each case: the symlink (relative to the project root), where it points, and the start of
# the message of its unsafe-symlink finding.
UNSAFE = [
    pytest.param(
        "docs/en/assets/env.txt",
        "/proc/self/environ",
        "symlink env.txt -> /proc/self/environ leads outside the repository",
        id="a file outside the repository",
    ),
    pytest.param(
        "docs/en/assets/passwd.txt",
        "../../../../../../../../../../etc/passwd",
        "symlink passwd.txt -> ../../../../../../../../../../etc/passwd leads outside",
        id="climbing out with ..",
    ),
    pytest.param(
        "docs/en/git.txt",
        "../../.git/config",
        "symlink git.txt -> ../../.git/config leads into .git/config, a hidden file",
        id="a hidden file of the repository",
    ),
    pytest.param(
        "docs/en/self",
        ".",
        "symlink self -> . loops back to a folder that holds it",
        id="a folder looping to itself",
    ),
    pytest.param(
        "docs/en/payments/up",
        "../..",
        "symlink up -> ../.. loops back to a folder that holds it",
        id="a folder looping to an ancestor",
    ),
    pytest.param(
        "docs/en/ping.md",
        "pong.md",
        "symlink ping.md -> pong.md loops: it never reaches a file",
        id="two links pointing at each other",
    ),
    pytest.param(
        "docs/en/gone.png",
        "nowhere.png",
        "symlink gone.png -> nowhere.png points at nothing",
        id="dangling",
    ),
    pytest.param(
        "docs/en/shared",
        "../../shared",
        "symlink shared -> ../../shared is a symlinked folder: kb never walks one",
        id="a folder inside the repository",
    ),
    pytest.param(
        "docs/ja",
        "/tmp",
        "symlink ja -> /tmp leads outside the repository",
        id="a language folder",
    ),
]


@pytest.mark.parametrize(("relative", "target", "message"), UNSAFE)
def test_unsafe_symlinks_are_findings_and_never_followed(
    tree: Tree, relative: str, target: str, message: str
) -> None:
    project = tree({**center(), "shared/notes.md": "# Notes\n", ".git/config": "[core]\n"})
    if relative == "docs/ja":
        for path in sorted((project.root / "docs/ja").rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        (project.root / "docs/ja").rmdir()
    link(project.root, relative, target)
    if relative == "docs/en/ping.md":
        link(project.root, "docs/en/pong.md", "ping.md")
    result = run_check(project)
    unsafe = [f for f in result.findings if f.rule is Rule.UNSAFE_SYMLINK]
    assert unsafe[0].path == relative
    assert unsafe[0].line == 1
    assert unsafe[0].message.startswith(message), unsafe[0].message
    assert unsafe[0].hint
    assert unsafe[0].code == "KB312"
    assert relative in {f.path for f in result.refused}  # the build stops on it
    index = FileIndex(project)
    walked = index.files
    assert not any(path.startswith(relative.removeprefix("docs/")) for path in walked)


def test_the_finding_is_reported_whatever_the_scope(tree: Tree) -> None:
    project = tree(center())
    link(project.root, "docs/en/assets/env.txt", "/proc/self/environ")
    only_one = run_check(project, paths=[Path(EN)])
    assert [f.path for f in only_one.findings if f.rule is Rule.UNSAFE_SYMLINK] == [
        "docs/en/assets/env.txt"
    ]


def test_symlinks_that_stay_inside_the_repository_keep_working(tree: Tree) -> None:
    project = tree(
        {
            **center(),
            "shared/diagram.svg": "<svg/>",
            "shared/fees.md": "---\ntitle: Fees\nproducts: [payments]\n---\n\n# Fees\n",
        }
    )
    link(project.root, "docs/en/assets/diagram.svg", "../../../shared/diagram.svg")
    link(project.root, "docs/en/payments/fees.md", "../../../shared/fees.md")
    link(project.root, "docs/ja/payments/fees-link.md", "../../en/payments/fees.md")
    result = run_check(project)
    assert not [f for f in result.findings if f.rule is Rule.UNSAFE_SYMLINK]
    assert result.refused == []
    index = FileIndex(project)
    assert "en/assets/diagram.svg" in index.files
    assert index.docs_path("en", "payments/fees.md") == "en/payments/fees.md"
    article = result.article("en", "payments/fees.md")
    assert article is not None
    assert article.title == "Fees"


def test_named_pipes_are_never_opened(tree: Tree) -> None:
    project = tree(center())
    os.mkfifo(project.root / "docs/en/pipe.md")
    os.mkfifo(project.root / "docs/en/pipe.png")
    link(project.root, "docs/en/to-pipe.md", "pipe.md")
    result = run_check(project)  # would block forever on open() without a writer
    rows = {(f.path, f.rule) for f in result.findings}
    assert ("docs/en/pipe.md", Rule.INVALID_ENCODING) in rows
    assert ("docs/en/pipe.png", Rule.INVALID_ENCODING) in rows
    assert ("docs/en/to-pipe.md", Rule.UNSAFE_SYMLINK) in rows
    message = next(f.message for f in result.findings if f.path == "docs/en/pipe.md")
    assert message == "pipe.md is a named pipe, not a file: kb and the build never read it"
    assert {f.path for f in result.refused} >= {"docs/en/pipe.md", "docs/en/pipe.png"}


def test_unreadable_files_are_refused(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tree(center())
    secret = str(project.root / "docs/en/assets/flow.svg")
    real_access = os.access
    # Tests run as root, which reads any file whatever its mode: pretend it cannot.
    monkeypatch.setattr(os, "access", lambda path, mode: path != secret and real_access(path, mode))
    result = run_check(project)
    refused = [(f.path, f.rule, f.message) for f in result.refused]
    assert refused == [
        (
            "docs/en/assets/flow.svg",
            Rule.INVALID_ENCODING,
            "flow.svg cannot be read: Permission denied",
        )
    ]


def test_deep_nesting_stops_at_the_limit(tree: Tree) -> None:
    project = tree(center())
    deep = project.root / "docs/en" / "/".join(["d"] * (MAX_DEPTH + 5))
    deep.mkdir(parents=True)
    (deep / "x.md").write_text("# X\n")
    result = run_check(project)
    nested = [f for f in result.findings if "nested more than" in f.message]
    assert len(nested) == 1
    assert nested[0].path.count("/d") == MAX_DEPTH
    assert nested[0] in result.refused


def test_dot_files_are_vetted_but_not_articles(tree: Tree) -> None:
    project = tree({**center(), "docs/.well-known/security.txt": "Contact: x"})
    link(project.root, "docs/.well-known/leak.txt", "/proc/self/environ")
    tree_ = walk_docs(project.docs_dir, project.boundary)
    assert tree_.hidden == [".well-known/security.txt"]
    assert [r.path for r in tree_.refusals] == [".well-known/leak.txt"]
    assert ".well-known/security.txt" in tree_.readable


def test_symlink_problem_accepts_a_file_of_the_repository(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n")
    os.symlink("a.md", tmp_path / "b.md")
    assert symlink_problem(tmp_path / "b.md", tmp_path) is None


class TestReadRegularFile:
    """The one reader of writer files: bounded, and never blocked by a named pipe."""

    def test_reads_a_file(self, tmp_path: Path) -> None:
        (tmp_path / "a.md").write_bytes(b"# A\n")
        assert read_regular_file(tmp_path / "a.md", 10) == b"# A\n"

    def test_refuses_a_file_over_the_limit_without_reading_it(self, tmp_path: Path) -> None:
        big = tmp_path / "big.md"
        with big.open("wb") as handle:  # 1 GB, sparse: nothing is really written
            handle.truncate(1024**3)
        with pytest.raises(FileTooLarge, match=r"1,024\.0 MB, over the 256 KB limit"):
            read_regular_file(big, 256 * 1024)

    def test_refuses_a_named_pipe_without_waiting_for_a_writer(self, tmp_path: Path) -> None:
        pipe = tmp_path / "pipe.md"
        os.mkfifo(pipe)
        outcome: list[BaseException] = []

        def read() -> None:
            try:
                read_regular_file(pipe, 10)
            except NotAFile as error:
                outcome.append(error)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(30)
        if reader.is_alive():  # unblock the reader so the test run can end
            with pipe.open("wb"):
                pass
            pytest.fail("read_regular_file blocked on a named pipe")
        assert "a named pipe" in str(outcome[0])

    def test_refuses_a_folder(self, tmp_path: Path) -> None:
        with pytest.raises(OSError, match="folder|directory"):
            read_regular_file(tmp_path, 10)


class TestProjectFiles:
    """products.yml, glossary.yml and docs_dir come with pull requests too."""

    def project(self, root: Path) -> Project:
        return project_from_options(
            root=root, docs_dir=root / "docs", languages=["en", "ja"], options={}
        )

    def test_a_taxonomy_symlinked_out_of_the_repository(self, tmp_path: Path) -> None:
        (tmp_path / "docs").mkdir()
        os.symlink("/proc/self/environ", tmp_path / "products.yml")
        with pytest.raises(ProjectError, match="products.yml -> /proc/self/environ leads outside"):
            self.project(tmp_path)

    def test_a_glossary_that_is_a_folder(self, tmp_path: Path) -> None:
        (tmp_path / "docs").mkdir()
        (tmp_path / "glossary.yml").mkdir()
        with pytest.raises(ProjectError, match="glossary.yml is a folder, not a file"):
            self.project(tmp_path)

    def test_a_taxonomy_that_is_a_named_pipe(self, tmp_path: Path) -> None:
        (tmp_path / "docs").mkdir()
        os.mkfifo(tmp_path / "products.yml")
        with pytest.raises(ProjectError, match="products.yml is not a regular file"):
            self.project(tmp_path)

    def test_a_taxonomy_symlinked_inside_the_repository(self, tmp_path: Path) -> None:
        (tmp_path / "docs").mkdir()
        (tmp_path / "data").mkdir()
        (tmp_path / "data/products.yml").write_text("products: []\n")
        os.symlink("data/products.yml", tmp_path / "products.yml")
        assert self.project(tmp_path).taxonomy_path == tmp_path / "products.yml"

    def test_docs_symlinked_out_of_the_project(
        self, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
    ) -> None:
        os.symlink(tmp_path_factory.mktemp("elsewhere"), tmp_path / "docs")
        with pytest.raises(ProjectError, match="docs_dir docs is a symlink to .*kb does not"):
            self.project(tmp_path)

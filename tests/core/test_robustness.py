"""Hostile input: `run_check` never raises, and every file yields an article or a finding."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import kb.articles
from kb.check import run_check
from kb.docs_tree import MAX_ARTICLE_BYTES
from kb.findings import Rule
from kb.project import Project

if TYPE_CHECKING:
    from pathlib import Path

Tree = Callable[..., Project]

PATHS = ["docs/en/a.md", "docs/ja/a.md", "docs/en/b/c.md", "docs/ja/b/c.md", "docs/ja/d.md"]
FRAGMENTS = [
    "---\n",
    "---",
    "...\n",
    "title: [\n",
    "title: a\ntitle: b\n",
    "products: [payments, x]\n",
    "source_digest: 12\n",
    "kind: page\n",
    "- a\n",
    "key: !!python/name:os.system\n",
    "a: &x [*x]\n",
    "```",
    "````python\n",
    "~~~",
    "~~~~\n",
    "    ```\n",
    "\t```\n",
    "# h\n",
    "##x\n",
    "#\n",
    "####### seven\n",
    "Title\n===\n",
    "---\n---\n",
    "[a](",
    "](b.md#",
    "[a][b]",
    "[b]: x.md\n",
    "![i](",
    "<",
    "<script>",
    "<a href='javascript:x'",
    "onload=",
    "<!--",
    "-->",
    "<!-- kb: ignore[",
    "!!! note\n",
    '??? tip "x\n',
    "    ",
    "| a | b |\n|---|---|\n",
    "{#id}",
    "{: #x",
    "\t",
    "\r\n",
    "\r",
    "\x00",
    "\ufeff",
    "\u2028",
    "&amp;",
    "`",
    "``",
    "\\",
    "%",
    "../../en/a.md",
    "#anchor",
    "b/c.md",
    "日本語",
    "\n",
    "\n\n",
    '=== "Tab"\n',
    "[^1]",
]
_TEXT = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=20), max_size=40).map("".join)
_CONTENT = st.one_of(
    _TEXT.map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.binary(max_size=300),
    _TEXT.map(lambda text: text.encode("utf-16")),
)
_FILES = st.dictionaries(st.sampled_from(PATHS), _CONTENT, min_size=1, max_size=len(PATHS))
_PRODUCTS = st.one_of(
    st.just("products:\n  - id: payments\n    name: {en: P, ja: P}\n    description: {en: D}\n"),
    _TEXT,
)


def _check_tree(root: Path, project: Project, files: dict[str, bytes]) -> None:
    result = run_check(project)
    loaded = {a.path for a in result.articles}
    named = {f.path for f in result.findings}
    for path in files:
        assert path in loaded or path in named, path
    for finding in result.findings:
        assert finding.line >= 1
        assert finding.message


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=_FILES, products=_PRODUCTS)
@example(
    files={"docs/en/a.md": b"# " + b"x" * 1_000_000, "docs/ja/a.md": b"[" * 1_000_000}, products=""
)
@example(
    files={
        "docs/en/a.md": "".join("  " * i + "- item\n" for i in range(500)).encode(),
        "docs/ja/a.md": b"---\n" + b"a: " + b"[" * 5000 + b"\n---\n",
    },
    products="",
)
def test_run_check_never_raises(
    tree: Tree, tmp_path: Path, files: dict[str, bytes], products: str
) -> None:
    docs = tmp_path / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    project = tree({**files, "products.yml": products})
    _check_tree(tmp_path, project, files)


@pytest.mark.parametrize(
    "content",
    [
        b"# a " + b" {" * 500_000,
        b"` ``" * 250_000,
        b"[a](" + b" " * 1_000_000,
        b"{#" * 500_000,
        b"---\n" + b"title: " + b" " * 1_000_000 + b"x\n---\n",
        b"x" + b" " * 1_000_000 + b"y\n",
        b"<a " * 300_000,
        b"## " + b"`a` " * 200_000,
        b"[" * 500_000 + b"]" * 500_000,
        b"[r]: x\n" + b"![" * 300_000 + b"]" * 300_000,
        b"```c\n" + b"/* */ " * 200_000 + b"\n```\n",
    ],
    ids=[
        "braces in a heading",
        "backtick runs",
        "spaces in a link",
        "attribute lists",
        "spaces in front matter",
        "spaces in a line",
        "open tags",
        "code spans in a heading",
        "nested brackets",
        "nested images",
        "comments in code",
    ],
)
def test_megabyte_lines_stay_linear(
    tree: Tree, content: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # kb refuses articles this large (MAX_ARTICLE_BYTES, for the build's sake); its own scan
    # and rules must still be linear on them.
    monkeypatch.setattr(kb.articles, "MAX_ARTICLE_BYTES", 4 * len(content))
    project = tree({"docs/en/a.md": content, "docs/ja/a.md": content})
    result = run_check(project)
    assert {a.path for a in result.articles} == {"docs/en/a.md", "docs/ja/a.md"}


def test_articles_over_the_size_limit_are_refused(tree: Tree) -> None:
    content = b"x *em* " * (MAX_ARTICLE_BYTES // 7 + 1)
    project = tree({"docs/en/a.md": content, "docs/ja/a.md": b"# A\n"})
    result = run_check(project)
    assert [(f.path, f.rule) for f in result.refused] == [("docs/en/a.md", Rule.INVALID_ENCODING)]
    assert result.refused[0].message == (
        "the file is 257 KB, over the 256 KB limit: kb and the build do not read it"
    )


def test_unreadable_file_is_a_finding(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tree({"docs/en/a.md": "# A\n", "docs/ja/a.md": "# A\n"})
    unreadable = project.docs_dir / "ja/a.md"
    real_read = kb.articles.read_regular_file

    def read(path: Path, limit: int) -> bytes:
        if path == unreadable:
            raise PermissionError(13, "Permission denied", str(path))
        return real_read(path, limit)

    monkeypatch.setattr(kb.articles, "read_regular_file", read)
    result = run_check(project)
    assert ("docs/ja/a.md", Rule.INVALID_ENCODING) in {(f.path, f.rule) for f in result.findings}
    assert [f.path for f in result.refused] == ["docs/ja/a.md"]  # the build stops on it

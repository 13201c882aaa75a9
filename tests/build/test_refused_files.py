"""Real builds: files kb refuses never reach the site, whichever way MkDocs finds them."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest
from mkdocs.exceptions import Abort

import kb.corpus

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from kb.docs_tree import DocsTree

    from .conftest import BuiltSite

pytestmark = pytest.mark.build

INDEX = "---\ntitle: Help\nkind: page\n---\n\n# Help\n"
ARTICLE = "---\ntitle: Refunds\nproducts: [payments]\n---\n\n# Refunds\n"
FILES: dict[str, str | bytes] = {
    "docs/en/index.md": INDEX,
    "docs/en/payments/refunds.md": ARTICLE,
    "docs/en/assets/late.txt": "added after kb walked docs/",
}


@pytest.fixture
def allowed_warnings() -> list[str]:
    return [
        "left out of the site: kb did not find it readable",
        "missing-translation",
        "Error reading page 'bomb.md'",
        "bomb.md:3: front matter: YAML anchors and aliases",
        "pipe.md is a named pipe",
    ]


def test_files_kb_did_not_vet_are_left_out(
    build_site: Callable[..., BuiltSite], monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if the file appeared between kb's walk (on_pre_build) and MkDocs' own (get_files).
    real_walk = kb.corpus.walk_docs

    def walk_without_late(docs_dir: Path, repository: Path) -> DocsTree:
        tree = real_walk(docs_dir, repository)
        tree.files.remove("en/assets/late.txt")
        return tree

    monkeypatch.setattr(kb.corpus, "walk_docs", walk_without_late)
    built = build_site(FILES)
    assert (built.site / "payments/refunds/index.html").is_file()
    assert not (built.site / "assets/late.txt").exists()
    assert any("late.txt: left out of the site" in m for m in built.kb_messages())


def test_a_page_outside_the_language_folders_is_read_through_kb(
    build_site: Callable[..., BuiltSite], caplog: pytest.LogCaptureFixture
) -> None:
    # kb's checks see no article here, but MkDocs renders it: the page reader refuses aliases.
    bomb = "---\ntitle: Bomb\na: &a [x, x, x]\nb: &b [*a, *a, *a]\ndescription: *b\n---\n\n# B\n"
    with pytest.raises(Abort):
        build_site({**FILES, "docs/bomb.md": bomb})
    assert (
        "kb: bomb.md:3: front matter: YAML anchors and aliases are not allowed (anchor '&a'): "
        "write the value out"
    ) in caplog.messages


def test_a_fifo_outside_the_language_folders_stops_the_build(
    build_site: Callable[..., BuiltSite], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = tmp_path / "site0"
    (root / "docs").mkdir(parents=True)
    os.mkfifo(root / "docs/pipe.md")  # MkDocs would wait for a writer forever on reading it
    with pytest.raises(Abort):
        build_site(FILES)
    assert any(
        m.startswith("kb: the docs folder holds files the build must not read\ndocs/pipe.md:1: ")
        for m in caplog.messages
    )

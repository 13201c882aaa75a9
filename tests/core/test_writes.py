"""`mark-translated` changes one value, byte for byte; `start-translation` never overwrites."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from core.bilingual import EN, EN_BODY, EN_FRONT, JA, JA_BODY, JA_FRONT, center, varied
from kb.check import run_check
from kb.corpus import Corpus
from kb.digest import digest_text
from kb.project import Project
from kb.writes import (
    WriteError,
    mark_translated,
    set_source_digest,
    start_translation,
    translations_in,
)
from kb.writes.new import new_article

Tree = Callable[..., Project]
D = "0123456789ab"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            b"---\ntitle: A\nsource_digest: ffffffffffff\nproducts: [x]\n---\nbody\n",
            b"---\ntitle: A\nsource_digest: 0123456789ab\nproducts: [x]\n---\nbody\n",
            id="replace in place",
        ),
        pytest.param(
            b"\xef\xbb\xbf---\r\n# keep me\r\ntitle: A  # and me\r\nz: 1\r\na: 2\r\n"
            b"---\r\nbody\r\n",
            b"\xef\xbb\xbf---\r\n# keep me\r\ntitle: A  # and me\r\nz: 1\r\na: 2\r\n"
            b"source_digest: 0123456789ab\r\n---\r\nbody\r\n",
            id="insert at the end, BOM, CRLF, comments, key order",
        ),
        pytest.param(
            b"---\nsource_digest: 'old'   # translated 2026-01\n---\n",
            b"---\nsource_digest: '0123456789ab'   # translated 2026-01\n---\n",
            id="quotes and comment kept",
        ),
        pytest.param(
            b"---\nsource_digest:\ntitle: A\n---\n",
            b"---\nsource_digest: 0123456789ab\ntitle: A\n---\n",
            id="empty value",
        ),
        pytest.param(
            b"# No front matter\r\n",
            b"---\r\nsource_digest: 0123456789ab\r\n---\r\n# No front matter\r\n",
            id="front matter created",
        ),
        pytest.param(b"", b"---\nsource_digest: 0123456789ab\n---\n", id="empty file"),
        pytest.param(
            b"---\ntitle: A\n...\nbody",
            b"---\ntitle: A\nsource_digest: 0123456789ab\n...\nbody",
            id="dots close the front matter",
        ),
    ],
)
def test_set_source_digest_changes_nothing_else(before: bytes, after: bytes) -> None:
    assert set_source_digest(before, D) == after
    assert set_source_digest(after, D) == after


def test_an_all_digit_digest_is_quoted() -> None:
    assert set_source_digest(b"---\ntitle: A\n---\n", "012345678901") == (
        b'---\ntitle: A\nsource_digest: "012345678901"\n---\n'
    )


@pytest.mark.parametrize(
    ("before", "reason"),
    [
        (b"---\ntitle: A\n", "never closed"),
        (b"---\ntitle: [A\n---\n", "not valid YAML"),
        (b"---\n- a\n---\n", "not a mapping"),
        (b"---\nsource_digest: a\nsource_digest: b\n---\n", "given twice"),
        (b"---\nsource_digest: |\n  abc\n---\n", "not a plain value"),
        (b"---\ntitle: caf\xe9\n---\n", "not UTF-8"),
    ],
)
def test_set_source_digest_refuses(before: bytes, reason: str) -> None:
    with pytest.raises(WriteError, match=reason):
        set_source_digest(before, D)


def test_mark_translated_makes_a_stale_translation_current(tree: Tree) -> None:
    stale = JA_FRONT.format(digest="deadbeef0000").replace("\n", "\r\n") + JA_BODY
    project = tree(varied({JA: b"\xef\xbb\xbf" + stale.encode()}))
    file = project.root / JA
    os.chmod(file, 0o640)
    result = mark_translated(project, Path(JA))
    assert result.path == JA
    assert result.previous == "deadbeef0000"
    assert result.changed
    assert result.digest == digest_text((project.root / EN).read_text(encoding="utf-8"))
    expected = stale.replace("deadbeef0000", result.digest)
    assert file.read_bytes() == b"\xef\xbb\xbf" + expected.encode()
    assert stat.S_IMODE(file.stat().st_mode) == 0o640
    assert run_check(project, select=["KB103"]).findings == []
    assert not mark_translated(project, file).changed
    assert [p.name for p in file.parent.iterdir()] == ["refunds.md"]


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        (EN, "source-language article"),
        ("docs/ja/payments/extra.md", "no readable source"),
        ("docs/README.md", "not an article"),
        ("elsewhere.md", "not inside the docs"),
    ],
)
def test_mark_translated_refuses(tree: Tree, path: str, reason: str) -> None:
    project = tree(
        varied(
            {
                "docs/ja/payments/extra.md": JA_FRONT + JA_BODY,
                "docs/README.md": "#",
                "elsewhere.md": "#",
            }
        )
    )
    with pytest.raises(WriteError, match=reason):
        mark_translated(project, Path(path))


def test_start_translation_drafts_the_structure(tree: Tree) -> None:
    project = tree(varied({JA: None}))
    created = start_translation(project, Path(EN), "ja")
    assert created == project.root / JA
    draft = created.read_text(encoding="utf-8")
    assert 'title: "TODO(ja): Refund a payment"' in draft
    assert "products: [payments]\nlast_reviewed: 2026-11-20\n" in draft
    assert "# TODO(ja): Refund a payment {#refund-a-payment}" in draft
    assert "TODO(ja) [payouts](../payouts/schedule.md#holidays)" in draft
    assert "refund(100)  # full amount" in draft
    assert "See " not in draft
    assert "\ndraft: true\n" in draft
    assert "source_digest" not in draft  # a draft is not a translation yet
    findings = run_check(project, select=["parity", "content", "products"]).findings
    # The structure matches; the draft is served as a missing translation, its TODOs are errors.
    assert [(f.rule.value, f.path, f.line) for f in findings] == [
        ("missing-translation", EN, 1),
        ("placeholder", JA, 2),
    ]


def test_start_translation_refuses_to_overwrite(tree: Tree) -> None:
    project = tree(center())
    before = (project.root / JA).read_bytes()
    with pytest.raises(WriteError, match="never overwrites"):
        start_translation(project, Path(EN), "ja")
    assert (project.root / JA).read_bytes() == before


@pytest.mark.parametrize(
    ("path", "language", "reason"),
    [(JA, "ja", "is a translation"), (EN, "fr", "not a translation language")],
)
def test_start_translation_refuses(tree: Tree, path: str, language: str, reason: str) -> None:
    project = tree(varied({JA: None}))
    if path == JA:
        (project.root / JA).parent.mkdir(parents=True, exist_ok=True)
        (project.root / JA).write_text(JA_FRONT + JA_BODY, encoding="utf-8")
    with pytest.raises(WriteError, match=reason):
        start_translation(project, Path(path), language)


@pytest.mark.parametrize(
    "path",
    ["elsewhere.md", "/", ".", "..", "docs", "docs/en", "docs/en/payments", EN, "missing/x.md"],
)
def test_translations_in_refuses_anything_but_translations(tree: Tree, path: str) -> None:
    project = tree(varied({"elsewhere.md": "#"}))
    with pytest.raises(WriteError) as raised:
        translations_in(project, Corpus(project), [Path(path)])
    assert raised.value.usage  # exit status 2: nothing was marked
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("path", ["docs/ja", "docs/ja/", "docs/ja/payments", JA])
def test_translations_in_takes_translations_and_their_folders(tree: Tree, path: str) -> None:
    project = tree(center())
    found = translations_in(project, Corpus(project), [Path(path)])
    assert project.root / JA in [p if p.is_absolute() else project.root / p for p in found]
    assert all("/ja/" in p.as_posix() for p in found)


@pytest.mark.parametrize("folder", ["docs/ja", "docs/ja/payments"])
def test_writes_never_go_through_a_symlinked_folder(
    tree: Tree, tmp_path_factory: pytest.TempPathFactory, folder: str
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    project = tree(varied({JA: None, "docs/ja/payouts/schedule.md": None}))
    shutil.rmtree(project.root / "docs/ja")
    (project.root / folder).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(outside, project.root / folder)
    with pytest.raises(WriteError, match="inside a symlinked folder") as raised:
        start_translation(project, Path(EN), "ja")
    assert raised.value.usage
    assert list(outside.iterdir()) == []


def test_a_dangling_symlink_in_place_of_the_draft_is_never_written_through(
    tree: Tree, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    project = tree(varied({JA: None}))
    (project.root / JA).parent.mkdir(parents=True)
    os.symlink(outside / "planted.md", project.root / JA)
    with pytest.raises(WriteError, match="exists already"):
        start_translation(project, Path(EN), "ja")
    assert list(outside.iterdir()) == []


def test_mark_translated_refuses_a_symlink_out_of_the_repository(
    tree: Tree, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "refunds.md"
    project = tree(center())
    outside.write_bytes((project.root / JA).read_bytes().replace(b"source_digest", b"old"))
    (project.root / JA).unlink()
    os.symlink(outside, project.root / JA)
    before = outside.read_bytes()
    with pytest.raises(WriteError, match="leads outside the repository") as raised:
        mark_translated(project, Path(JA))
    assert raised.value.usage
    assert outside.read_bytes() == before


def test_mark_translated_writes_through_a_symlink_inside_the_repository(tree: Tree) -> None:
    project = tree(varied({JA: JA_FRONT.format(digest="ffffffffffff") + JA_BODY}))
    shared = project.root / "shared/refunds.ja.md"
    shared.parent.mkdir()
    (project.root / JA).rename(shared)
    os.symlink("../../../shared/refunds.ja.md", project.root / JA)
    result = mark_translated(project, Path(JA))
    assert result.changed
    assert (project.root / JA).is_symlink()  # still a link, to the updated file
    assert f"source_digest: {result.digest}" in shared.read_text(encoding="utf-8")


def test_start_translation_refuses_a_source_with_yaml_aliases(tree: Tree) -> None:
    bomb = EN_FRONT.replace("description: Give money back.", "d: &d x\ndescription: *d")
    project = tree(varied({JA: None, EN: bomb + EN_BODY}))
    with pytest.raises(WriteError, match="cannot be read: run `kb check"):
        start_translation(project, Path(EN), "ja")
    assert not (project.root / JA).exists()


def test_new_never_writes_through_a_symlinked_product_folder(
    tree: Tree, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    project = tree(varied({"docs/en/payouts/schedule.md": None}))
    assert not (project.root / "docs/en/payouts").exists()
    os.symlink(outside, project.root / "docs/en/payouts")
    with pytest.raises(WriteError, match="inside a symlinked folder") as raised:
        new_article(project, "payouts/instant-payouts", "Instant payouts")
    assert raised.value.usage
    assert list(outside.iterdir()) == []

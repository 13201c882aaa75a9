"""`mark-translated` changes one value, byte for byte; `start-translation` never overwrites."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from core.bilingual import EN, JA, JA_BODY, JA_FRONT, center, varied
from kb.check import run_check
from kb.digest import digest_text
from kb.project import Project
from kb.writes import WriteError, mark_translated, set_source_digest, start_translation

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
    findings = run_check(project, select=["parity", "content", "products"]).findings
    assert findings == []


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

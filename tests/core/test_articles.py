"""Loading articles (encodings, front matter), both layouts, pairing, and source digests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.articles import parse_article
from kb.corpus import Corpus, FileIndex
from kb.digest import digest_of, digest_text, source_digest
from kb.findings import Rule
from kb.project import Project
from kb.yamlio import load_document, load_simple

Tree = Callable[..., Project]

ARTICLE = "---\ntitle: Refund\ndescription: Money back.\nproducts: [payments]\n---\n\n# Refund\n"


def parse(data: bytes) -> tuple[object, list[tuple[Rule, int]]]:
    result = parse_article(data, Path("/x.md"), "en", "x.md", "docs/en/x.md")
    return result.article, [(f.rule, f.line) for f in result.findings]


@pytest.mark.parametrize(
    "data",
    [
        ARTICLE.encode(),
        b"\xef\xbb\xbf" + ARTICLE.encode(),
        ARTICLE.replace("\n", "\r\n").encode(),
    ],
    ids=["utf-8", "bom", "crlf"],
)
def test_utf8_with_or_without_bom_and_crlf(data: bytes) -> None:
    article, findings = parse(data)
    assert findings == []
    assert article is not None
    assert article.front_matter == {
        "title": "Refund",
        "description": "Money back.",
        "products": ["payments"],
    }
    assert article.body_start_line == 6
    assert article.structure.headings[0].line == 7


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"# A\n\ncaf\xe9\n", 3),
        (ARTICLE.encode("utf-16"), 1),
        (b"# A\n\x00\x01binary\n", 2),
    ],
    ids=["latin-1", "utf-16", "nul"],
)
def test_other_encodings_are_findings(data: bytes, line: int) -> None:
    article, findings = parse(data)
    assert article is None
    assert findings == [(Rule.INVALID_ENCODING, line)]


@pytest.mark.parametrize(
    ("text", "findings"),
    [
        ("---\ntitle: [a\n---\n# A\n", [(Rule.INVALID_FRONT_MATTER, 3)]),
        ("---\ntitle: a\nnested:\n  x: 1\n  x: 2\n---\n", [(Rule.INVALID_FRONT_MATTER, 5)]),
        ("---\njust text\n---\n", [(Rule.INVALID_FRONT_MATTER, 2)]),
        ("---\ntitle: a\n", [(Rule.INVALID_FRONT_MATTER, 1)]),
        ("---\nproducts: payments\n---\n", [(Rule.INVALID_FRONT_MATTER, 2)]),
        ("---\nkind: pages\n---\n", [(Rule.INVALID_FRONT_MATTER, 2)]),
        ("---\nlast_reviewed: 2026-02-30\n---\n", [(Rule.INVALID_FRONT_MATTER, 2)]),
        ("---\n---\n# A\n", []),
        ("# No front matter\n", []),
    ],
)
def test_front_matter_problems(text: str, findings: list[tuple[Rule, int]]) -> None:
    article, found = parse(text.encode())
    assert article is not None
    assert found == findings


def test_yaml_comment_in_front_matter_is_no_heading() -> None:
    article, _ = parse(b"---\n# a comment\ntitle: A\n---\n# A\n")
    assert article is not None
    assert len(article.structure.headings) == 1


def test_folder_layout_index(tree: Tree) -> None:
    project = tree(
        {
            "docs/en/a.md": "# A",
            "docs/ja/a.md": "# A",
            "docs/ja/b/c.md": "#",
            "docs/assets/x.svg": "<svg/>",
            "docs/other.md": "#",
            "docs/.hidden.md": "#",
        }
    )
    index = FileIndex(project)
    assert index.articles == {
        ("en", "a.md"): "en/a.md",
        ("ja", "a.md"): "ja/a.md",
        ("ja", "b/c.md"): "ja/b/c.md",
    }
    assert index.exists("assets/x.svg")
    assert index.is_dir("ja/b")


def test_suffix_layout_index(tree: Tree) -> None:
    project = tree(
        {
            "docs/a.md": "#",
            "docs/a.ja.md": "#",
            "docs/b.en.md": "#",
            "docs/c.fr.md": "#",
            "docs/d/e.ja.md": "#",
        },
        layout="suffix",
    )
    assert FileIndex(project).articles == {
        ("en", "a.md"): "a.md",
        ("ja", "a.md"): "a.ja.md",
        ("en", "b.md"): "b.en.md",
        ("ja", "d/e.md"): "d/e.ja.md",
    }


def test_pairs_per_translation_language_and_orphans(tree: Tree) -> None:
    project = tree(
        {
            "docs/en/a.md": "#",
            "docs/ja/a.md": "#",
            "docs/en/b.md": "#",
            "docs/fr/a.md": "#",
            "docs/ja/c.md": "#",
        },
        languages=("en", "ja", "fr"),
    )
    pairs = Corpus(project).pairs()
    assert [
        (p.rel, p.language, p.source is not None, p.translation is not None) for p in pairs
    ] == [
        ("a.md", "ja", True, True),
        ("a.md", "fr", True, True),
        ("b.md", "ja", True, False),
        ("b.md", "fr", True, False),
        ("c.md", "ja", False, True),
    ]


def test_two_thousand_files_load(tree: Tree) -> None:
    files = {
        f"docs/{lang}/p{i % 10}/a{i}.md": ARTICLE for i in range(1000) for lang in ("en", "ja")
    }
    corpus = Corpus(tree(files))
    assert len(corpus.pairs()) == 1000
    assert all(result.findings == [] for result in corpus.loaded.values())


BODY = "# Refund\n\nGive the money back.\n\n## Partial\n\nSome of it.\n"


@pytest.mark.parametrize(
    ("title", "body", "same"),
    [
        ("Refund", BODY, True),
        ("Refund", BODY.replace("\n", "\r\n"), True),
        ("Refund", BODY.replace("back.", "back.   ").replace("\n\n## ", "\n\n\n\n## "), True),
        ("  Refund ", "\n\n" + BODY + "\n\n", True),
        ("Refund", BODY.replace("Give", "Gi\u0301ve").replace("Gi\u0301", "G\u00ed"), False),
        ("Refunds", BODY, False),
        ("Refund", BODY.replace("Some", "All"), False),
    ],
)
def test_digest_ignores_only_whitespace(title: str, body: str, same: bool) -> None:
    assert (digest_of(title, body) == digest_of("Refund", BODY)) is same


def test_digest_is_normalised_to_nfc() -> None:
    assert digest_of("Café", "caf\u00e9") == digest_of("Cafe\u0301", "cafe\u0301")


def test_digest_ignores_other_front_matter_keys() -> None:
    a = "---\ntitle: Refund\ndescription: One.\nlast_reviewed: 2026-01-01\n---\n" + BODY
    b = "---\ntitle: Refund\ndescription: Two.\nlast_reviewed: 2027-01-01\nkind: page\n---\n" + BODY
    assert digest_text(a) == digest_text(b) == digest_of("Refund", BODY)
    assert len(digest_text(a)) == 12


def test_source_digest_of_a_loaded_article(tree: Tree) -> None:
    text = "---\ntitle: Refund\n---\n" + BODY
    corpus = Corpus(tree({"docs/en/a.md": text}))
    article = corpus.article("en", "a.md")
    assert article is not None
    assert source_digest(article) == digest_text(text)


_SCALARS = st.one_of(
    st.sampled_from(
        [
            "payments",
            "Refund a payment",
            "返金します。",
            "yes",
            "No",
            "null",
            "~",
            "2026-11-20",
            "2026-13-01",
            "0a1b2c3d4e5f",
            "012345678901",
            "1.5",
            "-x",
            "a: b",
            "a #b",
            "C#",
            "'quoted'",
            '"dq"',
            '"a\\"b"',
            "[a, b]",
            "[a, yes]",
            "[]",
            "{a: 1}",
            "",
            "it's",
            "x,y",
            "@at",
            "%p",
            "!tag",
            "*alias",
        ]
    ),
    st.text(alphabet=st.sampled_from(list("ab :#-[]{},'\"\\é返1")), max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["title", "products", "on", "kind", "x-y"]), _SCALARS), max_size=5
    )
)
def test_simple_front_matter_reads_like_pyyaml(items: list[tuple[str, str]]) -> None:
    text = "".join(f"{key}: {value}\n" for key, value in items)
    simple = load_simple(text)
    if simple is None:
        return
    try:
        expected = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError):
        pytest.fail(f"fast path accepted what PyYAML rejects: {text!r}")
    assert simple.data == expected
    assert simple.duplicates == load_document(text).duplicates


def test_simple_front_matter_lines() -> None:
    document = load_simple("title: A\n\n# comment\nproducts: [a, b]\nlast_reviewed: 2026-11-20\n")
    assert document is not None
    assert document.lines == {
        ("title",): 1,
        ("products",): 4,
        ("products", 0): 4,
        ("products", 1): 4,
        ("last_reviewed",): 5,
    }
    assert document.data["last_reviewed"] == dt.date(2026, 11, 20)

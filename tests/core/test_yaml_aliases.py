"""YAML anchors and aliases: refused in every file a writer edits, before anything expands them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from core.bilingual import center
from kb.articles import parse_article, read_page_source
from kb.check import run_check
from kb.findings import Rule
from kb.glossary import load_glossary
from kb.project import Project
from kb.taxonomy import load_taxonomy
from kb.yamlio import YamlError, load_document

Tree = Callable[..., Project]


def alias_bomb(levels: int = 9, key: str = "description") -> str:
    """The front matter lines of a "billion laughs": 9 levels of 9 aliases, 9⁹ strings."""
    names = "abcdefghi"[:levels]
    lines = [f"{names[0]}: &{names[0]} [" + ", ".join(['"lol"'] * 9) + "]"]
    for previous, name in zip(names, names[1:], strict=False):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    lines.append(f"{key}: *{names[-1]}")
    return "\n".join(lines) + "\n"


def front(yaml_text: str) -> bytes:
    return f"---\ntitle: Refund\nproducts: [payments]\n{yaml_text}---\n\n# Refund\n".encode()


def findings(data: bytes) -> tuple[list[tuple[Rule, int, str]], bool]:
    result = parse_article(data, Path("/x.md"), "en", "x.md", "docs/en/x.md")
    return [(f.rule, f.line, f.message) for f in result.findings], result.refused


@pytest.mark.parametrize(
    ("yaml_text", "line", "what"),
    [
        (alias_bomb(), 4, "anchor '&a'"),
        ("x: &x Refund\ndescription: *x\n", 4, "anchor '&x'"),
        ("description: !!str &d Money back.\n", 4, "anchor '&d'"),
        ("tags:\n  - a\n  - &t b\nother: [*t]\n", 6, "anchor '&t'"),
        ("description: {<<: *nothing}\n", 4, "alias '*nothing'"),
    ],
    ids=["nine-level bomb", "alias of a string", "tagged anchor", "anchor in a list", "merge"],
)
def test_anchors_and_aliases_are_an_invalid_front_matter_finding(
    yaml_text: str, line: int, what: str
) -> None:
    found, refused = findings(front(yaml_text))
    assert found == [
        (
            Rule.INVALID_FRONT_MATTER,
            line,
            f"front matter: YAML anchors and aliases are not allowed ({what}): write the value out",
        )
    ]
    assert refused  # the build stops on it rather than expanding it


def test_the_bomb_is_never_expanded(tree: Tree) -> None:
    project = tree({**center(), "docs/en/payments/bomb.md": front(alias_bomb())})
    result = run_check(project)
    bomb = [f for f in result.findings if f.path == "docs/en/payments/bomb.md"]
    assert (Rule.INVALID_FRONT_MATTER, 4) in {(f.rule, f.line) for f in bomb}
    assert "docs/en/payments/bomb.md" in {f.path for f in result.refused}
    article = result.article("en", "payments/bomb.md")
    assert article is not None
    assert article.front_matter == {}
    assert len(json.dumps(article.front_matter)) < 10


def test_the_build_reader_refuses_the_bomb(tmp_path: Path) -> None:
    page = tmp_path / "bomb.md"
    page.write_bytes(front(alias_bomb()))
    with pytest.raises(YamlError, match="anchors and aliases are not allowed") as raised:
        read_page_source(page)
    assert raised.value.line == 3  # of the YAML: file line 4
    clean = tmp_path / "clean.md"
    clean.write_bytes(b"\xef\xbb\xbf---\r\ntitle: Q&A * notes\r\n---\r\n# Q&A\r\n")
    assert read_page_source(clean) == "---\ntitle: Q&A * notes\n---\n# Q&A\n"


@pytest.mark.parametrize(
    "yaml_text",
    ['title2: "Q&A *and* more"\n', "note: R&D\n", "list: ['*', '&']\n", "x: a *b\n"],
)
def test_ampersands_and_stars_in_values_are_fine(yaml_text: str) -> None:
    assert findings(front(yaml_text)) == ([], False)


@pytest.mark.parametrize(
    ("yaml_text", "line", "message"),
    [
        ("description: [a, b]\n", 4, "description must be text, not a list"),
        ("description: {en: x}\n", 4, "description must be text, not a mapping"),
        ("description: 12\n", 4, "description must be text, not a number"),
        ("description: yes\n", 4, "description must be text, not a boolean"),
    ],
)
def test_description_must_be_text_like_the_title(yaml_text: str, line: int, message: str) -> None:
    found, refused = findings(front(yaml_text))
    assert found == [(Rule.INVALID_FRONT_MATTER, line, message)]
    assert not refused


def test_products_yml_with_an_alias_is_an_invalid_taxonomy(tmp_path: Path) -> None:
    path = tmp_path / "products.yml"
    path.write_text(
        "products:\n"
        "  - id: payments\n"
        "    name: &n {en: Card payments, ja: カード決済}\n"
        "    description: *n\n",
        encoding="utf-8",
    )
    taxonomy, found = load_taxonomy(path, ["en", "ja"])
    assert [(f.rule, f.line) for f in found] == [(Rule.INVALID_TAXONOMY, 3)]
    assert "anchors and aliases are not allowed" in found[0].message
    assert taxonomy.products == ()


def test_glossary_yml_with_an_alias_is_an_invalid_glossary(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yml"
    path.write_text(
        "terms:\n  - en: payout\n    ja: 入金\n    definition: *bomb\n", encoding="utf-8"
    )
    glossary, found = load_glossary(path, ["en", "ja"])
    assert [(f.rule, f.line) for f in found] == [(Rule.INVALID_GLOSSARY, 4)]
    assert glossary.terms == ()


def test_load_document_refuses_before_building() -> None:
    with pytest.raises(YamlError) as raised:
        load_document(alias_bomb())
    assert raised.value.unsafe
    assert raised.value.line == 1

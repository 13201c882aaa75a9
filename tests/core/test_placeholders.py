"""The placeholder rule (KB314) and the draft flag: what counts as a placeholder, and editing
`draft: true` out of front matter byte for byte."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from core.bilingual import EN, EN_BODY, EN_FRONT, JA, center, ja_text, varied
from kb.articles import parse_article
from kb.check import run_check
from kb.placeholders import (
    ARTICLE_TEMPLATE,
    DESCRIPTION_TEMPLATE,
    TEMPLATE_SENTENCES,
    find_placeholders,
)
from kb.project import Project
from kb.writes import WriteError, clear_draft

Tree = Callable[..., Project]

FRONT = "---\ntitle: Refunds\ndescription: Money back.\nproducts: [payments]\n---\n"


def placeholders(text: str) -> tuple[int, int, str] | None:
    loaded = parse_article(text.encode(), Path("x.md"), "en", "x.md", "docs/en/x.md")
    assert loaded.article is not None
    found = find_placeholders(loaded.article)
    return None if found is None else (found.count, found.line, found.text)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("# Refunds\n\nWrite it.\n", None, id="clean"),
        pytest.param("# Refunds\n\nTODO: write it.\n", (1, 9, "TODO: write it."), id="marker"),
        pytest.param(
            "# TODO(ja): 返金 {#refunds}\n\nTODO(ja)\n\nTODO(ja) [x](x.md)\n",
            (3, 7, "# TODO(ja): 返金"),
            id="translation markers, heading first",
        ),
        pytest.param(
            "# Refunds\n\n- **A common problem.** What causes it, and what to do about it.\n",
            (1, 9, "- **A common problem.** What causes it, and what to do abou…"),
            id="template sentence without its TODO",
        ),
        pytest.param("# Refunds\n\n```sh\n# TODO: later\n```\n", None, id="code block"),
        pytest.param("# Refunds\n\nRun `TODO` now.\n", None, id="inline code"),
        pytest.param(
            "# Refunds\n\n<!-- TODO: add a screenshot -->\n"
            '<!-- Rename this heading to say what the steps do, e.g. "## Refund". -->\n',
            None,
            id="comments",
        ),
        pytest.param("# Refunds\n\nMy TODOs, a todo list, TODO-list.\n", None, id="other words"),
        pytest.param(
            "# Refunds\n\n<!-- kb: ignore[placeholder] -->\nThe TODO app is supported.\n",
            None,
            id="suppressed",
        ),
    ],
)
def test_what_is_a_placeholder(body: str, expected: tuple[int, int, str] | None) -> None:
    assert placeholders(FRONT + "\n" + body) == expected


def test_title_and_description_count() -> None:
    front = FRONT.replace("title: Refunds", 'title: "TODO(ja): Refunds"').replace(
        "description: Money back.", f"description: {json.dumps(DESCRIPTION_TEMPLATE)}"
    )
    assert placeholders(front + "\n# Refunds\n") == (2, 2, "title: TODO(ja): Refunds")
    only = FRONT.replace("Money back.", "One sentence for listings and search results.")
    assert placeholders(only + "\n# Refunds\n") == (
        1,
        3,
        "description: One sentence for listings and search results.",
    )


def test_the_new_article_template_is_all_placeholders() -> None:
    front = FRONT.replace("Money back.", json.dumps(DESCRIPTION_TEMPLATE))
    found = placeholders(front + "\n" + ARTICLE_TEMPLATE.format(title="Refunds"))
    assert found is not None
    assert found[:2] == (ARTICLE_TEMPLATE.count("TODO") + 1, 3)


@pytest.mark.parametrize("sentence", TEMPLATE_SENTENCES)
def test_template_sentences_come_from_the_templates(sentence: str) -> None:
    assert sentence in ARTICLE_TEMPLATE.replace("**", "") + DESCRIPTION_TEMPLATE


def test_the_rule_reports_one_finding_per_file(tree: Tree) -> None:
    project = tree(varied({EN: EN_FRONT + EN_BODY + "\nTODO: more.\n\nTODO: and more.\n"}))
    findings = run_check(project, select=["placeholder"]).findings
    assert [(f.code, f.rule.value, f.path, f.severity.value) for f in findings] == [
        ("KB314", "placeholder", EN, "error")
    ]
    assert findings[0].message.startswith("2 placeholders, the first left from the template")
    assert run_check(project, select=["content"]).findings == findings
    assert run_check(tree(center()), select=["placeholder"]).findings == []


def test_draft_is_no_front_matter_mismatch(tree: Tree) -> None:
    draft = ja_text().replace("---\n", "---\ndraft: true\n", 1)
    project = tree(varied({JA: draft}))
    result = run_check(project, select=["parity"])
    assert [(f.rule.value, f.path) for f in result.findings] == [("missing-translation", EN)]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (b"---\ntitle: T\ndraft: true\n---\nBody\n", b"---\ntitle: T\n---\nBody\n"),
        (
            b"\xef\xbb\xbf---\r\ndraft: true   # review first\r\ntitle: T\r\n---\r\n",
            b"\xef\xbb\xbf---\r\ntitle: T\r\n---\r\n",
        ),
        (b"---\ntitle: T\n---\ndraft: true\n", b"---\ntitle: T\n---\ndraft: true\n"),
        (b"draft: true\n", b"draft: true\n"),
        (b"---\ntitle: T\ndrafting: x\n---\n", b"---\ntitle: T\ndrafting: x\n---\n"),
    ],
)
def test_clear_draft_removes_only_its_line(before: bytes, after: bytes) -> None:
    assert clear_draft(before) == after


def test_clear_draft_refuses_a_nested_value() -> None:
    with pytest.raises(WriteError, match="remove it by hand"):
        clear_draft(b"---\ndraft:\n  - true\n---\n")

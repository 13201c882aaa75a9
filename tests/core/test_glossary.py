"""The glossary: loading `glossary.yml` with clear findings, and the `glossary-term` rule."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kb.check import run_check
from kb.findings import Rule, Severity
from kb.glossary import load_glossary
from kb.project import Project, ProjectError, project_from_options

Tree = Callable[..., Project]

GLOSSARY = """\
terms:
  - en: payout
    ja: 入金
    forbidden: [ペイアウト, 払い出し]
    match: [payout, payouts]
    definition:
      en: Money sent to your bank account.
      ja: 銀行口座に振り込まれるお金です。

  - en: payout schedule
    ja: 入金スケジュール
    forbidden: [支払いスケジュール]
    match: [payout schedule]
    definition: {en: How often you get paid., ja: 入金の頻度です。}

  - en: consumption tax
    ja: 消費税
    forbidden: [VAT]
    definition: {en: Japan's tax., ja: 日本の税です。}

  - en: customer
    ja: 顧客
    forbidden: [カスタマー]
    match: [customer, customers]
    definition: {en: Who pays you., ja: 代金を支払う人です。}
"""
EN = "docs/en/a.md"
JA = "docs/ja/a.md"
EN_ARTICLE = """\
# Payouts

TsubamePay sends payouts to your bank account.

## Schedule

Choose a payout schedule.
"""
JA_ARTICLE = """\
# 入金

TsubamePayは銀行口座に入金します。

## スケジュール

入金スケジュールを選びます。
"""


def glossary_case(name: str, text: str | bytes, expected: list[tuple[int, str]]) -> Any:
    return pytest.param(text, expected, id=name)


def test_the_repository_glossary_loads_cleanly() -> None:
    root = Path(__file__).resolve().parents[2]
    glossary, findings = load_glossary(root / "glossary.yml", ("en", "ja"))
    assert findings == []
    assert len(glossary.terms) >= 50
    payout = glossary.get("Payout")
    assert payout is not None
    assert payout.approved == {"ja": "入金"}
    assert "ペイアウト" in payout.forbidden["ja"]
    assert payout.definition["ja"].startswith("TsubamePay")


def test_a_valid_glossary(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yml"
    path.write_text(GLOSSARY, encoding="utf-8")
    glossary, findings = load_glossary(path, ("en", "ja"), display_path="glossary.yml")
    assert findings == []
    assert [term.term for term in glossary.terms] == [
        "payout",
        "payout schedule",
        "consumption tax",
        "customer",
    ]
    tax = glossary.terms[2]
    assert tax.match == ("consumption tax",)  # the term itself when no forms are listed
    assert tax.forbidden == {"ja": ("VAT",)}
    assert tax.line == 16
    assert tax.definition == {"en": "Japan's tax.", "ja": "日本の税です。"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        glossary_case("not UTF-8", "terms: []\n# 入金\n".encode("shift_jis"), [(2, "not UTF-8")]),
        glossary_case("invalid YAML", "terms:\n  - en: [payout\n", [(3, "not valid YAML")]),
        glossary_case("no terms list", "words: []\n", [(1, "must have a 'terms:' list")]),
        glossary_case(
            "unknown top-level key",
            "terms: []\nversion: 2\n",
            [(2, "unknown top-level key 'version'")],
        ),
        glossary_case("term not a mapping", "terms:\n  - payout\n", [(2, "must be a mapping")]),
        glossary_case(
            "no English term",
            "terms:\n  - ja: 入金\n    definition: {en: a, ja: b}\n",
            [(2, "term 1 has no 'en' term")],
        ),
        glossary_case(
            "no approved Japanese term",
            "terms:\n  - en: payout\n    definition: {en: a, ja: b}\n",
            [(2, "term 'payout' has no approved 'ja' term")],
        ),
        glossary_case(
            "forbidden is not a list",
            "terms:\n  - en: payout\n    ja: 入金\n    forbidden: ペイアウト\n"
            "    definition: {en: a, ja: b}\n",
            [(4, "forbidden variants of term 'payout' must be a list")],
        ),
        glossary_case(
            "match is not a list of words",
            "terms:\n  - en: payout\n    ja: 入金\n    match: [payout, 3]\n"
            "    definition: {en: a, ja: b}\n",
            [(4, "match of term 'payout' must be a list of words")],
        ),
        glossary_case(
            "definition missing a language",
            "terms:\n  - en: payout\n    ja: 入金\n    definition: {en: a}\n",
            [(4, "term 'payout' has no definition in 'ja'")],
        ),
        glossary_case(
            "no definition",
            "terms:\n  - en: payout\n    ja: 入金\n",
            [(2, "term 'payout' needs a definition in every language")],
        ),
        glossary_case(
            "unknown key in a term",
            "terms:\n  - en: payout\n    ja: 入金\n    note: x\n    definition: {en: a, ja: b}\n",
            [(4, "unknown key 'note' in term 'payout'")],
        ),
        glossary_case(
            "term given twice",
            "terms:\n  - en: payout\n    ja: 入金\n    definition: {en: a, ja: b}\n"
            "  - en: Payout\n    ja: 入金\n    definition: {en: a, ja: b}\n",
            [(5, "term 'Payout' is given twice (first on line 2)")],
        ),
        glossary_case(
            "key given twice",
            "terms:\n  - en: payout\n    ja: 入金\n    ja: 出金\n    definition: {en: a, ja: b}\n",
            [(4, "key 'terms.0.ja' is given twice")],
        ),
        glossary_case(
            "a forbidden variant inside an approved term",
            "terms:\n  - en: fee\n    ja: 手数料\n    forbidden: [手数]\n"
            "    definition: {en: a, ja: b}\n",
            [(2, "forbidden variant '手数' of term 'fee' is part of the approved term '手数料'")],
        ),
    ],
)
def test_a_broken_glossary_gives_findings_with_lines(
    tmp_path: Path, text: str | bytes, expected: list[tuple[int, str]]
) -> None:
    path = tmp_path / "glossary.yml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    _, findings = load_glossary(path, ("en", "ja"), display_path="glossary.yml")
    assert [(f.line, f.rule) for f in findings] == [
        (line, Rule.INVALID_GLOSSARY) for line, _ in expected
    ]
    for finding, (_, message) in zip(findings, expected, strict=True):
        assert message in finding.message
        assert finding.path == "glossary.yml"
        assert finding.hint


def test_an_unreadable_glossary_is_one_finding(tmp_path: Path) -> None:
    directory = tmp_path / "glossary.yml"
    directory.mkdir()
    glossary, findings = load_glossary(directory, ("en", "ja"))
    assert glossary.terms == ()
    [finding] = findings
    assert finding.rule is Rule.INVALID_GLOSSARY
    assert finding.message.startswith("cannot read the glossary")


def rule_case(name: str, en: str, ja: str, expected: list[tuple[int, str]]) -> Any:
    return pytest.param(en, ja, expected, id=name)


RULE_CASES = [
    rule_case("passes: approved terms used", EN_ARTICLE, JA_ARTICLE, []),
    rule_case(
        "fails: a forbidden variant, on its line",
        EN_ARTICLE,
        JA_ARTICLE.replace("銀行口座に入金します", "銀行口座にペイアウトします（入金）"),
        [(3, "'ペイアウト' is a forbidden variant of 'payout'")],
    ),
    rule_case(
        "fails: a forbidden variant in a Japanese article without twin",
        EN_ARTICLE,
        JA_ARTICLE + "\n払い出しの時期。\n",
        [(9, "'払い出し' is a forbidden variant of 'payout'")],
    ),
    rule_case(
        "fails: the approved term never appears, on the section's heading",
        EN_ARTICLE,
        JA_ARTICLE.replace("入金スケジュール", "スケジュール"),
        [
            (5, "'payout schedule' is used in docs/en/a.md:7, but the approved term '入金スケ"),
        ],
    ),
    rule_case(
        "fails: each missing term once, on the heading of the section of its first use",
        EN_ARTICLE + "\nCustomers see the payout.\n",
        JA_ARTICLE,
        [(5, "'customer' is used in docs/en/a.md:9")],
    ),
    rule_case(
        "passes: forms are case-insensitive whole words, possessives included",
        "# About\n\nThe customer's card.\n",
        "# 概要\n\n顧客のカードです。\n",
        [],
    ),
    rule_case(
        "passes: a word containing a form is not the term",
        "# About\n\nPrepayouts and customerships.\n",
        "# 概要\n\n前払いです。\n",
        [],
    ),
    rule_case(
        "passes: English code, inline code and link targets are no use of a term",
        "# About\n\nRun `payout`.\n\n```text\npayout\n```\n\nSee [this](payout.md).\n",
        "# 概要\n\n`payout`を実行します。\n\n```text\npayout\n```\n\n"
        "[こちら](payout.md)をご覧ください。\n",
        [],
    ),
    rule_case(
        "passes: Japanese code and link targets may hold forbidden variants",
        "# About\n",
        "# 概要\n\n`ペイアウト`と入力します。\n\n[リンク](https://example.com/ペイアウト)\n",
        [],
    ),
    rule_case(
        "fails: an ASCII variant as a word, never inside one",
        "# About\n",
        "# 概要\n\nVATは使いません。PRIVATEの場合も同じです。\n",
        [(3, "'VAT' is a forbidden variant of 'consumption tax'")],
    ),
    rule_case(
        "passes: a term split over two wrapped Japanese lines",
        "# Payouts\n",
        "# 入金の\nスケジュール\n\nTsubamePayは銀行口座に入\n金します。\n",
        [],
    ),
    rule_case(
        "fails: a variant over two wrapped lines, on the line where it starts",
        "# About\n",
        "# 概要\n\n売上をペイ\nアウトします。\n",
        [(3, "'ペイアウト' is a forbidden variant")],
    ),
]


@pytest.mark.parametrize(("en", "ja", "expected"), RULE_CASES)
def test_glossary_term(tree: Tree, en: str, ja: str, expected: list[tuple[int, str]]) -> None:
    project = tree({"glossary.yml": GLOSSARY, EN: en, JA: ja})
    findings = run_check(project, select=["glossary-term"]).findings
    assert [(f.line, f.path) for f in findings] == [(line, JA) for line, _ in expected]
    for finding, (_, message) in zip(findings, expected, strict=True):
        assert message in finding.message
        assert finding.severity is Severity.WARNING
        assert finding.hint.endswith("）")
        assert "glossary.yml:" in finding.hint


def test_hints_say_what_to_write_in_japanese(tree: Tree) -> None:
    project = tree(
        {
            "glossary.yml": GLOSSARY,
            EN: EN_ARTICLE,
            JA: JA_ARTICLE.replace("入金します", "ペイアウトします"),
        }
    )
    [finding] = run_check(project, select=["glossary-term"]).findings
    assert finding.hint == "「ペイアウト」ではなく「入金」と書いてください（glossary.yml:2）"


def test_without_a_glossary_the_rule_is_skipped_unless_selected(tree: Tree) -> None:
    project = tree({EN: EN_ARTICLE, JA: JA_ARTICLE.replace("入金します", "ペイアウトします")})
    assert project.glossary_path is None
    assert Rule.GLOSSARY_TERM not in {f.rule for f in run_check(project).findings}
    with pytest.raises(ProjectError, match="no glossary is configured"):
        run_check(project, select=["glossary-term"])
    with pytest.raises(ProjectError, match="no glossary is configured"):
        run_check(project, select=["KB507"])
    run_check(project, select=["style"])  # the family still runs its other rules


def test_a_broken_glossary_is_reported_by_the_check(tree: Tree) -> None:
    project = tree({"glossary.yml": "terms:\n  - en: [x\n", EN: EN_ARTICLE, JA: JA_ARTICLE})
    result = run_check(project)
    assert [
        (f.path, f.line, f.severity) for f in result.findings if f.rule is Rule.INVALID_GLOSSARY
    ] == [("glossary.yml", 3, Severity.ERROR)]
    assert result.glossary is not None
    assert result.glossary.terms == ()


def test_glossary_option_and_default(tree: Tree, tmp_path: Path) -> None:
    project = tree({"terms.yml": GLOSSARY, EN: EN_ARTICLE, JA: JA_ARTICLE}, glossary="terms.yml")
    assert project.glossary_path == tmp_path / "terms.yml"
    (tmp_path / "glossary.yml").write_text(GLOSSARY, encoding="utf-8")
    default = project_from_options(
        root=tmp_path, docs_dir=tmp_path / "docs", languages=["en", "ja"]
    )
    assert default.glossary_path == tmp_path / "glossary.yml"
    with pytest.raises(ProjectError, match=r"glossary: .*missing.yml does not exist"):
        project_from_options(
            root=tmp_path,
            docs_dir=tmp_path / "docs",
            languages=["en", "ja"],
            options={"glossary": "missing.yml"},
        )
    with pytest.raises(ProjectError, match="glossary must be a path"):
        project_from_options(
            root=tmp_path,
            docs_dir=tmp_path / "docs",
            languages=["en", "ja"],
            options={"glossary": 3},
        )

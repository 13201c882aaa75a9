"""Japanese style rules (KB502-KB506) on tiny trees: a failing and a passing case each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kb.check import run_check
from kb.findings import Rule, Severity
from kb.project import Project, ProjectError, project_from_options
from kb.rules.style import politeness

Tree = Callable[..., Project]

JA = "docs/ja/a.md"
EN = "docs/en/a.md"
POLITE = "返金は管理画面から行えます。\n手数料は返されません。\n顧客には5日から10日で届きます。\n"


def case(name: str, body: str, expected: list[tuple[str, int]], **options: Any) -> Any:
    return pytest.param(body, expected, options, id=name)


CASES = [
    # KB502 mixed-politeness: the minority form's sentences, on the line where they end.
    case(
        "mixed-politeness fails: one plain sentence among polite ones",
        "# 返金\n\n" + POLITE + "\n返金は取り消せない。\n",
        [("mixed-politeness", 7)],
    ),
    case(
        "mixed-politeness fails: the polite minority in a plain article",
        "# 返金\n\n返金は取り消せない。\n手数料は返されない。\n結果はメールで届きます。\n",
        [("mixed-politeness", 5)],
    ),
    case(
        "mixed-politeness fails: in a list item and an admonition",
        "# 返金\n\n" + POLITE + "\n- 返金は取り消せない。\n\n!!! note\n    全額を返金する。\n",
        [("mixed-politeness", 7), ("mixed-politeness", 10)],
    ),
    case(
        "mixed-politeness fails: the copula, and a closing aside",
        "# 返金\n\n" + POLITE + "\nこれは一部返金だ。\n手数料を確認する（任意）。\n",
        [("mixed-politeness", 7), ("mixed-politeness", 8)],
    ),
    case(
        "mixed-politeness passes: plain forms in headings, list items without 。 and cells",
        "# 返金する\n\n" + POLITE + "\n- 管理画面で返金する\n- 全額を返金する\n\n"
        "| 操作 | 結果 |\n|---|---|\n| 返金する | 返金される |\n",
        [],
    ),
    case(
        "mixed-politeness passes: a quoted plain sentence and code",
        "# 返金\n\n" + POLITE + "\n「返金が完了した。」というメールが届きます。\n"
        "`返金する。`と入力します。\n\n```text\n返金する。\n```\n",
        [],
    ),
    case(
        "mixed-politeness passes: nouns end no sentence form",
        "# 返金\n\n返金の流れ。\n" + POLITE,
        [],
    ),
    # KB503 halfwidth-katakana: one finding per line.
    case(
        "halfwidth-katakana fails",
        "# 返金\n\nｶｰﾄﾞで支払います。\n\n| ﾒﾆｭｰ | 説明 |\n|---|---|\n",
        [("halfwidth-katakana", 3), ("halfwidth-katakana", 5)],
    ),
    case(
        "halfwidth-katakana passes: code and links are not prose",
        "# 返金\n\n銀行の明細には`ﾂﾊﾞﾒﾍﾟｲ`と表示されます。\n\n```text\nﾂﾊﾞﾒﾍﾟｲ\n```\n\n"
        "[明細](statement.md#ﾂﾊﾞﾒ)をご覧ください。\n",
        [],
    ),
    # KB504 fullwidth-alphanumeric.
    case(
        "fullwidth-alphanumeric fails: letters and digits",
        "# ＡＰＩキー\n\n手数料は２５０円です。\n",
        [("fullwidth-alphanumeric", 1), ("fullwidth-alphanumeric", 3)],
    ),
    case(
        "fullwidth-alphanumeric passes: full-width punctuation and code",
        "# APIキー\n\n手数料は250円（税込）です。\n\n```text\nＡＰＩ\n```\n",
        [],
    ),
    # KB505 inconsistent-spacing: the minority style's lines.
    case(
        "inconsistent-spacing fails: one spaced place among unspaced ones",
        "# TsubamePayの設定\n\nTsubamePayでWebhookを設定します。\n\nWebhook の署名を確認します。\n",
        [("inconsistent-spacing", 5)],
    ),
    case(
        "inconsistent-spacing fails: one unspaced place among spaced ones",
        "# TsubamePay の設定\n\nTsubamePay で Webhook を設定します。\n\n"
        "Webhookの署名を確認します。\n",
        [("inconsistent-spacing", 5)],
    ),
    case(
        "inconsistent-spacing passes: consistently spaced",
        "# TsubamePay の設定\n\nTsubamePay で Webhook を設定します。\n",
        [],
    ),
    case(
        "inconsistent-spacing passes: code, link targets, bold and URLs are no spacing",
        "# TsubamePayの設定\n\nTsubamePayで`kb check` を実行します。\n"
        "[設定](settings.md)をご覧ください。**Webhook**の署名を確認します。\n"
        "https://example.com で確認します。\n",
        [],
    ),
    # KB506 long-sentence: over 120 characters, where the sentence starts.
    case(
        "long-sentence fails",
        "# 返金\n\n短い文です。" + "あ" * 121 + "。\n",
        [("long-sentence", 3)],
    ),
    case(
        "long-sentence fails: a sentence over two lines of a paragraph",
        "# 返金\n\n" + "あ" * 70 + "\n" + "い" * 70 + "。\n",
        [("long-sentence", 3)],
    ),
    case("long-sentence passes: 120 characters", "# 返金\n\n" + "あ" * 119 + "。\n", []),
    case(
        "long-sentence passes: headings and table cells hold no sentences",
        "# " + "あ" * 130 + "\n\n| " + "い" * 130 + " |\n|---|\n",
        [],
    ),
    case(
        "long-sentence fails: the limit is configurable",
        "# 返金\n\n" + "あ" * 40 + "。\n",
        [("long-sentence", 3)],
        style={"max_sentence_length": 30},
    ),
    case(
        "long-sentence passes: a link counts its text, not its target",
        "# 返金\n\n" + "あ" * 100 + f"[設定](https://example.com/{'x' * 80})です。\n",
        [],
    ),
    # Suppression works for style rules like for every rule.
    case(
        "suppressed on the line above",
        "# 返金\n\n<!-- kb: ignore[long-sentence] -->\n" + "あ" * 130 + "。\n",
        [],
    ),
]


@pytest.mark.parametrize(("body", "expected", "options"), CASES)
def test_style_rule(
    tree: Tree, body: str, expected: list[tuple[str, int]], options: dict[str, Any]
) -> None:
    project = tree({EN: "# A\n", JA: body}, **options)
    findings = run_check(project, select=["style"]).findings
    assert [(f.rule.value, f.line) for f in findings] == expected
    assert {f.path for f in findings} <= {JA}
    assert all(f.severity is Severity.WARNING and f.language == "ja" for f in findings)


def test_english_articles_are_not_read(tree: Tree) -> None:
    project = tree({EN: "# ＡＰＩ\n\nｶｰﾄﾞ " + "a" * 200 + ".\n", JA: "# API\n"})
    assert run_check(project, select=["style"]).findings == []


def test_messages_and_japanese_hints(tree: Tree) -> None:
    body = "# 返金\n\n" + POLITE + "\n返金は取り消せない。\n\nｶｰﾄﾞ\n"
    findings = run_check(tree({EN: "# A\n", JA: body}), select=["style"]).findings
    by_rule = {f.rule: f for f in findings}
    politeness_finding = by_rule[Rule.MIXED_POLITENESS]
    assert politeness_finding.message == (
        "だ・である sentence '返金は取り消せない。' in an article written in "
        "です・ます (3 sentences)"
    )
    assert politeness_finding.hint.startswith("です・ます調に統一してください")
    katakana = by_rule[Rule.HALFWIDTH_KATAKANA]
    assert katakana.message == "half-width katakana 'ｶｰﾄﾞ'"
    assert katakana.hint == "カタカナは全角で書いてください: ｶｰﾄﾞ → カード"


def test_severity_is_configurable(tree: Tree) -> None:
    project = tree({EN: "# A\n", JA: "# ＡＰＩ\n"}, severity={"fullwidth-alphanumeric": "error"})
    [finding] = run_check(project, select=["style"]).findings
    assert finding.severity is Severity.ERROR
    ignored = tree({EN: "# A\n", JA: "# ＡＰＩ\n"}, severity={"KB504": "ignore"})
    assert run_check(ignored, select=["style"]).findings == []


@pytest.mark.parametrize(
    ("sentence", "form"),
    [
        ("返金します。", "polite"),
        ("返金しました。", "polite"),
        ("返金できません。", "polite"),
        ("確認してください。", "polite"),
        ("返金できますか？", "polite"),
        ("返金する。", "plain"),
        ("返金した。", "plain"),
        ("一部返金だ。", "plain"),
        ("一部返金である。", "plain"),
        ("取り消せない。", "plain"),
        ("返金する（任意）。", "plain"),
        ("返金します（任意）。", "polite"),
        ("「返金する」", "plain"),
        ("返金の流れ。", None),
        ("手数料が高い。", None),
    ],
)
def test_politeness_of_a_sentence(sentence: str, form: str | None) -> None:
    assert politeness(sentence) == form


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"style": {"max_sentence_length": 0}}, "max_sentence_length must be a whole number"),
        ({"style": {"max_sentence_length": "long"}}, "max_sentence_length must be a whole"),
        ({"style": []}, "style must be a mapping"),
    ],
)
def test_bad_style_options(tmp_path: Any, options: dict[str, Any], message: str) -> None:
    (tmp_path / "docs").mkdir()
    with pytest.raises(ProjectError, match=message):
        project_from_options(
            root=tmp_path, docs_dir=tmp_path / "docs", languages=["en", "ja"], options=options
        )

"""A writer's loop with drafts: new → start-translation → write → mark-translated → status."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from cli.test_cli import MKDOCS_YML, kb
from core.bilingual import center

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from kb.project import Project

    Tree = Callable[..., Project]

EN = "docs/en/payouts/instant-payouts.md"
JA = "docs/ja/payouts/instant-payouts.md"
EN_WRITTEN = """\
---
title: Get paid instantly
description: Send your balance to a debit card in minutes.
products: [payouts]
last_reviewed: 2026-12-01
---

# Get paid instantly

Instant payouts send your available balance to a debit card within minutes.

## Before you start

- You need the Owner or Admin role.

## Send an instant payout

1. Open **Balance** in the dashboard.
2. Select **Pay out now**.
3. Confirm the amount: the payout shows as **Paid** within minutes.

## If something goes wrong

- **The button is missing.** Add a debit card under **Settings > Bank accounts** first.

## Related articles

- [Payout schedule](schedule.md)
"""
JA_WRITTEN = """\
---
title: 即時入金を受け取る
description: 残高を数分でデビットカードに入金します。
products: [payouts]
last_reviewed: 2026-12-01
draft: true  # translator: done, waiting for review
---

# 即時入金を受け取る {#get-paid-instantly}

即時入金では、利用可能な残高を数分でデビットカードに入金します。

## 始める前に {#before-you-start}

- オーナーまたは管理者のロールが必要です。

## 即時入金を送る {#send-an-instant-payout}

1. ダッシュボードで **残高** を開きます。
2. **今すぐ入金** を選択します。
3. 金額を確認します。数分で入金が **入金済み** と表示されます。

## うまくいかないとき {#if-something-goes-wrong}

- **ボタンが表示されません。** 先に **設定 > 銀行口座** でデビットカードを登録します。

## 関連記事 {#related-articles}

- [入金スケジュール](schedule.md)
"""


@pytest.fixture
def root(tree: Tree) -> Path:
    return tree({**center(), "mkdocs.yml": MKDOCS_YML}).root


def findings(root: Path, *args: str) -> tuple[int, list[dict[str, Any]]]:
    run = kb(root, "check", "--format", "json", *args)
    assert "Traceback" not in run.stderr
    return run.returncode, json.loads(run.stdout)["findings"]


def totals(root: Path) -> dict[str, Any]:
    run = kb(root, "status", "--format", "json")
    assert run.returncode == 0, run.stderr
    [total] = json.loads(run.stdout)["totals"]
    return dict(total)


def test_a_draft_is_finished_before_it_counts(root: Path) -> None:
    before = totals(root)
    assert (before["articles"], before["translated"], before["draft"]) == (2, 2, 0)

    new = kb(root, "new", "payouts/instant-payouts", "--title", "Get paid instantly")
    assert new.returncode == 0
    assert kb(root, "start-translation", EN).returncode == 0
    draft = (root / JA).read_text("utf-8")
    assert "\ndraft: true\n" in draft
    assert "source_digest" not in draft

    # Both untouched templates fail the check; the draft is no untracked translation.
    status, found = findings(root, "--strict")
    assert status == 1
    placeholders = {f["path"]: f for f in found if f["rule"] == "placeholder"}
    assert sorted(placeholders) == [EN, JA]
    assert placeholders[EN]["severity"] == "error"
    assert placeholders[EN]["line"] == 3  # the description, first of them
    assert placeholders[JA]["line"] == 2  # title: "TODO(ja): Get paid instantly"
    assert "placeholders, the first" in placeholders[JA]["message"]
    assert not [f for f in found if f["rule"] in ("untracked-translation", "stale-translation")]
    [missing] = [f for f in found if f["rule"] == "missing-translation"]
    assert missing["path"] == EN
    assert missing["severity"] == "info"
    assert f"{JA} is a draft" in missing["message"]

    # A draft counts as neither translated nor missing: in its own column.
    counted = totals(root)
    assert (counted["articles"], counted["translated"], counted["draft"]) == (3, 2, 1)
    assert counted["untracked"] == counted["missing"] == 0
    assert counted["coverage"] == pytest.approx(66.7)
    header = [line for line in kb(root, "status").stdout.splitlines() if "product" in line]
    assert "draft" in header[0]
    markdown = kb(root, "status", "--format", "markdown").stdout
    columns = "| product | language | articles | translated | stale | untracked | missing | draft |"
    assert columns in markdown

    # The writer writes the English article; the translator half of the Japanese one.
    (root / EN).write_text(EN_WRITTEN, "utf-8")
    half = JA_WRITTEN.replace(
        "- オーナーまたは管理者のロールが必要です。", "- TODO(ja) You need a role.", 1
    )
    (root / JA).write_text(half, "utf-8")
    status, found = findings(root, "--strict")
    assert [f["path"] for f in found if f["rule"] == "placeholder"] == [JA]
    assert status == 1

    refused = kb(root, "mark-translated", JA)
    assert refused.returncode == 1
    assert refused.stdout == ""
    line = half.splitlines().index("- TODO(ja) You need a role.") + 1
    assert refused.stderr == (
        f"kb mark-translated: {JA}: line {line} still holds a placeholder "
        "('- TODO(ja) You need a role.'): translate every TODO, then mark it\n"
    )
    assert (root / JA).read_text("utf-8") == half  # untouched

    # Finished: marking records the digest and removes the draft line, nothing else.
    (root / JA).write_text(JA_WRITTEN, "utf-8")
    marked = kb(root, "mark-translated", JA)
    assert marked.returncode == 0, marked.stderr
    assert marked.stdout.startswith(f"{JA}: source_digest ")
    after = (root / JA).read_text("utf-8")
    assert "draft" not in after
    lines = JA_WRITTEN.splitlines(keepends=True)
    lines.remove("draft: true  # translator: done, waiting for review\n")
    digest_line = [x for x in after.splitlines(keepends=True) if x.startswith("source_digest:")]
    assert len(digest_line) == 1
    assert after == "".join(lines).replace("---\n\n#", digest_line[0] + "---\n\n#", 1)

    status, found = findings(root, "--strict")
    assert status == 0, found
    assert found == []
    done = totals(root)
    assert (done["articles"], done["translated"], done["draft"]) == (3, 3, 0)
    assert done["coverage"] == 100.0


def test_a_draft_flag_on_a_translation_that_has_a_digest_is_still_a_draft(root: Path) -> None:
    ja = "docs/ja/payments/refunds.md"
    text = (root / ja).read_text("utf-8")
    (root / ja).write_text(text.replace("---\n", "---\ndraft: true\n", 1), "utf-8")
    counted = totals(root)
    assert (counted["translated"], counted["draft"]) == (1, 1)
    status, found = findings(root, "--strict")
    assert status == 0
    assert [(f["rule"], f["path"]) for f in found] == [
        ("missing-translation", "docs/en/payments/refunds.md")
    ]
    assert kb(root, "mark-translated", ja).returncode == 0
    assert (root / ja).read_text("utf-8") == text
    assert totals(root)["translated"] == 2


def test_draft_must_be_true_or_false(root: Path) -> None:
    ja = "docs/ja/payments/refunds.md"
    text = (root / ja).read_text("utf-8")
    (root / ja).write_text(text.replace("---\n", '---\ndraft: "yes"\n', 1), "utf-8")
    status, found = findings(root)
    assert status == 1
    assert [(f["rule"], f["line"]) for f in found] == [("invalid-front-matter", 2)]

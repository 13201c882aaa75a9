"""Soft line breaks between Japanese characters are joined; everything else is kept."""

from __future__ import annotations

import pytest

from kb.cjk import join_cjk_line_breaks


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("返金の手順を\n説明します。", "返金の手順を説明します。"),
        ("一行目です。\n二行目です。\n三行目です。", "一行目です。二行目です。三行目です。"),
        ("- 項目です。\n  続きです。", "- 項目です。続きです。"),
        ("TsubamePay\nの説明", "TsubamePay\nの説明"),
        ("説明です\nTsubamePay", "説明です\nTsubamePay"),
        ("段落です。\n\n次の段落です。", "段落です。\n\n次の段落です。"),
        ("説明します。\n- 項目", "説明します。\n- 項目"),
        ("説明します。\n## 見出し", "説明します。\n## 見出し"),
        ("説明します。\n| 表 | 列 |", "説明します。\n| 表 | 列 |"),
        ('説明します。\n!!! note "注意"', '説明します。\n!!! note "注意"'),
        ("```text\n日本語の\nコード\n```", "```text\n日本語の\nコード\n```"),
        ("~~~~\n日本語\n~~~\n本文\n~~~~\n後", "~~~~\n日本語\n~~~\n本文\n~~~~\n後"),
        ("「かぎ括弧」\n（括弧）", "「かぎ括弧」（括弧）"),
        ("", ""),
    ],
)
def test_join_cjk_line_breaks(source: str, expected: str) -> None:
    assert join_cjk_line_breaks(source) == expected

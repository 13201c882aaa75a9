"""Personal data never reaches the store; queries group however they were typed."""

from __future__ import annotations

import pytest

from kb.insights.scrub import luhn_valid, query_key, scrub


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail me at taro.yamada+kb@example.co.jp please", "mail me at [email] please"),
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ に連絡", "[email] に連絡"),
        ("call 090-1234-5678", "call [phone]"),
        ("電話 ０３－１２３４－５６７８ まで", "電話 [phone] まで"),
        ("call +81 3 1234 5678", "call [phone]"),
        ("card 4242 4242 4242 4242 declined", "card [card] declined"),
        ("card 4242-4242-4242-4242", "card [card]"),
        ("card 4111111111111111", "card [card]"),
        ("order 4242 4242 4242 4241 failed", "order 4242 4242 4242 4241 failed"),
        ("マイナンバー 1234 5678 9012 です", "マイナンバー [my-number] です"),
        ("my number 123456789012", "my number [my-number]"),
        ("refund of 12,000 yen on 2026-01-15", "refund of 12,000 yen on 2026-01-15"),
        ("invoice INV-2026-0042", "invoice INV-2026-0042"),
        ("<!-- a comment --><script>x</script>", "<!-- a comment --><script>x</script>"),
        ("bell\x07 and\u202e bidi", "bell and bidi"),
    ],
)
def test_scrub(text: str, expected: str) -> None:
    assert scrub(text) == expected


def test_luhn() -> None:
    assert luhn_valid("4242424242424242")
    assert luhn_valid("5555555555554444")
    assert not luhn_valid("4242424242424241")


def test_a_japanese_query_typed_three_ways_is_one_query() -> None:
    typed = ["入金　スケジュール", "入金 ｽｹｼﾞｭｰﾙ", "  入金   スケジュール "]
    assert {query_key(query) for query in typed} == {"入金 スケジュール"}


def test_dakuten_and_handakuten_are_never_stripped() -> None:
    assert len({query_key(q) for q in ("パス", "バス", "ハス", "ﾊﾟｽ", "ﾊﾞｽ")}) == 3
    assert query_key("ﾊﾟｽ") == "パス"


def test_case_and_width_fold() -> None:
    assert query_key("Ｐａｙｏｕｔ  FEES") == query_key("payout fees") == "payout fees"

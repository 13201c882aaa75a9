"""Glossary synonyms in the indexed copy: the words merchants type find the glossary's term."""

from __future__ import annotations

from pathlib import Path

from kb.glossary import Glossary, Term
from kb.site.search_index import index_copy, indexed_part
from kb.site.synonyms import synonym_table, synonyms_for, with_synonyms

PAYOUT = Term(
    term="payout",
    approved={"ja": "入金"},
    forbidden={"ja": ("ペイアウト", "払い出し")},
    match=("payout", "payouts", "paid out"),
    definition={"en": "Money sent.", "ja": "お金です。"},
)
TABLE = synonym_table(Glossary(Path("glossary.yml"), (PAYOUT,)), "en")


def page(title: str, body: str, lang: str = "ja") -> str:
    html = (
        f'<html lang="{lang}"><body><div data-pagefind-body data-pagefind-meta="title:{title}">'
        f"<h1>{title}</h1>{body}</div></body></html>"
    )
    return indexed_part(html, lang)


def test_the_table_maps_each_approved_term_to_its_variants_and_english_forms() -> None:
    assert TABLE["ja"] == [("入金", ("ペイアウト", "払い出し", "payout", "payouts", "paid out"))]
    assert TABLE["en"] == [("payout", ("payout", "payouts", "paid out"))]


def test_a_page_about_the_term_gets_its_missing_synonyms_in_the_indexed_copy_only() -> None:
    about = page("入金スケジュール", "<p>入金は毎週です。payoutとも言います。</p>")
    assert synonyms_for(about, TABLE["ja"]) == ["ペイアウト", "払い出し", "payouts", "paid out"]
    copy = index_copy(with_synonyms(about, "ja", TABLE), "ja")
    assert (
        '<p class="kb-synonyms">ペイ イア アウ ウト 、 払い い出 出し 、 payouts 、 paid out'
        in copy
    )
    assert copy.index("kb-synonyms") < copy.index("</div></body>")  # inside the indexed element


def test_a_page_that_only_mentions_the_term_gets_none() -> None:
    passing = page("返金する", "<p>返金は入金から差し引かれます。</p>")
    assert with_synonyms(passing, "ja", TABLE) == passing
    english = page("Refund a payment", "<p>Refunds come out of your next payout.</p>", "en")
    assert with_synonyms(english, "en", TABLE) == english
    about = page("Payout schedule", "<p>Payouts arrive weekly.</p>", "en")
    assert "paid out</p>" in with_synonyms(about, "en", TABLE)

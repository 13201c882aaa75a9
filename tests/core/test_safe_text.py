"""What counts as markup in a writer's text, which names are safe, and the findings they give."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from core.bilingual import EN, EN_BODY, EN_FRONT, SCHEDULE_EN, varied
from kb.check import run_check
from kb.project import Project
from kb.safe_text import ICON_ID, describe_character, markup_in, unsafe_name_character

Tree = Callable[..., Project]


@pytest.mark.parametrize(
    ("text", "markup"),
    [
        ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
        ('"><script>alert(1)</script>', "<script>"),
        ("</title><script>alert(1)</script>", "</title>"),
        ("Refunds <!-- internal -->", "<!-- internal -->"),
        ("<!doctype html>", "<!doctype html>"),
        ("<?xml version='1.0'?>", "<?xml version='1.0'?>"),
        ("x<y", "<y"),
        ("&lt;/title&gt;&lt;script&gt;", "&lt;"),
        ("Fees &amp; statements", "&amp;"),
        ("&#60;script&#62;", "&#60;"),
        ("&#x3C;script", "&#x3C;"),
        ("&#60script", "&#60"),
        ("Copyright &copy; TsubamePay", "&copy;"),
        ("a <b>bold</b> &amp; move", "<b>"),
        ("&amp; then <i>", "&amp;"),
        ("<a " + "x" * 100, "<a " + "x" * 57),
    ],
)
def test_markup_is_found_with_the_piece_shown(text: str, markup: str) -> None:
    assert markup_in(text) == markup


@pytest.mark.parametrize(
    "text",
    [
        "Fees & statements",
        "3 < 5 and 5 > 3",
        "a -> b, c <= d, <3",
        "AT&T, R&D; Q&A",
        "&notaname; & &;",
        "{{ 7*7 }} {% raw %}",
        "javascript:alert(1)",
        "返金＜全額＞と一部返金",
        "Payouts over ¥1,000 & < 5 days",
    ],
)
def test_ordinary_text_is_not_markup(text: str) -> None:
    assert markup_in(text) is None


@pytest.mark.parametrize(
    ("name", "unsafe"),
    [
        ('x"><img src=x>.md', '"'),
        ("it's.md", "'"),
        ("a<b.md", "<"),
        ("fees&charges.md", "&"),
        ("code`x`.md", "`"),
        ("a\\b.md", "\\"),
        ("flow chart.svg", " "),
        ("faq#top.md", "#"),
        ("what?.md", "?"),
        ("100%.md", "%"),
        ("javascript:alert(1).md", ":"),
        ("tab\there.md", "\t"),
        ("line\nbreak.md", "\n"),
        ("invoice\u202egnp.svg", "\u202e"),
        ("zero\u200bwidth.md", "\u200b"),
        ("全角\u3000スペース.md", "\u3000"),
        ("del\x7f.md", "\x7f"),
    ],
)
def test_unsafe_name_characters(name: str, unsafe: str) -> None:
    assert unsafe_name_character(name) == unsafe


@pytest.mark.parametrize(
    "name",
    [
        "refund-a-payment.md",
        "flow_v2.1-final.svg",
        "README.md",
        "返金.md",
        "振込・入金.md",
        "ガ\u3099イド.md",  # decomposed dakuten: a combining mark, as macOS writes names
        "請求書（インボイス）.md",
        "カード決済ー概要.md",
    ],
)
def test_safe_names(name: str) -> None:
    assert unsafe_name_character(name) is None


def test_characters_are_described_so_invisible_ones_can_be_found() -> None:
    assert describe_character("<") == "'<'"
    assert describe_character(" ") == "U+0020 SPACE"
    assert describe_character("\u202e") == "U+202E RIGHT-TO-LEFT OVERRIDE"
    assert describe_character("\x01") == "U+0001 control character"


@pytest.mark.parametrize(
    ("icon", "valid"),
    [
        ("material/bank-transfer", True),
        ("fontawesome/brands/github", True),
        ("simple/uniqlo_ja", True),
        ("octicons/mark-github-16", True),
        ("material", False),
        ("../partials/header", False),
        ("material/../../main", False),
        ("material/x.svg", False),
        ("material/Bank", False),
        ("/material/bank", False),
        ("material/bank/", False),
        ("a/b/c/d", False),
        ("material/bank\n", False),
    ],
)
def test_icon_ids(icon: str, valid: bool) -> None:
    assert bool(ICON_ID.match(icon)) is valid


def test_markup_finding_says_what_and_how_to_fix(tree: Tree) -> None:
    files = varied({EN: EN_FRONT.replace("Refund a payment", "'<b>Refund</b>'") + EN_BODY})
    [finding] = run_check(tree(files), select=["markup-in-metadata"]).findings
    assert (finding.code, finding.line, finding.language) == ("KB310", 2, "en")
    assert "title contains markup '<b>'" in finding.message
    assert "plain text" in finding.hint


def test_unsafe_file_name_finding_names_the_character_and_a_fix(tree: Tree) -> None:
    files = varied({"docs/en/payments/flow chart.md": SCHEDULE_EN})
    [finding] = run_check(tree(files), select=["unsafe-file-name"]).findings
    assert finding.path == "docs/en/payments/flow chart.md"
    assert finding.language == "en"
    assert "'flow chart.md' has U+0020 SPACE" in finding.message
    assert "rename" in finding.hint


def test_a_check_of_some_paths_names_their_articles_but_not_other_files(tree: Tree) -> None:
    files = varied(
        {"docs/en/payments/flow chart.md": SCHEDULE_EN, "docs/en/assets/a b.svg": "<svg/>"}
    )
    project = tree(files)
    scoped = run_check(project, paths=[Path("docs/en/payments")], select=["KB311"])
    assert [f.path for f in scoped.findings] == ["docs/en/payments/flow chart.md"]
    whole = run_check(project, select=["KB311"])
    assert [f.path for f in whole.findings] == [
        "docs/en/assets/a b.svg",
        "docs/en/payments/flow chart.md",
    ]

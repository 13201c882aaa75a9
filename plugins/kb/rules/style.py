"""Japanese style rules (KB502-KB506): politeness, character widths, spacing, sentence length."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from kb.findings import Finding, Rule, RuleInfo, Severity
from kb.prose import PLACEHOLDER, blocks_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    from kb.articles import Article
    from kb.prose import Block, Blocks, Prose
    from kb.rules import RuleContext

INFO: dict[Rule, RuleInfo] = {
    Rule.MIXED_POLITENESS: RuleInfo(
        "KB502",
        "style",
        Severity.WARNING,
        "です・ます and だ・である sentences mixed in one article",
        example="です・ます and だ・である sentences in one Japanese article",
        fix="write every sentence in です・ます調",
    ),
    Rule.HALFWIDTH_KATAKANA: RuleInfo(
        "KB503",
        "style",
        Severity.WARNING,
        "half-width katakana (ｶﾀｶﾅ)",
        example="`ｶｰﾄﾞ`",
        fix="write full-width katakana: カード",
    ),
    Rule.FULLWIDTH_ALPHANUMERIC: RuleInfo(
        "KB504",
        "style",
        Severity.WARNING,
        "full-width ASCII letters or digits (ＡＢＣ１２３)",
        example="`ＡＰＩキー`, `１，５００円`",
        fix="write half-width letters and digits: APIキー, 1,500円",
    ),
    Rule.INCONSISTENT_SPACING: RuleInfo(
        "KB505",
        "style",
        Severity.WARNING,
        "Japanese and ASCII spaced in some places and not in others",
        example="`TsubamePay の` in one place and `TsubamePayの` in another",
        fix="pick one style for the article (WRITING.md: no space)",
    ),
    Rule.LONG_SENTENCE: RuleInfo(
        "KB506",
        "style",
        Severity.WARNING,
        "sentence longer than style.max_sentence_length characters",
        example="a Japanese sentence over 120 characters (`style.max_sentence_length`)",
        fix="split it",
    ),
}
"""The rules this module declares: code, family, default severity, summary, example, fix."""

RULES = frozenset(INFO)
"""The rules this module reports."""


# Kana and Han, without punctuation: spacing next to 、。「」 is no question of style.
_JAPANESE = "\u3041-\u309f\u30a1-\u30fa\u30fc-\u30ff\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HALFWIDTH_KATAKANA = re.compile("[\uff61-\uff9f]+")
_FULLWIDTH_ALPHANUMERIC = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+")
_HALF_OR_FULL_WIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff61-\uff9f]")
_BOUNDARY = re.compile(
    f"(?<=[A-Za-z0-9])( ?)(?=[{_JAPANESE}])|(?<=[{_JAPANESE}])( ?)(?=[A-Za-z0-9])"
)
# The spaced boundaries alone, found from the space: Japanese text has few spaces, so most
# articles are done after one fast search.
_SPACED_BOUNDARY = re.compile(
    f" (?:(?<=[A-Za-z0-9] )(?=[{_JAPANESE}])|(?<=[{_JAPANESE}] )(?=[A-Za-z0-9]))"
)
_SENTENCE_MARKS = re.compile(r"[。！？]+|[「『（【(]|[」』）】)]")
_OPENING = frozenset("「『（【(")
_CLOSING = frozenset("」』）】)")
_POLITE = re.compile(
    r"(?:です|ます|でした|ました|ません|でしょう|ましょう|ください|下さい)(?:か|ね|よ)?$"
)
# Conservative: the copula and the commonest plain verb endings, never bare nouns or adjectives.
_PLAIN_FORMS = (
    "だ",
    "である",
    "であった",
    "だった",
    "ではない",
    "ではなかった",
    "でない",
    "だろう",
    "であろう",
    "する",
    "した",
    "しない",
    "しなかった",
    "できる",
    "できた",
    "できない",
    "ある",
    "あった",
    "ない",
    "なかった",
    "いる",
    "いた",
    "なる",
    "なった",
    "れる",
    "れた",
    "せる",
    "せた",
)
# した also ends でした and ました, which are polite.
_PLAIN = re.compile(
    "(?:" + "|".join("(?<![まで])した" if form == "した" else form for form in _PLAIN_FORMS) + ")$"
)
_TRAILING = f" \t\n{PLACEHOLDER}。！？"


def _by_first_character(forms: tuple[str, ...]) -> str:
    """An alternation of `forms` grouped by first character: the engine tries only the forms
    that start with the character it is at, several times faster than a flat alternation."""
    groups: dict[str, list[str]] = {}
    for form in sorted(forms, key=len, reverse=True):
        rest = "(?<![まで]し)た" if form == "した" else form[1:]
        groups.setdefault(form[0], []).append(rest)
    return (
        "(?:" + "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items()) + ")"
    )


# Every sentence `politeness` calls plain matches this (and more): articles without a match
# need no sentence-by-sentence look.
_MAYBE_PLAIN = re.compile(
    _by_first_character(_PLAIN_FORMS)
    + f"(?:[」』】 \t\n{PLACEHOLDER}！？]|[（(][^\n()（）]*+[)）])*+。"
)
# Where no sentence runs on: terminators, and line breaks before a blank line, a heading, a
# table row or a list item. The pieces between are no shorter than any sentence, unless a
# terminator sits inside brackets (`_terminator_in_brackets` looks for that) or a paragraph's
# line starts with a literal `|`.
_NAIVE_BREAK = re.compile(r"[。！？]|\n(?=[ \t]*+(?:[#|\n]|[-*+][ \t]|\d{1,9}[.)][ \t]|$))")
_EXCERPT = 24
_LONGEST_ENDING = 8
_PARENTHESES = 3


def is_japanese(language: str) -> bool:
    """True for `ja` and its regional variants: the languages these rules read."""
    return language == "ja" or language.startswith(("ja-", "ja_"))


def check_article(article: Article, context: RuleContext) -> list[Finding]:
    """Run the Japanese style rules (KB502-KB506) on one Japanese article.

    Only prose counts: code, inline code, URLs, link targets, HTML comments and front matter
    are never read. Headings and table cells are checked for characters and spacing but hold
    no sentences.

    Args:
        article: The article (any language; only Japanese articles are checked).
        context: The check's shared state.

    Returns:
        Findings naming `article`.
    """
    if not is_japanese(article.language) or not context.wants(*RULES):
        return []
    prose = context.prose(article)
    findings: list[Finding] = []
    if _HALF_OR_FULL_WIDTH.search(prose.text):  # one search for the two rare cases
        if context.wants(Rule.HALFWIDTH_KATAKANA):
            findings.extend(_halfwidth_katakana(article, prose))
        if context.wants(Rule.FULLWIDTH_ALPHANUMERIC):
            findings.extend(_fullwidth_alphanumeric(article, prose))
    if context.wants(Rule.INCONSISTENT_SPACING):
        findings.extend(_spacing(article, prose))
    if context.wants(Rule.MIXED_POLITENESS, Rule.LONG_SENTENCE):
        findings.extend(_sentence_rules(article, prose.text, context))
    return findings


def _finding(article: Article, line: int, rule: Rule, message: str, hint: str) -> Finding:
    return Finding(article.path, line, rule, message, hint, article.language)


def _by_line(prose: Prose, pattern: re.Pattern[str]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for match in pattern.finditer(prose.text):
        found.setdefault(prose.line_at(match.start()), []).append(match.group())
    return found


def _more(runs: list[str]) -> str:
    return f" and {len(runs) - 1} more" if len(runs) > 1 else ""


def _halfwidth_katakana(article: Article, prose: Prose) -> list[Finding]:
    return [
        _finding(
            article,
            line,
            Rule.HALFWIDTH_KATAKANA,
            f"half-width katakana '{runs[0]}'{_more(runs)}",
            "カタカナは全角で書いてください: "
            + "、".join(f"{run} → {unicodedata.normalize('NFKC', run)}" for run in runs),
        )
        for line, runs in _by_line(prose, _HALFWIDTH_KATAKANA).items()
    ]


def _fullwidth_alphanumeric(article: Article, prose: Prose) -> list[Finding]:
    return [
        _finding(
            article,
            line,
            Rule.FULLWIDTH_ALPHANUMERIC,
            f"full-width letters or digits '{runs[0]}'{_more(runs)}",
            "英数字は半角で書いてください: "
            + "、".join(f"{run} → {unicodedata.normalize('NFKC', run)}" for run in runs),
        )
        for line, runs in _by_line(prose, _FULLWIDTH_ALPHANUMERIC).items()
    ]


def _spacing(article: Article, prose: Prose) -> list[Finding]:
    if not _SPACED_BOUNDARY.search(prose.text):
        return []
    spaced: list[int] = []
    unspaced: list[int] = []
    for match in _BOUNDARY.finditer(prose.text):
        (spaced if match.group(1) or match.group(2) else unspaced).append(match.start())
    if not spaced or not unspaced:
        return []
    # The minority style is the one to fix; on a tie, the house style (no space) wins.
    if len(spaced) <= len(unspaced):
        offsets, others = spaced, len(unspaced)
        message = "a space between Japanese and ASCII ('{}'), where {} other places have none"
        hint = "この記事では日本語と英数字の間にスペースを入れていません。ここも詰めてください"
    else:
        offsets, others = unspaced, len(spaced)
        message = "no space between Japanese and ASCII ('{}'), where {} other places have one"
        hint = "この記事では日本語と英数字の間にスペースを入れています。ここにも入れてください"
    findings: list[Finding] = []
    seen: set[int] = set()
    for offset in offsets:
        line = prose.line_at(offset)
        if line in seen:
            continue
        seen.add(line)
        findings.append(
            _finding(
                article,
                line,
                Rule.INCONSISTENT_SPACING,
                message.format(_around(prose.text, offset), others),
                hint,
            )
        )
    return findings


def _around(text: str, offset: int) -> str:
    start = max(text.rfind("\n", 0, offset) + 1, offset - 8)
    end = text.find("\n", offset)
    end = min(len(text) if end < 0 else end, offset + 9)
    return text[start:end].replace(PLACEHOLDER, "…")


def _terminators(text: str) -> Iterator[tuple[int, bool]]:
    """Where each run of 。！？ ends, and whether it is inside brackets or quotes."""
    depth = 0
    for match in _SENTENCE_MARKS.finditer(text):
        mark = match.group()
        if mark in _OPENING:
            depth += 1
        elif mark in _CLOSING:
            depth = max(depth - 1, 0)
        else:
            yield match.end(), depth > 0


def sentences(block: Block) -> Iterator[tuple[int, int, bool]]:
    """The sentences of a paragraph or list item: (start, end, ends with 。！？) in its text.

    Sentences end at 。！？ outside brackets and quotes (「」『』（）【】 and ASCII
    parentheses), so a quoted example sentence stays part of the sentence that quotes it.
    """
    text = block.text
    start = 0
    for end, inside in _terminators(text):
        if not inside:
            yield start, end, True
            start = end
    if text[start:].strip(_TRAILING):
        yield start, len(text), False


def politeness(sentence: str) -> str | None:
    """`polite` (です・ます), `plain` (だ・である) or None, from how a sentence ends."""
    end = len(sentence.rstrip(_TRAILING))
    # A closing aside says nothing of the form: 「〜します（任意）。」 ends in します.
    for _ in range(_PARENTHESES):
        if sentence[end - 1 : end] not in (")", "）"):
            break
        opening = max(sentence.rfind("(", 0, end), sentence.rfind("（", 0, end))
        if opening < 0:
            break
        end = len(sentence[:opening].rstrip(_TRAILING))
    ending = sentence[max(end - _LONGEST_ENDING, 0) : end].rstrip("」』】")
    if _POLITE.search(ending):
        return "polite"
    if _PLAIN.search(ending):
        return "plain"
    return None


def _may_run_long(text: str, limit: int) -> bool:
    """False when no sentence of `text` can be longer than `limit` (a cheap, safe test)."""
    if len(text) <= limit:
        return False
    if max(map(len, _NAIVE_BREAK.split(text))) > limit:
        return True
    return _terminator_in_brackets(text)


def _terminator_in_brackets(text: str) -> bool:
    if not any(opening in text for opening in _OPENING):
        return False
    return any(inside for _, inside in _terminators(text))


def _sentence_rules(article: Article, text: str, context: RuleContext) -> list[Finding]:
    limit = context.project.max_sentence_length
    long_wanted = context.wants(Rule.LONG_SENTENCE) and _may_run_long(text, limit)
    forms_wanted = context.wants(Rule.MIXED_POLITENESS) and bool(_MAYBE_PLAIN.search(text))
    if not long_wanted and not forms_wanted:
        return []
    blocks = blocks_of(article)
    forms: dict[str, list[tuple[int, str]]] = {"polite": [], "plain": []}
    findings: list[Finding] = []
    for block in blocks.blocks:
        if block.kind not in ("paragraph", "item"):
            continue
        if not forms_wanted and (not long_wanted or len(block.text) <= limit):
            continue
        for start, end, terminated in sentences(block):
            sentence = block.text[start:end]
            if forms_wanted and terminated and sentence.endswith("。"):
                form = politeness(sentence)
                if form is not None:
                    forms[form].append((block.start + end - 1, sentence))
            if long_wanted:
                stripped = sentence.strip()
                if len(stripped) > limit:
                    lead = len(sentence) - len(sentence.lstrip())
                    findings.append(
                        _finding(
                            article,
                            blocks.line_at(block.start + start + lead),
                            Rule.LONG_SENTENCE,
                            f"sentence of {len(stripped)} characters, more than {limit}: "
                            f"'{_excerpt(stripped, head=True)}'",
                            "2つ以上の文に分けてください（上限はmkdocs.ymlの"
                            "plugins.kb.style.max_sentence_length）",
                        )
                    )
    if forms["polite"] and forms["plain"]:
        findings.extend(_mixed(article, blocks, forms["polite"], forms["plain"]))
    return findings


def _mixed(
    article: Article,
    blocks: Blocks,
    polite: list[tuple[int, str]],
    plain: list[tuple[int, str]],
) -> list[Finding]:
    # The minority form is the one to fix; on a tie, the house style (です・ます) wins.
    if len(plain) <= len(polite):
        wrong, others = plain, f"です・ます ({len(polite)} sentences)"
        form = "だ・である"
        hint = "です・ます調に統一してください（例: 〜する。→ 〜します。〜だ。→ 〜です。）"
    else:
        wrong, others = polite, f"だ・である ({len(plain)} sentences)"
        form = "です・ます"
        hint = "だ・である調に統一してください（例: 〜します。→ 〜する。）"
    return [
        _finding(
            article,
            blocks.line_at(offset),
            Rule.MIXED_POLITENESS,
            f"{form} sentence '{_excerpt(sentence.strip(), head=False)}' in an article "
            f"written in {others}",
            hint,
        )
        for offset, sentence in wrong
    ]


def _excerpt(sentence: str, *, head: bool) -> str:
    text = sentence.replace("\n", " ").replace(PLACEHOLDER, "…")
    if len(text) <= _EXCERPT:
        return text
    return text[:_EXCERPT] + "…" if head else "…" + text[-_EXCERPT:]

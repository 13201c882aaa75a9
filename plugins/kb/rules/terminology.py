"""Terminology rule (KB501): translations use the glossary's approved terms, never its variants."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kb.findings import Finding, Rule, RuleInfo, Severity
from kb.prose import plain_text

if TYPE_CHECKING:
    from kb.articles import Article, ArticlePair
    from kb.glossary import Glossary, Term
    from kb.rules import RuleContext

INFO: dict[Rule, RuleInfo] = {
    Rule.GLOSSARY_TERM: RuleInfo(
        "KB501",
        "style",
        Severity.WARNING,
        "translation uses a forbidden variant or misses the glossary term",
        needs="glossary",
        example='the English says "payout", the Japanese says ペイアウト or never 入金',
        fix="use the approved term from `glossary.yml`",
    ),
}
"""The rules this module declares: code, family, default severity, summary, example, fix."""

RULES = frozenset(INFO)
"""The rules this module reports."""


_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_CURLY_APOSTROPHE = "\u2019"


@dataclass(frozen=True)
class TermIndex:
    """A glossary compiled for matching, built once per check."""

    glossary_path: str
    """The glossary as findings' hints name it."""
    source_pattern: re.Pattern[str] | None = None
    """Every source-language form, whole words, on lowercased prose."""
    by_form: dict[str, tuple[Term, ...]] = field(default_factory=dict)
    """The terms a matched form means: its own, and those of the forms inside it (`payout
    schedule` also uses `payout`)."""
    forbidden_patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)
    """Every forbidden variant of a translation language."""
    by_variant: dict[tuple[str, str], Term] = field(default_factory=dict)
    """The term of each (language, forbidden variant)."""


def index_terms(glossary: Glossary, glossary_path: str) -> TermIndex:
    """Compile a glossary's match forms and forbidden variants.

    Args:
        glossary: The glossary.
        glossary_path: Its path as hints name it.

    Returns:
        The index the rule matches with.
    """
    forms: dict[str, list[Term]] = {}
    variants: dict[str, dict[str, Term]] = {}
    for term in glossary.terms:
        for form in term.match:
            key = _form_key(form)
            if key and term not in forms.setdefault(key, []):
                forms[key].append(term)
        for language, words in term.forbidden.items():
            for variant in words:
                variants.setdefault(language, {}).setdefault(variant, term)
    by_form: dict[str, tuple[Term, ...]] = {}
    for key, terms in forms.items():
        inside = [
            other
            for other_key, others in forms.items()
            if other_key != key and other_key in key and _whole_words(other_key, key)
            for other in others
        ]
        by_form[key] = tuple(dict.fromkeys([*terms, *inside]))
    return TermIndex(
        glossary_path,
        # Forms start at a word boundary: checking `\b` first keeps the engine from trying
        # the forms in the middle of words.
        source_pattern=_alternation(
            {key: _form_branch(key) for key in forms}, prefix=r"\b", flags=re.ASCII
        )
        if forms
        else None,
        by_form=by_form,
        forbidden_patterns={
            language: _alternation({v: _variant_branch(v) for v in words})
            for language, words in variants.items()
        },
        by_variant={
            (language, variant): term
            for language, words in variants.items()
            for variant, term in words.items()
        },
    )


def _form_key(text: str) -> str:
    return " ".join(text.lower().replace(_CURLY_APOSTROPHE, "'").split())


def _whole_words(part: str, whole: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(part)}(?![a-z0-9])", whole) is not None


def _form_branch(key: str) -> str:
    chunks = [re.escape(chunk).replace("'", f"['{_CURLY_APOSTROPHE}]") for chunk in key.split()]
    return r"\s+".join(chunks) + "(?![a-z0-9])"


def _variant_branch(variant: str) -> str:
    # A variant that starts or ends with a letter or digit is an ASCII word there: `VAT` is
    # no part of `PRIVATE`.
    escaped = re.escape(variant)
    before = rf"(?<![A-Za-z0-9]{escaped})" if _ASCII_WORD.match(variant[0]) else ""
    after = r"(?![A-Za-z0-9])" if _ASCII_WORD.match(variant[-1]) else ""
    return escaped + before + after


def _alternation(branches: dict[str, str], *, prefix: str = "", flags: int = 0) -> re.Pattern[str]:
    """One pattern for many literals, grouped by first character (several times faster than a
    flat alternation: the engine tries only the branches of the character it is at)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for literal, branch in branches.items():
        groups.setdefault(literal[0], []).append((literal, branch))
    parts = []
    for first, members in groups.items():
        head = re.escape(first)
        # Longest first, so that `payout schedule` wins over `payout` where both start.
        members.sort(key=lambda member: -len(member[0]))
        parts.append(head + "(?:" + "|".join(branch[len(head) :] for _, branch in members) + ")")
    return re.compile(f"{prefix}(?:{'|'.join(parts)})", flags)


def check_article(article: Article, context: RuleContext) -> list[Finding]:
    """Report the glossary's forbidden variants in a translation, one finding per line.

    Args:
        article: The article (only translations are checked).
        context: The check's shared state, with the compiled glossary.

    Returns:
        Findings naming `article`.
    """
    terms = context.terms
    if terms is None or not context.wants(Rule.GLOSSARY_TERM):
        return []
    if article.language == context.project.source_language:
        return []
    pattern = terms.forbidden_patterns.get(article.language)
    if pattern is None:
        return []
    prose = context.prose(article)
    findings: list[Finding] = []
    seen: set[tuple[int, str]] = set()
    for match in pattern.finditer(prose.text):
        variant = match.group()
        line = prose.line_at(match.start())
        if (line, variant) in seen:
            continue
        seen.add((line, variant))
        term = terms.by_variant[(article.language, variant)]
        approved = term.approved[article.language]
        findings.append(
            Finding(
                article.path,
                line,
                Rule.GLOSSARY_TERM,
                f"'{variant}' is a forbidden variant of '{term.term}': the glossary's term is "
                f"'{approved}'",
                f"「{variant}」ではなく「{approved}」と書いてください"
                f"（{terms.glossary_path}:{term.line}）",
                article.language,
            )
        )
    return findings


def check_pair(pair: ArticlePair, context: RuleContext) -> list[Finding]:
    """Report the terms the source article uses whose approved term the translation never uses.

    Each finding is on the translation's heading of the section where the source article first
    uses the term.

    Args:
        pair: The twins.
        context: The check's shared state, with the compiled glossary.

    Returns:
        Findings naming the translation.
    """
    terms = context.terms
    source, translation = pair.source, pair.translation
    if (
        terms is None
        or source is None
        or translation is None
        or not context.wants(Rule.GLOSSARY_TERM)
    ):
        return []
    lowered = plain_text(source).lower()
    text = context.prose(translation).text
    missing = [
        term
        for term in _terms_in(lowered, terms)
        if pair.language in term.approved and term.approved[pair.language] not in text
    ]
    if not missing:
        return []
    heading_lines = [heading.line for heading in source.structure.headings]
    findings: list[Finding] = []
    for term, line in _first_uses(lowered, source.structure.first_line, terms, missing):
        approved = term.approved[pair.language]
        section = bisect_right(heading_lines, line)
        findings.append(
            Finding(
                translation.path,
                translation.structure.section_line(section),
                Rule.GLOSSARY_TERM,
                f"'{term.term}' is used in {source.path}:{line}, but the approved term "
                f"'{approved}' never appears here",
                f"用語集の訳語「{approved}」を使ってください（{terms.glossary_path}:{term.line}）",
                translation.language,
            )
        )
    return findings


def _terms_in(lowered: str, terms: TermIndex) -> list[Term]:
    if terms.source_pattern is None:
        return []
    found: dict[Term, None] = {}
    # findall and a set first: most forms occur many times, and most articles miss no term.
    for form in set(terms.source_pattern.findall(lowered)):
        for term in terms.by_form.get(form) or terms.by_form.get(_form_key(form), ()):
            found[term] = None
    return list(found)


def _first_uses(
    lowered: str, first_line: int, terms: TermIndex, wanted: list[Term]
) -> list[tuple[Term, int]]:
    """(term, file line) where each of `wanted` is first used, in the order of first use."""
    remaining = set(wanted)
    first: list[tuple[Term, int]] = []
    if terms.source_pattern is None:
        return first
    for match in terms.source_pattern.finditer(lowered):
        form = match.group()
        for term in terms.by_form.get(form) or terms.by_form.get(_form_key(form), ()):
            if term in remaining:
                remaining.discard(term)
                first.append((term, first_line + lowered.count("\n", 0, match.start())))
        if not remaining:
            break
    return first

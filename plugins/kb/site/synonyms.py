"""Search synonyms from the glossary: a merchant types the word they know, not the glossary's.

A Japanese page that uses an approved term (入金) is also found by the term's forbidden
variants (ペイアウト, 払い出し) and its English forms (payout); an English page that uses a term
is found by its other English forms (paid out). The words go into the copy of the page that
Pagefind indexes (`search_index.py`), never into the page people read.
"""

from __future__ import annotations

import html
import re
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from kb.glossary import Glossary

SynonymTable = dict[str, list[tuple[str, tuple[str, ...]]]]
"""Per language: (a term a page may use, the words that should find that page)."""

_TAG = re.compile(r"<[^>]+>")
_HEADING = re.compile(r"<h[1-3]\b[^>]*>(.*?)</h[1-3]>", re.DOTALL)
_TITLE = re.compile(r'data-pagefind-meta="title:([^"]*)"')
_SEPARATOR = {"ja": "、", "zh": "、"}


def synonym_table(glossary: Glossary, source_language: str) -> SynonymTable:
    """The synonyms of every glossary term, per language.

    Args:
        glossary: The loaded glossary.
        source_language: The language of `Term.term` and `Term.match`.

    Returns:
        For the source language, each term with its `match` forms; for each translation
        language, the approved term with its forbidden variants and the English forms.
    """
    table: SynonymTable = {}
    for term in glossary.terms:
        english = tuple(dict.fromkeys([term.term, *term.match]))
        table.setdefault(source_language, []).append((term.term, english))
        for language, approved in term.approved.items():
            words = tuple(dict.fromkeys([*term.forbidden.get(language, ()), *english]))
            table.setdefault(language, []).append((approved, words))
    return table


def synonyms_for(page_html: str, entries: Iterable[tuple[str, Sequence[str]]]) -> list[str]:
    """The synonyms a page should be found by: those of the terms its title or headings use
    (a page about payouts, not every page that mentions one), that the page lacks."""
    headings = " ".join(m.group(1) for m in _HEADING.finditer(page_html))
    titles = " ".join(html.unescape(m.group(1)) for m in _TITLE.finditer(page_html))
    prominent = f"{_TAG.sub(' ', headings)} {titles}".casefold()
    text = _TAG.sub(" ", page_html).casefold()
    words: dict[str, None] = {}
    for trigger, synonyms in entries:
        if trigger.casefold() in prominent:
            words.update((w, None) for w in synonyms if w.casefold() not in text)
    return list(words)


def with_synonyms(
    copy_html: str, language: str | None, table: Mapping[str, Sequence[tuple[str, Sequence[str]]]]
) -> str:
    """The indexed copy of a page with its synonyms in a paragraph at the end of its body.

    Args:
        copy_html: The minimal page `search_index.indexed_part` made (`<body><div
            data-pagefind-body>…</div></body>`).
        language: The page's language.
        table: The synonym table.

    Returns:
        The copy, with one more paragraph inside the indexed element when synonyms apply.
    """
    base = (language or "").split("-")[0].lower()
    words = synonyms_for(copy_html, table.get(base, ()))
    end = copy_html.rfind("</body>")
    close = copy_html.rfind("</", 0, end)
    if not words or end < 0 or close < 0:
        return copy_html
    separator = _SEPARATOR.get(base, ", ")
    paragraph = f'<p class="kb-synonyms">{escape(separator.join(words))}</p>'
    return copy_html[:close] + paragraph + copy_html[close:]

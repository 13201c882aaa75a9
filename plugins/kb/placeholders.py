"""Placeholders: the `TODO` markers and template sentences `kb new` and `kb start-translation`
write, and where an article still holds them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kb.prose import readable_text

if TYPE_CHECKING:
    from kb.articles import Article

ARTICLE_TEMPLATE = """\
# {title}

TODO: One or two sentences: who this article is for and what they will achieve.

## Before you start

- TODO: What the reader needs first: a role, a setting, a document.

## Steps

<!-- Rename this heading to say what the steps do, e.g. "## Refund a payment in the dashboard". -->

1. TODO: The first step. Name buttons and menus in bold, as the product shows them.
2. TODO: The next step.
3. TODO: The last step, and what the reader sees when it worked.

## If something goes wrong

- **TODO: A common problem.** What causes it, and what to do about it.

## Related articles

<!-- The site shows this section once, below the article: your links first, then articles kb
     finds related (same products), without duplicates. Keep one such section per article. -->

- TODO: Two to four links to other articles, written as `[Title](../product/slug.md)`.
"""
"""The body of a new article: the sections WRITING.md asks for, with TODOs to replace."""

DESCRIPTION_TEMPLATE = "TODO: One sentence for listings and search results."
"""The description `kb new` writes."""

TEMPLATE_SENTENCES: tuple[str, ...] = (
    "One or two sentences: who this article is for and what they will achieve.",
    "What the reader needs first: a role, a setting, a document.",
    "Name buttons and menus in bold, as the product shows them.",
    "The last step, and what the reader sees when it worked.",
    "What causes it, and what to do about it.",
    "Two to four links to other articles, written as",
    "One sentence for listings and search results.",
)
"""Template text that is still a placeholder once its `TODO:` is deleted (the distinctive
sentences of `ARTICLE_TEMPLATE` and `DESCRIPTION_TEMPLATE`; a test keeps them in step)."""

MARKER = re.compile(r"(?<![\w-])TODO(?:\([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*\))?(?![\w-])")
"""`TODO`, or `TODO(ja)` as `kb start-translation` writes it: upper case, a word of its own."""

_TEXT_KEYS = ("title", "description")
RULE_NAMES = ("placeholder", "KB314")
"""How a suppression comment names the rule (`<!-- kb: ignore[placeholder] -->`)."""


@dataclass(frozen=True)
class Placeholders:
    """The placeholders left in one article."""

    count: int
    """How many: each marker, and each template sentence on a line without a marker."""
    line: int
    """File line of the first one."""
    text: str
    """That line's text, shortened, as the writer will find it."""


def find_placeholders(article: Article) -> Placeholders | None:
    """The placeholders an article still holds, in its title, description and body.

    Code blocks, inline code and HTML comments are not read (a template comment that tells the
    writer what to do is fine); a line silenced with `<!-- kb: ignore[placeholder] -->` is not
    counted.

    Args:
        article: The article.

    Returns:
        The count and the first place, or None when there is none.
    """
    if "TODO" not in article.text and not any(s in article.text for s in TEMPLATE_SENTENCES):
        return None  # most articles: one look at the text
    found: list[tuple[int, str]] = []
    for key in _TEXT_KEYS:
        value = article.front_matter.get(key)
        if isinstance(value, str):
            count = _count(value)
            found.extend((article.line_of(key), f"{key}: {value}") for _ in range(count))
    lines = readable_text(article).split("\n")
    first = article.structure.first_line
    for index, text in enumerate(lines):
        if "TODO" not in text and not any(sentence in text for sentence in TEMPLATE_SENTENCES):
            continue
        count = _count(text)
        if count:
            found.extend((first + index, text.strip()) for _ in range(count))
    kept = [
        (line, text)
        for line, text in found
        if not article.structure.is_suppressed(line, *RULE_NAMES)
    ]
    if not kept:
        return None
    first_line, text = min(kept, key=lambda item: item[0])
    shown = text if len(text) <= 60 else text[:59] + "…"
    return Placeholders(len(kept), first_line, shown)


def _count(text: str) -> int:
    markers = len(MARKER.findall(text))
    if markers:
        return markers
    return sum(1 for sentence in TEMPLATE_SENTENCES if sentence in text)

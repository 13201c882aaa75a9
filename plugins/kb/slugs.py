"""Heading ids as Python-Markdown's `toc` makes them, shared across languages."""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from typing import TYPE_CHECKING

from kb.markdown_scan import Structure, scan

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kb.articles import Article

_NOT_WORD = re.compile(r"[^\w\s-]")
_SEPARATORS = re.compile(r"[-\s]+")
_ID_COUNT = re.compile(r"^(.*)_([0-9]+)$")
_BACKTICKS = re.compile(r"(?<!\\)`+")
_IMAGE = re.compile(r"!\[[^\[\]]*\](?:\([^()]*\)|\[[^\[\]]*\])")
_LINK = re.compile(r"\[([^\[\]]*)\](?:\([^()]*\)|\[[^\[\]]*\])")
_HTML = re.compile(r"<(?:/?[a-zA-Z][^<>@ ]*(?: [^<>]*)?|!--(?:(?!<!--|-->).)*--)>", re.DOTALL)
_EMPHASIS = re.compile(r"\*+|(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])|~~")
_MARKUP = re.compile(r"[`!\[<*_~\\&]")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~\"'])")


def slugify(value: str, separator: str = "-") -> str:
    """Slug of a heading's text, exactly as `markdown.extensions.toc.slugify` makes it.

    Args:
        value: Plain text of the heading.
        separator: Word separator.

    Returns:
        Lowercase ASCII slug; empty for text without ASCII letters or digits (e.g. Japanese).
    """
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = _NOT_WORD.sub("", value).strip().lower()
    if separator == "-":
        return _SEPARATORS.sub("-", value)
    return re.sub(rf"[{re.escape(separator)}\s]+", separator, value)


def unique(candidate: str, used: set[str], skips: dict[str, int] | None = None) -> str:
    """Make `candidate` unique among `used` as `toc` does (`id`, `id_1`, `id_2`); add it.

    `toc` tries `id_1`, `id_2`, ... from the start for every repeat, so n equal headings cost
    n²/2 lookups (20,000 equal headings: minutes). Pass the same `skips` for every call on one
    `used` set and each taken `base_n` remembers the next number worth trying: the ids are the
    same, in linear time.

    Args:
        candidate: The slug wanted.
        used: Ids taken so far on the page; the result is added to it.
        skips: Memory shared by the calls on `used` (None: none, quadratic in repeats).

    Returns:
        `candidate`, or the first free `<base>_<n>` after it.
    """
    if candidate and candidate not in used:
        used.add(candidate)
        return candidate
    match = _ID_COUNT.match(candidate)
    base, number = (match.group(1), int(match.group(2)) + 1) if match else (candidate, 1)
    memo = skips if skips is not None else {}
    passed: list[str] = []
    name = f"{base}_{number}"
    while name in used:
        passed.append(name)
        # Everything from a remembered id up to the number it points at is taken: ids are never
        # released, so the jump stays valid.
        number = memo.get(name, number + 1)
        name = f"{base}_{number}"
    used.add(name)
    for taken in passed:
        memo[taken] = number + 1
    memo[name] = number + 1
    return name


@functools.lru_cache(maxsize=4096)
def heading_slug(markdown: str) -> str:
    """Slug of a heading's inline Markdown (cached: help centers repeat their headings)."""
    return slugify(heading_text(markdown))


def heading_text(markdown: str) -> str:
    """Plain text of a heading's inline Markdown, as `toc` reads it from the rendered heading."""
    if not _MARKUP.search(markdown):
        return " ".join(markdown.split())
    parts: list[str] = []
    position = 0
    for start, end, width in _code_spans(markdown):
        parts.append(_plain(markdown[position:start]))
        parts.append(markdown[start + width : end - width].strip())
        position = end
    parts.append(_plain(markdown[position:]))
    return " ".join("".join(parts).split())


def _code_spans(markdown: str) -> list[tuple[int, int, int]]:
    """(start, end, backtick count) of each code span: a run closed by a run as long."""
    runs = [match.span() for match in _BACKTICKS.finditer(markdown)]
    spans = []
    index = 0
    while index < len(runs):
        start, end = runs[index]
        width = end - start
        for other in range(index + 1, min(len(runs), index + 200)):
            if runs[other][1] - runs[other][0] == width:
                if runs[other][0] > end:
                    spans.append((start, runs[other][1], width))
                index = other
                break
        index += 1
    return spans


def _plain(text: str) -> str:
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _HTML.sub("", text)
    text = _EMPHASIS.sub("", text)
    text = _ESCAPE.sub(r"\1", text)
    return html.unescape(text)


def structure_heading_ids(structure: Structure, source: Structure | None = None) -> list[str]:
    """Ids of the headings of a structure; see `heading_ids`."""
    headings = structure.headings
    used = {h.explicit_id for h in headings if h.explicit_id} | set(structure.attr_ids)
    skips: dict[str, int] = {}
    if (
        source is not None
        and headings
        and [h.level for h in headings] == [h.level for h in source.headings]
    ):
        source_ids = structure_heading_ids(source)
        return [
            heading.explicit_id or unique(source_id, used, skips)
            for heading, source_id in zip(headings, source_ids, strict=True)
        ]
    return [
        heading.explicit_id or unique(heading_slug(heading.text), used, skips)
        for heading in headings
    ]


def heading_ids(article: Article, source_article: Article | None = None) -> list[str]:
    """Ids of an article's headings, in order.

    An explicit `{#id}` wins. In a translation whose heading levels match the source article's,
    a heading without one takes the id of the source heading at the same position, so
    `refunds.md#partial-refunds` works in every language; otherwise it gets its own slug.

    Args:
        article: The article.
        source_article: Its source-language twin, when `article` is a translation.

    Returns:
        One id per heading, unique within the page.
    """
    source = source_article.structure if source_article is not None else None
    return structure_heading_ids(article.structure, source)


def with_heading_ids(markdown_body: str, ids: Sequence[str]) -> str:
    """Give each heading without an explicit id the id at its position, as ` {#id}`.

    Fence-aware: headings are found the way `heading_ids` counts them. Closing hashes of an ATX
    heading are dropped (Python-Markdown drops them too) so the attribute list applies.

    Args:
        markdown_body: An article body, front matter removed.
        ids: One id per heading, as `heading_ids` returns them.

    Returns:
        The body with the ids written in; unchanged when there is nothing to add.
    """
    structure = scan(markdown_body)
    if not structure.headings or not ids:
        return markdown_body
    lines = markdown_body.split("\n")
    for heading, wanted in zip(structure.headings, ids, strict=False):
        if heading.explicit_id or not wanted:
            continue
        index = heading.line - 1
        line = lines[index].rstrip()
        if not heading.setext and line.endswith("#"):
            trimmed = line.rstrip("#")
            if trimmed.strip("#").strip() and not trimmed.endswith("\\"):
                line = trimmed.rstrip()
        lines[index] = f"{line} {{#{wanted}}}"
    return "\n".join(lines)

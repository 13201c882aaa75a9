"""The prose of an article: its readable text, without code, URLs, link targets or markup.

Two views: `prose_of` is the text line for line (what character and word rules search), and
`blocks_of` the paragraphs, list items, headings and table cells (what sentence rules read).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from kb.cjk import CJK_CHARACTERS

if TYPE_CHECKING:
    from kb.articles import Article

BlockKind = Literal["paragraph", "item", "heading", "cell"]

PLACEHOLDER = "\ufffc"
"""Stands for an inline code span, a URL or an inline comment: one character, neither a letter
nor Japanese, so that no prose rule reads into it."""

# Possessive quantifiers throughout: a megabyte of hostile text must stay linear. No pattern
# crosses a line break, so lines stay where they are. Each is tried only when the text has
# the character it starts with: one pattern per construct is several times faster than one
# alternation of all of them.
_LINK_DESTINATION = re.compile(
    r"""\]\([ \t]*+(?:<[^<>\n]*+>|(?:[^\s()\\]|\\.|\([^\s()]*+\))*+)"""
    r"""(?:[ \t]++(?:"[^"\n]*+"|'[^'\n]*+'|\([^)\n]*+\)))?+[ \t]*+\)|\]\[[^\[\]\n]*+\]"""
)
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]*+:[^\s<>]*+|[^\s<>@]++@[^\s<>@]++)>")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*+(?:[ \t][^<>\n]*+)?>")
_URL = re.compile(r"""(?:https?|ftp)://[^\s<>()\[\]{}"'、。「」（）]++""")
_ATTRIBUTES = re.compile(r"\{:?[ \t]*+(?:[#.][^{}\n]*+|[^{}\n=]*+=[^{}\n]*+)\}")
_FOOTNOTE_LABEL = re.compile(r"\[\^[^\]\s]*+\]:?")
_MASKED = re.compile(r"[ \t]{2,}")
_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_QUOTE = re.compile(r"(?:>[ \t]?)+")
_BREAK = re.compile(r"(?:[-*_][ \t]*+){3,}+$")
_DELIMITER_ROW = re.compile(r"[ \t|:-]*+$")
_ADMONITION_TITLE = re.compile(r"""(?:!!!|\?\?\?\+?)[ \t]*[\w-]+[ \t]*(?:"([^"]*)"|'([^']*)')?""")
_TAB_TITLE = re.compile(r"""===[!+]{0,2}[ \t]+(?:"([^"]*)"|'([^']*)')""")
_CJK = re.compile(f"[{CJK_CHARACTERS}]")
# A line break between CJK characters, and the next line's indentation: no space in the site.
_SOFT_BREAK = re.compile(f"\n(?<=[{CJK_CHARACTERS}]\n)[ \t]*+(?=[{CJK_CHARACTERS}])")
# A line starting otherwise is a paragraph's line (the common case, taken without a look).
_SPECIAL_STARTS = frozenset(" \t>=*:-_+0123456789")


@dataclass(frozen=True)
class Prose:
    """An article body's readable text, line for line except where CJK lines are joined."""

    text: str
    """`plain_text`, with the line breaks between CJK characters removed (the site shows no
    space there, so a word may run on across them)."""
    first_line: int
    """File line of the text's first line."""
    joins: tuple[int, ...] = ()
    """Offsets in `text` where a line break was removed."""

    def line_at(self, offset: int) -> int:
        """File line of the character at `offset` of `text`."""
        return self.first_line + self.text.count("\n", 0, offset) + bisect_right(self.joins, offset)


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph, list item, heading or table cell: one unit of readable text."""

    kind: BlockKind
    """What the text is: a heading or a table cell holds no sentences."""
    start: int
    """Offset of the block's text in `Blocks.text`."""
    text: str
    """The readable text; soft line breaks are kept as `\\n` except between CJK characters."""


@dataclass(frozen=True)
class Blocks:
    """Every block of an article body, their text joined with `\\n`, and a map back to lines."""

    text: str
    """The text of every block, in order, one `\\n` between blocks."""
    blocks: tuple[Block, ...]
    """The blocks, in order."""
    piece_starts: tuple[int, ...]
    """Offset in `text` where each source line's piece begins."""
    piece_lines: tuple[int, ...]
    """File line of each piece."""

    def line_at(self, offset: int) -> int:
        """File line of the character at `offset` of `text`."""
        index = bisect_right(self.piece_starts, offset) - 1
        return self.piece_lines[max(index, 0)] if self.piece_lines else 1


def readable_text(article: Article) -> str:
    """The article body as text to read, line for line: code, comments, link targets, URLs,
    HTML tags, attribute lists and footnote labels left out (a URL becomes `PLACEHOLDER`)."""
    text = article.structure.masked or article.body
    if "](" in text or "][" in text:
        text = _LINK_DESTINATION.sub("]", text)
    if "<" in text:
        text = _TAG.sub("", _AUTOLINK.sub(PLACEHOLDER, text))
    if "://" in text:
        text = _URL.sub(PLACEHOLDER, text)
    if "{" in text:
        text = _ATTRIBUTES.sub("", text)
    if "[^" in text:
        text = _FOOTNOTE_LABEL.sub("", text)
    return text


def plain_text(article: Article) -> str:
    """`readable_text` without link brackets and bold marks: the text a reader sees."""
    text = readable_text(article)
    # str.replace beats a regular expression (and str.translate) by far. A lone `*` stays:
    # it may be a list marker, which `prose_of` still needs to see.
    if "[" in text or "]" in text:
        text = text.replace("![", "").replace("[", "").replace("]", "")
    if "**" in text:
        text = text.replace("**", "")
    return text


def prose_of(article: Article) -> Prose:
    """The readable text of an article's body, line for line (see `Prose.text`).

    Args:
        article: The article.

    Returns:
        Its prose.
    """
    text = plain_text(article)
    first_line = article.structure.first_line
    if "\n" not in text or _SOFT_BREAK.search(text) is None:
        return Prose(text, first_line)
    pieces: list[str] = []
    joins: list[int] = []
    last = removed = 0
    for match in _SOFT_BREAK.finditer(text):
        pieces.append(text[last : match.start()])
        joins.append(match.start() - removed)
        removed += match.end() - match.start()
        last = match.end()
    pieces.append(text[last:])
    return Prose("".join(pieces), first_line, tuple(joins))


def blocks_of(article: Article) -> Blocks:
    """The readable text of an article's body, in blocks.

    Headings, admonition and tab titles become `heading` blocks, table rows one `cell` block
    per cell (delimiter rows are skipped), list items `item` blocks and the rest `paragraph`
    blocks; blockquote markers, list markers and indentation are left out, and so is everything
    `plain_text` leaves out.

    Args:
        article: The article (scanned with line kinds).

    Returns:
        Its blocks.
    """
    # One function with local state: this runs on every line of every translation.
    structure = article.structure
    blocks: list[Block] = []
    parts: list[str] = []
    starts: list[int] = []
    lines: list[int] = []
    offset = 0  # where the open block starts in the joined text
    kind: BlockKind | None = None  # of the open block
    pieces: list[str] = []
    length = 0  # of the open block's text

    def add(text: str, line_no: int) -> None:
        nonlocal length
        text = text.rstrip()
        if "  " in text or "\t" in text:
            text = _MASKED.sub(PLACEHOLDER, text)  # blanked code or comments
        text = text.lstrip(" \t")
        if "*" in text:
            text = text.replace("*", "")
        if not text:
            return
        # A line break between two CJK characters is no space (kb.cjk joins them).
        if pieces and not (_CJK.match(pieces[-1][-1]) and _CJK.match(text[0])):
            pieces.append("\n")
            length += 1
        starts.append(offset + length)
        lines.append(line_no)
        pieces.append(text)
        length += len(text)

    def close() -> None:
        nonlocal kind, pieces, length, offset
        if pieces:
            joined = "".join(pieces)
            blocks.append(Block(kind or "paragraph", offset, joined))
            parts.append(joined)
            offset += length + 1
            pieces = []
            length = 0
        kind = None

    def single(block_kind: BlockKind, text: str, line_no: int) -> None:
        nonlocal kind
        close()
        kind = block_kind
        add(text, line_no)
        close()

    originals = article.body.split("\n")
    cleaned = plain_text(article).split("\n")
    line_no = structure.first_line - 1
    for line_kind, original, text in zip(structure.line_kinds, originals, cleaned, strict=False):
        line_no += 1
        if line_kind == "text" or (line_kind == "comment" and text.strip()):
            if original[:1] not in _SPECIAL_STARTS:  # a paragraph's line: the common case
                if kind is None:
                    kind = "paragraph"
                add(text, line_no)
                continue
            content = original.lstrip(" \t")
            cut = len(original) - len(content)
            if content.startswith(">"):
                quote = _QUOTE.match(content)
                if quote is not None:
                    rest = content[quote.end() :]
                    content = rest.lstrip(" \t")
                    cut += quote.end() + len(rest) - len(content)
            first = content[:1]
            if first and first in "=*:-_":
                tab = _TAB_TITLE.match(content) if first == "=" else None
                if tab is not None:
                    single("heading", tab.group(1) or tab.group(2) or "", line_no)
                    continue
                if content.startswith("*[") or _BREAK.match(content):
                    close()  # an abbreviation definition, or a thematic break
                    continue
                if first == ":" and content[1:2] in (" ", "\t"):
                    close()  # a definition list's definition starts a block
                    cut += 1
            marker = _LIST_MARKER.match(content) if first and first in "-*+0123456789" else None
            if marker is not None:
                close()
                kind = "item"
                add(text[cut + marker.end() :], line_no)
            else:
                if kind is None:
                    kind = "paragraph"
                add(text[cut:], line_no)
        elif line_kind == "heading":
            single("heading", _heading_text(original, text), line_no)
        elif line_kind == "table":
            close()
            if not _DELIMITER_ROW.match(text):
                for cell in _cells(text):
                    single("cell", cell, line_no)
        elif line_kind == "admonition":
            close()
            title = _ADMONITION_TITLE.match(text.strip())
            if title is not None:
                single("heading", title.group(1) or title.group(2) or "", line_no)
        elif kind is not None:
            close()
    close()
    return Blocks("\n".join(parts), tuple(blocks), tuple(starts), tuple(lines))


def _heading_text(original: str, text: str) -> str:
    stripped = text.strip()
    if original.lstrip().startswith("#"):
        stripped = stripped.lstrip("#")
        trimmed = stripped.rstrip("#")
        if trimmed != stripped and (not trimmed or trimmed[-1] in " \t"):
            stripped = trimmed
    return stripped


def _cells(row: str) -> list[str]:
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return row.split("|")

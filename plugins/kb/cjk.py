"""Join soft line breaks between Japanese characters, which browsers would show as spaces."""

from __future__ import annotations

import re

CJK_CHARACTERS = (
    "\u3000-\u303f"  # CJK punctuation
    "\u3040-\u30ff"  # hiragana, katakana
    "\u31f0-\u31ff"  # katakana extensions
    "\u3400-\u4dbf"  # Han extension A
    "\u4e00-\u9fff"  # Han
    "\uf900-\ufaff"  # Han compatibility
    "\uff00-\uffef"  # full-width forms
)
"""Han, kana, CJK punctuation and full-width forms (a character class body): the characters of
scripts written without spaces, between which a line break is no space."""
_ENDS_CJK = re.compile(f"[{CJK_CHARACTERS}]$")
_STARTS_CJK = re.compile(f"^[{CJK_CHARACTERS}]")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_BLOCK_START = re.compile(
    r"^\s*(?:[-*+]\s|\d+[.)]\s|#|\||>|!!!|\?\?\?|:|<|\[[^\]]*\]:|={3,}|-{3,}|\*{3,}|_{3,})"
)

NO_SPACE_LANGUAGES = frozenset({"ja", "zh"})
"""Languages whose text has no spaces between words."""


def join_cjk_line_breaks(markdown: str) -> str:
    """Remove the newline between two CJK characters inside a paragraph.

    Writers wrap long Japanese paragraphs in their editor; Markdown keeps the newline and
    browsers render it as a space in the middle of a sentence. Lines inside fenced code, and
    lines that start a block (list item, heading, table row, admonition...), are left alone.

    Args:
        markdown: Markdown text of a Japanese or Chinese page.

    Returns:
        The text with those soft breaks removed.
    """
    lines = markdown.split("\n")
    out: list[str] = []
    fence: str | None = None
    for line in lines:
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        if match:
            fence = match.group(1)
            out.append(line)
            continue
        stripped = line.lstrip()
        previous = out[-1] if out else ""
        if (
            stripped
            and previous.strip()
            and _ENDS_CJK.search(previous)
            and _STARTS_CJK.match(stripped)
            and not _BLOCK_START.match(line)
            and not _FENCE.match(previous)
        ):
            out[-1] = previous + stripped
            continue
        out.append(line)
    return "\n".join(out)

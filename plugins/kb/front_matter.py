"""Where an article's YAML front matter is, found the way MkDocs finds it."""

from __future__ import annotations

import re
from dataclasses import dataclass

_FRONT_MATTER = re.compile(r"-{3}[ \t]*\n((?:.*?\n)??)(?:\.{3}|-{3})[ \t]*(?:\n|\Z)", re.DOTALL)
_OPENING = re.compile(r"-{3}[ \t]*(?:\n|\Z)")


@dataclass(frozen=True)
class FrontMatterBlock:
    """The front matter of a text with `\\n` line endings, and the body after it."""

    yaml: str | None
    """The YAML between the `---` lines; None when the text has no front matter."""
    body: str
    """The Markdown after the closing line (the whole text without front matter)."""
    body_start_line: int
    """File line of the body's first line."""
    end: int
    """Offset just after the closing line (0 without front matter)."""
    unclosed: bool = False
    """The text opens front matter with `---` but never closes it."""


def split_front_matter(text: str) -> FrontMatterBlock:
    """Split `---`-delimited YAML front matter from the body.

    Args:
        text: The article, BOM removed, with `\\n` line endings.

    Returns:
        The block; for an unclosed block, `yaml` is None, `unclosed` is True and the body is the
        whole text.
    """
    if not text.startswith("---"):
        return FrontMatterBlock(None, text, 1, 0)
    match = _FRONT_MATTER.match(text)
    if match is None:
        unclosed = _OPENING.match(text) is not None
        return FrontMatterBlock(None, text, 1, 0, unclosed=unclosed)
    end = match.end()
    lines = match.group(0).count("\n") + (0 if match.group(0).endswith("\n") else 1)
    return FrontMatterBlock(match.group(1), text[end:], lines + 1, end)

"""English defaults that Markdown extensions write into a page, replaced by the catalogue's."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

ADMONITION_TYPES: dict[str, tuple[str, ...]] = {
    "note": (),
    "abstract": ("summary", "tldr"),
    "info": ("todo",),
    "tip": ("hint", "important"),
    "success": ("check", "done"),
    "question": ("help", "faq"),
    "warning": ("caution", "attention"),
    "failure": ("fail", "missing"),
    "danger": ("error",),
    "bug": (),
    "example": (),
    "quote": ("cite",),
}
"""Every admonition type Material styles, with its aliases (Material's `admonitions` docs)."""

TYPE_OF: dict[str, str] = {
    name: kind for kind, aliases in ADMONITION_TYPES.items() for name in (kind, *aliases)
}
"""Admonition type of each class Material styles, aliases included (`tldr` → `abstract`)."""

# Python-Markdown's admonition and pymdownx.details write a missing title as the first class,
# capitalised: `!!! note` → `<p class="admonition-title">Note</p>`, `??? tip` → `<summary>Tip`.
_ADMONITION = re.compile(
    r'(<div class="admonition (?P<classes>[^"]*)">\s*<p class="admonition-title">)'
    r"(?P<title>[^<]*)(?=</p>)"
)
_DETAILS = re.compile(
    r'(<details class="(?P<classes>[^"]*)"(?: open(?:="open")?)?>\s*<summary>)'
    r"(?P<title>[^<]*)(?=</summary>)"
)
_HEADERLINK = re.compile(r'(<a class="headerlink" href="[^"]*" title=")[^"]*(")')


def admonition_title_key(kind: str) -> str:
    """Catalogue key of an admonition type's default title (`admonition_note`)."""
    return f"admonition_{kind}"


def localize_defaults(page_html: str, strings: Mapping[str, str]) -> str:
    """Replace the English defaults in a rendered page by the catalogue's strings.

    An admonition or collapsible block whose title is its type capitalised (what the
    extensions write when the writer gave no title) gets the catalogue's title for its type;
    a title the writer wrote, an empty title and an unknown type stay as they are. The
    permalinks of headings get the catalogue's `permalink_title`.

    Args:
        page_html: The page body as Markdown rendered it.
        strings: The site strings of the page's language.

    Returns:
        The page body with localized defaults.
    """

    def title(match: re.Match[str]) -> str:
        first = match["classes"].split(" ", 1)[0]
        kind = TYPE_OF.get(first.lower())
        localized = strings.get(admonition_title_key(kind)) if kind else None
        if localized is None or match["title"] != first.capitalize():
            return match[0]
        return match[1] + html.escape(localized, quote=False)

    page_html = _ADMONITION.sub(title, page_html)
    page_html = _DETAILS.sub(title, page_html)
    permalink = strings.get("permalink_title")
    if permalink is not None:
        escaped = html.escape(permalink)
        page_html = _HEADERLINK.sub(lambda m: f"{m[1]}{escaped}{m[2]}", page_html)
    return page_html

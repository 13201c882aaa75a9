"""One "Related articles" section per article: the writer's picks first, then kb's own.

A writer may end an article with a hand-picked `## Related articles` (`## 関連記事`) list; kb
computes related articles too. The build takes the writer's section out of the rendered body
and shows one section below the article: the writer's items as written, then kb's articles
that the writer did not link, never the page itself, up to `limit` in all.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from posixpath import normpath
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from kb.catalog import available_catalogs, site_strings

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable

RELATED_ID = "related-articles"
"""The heading id of a writer's related section (English `## Related articles`)."""

_H2 = re.compile(r"<h2\b(?P<attributes>[^>]*)>(?P<inner>.*?)</h2>", re.DOTALL)
_ID = re.compile(r'\bid="([^"]*)"')
_SECTION_END = re.compile(r"<h[12][\s>]")
_HEADERLINK = re.compile(r'<a\b[^>]*\bclass="headerlink"[^>]*>.*?</a>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_LIST_TAG = re.compile(r"<(/?)(ul|ol|li)\b[^>]*>")
_HREF = re.compile(r'<a\b[^>]*\bhref="([^"]*)"')
_BASE = "https://kb.invalid/"


@dataclass(frozen=True)
class WrittenRelated:
    """The related section a writer wrote, taken out of a rendered page."""

    heading_id: str
    """The id of the writer's heading (links and the table of contents point to it)."""
    note: str
    """Rendered content of the section other than its list (usually empty)."""
    items: tuple[str, ...]
    """The inner HTML of each item of the section's first list, as rendered."""


@cache
def related_titles() -> frozenset[str]:
    """The title of a related section in every catalogue, casefolded."""
    return frozenset(
        site_strings(lang)["related_title"].casefold() for lang in available_catalogs()
    )


def is_related_heading(text: str, heading_id: str | None = None) -> bool:
    """Whether a level-2 heading opens a related section (`Related articles`, `関連記事`)."""
    return heading_id == RELATED_ID or " ".join(text.split()).casefold() in related_titles()


def take_related_section(page_html: str) -> tuple[str, WrittenRelated | None]:
    """Take the writer's related section out of a rendered page.

    Args:
        page_html: The rendered body of an article.

    Returns:
        The body without the first related section (an `<h2>` titled as a catalogue's
        `related_title` or with the id `related-articles`, up to the next `<h1>`/`<h2>`), and
        that section; or the body unchanged and None.
    """
    for match in _H2.finditer(page_html):
        found = _ID.search(match["attributes"])
        heading_id = html.unescape(found.group(1)) if found else ""
        text = html.unescape(_TAG.sub("", _HEADERLINK.sub("", match["inner"])))
        if not is_related_heading(text, heading_id):
            continue
        end = _SECTION_END.search(page_html, match.end())
        stop = end.start() if end else len(page_html)
        note, items = _split_list(page_html[match.end() : stop])
        section = WrittenRelated(heading_id or RELATED_ID, note.strip(), items)
        return page_html[: match.start()] + page_html[stop:], section
    return page_html, None


def _split_list(section: str) -> tuple[str, tuple[str, ...]]:
    """The section without its first list, and that list's top-level items."""
    items: list[str] = []
    depth = 0
    list_start = item_start = -1
    for tag in _LIST_TAG.finditer(section):
        closing, name = bool(tag[1]), tag[2]
        if name in ("ul", "ol"):
            if not closing:
                if depth == 0:
                    list_start = tag.start()
                depth += 1
            else:
                depth -= 1
                if depth == 0 and list_start >= 0:
                    return section[:list_start] + section[tag.end() :], tuple(items)
        elif depth == 1 and not closing:
            item_start = tag.end()
        elif depth == 1 and closing and item_start >= 0:
            items.append(section[item_start : tag.start()].strip())
            item_start = -1
    return section, ()


def link_target(href: str, page_url: str) -> str:
    """Where a link of a page leads, to compare links: a site path, or the URL itself."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return href
    path = urlsplit(urljoin(_BASE + page_url, href)).path
    clean = normpath(path) + ("/" if path.endswith("/") else "")
    return clean.removesuffix("index.html")


def merge_related(
    written: WrittenRelated | None,
    computed: Iterable[dict[str, Any]],
    page_url: str,
    *,
    limit: int = 5,
) -> list[dict[str, Any]]:
    """One list of related entries: the writer's items first, then kb's, without duplicates.

    Args:
        written: The writer's section, if any.
        computed: kb's related articles (`title`, `description`, `url` relative to the page).
        page_url: The page's URL relative to the site root (`payments/refunds/`).
        limit: kb adds its articles until the list has this many entries.

    Returns:
        Entries with `html` (a writer's item, rendered) or `title`, `description` and `url`.
    """
    here = link_target("", page_url)
    seen: set[str] = {here}
    merged: list[dict[str, Any]] = []
    for item in written.items if written else ():
        found = _HREF.search(item)
        target = link_target(html.unescape(found.group(1)), page_url) if found else None
        if target is not None and urlsplit(target).path == urlsplit(here).path:
            continue  # a link to the page itself
        if target is not None:
            seen.add(target.partition("#")[0])
        merged.append({"html": item})
    for entry in computed:
        if len(merged) >= limit:
            break
        target = link_target(str(entry["url"]), page_url)
        if target in seen:
            continue
        seen.add(target)
        merged.append(entry)
    return merged


def related_headings(headings: Collection[tuple[int, str, str | None]]) -> list[int]:
    """Indexes of the level-2 headings that open a related section, in order."""
    return [
        index
        for index, (level, text, explicit_id) in enumerate(headings)
        if level == 2 and is_related_heading(text, explicit_id)
    ]

"""The home page's popular articles ordered by real views, from the last `kb insights` export.

The writers' list stays the list: the build only reorders it, most viewed first, by the
`popular` views of a `kb insights --format json` export (`insights.popular_from` in the kb
options); articles the export does not know keep the writers' order after the others. A missing,
corrupt or foreign file is one warning and the writers' order.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

PopularViews = dict[tuple[str, str], int]
"""Views per (language, source article path)."""

_LINK_ITEM = re.compile(r"^[-*+] \[[^\]\n]+\]\(<?([^)\s>#]+\.md)(?:#[^)\s>]*)?>?\)\s*$")
"""A list item that is one link to an article, and nothing else."""


@dataclass(frozen=True)
class PopularExport:
    """What a build takes from an export: the views, or why there are none."""

    views: PopularViews = field(default_factory=dict)
    warning: str | None = None


def read_popular(path: Path) -> PopularExport:
    """Read the `popular` views of a `kb insights --format json` export.

    Returns:
        The views, or no views and one warning that says what is wrong with the file.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return PopularExport(warning=f"{path}: no such file (the writers' order is kept)")
    except (OSError, UnicodeDecodeError, ValueError) as error:
        reason = type(error).__name__ if isinstance(error, OSError) else "not JSON"
        return PopularExport(warning=f"{path}: {reason} (the writers' order is kept)")
    rows = data.get("popular") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(rows, list):
        return PopularExport(
            warning=f"{path}: not a kb insights JSON export with popular pages "
            "(the writers' order is kept)"
        )
    views: PopularViews = {}
    for row in rows:
        if not isinstance(row, dict):
            continue
        language, article, count = row.get("language"), row.get("article"), row.get("views")
        if isinstance(language, str) and isinstance(article, str) and type(count) is int:
            views[(language, article)] = views.get((language, article), 0) + count
    return PopularExport(views)


def order_popular(markdown: str, language: str, views: PopularViews, page_dir: str = "") -> str:
    """Reorder the page's first list of article links by views in `language`, most first.

    Args:
        markdown: The home page's Markdown.
        language: The language of the page.
        views: Views per (language, source article path).
        page_dir: The page's folder, relative to the language's docs (links are relative).

    Returns:
        The Markdown with that list's items reordered (stable: ties and unknown articles keep
        the writers' order), or unchanged.
    """
    if not views:
        return markdown
    lines = markdown.split("\n")
    start = next((i for i, line in enumerate(lines) if _LINK_ITEM.match(line)), None)
    if start is None:
        return markdown
    end = start
    while end < len(lines) and _LINK_ITEM.match(lines[end]):
        end += 1

    def count(line: str) -> int:
        match = _LINK_ITEM.match(line)
        target = posixpath.normpath(posixpath.join(page_dir, match.group(1))) if match else ""
        return views.get((language, target), 0)

    items = sorted(lines[start:end], key=lambda line: -count(line))
    return "\n".join([*lines[:start], *items, *lines[end:]])

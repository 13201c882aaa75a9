"""Tables a keyboard can scroll: each one in a focusable, named region of its own."""

from __future__ import annotations

import html
import re

# Python-Markdown writes `<table>` with no attributes; Material styles and wraps only such
# tables (`table:not([class])`), so the table itself stays as it is.
_TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)


def focusable_tables(page_html: str, label: str) -> str:
    """Wrap each table in a `<div tabindex="0" role="region">` that scrolls it sideways.

    A wide table scrolls inside its box on a phone; a box that scrolls must be reachable by
    keyboard (WCAG 2.1.1, axe `scrollable-region-focusable`), and a focusable box needs a role
    and a name, unique on the page (`Table 1`, `表 2`).

    Args:
        page_html: A rendered page body.
        label: The catalogue's word for a table.

    Returns:
        The body with every table wrapped.
    """
    count = 0

    def wrap(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        name = html.escape(f"{label} {count}")
        return (
            f'<div class="kb-table" tabindex="0" role="region" aria-label="{name}">{match[0]}</div>'
        )

    return _TABLE.sub(wrap, page_html)

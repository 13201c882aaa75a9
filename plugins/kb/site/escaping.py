"""Escape by default: kb's templates autoescape, and writers' values reach the theme escaped.

MkDocs renders every template with Jinja's autoescape off, and Material relies on it (it prints
`page.content`, and many values, raw). So kb escapes at two places:

- **kb's own templates** (every file in kb's template folders) are compiled with autoescape on:
  a value is escaped unless it is `Markup` (trusted HTML: the rendered article, the chart);
- **the values kb hands to the theme** are escaped once, as `Markup`, before any page renders:
  every page's title and its front matter strings. The theme prints them as they are; kb's
  templates see `Markup` and do not escape them twice. Jinja's `striptags` unescapes character
  references (`&lt;/title&gt;` becomes `</title>`), so it is replaced by one that escapes again.
"""

from __future__ import annotations

from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import TemplateNotFound
from markupsafe import Markup, escape

if TYPE_CHECKING:
    from collections.abc import Iterable

    from jinja2 import Environment
    from mkdocs.structure.pages import Page


def autoescape_templates(env: Environment, directories: Iterable[str]) -> None:
    """Compile every template found in one of `directories` with autoescape on.

    The decision follows the file the loader really finds, so a project's own `custom_dir`
    template that shadows one of kb's keeps the theme's rules.

    Args:
        env: The build's Jinja environment, before any template is compiled.
        directories: kb's template folders.
    """
    roots = tuple(Path(directory).resolve() for directory in directories)
    decided: dict[str, bool] = {}
    loader = env.loader

    def select(name: str | None) -> bool:
        if name is None or loader is None:
            return False
        if name not in decided:
            try:
                _, filename, _ = loader.get_source(env, name)
            except TemplateNotFound:
                filename = None
            found = Path(filename).resolve() if filename is not None else None
            decided[name] = found is not None and any(found.is_relative_to(r) for r in roots)
        return decided[name]

    env.autoescape = select
    env.filters["striptags"] = striptags


def striptags(value: Any) -> Markup:
    """Jinja's `striptags`, escaped again: its text is safe in HTML, whatever it unescaped."""
    return escape(Markup(str(value)).striptags())


def text(value: Any) -> Markup:
    """A writer's plain text as HTML, escaped once (`Markup` passes as it is)."""
    return escape(value)


def escape_page(page: Page) -> None:
    """Hand the theme a page's title and front matter as escaped text.

    The title MkDocs took from the rendered `<h1>` is already HTML text (tags stripped,
    character references kept), so it is unescaped first; a title from front matter or from
    the file name is plain text. Front matter strings are escaped wherever they are nested:
    the theme prints some keys raw (`title`, `description`, `subtitle`, `revision_date`).

    Args:
        page: A documentation page, after every page has been rendered (`on_env`).
    """
    title = page.title
    if title is not None and not isinstance(title, Markup):
        # MkDocs' private record of the h1 it found; without it, treating the title as plain
        # text is the safe mistake (a reference shows literally, it is never live).
        rendered = getattr(page, "_title_from_render", None)
        if "title" not in page.meta and rendered is not None and title == rendered:
            title = unescape(title)
        page.title = escape(str(title))
    page.meta = _escaped(page.meta)


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    return value

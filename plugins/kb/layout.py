"""static-i18n's two docs layouts: a docs path ⇄ its language and language-relative path."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Collection
    from pathlib import Path

Layout = Literal["folder", "suffix"]
"""`folder` (`ja/payments/refunds.md`) or `suffix` (`payments/refunds.ja.md`)."""

LOCALE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
"""A language code as static-i18n's `locale` accepts it: `en`, `ja`, `pt-BR`, `zh_Hant`."""


def split_language(
    path: str, *, layout: str, languages: Collection[str], default: str
) -> tuple[str, str] | None:
    """The language and language-relative path of a docs-relative POSIX path.

    Args:
        path: e.g. `ja/payments/refunds.md` (folder) or `payments/refunds.ja.md` (suffix).
        layout: `folder` or `suffix`.
        languages: The built languages.
        default: The source language, which owns unsuffixed files in the suffix layout.

    Returns:
        e.g. `("ja", "payments/refunds.md")`; None when the path belongs to no built language:
        outside the language folders, or suffixed with a language that is not built.
    """
    if layout == "folder":
        head, _, rest = path.partition("/")
        return (head, rest) if rest and head in languages else None
    directory, _, name = path.rpartition("/")
    stem, dot, extension = name.rpartition(".")
    base, dot2, suffix = stem.rpartition(".")
    if dot and dot2 and suffix in languages:
        rel_name = f"{base}.{extension}"
        return suffix, f"{directory}/{rel_name}" if directory else rel_name
    if dot and dot2 and LOCALE.match(suffix):
        return None
    return default, path


def language_path(rel: str, language: str, *, layout: str) -> str:
    """The docs-relative path of the language-relative path `rel` in `language`.

    In the suffix layout the source language may also use the unsuffixed name, which callers
    that know the files on disk prefer when it exists.
    """
    if layout == "folder":
        return f"{language}/{rel}"
    stem, _, extension = rel.rpartition(".")
    return f"{stem}.{language}.{extension}"


def guess_layout(docs_dir: Path, source_language: str) -> Layout:
    """The layout of a docs directory nothing configures: `folder` if the source has a folder."""
    return "folder" if (docs_dir / source_language).is_dir() else "suffix"

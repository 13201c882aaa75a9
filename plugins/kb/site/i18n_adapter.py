"""The one place that reads mkdocs-static-i18n's dynamic attributes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kb.layout import split_language


@dataclass(frozen=True)
class I18nView:
    """What kb needs to know about static-i18n's state at one moment of the build."""

    current_language: str
    """Language being built now."""
    default_language: str
    """Source language, published at the site root."""
    languages: tuple[str, ...]
    """Every built language, source first."""
    layout: str
    """`folder` or `suffix`."""
    nested_build: bool
    """True while static-i18n re-runs the build for a further language."""
    names: dict[str, str]
    """Each language's name as the switcher shows it (`English`, `日本語`)."""


def i18n_view(plugins: Any) -> I18nView | None:
    """Read static-i18n's state from MkDocs' plugin collection, or None when it is absent."""
    i18n = plugins.get("i18n") if hasattr(plugins, "get") else None
    if i18n is None:
        return None
    default = i18n.default_language
    languages = [lang.locale for lang in i18n.config.languages if lang.build]
    languages.sort(key=lambda lang: lang != default)
    return I18nView(
        current_language=i18n.current_language or default,
        default_language=default,
        languages=tuple(languages),
        layout=i18n.config.docs_structure,
        nested_build=bool(i18n.building),
        names={lang.locale: lang.name for lang in i18n.config.languages},
    )


def file_language(file: Any, default_language: str) -> str:
    """Language of a page's *source file* (differs from the build language on fallback pages)."""
    return str(getattr(file, "locale", None) or default_language)


def language_relative_path(src_uri: str, view: I18nView) -> tuple[str, str]:
    """Split a source URI into (language, language-relative path).

    Args:
        src_uri: `File.src_uri`, e.g. `ja/payments/refunds.md` or `payments/refunds.ja.md`.
        view: The i18n state.

    Returns:
        The language and the path shared by all languages, e.g. `("ja", "payments/refunds.md")`.
    """
    split = split_language(
        src_uri, layout=view.layout, languages=view.languages, default=view.default_language
    )
    return split or (view.default_language, src_uri)

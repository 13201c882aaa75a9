"""Where an article of a language is published, and the SEO links between its languages."""

from __future__ import annotations

from dataclasses import dataclass
from posixpath import splitext
from urllib.parse import quote


def page_path(
    rel: str, language: str, default_language: str, *, directory_urls: bool = True
) -> str:
    """Site-relative URL path of the article `rel` in `language`.

    Args:
        rel: Language-relative source path, e.g. `payments/refunds.md`.
        language: Language of the page.
        default_language: The language published at the site root.
        directory_urls: MkDocs' `use_directory_urls`.

    Returns:
        A path without a leading slash, e.g. `ja/payments/refunds/`; empty for the root home.
        Percent-encoded as MkDocs encodes page URLs (`返金.md` gives `%E8%BF%94%E9%87%91/`), so
        no character of a file name can end an HTML attribute or start a URL scheme.
    """
    stem, _ = splitext(rel)
    prefix = "" if language == default_language else f"{language}/"
    if stem == "index" or stem.endswith("/index"):
        path = stem[: -len("index")]
    elif directory_urls:
        path = f"{stem}/"
    else:
        path = f"{stem}.html"
    return quote(f"{prefix}{path}")


def absolute_url(site_url: str, path: str) -> str:
    """Join the configured `site_url` and a site-relative path."""
    return f"{site_url.rstrip('/')}/{path}"


@dataclass(frozen=True)
class Alternate:
    """One `<link rel="alternate" hreflang>` of a page."""

    hreflang: str
    """A language code, or `x-default`."""
    href: str
    """Absolute URL."""


def alternates(
    rel: str,
    languages_with_article: list[str],
    *,
    site_url: str,
    default_language: str,
    directory_urls: bool = True,
) -> list[Alternate]:
    """The hreflang alternates of an article: one per language that really has it, and x-default.

    A language served by fallback is left out, so search engines never index English text as
    Japanese. `x-default` points at the source language when it has the article.

    Args:
        rel: Language-relative source path.
        languages_with_article: Languages with their own file for `rel`, in site order.
        site_url: The configured `site_url`.
        default_language: The source language.
        directory_urls: MkDocs' `use_directory_urls`.

    Returns:
        The alternates, in language order, then `x-default`; empty without `site_url`.
    """
    if not site_url or not languages_with_article:
        return []
    links = [
        Alternate(
            lang,
            absolute_url(
                site_url, page_path(rel, lang, default_language, directory_urls=directory_urls)
            ),
        )
        for lang in languages_with_article
    ]
    default = default_language if default_language in languages_with_article else None
    fallback_href = (
        links[0].href
        if default is None
        else next(link.href for link in links if link.hreflang == default)
    )
    links.append(Alternate("x-default", fallback_href))
    return links

"""The page manifest the build writes into the site (`kb-pages.json`) for the collector and the
report: every page's URL path, language, source article, products and translation state."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

MANIFEST_NAME = "kb-pages.json"
MANIFEST_VERSION = 1
MAX_PATH = 512
STATES = ("source", "current", "stale", "untracked", "missing", "generated")
"""`source`: a page in the source language; `current`, `stale`, `untracked`: a translation
as `kb status` sees it; `missing`: a fallback page showing the source article; `generated`:
a page kb makes (product listings, status)."""


class ManifestError(Exception):
    """The manifest is missing or not the shape this kb writes."""


@dataclass(frozen=True)
class PageEntry:
    """One page of the built site."""

    path: str
    """URL path from the domain root, percent-encoded, e.g. `/ja/payouts/payout-schedule/`."""
    language: str
    """The page's language (a fallback page's too, not the language of its text)."""
    article: str
    """The language-relative source path, e.g. `payouts/payout-schedule.md`."""
    products: tuple[str, ...]
    """Product ids of the article."""
    state: str
    """One of `STATES`."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape."""
        return {
            "path": self.path,
            "language": self.language,
            "article": self.article,
            "products": list(self.products),
            "state": self.state,
        }


def canonical_path(value: str) -> str | None:
    """A URL path as the manifest keys it: no query or fragment, one percent-encoding,
    `index.html` as its folder; None when `value` is not a path from the domain root."""
    if not value.startswith("/") or value.startswith("//") or len(value) > MAX_PATH:
        return None
    path = urlsplit(value).path
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return quote(unquote(path), safe="/!$&'()*+,;=:@-._~")


@dataclass
class PageManifest:
    """The pages of one build, by canonical path."""

    pages: dict[str, PageEntry] = field(default_factory=dict)
    source_language: str = "en"
    contact: str | None = "contact.md"
    """The language-relative path of the contact page (for the contact rate)."""

    @property
    def products(self) -> frozenset[str]:
        """Every product id some page names."""
        return frozenset(p for entry in self.pages.values() for p in entry.products)

    def page(self, value: str) -> PageEntry | None:
        """The entry of a URL path (query string and fragment ignored), or None."""
        path = canonical_path(value)
        return self.pages.get(path) if path is not None else None

    def to_dict(self) -> dict[str, Any]:
        """The JSON document."""
        return {
            "version": MANIFEST_VERSION,
            "source_language": self.source_language,
            "contact": self.contact,
            "pages": [self.pages[path].to_dict() for path in sorted(self.pages)],
        }


def build_manifest(
    entries: Iterable[PageEntry], *, source_language: str, contact: str | None
) -> PageManifest:
    """A manifest of `entries` (the last entry of a path wins)."""
    pages: dict[str, PageEntry] = {}
    for entry in entries:
        path = canonical_path(entry.path)
        if path is not None:
            pages[path] = PageEntry(
                path, entry.language, entry.article, entry.products, entry.state
            )
    return PageManifest(pages, source_language, contact)


def write_manifest(manifest: PageManifest, site_dir: Path) -> Path:
    """Write `kb-pages.json` into `site_dir` and return its path."""
    target = site_dir / MANIFEST_NAME
    text = json.dumps(manifest.to_dict(), ensure_ascii=False, indent=1)
    target.write_text(text + "\n", encoding="utf-8")
    return target


def load_manifest(site_dir: Path) -> PageManifest:
    """Read the manifest of a built site.

    Raises:
        ManifestError: No manifest, or one this kb cannot read.
    """
    source = site_dir / MANIFEST_NAME
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"{source} not found: build the site with kb first") from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ManifestError(f"{source}: cannot read it: {error}") from None
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        raise ManifestError(f"{source}: not a version {MANIFEST_VERSION} page manifest")
    pages = data.get("pages")
    if not isinstance(pages, list):
        raise ManifestError(f"{source}: `pages` must be a list")
    entries = []
    for item in pages:
        try:
            products = item.get("products") or []
            entries.append(
                PageEntry(
                    str(item["path"]),
                    str(item["language"]),
                    str(item["article"]),
                    tuple(str(p) for p in products),
                    str(item["state"]),
                )
            )
        except (KeyError, TypeError, AttributeError):
            raise ManifestError(f"{source}: a page entry lacks path, language or article") from None
    contact = data.get("contact")
    return build_manifest(
        entries,
        source_language=str(data.get("source_language") or "en"),
        contact=contact if isinstance(contact, str) else None,
    )

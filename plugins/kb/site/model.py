"""What the site shows around articles: product listings, related articles, breadcrumbs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable, Mapping


class ArticleLike(Protocol):
    """The parts of an article the site model reads."""

    @property
    def language(self) -> str: ...

    @property
    def rel(self) -> str: ...

    @property
    def front_matter(self) -> Mapping[str, Any]: ...

    @property
    def kind(self) -> Literal["article", "page"]: ...

    @property
    def products(self) -> list[str] | None: ...

    @property
    def last_reviewed(self) -> dt.date | None: ...


class ProductLike(Protocol):
    """The parts of a taxonomy product the site model reads."""

    @property
    def id(self) -> str: ...

    @property
    def icon(self) -> str: ...

    @property
    def name(self) -> Mapping[str, str]: ...

    @property
    def description(self) -> Mapping[str, str]: ...


@dataclass(frozen=True)
class ArticleEntry:
    """An article as a listing shows it, in one language (its own text, or the fallback's)."""

    rel: str
    """Language-relative source path."""
    title: str
    """Title in the shown language."""
    description: str
    """One-sentence description in the shown language."""
    products: tuple[str, ...]
    """Product ids, the first being the article's home."""
    last_reviewed: dt.date | None
    """When the article was last checked against the product."""
    fallback: bool
    """True when the language has no translation and the source article is shown."""


@dataclass(frozen=True)
class ProductListing:
    """A product page in one language."""

    id: str
    icon: str
    name: str
    description: str
    articles: list[ArticleEntry] = field(default_factory=list)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _title(article: ArticleLike) -> str:
    title = _text(article.front_matter.get("title"))
    return title or article.rel.rsplit("/", 1)[-1].removesuffix(".md").replace("-", " ")


def _home_first(product: str) -> Callable[[ArticleEntry], tuple[bool, str]]:
    """Sort key: articles whose first product is `product` first, then by path."""

    def key(entry: ArticleEntry) -> tuple[bool, str]:
        return (entry.products[0] != product, entry.rel)

    return key


class SiteModel:
    """Every language's articles, indexed for listings, related articles and breadcrumbs."""

    def __init__(
        self,
        articles: Iterable[ArticleLike],
        products: Iterable[ProductLike],
        languages: Iterable[str],
        source_language: str,
    ) -> None:
        self.languages = tuple(languages)
        self.source_language = source_language
        self.products = list(products)
        self._by_key: dict[tuple[str, str], ArticleLike] = {}
        for article in articles:
            if article.kind == "page":
                continue
            self._by_key[(article.language, article.rel)] = article
        self._rels = sorted({rel for _, rel in self._by_key})
        self._entries: dict[str, list[ArticleEntry]] = {}
        self._tagged: dict[str, dict[str, list[ArticleEntry]]] = {}

    def entry(self, language: str, rel: str) -> ArticleEntry | None:
        """The article `rel` as shown in `language` (its translation, else the source article)."""
        article = self._by_key.get((language, rel))
        fallback = article is None
        if article is None:
            article = self._by_key.get((self.source_language, rel))
        if article is None:
            return None
        matter = article.front_matter
        return ArticleEntry(
            rel=rel,
            title=_title(article),
            description=_text(matter.get("description")),
            products=tuple(article.products or ()),
            last_reviewed=article.last_reviewed,
            fallback=fallback and language != self.source_language,
        )

    def entries(self, language: str) -> list[ArticleEntry]:
        """Every article published in `language`, translated or by fallback (computed once)."""
        if language not in self._entries:
            found = (self.entry(language, rel) for rel in self._rels)
            self._entries[language] = [entry for entry in found if entry is not None]
        return self._entries[language]

    def tagged(self, language: str, product_id: str) -> list[ArticleEntry]:
        """Articles tagged with a product in `language`; the product's own articles first."""
        if language not in self._tagged:
            by_product: dict[str, list[ArticleEntry]] = {}
            for entry in self.entries(language):
                for product in dict.fromkeys(entry.products):
                    by_product.setdefault(product, []).append(entry)
            for product, tagged in by_product.items():
                tagged.sort(key=_home_first(product))
            self._tagged[language] = by_product
        return self._tagged[language].get(product_id, [])

    def listings(self, language: str) -> list[ProductListing]:
        """One listing per product, in taxonomy order; articles whose home it is come first."""
        listings = []
        for product in self.products:
            tagged = self.tagged(language, product.id)
            listings.append(
                ProductListing(
                    id=product.id,
                    icon=product.icon,
                    name=product.name.get(language) or product.name.get(self.source_language, ""),
                    description=product.description.get(language)
                    or product.description.get(self.source_language, ""),
                    articles=tagged,
                )
            )
        return listings

    def related(self, language: str, rel: str, limit: int = 5) -> list[ArticleEntry]:
        """Articles sharing a product with `rel`: most shared products first, never itself."""
        current = self.entry(language, rel)
        if current is None or not current.products:
            return []
        mine = set(current.products)
        candidates = {
            entry.rel: entry for product in mine for entry in self.tagged(language, product)
        }
        scored = []
        for entry in candidates.values():
            if entry.rel == rel:
                continue
            shared = len(mine & set(entry.products))
            same_home = entry.products[0] == current.products[0]
            scored.append((-shared, not same_home, entry.rel, entry))
        scored.sort(key=lambda item: item[:3])
        return [item[3] for item in scored[:limit]]

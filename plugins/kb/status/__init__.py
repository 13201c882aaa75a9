"""`kb status`: translation coverage per product and language, stale translations, old reviews.

`translation_status` is a pure function of a project and a check result: the CLI renders it,
and the build can publish it as a page from the result it already has.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kb.check import TranslationStatus, run_check
from kb.history import ChangeBasis, source_changes

if TYPE_CHECKING:
    from kb.articles import Article
    from kb.check import CheckResult
    from kb.project import Project

STATUS_VERSION = 1
"""Version of the JSON document's shape."""
NO_PRODUCT = ""
"""The product key of articles that name no product (pages such as home and contact)."""


@dataclass(frozen=True)
class Coverage:
    """How far one language's translations of one product's articles are."""

    product: str
    """Product id; `NO_PRODUCT` for articles without products; `*` for all articles."""
    language: str
    """Translation language."""
    articles: int
    """Source-language articles."""
    translated: int
    """Translations that are up to date (their `source_digest` matches)."""
    stale: int
    """Translations of an older version of the source article."""
    untracked: int
    """Translations that record no `source_digest`."""
    missing: int
    """Source articles without a translation."""
    draft: int = 0
    """Translations still in draft (`draft: true`): the site serves the source article."""

    @property
    def percent(self) -> float:
        """Up-to-date translations per 100 articles (100 when there are no articles)."""
        return 100.0 * self.translated / self.articles if self.articles else 100.0

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape."""
        return {
            "product": self.product,
            "language": self.language,
            "articles": self.articles,
            "translated": self.translated,
            "stale": self.stale,
            "untracked": self.untracked,
            "missing": self.missing,
            "draft": self.draft,
            "coverage": round(self.percent, 1),
        }


@dataclass(frozen=True)
class StaleTranslation:
    """A translation whose source article changed since it was translated."""

    path: str
    """The translation, as findings report it."""
    source_path: str
    """Its source article."""
    language: str
    """The translation's language."""
    since: dt.date | None
    """The day the source article changed away from the translated version (None: unknown)."""
    basis: ChangeBasis
    """Where `since` comes from: `git`, `working-tree`, `mtime` or `unknown`."""
    days: int | None
    """Days from `since` to the report's day."""
    commit: str | None = None
    """The commit that changed the source article (`git` only)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape."""
        return {
            "path": self.path,
            "source_path": self.source_path,
            "language": self.language,
            "since": self.since.isoformat() if self.since else None,
            "basis": self.basis,
            "days": self.days,
            "commit": self.commit,
        }


@dataclass(frozen=True)
class OverdueReview:
    """A source article last reviewed longer ago than the review age."""

    path: str
    """The article, as findings report it."""
    last_reviewed: dt.date
    """Its `last_reviewed`."""
    days: int
    """Days since then."""
    products: tuple[str, ...]
    """Its products."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape."""
        return {
            "path": self.path,
            "last_reviewed": self.last_reviewed.isoformat(),
            "days": self.days,
            "products": list(self.products),
        }


@dataclass(frozen=True)
class StatusReport:
    """Where translation stands: what `kb status` prints and the status page shows."""

    today: dt.date
    """The day the report is about."""
    source_language: str
    """The language articles are written in first."""
    languages: tuple[str, ...]
    """The translation languages."""
    coverage: tuple[Coverage, ...]
    """Per product (taxonomy order, then unknown ids, then `NO_PRODUCT`) and language. An
    article with several products counts in each."""
    totals: tuple[Coverage, ...]
    """Per language, every article once (`product` is `*`)."""
    stale: tuple[StaleTranslation, ...]
    """Stale translations, stale the longest first (unknown days last)."""
    review_age_days: int
    """The review age `overdue` is measured against."""
    overdue: tuple[OverdueReview, ...]
    """Source articles reviewed longer ago than `review_age_days`, the oldest review first."""
    orphans: tuple[str, ...] = ()
    """Translations without a source article."""
    product_names: dict[str, dict[str, str]] | None = None
    """Product names per id and language, from the taxonomy (for display)."""

    def product_name(self, product: str, language: str) -> str:
        """A product's display name in `language` (its id when unknown)."""
        names = (self.product_names or {}).get(product, {})
        return names.get(language) or names.get(self.source_language) or product

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of `kb status --format json`."""
        return {
            "version": STATUS_VERSION,
            "today": self.today.isoformat(),
            "source_language": self.source_language,
            "languages": list(self.languages),
            "coverage": [row.to_dict() for row in self.coverage],
            "totals": [row.to_dict() for row in self.totals],
            "stale": [item.to_dict() for item in self.stale],
            "review_age_days": self.review_age_days,
            "overdue": [item.to_dict() for item in self.overdue],
            "orphans": list(self.orphans),
        }


def translation_status(
    project: Project,
    result: CheckResult | None = None,
    *,
    today: dt.date | None = None,
    review_age_days: int | None = None,
    history: bool = True,
) -> StatusReport:
    """Translation coverage, stale translations and overdue reviews of a project.

    Args:
        project: The project.
        result: A check of the whole project (the build's); without one, a check that runs only
            what the statuses need is made.
        today: The day to measure ages against (default: today).
        review_age_days: The review age (default: the project's `status.review_age_days`).
        history: Date stale translations from git history (one `git log`, one
            `git cat-file`); False uses file modification times.

    Returns:
        The report.
    """
    if result is None:
        result = run_check(project, select=["stale-translation"])
    today = today or dt.date.today()
    age = project.review_age_days if review_age_days is None else review_age_days
    source = project.source_language
    corpus = result.corpus
    taxonomy = result.taxonomy
    counts: dict[tuple[str, str], dict[TranslationStatus, int]] = {}
    totals: dict[str, dict[TranslationStatus, int]] = {}
    overdue: list[OverdueReview] = []
    stale_pairs: list[tuple[Article, Article]] = []
    orphans: list[str] = []
    for rel in corpus.index.rels(source):
        article = corpus.article(source, rel)
        if article is None or article.draft:
            continue  # a source draft is not published: nothing to translate yet
        products = tuple(article.products or ()) or (NO_PRODUCT,)
        for language in project.translation_languages:
            status = result.status(language, rel)
            if status is None or status is TranslationStatus.ORPHAN:
                continue
            for product in dict.fromkeys(products):
                row = counts.setdefault((product, language), {})
                row[status] = row.get(status, 0) + 1
            total = totals.setdefault(language, {})
            total[status] = total.get(status, 0) + 1
            translation = corpus.article(language, rel)
            if status is TranslationStatus.STALE and translation is not None:
                stale_pairs.append((article, translation))
        review = _overdue(article, today, age)
        if review is not None:
            overdue.append(review)
    for language in project.translation_languages:
        orphans.extend(
            corpus.index.display_path(corpus.index.articles[(language, rel)])
            for rel in corpus.index.rels(language)
            if result.status(language, rel) is TranslationStatus.ORPHAN
        )
    order = {product: index for index, product in enumerate(taxonomy.ids if taxonomy else [])}
    keys = sorted(
        counts,
        key=lambda key: (
            key[0] == NO_PRODUCT,
            order.get(key[0], len(order)),
            key[0],
            project.languages.index(key[1]),
        ),
    )
    return StatusReport(
        today=today,
        source_language=source,
        languages=project.translation_languages,
        coverage=tuple(
            _coverage(product, language, counts[(product, language)]) for product, language in keys
        ),
        totals=tuple(
            _coverage("*", language, totals.get(language, {}))
            for language in project.translation_languages
        ),
        stale=_stale(project, stale_pairs, today, history),
        review_age_days=age,
        overdue=tuple(sorted(overdue, key=lambda review: (review.last_reviewed, review.path))),
        orphans=tuple(sorted(orphans)),
        product_names={product.id: dict(product.name) for product in taxonomy.products}
        if taxonomy
        else None,
    )


def _coverage(product: str, language: str, counts: dict[TranslationStatus, int]) -> Coverage:
    current = counts.get(TranslationStatus.CURRENT, 0)
    stale = counts.get(TranslationStatus.STALE, 0)
    untracked = counts.get(TranslationStatus.UNTRACKED, 0)
    missing = counts.get(TranslationStatus.MISSING, 0)
    draft = counts.get(TranslationStatus.DRAFT, 0)
    return Coverage(
        product,
        language,
        current + stale + untracked + missing + draft,
        current,
        stale,
        untracked,
        missing,
        draft,
    )


def _overdue(article: Article, today: dt.date, age: int) -> OverdueReview | None:
    if article.kind == "page":
        return None
    value = article.last_reviewed
    if value is None:
        return None
    days = (today - value).days
    if days <= age:
        return None
    return OverdueReview(article.path, value, days, tuple(article.products or ()))


def _stale(
    project: Project, pairs: list[tuple[Article, Article]], today: dt.date, history: bool
) -> tuple[StaleTranslation, ...]:
    docs = project.docs_dir
    recorded = {
        source.file.relative_to(docs).as_posix(): translation.source_digest or ""
        for source, translation in pairs
    }
    changes = source_changes(project, recorded, git=history)
    items: list[StaleTranslation] = []
    for source, translation in pairs:
        change = changes[source.file.relative_to(docs).as_posix()]
        days = (today - change.since).days if change.since else None
        items.append(
            StaleTranslation(
                translation.path,
                source.path,
                translation.language,
                change.since,
                change.basis,
                days,
                change.commit,
            )
        )
    # Stale the longest first; unknown days last.
    items.sort(key=lambda item: (item.since is None, item.since or today, item.path))
    return tuple(items)

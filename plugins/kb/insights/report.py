"""`kb insights`: the help-center team's action plan, from the collector's store.

Counts come from the rollups (small whatever the traffic): a window's whole ISO weeks from the
weekly table, the days at its edges from the daily one (the same sums as reading every day, from
six times fewer rows over 90 days); only recent comments are read from the raw events. The
report is plain data (`to_dict`, JSON version 1); `report_formats` renders it as text,
Markdown, JSON or one HTML page.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kb.insights.store import DAY, DIMENSIONS, WEEKLY_PAGE, WEEKLY_SCHEMA, week_of

if TYPE_CHECKING:
    from kb.insights.store import EventStore
    from kb.project import Project

REPORT_VERSION = 1
Z = 1.96
"""The Wilson interval's z for 95 % confidence."""
COMMENTS_PER_ARTICLE = 3
MISSING_WEIGHT = 2.0
"""Demand weight of a page with no translation at all (its readers get the English text)."""


@dataclass(frozen=True)
class InsightsOptions:
    """What `kb insights` reports on."""

    since_days: int = 30
    language: str | None = None
    product: str | None = None
    min_votes: int = 5
    """Articles with fewer votes are not ranked (their score says too little)."""
    min_searches: int = 3
    """Queries searched fewer times are not ranked by click-through."""
    limit: int = 20
    """Rows per section."""
    now: int | None = None
    """Seconds since the epoch the report is made at (default: now)."""
    weekly: bool = True
    """Whether whole weeks are read from the weekly rollups (False: every day from the daily
    ones, the reference the weekly path must equal)."""


@dataclass(frozen=True)
class TwinState:
    """`kb status`' view of one translation."""

    state: str
    """`current`, `stale`, `untracked` or `missing`."""
    stale_days: int | None = None


_DIMENSIONS = ", ".join(DIMENSIONS)
"""The rollup's key without its day: what the report sums over a window."""
_WINDOW_DIMENSIONS = ", ".join(f"{WEEKLY_PAGE} AS page" if d == "page" else d for d in DIMENSIONS)
"""The same with the page kept as the weekly rollups keep it (only for views and votes)."""


def window_weeks(first: int, last: int) -> tuple[int, int] | None:
    """The first days (Mondays) of the first and last whole ISO weeks within the days
    `first`..`last`, or None when the window holds no whole week."""
    start = week_of(first + 6)
    end = week_of(last + 1) - 7
    return (start, end) if start <= end else None


def summed_rollups(
    store: EventStore, first: int, last: int, *, weekly: bool = True
) -> list[tuple[Any, ...]]:
    """The rollups of the days `first`..`last` summed by every dimension but the day, with a
    page only for views and votes (as the weekly rollups keep it).

    Args:
        store: The collector's store.
        first: The window's first day.
        last: The window's last day.
        weekly: Whether whole weeks are read from the weekly rollups (else every day is read
            from the daily ones: the same sums, from up to seven times as many rows).

    Returns:
        Rows of `DIMENSIONS` and their count, in no particular order.
    """
    weeks = window_weeks(first, last) if weekly else None
    if weeks is None:
        return store.rows(
            f"SELECT {_DIMENSIONS}, SUM(n) FROM ("
            f"SELECT {_WINDOW_DIMENSIONS}, n FROM daily WHERE day >= ? AND day <= ?"
            f") AS window_rows GROUP BY {_DIMENSIONS}",
            (first, last),
        )
    start, end = weeks
    # The whole weeks from the weekly rollups, the days before and after them from the daily.
    return store.rows(
        f"SELECT {_DIMENSIONS}, SUM(n) FROM ("
        f"SELECT {_DIMENSIONS}, n FROM weekly WHERE week >= ? AND week <= ? "
        f"UNION ALL SELECT {_WINDOW_DIMENSIONS}, n FROM daily WHERE day >= ? AND day < ? "
        f"UNION ALL SELECT {_WINDOW_DIMENSIONS}, n FROM daily WHERE day > ? AND day <= ?"
        f") AS window_rows GROUP BY {_DIMENSIONS}",
        (start, end, first, start, end + 6, last),
    )


def wilson_lower_bound(positive: int, total: int, z: float = Z) -> float:
    """The lower bound of the Wilson score interval of `positive` out of `total` (0 when none)."""
    if total <= 0:
        return 0.0
    p = positive / total
    z2 = z * z
    centre = p + z2 / (2 * total)
    spread = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total))
    return (centre - spread) / (1 + z2 / total)


def twin_states(project: Project) -> dict[tuple[str, str], TwinState]:
    """Each translation's state and days stale, from kb's status core.

    Returns:
        `(language, language-relative path)` → state, for every source article and language.
    """
    from kb.check import run_check
    from kb.status import translation_status

    result = run_check(project, select=["stale-translation"])
    status = translation_status(project, result)
    days = {item.path: item.days for item in status.stale}
    states: dict[tuple[str, str], TwinState] = {}
    corpus = result.corpus
    for rel in corpus.index.rels(project.source_language):
        for language in project.translation_languages:
            found = result.status(language, rel)
            if found is None:
                continue
            translation = corpus.article(language, rel)
            stale_days = days.get(translation.path) if translation is not None else None
            states[(language, rel)] = TwinState(found.value, stale_days)
    return states


@dataclass(frozen=True)
class _Page:
    path: str
    language: str
    article: str
    products: tuple[str, ...]
    state: str


def _percent_change(now: float, before: float) -> float | None:
    return None if before == 0 else round(100.0 * (now - before) / before, 1)


def _rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


def build_report(
    store: EventStore,
    options: InsightsOptions | None = None,
    twins: dict[tuple[str, str], TwinState] | None = None,
) -> dict[str, Any]:
    """Rank what needs the team's attention, per language.

    Args:
        store: The collector's store.
        options: Window, filters and thresholds.
        twins: `twin_states` of the project, to join translation priorities with `kb status`
            (without it, the manifest's state of the build is used and days are unknown).

    Returns:
        The JSON document of `kb insights --format json`.
    """
    options = options or InsightsOptions()
    now = int(time.time()) if options.now is None else options.now
    today = now // DAY
    first = today - options.since_days + 1
    store.prepare_report()
    source = store.setting("source_language") or "en"
    contact = store.setting("contact") or ""
    pages = {
        row[0]: _Page(row[0], row[1], row[2], tuple(p for p in row[3].split(",") if p), row[4])
        for row in store.rows("SELECT path, language, article, products, state FROM pages")
    }

    def wanted(page: str) -> bool:
        entry = pages.get(page)
        if entry is None:
            return False
        if options.language and entry.language != options.language:
            return False
        return not (options.product and options.product not in entry.products)

    # A database of schema 1 (not yet migrated by a collector of this kb) has no weekly rows.
    weekly = options.weekly and store.schema_version() >= WEEKLY_SCHEMA
    rows = summed_rollups(store, first, today, weekly=weekly)
    views: Counter[str] = Counter()
    votes: Counter[str] = Counter()
    helpful: Counter[str] = Counter()
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    contacts: Counter[str] = Counter()
    zero: Counter[tuple[str, str, str]] = Counter()
    searched: Counter[tuple[str, str, str]] = Counter()
    clicks: Counter[tuple[str, str]] = Counter()
    for kind, page, language, referrer, vote, reason, key, product, no_result, n in rows:
        n = int(n)
        if kind == "view":
            views[page] += n
            entry = pages.get(page)
            if referrer and entry is not None and entry.article == contact:
                contacts[referrer] += n
        elif kind == "vote":
            votes[page] += n
            if vote == 1:
                helpful[page] += n
            elif reason:
                reasons[page][reason] += n
        elif kind == "search":
            if options.language and language != options.language:
                continue
            if options.product and product != options.product:
                continue
            if no_result:
                zero[(language, key, product)] += n
            else:
                searched[(language, key, product)] += n
        elif kind == "click" and not (options.language and language != options.language):
            clicks[(language, key)] += n

    comments: dict[str, list[str]] = defaultdict(list)
    for page, comment in store.rows(
        "SELECT page, comment FROM events WHERE comment IS NOT NULL AND ts >= ? "
        "ORDER BY ts DESC LIMIT 5000",
        (first * DAY,),
    ):
        if len(comments[page]) < COMMENTS_PER_ARTICLE:
            comments[page].append(comment)

    to_fix: list[dict[str, Any]] = []
    for page, count in votes.items():
        if count < options.min_votes or not wanted(page):
            continue
        entry = pages[page]
        to_fix.append(
            {
                "page": page,
                "language": entry.language,
                "article": entry.article,
                "views": views[page],
                "votes": count,
                "helpful": helpful[page],
                "score": round(wilson_lower_bound(helpful[page], count), 4),
                "reasons": dict(sorted(reasons[page].items(), key=lambda kv: (-kv[1], kv[0]))),
                "comments": comments.get(page, []),
            }
        )
    to_fix.sort(key=lambda row: (row["score"], -row["votes"], row["page"]))

    zero_rows: list[dict[str, Any]] = [
        {"language": language, "query": key, "searches": n, "product": product or None}
        for (language, key, product), n in zero.items()
    ]
    zero_rows.sort(key=lambda r: (-r["searches"], r["language"], r["query"], r["product"] or ""))

    by_query: Counter[tuple[str, str]] = Counter()
    products_of: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for (language, key, product), n in searched.items():
        by_query[(language, key)] += n
        products_of[(language, key)][product] += n
    low_ctr: list[dict[str, Any]] = []
    for (language, key), n in by_query.items():
        if n < options.min_searches:
            continue
        clicked = min(clicks[(language, key)], n)
        # The most used product filter (the first by name on a tie, whatever the rows' order).
        product = min(products_of[(language, key)].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        low_ctr.append(
            {
                "language": language,
                "query": key,
                "searches": n,
                "clicks": clicked,
                "ctr": round(clicked / n, 4),
                "product": product or None,
            }
        )
    low_ctr.sort(key=lambda r: (r["ctr"], -r["searches"], r["language"], r["query"]))

    priorities: list[dict[str, Any]] = []
    for page, entry in pages.items():
        if entry.language == source or not wanted(page) or views[page] == 0:
            continue
        twin = (twins or {}).get((entry.language, entry.article))
        state = twin.state if twin is not None else entry.state
        if state not in ("missing", "stale"):
            continue
        days = twin.stale_days if twin is not None else None
        weight = MISSING_WEIGHT if state == "missing" else 1 + (days or 0) / 30
        priorities.append(
            {
                "article": entry.article,
                "language": entry.language,
                "ja_page": page,
                "ja_views": views[page],
                "state": state,
                "stale_days": days,
                "priority": round(views[page] * weight, 1),
            }
        )
    priorities.sort(key=lambda r: (-r["priority"], r["article"], r["language"]))

    contact_rows: list[dict[str, Any]] = []
    for page, count in contacts.items():
        entry = pages.get(page)
        if entry is None or entry.article == contact or not wanted(page) or views[page] == 0:
            continue
        contact_rows.append(
            {
                "page": page,
                "language": entry.language,
                "article": entry.article,
                "views": views[page],
                "contacts": count,
                "rate": round(count / views[page], 4),
            }
        )
    contact_rows.sort(key=lambda r: (-r["rate"], -r["contacts"], r["page"]))

    # Every article page with views, for the build's home page (`kb.insights.popular`).
    popular: list[dict[str, Any]] = [
        {"page": page, "language": pages[page].language, "article": pages[page].article, "views": n}
        for page, n in sorted(views.items(), key=lambda kv: (-kv[1], kv[0]))
        if n > 0 and wanted(page) and pages[page].article != contact
    ]

    limit = options.limit
    return {
        "version": REPORT_VERSION,
        "generated": dt.datetime.fromtimestamp(now, dt.UTC).date().isoformat(),
        "since_days": options.since_days,
        "language": options.language,
        "product": options.product,
        "min_votes": options.min_votes,
        "articles_to_fix": to_fix[:limit],
        "zero_result_queries": zero_rows[:limit],
        "low_ctr_queries": low_ctr[:limit],
        "translation_priorities": priorities[:limit],
        "contact_rate": contact_rows[:limit],
        "trends": _trends(store, pages, today, options),
        "popular": popular,
    }


def _trends(
    store: EventStore, pages: dict[str, _Page], today: int, options: InsightsOptions
) -> list[dict[str, Any]]:
    """Views, helpfulness and zero-result searches per product: the last 7 days against the 7
    before."""
    rows = store.rows(
        # Week 0 is the last 7 days, week 1 the 7 before; of the searches, only zero results.
        "SELECT CASE WHEN day > ? THEN 0 ELSE 1 END AS week, type, page, language, helpful, "
        "product, SUM(n) FROM daily WHERE day >= ? AND day <= ? "
        "AND (type IN ('view', 'vote') OR (type = 'search' AND zero = 1)) "
        "GROUP BY 1, type, page, language, helpful, product",
        (today - 7, today - 13, today),
    )
    # [this week, last week] per product and measure.
    totals: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for week, kind, page, language, vote, product, n in rows:
        if options.language and language != options.language:
            continue
        entry = pages.get(page)
        if kind == "search":
            products: tuple[str, ...] = (product,) if product else entry.products if entry else ()
            measure = "zero_results"
        else:
            products = entry.products if entry else ()
            measure = "views" if kind == "view" else "votes"
        for item in products:
            totals[item][measure][week] += int(n)
            if kind == "vote" and vote == 1:
                totals[item]["helpful"][week] += int(n)
    trends = []
    for product in sorted(totals):
        if options.product and product != options.product:
            continue
        t = totals[product]
        trends.append(
            {
                "product": product,
                "views": t["views"][0],
                "views_previous": t["views"][1],
                "views_change": _percent_change(t["views"][0], t["views"][1]),
                "helpful_rate": _rate(t["helpful"][0], t["votes"][0]),
                "helpful_rate_previous": _rate(t["helpful"][1], t["votes"][1]),
                "zero_results": t["zero_results"][0],
                "zero_results_previous": t["zero_results"][1],
            }
        )
    return trends

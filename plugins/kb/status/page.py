"""The team's translation status page: coverage per product as an inline SVG bar chart."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from babel.dates import format_date

if TYPE_CHECKING:
    from kb.status import Coverage, StatusReport

_ROW = 30
_LABEL = 220
_BAR = 340
_WIDTH = _LABEL + _BAR + 80


def coverage_rows(report: StatusReport) -> list[Coverage]:
    """The coverage rows of the translation languages, per product, in taxonomy order."""
    return [row for row in report.coverage if row.product and row.product != "*"]


def coverage_chart(report: StatusReport, language: str, title: str) -> str:
    """An accessible inline SVG: one bar per product and translation language.

    Args:
        report: The status report.
        language: Language of the page (for product names).
        title: The chart's accessible title.

    Returns:
        `<svg>` markup, safe to insert into a page (all text escaped).
    """
    rows = coverage_rows(report)
    several = len({row.language for row in rows}) > 1
    height = max(len(rows), 1) * _ROW + 10
    parts = [
        f'<svg class="kb-status-chart" role="img" viewBox="0 0 {_WIDTH} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg" aria-labelledby="kb-status-chart-title">',
        f'<title id="kb-status-chart-title">{escape(title)}</title>',
    ]
    for index, row in enumerate(rows):
        y = index * _ROW + 5
        name = report.product_name(row.product, language)
        label = f"{name} ({row.language})" if several else name
        width = round(_BAR * row.percent / 100, 1)
        parts += [
            f'<text class="kb-status-chart__label" x="0" y="{y + 17}">{escape(label)}</text>',
            f'<rect class="kb-status-chart__track" x="{_LABEL}" y="{y + 4}" width="{_BAR}" '
            'height="18" rx="3"/>',
            f'<rect class="kb-status-chart__bar" x="{_LABEL}" y="{y + 4}" width="{width}" '
            'height="18" rx="3"/>',
            f'<text class="kb-status-chart__value" x="{_LABEL + _BAR + 8}" y="{y + 17}">'
            f"{row.percent:.0f}%</text>",
        ]
    parts.append("</svg>")
    return "".join(parts)


def status_context(report: StatusReport, language: str, strings: dict[str, str]) -> dict[str, Any]:
    """What `kb-status.html` renders: the chart, the table rows and the two lists."""
    return {
        "today": format_date(report.today, "long", locale=language),
        "chart": coverage_chart(report, language, strings["status_chart_title"]),
        "rows": [
            {
                "name": report.product_name(row.product, language),
                "language": row.language,
                "articles": row.articles,
                "translated": row.translated,
                "stale": row.stale,
                "missing": row.missing,
                "untracked": row.untracked,
                "draft": row.draft,
                "percent": f"{row.percent:.0f}%",
            }
            for row in coverage_rows(report)
        ],
        "stale": [
            {
                "path": item.path,
                "since": format_date(item.since, "long", locale=language)
                if item.since
                else strings["status_unknown_date"],
            }
            for item in report.stale
        ],
        "review_age_days": report.review_age_days,
        "overdue": [
            {
                "path": item.path,
                "last_reviewed": format_date(item.last_reviewed, "long", locale=language),
                "days": item.days,
            }
            for item in report.overdue
        ],
    }

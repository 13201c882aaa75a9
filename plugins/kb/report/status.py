"""Output formats of `kb status`: text (a rich table), json, markdown (job summary, status page)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

from kb.report import markdown_cell as _cell
from kb.terminal import printable

if TYPE_CHECKING:
    from kb.status import Coverage, StaleTranslation, StatusReport

STATUS_FORMATS = ("text", "json", "markdown")
"""Names accepted by `kb status --format`."""
_COLUMNS = (
    "product",
    "language",
    "articles",
    "translated",
    "stale",
    "untracked",
    "missing",
    "draft",
)
_BASIS = {
    "git": "commit {commit}",
    "working-tree": "not committed yet",
    "mtime": "file modification time",
    "unknown": "no version with the recorded digest",
}


def write_status(report: StatusReport, fmt: str, stream: TextIO, *, color: bool = False) -> None:
    """Write a status report to `stream` in one of `STATUS_FORMATS`."""
    if fmt == "json":
        stream.write(render_status_json(report))
    elif fmt == "markdown":
        stream.write(render_status_markdown(report))
    else:
        _write_text(report, stream, color=color)


def render_status_json(report: StatusReport) -> str:
    """The JSON document: `version`, `today`, `coverage`, `totals`, `stale`, `overdue`..."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _product(report: StatusReport, row: Coverage) -> str:
    if row.product == "*":
        return "all articles"
    if not row.product:
        return "(no product)"
    name = report.product_name(row.product, report.source_language)
    return name if name == row.product else f"{name} ({row.product})"


def _counts(row: Coverage) -> list[str]:
    return [
        str(row.articles),
        str(row.translated),
        str(row.stale),
        str(row.untracked),
        str(row.missing),
        str(row.draft),
        f"{row.percent:.0f}%",
    ]


def _since(item: StaleTranslation) -> str:
    if item.since is None:
        return "unknown"
    return f"{item.since.isoformat()} ({item.days} days ago)"


def _basis(item: StaleTranslation) -> str:
    return _BASIS[item.basis].format(commit=(item.commit or "")[:12])


def _write_text(report: StatusReport, stream: TextIO, *, color: bool) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    def line(text: str) -> Text:
        # Text, never markup: a product named `Card [/x] payments` or a path with `[bold]` is
        # printed as it is (as markup it crashes rich or restyles the report).
        return Text(printable(text))

    console = Console(
        file=stream,
        highlight=False,
        color_system="auto" if color else None,
        width=None if color else 200,
    )
    languages = ", ".join(report.languages) or "none"
    today = report.today.isoformat()
    console.print(line(f"Translation status on {today} (translations: {languages})"))
    table = Table(*_COLUMNS, "coverage")
    table.columns[0].no_wrap = True
    for column in table.columns[2:]:
        column.justify = "right"
    for row in report.coverage:
        table.add_row(line(_product(report, row)), line(row.language), *_counts(row))
    for row in report.totals:
        table.add_row(line(_product(report, row)), line(row.language), *_counts(row), style="bold")
    console.print(table)
    if report.stale:
        console.print(f"\nStale translations, stale the longest first ({len(report.stale)}):")
        for item in report.stale:
            console.print(
                line(f"  {item.path}: {item.source_path} changed {_since(item)}, {_basis(item)}"),
                soft_wrap=True,
            )
    else:
        console.print("\nNo stale translations.")
    if report.overdue:
        console.print(
            f"\nReviews overdue, last_reviewed more than {report.review_age_days} days ago "
            f"({len(report.overdue)}):"
        )
        for review in report.overdue:
            console.print(
                line(
                    f"  {review.path}: last reviewed {review.last_reviewed.isoformat()} "
                    f"({review.days} days ago)"
                ),
                soft_wrap=True,
            )
    else:
        console.print(f"\nNo reviews overdue (last_reviewed within {report.review_age_days} days).")
    if report.orphans:
        console.print(f"\nTranslations without a source article ({len(report.orphans)}):")
        for path in report.orphans:
            console.print(line(f"  {path}"), soft_wrap=True)


def render_status_markdown(report: StatusReport) -> str:
    """Markdown: a coverage table, the stale translations and the overdue reviews."""
    lines = [
        "### Translation status",
        "",
        f"On {report.today.isoformat()}. Translated means up to date with the "
        f"`{report.source_language}` article; a draft is not translated yet.",
        "",
        "| " + " | ".join((*_COLUMNS, "coverage")) + " |",
        "|---|---|" + "---:|" * 7,
    ]
    for row in report.coverage:
        cells = [_cell(_product(report, row)), row.language, *_counts(row)]
        lines.append("| " + " | ".join(cells) + " |")
    for row in report.totals:
        cells = [f"**{_product(report, row)}**", row.language, *_counts(row)]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    if report.stale:
        lines += [
            f"#### Stale translations ({len(report.stale)}), stale the longest first",
            "",
            "| translation | source article | changed | how we know |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| `{_cell(item.path)}` | `{_cell(item.source_path)}` | {_since(item)} | "
            f"{_basis(item)} |"
            for item in report.stale
        ]
    else:
        lines.append("No stale translations.")
    lines.append("")
    if report.overdue:
        lines += [
            f"#### Reviews overdue ({len(report.overdue)}): last_reviewed more than "
            f"{report.review_age_days} days ago",
            "",
            "| article | last reviewed | days ago |",
            "|---|---|---:|",
        ]
        lines += [
            f"| `{_cell(review.path)}` | {review.last_reviewed.isoformat()} | {review.days} |"
            for review in report.overdue
        ]
    else:
        lines.append(f"No reviews overdue (last_reviewed within {report.review_age_days} days).")
    if report.orphans:
        lines += ["", f"#### Translations without a source article ({len(report.orphans)})", ""]
        lines += [f"- `{_cell(path)}`" for path in report.orphans]
    return "\n".join(lines) + "\n"

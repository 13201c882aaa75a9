"""`kb insights` output: text, Markdown, JSON (version 1) and one self-contained HTML page.

Comments and queries are merchants' text: Markdown and HTML escape them, JSON writes `<`, `>`
and `&` as `\\u` escapes (safe to embed), and text strips terminal control characters.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from jinja2 import Environment
from markupsafe import escape

from kb.catalog import site_strings
from kb.terminal import printable

if TYPE_CHECKING:
    from jinja2 import Template

FORMATS = ("text", "markdown", "json", "html")

_SECTIONS = (
    ("articles_to_fix", "insights_articles_to_fix", ("page", "views", "votes", "helpful", "score")),
    ("zero_result_queries", "insights_zero_results", ("language", "query", "searches", "product")),
    ("low_ctr_queries", "insights_low_ctr", ("language", "query", "searches", "clicks", "ctr")),
    (
        "translation_priorities",
        "insights_translate_next",
        ("article", "ja_page", "ja_views", "state", "stale_days", "priority"),
    ),
    ("contact_rate", "insights_contact_rate", ("page", "views", "contacts", "rate")),
    (
        "trends",
        "insights_trends",
        ("product", "views", "views_previous", "views_change", "helpful_rate", "zero_results"),
    ),
)
_LABELS = {
    "page": "insights_page",
    "article": "insights_article",
    "language": "insights_language",
    "views": "insights_views",
    "votes": "insights_votes",
    "helpful": "insights_helpful",
    "score": "insights_score",
    "reasons": "insights_reasons",
    "comments": "insights_comments",
    "query": "insights_query",
    "searches": "insights_searches",
    "clicks": "insights_clicks",
    "ctr": "insights_ctr",
    "product": "insights_product",
    "ja_page": "insights_page",
    "ja_views": "insights_views",
    "state": "insights_state",
    "stale_days": "insights_stale_days",
    "priority": "insights_priority",
    "contacts": "insights_contacts",
    "rate": "insights_rate",
    "views_previous": "insights_views_previous",
    "views_change": "insights_change",
    "helpful_rate": "insights_helpful_rate",
    "zero_results": "insights_zero_results_week",
}


def label(column: str, strings: dict[str, str]) -> str:
    """A column's heading in the report's language."""
    return strings[_LABELS[column]]


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, list):
        return " / ".join(str(v) for v in value)
    return str(value)


def render_json(report: dict[str, Any]) -> str:
    """The JSON document, with `<`, `>` and `&` escaped so that it is safe inside HTML."""
    text = json.dumps(report, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def render_text(report: dict[str, Any], language: str = "en") -> str:
    """Plain text for a terminal."""
    strings = site_strings(language)
    lines = [strings["insights_title"], _intro(report, strings), ""]
    for key, title, columns in _SECTIONS:
        lines.append(strings[title])
        rows = report[key]
        if not rows:
            lines += [f"  {strings['insights_none']}", ""]
            continue
        for row in rows:
            lines.append("  " + "  ".join(f"{c}={_cell(row.get(c))}" for c in columns))
            if key == "articles_to_fix":
                if row["reasons"]:
                    lines.append(f"    {strings['insights_reasons']}: {_cell(row['reasons'])}")
                lines.extend(f"    > {comment}" for comment in row["comments"])
        lines.append("")
    return "".join(printable(line) + "\n" for line in lines)


def _markdown_cell(value: Any) -> str:
    text = str(escape(_cell(value)))
    return text.replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def render_markdown(report: dict[str, Any], language: str = "en") -> str:
    """GitHub-flavoured Markdown (e.g. for a job summary); every value escaped."""
    strings = site_strings(language)
    lines = [f"## {strings['insights_title']}", "", _markdown_cell(_intro(report, strings)), ""]
    for key, title, columns in _SECTIONS:
        lines += [f"### {strings[title]}", ""]
        rows = report[key]
        if not rows:
            lines += [strings["insights_none"], ""]
            continue
        extra = ("reasons", "comments") if key == "articles_to_fix" else ()
        header = [*columns, *extra]
        lines.append("| " + " | ".join(label(c, strings) for c in header) + " |")
        lines.append("|" + "---|" * len(header))
        lines.extend(
            "| " + " | ".join(_markdown_cell(row.get(c)) for c in header) + " |" for row in rows
        )
        lines.append("")
    return "\n".join(lines)


def _intro(report: dict[str, Any], strings: dict[str, str]) -> str:
    return strings["insights_intro"].format(days=report["since_days"], date=report["generated"])


@cache
def _template() -> Template:
    source = (resources.files("kb.insights") / "report.html").read_text(encoding="utf-8")
    return Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(source)


def _bars(
    rows: list[dict[str, Any]], label: str, value: str, scale: float | None = None
) -> dict[str, Any]:
    """Geometry of a horizontal bar chart (the template draws it as inline SVG)."""
    top = scale or max((float(r[value] or 0) for r in rows), default=0.0) or 1.0
    bars = [
        {
            "label": _cell(r[label]),
            "value": _cell(r[value]),
            "width": round(300 * float(r[value] or 0) / top, 1),
            "y": 24 * index,
        }
        for index, r in enumerate(rows[:10])
    ]
    return {"bars": bars, "height": 24 * len(bars)}


def render_html(report: dict[str, Any], language: str = "en") -> str:
    """One self-contained page (no script, inline CSS and SVG), readable on a phone."""
    strings = site_strings(language)
    charts = {
        "articles_to_fix": _bars(report["articles_to_fix"], "page", "score", 1.0),
        "zero_result_queries": _bars(report["zero_result_queries"], "query", "searches"),
        "trends": _bars(report["trends"], "product", "views"),
    }
    return _template().render(
        report=report,
        strings=strings,
        lang=language,
        intro=_intro(report, strings),
        sections=_SECTIONS,
        charts=charts,
        cell=_cell,
        label=lambda column: label(column, strings),
    )


def render(report: dict[str, Any], output_format: str, language: str = "en") -> str:
    """The report in `output_format` (one of `FORMATS`), with strings in `language`."""
    if output_format == "json":
        return render_json(report)
    if output_format == "markdown":
        return render_markdown(report, language)
    if output_format == "html":
        return render_html(report, language)
    return render_text(report, language)

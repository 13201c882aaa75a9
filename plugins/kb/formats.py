"""Output formats of `kb check`: text, json, github (workflow commands), markdown (PR comment)."""

from __future__ import annotations

import json
from collections import Counter
from itertools import groupby
from typing import TYPE_CHECKING, TextIO

from kb.findings import Finding, Rule, Severity
from kb.terminal import printable

if TYPE_CHECKING:
    from kb.check import CheckResult

FORMATS = ("text", "json", "github", "markdown")
"""Names accepted by `--format`."""
JSON_VERSION = 1
"""Version of the JSON document's shape."""
_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
_MARKDOWN_OPEN_LIMIT = 10
_MARKDOWN_ROW_LIMIT = 200


def write_report(result: CheckResult, fmt: str, stream: TextIO, *, color: bool = False) -> None:
    """Write a check result to `stream` in one of `FORMATS`.

    Args:
        result: The check result.
        fmt: `text`, `json`, `github` or `markdown`.
        stream: Where to write.
        color: For `text`: render with rich (colors, dimmed hints).
    """
    if fmt == "text" and color:
        _write_rich(result, stream)
    else:
        stream.write(render(result, fmt))


def render(result: CheckResult, fmt: str) -> str:
    """A check result as text in one of `FORMATS` (text without colors)."""
    if fmt == "json":
        return render_json(result)
    if fmt == "github":
        return render_github(result)
    if fmt == "markdown":
        return render_markdown(result)
    return render_text(result)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def totals_line(result: CheckResult) -> str:
    """One line with the counts: `2 errors, 1 warning, 3 infos in 2,000 articles (1,000 pairs)`."""
    articles = sum(result.articles_per_language.values())
    where = f"in {_plural(articles, 'article')} ({_plural(result.pairs, 'pair')})"
    if not result.findings:
        return f"No findings {where}."
    counts = [
        _plural(result.count(Severity.ERROR), "error"),
        _plural(result.count(Severity.WARNING), "warning"),
        _plural(result.count(Severity.INFO), "info"),
    ]
    return f"{', '.join(counts)} {where}."


def _rule_counts(findings: list[Finding]) -> list[tuple[Rule, Severity, int]]:
    counter = Counter((f.rule, f.severity) for f in findings)
    return sorted(
        ((r, s, n) for (r, s), n in counter.items()), key=lambda x: (x[0].code, x[1].rank)
    )


def render_text(result: CheckResult) -> str:
    """Plain text: findings grouped by file, hints indented, counts per rule, totals."""
    lines: list[str] = []
    for _, group in groupby(result.findings, key=lambda f: f.path):
        for finding in group:
            lines.append(
                f"{printable(finding.path)}:{finding.line}  {finding.code} {finding.rule.value}  "
                f"{printable(finding.message)}"
            )
            if finding.hint:
                lines.append(f"    {printable(finding.hint)}")
        lines.append("")
    for rule, severity, count in _rule_counts(result.findings):
        lines.append(f"{count:>6}  {rule.code} {rule.value} ({severity.value})")
    lines.append(totals_line(result))
    return "\n".join(lines) + "\n"


_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _write_rich(result: CheckResult, stream: TextIO) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False, soft_wrap=True)
    for _, group in groupby(result.findings, key=lambda f: f.path):
        for finding in group:
            # Text, never markup: a `[/x]` in a file name or message is text.
            line = Text()
            line.append(f"{printable(finding.path)}:{finding.line}", style="bold")
            line.append("  ")
            line.append(f"{finding.code} {finding.rule.value}", style=_STYLE[finding.severity])
            line.append(f"  {printable(finding.message)}")
            console.print(line)
            if finding.hint:
                console.print(Text(f"    {printable(finding.hint)}", style="dim"))
        console.print()
    for rule, severity, count in _rule_counts(result.findings):
        text = Text(f"{count:>6}  ")
        text.append(f"{rule.code} {rule.value}", style=_STYLE[severity])
        text.append(f" ({severity.value})", style="dim")
        console.print(text)
    style = "bold red" if result.errors else "bold green"
    console.print(Text(totals_line(result), style=style))


def render_json(result: CheckResult) -> str:
    """The JSON document of DESIGN.md: version, findings and summary."""
    document = {
        "version": JSON_VERSION,
        "findings": [finding.to_dict() for finding in result.findings],
        "summary": result.summary(),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render_github(result: CheckResult) -> str:
    """GitHub Actions workflow commands (`::error file=...,line=...,title=...::message`)."""
    lines = []
    for finding in result.findings:
        level = _GITHUB_LEVEL.get(finding.severity, "notice")
        title = f"{finding.code} {finding.rule.value}"
        message = finding.message + (f"\n{finding.hint}" if finding.hint else "")
        lines.append(
            f"::{level} file={_escape_property(finding.path)},line={finding.line},"
            f"title={_escape_property(title)}::{_escape_data(message)}"
        )
    lines.append(totals_line(result))
    return "\n".join(lines) + "\n"


def _cell(value: str) -> str:
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def render_markdown(result: CheckResult) -> str:
    """A pull-request comment: a counts table, then the findings (collapsed when many)."""
    lines = ["### kb check", "", totals_line(result), ""]
    counts = _rule_counts(result.findings)
    if counts:
        lines += ["| rule | severity | findings |", "|---|---|---:|"]
        lines += [
            f"| {rule.code} {rule.value} | {severity.value} | {count} |"
            for rule, severity, count in counts
        ]
        lines.append("")
        rows = ["| file | rule | message |", "|---|---|---|"]
        for finding in result.findings[:_MARKDOWN_ROW_LIMIT]:
            message = _cell(finding.message)
            if finding.hint:
                message += f"<br><sub>{_cell(finding.hint)}</sub>"
            rows.append(
                f"| `{_cell(finding.path)}:{finding.line}` | {finding.code} "
                f"{finding.rule.value} | {message} |"
            )
        hidden = len(result.findings) - _MARKDOWN_ROW_LIMIT
        if hidden > 0:
            rows += ["", f"…and {hidden:,} more: run `kb check` locally for all of them."]
        if len(result.findings) > _MARKDOWN_OPEN_LIMIT:
            lines += [
                "<details>",
                f"<summary>{_plural(len(result.findings), 'finding')}</summary>",
                "",
            ]
            lines += rows
            lines += ["", "</details>"]
        else:
            lines += rows
    return "\n".join(lines) + "\n"

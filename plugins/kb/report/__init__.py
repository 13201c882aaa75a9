"""One emitter per output format for a list of findings, shared by `kb check`, `kb links` and
the build log: text, json, github (workflow commands) and markdown (a pull-request comment)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from kb.findings import Finding, Rule, Severity
from kb.terminal import printable

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

FORMATS = ("text", "json", "github", "markdown")
"""Names accepted by `--format`."""
JSON_VERSION = 1
"""Version of the JSON document's shape."""
_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_MARKDOWN_OPEN_LIMIT = 10
_MARKDOWN_ROW_LIMIT = 200


@dataclass(frozen=True)
class Report:
    """Sorted findings and what a command says about its run."""

    command: str
    """`kb check` or `kb links`: the Markdown heading, and what to run for every finding."""
    findings: Sequence[Finding]
    """Sorted findings."""
    where: str
    """What was checked, e.g. `in 2 articles (1 pair)`, ending the totals line."""
    summary: Mapping[str, Any] = field(default_factory=dict)
    """The `summary` object of the JSON document."""
    pages: bool = False
    """Findings carry the built page they were found in (`kb links`)."""
    took: str = ""
    """Appended to the text format's totals line, e.g. ` Took 1.2 s.`."""

    @property
    def totals(self) -> str:
        """`2 errors, 1 warning, 3 infos in 2,000 articles (1,000 pairs).`"""
        if not self.findings:
            return f"No findings {self.where}."
        counts = [
            plural(count_severity(self.findings, Severity.ERROR), "error"),
            plural(count_severity(self.findings, Severity.WARNING), "warning"),
            plural(count_severity(self.findings, Severity.INFO), "info"),
        ]
        return f"{', '.join(counts)} {self.where}."


def plural(count: int, word: str) -> str:
    """`1 error`, `2,000 errors`."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def count_severity(findings: Sequence[Finding], severity: Severity) -> int:
    """How many of `findings` have `severity`."""
    return sum(1 for finding in findings if finding.severity is severity)


def render(report: Report, fmt: str) -> str:
    """The report as text in one of `FORMATS` (text without colors), ending with a newline."""
    return _EMITTERS.get(fmt, render_text)(report)


def write_report(report: Report, fmt: str, stream: TextIO, *, color: bool = False) -> None:
    """Write the report to `stream` in one of `FORMATS`; `color` renders text with rich."""
    if fmt == "text" and color:
        _write_rich(report, stream)
    else:
        stream.write(render(report, fmt))


def log_line(finding: Finding) -> str:
    """A finding as the build logs it: `path:line: CODE rule: message (hint: ...)`."""
    text = f"{finding.path}:{finding.line}: {finding.code} {finding.rule.value}: {finding.message}"
    # Paths and messages carry file names and front matter: no terminal escapes in the log.
    return printable(f"{text} (hint: {finding.hint})" if finding.hint else text)


def markdown_cell(value: str) -> str:
    """Text safe inside a Markdown table cell: no HTML, no column break, no line break."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def rule_counts(findings: Sequence[Finding]) -> list[tuple[Rule, Severity, int]]:
    """Findings per rule and severity, by rule code."""
    counter = Counter((finding.rule, finding.severity) for finding in findings)
    return sorted(
        ((r, s, n) for (r, s), n in counter.items()), key=lambda x: (x[0].code, x[1].rank)
    )


def _elsewhere(report: Report, finding: Finding) -> bool:
    """The finding's built page is worth naming: its path does not already say it."""
    return report.pages and bool(finding.page) and not finding.path.endswith(finding.page)


def render_text(report: Report) -> str:
    """Findings grouped by file, hints indented, counts per rule, totals."""
    lines: list[str] = []
    previous = None
    for finding in report.findings:
        if previous is not None and finding.path != previous:
            lines.append("")
        previous = finding.path
        lines.append(
            f"{printable(finding.path)}:{finding.line}  {finding.code} {finding.rule.value}  "
            f"{printable(finding.message)}"
        )
        if _elsewhere(report, finding):
            lines.append(f"    in the built page {printable(finding.page)}")
        if finding.hint:
            lines.append(f"    {printable(finding.hint)}")
    if report.findings:
        lines.append("")
    for rule, severity, count in rule_counts(report.findings):
        lines.append(f"{count:>6}  {rule.code} {rule.value} ({severity.value})")
    lines.append(report.totals + report.took)
    return "\n".join(lines) + "\n"


def _write_rich(report: Report, stream: TextIO) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False, soft_wrap=True)
    previous = None
    for finding in report.findings:
        if previous is not None and finding.path != previous:
            console.print()
        previous = finding.path
        # Text, never markup: a `[/x]` in a file name or message is text.
        line = Text()
        line.append(f"{printable(finding.path)}:{finding.line}", style="bold")
        line.append("  ")
        line.append(f"{finding.code} {finding.rule.value}", style=_STYLE[finding.severity])
        line.append(f"  {printable(finding.message)}")
        console.print(line)
        if _elsewhere(report, finding):
            console.print(Text(f"    in the built page {printable(finding.page)}", style="dim"))
        if finding.hint:
            console.print(Text(f"    {printable(finding.hint)}", style="dim"))
    if report.findings:
        console.print()
    for rule, severity, count in rule_counts(report.findings):
        text = Text(f"{count:>6}  ")
        text.append(f"{rule.code} {rule.value}", style=_STYLE[severity])
        text.append(f" ({severity.value})", style="dim")
        console.print(text)
    errors = count_severity(report.findings, Severity.ERROR)
    console.print(Text(report.totals + report.took, style="bold red" if errors else "bold green"))


def render_json(report: Report) -> str:
    """The JSON document: version, findings and summary."""
    document = {
        "version": JSON_VERSION,
        "findings": [finding.to_dict() for finding in report.findings],
        "summary": dict(report.summary),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report) -> str:
    """GitHub Actions workflow commands (`::error file=...,line=...,title=...::message`)."""
    lines = []
    for finding in report.findings:
        level = _GITHUB_LEVEL.get(finding.severity, "notice")
        title = f"{finding.code} {finding.rule.value}"
        message = finding.message
        if _elsewhere(report, finding):
            message += f" (built page {finding.page})"
        if finding.hint:
            message += f"\n{finding.hint}"
        lines.append(
            f"::{level} file={_escape_property(finding.path)},line={finding.line},"
            f"title={_escape_property(title)}::{_escape_data(message)}"
        )
    lines.append(report.totals)
    return "\n".join(lines) + "\n"


def render_markdown(report: Report) -> str:
    """A pull-request comment: a counts table, then the findings (collapsed when many)."""
    lines = [f"### {report.command}", "", report.totals, ""]
    counts = rule_counts(report.findings)
    if not counts:
        return "\n".join(lines) + "\n"
    lines += ["| rule | severity | findings |", "|---|---|---:|"]
    lines += [
        f"| {rule.code} {rule.value} | {severity.value} | {count} |"
        for rule, severity, count in counts
    ]
    lines.append("")
    if report.pages:
        rows = ["| file | built page | rule | message |", "|---|---|---|---|"]
    else:
        rows = ["| file | rule | message |", "|---|---|---|"]
    for finding in report.findings[:_MARKDOWN_ROW_LIMIT]:
        message = markdown_cell(finding.message)
        if finding.hint:
            message += f"<br><sub>{markdown_cell(finding.hint)}</sub>"
        page = f" `{markdown_cell(finding.page)}` |" if report.pages else ""
        rows.append(
            f"| `{markdown_cell(finding.path)}:{finding.line}` |{page} {finding.code} "
            f"{finding.rule.value} | {message} |"
        )
    hidden = len(report.findings) - _MARKDOWN_ROW_LIMIT
    if hidden > 0:
        rows += ["", f"…and {hidden:,} more: run `{report.command}` locally for all of them."]
    if len(report.findings) > _MARKDOWN_OPEN_LIMIT:
        lines += ["<details>", f"<summary>{plural(len(report.findings), 'finding')}</summary>", ""]
        lines += rows
        lines += ["", "</details>"]
    else:
        lines += rows
    return "\n".join(lines) + "\n"


_EMITTERS: dict[str, Callable[[Report], str]] = {
    "json": render_json,
    "github": render_github,
    "markdown": render_markdown,
    "text": render_text,
}

"""A `kb links` run as the report every output format renders (`kb.report`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.findings import Finding, Severity
from kb.report import Report, count_severity, plural

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kb.links.model import LinkReport


def link_report(
    findings: Sequence[Finding],
    report: LinkReport,
    *,
    seconds: float | None = None,
    external: int | None = None,
) -> Report:
    """The findings of a `kb links` run as every output format reports them.

    Args:
        findings: Sorted findings (internal and, with `--external`, external).
        report: The run's counts.
        seconds: Run time, shown in the text format's last line.
        external: External URLs checked, or None when they were not.
    """
    where = f"in {plural(report.pages, 'page')} ({plural(report.links, 'link')}"
    where += f", {plural(external, 'external URL')} checked)" if external is not None else ")"
    summary = {
        "pages": report.pages,
        "links": report.links,
        "errors": count_severity(findings, Severity.ERROR),
        "warnings": count_severity(findings, Severity.WARNING),
        "infos": count_severity(findings, Severity.INFO),
    }
    took = f" Took {seconds:.1f} s." if seconds is not None else ""
    return Report("kb links", findings, where, summary, pages=True, took=took)

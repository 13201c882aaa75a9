"""Output allowlist violations as `unsafe-html` findings, traced to the source line."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from kb.findings import Finding, Rule, Severity

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kb.html_allowlist import Violation

_GENERIC_ATTRIBUTES = frozenset({"href", "src", "type", "name", "id", "class", "title", "data"})


def nearest_line(lines: Sequence[str], violation: Violation, first_line: int = 1) -> int:
    """The file line most likely to hold the markup behind a violation.

    The built HTML keeps no source positions, so the source is searched for what the
    violation names, most specific first: the attribute with its value, the value as written
    (or HTML-escaped), an unusual attribute name (`onload`, `srcdoc`), then the element's tag.

    Args:
        lines: The source file's lines (front matter included).
        violation: The violation.
        first_line: File line where the searched part starts (the body, after front matter).

    Returns:
        A 1-based file line; `first_line` when nothing matches.
    """
    needles: list[tuple[str, ...]] = []
    name = violation.attribute
    value = violation.value.strip()
    if value:
        head = value.splitlines()[0][:80].strip()
        if len(head) >= 3:
            if name:
                needles.append((name, head))
            if len(head) >= 6:
                needles.append((head,))
            escaped = html.escape(head, quote=False)
            if escaped != head:
                needles.append((escaped,))
    if name and name not in _GENERIC_ATTRIBUTES:
        needles.append((name,))
        if name.startswith("on"):
            needles.append(("on" + name[2:].replace("-", ""),))
    if value and ":" in value:
        scheme = value.split(":", 1)[0].strip()[-12:]
        if len(scheme) >= 3:
            needles.append((scheme + ":",))
    needles.append((f"<{violation.element}",))
    if name:
        needles.append((name,))
    start = max(first_line - 1, 0)
    lowered = [line.lower() for line in lines[start:]]
    for needle in needles:
        wanted = tuple(part.lower() for part in needle)
        for offset, line in enumerate(lowered):
            if all(part in line for part in wanted):
                return start + offset + 1
    return max(first_line, 1)


def violation_finding(
    violation: Violation,
    *,
    path: str,
    line: int,
    language: str,
    severity: Severity = Severity.ERROR,
    page: str = "",
    built: bool = False,
) -> Finding:
    """The `unsafe-html` finding of one violation.

    Args:
        violation: What the allowlist refused.
        path: The source article (or the built page when there is none).
        line: Its line.
        language: Language of `path`.
        severity: Effective severity of `unsafe-html`.
        page: The built page, relative to the site directory (whole-page checks).
        built: The violation was found in the whole built page, not in the article body.

    Returns:
        The finding.
    """
    where = f" (in the built page {page})" if built and page else ""
    return Finding(
        path=path,
        line=line,
        rule=Rule.UNSAFE_HTML,
        message=f"{violation.message}{where}",
        hint=violation.hint,
        language=language,
        severity=severity,
        page=page,
    )

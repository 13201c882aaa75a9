"""Snapshots of every output format for one fixed list of findings (`kb check` and `kb links`)."""

from __future__ import annotations

import json

import pytest

from kb.findings import Finding, Rule, Severity
from kb.report import FORMATS, Report, log_line, markdown_cell, render

FINDINGS = [
    Finding(
        "en/a,b:c.md",
        3,
        Rule.BROKEN_LINK,
        "100% broken\nreally",
        "fix: it",
        "en",
        Severity.WARNING,
        "a/",
    ),
    Finding("en/a,b:c.md", 7, Rule.UNSAFE_HTML, "<script> | pipe", "", "en", Severity.ERROR),
    Finding("ja/x.md", 1, Rule.MISSING_TRANSLATION, "no source", "add it", "ja", Severity.INFO),
]
CHECK = Report("kb check", FINDINGS, "in 3 articles (1 pair)", {"errors": 1})
LINKS = Report("kb links", FINDINGS, "in 2 pages (9 links)", {"pages": 2}, pages=True, took=" T.")

COUNTS = """\
     1  KB101 missing-translation (info)
     1  KB304 unsafe-html (error)
     1  KB305 broken-link (warning)
"""
RULE_TABLE = """\
| rule | severity | findings |
|---|---|---:|
| KB101 missing-translation | info | 1 |
| KB304 unsafe-html | error | 1 |
| KB305 broken-link | warning | 1 |
"""

SNAPSHOTS = {
    ("check", "text"): """\
en/a,b:c.md:3  KB305 broken-link  100% broken\\nreally
    fix: it
en/a,b:c.md:7  KB304 unsafe-html  <script> | pipe

ja/x.md:1  KB101 missing-translation  no source
    add it

"""
    + COUNTS
    + "1 error, 1 warning, 1 info in 3 articles (1 pair).\n",
    ("links", "text"): """\
en/a,b:c.md:3  KB305 broken-link  100% broken\\nreally
    in the built page a/
    fix: it
en/a,b:c.md:7  KB304 unsafe-html  <script> | pipe

ja/x.md:1  KB101 missing-translation  no source
    add it

"""
    + COUNTS
    + "1 error, 1 warning, 1 info in 2 pages (9 links). T.\n",
    ("check", "github"): """\
::warning file=en/a%2Cb%3Ac.md,line=3,title=KB305 broken-link::100%25 broken%0Areally%0Afix: it
::error file=en/a%2Cb%3Ac.md,line=7,title=KB304 unsafe-html::<script> | pipe
::notice file=ja/x.md,line=1,title=KB101 missing-translation::no source%0Aadd it
1 error, 1 warning, 1 info in 3 articles (1 pair).
""",
    ("links", "github"): """\
::warning file=en/a%2Cb%3Ac.md,line=3,title=KB305 broken-link::100%25 broken%0Areally \
(built page a/)%0Afix: it
::error file=en/a%2Cb%3Ac.md,line=7,title=KB304 unsafe-html::<script> | pipe
::notice file=ja/x.md,line=1,title=KB101 missing-translation::no source%0Aadd it
1 error, 1 warning, 1 info in 2 pages (9 links).
""",
    ("check", "markdown"): """\
### kb check

1 error, 1 warning, 1 info in 3 articles (1 pair).

"""
    + RULE_TABLE
    + """
| file | rule | message |
|---|---|---|
| `en/a,b:c.md:3` | KB305 broken-link | 100% broken<br>really<br><sub>fix: it</sub> |
| `en/a,b:c.md:7` | KB304 unsafe-html | &lt;script&gt; \\| pipe |
| `ja/x.md:1` | KB101 missing-translation | no source<br><sub>add it</sub> |
""",
    ("links", "markdown"): """\
### kb links

1 error, 1 warning, 1 info in 2 pages (9 links).

"""
    + RULE_TABLE
    + """
| file | built page | rule | message |
|---|---|---|---|
| `en/a,b:c.md:3` | `a/` | KB305 broken-link | 100% broken<br>really<br><sub>fix: it</sub> |
| `en/a,b:c.md:7` | `` | KB304 unsafe-html | &lt;script&gt; \\| pipe |
| `ja/x.md:1` | `` | KB101 missing-translation | no source<br><sub>add it</sub> |
""",
}


@pytest.mark.parametrize(("command", "fmt"), list(SNAPSHOTS))
def test_snapshot(command: str, fmt: str) -> None:
    report = CHECK if command == "check" else LINKS
    assert render(report, fmt) == SNAPSHOTS[command, fmt]


@pytest.mark.parametrize("report", [CHECK, LINKS], ids=["check", "links"])
def test_json_snapshot(report: Report) -> None:
    document = json.loads(render(report, "json"))
    assert document == {
        "version": 1,
        "findings": [finding.to_dict() for finding in FINDINGS],
        "summary": dict(report.summary),
    }
    assert document["findings"][0] == {
        "code": "KB305",
        "rule": "broken-link",
        "severity": "warning",
        "path": "en/a,b:c.md",
        "line": 3,
        "language": "en",
        "message": "100% broken\nreally",
        "hint": "fix: it",
        "page": "a/",
    }


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "json"])
def test_no_findings(fmt: str) -> None:
    report = Report("kb check", [], "in 0 articles (0 pairs)")
    assert "No findings in 0 articles (0 pairs)." in render(report, fmt)


def test_markdown_folds_many_findings() -> None:
    many = [Finding(f"docs/en/p{i:03}.md", 1, Rule.BROKEN_LINK, "m") for i in range(205)]
    text = render(Report("kb links", many, "in 1 page (1 link)"), "markdown")
    assert "<details>\n<summary>205 findings</summary>" in text
    assert text.count("| KB305 broken-link | m |") == 200
    assert "…and 5 more: run `kb links` locally for all of them." in text


def test_log_line() -> None:
    assert log_line(FINDINGS[0]) == (
        "en/a,b:c.md:3: KB305 broken-link: 100% broken\\nreally (hint: fix: it)"
    )
    assert log_line(FINDINGS[1]) == "en/a,b:c.md:7: KB304 unsafe-html: <script> | pipe"


def test_markdown_cell() -> None:
    assert markdown_cell("a|b <i>\r\nc & d") == "a\\|b &lt;i&gt;<br>c &amp; d"

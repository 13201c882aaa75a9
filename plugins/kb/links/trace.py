"""Trace a finding on a built page back to its Markdown source line, external links included."""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from kb.findings import Finding, Rule, Severity, sort_findings
from kb.layout import language_path
from kb.links import scan
from kb.links.elements import _last_segment, _line_of
from kb.links.model import _SCHEME, PAGE_SUFFIXES, LinkOptions, LinkReport, _Problem
from kb.output_check import nearest_line

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from kb.html_allowlist import Violation


class SourceTracer:
    """Maps a built page to the Markdown article it came from and a link to its line."""

    def __init__(self, options: LinkOptions, languages: Sequence[str] | None = None) -> None:
        self.options = options
        self.languages = tuple(languages or options.languages)
        self.site_dir = options.site_dir
        self.root = options.root.resolve()
        self._lines: dict[Path, list[str] | None] = {}
        self._page: tuple[str, bytes] = ("", b"")

    def finding(self, problem: _Problem, fallback: bool) -> Finding | None:
        """The finding for a problem, or None when its rule is ignored."""
        severity = self.options.severity(problem.rule)
        if severity is Severity.IGNORE:
            return None
        if problem.violation is not None:
            return self.locate_violation(problem, problem.violation, fallback, severity)
        return self.locate(
            problem.rule,
            problem.page,
            fallback,
            message=problem.message,
            hint=problem.hint,
            severity=severity,
            url=problem.url,
            text=problem.text,
            html_line=problem.html_line or (0 if problem.url else 1),
        )

    def locate(
        self,
        rule: Rule,
        page: str,
        fallback: bool,
        *,
        message: str,
        hint: str,
        severity: Severity,
        url: str = "",
        text: str = "",
        html_line: int = 0,
    ) -> Finding:
        """Build a finding that names the source article and line when they can be traced.

        Args:
            rule: The rule.
            page: The built page, relative to the site directory.
            fallback: The page is an English fallback copy.
            message: What is wrong.
            hint: How to fix it.
            severity: Effective severity.
            url: The URL as written in the page (empty for a finding about the whole page).
            text: The link text or alt text.
            html_line: Line of the element in the page, or 0 to find it from `url`.

        Returns:
            The finding.
        """
        language = _page_language(page, self.languages)
        path = self.site_dir / page
        line = 0
        source = next(iter(self.sources(page, language, fallback)), None)
        if source is not None and url:
            line = self.line(source[0], url, text)
            if line:
                path, language = source
        if not line:
            line = html_line if html_line > 0 else self.html_line(page, url)
        return Finding(
            path=self.display(path),
            line=line,
            rule=rule,
            message=message,
            hint=hint,
            language=language,
            severity=severity,
            page=page,
        )

    def locate_violation(
        self, problem: _Problem, violation: Violation, fallback: bool, severity: Severity
    ) -> Finding:
        """An unsafe-html finding on the source article's nearest line, else on the page's."""
        page = problem.page
        language = _page_language(page, self.languages)
        path, line = self.site_dir / page, problem.html_line or 1
        source = next(iter(self.sources(page, language, fallback)), None)
        if source is not None:
            lines = self._source_lines(source[0])
            if lines:
                path, language = source
                line = nearest_line(lines, violation)
        return Finding(
            path=self.display(path),
            line=line,
            rule=Rule.UNSAFE_HTML,
            message=problem.message,
            hint=problem.hint,
            language=language,
            severity=severity,
            page=page,
        )

    def sources(self, page: str, language: str, fallback: bool) -> Iterator[tuple[Path, str]]:
        """Markdown files that may have produced `page`, the most likely first."""
        docs = self.options.docs_dir
        if docs is None:
            return
        docs = docs if docs.is_absolute() else self.root / docs
        source = self.options.source_language
        rest = page if language == source else page.partition("/")[2]
        order = [source] if fallback else [language, source] if language != source else [source]
        for candidate in _source_candidates(rest):
            for lang in order:
                path = self._source_path(docs, lang, candidate)
                if path.is_file():
                    yield path, lang
                    return

    def _source_path(self, docs: Path, language: str, candidate: str) -> Path:
        path = docs / language_path(candidate, language, layout=self.options.layout)
        if self.options.layout == "suffix" and language == self.options.source_language:
            return path if path.is_file() else docs / candidate
        return path

    def line(self, source: Path, url: str, text: str) -> int:
        """Line of `source` most likely to hold the link `url` with `text`; 0 if none does.

        Args:
            source: The Markdown article.
            url: The URL as the built page has it.
            text: The link text or alt text.

        Returns:
            The best-scoring line: the whole URL counts most, then the fragment and the last
            path segment inside a link target, then `[text]`; 0 when nothing matches.
        """
        lines = self._source_lines(source)
        if not lines:
            return 0
        patterns = _source_patterns(url, text)
        best, best_score = 0, 0
        for number, content in enumerate(lines, 1):
            score = sum(weight for weight, pattern in patterns if pattern.search(content))
            if score > best_score:
                best, best_score = number, score
        return best

    def _source_lines(self, source: Path) -> list[str] | None:
        if source not in self._lines:
            try:
                lines = source.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                lines = None
            self._lines[source] = lines
        return self._lines[source]

    def html_line(self, page: str, url: str) -> int:
        """Line of `url` in the built page, 1 when it cannot be found."""
        if not url:
            return 1
        if self._page[0] != page:
            try:
                self._page = (page, scan._read_page(os.path.join(self.site_dir, page)))
            except OSError:
                return 1
        return _line_of(self._page[1], url)

    def display(self, path: Path) -> str:
        """`path` relative to the working directory, POSIX."""
        absolute = path if path.is_absolute() else Path.cwd() / path
        try:
            return absolute.relative_to(self.root).as_posix()
        except ValueError:
            return Path(os.path.relpath(absolute, self.root)).as_posix()


def _page_language(page: str, languages: Sequence[str]) -> str:
    head = page.partition("/")[0]
    return head if head in languages[1:] else languages[0]


def _source_candidates(rest: str) -> list[str]:
    directory, name = posixpath.split(rest)
    stem = posixpath.splitext(name)[0]
    if stem == "index":
        if not directory:
            return ["index.md", "README.md"]
        return [f"{directory}.md", f"{directory}/index.md", f"{directory}/README.md"]
    prefix = f"{directory}/" if directory else ""
    return [f"{prefix}{stem}.md"]


_LINK_OPEN = r"""(?:\]\(\s*<?|\]:\s*<?|(?:href|src)\s*=\s*["']?)"""
"""Where a link target starts in Markdown (`](`, `]: `) or in raw HTML (`href=`, `src=`)."""


def _source_patterns(url: str, text: str) -> list[tuple[int, re.Pattern[str]]]:
    # MkDocs rewrites relative Markdown links (`../x.md` -> `../../x/`) but leaves absolute and
    # root-relative ones alone: only those must appear whole in the article.
    patterns: list[tuple[int, re.Pattern[str]]] = []
    for written in dict.fromkeys((url, unquote(url))):
        if len(written) >= 4:
            patterns.append((8, re.compile(re.escape(written))))
    path, _, fragment = url.partition("#")
    fragment = fragment.partition(":~:")[0]
    if fragment:
        for variant in dict.fromkeys((fragment, unquote(fragment))):
            patterns.append(
                (4, re.compile(f"{_LINK_OPEN}[^)\\s\"'>#]*#{re.escape(variant)}(?![\\w-])"))
            )
    relative = not _SCHEME.match(url) and not url.startswith("/")
    segment = unquote(_last_segment(path)) if relative and path else ""
    stem, extension = posixpath.splitext(segment)
    if extension.lower() in PAGE_SUFFIXES:
        segment = stem
    if len(segment) >= 2 and segment not in ("index", "#"):
        patterns.append(
            (2, re.compile(f"{_LINK_OPEN}(?:[^)\\s\"'>]*/)?{re.escape(segment)}(?![\\w-])"))
        )
    if len(text) >= 2:
        patterns.append((2, re.compile(re.escape(f"[{text}]"))))
    return patterns


def external_findings(
    failures: Mapping[str, tuple[str, str]],
    report: LinkReport,
    options: LinkOptions,
) -> list[Finding]:
    """Findings for external links that failed, one per page that links to each URL.

    Args:
        failures: Failed URL -> (message, hint), from `kb.links.external.failures`.
        report: The run that collected the URLs (`LinkReport.external` says where they are).
        options: The options of the run (severities, sources for tracing).

    Returns:
        Sorted findings, empty when `external-link` is ignored.
    """
    severity = options.severity(Rule.EXTERNAL_LINK)
    if severity is Severity.IGNORE:
        return []
    tracer = SourceTracer(options, report.languages)
    findings: list[Finding] = []
    for url, (message, hint) in failures.items():
        for source in report.external.get(url, ()):
            findings.append(
                tracer.locate(
                    Rule.EXTERNAL_LINK,
                    source.page,
                    source.fallback,
                    message=message,
                    hint=hint,
                    severity=severity,
                    url=source.url,
                    text=source.text,
                )
            )
    return sort_findings(findings)

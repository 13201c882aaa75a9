"""`kb check` through the cache in `.cache/kb/`: a run whose inputs are unchanged reads its
findings instead of parsing every article.

The key is a digest of everything a check reads: kb's code (the store's fingerprint), the
project as configured (`Project`: languages, options, severities, paths), the rules selected,
the paths given, the working directory (findings name paths relative to it), `mkdocs.yml`, the
taxonomy and glossary bytes, and the docs tree: every entry's path, type and mode, every
symlink's target, every article's bytes, and the size and time of every other file. `--changed`
runs ask git and are never cached. Findings are stored as their fields and rebuilt; an entry
that does not rebuild is a miss.

Pure: no MkDocs import.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kb.build_cache import CacheError, CacheStore, cache_disabled_by_env, cache_root, digest_of
from kb.findings import Finding, Rule, Severity
from kb.report import Report

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from kb.project import Project

NAMESPACE = "check"


@dataclass
class CheckOutcome:
    """What `kb check` prints: from a run, or from the cache."""

    saved: Report
    cached: bool

    def report(self) -> Report:
        """The findings as `kb check` reports them (as `CheckResult.report`)."""
        return self.saved

    def count(self, severity: Severity) -> int:
        """Number of findings of a severity."""
        return sum(1 for finding in self.saved.findings if finding.severity is severity)


def tree_digest(docs_dir: Path) -> str:
    """A digest of the docs tree as a check sees it (not following symlinks)."""
    digest = hashlib.blake2b(digest_size=20)
    pending = [""]
    while pending:
        folder = pending.pop()
        try:
            entries = sorted(os.scandir(docs_dir / folder if folder else docs_dir), key=_name)
        except OSError as error:
            digest.update(f"unreadable {folder} {error.errno}\n".encode())
            continue
        for entry in entries:
            rel = f"{folder}/{entry.name}" if folder else entry.name
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as error:
                digest.update(f"gone {rel} {error.errno}\n".encode("utf-8", "surrogateescape"))
                continue
            line = f"{rel}\0{info.st_mode}\0"
            if stat.S_ISLNK(info.st_mode):
                try:
                    target = os.readlink(entry.path)
                    followed = os.stat(entry.path)
                    line += f"-> {target}\0{followed.st_mode}\0{followed.st_size}\0"
                    line += f"{followed.st_mtime_ns}"
                except OSError as error:
                    line += f"broken {error.errno}"
            elif stat.S_ISDIR(info.st_mode):
                pending.append(rel)
            elif stat.S_ISREG(info.st_mode) and entry.name.endswith(".md"):
                try:
                    with open(entry.path, "rb") as handle:
                        line += hashlib.blake2b(handle.read(), digest_size=16).hexdigest()
                except OSError as error:
                    line += f"unreadable {error.errno}"
            else:
                line += f"{info.st_size}\0{info.st_mtime_ns}"
            digest.update(line.encode("utf-8", "surrogateescape") + b"\n")
    return digest.hexdigest()


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _file_bytes(path: Path | None) -> str:
    if path is None:
        return "none"
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError as error:
        return f"unreadable {error.errno}"


def check_key(
    project: Project,
    *,
    paths: Sequence[Path] | None,
    select: Iterable[str],
    ignore: Iterable[str],
) -> str:
    """The key of a check run (see the module's docstring)."""
    return digest_of(
        NAMESPACE,
        repr(project),
        os.getcwd(),
        [str(p) for p in paths or ()],
        list(select),
        list(ignore),
        _file_bytes(project.config_file),
        _file_bytes(project.taxonomy_path),
        _file_bytes(project.glossary_path),
        tree_digest(project.docs_dir),
    )


def _encode(report: Report) -> dict[str, Any]:
    return {
        "where": report.where,
        "summary": dict(report.summary),
        "findings": [
            [f.path, f.line, f.rule.value, f.message, f.hint, f.language, f.severity.value, f.page]
            for f in report.findings
        ],
    }


def _decode(entry: object) -> Report | None:
    if not isinstance(entry, dict):
        return None
    try:
        where = entry["where"]
        summary = entry["summary"]
        if not isinstance(where, str) or not isinstance(summary, dict):
            return None
        findings = []
        for path, line, rule, message, hint, language, severity, page in entry["findings"]:
            if not all(isinstance(x, str) for x in (path, message, hint, language, page)):
                return None
            if not isinstance(line, int):
                return None
            findings.append(
                Finding(path, line, Rule(rule), message, hint, language, Severity(severity), page)
            )
    except (KeyError, TypeError, ValueError):
        return None
    return Report("kb check", findings, where, summary)


def _store(project: Project) -> CacheStore | None:
    where = project.config_file.parent if project.config_file is not None else project.root
    try:
        return CacheStore(cache_root(where), NAMESPACE)
    except CacheError:
        return None


def cached_check(
    project: Project,
    *,
    paths: Sequence[Path] | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    changed_ref: str | None = None,
    changed: bool = False,
    use_cache: bool = True,
) -> CheckOutcome:
    """`run_check`'s report, from the cache when the inputs are unchanged.

    Raises:
        ProjectError: As `run_check`.
    """
    select, ignore = list(select), list(ignore)
    store = None
    key = ""
    cacheable = use_cache and not cache_disabled_by_env() and not (changed or changed_ref)
    if cacheable:
        store = _store(project)
    if store is not None:
        key = check_key(project, paths=paths, select=select, ignore=ignore)
        report = _decode(store.get(key))
        if report is not None:
            return CheckOutcome(report, cached=True)
    from kb.check import run_check

    result = run_check(
        project,
        paths=paths,
        select=select,
        ignore=ignore,
        changed_ref=changed_ref,
        changed=changed,
    )
    report = result.report()
    # A file edited while the check ran: its findings may be of either version.
    if store is not None and key == check_key(project, paths=paths, select=select, ignore=ignore):
        store.put(key, _encode(report))
        if not paths:
            store.prune()
    return CheckOutcome(report, cached=False)

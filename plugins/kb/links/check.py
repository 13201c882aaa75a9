"""`check_site`: walk the built site, then scan its pages and stylesheets in worker processes."""

from __future__ import annotations

import multiprocessing
import os
import stat
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from kb.csp import read_policy, script_hashes_of
from kb.findings import Rule, sort_findings
from kb.html_allowlist import HtmlPolicy
from kb.links.elements import fragment_exists
from kb.links.model import (
    PAGE_SUFFIXES,
    LinkConfigError,
    LinkOptions,
    LinkReport,
    LinkSource,
    Progress,
    _AnchorRef,
    _PageScan,
    _Problem,
    _Site,
)
from kb.links.scan import _init_worker, _scan_page, _scan_stylesheet
from kb.links.trace import SourceTracer

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path


@dataclass
class _Walk:
    pages: list[tuple[str, int]] = field(default_factory=list)
    stylesheets: list[tuple[str, int]] = field(default_factory=list)
    files: set[str] = field(default_factory=set)
    symlinked_dirs: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    problems: list[_Problem] = field(default_factory=list)


def _walk(site_dir: Path) -> _Walk:
    walk = _Walk()
    root = str(site_dir)
    root_real = os.path.realpath(root)
    pending = [""]
    while pending:
        relative = pending.pop()
        full = os.path.join(root, relative) if relative else root
        try:
            entries = list(os.scandir(full))
        except OSError as error:
            walk.notices.append(f"cannot read folder {relative or '.'}: {error.strerror or error}")
            continue
        for entry in entries:
            path = f"{relative}/{entry.name}" if relative else entry.name
            try:
                if entry.is_symlink():
                    _symlink(entry, path, root_real, walk)
                    continue
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError as error:
                walk.notices.append(f"cannot read {path}: {error.strerror or error}")
                continue
            if stat.S_ISDIR(mode):
                pending.append(path)
            elif stat.S_ISREG(mode):
                _add_file(entry, path, walk)
            else:
                walk.notices.append(f"{path} is not a regular file: skipped")
    walk.pages.sort()
    walk.stylesheets.sort()
    return walk


def _symlink(entry: os.DirEntry[str], path: str, root_real: str, walk: _Walk) -> None:
    real = os.path.realpath(entry.path)
    written = os.readlink(entry.path)
    outside = real != root_real and not real.startswith(root_real + os.sep)
    if entry.is_dir():
        # Never walked: a symlinked folder may point at an ancestor (a loop) or outside the site.
        # Links into one that stays inside are answered by the file system (`_Site.lookup`).
        parent_real = os.path.realpath(os.path.dirname(entry.path))
        if real in (parent_real, root_real) or parent_real.startswith(real + os.sep):
            walk.problems.append(
                _unsafe_symlink(
                    path,
                    f"symlink {path} -> {written} loops back to a folder "
                    f"that holds it ({_shown(real, root_real)}): not followed",
                )
            )
        elif outside:
            walk.problems.append(_unsafe_symlink(path, _outside(path, written)))
        else:
            walk.symlinked_dirs.append(f"{path}/")
        return
    if not entry.is_file():
        walk.notices.append(f"{path} is a broken symlink: treated as missing")
        return
    if outside:
        # A server would publish whatever it points at (/proc/self/environ, ~/.ssh/...).
        walk.problems.append(_unsafe_symlink(path, _outside(path, written)))
        return
    _add_file(entry, path, walk)


def _outside(path: str, written: str) -> str:
    return f"symlink {path} -> {written} leads outside the site: not followed"


def _unsafe_symlink(path: str, message: str) -> _Problem:
    return _Problem(
        Rule.UNSAFE_SYMLINK,
        path,
        "",
        "",
        message,
        "replace the symlink with the file itself, or remove it, and rebuild",
        html_line=1,
    )


def _shown(real: str, root_real: str) -> str:
    if real == root_real:
        return "the site folder"
    if real.startswith(root_real + os.sep):
        return real[len(root_real) + 1 :]
    return real


def _add_file(entry: os.DirEntry[str], path: str, walk: _Walk) -> None:
    walk.files.add(path)
    # Links are percent-decoded to NFC; a name written decomposed (macOS) must still match.
    walk.files.add(unicodedata.normalize("NFC", path))
    lower = path.lower()
    if lower.endswith(PAGE_SUFFIXES):
        walk.pages.append((path, entry.stat().st_size))
    elif lower.endswith(".css"):
        walk.stylesheets.append((path, entry.stat().st_size))


def _jobs(requested: int, pages: int, busy: int) -> int:
    if requested > 0:
        return requested
    if pages < 300:  # forking workers costs about 50 ms: worth it from a few hundred pages on
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    # Workers on CPUs another process keeps busy only add overhead (measured: 4.1 s with two
    # workers against 3.4 s in one process when one of two CPUs was taken).
    return max(1, min((cpus or 1) - busy, 8))


def _busy_cpus() -> int:
    """Runnable processes besides this one right now (Linux `/proc/loadavg`), else 0."""
    try:
        with open("/proc/loadavg", encoding="ascii") as handle:
            running = int(handle.read().split()[3].partition("/")[0])
    except (OSError, ValueError, IndexError):
        return 0
    return max(0, running - 1)


def _scan_all(
    site: _Site, tasks: Sequence[tuple[str, int]], jobs: int, progress: Progress | None
) -> Iterator[_PageScan]:
    total = len(tasks)
    if jobs <= 1 or total < 2:
        _init_worker(site)
        for done, task in enumerate(tasks, 1):
            yield _scan_page(task)
            if progress is not None:
                progress(done, total)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    chunk = max(1, min(16, total // (jobs * 8)))
    with context.Pool(jobs, initializer=_init_worker, initargs=(site,)) as pool:
        for done, scan in enumerate(pool.imap_unordered(_scan_page, tasks, chunksize=chunk), 1):
            yield scan
            if progress is not None:
                progress(done, total)


def check_site(options: LinkOptions, progress: Progress | None = None) -> LinkReport:
    """Check every page of a built site: links, anchors, assets and cross-language links.

    Args:
        options: The site and how to read it.
        progress: Called as pages are read, for a progress bar.

    Returns:
        The findings (with the effective severity, `ignore`d rules left out) and counts.

    Raises:
        LinkConfigError: The site directory does not exist or the languages are unusable.
    """
    site_dir = options.site_dir
    if not site_dir.is_dir():
        raise LinkConfigError(f"{site_dir} is not a directory: build the site first (mkdocs build)")
    if not options.languages:
        raise LinkConfigError("no languages: pass --languages en,ja or configure the i18n plugin")
    busy = _busy_cpus()
    walk = _walk(site_dir)
    busy = min(busy, _busy_cpus())  # the smaller of two samples: a passing process is noise
    languages = (
        options.languages[0],
        *(code for code in options.languages[1:] if f"{code}/index.html" in walk.files),
    )
    site = _Site(
        site_dir=str(site_dir),
        files=frozenset(walk.files),
        symlinked_dirs=tuple(walk.symlinked_dirs),
        languages=languages,
        base_path=normalise_base_path(options.base_path),
        origin=_origin(options.site_url),
        allowlist=options.cross_language_allowlist,
        max_page_bytes=options.max_page_bytes,
        collect_external=options.collect_external,
        html_policy=HtmlPolicy(
            embed_allowlist=options.embed_allowlist,
            trusted_scripts=script_hashes_of(read_policy(site_dir) or ""),
        ),
    )
    ids: dict[str, frozenset[str] | None] = {}
    fallback: dict[str, bool] = {}
    problems: list[_Problem] = list(walk.problems)
    anchors: list[_AnchorRef] = []
    external: dict[str, list[LinkSource]] = {}
    links = 0
    jobs = _jobs(options.jobs, len(walk.pages), busy)
    for scan in _scan_all(site, walk.pages, jobs, progress):
        ids[scan.page] = scan.ids
        fallback[scan.page] = scan.fallback
        problems.extend(scan.problems)
        anchors.extend(scan.anchors)
        links += scan.links
        for url, written, text in scan.external:
            external.setdefault(url, []).append(LinkSource(scan.page, written, text, scan.fallback))
    _init_worker(site)
    for sheet, size in walk.stylesheets:
        count, found = _scan_stylesheet(site, sheet, size)
        links += count
        problems.extend(found)
    for anchor in anchors:
        target_ids = ids.get(anchor.target)
        if target_ids is None or fragment_exists(anchor.fragment, target_ids):
            continue
        decoded = unquote(anchor.fragment)
        problems.append(
            _Problem(
                Rule.BROKEN_ANCHOR,
                anchor.page,
                f"{anchor.target}#{decoded}",
                anchor.url,
                f"link {anchor.url!r}: no id {decoded!r} in {anchor.target}",
                "link to an existing heading id, or give the heading that id with {#id}",
                text=anchor.text,
            )
        )
    tracer = SourceTracer(options, languages)
    findings = [
        finding
        for problem in problems
        if (finding := tracer.finding(problem, fallback.get(problem.page, False))) is not None
    ]
    for sources in external.values():
        sources.sort(key=lambda source: source.page)
    return LinkReport(
        findings=sort_findings(findings),
        pages=len(walk.pages),
        links=links,
        external=dict(sorted(external.items())),
        notices=walk.notices,
        languages=languages,
    )


def normalise_base_path(base_path: str) -> str:
    """`help`, `/help` and `/help/` all become `/help/`; empty becomes `/`."""
    stripped = base_path.strip().strip("/")
    return f"/{stripped}/" if stripped else "/"


def base_path_from_site_url(site_url: str) -> str:
    """The URL path of MkDocs' `site_url` (`https://x.example/help/` -> `/help/`)."""
    return normalise_base_path(urlsplit(site_url).path) if site_url else "/"


def _origin(site_url: str) -> tuple[str, str] | None:
    if not site_url:
        return None
    parts = urlsplit(site_url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return parts.scheme.lower(), parts.netloc.lower()

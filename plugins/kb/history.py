"""What changed in source articles since translations' `source_digest`: `kb diff`, and since
when (`kb status`)."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from kb.articles import decode
from kb.corpus import Corpus
from kb.digest import digest_text
from kb.docs_tree import MAX_ARTICLE_BYTES, read_regular_file
from kb.gitinfo import BlobReader, FileVersion, GitError, file_history, file_versions

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from kb.project import Project

ChangeBasis = Literal["git", "working-tree", "mtime", "unknown"]


class HistoryError(Exception):
    """`kb diff` cannot answer; `usage` is True for wrong input (exit 2), False otherwise."""

    def __init__(self, message: str, *, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


@dataclass(frozen=True)
class TranslationDiff:
    """The change of a source article since the version a translation was made from."""

    source_path: str
    """The source article, as findings report it."""
    commit: str | None
    """The commit whose version has the recorded digest (None when the file is unchanged)."""
    diff: str
    """Unified diff from that version to the working file; empty when nothing changed."""


def translation_diff(project: Project, path: Path) -> TranslationDiff:
    """Diff the source article of a translation since its recorded `source_digest`.

    Walks the source article's git history newest first and stops at the first version whose
    digest is the translation's `source_digest`.

    Args:
        project: The project.
        path: The translation.

    Returns:
        The diff.

    Raises:
        HistoryError: `path` is no translation, records no digest, git is missing, the source
            article has no history, or no version has the recorded digest.
    """
    corpus = Corpus(project)
    absolute = (path if path.is_absolute() else project.root / path).resolve()
    try:
        docs_path = absolute.relative_to(project.docs_dir).as_posix()
    except ValueError:
        raise HistoryError(f"{path} is not inside the docs directory", usage=True) from None
    key = corpus.index.article_key(docs_path)
    if key is None:
        raise HistoryError(f"{path} is not an article of a configured language", usage=True)
    language, rel = key
    if language == project.source_language:
        raise HistoryError(f"{path} is a source-language article: pass a translation", usage=True)
    translation = corpus.article(language, rel)
    if translation is None:
        raise HistoryError(f"{path} cannot be read: run `kb check {path}` to see why")
    recorded = translation.source_digest
    if recorded is None:
        raise HistoryError(
            f"{path} records no source_digest, so kb cannot tell which version it was "
            f"translated from; compare by hand, then run `kb mark-translated {path}`"
        )
    source_docs_path = corpus.index.docs_path(project.source_language, rel)
    if source_docs_path is None:
        raise HistoryError(f"{path} has no source article")
    source_file = project.docs_dir / source_docs_path
    shown = project.display_path(source_file)
    try:
        current = read_regular_file(source_file, MAX_ARTICLE_BYTES).decode("utf-8", "replace")
    except OSError as error:
        raise HistoryError(f"{shown} cannot be read: {error.strerror or error}") from None
    if digest_text(current) == recorded:
        return TranslationDiff(shown, None, "")
    seen = False
    try:
        for commit, content in file_history(source_file, MAX_ARTICLE_BYTES):
            seen = True
            text, _ = decode(content)
            if text is not None and digest_text(text) == recorded:
                lines = difflib.unified_diff(
                    text.splitlines(keepends=True),
                    current.replace("\r\n", "\n").splitlines(keepends=True),
                    fromfile=f"{shown}@{commit[:12]}",
                    tofile=f"{shown} (working tree)",
                )
                return TranslationDiff(shown, commit, "".join(lines))
    except GitError as error:
        raise HistoryError(f"kb diff needs git: {error}", usage=True) from None
    if not seen:
        raise HistoryError(f"{shown} has no git history: commit it first (it is untracked)")
    raise HistoryError(
        f"no committed version of {shown} has the digest {recorded} recorded in {path}: "
        "the translation may predate the history or the digest was edited by hand"
    )


@dataclass(frozen=True)
class SourceChange:
    """Since when a source article differs from the version a translation records."""

    since: dt.date | None
    """The day it changed away from that version; None when unknown."""
    basis: ChangeBasis
    """Where the day comes from: the commit that changed it (`git`), the file's modification
    time because the change is not committed yet (`working-tree`) or because there is no git
    history (`mtime`), or nothing (`unknown`: no committed version has the recorded digest)."""
    commit: str | None = None
    """The commit that changed it (`git` only)."""


def source_changes(
    project: Project, recorded: Mapping[str, str], *, git: bool = True
) -> dict[str, SourceChange]:
    """When each source article changed away from the digest a translation recorded.

    One `git log` over the docs directory and one `git cat-file --batch` answer for every
    article: versions are read newest first until one has the recorded digest; the commit after
    it is the change. Without git, the file's modification time stands in.

    Args:
        project: The project.
        recorded: Docs-relative path of each source article, and the digest its stale
            translation records.
        git: Read git history; False uses the files' modification times only.

    Returns:
        The change of each source article.
    """
    if not git:
        return {path: _modified(project, path, "mtime") for path in recorded}
    if not recorded:
        return {}
    try:
        history = file_versions(project.docs_dir, recorded.keys())
    except GitError:
        return {path: _modified(project, path, "mtime") for path in recorded}
    changes: dict[str, SourceChange] = {}
    try:
        with BlobReader(project.docs_dir) as blobs:
            for path, digest in recorded.items():
                changes[path] = _change(project, path, digest, history.get(path, []), blobs)
    except (GitError, OSError):
        return {path: _modified(project, path, "mtime") for path in recorded}
    return changes


def _change(
    project: Project, path: str, digest: str, versions: list[FileVersion], blobs: BlobReader
) -> SourceChange:
    if not versions:
        return _modified(project, path, "mtime")  # never committed
    newer: FileVersion | None = None
    for version in versions:
        content = blobs.read(version.blob, MAX_ARTICLE_BYTES)
        text = decode(content)[0] if content is not None else None
        if text is not None and digest_text(text) == digest:
            if newer is None:
                return _modified(project, path, "working-tree")
            return SourceChange(dt.date.fromtimestamp(newer.time), "git", newer.commit)
        newer = version
    return SourceChange(None, "unknown")


def _modified(project: Project, path: str, basis: ChangeBasis) -> SourceChange:
    try:
        mtime = (project.docs_dir / path).stat().st_mtime
    except OSError:
        return SourceChange(None, "unknown")
    return SourceChange(dt.date.fromtimestamp(mtime), basis)

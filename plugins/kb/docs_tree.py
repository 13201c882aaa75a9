"""The docs folder as kb and the build may read it: files reached without leaving the repository.

A doc pull request can add symlinks. MkDocs walks `docs_dir` following every symlink and copies
what it finds into the site, so `docs/en/assets/env.txt -> /proc/self/environ` would publish the
build's environment, and two links to `.` make the walk exponential. kb walks the folder itself,
never through a symlinked folder, and refuses (with a finding) every entry the build must not
read: symlinks that leave the repository, point into a hidden folder of it (`.git/config` holds
CI tokens), loop, dangle or name a folder, and entries that are not regular files (a named pipe
blocks its reader forever).
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

MAX_ARTICLE_BYTES = 256 * 1024
"""Largest article kb reads (and lets the build read). Help articles are a few kilobytes;
Python-Markdown's inline processing grows with the square of a paragraph (a 280 KB paragraph
of `*em*` takes it 20 s), so a few megabytes on one line would hold the build for an hour."""
MAX_DATA_BYTES = 1024 * 1024
"""Largest `products.yml` or `glossary.yml` kb reads."""
MAX_DEPTH = 32
"""Deepest folder nesting kb walks: MkDocs' recursive walk dies of a RecursionError near 1,000."""

_SPECIAL = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a folder",
}


@dataclass(frozen=True)
class Refusal:
    """An entry of the docs folder that kb does not follow or read, and why."""

    path: str
    """Docs-relative POSIX path of the entry."""
    symlink: bool
    """The entry is a symlink (`unsafe-symlink`); otherwise it is no regular file."""
    message: str
    """What is wrong, naming the entry's target or kind."""
    hint: str
    """How to fix it."""


@dataclass
class DocsTree:
    """What `walk_docs` found."""

    files: list[str] = field(default_factory=list)
    """Docs-relative POSIX paths of the files that may be read, dot-files left out (MkDocs
    leaves them out of the site), sorted."""
    hidden: list[str] = field(default_factory=list)
    """Files that may be read under a name starting with a dot (MkDocs excludes them unless
    `exclude_docs` says otherwise)."""
    refusals: list[Refusal] = field(default_factory=list)
    """Entries that must not be followed or read, sorted by path."""

    @property
    def readable(self) -> frozenset[str]:
        """Every file that may be read, dot-files included."""
        return frozenset(self.files) | frozenset(self.hidden)


class FileTooLarge(OSError):
    """A file is larger than the reader allows."""

    def __init__(self, path: Path, size: int, limit: int) -> None:
        message = f"{_size(size)}, over the {_size(limit)} limit"
        super().__init__(errno.EFBIG, message)
        self.size = size
        self.limit = limit
        self.filename = str(path)


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / 1048576:,.1f} MB"
    return f"{-(-count // 1024):,} KB"  # rounded up: one byte over the limit reads as over


class NotAFile(OSError):
    """A path names a named pipe, socket, device or folder rather than a regular file."""


def walk_docs(docs_dir: Path, repository: Path) -> DocsTree:
    """Walk `docs_dir` without following symlinked folders, vetting every symlink and entry.

    Args:
        docs_dir: The docs folder (resolved).
        repository: The folder no symlink may lead out of (resolved).

    Returns:
        The readable files and the refused entries.
    """
    tree = DocsTree()
    pending = [(str(docs_dir), "", False, 0)]
    while pending:
        directory, prefix, hidden, depth = pending.pop()
        if depth > MAX_DEPTH:
            where = prefix.rstrip("/")
            tree.refusals.append(
                Refusal(
                    where,
                    symlink=False,
                    message=f"this folder is nested more than {MAX_DEPTH} folders deep: "
                    "kb and the build stop here",
                    hint="flatten the folders: a help center needs two or three levels",
                )
            )
            continue
        try:
            entries = list(os.scandir(directory))
        except OSError as error:
            where = prefix.rstrip("/") or "."
            tree.refusals.append(
                Refusal(
                    where,
                    symlink=False,
                    message=f"this folder cannot be read: {error.strerror or error}",
                    hint="make the folder readable, or remove it",
                )
            )
            continue
        for entry in entries:
            path = f"{prefix}{entry.name}"
            dotted = hidden or entry.name.startswith(".")
            try:
                refusal = _refusal(entry, path, repository)
                if refusal is not None:
                    tree.refusals.append(refusal)
                elif entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, f"{path}/", dotted, depth + 1))
                else:
                    (tree.hidden if dotted else tree.files).append(path)
            except OSError as error:
                tree.refusals.append(_unreadable(entry.name, path, error))
    tree.files.sort()
    tree.hidden.sort()
    tree.refusals.sort(key=lambda refusal: refusal.path)
    return tree


def _refusal(entry: os.DirEntry[str], path: str, repository: Path) -> Refusal | None:
    """Why an entry must not be read, or None for a folder or a readable file (the common
    case costs no system call beyond the folder listing's)."""
    if entry.is_symlink():
        problem = symlink_problem(Path(entry.path), repository)
        if problem is not None:
            return Refusal(path, True, *problem)
    elif entry.is_dir(follow_symlinks=False):
        return None
    elif not entry.is_file(follow_symlinks=False):
        kind = _SPECIAL.get(stat.S_IFMT(entry.stat(follow_symlinks=False).st_mode), "")
        return Refusal(
            path,
            symlink=False,
            message=f"{entry.name} is {kind or 'not a regular file'}, not a file: kb and the "
            "build never read it",
            hint="remove it from the docs folder",
        )
    if not os.access(entry.path, os.R_OK):
        return _unreadable(entry.name, path, PermissionError(errno.EACCES, "Permission denied"))
    return None


def _unreadable(name: str, path: str, error: OSError) -> Refusal:
    return Refusal(
        path,
        symlink=False,
        message=f"{name} cannot be read: {error.strerror or error}",
        hint="make the file readable, or remove it",
    )


def symlink_problem(link: Path, repository: Path) -> tuple[str, str] | None:
    """Why a symlink must not be followed, or None when it leads to a file of the repository.

    Args:
        link: The symlink (absolute).
        repository: The folder it may not lead out of (resolved).

    Returns:
        (message, hint), or None for a symlink to a regular file inside `repository`, outside
        its hidden folders.
    """
    name = link.name
    try:
        written = os.readlink(link)
    except OSError as error:
        return f"symlink {name} cannot be read: {error.strerror or error}", _HINT
    try:
        target = os.stat(link)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return f"symlink {name} -> {written} loops: it never reaches a file", _HINT
        return f"symlink {name} -> {written} points at nothing", _HINT
    real = Path(os.path.realpath(link))
    if not real.is_relative_to(repository):
        return (
            f"symlink {name} -> {written} leads outside the repository: "
            "kb and the build never follow it",
            _HINT,
        )
    inside = real.relative_to(repository)
    if any(part.startswith(".") for part in inside.parts):
        return (
            f"symlink {name} -> {written} leads into {inside.as_posix()}, a hidden file of the "
            "repository (such as .git/config): kb and the build never follow it",
            _HINT,
        )
    if stat.S_ISDIR(target.st_mode):
        parent = Path(os.path.realpath(link.parent))
        if parent.is_relative_to(real):
            return f"symlink {name} -> {written} loops back to a folder that holds it", _HINT
        return (
            f"symlink {name} -> {written} is a symlinked folder: kb never walks one, so the "
            "build would publish its files unchecked",
            "move the folder here, or link its files one by one",
        )
    if not stat.S_ISREG(target.st_mode):
        kind = _SPECIAL.get(stat.S_IFMT(target.st_mode), "not a regular file")
        return f"symlink {name} -> {written} leads to {kind}", _HINT
    return None


_HINT = "replace the symlink with the file itself, or remove it"


def read_regular_file(path: Path, limit: int) -> bytes:
    """Read a regular file of at most `limit` bytes, never blocking on a named pipe.

    Args:
        path: The file (symlinks are followed: vet them with `symlink_problem` first).
        limit: Largest size read.

    Returns:
        The file's bytes.

    Raises:
        NotAFile: `path` is a named pipe, socket, device or folder.
        FileTooLarge: The file is larger than `limit`.
        OSError: The file cannot be opened or read.
    """
    # O_NONBLOCK: opening a named pipe for reading would otherwise wait for a writer forever.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            kind = _SPECIAL.get(stat.S_IFMT(info.st_mode), "not a regular file")
            raise NotAFile(errno.EINVAL, f"{kind}, not a file", str(path))
        if info.st_size > limit:
            raise FileTooLarge(path, info.st_size, limit)
        wanted = info.st_size + 1
        data = handle.read(wanted)
        if len(data) == wanted:  # more than the size said (a growing or /proc file): read on
            data += handle.read(limit + 1 - len(data))
    if len(data) > limit:
        raise FileTooLarge(path, len(data), limit)
    return data

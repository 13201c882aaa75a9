"""Git, through its command line: what changed since a ref, and a file's past versions."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Collection, Iterator
    from types import TracebackType


EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
"""Git's empty tree: what a repository without commits is compared with."""


class GitError(Exception):
    """Git is missing, the directory is no repository, or a git command failed."""


def run_git(args: list[str], cwd: Path) -> bytes:
    """Run one git command and return its standard output.

    Raises:
        GitError: Git is not installed or the command failed (its first error line says why).
    """
    try:
        completed = subprocess.run(
            # Literal pathspecs: a file named `:(glob)*` is a name, not a pattern.
            ["git", "--literal-pathspecs", "-c", "core.quotepath=off", *args],
            cwd=cwd,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)") from None
    except OSError as error:
        raise GitError(f"cannot run git: {error}") from None
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[0] if message else f"git {args[0]} failed")
    return completed.stdout


class BadRef(GitError):
    """A value given as a git ref that git would read as something else (an option)."""


def check_ref(ref: str) -> str:
    """`ref`, when it can only be a revision: not empty, no leading `-`, no control characters.

    `git diff --output=FILE` writes FILE: a ref from the command line or CI must never reach
    git as an option (every call also puts `--end-of-options` before revisions).

    Raises:
        BadRef: The value is not a revision.
    """
    if not ref.strip() or ref.startswith("-") or any(ord(c) < 32 or ord(c) == 127 for c in ref):
        raise BadRef(f"{ref!r} is not a git revision (e.g. origin/main, HEAD~3, a commit id)")
    return ref


def git_dir(start: Path) -> Path | None:
    """The repository's common git directory found above `start`, read without running git."""
    for directory in (start, *start.parents):
        dot_git = directory / ".git"
        if dot_git.is_dir():
            found = dot_git
        elif dot_git.is_file():
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if not text.startswith("gitdir:"):
                return None
            found = (directory / text.removeprefix("gitdir:").strip()).resolve()
        else:
            continue
        common = found / "commondir"
        if common.is_file():
            found = (found / common.read_text(encoding="utf-8").strip()).resolve()
        return found
    return None


def has_ref(start: Path, ref: str) -> bool:
    """True when the repository above `start` has the full ref (e.g. `refs/remotes/origin/main`)."""
    found = git_dir(start)
    if found is None:
        return False
    if (found / ref).is_file():
        return True
    packed = found / "packed-refs"
    try:
        return f" {ref}\n" in packed.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def changed_files(directory: Path, ref: str | None = None) -> list[str]:
    """Files under `directory` changed since `ref`: modified, added, deleted, renamed, untracked.

    Args:
        directory: Where to look (paths are returned relative to it, POSIX).
        ref: Compare with this commit; default: the merge base with `origin/main` when that
            branch exists, else `HEAD`.

    Returns:
        Sorted paths; both the old and the new path of a rename.

    Raises:
        BadRef: `ref` is not a revision (it starts with `-`, say).
        GitError: Git is missing or the ref is unknown.
    """
    diff = _diff_since(directory, ref)
    if diff is None:
        # No commit yet: everything in the index is new.
        diff = run_git(
            ["diff", "--name-status", "-z", "--relative", "--end-of-options", EMPTY_TREE, "--"],
            directory,
        )
    paths: set[str] = set()
    for _, changed in _name_status(diff):
        paths.update(changed)
    untracked = run_git(["ls-files", "-z", "--others", "--exclude-standard"], directory)
    paths.update(p for p in untracked.decode("utf-8", "surrogateescape").split("\0") if p)
    return sorted(paths)


def _diff_since(directory: Path, ref: str | None) -> bytes | None:
    """`git diff --name-status` output of `--changed [REF]`; None when there is no commit yet
    (and no REF was given)."""
    options, base = _diff_base(directory, ref)
    try:
        return run_git([*options, "--end-of-options", base, "--"], directory)
    except GitError as error:
        if ref is not None or "HEAD" not in str(error):
            raise
        return None


def _diff_base(directory: Path, ref: str | None) -> tuple[list[str], str]:
    """The `git diff --name-status` options and base of `--changed [REF]`."""
    options = ["diff", "--name-status", "-z", "-M", "--relative"]
    if ref is not None:
        return options, check_ref(ref)
    if has_ref(directory, "refs/remotes/origin/main"):
        return [*options, "--merge-base"], "origin/main"
    return options, "HEAD"


def removed_files(directory: Path, ref: str | None = None) -> dict[str, str | None]:
    """Files under `directory` that existed at `ref` and are gone: deleted, or renamed.

    Args:
        directory: Where to look (paths are relative to it, POSIX).
        ref: The comparison ref, as for `changed_files`.

    Returns:
        Each removed path, with its new path when git saw a rename, else None.

    Raises:
        BadRef: `ref` is not a revision.
        GitError: Git is missing or the ref is unknown.
    """
    diff = _diff_since(directory, ref)
    if diff is None:
        return {}  # no commit yet: nothing existed before
    removed: dict[str, str | None] = {}
    for status, changed in _name_status(diff):
        if status == "R":
            removed[changed[0]] = changed[1]
        elif status == "D":
            removed[changed[0]] = None
    return removed


def _name_status(diff: bytes) -> Iterator[tuple[str, list[str]]]:
    """The records of `git diff --name-status -z`: status letter and its paths (two for a
    rename or copy, old then new; one otherwise)."""
    fields = diff.decode("utf-8", "surrogateescape").split("\0")
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index][:1]
        count = 2 if status in ("R", "C") else 1
        yield status, fields[index + 1 : index + 1 + count]
        index += 1 + count


def file_history(path: Path, limit: int | None = None) -> Iterator[tuple[str, bytes]]:
    """Committed versions of a file, newest first, following renames.

    Args:
        path: The file (absolute).
        limit: Leave out versions larger than this many bytes.

    Yields:
        (commit id, file content at that commit).

    Raises:
        GitError: Git is missing or `path` is not in a repository.
    """
    directory = path.parent
    top = Path(run_git(["rev-parse", "--show-toplevel"], directory).decode().strip())
    relative = path.resolve().relative_to(top.resolve()).as_posix()
    try:
        log = run_git(
            ["log", "--follow", "--format=%x01%H", "--name-only", "--", relative], top
        ).decode("utf-8", "surrogateescape")
    except GitError as error:
        if "does not have any commits" in str(error):
            return  # a repository without commits has no history of anything
        raise
    versions: list[tuple[str, str]] = []
    for chunk in log.split("\x01")[1:]:
        lines = [line for line in chunk.splitlines() if line.strip()]
        if len(lines) >= 2:
            versions.append((lines[0], lines[-1]))
    if not versions:
        return
    with BlobReader(top) as blobs:
        for commit, name in versions:
            content = blobs.read(f"{commit}:{name}", limit)
            if content is not None:
                yield commit, content


class BlobReader:
    """One `git cat-file --batch` process answering for many objects, one at a time."""

    def __init__(self, directory: Path) -> None:
        """Start the process in the repository that holds `directory`.

        Raises:
            GitError: Git cannot be run.
        """
        try:
            self._process = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=directory,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError as error:
            raise GitError(f"cannot run git: {error}") from None

    def read(self, name: str, limit: int | None = None) -> bytes | None:
        """The content of a blob (`<sha>` or `<commit>:<path>`), or None when there is none
        (or it is larger than `limit` bytes: it is skipped, never held in memory)."""
        stdin, stdout = self._process.stdin, self._process.stdout
        if stdin is None or stdout is None:  # pragma: no cover - pipes were asked for
            raise GitError("cannot talk to git cat-file")
        if "\n" in name:
            return None  # one object name per line: a newline would ask for a second object
        stdin.write(f"{name}\n".encode())
        stdin.flush()
        header = stdout.readline().split()
        if len(header) < 3 or header[1] != b"blob":
            return None
        size = int(header[2])
        if limit is not None and size > limit:
            while size > 0:
                chunk = stdout.read(min(size, 1 << 20))
                if not chunk:
                    raise GitError("git cat-file stopped answering")
                size -= len(chunk)
            stdout.read(1)
            return None
        content = stdout.read(size)
        stdout.read(1)
        return content

    def close(self) -> None:
        """Stop the process."""
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                pipe.close()
        self._process.kill()
        self._process.wait()

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


@dataclass(frozen=True)
class FileVersion:
    """A committed version of a file."""

    commit: str
    """The commit that wrote this version."""
    time: int
    """The commit's committer time (Unix seconds)."""
    blob: str
    """The version's blob id."""


def file_versions(directory: Path, paths: Collection[str]) -> dict[str, list[FileVersion]]:
    """The committed versions of several files under `directory`, from one `git log`.

    Renames are followed backwards (`-M`), so a moved article keeps its older versions.

    Args:
        directory: Where the files are; paths are relative to it (POSIX).
        paths: The files wanted.

    Returns:
        Each wanted file that has history, with its versions newest first.

    Raises:
        GitError: Git is missing, or `directory` is not in a repository with commits.
    """
    log = run_git(
        ["log", "-M", "--raw", "--no-abbrev", "-z", "--relative", "--format=%x01%H%x00%ct", "--"],
        directory,
    ).decode("utf-8", "surrogateescape")
    following = {path: path for path in paths}  # path in older commits -> wanted path
    versions: dict[str, list[FileVersion]] = {}
    for chunk in log.split("\x01")[1:]:
        fields = chunk.split("\0")
        if len(fields) < 2 or not following:
            break
        commit, time = fields[0], int(fields[1] or 0)
        index = 2
        while index < len(fields) and fields[index].lstrip("\n").startswith(":"):
            header = fields[index].lstrip("\n").split()
            status = header[4] if len(header) > 4 else ""
            count = 2 if status[:1] in ("R", "C") else 1
            names = fields[index + 1 : index + 1 + count]
            index += 1 + count
            path = names[-1] if names else ""
            wanted = following.get(path)
            if wanted is None:
                continue
            if status[:1] != "D":
                versions.setdefault(wanted, []).append(FileVersion(commit, time, header[3]))
            if status[:1] == "R":
                del following[path]
                following[names[0]] = wanted
            elif status[:1] == "A":
                del following[path]
    return versions

"""A content-addressed cache of kb's work between runs, in `.cache/kb/` at the project root.

Entries are JSON values stored under a key that the caller derives from everything the value
depends on (`digest_of`). Each namespace (`render`, `check`) has its own folder per kb code
fingerprint and cache format (`<namespace>-<fingerprint>`), so an entry made by another kb is
never even looked at. Every entry also carries a header naming its namespace, fingerprint, key,
size and digest: an entry that is truncated, corrupt, foreign or unreadable is a miss, and the
next write replaces it. Nothing in an entry is ever executed (no pickle).

A run marks the entries it reads or writes; `prune()` at the end of a whole run removes the
rest of the namespace and the folders of other kb versions, so the cache holds about one
build's worth of entries.

Pure: no MkDocs import (the plugin and the CLI adapt).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

from kb.atomic import atomic_write

CACHE_FORMAT = 1
"""Bumped whenever the layout of an entry, or of what a namespace stores, changes."""

MAGIC = b"kb-cache\n"
ENV_OFF = "KB_NO_CACHE"
"""`KB_NO_CACHE=1` turns every kb cache off (a build has no flags of its own)."""

_FINGERPRINT: str | None = None


def cache_disabled_by_env(environ: dict[str, str] | os._Environ[str] | None = None) -> bool:
    """True when `KB_NO_CACHE` is set to anything but empty, `0` or `false`."""
    value = (environ if environ is not None else os.environ).get(ENV_OFF, "")
    return value.strip().lower() not in ("", "0", "false", "no")


def code_fingerprint() -> str:
    """A digest of kb's own code and templates (and the cache format): any change to kb, even
    an unreleased one in an editable install, starts a fresh cache."""
    global _FINGERPRINT  # noqa: PLW0603 - computed once per process
    if _FINGERPRINT is None:
        digest = hashlib.blake2b(f"format {CACHE_FORMAT}\n".encode(), digest_size=8)
        root = Path(str(resources.files("kb")))
        for path in sorted(root.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file() or path.suffix == ".pyc":
                continue
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
        _FINGERPRINT = digest.hexdigest()
    return _FINGERPRINT


def digest_of(*parts: object) -> str:
    """A key for a cache entry: the digest of its inputs (text, bytes, or JSON values)."""
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        if isinstance(part, bytes):
            data = part
        elif isinstance(part, str):
            data = part.encode("utf-8", "surrogatepass")
        else:
            data = json.dumps(part, sort_keys=True, ensure_ascii=False, default=repr).encode()
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


class CacheError(Exception):
    """The cache folder cannot be used (e.g. a symlink out of the project)."""


def cache_root(project_dir: Path) -> Path:
    """`.cache/kb` in the project's folder.

    Raises:
        CacheError: `.cache` or `.cache/kb` leads out of the project (a symlink).
    """
    root = project_dir / ".cache" / "kb"
    real = Path(os.path.realpath(root))
    if not real.is_relative_to(Path(os.path.realpath(project_dir))):
        raise CacheError(f"{root} leads to {real}, outside the project: kb does not cache there")
    return root


class CacheStore:
    """One namespace of the cache: `get` and `put` JSON values by key."""

    def __init__(self, root: Path, namespace: str, *, fingerprint: str | None = None) -> None:
        self.namespace = namespace
        self.fingerprint = fingerprint or code_fingerprint()
        self.root = root
        self.folder = root / f"{namespace}-{self.fingerprint}"
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0
        self.writes = 0

    def _path(self, key: str) -> Path:
        if len(key) < 8 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError(f"not a cache key: {key!r}")
        return self.folder / key[:2] / key[2:]

    def get(self, key: str) -> Any | None:
        """The value stored under `key`, or None when there is none or it is not sound."""
        path = self._path(key)
        self.used.add(key)
        try:
            data = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        value = self._decode(data, key)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def _decode(self, data: bytes, key: str) -> Any | None:
        if not data.startswith(MAGIC):
            return None
        end = data.find(b"\n", len(MAGIC))
        if end < 0:
            return None
        try:
            header = json.loads(data[len(MAGIC) : end])
        except ValueError:
            return None
        payload = data[end + 1 :]
        expected = {
            "namespace": self.namespace,
            "fingerprint": self.fingerprint,
            "key": key,
            "size": len(payload),
            "digest": hashlib.blake2b(payload, digest_size=16).hexdigest(),
        }
        if header != expected:
            return None
        try:
            return json.loads(payload)
        except ValueError:
            return None

    def put(self, key: str, value: Any) -> None:
        """Store `value` (JSON) under `key`; a cache that cannot be written is no error."""
        path = self._path(key)
        self.used.add(key)
        payload = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        header = {
            "namespace": self.namespace,
            "fingerprint": self.fingerprint,
            "key": key,
            "size": len(payload),
            "digest": hashlib.blake2b(payload, digest_size=16).hexdigest(),
        }
        data = MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n" + payload
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, data, durable=False)
        except OSError:
            return
        self.writes += 1

    def prune(self) -> int:
        """Remove the namespace's entries this run did not use, and its folders of other kb
        versions; returns how many entries went. Call it only after a whole run."""
        removed = 0
        try:
            siblings = list(self.root.iterdir())
        except OSError:
            return 0
        for sibling in siblings:
            other = sibling.name.startswith(f"{self.namespace}-") and sibling != self.folder
            if other and sibling.is_dir() and not sibling.is_symlink():
                shutil.rmtree(sibling, ignore_errors=True)
        try:
            shards = list(self.folder.iterdir())
        except OSError:
            return removed
        for shard in shards:
            try:
                entries = list(shard.iterdir())
            except OSError:
                continue
            for entry in entries:
                if shard.name + entry.name not in self.used:
                    try:
                        entry.unlink()
                        removed += 1
                    except OSError:
                        pass
        return removed

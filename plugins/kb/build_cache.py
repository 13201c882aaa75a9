"""A content-addressed cache of kb's work between runs, in `.cache/kb/` at the project root.

Entries are JSON values stored under a key that the caller derives from everything the value
depends on (`digest_of`). Each namespace (`render`, `check`) has its own folder per kb code
fingerprint and cache format (`<namespace>-<fingerprint>`), so an entry made by another kb is
never even looked at. Every entry also carries a header naming its namespace, fingerprint, key,
size and a MAC of them and the payload, keyed by this machine's cache secret: an entry that is
truncated, corrupt, foreign or unreadable is a miss, and the next write replaces it. Nothing in
an entry is ever executed (no pickle).

The secret (`$XDG_CACHE_HOME/kb/cache-secret`, else `~/.cache/kb/cache-secret`, made on first
use, mode 600) lives outside the project: `.cache/` is ignored by git, but a pull request can
still commit one, and a planted entry would otherwise put unchecked HTML into the site (the
output allowlist trusts a cached "passed") or hide `kb check`'s findings. Entries that this
machine did not write are misses; a secret that would sit inside the project turns the cache off.

A run marks the entries it reads or writes; `prune()` at the end of a whole run removes the
rest of the namespace and the folders of other kb versions, so the cache holds about one
build's worth of entries.

Pure: no MkDocs import (the plugin and the CLI adapt).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import shutil
from concurrent.futures import Future, ThreadPoolExecutor, wait
from importlib import resources
from pathlib import Path
from typing import Any

from kb.atomic import atomic_write

CACHE_FORMAT = 2
"""Bumped whenever the layout of an entry, or of what a namespace stores, changes."""

MAGIC = b"kb-cache\n"
ENV_OFF = "KB_NO_CACHE"
"""`KB_NO_CACHE=1` turns every kb cache off (a build has no flags of its own)."""

_FINGERPRINT: str | None = None
_SECRET: dict[Path, bytes] = {}
SECRET_BYTES = 32


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


def secret_path() -> Path:
    """Where this machine's cache secret lives: `$XDG_CACHE_HOME/kb/cache-secret`, else
    `~/.cache/kb/cache-secret`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kb" / "cache-secret"


def cache_secret(path: Path | None = None) -> bytes:
    """This machine's key for the MAC of cache entries, made (mode 600) on first use.

    Raises:
        CacheError: The secret can neither be read nor made.
    """
    path = path or secret_path()
    known = _SECRET.get(path)
    if known is not None:
        return known
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as file:
                file.write(secrets.token_bytes(SECRET_BYTES))
        secret = path.read_bytes()
    except OSError as error:
        raise CacheError(f"no cache secret at {path}: {error.strerror or error}") from error
    if len(secret) != SECRET_BYTES:
        # Another process is still writing it, or it is damaged: no cache this run.
        raise CacheError(f"{path} is not a kb cache secret ({len(secret)} bytes)")
    _SECRET[path] = secret
    return secret


def cache_root(project_dir: Path) -> Path:
    """`.cache/kb` in the project's folder.

    Raises:
        CacheError: `.cache` or `.cache/kb` leads out of the project (a symlink), or the cache
            secret would be inside the project (a pull request could plant it).
    """
    root = project_dir / ".cache" / "kb"
    real = Path(os.path.realpath(root))
    project = Path(os.path.realpath(project_dir))
    if not real.is_relative_to(project):
        raise CacheError(f"{root} leads to {real}, outside the project: kb does not cache there")
    secret = Path(os.path.realpath(secret_path()))
    if secret.is_relative_to(project):
        raise CacheError(
            f"the cache secret {secret} would be inside the project: kb does not cache "
            "(set XDG_CACHE_HOME to a folder outside it)"
        )
    return root


class CacheStore:
    """One namespace of the cache: `get` and `put` JSON values by key."""

    def __init__(
        self,
        root: Path,
        namespace: str,
        *,
        fingerprint: str | None = None,
        secret: bytes | None = None,
        background: bool = False,
    ) -> None:
        """A namespace of the cache in `root`; with `background`, `put` hands the file writes
        to one thread (a build writes thousands of entries while it renders) and `flush` waits
        for them.

        Raises:
            CacheError: No cache secret (`cache_secret`).
        """
        self.namespace = namespace
        self.fingerprint = fingerprint or code_fingerprint()
        self._secret = secret if secret is not None else cache_secret()
        self.root = root
        self.folder = root / f"{namespace}-{self.fingerprint}"
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0
        self.writes = 0
        self._writer = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"kb-cache-{namespace}")
            if background
            else None
        )
        self._pending: list[Future[None]] = []

    def seal(self, key: str, payload: bytes) -> str:
        """The MAC of an entry: its namespace, kb fingerprint, key and payload, keyed by the
        machine's cache secret."""
        mac = hashlib.blake2b(key=self._secret, digest_size=16)
        for part in (self.namespace.encode(), self.fingerprint.encode(), key.encode(), payload):
            mac.update(len(part).to_bytes(8, "little"))
            mac.update(part)
        return mac.hexdigest()

    def _header(self, key: str, payload: bytes) -> dict[str, Any]:
        return {
            "namespace": self.namespace,
            "fingerprint": self.fingerprint,
            "key": key,
            "size": len(payload),
            "mac": self.seal(key, payload),
        }

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
        if not isinstance(header, dict) or not isinstance(header.get("mac"), str):
            return None
        expected = self._header(key, payload)
        if not hmac.compare_digest(header["mac"], expected["mac"]) or header != expected:
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
        header = self._header(key, payload)
        data = MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n" + payload
        if self._writer is None:
            self._write(path, data)
        else:
            self._pending.append(self._writer.submit(self._write, path, data))

    def _write(self, path: Path, data: bytes) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, data, durable=False)
        except OSError:
            return
        self.writes += 1

    def flush(self) -> None:
        """Wait until every entry `put` so far is written (or failed to be)."""
        pending, self._pending = self._pending, []
        wait(pending)

    def prune(self) -> int:
        """Remove the namespace's entries this run did not use, and its folders of other kb
        versions; returns how many entries went. Call it only after a whole run."""
        self.flush()
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

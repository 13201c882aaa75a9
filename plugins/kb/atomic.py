"""Replacing a file so that readers see the old bytes or the new ones, never half of them."""

from __future__ import annotations

import os
import stat
import tempfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


def atomic_write(path: Path, data: bytes, *, exclusive: bool = False, durable: bool = True) -> None:
    """Write a file through a temporary file in its directory, keeping the file's mode.

    Args:
        path: The file to write.
        data: Its new bytes.
        exclusive: Refuse to replace an existing file (`FileExistsError`).
        durable: Flush the bytes to the disk before the rename (a cache, which checks its
            entries when it reads them, can skip it).
    """
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        if exclusive:
            os.link(temporary, path)  # fails when the file exists: no overwrite, no race
            os.unlink(temporary)
        else:
            os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise

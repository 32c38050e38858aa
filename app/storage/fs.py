"""Writing a file so that a crash leaves either the old or the new one, never half of each.

Every file the app writes goes through ``atomic_write``: a temporary file beside the target
(``.<name>.<random>.tmp``, which readers of the folder skip), flushed to disk, then renamed
over the target with ``os.replace``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old or the new file.

    A ``private`` file (the user's own data: drafts, settings, secrets) is 0600, and is
    never readable by anyone else, not even while it is written. Any other file keeps the
    old one's permissions (or gets the usual ``0666 & ~umask``), so teammates sharing a
    checkout can still read it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = 0o600 if private else path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    # mkstemp promises a file only its owner can read and write; it gets its final mode
    # before the first byte of data, so a private file is never readable by others.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(folder: Path) -> None:
    # The rename itself is only durable once the directory entry is on disk.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

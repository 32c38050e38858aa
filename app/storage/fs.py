"""Writing a file so that a crash leaves either the old or the new one, never half of each;
keeping the user's data readable only by them; setting a damaged file aside.

Every file the app writes goes through ``atomic_write``: a temporary file beside the target
(``.<name>.<random>.tmp``, which readers of the folder skip), flushed to disk, then renamed
over the target with ``os.replace``.

The data folder holds secrets (the fallback secrets file, drafts with tokens typed into
them, history): it is ``PRIVATE_FOLDER_MODE`` (0700), made so by ``private_folder``, and
each file the app writes in it is ``PRIVATE_FILE_MODE`` (0600).

A file the app cannot use is never deleted nor silently overwritten: ``set_aside`` renames
it to ``<name>.damaged-<time>`` beside itself, and the store that read it says so.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from pathlib import Path

__all__ = [
    "PRIVATE_FILE_MODE",
    "PRIVATE_FOLDER_MODE",
    "atomic_write",
    "private_folder",
    "set_aside",
]

PRIVATE_FILE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700


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
    # A missing folder for a private file is made private too; an existing one is the
    # caller's (``private_folder`` narrows the data folder once, at start).
    path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER_MODE if private else 0o777)
    try:
        mode = PRIVATE_FILE_MODE if private else path.stat().st_mode & 0o7777
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


def private_folder(folder: Path) -> Path:
    """``folder``, created when missing, readable only by its owner (0700).

    An existing folder of the user's with wider permissions (made by an older version of
    the app, or by hand) is narrowed. One owned by someone else is left as it is (even when
    running as root), and so is one on a file system without Unix permissions (FAT, some
    network shares), which refuses the change: the app works there as it always did.
    """
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER_MODE)
    info = folder.stat()
    if stat.S_IMODE(info.st_mode) != PRIVATE_FOLDER_MODE and info.st_uid == os.getuid():
        with contextlib.suppress(OSError):
            os.chmod(folder, PRIVATE_FOLDER_MODE)
    return folder


def set_aside(path: Path, label: str = "damaged") -> Path:
    """Rename ``path`` to a free ``<name>.<label>-<YYYYmmdd-HHMMSS>[-n]`` beside it.

    Returns the new path; raises ``OSError`` when the file cannot be renamed.
    """
    stamp = time.strftime("%Y%m%d-%H%M%S")
    serial = 1
    while True:
        suffix = f".{label}-{stamp}" if serial == 1 else f".{label}-{stamp}-{serial}"
        target = path.with_name(path.name + suffix)
        if not target.exists() and not target.is_symlink():
            break
        serial += 1
    path.rename(target)
    return target

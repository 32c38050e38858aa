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

A folder someone else made (a shared collection) may hold symbolic links to anywhere:
``first_link`` finds one on a path below a trusted folder, ``is_link`` tells one (or a
Windows junction) from an ``lstat``, and ``open_no_follow`` opens a regular file for reading
only if it is not one, so a link swapped in after the check is not followed either.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

__all__ = [
    "PRIVATE_FILE_MODE",
    "PRIVATE_FOLDER_MODE",
    "atomic_write",
    "first_link",
    "is_link",
    "open_no_follow",
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


# A junction is Windows' other kind of link: a directory to ``lstat``, not ``S_ISLNK``.
_JUNCTION = getattr(stat, "IO_REPARSE_TAG_MOUNT_POINT", None)


def is_link(info: os.stat_result) -> bool:
    """Whether an ``lstat`` result is an entry that leads elsewhere: a symbolic link, or on
    Windows a junction."""
    return stat.S_ISLNK(info.st_mode) or (
        _JUNCTION is not None and getattr(info, "st_reparse_tag", None) == _JUNCTION
    )


def first_link(root: Path, rel: Path) -> Path | None:
    """The first of ``rel``'s paths (``a``, ``a/b``, ... ``rel`` itself last) that is a link
    inside ``root``, or ``None``. ``root`` and the folders above it are not looked at: the
    user chose them. The walk ends quietly at a part that does not exist (nothing to follow)
    or cannot be looked at (what uses the path next reports that)."""
    current = root
    for depth, part in enumerate(rel.parts, 1):
        current = current / part
        try:
            info = os.lstat(current)
        except OSError:
            return None
        if is_link(info):
            return Path(*rel.parts[:depth])
    return None


def open_no_follow(path: Path) -> BinaryIO:
    """``path`` opened for reading, if it is a regular file and not a link.

    Raises ``OSError``: ``ELOOP`` for a link, ``EINVAL`` for anything but a regular file (a
    folder, a named pipe, whose opening would wait for a writer for ever, a device). The
    parent folders are followed as usual: check them with ``first_link``.
    """
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    no_follow = getattr(os, "O_NOFOLLOW", 0)
    if not no_follow and is_link(os.lstat(path)):  # Windows: checked first, no flag to do it
        raise OSError(errno.ELOOP, "is a symbolic link", str(path))
    fd = os.open(path, flags | no_follow)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise

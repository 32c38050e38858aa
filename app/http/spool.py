"""Bodies past the streaming threshold: written to a file as they arrive.

Past ``SpoolSettings.threshold`` bytes, ``read_body`` writes a response body to a file of
its own in ``SpoolSettings.folder`` as it arrives; it keeps the bytes in memory too (the
Raw view, the size and History's redaction read them), so the file is never read back.
The file stays for as long as the response is shown or kept (``SpooledBody``): the JSON
index's worker process reads the body there instead of being sent a copy through a pipe,
and History links it instead of writing it again. A body that does not arrive whole
(cancelled, failed, past the ceiling) leaves no file behind.

Files are named after the process that wrote them, so ``sweep`` (at start) removes those a
crashed process left without touching another running instance's.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

__all__ = ["DEFAULT_THRESHOLD", "SpoolSettings", "SpoolWriter", "SpooledBody", "sweep"]

DEFAULT_THRESHOLD = 8 * 1024 * 1024
"""Bodies larger than this (decoded) stream to a file, unless the user sets otherwise."""

_SUFFIX = ".body"


@dataclass(frozen=True, slots=True)
class SpoolSettings:
    """Where bodies past ``threshold`` bytes go (``threshold`` 0: nowhere, all in memory)."""

    folder: Path
    threshold: int = DEFAULT_THRESHOLD


def _remove(path: str) -> None:
    # Gone already, or the folder was removed: nothing is left to free.
    with contextlib.suppress(OSError):
        os.unlink(path)


class SpooledBody:
    """A body in a file of its own; the file is removed when the last reference to this
    object goes. Satisfies ``app.core.response.BodyFile``."""

    __slots__ = ("__weakref__", "_finalizer", "path")

    def __init__(self, path: str) -> None:
        self.path = path
        self._finalizer = weakref.finalize(self, _remove, path)

    def __repr__(self) -> str:
        return f"SpooledBody({self.path!r})"


class SpoolWriter:
    """A body being written: :meth:`write` the pieces, then :meth:`finish` for the
    ``SpooledBody``, or :meth:`abandon` to remove what was written."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = f"{os.getpid()}-{secrets.token_hex(8)}{_SUFFIX}"
        self.path = str(folder / name)
        # O_EXCL: never write through a file (or link) that is already there.
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file: BinaryIO = os.fdopen(descriptor, "wb")

    def write(self, data: bytes | memoryview) -> None:
        self._file.write(data)

    def finish(self) -> SpooledBody:
        self._file.close()
        return SpooledBody(self.path)

    def abandon(self) -> None:
        with contextlib.suppress(OSError):  # a full disk fails the flush of what is left
            self._file.close()
        _remove(self.path)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: not ours to judge
    return True


def sweep(folder: Path) -> int:
    """Remove the body files that processes no longer running left in ``folder`` (a crash,
    a kill); returns how many. Files of running processes are left alone."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        pid_text = entry.name.split("-", 1)[0]
        if not entry.name.endswith(_SUFFIX) or not pid_text.isdigit():
            continue
        if not _alive(int(pid_text)):
            _remove(entry.path)
            removed += 1
    return removed

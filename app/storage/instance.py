"""Which process owns the data folder: one window at a time writes its drafts and history.

``InstanceLock`` holds an exclusive ``flock`` on ``instance.lock`` in the data folder for the
life of the process; the operating system drops it when the process ends, even by SIGKILL,
so a crash never leaves the folder locked. Where ``fcntl`` does not exist (Windows) the lock
always succeeds and the hand-over socket alone keeps a second window away.
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["InstanceLock"]


class InstanceLock:
    """``acquire()`` is True for the first process on ``folder``, False while one holds it."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "instance.lock"
        self._fd: int | None = None

    def acquire(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None

"""Files the user asks the app to write outside its data folder (a response body saved with
Save to file…), through storage's one atomic write: a failed write never leaves half a file
under the chosen name. Raises ``OSError``; the caller says what happened."""

from __future__ import annotations

from pathlib import Path

from app.storage.fs import atomic_write

__all__ = ["save_file"]


def save_file(path: Path, data: bytes) -> None:
    atomic_write(path, data)

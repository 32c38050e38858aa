"""Shared fixtures: headless Qt, a qasync loop per test, a private API_EXPLORER_HOME."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def explorer_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own settings folder: tests never touch the real home."""
    home = tmp_path / "explorer-home"
    monkeypatch.setenv("API_EXPLORER_HOME", str(home))
    # Tests never touch the real keyring either: secrets go to a file under ``home``.
    monkeypatch.setenv("API_EXPLORER_KEYRING", "off")
    return home


@pytest.fixture
def qt_loop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    """A running qasync loop inside the test's QApplication (see house-style.md)."""
    import qasync

    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    errors: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    yield loop
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    deadline = time.monotonic() + 2
    while any(not t.done() for t in pending) and time.monotonic() < deadline:
        qapp.processEvents()
    asyncio._set_running_loop(None)  # not loop.stop(): that quits the QApplication
    asyncio.set_event_loop(None)
    if errors:
        pytest.fail(f"unhandled asyncio errors: {errors}")

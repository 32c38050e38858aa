"""A request that ends after its window (and so its SendController) was deleted is dropped
quietly: no signal from a deleted object, no asyncio error."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import shiboken6

from app.core.collection import SavedRequest
from app.core.tabs import new_tab
from app.services.qt_adapter import SendController
from app.storage.history import HistoryStore
from tests.services.pipeline_support import Api, mock_pipeline


def test_a_request_ending_after_the_controller_was_deleted_reports_nothing(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    api = Api()
    history = HistoryStore(tmp_path / "history")
    sends = SendController(mock_pipeline(api, history=history), confirm=lambda _t, _x: True)
    pipeline = sends.pipeline
    started: list[str] = []
    sends.started.connect(lambda tab_id, _plan: started.append(tab_id))
    sends.send(
        new_tab(SavedRequest("Slow", url="https://api.test/slow")), base_url="", timeout_seconds=5.0
    )
    qtbot.waitUntil(lambda: bool(started) and api.entered.is_set(), timeout=5000)
    tasks = [t for t in asyncio.all_tasks(qt_loop) if not t.done()]
    assert tasks, "the request should still be in flight"

    shiboken6.delete(sends)  # what closing the window does to its children
    api.release.set()
    deadline = time.monotonic() + 5
    while any(not t.done() for t in tasks) and time.monotonic() < deadline:
        qtbot.wait(10)
    assert all(t.done() for t in tasks)
    # The qt_loop fixture fails the test on any error a done-callback raised.
    closing = qt_loop.create_task(pipeline.aclose())
    qtbot.waitUntil(closing.done, timeout=5000)
    history.close()

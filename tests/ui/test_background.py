from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject

from app.ui.background import Background


def test_the_result_comes_back_on_the_gui_thread_and_an_older_one_is_dropped(
    qtbot: Any,
) -> None:
    owner = QObject()
    got: list[tuple[object, bool]] = []
    background = Background(
        lambda result: got.append((result, threading.current_thread() is threading.main_thread())),
        owner,
        "test",
    )
    release = threading.Event()

    def slow() -> str:
        release.wait(5)
        return "old"

    background.run(slow)
    background.run(lambda: "new")
    qtbot.waitUntil(lambda: got == [("new", True)])
    release.set()
    qtbot.wait(100)
    assert got == [("new", True)]  # the first job finished later: its result was dropped
    background.run(lambda: "dropped")
    background.drop()
    qtbot.wait(100)
    assert got == [("new", True)]

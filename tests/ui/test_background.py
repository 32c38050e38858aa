from __future__ import annotations

import threading
from typing import Any

import shiboken6
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


def test_a_result_for_an_owner_deleted_meanwhile_is_dropped_without_a_crash(
    qtbot: Any,
) -> None:
    # A dialog closed while it compared: its thread finished after the dialog was deleted
    # and emitting on the deleted object crashed the interpreter now and then.
    got: list[object] = []
    finished = threading.Event()
    for _ in range(20):
        owner = QObject()
        background = Background(got.append, owner, "test")
        release = threading.Event()

        def work(release: threading.Event = release) -> str:
            release.wait(5)
            finished.set()
            return "late"

        background.run(work)
        shiboken6.delete(owner)  # deletes the Background with it
        finished.clear()
        release.set()
        assert finished.wait(5)
        qtbot.wait(5)
    qtbot.wait(50)
    assert got == []

"""Work that must not hold the window (parsing, searching, diffing a big body) run in a
thread of its own, its result handed back on the GUI thread.

Not an asyncio seam (that is ``app.services.qt_adapter``): plain CPU work with no event
loop of its own. Each ``Background`` keeps only its newest job: a result that arrives after
a newer ``run`` (the user typed on, another response came) is dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal

__all__ = ["Background", "GuiRelay", "gui_relay"]


class GuiRelay(QObject):
    """Carries results to the GUI thread: ``finished.emit(function, value)`` from any
    thread calls ``function(value)`` there. One for the whole application, never deleted
    while it runs: a thread that emitted on its own ``Background`` after the dialog owning
    it was deleted crashed the interpreter (a segmentation fault, not a RuntimeError)."""

    # A plain function to call with the result: a QObject in a queued signal is carried as
    # its C++ pointer, which a deleted owner leaves dangling.
    finished = Signal(object, object)


_relay: GuiRelay | None = None


def gui_relay() -> GuiRelay:
    """The application's relay; call it on the GUI thread (a QObject lives in the thread
    that made it), and keep what it returns for the threads that emit."""
    global _relay
    if _relay is None or not shiboken6.isValid(_relay):
        application = QCoreApplication.instance()
        _relay = GuiRelay(application)
        if application is not None:  # its slot must run where the application's loop does
            _relay.moveToThread(application.thread())
        _relay.finished.connect(_deliver, Qt.ConnectionType.QueuedConnection)
    return _relay


def _deliver(hand_over: Callable[[object], None], result: object) -> None:
    hand_over(result)


class Background(QObject):
    """``run(work)`` calls ``work()`` in a thread, then ``done(result)`` on the GUI thread,
    unless ``run`` or ``drop`` was called again meanwhile, or the Background was deleted.
    ``work`` says its own failures in what it returns: an exception escaping it is a bug,
    and ends in the log."""

    def __init__(self, done: Callable[[Any], None], parent: QObject, name: str) -> None:
        super().__init__(parent)
        self._done = done
        self._name = name
        self._generation = 0
        self._relay = gui_relay()

    def run(self, work: Callable[[], object]) -> None:
        self._generation += 1
        generation = self._generation
        relay = self._relay

        def hand_over(result: object) -> None:
            # The owner may be gone by now (a dialog closed while it compared): nothing to do.
            if shiboken6.isValid(self) and generation == self._generation:
                self._done(result)

        def thread() -> None:
            relay.finished.emit(hand_over, work())

        threading.Thread(target=thread, name=self._name, daemon=True).start()

    def drop(self) -> None:
        """Whatever is running now: its result is not wanted."""
        self._generation += 1

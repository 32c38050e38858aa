"""Work that must not hold the window (parsing, searching, diffing a big body) run in a
thread of its own, its result handed back on the GUI thread.

Not an asyncio seam (that is ``app.services.qt_adapter``): plain CPU work with no event
loop of its own. Each ``Background`` keeps only its newest job: a result that arrives after
a newer ``run`` (the user typed on, another response came) is dropped.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

__all__ = ["Background"]


class Background(QObject):
    """``run(work)`` calls ``work()`` in a thread, then ``done(result)`` on the GUI thread,
    unless ``run`` or ``drop`` was called again meanwhile. ``work`` says its own failures
    in what it returns: an exception escaping it is a bug, and ends in the log."""

    _finished = Signal(int, object)  # generation, result

    def __init__(self, done: Callable[[Any], None], parent: QObject, name: str) -> None:
        super().__init__(parent)
        self._done = done
        self._name = name
        self._generation = 0
        self._finished.connect(self._on_finished)

    def run(self, work: Callable[[], object]) -> None:
        self._generation += 1
        generation = self._generation

        def thread() -> None:
            result = work()
            # The owner may be gone by now (a dialog closed while it compared): nothing to do.
            with contextlib.suppress(RuntimeError):
                self._finished.emit(generation, result)

        threading.Thread(target=thread, name=self._name, daemon=True).start()

    def drop(self) -> None:
        """Whatever is running now: its result is not wanted."""
        self._generation += 1

    def _on_finished(self, generation: int, result: object) -> None:
        if generation == self._generation:
            self._done(result)

"""What the benches that start the real window share. Import it before Qt or the app:

- the window runs offscreen unless a platform is set, on a data folder of its own (nothing
  of the user's read, nothing left in it), without the OS keyring, and threads switch as
  often as in the app (``app.launch.GUI_SWITCH_INTERVAL_S``);
- ``StallMeter`` measures the longest time the event loop went without running a 10 ms
  timer: how long the window could not paint or take input.
"""

from __future__ import annotations

import itertools
import os
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["API_EXPLORER_HOME"] = tempfile.mkdtemp(prefix="api-explorer-bench-")
os.environ.setdefault("API_EXPLORER_KEYRING", "off")

from PySide6.QtCore import QTimer

from app.launch import GUI_SWITCH_INTERVAL_S

sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)

__all__ = ["StallMeter"]


class StallMeter:
    """``start()``, then ``stop()`` returns the longest gap between 10 ms timer ticks (and
    ``at``: when it began, in seconds from ``start``)."""

    def __init__(self) -> None:
        self._marks: list[float] = []
        self.at = 0.0
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(lambda: self._marks.append(time.perf_counter()))

    def start(self) -> float:
        self._marks = [time.perf_counter()]
        self._timer.start()
        return self._marks[0]

    def stop(self) -> float:
        self._timer.stop()
        self._marks.append(time.perf_counter())
        gap, begun = max((b - a, a) for a, b in itertools.pairwise(self._marks))
        self.at = begun - self._marks[0]
        return gap

"""For scripts that start the real app (``app.cli.main``) in a process of their own and
drive its window: it first shows as a frame and is built a moment later (``app.launch``),
so they wait for ``window.attached`` rather than for the window to exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def when_built(callback: Callable[[Any], object], settle_ms: int = 100) -> None:
    """Call ``callback(window)`` ``settle_ms`` after the started window is built."""

    def look() -> None:
        window = next(
            (w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow"), None
        )
        if window is None or not getattr(window, "attached", False):
            QTimer.singleShot(50, look)
            return
        QTimer.singleShot(settle_ms, lambda: callback(window))

    QTimer.singleShot(0, look)

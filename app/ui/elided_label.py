"""A one-line label for text the user or a server wrote (a URL, an error message): it takes
the width it is given, elides the rest (the whole text in its tooltip) and never makes the
window wider, however long the text."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

__all__ = ["ElidedLabel"]


class ElidedLabel(QLabel):
    """``text()`` is the whole text; what is painted is elided with ``mode``."""

    def __init__(
        self,
        parent: QWidget | None = None,
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideMiddle,
    ) -> None:
        super().__init__(parent)
        self._full = ""
        self._mode = mode
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:
        # One line: a line break in server text would otherwise grow the label's height.
        self._full = " ".join(text.splitlines())
        self._elide()

    def text(self) -> str:
        return self._full

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        width = self.fontMetrics().horizontalAdvance(self._full) + 2 * self.margin()
        return QSize(min(width, 480), super().sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        available = max(0, self.contentsRect().width())
        shown = self.fontMetrics().elidedText(self._full, self._mode, available)
        super().setText(shown)
        self.setToolTip(self._full if shown != self._full else "")


class WrappingLabel(QLabel):
    """A word-wrapped label for text the user or a server wrote: it wraps to the width it
    is given, and a word longer than that (a URL, a token) is cut at the edge instead of
    setting the window's minimum width. Its height follows the width, as a QLabel's does."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

"""A line edit that colours ``{{variables}}``, like the body editor does."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QFont, QInputMethodEvent, QTextCharFormat
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from app.core.variables import VARIABLE_PATTERN
from app.ui.json_highlighter import JsonTheme

__all__ = ["VariableLineEdit", "variable_spans"]


def variable_spans(text: str) -> list[tuple[int, int]]:
    """(start, length) of each ``{{variable}}`` in ``text``."""
    return [(m.start(), m.end() - m.start()) for m in VARIABLE_PATTERN.finditer(text)]


class VariableLineEdit(QLineEdit):
    """QLineEdit has no syntax highlighter; its text formats can only be set the way input
    methods set preedit formats, through a ``QInputMethodEvent`` with TextFormat attributes
    (positions relative to the cursor). That is what this does on every change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.textChanged.connect(self._apply_formats)

    def variable_formats(self) -> list[tuple[int, int]]:
        """The spans coloured now (for tests and tooltips)."""
        return variable_spans(self.text())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_formats()

    def _apply_formats(self) -> None:
        colour = QColor(JsonTheme.for_palette(self.palette()).placeholder)
        text_format = QTextCharFormat()
        text_format.setForeground(colour)
        text_format.setFontWeight(QFont.Weight.DemiBold)
        cursor = self.cursorPosition()
        attributes = [
            QInputMethodEvent.Attribute(
                QInputMethodEvent.AttributeType.TextFormat, start - cursor, length, text_format
            )
            for start, length in variable_spans(self.text())
        ]
        event = QInputMethodEvent("", attributes)
        QApplication.sendEvent(self, event)

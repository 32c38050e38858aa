"""A window that shows a long server text in full: read-only, plain, scrollable."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.display_text import display_text

__all__ = ["TEXT_DIALOG_CHARS", "TextDialog"]

TEXT_DIALOG_CHARS = 20_000_000
"""The most a text dialog shows; QPlainTextEdit lays out only the lines on screen, so tens of
megabytes stay smooth, but a bound keeps a hostile body from costing gigabytes."""


class TextDialog(QDialog):
    """Shows ``text`` (made visible, see ``app.core.display_text``) in a QPlainTextEdit,
    which lays out only what is on screen: a QLabel given megabytes froze the window."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serverTextDialog")
        self.setWindowTitle(title)
        shown = display_text(text, TEXT_DIALOG_CHARS)
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setObjectName("serverTextView")
        self.text_edit.setReadOnly(True)
        self.text_edit.setUndoRedoEnabled(False)
        self.text_edit.setPlainText(shown.text)
        layout = QVBoxLayout(self)
        if shown.cut:
            note = QLabel(
                f"Only the first {TEXT_DIALOG_CHARS:,} of {len(text):,} characters are shown; "
                "the Raw tab has the whole body.",
                self,
            )
            note.setTextFormat(Qt.TextFormat.PlainText)
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(self.text_edit, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 480)

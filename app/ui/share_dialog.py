"""Share reproduction…: what a bundle of a history entry will take out, shown before
anything is written, with a note and values the user marks for redaction too."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.display_text import display_text
from app.formats.bundle import Redaction

__all__ = ["ShareDialog"]

Preview = Callable[[list[str]], list[Redaction]]


class ShareDialog(QDialog):
    """``preview(marked)`` lists what will be taken out; ``note()`` and ``marked()`` once
    accepted."""

    def __init__(self, title: str, preview: Preview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shareDialog")
        self.setWindowTitle("Share reproduction")
        self._preview = preview
        heading = QLabel(
            f"A bundle of {title}: the request as sent and the response as recorded, for "
            "someone to open and replay. These values are taken out (they become "
            "«secret:NAME»):",
            self,
        )
        heading.setWordWrap(True)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        self.redactions_view = QListWidget(self)
        self.redactions_view.setObjectName("shareRedactionsView")
        self.marked_edit = QLineEdit(self)
        self.marked_edit.setObjectName("shareMarkedEdit")
        self.marked_edit.setPlaceholderText(
            "Also take out these values (comma-separated), e.g. a customer's e-mail"
        )
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setObjectName("shareNoteEdit")
        self.note_edit.setPlaceholderText("A note for whoever opens it: what the customer saw")
        self.note_edit.setTabChangesFocus(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Save bundle…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.redactions_view, 1)
        layout.addWidget(self.marked_edit)
        layout.addWidget(QLabel("Note:", self))
        layout.addWidget(self.note_edit)
        layout.addWidget(buttons)
        self.resize(620, 480)
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(250)
        self._pause.timeout.connect(self.refresh)
        self.marked_edit.textChanged.connect(self._pause.start)
        self.refresh()

    def marked(self) -> list[str]:
        return [value.strip() for value in self.marked_edit.text().split(",") if value.strip()]

    def note(self) -> str:
        return self.note_edit.toPlainText().strip()

    def refresh(self) -> None:
        """List what will be taken out, the marked values included (masked)."""
        self.redactions_view.clear()
        found = self._preview(self.marked())
        for redaction in found:
            places = ", ".join(redaction.where) or "nowhere in this exchange"
            line = f"{redaction.kind.value} «secret:{redaction.name}» — {places}"
            self.redactions_view.addItem(display_text(line, 300).text)
        if not found:
            self.redactions_view.addItem("Nothing to take out: no secret or credential found.")

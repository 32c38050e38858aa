"""Filter the response tree with a JSONPath (RFC 9535, ``app.core.assertions.select``): the
matches, each under its own path, with numbers exactly as received. Evaluated in a thread
of its own, so a query over a 50 MB body keeps the window painting; a query that is not
valid JSONPath says why beside the box."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from app.core.assertions import select
from app.ui.json_tree_model import JsonTreeModel
from app.ui.status_style import error_text_color

__all__ = ["FilterBar"]


class FilterBar(QWidget):
    """A JSONPath box over ``model``'s document; empty, the whole document shows again."""

    _selected = Signal(int, object, str)  # generation, matches (dict) or None, sentence

    def __init__(self, model: JsonTreeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        self._model = model
        self._document: object = None
        self._filtering = False  # the model shows matches, not the document
        self._generation = 0
        self.edit = QLineEdit(self)
        self.edit.setObjectName("responseFilterEdit")
        self.edit.setPlaceholderText("Filter with a JSONPath, e.g. $.items[?@.status == 'new'].id")
        self.edit.setClearButtonEnabled(True)
        self.edit.setToolTip("RFC 9535 JSONPath over the response; numbers stay exact")
        self.label = QLabel(self)
        self.label.setObjectName("responseFilterLabel")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 2)
        layout.addWidget(self.label, 1)
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(300)
        self._pause.timeout.connect(self.apply)
        self.edit.textChanged.connect(self._pause.start)
        self._selected.connect(self._on_selected)

    def set_document(self, document: object) -> None:
        """A new response's document (``None``: no JSON response): shown whole, or
        filtered when a query is typed."""
        self._document = document
        self._filtering = False
        if self.edit.text().strip():
            self.apply()

    def apply(self) -> None:
        self._generation += 1
        path = self.edit.text().strip()
        if not path:
            self._say("")
            if self._filtering:
                self._filtering = False
                self._model.set_document(self._document)
            return
        if self._document is None:
            self._say("There is no JSON response to filter.")
            return
        generation, document = self._generation, self._document
        self._say("Filtering…")

        def work() -> None:
            try:
                matches = dict(select(path, document))
            except ValueError as exc:
                self._selected.emit(generation, None, str(exc))
                return
            self._selected.emit(generation, matches, "")

        threading.Thread(target=work, name="json-filter", daemon=True).start()

    def _on_selected(self, generation: int, matches: dict[str, object] | None, error: str) -> None:
        if generation != self._generation:
            return  # the query or the response changed meanwhile
        if matches is None:
            self._say(error, error=True)
            return
        self._filtering = True
        self._model.set_document(matches)
        count = len(matches)
        self._say(f"{count:,} match{'es' * (count != 1)}" if count else "No matches")

    def _say(self, text: str, *, error: bool = False) -> None:
        self.label.setText(text)
        colour = error_text_color(self.palette()).name() if error else ""
        self.label.setStyleSheet(f"color: {colour};" if error else "")

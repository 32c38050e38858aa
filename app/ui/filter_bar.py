"""Filter the response tree with a JSONPath (RFC 9535, ``app.core.assertions.select``): the
matches, each under its own path, with numbers exactly as received. Evaluated in a thread
of its own, so a query over a 50 MB body keeps the window painting; a query that is not
valid JSONPath says why beside the box."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from app.core.assertions import select
from app.ui.background import Background
from app.ui.json_tree_model import JsonTreeModel
from app.ui.status_style import error_text_color

__all__ = ["FilterBar"]


class FilterBar(QWidget):
    """A JSONPath box over ``model``'s document; empty, the whole document shows again."""

    def __init__(self, model: JsonTreeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        self._model = model
        self._document: object = None
        self._filtering = False  # the model shows matches, not the document
        self._background = Background(self._on_selected, self, "json-filter")
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

    def set_document(self, document: object) -> None:
        """A new response's document (``None``: no JSON response): shown whole, or
        filtered when a query is typed."""
        self._document = document
        self._filtering = False
        if self.edit.text().strip():
            self.apply()

    def apply(self) -> None:
        self._background.drop()
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
        document = self._document
        self._say("Filtering…")

        def work() -> dict[str, object] | str:
            try:
                return dict(select(path, document))
            except ValueError as exc:
                return str(exc)

        self._background.run(work)

    def _on_selected(self, matches: dict[str, object] | str) -> None:
        if isinstance(matches, str):
            self._say(matches, error=True)
            return
        self._filtering = True
        self._model.set_document(matches)
        count = len(matches)
        self._say(f"{count:,} match{'es' * (count != 1)}" if count else "No matches")

    def _say(self, text: str, *, error: bool = False) -> None:
        self.label.setText(text)
        colour = error_text_color(self.palette()).name() if error else ""
        self.label.setStyleSheet(f"color: {colour};" if error else "")

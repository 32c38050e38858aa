"""Filter the response tree with a JSONPath (RFC 9535) or a jq program
(``app.services.filtering``): the matches, each under its own path (or numbered, for values
jq builds), numbers exactly as received. Evaluated off the GUI thread (jq in a child
process, stopped when the query changes), so a query over a 50 MB body keeps the window
painting; a query that cannot run says why beside the box.

The filters used on a request (Enter, or leaving the box, once one ran without an error)
are remembered per request (its method and URL path, ``app.core.urls.request_key``) in
the data folder, newest first: the box's drop-down (or Up/Down) brings
them back, jq ones written ``jq:PROGRAM``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from app.services.filtering import (
    Filtered,
    FilterError,
    JqRun,
    Language,
    ValuesAt,
    document_text,
    filter_json,
    split_language,
)
from app.ui.background import Background
from app.ui.json_tree_model import JsonTreeModel
from app.ui.status_style import error_text_color

__all__ = ["FilterBar", "RequestMemoryLike"]

_log = logging.getLogger(__name__)

_PLACEHOLDERS = {
    Language.JSONPATH: "Filter with a JSONPath, e.g. $.items[?@.status == 'new'].id",
    Language.JQ: 'Filter with jq, e.g. .items[] | select(.status == "new") | .id',
}
_TIPS = {
    Language.JSONPATH: "RFC 9535 JSONPath over the response; numbers stay exact",
    Language.JQ: "A jq program over the response, run in a process of its own; values it "
    "selects or passes on keep their exact numbers, numbers it computes are 64-bit floats",
}


class RequestMemoryLike(Protocol):
    """What the window remembers per request (``app.storage.request_memory``)."""

    def filters(self, key: str) -> tuple[str, ...]: ...

    def remember_filter(self, key: str, expression: str) -> None: ...

    def ignored(self, key: str) -> tuple[str, ...]: ...

    def set_ignored(self, key: str, patterns: list[str]) -> None: ...


def _written(language: Language, expression: str) -> str:
    return f"jq:{expression}" if language is Language.JQ else expression


class FilterBar(QWidget):
    """A language choice and a query box over ``model``'s document; empty, the whole
    document shows again. For a huge body shown through its index there is no document:
    jq reads the body and ``values_at`` the values at its paths; ``matches_shown`` says
    when ``model`` holds matches (True) and when the index should show again (False)."""

    matches_shown = Signal(bool)

    def __init__(self, model: JsonTreeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        self._model = model
        self._document: object = None
        self._body: bytes | None = None
        self._values_at: ValuesAt | None = None
        self._filtering = False  # the model shows matches, not the document
        self._ran = ""  # the query (as remembered) whose result shows without an error
        # (request key, query): Enter pressed, or the box left, while that query still ran.
        self._remember_when_ran: tuple[str, str] | None = None
        self._jq: JqRun | None = None
        self._background = Background(self._on_selected, self, "json-filter")
        self.memory: RequestMemoryLike | None = None
        self._key = ""
        self.language = QComboBox(self)
        self.language.setObjectName("responseFilterLanguage")
        self.language.setAccessibleName("Filter language")
        for language in Language:
            self.language.addItem(language.value, language)
        self.box = QComboBox(self)
        self.box.setObjectName("responseFilterBox")
        self.box.setEditable(True)
        self.box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.box.setToolTip("Filters used on this request: the arrow, or Up and Down")
        edit = self.box.lineEdit()
        assert edit is not None  # an editable combo box has one
        self.edit: QLineEdit = edit
        self.edit.setObjectName("responseFilterEdit")
        self.edit.setClearButtonEnabled(True)
        # Qt's inline completion would fill in a remembered filter while the user types.
        self.box.setCompleter(None)  # type: ignore[arg-type]
        self.label = QLabel(self)
        self.label.setObjectName("responseFilterLabel")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.language)
        layout.addWidget(self.box, 2)
        layout.addWidget(self.label, 1)
        self._show_language()
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(300)
        self._pause.timeout.connect(self.apply)
        self.edit.textChanged.connect(self._pause.start)
        self.edit.editingFinished.connect(self._remember)
        self.language.currentIndexChanged.connect(self._on_language)
        self.box.activated.connect(self._on_history_chosen)

    @property
    def current_language(self) -> Language:
        language = self.language.currentData()
        return language if isinstance(language, Language) else Language.JSONPATH

    def set_language(self, language: Language) -> None:
        self.language.setCurrentIndex(self.language.findData(language))

    def set_request(self, key: str) -> None:
        """The request whose responses show now: its remembered filters fill the list."""
        self._key = key
        with self._text_kept():
            self.box.clear()
            if self.memory is not None and key:
                self.box.addItems(list(self.memory.filters(key)))

    def set_document(
        self, document: object, body: bytes | None = None, values_at: ValuesAt | None = None
    ) -> None:
        """A new response's document (``None``: no JSON response) and its bytes (for jq;
        ``None``: jq reads the document written out): shown whole, or filtered when a query
        is typed. A huge body has no document but ``values_at`` (its index)."""
        self._document = document
        self._body = body
        self._values_at = values_at
        self._filtering = False
        self._ran = ""
        if self.edit.text().strip():
            self.apply()
        else:
            self._stop()

    def _show_language(self) -> None:
        language = self.current_language
        self.edit.setPlaceholderText(_PLACEHOLDERS[language])
        self.edit.setToolTip(_TIPS[language])

    def _on_language(self) -> None:
        self._show_language()
        if self.edit.text().strip():
            self.apply()

    def _on_history_chosen(self, index: int) -> None:
        language, expression = split_language(self.box.itemText(index))
        self.language.blockSignals(True)
        self.set_language(language)
        self.language.blockSignals(False)
        self._show_language()
        self.edit.setText(expression)
        self._pause.stop()
        self.apply()

    def _stop(self) -> None:
        self._background.drop()
        if self._jq is not None:
            self._jq.kill()
            self._jq = None

    def apply(self) -> None:
        self._pause.stop()
        self._stop()
        self._ran = ""
        expression = self.edit.text().strip()
        if not expression:
            self._say("")
            if self._filtering:
                self._filtering = False
                if self._values_at is not None:
                    self._model.clear()
                    self.matches_shown.emit(False)
                else:
                    self._model.set_document(self._document)
            return
        if self._document is None and self._values_at is None:
            self._say("There is no JSON response to filter.")
            return
        language = self.current_language
        document, body, values_at = self._document, self._body, self._values_at
        run = JqRun() if language is Language.JQ else None
        self._jq = run
        written = _written(language, expression)
        if self._remember_when_ran != (self._key, written):
            self._remember_when_ran = None
        self._say("Filtering…")

        def work() -> tuple[str, Filtered | str]:
            try:
                data = body if body is not None or run is None else document_text(document)
                return written, filter_json(
                    language, expression, document, data or b"", run, values_at
                )
            except FilterError as exc:
                return written, str(exc)
            except Exception as exc:  # a bug: said beside the box, never "Filtering…" for ever
                _log.error("filter %r failed", expression, exc_info=exc)
                return written, f"The filter could not run ({exc.__class__.__name__}: {exc})."

        self._background.run(work)

    def _on_selected(self, result: tuple[str, Filtered | str]) -> None:
        written, filtered = result
        self._jq = None
        if isinstance(filtered, str):
            self._say(filtered, error=True)
            return
        self._filtering = True
        self._ran = written
        self._model.set_document(filtered.matches)
        if self._values_at is not None:
            self.matches_shown.emit(True)
        count = len(filtered.matches)
        said = f"{count:,} match{'es' * (count != 1)}" if count else "No matches"
        self._say(f"{said}; {filtered.note}" if filtered.note else said)
        if self._remember_when_ran == (self._key, written):
            self._remember_when_ran = None
            self._remember()

    def _remember(self) -> None:
        """The query that ran, first in this request's list (and in the data folder); one
        still running is remembered when its result comes, if the request is the same."""
        typed = _written(self.current_language, self.edit.text().strip())
        if not self._ran and self.edit.text().strip():
            self._remember_when_ran = (self._key, typed)
            return
        written = self._ran
        if not written or written != typed:
            return
        if self.memory is not None and self._key:
            self.memory.remember_filter(self._key, written)
        found = self.box.findText(written)
        if found != 0:
            with self._text_kept():
                if found > 0:
                    self.box.removeItem(found)
                self.box.insertItem(0, written)

    @contextmanager
    def _text_kept(self) -> Iterator[None]:
        """Change the list without touching the query typed (or running it again)."""
        text, cursor = self.edit.text(), self.edit.cursorPosition()
        self.box.blockSignals(True)
        self.edit.blockSignals(True)
        try:
            yield
        finally:
            self.box.setCurrentIndex(-1)
            self.edit.setText(text)
            self.edit.setCursorPosition(cursor)
            self.edit.blockSignals(False)
            self.box.blockSignals(False)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.label.setText(text)
        colour = error_text_color(self.palette()).name() if error else ""
        self.label.setStyleSheet(f"color: {colour};" if error else "")

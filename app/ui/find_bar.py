"""Find in a response: a bar over the Tree and Raw views (Ctrl+F), and the search behind it.

In the Tree, the whole document is searched (keys and scalar values, ``app.core.json_find``)
in slices of ``SLICE_S`` between the window's events, so a 50 MB body keeps the window
painting; a new search, a new response or closing the bar stops the one running. (It ran in
a thread before: a thread running Python holds the GIL, and the window waited for it at
every Python call of a repaint, up to 0.66 s at a time in a 720 px window.) Next and
previous expand the tree down to the match. In Raw, the text shown is searched; a body
shown in part says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QTreeView,
    QWidget,
)

from app.core.json_find import FIND_LIMIT, find_steps
from app.ui.json_tree_model import JsonTreeModel

__all__ = ["SLICE_S", "FindBar", "TreeSearch", "find_in_text"]

SLICE_S = 0.008  # the longest the Tree's search runs before the window's events go next


class _FindEdit(QLineEdit):
    """Enter finds the next match, Shift+Enter the previous, Esc closes the bar (the window's
    Esc, which cancels a request, waits while the bar has the keyboard)."""

    stepped = Signal(int)
    escaped = Signal()

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.escaped.emit()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            back = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self.stepped.emit(-1 if back else 1)
        else:
            super().keyPressEvent(event)


class FindBar(QWidget):
    """The text to find, match case, previous / next, what was found, and close."""

    search_changed = Signal()  # the text or match case changed: search again
    stepped = Signal(int)  # +1 next, -1 previous
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.edit = _FindEdit(self)
        self.edit.setObjectName("findEdit")
        self.edit.setPlaceholderText("Find in the response (keys and values)")
        self.edit.setClearButtonEnabled(True)
        self.case_check = QCheckBox("Match case", self)
        self.case_check.setObjectName("findCaseCheck")
        self.previous_button = QToolButton(self)
        self.previous_button.setObjectName("findPreviousButton")
        self.previous_button.setText("↑")
        self.previous_button.setToolTip("Previous match (Shift+Enter)")
        self.next_button = QToolButton(self)
        self.next_button.setObjectName("findNextButton")
        self.next_button.setText("↓")
        self.next_button.setToolTip("Next match (Enter)")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("findCountLabel")
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("findCloseButton")
        self.close_button.setText("×")
        self.close_button.setToolTip("Close (Esc)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Find:", self))
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.case_check)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.next_button)
        layout.addWidget(self.count_label)
        layout.addWidget(self.close_button)
        # Typing searches after a short pause, not at every key of a long needle.
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(150)
        self._pause.timeout.connect(self.search_changed)
        self.edit.textChanged.connect(self._pause.start)
        self.case_check.toggled.connect(self.search_changed)
        self.edit.stepped.connect(self.stepped)
        self.edit.escaped.connect(self.close_bar)
        self.previous_button.clicked.connect(lambda: self.stepped.emit(-1))
        self.next_button.clicked.connect(lambda: self.stepped.emit(1))
        self.close_button.clicked.connect(self.close_bar)
        self.hide()

    def open_bar(self) -> None:
        self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def text(self) -> str:
        return self.edit.text()

    def case_sensitive(self) -> bool:
        return self.case_check.isChecked()

    def say(self, text: str) -> None:
        self.count_label.setText(text)


class TreeSearch(QObject):
    """Searches the document of ``view``'s ``JsonTreeModel`` in slices between the window's
    events and walks the matches; ``report(text)`` is told what to show ("3 of 120")."""

    invalidated = Signal()  # the model's document was replaced: search it again

    def __init__(
        self, view: QTreeView, model: JsonTreeModel, report: Callable[[str], None]
    ) -> None:
        super().__init__(view)
        self._view = view
        self._model = model
        self._report = report
        self._steps: Generator[None, None, tuple[list[tuple[int, ...]], bool]] | None = None
        self._matches: list[tuple[int, ...]] = []
        self._complete = True
        self._current = -1
        self._pending_step = 0
        self._slices = QTimer(self)
        self._slices.setInterval(0)
        self._slices.timeout.connect(self._on_slices_timeout)
        model.modelReset.connect(self._on_model_reset)

    def _on_model_reset(self) -> None:
        # A new response, a filter's result or a cleared pane: the search running and the
        # matches found are of a document no longer shown.
        if self._steps is not None or self._matches:
            self.stop()
            self._matches, self._current, self._pending_step = [], -1, 0
            self.invalidated.emit()

    def search(self, needle: str, case_sensitive: bool) -> None:
        self.stop()
        self._matches, self._current, self._pending_step = [], -1, 0
        if not needle:
            self._report("")
            return
        self._steps = find_steps(self._model.document(), needle, case_sensitive=case_sensitive)
        self._report("Searching…")
        self._slices.start()

    def stop(self) -> None:
        self._slices.stop()
        self._steps = None

    def step(self, direction: int) -> None:
        if self._steps is not None:
            self._pending_step += direction  # taken when the matches arrive
            return
        if not self._matches:
            return
        self._current = (self._current + direction) % len(self._matches)
        self._show_current()

    def _on_slices_timeout(self) -> None:
        steps = self._steps
        if steps is None:
            self._slices.stop()
            return
        deadline = time.perf_counter() + SLICE_S
        try:
            while time.perf_counter() < deadline:
                next(steps)
        except StopIteration as done:
            self.stop()
            self._on_found(*done.value)

    def _on_found(self, matches: list[tuple[int, ...]], complete: bool) -> None:
        self._matches, self._complete = matches, complete
        if not matches:
            self._report("No matches")
            return
        steps, self._pending_step = self._pending_step or 1, 0
        # Before the first match, so that "next" lands on it and "previous" on the last.
        self._current = -1 if steps > 0 else 0
        self.step(steps)

    def _show_current(self) -> None:
        index = self._model.index_at(self._matches[self._current])
        if not index.isValid():
            return
        parent = index.parent()
        chain = []
        while parent.isValid():
            chain.append(parent)
            parent = parent.parent()
        for ancestor in reversed(chain):
            self._view.expand(ancestor)
        self._view.setCurrentIndex(index)
        self._view.scrollTo(index)
        total = f"{len(self._matches):,}" + ("+" if not self._complete else "")
        if not self._complete and len(self._matches) >= FIND_LIMIT:
            total = f"the first {FIND_LIMIT:,}"
        self._report(f"{self._current + 1:,} of {total}")


def find_in_text(edit: QPlainTextEdit, needle: str, case_sensitive: bool, direction: int) -> bool:
    """Select the next (or previous) ``needle`` in ``edit`` from the cursor, wrapping around
    once; False when it is not in the text."""
    if not needle:
        return False
    flags = QTextDocument.FindFlag(0)
    if case_sensitive:
        flags |= QTextDocument.FindFlag.FindCaseSensitively
    if direction < 0:
        flags |= QTextDocument.FindFlag.FindBackward
    if edit.find(needle, flags):
        return True
    cursor = edit.textCursor()
    cursor.movePosition(cursor.MoveOperation.End if direction < 0 else cursor.MoveOperation.Start)
    edit.setTextCursor(cursor)
    return edit.find(needle, flags)

"""The request body editor: JSON or raw text, live validation, one-click formatting."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QKeyEvent, QPalette, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.json_check import InvalidJsonError, JsonProblem, check_json, format_json
from app.core.request import BodyMode
from app.ui.json_highlighter import JsonHighlighter
from app.ui.status_style import error_text_color

__all__ = ["VALIDATION_DELAY_MS", "BodyEditor"]

# Long enough that a fast typist does not see an error flash after every keystroke,
# short enough that the message appears as soon as they pause.
VALIDATION_DELAY_MS = 150

_INDENT = "  "
_MODE_LABELS: tuple[tuple[str, BodyMode], ...] = (
    ("JSON", BodyMode.JSON),
    ("Raw text", BodyMode.RAW),
)
_PLACEHOLDERS = {
    BodyMode.JSON: '{"amount": "10.12"}',
    BodyMode.RAW: "Sent exactly as typed",
}


def _is_format_shortcut(event: QKeyEvent) -> bool:
    wanted = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    return event.key() == Qt.Key.Key_F and event.modifiers() == wanted


class _CodeEdit(QPlainTextEdit):
    """A plain text editor where Tab indents with spaces and Ctrl+Shift+F asks to format."""

    format_requested = Signal()

    def event(self, event: QEvent) -> bool:
        # Claim Ctrl+Shift+F before a window-wide shortcut with the same keys can take it.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and _is_format_shortcut(event)
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if _is_format_shortcut(event):
            self.format_requested.emit()
            return
        if event.key() == Qt.Key.Key_Tab and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            # Spaces, like Format uses, so hand-indented lines line up with formatted ones.
            self.insertPlainText(_INDENT)
            return
        super().keyPressEvent(event)


class BodyEditor(QWidget):
    """Edits the request body as JSON (validated, coloured, formattable) or raw text.

    ``changed`` is emitted for user edits (typing, formatting, choosing a mode), not for
    ``set_text``/``set_mode``, so loading a request does not mark it as modified.
    Validation runs ``VALIDATION_DELAY_MS`` after the last keystroke; ``problem()`` is
    always computed fresh, so callers never act on a stale result.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self._last_text = ""

        self._mode_combo = QComboBox(self)
        self._mode_combo.setObjectName("bodyModeCombo")
        self._mode_combo.setToolTip("How the body is sent")
        for label, mode in _MODE_LABELS:
            self._mode_combo.addItem(label, mode)

        self._error_label = QLabel(self)
        self._error_label.setObjectName("bodyErrorLabel")
        self._error_label.setTextFormat(Qt.TextFormat.PlainText)
        self._error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Ignored width: a long message must not widen the whole request panel.
        self._error_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self._format_button = QPushButton("Format", self)
        self._format_button.setObjectName("formatButton")
        self._format_button.setToolTip("Pretty-print the JSON body (Ctrl+Shift+F)")

        self._editor = _CodeEdit(self)
        self._editor.setObjectName("bodyEditor")
        self._editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        # Wrapping would make JSON structure hard to read and is slow on one-line bodies.
        self._editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)

        self._highlighter = JsonHighlighter(self._editor.document(), self.palette())
        self._highlighting = True

        self._validation_timer = QTimer(self)
        self._validation_timer.setSingleShot(True)
        self._validation_timer.setInterval(VALIDATION_DELAY_MS)

        # The error sits on the toolbar row so that it appearing and disappearing while the
        # user types never moves the editor.
        toolbar = QHBoxLayout()
        toolbar.setContentsMargins(0, 0, 0, 0)
        toolbar.addWidget(self._mode_combo)
        toolbar.addWidget(self._error_label, 1)
        toolbar.addWidget(self._format_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(toolbar)
        layout.addWidget(self._editor, 1)

        self._validation_timer.timeout.connect(self.validate_now)
        self._editor.textChanged.connect(self._on_editor_text_changed)
        self._editor.format_requested.connect(self.format_body)
        self._format_button.clicked.connect(self.format_body)
        self._mode_combo.currentIndexChanged.connect(self._on_mode_combo_current_index_changed)
        self._mode_combo.activated.connect(self._on_mode_combo_activated)

        self._apply_error_colour()
        self._apply_mode(self.mode())

    # Public API -------------------------------------------------------------------------

    def text(self) -> str:
        """The body exactly as typed."""
        # toPlainText() would turn non-breaking spaces into plain spaces and U+2028 into a
        # line break, silently changing what is sent; raw text only needs block separators
        # turned back into newlines.
        return self._editor.document().toRawText().replace("\u2029", "\n")

    def set_text(self, text: str) -> None:
        """Replace the body (e.g. when loading a request); clears undo history."""
        self._loading = True
        try:
            self._editor.setPlainText(text)
        finally:
            self._loading = False
        self.validate_now()

    def mode(self) -> BodyMode:
        """How the body will be treated when sending."""
        mode = self._mode_combo.currentData()
        return mode if isinstance(mode, BodyMode) else BodyMode.JSON

    def set_mode(self, mode: BodyMode) -> None:
        """Switch mode without emitting ``changed``."""
        self._mode_combo.setCurrentIndex(self._mode_combo.findData(mode))

    def problem(self) -> JsonProblem | None:
        """Why the body cannot be sent as JSON right now, or None (always None in raw mode)."""
        if self.mode() is not BodyMode.JSON:
            return None
        return check_json(self.text())

    def validate_now(self) -> None:
        """Show the current problem (or none) immediately instead of after the delay."""
        self._validation_timer.stop()
        self._show_problem(self.problem())

    def format_body(self) -> bool:
        """Pretty-print a JSON body as one undoable edit.

        Returns False, shows the problem and moves the cursor to it when the body is not
        valid JSON; the text is left untouched.
        """
        if self.mode() is not BodyMode.JSON:
            return False
        text = self.text()
        try:
            formatted = format_json(text)
        except InvalidJsonError as error:
            self._validation_timer.stop()
            self._show_problem(error.problem)
            self._move_cursor_to(error.problem)
            return False
        if formatted != text:
            # An edit through a cursor, unlike setPlainText, keeps the undo stack: Ctrl+Z
            # brings back the text as it was before formatting.
            cursor = QTextCursor(self._editor.document())
            cursor.beginEditBlock()
            cursor.select(QTextCursor.SelectionType.Document)
            cursor.insertText(formatted)
            cursor.endEditBlock()
        self.validate_now()
        return True

    @property
    def editor(self) -> QPlainTextEdit:
        """The text area, for focus handling and tests."""
        return self._editor

    # Qt overrides -----------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._highlighter.apply_palette(self.palette())
            self._apply_error_colour()
        super().changeEvent(event)

    # Slots ------------------------------------------------------------------------------

    def _on_editor_text_changed(self) -> None:
        # textChanged also fires when the highlighter recolours (switching modes, palette
        # changes), so only a real difference in the text counts as an edit.
        text = self.text()
        if text == self._last_text:
            return
        self._last_text = text
        if self._loading:
            return
        if self.mode() is BodyMode.JSON:
            self._validation_timer.start()
        self.changed.emit()

    def _on_mode_combo_current_index_changed(self, _index: int) -> None:
        self._apply_mode(self.mode())

    def _on_mode_combo_activated(self, _index: int) -> None:
        # activated is only emitted for the user's choice, never for set_mode.
        self.changed.emit()

    # Helpers ----------------------------------------------------------------------------

    def _apply_mode(self, mode: BodyMode) -> None:
        is_json = mode is BodyMode.JSON
        self._format_button.setEnabled(is_json)
        self._editor.setPlaceholderText(_PLACEHOLDERS[mode])
        # Raw bodies are often not JSON at all (XML, form data): colouring them as JSON
        # would suggest errors that do not matter.
        if is_json != self._highlighting:
            self._highlighter.setDocument(self._editor.document() if is_json else None)
            self._highlighting = is_json
        self.validate_now()

    def _show_problem(self, problem: JsonProblem | None) -> None:
        message = "" if problem is None else problem.describe()
        self._error_label.setText(message)
        self._error_label.setToolTip(message)

    def _move_cursor_to(self, problem: JsonProblem) -> None:
        block = self._editor.document().findBlockByNumber(problem.line - 1)
        if not block.isValid():
            return
        # Problem columns count characters; Qt positions count UTF-16 units.
        prefix = block.text()[: problem.column - 1]
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + len(prefix.encode("utf-16-le")) // 2)
        self._editor.setTextCursor(cursor)
        self._editor.ensureCursorVisible()
        self._editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def _apply_error_colour(self) -> None:
        palette = self._error_label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, error_text_color(self.palette()))
        self._error_label.setPalette(palette)

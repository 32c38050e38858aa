"""The request body editor: JSON or raw text (live validation, one-click formatting), a
urlencoded or multipart form, a file, or a GraphQL query with its variables."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase, QKeyEvent, QPalette, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.json_check import InvalidJsonError, JsonProblem, check_json, format_json
from app.core.request import BodyMode, FormField
from app.ui.form_fields_table import ChooseFile, FormFieldsWidget, relative_to
from app.ui.json_highlighter import JsonHighlighter
from app.ui.status_style import error_text_color

_KEEP_ANCHOR = QTextCursor.MoveMode.KeepAnchor

__all__ = ["VALIDATION_DELAY_MS", "BodyEditor"]

# Long enough that a fast typist does not see an error flash after every keystroke,
# short enough that the message appears as soon as they pause.
VALIDATION_DELAY_MS = 150
HIGHLIGHT_LIMIT = 1_000_000
"""Bodies longer than this (characters) are neither coloured nor checked as the user types:
colouring runs a Python call per line on the GUI thread (about 8 s for a 10 MB body), a check
parses the whole body. They are checked when sent or formatted."""

_INDENT = "  "
_MODE_LABELS: tuple[tuple[str, BodyMode], ...] = (
    ("JSON", BodyMode.JSON),
    ("Raw text", BodyMode.RAW),
    ("Form (urlencoded)", BodyMode.FORM),
    ("Multipart form", BodyMode.MULTIPART),
    ("File", BodyMode.FILE),
    ("GraphQL", BodyMode.GRAPHQL),
)
_PLACEHOLDERS = {
    BodyMode.JSON: '{"amount": "10.12"}',
    BodyMode.RAW: "Sent exactly as typed",
}
# The JSON and raw text editor keeps its text under the other modes: it is the request's
# body text there too (a form's fields and a GraphQL body's variables have their own).
_TEXT_MODES = (BodyMode.JSON, BodyMode.RAW, BodyMode.FORM, BodyMode.MULTIPART)
_FORM_MODES = (BodyMode.FORM, BodyMode.MULTIPART)
_FILE_HINT = (
    "The file's bytes are the body, sent with a Content-Type guessed from its name unless "
    "the Headers tab sets one. A relative path starts at the collection folder."
)


def _plain_text(edit: QPlainTextEdit) -> str:
    # toPlainText() would turn non-breaking spaces into plain spaces (see BodyEditor.text).
    return edit.document().toRawText().replace("\u2029", "\n")


def _graphql_problem(variables: str) -> str | None:
    """Why the GraphQL variables cannot be sent, or ``None`` (blank is fine: ``{}``)."""
    if not variables.strip(" \t\r\n"):
        return None
    problem = check_json(variables)
    if problem is not None:
        return f"Variables: {problem.describe()}"
    if not variables.strip(" \t\r\n").startswith("{"):
        return 'Variables: must be one JSON object, like {"id": 1}.'
    return None


def _is_format_shortcut(event: QKeyEvent) -> bool:
    wanted = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    return event.key() == Qt.Key.Key_F and event.modifiers() == wanted


class _CodeEdit(QPlainTextEdit):
    """A plain text editor where Tab indents with spaces at the start of a line (and leaves
    the editor after text, as Shift+Tab always does) and Ctrl+Shift+F asks to format."""

    format_requested = Signal()
    big_paste = Signal()  # text past HIGHLIGHT_LIMIT is about to be pasted or dropped

    def insertFromMimeData(self, source: QMimeData) -> None:
        # The highlighter colours inserted text before anyone else hears of it: stop it
        # first, or pasting 10 MB freezes the window for seconds.
        if source.hasText() and len(source.text()) > HIGHLIGHT_LIMIT // 2:
            self.big_paste.emit()
        super().insertFromMimeData(source)

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
            cursor = self.textCursor()
            before = cursor.block().text()[: cursor.positionInBlock()]
            if cursor.hasSelection() or not before.strip():
                # Indenting: spaces, like Format uses, so lines line up with formatted ones.
                self.insertPlainText(_INDENT)
            else:
                # After text on the line Tab leaves the editor: a keyboard is never trapped.
                self.focusNextChild()
            return
        if event.key() == Qt.Key.Key_Backtab:
            self.focusPreviousChild()
            return
        super().keyPressEvent(event)


class BodyEditor(QWidget):
    """Edits the request body as JSON (validated, coloured, formattable), raw text, a
    urlencoded or multipart form (``form_fields``), a file (its path) or a GraphQL query
    with its variables (validated as a JSON object).

    Each kind has its own editor, so switching kinds never loses what was typed under
    another while the request stays loaded. ``body_text()`` is the body text the request
    keeps: the file's path, the GraphQL query, else the JSON or raw text.

    ``changed`` is emitted for user edits (typing, formatting, choosing a mode), not for
    ``set_text``/``set_mode``/``load``, so loading a request does not mark it as modified.
    Validation runs ``VALIDATION_DELAY_MS`` after the last keystroke; ``problem()`` is
    always computed fresh, so callers never act on a stale result.
    """

    changed = Signal()
    # Another mode, or an edit that may change the Content-Type the body adds (a form's
    # fields, a file's name, a GraphQL body appearing or emptying).
    mode_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        # The text, kept in step with each change (``None``: read it from the document when
        # asked). Reading a 10 MB document takes about 0.2 s; patching this copy with the
        # few characters a key changed takes a few milliseconds.
        self._text: str | None = ""

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

        self._editor = self._code_edit("bodyEditor")

        self.form_fields = FormFieldsWidget(self)
        self.file_edit = QLineEdit(self)
        self.file_edit.setObjectName("bodyFileEdit")
        self.file_edit.setPlaceholderText("files/payload.bin or /full/path")
        self.file_edit.setToolTip("The path of the file to send as the body")
        self.file_browse_button = QPushButton("Browse…", self)
        self.file_browse_button.setObjectName("bodyFileBrowseButton")
        self.file_browse_button.setToolTip("Choose the file to send as the body")
        self.graphql_query_edit = self._code_edit("graphqlQueryEdit")
        self.graphql_query_edit.setPlaceholderText("query { payments { id } }")
        self.graphql_variables_edit = self._code_edit("graphqlVariablesEdit")
        self.graphql_variables_edit.setPlaceholderText('{"id": 1}')
        self._variables_highlighter = JsonHighlighter(
            self.graphql_variables_edit.document(), self.palette()
        )
        self._graphql_had_text = False
        self._graphql_variables_text = ""
        self._pages = QStackedWidget(self)
        self._pages.addWidget(self._editor)
        self._pages.addWidget(self.form_fields)
        self._file_page = self._make_file_page()
        self._graphql_page = self._make_graphql_page()
        self._pages.addWidget(self._file_page)
        self._pages.addWidget(self._graphql_page)

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
        layout.addWidget(self._pages, 1)

        self._validation_timer.timeout.connect(self.validate_now)
        self._editor.document().contentsChange.connect(self._on_document_contents_change)
        self._editor.format_requested.connect(self.format_body)
        self._editor.big_paste.connect(self._stop_highlighting)
        self._format_button.clicked.connect(self.format_body)
        self._mode_combo.currentIndexChanged.connect(self._on_mode_combo_current_index_changed)
        self._mode_combo.activated.connect(self._on_mode_combo_activated)
        self.form_fields.model.rows_edited.connect(self._on_form_fields_edited)
        self.form_fields.cell_text_edited.connect(self.changed)
        self.file_edit.textEdited.connect(self._on_file_edit_text_edited)
        self.file_browse_button.clicked.connect(self._on_file_browse_button_clicked)
        self.graphql_query_edit.textChanged.connect(self._on_graphql_edited)
        self.graphql_variables_edit.textChanged.connect(self._on_graphql_edited)
        for edit in (self.graphql_query_edit, self.graphql_variables_edit):
            edit.format_requested.connect(self.format_body)

        self._apply_error_colour()
        self._apply_mode(self.mode())

    def _code_edit(self, name: str) -> _CodeEdit:
        edit = _CodeEdit(self)
        edit.setObjectName(name)
        edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        # Wrapping would make JSON structure hard to read and is slow on one-line bodies.
        edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        return edit

    def _make_file_page(self) -> QWidget:
        page = QWidget(self)
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.file_edit, 1)
        line.addWidget(self.file_browse_button)
        hint = QLabel(_FILE_HINT, page)
        hint.setWordWrap(True)
        hint.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(line)
        layout.addWidget(hint)
        layout.addStretch(1)
        return page

    def _make_graphql_page(self) -> QWidget:
        # The query beside its variables (the user moves the line between them): one above
        # the other would make the Body tab, and so the window, taller at its smallest.
        page = QSplitter(Qt.Orientation.Horizontal, self)
        page.setObjectName("graphqlSplitter")
        page.setChildrenCollapsible(False)
        for title, edit in (
            ("Query", self.graphql_query_edit),
            ("Variables (a JSON object)", self.graphql_variables_edit),
        ):
            part = QWidget(page)
            layout = QVBoxLayout(part)
            layout.setContentsMargins(0, 0, 0, 0)
            label = QLabel(title, part)
            label.setBuddy(edit)
            layout.addWidget(label)
            layout.addWidget(edit, 1)
            page.addWidget(part)
        page.setStretchFactor(0, 3)
        page.setStretchFactor(1, 2)
        return page

    # Public API -------------------------------------------------------------------------

    def text(self) -> str:
        """The body exactly as typed."""
        # toPlainText() would turn non-breaking spaces into plain spaces and U+2028 into a
        # line break, silently changing what is sent; raw text only needs block separators
        # turned back into newlines.
        if self._text is None:
            self._text = self._editor.document().toRawText().replace("\u2029", "\n")
        return self._text

    def _document_length(self) -> int:
        """The document's length in the units of its positions (UTF-16, one per line break)."""
        return self._editor.document().characterCount() - 1

    def _document_slice(self, position: int, length: int) -> str:
        cursor = QTextCursor(self._editor.document())
        cursor.setPosition(position)
        cursor.setPosition(min(position + length, self._document_length()), _KEEP_ANCHOR)
        return cursor.selectedText().replace("\u2029", "\n")

    def set_text(self, text: str) -> None:
        """Replace the body (e.g. when loading a request); clears undo history."""
        self._loading = True
        self._text = None  # nothing to patch: the whole document changes
        try:
            if len(text) > HIGHLIGHT_LIMIT:
                self._stop_highlighting()
            self._editor.setPlainText(text)
        finally:
            self._loading = False
        # The copy is the text itself when the document counts it the same way (no
        # characters outside the BMP, no line breaks the document rewrites).
        same = len(text) == self._document_length() and not any(c in text for c in "\r\u2029")
        self._text = text if same else None
        self._apply_mode(self.mode())

    def body_text(self) -> str:
        """The request's body text under the current mode: a file's path, a GraphQL query,
        else the JSON or raw text (kept, not sent, under a form)."""
        mode = self.mode()
        if mode is BodyMode.FILE:
            return self.file_edit.text()
        if mode is BodyMode.GRAPHQL:
            return _plain_text(self.graphql_query_edit)
        return self.text()

    def form(self) -> tuple[FormField, ...]:
        """The form's fields, a cell still being edited included."""
        return self.form_fields.rows_with_pending_edit()

    def graphql_variables(self) -> str:
        """The GraphQL variables as typed (JSON text)."""
        return _plain_text(self.graphql_variables_edit)

    def load(
        self,
        body: str,
        mode: BodyMode,
        form: tuple[FormField, ...] = (),
        graphql_variables: str = "",
    ) -> None:
        """Show a request's body (``body`` goes to the editor of ``mode``, the others are
        emptied) without emitting ``changed``."""
        self._loading = True
        try:
            self.file_edit.setText(body if mode is BodyMode.FILE else "")
            self.graphql_query_edit.setPlainText(body if mode is BodyMode.GRAPHQL else "")
            self.graphql_variables_edit.setPlainText(graphql_variables)
            self._graphql_variables_text = graphql_variables
            self._graphql_had_text = self._graphql_has_text()
            self.form_fields.model.set_rows(form)
        finally:
            self._loading = False
        self.set_text(body if mode in _TEXT_MODES else "")
        self.set_mode(mode)

    def set_collection_folder(self, folder: Path | None) -> None:
        """Where Browse… and Choose file… start; a file inside is kept as a relative path."""
        self.form_fields.collection_folder = folder

    @property
    def choose_file(self) -> ChooseFile:
        """Asks for a file (a dialog); tests replace it."""
        return self.form_fields.choose_file

    @choose_file.setter
    def choose_file(self, choose: ChooseFile) -> None:
        self.form_fields.choose_file = choose

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
        if self.mode() is BodyMode.GRAPHQL:
            self._show_message(_graphql_problem(self.graphql_variables()) or "")
        else:
            self._show_problem(self.problem())

    def format_body(self) -> bool:
        """Pretty-print a JSON body as one undoable edit.

        Returns False, shows the problem and moves the cursor to it when the body is not
        valid JSON; the text is left untouched. For a GraphQL body, formats its variables.
        """
        mode = self.mode()
        if mode is BodyMode.JSON:
            edit: QPlainTextEdit = self._editor
            text = self.text()
        elif mode is BodyMode.GRAPHQL:
            edit = self.graphql_variables_edit
            text = self.graphql_variables()
            if not text.strip(" \t\r\n"):
                return True
        else:
            return False
        try:
            formatted = format_json(text)
        except InvalidJsonError as error:
            self._validation_timer.stop()
            self._show_problem(error.problem)
            self._move_cursor_to(error.problem, edit)
            return False
        if formatted != text:
            # An edit through a cursor, unlike setPlainText, keeps the undo stack: Ctrl+Z
            # brings back the text as it was before formatting.
            cursor = QTextCursor(edit.document())
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
            self._variables_highlighter.apply_palette(self.palette())
            self._apply_error_colour()
        super().changeEvent(event)

    # Slots ------------------------------------------------------------------------------

    def _on_document_contents_change(self, position: int, removed: int, added: int) -> None:
        # The highlighter recolouring a block (after each key, on mode or palette changes)
        # reports it as removed and added again, with equal counts. A key typed or deleted
        # is an edit without reading the whole body.
        before = self._text
        self._text = None
        if before is None:
            if removed == added:
                return  # nobody read the text since the last edit, which was reported
        elif len(before) == self._document_length() - added + removed:
            # Positions count UTF-16 units and one per line break: the copy is patched only
            # while it counts the same (no characters outside the BMP).
            piece = self._document_slice(position, added)
            if removed == added and before[position : position + added] == piece:
                self._text = before
                return
            patched = before[:position] + piece + before[position + removed :]
            if len(patched) == self._document_length():
                self._text = patched
        elif removed == added and self.text() == before:
            return
        if self._document_length() > HIGHLIGHT_LIMIT:
            self._stop_highlighting()
        if self._loading:
            return
        # A big body is checked when it is sent or formatted: parsing 10 MB after every
        # pause in typing would hold the GUI thread for about 0.15 s each time.
        if self.mode() is BodyMode.JSON and self._document_length() <= HIGHLIGHT_LIMIT:
            self._validation_timer.start()
        self.changed.emit()

    def _on_mode_combo_current_index_changed(self, _index: int) -> None:
        self._apply_mode(self.mode())

    def _on_mode_combo_activated(self, _index: int) -> None:
        # activated is only emitted for the user's choice, never for set_mode.
        self.changed.emit()
        self.mode_changed.emit()

    def _on_form_fields_edited(self) -> None:
        self.changed.emit()
        self.mode_changed.emit()  # the first field brings the form's Content-Type

    def _on_file_edit_text_edited(self, _text: str) -> None:
        self.changed.emit()
        self.mode_changed.emit()  # the file's name names its Content-Type

    def _on_file_browse_button_clicked(self) -> None:
        folder = self.form_fields.collection_folder
        path = self.choose_file(self, str(folder) if folder is not None else "")
        if path:
            self.file_edit.setText(relative_to(path, folder))
            self._on_file_edit_text_edited(path)

    def _graphql_has_text(self) -> bool:
        return not (
            self.graphql_query_edit.document().isEmpty()
            and self.graphql_variables_edit.document().isEmpty()
        )

    def _on_graphql_edited(self) -> None:
        if self._loading:
            return
        # The highlighter recolouring the variables reports a change of the same text.
        variables = self.graphql_variables()
        if self.sender() is self.graphql_variables_edit:
            if variables == self._graphql_variables_text:
                return
            self._graphql_variables_text = variables
            self._validation_timer.start()
        self.changed.emit()
        has_text = self._graphql_has_text()
        if has_text != self._graphql_had_text:
            self._graphql_had_text = has_text
            self.mode_changed.emit()

    # Helpers ----------------------------------------------------------------------------

    def _stop_highlighting(self) -> None:
        if self._highlighting:
            self._highlighter.setDocument(None)
            self._highlighting = False

    def _apply_mode(self, mode: BodyMode) -> None:
        is_json = mode is BodyMode.JSON
        self._format_button.setEnabled(mode in (BodyMode.JSON, BodyMode.GRAPHQL))
        self._format_button.setToolTip(
            "Pretty-print the GraphQL variables (Ctrl+Shift+F)"
            if mode is BodyMode.GRAPHQL
            else "Pretty-print the JSON body (Ctrl+Shift+F)"
        )
        if mode in _FORM_MODES:
            self._pages.setCurrentWidget(self.form_fields)
            self.form_fields.set_multipart(mode is BodyMode.MULTIPART)
        elif mode is BodyMode.FILE:
            self._pages.setCurrentWidget(self._file_page)
        elif mode is BodyMode.GRAPHQL:
            self._pages.setCurrentWidget(self._graphql_page)
        else:
            self._pages.setCurrentWidget(self._editor)
            self._editor.setPlaceholderText(_PLACEHOLDERS[mode])
        highlight = is_json and self._document_length() <= HIGHLIGHT_LIMIT
        # Raw bodies are often not JSON at all (XML, form data): colouring them as JSON
        # would suggest errors that do not matter.
        if highlight != self._highlighting:
            self._highlighter.setDocument(self._editor.document() if highlight else None)
            self._highlighting = highlight
        self.validate_now()

    def _show_problem(self, problem: JsonProblem | None) -> None:
        message = "" if problem is None else problem.describe()
        if problem is not None and self.mode() is BodyMode.GRAPHQL:
            message = f"Variables: {message}"
        self._show_message(message)

    def _show_message(self, message: str) -> None:
        self._error_label.setText(message)
        self._error_label.setToolTip(message)

    def _move_cursor_to(self, problem: JsonProblem, edit: QPlainTextEdit | None = None) -> None:
        edit = edit or self._editor
        block = edit.document().findBlockByNumber(problem.line - 1)
        if not block.isValid():
            return
        # Problem columns count characters; Qt positions count UTF-16 units.
        prefix = block.text()[: problem.column - 1]
        cursor = QTextCursor(block)
        cursor.setPosition(block.position() + len(prefix.encode("utf-16-le")) // 2)
        edit.setTextCursor(cursor)
        edit.ensureCursorVisible()
        edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _apply_error_colour(self) -> None:
        palette = self._error_label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, error_text_color(self.palette()))
        self._error_label.setPalette(palette)

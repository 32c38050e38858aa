"""The response: status line, transport messages, decoded error, and Tree/Raw/Headers tabs."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Mapping

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QColor, QFontDatabase, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.display_text import describe_size, display_text
from app.core.exchange import INDEX_ABOVE_BYTES, Exchange
from app.core.json_doc import iter_pretty
from app.core.outcome import TransportFailure
from app.core.prepare import PreparedRequest
from app.core.redirects import describe_chain
from app.core.response import ResponseData
from app.core.sent_request import describe_sent_request
from app.services.files import save_file
from app.services.filtering import jq_body
from app.ui.elided_label import WrappingLabel
from app.ui.error_panel import ErrorPanel
from app.ui.filter_bar import FilterBar
from app.ui.find_bar import FindBar, TreeSearch, find_in_text
from app.ui.headers_model import HeadersModel
from app.ui.indexed_json_model import IndexedJsonModel
from app.ui.json_tree_model import JsonTreeModel
from app.ui.prompts import DialogPrompts, Prompts
from app.ui.raw_view import RawView
from app.ui.response_tree_view import ResponseTreeView
from app.ui.status_style import error_text_color, status_color, warning_text_color

__all__ = ["ResponsePane", "format_duration"]


def format_duration(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.2f} s"


class _FitScroll(QScrollArea):
    """Holds the error panel: as tall as the panel needs when the pane has room, scrolling
    when it is short (squeezed, the panel cut its advice mid-line). Shown and hidden with
    the panel."""

    _MIN_LINES = 2  # the code line and one more; the rest scrolls

    def __init__(self, panel: QWidget, parent: QWidget) -> None:
        super().__init__(parent)
        self._width = -1
        self.setObjectName("errorPanelScroll")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._panel = panel
        self.setWidget(panel)
        self.setVisible(not panel.isHidden())
        panel.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Sent to the panel whenever it is shown or hidden, even while this is hidden.
        kind = event.type()
        if kind == QEvent.Type.ShowToParent:
            self.setVisible(True)
        elif kind == QEvent.Type.HideToParent:
            self.setVisible(False)
        elif kind == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # new text: a new height
        return False

    def sizeHint(self) -> QSize:
        panel = self._panel
        width = self.viewport().width() if self._width > 0 else panel.sizeHint().width()
        height = (
            panel.heightForWidth(width) if panel.hasHeightForWidth() else panel.sizeHint().height()
        )
        return QSize(super().sizeHint().width(), max(height, 0) + 2 * self.frameWidth())

    def minimumSizeHint(self) -> QSize:
        lines = self.fontMetrics().lineSpacing() * self._MIN_LINES
        return QSize(super().minimumSizeHint().width(), min(self.sizeHint().height(), lines))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != self._width:
            self._width = event.size().width()
            self.updateGeometry()  # narrower, the panel's lines wrap into more height


class ResponsePane(QWidget):
    """Shows one exchange, or why there is none; owns no request logic."""

    TREE_TAB, RAW_TAB, HEADERS_TAB, REQUEST_TAB = range(4)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("statusLabel")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.status_label.font()
        font.setBold(True)
        self.status_label.setFont(font)
        self.elapsed_label = QLabel(self)
        self.elapsed_label.setObjectName("elapsedLabel")
        self.size_label = QLabel(self)
        self.size_label.setObjectName("sizeLabel")
        status_row = QHBoxLayout()
        status_row.addWidget(self.status_label)
        status_row.addSpacing(16)
        status_row.addWidget(self.elapsed_label)
        status_row.addSpacing(16)
        status_row.addWidget(self.size_label)
        status_row.addStretch(1)

        # The message line keeps its place (one line, empty when there is nothing to say):
        # showing and hiding it moved the tabs below on every send, and repainting them and
        # laying out the whole window again took most of a small request's click-to-status.
        # A long URL in "Sending GET …" must not widen the window (see WrappingLabel).
        self.message_label = WrappingLabel(self)
        self.message_label.setObjectName("responseMessageLabel")
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setMinimumHeight(self.message_label.fontMetrics().lineSpacing())

        self.warning_label = WrappingLabel(self)
        self.warning_label.setObjectName("tlsWarningLabel")

        self.error_panel = ErrorPanel(self)

        self.tree_model = JsonTreeModel(self)
        # A body past the streaming threshold: its tree comes from a worker process.
        self.indexed_model = IndexedJsonModel(self)
        self.indexed_model.problem.connect(self._on_indexed_model_problem)
        self.indexed_model.said.connect(self.show_message)
        self.tree_view = ResponseTreeView(self)
        self.tree_view.setObjectName("responseTree")
        self.tree_view.setModel(self.tree_model)
        self.raw_view = RawView(self)
        self.raw_view.setObjectName("rawView")
        self.headers_model = HeadersModel(self)
        self.headers_view = QTableView(self)
        self.headers_view.setTabKeyNavigation(False)  # Tab leaves the table
        self.headers_view.setObjectName("responseHeadersView")
        self.headers_view.setModel(self.headers_model)
        self.headers_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.headers_view.verticalHeader().hide()
        self.headers_view.horizontalHeader().setStretchLastSection(True)
        self.headers_view.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("responseTabs")
        self.filter_bar = FilterBar(self.tree_model, self)
        self.filter_bar.matches_shown.connect(self._on_filter_bar_matches_shown)
        tree_page = QWidget(self)
        tree_layout = QVBoxLayout(tree_page)
        tree_layout.setContentsMargins(0, 0, 0, 0)
        tree_layout.addWidget(self.filter_bar)
        tree_layout.addWidget(self.tree_view, 1)
        # Tab goes as the eye does: the tabs, the filter (language, query), then the tree.
        QWidget.setTabOrder(self.filter_bar.language, self.filter_bar.box)
        QWidget.setTabOrder(self.filter_bar.box, self.tree_view)
        self.tabs.addTab(tree_page, "Tree")
        self.tabs.addTab(self.raw_view, "Raw")
        self.tabs.addTab(self.headers_view, "Headers")
        self.sent_view = QPlainTextEdit(self)
        self.sent_view.setObjectName("sentRequestView")
        self.sent_view.setReadOnly(True)
        self.sent_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.sent_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.reveal_sent_check = QCheckBox("Show credentials and secrets", self)
        self.reveal_sent_check.setObjectName("revealSentCheck")
        sent_page = QWidget(self)
        sent_layout = QVBoxLayout(sent_page)
        sent_layout.setContentsMargins(0, 0, 0, 0)
        sent_layout.addWidget(self.sent_view, 1)
        sent_layout.addWidget(self.reveal_sent_check)
        self.tabs.addTab(sent_page, "Request")
        self.tabs.setTabToolTip(self.REQUEST_TAB, "The request exactly as it was sent")
        self._sent: tuple[PreparedRequest, Mapping[str, str]] | None = None
        self._prompts: Prompts = DialogPrompts(self)
        self._suggested_name = "response.bin"
        self.raw_view.binary_view.save_requested.connect(self.on_binary_view_save_requested)
        self.reveal_sent_check.toggled.connect(self._render_sent)

        # Every layout of a widget ends by telling its parent that its size hints may have
        # changed, and the splitter then lays out the whole main window again (docks and
        # toolbar included): about a millisecond, on every send. The pane's widgets live in
        # ``_body``, which the pane sizes itself, so only a real change of the minimum size
        # goes up (see ``event``).
        self._body = QWidget(self)
        self._body_minimum = QSize()
        layout = QVBoxLayout(self._body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(status_row)
        # What the message says can be fixed from here (a secret with no value): one button.
        self.offer_button = QPushButton(self)
        self.offer_button.setObjectName("responseOfferButton")
        self.offer_button.hide()
        self.offer_button.clicked.connect(self._on_offer_button_clicked)
        self._offered: Callable[[], None] | None = None
        message_row = QHBoxLayout()
        message_row.addWidget(self.message_label, 1)
        message_row.addWidget(self.offer_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(message_row)
        layout.addWidget(self.warning_label)
        self.error_scroll = _FitScroll(self.error_panel, self)
        layout.addWidget(self.error_scroll)
        self.find_bar = FindBar(self)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.tabs, 1)
        self.tree_search = TreeSearch(self.tree_view, self.tree_model, self.find_bar.say)
        self.find_bar.search_changed.connect(self._search)
        self.find_bar.stepped.connect(self._on_find_bar_stepped)
        self.find_bar.closed.connect(self._on_find_bar_closed)
        self.tree_search.invalidated.connect(self._search)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.clear()
        self.show_message("Press Send (Ctrl+Enter) to see the response here.")

    def sizeHint(self) -> QSize:
        return self._body.sizeHint()

    def minimumSizeHint(self) -> QSize:
        return self._body.minimumSizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._body.setGeometry(self.rect())
        super().resizeEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            minimum = self._body.minimumSizeHint()
            if minimum != self._body_minimum:
                self._body_minimum = minimum
                self.updateGeometry()
        return super().event(event)

    def _clear_tree(self) -> None:
        self.tree_model.clear()
        self.filter_bar.set_document(None)
        self._show_indexed(False)

    def _show_indexed(self, indexed: bool) -> None:
        """Show the tree of the worker's index (a huge body) or of a parsed document."""
        if not indexed:
            self.indexed_model.clear()
        model = self.indexed_model if indexed else self.tree_model
        if self.tree_view.model() is not model:
            self.tree_view.setModel(model)

    def _on_filter_bar_matches_shown(self, shown: bool) -> None:
        # A huge body's jq matches show in the parsed tree's model; cleared, the index again.
        if self.indexed_model.is_open():
            self.tree_view.setModel(self.tree_model if shown else self.indexed_model)
            self._search()  # the find bar, when open, finds in what shows now

    def _on_indexed_model_problem(self, text: str) -> None:
        self.show_message(text, is_error=True)
        if self.indexed_model.rowCount() == 0 and self.tabs.currentIndex() == self.TREE_TAB:
            self.tabs.setCurrentIndex(self.RAW_TAB)

    # --- find ------------------------------------------------------------------------------
    def show_find(self) -> None:
        """Open the find bar over the Tree or Raw view (Ctrl+F)."""
        if self.tabs.currentIndex() not in (self.TREE_TAB, self.RAW_TAB):
            self.tabs.setCurrentIndex(self.TREE_TAB if self.tree_model.rowCount() else self.RAW_TAB)
        self.find_bar.open_bar()
        self._search()

    def find_step(self, direction: int) -> None:
        """The next (1) or previous (-1) match (F3, Shift+F3); opens the bar when closed."""
        if self.find_bar.isHidden():
            self.show_find()
        else:
            self._on_find_bar_stepped(direction)

    def _search(self) -> None:
        if self.find_bar.isHidden():
            return
        self.tree_search.stop()
        needle, case = self.find_bar.text(), self.find_bar.case_sensitive()
        indexed = self.tree_view.model() is self.indexed_model
        if self.tabs.currentIndex() == self.TREE_TAB and indexed:
            self.find_bar.say("The Tree of a body this big is not searched: find in Raw")
        elif self.tabs.currentIndex() == self.TREE_TAB:
            self.tree_search.search(needle, case)
        elif self.tabs.currentIndex() == self.RAW_TAB:
            edit = self.raw_view.text_widget()
            cursor = edit.textCursor()
            cursor.movePosition(cursor.MoveOperation.Start)
            edit.setTextCursor(cursor)
            self._find_in_raw(1)
        else:
            self.find_bar.say("Find works in the Tree and Raw views")

    def _find_in_raw(self, direction: int) -> None:
        needle = self.find_bar.text()
        if not needle:
            self.find_bar.say("")
            return
        found = find_in_text(
            self.raw_view.text_widget(), needle, self.find_bar.case_sensitive(), direction
        )
        partial = (
            ""
            if not self.raw_view.has_more()
            else " in the part shown (Show all searches everything)"
            if self.raw_view.can_show_more()
            else " in the part shown"
        )
        self.find_bar.say(("Found" if found else "No matches") + partial)

    def _on_find_bar_stepped(self, direction: int) -> None:
        if self.tabs.currentIndex() == self.TREE_TAB:
            # A huge body's Tree is not searched (the bar said so when the search started).
            if self.tree_view.model() is not self.indexed_model:
                self.tree_search.step(direction)
        elif self.tabs.currentIndex() == self.RAW_TAB:
            self._find_in_raw(direction)

    def _on_find_bar_closed(self) -> None:
        self.tree_search.stop()
        self.tabs.currentWidget().setFocus()

    def _on_tabs_current_changed(self, _index: int) -> None:
        self._search()

    def clear(self) -> None:
        """Show nothing."""
        self._show_no_response("")

    def _show_no_response(self, status: str, colour: QColor | None = None) -> None:
        """``status`` over empty views. Each part is set once, and only what changes costs
        anything (a send shows this first, then the response)."""
        self._set_status(status, colour)
        self.elapsed_label.setText("")
        self.size_label.setText("")
        self._clear_notes()
        self._clear_tree()
        self.raw_view.clear()
        self.headers_model.set_headers(())

    def _set_status(self, text: str, colour: QColor | None = None) -> None:
        # setText("") where QLabel.clear() was: clear() lays the pane out again even when the
        # label was empty already.
        self.status_label.setText(text)
        self._set_text_colour(self.status_label, colour)

    @staticmethod
    def _set_text_colour(label: QLabel, colour: QColor | None) -> None:
        """Colour ``label``'s text (``None``: the usual colour). The style sheet is set only
        when it changes: setting one polishes the label and lays the pane out again."""
        sheet = f"color: {colour.name()};" if colour is not None else ""
        if label.styleSheet() != sheet:
            label.setStyleSheet(sheet)

    def offer(self, text: str, action: Callable[[], None]) -> None:
        """A button beside the message that does what it says (``action``) until the next
        message."""
        self._offered = action
        self.offer_button.setText(text)
        self.offer_button.show()

    def _on_offer_button_clicked(self) -> None:
        if self._offered is not None:
            self._offered()

    def _clear_notes(self) -> None:
        """Clear the message, warning, decoded error, sent request and offer."""
        self.message_label.setText("")
        if not self.offer_button.isHidden():
            self.offer_button.hide()
            self._offered = None
        if not self.warning_label.isHidden():
            self.warning_label.setText("")
            self.warning_label.hide()
        self.error_panel.clear()
        self._sent = None
        self.reveal_sent_check.setChecked(False)
        if not self.sent_view.document().isEmpty():
            self.sent_view.clear()

    def show_warning(self, text: str) -> None:
        """A warning about the exchange itself (e.g. certificate verification was off)."""
        colour = warning_text_color(self.palette()).name()
        self.warning_label.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.warning_label.setText(f"⚠ {text}")
        self.warning_label.show()

    def show_sent_request(self, request: PreparedRequest, secrets: Mapping[str, str]) -> None:
        """Fill the Request tab with ``request`` as sent (credentials masked until revealed)."""
        self._sent = (request, secrets)
        self._render_sent()

    def _render_sent(self) -> None:
        if self._sent is None:
            self.sent_view.clear()
            return
        request, secrets = self._sent
        self.sent_view.setPlainText(
            describe_sent_request(
                request, secrets=secrets, reveal=self.reveal_sent_check.isChecked()
            )
        )

    def show_message(self, text: str, *, is_error: bool = False) -> None:
        colour = error_text_color(self.palette()) if is_error else None
        self._set_text_colour(self.message_label, colour)
        self.message_label.setText(text)

    def show_sending(self, method: str, url: str) -> None:
        self._show_no_response("Sending…")
        self.show_message(f"{method} {url}")

    def show_cancelled(self) -> None:
        self._show_no_response("Cancelled")
        self.show_message("The request was cancelled; nothing more will be received.")

    def show_failure(self, failure: TransportFailure) -> None:
        self._show_no_response("No response", error_text_color(self.palette()))
        self.show_message(failure.message, is_error=True)

    def show_refused(self, message: str) -> None:
        self._show_no_response("Not sent", error_text_color(self.palette()))
        self.show_message(message, is_error=True)

    def set_prompts(self, prompts: Prompts) -> None:
        """Who answers "where to save" (the window's prompts; dialogs until this is called)."""
        self._prompts = prompts

    def on_binary_view_save_requested(self) -> None:
        body = self.raw_view.binary_view.body()
        path = self._prompts.choose_save_path("Save the response body", self._suggested_name)
        if path is None:
            return
        try:
            save_file(path, body)
        except OSError as error:
            self.show_message(
                f"Could not save the body to {path}: {error.strerror or error}.", is_error=True
            )
            return
        self.show_message(f"Saved {len(body):,} bytes to {path}.")

    def show_exchange(self, exchange: Exchange) -> None:
        """Show ``exchange``, replacing whatever was shown. Each part is set once, without
        clearing the pane first (after a send it was cleared a moment ago)."""
        response = exchange.response
        self._set_status(
            display_text(f"{response.status} {response.reason}".strip(), 200).text,
            status_color(response.status, self.palette()),
        )
        self.elapsed_label.setText(format_duration(response.elapsed_ms))
        self.size_label.setText(describe_size(len(response.body)))
        self._clear_notes()
        self.headers_model.set_headers(response.headers)
        # The redirects followed (or why one was not) come first, whatever follows.
        redirects = [n for n in (describe_chain(exchange.redirects), exchange.redirect_stop) if n]
        notes: list[str] = list(redirects)
        error = exchange.error
        calm = _is_calm(exchange)
        if error is not None and calm and not exchange.redirect_stop:
            # A redirect that was not followed: why not explains it better than its status.
            notes.append(_calm_note(response, error.status_explanation))
        size = describe_size(len(response.body))
        if exchange.binary:
            self._clear_tree()
            self.raw_view.show_binary(response.body, response.content_type)
            self._suggested_name = _suggested_name(response, self.raw_view.binary_view.image_format)
            if self.tabs.currentIndex() == self.TREE_TAB:
                self.tabs.setCurrentIndex(self.RAW_TAB)
        elif exchange.indexed and response.body_file is not None:
            self.tree_model.clear()
            self._show_indexed(True)
            self.indexed_model.set_file(response.body_file.path)
            reader = self.indexed_model.values_reader()
            self.filter_bar.set_document(None, jq_body(exchange), values_at=reader)
            self.raw_view.show_body(
                response.iter_text, size, seek=response.iter_text, size=len(response.body)
            )
            notes.append(indexed_note(size))
            if self.tabs.currentIndex() != self.HEADERS_TAB:
                self.tabs.setCurrentIndex(self.TREE_TAB)
        elif exchange.is_json:
            self._show_indexed(False)
            self.tree_model.set_document(exchange.document)
            self.filter_bar.set_document(exchange.document, jq_body(exchange))
            document = exchange.document
            self.raw_view.show_body(
                response.iter_text,
                size,
                lambda: iter_pretty(document),
                seek=response.iter_text,
                size=len(response.body),
            )
            if exchange.json_lines and isinstance(document, list):
                notes.append(f"JSON lines: {len(document):,} values, one per line.")
            if self.tabs.currentIndex() != self.HEADERS_TAB:
                self.tabs.setCurrentIndex(self.TREE_TAB)
        else:
            self._clear_tree()
            self.raw_view.show_body(
                response.iter_text, size, seek=response.iter_text, size=len(response.body)
            )
            if not response.body and not _body_said_elsewhere(exchange):
                notes.append("The response has no body.")
            if self.tabs.currentIndex() == self.TREE_TAB:
                self.tabs.setCurrentIndex(self.RAW_TAB)
        self._search()  # the bar, when open, finds in the new response
        problems = [p for p in (exchange.json_problem, exchange.text_problem) if p]
        if error is not None and not calm:
            # The message line says each thing once with the panel: what the body is, when
            # it says so (JSON that does not parse, JSON lines), is not said again below.
            lines_said = exchange.json_lines and not problems
            self.error_panel.show_error(
                error, body_described=exchange.json_problem is not None or lines_said
            )
        if problems:
            self.show_message(" ".join([*redirects, *problems]), is_error=True)
        elif notes:
            self.show_message(" ".join(notes))


def indexed_note(size: str) -> str:
    """What the message line says of a body shown through the worker's index."""
    return (
        f"A big body ({size}): its members are read from disk as you expand them; it "
        f"filters with jq (JSONPath and Find in the Tree are for bodies up to "
        f"{describe_size(INDEX_ABOVE_BYTES)}; Find in Raw works)."
    )


def _is_calm(exchange: Exchange) -> bool:
    """A 1xx or 3xx without an error object is not a failure: it is explained, not flagged."""
    error = exchange.error
    return error is not None and error.code is None and error.status // 100 in (1, 3)


def _body_said_elsewhere(exchange: Exchange) -> bool:
    """Whether a line other than "The response has no body." says so already: the error
    panel's note about the body ("The server sent an empty body, …"), or the explanation of
    a 304, which never has one ("…, so no body came")."""
    error = exchange.error
    if error is None:
        return False
    return not _is_calm(exchange) or (error.status == 304 and not exchange.redirect_stop)


def _calm_note(response: ResponseData, explanation: str) -> str:
    location = response.header("location")
    if location:
        return f"{explanation} Location: {display_text(location, 500).text}"
    return explanation


def _suggested_name(response: ResponseData, image_format: str) -> str:
    """A file name for Save: the URL's last segment, with the image's format or the content
    type's extension when it has none."""
    segment = response.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    safe = "".join(ch for ch in segment if ch.isalnum() or ch in "._-")[:100].lstrip(".")
    if safe and "." in safe:
        return safe
    if image_format:
        return f"{safe or 'image'}.{image_format}"
    extension = mimetypes.guess_extension(response.content_type) or ".bin"
    return f"{safe or 'response'}{extension}"

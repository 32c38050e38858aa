"""The response: status line, transport messages, decoded error, and Tree/Raw/Headers tabs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.exchange import Exchange
from app.core.json_doc import iter_pretty
from app.core.outcome import TransportFailure
from app.core.prepare import PreparedRequest
from app.core.sent_request import describe_sent_request
from app.ui.error_panel import ErrorPanel
from app.ui.headers_model import HeadersModel
from app.ui.json_tree_model import JsonTreeModel
from app.ui.raw_view import RawView, format_size
from app.ui.response_tree_view import ResponseTreeView
from app.ui.status_style import error_text_color, status_color, warning_text_color

__all__ = ["ResponsePane", "format_duration"]

_TEXT_CHUNK = 1 << 20


def format_duration(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.2f} s"


def _text_chunks(text: str) -> Iterator[str]:
    for start in range(0, len(text), _TEXT_CHUNK):
        yield text[start : start + _TEXT_CHUNK]


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

        self.message_label = QLabel(self)
        self.message_label.setObjectName("responseMessageLabel")
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.warning_label = QLabel(self)
        self.warning_label.setObjectName("tlsWarningLabel")
        self.warning_label.setTextFormat(Qt.TextFormat.PlainText)
        self.warning_label.setWordWrap(True)

        self.error_panel = ErrorPanel(self)

        self.tree_model = JsonTreeModel(self)
        self.tree_view = ResponseTreeView(self)
        self.tree_view.setObjectName("responseTree")
        self.tree_view.setModel(self.tree_model)
        self.raw_view = RawView(self)
        self.raw_view.setObjectName("rawView")
        self.headers_model = HeadersModel(self)
        self.headers_view = QTableView(self)
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
        self.tabs.addTab(self.tree_view, "Tree")
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
        self.reveal_sent_check.toggled.connect(self._render_sent)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(status_row)
        layout.addWidget(self.message_label)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.error_panel)
        layout.addWidget(self.tabs, 1)
        self.clear()
        self.show_message("Press Send (Ctrl+Enter) to see the response here.")

    def clear(self) -> None:
        self.status_label.clear()
        self.status_label.setStyleSheet("")
        self.elapsed_label.clear()
        self.size_label.clear()
        self.message_label.clear()
        self.message_label.hide()
        self.warning_label.clear()
        self.warning_label.hide()
        self.error_panel.clear()
        self.tree_model.clear()
        self.raw_view.clear()
        self.headers_model.set_headers(())
        self._sent = None
        self.reveal_sent_check.setChecked(False)
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
        colour = error_text_color(self.palette()).name() if is_error else ""
        self.message_label.setStyleSheet(f"color: {colour};" if colour else "")
        self.message_label.setText(text)
        self.message_label.show()

    def show_sending(self, method: str, url: str) -> None:
        self.clear()
        self.status_label.setText("Sending…")
        self.show_message(f"{method} {url}")

    def show_cancelled(self) -> None:
        self.clear()
        self.status_label.setText("Cancelled")
        self.show_message("The request was cancelled; nothing more will be received.")

    def show_failure(self, failure: TransportFailure) -> None:
        self.clear()
        self.status_label.setText("No response")
        self.status_label.setStyleSheet(f"color: {error_text_color(self.palette()).name()};")
        self.show_message(failure.message, is_error=True)

    def show_refused(self, message: str) -> None:
        self.clear()
        self.status_label.setText("Not sent")
        self.status_label.setStyleSheet(f"color: {error_text_color(self.palette()).name()};")
        self.show_message(message, is_error=True)

    def show_exchange(self, exchange: Exchange) -> None:
        self.clear()
        response = exchange.response
        self.status_label.setText(f"{response.status} {response.reason}".strip())
        self.status_label.setStyleSheet(
            f"color: {status_color(response.status, self.palette()).name()};"
        )
        self.elapsed_label.setText(format_duration(response.elapsed_ms))
        self.size_label.setText(format_size(len(response.body)))
        self.headers_model.set_headers(response.headers)
        if exchange.error is not None:
            self.error_panel.show_error(exchange.error)
        if exchange.json_problem:
            self.show_message(exchange.json_problem, is_error=True)
        if exchange.is_json:
            self.tree_model.set_document(exchange.document)
            self.raw_view.show_text_chunks(
                iter_pretty(exchange.document), format_size(len(response.body))
            )
            if self.tabs.currentIndex() != self.HEADERS_TAB:
                self.tabs.setCurrentIndex(self.TREE_TAB)
        else:
            self.raw_view.show_text_chunks(
                _text_chunks(response.text()), format_size(len(response.body))
            )
            if not response.body:
                self.show_message("The response has no body.")
            if self.tabs.currentIndex() == self.TREE_TAB:
                self.tabs.setCurrentIndex(self.RAW_TAB)

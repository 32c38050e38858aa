"""The decoded error: code, description, link, per-field problems, advice, correlation id.

Everything the server wrote is shown as plain text; only ``error_uri`` becomes a link, and
only an http/https one opens (anything else is shown, not opened).
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import DecodedError
from app.core.json_doc import json_value_text
from app.ui.status_style import error_text_color, warning_text_color

__all__ = ["ErrorPanel"]

_ERROR_DATA_PREVIEW = 2000


def _plain_label(name: str, parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    # Server text can hold a word longer than any window: it wraps where it can and is cut
    # at the edge where it cannot, but never sets the window's width.
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


def _field_lines(error: DecodedError) -> list[str]:
    """One line per problem. Servers often send the same problem both in
    ``error_properties`` and in ``errors``; it is listed once, with the ``errors`` code."""
    lines: dict[tuple[str, str], str] = {}
    for problem in error.properties:
        lines[(problem.field, problem.message)] = (
            f"{problem.field}: {problem.message}" if problem.field else problem.message
        )
    for item in error.errors:
        field, message = item.field or "", item.message or ""
        text = f"{field}: {message}" if field else message
        if item.code:
            text = f"{text} ({item.code})" if text else item.code
        if text:
            lines[(field, message)] = text
    return list(lines.values())


class ErrorPanel(QFrame):
    """Shows one ``DecodedError``; fields the server left out are hidden, never "None"."""

    clock_check_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._correlation_id = ""

        self.code_label = _plain_label("errorCodeLabel", self)
        font = self.code_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.code_label.setFont(font)
        self.description_label = _plain_label("errorDescriptionLabel", self)
        self.uri_label = QLabel(self)
        self.uri_label.setObjectName("errorUriLabel")
        self.uri_label.setWordWrap(True)
        self.uri_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.uri_label.setOpenExternalLinks(False)
        self.uri_label.linkActivated.connect(self._on_uri_label_link_activated)
        self.mismatch_label = _plain_label("errorMismatchLabel", self)
        self.no_object_label = _plain_label("errorNoObjectLabel", self)
        self.fields_label = _plain_label("errorFieldsLabel", self)
        self.data_label = _plain_label("errorDataLabel", self)
        self.hint_label = _plain_label("errorHintLabel", self)

        self.compare_clock_button = QPushButton("Compare my clock with the server's", self)
        self.compare_clock_button.setObjectName("compareClockButton")
        self.compare_clock_button.clicked.connect(self.clock_check_requested)
        self.clock_label = _plain_label("clockSkewLabel", self)

        self.correlation_label = _plain_label("correlationIdLabel", self)
        self.copy_correlation_button = QPushButton("Copy", self)
        self.copy_correlation_button.setObjectName("copyCorrelationButton")
        self.copy_correlation_button.setToolTip("Copy the paysera-correlation-id for support")
        self.copy_correlation_button.clicked.connect(self._on_copy_correlation_clicked)
        self._correlation_row = QWidget(self)
        row = QHBoxLayout(self._correlation_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.correlation_label, 1)
        row.addWidget(self.copy_correlation_button)

        layout = QVBoxLayout(self)
        for widget in (
            self.code_label,
            self.description_label,
            self.uri_label,
            self.mismatch_label,
            self.no_object_label,
            self.fields_label,
            self.data_label,
            self.hint_label,
            self.compare_clock_button,
            self.clock_label,
            self._correlation_row,
        ):
            layout.addWidget(widget)
        self._apply_colours()
        self.clear()

    def _apply_colours(self) -> None:
        palette = self.palette()
        self.code_label.setStyleSheet(f"color: {error_text_color(palette).name()};")
        self.mismatch_label.setStyleSheet(f"color: {warning_text_color(palette).name()};")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_colours()
        super().changeEvent(event)

    def clear(self) -> None:
        for label in (
            self.code_label,
            self.description_label,
            self.uri_label,
            self.mismatch_label,
            self.no_object_label,
            self.fields_label,
            self.data_label,
            self.hint_label,
            self.clock_label,
        ):
            label.clear()
            label.hide()
        self.compare_clock_button.hide()
        self._correlation_id = ""
        self._correlation_row.hide()
        self.hide()

    @staticmethod
    def _show(label: QLabel, text: str | None) -> None:
        if text:
            label.setText(text)
            label.show()

    def show_error(self, error: DecodedError) -> None:
        """Fill the panel from ``error`` and show it."""
        self.clear()
        if error.code:
            self._show(self.code_label, error.code)
        else:
            self._show(self.code_label, f"{error.status} {error.status_text}".strip())
        self._show(self.description_label, error.description)
        if error.uri:
            self._show_uri(error.uri, error.uri_openable)
        self._show(self.mismatch_label, error.status_mismatch)
        self._show(self.no_object_label, error.no_error_object)
        self._show(self.fields_label, "\n".join(_field_lines(error)))
        if error.data is not None:
            text = json_value_text(error.data)
            if len(text) > _ERROR_DATA_PREVIEW:
                text = text[:_ERROR_DATA_PREVIEW] + " …"
            self._show(self.data_label, f"error_data: {text}")
        hint_parts = []
        if error.info is not None:
            hint_parts.append(f"{error.info.meaning} {error.info.next_step}")
        hint_parts.append(error.status_explanation)
        self._show(self.hint_label, "\n".join(p for p in hint_parts if p))
        # The server rejected our timestamp: offer to measure the clock difference.
        self.compare_clock_button.setVisible(error.code == "invalid_timestamp")
        if error.correlation_id:
            self._correlation_id = error.correlation_id
            self.correlation_label.setText(f"paysera-correlation-id: {error.correlation_id}")
            self._correlation_row.show()
        self.show()

    def _show_uri(self, uri: str, openable: bool) -> None:
        if openable:
            self.uri_label.setTextFormat(Qt.TextFormat.RichText)
            escaped = html.escape(uri, quote=True)
            self.uri_label.setText(f'More: <a href="{escaped}">{escaped}</a>')
            self.uri_label.setToolTip(uri)
        else:
            self.uri_label.setTextFormat(Qt.TextFormat.PlainText)
            self.uri_label.setText(f"More: {uri} (not opened: only http and https links open)")
        self.uri_label.show()

    def _on_uri_label_link_activated(self, link: str) -> None:
        url = QUrl(link)
        # Checked again here: the label is the last line of defence before the browser.
        if url.scheme().lower() in ("http", "https") and url.host():
            QDesktopServices.openUrl(url)

    def _on_copy_correlation_clicked(self) -> None:
        if self._correlation_id:
            QGuiApplication.clipboard().setText(self._correlation_id)

    def show_clock_result(self, text: str) -> None:
        self.clock_label.setText(text)
        self.clock_label.show()

    def correlation_id(self) -> str:
        return self._correlation_id

"""The decoded error: code, description, link, per-field problems, advice, correlation id.

Everything the server wrote is shown as plain text, bounded (``app.core.display_text``: a
4.8 MB description froze the window for 30 s) and with bidi and control characters made
visible; "Show all" opens the whole text in a scrollable view. Only ``error_uri`` becomes a
link, and only an http/https one without a user part opens (anything else is shown with a
warning, not opened). Field problems are a lazy list once there are more than a few.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.display_text import LABEL_CHARS, display_text
from app.core.errors import DecodedError
from app.core.json_doc import json_value_preview, json_value_text
from app.ui.elided_label import WrappingLabel
from app.ui.field_problems_model import FieldProblemsModel
from app.ui.status_style import error_text_color, warning_text_color
from app.ui.text_dialog import TextDialog

__all__ = ["INLINE_FIELD_PROBLEMS", "ErrorPanel"]

INLINE_FIELD_PROBLEMS = 10
"""Up to this many field problems are listed in a label; more go to a lazy list view."""

_SHORT_CHARS = 200  # a code or an id: anything longer is not one a person reads
_FIELD_ROWS_SHOWN = 8  # the list view's height, in rows


def _plain_label(name: str, parent: QWidget) -> QLabel:
    # Server text can hold a word longer than any window: it wraps where it can and is cut
    # at the edge where it cannot, but never sets the window's width (see WrappingLabel).
    label = WrappingLabel(parent)
    label.setObjectName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _row(parent: QWidget, *widgets: QWidget) -> QWidget:
    """``widgets`` side by side, the first one stretching."""
    row = QWidget(parent)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for position, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if position == 0 else 0, Qt.AlignmentFlag.AlignTop)
    return row


class ErrorPanel(QFrame):
    """Shows one ``DecodedError``; fields the server left out are hidden, never "None".

    Each thing is said once (issue 11): the status is on the response pane's status line,
    so a panel without an error code has no heading, and the hint and the note about the
    body leave out what another line says (``DecodedError.hint`` and ``body_note``).
    """

    clock_check_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._correlation_id = ""
        self._uri = ""
        self._description = ""
        self._data: object | None = None
        self._dialog: TextDialog | None = None

        self.code_label = _plain_label("errorCodeLabel", self)
        font = self.code_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.code_label.setFont(font)
        self.duplicate_label = _plain_label("errorDuplicateLabel", self)
        self.description_label = _plain_label("errorDescriptionLabel", self)
        self.description_all_button = QPushButton("Show all", self)
        self.description_all_button.setObjectName("errorDescriptionShowAllButton")
        self.description_all_button.clicked.connect(self._on_description_all_button_clicked)
        self._description_row = _row(self, self.description_label, self.description_all_button)

        self.uri_label = WrappingLabel(self)
        self.uri_label.setObjectName("errorUriLabel")
        self.uri_label.setOpenExternalLinks(False)
        self.uri_label.linkActivated.connect(self._on_uri_label_link_activated)
        self.uri_warning_label = _plain_label("errorUriWarningLabel", self)
        self.uri_failed_label = _plain_label("errorUriFailedLabel", self)
        self.copy_uri_button = QPushButton("Copy link", self)
        self.copy_uri_button.setObjectName("copyErrorUriButton")
        self.copy_uri_button.clicked.connect(self._on_copy_uri_button_clicked)
        self._uri_failed_row = _row(self, self.uri_failed_label, self.copy_uri_button)

        self.mismatch_label = _plain_label("errorMismatchLabel", self)
        self.no_object_label = _plain_label("errorNoObjectLabel", self)
        self.fields_label = _plain_label("errorFieldsLabel", self)
        self.fields_model = FieldProblemsModel(self)
        self.fields_view = QListView(self)
        self.fields_view.setObjectName("errorFieldsView")
        self.fields_view.setModel(self.fields_model)
        # Uniform rows: the view never measures a row it does not paint.
        self.fields_view.setUniformItemSizes(True)
        self.fields_view.setWordWrap(False)
        self.fields_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.fields_view.setFixedHeight(
            self.fields_view.fontMetrics().lineSpacing() * _FIELD_ROWS_SHOWN + 8
        )
        self.data_label = _plain_label("errorDataLabel", self)
        self.data_all_button = QPushButton("Show all", self)
        self.data_all_button.setObjectName("errorDataShowAllButton")
        self.data_all_button.clicked.connect(self._on_data_all_button_clicked)
        self._data_row = _row(self, self.data_label, self.data_all_button)
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
        self._correlation_row = _row(self, self.correlation_label, self.copy_correlation_button)

        layout = QVBoxLayout(self)
        for widget in (
            self.code_label,
            self.duplicate_label,
            self._description_row,
            self.uri_label,
            self.uri_warning_label,
            self._uri_failed_row,
            self.mismatch_label,
            self.no_object_label,
            self.fields_label,
            self.fields_view,
            self._data_row,
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
        warning = f"color: {warning_text_color(palette).name()};"
        for label in (self.mismatch_label, self.duplicate_label, self.uri_warning_label):
            label.setStyleSheet(warning)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_colours()
        super().changeEvent(event)

    def _labels(self) -> tuple[QLabel, ...]:
        return (
            self.code_label,
            self.duplicate_label,
            self.description_label,
            self.uri_label,
            self.uri_warning_label,
            self.uri_failed_label,
            self.mismatch_label,
            self.no_object_label,
            self.fields_label,
            self.data_label,
            self.hint_label,
            self.clock_label,
            self.correlation_label,
        )

    def clear(self) -> None:
        for label in self._labels():
            label.clear()
            label.hide()
        for widget in (
            self._description_row,
            self.description_all_button,
            self._uri_failed_row,
            self.fields_view,
            self._data_row,
            self.data_all_button,
            self.compare_clock_button,
            self._correlation_row,
        ):
            widget.hide()
        self.fields_model.set_error(None)
        self._correlation_id = ""
        self._uri = ""
        self._description = ""
        self._data = None
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None
        self.hide()

    @staticmethod
    def _show(label: QLabel, text: str | None) -> None:
        if text:
            label.setText(text)
            label.show()

    @staticmethod
    def _show_server_text(
        label: QLabel, text: str | None, max_chars: int = LABEL_CHARS, prefix: str = ""
    ) -> bool:
        """Show server ``text`` bounded and made visible; True when it was cut."""
        if not text:
            return False
        shown = display_text(text, max_chars)
        label.setText(prefix + shown.text)
        label.show()
        return shown.cut

    def show_error(self, error: DecodedError, *, body_described: bool = False) -> None:
        """Fill the panel from ``error`` and show it. ``body_described``: the line above
        already says what the body is (JSON that does not parse, JSON lines), so the panel
        does not say it again."""
        self.clear()
        if error.code:
            self._show_server_text(self.code_label, error.code, _SHORT_CHARS)
        if error.duplicate_error_keys:
            names = ", ".join(f'"{key}"' for key in error.duplicate_error_keys)
            self._show_server_text(
                self.duplicate_label,
                f"The error object has the key {names} more than once; the last value of "
                "each is shown here, and the Tree shows every one.",
            )
        if error.description:
            self._description = error.description
            cut = self._show_server_text(self.description_label, error.description)
            self.description_all_button.setVisible(cut)
            self._description_row.show()
        if error.uri:
            self._show_uri(error.uri, error.uri_openable, error.uri_warning)
        self._show_server_text(self.mismatch_label, error.status_mismatch)
        if not body_described:
            self._show_server_text(self.no_object_label, error.body_note)
        self._show_fields(error)
        if error.data is not None:
            self._data = error.data
            preview, cut = json_value_preview(error.data, LABEL_CHARS)
            self._show_server_text(self.data_label, preview, prefix="error_data: ")
            if cut:
                self.data_label.setText(self.data_label.text() + " …")
            self.data_all_button.setVisible(cut)
            self._data_row.show()
        self._show(self.hint_label, error.hint)  # one explanation, never two
        # The server rejected our timestamp: offer to measure the clock difference.
        self.compare_clock_button.setVisible(error.code == "invalid_timestamp")
        if error.correlation_id:
            self._correlation_id = error.correlation_id
            self._show_server_text(
                self.correlation_label,
                error.correlation_id,
                _SHORT_CHARS,
                prefix="paysera-correlation-id: ",
            )
            self._correlation_row.show()
        self.show()

    def _show_fields(self, error: DecodedError) -> None:
        model = self.fields_model
        model.set_error(error)
        count = model.rowCount()
        if count == 0:
            return
        if count <= INLINE_FIELD_PROBLEMS:
            self._show(self.fields_label, "\n".join(model.line(row) for row in range(count)))
            return
        self._show(self.fields_label, f"{count:,} field problems:")
        self.fields_view.scrollToTop()
        self.fields_view.show()

    def _show_uri(self, uri: str, openable: bool, warning: str | None) -> None:
        self._uri = uri
        shown = display_text(uri).text
        if openable:
            self.uri_label.setTextFormat(Qt.TextFormat.RichText)
            escaped = html.escape(shown, quote=True)
            self.uri_label.setText(f'More: <a href="{html.escape(uri, quote=True)}">{escaped}</a>')
            self.uri_label.setToolTip(shown)
        else:
            self.uri_label.setTextFormat(Qt.TextFormat.PlainText)
            self.uri_label.setText(f"More: {shown}")
            self.uri_label.setToolTip("")
            self._show_server_text(self.uri_warning_label, warning)
        self.uri_label.show()

    def _on_uri_label_link_activated(self, link: str) -> None:
        url = QUrl(link)
        # Checked again here: the label is the last line of defence before the browser.
        if url.scheme().lower() not in ("http", "https") or not url.host() or url.userInfo():
            return
        if QDesktopServices.openUrl(url):
            self._uri_failed_row.hide()
            return
        self.uri_failed_label.setText(
            "No browser could open the link. Copy it and open it in a browser yourself."
        )
        self.uri_failed_label.show()
        self._uri_failed_row.show()

    def _on_copy_uri_button_clicked(self) -> None:
        if self._uri:
            QGuiApplication.clipboard().setText(self._uri)

    def _show_text_dialog(self, title: str, text: str) -> None:
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
        self._dialog = TextDialog(title, text, self)
        self._dialog.show()

    def _on_description_all_button_clicked(self) -> None:
        self._show_text_dialog("error_description", self._description)

    def _on_data_all_button_clicked(self) -> None:
        self._show_text_dialog("error_data", json_value_text(self._data))

    def text_dialog(self) -> TextDialog | None:
        """The "Show all" window that is open, if any."""
        return self._dialog

    def _on_copy_correlation_clicked(self) -> None:
        if self._correlation_id:
            QGuiApplication.clipboard().setText(self._correlation_id)

    def show_clock_result(self, text: str) -> None:
        self.clock_label.setText(text)
        self.clock_label.show()

    def correlation_id(self) -> str:
        return self._correlation_id

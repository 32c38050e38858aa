"""The request builder: method, base URL, URL, parameters, headers, body, send and cancel."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.request import METHODS, BodyMode, KeyValue, RequestSpec
from app.core.urls import join_url, merge_disabled, params_from_url, url_with_params
from app.ui.body_editor import BodyEditor
from app.ui.key_value_table import KeyValueTableWidget

__all__ = ["RequestBuilder"]


class RequestBuilder(QWidget):
    """Edits one ``RequestSpec``. Keeps the URL's query and the Params table in step.

    Disabled parameter rows are not part of the URL, so when the user edits the URL the
    enabled rows are replaced by what the URL now says and the disabled ones are kept.
    """

    send_requested = Signal()
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._syncing = False

        self.method_combo = QComboBox(self)
        self.method_combo.setObjectName("methodCombo")
        self.method_combo.addItems(list(METHODS))
        self.method_combo.setToolTip("HTTP method")
        self.url_edit = QLineEdit(self)
        self.url_edit.setObjectName("urlEdit")
        self.url_edit.setPlaceholderText("/rest/v1/payments or https://…")
        self.url_edit.setClearButtonEnabled(True)
        self.send_button = QPushButton("Send", self)
        self.send_button.setObjectName("sendButton")
        self.send_button.setToolTip("Send the request (Ctrl+Enter)")
        self.send_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setToolTip("Stop the request in flight")
        self.cancel_button.setEnabled(False)

        self.base_url_edit = QLineEdit(self)
        self.base_url_edit.setObjectName("baseUrlEdit")
        self.base_url_edit.setPlaceholderText("https://wallet.paysera.com/rest/v1/")
        self.base_url_edit.setToolTip("A URL that starts with / is joined to this base URL")
        self.timeout_spin = QDoubleSpinBox(self)
        self.timeout_spin.setObjectName("timeoutSpin")
        self.timeout_spin.setRange(0.5, 3600)
        self.timeout_spin.setDecimals(1)
        self.timeout_spin.setValue(30)
        self.timeout_spin.setSuffix(" s")
        self.timeout_spin.setToolTip("Give up when the server sends nothing for this long")
        self.final_url_label = QLabel(self)
        self.final_url_label.setObjectName("finalUrlLabel")
        self.final_url_label.setTextFormat(Qt.TextFormat.PlainText)
        self.final_url_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.params = KeyValueTableWidget("paramsTable", self, name_hint="Add parameter")
        self.headers = KeyValueTableWidget("headersTable", self, name_hint="Add header")
        self.body = BodyEditor(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("requestTabs")
        self.tabs.addTab(self.params, "Params")
        self.tabs.addTab(self.headers, "Headers")
        self.tabs.addTab(self.body, "Body")

        line = QHBoxLayout()
        line.addWidget(self.method_combo)
        line.addWidget(self.url_edit, 1)
        line.addWidget(self.send_button)
        line.addWidget(self.cancel_button)
        settings = QHBoxLayout()
        settings.addWidget(QLabel("Base URL", self))
        settings.addWidget(self.base_url_edit, 1)
        settings.addWidget(QLabel("Timeout", self))
        settings.addWidget(self.timeout_spin)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(settings)
        layout.addLayout(line)
        layout.addWidget(self.final_url_label)
        layout.addWidget(self.tabs, 1)

        self.url_edit.textEdited.connect(self._on_url_edit_text_edited)
        self.url_edit.returnPressed.connect(self.send_requested)
        self.base_url_edit.textChanged.connect(self._update_final_url)
        self.url_edit.textChanged.connect(self._update_final_url)
        self.params.model.rows_edited.connect(self._on_params_rows_edited)
        self.send_button.clicked.connect(self.send_requested)
        self.cancel_button.clicked.connect(self.cancel_requested)

    # --- URL <-> params ------------------------------------------------------------------
    def _on_url_edit_text_edited(self, text: str) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            self.params.model.set_rows(
                merge_disabled(params_from_url(text), self.params.model.rows())
            )
        finally:
            self._syncing = False

    def _on_params_rows_edited(self) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            self.url_edit.setText(url_with_params(self.url_edit.text(), self.params.model.rows()))
        finally:
            self._syncing = False

    def _update_final_url(self) -> None:
        url = self.url_edit.text().strip()
        final = join_url(self.base_url_edit.text(), url)
        self.final_url_label.setText(f"Sends to: {final}" if final and final != url else "")
        self.final_url_label.setVisible(bool(self.final_url_label.text()))

    # --- the spec --------------------------------------------------------------------------
    def spec(self) -> RequestSpec:
        """The request as built now, with the base URL joined (open cell edits included)."""
        self.params.commit_pending_edit()
        self.headers.commit_pending_edit()
        return RequestSpec(
            method=self.method_combo.currentText(),
            url=join_url(self.base_url_edit.text(), self.url_edit.text()),
            params=self.params.model.rows(),
            headers=self.headers.model.rows(),
            body=self.body.text(),
            body_mode=self.body.mode(),
            timeout_seconds=self.timeout_spin.value(),
        )

    def set_request(
        self,
        method: str,
        url: str,
        *,
        headers: tuple[KeyValue, ...] = (),
        body: str = "",
        body_mode: BodyMode = BodyMode.JSON,
    ) -> None:
        """Load a request into the editors (the URL as typed: a path stays a path)."""
        self.method_combo.setCurrentText(method.upper())
        self._syncing = True
        try:
            self.url_edit.setText(url)
            self.params.model.set_rows(tuple(params_from_url(url)))
        finally:
            self._syncing = False
        self.headers.model.set_rows(headers)
        self.body.set_text(body)
        self.body.set_mode(body_mode)

    def set_in_flight(self, in_flight: bool) -> None:
        self.cancel_button.setEnabled(in_flight)

"""Editing optional TLS settings: trust, a client certificate and its key passphrase.

``TlsEditor`` edits a ``TlsSettings | None`` for a collection or an environment; ``None``
(the "Use these TLS settings" box unticked) means the level above decides. The settings are
written to a shared file, so the key passphrase is only ever a ``{{variable}}`` naming a
secret: a literal one is flagged, and ``problem()`` tells callers not to save.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.transport import TlsSettings
from app.core.variables import VARIABLE_PATTERN
from app.ui.status_style import warning_text_color

__all__ = ["LITERAL_PASSPHRASE_PROBLEM", "VERIFY_OFF_WARNING", "TlsEditor"]

VERIFY_OFF_WARNING = (
    "Any server will be trusted: only for test servers with self-signed certificates."
)
LITERAL_PASSPHRASE_PROBLEM = (
    "The key passphrase must be a {{variable}}, for example {{key_passphrase}}, with the "
    "passphrase kept as a secret of the environment: these settings are written to a shared "
    "file."
)
_PATH_TIP = (
    "A PEM file. A relative path starts from the collection folder, so it works for everyone "
    "who shares the collection; ~ stands for your home folder."
)
_PEM_FILTER = "PEM files (*.pem *.crt *.cer *.key);;All files (*)"


class TlsEditor(QWidget):
    """Edits an optional ``TlsSettings``: unticking "Use these TLS settings" gives ``None``.

    ``off_hint`` explains what ``None`` means where the editor is used (the tooltip of the
    checkbox). ``edited`` is emitted after user changes, never after ``set_tls``. File dialogs
    go through ``choose_file``, which tests replace. With ``set_base_folder`` a chosen file
    inside the collection folder is entered as a path relative to it.
    """

    edited = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        off_hint: str = "Off: the TLS settings of the level above apply",
    ) -> None:
        super().__init__(parent)
        self._loading = False
        self._base_folder: Path | None = None

        self.enabled_check = QCheckBox("Use these TLS settings", self)
        self.enabled_check.setObjectName("tlsEnabledCheck")
        self.enabled_check.setToolTip(off_hint)

        self._settings = QWidget(self)
        self.verify_check = QCheckBox("Verify server certificates", self._settings)
        self.verify_check.setObjectName("tlsVerifyCheck")
        self.verify_check.setChecked(True)
        self.verify_check.setToolTip(
            "Check that the server's certificate is valid for its host name and signed by a "
            "trusted authority (the system's, or the CA bundle below)"
        )
        self.verify_warning = self._label("tlsVerifyWarning", VERIFY_OFF_WARNING)
        self.verify_warning.hide()

        self.ca_bundle_edit, self.ca_bundle_button = self._path_field(
            "tlsCaBundleEdit", "Empty: the system's trusted certificates"
        )
        self.client_cert_edit, self.client_cert_button = self._path_field(
            "tlsClientCertEdit", "Empty: no client certificate"
        )
        self.client_key_edit, self.client_key_button = self._path_field(
            "tlsClientKeyEdit", "Empty: the key is in the certificate file"
        )
        self.key_passphrase_edit = QLineEdit(self._settings)
        self.key_passphrase_edit.setObjectName("tlsKeyPassphraseEdit")
        self.key_passphrase_edit.setPlaceholderText("{{variable}}, or empty for a plain key")
        self.key_passphrase_edit.setToolTip(
            "A {{variable}} naming a secret of the environment that holds the passphrase of an "
            "encrypted key; the passphrase itself never goes into a shared file"
        )
        self.hint_label = self._label("tlsHintLabel", "")
        self.hint_label.hide()

        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("", self.verify_check)
        form.addRow("", self.verify_warning)
        form.addRow("CA bundle", _row(self.ca_bundle_edit, self.ca_bundle_button))
        form.addRow("Client certificate", _row(self.client_cert_edit, self.client_cert_button))
        form.addRow("Client key", _row(self.client_key_edit, self.client_key_button))
        form.addRow("Key passphrase", self.key_passphrase_edit)
        form.addRow("", self.hint_label)
        self._settings.setLayout(form)

        layout = QVBoxLayout(self)
        layout.addWidget(self.enabled_check)
        layout.addWidget(self._settings)
        layout.addStretch(1)

        self.enabled_check.toggled.connect(self._on_check_toggled)
        self.verify_check.toggled.connect(self._on_check_toggled)
        for edit in (
            self.ca_bundle_edit,
            self.client_cert_edit,
            self.client_key_edit,
            self.key_passphrase_edit,
        ):
            edit.textEdited.connect(self._on_text_edited)
        self.ca_bundle_button.clicked.connect(
            lambda: self._browse(self.ca_bundle_edit, "Choose a CA bundle")
        )
        self.client_cert_button.clicked.connect(
            lambda: self._browse(self.client_cert_edit, "Choose the client certificate")
        )
        self.client_key_button.clicked.connect(
            lambda: self._browse(self.client_key_edit, "Choose the client key")
        )
        self._update()

    # Values -----------------------------------------------------------------------------

    def set_tls(self, tls: TlsSettings | None) -> None:
        """Show ``tls`` (``None``: the box unticked, the fields at their defaults); no
        ``edited`` signal."""
        shown = tls if tls is not None else TlsSettings()
        self._loading = True
        try:
            self.enabled_check.setChecked(tls is not None)
            self.verify_check.setChecked(shown.verify)
            self.ca_bundle_edit.setText(shown.ca_bundle)
            self.client_cert_edit.setText(shown.client_cert)
            self.client_key_edit.setText(shown.client_key)
            self.key_passphrase_edit.setText(shown.key_passphrase)
        finally:
            self._loading = False
        self._update()

    def tls(self) -> TlsSettings | None:
        """The settings as edited, or ``None`` when they are not used (inherit)."""
        if not self.enabled_check.isChecked():
            return None
        # Kept as typed, so unchanged settings come back equal; the CA bundle is kept while
        # verification is off so ticking it again restores it.
        return TlsSettings(
            verify=self.verify_check.isChecked(),
            ca_bundle=self.ca_bundle_edit.text(),
            client_cert=self.client_cert_edit.text(),
            client_key=self.client_key_edit.text(),
            key_passphrase=self.key_passphrase_edit.text(),
        )

    def problem(self) -> str | None:
        """Why these settings must not be saved, as a sentence; ``None`` when they may."""
        if not self.enabled_check.isChecked():
            return None
        passphrase = self.key_passphrase_edit.text().strip()
        if passphrase and not VARIABLE_PATTERN.fullmatch(passphrase):
            return LITERAL_PASSPHRASE_PROBLEM
        return None

    def set_base_folder(self, folder: Path | None) -> None:
        """The collection folder: file dialogs start there, and files inside it are entered
        relative to it (the path then works on every machine that shares the collection)."""
        self._base_folder = folder

    # File dialogs -----------------------------------------------------------------------

    def choose_file(self, title: str) -> str | None:
        """Ask for a file; ``None`` when cancelled. Tests replace this on the instance."""
        start = str(self._base_folder) if self._base_folder is not None else ""
        path, _filter = QFileDialog.getOpenFileName(self, title, start, _PEM_FILTER)
        return path or None

    # Helpers ----------------------------------------------------------------------------

    def _browse(self, edit: QLineEdit, title: str) -> None:
        path = self.choose_file(title)
        if not path:
            return
        edit.setText(self._entered_path(path))
        self._on_text_edited(edit.text())

    def _entered_path(self, path: str) -> str:
        if self._base_folder is None:
            return path
        try:
            chosen = Path(path).expanduser().resolve()
            base = self._base_folder.expanduser().resolve()
        except OSError:
            return path
        if chosen.is_relative_to(base):
            # Forward slashes: the file is shared between Windows, macOS and Linux.
            return chosen.relative_to(base).as_posix()
        return path

    def _label(self, name: str, text: str) -> QLabel:
        label = QLabel(text, self._settings)
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setStyleSheet(f"color: {warning_text_color(self.palette()).name()};")
        return label

    def _path_field(self, name: str, placeholder: str) -> tuple[QLineEdit, QPushButton]:
        edit = QLineEdit(self._settings)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.setToolTip(_PATH_TIP)
        button = QPushButton("Browse…", self._settings)
        button.setObjectName(name.removesuffix("Edit") + "BrowseButton")
        return edit, button

    def _update(self) -> None:
        enabled = self.enabled_check.isChecked()
        verify = self.verify_check.isChecked()
        self._settings.setEnabled(enabled)
        # Without verification the CA bundle is ignored; the field keeps its text.
        self.ca_bundle_edit.setEnabled(verify)
        self.ca_bundle_button.setEnabled(verify)
        self.verify_warning.setVisible(enabled and not verify)
        problem = self.problem()
        self.hint_label.setText(problem or "")
        self.hint_label.setVisible(problem is not None)

    def _on_check_toggled(self, _checked: bool) -> None:
        self._update()
        if not self._loading:
            self.edited.emit()

    def _on_text_edited(self, _text: str) -> None:
        self._update()
        self.edited.emit()


def _row(edit: QLineEdit, button: QPushButton) -> QWidget:
    row = QWidget(edit.parentWidget())
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    layout.addWidget(button)
    return row

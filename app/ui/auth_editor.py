"""Choosing how a request authenticates, and its settings, per auth kind."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.collection import AuthKind, AuthSpec, auth_label
from app.core.variables import VARIABLE_PATTERN

__all__ = ["AUTH_FIELDS", "AuthEditor"]

# (key in AuthSpec.values, label, is a credential) per kind, in the order shown.
AUTH_FIELDS: dict[AuthKind, tuple[tuple[str, str, bool], ...]] = {
    AuthKind.INHERIT: (),
    AuthKind.NONE: (),
    AuthKind.BASIC: (("username", "Username", False), ("password", "Password", True)),
    AuthKind.BEARER: (("token", "Token", True),),
    AuthKind.API_KEY: (("name", "Header or parameter name", False), ("value", "Key", True)),
    AuthKind.PAYSERA_MAC: (("mac_id", "MAC id", False), ("mac_key", "MAC key", True)),
}

_ALL_KEYS = {key for fields in AUTH_FIELDS.values() for key, _, _ in fields} | {"in"}


class AuthEditor(QWidget):
    """Edits one ``AuthSpec``. Credentials are masked unless revealed, and a credential
    typed as a literal (not a ``{{variable}}``) is flagged: it would land in the shared file."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("authKindCombo")
        for kind in AuthKind:
            label = auth_label(kind)
            if kind is AuthKind.PAYSERA_MAC:
                label += " (hmac-sha-256)"
            self.kind_combo.addItem(label, kind)
        self.reveal_check = QCheckBox("Show credentials", self)
        self.reveal_check.setObjectName("revealAuthCheck")
        self.where_combo: QComboBox | None = None
        self.hint_label = QLabel(self)
        self.hint_label.setObjectName("authHintLabel")
        self.hint_label.setTextFormat(Qt.TextFormat.PlainText)
        self.hint_label.setWordWrap(True)
        self._edits: dict[str, QLineEdit] = {}
        self._inherited = "the nearest folder's auth, or the collection's"
        self._extra: tuple[tuple[str, str], ...] = ()
        self._form = QFormLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.kind_combo)
        layout.addLayout(self._form)
        layout.addWidget(self.reveal_check)
        layout.addWidget(self.hint_label)
        layout.addStretch(1)
        self.kind_combo.activated.connect(self._on_kind_combo_activated)
        self.reveal_check.toggled.connect(self._apply_echo)
        self._build(AuthKind.INHERIT, {})

    def set_inherited(self, description: str) -> None:
        """Say what "inherit" means here, e.g. 'Paysera MAC, from the folder "Auth"'."""
        self._inherited = description
        self._update_hint()

    def kind(self) -> AuthKind:
        data = self.kind_combo.currentData()
        return data if isinstance(data, AuthKind) else AuthKind.INHERIT

    def set_auth(self, auth: AuthSpec) -> None:
        """Show ``auth`` (no ``edited`` signal)."""
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(auth.kind)))
        self._build(auth.kind, dict(auth.values))

    def auth(self) -> AuthSpec:
        kind = self.kind()
        values = [(key, edit.text()) for key, edit in self._edits.items() if edit.text()]
        where = self.where_combo.currentData() if self.where_combo is not None else None
        if kind is AuthKind.API_KEY and where == "query":
            values.append(("in", "query"))
        return AuthSpec(kind, (*values, *self._extra))

    def _build(self, kind: AuthKind, values: dict[str, str]) -> None:
        while self._form.rowCount():
            self._form.removeRow(0)  # deletes the row's widgets too
        self.where_combo = None
        self._edits = {}
        # Keys this editor knows of no kind (written by a newer version) are kept; the
        # fields of another kind are dropped when the kind changes.
        self._extra = tuple((k, v) for k, v in values.items() if k not in _ALL_KEYS)
        for key, label, _credential in AUTH_FIELDS[kind]:
            edit = QLineEdit(values.get(key, ""), self)
            edit.setObjectName(f"auth_{key}")
            edit.setPlaceholderText("{{variable}} or a value")
            edit.textEdited.connect(self._on_field_edited)
            self._edits[key] = edit
            self._form.addRow(label, edit)
        if kind is AuthKind.API_KEY:
            where = QComboBox(self)
            where.setObjectName("apiKeyWhereCombo")
            where.addItem("Header", "header")
            where.addItem("Query parameter", "query")
            where.setCurrentIndex(1 if values.get("in") == "query" else 0)
            where.activated.connect(lambda _i: self.edited.emit())
            self.where_combo = where
            self._form.addRow("Send in", where)
        self.reveal_check.setVisible(any(c for _, _, c in AUTH_FIELDS[kind]))
        self._apply_echo()
        self._update_hint()

    def _apply_echo(self) -> None:
        credentials = {key for key, _, c in AUTH_FIELDS[self.kind()] if c}
        for key, edit in self._edits.items():
            masked = key in credentials and not self.reveal_check.isChecked()
            edit.setEchoMode(QLineEdit.EchoMode.Password if masked else QLineEdit.EchoMode.Normal)

    def _update_hint(self) -> None:
        kind = self.kind()
        literal = [
            label
            for key, label, credential in AUTH_FIELDS[kind]
            if credential
            and self._edits[key].text()
            and not VARIABLE_PATTERN.fullmatch(self._edits[key].text().strip())
        ]
        if literal:
            self.hint_label.setText(
                f"{', '.join(literal)} is typed as a value, so saving writes it into the "
                "collection file. Use a secret {{variable}} of the environment instead."
            )
        elif kind is AuthKind.PAYSERA_MAC:
            self.hint_label.setText(
                "Each send is signed over the exact URL, host, port and body, with a fresh "
                "timestamp and nonce."
            )
        elif kind is AuthKind.INHERIT:
            self.hint_label.setText(f"Uses {self._inherited}.")
        else:
            self.hint_label.clear()

    def _on_kind_combo_activated(self, _index: int) -> None:
        current = {k: v for k, v in self.auth().values}
        self._build(self.kind(), current)
        self.edited.emit()

    def _on_field_edited(self, _text: str) -> None:
        self._update_hint()
        self.edited.emit()

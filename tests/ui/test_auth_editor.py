from typing import Any

import pytest
from PySide6.QtWidgets import QLineEdit

from app.core.collection import AuthKind, AuthSpec
from app.ui.auth_editor import AuthEditor


def _editor(qtbot: Any) -> AuthEditor:
    editor = AuthEditor()
    qtbot.addWidget(editor)
    return editor


@pytest.mark.parametrize(
    "auth",
    [
        AuthSpec(),
        AuthSpec(AuthKind.NONE),
        AuthSpec(AuthKind.BASIC, (("username", "jūratė"), ("password", "{{password}}"))),
        AuthSpec(AuthKind.BEARER, (("token", "{{token}}"),)),
        AuthSpec(AuthKind.API_KEY, (("name", "X-Api-Key"), ("value", "{{key}}"))),
        AuthSpec(AuthKind.API_KEY, (("name", "api_key"), ("value", "{{key}}"), ("in", "query"))),
        AuthSpec(AuthKind.PAYSERA_MAC, (("mac_id", "{{mac_id}}"), ("mac_key", "{{mac_key}}"))),
    ],
)
def test_every_kind_round_trips(qtbot: Any, auth: AuthSpec) -> None:
    editor = _editor(qtbot)
    editor.set_auth(auth)
    assert editor.auth() == auth


def test_credentials_are_masked_unless_revealed(qtbot: Any) -> None:
    editor = _editor(qtbot)
    editor.set_auth(AuthSpec(AuthKind.BASIC, (("username", "u"), ("password", "p"))))
    password = editor.findChild(QLineEdit, "auth_password")
    username = editor.findChild(QLineEdit, "auth_username")
    assert password is not None and username is not None
    assert password.echoMode() == QLineEdit.EchoMode.Password
    assert username.echoMode() == QLineEdit.EchoMode.Normal
    editor.reveal_check.setChecked(True)
    assert password.echoMode() == QLineEdit.EchoMode.Normal


def test_a_literal_credential_is_flagged_a_variable_is_not(qtbot: Any) -> None:
    editor = _editor(qtbot)
    editor.set_auth(AuthSpec(AuthKind.BEARER, (("token", "{{token}}"),)))
    assert "collection file" not in editor.hint_label.text()
    token = editor.findChild(QLineEdit, "auth_token")
    assert token is not None
    token.clear()
    qtbot.keyClicks(token, "abc123")
    assert "collection file" in editor.hint_label.text()


def test_switching_kind_emits_edited_and_keeps_unknown_values(qtbot: Any) -> None:
    editor = _editor(qtbot)
    editor.set_auth(AuthSpec(AuthKind.BEARER, (("token", "t"), ("future_field", "x"))))
    edits: list[bool] = []
    editor.edited.connect(lambda: edits.append(True))
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData(AuthKind.PAYSERA_MAC))
    editor.kind_combo.activated.emit(editor.kind_combo.currentIndex())
    assert edits
    assert editor.auth().kind is AuthKind.PAYSERA_MAC
    assert ("future_field", "x") in editor.auth().values
    assert all(key != "token" for key, _ in editor.auth().values)

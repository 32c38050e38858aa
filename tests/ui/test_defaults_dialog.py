"""Collection and folder settings: unchanged settings come back equal, "not set" stays not
set, secret variables keep their flag without a value, and OK is refused with a sentence
while something cannot be saved."""

from __future__ import annotations

from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.core.collection import AuthKind, AuthSpec, Defaults, Variable
from app.core.request import KeyValue
from app.core.transport import ProxyMode, ProxySettings, TlsSettings
from app.storage.collection_files import DefaultsFile, dump_defaults, parse_defaults
from app.ui.auth_editor import AuthEditor
from app.ui.defaults_dialog import MANUAL_PROXY_PROBLEM, DefaultsDialog, ProxyEditor
from app.ui.tls_editor import LITERAL_PASSPHRASE_PROBLEM, TlsEditor

W = TypeVar("W", bound=QWidget)

FOLDER = Defaults(
    base_url="{{host}}/rest/v1",
    headers=(KeyValue("Accept", "application/json"), KeyValue("X-Trace", "1", enabled=False)),
    # Not the order the auth editor writes: unchanged auth must still come back as it was.
    auth=AuthSpec(AuthKind.BASIC, (("password", "{{password}}"), ("username", "{{user}}"))),
    variables=(
        Variable("currency", "EUR"),
        Variable("token", secret=True),
        Variable("old", "1", enabled=False),
    ),
)
COLLECTION = Defaults(
    base_url=FOLDER.base_url,
    headers=FOLDER.headers,
    auth=AuthSpec(AuthKind.PAYSERA_MAC, (("mac_id", "{{mac_id}}"), ("mac_key", "{{mac_key}}"))),
    variables=FOLDER.variables,
    tls=TlsSettings(
        ca_bundle="certs/ca.pem",
        client_cert="certs/client.pem",
        client_key="certs/client.key",
        key_passphrase="{{key_passphrase}}",
    ),
    proxy=ProxySettings(
        ProxyMode.MANUAL, "http://proxy:3128", "http://proxy:3129", "localhost, 10.0.0.0/8"
    ),
)


def open_dialog(
    qtbot: QtBot, defaults: Defaults = COLLECTION, name: str = "Wallet", *, collection: bool = True
) -> DefaultsDialog:
    dialog = DefaultsDialog(defaults, name, collection=collection)
    qtbot.addWidget(dialog)
    return dialog


def child(dialog: QWidget, kind: type[W], name: str) -> W:
    found = dialog.findChild(kind, name)
    assert isinstance(found, kind), name
    return found


def ok(dialog: DefaultsDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def tls_editor(dialog: DefaultsDialog) -> TlsEditor:
    assert dialog.tls_editor is not None
    return dialog.tls_editor


def proxy_editor(dialog: DefaultsDialog) -> ProxyEditor:
    assert dialog.proxy_editor is not None
    return dialog.proxy_editor


def choose_mode(editor: ProxyEditor, mode: ProxyMode) -> None:
    index = editor.mode_combo.findData(mode)
    editor.mode_combo.setCurrentIndex(index)
    editor.mode_combo.activated.emit(index)


def test_collection_settings_have_every_section(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    assert dialog.objectName() == "defaultsDialog"
    assert dialog.windowTitle() == "Collection settings"
    assert child(dialog, QLineEdit, "collectionNameEdit").text() == "Wallet"
    assert child(dialog, QLineEdit, "defaultsBaseUrlEdit").text() == "{{host}}/rest/v1"
    child(dialog, QTableView, "defaultsHeadersTable")
    child(dialog, QTableView, "defaultsVariablesTable")
    assert isinstance(dialog.findChild(AuthEditor), AuthEditor)
    assert isinstance(dialog.findChild(TlsEditor), TlsEditor)
    child(dialog, QComboBox, "proxyModeCombo")
    for name in ("proxyHttpEdit", "proxyHttpsEdit", "noProxyEdit"):
        child(dialog, QLineEdit, name)
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert tabs == ["General", "Headers", "Auth", "Variables", "TLS", "Proxy"]


def test_folder_settings_have_no_tls_or_proxy(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, FOLDER, "Payments", collection=False)
    assert dialog.windowTitle() == "Folder settings"
    assert child(dialog, QLineEdit, "folderNameEdit").text() == "Payments"
    assert dialog.findChild(QLineEdit, "collectionNameEdit") is None
    assert dialog.tls_editor is None and dialog.findChild(TlsEditor) is None
    assert dialog.proxy_editor is None and dialog.findChild(QComboBox, "proxyModeCombo") is None
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert tabs == ["General", "Headers", "Auth", "Variables"]


@pytest.mark.parametrize(
    ("defaults", "collection"),
    [(COLLECTION, True), (Defaults(), True), (FOLDER, False), (Defaults(), False)],
)
def test_unchanged_settings_come_back_equal(
    qtbot: QtBot, defaults: Defaults, collection: bool
) -> None:
    dialog = open_dialog(qtbot, defaults, collection=collection)
    ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_defaults() == defaults
    assert dialog.result_name() == "Wallet"
    # And so saving them rewrites the very same file.
    text = dump_defaults(DefaultsFile(defaults, name="Wallet"))
    again = dump_defaults(DefaultsFile(dialog.result_defaults(), name=dialog.result_name()))
    assert again == text
    assert parse_defaults(text, "collection.yaml", collection=collection).defaults == defaults


def test_an_empty_base_url_is_not_set(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, Defaults())
    edit = dialog.base_url_edit
    assert edit.text() == "" and dialog.result_defaults().base_url is None
    qtbot.keyClicks(edit, "https://sandbox.example.com")
    assert dialog.result_defaults().base_url == "https://sandbox.example.com"
    edit.clear()
    assert dialog.result_defaults().base_url is None

    # A file that says base_url: '' (same meaning) is left as it was.
    dialog = open_dialog(qtbot, Defaults(base_url=""), collection=False)
    assert dialog.result_defaults().base_url == ""

    dialog = open_dialog(qtbot, FOLDER, collection=False)
    dialog.base_url_edit.clear()
    assert dialog.result_defaults().base_url is None


def test_secret_variables_keep_their_flag_and_never_get_a_value(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, FOLDER, collection=False)
    note = child(dialog, QLabel, "defaultsSecretsNote")
    assert "token" in note.text() and note.textFormat() == Qt.TextFormat.PlainText
    model = dialog.variables.model
    assert model.index(1, model.VALUE_COLUMN).data() == ""
    assert model.setData(model.index(0, model.VALUE_COLUMN), "USD")
    assert model.setData(model.index(1, model.VALUE_COLUMN), "typed-secret")
    assert model.setData(model.index(model.placeholder_row(), model.NAME_COLUMN), "page")
    variables = dialog.result_defaults().variables
    assert variables == (
        Variable("currency", "USD"),
        Variable("token", secret=True),
        Variable("old", "1", enabled=False),
        Variable("page", ""),
    )
    assert "typed-secret" not in dump_defaults(DefaultsFile(dialog.result_defaults()))


def test_headers_and_auth_edits_reach_the_defaults(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, FOLDER, collection=False)
    model = dialog.headers.model
    assert model.setData(model.index(model.placeholder_row(), model.NAME_COLUMN), "X-Lang")
    auth = dialog.auth
    auth.kind_combo.setCurrentIndex(auth.kind_combo.findData(AuthKind.BEARER))
    auth.kind_combo.activated.emit(auth.kind_combo.currentIndex())
    token = child(auth, QLineEdit, "auth_token")
    qtbot.keyClicks(token, "{{token}}")
    defaults = dialog.result_defaults()
    assert defaults.headers == (*FOLDER.headers, KeyValue("X-Lang"))
    assert defaults.auth == AuthSpec(AuthKind.BEARER, (("token", "{{token}}"),))


def test_inherit_says_what_it_means_at_each_level(qtbot: QtBot) -> None:
    folder = open_dialog(qtbot, Defaults(), collection=False)
    combo = folder.auth.kind_combo
    assert "Inherit" in combo.itemText(combo.findData(AuthKind.INHERIT))

    dialog = open_dialog(qtbot, Defaults())
    combo = dialog.auth.kind_combo
    assert combo.itemText(combo.findData(AuthKind.INHERIT)) == "Not set (no auth)"
    assert "No auth" in dialog.auth.hint_label.text()
    assert dialog.result_defaults().auth == AuthSpec()


def test_proxy_fields_are_enabled_only_for_a_manual_proxy(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, Defaults())
    editor = proxy_editor(dialog)
    combo = editor.mode_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["System", "No proxy", "Manual"]
    assert editor.mode() is ProxyMode.SYSTEM
    fields = (editor.http_edit, editor.https_edit, editor.no_proxy_edit)
    assert not any(field.isEnabled() for field in fields)
    assert dialog.result_defaults().proxy is None  # the system's proxy: nothing to write

    choose_mode(editor, ProxyMode.MANUAL)
    assert all(field.isEnabled() for field in fields)
    qtbot.keyClicks(editor.https_edit, "proxy.example.com:3128")
    qtbot.keyClicks(editor.no_proxy_edit, "localhost")
    assert dialog.result_defaults().proxy == ProxySettings(
        ProxyMode.MANUAL, https_proxy="proxy.example.com:3128", no_proxy="localhost"
    )

    choose_mode(editor, ProxyMode.NONE)
    assert not any(field.isEnabled() for field in fields)
    # The greyed-out addresses are not written for a mode that does not use them.
    assert dialog.result_defaults().proxy == ProxySettings(ProxyMode.NONE)

    choose_mode(editor, ProxyMode.SYSTEM)
    assert dialog.result_defaults().proxy is None


def test_loaded_proxy_settings_are_shown_and_kept(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    editor = proxy_editor(dialog)
    assert editor.mode() is ProxyMode.MANUAL
    assert editor.http_edit.text() == "http://proxy:3128"
    assert editor.https_edit.text() == "http://proxy:3129"
    assert editor.no_proxy_edit.text() == "localhost, 10.0.0.0/8"

    explicit_system = ProxySettings(ProxyMode.SYSTEM)
    dialog = open_dialog(qtbot, Defaults(proxy=explicit_system))
    assert dialog.result_defaults().proxy == explicit_system


def test_a_manual_proxy_without_an_address_is_refused(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, Defaults())
    dialog.show()
    editor = proxy_editor(dialog)
    label = child(dialog, QLabel, "defaultsProblemLabel")
    choose_mode(editor, ProxyMode.MANUAL)
    qtbot.keyClicks(editor.no_proxy_edit, "localhost")
    dialog.tabs.setCurrentIndex(0)

    ok(dialog)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert label.text() == MANUAL_PROXY_PROBLEM and not label.isHidden()
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert dialog.tabs.currentWidget() is editor

    qtbot.keyClicks(editor.http_edit, "proxy:3128")
    assert label.isHidden()
    ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_defaults().proxy == ProxySettings(
        ProxyMode.MANUAL, http_proxy="proxy:3128", no_proxy="localhost"
    )


def test_a_literal_key_passphrase_is_refused(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    dialog.show()
    editor = tls_editor(dialog)
    label = child(dialog, QLabel, "defaultsProblemLabel")
    passphrase = editor.key_passphrase_edit
    passphrase.selectAll()
    qtbot.keyClicks(passphrase, "hunter2")

    ok(dialog)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert label.text() == LITERAL_PASSPHRASE_PROBLEM
    assert dialog.tabs.currentWidget() is editor
    assert dialog.problem() == LITERAL_PASSPHRASE_PROBLEM

    passphrase.selectAll()
    qtbot.keyClicks(passphrase, "{{key_passphrase}}")
    assert label.isHidden()
    ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_defaults() == COLLECTION


def test_tls_off_is_none(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    editor = tls_editor(dialog)
    assert editor.enabled_check.isChecked()
    editor.enabled_check.setChecked(False)
    ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_defaults().tls is None

    dialog = open_dialog(qtbot, Defaults())
    editor = tls_editor(dialog)
    assert not editor.enabled_check.isChecked()
    editor.enabled_check.setChecked(True)
    editor.verify_check.setChecked(False)
    assert dialog.result_defaults().tls == TlsSettings(verify=False)


def test_a_blank_name_is_refused(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, FOLDER, collection=False)
    dialog.show()
    dialog.name_edit.setText("  ")
    ok(dialog)
    assert dialog.isVisible()
    label = child(dialog, QLabel, "defaultsProblemLabel")
    assert label.text() == "Type a name for the folder."
    qtbot.keyClicks(dialog.name_edit, "Transfers")
    assert label.isHidden()
    ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_name() == "Transfers"


@pytest.mark.parametrize("value", [None, True, False])
def test_follow_redirects_is_shown_and_chosen(qtbot: QtBot, value: bool | None) -> None:
    dialog = open_dialog(qtbot, Defaults(follow_redirects=value), collection=False)
    combo = child(dialog, QComboBox, "defaultsFollowRedirectsCombo")
    assert combo.currentData() is value
    assert dialog.result_defaults().follow_redirects is value
    combo.setCurrentIndex(combo.findData(True))
    assert dialog.result_defaults().follow_redirects is True
    combo.setCurrentIndex(0)
    assert dialog.result_defaults().follow_redirects is None

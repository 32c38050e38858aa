"""The environment dialog: variables with secrets masked, secret values kept out of the
environment that is written to the collection, and the protected flag."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QLineEdit, QTableView
from pytestqt.qtbot import QtBot

from app.core.collection import Environment, Variable
from app.core.transport import TlsSettings
from app.core.variables import MASK
from app.storage.collection_files import dump_environment, parse_environment
from app.ui.environment_dialog import NO_SECRET_VALUE, EnvironmentDialog, EnvironmentVariablesModel
from app.ui.tls_editor import LITERAL_PASSPHRASE_PROBLEM, TlsEditor

ENABLED = EnvironmentVariablesModel.ENABLED_COLUMN
NAME = EnvironmentVariablesModel.NAME_COLUMN
VALUE = EnvironmentVariablesModel.VALUE_COLUMN
SECRET = EnvironmentVariablesModel.SECRET_COLUMN
SECRET_VALUE = "s3cr3t-value"
ENV = Environment(
    "sandbox",
    (
        Variable("currency", "EUR"),
        Variable("token", secret=True),
        Variable("old", "1", enabled=False),
    ),
)
CURRENCY, TOKEN, OLD = 0, 1, 2


def open_dialog(
    qtbot: QtBot, environment: Environment = ENV, secrets: dict[str, str] | None = None
) -> EnvironmentDialog:
    dialog = EnvironmentDialog(environment, {"token": SECRET_VALUE} if secrets is None else secrets)
    qtbot.addWidget(dialog)
    return dialog


def check(model: EnvironmentVariablesModel, row: int, column: int, checked: bool) -> None:
    state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
    assert model.setData(model.index(row, column), state, Qt.ItemDataRole.CheckStateRole)


def warning(dialog: EnvironmentDialog) -> QLabel:
    label = dialog.findChild(QLabel, "secretWarningLabel")
    assert isinstance(label, QLabel)
    return label


def test_models_pass_the_model_tester_through_edits(qtmodeltester: Any) -> None:
    empty = EnvironmentVariablesModel()
    qtmodeltester.check(empty)
    assert empty.rowCount() == 1 and empty.is_placeholder(0)

    model = EnvironmentVariablesModel(
        (Variable("currency", "EUR"), Variable("token", SECRET_VALUE, secret=True))
    )
    qtmodeltester.check(model)
    # The tester stays connected and checks every change below.
    assert model.setData(model.index(2, NAME), "new")
    check(model, 0, SECRET, True)
    check(model, 1, ENABLED, False)
    model.set_secrets_revealed(True)
    assert model.remove_row(0)
    assert not model.remove_row(model.placeholder_row())
    assert model.columnCount() == 4
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "",
        "Name",
        "Value",
        "Secret",
    ]


def test_widgets_are_named_for_tests_and_the_name_is_read_only(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    assert dialog.objectName() == "environmentDialog"
    assert isinstance(dialog.findChild(QTableView, "environmentVariablesTable"), QTableView)
    assert isinstance(dialog.findChild(QCheckBox, "protectedCheck"), QCheckBox)
    assert isinstance(dialog.findChild(QCheckBox, "revealSecretsCheck"), QCheckBox)
    assert dialog.name_edit.text() == "sandbox" and dialog.name_edit.isReadOnly()


def test_secret_values_are_masked_until_revealed(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    model = dialog.model
    value = model.index(TOKEN, VALUE)
    assert value.data() == MASK
    assert value.data(Qt.ItemDataRole.EditRole) == ""  # an editor never shows it either
    assert model.index(CURRENCY, VALUE).data() == "EUR"
    assert model.index(TOKEN, SECRET).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked

    dialog.reveal_check.setChecked(True)
    assert value.data() == SECRET_VALUE
    assert value.data(Qt.ItemDataRole.EditRole) == SECRET_VALUE

    dialog.reveal_check.setChecked(False)
    assert value.data() == MASK


def test_a_secret_without_a_stored_value_says_so(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, secrets={})
    assert dialog.model.index(TOKEN, VALUE).data() == NO_SECRET_VALUE
    assert dialog.model.index(TOKEN, VALUE).data(Qt.ItemDataRole.EditRole) == ""
    assert dialog.result_secrets() == {}


def test_unchanged_dialog_gives_back_the_environment_and_no_secret_changes(
    qtbot: QtBot,
) -> None:
    dialog = open_dialog(qtbot)
    dialog.accept()
    assert dialog.result_environment() == ENV
    assert dialog.result_secrets() == {}


def test_secret_values_never_reach_the_environment(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    model = dialog.model
    dialog.reveal_check.setChecked(True)
    assert model.setData(model.index(TOKEN, VALUE), "typed-secret")
    check(model, CURRENCY, SECRET, True)
    assert model.setData(model.index(model.placeholder_row(), NAME), "api_key")
    check(model, 3, SECRET, True)
    assert model.setData(model.index(3, VALUE), "key-value-123")
    dialog.accept()

    environment = dialog.result_environment()
    text = dump_environment(environment) + repr(environment)
    for value in ("typed-secret", SECRET_VALUE, "EUR", "key-value-123"):
        assert value not in text
    assert environment.variables == (
        Variable("currency", "", secret=True),
        Variable("token", "", secret=True),
        Variable("old", "1", enabled=False),
        Variable("api_key", "", secret=True),
    )
    assert dialog.result_secrets() == {
        "currency": "EUR",
        "token": "typed-secret",
        "api_key": "key-value-123",
    }


def test_editing_a_masked_secret_sets_it(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    assert dialog.model.setData(dialog.model.index(TOKEN, VALUE), "new-token")
    assert dialog.model.index(TOKEN, VALUE).data() == MASK
    assert dialog.result_secrets() == {"token": "new-token"}
    assert dialog.result_environment() == ENV


def test_the_masked_editor_hides_typing_and_keeps_the_value_when_left_alone(
    qtbot: QtBot,
) -> None:
    dialog = open_dialog(qtbot)
    dialog.show()
    index = dialog.model.index(TOKEN, VALUE)
    dialog.view.setCurrentIndex(index)
    dialog.view.edit(index)
    editor = dialog.view.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    assert editor.echoMode() == QLineEdit.EchoMode.Password
    assert editor.text() == ""
    dialog.accept()  # commits the open editor, which was not touched
    assert dialog.result_secrets() == {}

    dialog = open_dialog(qtbot)
    dialog.show()
    index = dialog.model.index(TOKEN, VALUE)
    dialog.view.setCurrentIndex(index)
    dialog.view.edit(index)
    editor = dialog.view.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "typed")
    dialog.accept()
    assert dialog.result_secrets() == {"token": "typed"}


def test_a_plain_variable_made_secret_moves_its_value_to_the_secrets(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    check(dialog.model, CURRENCY, SECRET, True)
    assert dialog.model.index(CURRENCY, VALUE).data() == MASK
    assert dialog.result_environment().variables[CURRENCY] == Variable("currency", "", secret=True)
    assert dialog.result_secrets() == {"currency": "EUR"}
    assert warning(dialog).isHidden()


def test_a_secret_made_plain_moves_its_value_back_and_warns(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    label = warning(dialog)
    assert label.isHidden()

    check(dialog.model, TOKEN, SECRET, False)
    assert dialog.model.index(TOKEN, VALUE).data() == SECRET_VALUE
    assert dialog.result_environment().variables[TOKEN] == Variable("token", SECRET_VALUE)
    assert dialog.result_secrets() == {"token": None}
    assert not label.isHidden()
    assert "token" in label.text() and "plain text" in label.text()
    assert label.textFormat() == Qt.TextFormat.PlainText

    check(dialog.model, TOKEN, SECRET, True)
    assert label.isHidden()
    assert dialog.result_secrets() == {}
    assert dialog.result_environment() == ENV


def test_removing_renaming_or_clearing_a_secret_forgets_the_stored_value(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    dialog.view.selectRow(TOKEN)
    dialog.remove_button.click()
    assert [v.name for v in dialog.result_environment().variables] == ["currency", "old"]
    assert dialog.result_secrets() == {"token": None}

    dialog = open_dialog(qtbot)
    assert dialog.model.setData(dialog.model.index(TOKEN, NAME), "api_token")
    assert dialog.result_secrets() == {"token": None, "api_token": SECRET_VALUE}

    dialog = open_dialog(qtbot)
    dialog.reveal_check.setChecked(True)
    assert dialog.model.setData(dialog.model.index(TOKEN, VALUE), "")
    assert dialog.result_secrets() == {"token": None}


def test_typing_into_the_placeholder_row_adds_a_variable(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, Environment("empty"), {})
    model = dialog.model
    assert model.rowCount() == 1
    assert not model.flags(model.index(0, SECRET)) & Qt.ItemFlag.ItemIsUserCheckable

    assert model.setData(model.index(0, NAME), "host")
    assert model.rowCount() == 2 and model.is_placeholder(1)
    assert model.setData(model.index(0, VALUE), "example.org")
    assert not model.setData(model.index(1, NAME), "")  # an empty entry adds nothing
    assert model.setData(model.index(1, VALUE), "orphan")  # a value first, name later

    environment = dialog.result_environment()
    # A row without a name can't be used by any {{placeholder}}, so it is not saved.
    assert environment.variables == (Variable("host", "example.org"),)


def test_protected_flag_round_trips_through_the_file(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, Environment("production", ENV.variables, protected=True))
    assert dialog.protected_check.text() == "Protected (production)"
    assert dialog.protected_check.isChecked()
    dialog.protected_check.setChecked(False)
    assert not dialog.result_environment().protected

    dialog = open_dialog(qtbot)
    dialog.protected_check.setChecked(True)
    dialog.accept()
    saved = dialog.result_environment()
    assert saved.protected
    assert parse_environment(dump_environment(saved), "production.yaml") == saved


TLS = TlsSettings(
    verify=False,
    ca_bundle="certs/ca.pem",
    client_cert="certs/client.pem",
    client_key="certs/client.key",
    key_passphrase="{{key_passphrase}}",
)


def test_tls_settings_round_trip_through_the_dialog_and_the_file(qtbot: QtBot) -> None:
    environment = Environment("sandbox", ENV.variables, tls=TLS)
    dialog = open_dialog(qtbot, environment)
    assert isinstance(dialog.findChild(TlsEditor), TlsEditor)
    assert dialog.tls_editor.enabled_check.isChecked()
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = dialog.result_environment()
    assert saved == environment
    assert parse_environment(dump_environment(saved), "sandbox.yaml") == saved


def test_tls_settings_set_in_the_dialog_reach_the_environment(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    assert dialog.result_environment().tls is None  # off: the collection's settings apply
    dialog.tls_editor.enabled_check.setChecked(True)
    qtbot.keyClicks(dialog.tls_editor.client_cert_edit, "certs/client.pem")
    dialog.accept()
    assert dialog.result_environment().tls == TlsSettings(client_cert="certs/client.pem")

    dialog = open_dialog(qtbot, Environment("sandbox", ENV.variables, tls=TLS))
    dialog.tls_editor.enabled_check.setChecked(False)
    dialog.accept()
    assert dialog.result_environment() == ENV


def test_a_literal_key_passphrase_keeps_the_dialog_open(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, Environment("sandbox", tls=TlsSettings(client_cert="c.pem")))
    dialog.show()
    label = dialog.findChild(QLabel, "environmentProblemLabel")
    assert isinstance(label, QLabel) and label.isHidden()
    passphrase = dialog.tls_editor.key_passphrase_edit
    qtbot.keyClicks(passphrase, "hunter2")

    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    assert dialog.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert not label.isHidden() and label.text() == LITERAL_PASSPHRASE_PROBLEM
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert dialog.tabs.currentWidget() is dialog.tls_editor

    passphrase.selectAll()
    qtbot.keyClicks(passphrase, "{{key_passphrase}}")
    assert label.isHidden()  # the refusal goes once the problem is fixed
    ok.click()
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Accepted
    tls = dialog.result_environment().tls
    assert tls == TlsSettings(client_cert="c.pem", key_passphrase="{{key_passphrase}}")


def test_the_key_passphrase_must_name_a_secret_variable(qtbot: QtBot) -> None:
    env = Environment(
        "sandbox",
        (Variable("plain_pass", "hunter2"), Variable("kept", secret=True)),
        tls=TlsSettings(client_cert="c.pem", key_passphrase="{{plain_pass}}"),
    )
    dialog = open_dialog(qtbot, env)
    dialog.show()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible()
    label = dialog.findChild(QLabel, "environmentProblemLabel")
    assert isinstance(label, QLabel) and "not a secret variable" in label.text()

    passphrase = dialog.tls_editor.key_passphrase_edit
    passphrase.selectAll()
    qtbot.keyClicks(passphrase, "{{kept}}")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not dialog.isVisible()

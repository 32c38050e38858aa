"""The TLS editor: off means inherit, verification off warns, files are browsed for, and the
key passphrase is only ever a {{variable}}."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.core.transport import TlsSettings
from app.ui.tls_editor import LITERAL_PASSPHRASE_PROBLEM, VERIFY_OFF_WARNING, TlsEditor

FULL = TlsSettings(
    verify=False,
    ca_bundle="certs/ca.pem",
    client_cert="~/certs/client.pem",
    client_key="certs/client.key",
    key_passphrase="{{key_passphrase}}",
)


def make_editor(qtbot: QtBot, tls: TlsSettings | None = None) -> TlsEditor:
    editor = TlsEditor()
    qtbot.addWidget(editor)
    editor.set_tls(tls)
    return editor


W = TypeVar("W", bound=QWidget)


def child(editor: TlsEditor, kind: type[W], name: str) -> W:
    found = editor.findChild(kind, name)
    assert isinstance(found, kind), name
    return found


def test_widgets_are_named_for_tests(qtbot: QtBot) -> None:
    editor = make_editor(qtbot)
    assert child(editor, QCheckBox, "tlsEnabledCheck") is editor.enabled_check
    assert child(editor, QCheckBox, "tlsVerifyCheck") is editor.verify_check
    assert child(editor, QLabel, "tlsVerifyWarning") is editor.verify_warning
    assert child(editor, QLineEdit, "tlsCaBundleEdit") is editor.ca_bundle_edit
    assert child(editor, QLineEdit, "tlsClientCertEdit") is editor.client_cert_edit
    assert child(editor, QLineEdit, "tlsClientKeyEdit") is editor.client_key_edit
    assert child(editor, QLineEdit, "tlsKeyPassphraseEdit") is editor.key_passphrase_edit
    assert child(editor, QLabel, "tlsHintLabel") is editor.hint_label
    for name in ("tlsCaBundle", "tlsClientCert", "tlsClientKey"):
        assert child(editor, QPushButton, f"{name}BrowseButton").text() == "Browse…"
    assert editor.enabled_check.text() == "Use these TLS settings"
    assert editor.verify_check.text() == "Verify server certificates"


@pytest.mark.parametrize(
    "tls",
    [None, TlsSettings(), FULL, TlsSettings(client_cert="both.pem"), TlsSettings(verify=False)],
)
def test_settings_come_back_as_they_were_shown(qtbot: QtBot, tls: TlsSettings | None) -> None:
    assert make_editor(qtbot, tls).tls() == tls


def test_off_means_none_and_inherit(qtbot: QtBot) -> None:
    editor = make_editor(qtbot)
    assert not editor.enabled_check.isChecked()
    assert editor.tls() is None
    assert not editor.verify_check.isEnabled() and not editor.client_cert_edit.isEnabled()

    editor.enabled_check.setChecked(True)
    assert editor.client_cert_edit.isEnabled()
    assert editor.tls() == TlsSettings()  # on, untouched: the system trust store, no cert

    editor = make_editor(qtbot, FULL)
    editor.enabled_check.setChecked(False)
    assert editor.tls() is None
    editor.enabled_check.setChecked(True)  # the fields kept what they held
    assert editor.tls() == FULL


def test_loading_none_clears_what_was_shown(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, FULL)
    editor.set_tls(None)
    editor.enabled_check.setChecked(True)
    assert editor.tls() == TlsSettings()


def test_verification_off_warns_and_greys_the_ca_bundle(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, TlsSettings(ca_bundle="ca.pem"))
    warning = editor.verify_warning
    assert warning.isHidden()
    assert warning.textFormat() == Qt.TextFormat.PlainText

    editor.verify_check.setChecked(False)
    assert not warning.isHidden()
    assert warning.text() == VERIFY_OFF_WARNING
    assert warning.text() == (
        "Any server will be trusted: only for test servers with self-signed certificates."
    )
    assert not editor.ca_bundle_edit.isEnabled()
    assert editor.tls() == TlsSettings(verify=False, ca_bundle="ca.pem")

    editor.enabled_check.setChecked(False)  # not used: nothing to warn about
    assert warning.isHidden()
    editor.enabled_check.setChecked(True)
    editor.verify_check.setChecked(True)
    assert warning.isHidden()
    assert editor.ca_bundle_edit.isEnabled()


def test_a_literal_passphrase_is_a_problem(qtbot: QtBot) -> None:
    editor = make_editor(qtbot, TlsSettings(client_cert="client.pem"))
    hint = editor.hint_label
    assert editor.problem() is None and hint.isHidden()

    qtbot.keyClicks(editor.key_passphrase_edit, "hunter2")
    assert editor.problem() == LITERAL_PASSPHRASE_PROBLEM
    assert not hint.isHidden()
    assert hint.text() == LITERAL_PASSPHRASE_PROBLEM
    assert hint.textFormat() == Qt.TextFormat.PlainText

    editor.key_passphrase_edit.clear()
    qtbot.keyClicks(editor.key_passphrase_edit, " {{ key_pass }} ")
    assert editor.problem() is None and hint.isHidden()

    editor.key_passphrase_edit.selectAll()
    qtbot.keyClicks(editor.key_passphrase_edit, "{{key}}-suffix")
    assert editor.problem() == LITERAL_PASSPHRASE_PROBLEM

    # Settings that are not used are not saved, so they cannot leak anything.
    editor.enabled_check.setChecked(False)
    assert editor.problem() is None and hint.isHidden()
    assert editor.tls() is None


def test_edited_follows_the_user_and_not_set_tls(qtbot: QtBot) -> None:
    editor = make_editor(qtbot)
    count = 0

    def on_edited() -> None:
        nonlocal count
        count += 1

    editor.edited.connect(on_edited)
    editor.set_tls(FULL)
    editor.set_tls(None)
    assert count == 0
    editor.enabled_check.click()
    editor.verify_check.click()
    qtbot.keyClicks(editor.client_cert_edit, "c")
    assert count == 3


def test_paths_may_be_relative_to_the_collection_folder(qtbot: QtBot) -> None:
    editor = make_editor(qtbot)
    for edit in (editor.ca_bundle_edit, editor.client_cert_edit, editor.client_key_edit):
        assert "relative path starts from the collection folder" in edit.toolTip()


def test_browsing_fills_the_field(qtbot: QtBot, tmp_path: Path) -> None:
    editor = make_editor(qtbot, TlsSettings())
    titles: list[str] = []
    answer: str | None = str(tmp_path / "elsewhere" / "ca.pem")

    def choose_file(title: str) -> str | None:
        titles.append(title)
        return answer

    editor.choose_file = choose_file  # type: ignore[method-assign]
    with qtbot.waitSignal(editor.edited, timeout=1000):
        child(editor, QPushButton, "tlsCaBundleBrowseButton").click()
    assert editor.ca_bundle_edit.text() == answer
    assert titles == ["Choose a CA bundle"]

    # Inside the collection folder the path is entered relative to it, with "/".
    collection = tmp_path / "collection"
    editor.set_base_folder(collection)
    answer = str(collection / "certs" / "client.pem")
    editor.client_cert_button.click()
    answer = str(collection / "certs" / "client.key")
    editor.client_key_button.click()
    assert editor.tls() == TlsSettings(
        ca_bundle=str(tmp_path / "elsewhere" / "ca.pem"),
        client_cert="certs/client.pem",
        client_key="certs/client.key",
    )

    answer = None  # cancelled: nothing changes
    editor.client_cert_button.click()
    assert editor.client_cert_edit.text() == "certs/client.pem"

"""Auth in the real window: MAC signed at send time and verified by the demo API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.core.collection import AuthKind, AuthSpec
from app.core.mac import parse_mac_header
from app.ui.main_window import MainWindow
from tests.e2e.test_send_and_read import send, settle, text


def _open(window: MainWindow, path: str) -> None:
    window.sidebar.open_request(Path(path))
    tab = window.active_tab()
    assert tab is not None and tab.source == path


def _sent_authorization(window: MainWindow) -> str:
    entry = window.history.store.get(window.history.store.search()[0].id)
    assert entry is not None
    return next(v for k, v in entry.request_headers if k.lower() == "authorization")


def test_mac_signed_request_is_accepted_and_each_send_gets_a_new_nonce(
    qtbot: Any, window: MainWindow
) -> None:
    _open(window, "auth/mac-wallet.request.yaml")
    send(qtbot, window)
    assert text(window, "statusLabel") == "200 OK"
    first = parse_mac_header(_sent_authorization(window))
    send(qtbot, window)
    assert text(window, "statusLabel") == "200 OK"
    second = parse_mac_header(_sent_authorization(window))
    assert first is not None and second is not None
    assert first["nonce"] != second["nonce"]


def test_mac_with_a_body_hash_is_accepted(qtbot: Any, window: MainWindow) -> None:
    _open(window, "auth/mac-transfer.request.yaml")
    send(qtbot, window)
    assert text(window, "statusLabel") == "200 OK"
    header = parse_mac_header(_sent_authorization(window))
    assert header is not None and header["ext"].startswith("body_hash=")
    assert "=" not in header["ext"].removeprefix("body_hash=")  # form-encoded: = is %3D


def test_a_wrong_mac_key_is_unauthorized(qtbot: Any, window: MainWindow) -> None:
    _open(window, "auth/mac-wrong-key.request.yaml")
    send(qtbot, window)
    assert text(window, "statusLabel") == "401 Unauthorized"
    assert text(window, "errorCodeLabel") == "unauthorized"


def test_bearer_auth_reaches_the_wire(qtbot: Any, window: MainWindow) -> None:
    window.new_tab()
    window.builder.url_edit.setText("/wallet/me")
    window.builder.auth.set_auth(AuthSpec(AuthKind.BEARER, (("token", "abc"),)))
    send(qtbot, window)
    assert text(window, "statusLabel") == "200 OK"
    assert _sent_authorization(window) == "Bearer abc"


def test_auth_without_its_value_is_refused_with_a_sentence(qtbot: Any, window: MainWindow) -> None:
    window.new_tab()
    window.builder.url_edit.setText("/wallet/me")
    window.builder.auth.set_auth(AuthSpec(AuthKind.PAYSERA_MAC, (("mac_id", "x"),)))
    started: list[int] = []
    window.sends.started.connect(started.append)
    window.send()
    assert started == []
    assert text(window, "statusLabel") == "Not sent"
    assert "MAC key" in text(window, "responseMessageLabel")


def test_invalid_timestamp_offers_to_compare_clocks(
    qtbot: Any, window: MainWindow, monkeypatch: Any
) -> None:
    import time as real_time

    import app.http.auth as auth_module

    class _TenMinutesAhead:
        @staticmethod
        def time() -> float:
            return real_time.time() + 600

    monkeypatch.setattr(auth_module, "time", _TenMinutesAhead)
    _open(window, "auth/mac-wallet.request.yaml")
    send(qtbot, window)
    assert text(window, "errorCodeLabel") == "invalid_timestamp"
    button = window.response_pane.error_panel.compare_clock_button
    assert button.isVisible()
    with qtbot.waitSignal(window.sends.recorded, timeout=10_000):
        button.click()
    settle(qtbot)
    # This computer's clock is right (only the signature was skewed), and the panel says so.
    assert "agrees with the server" in text(window, "clockSkewLabel")
    entry = window.history.store.search()[0]
    assert entry.url.endswith("/rest/v1/server")


def test_inherit_says_which_auth_applies(qtbot: Any, window: MainWindow) -> None:
    _open(window, "auth/mac-wallet.request.yaml")
    window.builder.tabs.setCurrentWidget(window.builder.auth)
    assert 'Paysera MAC, from the folder "Auth"' in window.builder.auth.hint_label.text()
    _open(window, "payments/get-payment-10145.request.yaml")
    assert "no auth" in window.builder.auth.hint_label.text()


def test_a_request_reopened_from_history_is_signed_afresh(qtbot: Any, window: MainWindow) -> None:
    _open(window, "auth/mac-wallet.request.yaml")
    send(qtbot, window)
    first = parse_mac_header(_sent_authorization(window))
    window.history_actions.reopen_entry(window.history.store.search()[0].id)
    assert window.builder.auth.kind() is AuthKind.PAYSERA_MAC
    assert all(h.name.lower() != "authorization" for h in window.builder.request().headers)
    send(qtbot, window)
    assert text(window, "statusLabel") == "200 OK"
    again = parse_mac_header(_sent_authorization(window))
    assert first is not None and again is not None and again["nonce"] != first["nonce"]


def test_basic_auth_reopened_from_history_sends_proper_basic(
    qtbot: Any, window: MainWindow
) -> None:
    window.new_tab()
    window.builder.url_edit.setText("/wallet/me")
    window.builder.auth.set_auth(AuthSpec(AuthKind.BASIC, (("username", "al"), ("password", "pw"))))
    send(qtbot, window)
    window.history_actions.reopen_entry(window.history.store.search()[0].id)
    send(qtbot, window)
    assert _sent_authorization(window) == "Basic YWw6cHc="

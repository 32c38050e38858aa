"""A cURL command pasted into the URL field turns the tab into that request, through the real
window: method, URL, params, headers, body and auth, with its credentials kept as secrets of
the active environment, never in the request."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from app.core.collection import AuthKind
from app.ui.main_window import MainWindow
from tests.e2e.conftest import child
from tests.e2e.test_send_and_read import send, text

COMMAND = """curl 'URL/payments?limit=2' \\
  -X POST \\
  -H 'X-Trace: abc' \\
  -u 'merchant:p4ss-w0rd-x' \\
  --data-raw '{"amount": "1.00"}'"""


def paste(qtbot: Any, window: MainWindow, command: str) -> None:
    url = child(window, "urlEdit")
    url.setFocus()
    url.selectAll()
    QGuiApplication.clipboard().setText(command)
    qtbot.keyClick(url, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not url.text().startswith("curl"))


def test_a_pasted_curl_command_becomes_the_request_and_its_password_a_secret(
    qtbot: Any, window: MainWindow
) -> None:
    base = window.builder.base_url_edit.text()
    paste(qtbot, window, COMMAND.replace("URL", base))
    request = window.builder.request(commit=False)
    assert (request.method, request.url) == ("POST", f"{base}/payments")  # the query: params
    assert [(p.name, p.value) for p in request.params] == [("limit", "2")]
    assert ("X-Trace", "abc") in [(h.name, h.value) for h in request.headers]
    assert json.loads(request.body) == {"amount": "1.00"}
    assert request.auth.kind is AuthKind.BASIC
    assert request.auth.get("password") == "{{password}}"
    message = text(window, "responseMessageLabel")
    assert message.startswith("Pasted a cURL command: POST")
    assert 'secrets {{password}} of the environment "demo"' in message
    assert window.workspace.secret_values().get("password") == "p4ss-w0rd-x"
    send(qtbot, window)  # it goes out as pasted
    assert text(window, "statusLabel").startswith("4")  # the demo API wants a valid payment


def test_typing_curl_key_by_key_stays_typing(qtbot: Any, window: MainWindow) -> None:
    url = child(window, "urlEdit")
    url.clear()
    qtbot.keyClicks(url, "curl https://example.test/")
    qtbot.wait(20)
    assert url.text() == "curl https://example.test/"


def test_without_an_environment_the_credentials_stay_as_typed_and_it_says_so(
    qtbot: Any, window: MainWindow
) -> None:
    window.collections.close()
    paste(qtbot, window, COMMAND.replace("URL", "https://api.example/rest/v1"))
    request = window.builder.request(commit=False)
    assert request.auth.get("password") == "p4ss-w0rd-x"
    assert "in the request as typed" in text(window, "responseMessageLabel")

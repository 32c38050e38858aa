"""The real window against the real demo API over loopback, driven through objectNames."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPlainTextEdit

from app.core.request import KeyValue
from app.ui.main_window import MainWindow
from tests.e2e.conftest import child

TIMEOUT_MS = 15_000


def set_request(window: MainWindow, method: str, url: str, body: str = "") -> None:
    child(window, "methodCombo").setCurrentText(method)
    url_edit = child(window, "urlEdit")
    url_edit.clear()
    url_edit.setText(url)
    child(window, "bodyEditor").setPlainText(body)


def send(qtbot: Any, window: MainWindow) -> None:
    with qtbot.waitSignal(window.sends.finished, timeout=TIMEOUT_MS):
        qtbot.mouseClick(child(window, "sendButton"), Qt.MouseButton.LeftButton)
    settle(qtbot)


def settle(qtbot: Any) -> None:
    """Let the window finish what it does after a response (history is written last)."""
    qtbot.wait(30)


def text(window: MainWindow, name: str) -> str:
    widget: QLabel = child(window, name)
    return widget.text()


def tree_rows(window: MainWindow) -> dict[str, str]:
    model = child(window, "responseTree").model()
    return {
        model.index(r, 0, QModelIndex()).data(): model.index(r, 1, QModelIndex()).data()
        for r in range(model.rowCount(QModelIndex()))
    }


def test_first_send_shows_the_ready_demo_request(qtbot: Any, window: MainWindow) -> None:
    assert text(window, "urlEdit").startswith("/payments")
    send(qtbot, window)
    assert text(window, "statusLabel") == "200 OK"
    assert text(window, "elapsedLabel").endswith(("ms", "s"))
    assert re.fullmatch(r"\d+(\.\d)? (bytes|KB)", text(window, "sizeLabel"))
    assert not child(window, "errorPanel").isVisible()
    assert set(tree_rows(window)) == {"items", "_metadata"}


def test_numbers_are_shown_exactly_as_sent(qtbot: Any, window: MainWindow) -> None:
    set_request(window, "GET", "/payments/10145")
    send(qtbot, window)
    window.response_pane.tabs.setCurrentIndex(window.response_pane.RAW_TAB)
    raw_text = child(window, "rawView").findChild(QPlainTextEdit, "rawText").toPlainText()
    assert "1.10" in raw_text
    rows = tree_rows(window)
    assert "1.10" in rows.values()


ERROR_CASES = [
    ("GET", "/payments/999999", "", {}, 404, "not_found"),
    ("POST", "/payments", '{"price": {"amount": ""}}', {}, 400, "invalid_parameters"),
    ("POST", "/payments", "[1, 2]", {}, 400, "invalid_request"),
    ("GET", "/wallet/me", "", {}, 401, "unauthorized"),
    ("GET", "/payments/2", "", {}, 403, "forbidden"),
    ("GET", "/payments", "", {"Accept": "text/html"}, 406, "not_acceptable"),
    ("GET", "/rate-limited", "", {}, 429, "rate_limit_exceeded"),
    ("GET", "/crash", "", {}, 500, "internal_server_error"),
]


@pytest.mark.parametrize(("method", "path", "body", "headers", "status", "code"), ERROR_CASES)
def test_error_statuses_are_decoded(
    qtbot: Any,
    window: MainWindow,
    method: str,
    path: str,
    body: str,
    headers: dict[str, str],
    status: int,
    code: str,
) -> None:
    set_request(window, method, path, body)
    model = window.builder.headers.model
    model.set_rows(tuple(KeyValue(k, v) for k, v in headers.items()))
    send(qtbot, window)
    assert text(window, "statusLabel").startswith(str(status))
    assert child(window, "errorPanel").isVisible()
    assert text(window, "errorCodeLabel") == code
    assert text(window, "errorDescriptionLabel")
    assert text(window, "errorHintLabel")
    assert "None" not in text(window, "errorDescriptionLabel")
    assert child(window, "correlationIdLabel").isVisible()


def test_invalid_state_409_after_payment_is_done(qtbot: Any, window: MainWindow) -> None:
    set_request(window, "GET", "/payments?limit=100")
    send(qtbot, window)
    raw = window.response_pane.raw_view.text_widget().toPlainText()
    done = next(p["id"] for p in json.loads(raw)["items"] if p["status"] == "done")
    set_request(window, "POST", f"/payments/{done}/cancel")
    send(qtbot, window)
    assert text(window, "statusLabel") == "409 Conflict"
    assert text(window, "errorCodeLabel") == "invalid_state"


def test_field_problems_are_listed_per_field(qtbot: Any, window: MainWindow) -> None:
    set_request(window, "POST", "/payments", '{"price": {"amount": "", "currency": "EURO"}}')
    send(qtbot, window)
    fields = text(window, "errorFieldsLabel")
    assert "price.amount:" in fields
    assert "price.currency:" in fields


def test_unauthorized_links_error_uri(qtbot: Any, window: MainWindow) -> None:
    set_request(window, "GET", "/wallet/me")
    send(qtbot, window)
    uri_label: QLabel = child(window, "errorUriLabel")
    assert uri_label.isVisible()
    assert 'href="https://developers.paysera.com/' in uri_label.text()
    assert uri_label.textFormat() == Qt.TextFormat.RichText


def test_method_not_allowed_warns_about_status_mismatch(qtbot: Any, window: MainWindow) -> None:
    set_request(window, "PATCH", "/server")
    send(qtbot, window)
    assert text(window, "errorCodeLabel") == "not_found"
    assert "404" in text(window, "errorMismatchLabel")
    assert "405" in text(window, "errorMismatchLabel")


def test_markup_in_error_description_is_shown_literally(qtbot: Any, window: MainWindow) -> None:
    set_request(window, "GET", "/payments/%3Cb%3Ebold%3C%2Fb%3E")
    send(qtbot, window)
    label: QLabel = child(window, "errorDescriptionLabel")
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert "<b>bold</b>" in label.text()


def test_html_error_page_says_no_error_object_came(qtbot: Any, window: MainWindow) -> None:
    set_request(window, "GET", "/proxy-error")
    send(qtbot, window)
    assert text(window, "statusLabel") == "502 Bad Gateway"
    assert "HTML" in text(window, "errorNoObjectLabel")
    assert text(window, "errorHintLabel")
    assert not child(window, "errorDescriptionLabel").isVisible()


def test_cancel_stops_a_slow_request_at_once(qtbot: Any, window: MainWindow) -> None:
    set_request(window, "GET", "/slow?seconds=20")
    with qtbot.waitSignal(window.sends.started, timeout=TIMEOUT_MS):
        qtbot.mouseClick(child(window, "sendButton"), Qt.MouseButton.LeftButton)
    assert child(window, "cancelButton").isEnabled()
    qtbot.wait(200)
    with qtbot.waitSignal(window.sends.cancelled, timeout=1000):
        qtbot.mouseClick(child(window, "cancelButton"), Qt.MouseButton.LeftButton)
    assert text(window, "statusLabel") == "Cancelled"
    assert not child(window, "cancelButton").isEnabled()


def test_window_stays_responsive_while_a_request_is_in_flight(
    qtbot: Any, window: MainWindow
) -> None:
    set_request(window, "GET", "/slow?seconds=20")
    qtbot.mouseClick(child(window, "sendButton"), Qt.MouseButton.LeftButton)
    qtbot.wait(100)
    qtbot.keyClicks(child(window, "bodyEditor"), '{"typed": true}')
    assert child(window, "bodyEditor").toPlainText() == '{"typed": true}'
    with qtbot.waitSignal(window.sends.cancelled, timeout=1000):
        window.cancel()


def test_invalid_body_is_refused_and_nothing_goes_on_the_wire(
    qtbot: Any, window: MainWindow
) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(1.0)
    connections: list[object] = []

    def accept() -> None:
        with contextlib.suppress(TimeoutError):
            connections.append(listener.accept())

    watcher = threading.Thread(target=accept)
    watcher.start()
    port = listener.getsockname()[1]
    child(window, "baseUrlEdit").setText(f"http://127.0.0.1:{port}")
    set_request(window, "POST", "/payments", '{\n  "amount": "1.00",\n  "currency" "EUR"\n}')
    started: list[int] = []
    window.sends.started.connect(started.append)
    qtbot.mouseClick(child(window, "sendButton"), Qt.MouseButton.LeftButton)
    qtbot.wait(1200)  # the loop keeps running: a request that went out would connect now
    watcher.join()
    listener.close()
    assert started == []
    assert connections == []
    assert text(window, "statusLabel") == "Not sent"
    assert "Line 3" in text(window, "responseMessageLabel")
    assert "Line 3" in text(window, "bodyErrorLabel")


def test_connection_refused_is_a_sentence(qtbot: Any, window: MainWindow) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    child(window, "baseUrlEdit").setText(f"http://127.0.0.1:{port}")
    set_request(window, "GET", "/server")
    with qtbot.waitSignal(window.sends.finished, timeout=TIMEOUT_MS):
        qtbot.mouseClick(child(window, "sendButton"), Qt.MouseButton.LeftButton)
    assert text(window, "statusLabel") == "No response"
    assert "refused" in text(window, "responseMessageLabel")


def test_dropped_connection_is_a_sentence(qtbot: Any, window: MainWindow) -> None:
    set_request(window, "GET", "/drop")
    with qtbot.waitSignal(window.sends.finished, timeout=TIMEOUT_MS):
        qtbot.mouseClick(child(window, "sendButton"), Qt.MouseButton.LeftButton)
    assert "dropped" in text(window, "responseMessageLabel")


def test_ctrl_enter_sends_from_the_body_editor(qtbot: Any, window: MainWindow) -> None:
    set_request(window, "GET", "/server")
    editor = child(window, "bodyEditor")
    window.builder.tabs.setCurrentWidget(window.builder.body)
    editor.setFocus()
    with qtbot.waitSignal(window.sends.finished, timeout=TIMEOUT_MS):
        qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert text(window, "statusLabel") == "200 OK"
    assert "time" in tree_rows(window)


def test_url_and_params_table_stay_in_sync(qtbot: Any, window: MainWindow) -> None:
    url_edit = child(window, "urlEdit")
    url_edit.clear()
    qtbot.keyClicks(url_edit, "/payments?limit=2&offset=4")
    params = window.builder.params.model
    rows = params.rows()
    assert [(r.name, r.value) for r in rows if r.enabled] == [("limit", "2"), ("offset", "4")]
    limit = next(i for i, r in enumerate(rows) if r.name == "limit")
    offset = next(i for i, r in enumerate(rows) if r.name == "offset")
    params.setData(params.index(limit, 2), "3", Qt.ItemDataRole.EditRole)
    assert url_edit.text() == "/payments?limit=3&offset=4"
    params.setData(params.index(offset, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert url_edit.text() == "/payments?limit=3"
    send(qtbot, window)
    sent = window.response_pane.raw_view.text_widget().toPlainText()
    assert sent.count('"id"') == 3


def test_copy_correlation_id(qtbot: Any, window: MainWindow) -> None:
    set_request(window, "GET", "/crash")
    send(qtbot, window)
    qtbot.mouseClick(child(window, "copyCorrelationButton"), Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied and copied in text(window, "correlationIdLabel")


def test_large_body_shows_top_level_and_pages_the_raw_view(qtbot: Any, window: MainWindow) -> None:
    set_request(window, "GET", "/large?size_mb=5")
    send(qtbot, window)
    assert text(window, "statusLabel") == "200 OK"
    assert text(window, "sizeLabel").endswith("MB")
    assert set(tree_rows(window)) == {"items", "_metadata"}
    raw = window.response_pane.raw_view
    assert raw.has_more()
    assert len(raw.text_widget().toPlainText()) < 1 << 20


def test_declared_charset_is_honoured_in_the_raw_view(qtbot: Any, window: MainWindow) -> None:
    set_request(window, "GET", "/latin1")
    send(qtbot, window)
    assert window.response_pane.tabs.currentWidget() is child(window, "rawView")
    assert "Café crème" in window.response_pane.raw_view.text_widget().toPlainText()


@pytest.mark.parametrize("where", ["urlEdit", "paramsTable", "headersTable", "methodCombo"])
def test_ctrl_enter_sends_from_other_widgets(qtbot: Any, window: MainWindow, where: str) -> None:
    set_request(window, "GET", "/server")
    widget = child(window, where)
    if where == "headersTable":
        window.builder.tabs.setCurrentWidget(window.builder.headers_page)
    widget.setFocus()
    with qtbot.waitSignal(window.sends.finished, timeout=TIMEOUT_MS):
        qtbot.keyClick(widget, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)
    assert text(window, "statusLabel") == "200 OK"


def test_ctrl_enter_while_editing_a_header_cell_sends_the_typed_value(
    qtbot: Any, window: MainWindow
) -> None:
    set_request(window, "GET", "/wallet/me")
    window.builder.tabs.setCurrentWidget(window.builder.headers_page)
    view = child(window, "headersTable")
    model = window.builder.headers.model
    model.setData(model.index(0, 1), "Authorization", Qt.ItemDataRole.EditRole)
    view.setCurrentIndex(model.index(0, 2))
    view.edit(model.index(0, 2))
    editor = view.indexWidget(model.index(0, 2))
    assert editor is not None
    qtbot.keyClicks(editor, "MAC id=x")
    with qtbot.waitSignal(window.sends.finished, timeout=TIMEOUT_MS):
        qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert text(window, "statusLabel") == "200 OK"
    assert model.rows()[0].value == "MAC id=x"


def test_long_user_and_server_text_never_widens_the_window(qtbot: Any, window: MainWindow) -> None:
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.width() == 1024)
    long_url = "/payments?" + "&".join(f"parameter{i}=value{i}" for i in range(12))
    assert len(long_url) > 200
    window.builder.url_edit.setText(long_url)
    window.history_panel.search_edit.setText("status:" + "nonsense" * 40)
    window.history_panel.refresh()  # its sentence repeats what was typed
    window.show_notice("Kept in /" + "very-long-folder-name/" * 30 + "secrets.json")
    qtbot.wait(50)
    assert window.minimumSizeHint().width() <= 1024
    assert window.width() == 1024
    label = child(window, "finalUrlLabel")
    assert label.text().endswith("value11") and label.width() <= window.width()


def test_a_long_url_sent_and_its_error_never_widen_the_window(
    qtbot: Any, window: MainWindow
) -> None:
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.width() == 1024)
    set_request(window, "GET", "/payments/" + "9" * 300)
    send(qtbot, window)
    assert text(window, "statusLabel").startswith("4")
    assert window.minimumSizeHint().width() <= 1024
    assert window.width() == 1024


def test_while_a_request_is_in_flight_send_is_off_and_the_wait_counts_up(
    qtbot: Any, window: MainWindow
) -> None:
    set_request(window, "GET", "/slow?seconds=20")
    send_button = child(window, "sendButton")
    with qtbot.waitSignal(window.sends.started, timeout=TIMEOUT_MS):
        qtbot.mouseClick(send_button, Qt.MouseButton.LeftButton)
    assert not send_button.isEnabled() and child(window, "cancelButton").isEnabled()
    qtbot.waitUntil(lambda: "waiting" in text(window, "responseMessageLabel"), timeout=2000)
    started: list[str] = []
    window.sends.started.connect(lambda tab_id, _plan: started.append(tab_id))
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert started == []  # Ctrl+Enter does not start a second request either
    assert "Still in flight" in text(window, "responseMessageLabel")
    qtbot.wait(500)  # the clock rewrote the line five times: the note is still there
    message = text(window, "responseMessageLabel")
    assert "waiting" in message and "Still in flight: cancel it (Esc)" in message
    with qtbot.waitSignal(window.sends.cancelled, timeout=1000):
        qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert send_button.isEnabled()


def test_a_notice_keeps_the_status_bar_one_line_high(qtbot: Any, window: MainWindow) -> None:
    window.resize(780, 580)  # within the offscreen screen (800 x 600)
    window.show_notice("The system keyring is turned off, so secrets are stored in a file.")
    qtbot.wait(50)
    # A wrapped label without a minimum width once asked for the height of one word per
    # line, and the status bar took a third of the window.
    assert window.statusBar().height() < 3 * window.fontMetrics().lineSpacing() + 20


def test_the_request_tab_shows_every_header_that_went_on_the_wire(
    qtbot: Any, window: MainWindow
) -> None:
    set_request(window, "POST", "/payments", '{"price": {"amount": "1.00", "currency": "EUR"}}')
    send(qtbot, window)
    sent = child(window, "sentRequestView").toPlainText()
    host = window.builder.base_url_edit.text().split("://", 1)[1].split("/", 1)[0]
    assert f"Host: {host}" in sent
    assert "Content-Length: 48" in sent
    assert "Accept-Encoding: gzip, deflate, br, zstd" in sent
    # Reopened from history, the request does not carry what every send adds by itself.
    qtbot.waitUntil(lambda: len(window.history.store) == 1, timeout=TIMEOUT_MS)
    window.history_actions.reopen_entry(window.history.store.search()[0].id)
    names = [row.name.lower() for row in window.builder.headers.model.rows()]
    assert "host" not in names and "content-length" not in names


def test_while_a_body_arrives_the_bytes_received_count_up(qtbot: Any, window: MainWindow) -> None:
    # Half the body, then a pause the test ends: the line must say how much has arrived.
    body = b'{"data": "' + b"x" * 200_000 + b'"}'
    release = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            connection.sendall(head + b"Content-Length: %d\r\n\r\n" % len(body))
            connection.sendall(body[:100_000])
            release.wait(10)
            connection.sendall(body[100_000:])

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        set_request(window, "GET", f"http://127.0.0.1:{listener.getsockname()[1]}/half")
        with qtbot.waitSignal(window.sends.finished, timeout=TIMEOUT_MS):
            child(window, "sendButton").click()
            qtbot.waitUntil(
                lambda: "97.7 KB of 195 KB received in" in text(window, "responseMessageLabel"),
                timeout=3000,
            )
            # Half a second on, the rate too (bytes over the time since the click).
            qtbot.waitUntil(
                lambda: (
                    re.search(
                        r"received in \d+\.\d s, [\d.]+ (bytes|KB)/s",
                        text(window, "responseMessageLabel"),
                    )
                    is not None
                ),
                timeout=3000,
            )
            release.set()
        assert text(window, "statusLabel") == "200 OK"
    finally:
        release.set()
        thread.join(5)
        listener.close()


@pytest.mark.parametrize("height", [560, 420])
def test_in_a_short_window_the_error_panel_scrolls_instead_of_cutting_lines(
    qtbot: Any, window: MainWindow, height: int
) -> None:
    window.resize(780, height)  # within the offscreen screen (800 x 600)
    set_request(window, "POST", "/payments", '{"price": {"amount": ""}}')
    send(qtbot, window)
    qtbot.wait(50)
    panel = window.response_pane.error_panel
    scroll = child(window, "errorPanelScroll")
    assert panel.isVisible() and scroll.isVisible()
    needed = panel.heightForWidth(panel.width())
    # The panel always has the height its wrapped lines need; squeezed, it cut the advice
    # in half. When the pane is short, the rest is a scroll away.
    assert panel.height() >= needed
    if scroll.viewport().height() < needed:
        assert scroll.verticalScrollBar().maximum() >= needed - scroll.viewport().height()
    # And the window's smallest size grows by at most two lines of it.
    with_panel = window.minimumSizeHint().height()
    scroll.hide()
    without = window.minimumSizeHint().height()
    scroll.show()
    assert with_panel - without <= 2 * scroll.fontMetrics().lineSpacing() + 12

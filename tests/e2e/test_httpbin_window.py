"""The real window against httpbin on 127.0.0.1 (issue 13): what a user sees for the
endpoints ``tests/http/test_httpbin.py`` compares with curl."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QPlainTextEdit

from app.services.pipeline import Outcome, OutcomeKind
from app.ui.main_window import MainWindow
from tests.e2e.conftest import child
from tests.e2e.test_send_and_read import TIMEOUT_MS, set_request, settle, text, tree_rows
from tests.http.test_httpbin import httpbin_server


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with httpbin_server() as url:
        yield url


def send(qtbot: Any, window: MainWindow) -> Outcome:
    """Click Send and wait for the response; the outcome the window received."""
    with qtbot.waitSignal(window.sends.finished, timeout=TIMEOUT_MS) as blocker:
        qtbot.mouseClick(child(window, "sendButton"), Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert blocker.args is not None
    outcome = blocker.args[1]
    assert isinstance(outcome, Outcome) and outcome.kind is OutcomeKind.RESPONDED
    assert outcome.exchange is not None
    return outcome


def fetch(url: str) -> bytes:
    """The body of ``url`` exactly as it arrives, read without the app (no proxy)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=10) as response:
        body: bytes = response.read()
        return body


def raw_text(window: MainWindow) -> str:
    window.response_pane.tabs.setCurrentIndex(window.response_pane.RAW_TAB)  # as a user does
    widget: QPlainTextEdit = child(window, "rawText")
    return widget.toPlainText()


def pretty_off(qtbot: Any, window: MainWindow) -> None:
    if child(window, "prettyRawToggle").isChecked():
        qtbot.mouseClick(child(window, "prettyRawToggle"), Qt.MouseButton.LeftButton)


def test_a_brotli_body_shows_a_json_tree_and_raw_shows_it_decoded(
    qtbot: Any, window: MainWindow, base: str
) -> None:
    set_request(window, "GET", base + "/brotli")
    outcome = send(qtbot, window)
    assert text(window, "statusLabel") == "200 OK"
    assert tree_rows(window)["brotli"] == "true"
    assert not child(window, "errorPanel").isVisible()
    assert text(window, "responseMessageLabel") == ""
    pane = window.response_pane
    assert pane.tabs.currentIndex() == pane.TREE_TAB

    pane.tabs.setCurrentIndex(pane.RAW_TAB)
    pretty_off(qtbot, window)
    assert child(window, "prettyRawToggle").isVisible()
    assert outcome.exchange is not None
    body = outcome.exchange.response.body
    assert raw_text(window).encode() == body  # decoded from br, final newline and all
    qtbot.mouseClick(child(window, "prettyRawToggle"), Qt.MouseButton.LeftButton)
    assert json.loads(raw_text(window)) == json.loads(body)
    pretty_off(qtbot, window)
    assert raw_text(window).encode() == body


@pytest.mark.parametrize(
    ("path", "summary"),
    [
        ("/image/png", "Image, {size:,} bytes, image/png, "),
        ("/bytes/1024?seed=13", "Binary, {size:,} bytes, application/octet-stream"),
    ],
)
def test_a_binary_body_shows_the_binary_view(
    qtbot: Any, window: MainWindow, base: str, path: str, summary: str
) -> None:
    set_request(window, "GET", base + path)
    send(qtbot, window)
    assert text(window, "statusLabel") == "200 OK"
    assert child(window, "binaryView").isVisible()
    assert not child(window, "rawText").isVisible()
    received = fetch(base + path)
    assert text(window, "binarySummaryLabel").startswith(summary.format(size=len(received)))
    image = child(window, "binaryImageLabel")
    assert image.isVisible() is path.startswith("/image/")
    if path.startswith("/image/"):
        assert not image.pixmap().isNull()
    assert window.response_pane.raw_view.binary_view.body() == received
    assert not child(window, "errorPanel").isVisible()


def test_a_stream_of_json_lines_shows_twenty_items(
    qtbot: Any, window: MainWindow, base: str
) -> None:
    set_request(window, "GET", base + "/stream/20")
    send(qtbot, window)
    assert text(window, "statusLabel") == "200 OK"
    model = child(window, "responseTree").model()
    assert model.rowCount(QModelIndex()) == 20
    assert text(window, "responseMessageLabel") == "JSON lines: 20 values, one per line."
    assert not child(window, "errorPanel").isVisible()


@pytest.mark.parametrize(("status", "shown"), [(304, "304 NOT MODIFIED"), (302, "302 FOUND")])
def test_a_304_and_a_302_are_explained_without_the_error_panel(
    qtbot: Any, window: MainWindow, base: str, status: int, shown: str
) -> None:
    set_request(window, "GET", f"{base}/status/{status}")
    send(qtbot, window)
    assert text(window, "statusLabel") == shown
    assert not child(window, "errorPanel").isVisible()
    message = child(window, "responseMessageLabel")
    assert message.text() and message.styleSheet() == ""  # a calm note, not in error red
    if status == 302:
        assert "Location: /redirect/1" in message.text()


def test_a_500_without_a_correlation_id_does_not_ask_for_one(
    qtbot: Any, window: MainWindow, base: str
) -> None:
    set_request(window, "GET", base + "/status/500")
    send(qtbot, window)
    assert text(window, "statusLabel") == "500 INTERNAL SERVER ERROR"
    assert child(window, "errorPanel").isVisible()
    assert text(window, "errorHintLabel")
    assert "correlation" not in text(window, "errorHintLabel")
    assert not child(window, "correlationIdLabel").isVisible()


def test_following_redirect_2_shows_the_chain_and_ends_200(
    qtbot: Any, window: MainWindow, base: str
) -> None:
    set_request(window, "GET", base + "/redirect/2")
    check = child(window, "followRedirectsCheck")
    assert not check.isChecked()
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    assert check.isChecked()
    send(qtbot, window)
    assert text(window, "statusLabel") == "200 OK"
    assert text(window, "responseMessageLabel") == (
        "Followed 2 redirects: 302 → /relative-redirect/1, 302 → /get."
    )
    assert tree_rows(window)["url"] == f'"{base}/get"'


def test_raw_of_utf8_text_is_the_bytes_received(qtbot: Any, window: MainWindow, base: str) -> None:
    set_request(window, "GET", base + "/encoding/utf8")
    send(qtbot, window)
    assert text(window, "statusLabel") == "200 OK"
    pane = window.response_pane
    assert pane.tabs.currentIndex() == pane.RAW_TAB
    # Not JSON: no Pretty view to switch to, Raw is the only one.
    assert not child(window, "prettyRawToggle").isVisible()
    received = fetch(base + "/encoding/utf8")
    assert raw_text(window) == received.decode("utf-8")
    assert raw_text(window).encode("utf-8") == received
    assert text(window, "responseMessageLabel") == ""


def test_the_request_tab_shows_every_header_httpbin_received(
    qtbot: Any, window: MainWindow, base: str
) -> None:
    body = '{"amount": "10.12", "payer": "Zoë"}'
    set_request(window, "POST", base + "/anything", body)
    send(qtbot, window)
    assert text(window, "statusLabel") == "200 OK"
    pretty_off(qtbot, window)
    raw = raw_text(window)
    # Raw is the JSON as httpbin wrote it: its escapes and its final newline kept.
    assert '"payer": "Zo\\u00eb"' in raw and raw.endswith("}\n")
    echoed = json.loads(raw)
    assert echoed["data"] == body
    received = {name.lower(): value for name, value in echoed["headers"].items()}
    sent_view: QPlainTextEdit = child(window, "sentRequestView")
    first, *header_lines = sent_view.toPlainText().split("\n\n", 1)[0].split("\n")
    assert first == f"POST {base}/anything"
    shown = dict(line.split(": ", 1) for line in header_lines)
    assert {name.lower(): value for name, value in shown.items()} == received
    assert received["content-length"] == str(len(body.encode()))
    assert {"host", "accept", "accept-encoding", "content-type"} <= set(received)

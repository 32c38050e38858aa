"""Issue 11, defect 8, through the real window: no line of the response pane or the error
panel says what another says, for every error request of the sample collection against the
real demo API, a 304, and a server that answers only "100 Continue"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.resources import sample_collection
from app.ui.main_window import MainWindow
from tests.e2e.conftest import child
from tests.e2e.test_send_and_read import TIMEOUT_MS, send, set_request, text
from tests.raw_server import one_reply_servers
from tests.said_once import pane_lines, repetitions


def _error_requests() -> list[str]:
    folder = sample_collection() / "errors"
    return sorted(
        f"errors/{entry.name}" for entry in folder.iterdir() if entry.name.endswith(".request.yaml")
    )


def _asserted_status(path: str) -> int:
    saved = yaml.safe_load((sample_collection() / path).read_text(encoding="utf-8"))
    return next(int(check["status"]) for check in saved["assert"] if "status" in check)


def _everything_said(window: MainWindow) -> str:
    return "\n".join(pane_lines(window.response_pane).values())


def test_the_sample_collection_has_the_error_requests_the_reviewer_sent() -> None:
    names = {Path(path).name.removesuffix(".request.yaml") for path in _error_requests()}
    assert {"method-not-allowed", "empty-error", "proxy-error"} <= names


@pytest.mark.parametrize("path", _error_requests())
def test_each_sample_error_is_said_once(qtbot: Any, window: MainWindow, path: str) -> None:
    window.sidebar.open_request(Path(path))
    tab = window.active_tab()
    assert tab is not None and tab.source == path
    send(qtbot, window)
    assert text(window, "statusLabel").startswith(f"{_asserted_status(path)} ")
    assert child(window, "errorPanel").isVisible()
    lines = pane_lines(window.response_pane)
    assert repetitions(lines) == [], lines


def test_a_405_says_check_the_http_method_once(qtbot: Any, window: MainWindow) -> None:
    window.sidebar.open_request(Path("errors/method-not-allowed.request.yaml"))
    send(qtbot, window)
    said = _everything_said(window).lower()
    assert said.count("check the http method") == 1
    assert "check the HTTP method" in text(window, "errorMismatchLabel")


def test_an_empty_503_says_once_that_the_body_is_empty(qtbot: Any, window: MainWindow) -> None:
    window.sidebar.open_request(Path("errors/empty-error.request.yaml"))
    send(qtbot, window)
    assert text(window, "responseMessageLabel") == ""  # was "The response has no body."
    assert text(window, "errorNoObjectLabel") == (
        "The server sent an empty body, not an error object."
    )
    assert not child(window, "errorCodeLabel").isVisible()  # was "503 Service Unavailable"


def test_a_proxy_page_names_the_proxy_once(qtbot: Any, window: MainWindow) -> None:
    window.sidebar.open_request(Path("errors/proxy-error.request.yaml"))
    send(qtbot, window)
    assert text(window, "errorNoObjectLabel") == (
        "The server sent an HTML page, not an error object."
    )
    assert "proxy or gateway" in text(window, "errorHintLabel")
    assert _everything_said(window).lower().count("proxy") == 1


@pytest.fixture
def answer_once() -> Iterator[Any]:
    """A server on 127.0.0.1 that reads one request, writes the bytes given and closes; its
    base URL."""
    with one_reply_servers() as start:
        yield start


def test_a_304_says_once_that_no_body_came(
    qtbot: Any, window: MainWindow, answer_once: Any
) -> None:
    base = answer_once(b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n')
    set_request(window, "GET", f"{base}/payments/10145")
    send(qtbot, window)
    assert text(window, "statusLabel") == "304 Not Modified"
    # Was "… so no body came. The response has no body."
    assert text(window, "responseMessageLabel") == (
        "The resource has not changed since the version the request named, so no body came."
    )
    assert not child(window, "errorPanel").isVisible()


def test_only_100_continue_is_one_sentence_not_a_dropped_connection(
    qtbot: Any, window: MainWindow, answer_once: Any
) -> None:
    base = answer_once(b"HTTP/1.1 100 Continue\r\n\r\n")
    set_request(window, "GET", f"{base}/payments")
    with qtbot.waitSignal(window.sends.finished, timeout=TIMEOUT_MS):
        child(window, "sendButton").click()
    assert text(window, "statusLabel") == "No response"
    message = text(window, "responseMessageLabel")
    where = base.removeprefix("http://")
    assert message == (
        f"The server at {where} answered only 100 Continue, an informational (1xx) answer "
        "that promises a final response, then closed the connection without sending one."
    )
    assert repetitions(pane_lines(window.response_pane)) == []

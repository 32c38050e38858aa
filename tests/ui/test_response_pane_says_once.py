"""The response pane says each thing once (issue 11, defect 8): over every status class, with
and without an error object, an empty or non-empty body, a known or unknown code, no line of
the status, the message or the error panel repeats another."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from app.core.errors import CATALOGUE
from app.core.exchange import Exchange, read_exchange
from app.core.outcome import FailureKind, TransportFailure
from app.core.prepare import PreparedRequest
from app.core.response import ResponseData, reason_phrase
from app.ui.response_pane import ResponsePane
from tests.said_once import pane_lines, repetitions

URL = "http://127.0.0.1:8080/rest/v1/payments/5"
REQUEST = PreparedRequest("GET", URL, (("Accept", "application/json"),), b"", 30.0)
JSON = (("Content-Type", "application/json"),)
HTML = (("Content-Type", "text/html"),)
CORRELATION = (("paysera-correlation-id", "8dcd34c5-812a-44a4-91d9-0aa3354cfe4c"),)

# Bodies by name; "CODE" becomes the code the catalogue documents for the status.
BODIES: dict[str, tuple[tuple[tuple[str, str], ...], bytes]] = {
    "empty": ((), b""),
    "known code": (JSON, b'{"error": "CODE"}'),
    "known code, description": (JSON, b'{"error": "CODE", "error_description": "It failed."}'),
    "known code, method description": (
        JSON,
        b'{"error": "CODE", "error_description": "Provided method not allowed for this url"}',
    ),
    "unknown code": (JSON, b'{"error": "weird_code"}'),
    "unknown code, description": (
        JSON,
        b'{"error": "weird_code", "error_description": "Something went wrong"}',
    ),
    "object without code": (JSON, b'{"error_description": "Missing amount", "a": 1}'),
    "array": (JSON, b"[1, 2]"),
    "declared JSON that does not parse": (JSON, b'{"a": '),
    "JSON lines": ((("Content-Type", "application/x-ndjson"),), b'{"a": 1}\n{"a": 2}\n'),
    "HTML page": (HTML, b"<html><body><h1>Bad Gateway</h1>nginx</body></html>"),
    "plain text": ((("Content-Type", "text/plain"),), b"Something broke"),
    "text that does not decode": ((("Content-Type", "text/plain; charset=utf-8"),), b"caf\xe9"),
    "binary": ((("Content-Type", "application/octet-stream"),), b"\x00\x01\x02\x03" * 16),
}

# Each class, the statuses with their own explanation and the edges around them.
STATUSES = [
    *(100, 101, 103),
    *(200, 201, 204),
    *(301, 302, 304, 307),
    *(400, 401, 403, 404, 405, 406, 409, 418, 422, 429),
    *(500, 502, 503, 504, 599),
    *(0, 700),
]
# The first code the catalogue documents with each status (invalid_request for 400).
_DOCUMENTED = {info.status: info.code for info in reversed(list(CATALOGUE.values())) if info.status}


def _exchange(status: int, body: bytes, headers: tuple[tuple[str, str], ...] = ()) -> Exchange:
    response = ResponseData(status, reason_phrase(status), headers, body, 3.2, URL)
    return read_exchange(REQUEST, response)


@pytest.fixture
def pane(qtbot: Any) -> ResponsePane:
    widget = ResponsePane()
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    return widget


@pytest.mark.parametrize("status", STATUSES)
def test_no_line_repeats_another_whatever_the_status_and_body(
    pane: ResponsePane, status: int
) -> None:
    code = _DOCUMENTED.get(status, "invalid_request")
    seen = 0
    for name, (headers, body) in BODIES.items():
        for extra in ((), CORRELATION):
            location = (("Location", "/rest/v1/payments/6"),) if status in (301, 302, 307) else ()
            sent = body.replace(b"CODE", code.encode())
            pane.show_exchange(_exchange(status, sent, headers + extra + location))
            lines = pane_lines(pane)
            assert repetitions(lines) == [], (name, extra, lines)
            seen += len(lines) > 1
    assert seen  # something beside the status was said at all


def test_a_304_says_once_that_no_body_came(pane: ResponsePane) -> None:
    pane.show_exchange(_exchange(304, b""))
    # Was "… so no body came. The response has no body."
    assert pane.message_label.text() == (
        "The resource has not changed since the version the request named, so no body came."
    )
    assert pane.error_panel.isHidden()


def test_an_empty_error_body_is_described_once_in_the_panel(pane: ResponsePane) -> None:
    pane.show_exchange(_exchange(503, b"", CORRELATION))
    # Was "The response has no body." here and "The server sent an empty body, …" below.
    assert pane.message_label.text() == ""
    panel = pane.error_panel
    assert panel.no_object_label.text() == "The server sent an empty body, not an error object."
    assert panel.code_label.isHidden()  # it said "503 Service Unavailable" again


def test_an_empty_success_still_says_it_has_no_body(pane: ResponsePane) -> None:
    pane.show_exchange(_exchange(200, b""))
    assert pane.message_label.text() == "The response has no body."


def test_declared_json_that_does_not_parse_is_described_once(pane: ResponsePane) -> None:
    pane.show_exchange(_exchange(401, b'{"a": ', JSON))
    assert "declared as JSON but is not valid JSON" in pane.message_label.text()
    assert pane.error_panel.no_object_label.isHidden()
    assert pane.error_panel.hint_label.text().startswith("The request carried no valid credentials")


def test_an_informational_response_is_explained_once(pane: ResponsePane) -> None:
    # A 101 is a final answer to httpx; other 1xx come back from history and imported HAR.
    for status in (100, 101, 103):
        pane.show_exchange(_exchange(status, b""))
        message = pane.message_label.text()
        assert message.count("interim answer") == 1
        assert repetitions(pane_lines(pane)) == []
        assert pane.error_panel.isHidden()


def test_a_redirect_that_was_not_followed_is_explained_by_why_not(pane: ResponsePane) -> None:
    exchange = _exchange(302, b"", (("Location", "ftp://files.example/x"),))
    stop = (
        'Not followed: the server redirected to a "ftp:" URL; only http and https redirects '
        "are followed."
    )
    pane.show_exchange(dataclasses.replace(exchange, redirect_stop=stop))
    # The status's "… at the URL in the Location header. Location: ftp://…" said it again.
    assert pane.message_label.text() == f"{stop} The response has no body."
    assert repetitions(pane_lines(pane)) == []


def test_an_informational_answer_without_a_final_response_is_one_sentence(
    pane: ResponsePane,
) -> None:
    message = (
        "The server at 127.0.0.1:8080 answered only 100 Continue, an informational (1xx) "
        "answer that promises a final response, then closed the connection without sending one."
    )
    pane.show_failure(TransportFailure(FailureKind.OTHER, message))
    assert pane.status_label.text() == "No response"
    assert pane.message_label.text() == message
    assert pane.error_panel.isHidden()


def test_the_checker_finds_what_issue_11_reported() -> None:
    # The texts the reviewer found, as the pane showed them before the fix.
    method = {
        "statusLabel": "405 Method Not Allowed",
        "errorCodeLabel": "not_found",
        "errorMismatchLabel": 'The code "not_found" is documented with status 404, but the '
        "server answered 405. Paysera APIs report a method the URL does not allow as "
        "not_found, so check the HTTP method.",
        "errorHintLabel": "The resource was not found. Check the path and the IDs in it. A "
        "method the URL does not allow also comes back as not_found, so check the HTTP "
        "method too.",
    }
    empty = {
        "statusLabel": "503 Service Unavailable",
        "responseMessageLabel": "The response has no body.",
        "errorCodeLabel": "503 Service Unavailable",
        "errorNoObjectLabel": "The server sent an empty body, not an error object.",
    }
    proxy = {
        "statusLabel": "502 Bad Gateway",
        "errorNoObjectLabel": "The server sent an HTML page, not an error object: probably a "
        "proxy or gateway answered.",
        "errorHintLabel": "A proxy or gateway in front of the API got no valid answer.",
    }
    not_modified = {
        "statusLabel": "304 Not Modified",
        "responseMessageLabel": "The resource has not changed since the version the request "
        "named, so no body came. The response has no body.",
    }
    for lines in (method, empty, proxy, not_modified):
        assert repetitions(lines), lines
    assert repetitions({"statusLabel": "200 OK", "responseMessageLabel": "JSON lines: 2."}) == []


def test_bodies_cover_every_kind_the_panel_describes() -> None:
    notes = set()
    for headers, body in BODIES.values():
        error = _exchange(400, body.replace(b"CODE", b"invalid_request"), headers).error
        assert error is not None
        notes.add((error.code is not None, error.no_error_object))
    # Known and unknown codes, and each of the panel's notes about a body that is none.
    assert len(notes) >= 9

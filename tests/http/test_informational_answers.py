"""A server that answers only with an informational status (1xx) and no final response is
told in one sentence, not called a dropped connection (issue 11, defect 8)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import pytest

from app.core.outcome import FailureKind
from app.core.prepare import PreparedRequest
from app.core.response import ResponseData
from app.http.client import HttpClient, SendFailed
from tests.http.test_httpbin import httpbin_server
from tests.raw_server import one_reply_servers

Serve = Callable[[bytes], str]


def _send(url: str) -> ResponseData:
    async def go() -> ResponseData:
        client = HttpClient()
        try:
            return await client.send(PreparedRequest("GET", url, (), b"", 5.0))
        finally:
            await client.aclose()

    return asyncio.run(go())


def _failure_of(url: str) -> tuple[FailureKind, str]:
    with pytest.raises(SendFailed) as caught:
        _send(url)
    return caught.value.failure.kind, caught.value.failure.message


@pytest.fixture
def serve() -> Iterator[Serve]:
    """A server that reads one request, writes ``reply`` and closes; its URL."""
    with one_reply_servers() as start:
        yield lambda reply: start(reply) + "/x"


def _sentences(text: str) -> int:
    return text.count(". ") + text.count("; ") + 1


@pytest.mark.parametrize(
    ("reply", "status"),
    [
        (b"HTTP/1.1 100 Continue\r\n\r\n", "100 Continue"),
        (b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n", "103 Early Hints"),
        (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n", "102 Processing"),
        (b"HTTP/1.1 100 \r\n\r\n", "100 Continue"),  # no reason: the standard one
    ],
)
def test_only_an_informational_answer_is_one_sentence_naming_it(
    serve: Serve, reply: bytes, status: str
) -> None:
    url = serve(reply)
    kind, message = _failure_of(url)
    port = url.split(":")[2].split("/")[0]
    # Was "The connection to 127.0.0.1:… was dropped before the whole response arrived. …"
    assert message == (
        f"The server at 127.0.0.1:{port} answered only {status}, an informational (1xx) answer "
        "that promises a final response, then closed the connection without sending one."
    )
    assert kind is FailureKind.OTHER
    assert "dropped" not in message and _sentences(message) == 1


def test_nothing_at_all_is_still_a_dropped_connection(serve: Serve) -> None:
    kind, message = _failure_of(serve(b""))
    assert kind is FailureKind.DROPPED and "dropped" in message


def test_an_informational_answer_then_a_cut_body_is_a_dropped_connection(serve: Serve) -> None:
    reply = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc"
    kind, message = _failure_of(serve(reply))
    assert kind is FailureKind.DROPPED and "informational" not in message


def test_an_informational_answer_then_the_final_one_is_the_response(serve: Serve) -> None:
    reply = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    response = _send(serve(reply))
    assert (response.status, response.body) == (200, b"ok")


@pytest.mark.parametrize(("path", "status"), [("100", "100 CONTINUE"), ("103", "103 EARLY HINTS")])
def test_httpbin_status_1xx_is_an_informational_answer_without_a_final_one(
    path: str, status: str
) -> None:
    with httpbin_server() as base:
        kind, message = _failure_of(f"{base}/status/{path}")
    assert kind is FailureKind.OTHER
    assert f"answered only {status}, an informational (1xx) answer" in message
    assert _sentences(message) == 1

"""Hostile responses from a real server on 127.0.0.1: each is shown or refused with a
sentence, never a traceback, and never costs more memory than the body ceiling."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from app.core.collection import SavedRequest
from app.services.pipeline import Outcome, OutcomeKind, Pipeline
from app.services.workspace import Workspace

Serve = Callable[[bytes], str]


def _read_head(conn: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Starts a server that answers one request with ``reply`` (raw bytes); its base URL."""
    listeners: list[socket.socket] = []

    def start(reply: bytes) -> str:
        listener = socket.create_server(("127.0.0.1", 0))
        listeners.append(listener)

        def run() -> None:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                _read_head(conn)
                # The client may stop reading early, as it should for some replies.
                with contextlib.suppress(OSError):
                    conn.sendall(reply)

        threading.Thread(target=run, daemon=True).start()
        return f"http://127.0.0.1:{listener.getsockname()[1]}"

    yield start
    for listener in listeners:
        listener.close()


def _run(url: str) -> Outcome:
    pipeline = Pipeline(Workspace())

    async def main() -> Outcome:
        try:
            return await pipeline.run(SavedRequest("Get", url=url), timeout_seconds=10)
        finally:
            await pipeline.aclose()

    return asyncio.run(main())


@pytest.mark.parametrize(
    "location",
    [b"javascript:alert(1)", b"http://[::1", b"//evil.example/x", b"", b"data:text/html,<b>x</b>"],
)
def test_a_redirect_to_anything_is_shown_like_any_other_response(
    serve: Serve, location: bytes
) -> None:
    # httpx's client built the redirect's next request even when not following it, and a
    # javascript: Location raised InvalidURL there: "please report it" and a traceback.
    url = serve(
        b"HTTP/1.1 302 Found\r\nLocation: " + location + b"\r\nContent-Length: 5\r\n\r\nmoved"
    )
    outcome = _run(f"{url}/go")
    assert outcome.kind is OutcomeKind.RESPONDED, outcome.message
    assert outcome.exchange is not None
    response = outcome.exchange.response
    assert (response.status, response.reason) == (302, "Found")
    assert response.header("Location") == location.decode()
    assert response.body == b"moved"

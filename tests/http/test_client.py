"""HttpClient against real sockets on 127.0.0.1 (and MockTransport only for DNS)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from app.core.outcome import FailureKind
from app.core.prepare import PreparedRequest
from app.http._network import AsyncioBackend
from app.http.client import HttpClient, SendFailed


def _request(url: str, *, timeout: float = 5.0, body: bytes = b"") -> PreparedRequest:
    return PreparedRequest("GET", url, (("Accept", "application/json"),), body, timeout)


def _send(request: PreparedRequest, client: HttpClient | None = None) -> Any:
    async def go() -> Any:
        owned = client or HttpClient()
        try:
            return await owned.send(request)
        finally:
            await owned.aclose()

    return asyncio.run(go())


StartServer = Callable[[Callable[[socket.socket], object]], int]


@pytest.fixture
def raw_server() -> Iterator[StartServer]:
    """Starts a one-connection TCP server running ``handler``; returns its port."""
    sockets: list[socket.socket] = []

    def start(handler: Callable[[socket.socket], object]) -> int:
        listener = socket.create_server(("127.0.0.1", 0))
        sockets.append(listener)

        def serve() -> None:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                handler(conn)

        threading.Thread(target=serve, daemon=True).start()
        return int(listener.getsockname()[1])

    yield start
    for listener in sockets:
        listener.close()


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def test_response_keeps_status_headers_and_exact_body(raw_server: StartServer) -> None:
    seen: list[bytes] = []

    def handler(conn: socket.socket) -> None:
        seen.append(_read_request(conn))
        body = b'{"amount": 10.10}'
        conn.sendall(
            b"HTTP/1.1 418 I'm a teapot\r\nContent-Type: application/json\r\n"
            b"Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )

    port = raw_server(handler)
    response = _send(_request(f"http://127.0.0.1:{port}/x?q=a%20b"))
    assert response.status == 418
    assert response.reason == "I'm a teapot"
    assert response.body == b'{"amount": 10.10}'
    assert [v for k, v in response.headers if k.lower() == "set-cookie"] == ["a=1", "b=2"]
    assert response.elapsed_ms > 0
    assert seen[0].startswith(b"GET /x?q=a%20b HTTP/1.1\r\n")
    assert b"user-agent: python-httpx" not in seen[0].lower()


def test_connection_refused_is_one_sentence() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    with pytest.raises(SendFailed) as caught:
        _send(_request(f"http://127.0.0.1:{port}/"))
    assert caught.value.failure.kind is FailureKind.CONNECTION_REFUSED
    assert f"127.0.0.1:{port} was refused" in caught.value.failure.message


def test_timeout_names_the_limit(raw_server: StartServer) -> None:
    release = threading.Event()
    port = raw_server(lambda conn: release.wait(5))
    try:
        with pytest.raises(SendFailed) as caught:
            _send(_request(f"http://127.0.0.1:{port}/", timeout=0.3))
    finally:
        release.set()
    assert caught.value.failure.kind is FailureKind.TIMEOUT
    assert "0.3 seconds" in caught.value.failure.message


def test_connection_dropped_mid_body(raw_server: StartServer) -> None:
    def handler(conn: socket.socket) -> None:
        _read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789")

    port = raw_server(handler)
    with pytest.raises(SendFailed) as caught:
        _send(_request(f"http://127.0.0.1:{port}/"))
    assert caught.value.failure.kind is FailureKind.DROPPED
    assert "dropped before the whole response arrived" in caught.value.failure.message


def test_tls_to_a_plain_http_port_names_tls(raw_server: StartServer) -> None:
    def handler(conn: socket.socket) -> None:
        conn.recv(1024)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    port = raw_server(handler)
    with pytest.raises(SendFailed) as caught:
        _send(_request(f"https://127.0.0.1:{port}/"))
    assert caught.value.failure.kind is FailureKind.TLS
    assert "secure connection" in caught.value.failure.message


def test_dns_failure_names_the_host() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        try:
            raise socket.gaierror(-2, "Name or service not known")
        except socket.gaierror as exc:
            raise httpx.ConnectError("[Errno -2] Name or service not known") from exc

    client = HttpClient(transport=httpx.MockTransport(fail))
    with pytest.raises(SendFailed) as caught:
        _send(_request("https://no-such-host.invalid/x"), client)
    assert caught.value.failure.kind is FailureKind.DNS
    assert '"no-such-host.invalid" could not be found' in caught.value.failure.message


def test_body_bytes_go_out_unchanged() -> None:
    seen: list[bytes] = []

    def echo(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        return httpx.Response(200, content=b"{}")

    body = '{"a": "ą", "n": 10.10}'.encode()
    _send(
        PreparedRequest("POST", "https://h/x", (("Content-Type", "x"),), body, 5),
        HttpClient(transport=httpx.MockTransport(echo)),
    )
    assert seen == [body]


def test_timeout_bounds_the_whole_exchange_not_each_read(raw_server: StartServer) -> None:
    stop = threading.Event()

    def drip(conn: socket.socket) -> None:
        _read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        while not stop.wait(0.05):
            try:
                conn.sendall(b"x")
            except OSError:
                return

    port = raw_server(drip)
    started = time.perf_counter()
    try:
        with pytest.raises(SendFailed) as caught:
            _send(_request(f"http://127.0.0.1:{port}/", timeout=1))
    finally:
        stop.set()
    assert caught.value.failure.kind is FailureKind.TIMEOUT
    assert "within 1 second." in caught.value.failure.message
    assert time.perf_counter() - started < 5


def test_a_host_name_httpx_cannot_encode_is_an_invalid_url_not_a_crash() -> None:
    with pytest.raises(SendFailed) as caught:
        _send(_request("http://xn--/"))
    assert caught.value.failure.kind is FailureKind.INVALID_URL
    assert "Check the URL" in caught.value.failure.message


def _read_body(conn: socket.socket, head: bytes) -> bytes:
    """The body of a request whose head (up to the blank line, maybe more) is ``head``."""
    header_block, _, body = head.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in header_block.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = conn.recv(1 << 20)
        if not chunk:
            break
        body += chunk
    return body


def test_connections_are_made_by_the_asyncio_backend(
    raw_server: StartServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[object] = []
    connect = AsyncioBackend.connect_tcp

    async def spy(self: AsyncioBackend, *args: Any, **kwargs: Any) -> Any:
        stream = await connect(self, *args, **kwargs)
        made.append(stream)
        return stream

    monkeypatch.setattr(AsyncioBackend, "connect_tcp", spy)

    def handler(conn: socket.socket) -> None:
        _read_request(conn)
        conn.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")

    port = raw_server(handler)
    assert _send(_request(f"http://127.0.0.1:{port}/")).status == 204
    assert len(made) == 1


def test_a_big_body_arrives_whole_in_both_directions(raw_server: StartServer) -> None:
    # Bigger than what the connection buffers before it stops reading (and than what the
    # socket takes before writing must wait), so both kinds of flow control take turns.
    upload = bytes(range(256)) * (16 * 1024)
    download = bytes(reversed(range(256))) * (24 * 1024)
    received: list[bytes] = []

    def handler(conn: socket.socket) -> None:
        received.append(_read_body(conn, _read_request(conn)))
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Length: " + str(len(download)).encode() + b"\r\n\r\n"
        )
        view = memoryview(download)
        for start in range(0, len(view), 1 << 16):
            conn.sendall(view[start : start + (1 << 16)])

    port = raw_server(handler)
    response = _send(_request(f"http://127.0.0.1:{port}/", body=upload))
    assert received == [upload]
    assert response.body == download


def test_credentials_in_the_url_are_sent_as_basic_auth(raw_server: StartServer) -> None:
    seen: list[bytes] = []

    def handler(conn: socket.socket) -> None:
        seen.append(_read_request(conn))
        conn.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")

    port = raw_server(handler)
    _send(_request(f"http://me:s%40cret@127.0.0.1:{port}/"))
    head = seen[0].decode("latin-1")
    assert head.startswith("GET / HTTP/1.1\r\n")
    assert "Authorization: Basic bWU6c0BjcmV0\r\n" in head  # me:s@cret
    assert "me:" not in head.split("Authorization")[0]

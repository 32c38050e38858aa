"""The asyncio network backend on its own, against sockets on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
from collections.abc import Callable, Iterator

import httpcore
import pytest

from app.http import _network
from app.http._network import AsyncioBackend

Serve = Callable[[Callable[[socket.socket], object]], int]


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Runs ``handler`` on the first connection to a new port; returns the port."""
    listeners: list[socket.socket] = []

    def start(handler: Callable[[socket.socket], object]) -> int:
        listener = socket.create_server(("127.0.0.1", 0))
        listeners.append(listener)

        def accept() -> None:
            conn, _ = listener.accept()
            with conn:
                handler(conn)

        threading.Thread(target=accept, daemon=True).start()
        return int(listener.getsockname()[1])

    yield start
    for listener in listeners:
        listener.close()


def test_reading_stops_while_much_waits_unread_and_nothing_is_lost(serve: Serve) -> None:
    payload = bytes(range(256)) * (3 * _network._PAUSE_READING_BYTES // 256)
    port = serve(lambda conn: conn.sendall(payload))

    async def go() -> tuple[bool, bytes]:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
        await asyncio.sleep(0.2)  # the server sends it all while nobody reads
        paused = not stream._transport.is_reading()  # type: ignore[attr-defined]
        data = bytearray()
        while len(data) < len(payload):
            chunk = await stream.read(65536, timeout=5)
            assert chunk
            data += chunk
        assert await stream.read(65536, timeout=5) == b""  # then the server's end
        await stream.aclose()
        return paused, bytes(data)

    paused, data = asyncio.run(go())
    assert paused
    assert data == payload


def test_a_read_waits_at_most_its_timeout(serve: Serve) -> None:
    release = threading.Event()
    port = serve(lambda conn: release.wait(5))

    async def go() -> None:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
        try:
            with pytest.raises(httpcore.ReadTimeout):
                await stream.read(1024, timeout=0.1)
        finally:
            await stream.aclose()

    try:
        asyncio.run(go())
    finally:
        release.set()


def test_a_reset_is_a_read_error_that_still_names_its_cause(serve: Serve) -> None:
    def reset(conn: socket.socket) -> None:
        conn.recv(1024)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    port = serve(reset)

    async def go() -> BaseException:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
        await stream.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", timeout=5)
        with pytest.raises(httpcore.ReadError) as caught:
            await stream.read(1024, timeout=5)
        await stream.aclose()
        return caught.value

    error = asyncio.run(go())
    # httpcore's pool re-raises "from None", which drops __cause__: the context must stay.
    assert isinstance(error.__context__, ConnectionResetError)


def test_a_refused_connection_is_a_connect_error_caused_by_the_refusal() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]

    async def go() -> BaseException:
        with pytest.raises(httpcore.ConnectError) as caught:
            await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
        return caught.value

    error = asyncio.run(go())
    assert isinstance(error.__context__, ConnectionRefusedError)

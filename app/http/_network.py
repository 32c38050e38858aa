"""An httpcore network backend on asyncio's own transports, without anyio's streams.

httpcore talks to the network through ``AsyncNetworkBackend.connect_tcp`` and the
``AsyncNetworkStream`` it returns (``read``, ``write``, ``start_tls``, ``aclose``,
``get_extra_info``). Its default for asyncio goes through anyio, which wraps every read and
write in a cancel scope and a deadline and yields to the loop once more each time. Here a
plain ``asyncio.Protocol`` collects what arrives, and a read that finds data waiting returns
it without touching the loop. Measured on loopback, a small GET on a keep-alive connection
through httpx's transport: 0.62 ms of CPU with anyio's streams, 0.44 ms with these (sync
httpx: 0.44 ms), which is most of what kept ``api-explorer run`` behind a plain httpx
script (``bench/runner_vs_httpx.py``). Connections are only TCP (no Unix sockets), and one
coroutine reads or writes a connection at a time, as HTTP/1.1 does.

Errors are httpcore's, as the default backend raises them, with the ``OSError`` or
``ssl.SSLError`` that caused them chained: ``ConnectError``/``ConnectTimeout`` while
connecting or during the TLS handshake, ``ReadError``/``ReadTimeout`` and
``WriteError``/``WriteTimeout`` afterwards. httpx turns them into its own exceptions and
``app.http._failures`` into a sentence.
"""

from __future__ import annotations

import asyncio
import collections
import select
import ssl
import sys
from collections.abc import Iterable
from typing import Any

import httpcore
from httpcore import AsyncNetworkBackend, AsyncNetworkStream

__all__ = ["AsyncioBackend"]

# Past this much unread data the socket stops being read until the reader catches up, so a
# huge body that nobody consumes fast is not pulled into memory at the network's pace.
_PAUSE_READING_BYTES = 1024 * 1024
# Delay before trying a host's next address when it has several (IPv6 and IPv4), as
# anyio's connect_tcp does (RFC 8305 "Happy Eyeballs").
_HAPPY_EYEBALLS_SECONDS = 0.25


class _Protocol(asyncio.Protocol):
    """Keeps what arrives until it is read; wakes the one reader or writer that waits."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.chunks: collections.deque[bytes] = collections.deque()
        self.size = 0
        self.eof = False
        self.closed = False
        self.error: BaseException | None = None
        self.reading_paused = False
        self.writing_paused = False
        self._waiter: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)
        self.size += len(data)
        if self.size > _PAUSE_READING_BYTES and not self.reading_paused:
            assert self.transport is not None
            self.transport.pause_reading()
            self.reading_paused = True
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False  # the transport closes itself; nothing more will be written either

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = self.closed = True
        self.error = exc
        self._wake()

    def pause_writing(self) -> None:
        self.writing_paused = True

    def resume_writing(self) -> None:
        self.writing_paused = False
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def wait(self, timeout: float | None) -> None:
        """Until something arrives, the connection ends or writing may go on; raises
        ``TimeoutError`` after ``timeout`` seconds (``None``: no limit)."""
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            async with asyncio.timeout(timeout):
                await self._waiter
        finally:
            self._waiter = None

    def take(self, max_bytes: int) -> bytes:
        data = self.chunks.popleft()
        if len(data) > max_bytes:
            self.chunks.appendleft(data[max_bytes:])
            data = data[:max_bytes]
        self.size -= len(data)
        if self.reading_paused and self.size <= _PAUSE_READING_BYTES // 2:
            assert self.transport is not None
            self.reading_paused = False
            self.transport.resume_reading()
        return data


def _caused_by(error: Exception, cause: BaseException | None) -> Exception:
    """``error`` with ``cause`` chained as both its cause and its context: httpcore's pool
    re-raises with ``from None``, which drops the cause, and ``app.http._failures`` finds a
    TLS alert or a reset only by walking the chain."""
    error.__cause__ = error.__context__ = cause
    return error


class _Stream(AsyncNetworkStream):
    """One connection, plain or TLS, as httpcore reads and writes it."""

    def __init__(self, transport: asyncio.Transport, protocol: _Protocol) -> None:
        self._transport = transport
        self._protocol = protocol

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        protocol = self._protocol
        if not protocol.chunks and not protocol.eof:
            try:
                await protocol.wait(timeout)
            except TimeoutError:
                raise httpcore.ReadTimeout("timed out") from None
        if protocol.chunks:
            return protocol.take(max_bytes)
        if protocol.error is not None:
            raise _caused_by(httpcore.ReadError(str(protocol.error)), protocol.error)
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        protocol = self._protocol
        if protocol.closed or self._transport.is_closing():
            raise _caused_by(httpcore.WriteError("the connection is closed"), protocol.error)
        self._transport.write(buffer)
        while protocol.writing_paused and not protocol.closed:
            try:
                await protocol.wait(timeout)
            except TimeoutError:
                raise httpcore.WriteTimeout("timed out") from None
        if protocol.closed and protocol.error is not None:
            raise _caused_by(httpcore.WriteError(str(protocol.error)), protocol.error)

    async def aclose(self) -> None:
        # Like the default backend: no TLS close_notify, nothing lingers. The socket is
        # closed by the loop's next turn, which the sleep lets happen.
        self._transport.abort()
        await asyncio.sleep(0)

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport = await loop.start_tls(
                    self._transport, self._protocol, ssl_context, server_hostname=server_hostname
                )
        except TimeoutError:
            self._transport.abort()
            raise httpcore.ConnectTimeout("timed out") from None
        except OSError as exc:  # ssl.SSLError included
            self._transport.abort()
            raise httpcore.ConnectError(str(exc)) from exc
        if transport is None:  # the connection ended during the handshake
            raise httpcore.ConnectError("the connection was closed during the TLS handshake")
        assert isinstance(transport, asyncio.Transport)
        self._protocol.transport = transport
        return _Stream(transport, self._protocol)

    def get_extra_info(self, info: str) -> Any:
        transport = self._transport
        if info == "ssl_object":
            return transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return transport.get_extra_info("sockname")
        if info == "server_addr":
            return transport.get_extra_info("peername")
        if info == "socket":
            return transport.get_extra_info("socket")
        if info == "is_readable":
            # An idle keep-alive connection with something to read has been closed (or
            # broken) by the server: httpcore then opens a new one.
            protocol = self._protocol
            if protocol.chunks or protocol.eof:
                return True
            # The loop may not have run since the server hung up: ask the socket too.
            sock = transport.get_extra_info("socket")
            return sock is None or _readable_now(sock.fileno())
        return None


def _readable_now(fd: int) -> bool:
    """Whether a ``recv`` on ``fd`` would return at once (data or the end), without reading."""
    if fd < 0:
        return True
    if sys.platform == "win32" or not hasattr(select, "poll"):
        return bool(select.select([fd], [], [], 0)[0])
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


class AsyncioBackend(AsyncNetworkBackend):
    """Connects with ``loop.create_connection`` and reads through a plain protocol."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_connection(
                    _Protocol,
                    host,
                    port,
                    local_addr=(local_address, 0) if local_address else None,
                    happy_eyeballs_delay=_HAPPY_EYEBALLS_SECONDS,
                )
        except TimeoutError:
            raise httpcore.ConnectTimeout("timed out") from None
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        sock = transport.get_extra_info("socket")
        for option in socket_options or ():
            sock.setsockopt(*option)
        return _Stream(transport, protocol)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

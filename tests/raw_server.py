"""A loopback server that answers one request with raw bytes (a status line and headers as
written, even broken ones): the tests of what a hostile or odd server does."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator

__all__ = ["Serve", "one_reply_servers"]

Serve = Callable[..., str]
"""``serve(reply, piece=0)``: a new server's base URL (``http://127.0.0.1:PORT``)."""


def _read_head(conn: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk


@contextlib.contextmanager
def one_reply_servers() -> Iterator[Serve]:
    """Starts servers that each read one request's head and answer with ``reply``, written
    in pieces of ``piece`` bytes a moment apart when given, then close; all are closed when
    the block ends."""
    listeners: list[socket.socket] = []

    def start(reply: bytes, piece: int = 0) -> str:
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
                    step = piece or len(reply) or 1
                    for offset in range(0, len(reply), step):
                        conn.sendall(reply[offset : offset + step])
                        if piece:
                            time.sleep(0.002)

        threading.Thread(target=run, daemon=True).start()
        return f"http://127.0.0.1:{listener.getsockname()[1]}"

    try:
        yield start
    finally:
        for listener in listeners:
            listener.close()

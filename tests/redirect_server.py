"""A loopback HTTP server for redirect tests: each path answers with a status and, for a
redirect, a Location; every request it gets is kept (method, path, headers, body)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    """One request as the server read it."""

    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes


@dataclass
class RedirectServer:
    """``routes`` maps a path to ``(status, location)``; a path not there answers 200 with
    JSON naming the method, path and body it got. ``url(path)`` is the full URL."""

    port: int
    routes: dict[str, tuple[int, str]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def paths(self) -> list[str]:
        return [r.path for r in self.received]


@contextmanager
def redirect_server() -> Iterator[RedirectServer]:
    state = RedirectServer(0)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            state.received.append(Received(self.command, self.path, headers, body))
            route = state.routes.get(self.path)
            if route is not None:
                status, location = route
                payload = b""
                self.send_response_only(status)
                self.send_header("Location", location)
            else:
                payload = json.dumps(
                    {
                        "method": self.command,
                        "path": self.path,
                        "body": body.decode(errors="replace"),
                    }
                ).encode()
                self.send_response_only(200)
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()

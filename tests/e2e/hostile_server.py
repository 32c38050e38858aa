"""A loopback HTTP server that answers each path with a canned hostile response."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Canned:
    """One response: status, headers (in order, repeats allowed) and the exact body bytes."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)
    reason: str = ""


@dataclass
class HostileServer:
    """Serves ``routes`` (path -> Canned) on 127.0.0.1; ``url(path)`` is the full URL."""

    port: int
    routes: dict[str, Canned] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def hostile_server() -> Iterator[HostileServer]:
    routes: dict[str, Canned] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            canned = routes.get(self.path) or Canned(404, b'{"error": "not_found"}')
            self.send_response_only(canned.status, canned.reason or None)
            for name, value in canned.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(canned.body)))
            self.end_headers()
            self.wfile.write(canned.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield HostileServer(server.server_address[1], routes)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)

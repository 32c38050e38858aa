"""Every encoding browsers and curl decode is asked for and decoded: gzip, deflate, br, zstd.
A real server on 127.0.0.1 sends each one."""

from __future__ import annotations

import asyncio
import gzip
import json
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest
import zstandard

from app.core.prepare import prepare_request
from app.core.request import RequestSpec
from app.http.client import HttpClient

BODY = json.dumps({"name": "Zoë", "items": list(range(200))}).encode()
ENCODERS = {
    "gzip": gzip.compress,
    "deflate": zlib.compress,
    "br": brotli.compress,
    "zstd": zstandard.ZstdCompressor().compress,
}
seen_accept: list[str] = []


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        seen_accept.append(self.headers.get("Accept-Encoding", ""))
        encoding = self.path.strip("/")
        payload = ENCODERS[encoding](BODY)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def base_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("encoding", sorted(ENCODERS))
def test_each_encoding_is_asked_for_and_decoded(base_url: str, encoding: str) -> None:
    prepared = prepare_request(RequestSpec("GET", f"{base_url}/{encoding}"))

    async def send() -> bytes:
        client = HttpClient()
        try:
            return (await client.send(prepared)).body
        finally:
            await client.aclose()

    seen_accept.clear()
    assert asyncio.run(send()) == BODY
    assert {"gzip", "deflate", "br", "zstd"} <= {part.strip() for part in seen_accept[0].split(",")}

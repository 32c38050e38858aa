"""Hostile responses from a real server on 127.0.0.1: each is shown or refused with a
sentence, never a traceback, and never costs more memory than the body ceiling."""

from __future__ import annotations

import asyncio
import gzip
import tracemalloc
import zlib
from collections.abc import Iterator

import brotli
import pytest

from app.core.collection import SavedRequest
from app.http import _body
from app.http.client import HttpClient
from app.services.pipeline import Outcome, OutcomeKind, Pipeline
from app.services.workspace import Workspace
from tests.raw_server import Serve, one_reply_servers


@pytest.fixture
def serve() -> Iterator[Serve]:
    with one_reply_servers() as start:
        yield start


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


def _gzip_of_zeros(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(1 << 20)
    parts = [compressor.compress(block) for _ in range(size >> 20)]
    return b"".join(parts) + compressor.flush()


def _encoded_reply(encoding: bytes, payload: bytes) -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: "
        + encoding
        + b"\r\nContent-Length: "
        + str(len(payload)).encode()
        + b"\r\n\r\n"
        + payload
    )


def test_a_gzip_bomb_stops_at_the_ceiling_and_fails_with_a_sentence(serve: Serve) -> None:
    bomb = _gzip_of_zeros(50 << 20)  # 50 MB of zeros in about 50 KB
    assert len(bomb) < 100_000
    url = serve(_encoded_reply(b"gzip", bomb))
    pipeline = Pipeline(Workspace(), client=HttpClient(body_ceiling=2 << 20))

    async def main() -> Outcome:
        try:
            return await pipeline.run(SavedRequest("Get", url=url), timeout_seconds=10)
        finally:
            await pipeline.aclose()

    tracemalloc.start()
    try:
        outcome = asyncio.run(main())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert outcome.kind is OutcomeKind.FAILED
    assert outcome.exchange is None  # nothing goes to the screen or into history
    assert "gzip body expands past 2 MB" in outcome.message
    assert "not read" in outcome.message
    # The ceiling (2 MB), one step past it and the bomb itself: far from 50 MB.
    assert peak < 8 << 20, f"peak {peak / 2**20:.1f} MB"


def test_the_ceiling_is_one_constant_the_client_reads(
    serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_body, "BODY_CEILING_BYTES", 1 << 20)
    url = serve(_encoded_reply(b"gzip", _gzip_of_zeros(4 << 20)))
    outcome = _run(url)
    assert outcome.kind is OutcomeKind.FAILED
    assert "gzip body expands past 1 MB" in outcome.message


def test_a_plain_body_over_the_ceiling_is_not_read_either(serve: Serve) -> None:
    payload = bytes(3 << 20)
    url = serve(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(payload) + payload)
    pipeline = Pipeline(Workspace(), client=HttpClient(body_ceiling=1 << 20))

    async def main() -> Outcome:
        try:
            return await pipeline.run(SavedRequest("Get", url=url), timeout_seconds=10)
        finally:
            await pipeline.aclose()

    outcome = asyncio.run(main())
    assert outcome.kind is OutcomeKind.FAILED
    assert "body is larger than 1 MB" in outcome.message


@pytest.mark.parametrize(
    ("encoding", "payload"),
    [
        (b"gzip", b"\x1f\x8b\x08\x00garbage, not gzip at all"),
        (b"deflate", b"garbage, not deflate at all"),
        (b"br", b"\xff\xff garbage, not brotli"),
        (b"zstd", b"garbage, not zstd"),
    ],
)
def test_a_body_that_is_not_valid_in_its_encoding_names_the_encoding(
    serve: Serve, encoding: bytes, payload: bytes
) -> None:
    outcome = _run(serve(_encoded_reply(encoding, payload)))
    assert outcome.kind is OutcomeKind.FAILED
    name = encoding.decode()
    assert f"declared as {name} (Content-Encoding) but is not valid {name} data" in (
        outcome.message
    )
    assert "JSON" not in outcome.message


def test_an_unknown_encoding_arrives_as_sent_and_says_so(serve: Serve) -> None:
    payload = b'\xfd7zXZ\x00\x00{"a": 1}'
    outcome = _run(serve(_encoded_reply(b"xz", payload)))
    assert outcome.kind is OutcomeKind.RESPONDED, outcome.message
    assert outcome.exchange is not None
    response = outcome.exchange.response
    assert response.body == payload
    assert response.encoding_problem is not None
    assert "encoded as xz (Content-Encoding)" in response.encoding_problem
    assert response.text_problem() == response.encoding_problem


def test_encodings_are_undone_outermost_first(serve: Serve) -> None:
    body = b'{"name": "layers"}'
    payload = brotli.compress(gzip.compress(body))
    outcome = _run(serve(_encoded_reply(b"gzip, br", payload)))
    assert outcome.kind is OutcomeKind.RESPONDED, outcome.message
    assert outcome.exchange is not None
    assert outcome.exchange.response.body == body
    assert outcome.exchange.response.encoding_problem is None


@pytest.mark.parametrize(
    "head",
    [
        b"".join(b"X-Header-%d: value\r\n" % i for i in range(10_000)),
        b"X-Big: " + b"a" * (1 << 20) + b"\r\n",
    ],
    ids=["10,000 headers", "one 1 MB header"],
)
def test_too_many_or_too_large_headers_are_said_so(serve: Serve, head: bytes) -> None:
    # Written in pieces, as a slow server would: h11 sees the head incomplete past its limit.
    url = serve(b"HTTP/1.1 200 OK\r\n" + head + b"Content-Length: 0\r\n\r\n", piece=16384)
    outcome = _run(url)
    assert outcome.kind is OutcomeKind.FAILED
    assert "too many headers, or one too large" in outcome.message
    assert "dropped" not in outcome.message

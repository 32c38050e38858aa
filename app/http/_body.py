"""Reading a response body: decoded by its Content-Encoding, never past a ceiling.

httpx decodes each network chunk whole: 64 KB of gzip can hold 64 MB, and 64 KB of brotli
gigabytes, so a 2 MB gzip body that expands to 2 GB used 6.3 GB before anyone could count.
Here every decoder hands out at most ``_STEP`` bytes at a time (zlib's ``max_length``,
brotli's ``output_buffer_limit``, zstd's ``write_size``), and reading stops as soon as the
decoded body passes the ceiling, so no more than the ceiling is ever held. Between steps
the event loop runs: decoding a 2 MB bomb up to the ceiling froze the window 0.7-1.7 s.

Raises ``BodyTooLarge`` (past the ceiling) and ``BodyNotDecodable`` (the bytes are not
valid in their declared encoding). An encoding no decoder here knows (``xz``) is left as it
came, and ``read_body`` says so in a sentence.
"""

from __future__ import annotations

import asyncio
import io
import zlib
from collections.abc import AsyncIterable, Iterator, Sequence
from typing import IO, NamedTuple, Protocol, cast

import brotli
import zstandard

from app.core.response import Progress
from app.http.spool import SpooledBody, SpoolSettings, SpoolWriter

__all__ = [
    "BODY_CEILING_BYTES",
    "BodyNotDecodable",
    "BodyTooLarge",
    "BodyUnreadable",
    "ReadBody",
    "read_body",
]

BODY_CEILING_BYTES = 512 * 1024 * 1024
"""The most a decoded response body may hold; past it the body is not read."""

# Decoded bytes handed out per step: small enough to stop close to the ceiling, big enough
# that the loop costs nothing next to the decompression.
_STEP = 1 << 20


class BodyUnreadable(Exception):
    """The body arrived but cannot be kept: too large once decoded, or not decodable."""


class BodyTooLarge(BodyUnreadable):
    """The decoded body passed the ceiling; ``encoding`` is ``""`` for a plain body."""

    def __init__(self, encoding: str, ceiling: int) -> None:
        super().__init__(f"body past {ceiling} bytes")
        self.encoding = encoding
        self.ceiling = ceiling


class BodyNotDecodable(BodyUnreadable):
    """The body is not valid ``encoding`` data; ``detail`` is the decoder's complaint."""

    def __init__(self, encoding: str, detail: str) -> None:
        super().__init__(f"not valid {encoding}: {detail}")
        self.encoding = encoding
        self.detail = detail


class _Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...
    def finish(self) -> Iterator[bytes]: ...


class _Zlib:
    """gzip and deflate. "deflate" is meant to be zlib-wrapped, but some servers send raw
    deflate: as httpx and browsers do, a first chunk that is not zlib is read as raw."""

    def __init__(self, wbits: int, *, raw_fallback: bool = False) -> None:
        self._decompressor = zlib.decompressobj(wbits)
        self._raw_fallback = raw_fallback

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._raw_fallback:
            self._raw_fallback = False
            try:
                first = self._decompressor.decompress(data, _STEP)
            except zlib.error:
                self._decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
                first = self._decompressor.decompress(data, _STEP)
            if first:
                yield first
            data = self._decompressor.unconsumed_tail
        while True:
            out = self._decompressor.decompress(data, _STEP)
            data = self._decompressor.unconsumed_tail
            if out:
                yield out
            elif not data:
                return

    def finish(self) -> Iterator[bytes]:
        yield from self.feed(b"")


class _Brotli:
    def __init__(self) -> None:
        self._decompressor = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        decompressor = self._decompressor
        out = decompressor.process(data, output_buffer_limit=_STEP)
        if out:
            yield out
        # With the limit reached, the rest comes out of calls with empty input.
        while not decompressor.can_accept_more_data():
            out = decompressor.process(b"", output_buffer_limit=_STEP)
            if out:
                yield out

    def finish(self) -> Iterator[bytes]:
        return iter(())


class _Pieces:
    """Where zstd writes: the pieces of one ``feed``, at most ``_STEP`` bytes each."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.pieces.append(bytes(data))
        return len(data)


class _Zstd:
    """zstd through a stream writer: its ``decompressobj`` returns a whole chunk's output at
    once. One feed's output is held before being counted; zstd frames say how much memory
    they need, and the decompressor refuses windows over 128 MB (zstd's default)."""

    def __init__(self) -> None:
        self._sink = _Pieces()
        # Any object with ``write`` will do; the stubs ask for a whole IO[bytes].
        self._writer = zstandard.ZstdDecompressor().stream_writer(
            cast("IO[bytes]", self._sink), write_size=_STEP, closefd=False
        )

    def feed(self, data: bytes) -> Iterator[bytes]:
        self._writer.write(data)
        pieces, self._sink.pieces = self._sink.pieces, []
        yield from pieces

    def finish(self) -> Iterator[bytes]:
        return iter(())


def _decoder(name: str) -> _Decoder | None:
    if name in ("gzip", "x-gzip"):
        return _Zlib(zlib.MAX_WBITS | 16)
    if name == "deflate":
        return _Zlib(zlib.MAX_WBITS, raw_fallback=True)
    if name == "br":
        return _Brotli()
    if name == "zstd":
        return _Zstd()
    return None


def _plan(content_encodings: Sequence[str]) -> tuple[list[tuple[str, _Decoder]], list[str]]:
    """The decoders to apply, in order, and the encodings left undecoded (outermost last
    is undone first; an unknown one stops decoding, since what is under it is unreadable)."""
    names = [
        part.strip().lower()
        for value in content_encodings
        for part in value.split(",")
        if part.strip() and part.strip().lower() != "identity"
    ]
    decoders: list[tuple[str, _Decoder]] = []
    while names:
        decoder = _decoder(names[-1])
        if decoder is None:
            break
        decoders.append((names.pop(), decoder))
    return decoders, names


def _through(
    decoders: Sequence[tuple[str, _Decoder]], index: int, pieces: Iterator[bytes]
) -> Iterator[bytes]:
    """``pieces`` decoded by ``decoders[index:]``, each step's output bounded."""
    if index == len(decoders):
        yield from pieces
        return
    name, decoder = decoders[index]
    try:
        for piece in pieces:
            yield from _through(decoders, index + 1, decoder.feed(piece))
    except (zlib.error, brotli.error, zstandard.ZstdError) as exc:
        raise BodyNotDecodable(name, str(exc)) from exc


def _finish(decoders: Sequence[tuple[str, _Decoder]], index: int) -> Iterator[bytes]:
    """What each decoder still holds at the end, passed through the decoders after it."""
    for position in range(index, len(decoders)):
        name, decoder = decoders[position]
        try:
            tail = list(decoder.finish())
        except (zlib.error, brotli.error, zstandard.ZstdError) as exc:
            raise BodyNotDecodable(name, str(exc)) from exc
        yield from _through(decoders, position + 1, iter(tail))


class ReadBody(NamedTuple):
    """What ``read_body`` read: the bytes, a sentence when some encoding was left
    undecoded, and the file holding the bytes when the body passed the streaming threshold."""

    body: bytes
    note: str | None
    file: SpooledBody | None = None


async def read_body(
    raw: AsyncIterable[bytes],
    content_encodings: Sequence[str],
    ceiling: int,
    progress: Progress | None = None,
    spool: SpoolSettings | None = None,
) -> ReadBody:
    """The body from the ``raw`` chunks decoded by ``content_encodings`` (the
    Content-Encoding header's values).

    Raises ``BodyTooLarge`` as soon as the decoded body passes ``ceiling`` bytes, and
    ``BodyNotDecodable`` when the bytes are not valid in their encoding. ``progress``
    counts the bytes read from the wire as they arrive. Past ``spool.threshold`` decoded
    bytes the body also goes to a file as it arrives (``app.http.spool``), kept in memory
    too so it is not read again; a body that does not arrive whole (an error, a cancel)
    leaves no file."""
    decoders, undecoded = _plan(content_encodings)
    described = decoders[0][0] if decoders else ""
    body = io.BytesIO()
    writer: SpoolWriter | None = None
    size = 0
    spooled: SpooledBody | None = None
    unspoolable = spool is None or not spool.threshold

    def give_up_file() -> None:
        # The bytes are in memory as well: a full disk or a folder that cannot be written
        # costs the file (and what it saves), never the response.
        nonlocal writer, unspoolable
        if writer is not None:
            writer.abandon()
        writer, unspoolable = None, True
        if progress is not None:
            progress.to_file = False

    def keep(piece: bytes) -> None:
        nonlocal size
        size += len(piece)
        if size > ceiling:
            raise BodyTooLarge(described, ceiling)
        body.write(piece)
        if writer is not None:
            try:
                writer.write(piece)
            except OSError:
                give_up_file()

    async def start_spooling() -> None:
        nonlocal writer
        if writer is not None or unspoolable or spool is None or size <= spool.threshold:
            return
        try:
            writer = SpoolWriter(spool.folder)
            if progress is not None:
                progress.to_file = True
            # What came so far goes out a step at a time: 8 MB in one write held the loop
            # 30 ms.
            with body.getbuffer() as held:
                for start in range(0, len(held), _STEP):
                    writer.write(held[start : start + _STEP])
                    await asyncio.sleep(0)
        except OSError:
            give_up_file()

    try:
        async for chunk in raw:
            if progress is not None:
                progress.received += len(chunk)
            for piece in _through(decoders, 0, iter((chunk,))):
                keep(piece)
                await start_spooling()
                if decoders:
                    # 64 KB of gzip can hold 64 MB: between steps the window gets its turn.
                    await asyncio.sleep(0)
        for piece in _finish(decoders, 0):
            keep(piece)
            await start_spooling()
        if writer is not None:
            try:
                spooled = writer.finish()
            except OSError:
                give_up_file()
            writer = None
        data = body.getvalue()
    except BaseException:
        if writer is not None:
            writer.abandon()
        raise
    note = None
    if undecoded:
        listed = ", ".join(undecoded)
        note = (
            f"The body is encoded as {listed} (Content-Encoding), which this app cannot "
            "decode: it is shown as it arrived."
        )
    return ReadBody(data, note, spooled)

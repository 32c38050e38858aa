"""A response as received: status, headers, exact body bytes and timing."""

from __future__ import annotations

import codecs
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from typing import Protocol

__all__ = ["BodyFile", "Progress", "ResponseData", "reason_phrase"]

_TEXT_CHUNK_BYTES = 1 << 20

_REASONS: dict[int, str] = {
    100: "Continue", 101: "Switching Protocols",
    200: "OK", 201: "Created", 202: "Accepted", 203: "Non-Authoritative Information",
    204: "No Content", 205: "Reset Content", 206: "Partial Content",
    300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other",
    304: "Not Modified", 307: "Temporary Redirect", 308: "Permanent Redirect",
    400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden",
    404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
    407: "Proxy Authentication Required", 408: "Request Timeout", 409: "Conflict",
    410: "Gone", 411: "Length Required", 412: "Precondition Failed",
    413: "Content Too Large", 414: "URI Too Long", 415: "Unsupported Media Type",
    422: "Unprocessable Content", 423: "Locked", 425: "Too Early", 428: "Precondition Required",
    429: "Too Many Requests", 431: "Request Header Fields Too Large",
    451: "Unavailable For Legal Reasons",
    500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout", 505: "HTTP Version Not Supported",
}  # fmt: skip


def reason_phrase(status: int) -> str:
    """The standard reason phrase for a status code, or an empty string when unknown."""
    return _REASONS.get(status, "")


@dataclass(slots=True)
class Progress:
    """How much of a response body has arrived so far, as the client reads it: ``received``
    bytes on the wire (before decoding), ``total`` from Content-Length (``None``: not said).
    Written by the HTTP client, read by whoever shows the request in flight."""

    received: int = 0
    total: int | None = None
    to_file: bool = False
    """The body passed the streaming threshold and is being written to a file."""


class BodyFile(Protocol):
    """Where a body sits on disk, byte for byte the same as ``ResponseData.body``: a body
    past the streaming threshold (``app.http.spool``) or one kept by History. Worker
    processes read it there (the JSON index) instead of being sent a copy."""

    @property
    def path(self) -> str: ...


@dataclass(frozen=True, slots=True)
class ResponseData:
    """Everything the server sent back, unchanged. ``elapsed_ms`` runs from send to last byte."""

    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    elapsed_ms: float
    url: str = ""
    http_version: str = "HTTP/1.1"
    encoding_problem: str | None = None
    """A sentence when the body is still in a Content-Encoding that could not be undone."""
    body_file: BodyFile | None = field(default=None, compare=False)
    """The same bytes as ``body``, on disk (see ``BodyFile``); ``None`` for most bodies."""

    def header(self, name: str) -> str | None:
        """The first value of a header, matched case-insensitively."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-cased (``""`` when absent)."""
        raw = self.header("content-type") or ""
        return raw.split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset named by Content-Type, when Python knows it."""
        raw = self.header("content-type")
        return _charset_of(raw) if raw else None

    def text(self) -> str:
        """The body as text, honouring the declared charset (UTF-8 when none is declared).

        Bytes that do not decode are replaced rather than raising: the Raw view must always
        show something, and the exact bytes stay in ``body``.
        """
        return self.body.decode(self.charset or "utf-8", errors="replace")

    def iter_text(self, start: int = 0) -> Iterator[str]:
        """The body as text, a megabyte at a time, exactly as received: the declared charset
        (UTF-8 when none), every line ending and the final newline kept, and each byte that
        does not decode shown as ``\\xNN`` instead of silently replaced. From byte ``start``
        on (moved forward to where a character begins: the Raw view jumps into big bodies)."""
        charset = self.charset or "utf-8"
        decoder = codecs.getincrementaldecoder(charset)(errors="backslashreplace")
        body = memoryview(self.body)
        first = _character_start(self.body, start, codecs.lookup(charset).name)
        for offset in range(first, len(body), _TEXT_CHUNK_BYTES):
            text = decoder.decode(body[offset : offset + _TEXT_CHUNK_BYTES])
            if text:
                yield text
        tail = decoder.decode(b"", final=True)
        if tail:
            yield tail

    def text_and_problem(self) -> tuple[str, str | None]:
        """:meth:`text` and :meth:`text_problem` at the cost of one decoding when the body
        reads (decoding 50 MB holds the GIL about 40 ms: a worker doing it twice made the
        window wait twice)."""
        if not self.encoding_problem:
            try:
                return self.body.decode(self.charset or "utf-8"), None
            except (UnicodeDecodeError, LookupError, ValueError):
                pass
        return self.text(), self.text_problem()

    def text_problem(self) -> str | None:
        """A sentence when the body does not decode in its charset, or is still in a
        Content-Encoding that could not be undone; ``None`` when it reads."""
        if self.encoding_problem:
            return self.encoding_problem
        charset = self.charset or "utf-8"
        try:
            self.body.decode(charset)
        except UnicodeDecodeError as error:
            bad = self.body[error.start : error.start + 1].hex()
            return (
                f"The body is not valid {codecs.lookup(charset).name.upper()}: the byte 0x{bad} "
                f"at offset {error.start} does not decode. Raw shows such bytes as \\x{bad}."
            )
        except (LookupError, ValueError):
            return None
        return None

    @property
    def is_success(self) -> bool:
        return 200 <= self.status < 300


def _character_start(body: bytes, start: int, charset: str) -> int:
    """The first offset at or after ``start`` where a character of ``charset`` begins."""
    start = max(0, min(start, len(body)))
    if charset == "utf-8":
        # Continuation bytes are 10xxxxxx; a character starts at most 3 bytes on.
        for offset in range(start, min(start + 4, len(body))):
            if body[offset] & 0xC0 != 0x80:
                return offset
        return min(start + 4, len(body))
    width = 2 if charset.startswith("utf-16") else 4 if charset.startswith("utf-32") else 1
    return min(start + (-start % width), len(body))


@functools.lru_cache(maxsize=64)
def _charset_of(content_type: str) -> str | None:
    """The charset a Content-Type value names, when Python knows it. Cached: a response's
    charset is asked for several times, and an API sends the same few Content-Types (parsing
    one with ``email.message`` costs about 5 µs)."""
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    if not isinstance(charset, str):
        return None
    try:
        info = codecs.lookup(charset)
    except LookupError:
        return None
    # "base64", "rot13" and the like are codecs, but not text encodings.
    return info.name if getattr(info, "_is_text_encoding", True) else None

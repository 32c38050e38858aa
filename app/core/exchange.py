"""A request and its response, read: the parsed JSON document and the decoded error."""

from __future__ import annotations

import json
from dataclasses import dataclass

from app.core.errors import DecodedError, decode_error
from app.core.json_check import explain_decode_error
from app.core.json_doc import parse_json_exact
from app.core.prepare import PreparedRequest
from app.core.redirects import RedirectHop
from app.core.response import ResponseData

__all__ = ["INDEX_ABOVE_BYTES", "Exchange", "read_exchange"]

INDEX_ABOVE_BYTES = 32 * 1024 * 1024
"""A body in a file larger than this is shown through the worker's index rather than parsed
in the window. Below it the window parses: filters and Find in the Tree need the parsed
document. Measured through the window (``bench/issue10.py``'s sizes): 15-16 MB on screen in
0.28-0.40 s and 30-31 MB in 0.60-0.72 s, the event loop held 35-46 ms at most (the parse
in the pipeline's thread); 100 MB held it 70 ms, over the 50 ms the window may freeze."""


@dataclass(frozen=True, slots=True)
class Exchange:
    """What the response pane shows.

    ``is_json`` is true when the body parsed as JSON; ``document`` is then the parsed value
    (numbers exact, see ``json_doc``), and for JSON lines (``json_lines``: one value per
    line, as ``application/x-ndjson`` or a stream sends) the list of the lines' values.
    ``json_problem`` says why a body that claimed to be JSON did not parse. ``binary`` is
    true when the body is not text (an image, a download, random bytes whatever the
    Content-Type claims); ``text_problem`` says where a text body does not decode.
    ``redirects`` are the hops followed to get here (``app.core.redirects``), and
    ``redirect_stop`` says why a redirect shown here was not followed.

    ``indexed`` is true for a successful JSON body kept in a file (``response.body_file``)
    and larger than ``INDEX_ABOVE_BYTES``, which was not parsed here: it is shown through an index
    built in a worker process (``app.services.json_index``), which also says whether it
    parses. ``is_json`` is then false and ``document`` ``None``.
    """

    request: PreparedRequest
    response: ResponseData
    is_json: bool
    document: object
    json_problem: str | None
    error: DecodedError | None
    text_problem: str | None = None
    binary: bool = False
    json_lines: bool = False
    redirects: tuple[RedirectHop, ...] = ()
    redirect_stop: str | None = None
    indexed: bool = False


_JSON_LINES_TYPES = frozenset(
    {"application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonl"}
)

_TEXT_TYPES = frozenset(
    {
        "application/javascript",
        "application/x-www-form-urlencoded",
        "application/xml",
        "application/yaml",
        "application/x-yaml",
        "application/problem+json",
        "image/svg+xml",
    }
    | _JSON_LINES_TYPES
)

_BINARY_TYPES = frozenset(
    {
        "application/octet-stream",
        "application/pdf",
        "application/zip",
        "application/gzip",
        "application/x-tar",
        "application/x-7z-compressed",
        "application/vnd.ms-excel",
        "application/x-protobuf",
        "application/protobuf",
        "application/msgpack",
    }
)

# How much of a body is looked at to tell text from binary.
_SNIFF_BYTES = 4096


def _declares_json(response: ResponseData) -> bool:
    media = response.content_type
    return media == "application/json" or media.endswith("+json")


def _declares_text(media: str) -> bool:
    return (
        media.startswith("text/")
        or media in _TEXT_TYPES
        or media.endswith(("+json", "+xml", "/json"))
    )


def is_binary(response: ResponseData) -> bool:
    """Whether the body is not text: declared as an image, audio, video, font or download,
    or (whatever the Content-Type says) its first bytes hold NULs or mostly non-text."""
    body = response.body
    if not body:
        return False
    media = response.content_type
    if not _declares_text(media) and (
        media.startswith(("image/", "audio/", "video/", "font/")) or media in _BINARY_TYPES
    ):
        return True
    head = body[:_SNIFF_BYTES]
    charset = response.charset or "utf-8"
    if b"\x00" in head and not charset.startswith(("utf_16", "utf_32", "utf-16", "utf-32")):
        return True
    text = head.decode(charset, errors="replace")
    if len(head) == _SNIFF_BYTES:
        text = text[:-4]  # a character cut at the end of the sample is not a bad one
    # Text in the wrong charset has a few bytes that do not decode (flagged, not binary);
    # binary data has many, and control characters besides.
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\n\r\f\x1b")
    undecodable = text.count("\ufffd")
    return controls * 10 > len(text) or undecodable * 3 > len(text)


def _looks_like_json(response: ResponseData) -> bool:
    """Declared JSON, or undeclared/plain text that starts like a JSON document."""
    if _declares_json(response) or response.content_type in _JSON_LINES_TYPES:
        return True
    media = response.content_type
    if media and not media.startswith("text/plain"):
        return False
    head = response.body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"{", b"["))


def _parse_json_lines(text: str) -> list[object] | None:
    """The values of a body that is one JSON value per line (blank lines skipped), or
    ``None`` when a line is not JSON or there are fewer than two values."""
    values: list[object] = []
    for line in text.splitlines():
        if line.strip():
            try:
                values.append(parse_json_exact(line))
            except (ValueError, RecursionError):
                return None
    return values if len(values) > 1 else None


def read_exchange(
    request: PreparedRequest,
    response: ResponseData,
    *,
    whole: bool = False,
    index_above: int = INDEX_ABOVE_BYTES,
) -> Exchange:
    """Parse (once) and decode ``response``; slow for big bodies, so callers run it off the UI.

    Only a body the server declared as JSON gets a "not valid JSON" message: plain text
    that merely starts with ``{`` is shown as text without complaint. A body of one JSON
    value per line is read as a list of those values. A binary body is not parsed.

    A successful body declared as JSON in UTF-8 that is in a file (past the streaming
    threshold) and larger than ``index_above`` is not parsed either unless ``whole``
    (assertions need the document): the exchange is ``indexed``. Error responses are always
    parsed, so their error object is decoded.
    """
    if (
        not whole
        and response.body_file is not None
        and len(response.body) > index_above
        and response.is_success
        # Declared as one JSON text in UTF-8, the index's one charset: JSON lines, another
        # charset and plain text that starts like JSON are read here as before.
        and _declares_json(response)
        and (response.charset or "utf-8") == "utf-8"
        and not response.encoding_problem
        and not is_binary(response)
    ):
        return Exchange(request, response, False, None, None, None, indexed=True)
    if is_binary(response):
        # An encoding the client could not undo (xz): the bytes look binary, and say why.
        return Exchange(
            request,
            response,
            False,
            None,
            None,
            decode_error(response),
            text_problem=response.encoding_problem,
            binary=True,
        )
    document: object = None
    is_json = False
    json_lines = False
    problem: str | None = None
    if response.body.strip() and _looks_like_json(response):
        text, text_problem = response.text_and_problem()
        text = text.lstrip("\ufeff")
        try:
            document = parse_json_exact(text)
            is_json = True
        except json.JSONDecodeError as exc:
            lines = _parse_json_lines(text) if exc.msg == "Extra data" else None
            if lines is not None:
                document, is_json, json_lines = lines, True, True
            elif _declares_json(response) or response.content_type in _JSON_LINES_TYPES:
                described = explain_decode_error(text, exc).describe()
                problem = f"The body is declared as JSON but is not valid JSON. {described}"
        except ValueError as exc:
            if _declares_json(response):
                problem = f"The body is declared as JSON but cannot be read. {exc}"
        error = decode_error(response, (document, is_json) if not json_lines else None)
    else:
        text_problem = response.text_problem()
        error = decode_error(response)
    return Exchange(
        request,
        response,
        is_json,
        document,
        problem,
        error,
        text_problem=text_problem,
        json_lines=json_lines,
    )

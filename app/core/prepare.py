"""Turning what the user built (``RequestSpec``) into exactly what goes on the wire.

Pure: no sockets, no httpx. ``app.http`` turns a ``PreparedRequest`` into an httpx request
without changing a byte, so what is shown, signed and sent is the same thing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from app.core.http_syntax import breaks_header_line, first_non_ascii, is_header_name
from app.core.json_check import check_json
from app.core.request import BodyMode, FormField, RequestSpec
from app.core.urls import has_scheme

__all__ = [
    "DEFAULT_HEADERS",
    "FILE_BODY_MODES",
    "FORM_CONTENT_TYPE",
    "JSON_CONTENT_TYPE",
    "MULTIPART_CONTENT_TYPE",
    "PreparedRequest",
    "RequestNotSendable",
    "prepare_request",
]

JSON_CONTENT_TYPE = "application/json;charset=utf-8"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
MULTIPART_CONTENT_TYPE = "multipart/form-data"  # "; boundary=..." is added when sending

FILE_BODY_MODES = frozenset({BodyMode.MULTIPART, BodyMode.FILE})
"""Bodies made of files: ``prepare_request`` leaves their bytes empty (core reads no
files); ``app.http.body_files`` reads the files and fills them in when the request is sent."""

# Sent unless the user set the same header: this client speaks JSON, says who it is, and
# decodes every encoding browsers and curl decode (httpx with its brotli and zstd extras).
DEFAULT_HEADERS: tuple[tuple[str, str], ...] = (
    ("Accept", "application/json"),
    ("Accept-Encoding", "gzip, deflate, br, zstd"),
    ("User-Agent", "API-Explorer/0.1"),
)


# Only these count as blank in JSON; str.strip() would also drop no-break spaces.
_JSON_WHITESPACE = " \t\r\n"


class RequestNotSendable(ValueError):
    """The request cannot be sent as built; ``str(exc)`` is a sentence for the user."""


@dataclass(frozen=True, slots=True)
class PreparedRequest:
    """A request ready for the wire: final URL, headers in order, exact body bytes."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    timeout_seconds: float

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)


def _check_host_and_port(url: str) -> None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise RequestNotSendable(
            f'The URL "{url}" is not valid ({exc}). Check the host and the port.'
        ) from None
    host = parts.hostname
    if not host:
        raise RequestNotSendable(
            f'The URL "{url}" has no host name. Add one, like https://host/path.'
        )
    if any(char.isspace() for char in host):
        raise RequestNotSendable(f'The host name "{host}" contains spaces. Remove them.')
    if port is not None and not 1 <= port <= 65535:
        raise RequestNotSendable(f"The port {port} is not valid: use a port from 1 to 65535.")


def _check_header(name: str, value: str) -> None:
    if not is_header_name(name):
        raise RequestNotSendable(
            f'The header name "{name}" is not valid: use letters, digits and - only '
            "(no spaces or colons)."
        )
    if breaks_header_line(value):
        raise RequestNotSendable(f'The value of header "{name}" contains a line break. Remove it.')
    odd = first_non_ascii(value)
    if odd is not None:
        raise RequestNotSendable(
            f'The value of header "{name}" contains "{odd}", which a header cannot carry. '
            "Use ASCII only (percent-encode it, for example)."
        )


def prepare_request(spec: RequestSpec) -> PreparedRequest:
    """Validate ``spec`` and fix its bytes; raises ``RequestNotSendable`` with the reason.

    A body of ``FILE_BODY_MODES`` is checked but left empty here: it is read from files
    when sent."""
    url = spec.url.strip()
    if not url:
        raise RequestNotSendable("Type a URL or a path to send the request to.")
    if not has_scheme(url):
        raise RequestNotSendable(
            f'"{url}" is not a full URL: set the base URL, or start the URL with https://.'
        )
    scheme = url.split(":", 1)[0].lower()
    if scheme not in ("http", "https"):
        raise RequestNotSendable(f'Only http and https URLs can be sent, not "{scheme}:".')
    _check_host_and_port(url)
    if spec.timeout_seconds <= 0:
        raise RequestNotSendable("The timeout must be more than 0 seconds.")

    headers = spec.enabled_headers()
    for name, value in headers:
        _check_header(name, value)
    body, content_type = _body(spec)
    if content_type and not spec.has_header("Content-Type"):
        headers.append(("Content-Type", content_type))
    for name, value in DEFAULT_HEADERS:
        if not spec.has_header(name):
            headers.append((name, value))
    return PreparedRequest(
        method=spec.method.upper(),
        url=url,
        headers=tuple(headers),
        body=body,
        timeout_seconds=spec.timeout_seconds,
    )


def _body(spec: RequestSpec) -> tuple[bytes, str | None]:
    """The body's bytes and the Content-Type they go with (``None``: none is added)."""
    mode = spec.body_mode
    if mode is BodyMode.RAW:
        return spec.body.encode("utf-8"), None
    if mode is BodyMode.FORM:
        return _form_body(spec.enabled_form())
    if mode is BodyMode.GRAPHQL:
        return _graphql_body(spec.body, spec.graphql_variables)
    if mode is BodyMode.MULTIPART:
        _check_multipart(spec.enabled_form())
        return b"", None
    if mode is BodyMode.FILE:
        if not spec.body.strip():
            raise RequestNotSendable(
                "Choose the file to send as the body (Body > File), or pick another kind of body."
            )
        return b"", None
    body = spec.body
    if not body.strip(_JSON_WHITESPACE):
        return body.encode("utf-8"), None
    problem = check_json(body)
    if problem is not None:
        raise RequestNotSendable(
            f"The JSON body is not valid, so nothing was sent. {problem.describe()} "
            "Fix it, or switch the body to Raw text to send it as it is."
        )
    return body.encode("utf-8"), JSON_CONTENT_TYPE


def _check_names(fields: list[FormField]) -> None:
    for field in fields:
        if not field.name.strip():
            raise RequestNotSendable(
                f'A form field with the value "{field.value}" has no name. Name it, or untick it '
                "so it is not sent."
            )


def _form_body(fields: list[FormField]) -> tuple[bytes, str | None]:
    """``application/x-www-form-urlencoded``: UTF-8, spaces as ``+``, as browsers send forms."""
    _check_names(fields)
    files = [f.name for f in fields if f.file]
    if files:
        raise RequestNotSendable(
            f'The field "{files[0]}" is a file, which a urlencoded form cannot carry. Switch '
            "the body to Multipart form to send files, or remove that field."
        )
    if not fields:
        return b"", None
    return urlencode([(f.name, f.value) for f in fields]).encode("ascii"), FORM_CONTENT_TYPE


def _check_multipart(fields: list[FormField]) -> None:
    _check_names(fields)
    for field in fields:
        if field.file and not field.value.strip():
            raise RequestNotSendable(
                f'The field "{field.name}" has no file chosen. Choose one, or untick the field.'
            )
        if breaks_header_line(field.content_type) or first_non_ascii(field.content_type):
            raise RequestNotSendable(
                f'The content type of field "{field.name}" is not valid: use ASCII on one '
                "line, like image/png."
            )


def _graphql_body(query: str, variables: str) -> tuple[bytes, str | None]:
    """``{"query": ..., "variables": {...}}``; the variables go in as typed (their numbers
    exact, their layout kept) once they are known to be one JSON object."""
    variables = variables.strip(_JSON_WHITESPACE)
    if not query.strip() and not variables:
        return b"", None
    if variables:
        problem = check_json(variables)
        if problem is not None:
            raise RequestNotSendable(
                "The GraphQL variables are not valid JSON, so nothing was sent. "
                f"{problem.describe()} Fix them, or clear them."
            )
        if not variables.startswith("{"):
            raise RequestNotSendable(
                'The GraphQL variables must be one JSON object, like {"id": 1}, so nothing '
                "was sent. Fix them, or clear them."
            )
    if not query.strip():
        raise RequestNotSendable("The GraphQL query is empty. Type the query to send.")
    text = f'{{"query": {json.dumps(query, ensure_ascii=False)}, "variables": {variables or "{}"}}}'
    return text.encode("utf-8"), JSON_CONTENT_TYPE

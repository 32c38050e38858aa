"""Turning what the user built (``RequestSpec``) into exactly what goes on the wire.

Pure: no sockets, no httpx. ``app.http`` turns a ``PreparedRequest`` into an httpx request
without changing a byte, so what is shown, signed and sent is the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from app.core.http_syntax import breaks_header_line, first_non_ascii, is_header_name
from app.core.json_check import check_json
from app.core.request import BodyMode, RequestSpec
from app.core.urls import has_scheme

__all__ = [
    "DEFAULT_HEADERS",
    "JSON_CONTENT_TYPE",
    "PreparedRequest",
    "RequestNotSendable",
    "prepare_request",
]

JSON_CONTENT_TYPE = "application/json;charset=utf-8"

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
    """Validate ``spec`` and fix its bytes; raises ``RequestNotSendable`` with the reason."""
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
    body = spec.body
    if spec.body_mode is BodyMode.JSON and body.strip(_JSON_WHITESPACE):
        problem = check_json(body)
        if problem is not None:
            raise RequestNotSendable(
                f"The JSON body is not valid, so nothing was sent. {problem.describe()} "
                "Fix it, or switch the body to Raw text to send it as it is."
            )
        if not spec.has_header("Content-Type"):
            headers.append(("Content-Type", JSON_CONTENT_TYPE))
    for name, value in DEFAULT_HEADERS:
        if not spec.has_header(name):
            headers.append((name, value))
    return PreparedRequest(
        method=spec.method.upper(),
        url=url,
        headers=tuple(headers),
        body=body.encode("utf-8"),
        timeout_seconds=spec.timeout_seconds,
    )

"""Mapping httpx's exceptions to one sentence a person can act on.

httpx raises (see ``httpx._exceptions``)::

    TransportError
      TimeoutException: ConnectTimeout, ReadTimeout, WriteTimeout, PoolTimeout
      NetworkError: ConnectError, ReadError, WriteError, CloseError
      ProtocolError: LocalProtocolError, RemoteProtocolError
      UnsupportedProtocol, ProxyError
    InvalidURL (not a TransportError)

The cause (refused, DNS, TLS) is only visible on the chained ``OSError``, so we walk
``__cause__``/``__context__`` to find it.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx

from app.core.outcome import FailureKind, TransportFailure

__all__ = ["describe_failure"]


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _where(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname or url
        port = parts.port if parts.port is not None else (443 if parts.scheme == "https" else 80)
    except ValueError:
        return url
    return f"{host}:{port}"


def _tls_reason(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, ssl.SSLCertVerificationError) and exc.verify_message:
        text = exc.verify_message
    lowered = text.lower()
    if "hostname mismatch" in lowered or "doesn't match" in lowered:
        return "the certificate was issued for a different host name"
    if "certificate has expired" in lowered:
        return "the server's certificate has expired"
    if "self-signed" in lowered or "unable to get local issuer" in lowered:
        return "the server's certificate is signed by an authority this computer does not trust"
    if "wrong_version_number" in lowered or "wrong version number" in lowered:
        return "the server does not speak TLS on this port (is it plain http?)"
    return text


def _seconds(value: float) -> str:
    return "1 second" if value == 1 else f"{value:g} seconds"


def describe_failure(exc: Exception, url: str, timeout_seconds: float) -> TransportFailure:
    """The ``TransportFailure`` for an exception raised while sending to ``url``."""
    where = _where(url)
    chain = list(_chain(exc))
    if isinstance(exc, httpx.TimeoutException):
        phase = "connect" if isinstance(exc, httpx.ConnectTimeout) else "respond"
        return TransportFailure(
            FailureKind.TIMEOUT,
            f"The server at {where} did not {phase} within {_seconds(timeout_seconds)}. "
            "Try again, or raise the timeout.",
        )
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol | UnicodeError):
        return TransportFailure(
            FailureKind.INVALID_URL, f'The URL "{url}" cannot be sent: {exc}. Check the URL.'
        )
    if isinstance(exc, httpx.LocalProtocolError):
        return TransportFailure(
            FailureKind.INVALID_REQUEST,
            f"The request cannot be sent as built: {exc}. Check the header names and values.",
        )
    for link in chain:
        if isinstance(link, ssl.SSLError):
            return TransportFailure(
                FailureKind.TLS,
                f"The secure connection to {where} failed: {_tls_reason(link)}. "
                "Check the URL, or the certificate settings.",
            )
        if isinstance(link, socket.gaierror):
            host = where.rsplit(":", 1)[0]
            return TransportFailure(
                FailureKind.DNS,
                f'The host name "{host}" could not be found. '
                "Check its spelling, or your network connection.",
            )
        if isinstance(link, ConnectionRefusedError):
            return TransportFailure(
                FailureKind.CONNECTION_REFUSED,
                f"The connection to {where} was refused: no server is listening there. "
                "Check the host and port, or start the server.",
            )
    if isinstance(exc, httpx.ConnectError):
        text = str(exc).lower()
        if "name or service not known" in text or "nodename nor servname" in text:
            host = where.rsplit(":", 1)[0]
            return TransportFailure(
                FailureKind.DNS,
                f'The host name "{host}" could not be found. '
                "Check its spelling, or your network connection.",
            )
        if "refused" in text:
            return TransportFailure(
                FailureKind.CONNECTION_REFUSED,
                f"The connection to {where} was refused: no server is listening there. "
                "Check the host and port, or start the server.",
            )
        return TransportFailure(
            FailureKind.OTHER, f"Could not connect to {where}: {exc or type(exc).__name__}."
        )
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError):
        return TransportFailure(
            FailureKind.DROPPED,
            f"The connection to {where} was dropped before the whole response arrived. "
            "Try again; if it keeps happening, the server or a proxy is cutting it off.",
        )
    return TransportFailure(
        FailureKind.OTHER,
        f"The request to {where} failed: {exc or type(exc).__name__}. Try again.",
    )

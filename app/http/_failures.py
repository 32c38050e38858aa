"""Mapping httpx's exceptions to one sentence a person can act on.

httpx raises (see ``httpx._exceptions``)::

    TransportError
      TimeoutException: ConnectTimeout, ReadTimeout, WriteTimeout, PoolTimeout
      NetworkError: ConnectError, ReadError, WriteError, CloseError
      ProtocolError: LocalProtocolError, RemoteProtocolError
      UnsupportedProtocol, ProxyError
    InvalidURL (not a TransportError)

The cause (refused, DNS, TLS) is only visible on the chained ``OSError``, so we walk
``__cause__``/``__context__`` to find it. A TLS alert the server sends after the handshake
(TLS 1.3 reports a missing client certificate that way) arrives as a bare ``ssl.SSLError``.
A server that answers only with an informational status (``100 Continue``) and then hangs up
raises the same "Server disconnected without sending a response." as one that sent nothing:
the 1xx is found on the failed read's stack, where httpcore holds it (h11's
``InformationalResponse``), so the sentence says what came instead of "dropped".
"""

from __future__ import annotations

import re
import socket
import ssl
import traceback
from collections.abc import Iterator
from urllib.parse import urlsplit

import h11
import httpx

from app.core.display_text import describe_size, display_text
from app.core.http_syntax import default_port
from app.core.outcome import FailureKind, TransportFailure
from app.core.response import reason_phrase
from app.http._body import BodyNotDecodable, BodyTooLarge

__all__ = ["describe_failure"]

# The connection ended early. Bare OSErrors are listed because some escape httpx unwrapped,
# as a TLS alert read after the handshake does.
_DROPPED = (
    httpx.RemoteProtocolError,
    httpx.ReadError,
    httpx.WriteError,
    ConnectionResetError,
    BrokenPipeError,
)
# h11's words when a response's status line and headers pass httpcore's limit for them
# (``AsyncHTTP11Connection.MAX_INCOMPLETE_EVENT_SIZE``, 100 KB): 10,000 headers or one 1 MB
# header end there, and were called a dropped connection.
_HEAD_TOO_LONG = "Receive buffer too long"
_HEAD_LIMIT = "100 KB"
_SET_CLIENT_CERT = "Set a client certificate and key in the TLS settings."
_CHECK_CLIENT_CERT = "Check the client certificate in the TLS settings."


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
        port = parts.port if parts.port is not None else default_port(parts.scheme)
    except ValueError:
        return url
    return f"{host}:{port}"


def _ssl_text(exc: BaseException) -> str:
    text = str(exc)
    if isinstance(exc, ssl.SSLCertVerificationError) and exc.verify_message:
        text = exc.verify_message
    return re.sub(r"\s*\(_ssl\.c:\d+\)", "", text).strip()


def _client_cert_alert(lowered: str, client_cert: str) -> tuple[str, str] | None:
    """The server's complaint about our certificate, if ``lowered`` is one (an "alert")."""
    if "alert" not in lowered:
        return None
    refusals = (
        "bad certificate",
        "certificate unknown",
        "unsupported certificate",
        "access denied",
    )
    if "certificate required" in lowered or (
        not client_cert and any(words in lowered for words in refusals)
    ):
        return "the server requires a client certificate, and none was sent", _SET_CLIENT_CERT
    if "handshake failure" in lowered:
        if not client_cert:
            return (
                "the server refused the handshake; it may require a client certificate, "
                "and none is set"
            ), _SET_CLIENT_CERT
        return (
            "the server refused the handshake; it may not accept the client certificate "
            f'"{client_cert}", or shares no cipher or TLS version with this computer'
        ), _CHECK_CLIENT_CERT
    if not client_cert:
        return None
    rejected = f'the server rejected the client certificate "{client_cert}"'
    if "unknown ca" in lowered:
        return f"{rejected}: it does not trust the authority that signed it", _CHECK_CLIENT_CERT
    if "certificate expired" in lowered:
        return f"{rejected}: it has expired", "Renew the client certificate."
    if "certificate revoked" in lowered:
        return f"{rejected}: it has been revoked", "Use a new client certificate."
    if any(words in lowered for words in refusals):
        return rejected, _CHECK_CLIENT_CERT
    return None


def _tls_reason(exc: BaseException, client_cert: str) -> tuple[str, str]:
    """Why the TLS connection failed, and what to do, as two sentence fragments."""
    text = _ssl_text(exc)
    lowered = text.lower()
    from_server = _client_cert_alert(lowered, client_cert)
    if from_server is not None:
        return from_server
    if "mismatch" in lowered or "doesn't match" in lowered:
        return (
            "the certificate was issued for a different host name",
            "Check the host name in the URL: the server's certificate does not cover it.",
        )
    if "certificate has expired" in lowered:
        return (
            "the server's certificate has expired",
            "Ask the server's owner to renew it, or turn off certificate verification "
            "for this environment if you trust the server.",
        )
    if "not yet valid" in lowered:
        return (
            "the server's certificate is not valid yet",
            "Check this computer's date and time.",
        )
    if any(
        words in lowered
        for words in (
            "self-signed",
            "self signed",
            "unable to get local issuer",
            "unable to get issuer",
            "unable to verify the first certificate",
        )
    ):
        return (
            "the server's certificate is signed by an authority this computer does not trust",
            "Add that authority's certificate as the CA bundle in the TLS settings, or turn "
            "off certificate verification for this environment if you trust the server.",
        )
    if any(
        words in lowered
        for words in (
            "wrong_version_number",
            "wrong version number",
            "packet length too long",
            "record layer failure",
            "unknown protocol",
        )
    ):
        return (
            "the server does not speak TLS on this port (is it plain http?)",
            "Use http:// in the URL, or the server's TLS port.",
        )
    if "eof occurred" in lowered or "unexpected eof" in lowered:
        cause, advice = _cert_suspicion(client_cert)
        return f"the server closed the connection during the handshake; {cause}", advice
    return text or type(exc).__name__, "Check the URL, or the certificate settings."


def _cert_suspicion(client_cert: str) -> tuple[str, str]:
    """What a hang-up right after the handshake most likely means, and what to do."""
    if client_cert:
        return f'it may not accept the client certificate "{client_cert}"', _CHECK_CLIENT_CERT
    return "it may require a client certificate, and none is set", _SET_CLIENT_CERT


def _seconds(value: float) -> str:
    return "1 second" if value == 1 else f"{value:g} seconds"


def _not_found(where: str, proxy: str) -> TransportFailure:
    if proxy:
        return TransportFailure(
            FailureKind.DNS,
            f'The proxy host name "{_where(proxy).rsplit(":", 1)[0]}" could not be found. '
            "Check the proxy settings, or your network connection.",
        )
    host = where.rsplit(":", 1)[0]
    return TransportFailure(
        FailureKind.DNS,
        f'The host name "{host}" could not be found. '
        "Check its spelling, or your network connection.",
    )


def _refused(where: str, proxy: str) -> TransportFailure:
    if proxy:
        return TransportFailure(
            FailureKind.CONNECTION_REFUSED,
            f"The connection to the proxy at {_where(proxy)} was refused: no proxy is "
            "listening there. Check the proxy settings, or start the proxy.",
        )
    return TransportFailure(
        FailureKind.CONNECTION_REFUSED,
        f"The connection to {where} was refused: no server is listening there. "
        "Check the host and port, or start the server.",
    )


def _no_answer(exc: Exception) -> bool:
    """Whether the connection ended before a response began (not in the middle of one)."""
    return "without sending a response" in str(exc) or any(
        isinstance(link, ConnectionResetError | BrokenPipeError) for link in _chain(exc)
    )


def _dropped(exc: Exception, url: str, where: str, client_cert: str) -> TransportFailure:
    if _no_answer(exc) and url.lower().startswith("https:"):
        # Servers that check the client certificate after the handshake often just hang up.
        cause, advice = _cert_suspicion(client_cert)
        return TransportFailure(
            FailureKind.DROPPED,
            f"The server at {where} closed the secure connection without answering; "
            f"{cause}. {advice} Otherwise, try again.",
        )
    return TransportFailure(
        FailureKind.DROPPED,
        f"The connection to {where} was dropped before the whole response arrived. "
        "Try again; if it keeps happening, the server or a proxy is cutting it off.",
    )


def _interim_status(chain: list[BaseException]) -> str | None:
    """The informational (1xx) status the server sent last, as "100 Continue", when the
    connection ended while the client waited for the final response after it."""
    for link in chain:
        for frame, _ in traceback.walk_tb(link.__traceback__):
            for value in frame.f_locals.values():
                if isinstance(value, h11.InformationalResponse):
                    reason = value.reason.decode("latin-1").strip()
                    reason = display_text(reason or reason_phrase(value.status_code), 100).text
                    return f"{value.status_code} {reason}".strip()
    return None


def _only_interim(status: str, where: str) -> TransportFailure:
    return TransportFailure(
        FailureKind.OTHER,
        f"The server at {where} answered only {status}, an informational (1xx) answer that "
        "promises a final response, then closed the connection without sending one.",
    )


def _body_problem(exc: Exception, where: str) -> TransportFailure | None:
    """The sentence for a body that arrived but cannot be kept, if ``exc`` is one."""
    if isinstance(exc, BodyTooLarge):
        size = describe_size(exc.ceiling)
        what = (
            f"the server's {exc.encoding} body expands past {size}"
            if exc.encoding
            else f"its body is larger than {size}"
        )
        return TransportFailure(
            FailureKind.OTHER,
            f"The response from {where} was not read: {what}, the most this app keeps of "
            'one response (the "Largest response" preference).',
        )
    if isinstance(exc, BodyNotDecodable):
        return TransportFailure(
            FailureKind.OTHER,
            f"The response from {where} cannot be read: its body is declared as "
            f"{exc.encoding} (Content-Encoding) but is not valid {exc.encoding} data "
            f"({exc.detail}).",
        )
    return None


def describe_failure(
    exc: Exception,
    url: str,
    timeout_seconds: float,
    *,
    proxy: str = "",
    client_cert: str = "",
) -> TransportFailure:
    """The ``TransportFailure`` for an exception raised while sending to ``url``.

    ``proxy`` is the proxy URL the request went through (``""`` when direct), so that
    failures to reach it name the proxy, not the server. ``client_cert`` is the configured
    client certificate path (``""`` when none), so that a server's refusal can say whether
    one was missing or not accepted.
    """
    where = _where(url)
    body_problem = _body_problem(exc, where)
    if body_problem is not None:
        return body_problem
    chain = list(_chain(exc))
    if isinstance(exc, httpx.TimeoutException):
        phase = "connect" if isinstance(exc, httpx.ConnectTimeout) else "respond"
        via = f" (through the proxy at {_where(proxy)})" if proxy else ""
        return TransportFailure(
            FailureKind.TIMEOUT,
            f"The server at {where}{via} did not {phase} within {_seconds(timeout_seconds)}. "
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
    if isinstance(exc, httpx.ProxyError):
        return TransportFailure(
            FailureKind.OTHER,
            f"The proxy at {_where(proxy) if proxy else 'the configured address'} would not "
            f"open a connection to {where}: {exc}. Check the proxy settings.",
        )
    for link in chain:
        if isinstance(link, ssl.SSLError):
            reason, advice = _tls_reason(link, client_cert)
            return TransportFailure(
                FailureKind.TLS, f"The secure connection to {where} failed: {reason}. {advice}"
            )
        if isinstance(link, socket.gaierror):
            return _not_found(where, proxy)
        if isinstance(link, ConnectionRefusedError):
            return _refused(where, proxy)
    if isinstance(exc, httpx.ConnectError):
        text = str(exc).lower()
        if "name or service not known" in text or "nodename nor servname" in text:
            return _not_found(where, proxy)
        if "refused" in text:
            return _refused(where, proxy)
        return TransportFailure(
            FailureKind.OTHER, f"Could not connect to {where}: {exc or type(exc).__name__}."
        )
    if isinstance(exc, httpx.RemoteProtocolError) and _HEAD_TOO_LONG in str(exc):
        return TransportFailure(
            FailureKind.OTHER,
            f"The server at {where} sent more than {_HEAD_LIMIT} of response headers (too "
            "many headers, or one too large), so the response was not read. The server or a "
            "proxy in front of it is misbehaving.",
        )
    if isinstance(exc, _DROPPED):
        interim = _interim_status(chain) if _no_answer(exc) else None
        if interim is not None:
            return _only_interim(interim, where)
        return _dropped(exc, url, where, client_cert)
    return TransportFailure(
        FailureKind.OTHER,
        f"The request to {where} failed: {exc or type(exc).__name__}. Try again.",
    )

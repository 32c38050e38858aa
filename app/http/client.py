"""The one HTTP client: sends a ``PreparedRequest`` and returns a ``ResponseData``.

Errors: ``send`` raises ``SendFailed`` (carrying a ``TransportFailure``) for anything that
kept a complete response from arriving, including certificate, key or CA files that cannot
be loaded and proxy settings that cannot be used; ``asyncio.CancelledError`` passes through.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import functools
import ssl
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import httpx
import truststore

from app.core.outcome import FailureKind, TransportFailure
from app.core.prepare import PreparedRequest
from app.core.response import Progress, ResponseData, reason_phrase
from app.core.transport import ProxyMode, ProxySettings, TlsSettings, TransportSettings
from app.http import _body
from app.http._body import BodyUnreadable, read_body
from app.http._failures import describe_failure
from app.http._network import AsyncioBackend
from app.http.spool import SpoolSettings

__all__ = ["HttpClient", "SendFailed", "as_sent", "to_httpx_request"]


class SendFailed(Exception):
    """No complete response arrived; ``failure.message`` says why, for the user."""

    def __init__(self, failure: TransportFailure) -> None:
        super().__init__(failure.message)
        self.failure = failure


@functools.lru_cache(maxsize=256)
def _parsed_url(text: str) -> httpx.URL:
    """``text`` parsed (an ``httpx.URL`` never changes). A run sends the same URLs again
    and again, and parsing one is half of building an httpx request (8 of 15 µs)."""
    return httpx.URL(text)


def to_httpx_request(prepared: PreparedRequest) -> httpx.Request:
    """The httpx request for ``prepared``, byte for byte (the URL is not re-encoded).

    A user name or password in the URL is sent as Basic auth, as browsers and curl do (and
    as ``httpx.AsyncClient`` did when requests went through it)."""
    request = httpx.Request(
        prepared.method,
        _parsed_url(prepared.url),
        headers=list(prepared.headers),
        content=prepared.body if prepared.body else None,
    )
    url = request.url
    if url.username or url.password:
        credentials = f"{url.username}:{url.password}".encode()
        request.headers["Authorization"] = f"Basic {base64.b64encode(credentials).decode()}"
    return request


def as_sent(prepared: PreparedRequest) -> PreparedRequest:
    """``prepared`` with the headers exactly as they go on the wire: httpx adds ``Host``,
    ``Content-Length`` and (from a URL's user info) Basic ``Authorization`` to what the user
    set, and the Request tab and history show every header that was sent."""
    try:
        request = to_httpx_request(prepared)
    except (httpx.HTTPError, httpx.InvalidURL, UnicodeError, ValueError):
        return prepared  # never sent: nothing more went out than what was prepared
    headers = tuple(
        (name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw
    )
    return dataclasses.replace(prepared, headers=headers)


def _tls_problem(message: str) -> SendFailed:
    return SendFailed(TransportFailure(FailureKind.TLS, message))


def _read_setting_file(raw_path: str, what: str) -> tuple[str, bytes]:
    """The expanded path and contents of the ``what`` file, or a sentence saying why not."""
    path = Path(raw_path.strip()).expanduser()
    advice = f"Check the {what} path in the TLS settings."
    if path.is_dir():
        raise _tls_problem(f'The {what} "{path}" is a folder, not a file. {advice}')
    try:
        return str(path), path.read_bytes()
    except FileNotFoundError:
        raise _tls_problem(f'The {what} file "{path}" does not exist. {advice}') from None
    except OSError as exc:
        raise _tls_problem(
            f'The {what} file "{path}" cannot be read ({exc.strerror or exc}). {advice}'
        ) from None


def _load_ca_bundle(raw_path: str) -> ssl.SSLContext:
    path, _ = _read_setting_file(raw_path, "CA bundle")
    try:
        return ssl.create_default_context(cafile=path)
    except (ssl.SSLError, OSError, ValueError):
        raise _tls_problem(
            f'The CA bundle "{path}" holds no PEM certificates. Choose a file with '
            '"-----BEGIN CERTIFICATE-----" blocks as the CA bundle in the TLS settings.'
        ) from None


def _load_client_certificate(context: ssl.SSLContext, tls: TlsSettings) -> None:
    """Loads the client certificate and key, naming the file and setting that is wrong.

    OpenSSL says only "PEM lib" for most bad files, so the files are checked first.
    """
    cert_path, cert_pem = _read_setting_file(tls.client_cert, "client certificate")
    if b"-----BEGIN CERTIFICATE-----" not in cert_pem:
        raise _tls_problem(
            f'The client certificate file "{cert_path}" is not a PEM certificate (it has no '
            '"-----BEGIN CERTIFICATE-----" block). If it is a .p12 or .pfx file, convert it '
            "to PEM; then choose it as the client certificate in the TLS settings."
        )
    if tls.client_key.strip():
        key_path, key_pem = _read_setting_file(tls.client_key, "client key")
        if b"PRIVATE KEY-----" not in key_pem:
            raise _tls_problem(
                f'The client key file "{key_path}" holds no PEM private key. '
                "Check the client key path in the TLS settings."
            )
    else:
        key_path, key_pem = cert_path, cert_pem
        if b"PRIVATE KEY-----" not in key_pem:
            raise _tls_problem(
                f'The client certificate file "{cert_path}" holds no private key. '
                "Set the client key file in the TLS settings."
            )
    encrypted = b"ENCRYPTED" in key_pem
    if encrypted and not tls.key_passphrase:
        raise _tls_problem(
            f'The client key "{key_path}" is protected by a passphrase. '
            "Set the key passphrase in the TLS settings."
        )
    passphrase = tls.key_passphrase
    try:
        # Always a callable: with no password, OpenSSL would prompt on the terminal and hang.
        context.load_cert_chain(
            cert_path, key_path if key_path != cert_path else None, password=lambda: passphrase
        )
    except ssl.SSLError as exc:
        if "KEY_VALUES_MISMATCH" in str(exc):
            raise _tls_problem(
                f'The client key "{key_path}" does not belong to the client certificate '
                f'"{cert_path}". Choose the matching pair in the TLS settings.'
            ) from None
        if encrypted:
            raise _tls_problem(
                f'The key passphrase does not unlock the client key "{key_path}". '
                "Check the key passphrase in the TLS settings."
            ) from None
        raise _tls_problem(
            f'The client certificate "{cert_path}" and key "{key_path}" could not be loaded '
            f"({exc.reason or exc}). Check that both are PEM files in the TLS settings."
        ) from None
    except (OSError, ValueError) as exc:
        raise _tls_problem(
            f'The client certificate "{cert_path}" and key "{key_path}" could not be loaded '
            f"({exc}). Check the TLS settings."
        ) from None
    # Lets a TLS 1.3 server ask for the certificate after the handshake, as some do per path.
    context.post_handshake_auth = True


def _ssl_context(tls: TlsSettings) -> ssl.SSLContext:
    """The SSL context for ``tls``; raises ``SendFailed`` naming any file that will not load."""
    if not tls.verify:
        context = httpx.create_ssl_context(verify=False)
    elif tls.ca_bundle.strip():
        context = _load_ca_bundle(tls.ca_bundle)
    else:
        # The operating system's trust store (so a company CA installed there is trusted),
        # through truststore: the stdlib reads no store on macOS and certifi reads none.
        context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if tls.client_cert.strip():
        _load_client_certificate(context, tls)
    return context


_NETWORK = AsyncioBackend()


def _on_asyncio(transport: httpx.AsyncHTTPTransport) -> httpx.AsyncHTTPTransport:
    """``transport`` with its connections made by ``AsyncioBackend`` (``app.http._network``
    says why). httpx 0.28 has no parameter for it, so it goes on the httpcore pool that
    ``transport`` made; ``tests/http/test_client.py`` checks that it is used."""
    transport._pool._network_backend = _NETWORK
    return transport


class _ProxyRouter(httpx.AsyncBaseTransport):
    """Sends each request direct or through the proxy that ``ProxySettings.proxy_for`` names.

    Routing by that one function (rather than httpx ``mounts`` patterns) means the proxy a
    failure message names is always the proxy the request went through.
    """

    def __init__(self, proxy: ProxySettings, ssl_context: ssl.SSLContext) -> None:
        self._proxy = proxy
        self._transports: dict[str, httpx.AsyncHTTPTransport] = {
            "": _on_asyncio(httpx.AsyncHTTPTransport(verify=ssl_context, trust_env=False))
        }
        for url in proxy.proxy_urls():
            self._transports[url] = _proxy_transport(url, ssl_context)
        # With no proxy at all (the usual case) there is nothing to decide per request.
        self._direct = self._transports[""] if len(self._transports) == 1 else None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        transport = self._direct or self._transports[self._proxy.proxy_for(str(request.url))]
        return await transport.handle_async_request(request)

    async def aclose(self) -> None:
        for transport in self._transports.values():
            await transport.aclose()


def _without_credentials(url: str) -> str:
    """``url`` with any ``user:password@`` removed: messages go on screen and into history."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url.rpartition("@")[2]
    authority, slash, path = rest.partition("/")
    return f"{scheme}://{authority.rpartition('@')[2]}{slash}{path}"


def _proxy_transport(url: str, ssl_context: ssl.SSLContext) -> httpx.AsyncHTTPTransport:
    advice = "Check the proxy settings: a proxy looks like http://host:port."
    shown = _without_credentials(url)
    scheme = url.split("://", 1)[0].lower()
    if scheme not in ("http", "https"):
        raise SendFailed(
            TransportFailure(
                FailureKind.OTHER,
                f'The proxy "{shown}" cannot be used: only http:// and https:// proxies are '
                f"supported. {advice}",
            )
        )
    try:
        return _on_asyncio(httpx.AsyncHTTPTransport(verify=ssl_context, proxy=url, trust_env=False))
    except (httpx.InvalidURL, ValueError):
        raise SendFailed(
            TransportFailure(FailureKind.OTHER, f'The proxy "{shown}" cannot be used. {advice}')
        ) from None


@dataclass(frozen=True, slots=True)
class _Route:
    """One set of connection pools and the proxy settings (``SYSTEM`` resolved) it routes by."""

    transport: httpx.AsyncBaseTransport
    proxy: ProxySettings

    def proxy_for(self, url: str) -> str:
        return self.proxy.proxy_for(url)


_DEFAULT_SETTINGS = TransportSettings()


def _content_length(headers: httpx.Headers) -> int | None:
    """The Content-Length the server declared, if it is one number."""
    value = headers.get("content-length", "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


class HttpClient:
    """Keeps one httpx transport (connection pools) per distinct ``TransportSettings``, made
    on first use.

    Made lazily because connections are bound to the loop they first run on, and each test
    may bring a fresh loop. Certificate files and system proxy settings are read when a
    transport is made; ``aclose()`` forgets them all. Redirects are not followed here: the
    pipeline follows them when a request asks (``app.core.redirects``). Requests go to the
    transport itself, not through an ``httpx.AsyncClient``: for a request built here that
    layer only added Basic auth from the URL's user info (``to_httpx_request`` does that
    now) and kept Set-Cookie values it never sent, for about 0.1 ms a request. A
    ``transport`` given here replaces the network (tests): TLS files are still checked, but
    proxies are not used.
    ``body_ceiling`` bounds a decoded body in bytes (0: ``BODY_CEILING_BYTES``); it may be
    changed between sends, as may ``spool``: where bodies past a size stream to a file
    (``app.http.spool``; ``None``, the default, keeps every body in memory only).
    """

    def __init__(
        self, *, transport: httpx.AsyncBaseTransport | None = None, body_ceiling: int = 0
    ) -> None:
        self._transport = transport
        self.body_ceiling = body_ceiling
        self.spool: SpoolSettings | None = None
        self._routes: dict[TransportSettings, _Route] = {}

    def ceiling(self) -> int:
        """The largest decoded body the next send reads, in bytes."""
        return self.body_ceiling or _body.BODY_CEILING_BYTES

    def _route_for(self, settings: TransportSettings) -> _Route:
        route = self._routes.get(settings)
        if route is None:
            ssl_context = _ssl_context(settings.tls)
            if self._transport is not None:
                proxy = ProxySettings(mode=ProxyMode.NONE)
                transport = self._transport
            else:
                proxy = settings.proxy.resolved(urllib.request.getproxies())
                transport = _ProxyRouter(proxy, ssl_context)
            route = self._routes[settings] = _Route(transport, proxy)
        return route

    async def send(
        self,
        prepared: PreparedRequest,
        settings: TransportSettings = _DEFAULT_SETTINGS,
        progress: Progress | None = None,
    ) -> ResponseData:
        """Send ``prepared`` and read the whole response within its timeout (in total);
        ``progress`` counts the body's bytes as they arrive (reset for each response)."""
        timeout = prepared.timeout_seconds
        client_cert = settings.tls.client_cert.strip()
        try:
            request = to_httpx_request(prepared)
        except (httpx.HTTPError, httpx.InvalidURL, UnicodeError, ValueError) as exc:
            # Built before any connection is opened: nothing went on the wire.
            raise SendFailed(describe_failure(exc, prepared.url, timeout)) from exc
        route = self._route_for(settings)
        request.extensions["timeout"] = httpx.Timeout(timeout).as_dict()
        started = time.perf_counter()
        try:
            # httpx's timeouts are per phase; the user's setting bounds the whole exchange.
            async with asyncio.timeout(timeout):
                response = await route.transport.handle_async_request(request)
                try:
                    if response.is_stream_consumed:
                        # Built whole, already decoded by httpx (a MockTransport's).
                        body, undecoded, body_file = response.content, None, None
                    else:
                        if progress is not None:
                            progress.received = 0
                            progress.to_file = False
                            progress.total = _content_length(response.headers)
                        body, undecoded, body_file = await read_body(
                            response.aiter_raw(),
                            response.headers.get_list("content-encoding"),
                            self.ceiling(),
                            progress,
                            self.spool,
                        )
                finally:
                    await response.aclose()
        except TimeoutError as exc:
            proxy = route.proxy_for(prepared.url)
            raise SendFailed(
                describe_failure(
                    httpx.ReadTimeout("total timeout"), prepared.url, timeout, proxy=proxy
                )
            ) from exc
        except (httpx.HTTPError, OSError, UnicodeError, BodyUnreadable) as exc:
            proxy = route.proxy_for(prepared.url)
            raise SendFailed(
                describe_failure(exc, prepared.url, timeout, proxy=proxy, client_cert=client_cert)
            ) from exc
        elapsed_ms = (time.perf_counter() - started) * 1000
        return ResponseData(
            status=response.status_code,
            reason=response.reason_phrase or reason_phrase(response.status_code),
            headers=tuple(
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw
            ),
            body=body,
            elapsed_ms=elapsed_ms,
            url=str(request.url),
            http_version=response.http_version,
            encoding_problem=undecoded,
            body_file=body_file,
        )

    async def aclose(self) -> None:
        """Close every connection pool; the next ``send`` makes fresh ones."""
        routes, self._routes = list(self._routes.values()), {}
        for route in routes:
            await route.transport.aclose()

"""TLS and proxy settings against real servers on 127.0.0.1, with certificates made here."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import http.server
import socket
import ssl
import struct
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import trustme
from cryptography.hazmat.primitives import serialization

from app.core.outcome import FailureKind
from app.core.prepare import PreparedRequest
from app.core.response import ResponseData
from app.core.transport import ProxyMode, ProxySettings, TlsSettings, TransportSettings
from app.http.client import HttpClient, SendFailed

PASSPHRASE = "correct horse"


def _request(url: str) -> PreparedRequest:
    return PreparedRequest("GET", url, (("Accept", "application/json"),), b"", 5.0)


def _send(url: str, settings: TransportSettings | None = None) -> ResponseData:
    async def go() -> ResponseData:
        client = HttpClient()
        try:
            if settings is None:
                return await client.send(_request(url))
            return await client.send(_request(url), settings)
        finally:
            await client.aclose()

    return asyncio.run(go())


def _failure(url: str, settings: TransportSettings | None = None) -> SendFailed:
    with pytest.raises(SendFailed) as caught:
        _send(url, settings)
    return caught.value


def _tls(**values: Any) -> TransportSettings:
    return TransportSettings(tls=TlsSettings(**values))


# --- servers ---------------------------------------------------------------------------------


class _OkHandler(http.server.BaseHTTPRequestHandler):
    """Answers every GET with 200 "ok"; keeps the connection open between requests."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            try:
                self.request.do_handshake()
            except (ssl.SSLError, OSError):
                self._close_gently()
                raise
            if self.server.hang_up_without_cert and not self.request.getpeercert():
                # Read the request, then reset the connection instead of answering.
                self.request.recv(1024)
                self.request.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.request.close()
                raise ConnectionAbortedError("hung up on a client without a certificate")
        super().setup()

    def _close_gently(self) -> None:
        """Close with a FIN, not a reset, so the client reads the TLS alert that was sent.

        Closing with the client's request still unread makes the kernel send a reset, and
        the client may then lose the alert: real servers do that too (see the hang-up
        test), but these tests want to see each alert.
        """
        with contextlib.suppress(OSError):
            self.request.shutdown(socket.SHUT_WR)  # also drops the TLS layer
            self.request.settimeout(2)
            while self.request.recv(65536):
                pass

    def do_GET(self) -> None:
        self.server.paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1, over TLS when given a context; counts connections."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, context: ssl.SSLContext | None = None) -> None:
        self.context = context
        self.connections = 0
        self.paths: list[str] = []
        self.hang_up_without_cert = False
        super().__init__(("127.0.0.1", 0), _OkHandler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = super().get_request()
        self.connections += 1
        if self.context is None:
            return sock, address
        # The handshake runs in the handler's thread, so a failing one cannot stall accept().
        return self.context.wrap_socket(
            sock, server_side=True, do_handshake_on_connect=False
        ), address

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # failed handshakes are what several tests are about


StartServer = Callable[..., _Server]


@pytest.fixture
def start_server() -> Iterator[StartServer]:
    """Starts an HTTP(S) server: ``start_server(leaf_cert, client_ca=..., tls13=...)``."""
    servers: list[_Server] = []

    def start(
        cert: trustme.LeafCert | None = None,
        *,
        client_ca: trustme.CA | None = None,
        optional_client_cert: bool = False,
        tls13: bool = True,
    ) -> _Server:
        context = None
        if cert is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            cert.configure_cert(context)
            if not tls13:
                context.maximum_version = ssl.TLSVersion.TLSv1_2
            if client_ca is not None:
                client_ca.configure_trust(context)
                context.verify_mode = (
                    ssl.CERT_OPTIONAL if optional_client_cert else ssl.CERT_REQUIRED
                )
        server = _Server(context)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def client_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def server_cert(ca: trustme.CA) -> trustme.LeafCert:
    return ca.issue_cert("127.0.0.1", "localhost")


def _write_client_files(leaf: trustme.LeafCert, folder: Path) -> tuple[str, str]:
    cert, key = folder / "client.crt", folder / "client.key"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    leaf.private_key_pem.write_to_path(str(key))
    return str(cert), str(key)


# --- server verification ----------------------------------------------------------------------


def test_a_custom_ca_bundle_is_trusted(
    start_server: StartServer, server_cert: trustme.LeafCert, ca_file: str
) -> None:
    server = start_server(server_cert)
    response = _send(f"https://127.0.0.1:{server.port}/a", _tls(ca_bundle=ca_file))
    assert (response.status, response.body) == (200, b"ok")


def test_without_the_ca_the_failure_says_the_authority_is_not_trusted(
    start_server: StartServer, server_cert: trustme.LeafCert
) -> None:
    server = start_server(server_cert)
    failure = _failure(f"https://127.0.0.1:{server.port}/").failure
    assert failure.kind is FailureKind.TLS
    assert "signed by an authority this computer does not trust" in failure.message
    assert "CA bundle" in failure.message


def test_verification_off_accepts_an_untrusted_server(
    start_server: StartServer, server_cert: trustme.LeafCert
) -> None:
    server = start_server(server_cert)
    response = _send(f"https://127.0.0.1:{server.port}/", _tls(verify=False))
    assert response.status == 200


def test_a_certificate_for_another_host_is_named(
    start_server: StartServer, ca: trustme.CA, ca_file: str
) -> None:
    server = start_server(ca.issue_cert("api.example.com"))
    failure = _failure(f"https://127.0.0.1:{server.port}/", _tls(ca_bundle=ca_file)).failure
    assert failure.kind is FailureKind.TLS
    assert "issued for a different host name" in failure.message


def test_an_expired_certificate_is_named(
    start_server: StartServer, ca: trustme.CA, ca_file: str
) -> None:
    utc = datetime.UTC
    expired = ca.issue_cert(
        "127.0.0.1",
        not_before=datetime.datetime(2020, 1, 1, tzinfo=utc),
        not_after=datetime.datetime(2021, 1, 1, tzinfo=utc),
    )
    server = start_server(expired)
    failure = _failure(f"https://127.0.0.1:{server.port}/", _tls(ca_bundle=ca_file)).failure
    assert failure.kind is FailureKind.TLS
    assert "certificate has expired" in failure.message


def test_plain_http_on_the_https_port_is_named(start_server: StartServer) -> None:
    server = start_server()
    failure = _failure(f"https://127.0.0.1:{server.port}/").failure
    assert failure.kind is FailureKind.TLS
    assert "does not speak TLS on this port" in failure.message


def test_equal_settings_share_connections_and_other_settings_get_their_own(
    start_server: StartServer, server_cert: trustme.LeafCert, ca_file: str
) -> None:
    server = start_server(server_cert)
    url = f"https://127.0.0.1:{server.port}/"

    async def go() -> None:
        client = HttpClient()
        try:
            await client.send(_request(url), _tls(ca_bundle=ca_file))
            await client.send(_request(url), _tls(ca_bundle=ca_file))
            assert server.connections == 1
            await client.send(_request(url), _tls(verify=False))
            assert server.connections == 2
        finally:
            await client.aclose()

    asyncio.run(go())


# --- client certificates ----------------------------------------------------------------------


@pytest.mark.parametrize("tls13", [True, False], ids=["tls1.3", "tls1.2"])
def test_a_server_that_requires_a_client_certificate(
    start_server: StartServer,
    server_cert: trustme.LeafCert,
    client_ca: trustme.CA,
    ca_file: str,
    tmp_path: Path,
    tls13: bool,
) -> None:
    server = start_server(server_cert, client_ca=client_ca, tls13=tls13)
    url = f"https://127.0.0.1:{server.port}/"
    cert, key = _write_client_files(client_ca.issue_cert("client@example.com"), tmp_path)

    response = _send(url, _tls(ca_bundle=ca_file, client_cert=cert, client_key=key))
    assert response.status == 200

    failure = _failure(url, _tls(ca_bundle=ca_file)).failure
    assert failure.kind is FailureKind.TLS
    # TLS 1.2 servers answer with a bare "handshake failure", so the cause is only likely.
    expected = (
        "the server requires a client certificate, and none was sent"
        if tls13
        else "it may require a client certificate, and none is set"
    )
    assert expected in failure.message
    assert "Set a client certificate and key in the TLS settings" in failure.message


def test_a_client_certificate_from_an_authority_the_server_does_not_trust_is_named(
    start_server: StartServer,
    server_cert: trustme.LeafCert,
    client_ca: trustme.CA,
    ca_file: str,
    tmp_path: Path,
) -> None:
    server = start_server(server_cert, client_ca=client_ca)
    cert, key = _write_client_files(trustme.CA().issue_cert("stranger"), tmp_path)
    settings = _tls(ca_bundle=ca_file, client_cert=cert, client_key=key)
    failure = _failure(f"https://127.0.0.1:{server.port}/", settings).failure
    assert failure.kind is FailureKind.TLS
    assert f'rejected the client certificate "{cert}"' in failure.message
    assert "does not trust the authority" in failure.message


def test_a_server_that_hangs_up_without_a_client_certificate_suggests_one(
    start_server: StartServer, server_cert: trustme.LeafCert, client_ca: trustme.CA, ca_file: str
) -> None:
    server = start_server(server_cert, client_ca=client_ca, optional_client_cert=True)
    server.hang_up_without_cert = True
    failure = _failure(f"https://127.0.0.1:{server.port}/", _tls(ca_bundle=ca_file)).failure
    assert failure.kind is FailureKind.DROPPED
    assert "may require a client certificate, and none is set" in failure.message


def test_one_file_with_certificate_and_key_needs_no_key_setting(
    start_server: StartServer,
    server_cert: trustme.LeafCert,
    client_ca: trustme.CA,
    ca_file: str,
    tmp_path: Path,
) -> None:
    server = start_server(server_cert, client_ca=client_ca)
    both = tmp_path / "client.pem"
    client_ca.issue_cert("client").private_key_and_cert_chain_pem.write_to_path(str(both))
    response = _send(
        f"https://127.0.0.1:{server.port}/", _tls(ca_bundle=ca_file, client_cert=str(both))
    )
    assert response.status == 200


@pytest.fixture
def encrypted_client_files(client_ca: trustme.CA, tmp_path: Path) -> tuple[str, str]:
    leaf = client_ca.issue_cert("client")
    cert, _ = _write_client_files(leaf, tmp_path)
    key = serialization.load_pem_private_key(leaf.private_key_pem.bytes(), password=None)
    encrypted = tmp_path / "encrypted.key"
    encrypted.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(PASSPHRASE.encode()),
        )
    )
    return cert, str(encrypted)


def test_an_encrypted_key_opens_with_its_passphrase(
    start_server: StartServer,
    server_cert: trustme.LeafCert,
    client_ca: trustme.CA,
    ca_file: str,
    encrypted_client_files: tuple[str, str],
) -> None:
    server = start_server(server_cert, client_ca=client_ca)
    cert, key = encrypted_client_files
    settings = _tls(ca_bundle=ca_file, client_cert=cert, client_key=key, key_passphrase=PASSPHRASE)
    assert _send(f"https://127.0.0.1:{server.port}/", settings).status == 200


@pytest.mark.parametrize(
    ("passphrase", "expected"),
    [
        ("wrong", "The key passphrase does not unlock the client key"),
        ("", "is protected by a passphrase. Set the key passphrase"),
    ],
    ids=["wrong", "missing"],
)
def test_a_wrong_or_missing_passphrase_is_a_sentence(
    encrypted_client_files: tuple[str, str], passphrase: str, expected: str
) -> None:
    cert, key = encrypted_client_files
    settings = _tls(client_cert=cert, client_key=key, key_passphrase=passphrase)
    failure = _failure("https://127.0.0.1:9/", settings).failure
    assert failure.kind is FailureKind.TLS
    assert expected in failure.message
    assert f'"{key}"' in failure.message


def test_a_missing_certificate_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "client.crt"
    failure = _failure("https://127.0.0.1:9/", _tls(client_cert=str(missing))).failure
    assert failure.kind is FailureKind.TLS
    assert f'The client certificate file "{missing}" does not exist' in failure.message
    assert "TLS settings" in failure.message


def test_a_missing_ca_bundle_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "ca.pem"
    failure = _failure("https://127.0.0.1:9/", _tls(ca_bundle=str(missing))).failure
    assert f'The CA bundle file "{missing}" does not exist' in failure.message


def test_files_that_are_not_pem_are_named(
    tmp_path: Path, client_ca: trustme.CA, ca_file: str
) -> None:
    junk = tmp_path / "junk.p12"
    junk.write_bytes(b"\x30\x82\x01\x00 not pem")
    cert, _ = _write_client_files(client_ca.issue_cert("client"), tmp_path)

    not_ca = _failure("https://127.0.0.1:9/", _tls(ca_bundle=str(junk))).failure
    assert f'The CA bundle "{junk}" holds no PEM certificates' in not_ca.message
    not_cert = _failure("https://127.0.0.1:9/", _tls(client_cert=str(junk))).failure
    assert f'"{junk}" is not a PEM certificate' in not_cert.message
    not_key = _failure("https://127.0.0.1:9/", _tls(client_cert=cert, client_key=str(junk))).failure
    assert f'The client key file "{junk}" holds no PEM private key' in not_key.message
    no_key = _failure("https://127.0.0.1:9/", _tls(client_cert=cert)).failure
    assert "holds no private key. Set the client key file" in no_key.message


def test_a_key_that_belongs_to_another_certificate_is_named(
    tmp_path: Path, client_ca: trustme.CA
) -> None:
    cert, _ = _write_client_files(client_ca.issue_cert("one"), tmp_path)
    other = tmp_path / "other.key"
    client_ca.issue_cert("two").private_key_pem.write_to_path(str(other))
    settings = _tls(client_cert=cert, client_key=str(other))
    failure = _failure("https://127.0.0.1:9/", settings).failure
    assert f'The client key "{other}" does not belong to the client certificate' in (
        failure.message
    )


def test_the_passphrase_stays_out_of_the_settings_repr() -> None:
    assert PASSPHRASE not in repr(_tls(key_passphrase=PASSPHRASE))


# --- proxies ----------------------------------------------------------------------------------


def _read_head(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def _pump(source: socket.socket, target: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            target.sendall(chunk)
        target.shutdown(socket.SHUT_WR)
    except OSError:
        pass


class _ForwardProxy:
    """A plain HTTP proxy: absolute-form requests are forwarded, CONNECT opens a tunnel."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            head = _read_head(conn)
            request_line, _, rest = head.partition(b"\r\n")
            method, target, version = request_line.decode("latin-1").split(" ")
            self.seen.append(f"{method} {target}")
            if method == "CONNECT":
                host, port = target.rsplit(":", 1)
                with socket.create_connection((host, int(port))) as upstream:
                    conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    back = threading.Thread(target=_pump, args=(upstream, conn), daemon=True)
                    back.start()
                    _pump(conn, upstream)
                    back.join(5)
                return
            parts = urlsplit(target)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            headers = [
                line
                for line in rest.split(b"\r\n")
                if line and not line.lower().startswith(b"connection:")
            ]
            with socket.create_connection((parts.hostname, parts.port or 80)) as upstream:
                upstream.sendall(
                    f"{method} {path} {version}\r\n".encode()
                    + b"\r\n".join([*headers, b"Connection: close"])
                    + b"\r\n\r\n"
                )
                _pump(upstream, conn)

    def close(self) -> None:
        self._listener.close()


@pytest.fixture
def proxy() -> Iterator[_ForwardProxy]:
    running = _ForwardProxy()
    yield running
    running.close()


def _proxy(**values: Any) -> TransportSettings:
    return TransportSettings(proxy=ProxySettings(**values))


def test_manual_mode_sends_through_the_proxy(
    start_server: StartServer, proxy: _ForwardProxy
) -> None:
    server = start_server()
    url = f"http://127.0.0.1:{server.port}/via?x=1"
    response = _send(url, _proxy(mode=ProxyMode.MANUAL, http_proxy=proxy.url))
    assert response.status == 200
    assert proxy.seen == [f"GET {url}"]
    assert server.paths == ["/via?x=1"]


def test_manual_mode_tunnels_https_through_the_proxy_and_still_verifies(
    start_server: StartServer, proxy: _ForwardProxy, server_cert: trustme.LeafCert, ca_file: str
) -> None:
    server = start_server(server_cert)
    settings = TransportSettings(
        tls=TlsSettings(ca_bundle=ca_file),
        proxy=ProxySettings(mode=ProxyMode.MANUAL, https_proxy=proxy.url),
    )
    assert _send(f"https://127.0.0.1:{server.port}/", settings).status == 200
    assert proxy.seen == [f"CONNECT 127.0.0.1:{server.port}"]

    untrusted = TransportSettings(proxy=settings.proxy)
    failure = _failure(f"https://127.0.0.1:{server.port}/", untrusted).failure
    assert "does not trust" in failure.message


def test_none_mode_goes_direct_even_when_the_system_has_a_proxy(
    start_server: StartServer, proxy: _ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    server = start_server()
    response = _send(f"http://127.0.0.1:{server.port}/", _proxy(mode=ProxyMode.NONE))
    assert response.status == 200
    assert proxy.seen == []


def test_no_proxy_hosts_go_direct(start_server: StartServer, proxy: _ForwardProxy) -> None:
    server = start_server()
    settings = _proxy(
        mode=ProxyMode.MANUAL, http_proxy=proxy.url, no_proxy="example.com, 127.0.0.1"
    )
    assert _send(f"http://127.0.0.1:{server.port}/", settings).status == 200
    assert proxy.seen == []


@pytest.fixture
def clean_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUEST_METHOD"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


def test_system_mode_honours_the_environment(
    start_server: StartServer, proxy: _ForwardProxy, clean_proxy_env: pytest.MonkeyPatch
) -> None:
    clean_proxy_env.setenv("HTTP_PROXY", proxy.url)
    server = start_server()
    url = f"http://127.0.0.1:{server.port}/sys"
    assert _send(url).status == 200
    assert proxy.seen == [f"GET {url}"]

    clean_proxy_env.setenv("NO_PROXY", "127.0.0.1")
    assert _send(url).status == 200
    assert len(proxy.seen) == 1


def test_a_proxy_that_is_not_running_is_named(start_server: StartServer) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        dead = int(probe.getsockname()[1])
    server = start_server()
    settings = _proxy(mode=ProxyMode.MANUAL, http_proxy=f"127.0.0.1:{dead}")
    failure = _failure(f"http://127.0.0.1:{server.port}/", settings).failure
    assert failure.kind is FailureKind.CONNECTION_REFUSED
    assert f"the proxy at 127.0.0.1:{dead} was refused" in failure.message


def test_an_unsupported_proxy_is_a_sentence() -> None:
    settings = _proxy(mode=ProxyMode.MANUAL, http_proxy="socks5://127.0.0.1:1080")
    failure = _failure("http://127.0.0.1:9/", settings).failure
    assert 'The proxy "socks5://127.0.0.1:1080" cannot be used' in failure.message


def test_proxy_credentials_never_appear_in_a_message() -> None:
    settings = _proxy(mode=ProxyMode.MANUAL, http_proxy="socks5://me:pa55word@127.0.0.1:1080")
    failure = _failure("http://127.0.0.1:9/", settings).failure
    assert 'The proxy "socks5://127.0.0.1:1080" cannot be used' in failure.message
    assert "pa55word" not in failure.message and "me:" not in failure.message


@pytest.mark.parametrize(
    ("no_proxy", "url", "direct"),
    [
        ("", "http://api.example.com/", False),
        ("example.com", "http://api.example.com/", True),
        ("example.com", "http://example.com/", True),
        (".example.com", "http://example.com/", True),
        ("*.example.com", "http://api.example.com/", True),
        ("example.com", "http://badexample.com/", False),
        ("*", "http://anything.test/", True),
        ("10.0.0.0/8", "http://10.1.2.3/", True),
        ("10.0.0.0/8", "http://11.1.2.3/", False),
        ("::1", "http://[::1]:8080/", True),
        ("localhost:8080", "http://localhost:8080/", True),
        ("localhost:8080", "http://localhost:9090/", False),
        ("a.test,  EXAMPLE.com", "http://Example.COM./", True),
    ],
)
def test_no_proxy_entries(no_proxy: str, url: str, direct: bool) -> None:
    settings = ProxySettings(mode=ProxyMode.MANUAL, http_proxy="proxy:3128", no_proxy=no_proxy)
    assert settings.proxy_for(url) == ("" if direct else "http://proxy:3128")


def test_each_scheme_has_its_own_proxy() -> None:
    settings = ProxySettings(mode=ProxyMode.MANUAL, https_proxy="https://secure:8443")
    assert settings.proxy_for("http://h/") == ""
    assert settings.proxy_for("https://h/") == "https://secure:8443"
    system = ProxySettings().resolved({"all": "http://all:1", "no": "h"})
    assert system.proxy_for("https://other/") == "http://all:1"
    assert system.proxy_for("https://h/") == ""


def test_by_default_the_system_trust_store_decides(
    start_server: StartServer,
    server_cert: trustme.LeafCert,
    ca_file: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # On Linux the system store is OpenSSL's default paths, which SSL_CERT_FILE points at:
    # a CA "installed" there is trusted without any setting in the app.
    server = start_server(server_cert)
    url = f"https://127.0.0.1:{server.port}/"
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    assert _send(url).status == 200

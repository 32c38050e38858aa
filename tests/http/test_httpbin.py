"""httpbin (a public HTTP test server nobody here wrote) on 127.0.0.1, through the app's
engine (``Pipeline`` and ``HttpClient``), next to what curl receives for the same request
(issue 13): status, decoded body, headers.

curl is given the headers the app sent (Accept, Accept-Encoding, User-Agent…; it adds Host
and Content-Length itself), so the endpoints that echo the request answer both with the same
bytes. Without curl every test still checks the app; only the comparison is left out, and
``test_curl_is_here_for_the_comparisons`` is skipped to say so.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpbin
import pytest
from werkzeug.serving import make_server

from app.core.collection import AuthKind, AuthSpec, SavedRequest
from app.core.exchange import Exchange
from app.core.prepare import PreparedRequest
from app.core.response import ResponseData
from app.http.client import as_sent
from app.services.pipeline import Outcome, OutcomeKind, Pipeline
from app.services.workspace import Workspace

CURL = shutil.which("curl")


@contextlib.contextmanager
def httpbin_server() -> Iterator[str]:
    """httpbin in a thread on 127.0.0.1 (werkzeug's threaded server, HTTP/1.1, chunked
    streams as httpbin.org sends them); its base URL."""
    server = make_server("127.0.0.1", 0, httpbin.app, threaded=True)
    # A short poll: shutdown() waits for the loop to look, 0.5 s by default.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with httpbin_server() as url:
        yield url


# --- the app and curl ------------------------------------------------------------------------


def send(request: SavedRequest) -> Outcome:
    """``request`` through the pipeline, as the window and ``api-explorer run`` send it."""
    pipeline = Pipeline(Workspace())

    async def main() -> Outcome:
        try:
            return await pipeline.run(request, timeout_seconds=10)
        finally:
            await pipeline.aclose()

    return Pipeline.as_sent(asyncio.run(main()))


def exchange_of(outcome: Outcome) -> Exchange:
    assert outcome.kind is OutcomeKind.RESPONDED, outcome.message
    assert outcome.exchange is not None
    return outcome.exchange


def first_request(outcome: Outcome) -> PreparedRequest:
    """The first request of ``outcome`` exactly as it went on the wire (signed)."""
    assert outcome.plan is not None
    signed = Pipeline.sign(outcome.plan)
    assert isinstance(signed, PreparedRequest), signed
    return as_sent(signed)


@dataclass(frozen=True)
class CurlResponse:
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


@dataclass(frozen=True)
class CurlResult:
    """What ``curl --compressed -s`` received: every response (one per hop with ``-L``) and
    the last one's decoded body."""

    responses: tuple[CurlResponse, ...]
    body: bytes
    returncode: int

    @property
    def last(self) -> CurlResponse:
        return self.responses[-1]


def _parse_heads(dump: bytes) -> tuple[CurlResponse, ...]:
    responses: list[CurlResponse] = []
    for block in dump.decode("latin-1").split("\r\n\r\n"):
        lines = block.split("\r\n")
        if not lines[0].startswith("HTTP/"):
            continue
        _, status, *reason = lines[0].split(" ", 2)
        headers = tuple(
            (name.strip(), value.strip())
            for name, value in (line.split(":", 1) for line in lines[1:] if ":" in line)
        )
        responses.append(CurlResponse(int(status), " ".join(reason), headers))
    return tuple(responses)


def curl(request: PreparedRequest, *, follow: bool = False) -> CurlResult:
    """``request`` sent again by curl, with the same method, URL, headers and body."""
    assert CURL is not None
    with tempfile.TemporaryDirectory() as folder:
        heads, body = Path(folder) / "heads", Path(folder) / "body"
        # -q first: no ~/.curlrc; --noproxy: loopback only, whatever the environment says.
        args = [CURL, "-q", "-s", "--compressed", "--noproxy", "*", "--max-time", "10"]
        args += ["-D", str(heads), "-o", str(body), "-X", request.method]
        if follow:
            args.append("-L")
        for name, value in request.headers:
            if name.lower() not in ("host", "content-length"):
                args += ["-H", f"{name}: {value}"]
        if request.body:
            args += ["--data-binary", "@-"]
        args.append(request.url)
        ran = subprocess.run(args, input=request.body, capture_output=True, timeout=20)
        return CurlResult(
            _parse_heads(heads.read_bytes()),
            body.read_bytes() if body.exists() else b"",
            ran.returncode,
        )


def _comparable(headers: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """Headers as a sorted list of (lower-case name, value), without Date (a second may tick
    between the two requests)."""
    return sorted((k.lower(), v) for k, v in headers if k.lower() != "date")


def same_as_curl(outcome: Outcome, *, follow: bool = False, curl_fails: bool = False) -> None:
    """The app received what curl receives for the same request: status and reason, every
    response header, the decoded body and, when following, each hop's status and Location.
    Nothing to compare without curl (``test_curl_is_here_for_the_comparisons`` says so)."""
    if CURL is None:
        return
    response = exchange_of(outcome).response
    got = curl(first_request(outcome), follow=follow)
    if curl_fails:
        assert got.returncode != 0
    else:
        assert got.returncode == 0, f"curl exited with {got.returncode}"
    assert (response.status, response.reason) == (got.last.status, got.last.reason)
    assert response.header("Content-Type") == got.last.header("Content-Type")
    assert _comparable(response.headers) == _comparable(got.last.headers)
    assert response.body == got.body
    hops = exchange_of(outcome).redirects
    assert [(h.status, h.location) for h in hops] == [
        (r.status, r.header("Location")) for r in got.responses[:-1]
    ]


def test_curl_is_here_for_the_comparisons() -> None:
    if CURL is None:
        pytest.skip("curl is not installed: the httpbin tests ran without comparing with curl")
    version = subprocess.run([CURL, "--version"], capture_output=True, text=True, check=True)
    # The encodings compared below are decoded by this curl too.
    features = version.stdout.lower()
    assert "brotli" in features and "libz" in features


# --- content encodings -------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "flag"), [("/brotli", "brotli"), ("/gzip", "gzipped")])
def test_brotli_and_gzip_bodies_are_decoded(base: str, path: str, flag: str) -> None:
    outcome = send(SavedRequest("r", url=base + path))
    exchange = exchange_of(outcome)
    response = exchange.response
    assert response.status == 200
    assert response.header("Content-Encoding") == ("br" if path == "/brotli" else "gzip")
    assert response.encoding_problem is None and exchange.json_problem is None
    assert exchange.is_json and isinstance(exchange.document, dict)
    assert exchange.document[flag] is True
    assert exchange.error is None
    same_as_curl(outcome)


def test_deflate_bodies_are_decoded(base: str) -> None:
    # httpbin's /deflate is a zlib stream (RFC 1950), as "deflate" means in HTTP.
    outcome = send(SavedRequest("r", url=base + "/deflate"))
    exchange = exchange_of(outcome)
    assert exchange.response.header("Content-Encoding") == "deflate"
    assert isinstance(exchange.document, dict) and exchange.document["deflated"] is True
    same_as_curl(outcome)


def test_the_accept_encoding_sent_names_every_encoding_the_app_decodes(base: str) -> None:
    outcome = send(SavedRequest("r", url=base + "/headers"))
    document = exchange_of(outcome).document
    assert isinstance(document, dict)
    assert document["headers"]["Accept-Encoding"] == "gzip, deflate, br, zstd"


# --- binary bodies -----------------------------------------------------------------------------


def test_a_png_is_binary_and_arrives_byte_for_byte(base: str) -> None:
    outcome = send(SavedRequest("r", url=base + "/image/png"))
    exchange = exchange_of(outcome)
    response = exchange.response
    assert response.status == 200 and response.content_type == "image/png"
    assert exchange.binary and not exchange.is_json and exchange.json_problem is None
    assert response.body.startswith(b"\x89PNG\r\n\x1a\n")
    same_as_curl(outcome)


def test_random_bytes_are_binary_and_arrive_byte_for_byte(base: str) -> None:
    # A seed makes httpbin send the same 1,024 random bytes to the app and to curl.
    outcome = send(SavedRequest("r", url=base + "/bytes/1024?seed=13"))
    exchange = exchange_of(outcome)
    response = exchange.response
    assert response.content_type == "application/octet-stream"
    assert len(response.body) == 1024 and exchange.binary
    same_as_curl(outcome)


# --- redirects ---------------------------------------------------------------------------------


def test_a_redirect_chain_is_shown_as_sent_when_not_followed(base: str) -> None:
    outcome = send(SavedRequest("r", url=base + "/redirect/2"))
    exchange = exchange_of(outcome)
    assert exchange.response.status == 302
    assert exchange.response.header("Location") == "/relative-redirect/1"
    assert exchange.redirects == () and exchange.redirect_stop is None
    same_as_curl(outcome)


def test_a_redirect_chain_is_followed_to_its_end(base: str) -> None:
    outcome = send(SavedRequest("r", url=base + "/redirect/2", follow_redirects=True))
    exchange = exchange_of(outcome)
    assert exchange.response.status == 200
    assert [(h.status, h.location) for h in exchange.redirects] == [
        (302, "/relative-redirect/1"),
        (302, "/get"),
    ]
    assert [h.url for h in exchange.redirects] == [base + "/relative-redirect/1", base + "/get"]
    assert outcome.request is not None and outcome.request.url == base + "/get"
    assert isinstance(exchange.document, dict) and exchange.document["url"] == base + "/get"
    same_as_curl(outcome, follow=True)


@pytest.mark.parametrize("follow", [False, True])
def test_redirect_to_an_absolute_url(base: str, follow: bool) -> None:
    target = base + "/anything/landed"
    url = f"{base}/redirect-to?url={quote(target, safe='')}&status_code=307"
    outcome = send(SavedRequest("r", url=url, follow_redirects=follow))
    exchange = exchange_of(outcome)
    if follow:
        assert exchange.response.status == 200
        assert [(h.status, h.location) for h in exchange.redirects] == [(307, target)]
        assert isinstance(exchange.document, dict) and exchange.document["url"] == target
    else:
        assert exchange.response.status == 307
        assert exchange.response.header("Location") == target
    same_as_curl(outcome, follow=follow)


def test_redirect_to_javascript_is_never_followed(base: str) -> None:
    url = f"{base}/redirect-to?url={quote('javascript:alert(1)', safe='')}"
    outcome = send(SavedRequest("r", url=url, follow_redirects=True))
    exchange = exchange_of(outcome)
    assert exchange.response.status == 302
    assert exchange.response.header("Location") == "javascript:alert(1)"
    assert exchange.redirects == ()
    assert exchange.redirect_stop == (
        'Not followed: the server redirected to a "javascript:" URL; only http and https '
        "redirects are followed."
    )
    # curl stops there too, with an error ("Protocol "javascript" not supported").
    same_as_curl(outcome, follow=True, curl_fails=True)


# --- JSON lines --------------------------------------------------------------------------------


def test_a_stream_of_json_lines_is_read_as_twenty_items(base: str) -> None:
    outcome = send(SavedRequest("r", url=base + "/stream/20"))
    exchange = exchange_of(outcome)
    response = exchange.response
    assert response.status == 200 and response.header("Transfer-Encoding") == "chunked"
    assert exchange.is_json and exchange.json_lines and exchange.json_problem is None
    assert isinstance(exchange.document, list)
    assert [item["id"] for item in exchange.document] == list(range(20))
    assert exchange.error is None
    same_as_curl(outcome)


# --- statuses that are not 2xx -----------------------------------------------------------------


@pytest.mark.parametrize(("status", "reason"), [(304, "NOT MODIFIED"), (302, "FOUND")])
def test_a_304_and_a_302_are_explained_not_decoded_as_a_paysera_error(
    base: str, status: int, reason: str
) -> None:
    outcome = send(SavedRequest("r", url=f"{base}/status/{status}"))
    exchange = exchange_of(outcome)
    response = exchange.response
    assert (response.status, response.reason, response.body) == (status, reason, b"")
    # No error object: the window explains the status instead of opening the error panel.
    assert exchange.error is not None and exchange.error.code is None
    assert exchange.json_problem is None and exchange.text_problem is None
    if status == 302:
        assert response.header("Location") == "/redirect/1"
    same_as_curl(outcome)


def test_a_500_without_a_correlation_id_does_not_ask_for_one(base: str) -> None:
    outcome = send(SavedRequest("r", url=base + "/status/500"))
    exchange = exchange_of(outcome)
    assert exchange.response.status == 500
    error = exchange.error
    assert error is not None and error.code is None and error.correlation_id is None
    assert "correlation" not in error.advice and "correlation" not in error.status_explanation
    same_as_curl(outcome)


# --- charset and Raw ---------------------------------------------------------------------------


def test_utf8_text_is_read_by_its_charset_and_raw_is_the_bytes_received(base: str) -> None:
    outcome = send(SavedRequest("r", url=base + "/encoding/utf8"))
    exchange = exchange_of(outcome)
    response: ResponseData = exchange.response
    assert response.header("Content-Type") == "text/html; charset=utf-8"
    assert response.charset == "utf-8" and exchange.text_problem is None
    assert not exchange.binary and not exchange.is_json
    raw = "".join(response.iter_text())  # what the Raw view shows
    assert raw.encode("utf-8") == response.body
    assert "∮ E⋅da = Q" in raw
    same_as_curl(outcome)


# --- the headers that went on the wire ---------------------------------------------------------


def _echoed(exchange: Exchange) -> dict[str, str]:
    document = exchange.document
    assert isinstance(document, dict)
    headers = document["headers"]
    assert isinstance(headers, dict)
    return {k.lower(): v for k, v in headers.items()}


def test_headers_shows_exactly_the_headers_that_went_on_the_wire(base: str) -> None:
    outcome = send(SavedRequest("r", url=base + "/headers"))
    assert outcome.request is not None
    sent = {k.lower(): v for k, v in outcome.request.headers}
    assert sent == _echoed(exchange_of(outcome))
    port = base.rsplit(":", 1)[1]
    assert sent["host"] == f"127.0.0.1:{port}"
    assert sent["accept"] == "application/json"
    assert sent["accept-encoding"] == "gzip, deflate, br, zstd"
    same_as_curl(outcome)


def test_a_post_with_a_body_sends_its_content_length(base: str) -> None:
    body = '{"amount": "10.12", "payer": "Zoë"}'
    outcome = send(SavedRequest("r", method="POST", url=base + "/anything?x=1", body=body))
    exchange = exchange_of(outcome)
    assert outcome.request is not None
    sent = {k.lower(): v for k, v in outcome.request.headers}
    assert sent["content-length"] == str(len(body.encode()))
    assert sent == _echoed(exchange)
    document = exchange.document
    assert isinstance(document, dict)
    assert (document["method"], document["data"]) == ("POST", body)
    assert document["json"] == json.loads(body) and document["args"] == {"x": "1"}
    same_as_curl(outcome)


def test_anything_echoes_a_get_without_a_body_length(base: str) -> None:
    outcome = send(SavedRequest("r", url=base + "/anything"))
    exchange = exchange_of(outcome)
    assert outcome.request is not None
    sent = {k.lower(): v for k, v in outcome.request.headers}
    assert "content-length" not in sent and sent == _echoed(exchange)
    same_as_curl(outcome)


# --- basic auth --------------------------------------------------------------------------------


def test_basic_auth_from_the_auth_tab_is_accepted(base: str) -> None:
    auth = AuthSpec(AuthKind.BASIC, (("username", "user"), ("password", "pass")))
    outcome = send(SavedRequest("r", url=base + "/basic-auth/user/pass", auth=auth))
    exchange = exchange_of(outcome)
    assert exchange.response.status == 200
    assert exchange.document == {"authenticated": True, "user": "user"}
    same_as_curl(outcome)


def test_basic_auth_from_the_urls_user_info_is_accepted(base: str) -> None:
    url = base.replace("http://", "http://user:pass@") + "/basic-auth/user/pass"
    outcome = send(SavedRequest("r", url=url))
    exchange = exchange_of(outcome)
    assert exchange.response.status == 200
    assert exchange.document == {"authenticated": True, "user": "user"}
    same_as_curl(outcome)


def test_basic_auth_without_credentials_is_a_401_with_its_challenge(base: str) -> None:
    outcome = send(SavedRequest("r", url=base + "/basic-auth/user/pass"))
    exchange = exchange_of(outcome)
    assert exchange.response.status == 401
    assert exchange.response.header("WWW-Authenticate") == 'Basic realm="Fake Realm"'
    assert exchange.error is not None and exchange.error.status == 401
    same_as_curl(outcome)

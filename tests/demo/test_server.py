"""The demo API over real loopback HTTP: what the explorer will see on the wire."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from app.core.mac import (
    body_hash_ext,
    build_mac_header,
    mac_signature,
    new_nonce,
    normalized_string,
)
from app.demo import DemoServer
from app.demo.server import DEMO_MAC_ID, DEMO_MAC_KEY

JSON_TYPE = "application/json;charset=utf-8"


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def correlation_id(self) -> str | None:
        return self.headers.get("paysera-correlation-id")


def connect(server: DemoServer, timeout: float = 5.0) -> http.client.HTTPConnection:
    parts = urlsplit(server.base_url)
    assert parts.hostname is not None
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)


def call(
    server: DemoServer,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    connection: http.client.HTTPConnection | None = None,
) -> Reply:
    conn = connection or connect(server)
    try:
        conn.request(method, "/rest/v1" + path, body=body, headers=headers or {})
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        if connection is None:
            conn.close()


def post_json(server: DemoServer, path: str, value: Any) -> Reply:
    body = json.dumps(value).encode()
    return call(server, "POST", path, body, {"Content-Type": "application/json"})


def assert_error(reply: Reply, status: int, error: str, description: str | None = None) -> Any:
    assert reply.status == status
    assert reply.headers["Content-Type"] == JSON_TYPE
    body = reply.json()
    assert body["error"] == error
    if description is not None:
        assert body["error_description"] == description
    # Optional members are omitted, never null.
    assert None not in body.values()
    return body


@pytest.fixture(scope="module")
def shared() -> Iterator[DemoServer]:
    """A server for tests that only read; tests that change state use `server`."""
    with DemoServer() as demo:
        yield demo


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer() as demo:
        yield demo


# --------------------------------------------------------------------------- resources


def test_server_time_is_current_unix_seconds(shared: DemoServer) -> None:
    reply = call(shared, "GET", "/server")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == JSON_TYPE
    server_time = reply.json()["time"]
    assert isinstance(server_time, int)
    assert abs(server_time - time.time()) < 5


def test_payment_list_pages_with_metadata(shared: DemoServer) -> None:
    first = call(shared, "GET", "/payments?limit=2")
    assert first.status == 200
    body = first.json()
    assert [item["id"] for item in body["items"]] == [10145, 10146]
    assert body["_metadata"] == {"has_next": True, "has_previous": False}

    rest = call(shared, "GET", "/payments?limit=2&offset=2").json()
    assert [item["id"] for item in rest["items"]] == [10147, 10148]
    assert rest["_metadata"] == {"has_next": False, "has_previous": True}


def test_payment_list_total_only_when_asked_for(shared: DemoServer) -> None:
    plain = call(shared, "GET", "/payments").json()
    assert "total" not in plain["_metadata"]
    assert len(plain["items"]) == 4

    counted = call(shared, "GET", "/payments?fields=*,_metadata.total").json()
    assert counted["_metadata"]["total"] == 4


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=ten", "limit"),
        ("limit=-1", "limit"),
        ("limit=501", "limit"),
        ("limit=", "limit"),
        ("offset=1.5", "offset"),
        ("offset=-3", "offset"),
    ],
)
def test_bad_paging_parameters_name_the_field(shared: DemoServer, query: str, field: str) -> None:
    body = assert_error(call(shared, "GET", f"/payments?{query}"), 400, "invalid_parameters")
    assert list(body["error_properties"]) == [field]
    assert body["errors"][0]["field"] == field


def test_limit_of_500_is_accepted(shared: DemoServer) -> None:
    assert call(shared, "GET", "/payments?limit=500").status == 200


def test_offset_past_the_cap_is_offset_too_large(shared: DemoServer) -> None:
    assert call(shared, "GET", "/payments?offset=10000").status == 200
    assert_error(call(shared, "GET", "/payments?offset=10001"), 400, "offset_too_large")


def test_payment_shape_and_exact_number_text_on_the_wire(shared: DemoServer) -> None:
    reply = call(shared, "GET", "/payments/10145")
    assert reply.status == 200
    payment = reply.json()
    assert payment["price"] == {"amount": "10.12", "currency": "EUR"}
    assert payment["status"] == "new"
    assert payment["big_id"] == 9007199254740993123
    # The literal text matters: a client that re-serialises a float would show 1.1.
    assert b'"rate": 1.10' in reply.body
    assert b"9007199254740993123" in reply.body


def test_optional_fields_are_omitted_not_null(shared: DemoServer) -> None:
    payment = call(shared, "GET", "/payments/10148").json()
    assert "description" not in payment
    assert None not in payment.values()


def test_non_ascii_text_is_sent_as_utf8(shared: DemoServer) -> None:
    reply = call(shared, "GET", "/payments/10147")
    assert "„Vilnius“".encode() in reply.body
    assert reply.json()["description"].startswith("Kavinė")


def test_missing_payment_echoes_the_id_verbatim(shared: DemoServer) -> None:
    assert_error(
        call(shared, "GET", "/payments/99999"), 404, "not_found", 'Payment "99999" was not found'
    )
    body = assert_error(call(shared, "GET", "/payments/%3Cb%3Ebold%3C%2Fb%3E"), 404, "not_found")
    assert body["error_description"] == 'Payment "<b>bold</b>" was not found'


def test_payment_of_another_project_is_forbidden(shared: DemoServer) -> None:
    assert_error(
        call(shared, "GET", "/payments/2"),
        403,
        "forbidden",
        "This resource is assigned to other project, client has no rights to read it",
    )


def test_create_payment(server: DemoServer) -> None:
    reply = post_json(
        server, "/payments", {"price": {"amount": "5.00", "currency": "EUR"}, "description": "Tea"}
    )
    assert reply.status == 200
    created = reply.json()
    assert created["status"] == "new"
    assert created["price"] == {"amount": "5.00", "currency": "EUR"}
    assert created["id"] not in {10145, 10146, 10147, 10148}
    assert call(server, "GET", f"/payments/{created['id']}").json() == created
    assert call(server, "GET", "/payments?fields=_metadata.total").json()["_metadata"]["total"] == 5


def test_create_payment_validation_lists_every_problem(server: DemoServer) -> None:
    reply = post_json(server, "/payments", {"price": {"amount": "", "currency": "euro"}})
    body = assert_error(
        reply, 400, "invalid_parameters", "Some required parameters are missing or invalid"
    )
    assert body["error_properties"] == {
        "price.amount": ["This value should not be blank."],
        "price.currency": ["Currency must be a 3-letter ISO code."],
    }
    assert body["errors"] == [
        {"code": "required", "message": "This value should not be blank.", "field": "price.amount"},
        {
            "code": "invalid_format",
            "message": "Currency must be a 3-letter ISO code.",
            "field": "price.currency",
        },
    ]
    assert call(server, "GET", "/payments?fields=_metadata.total").json()["_metadata"]["total"] == 4


def test_create_payment_without_price(server: DemoServer) -> None:
    body = assert_error(post_json(server, "/payments", {}), 400, "invalid_parameters")
    assert body["error_properties"] == {"price": ["This value should not be blank."]}


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"", b"\xff\xfe", b'{"a": NaN}'])
def test_create_payment_rejects_a_body_that_is_not_a_json_object(
    server: DemoServer, raw: bytes
) -> None:
    body = assert_error(call(server, "POST", "/payments", raw), 400, "invalid_request")
    assert body["error_description"]


def test_concurrent_creates_get_unique_ids(server: DemoServer) -> None:
    created: list[int] = []
    lock = threading.Lock()

    def create_ten() -> None:
        for _ in range(10):
            reply = post_json(server, "/payments", {"price": {"amount": "1", "currency": "EUR"}})
            with lock:
                created.append(reply.json()["id"])

    workers = [threading.Thread(target=create_ten) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(10)
    assert len(set(created)) == 80
    listed = call(server, "GET", "/payments?fields=_metadata.total").json()
    assert listed["_metadata"]["total"] == 84


def test_cancel_new_payment_then_again(server: DemoServer) -> None:
    reply = call(server, "POST", "/payments/10145/cancel")
    assert reply.status == 200
    assert reply.json()["status"] == "canceled"
    assert call(server, "GET", "/payments/10145").json()["status"] == "canceled"
    assert_error(call(server, "POST", "/payments/10145/cancel"), 409, "invalid_state")


def test_cancel_done_payment_is_invalid_state(server: DemoServer) -> None:
    assert_error(
        call(server, "POST", "/payments/10146/cancel"),
        409,
        "invalid_state",
        "Payment is already done",
    )
    assert call(server, "GET", "/payments/10146").json()["status"] == "done"


def test_cancel_missing_or_foreign_payment(server: DemoServer) -> None:
    assert_error(call(server, "POST", "/payments/777/cancel"), 404, "not_found")
    assert_error(call(server, "POST", "/payments/2/cancel"), 403, "forbidden")


def test_delete_payment(server: DemoServer) -> None:
    reply = call(server, "DELETE", "/payments/10147")
    assert reply.status == 200
    assert reply.json()["id"] == 10147
    assert_error(call(server, "GET", "/payments/10147"), 404, "not_found")
    assert_error(call(server, "DELETE", "/payments/10147"), 404, "not_found")


def test_wallet_needs_authorization(shared: DemoServer) -> None:
    body = assert_error(
        call(shared, "GET", "/wallet/me"),
        401,
        "unauthorized",
        "Authentication parameters are not provided or are incorrect",
    )
    assert body["error_uri"] == "https://developers.paysera.com/en/wallet/authentication"

    reply = call(shared, "GET", "/wallet/me", headers={"Authorization": "Bearer demo"})
    assert reply.status == 200
    assert reply.json()["id"] == 14


# --------------------------------------------------------------------------- MAC authentication

AUTH_DOCS = "https://developers.paysera.com/en/wallet/authentication"
TRANSFER = {"amount": {"amount": "2.50", "currency": "EUR"}, "purpose": "Rent"}


def mac_headers(
    server: DemoServer,
    method: str,
    target: str,
    body: bytes = b"",
    *,
    mac_id: str = DEMO_MAC_ID,
    key: str = DEMO_MAC_KEY,
    ts: int | None = None,
    nonce: str | None = None,
    host: str | None = None,
    port: int | None = None,
) -> dict[str, str]:
    """An Authorization header signed with app.core.mac, as a client would sign it."""
    parts = urlsplit(server.base_url)
    ts = int(time.time()) if ts is None else ts
    nonce = new_nonce() if nonce is None else nonce
    ext = body_hash_ext(body)
    text = normalized_string(
        ts,
        nonce,
        method,
        "/rest/v1" + target,
        host or parts.hostname or "",
        port or parts.port or 80,
        ext,
    )
    header = build_mac_header(mac_id, ts, nonce, mac_signature(key, text), ext)
    return {"Authorization": header, "Content-Type": "application/json"}


def signed_call(
    server: DemoServer, method: str, target: str, body: bytes = b"", **sign: Any
) -> Reply:
    headers = mac_headers(server, method, target, body, **sign)
    return call(server, method, target, body or None, headers)


def assert_unauthorized(reply: Reply, description: str, error: str = "unauthorized") -> None:
    body = assert_error(reply, 401, error, description)
    assert body["error_uri"] == AUTH_DOCS


def test_mac_wallet_with_a_correct_signature(shared: DemoServer) -> None:
    reply = signed_call(shared, "GET", "/mac/wallet")
    assert reply.status == 200, reply.body
    assert reply.json()["id"] == 14


def test_mac_signature_covers_the_raw_query(shared: DemoServer) -> None:
    target = "/mac/wallet?b=2&a=%20x"
    assert signed_call(shared, "GET", target).status == 200
    # The same query in another order (or decoded) is another request.
    headers = mac_headers(shared, "GET", "/mac/wallet?a=%20x&b=2")
    assert_unauthorized(call(shared, "GET", target, headers=headers), "MAC signature is invalid")


def test_mac_transfer_with_a_signed_body(shared: DemoServer) -> None:
    body = json.dumps(TRANSFER).encode()
    reply = signed_call(shared, "POST", "/mac/transfers", body)
    assert reply.status == 200, reply.body
    transfer = reply.json()
    assert transfer["amount"] == TRANSFER["amount"]
    assert transfer["purpose"] == "Rent"
    assert transfer["status"] == "new"


def test_mac_transfer_still_validates_the_body(shared: DemoServer) -> None:
    body = json.dumps({"amount": {"amount": "lots", "currency": "EUR"}}).encode()
    reply = signed_call(shared, "POST", "/mac/transfers", body)
    assert_error(reply, 400, "invalid_parameters")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer demo"},
        {"Authorization": 'MAC id="demo-client", ts="1"'},
        {"Authorization": 'MAC id="demo-client", ts="soon", nonce="n", mac="m"'},
    ],
)
def test_mac_endpoints_without_a_mac_header(shared: DemoServer, headers: dict[str, str]) -> None:
    assert_unauthorized(
        call(shared, "GET", "/mac/wallet", headers=headers),
        "Authentication parameters are not provided or are incorrect",
    )


@pytest.mark.parametrize(
    "sign",
    [
        {"key": "wrong-key"},
        {"mac_id": "someone-else"},
        {"host": "example.com"},
        {"port": 1},
    ],
)
def test_mac_with_a_wrong_key_id_or_host(shared: DemoServer, sign: dict[str, Any]) -> None:
    assert_unauthorized(
        signed_call(shared, "GET", "/mac/wallet", **sign), "MAC signature is invalid"
    )


def test_mac_timestamp_in_the_future(shared: DemoServer) -> None:
    reply = signed_call(shared, "GET", "/mac/wallet", ts=int(time.time()) + 400)
    assert_unauthorized(reply, "Timestamp is in future", "invalid_timestamp")


def test_mac_timestamp_too_old(shared: DemoServer) -> None:
    reply = signed_call(shared, "GET", "/mac/wallet", ts=int(time.time()) - 400)
    assert_unauthorized(reply, "Timestamp lifetime exceeded", "invalid_timestamp")


def test_mac_timestamp_within_the_window(shared: DemoServer) -> None:
    for skew in (-200, 200):
        assert signed_call(shared, "GET", "/mac/wallet", ts=int(time.time()) + skew).status == 200


def test_mac_replayed_nonce_is_refused(shared: DemoServer) -> None:
    headers = mac_headers(shared, "GET", "/mac/wallet")
    assert call(shared, "GET", "/mac/wallet", headers=headers).status == 200
    assert_unauthorized(
        call(shared, "GET", "/mac/wallet", headers=headers), "Nonce was already used"
    )


def test_mac_tampered_body_is_refused(shared: DemoServer) -> None:
    signed_body = json.dumps(TRANSFER).encode()
    sent_body = signed_body.replace(b"2.50", b"9.50")
    nonce = new_nonce()
    headers = mac_headers(shared, "POST", "/mac/transfers", signed_body, nonce=nonce)
    reply = call(shared, "POST", "/mac/transfers", sent_body, headers)
    assert_unauthorized(reply, "Body hash in ext does not match the request body")
    # A body with no ext at all is no better than one with a wrong ext.
    headers = mac_headers(shared, "POST", "/mac/transfers")
    reply = call(shared, "POST", "/mac/transfers", sent_body, headers)
    assert_unauthorized(reply, "Body hash in ext does not match the request body")
    # The refused request did not use up its nonce.
    reply = signed_call(shared, "POST", "/mac/transfers", signed_body, nonce=nonce)
    assert reply.status == 200


def test_mac_signed_for_another_method_is_refused(shared: DemoServer) -> None:
    headers = mac_headers(shared, "GET", "/mac/transfers")
    reply = call(shared, "POST", "/mac/transfers", json.dumps(TRANSFER).encode(), headers)
    assert reply.status == 401


# --------------------------------------------------------------------------- failure fixtures


def test_rate_limited_says_when_to_retry(shared: DemoServer) -> None:
    reply = call(shared, "GET", "/rate-limited")
    assert_error(reply, 429, "rate_limit_exceeded")
    assert reply.headers["Retry-After"] == "30"


def test_crash_is_an_internal_server_error(shared: DemoServer) -> None:
    assert_error(
        call(shared, "GET", "/crash"),
        500,
        "internal_server_error",
        "Unexpected internal system error",
    )


def test_handler_bug_becomes_500_and_server_keeps_serving(
    server: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> object:
        raise ZeroDivisionError("bug")

    # The store is reached through the public endpoint; breaking it simulates a handler bug.
    monkeypatch.setattr("app.demo.server._PaymentStore.page", broken)
    assert_error(call(server, "GET", "/payments"), 500, "internal_server_error")
    assert call(server, "GET", "/server").status == 200


def test_proxy_error_is_html_not_an_error_object(shared: DemoServer) -> None:
    reply = call(shared, "GET", "/proxy-error")
    assert reply.status == 502
    assert reply.headers["Content-Type"] == "text/html"
    assert b"<h1>502 Bad Gateway</h1>" in reply.body
    assert reply.correlation_id


def test_empty_error_has_no_body(shared: DemoServer) -> None:
    reply = call(shared, "GET", "/empty-error")
    assert reply.status == 503
    assert reply.body == b""
    assert reply.headers["Content-Length"] == "0"


def test_latin1_body_declares_its_charset(shared: DemoServer) -> None:
    reply = call(shared, "GET", "/latin1")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/plain; charset=iso-8859-1"
    assert reply.body == "Café crème".encode("latin-1")


def test_drop_sends_a_short_body_then_hangs_up(shared: DemoServer) -> None:
    conn = connect(shared)
    try:
        conn.request("GET", "/rest/v1/drop")
        response = conn.getresponse()
        assert response.status == 200
        assert response.headers["Content-Length"] == "1000"
        with pytest.raises(http.client.IncompleteRead) as caught:
            response.read()
        assert len(caught.value.partial) == 10
    finally:
        conn.close()


def test_large_body_has_the_requested_size(shared: DemoServer) -> None:
    reply = call(shared, "GET", "/large?size_mb=50")
    assert reply.status == 200
    assert 45 * 2**20 < len(reply.body) < 55 * 2**20
    assert reply.body.startswith(b'{"items": [{"id": ')


def test_large_default_is_valid_json_of_about_5_mb(shared: DemoServer) -> None:
    reply = call(shared, "GET", "/large")
    assert 4.5 * 2**20 < len(reply.body) < 5.5 * 2**20
    body = reply.json()
    assert body["_metadata"]["has_next"] is False
    assert body["items"][0]["price"]["currency"] == "EUR"


def test_large_by_item_count(shared: DemoServer) -> None:
    body = call(shared, "GET", "/large?items=1234").json()
    assert len(body["items"]) == 1234
    assert len({item["id"] for item in body["items"]}) == 1234


@pytest.mark.parametrize("query", ["size_mb=201", "size_mb=big", "items=-1", "size_mb=1&items=2"])
def test_large_rejects_bad_sizes(shared: DemoServer, query: str) -> None:
    assert_error(call(shared, "GET", f"/large?{query}"), 400, "invalid_parameters")


def test_slow_waits_then_answers(shared: DemoServer) -> None:
    started = time.perf_counter()
    reply = call(shared, "GET", "/slow?seconds=0.3")
    assert time.perf_counter() - started >= 0.3
    assert reply.status == 200
    assert reply.json() == {"waited": 0.3}
    assert_error(call(shared, "GET", "/slow?seconds=61"), 400, "invalid_parameters")


def test_slow_request_ends_promptly_when_server_stops() -> None:
    demo = DemoServer()
    demo.start()
    outcome: list[BaseException | Reply] = []

    def request_slow() -> None:
        try:
            outcome.append(call(demo, "GET", "/slow?seconds=30", connection=connect(demo, 10)))
        except (OSError, http.client.HTTPException) as exc:
            outcome.append(exc)

    client = threading.Thread(target=request_slow)
    client.start()
    time.sleep(0.2)  # let the request reach the handler
    started = time.perf_counter()
    demo.stop()
    client.join(5)
    assert time.perf_counter() - started < 1.0
    assert not client.is_alive()
    # No answer, just a closed connection: the client saw the server go away.
    assert len(outcome) == 1
    assert isinstance(outcome[0], http.client.RemoteDisconnected | ConnectionError)


def test_slow_handler_gives_up_when_the_client_leaves(server: DemoServer) -> None:
    def handler_threads() -> int:
        names = (thread.name for thread in threading.enumerate())
        return sum(name == "demo-api-connection" for name in names)

    conn = connect(server)
    conn.request("GET", "/rest/v1/slow?seconds=30")
    deadline = time.monotonic() + 2
    while handler_threads() == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert handler_threads() == 1
    conn.close()  # what Cancel does
    deadline = time.monotonic() + 2
    while handler_threads() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert handler_threads() == 0


# --------------------------------------------------------------------------- HTTP behaviour


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/server"),
        ("GET", "/payments"),
        ("GET", "/payments/10145"),
        ("GET", "/payments/2"),
        ("GET", "/nowhere"),
        ("PUT", "/payments"),
        ("GET", "/crash"),
        ("GET", "/rate-limited"),
        ("GET", "/proxy-error"),
        ("GET", "/empty-error"),
        ("GET", "/latin1"),
        ("OPTIONS", "/payments"),
        ("HEAD", "/server"),
    ],
)
def test_every_response_has_a_fresh_correlation_id(
    shared: DemoServer, method: str, path: str
) -> None:
    first = call(shared, method, path).correlation_id
    second = call(shared, method, path).correlation_id
    assert first is not None and second is not None
    assert uuid.UUID(first).version == 4
    assert first != second


def test_unknown_path_is_not_found(shared: DemoServer) -> None:
    assert_error(call(shared, "GET", "/payments/10145/refund"), 404, "not_found")
    assert_error(call(shared, "GET", "/payments/"), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/payments", "GET, POST, HEAD, OPTIONS"),
        ("POST", "/server", "GET, HEAD, OPTIONS"),
        ("GET", "/payments/10145/cancel", "POST, OPTIONS"),
        ("PATCH", "/payments/10145", "GET, DELETE, HEAD, OPTIONS"),
    ],
)
def test_wrong_method_is_405_reported_as_not_found(
    shared: DemoServer, method: str, path: str, allow: str
) -> None:
    reply = call(shared, method, path)
    assert_error(reply, 405, "not_found", "Provided method not allowed for this url")
    assert reply.headers["Allow"] == allow


def test_unrecognised_method_still_gets_an_error_object(shared: DemoServer) -> None:
    reply = call(shared, "BREW", "/server")
    assert_error(reply, 501, "invalid_request")
    assert reply.correlation_id


def test_head_has_get_headers_and_no_body(shared: DemoServer) -> None:
    get = call(shared, "GET", "/payments/10145")
    conn = connect(shared)
    try:
        conn.request("HEAD", "/rest/v1/payments/10145")
        head = conn.getresponse()
        assert head.status == 200
        assert head.read() == b""
        assert head.headers["Content-Type"] == JSON_TYPE
        assert head.headers["Content-Length"] == str(len(get.body))
        # The connection stays usable: no stray body bytes were sent.
        conn.request("GET", "/rest/v1/server")
        assert conn.getresponse().status == 200
    finally:
        conn.close()


def test_options_lists_allowed_methods(shared: DemoServer) -> None:
    reply = call(shared, "OPTIONS", "/payments")
    assert reply.status == 204
    assert reply.body == b""
    assert reply.headers["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert_error(call(shared, "OPTIONS", "/nowhere"), 404, "not_found")


@pytest.mark.parametrize(
    "accept",
    [
        "text/html",
        "text/html, application/xml;q=0.9",
        "application/json;q=0",
        "text/html, application/json;q=0, */*;q=0.5",
        "*/*;q=0",
    ],
)
def test_accept_without_json_is_not_acceptable(shared: DemoServer, accept: str) -> None:
    reply = call(shared, "GET", "/server", headers={"Accept": accept})
    assert_error(reply, 406, "not_acceptable", "Unknown request or response format")
    assert reply.correlation_id


@pytest.mark.parametrize(
    "accept",
    [
        "application/json",
        "*/*",
        "application/*",
        "text/html;q=0.9, application/json;q=0.1",
        "application/problem+json",
        "text/html, */*;q=0.1",
        "",
    ],
)
def test_accept_allowing_json_gets_json(shared: DemoServer, accept: str) -> None:
    reply = call(shared, "GET", "/server", headers={"Accept": accept})
    assert reply.status == 200
    assert "time" in reply.json()


def test_no_accept_header_gets_json(shared: DemoServer) -> None:
    conn = connect(shared)
    try:
        # http.client adds Accept-Encoding but never Accept; putrequest makes that explicit.
        conn.putrequest("GET", "/rest/v1/server")
        conn.endheaders()
        response = conn.getresponse()
        assert response.status == 200
        assert json.loads(response.read())["time"] > 0
    finally:
        conn.close()


def test_keep_alive_serves_many_requests_on_one_connection(shared: DemoServer) -> None:
    conn = connect(shared)
    try:
        conn.connect()
        sock = conn.sock
        statuses = [
            call(shared, "GET", "/server", connection=conn).status,
            call(shared, "GET", "/payments/99", connection=conn).status,
            # A body on a route that ignores it must still be consumed.
            call(shared, "POST", "/nowhere", b'{"x": 1}', connection=conn).status,
            call(shared, "POST", "/payments", b"[]", connection=conn).status,
            call(shared, "GET", "/proxy-error", connection=conn).status,
            call(shared, "GET", "/server", connection=conn).status,
        ]
        assert statuses == [200, 404, 404, 400, 502, 200]
        assert conn.sock is sock  # http.client would have silently reconnected otherwise

        for _ in range(20):
            call(shared, "GET", "/payments/10145", connection=conn)
        assert conn.sock is sock
    finally:
        conn.close()


def test_chunked_request_body_is_read(server: DemoServer) -> None:
    chunks = [b'{"price": {"amount": "1.', b'00", "currency": "EUR"}}']
    conn = connect(server)
    try:
        conn.request("POST", "/rest/v1/payments", body=iter(chunks), encode_chunked=True)
        response = conn.getresponse()
        assert response.status == 200
        assert json.loads(response.read())["price"]["amount"] == "1.00"
    finally:
        conn.close()


def raw_exchange(server: DemoServer, request: bytes) -> tuple[bytes, bytes]:
    """Send raw bytes and read until the server closes; returns (head, body)."""
    parts = urlsplit(server.base_url)
    with socket.create_connection((parts.hostname or "", parts.port or 0), timeout=5) as sock:
        sock.sendall(request)
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    return head, body


def test_unreadable_content_length_gets_a_json_error_and_a_close(shared: DemoServer) -> None:
    head, body = raw_exchange(
        shared, b"POST /rest/v1/payments HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}"
    )
    assert head.startswith(b"HTTP/1.1 400")
    assert b"paysera-correlation-id:" in head.lower()
    assert b"connection: close" in head.lower()
    assert json.loads(body)["error"] == "invalid_request"


def test_protocol_errors_get_a_json_error(shared: DemoServer) -> None:
    headers = b"".join(b"X-%d: y\r\n" % n for n in range(150))
    head, body = raw_exchange(shared, b"GET /rest/v1/server HTTP/1.1\r\n" + headers + b"\r\n")
    assert head.startswith(b"HTTP/1.1 431")
    assert b"paysera-correlation-id:" in head.lower()
    assert json.loads(body)["error"] == "invalid_request"


# --------------------------------------------------------------------------- lifecycle


def test_two_servers_have_their_own_port_and_state() -> None:
    with DemoServer() as first, DemoServer() as second:
        assert first.base_url != second.base_url
        assert call(first, "DELETE", "/payments/10145").status == 200
        assert call(first, "GET", "/payments/10145").status == 404
        assert call(second, "GET", "/payments/10145").status == 200


def test_stop_is_idempotent_and_closes_the_port() -> None:
    demo = DemoServer()
    demo.stop()  # before start: nothing to do
    demo.start()
    parts = urlsplit(demo.base_url)
    assert parts.hostname == "127.0.0.1"
    idle = connect(demo)
    idle.connect()  # an idle keep-alive connection must not hold stop() up
    started = time.perf_counter()
    demo.stop()
    demo.stop()
    # An idle keep-alive connection must not hold stop() for a socket timeout.
    assert time.perf_counter() - started < 5.0
    idle.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((parts.hostname, parts.port or 0), timeout=1).close()


def test_base_url_needs_start_and_restart_is_refused() -> None:
    demo = DemoServer()
    with pytest.raises(RuntimeError):
        _ = demo.base_url
    with demo:
        with pytest.raises(RuntimeError):
            demo.start()
        assert demo.base_url.startswith("http://127.0.0.1:")


def test_server_prints_no_access_log(shared: DemoServer, capfd: pytest.CaptureFixture[str]) -> None:
    call(shared, "GET", "/server")
    call(shared, "GET", "/nowhere")
    call(shared, "GET", "/crash")
    captured = capfd.readouterr()
    assert captured.err == ""
    assert captured.out == ""

"""Auth added at send time: the Paysera MAC signature over the exact wire bytes, and
Basic, bearer and API key, each replacing a hand-made duplicate rather than adding one."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest

from app.core.collection import AuthKind, AuthSpec
from app.core.mac import (
    NONCE_ALPHABET,
    body_hash_ext,
    build_mac_header,
    new_nonce,
    normalized_string,
    parse_mac_header,
    split_host,
    split_url_for_mac,
)
from app.core.prepare import PreparedRequest, RequestNotSendable
from app.demo import DemoServer
from app.demo.server import DEMO_MAC_ID, DEMO_MAC_KEY
from app.http.auth import AuthNotApplicable, apply_auth, paysera_mac_header
from app.http.client import to_httpx_request

# Paysera's published example.
EXAMPLE_KEY = "IrdTc8uQodU7PRpLzzLTW6wqZAO6tAMU"
EXAMPLE_NONCE = "nQnNaSNyubfPErjRO55yaaEYo9YZfKHN"
EXAMPLE_TS = 1343811600
EXAMPLE_URL = "https://wallet.paysera.com/rest/v1/payment/10145"
EXAMPLE_MAC = "/qxTA8FOgT0Dd0MHh9k/sUQ3Q38ckx8+S0PBxpIuttY="


def independent_mac(key: str, *lines: object) -> str:
    """The MAC computed from scratch, without app.core.mac."""
    text = "".join(f"{line}\n" for line in lines)
    digest = hmac.new(key.encode(), text.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def mac_of(header: str) -> dict[str, str]:
    parsed = parse_mac_header(header)
    assert parsed is not None, header
    return parsed


def prepared(
    url: str = "https://api.example.com/rest/v1/things",
    *,
    method: str = "GET",
    headers: tuple[tuple[str, str], ...] = (("Accept", "application/json"),),
    body: bytes = b"",
) -> PreparedRequest:
    return PreparedRequest(method, url, headers, body, 10.0)


def auth(kind: AuthKind, **values: str) -> AuthSpec:
    return AuthSpec(kind, tuple(values.items()))


# --------------------------------------------------------------------------- Paysera MAC


def test_published_example_is_reproduced_exactly() -> None:
    header = paysera_mac_header(
        "GET", EXAMPLE_URL, b"", "wkVd93h2uS", EXAMPLE_KEY, ts=EXAMPLE_TS, nonce=EXAMPLE_NONCE
    )
    assert header == (
        f'MAC id="wkVd93h2uS", ts="{EXAMPLE_TS}", nonce="{EXAMPLE_NONCE}", mac="{EXAMPLE_MAC}"'
    )


def test_published_example_normalized_string() -> None:
    path, host, port = split_url_for_mac(EXAMPLE_URL)
    text = normalized_string(EXAMPLE_TS, EXAMPLE_NONCE, "GET", path, host, port, "")
    assert text == (
        f"{EXAMPLE_TS}\n{EXAMPLE_NONCE}\nGET\n/rest/v1/payment/10145\nwallet.paysera.com\n443\n\n"
    )


def test_mac_with_a_body_signs_its_hash_in_ext() -> None:
    body = b'{"amount": {"amount": "12.50", "currency": "EUR"}, "purpose": "tea \xe2\x98\x95"}'
    header = paysera_mac_header(
        "post", "https://wallet.paysera.com/rest/v1/transfers", body, "id-1", "k3y", ts=1, nonce="n"
    )
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    ext = "body_hash=" + quote(digest, safe="")
    assert ext.endswith("%3D")  # base64 padding, form-encoded
    expected_mac = independent_mac(
        "k3y", 1, "n", "POST", "/rest/v1/transfers", "wallet.paysera.com", 443, ext
    )
    assert header == f'MAC id="id-1", ts="1", nonce="n", mac="{expected_mac}", ext="{ext}"'
    assert body_hash_ext(body) == ext


def test_no_body_means_no_ext() -> None:
    assert body_hash_ext(b"") == ""
    header = paysera_mac_header("DELETE", "http://h/x", b"", "i", "k", ts=5, nonce="n")
    assert "ext" not in mac_of(header)
    assert "ext=" not in header


def test_get_with_a_query_signs_the_raw_query() -> None:
    url = "https://api.example.com/rest/v1/payments?b=2&a=1&c=%20x&d=caf%C3%A9"
    header = paysera_mac_header("GET", url, b"", "i", "k", ts=7, nonce="n")
    path = "/rest/v1/payments?b=2&a=1&c=%20x&d=caf%C3%A9"
    assert mac_of(header)["mac"] == independent_mac(
        "k", 7, "n", "GET", path, "api.example.com", 443, ""
    )


def test_query_is_signed_as_httpx_sends_it() -> None:
    # A raw space or quote cannot travel; httpx escapes it, and the server sees the escape.
    url = 'http://api.example.com/x?q= a"b&empty='
    wire_path = httpx.Request("GET", url).url.raw_path.decode()
    assert wire_path == "/x?q=%20a%22b&empty="
    header = paysera_mac_header("GET", url, b"", "i", "k", ts=7, nonce="n")
    assert mac_of(header)["mac"] == independent_mac(
        "k", 7, "n", "GET", wire_path, "api.example.com", 80, ""
    )


@pytest.mark.parametrize(
    ("url", "host", "port"),
    [
        ("http://127.0.0.1:8080/x", "127.0.0.1", 8080),
        ("https://Wallet.Paysera.com:8443/x", "wallet.paysera.com", 8443),
        ("https://wallet.paysera.com:443/x", "wallet.paysera.com", 443),
        ("http://example.com/x", "example.com", 80),
        ("http://[::1]:9000/x", "::1", 9000),
    ],
)
def test_host_and_port_are_signed(url: str, host: str, port: int) -> None:
    header = paysera_mac_header("GET", url, b"", "i", "k", ts=3, nonce="n")
    assert mac_of(header)["mac"] == independent_mac("k", 3, "n", "GET", "/x", host, port, "")


def test_split_url_keeps_path_and_query_exactly() -> None:
    assert split_url_for_mac("http://h") == ("/", "h", 80)
    assert split_url_for_mac("http://h?a=1") == ("/?a=1", "h", 80)
    assert split_url_for_mac("https://h/a%2Fb/?x=%7e&y#frag") == ("/a%2Fb/?x=%7e&y", "h", 443)
    assert split_url_for_mac("http://h/x?") == ("/x?", "h", 80)
    with pytest.raises(ValueError):
        split_url_for_mac("ftp://h/x")


def test_split_host_reads_a_host_header() -> None:
    assert split_host("127.0.0.1:5000", 80) == ("127.0.0.1", 5000)
    assert split_host("Example.COM", 443) == ("example.com", 443)
    assert split_host("[::1]:8080", 80) == ("::1", 8080)
    with pytest.raises(ValueError):
        split_host("h:port", 80)


def test_two_calls_get_fresh_nonces_and_current_time() -> None:
    first = mac_of(paysera_mac_header("GET", EXAMPLE_URL, b"", "i", "k"))
    second = mac_of(paysera_mac_header("GET", EXAMPLE_URL, b"", "i", "k"))
    assert first["nonce"] != second["nonce"]
    assert first["mac"] != second["mac"]
    assert abs(int(first["ts"]) - time.time()) < 5


def test_nonce_is_32_printable_ascii_characters_without_quote_or_backslash() -> None:
    assert set(NONCE_ALPHABET) == {chr(c) for c in range(0x20, 0x7F)} - {'"', "\\"}
    nonces = [new_nonce() for _ in range(300)]
    for nonce in nonces:
        assert len(nonce) == 32
        assert set(nonce) <= set(NONCE_ALPHABET)
    assert len(set(nonces)) == len(nonces)
    # Enough draws to see most of the alphabet, so it is really used.
    assert len(set("".join(nonces))) > 80


def test_header_round_trips_through_the_parser() -> None:
    header = build_mac_header("id", 12, "a b,c=d'", "m=", "body_hash=x%3D")
    assert parse_mac_header(header) == {
        "id": "id",
        "ts": "12",
        "nonce": "a b,c=d'",
        "mac": "m=",
        "ext": "body_hash=x%3D",
    }


@pytest.mark.parametrize(
    "value",
    [
        'mac  id = "i" ,ts="1",   nonce="n n" , mac="m"  ',
        'MAC id="i",ts="1",nonce="n n",mac="m"',
    ],
)
def test_header_parser_tolerates_spacing(value: str) -> None:
    assert parse_mac_header(value) == {"id": "i", "ts": "1", "nonce": "n n", "mac": "m"}


@pytest.mark.parametrize(
    "value",
    [
        "",
        "Bearer abc",
        'MAC id="i", ts="1", nonce="n"',
        'MAC id="i", ts="1", nonce="n", mac="m", id="j"',
        'MAC id="i" ts="1" nonce="n" mac="m"',
        'MAC id=i, ts="1", nonce="n", mac="m"',
    ],
)
def test_header_parser_refuses_what_is_not_a_mac_header(value: str) -> None:
    assert parse_mac_header(value) is None


def test_apply_auth_signs_exactly_what_goes_on_the_wire() -> None:
    body = b'{"a": 1}'
    request = prepared(
        "http://127.0.0.1:5000/rest/v1/mac/transfers?x=%20y", method="POST", body=body
    )
    signed = apply_auth(request, auth(AuthKind.PAYSERA_MAC, mac_id="me", mac_key="secret"))
    value = signed.header("Authorization")
    assert value is not None
    attributes = mac_of(value)
    wire = to_httpx_request(signed)
    assert wire.content == body
    assert attributes["ext"] == body_hash_ext(body)
    assert attributes["mac"] == independent_mac(
        "secret",
        attributes["ts"],
        attributes["nonce"],
        wire.method,
        wire.url.raw_path.decode(),
        "127.0.0.1",
        5000,
        attributes["ext"],
    )
    # Nothing else changed.
    assert signed.url == request.url and signed.body == request.body
    assert signed.headers[:-1] == request.headers


def test_apply_auth_signs_a_host_header_the_user_set() -> None:
    request = prepared("http://10.0.0.5/x", headers=(("Host", "api.internal:8080"),))
    signed = apply_auth(request, auth(AuthKind.PAYSERA_MAC, mac_id="me", mac_key="k"))
    value = signed.header("Authorization")
    assert value is not None
    attributes = mac_of(value)
    assert attributes["mac"] == independent_mac(
        "k", attributes["ts"], attributes["nonce"], "GET", "/x", "api.internal", 8080, ""
    )


def test_every_send_is_signed_afresh() -> None:
    request = prepared()
    spec = auth(AuthKind.PAYSERA_MAC, mac_id="me", mac_key="k")
    first, second = apply_auth(request, spec), apply_auth(request, spec)
    assert first.header("Authorization") != second.header("Authorization")


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server


@pytest.mark.parametrize(("key", "status"), [(DEMO_MAC_KEY, 200), ("wrong-key", 401)])
def test_the_demo_api_verifies_what_apply_auth_signs(
    demo: DemoServer, key: str, status: int
) -> None:
    body = b'{"amount": {"amount": "1.00", "currency": "EUR"}}'
    request = prepared(
        demo.base_url + "/rest/v1/mac/transfers",
        method="POST",
        headers=(("Content-Type", "application/json"),),
        body=body,
    )
    signed = apply_auth(request, auth(AuthKind.PAYSERA_MAC, mac_id=DEMO_MAC_ID, mac_key=key))
    with httpx.Client(trust_env=False, timeout=10) as client:
        response = client.send(to_httpx_request(signed))
    assert response.status_code == status, response.text
    if status == 401:
        assert response.json()["error"] == "unauthorized"


# --------------------------------------------------------------------------- other kinds


def test_basic_encodes_utf8_credentials() -> None:
    signed = apply_auth(
        prepared(), auth(AuthKind.BASIC, username="jūratė", password="slaptažodis:ąč")
    )
    expected = base64.b64encode("jūratė:slaptažodis:ąč".encode()).decode()
    assert signed.header("Authorization") == f"Basic {expected}"


def test_basic_allows_an_empty_password() -> None:
    signed = apply_auth(prepared(), auth(AuthKind.BASIC, username="user"))
    assert signed.header("Authorization") == "Basic " + base64.b64encode(b"user:").decode()


def test_bearer_sends_the_token() -> None:
    signed = apply_auth(prepared(), auth(AuthKind.BEARER, token="abc.def-123"))
    assert signed.header("Authorization") == "Bearer abc.def-123"


def test_api_key_in_a_header() -> None:
    signed = apply_auth(prepared(), auth(AuthKind.API_KEY, name="X-Api-Key", value="k-1"))
    assert signed.header("x-api-key") == "k-1"
    assert signed.url == prepared().url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://h/x", "https://h/x?api%20key=v%26%3D%2B%C3%A9"),
        ("https://h/x?a=1&b=%20x", "https://h/x?a=1&b=%20x&api%20key=v%26%3D%2B%C3%A9"),
        ("https://h/x?a=1#top", "https://h/x?a=1&api%20key=v%26%3D%2B%C3%A9#top"),
        ("https://h/x?api+key=old&z=2", "https://h/x?z=2&api%20key=v%26%3D%2B%C3%A9"),
    ],
)
def test_api_key_in_the_query(url: str, expected: str) -> None:
    spec = auth(AuthKind.API_KEY, name="api key", value="v&=+é", **{"in": "query"})
    signed = apply_auth(prepared(url), spec)
    assert signed.url == expected
    assert signed.headers == prepared().headers
    assert httpx.Request("GET", signed.url).url.params["api key"] == "v&=+é"


@pytest.mark.parametrize("kind", [AuthKind.NONE, AuthKind.INHERIT])
def test_no_auth_leaves_the_request_alone(kind: AuthKind) -> None:
    request = prepared(headers=(("Authorization", "Bearer by-hand"),))
    assert apply_auth(request, AuthSpec(kind)) is request


@pytest.mark.parametrize(
    ("spec", "sentence"),
    [
        (
            auth(AuthKind.BASIC, password="p"),
            "Basic auth needs a username: set it in the Auth tab.",
        ),
        (
            auth(AuthKind.BEARER, token="  "),
            "Bearer auth needs a token: set it in the Auth tab (a {{secret}} variable is best).",
        ),
        (
            auth(AuthKind.API_KEY, value="v"),
            "API key auth needs the name of its header or parameter: set it in the Auth tab.",
        ),
        (
            auth(AuthKind.API_KEY, name="X-Key"),
            "API key auth needs a key: set it in the Auth tab (a {{secret}} variable is best).",
        ),
        (
            auth(AuthKind.PAYSERA_MAC, mac_key="k"),
            "Paysera MAC needs a MAC id: set it in the Auth tab.",
        ),
        (
            auth(AuthKind.PAYSERA_MAC, mac_id="me"),
            "Paysera MAC needs a MAC key: set it in the Auth tab (a {{secret}} variable is best).",
        ),
    ],
)
def test_missing_values_are_named(spec: AuthSpec, sentence: str) -> None:
    with pytest.raises(AuthNotApplicable) as caught:
        apply_auth(prepared(), spec)
    assert str(caught.value) == sentence
    # Reported like any other request that cannot be sent.
    assert isinstance(caught.value, RequestNotSendable)


def test_public_signer_names_a_missing_key() -> None:
    with pytest.raises(AuthNotApplicable, match="needs a MAC key"):
        paysera_mac_header("GET", EXAMPLE_URL, b"", "me", "")


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        (auth(AuthKind.BEARER, token="tökén"), '"ö"'),
        (auth(AuthKind.BASIC, username="a:b"), "colon"),
        (auth(AuthKind.API_KEY, name="X Key", value="v"), "cannot be a header name"),
        (auth(AuthKind.API_KEY, name="k", value="v", **{"in": "cookie"}), '"cookie"'),
        (auth(AuthKind.PAYSERA_MAC, mac_id='me"', mac_key="k"), "MAC id"),
    ],
)
def test_values_a_header_cannot_carry_are_refused(spec: AuthSpec, fragment: str) -> None:
    with pytest.raises(AuthNotApplicable, match=re.escape(fragment)):
        apply_auth(prepared(), spec)


@pytest.mark.parametrize(
    "spec",
    [
        auth(AuthKind.BEARER, token="new"),
        auth(AuthKind.BASIC, username="u", password="p"),
        auth(AuthKind.PAYSERA_MAC, mac_id="me", mac_key="k"),
    ],
)
def test_a_hand_made_authorization_header_is_replaced_in_place(spec: AuthSpec) -> None:
    request = prepared(
        headers=(
            ("Accept", "application/json"),
            ("authorization", "Bearer typed-by-hand-1"),
            ("X-Trace", "1"),
            ("AUTHORIZATION", "Bearer typed-by-hand-2"),
        )
    )
    signed = apply_auth(request, spec)
    names = [name for name, _ in signed.headers]
    assert names == ["Accept", "Authorization", "X-Trace"]
    # (Not "old": a MAC header's random nonce once held those three letters.)
    assert "typed-by-hand" not in (signed.header("Authorization") or "")


def test_an_api_key_header_replaces_the_same_header_set_by_hand() -> None:
    request = prepared(headers=(("x-api-key", "typed"), ("Accept", "application/json")))
    signed = apply_auth(request, auth(AuthKind.API_KEY, name="X-Api-Key", value="real"))
    assert signed.headers == (("X-Api-Key", "real"), ("Accept", "application/json"))

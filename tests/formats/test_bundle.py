"""Reproduction bundles (issue 9): what the preview lists is what the bundle leaves out, no
byte of a secret (nor of a form derived from one) is in the file, the bundle reads back as
the same exchange, the same inputs give the same bytes, and hostile files (zip bombs, path
tricks, cut or random bytes) give one sentence."""

from __future__ import annotations

import base64
import io
import json
import struct
import zipfile
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.collection import AuthKind
from app.core.mac import build_mac_header, mac_signature, normalized_string
from app.core.prepare import PreparedRequest
from app.formats import FormatError, bundle, har
from app.formats.bundle import (
    Bundle,
    Redaction,
    RedactionKind,
    read_bundle,
    redactions,
    replay_request,
    write_bundle,
)
from app.formats.har_export import HarEntry

STARTED = datetime(2026, 12, 1, 10, 0, 0, 250000, tzinfo=UTC)
CREATED = datetime(2026, 12, 2, 9, 30, 0, tzinfo=UTC)

TOKEN = "tok_9f8E7d6C5b4A3z"
PASSWORD = "p@ss w/rd+é&=1"
MAC_KEY = "IrdTc8uQodU7PRpLzzLTW6wqZAO6tAMU"
SECRETS = {"token": TOKEN, "password": PASSWORD, "mac_key": MAC_KEY}
NO_SECRETS: Mapping[str, str] = {}

# Credentials typed as literals: found by where they stand, not by a variable.
MAC_ID = "client-4ab7c1"
API_KEY = "ak_live_5511aa22bb"
SESSION = "sess-7c1e2f9a0b"
NEW_SESSION = "sess-new-0042ffee"
QUERY_TOKEN = "qp_3141592653"
MARKED = "ACME-CUSTOMER-42"

URL = f"https://wallet.example.com/rest/v1/transfers?access_token={QUERY_TOKEN}&lang=en"
BODY = json.dumps({"password": PASSWORD, "beneficiary": MARKED, "note": TOKEN}).encode()
NORMALIZED = normalized_string(
    1343811600,
    "nQnNaSNyubfPErjRO55yaaEYo9YZfKHN",
    "POST",
    URL.removeprefix("https://wallet.example.com"),
    "wallet.example.com",
    443,
    "",
)
SIGNATURE = mac_signature(MAC_KEY, NORMALIZED)
MAC_HEADER = build_mac_header(MAC_ID, 1343811600, "nQnNaSNyubfPErjRO55yaaEYo9YZfKHN", SIGNATURE, "")
BASIC_TOKEN = base64.b64encode(f"alice:{PASSWORD}".encode()).decode("ascii")
CORRELATION = "c0ffee00-1234-4abc-9def-000000000042"


def sent(url: str, headers: list[tuple[str, str]], body: bytes = b"") -> PreparedRequest:
    return PreparedRequest("POST" if body else "GET", url, tuple(headers), body, 30.0)


MAC_EXCHANGE = HarEntry(
    request=sent(
        URL,
        [
            ("Host", "wallet.example.com"),
            ("Authorization", MAC_HEADER),
            ("X-Api-Key", API_KEY),
            ("Cookie", f"sid={SESSION}; lang=en"),
            ("Content-Type", "application/json;charset=utf-8"),
        ],
        BODY,
    ),
    status=400,
    reason="Bad Request",
    headers=(
        ("Content-Type", "application/json;charset=utf-8"),
        ("paysera-correlation-id", CORRELATION),
        ("Set-Cookie", f"sid={NEW_SESSION}; Path=/; HttpOnly"),
    ),
    body=json.dumps(
        {
            "error": "invalid_parameters",
            "error_description": f"Token {TOKEN} cannot pay {MARKED}.",
            "error_properties": {"password": [f"{quote(PASSWORD)} is weak"]},
            "error_data": {
                "echo": PASSWORD,
                "signature": SIGNATURE,
                "key": API_KEY,
                "session": SESSION,
                "lang": "en",
            },
        },
        ensure_ascii=False,
    ).encode("utf-8"),
    started=STARTED,
    elapsed_ms=12.5,
)

BASIC_EXCHANGE = HarEntry(
    request=sent(
        f"https://api.example.com/wallet/me?q={quote_plus(PASSWORD)}",
        [("Authorization", f"Basic {BASIC_TOKEN}"), ("Accept", "application/json")],
    ),
    status=200,
    reason="OK",
    headers=(("Content-Type", "application/json"), ("X-Echo", f"Basic {BASIC_TOKEN}")),
    body=json.dumps({"authorization": BASIC_TOKEN, "who": "alice"}).encode(),
    started=STARTED,
    elapsed_ms=3.0,
)


def write(
    entry: HarEntry,
    note: str = "Fails since Monday.",
    *,
    secrets: Mapping[str, str] = SECRETS,
    marked: tuple[str, ...] = (MARKED,),
    environment: str | None = "sandbox",
) -> bytes:
    return write_bundle(
        entry,
        secrets=secrets,
        marked=marked,
        environment=environment,
        note=note,
        app_version="0.1.0",
        os_name="Linux-6.1-x86_64",
        created=CREATED,
    )


def write_plain(entry: HarEntry, secrets: Mapping[str, str] = NO_SECRETS) -> bytes:
    """No note, no environment, nothing marked."""
    return write(entry, "", secrets=secrets, marked=(), environment=None)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def forms(value: str) -> set[bytes]:
    """Every shape a value takes in URLs, JSON and headers, as UTF-8 bytes."""
    shapes = {
        value,
        quote(value, safe=""),
        quote(value),
        quote_plus(value),
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
    }
    return {shape.encode("utf-8") for shape in shapes}


SECRET_VALUES = [
    TOKEN,
    PASSWORD,
    MAC_KEY,
    SIGNATURE,
    BASIC_TOKEN,
    MAC_ID,
    API_KEY,
    SESSION,
    NEW_SESSION,
    QUERY_TOKEN,
    MARKED,
]


def leaks(data: bytes) -> list[tuple[str, str]]:
    """(where, value) for every form of every secret found in the zip or a member."""
    found = []
    for where, payload in [("zip", data), *members(data).items()]:
        for value in SECRET_VALUES:
            if any(shape in payload for shape in forms(value)):
                found.append((where, value))
    return found


# --------------------------------------------------------------------------- redaction


def test_the_preview_names_every_value_kind_and_place() -> None:
    found = {r.name: r for r in redactions(MAC_EXCHANGE, SECRETS, [MARKED])}
    assert {name: (r.kind, r.where) for name, r in found.items()} == {
        "token": (RedactionKind.SECRET, ("request body", "response body")),
        "password": (RedactionKind.SECRET, ("request body", "response body")),
        "marked_1": (RedactionKind.MARKED, ("request body", "response body")),
        "mac_signature": (
            RedactionKind.MAC,
            ("request header Authorization", "response body"),
        ),
        "mac_id": (RedactionKind.MAC, ("request header Authorization",)),
        "header_x-api-key": (
            RedactionKind.KEY_HEADER,
            ("request header X-Api-Key", "response body"),
        ),
        "cookie_sid": (RedactionKind.COOKIE, ("request header Cookie", "response body")),
        # Too short to take out of ordinary text: replaced only where it stands.
        "cookie_lang": (RedactionKind.COOKIE, ("request header Cookie",)),
        "cookie_sid_2": (RedactionKind.COOKIE, ("response header Set-Cookie",)),
        "param_access_token": (RedactionKind.KEY_PARAMETER, ("request URL",)),
    }
    # The preview shows (masked) what goes; the mac_key went into no text of the exchange.
    assert found["mac_id"].value == MAC_ID
    assert found["marked_1"].value == MARKED
    assert found["cookie_lang"].value == "en"
    assert "mac_key" not in found
    assert MAC_ID not in repr(found["mac_id"])


def test_basic_credentials_and_their_base64_token_are_found() -> None:
    found = {r.name: (r.kind, r.where) for r in redactions(BASIC_EXCHANGE, SECRETS)}
    assert found == {
        "password": (RedactionKind.SECRET, ("request URL", "request header Authorization")),
        "password_base64": (
            RedactionKind.DERIVED,
            ("response header X-Echo", "response body"),
        ),
    }


def test_a_literal_credential_is_taken_out_without_a_variable() -> None:
    literal = HarEntry(
        request=sent(
            "https://user:hunter2-long@api.example.com/items",
            [
                ("Authorization", "Bearer literal-bearer-token-1"),
                ("Proxy-Authorization", f"Basic {base64.b64encode(b'proxy:pr0xy-pass').decode()}"),
                ("X-Auth-Token", "x-auth-literal-99"),
            ],
        ),
        status=302,
        reason="Found",
        headers=(
            ("Location", "https://api.example.com/cb?code=oauth-code-123456&state=ok"),
            ("WWW-Authenticate", 'Bearer realm="api"'),
        ),
        body=b"",
        started=STARTED,
        elapsed_ms=1.0,
    )
    found = {r.name: (r.kind, r.where) for r in redactions(literal, {})}
    assert found == {
        "authorization": (RedactionKind.AUTHORIZATION, ("request header Authorization",)),
        "proxy-authorization_password": (
            RedactionKind.AUTHORIZATION,
            ("request header Proxy-Authorization",),
        ),
        "url_password": (RedactionKind.AUTHORIZATION, ("request URL",)),
        "header_x-auth-token": (RedactionKind.KEY_HEADER, ("request header X-Auth-Token",)),
        "param_code": (RedactionKind.KEY_PARAMETER, ("response header Location",)),
    }
    text = members(write_plain(literal))["exchange.har"].decode()
    for value in ("literal-bearer-token-1", "pr0xy-pass", "hunter2-long", "oauth-code-123456"):
        assert value not in text
    assert "Bearer «secret:authorization»" in text
    assert "Basic proxy:«secret:proxy-authorization_password»" in text
    assert 'Bearer realm=\\"api\\"' in text  # a challenge holds no credential


@pytest.mark.parametrize("entry", [MAC_EXCHANGE, BASIC_EXCHANGE], ids=["mac", "basic"])
def test_the_bundle_holds_no_byte_of_any_secret_or_derived_form(entry: HarEntry) -> None:
    data = write(entry, note=f"The customer's token was {TOKEN}, key {quote(PASSWORD)}.")
    # The scan itself finds them in what was recorded.
    recorded = b"".join([entry.request.url.encode(), entry.request.body, entry.body])
    assert any(shape in recorded for value in SECRET_VALUES for shape in forms(value))
    assert leaks(data) == []
    read = read_bundle(data)
    assert read.note == "The customer's token was «secret:token», key «secret:password»."


def test_a_secret_in_a_body_of_another_charset_is_taken_out_too() -> None:
    entry = replace(
        BASIC_EXCHANGE,
        headers=(("Content-Type", "text/plain; charset=latin-1"),),
        body=f"Wrong password: {PASSWORD}".encode("latin-1"),
    )
    assert PASSWORD.encode("utf-8") not in entry.body  # redact_bytes alone would miss it
    found = {r.name: r.where for r in redactions(entry, SECRETS)}
    assert found["password"] == ("request URL", "request header Authorization", "response body")
    data = write(entry)
    assert leaks(data) == []
    assert read_bundle(data).exchange.body == "Wrong password: «secret:password»".encode("latin-1")


def test_the_manifest_lists_each_redaction_but_no_value() -> None:
    data = write(MAC_EXCHANGE, note="")
    manifest = json.loads(members(data)["manifest.json"])
    preview = redactions(MAC_EXCHANGE, SECRETS, [MARKED])
    # The manifest also names its own texts a value was taken out of.
    also = {"token": ["error description"], "marked_1": ["error description"]}
    listed = [
        {"kind": r.kind.value, "name": r.name, "where": [*r.where, *also.get(r.name, [])]}
        for r in preview
    ]
    assert manifest["redactions"] == listed
    assert [
        {"kind": r.kind.value, "name": r.name, "where": list(r.where)}
        for r in read_bundle(data).redactions
    ] == listed
    text = json.dumps(manifest)
    assert all(r.value not in text for r in preview if len(r.value) > 2)


def test_an_entry_history_redacted_already_is_listed_by_its_markers() -> None:
    # History keeps Basic credentials decoded with the marker in place.
    stored = HarEntry(
        request=sent(
            "https://api.example.com/wallet/me",
            [("Authorization", "Basic alice:«secret:password»"), ("Accept", "*/*")],
        ),
        status=401,
        reason="Unauthorized",
        headers=(("Content-Type", "application/json"),),
        body='{"error": "unauthorized", "error_description": "Bad «secret:password»"}'.encode(),
        started=STARTED,
        elapsed_ms=2.0,
    )
    assert redactions(stored, {}) == [
        Redaction(
            RedactionKind.SECRET, "password", ("request header Authorization", "response body")
        )
    ]
    read = read_bundle(write_plain(stored))
    assert read.exchange.request.headers[0] == ("Authorization", "Basic alice:«secret:password»")
    assert read.error_code == "unauthorized"


# --------------------------------------------------------------------------- round trip


def test_the_bundle_reads_back_as_the_redacted_exchange() -> None:
    data = write(MAC_EXCHANGE)
    read = read_bundle(data)
    assert isinstance(read, Bundle)
    assert (read.format_version, read.app_version, read.os_name) == (1, "0.1.0", "Linux-6.1-x86_64")
    assert read.created == CREATED
    assert (read.environment, read.note) == ("sandbox", "Fails since Monday.")
    assert read.correlation_id == CORRELATION
    assert read.error_code == "invalid_parameters"
    assert read.error_description == "Token «secret:token» cannot pay «secret:marked_1»."
    exchange = read.exchange
    assert exchange.request.method == "POST"
    assert exchange.request.url == (
        "https://wallet.example.com/rest/v1/transfers"
        "?access_token=«secret:param_access_token»&lang=en"
    )
    assert exchange.request.headers == (
        ("Host", "wallet.example.com"),
        (
            "Authorization",
            'MAC id="«secret:mac_id»", ts="1343811600", '
            'nonce="nQnNaSNyubfPErjRO55yaaEYo9YZfKHN", mac="«secret:mac_signature»"',
        ),
        ("X-Api-Key", "«secret:header_x-api-key»"),
        ("Cookie", "sid=«secret:cookie_sid»; lang=«secret:cookie_lang»"),
        ("Content-Type", "application/json;charset=utf-8"),
    )
    assert json.loads(exchange.request.body) == {
        "password": "«secret:password»",
        "beneficiary": "«secret:marked_1»",
        "note": "«secret:token»",
    }
    assert (exchange.status, exchange.reason) == (400, "Bad Request")
    assert exchange.headers[2] == ("Set-Cookie", "sid=«secret:cookie_sid_2»; Path=/; HttpOnly")
    body = json.loads(exchange.body)
    assert body["error_data"] == {
        "echo": "«secret:password»",
        "signature": "«secret:mac_signature»",
        "key": "«secret:header_x-api-key»",
        "session": "«secret:cookie_sid»",
        "lang": "en",  # "en" is too short to take out of ordinary text
    }
    assert body["error_properties"] == {"password": ["«secret:password» is weak"]}
    assert (exchange.started, exchange.elapsed_ms, exchange.http_version) == (
        STARTED,
        12.5,
        "HTTP/1.1",
    )


@pytest.mark.parametrize(
    ("content_type", "payload"),
    [
        ("image/png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\x00"),
        ("text/plain; charset=latin-1", "déjà vu".encode("latin-1")),
        ("application/json", b'{"amount": "10.12", "big": 12345678901234567890.10}'),
        ("", b""),
    ],
)
def test_bodies_come_back_byte_for_byte(content_type: str, payload: bytes) -> None:
    headers = [("Content-Type", content_type)] if content_type else []
    entry = HarEntry(
        request=sent("https://api.example.com/upload", headers, payload),
        status=201,
        reason="Created",
        headers=tuple(headers),
        body=payload,
        started=STARTED,
        elapsed_ms=7.25,
        http_version="HTTP/2",
    )
    exchange = read_bundle(write_plain(entry)).exchange
    assert exchange == entry


def test_a_request_that_got_no_response_reads_back_with_its_failure() -> None:
    entry = HarEntry(
        request=sent("https://api.example.com/items", [("Accept", "application/json")]),
        status=None,
        reason="",
        headers=(),
        body=b"",
        started=STARTED,
        elapsed_ms=None,
        failure=f"The server refused the connection ({TOKEN}).",
    )
    data = write_plain(entry, SECRETS)
    read = read_bundle(data)
    assert read.exchange == HarEntry(
        request=entry.request,
        status=None,
        reason="",
        headers=(),
        body=b"",
        started=STARTED,
        elapsed_ms=None,
        failure="The server refused the connection («secret:token»).",
    )
    assert (read.error_code, read.correlation_id, read.environment) == ("", "", "")
    assert read.redactions == (Redaction(RedactionKind.SECRET, "token", ("failure",)),)


def test_the_exported_har_is_one_a_har_reader_opens() -> None:
    text = members(write(MAC_EXCHANGE))["exchange.har"]
    imported = har.read(text, "exchange.har")
    assert imported.format == "HAR 1.2"
    [(_folder, request)] = imported.requests()
    assert request.url.startswith("https://wallet.example.com/rest/v1/transfers")
    assert [x.status for x in imported.recorded] == [400]


def test_replay_sends_the_request_again_with_variables_and_a_fresh_mac() -> None:
    request = replay_request(read_bundle(write(MAC_EXCHANGE)))
    assert request.auth.kind is AuthKind.PAYSERA_MAC
    assert request.auth.values == (("mac_id", "{{mac_id}}"), ("mac_key", "{{mac_key}}"))
    assert all(h.name.lower() not in ("authorization", "host") for h in request.headers)
    assert json.loads(request.body)["password"] == "{{password}}"
    assert "access_token={{param_access_token}}" in request.url
    basic = replay_request(read_bundle(write(BASIC_EXCHANGE)))
    assert (basic.auth.kind, basic.auth.get("password")) == (AuthKind.BASIC, "{{password}}")


# --------------------------------------------------------------------------- determinism


def test_the_same_inputs_give_the_same_bytes() -> None:
    first = write(MAC_EXCHANGE)
    assert write(MAC_EXCHANGE) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
        assert archive.comment == b"API Explorer reproduction bundle"
    assert [i.filename for i in infos] == ["exchange.har", "manifest.json"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert write(MAC_EXCHANGE, note="Another note.") != first
    assert bundle.sniff(first, "x.bin") and bundle.sniff(first, "x.apx")
    assert not bundle.sniff(b"PK\x03\x04" + bytes(40), "x.zip")
    assert not bundle.sniff(b'{"log": {}}', "x.apx")


def test_an_exchange_too_large_for_a_bundle_is_not_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bundle, "MAX_UNCOMPRESSED_BYTES", 4096)
    with pytest.raises(FormatError, match="a bundle holds at most 0 MB"):
        write(replace(MAC_EXCHANGE, body=b"x" * 5000))
    monkeypatch.setattr(bundle, "MAX_MANIFEST_BYTES", 2048)
    with pytest.raises(FormatError, match="The note is too long for a bundle"):
        write(BASIC_EXCHANGE, note="x" * 3000)


# --------------------------------------------------------------------------- hostile input

VALID = write(MAC_EXCHANGE)
MANIFEST = members(VALID)["manifest.json"]
EXCHANGE = members(VALID)["exchange.har"]


def zipped(items: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, payload in items:
            archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), payload, compression)
    return buffer.getvalue()


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """``data`` with the uncompressed size of member ``name`` changed in both its headers."""
    patched = bytearray(data)
    encoded = name.encode()
    start = 0
    while (at := patched.find(b"PK\x01\x02", start)) >= 0:
        if patched[at + 46 : at + 46 + len(encoded)] == encoded:
            struct.pack_into("<I", patched, at + 24, size)
            (local,) = struct.unpack_from("<I", patched, at + 42)
            struct.pack_into("<I", patched, local + 22, size)
        start = at + 4
    return bytes(patched)


def refused(data: bytes, match: str | None = None) -> str:
    with pytest.raises(FormatError, match=match) as caught:
        read_bundle(data)
    return str(caught.value)


def test_a_zip_bomb_is_refused_before_it_is_decompressed() -> None:
    declared = declare_size(VALID, "exchange.har", 300 * 1024 * 1024)
    refused(declared, "decompresses to more than 256 MB")
    manifest = refused(
        zipped([("manifest.json", b" " * (1024 * 1024 + 1)), ("exchange.har", EXCHANGE)])
    )
    assert manifest == "The bundle's manifest.json decompresses to more than 1 MB: it is not read."
    # A member that says it is small and is not: never more than it declared is read.
    refused(declare_size(VALID, "exchange.har", 100), "damaged")


def test_a_bomb_under_the_declared_sizes_stops_at_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bundle, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    bomb = zipped([("manifest.json", MANIFEST), ("exchange.har", b"\0" * (4 * 1024 * 1024))])
    assert len(bomb) < 10_000
    refused(bomb, "more than 1 MB")


@pytest.mark.parametrize(
    "name",
    ["../manifest.json", "../../etc/passwd", "a/../../x", "/etc/passwd", "C:/x", "a\\..\\x"],
)
def test_a_member_named_outside_the_bundle_is_refused(name: str) -> None:
    data = zipped([("exchange.har", EXCHANGE), ("manifest.json", MANIFEST), (name, b"x")])
    assert refused(data).endswith("outside the bundle: it is not read.")


def test_wrong_members_are_refused_with_a_sentence() -> None:
    refused(zipped([(f"f{n}", b"") for n in range(17)]), "holds 17 files")
    refused(zipped([("manifest.json", MANIFEST)]), "it has no exchange.har")
    refused(zipped([("exchange.har", EXCHANGE)]), "it has no manifest.json")
    twice = [("manifest.json", MANIFEST), ("exchange.har", EXCHANGE), ("manifest.json", b"{}")]
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = zipped(twice)
    refused(data, "holds manifest.json twice")
    refused(
        zipped([("manifest.json", MANIFEST), ("exchange.har", EXCHANGE)], zipfile.ZIP_BZIP2),
        "only stored or deflated",
    )
    # An unknown member is not read, and not in the way.
    extra = zipped([("manifest.json", MANIFEST), ("exchange.har", EXCHANGE), ("extra/x", b"?")])
    assert read_bundle(extra).note == "Fails since Monday."


def test_an_encrypted_member_is_refused() -> None:
    patched = bytearray(VALID)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (at := patched.find(signature, start)) >= 0:
            patched[at + offset] |= 1
            start = at + 4
    refused(bytes(patched), "encrypted")


def _manifest(**changes: object) -> bytes:
    document = json.loads(MANIFEST)
    document.update(changes)
    return zipped([("exchange.har", EXCHANGE), ("manifest.json", json.dumps(document).encode())])


def test_a_manifest_or_exchange_that_is_not_a_bundle_is_refused() -> None:
    refused(_manifest(format_version=2), "format version 2, newer than this app reads")
    refused(_manifest(format="something-else"), "not a reproduction bundle")
    refused(_manifest(format_version="1"), "format_version is not a version number")
    refused(_manifest(created="yesterday"), "created is not an ISO 8601 time")
    refused(_manifest(redactions=[{"kind": "psychic", "name": "x"}]), "unknown kind")
    refused(_manifest(note=7), "in manifest.json, note is not text")
    refused(zipped([("exchange.har", EXCHANGE), ("manifest.json", b"\xff")]), "not UTF-8")
    refused(zipped([("exchange.har", b"[" * 100_000), ("manifest.json", MANIFEST)]), "JSON")
    two = json.loads(EXCHANGE)
    two["log"]["entries"] *= 2
    refused(
        zipped([("exchange.har", json.dumps(two).encode()), ("manifest.json", MANIFEST)]),
        "holds 2 exchanges, not one",
    )
    broken = json.loads(EXCHANGE)
    broken["log"]["entries"][0]["request"]["headers"][1]["value"] = None
    broken["log"]["entries"][0]["response"]["content"]["encoding"] = "base64"
    message = refused(
        zipped([("exchange.har", json.dumps(broken).encode()), ("manifest.json", MANIFEST)])
    )
    assert message == (
        "The bundle is damaged: in exchange.har, response.content.text is marked base64 but is not."
    )


def test_a_truncated_bundle_is_refused() -> None:
    for cut in (len(VALID) - 1, len(VALID) - 22, len(VALID) // 2, 200, 30, 4):
        refused(VALID[:cut])
    assert refused(VALID[:-1]) == (
        "The bundle is damaged (cut short or changed): its zip archive cannot be read."
    )
    assert refused(b"").startswith("This file is not a reproduction bundle")


def _answers(data: bytes) -> Bundle | None:
    try:
        return read_bundle(data)
    except FormatError as exc:
        assert str(exc).endswith(".")
        return None


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_random_bytes_give_a_sentence(data: bytes) -> None:
    with pytest.raises(FormatError):
        read_bundle(data)
    with pytest.raises(FormatError):
        read_bundle(b"PK\x03\x04" + data)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), min_size=1, max_size=8)
)
def test_a_changed_bundle_gives_a_bundle_or_a_sentence(changes: list[tuple[int, int]]) -> None:
    data = bytearray(VALID)
    for at, byte in changes:
        data[at] = byte
    _answers(bytes(data))
    stored = zipped([("manifest.json", MANIFEST), ("exchange.har", EXCHANGE)], zipfile.ZIP_STORED)
    plain = bytearray(stored)
    for at, byte in changes:
        plain[at % len(plain)] = byte
    _answers(bytes(plain))

"""HAR 1.2 export of recorded exchanges: read back by the HAR importer it gives the same
requests and responses, it has every field HAR 1.2 requires, and no secret (nor a form a
request derived from one) is left in its text."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote, quote_plus

from app.core.collection import AuthKind
from app.core.prepare import PreparedRequest
from app.core.request import BodyMode, FormField, KeyValue
from app.formats import har
from app.formats.har_export import HarEntry, to_har

STARTED = datetime(2026, 12, 1, 10, 0, 0, 250000, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def sent(
    method: str, url: str, headers: list[tuple[str, str]], body: bytes = b""
) -> PreparedRequest:
    return PreparedRequest(method, url, tuple(headers), body, 30.0)


def exchange(
    request: PreparedRequest,
    status: int | None = 200,
    headers: list[tuple[str, str]] | None = None,
    body: bytes = b"",
    reason: str = "OK",
    failure: str = "",
) -> HarEntry:
    return HarEntry(
        request=request,
        status=status,
        reason=reason,
        headers=tuple(headers or []),
        body=body,
        started=STARTED,
        elapsed_ms=12.5,
        failure=failure,
    )


WIRE = [("Host", "api.example.com"), ("Accept", "application/json")]

ENTRIES = [
    exchange(
        sent("GET", "https://api.example.com/items?limit=10&q=a%20b", WIRE),
        headers=[("Content-Type", "application/json"), ("X-Total", "2")],
        body=b'{"items": [1, 2]}',
    ),
    exchange(
        sent(
            "POST",
            "https://api.example.com/items",
            [*WIRE, ("Content-Type", "application/json;charset=utf-8"), ("Content-Length", "9")],
            b'{"a": "\xc3\xa9"}',
        ),
        status=201,
        reason="Created",
        headers=[("Location", "https://api.example.com/items/3")],
    ),
    exchange(
        sent(
            "PUT",
            "https://api.example.com/items/3",
            [("Content-Type", "application/x-www-form-urlencoded")],
            b"name=Box&size=x+l",
        ),
        headers=[("Content-Type", "text/plain; charset=latin-1")],
        body="déjà".encode("latin-1"),
    ),
    exchange(
        sent("GET", "http://cdn.example.com:8080/logo.png", []),
        headers=[("Content-Type", "image/png")],
        body=PNG,
    ),
    exchange(
        sent("DELETE", "https://api.example.com/items/3", []),
        status=None,
        reason="",
        failure="The server refused the connection.",
    ),
]


def test_read_back_gives_the_same_requests_and_responses() -> None:
    text = to_har(ENTRIES, creator_version="0.1.0")
    imported = har.read(text.encode("utf-8"), "history.har")
    assert imported.format == "HAR 1.2"
    assert imported.folders() == ["api.example.com", "cdn.example.com:8080"]
    requests = [r for _, r in imported.requests()]
    assert [(r.method, r.url) for r in requests] == [
        ("GET", "https://api.example.com/items?limit=10&q=a%20b"),
        ("POST", "https://api.example.com/items"),
        ("PUT", "https://api.example.com/items/3"),
        ("DELETE", "https://api.example.com/items/3"),
        ("GET", "http://cdn.example.com:8080/logo.png"),
    ]
    get, post, put, delete, logo = requests
    assert get.params == (KeyValue("limit", "10"), KeyValue("q", "a%20b"))
    # Host and Content-Length are made on every send; everything else is as sent.
    assert get.headers == (KeyValue("Accept", "application/json"),)
    assert post.headers == (
        KeyValue("Accept", "application/json"),
        KeyValue("Content-Type", "application/json;charset=utf-8"),
    )
    assert (post.body_mode, post.body) == (BodyMode.JSON, '{"a": "é"}')
    assert put.body_mode is BodyMode.FORM
    assert put.form == (FormField("name", "Box"), FormField("size", "x l"))
    assert (delete.body, logo.body) == ("", "")
    # The failed one is a request without a recorded response.
    assert [(x.request.name, x.status, x.reason) for x in imported.recorded] == [
        ("GET /items", 200, "OK"),
        ("POST /items", 201, "Created"),
        ("PUT /items/3", 200, "OK"),
        ("GET /logo.png", 200, "OK"),
    ]
    for recorded, original in zip(imported.recorded, [e for e in ENTRIES if e.status], strict=True):
        assert recorded.headers == original.headers
        assert recorded.body == original.body
        assert recorded.elapsed_ms == 12.5
        assert recorded.started == "2026-12-01T10:00:00.250+00:00"
    assert (
        "api.example.com / DELETE /items/3",
        "The recorded request failed (The server "
        "refused the connection.): no response came back, so none is kept for the "
        "history.",
    ) in [(line.where, line.what) for line in imported.report]


def test_every_field_har_1_2_requires() -> None:
    log = json.loads(to_har(ENTRIES, creator_version="0.1.0"))["log"]
    assert log["version"] == "1.2"
    assert log["creator"] == {"name": "API Explorer", "version": "0.1.0"}
    assert len(log["entries"]) == 5
    for item in log["entries"]:
        assert {"startedDateTime", "time", "request", "response", "cache", "timings"} <= set(item)
        request, response = item["request"], item["response"]
        assert {
            "method",
            "url",
            "httpVersion",
            "cookies",
            "headers",
            "queryString",
            "headersSize",
            "bodySize",
        } <= set(request)
        assert {
            "status",
            "statusText",
            "httpVersion",
            "cookies",
            "headers",
            "content",
            "redirectURL",
            "headersSize",
            "bodySize",
        } <= set(response)
        assert {"size", "mimeType"} <= set(response["content"])
        assert all(item["timings"][k] >= 0 for k in ("send", "wait", "receive"))
    first, second, _put, logo, failed = log["entries"]
    assert first["request"]["queryString"] == [
        {"name": "limit", "value": "10"},
        {"name": "q", "value": "a b"},
    ]
    assert first["time"] == 12.5 and first["timings"]["wait"] == 12.5
    assert second["response"]["redirectURL"] == "https://api.example.com/items/3"
    assert second["request"]["postData"] == {
        "mimeType": "application/json;charset=utf-8",
        "text": '{"a": "é"}',
    }
    assert logo["response"]["content"]["encoding"] == "base64"
    assert base64.b64decode(logo["response"]["content"]["text"]) == PNG
    assert failed["response"]["status"] == 0
    assert failed["response"]["_error"] == "The server refused the connection."


def test_times_carry_their_offset() -> None:
    local = datetime(2026, 12, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    naive = datetime(2026, 12, 1, 12, 0)
    entries = [
        HarEntry(sent("GET", "https://h/", []), 204, "No Content", (), b"", moment, None)
        for moment in (local, naive)
    ]
    first, second = json.loads(to_har(entries))["log"]["entries"]
    assert first["startedDateTime"] == "2026-12-01T12:00:00.000+02:00"
    assert second["startedDateTime"] == naive.astimezone().isoformat(timespec="milliseconds")
    assert first["time"] == 0


def test_no_entries_is_an_empty_log() -> None:
    log = json.loads(to_har([]))["log"]
    assert log["entries"] == []
    assert har.read(to_har([]).encode(), "empty.har").requests() == []


SECRETS = {"password": "s3cr3t!/+", "token": "tok/en+1", "pin": 'ключ"42'}


def _forms(value: str) -> list[str]:
    return [
        value,
        quote(value, safe=""),
        quote(value),
        quote_plus(value),
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
    ]


def _secret_exchange() -> HarEntry:
    basic = base64.b64encode(b"alice:" + SECRETS["password"].encode()).decode()
    body = json.dumps({"token": SECRETS["token"], "pin": SECRETS["pin"]}).encode()
    request = sent(
        "POST",
        f"https://api.example.com/login?token={quote(SECRETS['token'], safe='')}",
        [
            ("Authorization", f"Basic {basic}"),
            ("Cookie", f"sid={SECRETS['token']}; theme=dark"),
            ("Content-Type", "application/json"),
        ],
        body,
    )
    echoed = json.dumps(
        {
            "seen": f"Basic {basic}",
            "token": SECRETS["token"],
            "pin": SECRETS["pin"],
            "url": f"/login?token={quote_plus(SECRETS['token'])}",
        },
        ensure_ascii=False,
    ).encode()
    return exchange(
        request,
        headers=[
            ("Set-Cookie", f"sid={SECRETS['token']}; HttpOnly"),
            ("Content-Type", "application/json; charset=utf-8"),
        ],
        body=echoed,
        reason=f"OK {SECRETS['pin']}",
    )


def _binary_echo() -> HarEntry:
    return exchange(
        sent("GET", "https://api.example.com/blob", []),
        headers=[("Content-Type", "application/octet-stream")],
        body=b"\x00\xff" + SECRETS["token"].encode() + b"\x00",
    )


def test_no_secret_or_derived_form_is_left_in_the_text() -> None:
    text = to_har([_secret_exchange(), _binary_echo()], SECRETS)
    basic = base64.b64encode(b"alice:" + SECRETS["password"].encode()).decode()
    needles = [form for value in SECRETS.values() for form in _forms(value)] + [basic]
    found = [needle for needle in needles if needle in text]
    assert found == []
    # Nor inside a base64 body.
    for item in json.loads(text)["log"]["entries"]:
        content = item["response"]["content"]
        if content.get("encoding") == "base64":
            decoded = base64.b64decode(content["text"])
            assert SECRETS["token"].encode() not in decoded
            assert "«secret:token»".encode() in decoded
    assert "«secret:password»" in text and "«secret:token»" in text and "«secret:pin»" in text


def test_a_redacted_export_reads_back_with_the_secrets_as_variables() -> None:
    text = to_har([_secret_exchange()], SECRETS)
    imported = har.read(text.encode(), "support.har")
    [(_, request)] = imported.requests()
    assert request.url == "https://api.example.com/login?token={{token}}"
    assert request.auth.kind is AuthKind.BASIC
    assert dict(request.auth.values) == {"username": "alice", "password": "{{password}}"}
    assert KeyValue("Cookie", "sid={{token}}; theme=dark") in request.headers
    assert request.body == '{"token": "{{token}}", "pin": "{{pin}}"}'
    [environment] = imported.environments
    assert {v.name for v in environment.variables} == {"token", "password", "pin"}
    assert all(v.secret and not v.value for v in environment.variables)
    assert imported.secrets == {}


def test_without_secrets_nothing_is_changed() -> None:
    entry = _secret_exchange()
    item: dict[str, Any] = json.loads(to_har([entry]))["log"]["entries"][0]
    assert item["request"]["url"] == entry.request.url
    assert item["response"]["content"]["text"].encode() == entry.body

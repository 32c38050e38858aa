"""HAR 1.2 (and 1.1) into the core model with the recorded responses: the corpus files with
counts made by hand, each feature on small files, and any bytes answered with a collection
or one sentence."""

from __future__ import annotations

import base64
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.collection import AuthKind
from app.core.request import BodyMode, FormField, KeyValue
from app.formats import FormatError, Imported, har
from tests.formats import fuzzing

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "har"
CHROME_ALL = CORPUS / "chrome-requestgenerator-all-methods.har"
LINKEDIN = CORPUS / "firefox43-linkedin-har1.1.har"
KOFAX = CORPUS / "firefox77-kofax-post-json.har"
DEVTOOLS = CORPUS / "mitmproxy-chrome-devtools.har"
POSTDATA = CORPUS / "mitmproxy-chrome-postdata.har"
FORM_POST = CORPUS / "mitmproxy-export-form-post.har"

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not here")

DROPPED = (
    "Headers the client makes itself on every send (HTTP/2 pseudo-headers, Host, "
    "Content-Length, connection headers) were left out: "
)


def load(path: Path) -> Imported:
    data = path.read_bytes()
    assert har.sniff(data, path.name)
    return har.read(data, path.name)


def report(imported: Imported) -> list[tuple[str, str]]:
    return [(line.where, line.what) for line in imported.report]


def secret_line(what: str, requests: str, variable: str, extra: str = "") -> str:
    return (
        f"{what} of {requests} is now the secret variable {{{{{variable}}}}}{extra}: its value "
        "goes to the secret store, not into the collection files."
    )


def har_of(*entries: object) -> bytes:
    return json.dumps({"log": {"version": "1.2", "entries": list(entries)}}).encode()


def entry(
    url: str = "https://api.example.com/items",
    method: str = "GET",
    headers: list[tuple[str, str]] | None = None,
    post: dict[str, Any] | None = None,
    response: dict[str, Any] | None = None,
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "method": method,
        "url": url,
        "headers": [{"name": n, "value": v} for n, v in headers or []],
    }
    if post is not None:
        request["postData"] = post
    return {
        "startedDateTime": "2026-12-01T10:00:00.000Z",
        "time": 12.5,
        "request": request,
        "response": response
        or {"status": 200, "statusText": "OK", "headers": [], "content": {"text": ""}},
    }


# --------------------------------------------------------------------------- the corpus


@needs_corpus
def test_chrome_every_method() -> None:
    imported = load(CHROME_ALL)
    assert imported.format == "HAR 1.2"
    assert imported.root.name == "chrome-requestgenerator-all-methods"
    assert imported.folders() == ["requestgenerator.com"]
    requests = [r for _, r in imported.requests()]
    assert len(requests) == 665
    assert Counter(r.method for r in requests) == {
        "GET": 178,
        "POST": 184,
        "HEAD": 62,
        "DELETE": 60,
        "OPTIONS": 60,
        "PUT": 60,
        "PATCH": 60,
        "TEST_METHOD_NOT_IN_SPEC": 1,
    }
    assert [(r.name, r.url) for r in requests[:3]] == [
        ("DELETE /api/methods/delete", "https://requestgenerator.com/api/methods/delete"),
        ("GET /api/methods/get", "https://requestgenerator.com/api/methods/get"),
        ("HEAD /api/methods/head", "https://requestgenerator.com/api/methods/head"),
    ]
    names = [r.name for r in requests]
    assert "POST /api/check-cookie (2)" in names
    assert len(set(names)) == 665
    # 59 JSON-as-text/plain stay raw text, 59 multipart become fields; the empty postData
    # of the rest is no body.
    assert Counter(r.body_mode for r in requests) == {
        BodyMode.JSON: 547,
        BodyMode.RAW: 59,
        BodyMode.MULTIPART: 59,
    }
    assert all(r.body == "" for r in requests if r.body_mode is BodyMode.JSON)
    multipart = next(r for r in requests if r.body_mode is BodyMode.MULTIPART)
    assert [f.name for f in multipart.form] == ["userId", "registeredAt"]
    assert not any(h.name.lower() == "content-type" for h in multipart.headers)
    assert sum(1 for r in requests if r.params) == 59
    assert all(r.auth.kind is AuthKind.INHERIT for r in requests)
    assert not any(h.name.startswith(":") for r in requests for h in r.headers)
    assert all(KeyValue("Cookie", "{{cookie_requestgenerator.com}}") in r.headers for r in requests)
    # 11 failed (status 0) entries are not recorded.
    assert len(imported.recorded) == 654
    assert imported.recorded[0].status == 200
    assert imported.recorded[0].body == (
        b'{"methodUsed":"DELETE","statusExpected":200,"requestPayload":""}'
    )
    lines = report(imported)
    assert len(lines) == 15
    failures = [line for line in lines if "failed" in line[1]]
    assert len(failures) == 11
    assert failures[0] == (
        "requestgenerator.com / GET /api/status/407",
        "The recorded request failed (net::ERR_UNEXPECTED_PROXY_AUTH): no response came back, "
        "so none is kept for the history.",
    )
    assert lines[11:] == [
        (
            "(collection)",
            DROPPED + ":authority, :method, :path, :scheme (661 requests); "
            "Content-Length (244 requests).",
        ),
        (
            "(collection)",
            "The recorded Content-Type of 59 multipart bodies was left out: it names the "
            "recorded boundary, and a new one is made on each send.",
        ),
        (
            "requestgenerator.com",
            secret_line(
                "The Cookie header",
                "665 requests",
                "cookie_requestgenerator.com",
                " (6 different values were recorded; the last one is kept)",
            ),
        ),
        (
            "requestgenerator.com",
            secret_line(
                "The header x-custom-auth", "1 request", "x-custom-auth_requestgenerator.com"
            ),
        ),
    ]
    env = imported.root.name
    assert dict(imported.secrets) == {
        (env, "cookie_requestgenerator.com"): "auth=true; cf_ob_info=504:73718d1908c48c9c:EWR; "
        "cf_use_ob=0",
        (env, "x-custom-auth_requestgenerator.com"): "true",
    }


@needs_corpus
def test_firefox_har_1_1() -> None:
    imported = load(LINKEDIN)
    assert imported.format == "HAR 1.1"
    assert imported.folders() == [
        "www.linkedin.com",
        "static.licdn.com",
        "platform.linkedin.com",
        "sb.scorecardresearch.com",
        "www.google-analytics.com",
        "stats.g.doubleclick.net",
        "www.google.com",
        "www.google.se",
    ]
    requests = imported.requests()
    assert len(requests) == 23
    assert Counter(folder for folder, _ in requests) == {
        "static.licdn.com": 12,
        "www.linkedin.com": 4,
        "sb.scorecardresearch.com": 2,
        "platform.linkedin.com": 1,
        "www.google-analytics.com": 1,
        "stats.g.doubleclick.net": 1,
        "www.google.com": 1,
        "www.google.se": 1,
    }
    assert Counter(r.method for _, r in requests) == {"GET": 21, "POST": 2}
    assert [(r.name, r.url) for _, r in requests[:2]] == [
        ("GET /", "https://www.linkedin.com/"),
        ("POST /mob/tracking", "https://www.linkedin.com/mob/tracking"),
    ]
    tracking = requests[1][1]
    assert tracking.body_mode is BodyMode.JSON
    assert len(tracking.body) == 332
    rum = requests[3][1]
    assert rum.url == "https://www.linkedin.com/lite/rum-track?csrfToken=ajax%3A2865512572964537111"
    assert rum.params == (KeyValue("csrfToken", "ajax%3A2865512572964537111"),)
    # Its params are empty: the urlencoded text is split into the one field.
    assert rum.body_mode is BodyMode.FORM
    assert [f.name for f in rum.form] == ["plist"]
    assert rum.form[0].value.startswith('{"totalDomContentLoadTime":734')
    assert Counter(r.body_mode for _, r in requests) == {
        BodyMode.JSON: 22,
        BodyMode.FORM: 1,
    }
    assert len(imported.recorded) == 23
    assert all(x.body == b"" for x in imported.recorded)
    assert report(imported) == [
        ("(collection)", DROPPED + "Host, Connection (23 requests); Content-Length (2 requests)."),
        (
            "platform.linkedin.com",
            secret_line("The Cookie header", "1 request", "cookie_platform.linkedin.com"),
        ),
        (
            "www.linkedin.com",
            secret_line(
                "The Cookie header",
                "3 requests",
                "cookie_www.linkedin.com",
                " (2 different values were recorded; the last one is kept)",
            ),
        ),
        (
            "sb.scorecardresearch.com",
            secret_line("The Cookie header", "1 request", "cookie_sb.scorecardresearch.com"),
        ),
        (
            "(collection)",
            "23 recorded responses came without their body (the HAR left it out): the history "
            "shows them with an empty body.",
        ),
    ]


@needs_corpus
def test_firefox_post_json_with_cookies() -> None:
    imported = load(KOFAX)
    assert imported.folders() == ["pc0uytxw.asia.kofax.com"]
    [(_, req)] = imported.requests()
    assert req.method == "POST"
    assert req.url == (
        "http://pc0uytxw.asia.kofax.com/agility.server.web/Services/SDK/ServerService.svc/json/"
        "GetNavigationMenu2"
    )
    assert req.body_mode is BodyMode.JSON
    assert len(req.body) == 230
    assert "/Date(1592913818283+0530)/" in req.body
    names = [h.name for h in req.headers]
    assert "Host" not in names and "Content-Length" not in names and "Connection" not in names
    assert KeyValue("Cookie", "{{cookie_pc0uytxw.asia.kofax.com}}") in req.headers
    assert KeyValue("CSRFDesignerToken", "{{csrfdesignertoken_pc0uytxw.asia.kofax.com}}") in (
        req.headers
    )
    assert "A544AC9566974D92A17F703769CEC2E6" not in repr(imported.root)
    [exchange] = imported.recorded
    assert (exchange.status, exchange.reason, len(exchange.body)) == (200, "OK", 39483)
    assert exchange.request == req
    assert exchange.elapsed_ms == 8
    [environment] = imported.environments
    assert environment.name == "firefox77-kofax-post-json"
    assert all(v.secret and not v.value for v in environment.variables)
    assert report(imported) == [
        ("(collection)", DROPPED + "Host, Content-Length, Connection (1 request)."),
        (
            "pc0uytxw.asia.kofax.com",
            secret_line(
                "The header CSRFDesignerToken",
                "1 request",
                "csrfdesignertoken_pc0uytxw.asia.kofax.com",
            ),
        ),
        (
            "pc0uytxw.asia.kofax.com",
            secret_line("The Cookie header", "1 request", "cookie_pc0uytxw.asia.kofax.com"),
        ),
    ]


@needs_corpus
def test_chrome_devtools_with_a_failure_and_a_png() -> None:
    imported = load(DEVTOOLS)
    assert imported.folders() == ["mitmproxy.org", "www.google.com"]
    requests = imported.requests()
    assert [(r.method, r.url) for _, r in requests] == [
        ("GET", "https://mitmproxy.org/"),
        ("GET", "https://www.google.com/"),
        (
            "GET",
            "https://www.google.com/images/branding/googlelogo/2x/"
            "googlelogo_light_color_272x92dp.png",
        ),
    ]
    assert all(r.body_mode is BodyMode.JSON and not r.body for _, r in requests)
    not_modified, png = imported.recorded
    assert (not_modified.status, len(not_modified.body)) == (304, 23866)
    assert not_modified.body.startswith(b"<!DOCTYPE html>")
    assert (png.status, len(png.body)) == (200, 7108)
    assert png.body.startswith(b"\x89PNG\r\n\x1a\n")
    assert report(imported) == [
        (
            "www.google.com / GET /",
            "The recorded request failed (net::ERR_INTERNET_DISCONNECTED): no response came "
            "back, so none is kept for the history.",
        ),
        ("(collection)", DROPPED + ":authority, :method, :path, :scheme (2 requests)."),
        ("www.google.com", secret_line("The Cookie header", "1 request", "cookie_www.google.com")),
    ]


@needs_corpus
def test_chrome_post_of_json_as_plain_text() -> None:
    imported = load(POSTDATA)
    assert imported.folders() == ["signal-metrics-collector-beta.s-onetag.com"]
    [(_, req)] = imported.requests()
    assert (req.method, req.url) == (
        "POST",
        "https://signal-metrics-collector-beta.s-onetag.com/metrics",
    )
    # Declared text/plain: sent as typed, with that type.
    assert req.body_mode is BodyMode.RAW
    assert len(req.body) == 1310
    assert KeyValue("content-type", "text/plain;charset=UTF-8") in req.headers
    [exchange] = imported.recorded
    assert (exchange.status, exchange.body) == (200, b"")
    assert imported.environments == ()
    assert report(imported) == [
        (
            "(collection)",
            DROPPED + ":authority, :method, :path, :scheme, Content-Length (1 request).",
        ),
    ]


@needs_corpus
def test_mitmproxy_form_post() -> None:
    imported = load(FORM_POST)
    assert imported.folders() == ["example.com", "httpbin.org"]
    (_, get), (_, post) = imported.requests()
    assert (get.name, get.method, get.url) == ("GET /", "GET", "https://example.com/")
    assert (post.name, post.method, post.url) == ("POST /post", "POST", "https://httpbin.org/post")
    assert post.body_mode is BodyMode.FORM
    assert post.form == (FormField("key1", "value1"), FormField("key2", "value2"))
    first, second = imported.recorded
    assert (first.status, len(first.body)) == (200, 1256)
    assert (second.status, len(second.body)) == (200, 453)
    assert second.started == "2023-07-25T10:58:25.577252+00:00"
    assert report(imported) == [("(collection)", DROPPED + "Content-Length (1 request).")]


# --------------------------------------------------------------------------- features


def test_sniff() -> None:
    assert har.sniff(har_of(), "export.json")
    assert har.sniff(b'{"log": {}}', "anything")
    assert har.sniff(b"{}", "capture.HAR")
    assert not har.sniff(b'{"info": {}, "log": {}}', "collection.json")
    assert not har.sniff(b"curl https://x", "x.har")


def test_authorization_headers_become_auth_with_secrets() -> None:
    imported = har.read(
        har_of(
            entry("https://a.example/x", headers=[("Authorization", "Bearer t1")]),
            entry("https://a.example/y", headers=[("Authorization", "Bearer t2")]),
            entry(
                "https://b.example/z",
                headers=[("authorization", "Basic " + base64.b64encode(b"ann:pw").decode())],
            ),
            entry("https://c.example/", headers=[("Authorization", "Token abc")]),
            entry("https://dan:pw2@d.example:8443/q"),
            entry("https://e.example/", headers=[("X-Api-Key", "k")]),
        ),
        "session.har",
    )
    requests = [r for _, r in imported.requests()]
    assert imported.folders() == [
        "a.example",
        "b.example",
        "c.example",
        "d.example:8443",
        "e.example",
    ]
    assert requests[0].auth.kind is AuthKind.BEARER
    assert requests[0].auth.get("token") == "{{token_a.example}}"
    assert requests[1].auth.get("token") == "{{token_a.example}}"
    assert requests[2].auth.kind is AuthKind.BASIC
    assert dict(requests[2].auth.values) == {
        "username": "ann",
        "password": "{{password_b.example}}",
    }
    assert requests[3].auth.kind is AuthKind.NONE  # an inherited auth would replace the header
    assert requests[3].headers == (KeyValue("Authorization", "Token {{authorization_c.example}}"),)
    assert requests[4].url == "https://d.example:8443/q"
    assert dict(requests[4].auth.values) == {
        "username": "dan",
        "password": "{{password_d.example_8443}}",
    }
    assert requests[5].headers == (KeyValue("X-Api-Key", "{{x-api-key_e.example}}"),)
    assert dict(imported.secrets) == {
        ("session", "token_a.example"): "t2",
        ("session", "password_b.example"): "pw",
        ("session", "authorization_c.example"): "abc",
        ("session", "password_d.example_8443"): "pw2",
        ("session", "x-api-key_e.example"): "k",
    }
    for value in ("t1", "t2", "ann:pw", "abc", "pw2"):
        assert f"'{value}'" not in repr(imported.root)
        assert value not in repr(imported.recorded)
    assert (
        "a.example",
        secret_line(
            "The bearer token",
            "2 requests",
            "token_a.example",
            " (2 different values were recorded; the last one is kept)",
        ),
    ) in report(imported)


def test_redaction_markers_of_our_own_export_become_variables() -> None:
    imported = har.read(
        har_of(
            entry(
                "https://h/x?key=«secret:api_key»",
                headers=[("Authorization", "Basic ann:«secret:password»")],
            )
        ),
        "h.har",
    )
    [(_, req)] = imported.requests()
    assert req.url == "https://h/x?key={{api_key}}"
    assert dict(req.auth.values) == {"username": "ann", "password": "{{password}}"}
    [environment] = imported.environments
    assert [(v.name, v.secret) for v in environment.variables] == [
        ("api_key", True),
        ("password", True),
    ]
    assert imported.secrets == {}
    assert "{{api_key}}, {{password}}" in report(imported)[-1][1]


@pytest.mark.parametrize(
    ("post", "mode", "body", "form"),
    [
        ({"mimeType": "application/json", "text": '{"a":1}'}, BodyMode.JSON, '{"a":1}', ()),
        ({"mimeType": "application/json", "text": "{oops"}, BodyMode.RAW, "{oops", ()),
        (
            {"mimeType": "application/x-www-form-urlencoded", "text": "a=1&b=x+y"},
            BodyMode.FORM,
            "",
            (FormField("a", "1"), FormField("b", "x y")),
        ),
        (
            {
                "mimeType": "multipart/form-data; boundary=zz",
                "text": "--zz...",
                "params": [
                    {"name": "n", "value": "v"},
                    {"name": "f", "fileName": "a.png", "contentType": "image/png"},
                ],
            },
            BodyMode.MULTIPART,
            "",
            (FormField("n", "v"), FormField("f", "a.png", file=True, content_type="image/png")),
        ),
        ({"mimeType": "text/csv", "text": "a,b"}, BodyMode.RAW, "a,b", ()),
        (
            {
                "mimeType": "text/plain",
                "text": base64.b64encode(b"hi").decode(),
                "encoding": "base64",
            },
            BodyMode.RAW,
            "hi",
            (),
        ),
        ({"mimeType": "", "params": [], "text": ""}, BodyMode.JSON, "", ()),
    ],
)
def test_request_bodies(
    post: dict[str, Any], mode: BodyMode, body: str, form: tuple[FormField, ...]
) -> None:
    imported = har.read(har_of(entry(method="POST", post=post)), "x.har")
    [(_, req)] = imported.requests()
    assert (req.body_mode, req.body, req.form) == (mode, body, form)


def test_a_raw_body_keeps_or_gets_its_content_type() -> None:
    imported = har.read(
        har_of(entry(method="POST", post={"mimeType": "text/csv", "text": "a"})), "x"
    )
    [(_, req)] = imported.requests()
    assert req.headers == (KeyValue("Content-Type", "text/csv"),)


def test_problems_with_bodies_are_reported() -> None:
    imported = har.read(
        har_of(
            entry(method="POST", post={"mimeType": "application/json", "text": "{oops"}),
            entry(
                method="POST",
                post={"mimeType": "application/octet-stream", "text": "//79", "encoding": "base64"},
            ),
            entry(
                method="POST",
                post={
                    "mimeType": "multipart/form-data",
                    "params": [{"name": "f", "fileName": "a"}],
                },
            ),
        ),
        "x.har",
    )
    assert [what for _, what in report(imported)] == [
        "Its body is declared as application/json but is not valid JSON, so it is raw text.",
        "Its request body was recorded as binary data, which a request here cannot hold as "
        "text: save it to a file and choose a File body.",
        "The file of its form field f is not in the HAR, only its name: pick the file in the "
        "Body tab before sending.",
    ]
    assert [where for where, _ in report(imported)] == [
        "api.example.com / POST /items",
        "api.example.com / POST /items (2)",
        "api.example.com / POST /items (3)",
    ]


def test_responses_are_recorded_in_their_charset_or_from_base64() -> None:
    imported = har.read(
        har_of(
            entry(
                response={
                    "status": 201,
                    "statusText": "Created",
                    "headers": [{"name": "Content-Type", "value": "text/plain; charset=latin-1"}],
                    "content": {"mimeType": "text/plain", "text": "café"},
                }
            ),
            entry(
                response={
                    "status": 200,
                    "headers": [],
                    "content": {
                        "text": base64.b64encode(b"\x00\x01").decode(),
                        "encoding": "base64",
                    },
                }
            ),
            entry(response={"status": 200, "content": {"text": "!!", "encoding": "base64"}}),
        ),
        "x.har",
    )
    latin, binary, broken = imported.recorded
    assert (latin.status, latin.reason, latin.body) == (201, "Created", "café".encode("latin-1"))
    assert latin.headers == (("Content-Type", "text/plain; charset=latin-1"),)
    assert (latin.elapsed_ms, latin.started) == (12.5, "2026-12-01T10:00:00.000Z")
    assert binary.body == b"\x00\x01"
    assert broken.body == b""
    assert "marked base64" in report(imported)[0][1]


def test_entries_that_are_not_http_are_skipped_and_reported() -> None:
    imported = har.read(
        har_of(
            entry("data:image/png;base64,AAAA"),
            entry("wss://chat.example/socket"),
            entry("wss://chat.example/other"),
            entry(""),
            {"not": "an entry"},
            "nonsense",
        ),
        "x.har",
    )
    assert imported.requests() == []
    assert report(imported) == [
        (
            "(collection)",
            "1 entry with data: URLs was skipped: only http and https requests are imported.",
        ),
        (
            "(collection)",
            "2 entries with wss: URLs were skipped: only http and https requests are imported.",
        ),
        (
            "(collection)",
            "3 entries with no usable URL were skipped: only http and https requests are imported.",
        ),
    ]


def test_long_paths_are_cut_in_names_only() -> None:
    url = "https://h/" + "a" * 300
    imported = har.read(har_of(entry(url)), "x.har")
    [(_, req)] = imported.requests()
    assert req.url == url
    assert len(req.name) == 120 and req.name.endswith("…")


@pytest.mark.parametrize(
    ("data", "sentence"),
    [
        (b"", "is not valid JSON"),
        (b"\x80", "is not UTF-8 text"),
        (b"[]", 'has no "log" object'),
        (b'{"log": {"entries": {}}}', 'no "entries" list'),
        (b"[" * 100_000, "nested too deeply"),
        (b'{"log": {"entries": [1e999999]}}', ""),
    ],
)
def test_broken_inputs_are_one_sentence(data: bytes, sentence: str) -> None:
    try:
        har.read(data, "x.har")
    except FormatError as exc:
        assert sentence in str(exc)
        assert "\n" not in str(exc)
    else:
        assert sentence == ""


def test_inputs_over_50_mb_are_refused() -> None:
    with pytest.raises(FormatError, match="over 50 MB"):
        har.read(b" " * (har.MAX_BYTES + 1), "big.har")


# --------------------------------------------------------------------------- any bytes


def _answers(data: bytes) -> None:
    fuzzing.answer(lambda: har.read(data, "fuzz.har"))


SEEDS = (
    [FORM_POST.read_bytes(), POSTDATA.read_bytes(), KOFAX.read_bytes()]
    if CORPUS.is_dir()
    else [har_of(entry())]
)


@fuzzing.settings(120)
@given(st.binary(max_size=2048))
def test_any_bytes_give_a_collection_or_a_sentence(data: bytes) -> None:
    _answers(data)
    _answers(b'{"log": {"entries": ' + data)


@fuzzing.settings(120)
@given(seed=st.sampled_from(SEEDS), **fuzzing.SPLICES)
def test_mutated_corpus_files_give_a_collection_or_a_sentence(
    seed: bytes, start: int, length: int, insert: bytes
) -> None:
    _answers(fuzzing.splice(seed, start, length, insert))


STRUCT_SEED = json.loads(SEEDS[0])


@settings(max_examples=150, deadline=None)
@given(where=st.sampled_from(fuzzing.places(STRUCT_SEED)), value=fuzzing.json_values())
def test_any_value_anywhere_in_a_har_gives_a_collection_or_a_sentence(
    where: tuple[object, ...], value: object
) -> None:
    _answers(json.dumps(fuzzing.replaced(STRUCT_SEED, where, value)).encode())

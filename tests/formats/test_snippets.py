"""Copy as cURL, HTTPie and httpx: what real curl and a real httpx script send for a
snippet is what the request sent; secrets become ``{{name}}`` unless asked for; a cURL
snippet read back by the cURL importer is the same request."""

from __future__ import annotations

import base64
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.collection import AuthKind, AuthSpec, Variable
from app.core.prepare import PreparedRequest, prepare_request
from app.core.request import BodyMode, FormField, KeyValue, RequestSpec
from app.core.variables import Scope, VariableContext, resolve_request
from app.formats import curl
from app.formats.snippets import SNIPPETS, to_curl, to_httpie, to_httpx
from app.http.auth import apply_auth
from tests.formats import fuzzing
from tests.formats.curl_support import BASH, CURL, Recorded, Recorder, bash_argv, bash_stdin_of

BASE = "http://127.0.0.1:9"  # replaced by the recorder's address where something is sent


def prepared(
    method: str = "GET",
    path: str = "/x",
    *,
    headers: tuple[tuple[str, str], ...] = (),
    body: str = "",
    mode: BodyMode = BodyMode.RAW,
    auth: AuthSpec | None = None,
    form: tuple[FormField, ...] = (),
    base: str = BASE,
) -> PreparedRequest:
    """A request as the app prepares and signs it (its default headers included)."""
    spec = RequestSpec(
        method,
        base + path,
        headers=tuple(KeyValue(n, v) for n, v in headers),
        body=body,
        body_mode=mode,
        form=form,
    )
    request = prepare_request(spec)
    return apply_auth(request, auth) if auth is not None else request


@dataclass(frozen=True)
class Sample:
    """One request to export: how it is built (any base URL), and its secrets."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""
    mode: BodyMode = BodyMode.RAW
    auth: AuthSpec | None = None
    raw_body: bytes | None = None  # a body no text holds (NUL, bytes that are not UTF-8)

    def at(self, base: str) -> PreparedRequest:
        request = prepared(
            self.method,
            self.path,
            headers=self.headers,
            body=self.body,
            mode=self.mode,
            auth=self.auth,
            base=base,
        )
        return replace(request, body=self.raw_body) if self.raw_body is not None else request


TRICKY_TEXT = 'it\'s "quoted" $HOME `pwd` !bang %s \\n \\ back\ttab\r\nnew line ünï 👋 {{x}}'
SAMPLES = {
    "get with a query and brackets": Sample(
        "GET", "/search?q=a%20b&tags[]=1&x={y}", headers=(("X-Trace", "a'b\"c"),)
    ),
    "json with unicode and escapes": Sample(
        "POST",
        "/items",
        body='{\n  "name": "Zoë\'s \\"cat\\"",\n  "emoji": "👋",\n  "tab": "\\t"\n}',
        mode=BodyMode.JSON,
    ),
    "raw text without a content type": Sample("PUT", "/notes/1", body=TRICKY_TEXT),
    "a body starting with @": Sample(
        "POST", "/at", headers=(("Content-Type", "text/plain"),), body="@not-a-file"
    ),
    "binary with NUL and non-UTF-8": Sample(
        "POST",
        "/bin",
        headers=(("Content-Type", "application/octet-stream"),),
        raw_body=b"\x00\x01\xff\xfe%s\\'\n\x7f",
    ),
    "head": Sample("HEAD", "/health"),
    "delete with an empty header and twice the same header": Sample(
        "DELETE", "/items/2", headers=(("X-Empty", ""), ("X-Dup", "1"), ("X-Dup", "2"))
    ),
    "basic auth": Sample(
        "PATCH",
        "/me",
        body='{"a": 1}',
        mode=BodyMode.JSON,
        auth=AuthSpec(AuthKind.BASIC, (("username", "me"), ("password", "pa ss:wörd"))),
    ),
    "bearer and a post without body": Sample(
        "POST", "/empty", auth=AuthSpec(AuthKind.BEARER, (("token", "tok-123"),))
    ),
}


@pytest.fixture(scope="module")
def server() -> Iterator[Recorder]:
    recorder = Recorder()
    yield recorder
    recorder.close()


def _headers(recorded: Recorded, *, skip: frozenset[str]) -> list[tuple[str, str]]:
    return sorted((k.lower(), v) for k, v in recorded.headers if k.lower() not in skip)


def _sent(request: PreparedRequest) -> list[tuple[str, str]]:
    return sorted((k.lower(), v) for k, v in request.headers)


def _same(recorded: Recorded, request: PreparedRequest, *, client_adds: set[str]) -> None:
    assert recorded.method == request.method
    assert recorded.target == "/" + request.url.split("://", 1)[1].partition("/")[2]
    assert recorded.body == request.body
    # Host and Content-Length are the URL's and the body's; the client may add others.
    skip = frozenset({"host", "content-length", *client_adds})
    assert _headers(recorded, skip=skip) == _sent(request)


@pytest.mark.parametrize("label", list(SAMPLES))
def test_curl_sends_what_the_request_sent(label: str, server: Recorder) -> None:
    if CURL is None or BASH is None:
        pytest.skip("curl or bash is not installed")
    request = SAMPLES[label].at(server.base)
    snippet = to_curl(request, include_secrets=True)
    script = snippet.replace("curl ", "curl -q -s -o /dev/null --noproxy '*' --max-time 10 ", 1)
    ran = subprocess.run([BASH, "--norc", "-c", script], capture_output=True, timeout=20)
    assert ran.returncode == 0, (snippet, ran.stderr)
    _same(server.take(), request, client_adds=set())


def test_the_httpx_scripts_send_what_the_requests_sent(server: Recorder) -> None:
    requests = [sample.at(server.base) for sample in SAMPLES.values()]
    scripts = [to_httpx(request, include_secrets=True) for request in requests]
    for script in scripts:
        compile(script, "snippet.py", "exec")
    # One interpreter runs every script in turn, each in a namespace of its own (a Python
    # start with httpx costs half a second).
    runner = "import sys\nfor script in sys.argv[1:]:\n    exec(script, {})\n"
    ran = subprocess.run(
        [sys.executable, "-c", runner, *scripts],
        capture_output=True,
        timeout=60,
        env={"NO_PROXY": "*"},
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.decode().count("200 OK\n") == len(scripts)
    for recorded, request in zip(server.take_all(len(requests)), requests, strict=True):
        # httpx adds Connection: keep-alive; everything else is the request's.
        _same(recorded, request, client_adds={"connection"})


def httpie_item(item: str) -> tuple[str, str, str]:
    """(name, separator, value) as HTTPie 3 reads a request item: the first separator
    outside a backslash escape, the longest at that position; escapes then removed."""
    separators = sorted([":", ";", ":@", "=", ":=", "=@", ":=@", "==", "==@", "@"], key=len)
    special = set("".join(separators))
    tokens: list[tuple[bool, str]] = [(False, "")]
    chars = iter(item)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            if following in special:
                tokens += [(True, following), (False, "")]
            else:
                tokens[-1] = (False, tokens[-1][1] + "\\" + following)
        else:
            tokens[-1] = (tokens[-1][0], tokens[-1][1] + char)
    for index, (escaped, token) in enumerate(tokens):
        if escaped:
            continue
        found = {token.find(s): s for s in separators if token.find(s) != -1}
        if found:
            separator = found[min(found)]
            key, value = token.split(separator, 1)
            key = "".join(t for _, t in tokens[:index]) + key
            value += "".join(t for _, t in tokens[index + 1 :])
            return key, separator, value
    raise AssertionError(f"no separator in {item!r}")


@pytest.mark.parametrize("label", list(SAMPLES))
def test_the_httpie_command_says_the_same_request(label: str) -> None:
    if BASH is None:
        pytest.skip("bash is not installed")
    request = SAMPLES[label].at(BASE)
    snippet = to_httpie(request, include_secrets=True)
    argv = bash_argv(snippet, name="http")
    body = request.body
    if b"\x00" in body:
        assert bash_stdin_of(snippet, "http") == body  # piped in: no argument holds a NUL
    else:
        assert ("--raw" in argv) == bool(body)
        if body:
            assert argv[argv.index("--raw") + 1].encode("utf-8", "surrogateescape") == body
    rest = [a for a in argv if a != "--raw" and a.encode("utf-8", "surrogateescape") != body]
    method_at = rest.index(request.method)
    assert rest[method_at + 1] == request.url
    items = [httpie_item(item) for item in rest[method_at + 2 :]]
    wanted = [(n, ";" if not v else ":", v) for n, v in request.headers if n.lower() != "host"]
    if body and request.header("Content-Type") is None:
        wanted.append(("Content-Type", ":", ""))  # unsets HTTPie's JSON type
    assert items == wanted


def test_every_snippet_is_listed_by_name() -> None:
    assert dict(SNIPPETS) == {"curl": to_curl, "httpie": to_httpie, "httpx": to_httpx}


def test_a_curl_snippet_reads_naturally() -> None:
    request = prepared(
        "POST",
        "/payments",
        headers=(("Accept", "application/json"),),
        body='{"amount": "10.00"}',
        mode=BodyMode.JSON,
    )
    assert to_curl(request) == (
        "curl http://127.0.0.1:9/payments \\\n"
        "  -H 'Accept: application/json' \\\n"
        "  -H 'Content-Type: application/json;charset=utf-8' \\\n"
        "  -H 'Accept-Encoding: gzip, deflate, br, zstd' \\\n"
        "  -H 'User-Agent: API-Explorer/0.1' \\\n"
        "  --compressed \\\n"
        '  --data-binary \'{"amount": "10.00"}\''
    )
    assert to_curl(request, follow_redirects=True, verify=False).endswith(
        '  -L \\\n  -k \\\n  --data-binary \'{"amount": "10.00"}\''
    )
    assert "follow_redirects=True" in to_httpx(request, follow_redirects=True)
    assert "--verify=no" in to_httpie(request, verify=False)


# --------------------------------------------------------------------------- secrets

SECRETS = {"password": "pa ss:wörd", "token": "tok/123+x"}


def _with_secrets() -> PreparedRequest:
    return prepared(
        "POST",
        "/pay?key=tok%2F123%2Bx",
        headers=(("X-Token", "tok/123+x"), ("Content-Type", "application/json")),
        body='{"token": "tok/123+x", "echo": "'
        + base64.b64encode(b"me:pa ss:w\xc3\xb6rd").decode()
        + '"}',
        mode=BodyMode.JSON,
        auth=AuthSpec(AuthKind.BASIC, (("username", "me"), ("password", "pa ss:wörd"))),
    )


@pytest.mark.parametrize("name", ["curl", "httpie", "httpx"])
def test_secrets_are_written_as_their_names_unless_asked_for(name: str) -> None:
    request = _with_secrets()
    basic = base64.b64encode("me:pa ss:wörd".encode()).decode()
    hidden = SNIPPETS[name](request, secrets=SECRETS)
    for leak in ("pa ss:wörd", "tok/123+x", "tok%2F123%2Bx", basic):
        assert leak not in hidden
    assert "{{token}}" in hidden
    assert "{{password_base64}}" in hidden  # what a server could echo, derived from it
    assert "me:{{password}}" in hidden or "'me', '{{password}}'" in hidden
    shown = SNIPPETS[name](request, secrets=SECRETS, include_secrets=True)
    assert "tok/123+x" in shown and basic in shown


def test_a_history_entry_exports_its_markers_as_placeholders() -> None:
    # What HistoryStore keeps: secrets as markers, Basic credentials decoded around one.
    entry = PreparedRequest(
        "GET",
        "https://api.test/v1?key=«secret:token»",
        (("Authorization", "Basic me:«secret:password»"), ("Host", "api.test")),
        b'{"t": "\xc2\xabsecret:token\xc2\xbb"}',
        0.0,
    )
    snippet = to_curl(entry)
    assert "«" not in snippet
    assert "https://api.test/v1?key={{token}}" in snippet
    assert "-u 'me:{{password}}'" in snippet
    assert "Host" not in snippet  # the URL's own host: curl sends it
    assert '{"t": "{{token}}"}' in snippet
    script = to_httpx(entry)
    assert "timeout" not in script  # history does not know the timeout: httpx's default


def test_a_mac_signature_is_exported_as_sent() -> None:
    request = PreparedRequest(
        "GET",
        "https://h/x",
        (("Authorization", 'MAC id="a", ts="1", nonce="n", mac="sig="'),),
        b"",
        30,
    )
    assert 'mac="sig="' in to_curl(request, secrets={"mac_key": "k"})


# --------------------------------------------------------------------------- round trip


def sent_again(text: str, secrets: Mapping[str, str]) -> PreparedRequest:
    """``text`` read by the cURL importer, then resolved, prepared and signed as the app
    does, with ``secrets`` (and those the import found) as secret variables."""
    request, _, found = curl.parse_command(text)
    values = {**secrets, **found}
    scope = Scope("environment", tuple(Variable(n, secret=True) for n in values))
    resolved = resolve_request(request, [], VariableContext([scope], values))
    assert not resolved.unresolved, resolved.unresolved
    again = prepare_request(resolved.spec)
    return apply_auth(again, resolved.auth) if resolved.auth.kind is not AuthKind.NONE else again


def _same_prepared(again: PreparedRequest, request: PreparedRequest) -> None:
    assert (again.method, again.url, again.body) == (request.method, request.url, request.body)
    assert _sent(again) == _sent(request)


@pytest.mark.parametrize("label", [k for k in SAMPLES if SAMPLES[k].raw_body is None])
@pytest.mark.parametrize("include", [True, False])
def test_curl_snippets_read_back_as_the_same_request(label: str, include: bool) -> None:
    request = SAMPLES[label].at("https://api.test")
    # "{{x}}" in a body is a variable to this app, which has no way to write it literally; a
    # secret's value goes in as it is, so here {{x}} stands for itself.
    secrets = {"password": "pa ss:wörd", "token": "tok-123", "x": "{{x}}"}
    _same_prepared(
        sent_again(to_curl(request, secrets=secrets, include_secrets=include), secrets), request
    )


def test_a_binary_body_reads_back_through_printf() -> None:
    request = Sample(
        "POST",
        "/bin",
        headers=(("Content-Type", "application/octet-stream"),),
        raw_body=b"a\x00b\x01",
    ).at("https://api.test")
    snippet = to_curl(request)
    assert snippet.startswith("printf 'a\\000b\\001' | curl")
    _same_prepared(sent_again(snippet, {}), request)


def test_a_form_body_reads_back_as_a_form() -> None:
    request = prepared(
        "POST", "/form", mode=BodyMode.FORM, form=(FormField("a", "1 2"), FormField("b", "ü&"))
    )
    again, _, _ = curl.parse_command(to_curl(request))
    assert again.body_mode is BodyMode.FORM
    assert again.form == (FormField("a", "1 2"), FormField("b", "ü&"))
    _same_prepared(sent_again(to_curl(request), {}), request)


HEADER_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40
).map(str.strip)


@fuzzing.settings(120)
@given(
    body=st.text(max_size=300),
    value=HEADER_TEXT,
    path=st.text(alphabet="abc/?&=%[]{}'\"$` ~!#", max_size=30),
)
def test_any_text_body_and_header_read_back_exactly(body: str, value: str, path: str) -> None:
    request = PreparedRequest(
        "PUT",
        "https://api.test/" + path,
        (("X-Value", value), ("Content-Type", "text/plain")),
        body.encode("utf-8"),
        30,
    )
    again, _, secrets = curl.parse_command(to_curl(request))
    assert secrets == {}
    assert again.url == request.url.strip()  # as the app sends it: prepare strips it too
    assert again.body == body
    if body:
        assert again.body_mode is BodyMode.RAW
    headers = [(h.name, h.value) for h in again.headers]
    assert headers == ([("X-Value", value)] if value else [("X-Value", "")]) + [
        ("Content-Type", "text/plain")
    ]


@fuzzing.settings(25)
@given(body=st.binary(max_size=200).filter(lambda b: b"\x00" not in b), value=HEADER_TEXT)
def test_bash_reads_any_snippet_argument_back_exactly(body: bytes, value: str) -> None:
    if BASH is None:
        pytest.skip("bash is not installed")
    request = PreparedRequest(
        "POST", "https://h/x", (("X-Value", value), ("Content-Type", "a/b")), body, 30
    )
    argv = bash_argv(to_curl(request))
    assert argv[-2] in ("--data-binary", "--data-raw") or not body
    if body:
        assert argv[-1].encode("utf-8", "surrogateescape") == body
    assert ("X-Value: " + value if value else "X-Value;") in argv

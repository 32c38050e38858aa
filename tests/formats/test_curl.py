"""The cURL importer: every corpus command against what was counted by hand from the file
(and what bash itself makes of it), what real curl sends next to what the app sends after
importing it, each option and quoting form, and any bytes give a request or one sentence."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.collection import AuthKind, SavedRequest, Variable
from app.core.request import BodyMode, FormField
from app.core.variables import VARIABLE_PATTERN
from app.formats import FormatError, Imported, curl
from app.formats.curl import _BashLexer
from tests.formats import fuzzing
from tests.formats.curl_support import (
    BASH,
    CURL,
    Recorded,
    Recorder,
    bash_argv,
    form_fields,
    multipart_parts,
    run_curl,
    send_imported,
    with_origin,
)

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "curl"
FILES = sorted(p.name for p in CORPUS.iterdir())


@dataclass(frozen=True)
class Case:
    """What one corpus file holds, counted by hand (and checked against bash's argv)."""

    method: str
    url: str
    body_mode: BodyMode
    auth: AuthKind
    headers: tuple[tuple[str, str], ...] = ()
    auth_values: tuple[tuple[str, str], ...] = ()
    name: str | None = None  # when not host and path (those longer than 80 characters)
    body: str | None = None  # the exact body, when short enough to write here
    body_bytes: int | None = None  # else its UTF-8 length and line breaks
    body_newlines: int | None = None
    form: tuple[tuple[str, str, bool], ...] = ()  # (name, value, is a file)
    secrets: dict[str, str] = field(default_factory=dict)
    variables: tuple[tuple[str, bool], ...] = ()  # the environment's (name, secret)
    follow: bool | None = None
    report: tuple[str, ...] = ()  # a fragment of each report line, in order


NO_CT = "had no Content-Type (curl would have sent application/x-www-form-urlencoded)"
COOKIES = "The request sends cookies (a Cookie header)"


def secret_line(name: str) -> str:
    return f"became the secret variable {{{{{name}}}}} of the environment"


CASES: dict[str, Case] = {
    "checkout-connect-token-no-continuations.sh": Case(
        "POST",
        "https://access.checkout.com/connect/token",
        BodyMode.FORM,
        AuthKind.BASIC,
        headers=(("Content-Type", "application/x-www-form-urlencoded"),),
        auth_values=(("username", "test-access-key-id"), ("password", "{{password}}")),
        form=(("grant_type", "client_credentials", False), ("scope", "gateway", False)),
        secrets={"password": "test-access-key-secret"},
        variables=(("password", True),),
        follow=True,
        report=(
            "Lines 2, 3, 4 and 5 continue the curl command without a backslash",
            "The Authorization header's Basic credentials became the request's Basic auth.",
            secret_line("password"),
        ),
    ),
    "curlconverter-form_quotes-lines3-29.sh": Case(
        "POST",
        "http://localhost:28139/cgi-bin/luci/admin/network/network/wan",
        BodyMode.MULTIPART,
        AuthKind.INHERIT,
        form=(
            ("token", "9d96aaaaaaaaaaaaaaaaaaaaaaaa3541", False),
            ("cbi.submit", "1", False),
            ("tab.network.wan", "general", False),
            ("cbid.network.wan._fwzone", "wan", False),
            ("cbid.network.wan._fwzone.newzone", "", False),
            ("cbi.cbe.network.wan.ifname_single", "1", False),
            ("cbid.network.wan.ifname_single", "eth0.2", False),
            ("cbid.network.wan.proto", "pppoe", False),
            ("cbid.network.wan.ac", "", False),
            ("cbid.network.wan.service", "", False),
            ("cbi.cbe.network.wan.auto", "1", False),
            ("cbid.network.wan.auto", "1", False),
            ("cbi.cbe.network.wan.delegate", "1", False),
            ("cbid.network.wan.delegate", "1", False),
            ("cbi.cbe.network.wan.force_link", "1", False),
            ("cbid.network.wan.ipv6", "auto", False),
            ("cbi.cbe.network.wan.defaultroute", "1", False),
            ("cbid.network.wan.defaultroute", "1", False),
            ("cbid.network.wan.metric", "0", False),
            ("cbi.cbe.network.wan.peerdns", "1", False),
            ("cbid.network.wan.peerdns", "1", False),
            ("cbid.network.wan._keepalive_failure", "", False),
            ("cbid.network.wan._keepalive_interval", "", False),
            ("cbid.network.wan.demand", "", False),
            ("cbid.network.wan.mtu", "", False),
            ("cbi.apply", "保存&应用", False),
        ),
        follow=True,
    ),
    "curlconverter-get_digest_auth.sh": Case(
        "GET",
        "http://localhost:28139/",
        BodyMode.JSON,
        AuthKind.NONE,
        body="",
        secrets={"password": "some_password"},
        variables=(("password", True),),
        report=(
            "Digest authentication (--digest) has no counterpart here",
            secret_line("password"),
        ),
    ),
    "curlconverter-get_header_with_quotes.sh": Case(
        "GET",
        "http://localhost:28139",
        BodyMode.JSON,
        AuthKind.INHERIT,
        headers=(("sec-ch-ua", '" Not A;Brand";v="99", "Chromium";v="92"'),),
        body="",
    ),
    "curlconverter-get_with_data.sh": Case(
        "GET",
        "http://localhost:28139/synthetics/api/v3/monitors?test=2&limit=100&w=4",
        BodyMode.JSON,
        AuthKind.INHERIT,
        headers=(("X-Api-Key", "{{x_api_key}}"),),
        body="",
        secrets={"x_api_key": "123456789"},
        variables=(("x_api_key", True),),
        report=("-v only changes what curl prints or saves", secret_line("x_api_key")),
    ),
    "curlconverter-get_with_data2.sh": Case(
        "PUT",
        "http://localhost:28139/v2/alerts_policy_channels.json"
        "?policy_id=policy_id&channel_ids=channel_id",
        BodyMode.JSON,
        AuthKind.INHERIT,
        headers=(("X-Api-Key", "{{x_api_key}}"), ("Content-Type", "application/json")),
        body="",
        secrets={"x_api_key": "{admin_api_key}"},
        variables=(("x_api_key", True),),
        report=("-i only changes what curl prints or saves", secret_line("x_api_key")),
    ),
    "curlconverter-get_with_form.sh": Case(
        "POST",
        "http://localhost:28139/v3",
        BodyMode.MULTIPART,
        AuthKind.BASIC,
        auth_values=(("username", "test"), ("password", "")),
        form=(
            ("from", "test@tester.com", False),
            ("to", "devs@tester.net", False),
            ("subject", "Hello", False),
            ("text", "Testing the converter!", False),
        ),
        report=("-s only changes what curl prints or saves",),
    ),
    "curlconverter-multipart_with_headers.sh": Case(
        "POST",
        "http://localhost:28139/api/2.0/files/content",
        BodyMode.MULTIPART,
        AuthKind.BEARER,
        headers=(("X-Nice", "Header"),),
        auth_values=(("token", "{{token}}"),),
        form=(
            ("attributes", '{"name":"tigers.jpeg", "parent":{"id":"11446498"}}', False),
            ("file", "myfile.jpg", True),
        ),
        secrets={"token": "ACCESS_TOKEN"},
        variables=(("token", True),),
        report=(
            "The form sends the file myfile.jpg (by path, read when sending).",
            "The Authorization header's bearer token became the request's Bearer auth.",
            secret_line("token"),
        ),
    ),
    "curlconverter-multiple_d_post.sh": Case(
        "POST",
        "http://localhost:28139/webservices/rest.php",
        BodyMode.FORM,
        AuthKind.INHERIT,
        form=(
            ("version", "1.2", False),
            ("auth_user", "fdgxf", False),
            ("auth_pwd", "oxfdscds", False),
            ("json_data", '{ "operation": "core/get", "class": "Software", "key": "key" }', False),
        ),
        report=("-s only changes what curl prints or saves",),
    ),
    "curlconverter-parse_form_data.sh": Case(
        "POST",
        "http://localhost:28139/wp-json/contact-form-7/v1/contact-forms/295/feedback",
        BodyMode.RAW,
        AuthKind.INHERIT,
        headers=(
            ("authority", "sgg.ae"),
            ("accept", "application/json, text/javascript, */*; q=0.01"),
            ("accept-language", "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7"),
            (
                "content-type",
                "multipart/form-data; boundary=----WebKitFormBoundaryXSzdE07OT2MkeOO7",
            ),
            ("cookie", "pll_language=en"),
            ("origin", "https://sgg.ae"),
            ("referer", "https://sgg.ae/contact-us/"),
            ("sec-ch-ua", '"Chromium";v="106", "Google Chrome";v="106", "Not;A=Brand";v="99"'),
            ("sec-ch-ua-mobile", "?0"),
            ("sec-ch-ua-platform", '"Windows"'),
            ("sec-fetch-dest", "empty"),
            ("sec-fetch-mode", "cors"),
            ("sec-fetch-site", "same-origin"),
            (
                "user-agent",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                "Gecko) Chrome/106.0.0.0 Safari/537.36",
            ),
            ("x-requested-with", "XMLHttpRequest"),
        ),
        body_bytes=1132,
        body_newlines=41,
        report=(COOKIES,),
    ),
    "curlconverter-patch.sh": Case(
        "PATCH",
        "http://localhost:28139/go/api/agents/adb9540a-b954-4571-9d9b-2f330739d4da",
        BodyMode.JSON,
        AuthKind.BASIC,
        headers=(
            ("Accept", "application/vnd.go.cd.v4+json"),
            ("Content-Type", "application/json"),
        ),
        auth_values=(("username", "username"), ("password", "{{password}}")),
        body='{\n        "hostname": "agent02.example.com",\n'
        '        "agent_config_state": "Enabled",\n'
        '        "resources": ["Java","Linux"],\n'
        '        "environments": ["Dev"]\n'
        "        }",
        secrets={"password": "password"},
        variables=(("password", True),),
        report=(secret_line("password"),),
    ),
    "curlconverter-post_basic_auth_url_encoded_data.sh": Case(
        "POST",
        "http://localhost:28139/api/oauth/token/",
        BodyMode.FORM,
        AuthKind.BASIC,
        auth_values=(("username", "foo"), ("password", "{{password}}")),
        form=(("grant_type", "client_credentials", False),),
        secrets={"password": "bar"},
        variables=(("password", True),),
        report=(secret_line("password"),),
    ),
    "curlconverter-post_json_multiple_headers.sh": Case(
        "POST",
        "http://localhost:28139/rest/login-sessions",
        BodyMode.JSON,
        AuthKind.INHERIT,
        headers=(("Content-Type", "application/json"), ("X-API-Version", "200")),
        body='{"userName":"username123","password":"password123", "authLoginDomain":"local"}',
        report=(
            "curl was told not to check TLS certificates (-k)",
            "-v only changes what curl prints or saves",
        ),
    ),
    "curlconverter-post_with_data_binary.sh": Case(
        "POST",
        "http://localhost:28139/post",
        BodyMode.JSON,
        AuthKind.INHERIT,
        body='{"title":"china1"}',
        report=(NO_CT,),
    ),
    "curlconverter-post_with_quotes_anywhere.sh": Case(
        "POST",
        "http://localhost:28139",
        BodyMode.FORM,
        AuthKind.BASIC,
        headers=(("A", "''a'"), ("B", '"'), ("Cookie", "x=1'; y=2\"")),
        auth_values=(("username", "ol'"), ("password", "{{password}}")),
        form=(("a", "b", False), ("c", '"', False), ("d", "'", False)),
        secrets={"password": 'asd"'},
        variables=(("password", True),),
        report=(COOKIES, secret_line("password")),
    ),
    "curlconverter-post_with_urlencoded_data.sh": Case(
        "POST",
        "http://localhost:28139/echo/html/",
        BodyMode.FORM,
        AuthKind.INHERIT,
        headers=(
            ("Origin", "http://fiddle.jshell.net"),
            ("Accept-Encoding", "gzip, deflate"),
            ("Accept-Language", "en-US,en;q=0.8"),
            (
                "User-Agent",
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_1) AppleWebKit/537.36 (KHTML, "
                "like Gecko) Chrome/39.0.2171.95 Safari/537.36",
            ),
            ("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8"),
            ("Accept", "*/*"),
            ("Referer", "http://fiddle.jshell.net/_display/"),
            ("X-Requested-With", "XMLHttpRequest"),
            ("Connection", "keep-alive"),
        ),
        form=(("msg1", "wow", False), ("msg2", "such", False)),
    ),
    "curlconverter-put_basic_auth_json_data.sh": Case(
        "PUT",
        "http://localhost:28139/test/_security",
        BodyMode.JSON,
        AuthKind.BASIC,
        auth_values=(("username", "admin"), ("password", "{{password}}")),
        body='{"admins":{"names":[], "roles":[]}, "readers":{"names":["joe"],"roles":[]}}',
        secrets={"password": "123"},
        variables=(("password", True),),
        report=(NO_CT, secret_line("password")),
    ),
    "curlconverter-put_xput.sh": Case(
        "PUT",
        "http://localhost:28139/twitter/_mapping/user?pretty",
        BodyMode.JSON,
        AuthKind.INHERIT,
        headers=(("Content-Type", "application/json"),),
        body='{"properties": {"email": {"type": "keyword"}}}',
    ),
    "insomnia-complex-input.sh": Case(
        "POST",
        "http://localhost:8000/api/v1/send",
        BodyMode.JSON,
        AuthKind.BASIC,
        headers=(
            ("x-custom-header", "foo bar"),
            ("content-type", "application/json"),
            ("Cookie", "foo=bar"),
            ("another-header", "foo"),
        ),
        auth_values=(("username", "My User"), ("password", "{{password}}")),
        body='{"email_id": "tem_123"}',
        secrets={"password": "My:Secret:Password"},
        variables=(("password", True),),
        report=(
            'The header name "x-custom-header " had spaces around it',
            "-b NID=91=iOf1sU9Ovlns9Dzn2Ipz05syr2K4AlZ4Kgp84eRVLf3_6DgcNrkqpWg4lfUvCB5cNxD26t "
            "was left out: curl does not send -b cookies when a Cookie header is given.",
            COOKIES,
            "-i only changes what curl prints or saves",
            secret_line("password"),
        ),
    ),
    "insomnia-dollar-sign-input.sh": Case(
        "POST",
        "https://test.dk",
        BodyMode.JSON,
        AuthKind.INHERIT,
        headers=(
            ("Origin", "https://test.dk"),
            ("Accept-Encoding", "gzip, deflate, br"),
            ("Accept-Language", "en-US,en;q=0.9,da-DK;q=0.8,da;q=0.7,mt;q=0.6"),
            ("Cookie", "CookieTestConsent={stamp:'" + "x" * 66 + "=='%2Cnecessary..."),
            ("Connection", "keep-alive"),
            ("Pragma", "no-cache"),
        ),
        body='{"key":"TEST","websiteId":2,"storeId":4,"remove":true,"coupon":{"code":"erwrwer"}}',
        report=(COOKIES, NO_CT),
    ),
    "insomnia-question-mark-input.sh": Case(
        "POST",
        "http://192.168.1.1:9200/executions/_search?pretty",
        BodyMode.JSON,
        AuthKind.INHERIT,
        body='{"query":{"match_all":{}}}',
        report=(NO_CT,),
    ),
    "twilio-content-quick-reply-json.sh": Case(
        "POST",
        "https://content.twilio.com/v1/Content",
        BodyMode.JSON,
        AuthKind.BASIC,
        headers=(("Content-Type", "application/json"),),
        auth_values=(
            ("username", "{{TWILIO_ACCOUNT_SID}}"),
            ("password", "{{TWILIO_AUTH_TOKEN}}"),
        ),
        body_bytes=931,
        body_newlines=26,
        variables=(("TWILIO_ACCOUNT_SID", False), ("TWILIO_AUTH_TOKEN", True)),
        report=(
            "The shell variables $TWILIO_ACCOUNT_SID and $TWILIO_AUTH_TOKEN became "
            "{{TWILIO_ACCOUNT_SID}} and {{TWILIO_AUTH_TOKEN}}",
            "The command's text holds {{1}}, which this app reads as a variable",
        ),
    ),
    "twilio-identity-match-url-flag.sh": Case(
        "POST",
        "https://api-sbox.dnlsrv.com/cigateway/id/v2/match",
        BodyMode.JSON,
        AuthKind.INHERIT,
        headers=(
            ("Accept", "application/json"),
            ("Authorization", "{{authorization}}"),
            ("Content-Type", "application/json"),
            ("RequestTime", "2022-12-02T14:33:55.331Z"),
        ),
        body_bytes=496,
        body_newlines=18,
        secrets={
            "authorization": "sha512-OrXJ9cUS2ZeapEbLBiONVK/eQtBwF1Mi7z2Zg9jNB9g71zvGSBXHqqhwfrf"
            "TD9WiNT+FIKOPvjToU/nhjml6Mw==?E5No"
        },
        variables=(("authorization", True),),
        report=(secret_line("authorization"),),
    ),
    "twilio-queue-member-basic-auth.sh": Case(
        "POST",
        "https://api.twilio.com/2010-04-01/Accounts/ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Queues/"
        "QU5ef8732a3c49700934481addd5ce1659/Members/Front.json",
        BodyMode.FORM,
        AuthKind.BASIC,
        auth_values=(
            ("username", "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"),
            ("password", "{{password}}"),
        ),
        name="api.twilio.com/2010-04-01/Accounts/ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Queues/QU…",
        form=(("Url", "http://demo.twilio.com/docs/voice.xml", False), ("Method", "POST", False)),
        secrets={"password": "your_auth_token"},
        variables=(("password", True),),
        report=(secret_line("password"),),
    ),
    "twilio-video-composition-multipart-heredoc.sh": Case(
        "POST",
        "https://video.twilio.com/v1/Compositions",
        BodyMode.MULTIPART,
        AuthKind.BASIC,
        auth_values=(("username", "SKXXXX"), ("password", "{{password}}")),
        form=(
            ("RoomSid", "RMXXXX", False),
            ("StatusCallback", "http://my.server.org/callbacks", False),
            ("Format", "mp4", False),
            (
                "VideoLayout",
                '{\n      "grid":{\n        "max_rows":1,\n        "video_sources":[\n'
                '          "RTAAAA",\n          "MTBBBB",\n          "teacher-webcast"]\n'
                "      }\n    }",
                False,
            ),
        ),
        secrets={"password": "your_api_key_secret"},
        variables=(("password", True),),
        report=(secret_line("password"),),
    ),
    "twilio-video-composition-multipart.sh": Case(
        "POST",
        "https://video.twilio.com/v1/Compositions",
        BodyMode.MULTIPART,
        AuthKind.BASIC,
        auth_values=(("username", "SKXXXX"), ("password", "{{password}}")),
        form=(
            ("RoomSid", "RMXXXX", False),
            ("AudioSources", "RTXXXX", False),
            ("StatusCallback", "http://my.server.org/callbacks", False),
            ("Format", "mp4", False),
        ),
        secrets={"password": "your_api_key_secret"},
        variables=(("password", True),),
        report=(secret_line("password"),),
    ),
    "via-profit-chrome87-graphql-introspection.sh": Case(
        "POST",
        "http://localhost:9005/graphql",
        BodyMode.JSON,
        AuthKind.INHERIT,
        headers=(
            ("Connection", "keep-alive"),
            ("Pragma", "no-cache"),
            ("Cache-Control", "no-cache"),
            ("Accept", "application/json"),
            ("ds", "ds"),
            (
                "User-Agent",
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/87.0.4280.88 Safari/537.36",
            ),
            ("Content-Type", "application/json"),
            ("Origin", "chrome-extension://flnheeellpciglgpaodhkhmapeljopja"),
            ("Sec-Fetch-Site", "none"),
            ("Sec-Fetch-Mode", "cors"),
            ("Sec-Fetch-Dest", "empty"),
            ("Accept-Language", "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7"),
        ),
        body_bytes=1780,
        body_newlines=0,
    ),
}


def load(name: str) -> Imported:
    return curl.read((CORPUS / name).read_bytes(), name)


def only_request(imported: Imported) -> SavedRequest:
    requests = imported.requests()
    assert len(requests) == 1
    folder, request = requests[0]
    assert folder == ""
    return request


def test_the_corpus_is_what_the_cases_describe() -> None:
    assert sorted(CASES) == FILES
    assert len(FILES) == 27


@pytest.mark.parametrize("name", FILES)
def test_each_corpus_command_imports_as_counted_by_hand(name: str) -> None:
    case = CASES[name]
    imported = load(name)
    assert curl.sniff((CORPUS / name).read_bytes(), name)
    assert imported.format == "cURL command"
    assert imported.root.name == name.removesuffix(".sh")
    assert imported.folders() == []
    request = only_request(imported)
    assert (request.method, request.url) == (case.method, case.url)
    assert request.name == (case.name or urlsplit(case.url).netloc + urlsplit(case.url).path)
    assert [(h.name, h.value) for h in request.headers] == list(case.headers)
    assert all(h.enabled for h in request.headers)
    # The query stays in the URL as typed and the params table mirrors it.
    query = urlsplit(case.url).query
    expected_params = [tuple(p.partition("=")[::2]) for p in query.split("&")] if query else []
    assert [(p.name, p.value) for p in request.params] == expected_params
    assert request.body_mode is case.body_mode
    assert request.auth.kind is case.auth
    assert request.auth.values == case.auth_values
    assert request.follow_redirects is case.follow
    assert [(f.name, f.value, f.file) for f in request.form] == list(case.form)
    if case.body is not None:
        assert request.body == case.body
    if case.body_bytes is not None:
        assert len(request.body.encode()) == case.body_bytes
        assert request.body.count("\n") == case.body_newlines
    if case.form:
        assert request.body == ""
    # Secrets: values only in Imported.secrets, declared empty and secret in the environment.
    environment = imported.root.name
    assert dict(imported.secrets) == {(environment, k): v for k, v in case.secrets.items()}
    if case.variables:
        [env] = imported.environments
        assert env.name == environment
        assert [(v.name, v.secret) for v in env.variables] == list(case.variables)
        assert all(v.value == "" for v in env.variables)
    else:
        assert imported.environments == ()
    texts = [v for _, v in request.auth.values] + [h.value for h in request.headers]
    for value in case.secrets.values():
        assert all(value not in VARIABLE_PATTERN.sub("", text) for text in texts)
    # The report: one line per thing not carried over, where it was.
    assert len(imported.report) == len(case.report), [line.what for line in imported.report]
    for line, fragment in zip(imported.report, case.report, strict=True):
        assert line.where == request.name
        assert fragment in line.what


def test_the_lexer_reads_every_corpus_file_as_bash_does() -> None:
    if BASH is None:
        pytest.skip("bash is not installed")
    # bash with the shell variables set to what the importer writes for them.
    shell = {
        "TWILIO_ACCOUNT_SID": "{{TWILIO_ACCOUNT_SID}}",
        "TWILIO_AUTH_TOKEN": "{{TWILIO_AUTH_TOKEN}}",
    }
    for name in FILES:
        text = (CORPUS / name).read_text()
        commands = _BashLexer(text).run()
        words = next(c.words[1:] for c in commands if c.words[0] == "curl")
        assert words == bash_argv(text, env=shell), name


def test_digest_auth_is_kept_as_text_without_its_password() -> None:
    request = only_request(load("curlconverter-get_digest_auth.sh"))
    assert "Digest" in request.description
    assert '"some_username"' in request.description
    assert "{{password}}" in request.description
    assert "some_password" not in request.description


def test_the_checkout_sample_is_read_as_meant_and_says_how() -> None:
    # The docs page lost its backslashes: a shell would send a bare POST and then fail on
    # "--header: command not found". The import reads the lines as one command and says so.
    imported = load("checkout-connect-token-no-continuations.sh")
    assert "a shell would run them as separate commands" in imported.report[0].what


# --------------------------------------------------------------------------- real curl


def _rewritten(argv: list[str], url: str, base: str) -> list[str]:
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    return [base + arg[len(origin) :] if arg.startswith(origin) else arg for arg in argv]


SHELL_VALUES = {"TWILIO_ACCOUNT_SID": "AC0123", "TWILIO_AUTH_TOKEN": "twilio-token"}


def _comparable_names(request: SavedRequest) -> set[str]:
    """Headers both must send alike: those the command sets, the credentials, the body's
    type and the host. Accept, Accept-Encoding, User-Agent and Connection say who the
    client is (curl and this app differ) unless the command sets them."""
    names = {"host", "authorization", "cookie", "content-type"}
    return names | {h.name.lower() for h in request.headers if h.enabled}


def _same_request(by_curl: Recorded, by_app: Recorded, request: SavedRequest, name: str) -> None:
    assert by_app.method == by_curl.method
    assert by_app.target == by_curl.target
    names = _comparable_names(request)
    if CASES[name].report and NO_CT in CASES[name].report:
        # Said in the report: curl labels a JSON body it was given without a type as a
        # form; this app sends it as what it is.
        names.discard("content-type")
        assert by_curl.values("Content-Type") == ["application/x-www-form-urlencoded"]
        assert by_app.values("Content-Type") == ["application/json;charset=utf-8"]
    if request.body_mode is BodyMode.MULTIPART:
        names.discard("content-type")  # each side draws its own boundary
        app_type, curl_type = by_app.header("Content-Type"), by_curl.header("Content-Type")
        assert app_type is not None and curl_type is not None
        assert app_type.split(";")[0] == curl_type.split(";")[0] == "multipart/form-data"
        assert multipart_parts(app_type, by_app.body) == multipart_parts(curl_type, by_curl.body)
    elif request.body_mode is BodyMode.FORM:
        # curl sends -d text as typed; this app encodes each field: same fields.
        assert form_fields(by_app.body) == form_fields(by_curl.body)
    else:
        assert by_app.body == by_curl.body
    for header in sorted(names):
        assert by_app.values(header) == by_curl.values(header), header


@pytest.fixture(scope="module")
def server() -> object:
    with_server = Recorder()
    yield with_server
    with_server.close()


@pytest.mark.parametrize("name", FILES)
def test_the_app_sends_what_curl_sends(name: str, server: Recorder, tmp_path: Path) -> None:
    if CURL is None or BASH is None:
        pytest.skip("curl or bash is not installed: nothing to compare with")
    text = (CORPUS / name).read_text()
    if name == "checkout-connect-token-no-continuations.sh":
        text = text.replace("\n", " \\\n")  # the command as meant, as the import reads it
    imported = curl.read((CORPUS / name).read_bytes(), name)
    request = only_request(imported)
    for item in request.form:
        if item.file:
            # The file the command uploads, for both curl and the app (the collection root).
            (tmp_path / item.value).write_bytes(b"\xff\xd8\xff\xe0 not quite a JPEG\r\n")
    argv = _rewritten(bash_argv(text, env=SHELL_VALUES), request.url, server.base)
    ran = run_curl(argv, tmp_path)
    assert ran.returncode == 0, ran.stderr
    by_curl = server.take()

    extra: tuple[Variable, ...] = ()
    extra_secrets: dict[str, str] = {}
    if name == "twilio-content-quick-reply-json.sh":
        # The shell's values; and "{{1}}" (Twilio's own placeholder) as a secret, whose value
        # goes in literally: the app has no way to write a literal "{{".
        extra = (
            Variable("TWILIO_ACCOUNT_SID", SHELL_VALUES["TWILIO_ACCOUNT_SID"]),
            Variable("TWILIO_AUTH_TOKEN", secret=True),
            Variable("1", secret=True),
        )
        extra_secrets = {"TWILIO_AUTH_TOKEN": SHELL_VALUES["TWILIO_AUTH_TOKEN"], "1": "{{1}}"}
    sent = replace(request, url=with_origin(request.url, server.base))
    send_imported(imported, sent, tmp_path, extra=extra, extra_secrets=extra_secrets)
    by_app = server.take()
    _same_request(by_curl, by_app, request, name)


# --------------------------------------------------------------------------- options


def parse(text: str) -> SavedRequest:
    request, _, _ = curl.parse_command(text)
    return request


def report_of(text: str) -> list[str]:
    return [line.what for line in curl.parse_command(text)[1]]


def test_parse_command_returns_the_secrets_it_took_out() -> None:
    request, report, secrets = curl.parse_command(
        "curl -u 'me:p@ss word' https://api.test/x -H 'Authorization: Bearer tok-123'"
    )
    assert secrets == {"token": "tok-123"}
    assert request.auth.kind is AuthKind.BEARER
    assert request.auth.values == (("token", "{{token}}"),)
    assert "p@ss word" not in repr(request)
    assert report[0].what.startswith("-u was left out")
    assert "secret variable {{token}}" in report[-1].what


def test_oauth2_bearer_and_user() -> None:
    request, _, secrets = curl.parse_command("curl --oauth2-bearer abc https://h/x")
    assert request.auth.values == (("token", "{{token}}"),)
    assert secrets == {"token": "abc"}
    request, _, secrets = curl.parse_command("curl -u 'me:{{pw}}' https://h/x")
    assert request.auth.values == (("username", "me"), ("password", "{{pw}}"))
    assert secrets == {}


def test_api_keys_and_other_authorization_schemes_become_secrets() -> None:
    request, _, secrets = curl.parse_command(
        "curl https://h/x -H 'X-API-Key: k1' -H 'Authorization: Token t1'"
    )
    assert [(h.name, h.value) for h in request.headers] == [
        ("X-API-Key", "{{x_api_key}}"),
        ("Authorization", "Token {{authorization}}"),
    ]
    assert secrets == {"x_api_key": "k1", "authorization": "t1"}


@pytest.mark.parametrize(
    ("command", "method"),
    [
        ("curl https://h/x", "GET"),
        ("curl -d a=1 https://h/x", "POST"),
        ("curl -G -d a=1 https://h/x", "GET"),
        ("curl -I https://h/x", "HEAD"),
        ("curl --head https://h/x", "HEAD"),
        ("curl -T file.bin https://h/x", "PUT"),
        ("curl -F a=1 https://h/x", "POST"),
        ("curl -XDELETE https://h/x", "DELETE"),
        ("curl --request patch https://h/x", "PATCH"),
        ("curl -X PUT -G -d a=1 https://h/x", "PUT"),
        ("curl --json '{}' https://h/x", "POST"),
    ],
)
def test_the_method_defaults_like_curl(command: str, method: str) -> None:
    assert parse(command).method == method


def test_get_moves_data_into_the_query_after_what_is_there() -> None:
    request = parse("curl 'https://h/x?a=1#top' -G -d b=2 --data-urlencode 'c=d e'")
    assert request.url == "https://h/x?a=1&b=2&c=d+e#top"
    assert request.body == ""
    assert [(p.name, p.value) for p in request.params] == [("a", "1"), ("b", "2"), ("c", "d+e")]


def test_data_urlencode_forms() -> None:
    request = parse(
        "curl https://h/x --data-urlencode 'a=b c&d' --data-urlencode '=x y' "
        "--data-urlencode 'plain text'"
    )
    # curl sends a=b+c%26d&x+y&plain+text: not all name=value pairs, so kept as typed.
    assert request.body_mode is BodyMode.RAW
    assert request.body == "a=b+c%26d&x+y&plain+text"
    assert [(h.name, h.value) for h in request.headers] == [
        ("Content-Type", "application/x-www-form-urlencoded")
    ]
    form = parse("curl https://h/x --data-urlencode 'q=a b' -d n=1")
    assert form.body_mode is BodyMode.FORM
    assert form.form == (FormField("q", "a b"), FormField("n", "1"))


def test_data_from_files_is_named_not_read() -> None:
    request = parse(
        "curl https://h/upload --data-binary @big.json -H 'Content-Type: application/json'"
    )
    assert (request.body_mode, request.body) == (BodyMode.FILE, "big.json")
    assert report_of("curl https://h/upload --data-binary @big.json") == [
        "The body is the file big.json, read when sending."
    ]
    stripped = report_of("curl https://h/upload -d @body.txt")
    assert "curl's -d would have removed its line breaks" in stripped[0]
    mixed = curl.parse_command("curl https://h/x -d a=1 -d @rest.txt")
    assert mixed[0].form == (FormField("a", "1"),)
    assert "The file rest.txt (data read with @) was not read" in mixed[1][0].what
    upload = parse("curl -T ./photo.png https://h/put")
    assert (upload.method, upload.body_mode, upload.body) == ("PUT", BodyMode.FILE, "./photo.png")


def test_form_fields_files_types_and_quotes() -> None:
    request, report, _ = curl.parse_command(
        "curl https://h/x -F 'a=1' -F 'doc=@./cv.pdf;type=application/pdf' "
        "-F 'q=\"x;y\"' -F 'plain=1;2' --form-string 'raw=@not-a-file' -F 'text=<notes.txt'"
    )
    assert request.form == (
        FormField("a", "1"),
        FormField("doc", "./cv.pdf", file=True, content_type="application/pdf"),
        FormField("q", "x;y"),
        FormField("plain", "1"),
        FormField("raw", "@not-a-file"),
        FormField("text", "notes.txt", file=True),
    )
    lines = [line.what for line in report]
    assert any(";2, which has no counterpart here" in line for line in lines)
    assert any("takes its text from the file notes.txt" in line for line in lines)
    assert any("The form sends the files ./cv.pdf and notes.txt" in line for line in lines)


def test_cookies_user_agent_referer_and_redirects() -> None:
    request, report, _ = curl.parse_command(
        "curl -L -b 'a=1' -b 'b=2' -A 'agent/1' -e 'https://ref/;auto' -b jar.txt https://h/"
    )
    assert [(h.name, h.value) for h in request.headers] == [
        ("User-Agent", "agent/1"),
        ("Referer", "https://ref/"),
        ("Cookie", "a=1; b=2"),
    ]
    assert request.follow_redirects is True
    lines = [line.what for line in report]
    assert lines[0].startswith("The request sends cookies")
    assert lines[1].startswith("-b jar.txt reads cookies from a file")


def test_unknown_and_uncarried_options_are_listed() -> None:
    lines = report_of(
        "curl --frobnicate -k --cacert ca.pem -x http://proxy:3128 --retry 3 -sSv "
        "-o out.json --digest -u u:p https://h/x"
    )
    assert lines == [
        "Digest authentication (--digest) has no counterpart here; the request has no auth "
        "and its description says what curl used.",
        "curl was told not to check TLS certificates (-k); here that is the collection's TLS "
        "setting (verify: false), which this import leaves on.",
        "The TLS option --cacert was left out: certificates are the collection's TLS "
        "settings here.",
        "The proxy option -x was left out: the proxy is a collection setting here.",
        "-s, -S, -v and -o only change what curl prints or saves; left out.",
        "--retry has no counterpart here; left out.",
        "Unknown curl option --frobnicate was left out.",
        "Credentials found in the command became the secret variable {{password}}; their "
        "values are kept out of the request.",
    ]


def test_an_unknown_option_does_not_swallow_the_url() -> None:
    request, report, _ = curl.parse_command("curl --brand-new-flag https://h/x")
    assert request.url == "https://h/x"
    assert report[0].what == "Unknown curl option --brand-new-flag was left out."


def test_long_option_prefixes_equals_and_negation() -> None:
    request, report, _ = curl.parse_command(
        "curl --user-ag x/1 --header=X-A:1 --no-location --requ PUT https://h"
    )
    assert request.method == "GET"  # --requ could be --request or --request-target
    assert [(h.name, h.value) for h in request.headers] == [("X-A", "1"), ("User-Agent", "x/1")]
    assert request.follow_redirects is None
    assert "although curl itself wants a space there" in report[0].what
    assert [line.what for line in report[1:]] == [
        "curl was given more than one URL; only https://h was imported (PUT left out).",
        "Unknown curl option --requ was left out.",
    ]


def test_headers_removed_empty_and_without_colon() -> None:
    request, report, _ = curl.parse_command(
        "curl https://h -H 'Accept:' -H 'X-Empty;' -H 'nocolon' -H 'Content-Length: 3'"
    )
    assert [(h.name, h.value) for h in request.headers] == [("X-Empty", "")]
    lines = [line.what for line in report]
    assert lines == [
        '-H "nocolon" has no colon, so curl sends no header for it.',
        "The Content-Length header was left out: it is computed from the body when sending.",
        'curl was told not to send its own "Accept" header (Accept:); this app sends its own '
        "headers of that name unless the request sets one.",
    ]


def test_a_removed_content_type_keeps_the_body_raw_and_untyped() -> None:
    request = parse("curl https://h -H 'Content-Type:' --data-binary '{\"a\": 1}'")
    assert request.body_mode is BodyMode.RAW
    assert request.headers == ()


def test_json_flag_and_json_detection() -> None:
    request = parse("curl --json '{\"a\": 1}' https://h")
    assert request.body_mode is BodyMode.JSON
    assert [(h.name, h.value) for h in request.headers] == [
        ("Content-Type", "application/json"),
        ("Accept", "application/json"),
    ]
    broken, report, _ = curl.parse_command(
        "curl https://h -H 'Content-Type: application/json' -d '{broken'"
    )
    assert broken.body_mode is BodyMode.RAW
    assert "not valid JSON" in report[0].what
    scalar = parse("curl https://h -d '123'")  # JSON, but a form post in curl's eyes
    assert (scalar.body_mode, scalar.body) == (BodyMode.RAW, "123")


# --------------------------------------------------------------------------- shell syntax


def test_quoting_forms_read_as_bash_reads_them() -> None:
    request = parse(
        "curl \"https://h/a b\"'?q=1' \\\n"
        "  -H $'X-A: tab\\there \\'q\\' \\x41\\u00e9\\101' \\\n"
        '  -H "X-B: \\$HOME \\"quoted\\" \\\\ \\x" \\\n'
        "  -H X-C:\\ escaped\\ spaces"
    )
    assert request.url == "http://h/a b?q=1".replace("http:", "https:")
    assert [(h.name, h.value) for h in request.headers] == [
        ("X-A", "tab\there 'q' AéA"),
        ("X-B", '$HOME "quoted" \\ \\x'),
        ("X-C", "escaped spaces"),
    ]


def test_shell_variables_become_placeholders_and_command_substitution_is_kept() -> None:
    request, report, _ = curl.parse_command(
        'curl "$BASE/users/${ID}" -H "Authorization: Bearer $TOKEN" -d "$(cat body.json)"'
    )
    assert request.url == "{{BASE}}/users/{{ID}}"
    assert request.auth.values == (("token", "{{TOKEN}}"),)
    assert request.body == "$(cat body.json)"
    lines = [line.what for line in report]
    assert "The command substitution $(cat body.json) was kept as typed." in lines
    assert any(
        "The shell variables $BASE, $ID and $TOKEN became {{BASE}}, {{ID}} and {{TOKEN}}" in line
        for line in lines
    )


def test_read_declares_shell_variables_in_the_environment() -> None:
    imported = curl.read(b'curl -u "$USER_NAME:$PASS" https://h/x', "api.sh")
    [env] = imported.environments
    assert env.name == "api"
    assert [(v.name, v.secret) for v in env.variables] == [("USER_NAME", False), ("PASS", True)]


def test_heredoc_here_string_echo_and_printf_feed_data_from_stdin() -> None:
    heredoc = parse(
        "curl https://h -H 'Content-Type: application/json' --data-binary @- <<EOF\n"
        '{"a": "$X"}\nEOF\n'
    )
    assert heredoc.body == '{"a": "{{X}}"}\n'
    quoted = parse("curl https://h --data-binary @- <<'EOF'\n$X\nEOF")
    assert quoted.body == "$X\n"
    stripped = parse("curl https://h -d @- <<-END\n\ta=1&\n\tb=2\n\tEND")
    assert stripped.form == (FormField("a", "1"), FormField("b", "2"))  # -d drops line breaks
    here = parse("curl https://h --data-binary @- <<< 'one line'")
    assert here.body == "one line\n"
    echoed = parse("echo -n '{\"a\":1}' | curl -H 'Content-Type: application/json' -d @- https://h")
    assert (echoed.body_mode, echoed.body) == (BodyMode.JSON, '{"a":1}')
    printed = parse(
        "printf '%s\\n' 'x y' | curl -H 'Content-Type: text/plain' --data-binary @- https://h"
    )
    assert printed.body == "x y\n"
    cat = parse("cat payload.bin | curl --data-binary @- https://h")
    assert cat.body_mode is BodyMode.RAW or cat.body == ""
    unknown = report_of("curl -d @- https://h")
    assert unknown[0].startswith("The body comes from curl's standard input")


def test_comments_prompts_and_several_commands() -> None:
    text = "#!/bin/sh\n# a note\n$ curl https://h/one # trailing note\ncurl https://h/two\nls -la\n"
    request, report, _ = curl.parse_command(text)
    assert request.url == "https://h/one"
    assert [line.what for line in report] == [
        "The text holds 2 curl commands; only the first was read.",
        'Line 5: "ls" is not curl; left out.',
    ]
    imported = curl.read(text.encode(), "two.txt")
    assert [r.url for _, r in imported.requests()] == ["https://h/one", "https://h/two"]
    assert [(line.where, line.what) for line in imported.report] == [
        ("(collection)", 'Line 5: "ls" is not curl; left out.')
    ]


def test_variables_set_before_the_command_are_used_as_bash_uses_them() -> None:
    text = (
        "set -e\n"
        "export BASE=https://api.test TOKEN='abc 123'\n"
        "ID=7\n"
        'curl "$BASE/users/$ID" -H "Authorization: Bearer $TOKEN" \\\n'
        "  -H 'Content-Type: application/json' -d @- <<EOF\n"
        '{"id": $ID, "who": "$WHO"}\n'
        "EOF\n"
        "echo done | tee log\n"
    )
    request, report, secrets = curl.parse_command(text)
    assert request.url == "https://api.test/users/7"
    assert request.body == '{"id": 7, "who": "{{WHO}}"}'
    assert request.auth.values == (("token", "{{token}}"),)
    assert secrets == {"token": "abc 123"}  # a literal token stays a secret
    assert [line.what for line in report] == [
        "The Authorization header's bearer token became the request's Bearer auth.",
        "The shell variable $WHO became {{WHO}}: give it a value in the environment.",
        "Credentials found in the command became the secret variable {{token}}; their "
        "values are kept out of the request.",
        'Lines 1 and 8: "set", "echo" and "tee" are not curl; left out.',
    ]


def test_same_names_are_made_unique_in_a_file() -> None:
    imported = curl.read(b"curl https://h/a\ncurl -X POST https://h/a\n", "x.sh")
    assert [r.name for _, r in imported.requests()] == ["h/a", "h/a (2)"]


def test_a_url_without_scheme_gets_curls_http() -> None:
    request, report, _ = curl.parse_command("curl localhost:8080/x")
    assert request.url == "http://localhost:8080/x"
    assert (
        report[0].what
        == "The URL had no scheme; curl uses http://, so it is http://localhost:8080/x."
    )


# --------------------------------------------------------------------------- Windows cmd


def chrome_cmd_escape(text: str) -> str:
    """Chrome DevTools' "Copy as cURL (cmd)" quoting of one argument."""
    import re

    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[^a-zA-Z0-9\s_\-:=+~'/.,?;()*`]", lambda m: "^" + m.group(0), escaped)
    escaped = re.sub(r"%(?=[a-zA-Z0-9_])", "%^", escaped)
    escaped = re.sub(r"\r?\n", "^\n\n", escaped)
    return '^"' + escaped + '^"'


def test_windows_cmd_copy_as_curl() -> None:
    # No backslash outside quotes: Chrome doubles every one, and curl.exe then gets both.
    body = '{"name":"Zoë & co","pct":"100%off","q":"say \\"hi\\"","list":[1,2]}\nsecond line'
    command = " ^\n  ".join(
        [
            "curl " + chrome_cmd_escape("https://api.test/v1/items?a=1&b=<2>"),
            "-H " + chrome_cmd_escape("accept: application/json"),
            "-H " + chrome_cmd_escape('sec-ch-ua: "Chromium";v="1"'),
            "-H " + chrome_cmd_escape("content-type: text/plain"),
            "--data-raw " + chrome_cmd_escape(body),
            "--compressed",
        ]
    )
    assert curl.sniff(command.encode(), "x.cmd")
    request = parse(command)
    assert request.url == "https://api.test/v1/items?a=1&b=<2>"
    assert [(h.name, h.value) for h in request.headers] == [
        ("accept", "application/json"),
        ("sec-ch-ua", '"Chromium";v="1"'),
        ("content-type", "text/plain"),
    ]
    assert (request.body_mode, request.body) == (BodyMode.RAW, body)


def test_windows_cmd_plain_double_quotes() -> None:
    request = parse(
        'curl "https://h/x" ^\n  -H "X-A: 1" ^\n  -d "{\\"a\\": 2}" ^\n'
        '  -H "Content-Type: application/json"'
    )
    assert request.body == '{"a": 2}'
    assert request.body_mode is BodyMode.JSON


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("data", "sentence"),
    [
        (b"", "No curl command was found"),
        (b'{"info": {"name": "x"}}', "No curl command was found"),
        (b"curl 'https://h", "The quote ' opened on line 1 is never closed."),
        (b'curl "https://h', 'The quote " opened on line 1 is never closed.'),
        (b"curl -H x", "The curl command has no URL."),
        (b"curl -X 'GE T' https://h", '"GE T" (-X) is not an HTTP method.'),
        (b"\xff\xfecurl", "No curl command was found"),
        (b"curl \xff https://h", "The input is not UTF-8 text (byte 6 cannot be read)."),
    ],
)
def test_what_cannot_be_read_is_one_sentence(data: bytes, sentence: str) -> None:
    with pytest.raises(FormatError) as caught:
        curl.read(data, "x.sh")
    assert sentence in str(caught.value)


def test_huge_inputs_are_refused_before_reading() -> None:
    with pytest.raises(FormatError, match="MB; a cURL command over 50 MB is not read"):
        curl.read(b"curl " + b"a" * (50 * 1024 * 1024), "big.sh")


def test_sniff_claims_curl_commands_only() -> None:
    assert curl.sniff(b"#!/bin/bash\n\n# comment\ncurl https://h", "x")
    assert curl.sniff(b"$ curl https://h", "x")
    assert curl.sniff(b"/usr/bin/curl -s https://h", "x")
    assert curl.sniff(b"echo '{}' | curl -d @- https://h", "x")
    assert not curl.sniff(b"openapi: 3.0.0\ninfo:\n  description: |\n    curl https://h\n", "x")
    assert not curl.sniff(b'{"log": {"entries": []}}', "x.har")
    assert not curl.sniff(b"curly braces", "x")
    assert not curl.sniff(b"", "x")


# --------------------------------------------------------------------------- any bytes


def _check(data: bytes) -> None:
    result = fuzzing.answer(lambda: curl.read(data, "fuzz.sh"))
    if isinstance(result, str):
        assert "\n" not in result and result.endswith(".")
    else:
        assert result.requests()


SHELLISH = st.text(alphabet=" \t\n\\'\"$`;&|<>(){}#^%=@:/?*-abcdHXFGdu0", max_size=200)


@fuzzing.settings(150)
@given(st.one_of(st.binary(max_size=500), SHELLISH.map(lambda t: ("curl " + t).encode())))
def test_any_bytes_give_a_request_or_one_sentence(data: bytes) -> None:
    _check(data)


CORPUS_BYTES = [(CORPUS / name).read_bytes() for name in FILES]


@fuzzing.settings(150)
@given(
    st.sampled_from(CORPUS_BYTES),
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=3000),
            st.sampled_from(["insert", "delete", "replace"]),
            st.sampled_from([*b"'\"\\$`\n ;&|<>{}^-@=:\xff\x00a"]),
        ),
        min_size=1,
        max_size=8,
    ),
)
def test_mutated_corpus_files_give_a_request_or_one_sentence(
    original: bytes, mutations: list[tuple[int, str, int]]
) -> None:
    data = bytearray(original)
    for position, operation, byte in mutations:
        where = position % (len(data) + 1)
        if operation == "insert":
            data.insert(where, byte)
        elif data and where < len(data):
            if operation == "delete":
                del data[where]
            else:
                data[where] = byte
    _check(bytes(data))


def test_random_truncations_of_every_corpus_file() -> None:
    chooser = random.Random(8)
    for data in CORPUS_BYTES:
        for _ in range(10):
            _check(data[: chooser.randrange(len(data) + 1)])

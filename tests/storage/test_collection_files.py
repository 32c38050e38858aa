"""The YAML wire format of collections: exact round trips, small files, clear errors."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
import yaml

from app.core.assertions import Assertion, Expected, Operator, ValueType
from app.core.collection import (
    AuthKind,
    AuthSpec,
    CollectionFileError,
    Defaults,
    Environment,
    SavedRequest,
    Variable,
)
from app.core.request import BodyMode, KeyValue
from app.storage import collection_files
from app.storage.collection_files import (
    DefaultsFile,
    dump_defaults,
    dump_environment,
    dump_request,
    parse_defaults,
    parse_environment,
    parse_request,
)

JSON_BODY = '{\n  "amount": {{amount}},\n  "currency": "{{currency}}",\n  "note": "€ ąčę"\n}\n'

FULL = SavedRequest(
    name="Create payment – ąčę €",
    method="POST",
    url="{{base}}/payments?expand=*",
    params=(KeyValue("limit", "10"), KeyValue("offset", "0", enabled=False), KeyValue("q", "")),
    headers=(
        KeyValue("Accept", "application/json"),
        KeyValue("X-Debug", "yes", enabled=False),
        KeyValue("X-Empty", ""),
    ),
    body=JSON_BODY,
    body_mode=BodyMode.JSON,
    auth=AuthSpec(AuthKind.BASIC, (("username", "{{user}}"), ("password", "{{password}}"))),
    variables=(
        Variable("amount", "100"),
        Variable("currency", "EUR", enabled=False),
        Variable("password", "", secret=True),
    ),
    description="Creates a payment.\n\nSee the wallet API docs.",
)


def round_trip(req: SavedRequest) -> SavedRequest:
    text = dump_request(req)
    back = parse_request(text, "x.request.yaml")
    assert dump_request(back) == text, "saving an unchanged request must give identical bytes"
    return back


def test_every_feature_round_trips_and_resaves_identically() -> None:
    assert round_trip(FULL) == FULL


def test_file_reads_like_the_documented_format() -> None:
    assert dump_request(FULL) == (
        "name: Create payment – ąčę €\n"
        "method: POST\n"
        "url: '{{base}}/payments?expand=*'\n"
        "params:\n"
        "  - name: limit\n"
        "    value: '10'\n"
        "  - name: offset\n"
        "    value: '0'\n"
        "    enabled: false\n"
        "  - name: q\n"
        "    value: ''\n"
        "headers:\n"
        "  - name: Accept\n"
        "    value: application/json\n"
        "  - name: X-Debug\n"
        "    value: 'yes'\n"
        "    enabled: false\n"
        "  - name: X-Empty\n"
        "    value: ''\n"
        "body: |\n"
        "  {\n"
        '    "amount": {{amount}},\n'
        '    "currency": "{{currency}}",\n'
        '    "note": "€ ąčę"\n'
        "  }\n"
        "auth:\n"
        "  kind: basic\n"
        "  username: '{{user}}'\n"
        "  password: '{{password}}'\n"
        "variables:\n"
        "  - name: amount\n"
        "    value: '100'\n"
        "  - name: currency\n"
        "    value: EUR\n"
        "    enabled: false\n"
        "  - name: password\n"
        "    secret: true\n"
        "description: |-\n"
        "  Creates a payment.\n"
        "\n"
        "  See the wallet API docs.\n"
    )


def test_minimal_request_is_just_name_method_url() -> None:
    text = dump_request(SavedRequest(name="Get server time", url="/server-time"))
    assert text == "name: Get server time\nmethod: GET\nurl: /server-time\n"
    assert parse_request(text, "t") == SavedRequest(name="Get server time", url="/server-time")


def test_defaults_are_not_written() -> None:
    text = dump_request(
        SavedRequest(
            name="N",
            params=(KeyValue("a", "1"),),
            body_mode=BodyMode.JSON,
            auth=AuthSpec(AuthKind.INHERIT),
        )
    )
    for absent in ("enabled", "true", "[]", "body_mode", "json", "auth", "inherit", "body:"):
        assert absent not in text


@pytest.mark.parametrize("kind", list(AuthKind))
def test_every_auth_kind_round_trips(kind: AuthKind) -> None:
    values = (("token", "{{token}}"), ("header", "Authorization")) if kind != AuthKind.NONE else ()
    req = SavedRequest(name="A", auth=AuthSpec(kind, values))
    assert round_trip(req) == req
    if req.auth != AuthSpec():
        assert f"kind: {kind.value}" in dump_request(req)


def test_raw_body_mode_round_trips() -> None:
    req = SavedRequest(name="R", method="PUT", body="plain text", body_mode=BodyMode.RAW)
    assert round_trip(req) == req
    assert "body_mode: raw" in dump_request(req)


@pytest.mark.parametrize(
    "body",
    [
        "line one  \nline two\t\n  indented   ",  # trailing spaces, a tab, no final newline
        "ends with two newlines\n\n",
        "\n  starts with a break and a space",
        '{\n\t"tabbed": true\n}',
        "ends with spaces only line\n   ",
        "windows\r\nline breaks\r\n",  # cannot be a literal block: quoted, still exact
        "odd breaks \u2028 and \x85 and \ufeff",
        "a\n...\n---\n# not a comment\n",
    ],
)
def test_multi_line_bodies_keep_exact_text(body: str) -> None:
    req = SavedRequest(name="B", method="POST", body=body)
    assert round_trip(req).body == body


def test_multi_line_text_is_a_literal_block_even_with_trailing_spaces() -> None:
    text = dump_request(SavedRequest(name="B", body='{\n  "a": 1,   \n  "b": 2\n}'))
    assert text.endswith('body: |-\n  {\n    "a": 1,   \n    "b": 2\n  }\n')


def test_a_block_starting_with_a_tab_reads_back_through_libyaml_and_as_written_before() -> None:
    # libyaml cannot tell the indentation of a block whose first line starts with a tab: the
    # file says it (|2-), and a file written without it by an older version still reads.
    text = dump_request(SavedRequest(name="B", body='\t{"a": 1}\n\t"b"'))
    assert 'body: |2-\n  \t{"a": 1}\n  \t"b"\n' in text
    assert parse_request(text, "x.request.yaml").body == '\t{"a": 1}\n\t"b"'
    older = text.replace("|2-", "|-")
    assert parse_request(older, "x.request.yaml").body == '\t{"a": 1}\n\t"b"'


def test_a_large_request_file_reads_in_a_fraction_of_a_second() -> None:
    # 1.8 MB, under the 2 MB limit: a pasted JSON body and 10,000 headers. PyYAML's
    # pure-Python scanner took 2 s here (more in the app, with its larger heap to collect).
    body = "".join(f'{{"id": {i}, "amount": "10.12", "currency": "EUR"}},\n' for i in range(25000))
    headers = tuple(KeyValue(f"X-Header-{i}", f"value {i}") for i in range(10000))
    text = dump_request(SavedRequest(name="Big", method="POST", body=body, headers=headers))
    assert 1.5e6 < len(text.encode()) < 2 * 1024 * 1024
    started = time.perf_counter()
    req = parse_request(text, "big.request.yaml")
    assert time.perf_counter() - started < 1.0
    assert req.body == body and req.headers == headers


def test_unicode_is_written_as_is() -> None:
    text = dump_request(SavedRequest(name="Mokėjimai 💶", url="/ąčę"))
    assert "Mokėjimai 💶" in text and "/ąčę" in text and "\\u" not in text


def test_long_values_stay_on_one_line() -> None:
    url = "/payments?" + "&".join(f"field{i}=value {i}" for i in range(40))
    text = dump_request(SavedRequest(name="L", url=url))
    assert len(text.splitlines()) == 3
    assert round_trip(SavedRequest(name="L", url=url)).url == url


def test_text_that_looks_like_other_yaml_types_stays_text() -> None:
    tricky = ("yes", "no", "on", "null", "~", "010", "0x1F", "1e3", "2024-01-01", "1:20", "")
    req = SavedRequest(name="T", headers=tuple(KeyValue(v, v) for v in tricky))
    assert round_trip(req) == req


def test_hand_written_unquoted_scalars_are_taken_as_typed() -> None:
    text = "name: 2024\nparams:\n  - name: page\n    value: 010\n  - name: at\n    value: 1:20\n"
    req = parse_request(text, "t")
    assert req.name == "2024"
    assert req.params == (KeyValue("page", "010"), KeyValue("at", "1:20"))


def test_method_is_read_case_insensitively() -> None:
    assert parse_request("name: x\nmethod: patch\n", "t").method == "PATCH"


def test_random_text_round_trips() -> None:
    pieces = [*"ab {}[]\"'\\:#-|>!&*%@`?,\n\n\t  é€😀\r\x85\u2028\x00\x07", "---", "..."]
    rng = random.Random(20240601)
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        req = SavedRequest(name="n" + text, body=text, description=text[::-1])
        assert round_trip(req) == req, repr(text)


class _PyYAMLsOwnBlockDumper(collection_files._BlockDumper):
    """The dumper with PyYAML's own character-by-character analysis and literal writer."""

    def analyze_scalar(self, scalar: str) -> yaml.emitter.ScalarAnalysis:
        analysis = yaml.emitter.Emitter.analyze_scalar(self, scalar)  # type: ignore[no-untyped-call]
        if "\n" in scalar and collection_files._block_safe(scalar):
            analysis.allow_block = True
        return analysis  # type: ignore[no-any-return]

    def write_literal(self, text: str) -> None:
        yaml.emitter.Emitter.write_literal(self, text)  # type: ignore[no-untyped-call]


def test_literal_blocks_are_written_byte_for_byte_as_pyyaml_writes_them() -> None:
    pieces = [*"ab {}[]\"':#-|>!&*%\n\n\n\t  é€😀", "---", "..."]
    rng = random.Random(20261202)
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 20)))
        if "\n" not in text:
            text += "\n" * rng.randint(1, 2)
        req = SavedRequest(
            name="n",
            body=text,
            description=text[::-1],
            headers=(KeyValue("X", text),),
            variables=(Variable("v", text.strip() + "\n" + text),),
        )
        data = yaml.safe_load(dump_request(req))
        expected = yaml.dump(data, Dumper=_PyYAMLsOwnBlockDumper, **collection_files._DUMP_OPTIONS)
        assert dump_request(req) == expected, repr(text)


def test_a_large_body_is_written_in_a_fraction_of_a_second() -> None:
    # Drafts write every open tab shortly after each edit; PyYAML's emitter took 1.6 s here.
    body = "".join(f'{{"id": {i}, "amount": "10.12", "currency": "EUR"}},\n' for i in range(40000))
    started = time.perf_counter()
    text = dump_request(SavedRequest(name="Big", method="POST", body=body))
    assert time.perf_counter() - started < 0.5
    assert text.startswith("name: Big\nmethod: POST\nurl: ''\nbody: |\n  {")


def test_secret_variable_values_are_never_written() -> None:
    req = SavedRequest(name="S", variables=(Variable("token", "s3cr3t-request", secret=True),))
    text = dump_request(req)
    assert "s3cr3t" not in text
    assert parse_request(text, "t").variables == (Variable("token", "", secret=True),)

    defaults = Defaults(variables=(Variable("key", "s3cr3t-defaults", secret=True),))
    assert "s3cr3t" not in dump_defaults(DefaultsFile(defaults))


def test_environment_round_trips_without_secret_values() -> None:
    env = Environment(
        name="production",
        protected=True,
        variables=(
            Variable("base", "https://wallet.paysera.com"),
            Variable("token", "s3cr3t-value-42", secret=True),
            Variable("old", "x", enabled=False),
        ),
    )
    text = dump_environment(env)
    assert "s3cr3t-value-42" not in text
    assert text == (
        "name: production\n"
        "protected: true\n"
        "variables:\n"
        "  - name: base\n"
        "    value: https://wallet.paysera.com\n"
        "  - name: token\n"
        "    secret: true\n"
        "  - name: old\n"
        "    value: x\n"
        "    enabled: false\n"
    )
    back = parse_environment(text, "environments/production.yaml")
    assert back == Environment(
        "production",
        (env.variables[0], Variable("token", "", secret=True), env.variables[2]),
        protected=True,
    )
    assert dump_environment(back) == text
    assert dump_environment(Environment("sandbox")) == "name: sandbox\n"


def test_collection_and_folder_defaults_round_trip() -> None:
    file = DefaultsFile(
        defaults=Defaults(
            base_url="https://wallet.paysera.com/rest/v1",
            headers=(KeyValue("Accept", "application/json"),),
            auth=AuthSpec(AuthKind.BEARER, (("token", "{{token}}"),)),
            variables=(Variable("v", "1"),),
        ),
        name="Wallet API",
        collection_id="2f1e4f0e-5a7c-4c8e-9d55-1f2b3c4d5e6f",
    )
    text = dump_defaults(file)
    assert text.startswith("name: Wallet API\nid: 2f1e4f0e-5a7c-4c8e-9d55-1f2b3c4d5e6f\n")
    assert parse_defaults(text, "collection.yaml", collection=True) == file

    folder = DefaultsFile(Defaults(base_url=""), name="Payments")
    text = dump_defaults(folder)
    assert text == "name: Payments\nbase_url: ''\n"
    assert parse_defaults(text, "payments/folder.yaml", collection=False) == folder
    assert parse_defaults("", "payments/folder.yaml", collection=False) == DefaultsFile()
    assert parse_defaults("base_url:\n", "f", collection=False) == DefaultsFile()


def test_folder_file_has_no_id() -> None:
    with pytest.raises(CollectionFileError, match="unknown key 'id'"):
        parse_defaults("id: abc\n", "payments/folder.yaml", collection=False)


def test_error_names_file_line_and_reason() -> None:
    error = CollectionFileError("payments/list.request.yaml", 3, "expected a list of headers")
    assert str(error) == "payments/list.request.yaml, line 3: expected a list of headers"
    assert str(CollectionFileError("a.yaml", None, "the file is empty")) == (
        "a.yaml: the file is empty"
    )


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("name: x\nurl: /a\nheaders: Accept\n", 3, "expected a list of headers"),
        ("name: x\nhedaers: []\n", 2, "unknown key 'hedaers' (did you mean 'headers'?)"),
        ("name: x\nzzz: 1\n", 2, "unknown key 'zzz' (known keys: name, method, url"),
        ("url: /a\n", 1, "missing name"),
        ("name: x\nmethod: FETCH\n", 2, "unknown method 'FETCH'"),
        ("name: x\nurl: [1, 2]\n", 2, "expected text for url"),
        ("name: x\nname: y\n", 2, "the key 'name' is given twice"),
        (
            "name: x\nbody_mode: xml\n",
            2,
            "unknown body_mode 'xml' (known: json, raw, form, multipart, file, graphql)",
        ),
        ("name: x\nheaders:\n  - name: A\n    enabled: maybe\n", 4, "expected true or false"),
        ("name: x\nheaders:\n  - [A, b]\n", 3, "expected a header with a name and a value"),
        ("name: x\nauth:\n  kind: magic\n", 3, "unknown auth kind 'magic'"),
        ("name: x\nauth:\n  token: t\n", 3, "the auth has no kind"),
        ("name: x\nvariables:\n  - name: t\n    secret: true\n    value: s\n", 5, "is secret"),
        ("- just\n- a list\n", 1, "expected a request"),
        ("name: x\nurl: 'unclosed\n", 3, "not valid YAML"),
        ("name: x\n  url: /bad-indent\n", 2, "not valid YAML"),
        (
            "name: x\n---\nname: y\n",
            2,
            "not valid YAML: expected a single document in the stream, but found another",
        ),
        ("name: a\x00b\n", 1, "contains a character YAML does not allow"),
        ("name: !!binary aGk=\n", 1, "the YAML tag !!binary is not allowed"),
        ("name: x\nbase: &b {a: 1}\n", 2, "unknown key 'base'"),
    ],
)
def test_bad_request_files_are_reported_with_line(text: str, line: int, reason: str) -> None:
    with pytest.raises(CollectionFileError) as caught:
        parse_request(text, "payments/list.request.yaml")
    assert caught.value.source == "payments/list.request.yaml"
    assert caught.value.line == line
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"payments/list.request.yaml, line {line}: ")


def test_empty_file_is_reported_without_line() -> None:
    with pytest.raises(CollectionFileError) as caught:
        parse_request("", "a.request.yaml")
    assert caught.value.line is None
    assert "empty" in caught.value.reason


def test_python_object_tag_is_reported_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f'name: x\nurl: !!python/object/apply:os.system ["touch {marker}"]\n'
    with pytest.raises(CollectionFileError) as caught:
        parse_request(text, "evil.request.yaml")
    assert caught.value.line == 2
    assert "!!python/object/apply:os.system is not allowed" in caught.value.reason
    with pytest.raises(CollectionFileError):
        parse_request(f'!!python/object/apply:os.system ["touch {marker}"]\n', "e")
    with pytest.raises(CollectionFileError):
        parse_environment('name: !!python/name:os.system ""\n', "e")
    assert not marker.exists()


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(CollectionFileError):
        parse_request("name: " + "[" * 5000 + "]" * 5000 + "\n", "deep.request.yaml")


def test_a_control_character_is_reported_on_its_line_after_non_ascii_text() -> None:
    text = "name: Mokėjimai\ndescription: ąčę €\nurl: /a\x07b\n"
    with pytest.raises(CollectionFileError) as caught:
        parse_request(text, "bell.request.yaml")
    assert caught.value.line == 3
    assert "#x0007" in caught.value.reason


def test_self_referencing_aliases_are_rejected_quickly() -> None:
    text = "name: x\nheaders: &h\n  - name: a\n    value: *h\n"
    with pytest.raises(CollectionFileError, match="expected text for header value"):
        parse_request(text, "a.request.yaml")


def test_environment_needs_a_name() -> None:
    with pytest.raises(CollectionFileError, match="missing name"):
        parse_environment("protected: true\n", "environments/x.yaml")
    with pytest.raises(CollectionFileError, match="the name is empty"):
        parse_environment("name: ''\n", "environments/x.yaml")


def test_files_checked_out_with_crlf_or_a_bom_read_the_same() -> None:
    text = dump_request(FULL)
    assert parse_request(text.replace("\n", "\r\n"), "windows.request.yaml") == FULL
    assert parse_request("\ufeff" + text, "bom.request.yaml") == FULL


def test_tls_and_proxy_settings_round_trip() -> None:
    from app.core.collection import Defaults, Environment
    from app.core.transport import ProxyMode, ProxySettings, TlsSettings
    from app.storage.collection_files import (
        DefaultsFile,
        dump_defaults,
        dump_environment,
        parse_defaults,
        parse_environment,
    )

    defaults = Defaults(
        tls=TlsSettings(ca_bundle="certs/ca.pem"),
        proxy=ProxySettings(ProxyMode.MANUAL, "http://p:3128", "", "localhost,.internal"),
    )
    text = dump_defaults(DefaultsFile(defaults, "C", "id-1"))
    assert "proxy:\n  mode: manual\n  http: http://p:3128\n" in text
    assert parse_defaults(text, "collection.yaml", collection=True).defaults == defaults

    env = Environment(
        "production",
        tls=TlsSettings(
            verify=False,
            client_cert="~/certs/me.pem",
            client_key="~/certs/me.key",
            key_passphrase="{{tls_passphrase}}",
        ),
    )
    text = dump_environment(env)
    assert "verify: false" in text
    assert parse_environment(text, "environments/production.yaml") == env


def test_a_literal_key_passphrase_is_refused_with_its_line() -> None:
    import pytest

    from app.core.collection import CollectionFileError
    from app.storage.collection_files import parse_environment

    text = "name: prod\ntls:\n  client_cert: me.pem\n  key_passphrase: hunter2\n"
    with pytest.raises(CollectionFileError) as caught:
        parse_environment(text, "environments/prod.yaml")
    assert caught.value.line == 4
    assert "{{variable}}" in caught.value.reason


# --- assertions ------------------------------------------------------------------------------

ASSERT_TEXT = """\
name: Get payment
method: GET
url: /payments/10145
description: One payment
assert:
  - status: 200
  - status: "2xx"
  - error: not_found
  - error: null
  - path: $.items[0].price.amount
    equals: "10.12"
  - path: $.exact
    equals: 0.1000000000000000055511151231257827
  - path: $.qty
    equals: 1.10
  - path: $.flag
    equals: true
  - path: $.gone
    equals: null
  - path: $.id
    exists: false
  - path: $.id
    type: integer
  - path: $.nothing
    type: null
  - header: Content-Type
    matches: ^application/json
  - header: ETag
    equals: "W/1"
  - header: Paysera-Correlation-Id
    exists: true
  - time_below_ms: 500
"""


def test_assertions_read_and_write_the_documented_syntax() -> None:
    req = parse_request(ASSERT_TEXT, "get.request.yaml")
    assert req.assertions == (
        Assertion.status(200),
        Assertion.status("2xx"),
        Assertion.error("not_found"),
        Assertion.error(None),
        Assertion.path("$.items[0].price.amount", Operator.EQUALS, Expected.string("10.12")),
        Assertion.path(
            "$.exact", Operator.EQUALS, Expected.number("0.1000000000000000055511151231257827")
        ),
        Assertion.path("$.qty", Operator.EQUALS, Expected.number("1.10")),
        Assertion.path("$.flag", Operator.EQUALS, Expected.boolean(True)),
        Assertion.path("$.gone", Operator.EQUALS, Expected.null()),
        Assertion.path("$.id", Operator.EXISTS, Expected.boolean(False)),
        Assertion.path("$.id", Operator.TYPE, Expected.string("integer")),
        Assertion.path("$.nothing", Operator.TYPE, Expected.null()),
        Assertion.header("Content-Type", Operator.MATCHES, Expected.string("^application/json")),
        Assertion.header("ETag", Operator.EQUALS, Expected.string("W/1")),
        Assertion.header("Paysera-Correlation-Id", Operator.EXISTS, Expected.boolean(True)),
        Assertion.time_below(500),
    )
    assert dump_request(req) == ASSERT_TEXT
    assert round_trip(req) == req


def test_an_expected_value_keeps_its_yaml_type() -> None:
    def expected(scalar: str) -> Expected:
        text = f"name: x\nassert:\n  - path: $.a\n    equals: {scalar}\n"
        return parse_request(text, "x.request.yaml").assertions[0].expected

    assert expected('"10.12"') == expected("'10.12'") == Expected.string("10.12")
    assert expected("10.12") == Expected.number("10.12")
    assert expected("1e5") == Expected.number("1e5")  # YAML 1.1 would read a string
    assert expected("0x1A") == Expected.number("0x1A")
    assert expected("yes") == Expected.string("yes")  # YAML 1.1 would read true
    assert expected("2024-01-01") == Expected.string("2024-01-01")
    assert expected("~") == expected("") == Expected.null()
    assert expected("FALSE") == Expected.boolean(False)
    assert expected("|\n      multi\n      line") == Expected.string("multi\nline\n")


@pytest.mark.parametrize(
    "expected",
    [
        Expected.string("10.12"),
        Expected.string("1e5"),
        Expected.string("true"),
        Expected.string("null"),
        Expected.string("yes"),
        Expected.string(""),
        Expected.string("  spaced  "),
        Expected.string('quote " and \\ and\nline'),
        Expected.string("€ ąčę"),
        Expected.number("10.12"),
        Expected.number("1.10"),
        Expected.number("-0.0"),
        Expected.number("1e5"),
        Expected.number("1E+400"),
        Expected.number("+.5"),
        Expected.number("0x1A"),
        Expected.number("0o17"),
        Expected.number("017"),
        Expected.number("9" * 400),
        Expected.number("0.1000000000000000055511151231257827"),
        Expected.boolean(True),
        Expected.null(),
    ],
)
def test_expected_values_round_trip_with_their_type(expected: Expected) -> None:
    req = SavedRequest(
        "x", assertions=(Assertion.path("$.a", Operator.EQUALS, expected),), body=JSON_BODY
    )
    text = dump_request(req)
    assert round_trip(req) == req
    assert "body: |" in text  # a typed number does not knock the body out of its block
    if expected.type is ValueType.STRING:
        assert "equals: " + '"' in text
    else:
        assert f"    equals: {expected.text}\n" in text


def test_hand_written_assertion_spellings_are_normalised_once() -> None:
    text = "name: x\nassert:\n  - status: 2XX\n  - path: $.a\n    equals: ~\n"
    req = parse_request(text, "x.request.yaml")
    assert req.assertions == (
        Assertion.status("2xx"),
        Assertion.path("$.a", Operator.EQUALS, Expected.null()),
    )
    assert dump_request(req).endswith('  - status: "2xx"\n  - path: $.a\n    equals: null\n')


def test_assertions_are_omitted_when_there_are_none() -> None:
    assert "assert" not in dump_request(SavedRequest("x"))
    assert parse_request("name: x\nassert:\n", "x.request.yaml").assertions == ()


@pytest.mark.parametrize(
    ("items", "line", "reason"),
    [
        ("  - status: abc\n", 4, "a status is a number such as 200 or a class such as 2xx"),
        ("  - status: 700\n", 4, "700 is not an HTTP status"),
        ("  - stauts: 200\n", 4, "unknown key 'stauts' in an assertion (did you mean 'status'?)"),
        ("  - equals: 1\n", 4, "an assertion needs one of status, error, path, header"),
        ("  - status: 200\n    error: null\n", 5, "put 'status' and 'error' in separate items"),
        ("  - status: 200\n    equals: 200\n", 5, "'equals' does not go with 'status'"),
        ("  - path: $.a\n", 4, "say what to check about this path: equals, exists, matches"),
        ("  - path: $.a\n    equals: 1\n    exists: true\n", 6, "one check per assertion"),
        ("  - path: $.a\n    exists: maybe\n", 5, "exists takes true or false"),
        ("  - path: $.a\n    exists: yes\n", 5, "exists takes true or false"),
        ("  - path: $.a\n    type: decimal\n", 5, "type is one of number, string"),
        ("  - path: $.a\n    equals: .inf\n", 5, "not a number JSON can hold"),
        ("  - path: $.a\n    equals: [1, 2]\n", 5, "expected a single value for equals"),
        ("  - path:\n    exists: true\n", 4, "needs a JSONPath"),
        ("  - header: ETag\n    type: string\n", 5, "takes equals, exists, matches, not type"),
        ("  - header: Content-Length\n    equals: 0\n", 5, 'write it in quotes ("0")'),
        ("  - time_below_ms: fast\n", 4, "whole number of milliseconds"),
        ("  - time_below_ms: 0\n", 4, "above 0"),
        ("  - status: !!set 200\n", 4, "the YAML tag !!set is not allowed"),
        ("  - path: $.a\n    equals: !!str 1e5\n", 5, "equals without a YAML tag"),
        ("  status: 200\n", 4, "expected a list of assertions"),
        ("  - 200\n", 4, "expected an assertion such as 'status: 200'"),
    ],
)
def test_bad_assertions_are_reported_with_line(items: str, line: int, reason: str) -> None:
    text = "name: x\nurl: /a\nassert:\n" + items
    with pytest.raises(CollectionFileError) as caught:
        parse_request(text, "payments/list.request.yaml")
    assert caught.value.line == line
    assert reason in caught.value.reason


def test_a_time_with_leading_zeros_is_read_as_its_number() -> None:
    req = parse_request("name: x\nassert:\n  - time_below_ms: 0500\n", "x.request.yaml")
    assert req.assertions == (Assertion.time_below(500),)
    assert round_trip(req) == req


# --- following redirects ----------------------------------------------------------------------


@pytest.mark.parametrize("value", [True, False])
def test_follow_redirects_round_trips_on_a_request_folder_and_collection(value: bool) -> None:
    request = round_trip(SavedRequest("r", url="/a", follow_redirects=value))
    assert request.follow_redirects is value
    assert f"follow_redirects: {str(value).lower()}\n" in dump_request(request)
    for collection in (True, False):
        file = DefaultsFile(Defaults(follow_redirects=value), name="f")
        text = dump_defaults(file)
        back = parse_defaults(text, "folder.yaml", collection=collection)
        assert back.defaults.follow_redirects is value
        assert dump_defaults(back) == text


def test_follow_redirects_not_set_is_not_written_and_reads_as_inherited() -> None:
    assert "follow_redirects" not in dump_request(SavedRequest("r", url="/a"))
    assert "follow_redirects" not in dump_defaults(DefaultsFile(Defaults(), name="f"))
    assert parse_request("name: r\nurl: /a\n", "r.request.yaml").follow_redirects is None
    assert parse_defaults("name: f\n", "folder.yaml", collection=False).defaults == Defaults()


def test_follow_redirects_must_be_true_or_false_and_says_where() -> None:
    with pytest.raises(CollectionFileError, match="line 3: expected true or false"):
        parse_request("name: r\nurl: /a\nfollow_redirects: sometimes\n", "r.request.yaml")

"""Insomnia v4 JSON and v5 YAML exports into the core model: the corpus files with counts
made by hand, each feature on small exports, and any bytes answered with a collection or
one sentence."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.collection import AuthKind, SavedRequest
from app.core.request import BodyMode, FormField, KeyValue
from app.formats import FormatError, Imported, ImportedFolder, insomnia
from tests.formats import fuzzing

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "insomnia"
YAAK_V4 = CORPUS / "yaak-insomnia-v10.3-export.json"
YAAK_V5 = CORPUS / "yaak-fixture-insomnia-v11.1-export.yaml"
PETSTORE = CORPUS / "inso-insomnia-v2020.5-petstore-export.json"
WHATSAPP = CORPUS / "mywhatsapp-baileys-insomnia-v2023.1-export.json"

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not here")


def load(path: Path) -> Imported:
    data = path.read_bytes()
    assert insomnia.sniff(data, path.name)
    return insomnia.read(data, path.name)


def report(imported: Imported) -> list[tuple[str, str]]:
    return [(line.where, line.what) for line in imported.report]


def only_request(imported: Imported) -> SavedRequest:
    requests = imported.requests()
    assert len(requests) == 1
    return requests[0][1]


def export(*resources: dict[str, Any]) -> bytes:
    """A v4 export of one workspace ``wrk`` holding ``resources``."""
    workspace = {"_id": "wrk", "_type": "workspace", "parentId": None, "name": "Shop"}
    document = {"_type": "export", "__export_format": 4, "resources": [workspace, *resources]}
    return json.dumps(document).encode()


def request(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "_id": "req_1",
        "_type": "request",
        "parentId": "wrk",
        "name": "Get",
        "method": "GET",
        "url": "https://api.example.com/items",
    }
    base.update(fields)
    return base


def read_one(**fields: Any) -> tuple[SavedRequest, Imported]:
    imported = insomnia.read(export(request(**fields)), "shop.json")
    return only_request(imported), imported


# --------------------------------------------------------------------------- the corpus


# What the Yaak "Dummy" export reports in both its versions (v4 JSON, v5 YAML).
YAAK_BASE_VALUES = (
    "(collection)",
    'The values of "Base Environment" are in each of its sub-environments '
    '("Production", "Staging"), whose own values win, as in Insomnia.',
)
YAAK_REQUEST_LINES = [
    (
        "Top Level / New Request",
        "The Basic auth password is now the secret variable {{password}}, declared in every "
        "environment: its value goes to the secret store, not into the collection files.",
    ),
    (
        "Top Level / New Request",
        'Its header "Content-Type: multipart/form-data" was left out: a multipart body '
        "needs the boundary that is made when it is sent.",
    ),
]


@needs_corpus
def test_yaak_v4_export() -> None:
    imported = load(YAAK_V4)
    assert imported.format == "Insomnia v4 (JSON)"
    assert imported.root.name == "Dummy"
    assert imported.folders() == ["Top Level"]
    [(folder, req)] = imported.requests()
    assert folder == "Top Level"
    assert req.name == "New Request"
    assert req.method == "GET"
    # `:id` is a path parameter: a request variable; the query parameter is in the URL too.
    assert req.url == "{{BASE_URL}}/foo/{{id}}?query=qqq"
    assert req.params == (KeyValue("query", "qqq"),)
    assert [(v.name, v.value) for v in req.variables] == [("id", "iii")]
    assert req.auth.kind is AuthKind.BASIC
    assert req.auth.get("username") == "user"
    assert req.auth.get("password") == "{{password}}"
    assert req.body_mode is BodyMode.MULTIPART
    assert req.form == (FormField("form", "data"),)
    # The hand-set "Content-Type: multipart/form-data" has no boundary: left out.
    assert [h.name for h in req.headers] == ["User-Agent", "X-Header"]
    assert req.description == "My description of the request"
    # Base values merged into both sub-environments; the literal password is a secret.
    assert [e.name for e in imported.environments] == ["Production", "Staging"]
    production = imported.environments[0]
    assert [(v.name, v.value, v.secret) for v in production.variables] == [
        ("BASE_VAR", "hello", False),
        ("BASE_URL", "https://api.yaak.app", False),
        ("password", "", True),
    ]
    assert dict(imported.secrets) == {
        ("Production", "password"): "pass",
        ("Staging", "password"): "pass",
    }
    assert report(imported) == [YAAK_BASE_VALUES, *YAAK_REQUEST_LINES]
    assert "'pass'" not in repr(imported.root)


@needs_corpus
def test_yaak_v5_yaml_export() -> None:
    imported = load(YAAK_V5)
    assert imported.format == "Insomnia v5 (YAML)"
    assert imported.root.name == "Dummy"
    assert imported.root.description == "This is the description"
    assert imported.folders() == ["Top Level"]
    req = only_request(imported)
    assert (req.method, req.url) == ("GET", "{{BASE_URL}}/foo/{{id}}?query=qqq")
    assert req.auth.kind is AuthKind.BASIC
    assert req.body_mode is BodyMode.MULTIPART
    assert req.form == (FormField("form", "data"),)
    assert req.description == "My description of the request"
    assert [e.name for e in imported.environments] == ["Production", "Staging"]
    staging = {v.name: v.value for v in imported.environments[1].variables}
    assert staging == {
        "BASE_VAR": "hello",
        "BASE_URL": "https://api.staging.yaak.app",
        "password": "",
    }
    assert dict(imported.secrets) == {
        ("Production", "password"): "pass",
        ("Staging", "password"): "pass",
    }
    assert report(imported) == [
        *YAAK_REQUEST_LINES,
        (
            "(collection)",
            'The gRPC request "New Request" was skipped: API Explorer sends HTTP requests only.',
        ),
        (
            "(collection)",
            'The WebSocket request "New WebSocket Request" was skipped: API Explorer sends HTTP '
            "requests only.",
        ),
        YAAK_BASE_VALUES,
    ]


@needs_corpus
def test_petstore_v2020_export() -> None:
    imported = load(PETSTORE)
    assert imported.root.name == "Swagger Petstore 1.0.0"
    assert imported.root.description.startswith("This is a sample server Petstore server.")
    assert imported.folders() == ["Example Folder"]
    requests = imported.requests()
    assert len(requests) == 13
    assert Counter(r.method for _, r in requests) == {"GET": 6, "POST": 5, "PUT": 1, "DELETE": 1}
    # In Insomnia's order (metaSortKey), the folder first.
    assert [(f, r.name, r.method, r.url) for f, r in requests[:4]] == [
        ("Example Folder", "Example 2", "GET", "https://jsonplaceholder.typicode.com/posts/1xx"),
        ("", "Example 1", "GET", "https://jsonplaceholder.typicode.com/posts/1"),
        ("", "Add a new pet to the store", "POST", "{{base_url}}/pet"),
        ("", "Update an existing pet", "PUT", "{{base_url}}/pet"),
    ]
    login = next(r for _, r in requests if r.name == "Logs user into the system")
    assert login.url == "{{base_url}}/user/login?username=string&password=string"
    assert login.params == (KeyValue("username", "string"), KeyValue("password", "string"))
    assert all(r.auth.kind is AuthKind.INHERIT for _, r in requests)
    assert all(r.body_mode is BodyMode.JSON for _, r in requests)
    assert sum(1 for _, r in requests if r.body) == 2
    inventory = next(r for _, r in requests if r.name == "Returns pet inventories by status")
    assert inventory.headers == (KeyValue("api_key", "{{apiKey}}"),)
    # The base's nested template, merged into the one sub-environment; apiKey is a
    # credential's variable, so it is a secret.
    [environment] = imported.environments
    assert environment.name == "OpenAPI env"
    assert [(v.name, v.value, v.secret) for v in environment.variables] == [
        ("base_url", "{{scheme}}://{{host}}{{base_path}}", False),
        ("scheme", "http", False),
        ("base_path", "/v2", False),
        ("host", "petstore.swagger.io", False),
        ("apiKey", "", True),
    ]
    assert dict(imported.secrets) == {("OpenAPI env", "apiKey"): "apiKey"}
    assert report(imported) == [
        (
            "(collection)",
            'The values of "Base environment" are in each of its sub-environments '
            '("OpenAPI env"), whose own values win, as in Insomnia.',
        ),
        (
            "(collection)",
            'The API spec "Imported Workspace" was skipped: import the OpenAPI document with '
            "the OpenAPI importer.",
        ),
        (
            "(collection)",
            'The unit test suite "ExampleSuite" with 2 tests was skipped: Insomnia\'s JavaScript '
            "tests do not run here; the Tests tab's assertions can check responses.",
        ),
        (
            "(collection)",
            'The cookie jar "Default Jar" with 1 cookie (for typicode.com) was not imported: '
            "API Explorer keeps no cookie jar, so add a Cookie header where a request needs one.",
        ),
        (
            "(collection)",
            'The variable {{apiKey}} of the environment "OpenAPI env" is now secret (an auth or '
            "a credential header uses it): its value goes to the secret store, not into files.",
        ),
    ]


@needs_corpus
def test_whatsapp_v2023_export() -> None:
    imported = load(WHATSAPP)
    assert imported.root.name == "API My WhatsApp - Bailyes v2.0"
    folders = imported.folders()
    assert len(folders) == 7
    assert folders[0] == "Getting started - ✔️📝"
    requests = imported.requests()
    assert len(requests) == 71
    assert Counter(f for f, _ in requests) == {
        "Group Functions - ✔️📝": 30,
        "Basic Functions (usage) - ✔️📝": 17,
        "Getting started - ✔️📝": 9,
        "Retrieving Data - ✔️📝": 9,
        "Profile Functions - ✔️📝": 3,
        "Getting webhook - ✔️📝": 2,
        "Gateways SMS - ✔️📝": 1,
    }
    assert {r.method for _, r in requests} == {"POST"}
    assert [r.url for _, r in requests[:3]] == [
        "{{Localhost}}/instance/Start",
        "{{Localhost}}/instance/Status",
        "{{Localhost}}/instance/Close",
    ]
    assert Counter(r.body_mode for _, r in requests) == {BodyMode.JSON: 65, BodyMode.MULTIPART: 6}
    # Two disabled API key auths: No auth, the settings kept in the description.
    assert Counter(r.auth.kind for _, r in requests) == {AuthKind.INHERIT: 69, AuthKind.NONE: 2}
    status = requests[1][1]
    assert status.auth.kind is AuthKind.NONE
    assert "API key auth, disabled in Insomnia" in status.description
    assert "value: {{SECRETKEY}}" in status.description
    assert all(KeyValue("AuthorizationToken", "{{SECRETKEY}}") in r.headers for _, r in requests)
    multipart = [r for _, r in requests if r.body_mode is BodyMode.MULTIPART]
    assert all(sum(f.file for f in r.form) == 1 for r in multipart)
    voice = next(r for r in multipart if r.name == "sendVoice - ✔️📝")
    assert FormField("file", "C:\\Scripts\\record_voice.mp3", file=True) in voice.form
    # A text field keeps its value, not the stale fileName beside it.
    assert FormField("phonefull", "+55(67)9 9678-7854") in voice.form
    # The ~1 MB base64 bodies come across whole.
    assert max(len(r.body) for _, r in requests) > 1_000_000
    [environment] = imported.environments
    assert environment.name == "Connect API"
    values = {v.name: (v.value, v.secret) for v in environment.variables}
    assert values["Localhost"] == ("{{encript}}{{domain}}:{{port}}", False)
    assert values["SECRETKEY"] == ("", True)
    assert dict(imported.secrets) == {("Connect API", "SECRETKEY"): "pcsjGQBsBVXwK2RXRDIuwv5"}
    lines = report(imported)
    assert len(lines) == 10
    assert Counter(what.split(":")[0] for _, what in lines) == {
        "Its API key auth was disabled in Insomnia, so it imports as No auth; its settings "
        "are in the description.": 2,
        'Its header "Content-Type': 6,
        'The API spec "API My WhatsApp - Bailyes v2.0" was skipped': 1,
        'The variable {{SECRETKEY}} of the environment "Connect API" is now secret (an auth '
        "or a credential header uses it)": 1,
    }
    assert "pcsjGQBsBVXwK2RXRDIuwv5" not in repr(imported.root)


# --------------------------------------------------------------------------- features


def test_sniff() -> None:
    assert insomnia.sniff(export(), "x.json")
    assert insomnia.sniff(b"type: collection.insomnia.rest/5.0\nname: A\n", "a.yaml")
    assert not insomnia.sniff(b'{"info": {"schema": "postman"}}', "p.json")
    assert not insomnia.sniff(b'{"log": {"entries": []}}', "x.har")
    assert not insomnia.sniff(b"", "")


def test_templates_become_our_variables_and_tags_are_reported() -> None:
    req, imported = read_one(
        url="{{ _.base }}/items/{{ id }}?q={{_['my var']}}",
        headers=[
            {"name": "X-Request-Id", "value": "{% uuid 'v4' %}"},
            {"name": "X-Upper", "value": "{{ name | upper }}"},
            {"name": "X-Nested", "value": "{{ _.db.host }}"},
        ],
    )
    assert req.url == "{{base}}/items/{{id}}?q={{my_var}}"
    assert req.params == (KeyValue("q", "{{my_var}}"),)
    assert [h.value for h in req.headers] == [
        "{% uuid 'v4' %}",
        "{{ name | upper }}",
        "{{db.host}}",
    ]
    assert report(imported) == [
        (
            "Get",
            "Uses Insomnia template code that cannot run here, kept as typed: {% uuid %}, "
            "{{ name | upper }}.",
        )
    ]


def test_an_unclosed_template_is_kept_and_the_rest_still_converts() -> None:
    req, imported = read_one(
        url="https://h/{{ a }}/{{ b", body={"mimeType": "text/plain", "text": "{% x"}
    )
    assert req.url == "https://h/{{a}}/{{ b"
    assert req.body == "{% x"
    assert imported.report == ()


def test_parameters_go_into_the_url_and_disabled_ones_only_into_params() -> None:
    req, _ = read_one(
        url="https://api.example.com/items?sort=name",
        parameters=[
            {"name": "limit", "value": "10"},
            {"name": "debug", "value": "1", "disabled": True},
        ],
    )
    assert req.url == "https://api.example.com/items?sort=name&limit=10"
    assert req.params == (
        KeyValue("sort", "name"),
        KeyValue("limit", "10"),
        KeyValue("debug", "1", enabled=False),
    )


def test_a_url_without_a_scheme_gets_http_like_insomnia_sends_it() -> None:
    req, imported = read_one(url="localhost:3000/items")
    assert req.url == "http://localhost:3000/items"
    assert report(imported) == [
        ("Get", "Its URL had no scheme; like Insomnia, http:// is put in front.")
    ]


def test_path_parameters_only_where_declared() -> None:
    req, _ = read_one(
        url="https://h:8443/users/:user_id/posts/:post?x=:y",
        pathParameters=[{"name": "user_id", "value": "7"}],
    )
    assert req.url == "https://h:8443/users/{{user_id}}/posts/:post?x=:y"
    assert [(v.name, v.value) for v in req.variables] == [("user_id", "7")]


@pytest.mark.parametrize(
    ("body", "mode", "text", "form", "graphql_variables"),
    [
        (
            {"mimeType": "application/json", "text": '{"a": 1}'},
            BodyMode.JSON,
            '{"a": 1}',
            (),
            "",
        ),
        (
            {"mimeType": "application/vnd.api+json", "text": "{}"},
            BodyMode.JSON,
            "{}",
            (),
            "",
        ),
        (
            {
                "mimeType": "application/x-www-form-urlencoded",
                "params": [
                    {"name": "a", "value": "1"},
                    {"name": "b", "value": "{{ _.x }}", "disabled": True},
                ],
            },
            BodyMode.FORM,
            "",
            (FormField("a", "1"), FormField("b", "{{x}}", enabled=False)),
            "",
        ),
        (
            {
                "mimeType": "multipart/form-data",
                "params": [
                    {"name": "note", "value": "hi"},
                    {"name": "doc", "type": "file", "fileName": "/tmp/a.pdf", "value": ""},
                ],
            },
            BodyMode.MULTIPART,
            "",
            (FormField("note", "hi"), FormField("doc", "/tmp/a.pdf", file=True)),
            "",
        ),
        (
            {
                "mimeType": "application/graphql",
                "text": '{"query": "query Q($id: ID) { item(id: $id) { name } }", '
                '"variables": {"id": "1"}}',
            },
            BodyMode.GRAPHQL,
            "query Q($id: ID) { item(id: $id) { name } }",
            (),
            '{\n  "id": "1"\n}',
        ),
        (
            {"mimeType": "application/octet-stream", "fileName": "/data/blob.bin"},
            BodyMode.FILE,
            "/data/blob.bin",
            (),
            "",
        ),
        ({"mimeType": "application/xml", "text": "<a/>"}, BodyMode.RAW, "<a/>", (), ""),
        ({}, BodyMode.JSON, "", (), ""),
    ],
)
def test_bodies(
    body: dict[str, Any],
    mode: BodyMode,
    text: str,
    form: tuple[FormField, ...],
    graphql_variables: str,
) -> None:
    req, _ = read_one(method="POST", body=body)
    assert req.body_mode is mode
    assert req.body == text
    assert req.form == form
    assert req.graphql_variables == graphql_variables


def test_a_raw_body_gets_its_content_type_when_no_header_says_it() -> None:
    req, _ = read_one(method="POST", body={"mimeType": "text/yaml", "text": "a: 1"})
    assert req.headers == (KeyValue("Content-Type", "text/yaml"),)


def test_a_graphql_operation_name_is_reported() -> None:
    text = json.dumps({"query": "query A { a } query B { b }", "operationName": "B"})
    req, imported = read_one(method="POST", body={"mimeType": "application/graphql", "text": text})
    assert req.body_mode is BodyMode.GRAPHQL
    assert report(imported) == [
        (
            "Get",
            'Its GraphQL operation name "B" was not carried over: the server runs the query\'s '
            "only operation, or name it in the query.",
        )
    ]


def test_literal_credentials_become_secrets_shared_by_value() -> None:
    imported = insomnia.read(
        export(
            request(_id="a", name="A", authentication={"type": "bearer", "token": "t0k"}),
            request(_id="b", name="B", authentication={"type": "bearer", "token": "t0k"}),
            request(_id="c", name="C", authentication={"type": "bearer", "token": "other"}),
            request(
                _id="d",
                name="D",
                authentication={
                    "type": "apikey",
                    "key": "X-API-Key",
                    "value": "k3y",
                    "addTo": "queryParams",
                },
            ),
            request(
                _id="e",
                name="E",
                authentication={"type": "bearer", "token": "{{ _.session }}"},
            ),
        ),
        "shop.json",
    )
    auths = {r.name: r.auth for _, r in imported.requests()}
    assert auths["A"].get("token") == "{{token}}"
    assert auths["B"].get("token") == "{{token}}"
    assert auths["C"].get("token") == "{{token_2}}"
    assert auths["D"].kind is AuthKind.API_KEY
    assert dict(auths["D"].values) == {"name": "X-API-Key", "value": "{{X-API-Key}}", "in": "query"}
    assert auths["E"].get("token") == "{{session}}"
    # No environment in the file: one named after the collection holds the secrets.
    [environment] = imported.environments
    assert environment.name == "Shop"
    assert all(v.secret and v.value == "" for v in environment.variables)
    assert dict(imported.secrets) == {
        ("Shop", "token"): "t0k",
        ("Shop", "token_2"): "other",
        ("Shop", "X-API-Key"): "k3y",
    }
    assert len(imported.report) == 4  # A, B, C, D each say which variable holds their secret
    for value in ("t0k", "other", "k3y"):
        assert value not in repr(imported.root)


def test_a_bearer_prefix_other_than_bearer_becomes_a_header() -> None:
    req, imported = read_one(authentication={"type": "bearer", "token": "{{t}}", "prefix": "Token"})
    assert req.auth.kind is AuthKind.NONE
    assert req.headers == (KeyValue("Authorization", "Token {{t}}"),)
    assert "prefix" in imported.report[0].what


def test_a_literal_credential_header_keeps_its_scheme_and_hides_the_rest() -> None:
    req, imported = read_one(
        headers=[
            {"name": "Authorization", "value": "Bearer abc.def"},
            {"name": "X-Session-Token", "value": "s3ss"},
            {"name": "Accept", "value": "application/json"},
        ]
    )
    assert req.headers == (
        KeyValue("Authorization", "Bearer {{Authorization_Bearer}}"),
        KeyValue("X-Session-Token", "{{X-Session-Token}}"),
        KeyValue("Accept", "application/json"),
    )
    assert set(imported.secrets.values()) == {"abc.def", "s3ss"}


def test_unsupported_auth_is_described_with_its_secrets_as_variables() -> None:
    req, imported = read_one(
        authentication={
            "type": "oauth2",
            "grantType": "client_credentials",
            "accessTokenUrl": "https://auth.example.com/token",
            "clientId": "app",
            "clientSecret": "sh!",
            "disabled": False,
        }
    )
    assert req.auth.kind is AuthKind.NONE
    assert req.description == (
        "OAuth 2.0 auth, not imported:\n"
        "  grantType: client_credentials\n"
        "  accessTokenUrl: https://auth.example.com/token\n"
        "  clientId: app\n"
        "  clientSecret: {{clientSecret}}"
    )
    assert dict(imported.secrets) == {("Shop", "clientSecret"): "sh!"}
    assert report(imported)[-1] == (
        "Get",
        "Its OAuth 2.0 auth cannot be imported (API Explorer has Basic, Bearer, API key and "
        "Paysera MAC): it imports as No auth, its settings are in the description.",
    )


def test_scripts_and_settings_are_reported() -> None:
    req, imported = read_one(
        preRequestScript="insomnia.environment.set('a', 1);\nconsole.log(2);",
        afterResponseScript="",
        settingFollowRedirects="off",
        settingDisableRenderRequestBody=True,
        settingEncodeUrl=False,
    )
    assert req.follow_redirects is False
    assert [what for _, what in report(imported)] == [
        "Insomnia sent its body without filling in variables; here {{variables}} in the body "
        "are filled in.",
        'Insomnia\'s "do not encode the URL" setting was not carried over.',
        "Its pre-request script (2 lines) was not imported: scripts do not run here.",
    ]


def test_folders_at_any_depth_with_their_own_settings() -> None:
    imported = insomnia.read(
        export(
            request(_id="r2", parentId="fld_b", name="Deep", metaSortKey=2),
            {
                "_id": "fld_b",
                "_type": "request_group",
                "parentId": "fld_a",
                "name": "B",
                "environment": {"limit": 5, "nested": {"x": "y"}},
                "headers": [{"name": "X-Folder", "value": "b"}],
                "authentication": {"type": "basic", "username": "u", "password": "{{ _.pw }}"},
            },
            {"_id": "fld_a", "_type": "request_group", "parentId": "wrk", "name": "A"},
            request(_id="r1", parentId="fld_b", name="Shallow", metaSortKey=1),
            request(_id="r0", parentId="wrk", name="", metaSortKey=-5),
            {
                "_id": "env_base",
                "_type": "environment",
                "parentId": "wrk",
                "name": "Base Environment",
                "data": {"pw": "hunter2"},
            },
        ),
        "shop.json",
    )
    assert imported.folders() == ["A", "A / B"]
    assert [(f, r.name) for f, r in imported.requests()] == [
        ("", "Untitled request"),
        ("A / B", "Shallow"),
        ("A / B", "Deep"),
    ]
    folder_a = imported.root.items[1]
    assert isinstance(folder_a, ImportedFolder)
    folder_b = folder_a.items[0]
    assert isinstance(folder_b, ImportedFolder)
    assert folder_b.defaults.headers == (KeyValue("X-Folder", "b"),)
    assert folder_b.defaults.auth.kind is AuthKind.BASIC
    assert [(v.name, v.value) for v in folder_b.defaults.variables] == [
        ("limit", "5"),
        ("nested.x", "y"),
    ]
    # The base environment alone becomes the environment; pw, which auth uses, is secret.
    [environment] = imported.environments
    assert environment.name == "Base Environment"
    assert [(v.name, v.secret) for v in environment.variables] == [("pw", True)]
    assert dict(imported.secrets) == {("Base Environment", "pw"): "hunter2"}


def test_a_credential_variable_of_a_folder_is_moved_to_a_secret() -> None:
    imported = insomnia.read(
        export(
            {
                "_id": "fld",
                "_type": "request_group",
                "parentId": "wrk",
                "name": "F",
                "environment": {"key": "literal-key"},
            },
            request(parentId="fld", headers=[{"name": "X-Api-Key", "value": "{{ _.key }}"}]),
        ),
        "shop.json",
    )
    folder = imported.root.items[0]
    assert isinstance(folder, ImportedFolder)
    assert folder.defaults.variables[0].value == "{{key_secret}}"
    assert dict(imported.secrets) == {("Shop", "key_secret"): "literal-key"}


def test_sub_environment_values_win_and_pointers_lead_to_the_real_secret() -> None:
    imported = insomnia.read(
        export(
            request(authentication={"type": "bearer", "token": "{{ _.token }}"}),
            {
                "_id": "env_base",
                "_type": "environment",
                "parentId": "wrk",
                "name": "Base Environment",
                "data": {"host": "base", "token": "{{ _.real_token }}"},
            },
            {
                "_id": "env_dev",
                "_type": "environment",
                "parentId": "env_base",
                "name": "Dev",
                "data": {"host": "dev", "real_token": "dev-secret"},
            },
            {
                "_id": "env_prod",
                "_type": "environment",
                "parentId": "env_base",
                "name": "Prod",
                "kvPairData": [
                    {"name": "real_token", "value": "prod-secret", "type": "str"},
                    {"name": "old", "value": "x", "enabled": False},
                ],
            },
        ),
        "shop.json",
    )
    dev, prod = imported.environments
    assert [(v.name, v.value, v.secret) for v in dev.variables] == [
        ("host", "dev", False),
        ("token", "{{real_token}}", False),
        ("real_token", "", True),
    ]
    assert [(v.name, v.enabled) for v in prod.variables] == [
        ("host", True),
        ("token", True),
        ("real_token", True),
        ("old", False),
    ]
    assert dict(imported.secrets) == {
        ("Dev", "real_token"): "dev-secret",
        ("Prod", "real_token"): "prod-secret",
    }


def test_secret_typed_variables_are_secrets() -> None:
    imported = insomnia.read(
        export(
            request(),
            {
                "_id": "env_base",
                "_type": "environment",
                "parentId": "wrk",
                "name": "Base",
                "kvPairData": [{"name": "pin", "value": "1234", "type": "secret"}],
            },
        ),
        "shop.json",
    )
    assert imported.environments[0].variables[0].secret
    assert dict(imported.secrets) == {("Base", "pin"): "1234"}


def test_orphans_cycles_unknown_types_and_several_workspaces() -> None:
    document = {
        "_type": "export",
        "__export_format": 4,
        "resources": [
            {"_id": "w1", "_type": "workspace", "name": "One"},
            {"_id": "w2", "_type": "workspace", "name": "Two"},
            request(_id="a", parentId="w1", name="In one"),
            request(_id="b", parentId="w2", name="In two"),
            request(_id="c", parentId="nowhere", name="Lost"),
            {"_id": "g1", "_type": "request_group", "parentId": "g2", "name": "G1"},
            {"_id": "g2", "_type": "request_group", "parentId": "g1", "name": "G2"},
            {"_id": "x", "_type": "plugin_thing", "parentId": "w1"},
            {"_id": "ws", "_type": "websocket_request", "parentId": "w2", "name": "Chat"},
            {"_id": "wp", "_type": "websocket_payload", "parentId": "ws"},
            "not an object",
        ],
    }
    imported = insomnia.read(json.dumps(document).encode(), "team.json")
    assert imported.root.name == "team"
    assert imported.folders() == ["One", "Two", "G1", "G1 / G2"]
    assert [(f, r.name) for f, r in imported.requests()] == [
        ("One", "In one"),
        ("Two", "In two"),
        ("", "Lost"),
    ]
    assert report(imported) == [
        ("Two", 'The WebSocket request "Chat" was skipped: API Explorer sends HTTP requests only.'),
        (
            "(collection)",
            "2 items whose folder or workspace is not in the file are at the top of the "
            "collection.",
        ),
        (
            "(collection)",
            '1 resource of the type "plugin_thing" was skipped: API Explorer has nothing like it.',
        ),
        (
            "(collection)",
            '1 resource of the type "(none)" was skipped: API Explorer has nothing like it.',
        ),
    ]


def test_v5_nested_folders_and_scripts() -> None:
    text = """\
type: collection.insomnia.rest/5.0
name: Five
collection:
  - name: Outer
    scripts:
      preRequest: "console.log(1)"
    children:
      - name: Inner
        children:
          - url: https://h/x
            name: X
            method: post
            body:
              mimeType: application/json
              text: '{"a": {{ _.n }}}'
            settings:
              followRedirects: "on"
            authentication:
              type: digest
              username: u
              password: p
  - url: https://h/y
environments:
  name: Base Environment
  data:
    n: 1
"""
    imported = insomnia.read(text.encode(), "five.yaml")
    assert imported.folders() == ["Outer", "Outer / Inner"]
    [(_, x), (_, y)] = imported.requests()
    assert (x.method, x.body, x.follow_redirects) == ("POST", '{"a": {{n}}}', True)
    assert x.auth.kind is AuthKind.NONE
    assert "password: {{password}}" in x.description
    assert y.name == "Untitled request"
    assert [e.name for e in imported.environments] == ["Base Environment"]
    assert [where for where, _ in report(imported)] == [
        "Outer",
        "Outer / Inner / X",
        "Outer / Inner / X",
    ]


@pytest.mark.parametrize(
    ("data", "sentence"),
    [
        (b"", "The Insomnia file is empty."),
        (b"name: x", "This file is not an Insomnia export"),
        (b"\xff\xfe\x00", "not valid UTF-16"),
        (b"\x80abc", "is not UTF-8 text"),
        (b'{"__export_format": 4', "is not valid JSON"),
        (b'{"a": 1}', 'has no "__export_format"'),
        (b'{"__export_format": 3, "resources": []}', "format 3"),
        (b'{"__export_format": 4}', 'no "resources" list'),
        (b"type: [unclosed", "is not valid YAML"),
        (b"type: collection.insomnia.rest/5.0\nname: !!python/object x\n", "is refused"),
        (b"a: &x [*x]\ntype: collection.insomnia.rest/5.0\n", "nested too deeply"),
        (b"[" * 100_000, "is not valid YAML"),
        (b'{"__export_format": 4, "resources": ' + b"[" * 100_000, "nested too deeply"),
    ],
)
def test_broken_inputs_are_one_sentence(data: bytes, sentence: str) -> None:
    with pytest.raises(FormatError) as caught:
        insomnia.read(data, "x")
    assert sentence in str(caught.value)
    assert "\n" not in str(caught.value)


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ["type: collection.insomnia.rest/5.0", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    with pytest.raises(FormatError, match="aliases"):
        insomnia.read("\n".join(lines).encode(), "bomb.yaml")


def test_inputs_over_50_mb_are_refused() -> None:
    with pytest.raises(FormatError, match="over 50 MB"):
        insomnia.read(b" " * (insomnia.MAX_BYTES + 1), "big.json")


def test_deep_folders_are_refused_with_a_sentence() -> None:
    resources = [
        {"_id": f"g{i}", "_type": "request_group", "parentId": f"g{i - 1}" if i else "wrk"}
        for i in range(150)
    ]
    with pytest.raises(FormatError, match="more than 100 deep"):
        insomnia.read(export(*resources), "deep.json")


# --------------------------------------------------------------------------- any bytes


def _small_corpus() -> list[bytes]:
    if not CORPUS.is_dir():
        return [export(request())]
    return [YAAK_V4.read_bytes(), YAAK_V5.read_bytes(), PETSTORE.read_bytes()]


SEEDS = _small_corpus()


def _answers(data: bytes) -> None:
    fuzzing.answer(lambda: insomnia.read(data, "fuzz"))


@fuzzing.settings(120)
@given(st.binary(max_size=2048))
def test_any_bytes_give_a_collection_or_a_sentence(data: bytes) -> None:
    _answers(data)
    _answers(b'{"__export_format": 4, "resources": ' + data)
    _answers(b"type: collection.insomnia.rest/5.0\n" + data)


@fuzzing.settings(120)
@given(seed=st.sampled_from(SEEDS), **fuzzing.SPLICES)
def test_mutated_corpus_files_give_a_collection_or_a_sentence(
    seed: bytes, start: int, length: int, insert: bytes
) -> None:
    _answers(fuzzing.splice(seed, start, length, insert))


V4_SEED = (
    json.loads(YAAK_V4.read_text("utf-8")) if CORPUS.is_dir() else json.loads(export(request()))
)


@settings(max_examples=150, deadline=None)
@given(where=st.sampled_from(fuzzing.places(V4_SEED)), value=fuzzing.json_values())
def test_any_value_anywhere_in_an_export_gives_a_collection_or_a_sentence(
    where: tuple[object, ...], value: object
) -> None:
    _answers(json.dumps(fuzzing.replaced(V4_SEED, where, value)).encode())

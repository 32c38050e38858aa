"""OpenAPI 3.0/3.1 and Swagger 2.0 into the core model.

Every corpus file is checked against numbers counted by hand from the file (operations,
tags, methods, security, request bodies; see ../shared/corpus/MANIFEST.md), with a few
bodies, parameters and forms compared exactly. Then what the corpus lacks, on small
descriptions written here: several servers, secrets, every auth, every body kind,
references that leave the file or loop, YAML bombs and tags. Last, Hypothesis: any bytes,
mutated corpus files and any value anywhere in a description give an ``Imported`` or a
``FormatError``, never another exception (through ``read_strict``, which has no safety net).
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.collection import AuthKind, AuthSpec, Environment, SavedRequest, Variable
from app.core.json_doc import JsonNumber
from app.core.request import BodyMode, FormField, KeyValue
from app.formats import FormatError, Imported, ImportedFolder, ReportLine, openapi
from app.formats._schema_example import example_from_schema
from tests.formats import fuzzing

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
OPENAPI = CORPUS / "openapi"
PETSTORE = OPENAPI / "oai-petstore-3.0.yaml"
EXPANDED = OPENAPI / "oai-petstore-expanded-3.0.json"
OBUK = OPENAPI / "obuk-confirmation-funds-swagger2.json"
OKTA = OPENAPI / "okta-oauth-2026.06.3.yaml"
PAYSTACK = OPENAPI / "paystack-3.0.1.yaml"
REALWORLD = OPENAPI / "realworld-conduit-3.1.yml"

needs_corpus = pytest.mark.skipif(not OPENAPI.is_dir(), reason="the shared corpus is not here")

RESPONSES = ReportLine(
    "(collection)",
    "The responses the operations document (status codes, schemas, examples) are not "
    "imported: only the requests are.",
)
INHERIT = AuthSpec(AuthKind.INHERIT)


@cache
def corpus(path: Path) -> Imported:
    return openapi.read(path.read_bytes(), path.name)


def from_text(text: str, name: str = "api.yaml") -> Imported:
    return openapi.read_strict(text.encode(), name)


def request(imported: Imported, name: str, folder: str | None = None) -> SavedRequest:
    found = [r for path, r in imported.requests() if r.name == name and folder in (None, path)]
    assert len(found) == 1, f"{len(found)} requests named {name!r}"
    return found[0]


def counts(imported: Imported) -> dict[str, Counter[str]]:
    requests = [r for _, r in imported.requests()]
    return {
        "folders": Counter(path for path, _ in imported.requests()),
        "methods": Counter(r.method for r in requests),
        "auth": Counter(r.auth.kind.name for r in requests),
        "bodies": Counter(r.body_mode.name + (" with text" if r.body else "") for r in requests),
    }


# --------------------------------------------------------------------------- the corpus


@needs_corpus
def test_petstore_three_operations_in_the_pets_folder() -> None:
    imported = corpus(PETSTORE)
    assert imported.format == "OpenAPI 3.0.0"
    assert imported.root.name == "Swagger Petstore"
    assert imported.root.defaults.base_url == "{{baseUrl}}"
    assert imported.root.defaults.variables == (
        Variable("baseUrl", "http://petstore.swagger.io/v1"),
    )
    assert imported.folders() == ["pets"]
    assert [(p, r.method, r.url, r.name) for p, r in imported.requests()] == [
        ("pets", "GET", "/pets", "List all pets"),
        ("pets", "POST", "/pets", "Create a pet"),
        ("pets", "GET", "/pets/{{petId}}", "Info for a specific pet"),
    ]
    assert {r.auth for _, r in imported.requests()} == {INHERIT}
    listing = request(imported, "List all pets")
    assert listing.params == (KeyValue("limit", "", enabled=False),)
    assert "- limit (query, optional, integer (int32)): How many items" in listing.description
    create = request(imported, "Create a pet")  # requestBody -> Pet (id int64, name, tag)
    assert create.body_mode is BodyMode.JSON
    assert create.body == '{\n  "id": 0,\n  "name": "string",\n  "tag": "string"\n}'
    assert create.headers == ()  # application/json: the app's own Content-Type
    assert request(imported, "Info for a specific pet").variables == (Variable("petId", ""),)
    assert imported.environments == ()
    assert dict(imported.secrets) == {}
    assert list(imported.report) == [RESPONSES]


@needs_corpus
def test_petstore_expanded_json_untagged_operations_at_the_top() -> None:
    imported = corpus(EXPANDED)
    assert imported.format == "OpenAPI 3.0.0"
    assert imported.folders() == []
    assert [(p, r.method, r.url, r.name) for p, r in imported.requests()] == [
        ("", "GET", "/pets", "findPets"),
        ("", "POST", "/pets", "addPet"),
        ("", "GET", "/pets/{{id}}", "find pet by id"),
        ("", "DELETE", "/pets/{{id}}", "deletePet"),
    ]
    assert imported.root.defaults.variables == (
        Variable("baseUrl", "https://petstore.swagger.io/v2"),
    )
    find = request(imported, "findPets")
    assert find.params == (KeyValue("tags", "", False), KeyValue("limit", "", False))
    assert json.loads(request(imported, "addPet").body) == {"name": "string", "tag": "string"}
    assert request(imported, "addPet").description == (
        "Creates a new pet in the store. Duplicates are allowed\n\nBody: Pet to add to the store"
    )
    assert counts(imported)["bodies"] == Counter({"JSON": 3, "JSON with text": 1})
    assert list(imported.report) == [RESPONSES]


@needs_corpus
def test_swagger2_open_banking_no_host_oauth2_only() -> None:
    imported = corpus(OBUK)
    assert imported.format == "Swagger 2.0"
    assert imported.root.name == "Confirmation of Funds API Specification"
    # no host, basePath /open-banking/v3.1/cbpii, schemes [https]
    assert imported.root.defaults.variables == (
        Variable("baseUrl", "https://{{host}}/open-banking/v3.1/cbpii"),
        Variable("host", ""),
    )
    assert imported.folders() == ["Funds Confirmations"]
    assert [(r.method, r.url) for _, r in imported.requests()] == [
        ("POST", "/funds-confirmation-consents"),
        ("DELETE", "/funds-confirmation-consents/{{ConsentId}}"),
        ("GET", "/funds-confirmation-consents/{{ConsentId}}"),
        ("POST", "/funds-confirmations"),
    ]
    # Both schemes are OAuth 2.0, no global security: nothing to set, all said.
    assert {r.auth for _, r in imported.requests()} == {INHERIT}
    assert imported.environments == ()
    fapi = (
        KeyValue("x-fapi-auth-date", "", False),
        KeyValue("x-fapi-customer-ip-address", "", False),
        KeyValue("x-fapi-interaction-id", "", False),
        KeyValue("x-customer-user-agent", "", False),
    )
    assert {r.headers for _, r in imported.requests()} == {fapi}
    # The body parameter via #/parameters/OBFundsConfirmation1Param -> #/definitions/...;
    # no consumes anywhere: JSON.
    confirm = request(imported, "Create Funds Confirmation")
    assert confirm.body_mode is BodyMode.JSON
    assert json.loads(confirm.body) == {
        "Data": {
            "ConsentId": "string",
            "InstructedAmount": {"Amount": "string", "Currency": "string"},
            "Reference": "string",
        }
    }
    assert counts(imported)["bodies"] == Counter({"JSON with text": 2, "JSON": 2})
    assert confirm.description.startswith(
        'Auth: OAuth 2.0 "PSUOAuth2Security". This app cannot set it up'
    )
    assert "authorization code flow (authorization URL https://authserver.example/" in (
        confirm.description
    )
    tpp = (
        'Its auth (OAuth 2.0 "TPPOAuth2Security") cannot be set here; the request\'s '
        "description says what it needs."
    )
    header = (
        "Its header parameter Authorization is left out: OpenAPI has the body's media type "
        "and the auth set Accept, Content-Type and Authorization."
    )
    folder = "Funds Confirmations / "
    assert list(imported.report) == [
        ReportLine(
            "(collection)",
            "The description names no host (Swagger 2.0 then means the host that serves it): "
            "set the host variable.",
        ),
        ReportLine(folder + "Create Funds Confirmation Consent", tpp),
        ReportLine(folder + "Create Funds Confirmation Consent", header),
        ReportLine(folder + "Delete Funds Confirmation Consent", tpp),
        ReportLine(folder + "Delete Funds Confirmation Consent", header),
        ReportLine(folder + "Get Funds Confirmation Consent", tpp),
        ReportLine(folder + "Get Funds Confirmation Consent", header),
        ReportLine(folder + "Create Funds Confirmation", tpp.replace("TPP", "PSU")),
        ReportLine(folder + "Create Funds Confirmation", header),
        RESPONSES,
    ]


@needs_corpus
def test_okta_server_variable_four_tags_basic_api_key_and_forms() -> None:
    imported = corpus(OKTA)
    assert imported.format == "OpenAPI 3.0.3"
    assert imported.root.defaults.variables == (
        Variable("baseUrl", "https://{{yourOktaDomain}}"),
        Variable("yourOktaDomain", "subdomain.okta.com"),
    )
    assert "Server variable yourOktaDomain: The domain of your org." in (imported.root.description)
    assert len(imported.requests()) == 44
    assert imported.folders() == ["Client", "CustomAS", "GlobalTokenRevocation", "OrgAS"]
    summary = counts(imported)
    assert summary["folders"] == Counter(
        {"CustomAS": 19, "OrgAS": 18, "Client": 6, "GlobalTokenRevocation": 1}
    )
    assert summary["methods"] == Counter(
        {"POST": 25, "GET": 13, "OPTIONS": 4, "PUT": 1, "DELETE": 1}
    )
    # 24 allow the 4 client-authentication schemes (basic first), 7 apiToken or oauth2,
    # 2 oauth2 only (nothing to set), 11 no security.
    assert summary["auth"] == Counter({"BASIC": 24, "API_KEY": 7, "INHERIT": 13})
    # 20 urlencoded forms, 5 JSON bodies, 19 without a body.
    assert summary["bodies"] == Counter({"FORM": 20, "JSON with text": 5, "JSON": 19})
    basic = AuthSpec(AuthKind.BASIC, (("username", "{{username}}"), ("password", "{{password}}")))
    key = AuthSpec(
        AuthKind.API_KEY,
        (("name", "Authorization"), ("value", "{{Authorization}}"), ("in", "header")),
    )
    assert request(imported, "List all client applications").auth == key
    assert request(imported, "/revoke", "OrgAS").auth == basic
    assert imported.environments == (
        Environment(
            "Okta OpenID Connect & OAuth 2.0",
            (
                Variable("username"),
                Variable("password", secret=True),
                Variable("Authorization", secret=True),
            ),
        ),
    )
    assert dict(imported.secrets) == {}
    org = [(r.method, r.url) for path, r in imported.requests() if path == "OrgAS"][:3]
    assert org == [
        ("GET", "/.well-known/openid-configuration"),
        (
            "GET",
            "/oauth2/v1/authorize?client_id&redirect_uri&response_type=code&scope&state",
        ),
        ("POST", "/oauth2/v1/authorize"),
    ]
    # RevokeRequestOrgAs: token (required, example <access_token_value>), token_type_hint
    # (optional, $ref to a schema whose example is access_token).
    revoke = request(imported, "/revoke", "OrgAS")
    assert revoke.body_mode is BodyMode.FORM
    assert revoke.form == (
        FormField("token", "<access_token_value>"),
        FormField("token_type_hint", "access_token", enabled=False),
    )
    userinfo = request(imported, "/userinfo", "OrgAS")
    assert userinfo.auth == INHERIT
    assert 'Auth: OAuth 2.0 "oauth2". This app cannot set it up' in userinfo.description
    oauth = (
        'Its auth (OAuth 2.0 "oauth2") cannot be set here; the request\'s description says '
        "what it needs."
    )
    assert list(imported.report) == [
        ReportLine("OrgAS / /userinfo", oauth),
        ReportLine("CustomAS / /userinfo", oauth),
        RESPONSES,
    ]


@needs_corpus
def test_paystack_global_bearer_27_tags_and_example_bodies() -> None:
    imported = corpus(PAYSTACK)
    assert imported.format == "OpenAPI 3.0.1"
    assert imported.root.defaults.variables == (Variable("baseUrl", "https://api.paystack.co"),)
    assert imported.root.defaults.auth == AuthSpec(AuthKind.BEARER, (("token", "{{token}}"),))
    assert imported.environments == (Environment("Paystack", (Variable("token", secret=True),)),)
    assert dict(imported.secrets) == {}
    summary = counts(imported)
    assert len(imported.requests()) == 163
    assert summary["methods"] == Counter({"GET": 78, "POST": 60, "PUT": 18, "DELETE": 7})
    assert summary["folders"] == Counter(
        {
            "Transaction": 9, "Charge": 7, "Bulk Charge": 6, "Subaccount": 4, "Split": 6,
            "Terminal": 8, "Virtual Terminal": 9, "Customer": 12, "Direct Debit": 2,
            "Dedicated Virtual Account": 9, "Apple Pay": 3, "Plan": 4, "Subscription": 7,
            "Transfer Recipient": 6, "Transfer": 11, "Balance": 2, "Payment Request": 9,
            "Product": 5, "Storefront": 11, "Order": 5, "Page": 6, "Settlement": 2,
            "Integration": 2, "Refund": 4, "Dispute": 8, "Bank": 3, "Miscellaneous": 3,
        }
    )  # fmt: skip
    assert imported.folders()[:3] == ["Transaction", "Charge", "Bulk Charge"]  # tags' order
    assert summary["auth"] == Counter({"INHERIT": 163})  # none overrides the global bearer
    # 72 request bodies (68 JSON or urlencoded, 4 JSON only): JSON wins each time.
    assert summary["bodies"] == Counter({"JSON with text": 72, "JSON": 91})
    first = imported.requests()[0][1]
    assert (first.method, first.url, first.name) == (
        "POST",
        "/transaction/initialize",
        "Initialize Transaction",
    )
    assert first.description.endswith(
        "Body: application/json is set; it also accepts application/x-www-form-urlencoded."
    )
    # ChargeSubmitPin's own example; TransactionPartialDebit's (amount stays an integer).
    assert request(imported, "Submit PIN").body == (
        '{\n  "pin": "1234",\n  "reference": "5bwib5v6anhe9xa"\n}'
    )
    assert json.loads(request(imported, "Partial Debit").body) == {
        "email": "tap@email.com",
        "amount": 40510,
        "authorization_code": "AUTH_df1l5ehnym",
        "currency": "ZAR",
    }
    batch = request(imported, "Fetch Bulk Charge Batch")  # path-level parameter's example
    assert (batch.url, batch.variables) == (
        "/bulkcharge/{{code}}",
        (Variable("code", "BCH_180tl7oq7cayggh"),),
    )
    listing = request(imported, "List Bulk Charge Batches")
    assert (listing.url, listing.params) == (
        "/bulkcharge",
        (
            KeyValue("perPage", "", False),
            KeyValue("page", "", False),
            KeyValue("status", "active", False),  # the first of its enum
        ),
    )
    assert list(imported.report) == [RESPONSES]


@needs_corpus
def test_realworld_31_api_key_on_twelve_operations() -> None:
    imported = corpus(REALWORLD)
    assert imported.format == "OpenAPI 3.1.0"
    assert imported.root.defaults.variables == (
        Variable("baseUrl", "https://api.realworld.show/api"),
    )
    assert imported.root.defaults.auth == INHERIT
    summary = counts(imported)
    assert len(imported.requests()) == 19
    assert imported.folders() == [
        "Articles", "Comments", "Favorites", "Profile", "Tags", "User and Authentication",
    ]  # fmt: skip
    assert summary["folders"] == Counter(
        {"Articles": 6, "User and Authentication": 4, "Comments": 3, "Profile": 3,
         "Favorites": 2, "Tags": 1}
    )  # fmt: skip
    assert summary["methods"] == Counter({"GET": 7, "POST": 6, "DELETE": 4, "PUT": 2})
    assert summary["auth"] == Counter({"API_KEY": 12, "INHERIT": 7})
    assert summary["bodies"] == Counter({"JSON with text": 6, "JSON": 13})
    token = AuthSpec(
        AuthKind.API_KEY,
        (("name", "Authorization"), ("value", "{{Authorization}}"), ("in", "header")),
    )
    assert request(imported, "Get current user").auth == token
    assert request(imported, "Get an article").auth == INHERIT
    assert imported.environments == (
        Environment("RealWorld Conduit API", (Variable("Authorization", secret=True),)),
    )
    login = request(imported, "Existing user login")  # requestBodies/LoginUserRequest
    assert (login.method, login.url) == ("POST", "/users/login")
    assert json.loads(login.body) == {"user": {"email": "string", "password": "string"}}
    register = request(imported, "CreateUser")  # no summary: the operationId
    assert json.loads(register.body) == {
        "user": {"username": "string", "email": "string", "password": "string"}
    }
    articles = request(imported, "Get recent articles globally")
    assert articles.url == "/articles"
    assert articles.params == (
        KeyValue("tag", "", False),
        KeyValue("author", "", False),
        KeyValue("favorited", "", False),
        KeyValue("offset", "", False),
        KeyValue("limit", "20", False),  # components/parameters/limitParam's default
    )
    comment = request(imported, "Delete a comment for an article")
    assert comment.url == "/articles/{{slug}}/comments/{{id}}"
    assert comment.variables == (Variable("slug", ""), Variable("id", ""))
    assert list(imported.report) == [RESPONSES]


@needs_corpus
def test_sniff_knows_descriptions_and_no_other_corpus_file() -> None:
    for path in sorted(CORPUS.glob("*/*")):
        if path.suffix == ".md":
            continue
        assert openapi.sniff(path.read_bytes(), path.name) is (path.parent == OPENAPI), path


@pytest.mark.parametrize(
    ("data", "mine"),
    [
        (b"openapi: 3.1.0\ninfo: {}\n", True),
        (b"---\nswagger: '2.0'\n", True),
        (b"'openapi': 3.0.0\n", True),
        (b'{\n  "info": {},\n  "swagger": "2.0"\n}', True),
        (b'{"openapi":"3.0.3"}', True),
        (b"openapi: 2.0\n", False),
        (b"info:\n  openapi: 3.0.0\n", False),  # not at the top
        (b'{"contents": "openapi: 3.0.1\\npaths: {}"}', False),  # a description inside text
        (b"", False),
    ],
)
def test_sniff(data: bytes, mine: bool) -> None:
    assert openapi.sniff(data, "x") is mine


# --------------------------------------------------------------------------- servers


def test_several_servers_become_environments_with_their_variables() -> None:
    imported = from_text(
        """
openapi: 3.0.3
info: {title: Payments}
servers:
  - url: https://{region}.api.example.com/{version}
    description: Production
    variables:
      region: {default: eu, enum: [eu, us], description: Where your account lives.}
      version: {default: v2}
  - url: https://sandbox.example.com/v2
security: [{basic: []}]
components:
  securitySchemes:
    basic: {type: http, scheme: basic}
paths:
  /payments:
    get: {operationId: list}
"""
    )
    assert imported.root.defaults.base_url == "{{baseUrl}}"
    assert imported.root.defaults.variables == ()  # would win over the environments
    credentials = (Variable("username"), Variable("password", secret=True))
    assert imported.environments == (
        Environment(
            "Production",
            (
                Variable("baseUrl", "https://{{region}}.api.example.com/{{version}}"),
                Variable("region", "eu"),
                Variable("version", "v2"),
                *credentials,
            ),
        ),
        Environment(
            "sandbox.example.com",
            (Variable("baseUrl", "https://sandbox.example.com/v2"), *credentials),
        ),
    )
    assert "Server variable region: one of eu, us. Where your account lives." in (
        imported.root.description
    )
    assert imported.root.defaults.auth == AuthSpec(
        AuthKind.BASIC, (("username", "{{username}}"), ("password", "{{password}}"))
    )


def test_no_server_and_a_relative_server_are_reported() -> None:
    bare = from_text("openapi: 3.0.0\npaths: {/a: {get: {}}}\n")
    assert bare.root.defaults.variables == (Variable("baseUrl", ""),)
    assert (
        ReportLine(
            "(collection)",
            "The description names no server: set the baseUrl variable to the API's address.",
        )
        in bare.report
    )
    assert request(bare, "GET /a").url == "/a"
    relative = from_text("openapi: 3.1.0\nservers: [{url: /v1}]\npaths: {/a: {get: {}}}\n")
    assert relative.root.defaults.variables == (Variable("baseUrl", "/v1"),)
    assert any('"/v1" is relative' in line.what for line in relative.report)


def test_an_operation_with_its_own_server_gets_an_absolute_url() -> None:
    imported = from_text(
        """
openapi: 3.0.0
servers: [{url: https://api.example.com}]
paths:
  /upload:
    servers: [{url: "https://{bucket}.files.example.com", variables: {bucket: {default: b1}}}]
    put: {summary: Upload}
"""
    )
    upload = request(imported, "Upload")
    assert upload.url == "https://{{bucket}}.files.example.com/upload"
    assert upload.variables == (Variable("bucket", "b1"),)


def test_swagger_host_schemes_and_base_path() -> None:
    imported = from_text(
        '{"swagger": "2.0", "host": "api.example.com:8443", "basePath": "/v1",'
        ' "schemes": ["http", "https"], "paths": {"/a": {"get": {}}}}',
        "api.json",
    )
    assert imported.root.defaults.variables == (
        Variable("baseUrl", "https://api.example.com:8443/v1"),
    )
    assert "Schemes: http, https; the base URL uses https." in imported.root.description
    assert list(imported.report) == []


# --------------------------------------------------------------------------- parameters


def test_parameters_required_enabled_optional_disabled_and_in_the_url() -> None:
    imported = from_text(
        """
openapi: 3.0.0
paths:
  /items/{itemId}/parts/{part}:
    parameters:
      - {name: itemId, in: path, required: true, schema: {type: integer, example: 42}}
      - {name: X-Trace, in: header, schema: {type: string}}
    get:
      summary: Parts
      parameters:
        - {name: part, in: path, required: true, schema: {type: string, default: wheel}}
        - {name: limit, in: query, required: true, schema: {type: integer, default: 20}}
        - {name: q, in: query, required: true, example: "a b&c"}
        - name: ids
          in: query
          required: true
          schema: {type: array, items: {type: integer}}
          example: [1, 2]
        - {name: pipes, in: query, style: pipeDelimited, example: [x, y]}
        - {name: filter, in: query, style: deepObject, required: true, example: {state: open}}
        - {name: X-Trace, in: header, required: true, example: abc}
        - {name: Accept, in: header, example: text/csv}
        - {name: session, in: cookie, required: true, example: s1}
        - {name: theme, in: cookie, example: dark}
"""
    )
    parts = request(imported, "Parts")
    assert parts.url == (
        "/items/{{itemId}}/parts/{{part}}?limit=20&q=a%20b%26c&ids=1&ids=2&filter[state]=open"
    )
    assert parts.variables == (Variable("itemId", "42"), Variable("part", "wheel"))
    assert parts.params == (
        KeyValue("limit", "20"),
        KeyValue("q", "a%20b%26c"),
        KeyValue("ids", "1"),
        KeyValue("ids", "2"),
        KeyValue("pipes", "x%7Cy", enabled=False),
        KeyValue("filter[state]", "open"),
    )
    assert parts.headers == (  # the operation's X-Trace replaces the path's
        KeyValue("X-Trace", "abc"),
        KeyValue("Cookie", "session=s1"),
        KeyValue("Cookie", "theme=dark", enabled=False),
    )
    assert (
        ReportLine(
            "Parts",
            "Its header parameter Accept is left out: OpenAPI has the body's media type and the "
            "auth set Accept, Content-Type and Authorization.",
        )
        in imported.report
    )
    assert "- ids (query, required, array)" in parts.description


def test_a_path_parameter_named_twice_is_one_variable() -> None:
    imported = from_text('{"openapi": "3.0.0", "paths": {"/a/{id}/b/{id}": {"get": {}}}}')
    assert request(imported, "GET /a/{id}/b/{id}").variables == (Variable("id", ""),)


def test_swagger_parameters_collection_formats_and_x_example() -> None:
    imported = from_text(
        """
swagger: "2.0"
host: h
paths:
  /s:
    get:
      operationId: s
      parameters:
        - name: tags
          in: query
          required: true
          type: array
          items: {type: string}
          collectionFormat: multi
          x-example: [a, b]
        - name: ids
          in: query
          required: true
          type: array
          items: {type: integer}
          x-example: [1, 2]
        - {name: n, in: query, type: integer, default: 5}
"""
    )
    found = request(imported, "s")
    assert found.url == "/s?tags=a&tags=b&ids=1,2"  # multi repeats, csv (the default) joins
    assert found.params[-1] == KeyValue("n", "5", enabled=False)


# --------------------------------------------------------------------------- bodies


def test_body_kinds_form_multipart_file_raw_and_vendor_json() -> None:
    imported = from_text(
        """
openapi: 3.1.0
paths:
  /form:
    post:
      summary: Form
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [grant_type]
              properties:
                grant_type: {type: string, enum: [client_credentials]}
                scope: {type: array, items: {type: string, example: read}}
  /upload:
    post:
      summary: Upload
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                file: {type: string, format: binary}
                meta: {type: object, properties: {size: {type: integer}}}
            encoding:
              file: {contentType: image/png}
  /raw:
    put:
      summary: Raw
      requestBody:
        content:
          application/octet-stream: {}
  /xml:
    post:
      summary: Xml
      requestBody:
        content:
          application/xml: {schema: {type: object}}
  /text:
    post:
      summary: Text
      requestBody:
        content:
          text/plain: {example: hello}
  /patch:
    patch:
      summary: Merge
      requestBody:
        content:
          application/merge-patch+json:
            examples:
              first: {value: {a: 1.50}}
              second: {value: {a: 2}}
"""
    )
    form = request(imported, "Form")
    assert (form.body_mode, form.form) == (
        BodyMode.FORM,
        (FormField("grant_type", "client_credentials"), FormField("scope", "read", enabled=False)),
    )
    upload = request(imported, "Upload")
    assert (upload.body_mode, upload.form) == (
        BodyMode.MULTIPART,
        (
            FormField("file", "", file=True, content_type="image/png"),
            FormField("meta", '{"size":0}', enabled=False),
        ),
    )
    raw = request(imported, "Raw")
    assert (raw.body_mode, raw.body, raw.headers) == (
        BodyMode.FILE,
        "",
        (KeyValue("Content-Type", "application/octet-stream"),),
    )
    xml = request(imported, "Xml")
    assert (xml.body_mode, xml.body) == (BodyMode.RAW, "")
    assert ReportLine(
        "Xml", "Its application/xml body has no example; the body is left empty."
    ) in (imported.report)
    text = request(imported, "Text")
    assert (text.body_mode, text.body, text.headers) == (
        BodyMode.RAW,
        "hello",
        (KeyValue("Content-Type", "text/plain"),),
    )
    merge = request(imported, "Merge")
    assert merge.body == '{\n  "a": 1.50\n}'  # the first example, its decimal exact
    assert merge.headers == (KeyValue("Content-Type", "application/merge-patch+json"),)
    assert "Examples in the description: first (used), second." in merge.description


def test_swagger_form_data_with_a_file_is_multipart() -> None:
    imported = from_text(
        """
swagger: "2.0"
host: h
paths:
  /pets/{id}/photo:
    post:
      summary: Photo
      consumes: [multipart/form-data]
      parameters:
        - {name: id, in: path, required: true, type: integer}
        - {name: file, in: formData, type: file, required: true}
        - {name: caption, in: formData, type: string, x-example: My cat}
"""
    )
    photo = request(imported, "Photo")
    assert photo.body_mode is BodyMode.MULTIPART
    assert photo.form == (
        FormField("file", "", file=True),
        FormField("caption", "My cat", enabled=False),
    )
    assert photo.variables == (Variable("id", ""),)


def test_json_body_examples_from_schemas() -> None:
    imported = from_text(
        """
openapi: 3.0.0
paths:
  /payments:
    post:
      summary: Pay
      requestBody:
        $ref: '#/components/requestBodies/Payment'
components:
  requestBodies:
    Payment:
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Payment'}
  schemas:
    Money:
      type: object
      properties:
        amount: {type: string, format: decimal}
        currency: {type: string, example: EUR}
    Payment:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          properties:
            price: {$ref: '#/components/schemas/Money'}
            when: {type: string, format: date-time}
            parent: {$ref: '#/components/schemas/Payment'}
            kind: {oneOf: [{type: integer, minimum: 3}, {type: string}]}
    Base:
      type: object
      properties:
        id: {type: integer, readOnly: true}
        note: {type: string, maxLength: 3}
"""
    )
    assert json.loads(request(imported, "Pay").body) == {
        "note": "str",
        "price": {"amount": "10.00", "currency": "EUR"},
        "when": "2024-01-01T00:00:00Z",
        "kind": 3,
    }  # id is read-only; the parent Payment inside a Payment is cut


# --------------------------------------------------------------------------- security


def test_security_per_operation_and_unsupported_schemes() -> None:
    imported = from_text(
        """
openapi: 3.0.0
info: {title: Shop}
servers: [{url: https://shop.example.com}]
security: [{bearer: []}]
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    key: {type: apiKey, in: query, name: api_key}
    oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: https://a/token, scopes: {}}}}
    cookie: {type: apiKey, in: cookie, name: sid}
paths:
  /public:
    get: {summary: Public, security: []}
  /keyed:
    get:
      summary: Keyed
      security: [{key: []}]
      parameters: [{name: api_key, in: query, required: true, example: abc}]
  /oauth:
    get: {summary: OAuth, security: [{oauth: [read]}]}
  /either:
    get: {summary: Either, security: [{cookie: []}, {key: []}]}
  /both:
    get: {summary: Both, security: [{key: [], bearer: []}]}
  /default:
    get: {summary: Default}
"""
    )
    auth = {r.name: r.auth for _, r in imported.requests()}
    key = AuthSpec(
        AuthKind.API_KEY, (("name", "api_key"), ("value", "{{api_key}}"), ("in", "query"))
    )
    assert auth == {
        "Public": AuthSpec(AuthKind.NONE),
        "Keyed": key,
        "OAuth": AuthSpec(AuthKind.NONE),  # the collection's bearer would be wrong
        "Either": key,
        "Both": AuthSpec(AuthKind.NONE),
        "Default": INHERIT,
    }
    assert request(imported, "Keyed").params == ()  # the API key is the auth's to add
    assert request(imported, "Keyed").url == "/keyed"
    oauth = request(imported, "OAuth")
    assert oauth.description.startswith('Auth: OAuth 2.0 "oauth". This app cannot set it up')
    assert "client credentials flow (token URL https://a/token). Scopes: read." in (
        oauth.description
    )
    assert request(imported, "Either").description.startswith(
        'Auth: API key "key" is set; it also accepts API key "cookie".'
    )
    assert [line for line in imported.report if line.where != "(collection)"] == [
        ReportLine(
            "OAuth",
            'Its auth (OAuth 2.0 "oauth") cannot be set here; the request\'s description says '
            "what it needs.",
        ),
        ReportLine(
            "Both",
            'Its auth (API key "key" together with HTTP bearer "bearer") cannot be set here; '
            "the request's description says what it needs.",
        ),
    ]
    assert imported.environments == (
        Environment("Shop", (Variable("token", secret=True), Variable("api_key", secret=True))),
    )


def test_document_security_that_cannot_be_set_is_reported_once() -> None:
    imported = from_text(
        """
openapi: 3.0.0
security: [{oidc: []}]
components:
  securitySchemes:
    oidc: {type: openIdConnect, openIdConnectUrl: https://id.example.com/.well-known}
paths:
  /a: {get: {summary: A}}
  /b: {get: {summary: B}}
"""
    )
    assert imported.root.defaults.auth == INHERIT
    assert {r.auth for _, r in imported.requests()} == {INHERIT}
    assert (
        ReportLine(
            "(collection)",
            'The auth every operation needs (OpenID Connect "oidc") cannot be set here: get a '
            "token or key elsewhere and choose Bearer token or API key auth for the collection.",
        )
        in imported.report
    )
    assert '"oidc": discovery at https://id.example.com/.well-known.' in (imported.root.description)
    assert [line.where for line in imported.report].count("A") == 0


def test_literal_credentials_go_to_the_secret_store() -> None:
    imported = from_text(
        """
openapi: 3.0.0
info: {title: Vault}
servers:
  - url: https://{host}/v1
    variables:
      host: {default: vault.example.com}
      apiToken: {default: s3cr3t-t0ken}
paths:
  /secrets:
    get:
      summary: Read
      parameters:
        - {name: X-Api-Key, in: header, required: true, example: k-123}
        - {name: X-Other, in: header, required: true, example: plain}
        - {name: token, in: header, example: "{{token}}"}
        - {name: pageToken, in: query, required: true, example: p2}
"""
    )
    read = request(imported, "Read")
    assert read.headers == (
        KeyValue("X-Api-Key", "{{X-Api-Key}}"),
        KeyValue("X-Other", "plain"),
        KeyValue("token", "{{token}}", enabled=False),  # already a variable: as it was
    )
    assert read.params == (KeyValue("pageToken", "p2"),)  # a page token is no credential
    assert imported.root.defaults.variables == (
        Variable("baseUrl", "https://{{host}}/v1"),
        Variable("host", "vault.example.com"),
    )
    assert imported.environments == (
        Environment(
            "Vault", (Variable("apiToken", secret=True), Variable("X-Api-Key", secret=True))
        ),
    )
    assert dict(imported.secrets) == {
        ("Vault", "apiToken"): "s3cr3t-t0ken",
        ("Vault", "X-Api-Key"): "k-123",
    }
    assert (
        ReportLine(
            "Read",
            'The value of the header "X-Api-Key" went into the secret variable {{X-Api-Key}}; '
            "the files keep only its name.",
        )
        in imported.report
    )
    text = repr(imported.root) + repr(imported.environments)
    assert "s3cr3t-t0ken" not in text and "k-123" not in text


# --------------------------------------------------------------------------- references


def test_external_missing_and_looping_references_are_reported() -> None:
    imported = from_text(
        """
openapi: 3.0.0
paths:
  /a:
    get:
      summary: A
      parameters:
        - $ref: 'common.yaml#/parameters/Page'
        - $ref: '#/components/parameters/Nope'
        - $ref: '#/components/parameters/Loop'
    post:
      summary: B
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Node'}
components:
  parameters:
    Loop: {$ref: '#/components/parameters/Loop2'}
    Loop2: {$ref: '#/components/parameters/Loop'}
  schemas:
    Node:
      type: object
      properties:
        name: {type: string}
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
"""
    )
    assert request(imported, "A").params == ()
    assert json.loads(request(imported, "B").body) == {"name": "string", "children": []}
    assert [line for line in imported.report if line.where == "A"] == [
        ReportLine(
            "A",
            'The reference "common.yaml#/parameters/Page" points into another file, which is '
            "not read: import a bundled (single-file) description to bring it in.",
        ),
        ReportLine(
            "A", 'The reference "#/components/parameters/Nope" names nothing in the description.'
        ),
        ReportLine(
            "A", 'The reference "#/components/parameters/Loop" leads back to itself; left out.'
        ),
    ]


def test_callbacks_links_webhooks_and_unknown_path_keys_are_reported() -> None:
    imported = from_text(
        """
openapi: 3.1.0
webhooks:
  newPet: {post: {summary: New pet}}
paths:
  /subscribe:
    query: {summary: a 3.2 QUERY operation}
    post:
      summary: Subscribe
      callbacks:
        onEvent: {'{$request.body#/url}': {post: {}}}
      responses:
        '201':
          description: ok
          links:
            GetSubscription: {operationId: get}
"""
    )
    assert [r.name for _, r in imported.requests()] == ["Subscribe"]
    assert list(imported.report) == [
        ReportLine(
            "(collection)",
            "The description names no server: set the baseUrl variable to the API's address.",
        ),
        ReportLine(
            "(collection)",
            'The path "/subscribe" has "query", which is not an operation this importer '
            "reads; left out.",
        ),
        ReportLine(
            "Subscribe",
            "Its callbacks (onEvent) are requests the API sends to you; they are not imported.",
        ),
        ReportLine("Subscribe", "Its responses' links (GetSubscription) are not imported."),
        ReportLine(
            "(collection)",
            "Its webhooks (newPet) are requests the API sends to you; they are not imported.",
        ),
        RESPONSES,
    ]


# --------------------------------------------------------------------------- reading


def test_yaml_merge_keys_exact_numbers_and_text_keys() -> None:
    imported = from_text(
        """
openapi: 3.0.0
x-common: &common {tags: [Things], deprecated: true}
paths:
  /t:
    post:
      <<: *common
      summary: Make
      requestBody:
        content:
          application/json:
            example: {price: 10.50, count: 0x10, 200: yes, when: 2024-01-01, none: ~}
"""
    )
    make = request(imported, "Make", "Things")
    assert make.description.startswith("Deprecated.")
    assert json.loads(make.body, parse_float=str) == {
        "price": "10.50",
        "count": 16,
        "200": True,
        "when": "2024-01-01",
        "none": None,
    }


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n" for p, n in zip("abcdefg", "bcdefgh", strict=True)
)
YAML_ERROR = '"api.yaml" is not valid YAML, line 2: '
BROKEN = [
    (BOMB, '"api.yaml", line 6: its aliases repeat more than 1,000,000 values (a YAML bomb?).'),
    (
        "openapi: 3.0.0\nx: &a [1, *a]\n",
        '"api.yaml", line 2: the alias "*a" is inside its own anchor.',
    ),
    ("openapi: 3.0.0\nx: *b\n", '"api.yaml", line 2: the alias "*b" names no anchor before it.'),
    (
        "openapi: 3.0.0\npaths: !!python/object:os.system {}\n",
        '"api.yaml", line 2: the YAML tag tag:yaml.org,2002:python/object:os.system is not one '
        "a description may use.",
    ),
    (
        "openapi: 3.0.0\n---\nopenapi: 3.0.0\n",
        '"api.yaml", line 2: it holds several YAML documents; a description is one.',
    ),
    (
        "openapi: 3.0.0\n? [a]\n: 1\n",
        '"api.yaml", line 2: a mapping key is a list or a mapping; keys must be text.',
    ),
    (
        "openapi: 3.0.0\nx: " + "[" * 2000 + "]" * 2000 + "\n",
        YAML_ERROR + "while increasing flow level, exceeded maximum nesting depth.",
    ),
    (
        "openapi: 3.0.0\n  bad: [\n",
        YAML_ERROR + "mapping values are not allowed in this context.",
    ),
    ("", '"api.yaml" is not an OpenAPI description: it is not a mapping.'),
    ("[" * 100_000, '"api.yaml" is nested too deeply to read.'),
    ("[1, 2]", '"api.yaml" is not an OpenAPI description: it is not a mapping.'),
    ("title: Not an API\n", '"api.yaml" is not an OpenAPI 3 or Swagger 2.0 description.'),
    (
        "swagger: '1.2'\n",
        '"api.yaml" is not an OpenAPI 3 or Swagger 2.0 description (its version is "1.2").',
    ),
    (
        '{"openapi": "3.0.0",}',
        '"api.yaml" is not valid JSON: Expecting property name enclosed in double quotes at '
        "line 1, column 21.",
    ),
]


@pytest.mark.parametrize(("text", "sentence"), BROKEN)
def test_broken_or_hostile_input_is_one_sentence(text: str, sentence: str) -> None:
    with pytest.raises(FormatError) as caught:
        from_text(text)
    assert str(caught.value) == sentence


def test_a_path_that_holds_no_operations_is_reported() -> None:
    imported = from_text('{"openapi": "3.0.0", "paths": {"/a": "nothing", "/b": {"get": 1}}}')
    assert imported.requests() == []
    assert [line for line in imported.report if "/" in line.what] == [
        ReportLine("(collection)", 'The path "/a" holds no operations; left out.'),
        ReportLine("(collection)", '"get /b" is not an operation; left out.'),
    ]


def test_bytes_that_are_not_text_and_oversized_input_are_refused() -> None:
    with pytest.raises(
        FormatError, match=r'^"api.json" is not UTF-8 text \(byte 11 cannot be decoded\)\.$'
    ):
        openapi.read(b'{"openapi":\xff"3.0.0"}', "api.json")
    with pytest.raises(FormatError, match=r"descriptions over 50 MB are not read\.$"):
        openapi.read(b" " * (openapi.MAX_BYTES + 1), "huge.yaml")
    utf16 = '{"openapi": "3.0.0", "paths": {"/é": {"get": {}}}}'.encode("utf-16")
    assert request(openapi.read(utf16, "api.json"), "GET /é").url == "/é"


def test_json_duplicate_keys_are_reported() -> None:
    imported = from_text('{"openapi": "3.0.0", "paths": {"/a": {"get": {}}, "/a": {"put": {}}}}')
    assert [r.method for _, r in imported.requests()] == ["PUT"]
    assert (
        ReportLine(
            "(collection)", 'The key "/a" appears twice in one object; the last value is used.'
        )
        in imported.report
    )


def test_progress_counts_operations() -> None:
    text = "openapi: 3.0.0\npaths:\n" + "".join(
        f"  /p{n}: {{get: {{}}, post: {{}}}}\n" for n in range(150)
    )
    seen: list[tuple[int, int]] = []
    openapi.read(text.encode(), "api.yaml", progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 300) and seen[-1] == (300, 300)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert 3 < len(seen) <= 102


def test_a_fault_in_the_importer_is_a_sentence_from_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Imported:
        raise KeyError("boom")

    monkeypatch.setattr(openapi, "read_strict", broken)
    with pytest.raises(FormatError, match="a fault in the OpenAPI importer \\(KeyError\\)"):
        openapi.read(b"openapi: 3.0.0", "api.yaml")


# --------------------------------------------------------------------------- examples


def never(ref: str) -> object:
    raise AssertionError(ref)


def test_schema_example_bounds_and_choices() -> None:
    assert example_from_schema({"type": "number", "format": "decimal"}, never) == JsonNumber(
        "10.00"
    )
    assert example_from_schema({"type": "integer", "minimum": 5, "maximum": 9}, never) == 5
    assert example_from_schema({"type": "integer", "exclusiveMaximum": -1}, never) == -2
    assert example_from_schema({"type": "number", "minimum": "0.5"}, never) == JsonNumber("0.5")
    assert example_from_schema({"type": ["null", "boolean"]}, never) is True
    assert example_from_schema({"enum": [None, "b"]}, never) == "b"
    assert example_from_schema({"type": "array", "minItems": 9, "items": {"const": 1}}, never) == [
        1,
        1,
        1,
    ]
    assert example_from_schema({"additionalProperties": {"type": "string"}}, never) == {
        "additionalProp1": "string"
    }
    assert example_from_schema({"type": "string", "minLength": 8}, never) == "stringxx"
    response = {
        "properties": {"secret": {"type": "string", "writeOnly": True}, "id": {"type": "integer"}}
    }
    assert example_from_schema(response, never, writing=False) == {"id": 0}


def test_schema_example_stays_small_for_huge_or_deep_schemas() -> None:
    wide = {"type": "object", "properties": {f"p{n}": {"type": "string"} for n in range(10_000)}}
    assert len(example_from_schema(wide, never)) < 2100  # type: ignore[arg-type]
    deep: dict[str, object] = {"type": "string"}
    for _ in range(100):
        deep = {"type": "object", "properties": {"a": deep}}
    value: Any = example_from_schema(deep, never)
    depth = 0
    while value:
        value, depth = value["a"], depth + 1
    assert depth == 12
    schemas = {"#/A": {"allOf": [{"$ref": "#/B"}]}, "#/B": {"oneOf": [{"$ref": "#/A"}]}}
    assert example_from_schema({"$ref": "#/A"}, schemas.get) == {}


# --------------------------------------------------------------------------- any bytes


def _answers(data: bytes) -> None:
    result = fuzzing.answer(lambda: openapi.read_strict(data, "fuzz.yaml"))
    if isinstance(result, Imported):
        for _, saved in result.requests():
            assert saved.name
        for folder in result.folders():
            assert folder


SEEDS = (
    [path.read_bytes() for path in (PETSTORE, EXPANDED, OBUK, OKTA, REALWORLD)]
    if OPENAPI.is_dir()
    else [b'{"openapi": "3.0.0", "paths": {"/a/{id}": {"get": {"tags": ["t"]}}}}']
)


@fuzzing.settings(200)
@given(st.binary(max_size=2048))
def test_any_bytes_give_a_collection_or_a_sentence(data: bytes) -> None:
    _answers(data)
    _answers(b"openapi: 3.0.0\npaths:\n  /a:\n" + data)
    _answers(b'{"swagger": "2.0", "paths": ' + data)


@fuzzing.settings(100)
@given(seed=st.sampled_from(SEEDS), **fuzzing.SPLICES)
def test_mutated_corpus_files_give_a_collection_or_a_sentence(
    seed: bytes, start: int, length: int, insert: bytes
) -> None:
    _answers(fuzzing.splice(seed, start, length, insert))


KEYWORDS = [
    "$ref", "type", "properties", "items", "allOf", "oneOf", "example", "examples", "enum",
    "default", "schema", "content", "application/json", "multipart/form-data", "in", "name",
    "required", "security", "servers", "url", "variables", "style", "explode", "value",
]  # fmt: skip
REFS = ["#/components/schemas/Profile", "#/components/parameters/limitParam", "#", "#/x", "x#/y"]
JSON_VALUES = fuzzing.json_values(
    extra=st.sampled_from(REFS + KEYWORDS),
    keys=st.sampled_from(KEYWORDS) | st.text(max_size=8),
    max_leaves=10,
)
STRUCT_SEED = yaml.safe_load(SEEDS[-1])


@settings(max_examples=200, deadline=None)
@given(where=st.sampled_from(fuzzing.places(STRUCT_SEED)), value=JSON_VALUES)
def test_any_value_anywhere_in_a_description_gives_a_collection_or_a_sentence(
    where: tuple[object, ...], value: object
) -> None:
    _answers(json.dumps(fuzzing.replaced(STRUCT_SEED, where, value)).encode())


def test_imported_tree_has_no_empty_names() -> None:
    imported = from_text(
        '{"openapi": "3.0.0", "paths": {"": {"get": {"summary": " ", "tags": [""]}}}}'
    )
    assert [(path, r.name) for path, r in imported.requests()] == [("", "GET")]
    assert isinstance(imported.root, ImportedFolder)

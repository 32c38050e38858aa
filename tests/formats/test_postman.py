"""The Postman importer: every corpus file against counts made by hand from the file, the
auth inheritance and secret rules, each body kind, and any bytes give a collection or one
sentence (Hypothesis)."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.collection import (
    AuthKind,
    AuthSpec,
    Defaults,
    ResponseExample,
    SavedRequest,
    Variable,
)
from app.core.request import BodyMode, FormField, KeyValue
from app.core.variables import effective_auth
from app.formats import FormatError, Imported, ImportedFolder, ReportLine, postman
from tests.formats import fuzzing

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "postman"
ADYEN = "adyen-checkout-v71.postman_collection.json"
BRUNO = "bruno-basic-auth-folder.postman_collection.json"
F5 = "f5-bigiq-rest-tools.postman_collection.json"
F5_ENVIRONMENT = "f5-bigiq-rest-tools.postman_environment.json"
CODEGEN = "postman-codegen-basic-collection.postman_collection.json"
REALWORLD = "realworld-conduit.postman_collection.json"
SABRE = "sabre-booking-management-v2023.10.postman_collection.json"
WISE = "wise-cards-api.postman_collection.json"
COLLECTIONS = (ADYEN, BRUNO, F5, CODEGEN, REALWORLD, SABRE, WISE)
SCHEMA_21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
SCHEMA_20 = "https://schema.getpostman.com/json/collection/v2.0.0/collection.json"


def load(name: str) -> Imported:
    return postman.read((CORPUS / name).read_bytes(), name)


def from_json(document: object, name: str = "test.postman_collection.json") -> Imported:
    return postman.read(json.dumps(document).encode(), name)


def collection(*items: object, **top: object) -> dict[str, object]:
    return {"info": {"name": "Test", "schema": SCHEMA_21}, "item": list(items), **top}


def methods(imported: Imported) -> Counter[str]:
    return Counter(r.method for _, r in imported.requests())


def own_auth(imported: Imported) -> Counter[AuthKind]:
    return Counter(r.auth.kind for _, r in imported.requests())


def body_modes(imported: Imported) -> Counter[BodyMode]:
    return Counter(r.body_mode for _, r in imported.requests())


def urls(imported: Imported) -> list[str]:
    return [r.url for _, r in imported.requests()]


def report_kinds(imported: Imported) -> Counter[str]:
    """Report lines sorted into what they are about."""
    kinds: Counter[str] = Counter()
    for line in imported.report:
        what = line.what
        if "not carried over: this app does not run scripts" in what:
            owner = "collection" if line.where == "(collection)" else "item"
            kinds[f"scripts of {owner}" if owner == "collection" else "scripts"] += 1
        elif "saved example" in what:
            kinds["examples"] += 1
        elif "dynamic variable" in what:
            kinds["dynamic variables"] += 1
        elif "marked as JSON but is not valid JSON" in what:
            kinds["invalid JSON body"] += 1
        elif what.startswith("The descriptions of"):
            kinds["row descriptions"] += 1
        else:
            kinds[what] += 1
    return kinds


def script_lines(*counted: tuple[str, int]) -> tuple[ReportLine, ...]:
    """The report lines of left-out test scripts: a (request, lines in its script) each."""
    return tuple(
        ReportLine(
            where,
            f"Its test script ({lines} lines) was not carried over: this app does not run scripts.",
        )
        for where, lines in counted
    )


def find(imported: Imported, path: str) -> SavedRequest:
    """The request at ``path`` ("Folder / Request", or its name at the top)."""
    return next(
        r
        for folder, r in imported.requests()
        if (f"{folder} / " if folder else "") + r.name == path
    )


def chains(imported: Imported) -> dict[str, tuple[SavedRequest, list[Defaults]]]:
    """Each request by its path, with the defaults it inherits (nearest first)."""
    found: dict[str, tuple[SavedRequest, list[Defaults]]] = {}

    def walk(folder: ImportedFolder, path: str, chain: list[Defaults]) -> None:
        for item in folder.items:
            if isinstance(item, ImportedFolder):
                walk(item, f"{path}{item.name} / ", [item.defaults, *chain])
            else:
                found[path + item.name] = (item, chain)

    walk(imported.root, "", [imported.root.defaults])
    return found


def all_text(imported: Imported) -> str:
    """Everything the tree holds, as written to files (secret values must not be in it)."""
    return repr((imported.root, imported.environments, imported.report))


# --- the corpus, counted by hand --------------------------------------------------------


def test_every_corpus_file_of_the_format_is_covered() -> None:
    assert sorted(p.name for p in CORPUS.glob("*.json")) == sorted((*COLLECTIONS, F5_ENVIRONMENT))


@pytest.mark.parametrize("name", [*COLLECTIONS, F5_ENVIRONMENT])
def test_sniff_knows_the_corpus_by_content_alone(name: str) -> None:
    assert postman.sniff((CORPUS / name).read_bytes(), "export.json")


def test_adyen_checkout_collection_apikey_variables_and_path_variables() -> None:
    imported = load(ADYEN)
    assert imported.format == "Postman collection v2.1"
    assert imported.root.name == "Adyen Checkout API (v71)"
    assert imported.root.description.startswith("Adyen Checkout API provides")  # {content}
    assert len(imported.requests()) == 59
    assert len(imported.folders()) == 35
    assert imported.folders()[:2] == ["Modifications", "Modifications / /cancels"]
    assert methods(imported) == {"POST": 54, "GET": 3, "DELETE": 1, "PATCH": 1}
    assert urls(imported)[:3] == [
        "{{baseUrl}}/cancels",
        "{{baseUrl}}/payments/{{paymentPspReference}}/amountUpdates",
        "{{baseUrl}}/payments/{{paymentPspReference}}/cancels",
    ]
    # Collection-level apikey; no folder or request auth.
    assert imported.root.defaults.auth == AuthSpec(
        AuthKind.API_KEY, (("name", "X-API-Key"), ("value", "{{X-API-Key}}"), ("in", "header"))
    )
    assert own_auth(imported) == {AuthKind.INHERIT: 59}
    assert imported.root.defaults.variables == (
        Variable("baseUrl", "https://checkout-test.adyen.com/v71"),
        Variable("X-API-Key", ""),
        Variable("YOUR_MERCHANT_ACCOUNT", ""),
    )
    assert imported.environments == () and dict(imported.secrets) == {}
    # raw + language json on all 59, 4 of them empty.
    assert body_modes(imported) == {BodyMode.JSON: 59}
    assert sum(1 for _, r in imported.requests() if r.body == "") == 4
    disabled_headers = sum(1 for _, r in imported.requests() for h in r.headers if not h.enabled)
    disabled_params = [p for _, r in imported.requests() for p in r.params if not p.enabled]
    assert disabled_headers == 53
    assert [p.name for p in disabled_params] == ["shopperReference", "merchantAccount"]
    # 11 requests use :pathVar segments with url.variable entries.
    with_path_variables = [r for _, r in imported.requests() if r.variables]
    assert len(with_path_variables) == 11
    assert with_path_variables[0].variables == (Variable("paymentPspReference", ""),)
    # Its query was only in url.query (raw had none): the enabled rows join the URL.
    stored = find(
        imported,
        "Recurring / /storedPaymentMethods/:storedPaymentMethodId / Delete a token "
        "for stored payment details",
    )
    assert stored.url == (
        "{{baseUrl}}/storedPaymentMethods/{{storedPaymentMethodId}}"
        "?shopperReference=shopperReference_example&merchantAccount=merchantAccount_example"
    )
    assert stored.params == (
        KeyValue("shopperReference", "shopperReference_example"),
        KeyValue("merchantAccount", "merchantAccount_example"),
    )
    # 51 examples in 50 requests, kept; {{$guid}} in 7 bodies, and the row descriptions.
    assert report_kinds(imported) == {"dynamic variables": 7, "row descriptions": 1}
    kept = [(r, e) for _, r in imported.requests() for e in r.examples]
    assert (len(kept), len({id(r) for r, _ in kept})) == (51, 50)
    assert all(100 <= e.status <= 599 and e.name for _, e in kept)
    assert (
        ReportLine(
            "(collection)",
            "The descriptions of 53 headers, 5 query parameters and 11 path variables (in 58 "
            "requests) were not carried over: rows have no description here.",
        )
        in imported.report
    )


def test_bruno_basic_auth_folder_inheritance_per_request() -> None:
    imported = load(BRUNO)
    assert imported.root.name == "Basic Auth"
    assert len(imported.requests()) == 8
    assert imported.folders() == ["Inherited Folder", "Own Auth folder", "No Auth"]
    assert methods(imported) == {"GET": 8}
    assert set(urls(imported)) == {"http://localhost:3000/health"}  # explicit port kept
    assert own_auth(imported) == {AuthKind.INHERIT: 4, AuthKind.BASIC: 4}
    assert body_modes(imported) == {BodyMode.JSON: 8}
    folders = {f.name: f for f in imported.root.items if isinstance(f, ImportedFolder)}
    assert folders["Inherited Folder"].defaults.auth.kind is AuthKind.INHERIT
    assert folders["Own Auth folder"].defaults.auth.kind is AuthKind.BASIC
    assert folders["No Auth"].defaults.auth.kind is AuthKind.NONE

    # Literal passwords go to the secret store; each request names its secret variable.
    environment = "Basic Auth"
    secrets = {name: value for (env, name), value in imported.secrets.items() if env == environment}
    assert secrets == {
        "password": "johnm",
        "Own_Auth_password": "johndoefolder",
        "Own_Auth_folder_password": "folder-pass",
        "Own_Auth_password_2": "leaf-pass",
        "Own_Auth_password_3": "leaf-pass2",
        "Own_Auth_password_4": "johndoe1",
    }
    assert imported.environments[0].name == environment
    assert imported.environments[0].variables == tuple(
        Variable(name, "", secret=True) for name in secrets
    )
    for password in secrets.values():
        assert password not in all_text(imported)

    def basic(user: str, variable: str) -> AuthSpec:
        return AuthSpec(AuthKind.BASIC, (("username", user), ("password", "{{" + variable + "}}")))

    # request path: (its own auth kind, the auth it is sent with)
    expected = {
        "Inherited Folder / Inherited": (AuthKind.INHERIT, basic("john", "password")),
        "Inherited Folder / Own Auth": (
            AuthKind.BASIC,
            basic("john-custom-folder", "Own_Auth_password"),
        ),
        "Own Auth folder / Inherited": (
            AuthKind.INHERIT,
            basic("Folder-user", "Own_Auth_folder_password"),
        ),
        "Own Auth folder / Own Auth": (AuthKind.BASIC, basic("folder-leaf", "Own_Auth_password_2")),
        "No Auth / Inherited": (AuthKind.INHERIT, AuthSpec(AuthKind.NONE)),
        "No Auth / Own Auth": (AuthKind.BASIC, basic("folder-leaf", "Own_Auth_password_3")),
        "Inherited": (AuthKind.INHERIT, basic("john", "password")),
        "Own Auth": (AuthKind.BASIC, basic("john-custom", "Own_Auth_password_4")),
    }
    found = chains(imported)
    assert list(found) == list(expected)
    for path, (kind, sent_with) in expected.items():
        request, chain = found[path]
        assert request.auth.kind is kind, path
        assert effective_auth(request, chain) == sent_with, path
    # Events with empty exec carry nothing: only the secrets are reported.
    assert imported.report == tuple(
        ReportLine(
            where,
            f"The Basic auth password was moved to the secret variable {{{{{variable}}}}} of "
            'environment "Basic Auth"; files keep only its name.',
        )
        for where, variable in (
            ("(collection)", "password"),
            ("Inherited Folder / Own Auth", "Own_Auth_password"),
            ("Own Auth folder", "Own_Auth_folder_password"),
            ("Own Auth folder / Own Auth", "Own_Auth_password_2"),
            ("No Auth / Own Auth", "Own_Auth_password_3"),
            ("Own Auth", "Own_Auth_password_4"),
        )
    )


def test_f5_big_iq_nested_folders_noauth_and_scripts() -> None:
    imported = load(F5)
    assert imported.root.name == "BIG-IQ REST Tools"
    assert len(imported.requests()) == 60
    assert len(imported.folders()) == 13
    assert "Development Requests Area - !Non-working! / Scratch / Deployments" in (
        imported.folders()
    )
    deepest = [r.name for folder, r in imported.requests() if folder.count(" / ") == 2]
    assert deepest == ["Create CLUSTERED Virtual Deployment without deploy"]
    assert methods(imported) == {"GET": 26, "POST": 23, "DELETE": 10, "PUT": 1}
    assert (
        urls(imported)[:3]
        == ["https://{{BIGIQ_Mgmt}}/mgmt/cm/adc-core/tasks/deploy-configuration"] * 3
    )
    assert "{{PoolMembersURI}}" in urls(imported)
    assert imported.root.defaults.auth.kind is AuthKind.INHERIT
    assert own_auth(imported) == {AuthKind.NONE: 60}
    assert all(
        KeyValue("X-F5-Auth-Token", "{{AuthToken}}") in r.headers for _, r in imported.requests()
    )
    # 12 without a body and 23 empty raw bodies; of the 25 others (Content-Type JSON),
    # 12 are JSON as typed and 1 once its {{variables}} are filled: JSON; 12 splice a
    # "{{DeviceReferenceJSON}}"-like line between members: raw, each reported.
    assert body_modes(imported) == {BodyMode.JSON: 48, BodyMode.RAW: 12}
    assert sum(1 for _, r in imported.requests() if r.body == "") == 35
    # The query with spaces and quotes stays as typed; params mirror it.
    search = next(r for _, r in imported.requests() if "name eq '*{{SearchPoolName}}*'" in r.url)
    assert search.params == (KeyValue("$filter", "name eq '*{{SearchPoolName}}*'"),)
    # 59 requests with a script, the collection's and one folder's; 12 raw-instead-of-JSON.
    assert report_kinds(imported) == {
        "scripts": 60,
        "scripts of collection": 1,
        "invalid JSON body": 12,
    }
    assert (
        ReportLine(
            "(collection)",
            "The collection's pre-request script (117 lines) and test script (5 lines) were not "
            "carried over: this app does not run scripts.",
        )
        in imported.report
    )
    assert imported.environments == ()


def test_f5_environment_keeps_the_secret_out_of_the_tree() -> None:
    imported = load(F5_ENVIRONMENT)
    assert imported.format == "Postman environment"
    assert imported.requests() == [] and imported.folders() == []
    (environment,) = imported.environments
    assert environment.name == "BIG-IQ Rest Tools"
    assert len(environment.variables) == 146
    assert all(v.enabled for v in environment.variables)
    assert [v.name for v in environment.variables][:5] == [
        "BeVerbose",
        "BIGIQ_Mgmt",
        "UserName",
        "Password",
        "AuthToken",
    ]
    assert environment.variables[1] == Variable("BIGIQ_Mgmt", "BIG-IQ-Mgmt-IP")
    assert environment.variables[3] == Variable("Password", "", secret=True)
    assert [v.name for v in environment.variables if v.secret] == ["Password"]
    assert sum(1 for v in environment.variables if v.value == "") == 139 + 1  # + Password
    # Secret-looking names that are not typed secret stay plain variables.
    passphrase = next(v for v in environment.variables if v.name == "ProfileServerSSLPassPhrase")
    assert passphrase == Variable("ProfileServerSSLPassPhrase", "")
    assert dict(imported.secrets) == {("BIG-IQ Rest Tools", "Password"): "P@ssw0rd"}
    assert "P@ssw0rd" not in all_text(imported)
    assert imported.report == (
        ReportLine(
            "(environment)",
            'The secret variable "Password" was moved to the secret store; files keep only '
            "its name.",
        ),
    )


def test_postman_codegen_basic_collection_bodies_headers_and_disabled_rows() -> None:
    imported = load(CODEGEN)
    assert imported.root.name == "Basic Collection"
    assert len(imported.requests()) == 14
    assert imported.folders() == []
    assert methods(imported) == {"GET": 4, "POST": 7, "PUT": 1, "PATCH": 1, "DELETE": 1}
    assert urls(imported)[:3] == ["https://postman-echo.com/headers"] * 3
    assert own_auth(imported) == {AuthKind.INHERIT: 14}
    assert imported.root.defaults.auth.kind is AuthKind.INHERIT
    expected_modes = {
        "Request Headers (With special Characters)": BodyMode.JSON,  # no body
        "Request Headers": BodyMode.JSON,
        "Request Headers with disabled headers": BodyMode.JSON,
        "GET Request with disabled query": BodyMode.JSON,
        "POST Raw Text": BodyMode.RAW,
        "POST json with raw": BodyMode.JSON,
        "POST graphql body(json) with raw": BodyMode.GRAPHQL,
        "POST javascript with raw": BodyMode.RAW,
        "POST text/xml with raw": BodyMode.RAW,
        "POST text/html with raw": BodyMode.RAW,
        "POST urlencoded data": BodyMode.FORM,
        "PUT Request": BodyMode.RAW,
        "PATCH Request": BodyMode.RAW,
        "DELETE Request": BodyMode.JSON,  # no body
    }
    assert {r.name: r.body_mode for _, r in imported.requests()} == expected_modes
    special = find(imported, "Request Headers (With special Characters)")
    assert special.headers == (
        KeyValue("my-sample-header", "Lorem ipsum dolor sit amet"),
        KeyValue("TEST", "@#$%^&*()"),
        KeyValue("more", ",./';[]}{\":?><|\\\\"),
    )
    disabled = find(imported, "Request Headers with disabled headers")
    assert disabled.headers[-1] == KeyValue("disabled header", "DISABLED", enabled=False)
    query = find(imported, "GET Request with disabled query")
    assert query.url == "https://postman-echo.com/get?test=123&anotherone=232"
    assert query.params == (
        KeyValue("test", "123"),
        KeyValue("anotherone", "232"),
        KeyValue("anotheroneone", "sdfsdf", enabled=False),
    )
    graphql = find(imported, "POST graphql body(json) with raw")
    assert graphql.body.startswith("{\n  findScenes(")
    assert graphql.graphql_variables == '{\n\t"variable_key": "variable_value"\n}'
    form = find(imported, "POST urlencoded data")
    assert [f.name for f in form.form] == ["1", "2", "'3'", '"4"', "Special", "more", "non-ascii"]
    assert form.form[-1] == FormField("non-ascii", "테스트")
    assert find(imported, "POST Raw Text").description.startswith("")
    assert sum(1 for _, r in imported.requests() if r.description) == 13
    # 12 request test events, 8 of them empty; the collection's events are empty.
    assert imported.report == script_lines(
        ("POST Raw Text", 16),
        ("PUT Request", 14),
        ("PATCH Request", 14),
        ("DELETE Request", 14),
    )


def test_realworld_conduit_scripts_and_hand_set_authorization() -> None:
    imported = load(REALWORLD)
    assert imported.root.name == "Conduit"
    assert imported.root.description
    assert len(imported.requests()) == 32
    assert imported.folders() == [
        "Auth",
        "Articles",
        "Articles, Favorite, Comments",
        "Profiles",
        "Tags",
    ]
    assert methods(imported) == {"GET": 18, "POST": 8, "DELETE": 4, "PUT": 2}
    assert urls(imported)[:3] == [
        "{{APIURL}}/users",
        "{{APIURL}}/users/login",
        "{{APIURL}}/users/login",
    ]
    assert own_auth(imported) == {AuthKind.INHERIT: 32}
    assert imported.root.defaults.auth.kind is AuthKind.INHERIT
    assert body_modes(imported) == {BodyMode.JSON: 32}
    token = KeyValue("Authorization", "Token {{token}}")
    assert sum(1 for _, r in imported.requests() if token in r.headers) == 22
    with_query = [r for _, r in imported.requests() if r.params]
    assert len(with_query) == 8
    assert with_query[0].url == "{{APIURL}}/articles?author=johnjacob"
    assert with_query[0].params == (KeyValue("author", "johnjacob"),)
    # 30 requests have test scripts; the folder's two events are empty.
    assert report_kinds(imported) == {"scripts": 30}
    [register] = script_lines(("Auth / Register", 13))  # 14 exec lines, the last one empty
    assert register in imported.report
    assert imported.environments == () and dict(imported.secrets) == {}


def test_sabre_large_collection_bearer_overrides_and_bodies() -> None:
    imported = load(SABRE)
    assert len(imported.requests()) == 451
    assert len(imported.folders()) == 95
    assert max(folder.count(" / ") + 1 for folder in imported.folders()) == 5
    assert (
        "ModifyBooking / NDC modifications flows / Modify identityDocuments / "
        "Modify identityDocuments (SFPD)"
    ) in imported.folders()
    assert methods(imported) == {"POST": 451}
    assert urls(imported)[:3] == [
        "{{soap_endpoint}}",
        "{{rest_endpoint}}/v2/auth/token",
        "{{rest_endpoint}}/v1/trip/orders/getBooking",
    ]
    assert imported.root.defaults.auth == AuthSpec(AuthKind.BEARER, (("token", "{{token}}"),))
    assert own_auth(imported) == {AuthKind.INHERIT: 417, AuthKind.NONE: 34}
    # raw everywhere: language json 1; no language with a JSON Content-Type: 304 JSON as
    # typed + 46 JSON once {{variables}} are filled = JSON 351. Raw: xml language 5,
    # urlencoded Content-Type 34, text/xml 60, and 1 JSON Content-Type that is not JSON.
    assert body_modes(imported) == {BodyMode.JSON: 351, BodyMode.RAW: 100}
    disabled = sum(1 for _, r in imported.requests() for h in r.headers if not h.enabled)
    assert disabled == 12
    assert report_kinds(imported) == {
        "scripts": 287 + 11,  # requests + folders with a script
        "scripts of collection": 1,
        "examples": 4,  # saved without a status: not kept
        "dynamic variables": 13,
        "invalid JSON body": 1,
    }
    assert imported.environments == () and dict(imported.secrets) == {}


def test_wise_cards_per_request_auth_and_empty_form_data_on_get() -> None:
    imported = load(WISE)
    assert imported.root.name == "Wise Cards API"
    assert imported.root.description
    assert len(imported.requests()) == 42
    assert len(imported.folders()) == 11
    assert imported.folders()[0] == "1. Authentication"
    assert imported.folders()[-1] == "11. Card Transaction Simulation"
    assert methods(imported) == {"GET": 17, "POST": 17, "PUT": 3, "PATCH": 3, "DELETE": 2}
    assert urls(imported)[:3] == [
        "{{host}}/oauth/token",
        "{{host}}/oauth/token",
        "{{host}}/v3/spend/address/validate",
    ]
    assert own_auth(imported) == {AuthKind.BEARER: 37, AuthKind.BASIC: 2, AuthKind.INHERIT: 3}
    tokens = find(imported, "1. Authentication / Generate tokens from authorization code")
    # Already {{variables}}: kept; Postman's editor-only settings are not reported.
    assert tokens.auth == AuthSpec(
        AuthKind.BASIC, (("username", "{{client-id}}"), ("password", "{{client-secret}}"))
    )
    assert tokens.body_mode is BodyMode.FORM
    assert tokens.form[0] == FormField("grant_type", "client_credentials")
    # 25 raw JSON + 10 without a body + 5 GETs with an empty form-data list (no body sent).
    assert body_modes(imported) == {BodyMode.JSON: 40, BodyMode.FORM: 2}
    disputes = find(imported, "8. Disputes / Get Disputes")
    assert disputes.url == "{{host}}/v3/spend/profiles/{{profile_id}}/disputes"
    assert disputes.params == (
        KeyValue("status", "CLOSED", enabled=False),
        KeyValue("transactionId", "476873", enabled=False),
    )
    assert dict(imported.secrets) == {} and imported.environments == ()
    assert imported.report == script_lines(
        ("1. Authentication / Generate tokens from authorization code", 13),
        ("1. Authentication / Refresh existing access token", 11),
        ("2. Card Issuance / Create a card order", 7),
        ("11. Card Transaction Simulation / Authorisation", 15),
        ("11. Card Transaction Simulation / Authorisation - ATM Withdrawal", 15),
    )


# --- the rules, on small collections -----------------------------------------------------


def request_item(name: str = "R", **request: object) -> dict[str, object]:
    return {"name": name, "request": {"method": "GET", "url": "https://x.test/", **request}}


def test_version_2_0_shapes_string_url_object_auth_and_text_headers() -> None:
    document = {
        "info": {"name": "Old", "schema": SCHEMA_20},
        "item": [
            {
                "name": "Login",
                "request": {
                    "url": "https://api.test/login?debug=1",
                    "method": "post",
                    "header": "Accept: application/json\n//X-Off: 1\n",
                    "auth": {"type": "basic", "basic": {"username": "u", "password": "{{pw}}"}},
                },
            },
            {"name": "", "request": "https://api.test/plain"},
        ],
    }
    imported = from_json(document)
    assert imported.format == "Postman collection v2.0"
    login, plain = (r for _, r in imported.requests())
    assert login.method == "POST"
    assert login.url == "https://api.test/login?debug=1"
    assert login.params == (KeyValue("debug", "1"),)
    assert login.headers == (KeyValue("Accept", "application/json"), KeyValue("X-Off", "1", False))
    assert login.auth == AuthSpec(AuthKind.BASIC, (("username", "u"), ("password", "{{pw}}")))
    assert plain.name == "Untitled request" and plain.method == "GET"
    assert plain.url == "https://api.test/plain"


def test_url_is_built_from_its_parts_when_raw_is_missing() -> None:
    url = {
        "protocol": "https",
        "host": ["api", "example", "com"],
        "port": "8443",
        "path": ["v1", ":id", {"type": "string", "value": "items"}],
        "query": [{"key": "a", "value": "1"}, {"key": "b", "value": "2", "disabled": True}],
        "variable": [{"key": "id", "value": "42"}],
    }
    imported = from_json(collection(request_item(url=url)))
    ((_, request),) = imported.requests()
    assert request.url == "https://api.example.com:8443/v1/{{id}}/items?a=1"
    assert request.params == (KeyValue("a", "1"), KeyValue("b", "2", enabled=False))
    assert request.variables == (Variable("id", "42"),)


def test_unsupported_auth_is_kept_as_text_its_secrets_moved_and_children_inherit() -> None:
    oauth2 = {
        "type": "oauth2",
        "oauth2": [
            {"key": "clientSecret", "value": "s3cr3t", "type": "string"},
            {"key": "clientId", "value": "my-client", "type": "string"},
            {"key": "accessTokenUrl", "value": "https://auth.test/token", "type": "string"},
        ],
    }
    digest = {"type": "digest", "digest": [{"key": "password", "value": "{{pw}}"}]}
    folder = {
        "name": "F",
        "auth": oauth2,
        "item": [request_item("Same", auth=oauth2), request_item("Other", auth=digest)],
    }
    imported = from_json(collection(folder, request_item("Top", auth=oauth2)))
    tree_folder = imported.root.items[0]
    assert isinstance(tree_folder, ImportedFolder)
    assert tree_folder.defaults.auth == AuthSpec(AuthKind.NONE)
    assert tree_folder.description == (
        'Postman auth "oauth2" (not supported here, so not applied):\n'
        "- clientSecret: {{clientSecret}}\n"
        "- clientId: my-client\n"
        "- accessTokenUrl: https://auth.test/token"
    )
    same, other, top = (r for _, r in imported.requests())
    assert same.auth.kind is AuthKind.INHERIT and same.description == ""  # as its folder
    assert other.auth == AuthSpec(AuthKind.NONE)
    assert other.description.endswith("- password: {{pw}}")
    assert top.auth == AuthSpec(AuthKind.NONE)  # nothing above it has oauth2
    assert "- clientSecret: {{clientSecret}}" in top.description  # the same value, reused
    assert dict(imported.secrets) == {("Test", "clientSecret"): "s3cr3t"}
    assert imported.environments[0].variables == (Variable("clientSecret", "", secret=True),)
    assert "s3cr3t" not in all_text(imported)
    assert [line.where for line in imported.report if "is not supported here" in line.what] == [
        "F",
        "F / Other",
        "Top",
    ]


def test_literal_bearer_api_key_and_authorization_header_become_secrets() -> None:
    imported = from_json(
        collection(
            request_item(
                "Bearer",
                auth={"type": "bearer", "bearer": [{"key": "token", "value": "abc"}]},
                header=[
                    {"key": "Authorization", "value": "Bearer xyz"},
                    {"key": "Proxy-Authorization", "value": "Basic b2xk", "disabled": True},
                ],
            ),
            request_item(
                "Key",
                auth={
                    "type": "apikey",
                    "apikey": [
                        {"key": "key", "value": "api_key"},
                        {"key": "value", "value": "k-123"},
                        {"key": "in", "value": "query"},
                    ],
                },
            ),
            request_item(
                "Again", auth={"type": "bearer", "bearer": [{"key": "token", "value": "abc"}]}
            ),
        )
    )
    bearer, key, again = (r for _, r in imported.requests())
    assert bearer.auth == AuthSpec(AuthKind.BEARER, (("token", "{{token}}"),))
    assert bearer.headers == (
        KeyValue("Authorization", "Bearer {{authorization}}"),
        KeyValue("Proxy-Authorization", "Basic {{proxy_authorization}}", enabled=False),
    )
    assert key.auth == AuthSpec(
        AuthKind.API_KEY, (("name", "api_key"), ("value", "{{api_key}}"), ("in", "query"))
    )
    assert again.auth == bearer.auth  # one secret per value
    assert dict(imported.secrets) == {
        ("Test", "token"): "abc",
        ("Test", "authorization"): "xyz",
        ("Test", "proxy_authorization"): "b2xk",
        ("Test", "api_key"): "k-123",
    }
    assert len([line for line in imported.report if "secret variable" in line.what]) == 5


def test_a_generated_secret_never_takes_a_name_the_collection_uses() -> None:
    imported = from_json(
        collection(
            {
                "name": "F",
                "variable": [{"key": "password", "value": "not the secret"}],
                "item": [
                    request_item(
                        "R",
                        auth={
                            "type": "basic",
                            "basic": [
                                {"key": "username", "value": "u"},
                                {"key": "password", "value": "p4ss"},
                            ],
                        },
                    )
                ],
            },
            request_item("S", url="https://x.test/{{R_password}}"),
        )
    )
    assert dict(imported.secrets) == {("Test", "R_password_2"): "p4ss"}


def test_secret_typed_collection_variables_go_to_the_environment() -> None:
    imported = from_json(
        collection(
            request_item(),
            variable=[
                {"key": "host", "value": "https://x.test"},
                {"key": "apiSecret", "value": "hunter2", "type": "secret"},
                {"key": "emptySecret", "value": "", "type": "secret"},
                {"key": "off", "value": "1", "disabled": True},
            ],
        )
    )
    assert imported.root.defaults.variables == (
        Variable("host", "https://x.test"),
        Variable("off", "1", enabled=False),
    )
    assert imported.environments[0].name == "Test"
    assert imported.environments[0].variables == (
        Variable("apiSecret", "", secret=True),
        Variable("emptySecret", "", secret=True),
    )
    assert dict(imported.secrets) == {("Test", "apiSecret"): "hunter2"}
    assert "hunter2" not in all_text(imported)


def test_every_body_kind() -> None:
    items = [
        request_item(
            "Multipart",
            method="POST",
            body={
                "mode": "formdata",
                "formdata": [
                    {"key": "text", "value": "v", "type": "text", "contentType": "text/plain"},
                    {"key": "off", "value": "x", "type": "text", "disabled": True},
                    {"key": "one", "src": "/tmp/a.png", "type": "file"},
                    {"key": "many", "src": ["a.txt", "b.txt"], "type": "file"},
                    {"key": "none", "src": None, "type": "file"},
                ],
            },
        ),
        request_item(
            "Urlencoded",
            method="POST",
            body={
                "mode": "urlencoded",
                "urlencoded": [{"key": "a", "value": "1", "disabled": True}],
            },
        ),
        request_item("File", method="PUT", body={"mode": "file", "file": {"src": "data.bin"}}),
        request_item(
            "GraphQL",
            method="POST",
            body={"mode": "graphql", "graphql": {"query": "{ me }", "variables": {"a": 1}}},
        ),
        request_item(
            "Json by content-type",
            method="POST",
            header=[{"key": "Content-Type", "value": "application/vnd.api+json"}],
            body={"mode": "raw", "raw": '"just a string"'},
        ),
        request_item(
            "Json by content", method="POST", body={"mode": "raw", "raw": '[1, {"a": {{n}}}]'}
        ),
        request_item(
            "Xml",
            method="POST",
            body={"mode": "raw", "raw": "{not json}", "options": {"raw": {"language": "xml"}}},
        ),
        request_item(
            "Declared but broken",
            method="POST",
            body={"mode": "raw", "raw": "{,}", "options": {"raw": {"language": "json"}}},
        ),
        request_item("Unknown", method="POST", body={"mode": "cloud"}),
    ]
    imported = from_json(collection(*items))
    found = {r.name: r for _, r in imported.requests()}
    multipart = found["Multipart"]
    assert multipart.body_mode is BodyMode.MULTIPART
    assert multipart.form == (
        FormField("text", "v", content_type="text/plain"),
        FormField("off", "x", enabled=False),
        FormField("one", "/tmp/a.png", file=True),
        FormField("many", "a.txt", file=True),
        FormField("many", "b.txt", file=True),
        FormField("none", "", file=True),
    )
    assert found["Urlencoded"].body_mode is BodyMode.FORM
    assert found["Urlencoded"].form == (FormField("a", "1", enabled=False),)
    assert (found["File"].body_mode, found["File"].body) == (BodyMode.FILE, "data.bin")
    graphql = found["GraphQL"]
    assert (graphql.body_mode, graphql.body, graphql.graphql_variables) == (
        BodyMode.GRAPHQL,
        "{ me }",
        '{"a":1}',
    )
    assert found["Json by content-type"].body_mode is BodyMode.JSON
    assert found["Json by content"].body_mode is BodyMode.JSON
    assert found["Xml"].body_mode is BodyMode.RAW
    assert found["Declared but broken"].body_mode is BodyMode.RAW
    assert found["Declared but broken"].body == "{,}"
    assert found["Unknown"].body == "" and found["Unknown"].body_mode is BodyMode.JSON
    report = {(line.where, line.what.split(":")[0].split(" (")[0]) for line in imported.report}
    assert report == {
        ("Multipart", 'Its form field "none" names no file; choose one in the Body tab.'),
        ("Declared but broken", "Its body is marked as JSON but is not valid JSON as typed"),
        ("Unknown", 'Its body of kind "cloud" was not carried over.'),
    }


def test_scripts_examples_settings_and_dynamic_variables_are_reported() -> None:
    item = request_item(
        "R",
        url="https://x.test/{{$guid}}?n={{$randomInt}}&x={{my var}}",
        method="PROPFIND",
        proxy={"host": "proxy.test"},
        body={"mode": "raw", "raw": "hello"},
    )
    item["event"] = [
        {"listen": "prerequest", "script": {"exec": ["a();", "b();", ""]}},
        {"listen": "test", "script": {"exec": "one\r\ntwo\r\nthree"}},
    ]
    item["response"] = [
        {},
        {
            "name": "Created",
            "code": 201,
            "header": [
                {"key": "Content-Type", "value": "application/json"},
                {"key": "Set-Cookie", "value": "session=s3cret"},
            ],
            "body": '{"id": 1.10}',
        },
    ]
    item["protocolProfileBehavior"] = {"followRedirects": False, "strictSSL": False}
    imported = from_json(collection({"name": "F", "item": [item]}))
    ((_, request),) = imported.requests()
    assert request.method == "GET"
    assert request.follow_redirects is False
    assert imported.root.defaults.follow_redirects is True  # Postman's default
    assert [line.what for line in imported.report] == [
        "Its method PROPFIND is not one this app sends (GET, POST, PUT, DELETE, PATCH, HEAD, "
        "OPTIONS); it was imported as GET.",
        "Postman leaves the body out of a GET request; this app sends it (clear the body to "
        "match).",
        "Its Postman setting strictSSL was not carried over.",
        "Its own proxy setting was not carried over: set it for the whole collection instead.",
        "Its pre-request script (2 lines) and test script (3 lines) were not carried over: "
        "this app does not run scripts.",
        'Its saved example "Example 1" has no status, so it was not kept.',
        "It uses Postman's dynamic variables {{$guid}} and {{$randomInt}}, which this app does "
        "not fill in: define them as variables or type their values.",
        "{{my var}} cannot be resolved here: variable names hold only letters, digits, _, . and -.",
    ]
    assert {line.where for line in imported.report} == {"F / R"}
    # The example with a status is kept, its body as written, the cookie left out.
    assert request.examples == (
        ResponseExample(
            "Created", 201, (KeyValue("Content-Type", "application/json"),), '{"id": 1.10}'
        ),
    )


def test_refusals_are_one_sentence() -> None:
    with pytest.raises(FormatError, match=r"^x\.json is not valid JSON: line 1, column 2"):
        postman.read(b"{,}", "x.json")
    with pytest.raises(FormatError, match="Postman collection v1"):
        postman.read(b'{"id": "1", "name": "old", "order": [], "requests": []}', "x.json")
    with pytest.raises(FormatError, match="not a Postman collection or environment"):
        postman.read(b'{"openapi": "3.0.0", "info": {"title": "t"}}', "x.json")
    with pytest.raises(FormatError, match="not a Postman collection or environment"):
        postman.read(b"[]", "x.json")
    with pytest.raises(FormatError, match="not UTF-8"):
        postman.read(b'{"info": "\xff"}', "x.json")
    with pytest.raises(FormatError, match=r"x\.json, F: item 1 is not an object"):
        from_json(collection({"name": "F", "item": [3]}), "x.json")
    with pytest.raises(FormatError, match="more than the 50 MB"):
        postman.read(b" " * (postman.MAX_BYTES + 1), "x.json")
    with pytest.raises(FormatError, match="nested too deeply"):
        postman.read(b"[" * 100_000 + b"]" * 100_000, "x.json")
    nested: dict[str, object] = {"name": "deep", "item": []}
    top = nested
    for _ in range(100):
        inner: dict[str, object] = {"name": "deep", "item": []}
        top["item"] = [inner]
        top = inner
    with pytest.raises(FormatError, match="nested more than"):
        from_json(collection(nested))


def test_sniff() -> None:
    assert postman.sniff(b"", "My API.postman_collection.json")
    assert postman.sniff(b"", "dev.postman_environment.json")
    assert not postman.sniff(b'{"openapi": "3.0.0", "info": {}}', "api.json")
    assert not postman.sniff(b'{"log": {"entries": []}}', "x.har")
    assert not postman.sniff(b"curl https://x.test", "cmd.sh")
    assert postman.sniff(json.dumps(collection()).encode(), "c.json")
    assert postman.sniff(b'{"name": "e", "values": [], "_postman_variable_scope": "globals"}', "g")


def test_globals_file_is_read_as_an_environment() -> None:
    imported = postman.read(
        b'{"name": "", "values": [{"key": "a", "value": 1, "enabled": false}],'
        b' "_postman_variable_scope": "globals"}',
        "workspace.postman_globals.json",
    )
    assert imported.format == "Postman globals"
    assert imported.environments[0].name == "Globals"
    assert imported.environments[0].variables == (Variable("a", "1", enabled=False),)


# --- any bytes: a collection or one sentence ---------------------------------------------

SMALL_CORPUS = [(CORPUS / name).read_bytes() for name in (BRUNO, CODEGEN, F5_ENVIRONMENT)]


def accepts_or_refuses(data: bytes) -> None:
    result = fuzzing.answer(lambda: postman.read(data, "fuzz.json"))
    if isinstance(result, str):
        assert "\n" not in result and "Traceback" not in result


@settings(max_examples=150, deadline=None, database=None)
@given(st.binary(max_size=2_000))
def test_any_bytes(data: bytes) -> None:
    accepts_or_refuses(data)


@settings(max_examples=150, deadline=None, database=None)
@given(
    st.sampled_from(SMALL_CORPUS),
    st.lists(st.tuples(st.integers(0, 10**6), st.binary(max_size=4)), max_size=6),
)
def test_corpus_files_with_bytes_changed(
    original: bytes, edits: Sequence[tuple[int, bytes]]
) -> None:
    data = bytearray(original)
    for position, replacement in edits:
        at = position % (len(data) + 1)
        data[at : at + len(replacement) // 2] = replacement
    accepts_or_refuses(bytes(data))


any_json = fuzzing.json_values(text_size=20, keys=st.text(max_size=10), max_size=4, max_leaves=12)
json_keys = st.sampled_from(
    [
        "item",
        "request",
        "url",
        "raw",
        "query",
        "variable",
        "header",
        "body",
        "mode",
        "auth",
        "type",
        "basic",
        "key",
        "value",
        "disabled",
        "event",
        "script",
        "exec",
        "formdata",
        "urlencoded",
        "graphql",
        "file",
        "src",
        "options",
        "description",
        "name",
        "method",
        "protocolProfileBehavior",
        "response",
        "info",
        "values",
        "host",
        "path",
    ]
)


@settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.sampled_from(SMALL_CORPUS), st.randoms(use_true_random=False), json_keys, any_json)
def test_corpus_files_with_a_node_replaced(
    original: bytes, rng: random.Random, key: str, value: object
) -> None:
    document = json.loads(original)
    nodes: list[object] = []
    stack: list[object] = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, (dict, list)):
            nodes.append(node)
            stack.extend(node.values() if isinstance(node, dict) else node)
    target = rng.choice(nodes)
    if isinstance(target, dict):
        target[key if rng.random() < 0.7 or not target else rng.choice(list(target))] = value
    elif isinstance(target, list):
        target.insert(rng.randrange(len(target) + 1), value)
    accepts_or_refuses(json.dumps(document).encode())

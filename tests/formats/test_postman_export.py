"""Postman v2.1 export: every corpus collection survives Postman -> here -> Postman -> here,
the JSON has the shape of a v2.1 collection, secrets leave as names only, and what Postman
has no place for (inherited headers, base URLs, Paysera MAC) is written the way it means."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.collection import AuthKind, AuthSpec, Defaults, Environment, SavedRequest, Variable
from app.core.request import BodyMode, FormField, KeyValue
from app.formats import Imported, ImportedFolder, postman
from app.formats.postman_export import SCHEMA_URL, to_postman, to_postman_environment

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "postman"
COLLECTIONS = sorted(p.name for p in CORPUS.glob("*.postman_collection.json"))
SCHEMA_21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"

_BODY_MODES = {"raw": str, "urlencoded": list, "formdata": list, "file": dict, "graphql": dict}
_AUTH_TYPES = {"noauth", "basic", "bearer", "apikey"}


def load(name: str) -> Imported:
    return postman.read((CORPUS / name).read_bytes(), name)


def again(text: str) -> Imported:
    return postman.read(text.encode("utf-8"), "exported.postman_collection.json")


# --- what a v2.1 reader expects, checked by hand --------------------------------------------


def check_rows(rows: object, *, file_rows: bool = False) -> None:
    assert isinstance(rows, list)
    for row in rows:
        assert isinstance(row, dict)
        assert isinstance(row["key"], str)
        if file_rows and row.get("type") == "file":
            assert isinstance(row["src"], str)
        else:
            assert isinstance(row["value"], str)
        assert row.get("disabled", True) is True  # written only when true
        assert row.get("type", "text") in ("text", "file", "string", "secret")


def check_auth(auth: object) -> None:
    assert isinstance(auth, dict)
    kind = auth["type"]
    assert kind in _AUTH_TYPES
    if kind != "noauth":
        assert set(auth) == {"type", kind}
        check_rows(auth[kind])


def check_url(url: object) -> None:
    assert isinstance(url, dict)
    assert set(url) <= {"raw", "protocol", "host", "port", "path", "query", "hash", "variable"}
    raw = url["raw"]
    assert isinstance(raw, str)
    # The parts say the same as raw: protocol://host:port/path?query#hash
    rebuilt = (url["protocol"] + "://") if "protocol" in url else ""
    if "host" in url:
        assert isinstance(url["host"], list) and all(isinstance(h, str) for h in url["host"])
        rebuilt += ".".join(url["host"])
    if "port" in url:
        rebuilt += ":" + url["port"]
    if "path" in url:
        assert all(isinstance(p, str) for p in url["path"])
        rebuilt += "/" + "/".join(url["path"])
    assert raw.split("?")[0].split("#")[0] == rebuilt
    if "query" in url:
        check_rows(url["query"])
        sent = [f"{q['key']}={q['value']}" for q in url["query"] if not q.get("disabled")]
        if "?" in raw:
            assert [part for part in raw.split("?", 1)[1].split("#")[0].split("&") if part]
            assert all(part.rstrip("=") in {s.rstrip("=") for s in sent} for part in sent)
    for variable in url.get("variable", []):
        assert isinstance(variable["key"], str) and isinstance(variable["value"], str)
        assert ":" + variable["key"] in url.get("path", [])


def check_body(body: object) -> None:
    assert isinstance(body, dict)
    mode = body["mode"]
    assert isinstance(body[mode], _BODY_MODES[mode])
    if mode in ("urlencoded", "formdata"):
        check_rows(body[mode], file_rows=True)
    if mode == "graphql":
        assert isinstance(body["graphql"]["query"], str)
        assert isinstance(body["graphql"]["variables"], str)
    if mode == "file":
        assert isinstance(body["file"]["src"], str)


def check_item(item: object) -> tuple[int, int]:
    """Checks an item; returns the (requests, folders) it holds, itself included."""
    assert isinstance(item, dict)
    assert isinstance(item["name"], str) and item["name"]
    if "item" in item:
        assert set(item) <= {"name", "description", "item", "auth", "variable"}
        if "auth" in item:
            check_auth(item["auth"])
        if "variable" in item:
            check_rows(item["variable"])
        assert isinstance(item["item"], list)
        requests, folders = 0, 1
        for inner in item["item"]:
            found = check_item(inner)
            requests, folders = requests + found[0], folders + found[1]
        return requests, folders
    assert set(item) <= {"name", "request", "response", "variable", "protocolProfileBehavior"}
    for example in item["response"]:  # saved examples, in Postman's own shape
        assert set(example) <= {"name", "code", "status", "header", "body"}
        assert isinstance(example["code"], int) and isinstance(example["body"], str)
        check_rows(example["header"])
    request = item["request"]
    assert set(request) <= {"method", "header", "body", "url", "auth", "description"}
    assert isinstance(request["method"], str)
    check_rows(request["header"])
    check_url(request["url"])
    if "body" in request:
        check_body(request["body"])
    if "auth" in request:
        check_auth(request["auth"])
    if "description" in request:
        assert isinstance(request["description"], str)
    for key, value in item.get("protocolProfileBehavior", {}).items():
        assert key in ("followRedirects", "disableBodyPruning") and isinstance(value, bool)
    return 1, 0


def check_collection(text: str) -> tuple[int, int]:
    """Checks a whole exported collection; returns its (requests, folders)."""
    document = json.loads(text)
    assert set(document) <= {"info", "item", "auth", "variable"}
    assert document["info"]["schema"] == SCHEMA_21 == SCHEMA_URL
    assert isinstance(document["info"]["name"], str) and document["info"]["name"]
    if "auth" in document:
        check_auth(document["auth"])
    if "variable" in document:
        check_rows(document["variable"])
    requests, folders = 0, 0
    for item in document["item"]:
        found = check_item(item)
        requests, folders = requests + found[0], folders + found[1]
    return requests, folders


# --- the corpus: Postman -> here -> Postman -> here --------------------------------------


@pytest.mark.parametrize("name", COLLECTIONS)
def test_corpus_round_trip_keeps_the_tree(name: str) -> None:
    first = load(name)
    text = to_postman(first.root, first.root.name, first.environments)
    second = again(text)
    # Requests (method, URL, params, headers, body, auth, variables, description), folders
    # (auth, variables, description), collection variables and auth, in order.
    assert second.root == first.root
    assert second.environments == first.environments  # secret names, no values
    assert dict(second.secrets) == {}
    assert check_collection(text) == (len(first.requests()), len(first.folders()))
    # Written again, the text is the same: nothing drifts.
    assert to_postman(second.root, second.root.name, second.environments) == text


def test_the_corpus_has_all_seven_collections() -> None:
    assert len(COLLECTIONS) == 7


def test_secrets_leave_as_names_only() -> None:
    imported = load("bruno-basic-auth-folder.postman_collection.json")
    text = to_postman(imported.root, imported.root.name, imported.environments)
    for value in imported.secrets.values():
        assert value not in text
    variables = json.loads(text)["variable"]
    assert variables == [
        {"key": name, "value": "", "type": "secret"}
        for name in (
            "password",
            "Own_Auth_password",
            "Own_Auth_folder_password",
            "Own_Auth_password_2",
            "Own_Auth_password_3",
            "Own_Auth_password_4",
        )
    ]
    assert json.loads(text)["auth"] == {
        "type": "basic",
        "basic": [
            {"key": "username", "value": "john", "type": "string"},
            {"key": "password", "value": "{{password}}", "type": "string"},
        ],
    }


def test_environment_export_leaves_the_secret_value_out() -> None:
    imported = load("f5-bigiq-rest-tools.postman_environment.json")
    (environment,) = imported.environments
    text = to_postman_environment(environment)
    assert "P@ssw0rd" not in text
    document = json.loads(text)
    assert document["_postman_variable_scope"] == "environment"
    assert document["values"][3] == {
        "key": "Password",
        "value": "",
        "type": "secret",
        "enabled": True,
    }
    back = postman.read(text.encode(), "BIG-IQ.postman_environment.json")
    assert back.environments == (environment,)
    assert dict(back.secrets) == {}


def test_a_folder_exported_alone_keeps_what_it_inherits() -> None:
    imported = load("bruno-basic-auth-folder.postman_collection.json")
    folder = imported.root.items[0]
    assert isinstance(folder, ImportedFolder) and folder.name == "Inherited Folder"
    text = to_postman(folder, folder.name, imported.environments, (imported.root.defaults,))
    assert check_collection(text) == (2, 0)
    alone = again(text)
    inherited, own = (r for _, r in alone.requests())
    assert alone.root.defaults.auth == AuthSpec(
        AuthKind.BASIC, (("username", "john"), ("password", "{{password}}"))
    )
    assert inherited.auth.kind is AuthKind.INHERIT
    assert own.auth.get("username") == "john-custom-folder"


# --- what Postman has no place for --------------------------------------------------------


def tree() -> ImportedFolder:
    """A collection that uses every part of the model Postman carries differently."""
    mac = AuthSpec(AuthKind.PAYSERA_MAC, (("mac_id", "{{mac_id}}"), ("mac_key", "{{mac_key}}")))
    requests = (
        SavedRequest(
            "Get payment",
            url="/payments/{{id}}?fields=*",
            params=(KeyValue("fields", "*"), KeyValue("limit", "5", enabled=False)),
            headers=(KeyValue("Accept", "text/plain"), KeyValue("X-Off", "1", enabled=False)),
            variables=(Variable("id", "42"), Variable("other", "x")),
            description="One payment.",
        ),
        SavedRequest(
            "Search with a body",
            url="https://search.test/find",
            body='{"q": "x"}',
            follow_redirects=True,
        ),
        SavedRequest(
            "Upload",
            method="POST",
            url="upload",
            body_mode=BodyMode.MULTIPART,
            form=(
                FormField("note", "hi", content_type="text/plain"),
                FormField("file", "files/a.png", file=True),
                FormField("skip", "1", enabled=False),
            ),
            auth=mac,
        ),
        SavedRequest(
            "Form",
            method="POST",
            url="form",
            body_mode=BodyMode.FORM,
            form=(FormField("a", "1"), FormField("b", "2", enabled=False)),
            auth=AuthSpec(AuthKind.NONE),
        ),
        SavedRequest("Binary", method="PUT", url="bin", body="data.bin", body_mode=BodyMode.FILE),
        SavedRequest(
            "Query",
            method="POST",
            url="graphql",
            body="{ me { id } }",
            body_mode=BodyMode.GRAPHQL,
            graphql_variables='{"a": 1}',
        ),
        SavedRequest(
            "Xml",
            method="POST",
            url="xml",
            headers=(KeyValue("Content-Type", "text/xml"),),
            body="<a/>",
            body_mode=BodyMode.RAW,
        ),
    )
    folder = ImportedFolder(
        "Payments",
        requests,
        Defaults(
            headers=(KeyValue("Accept", "application/json"), KeyValue("X-Folder", "f")),
            auth=AuthSpec(AuthKind.BEARER, (("token", "{{token}}"),)),
            variables=(Variable("folder_var", "1"),),
        ),
        "Money moves.",
    )
    other = ImportedFolder(
        "Elsewhere",
        (SavedRequest("Ping", url="/ping"),),
        Defaults(base_url="https://other.test/api/"),
    )
    return ImportedFolder(
        "Demo",
        (folder, other),
        Defaults(
            base_url="https://api.test/rest/v1",
            headers=(KeyValue("X-Client", "explorer"),),
            auth=AuthSpec(
                AuthKind.API_KEY, (("name", "X-Key"), ("value", "{{key}}"), ("in", "query"))
            ),
            variables=(Variable("key", "", secret=True), Variable("plain", "p", enabled=False)),
        ),
        "The demo.",
    )


def test_a_collection_of_this_app_in_postman_terms() -> None:
    environments = (Environment("demo", (Variable("mac_key", "", secret=True),)),)
    text = to_postman(tree(), "Demo", environments)
    assert check_collection(text) == (8, 2)
    document = json.loads(text)
    assert document["info"]["description"] == "The demo."
    assert document["variable"] == [
        {"key": "key", "value": "", "type": "secret"},
        {"key": "plain", "value": "p", "type": "string", "disabled": True},
        {"key": "baseUrl", "value": "https://api.test/rest/v1", "type": "string"},
        {"key": "mac_key", "value": "", "type": "secret"},
    ]
    payments = document["item"][0]
    assert payments["description"] == "Money moves."
    assert payments["variable"] == [{"key": "folder_var", "value": "1", "type": "string"}]
    get, search, upload, form, binary, query, xml = payments["item"]
    request = get["request"]
    # Base URL as {{baseUrl}}; the request variable used as a segment as a path variable.
    assert request["url"]["raw"] == "{{baseUrl}}/payments/:id?fields=*"
    assert request["url"]["path"] == ["payments", ":id"]
    assert request["url"]["variable"] == [{"key": "id", "value": "42"}]
    assert request["url"]["query"] == [
        {"key": "fields", "value": "*"},
        {"key": "limit", "value": "5", "disabled": True},
    ]
    assert get["variable"] == [{"key": "other", "value": "x", "type": "string"}]
    # Inherited headers written into the request, the request's own row winning.
    assert request["header"] == [
        {"key": "X-Client", "value": "explorer"},
        {"key": "X-Folder", "value": "f"},
        {"key": "Accept", "value": "text/plain"},
        {"key": "X-Off", "value": "1", "disabled": True},
    ]
    assert request["description"] == "One payment."
    # This app does not follow redirects unless told: Postman must be told not to.
    assert get["protocolProfileBehavior"] == {"followRedirects": False}
    assert search["protocolProfileBehavior"] == {
        "followRedirects": True,
        "disableBodyPruning": True,
    }
    assert search["request"]["body"]["options"] == {"raw": {"language": "json"}}
    assert upload["request"]["auth"] == {"type": "noauth"}
    assert (
        "Paysera MAC auth (MAC id {{mac_id}}) is not available in Postman"
        in (upload["request"]["description"])
    )
    assert upload["request"]["body"]["formdata"] == [
        {"key": "note", "value": "hi", "type": "text", "contentType": "text/plain"},
        {"key": "file", "type": "file", "src": "files/a.png"},
        {"key": "skip", "value": "1", "type": "text", "disabled": True},
    ]
    assert form["request"]["body"] == {
        "mode": "urlencoded",
        "urlencoded": [
            {"key": "a", "value": "1", "type": "text"},
            {"key": "b", "value": "2", "type": "text", "disabled": True},
        ],
    }
    assert binary["request"]["body"] == {"mode": "file", "file": {"src": "data.bin"}}
    assert query["request"]["body"] == {
        "mode": "graphql",
        "graphql": {"query": "{ me { id } }", "variables": '{"a": 1}'},
    }
    assert xml["request"]["body"]["options"] == {"raw": {"language": "xml"}}
    ping = document["item"][1]["item"][0]["request"]
    assert ping["url"]["raw"] == "https://other.test/api/ping"  # a folder's own base URL
    assert ping["url"]["host"] == ["other", "test"]


def test_a_collection_of_this_app_read_back() -> None:
    text = to_postman(tree(), "Demo")
    back = again(text)
    payments = back.root.items[0]
    assert isinstance(payments, ImportedFolder)
    get, upload = payments.items[0], payments.items[2]
    assert isinstance(get, SavedRequest)
    assert get.url == "{{baseUrl}}/payments/{{id}}?fields=*"
    assert get.params == (KeyValue("fields", "*"), KeyValue("limit", "5", enabled=False))
    assert get.variables == (Variable("id", "42"), Variable("other", "x"))
    assert get.follow_redirects is False
    assert back.root.defaults.variables[-1] == Variable("baseUrl", "https://api.test/rest/v1")
    assert back.root.defaults.auth == tree().defaults.auth
    assert payments.defaults.auth == AuthSpec(AuthKind.BEARER, (("token", "{{token}}"),))
    written = tree().items[0]
    assert isinstance(written, ImportedFolder)
    for before, after in zip(written.items, payments.items, strict=True):
        assert isinstance(before, SavedRequest) and isinstance(after, SavedRequest)
        assert (after.method, after.body_mode, after.body) == (
            before.method,
            before.body_mode,
            before.body,
        )
        assert (after.form, after.graphql_variables) == (before.form, before.graphql_variables)
    assert isinstance(upload, SavedRequest) and upload.auth == AuthSpec(AuthKind.NONE)
    assert back.environments[0].variables == (Variable("key", "", secret=True),)

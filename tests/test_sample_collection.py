"""The sample collection in app/resources/: it loads cleanly, covers the demo API, and every
request does against the real demo server what its description promises."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.core.collection import (
    AuthKind,
    AuthSpec,
    CollectionNode,
    Environment,
    LoadedCollection,
    NodeKind,
    Variable,
)
from app.core.prepare import prepare_request
from app.core.variables import ResolvedRequest
from app.demo import DemoServer
from app.demo.server import DEMO_MAC_ID, DEMO_MAC_KEY
from app.http.auth import apply_auth
from app.http.client import to_httpx_request
from app.services.workspace import Workspace
from app.storage.collection_files import (
    dump_defaults,
    dump_environment,
    dump_request,
    parse_defaults,
    parse_environment,
)
from app.storage.collection_store import (
    COLLECTION_FILE,
    FOLDER_FILE,
    load_collection,
)

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "app" / "resources" / "sample-collection"
DEMO_URL = "http://127.0.0.1:1"
TOKEN = "t0ken"

# What each request's description promises; None: not sent here (too slow, too big, or
# no status at all), though the app handles each.
EXPECTED_STATUS: dict[str, int | None] = {
    "payments/list-payments.request.yaml": 200,
    "payments/list-payments-page-2.request.yaml": 200,
    "payments/get-payment-10145.request.yaml": 200,
    "payments/get-missing-payment.request.yaml": 404,
    "payments/get-forbidden-payment-2.request.yaml": 403,
    "payments/create-payment.request.yaml": 200,
    "payments/create-payment-invalid-fields.request.yaml": 400,
    "payments/create-payment-invalid-json.request.yaml": 400,
    "payments/cancel-a-done-payment.request.yaml": 409,
    "payments/delete-payment-10148.request.yaml": 200,
    "wallet/wallet-without-auth.request.yaml": 401,
    "wallet/wallet-with-token.request.yaml": 200,
    "auth/mac-wallet.request.yaml": 200,
    "auth/mac-transfer.request.yaml": 200,
    "auth/mac-wrong-key.request.yaml": 401,
    "errors/rate-limited.request.yaml": 429,
    "errors/crash.request.yaml": 500,
    "errors/proxy-error.request.yaml": 502,
    "errors/empty-error.request.yaml": 503,
    "errors/not-acceptable.request.yaml": 406,
    "errors/method-not-allowed.request.yaml": 405,
    "server/server-time.request.yaml": 200,
    "server/latin-1-text.request.yaml": 200,
    "server/large-body.request.yaml": None,
    "server/slow-answer.request.yaml": None,
    "server/dropped-connection.request.yaml": None,
}


def snapshot(root: Path) -> dict[str, int]:
    """Every file and folder under ``root`` with its modification time in nanoseconds."""
    found = {".": root.stat().st_mtime_ns}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            found[path.relative_to(root).as_posix()] = path.stat().st_mtime_ns
    return found


def request_nodes(node: CollectionNode) -> Iterator[CollectionNode]:
    for child in node.children:
        if child.kind is NodeKind.FOLDER:
            yield from request_nodes(child)
        else:
            yield child


@pytest.fixture(scope="module")
def loaded() -> LoadedCollection:
    return load_collection(SAMPLE)


@pytest.fixture(scope="module")
def requests(loaded: LoadedCollection) -> dict[str, CollectionNode]:
    return {node.path.as_posix(): node for node in request_nodes(loaded.tree)}


def environment(loaded: LoadedCollection, name: str) -> Environment:
    return next(env for env in loaded.environments if env.name == name)


class _Secrets:
    """A secret store holding the sample token (or nothing) for every environment."""

    def __init__(self, token: str | None = TOKEN) -> None:
        self.token = token

    def get(self, collection_id: str, environment: str, name: str) -> str | None:
        return self.token if name == "token" else None

    def set(self, collection_id: str, environment: str, name: str, value: str) -> None:
        raise AssertionError("the sample test stores no secrets")

    def delete(self, collection_id: str, environment: str, name: str) -> None:
        raise AssertionError("the sample test deletes no secrets")


def resolve(
    loaded: LoadedCollection,
    node: CollectionNode,
    env: Environment | None,
    demo_url: str = DEMO_URL,
    *,
    token: str | None = TOKEN,
) -> ResolvedRequest:
    """Resolve exactly as the window does: through the app's Workspace, with the window's
    Base URL field set to the demo API (the sample sets no base URL of its own)."""
    assert node.request is not None
    workspace = Workspace(
        app_variables={"demo_url": demo_url}, secret_store=lambda: _Secrets(token)
    )
    workspace.set_collection(loaded)
    workspace.select_environment(env.name if env else None)
    return workspace.resolve(node.request, node.path.as_posix(), base_url=demo_url + "/rest/v1")


def test_loads_without_problems_and_writes_nothing() -> None:
    before = snapshot(SAMPLE)

    loaded = load_collection(SAMPLE)
    for node in request_nodes(loaded.tree):
        for env in (None, *loaded.environments):
            resolve(loaded, node, env)

    assert loaded.problems == ()
    assert snapshot(SAMPLE) == before


def test_collection_defaults_and_fixed_id(loaded: LoadedCollection) -> None:
    assert loaded.name == "Demo API (sample)"
    # A fixed id keys the secrets: the token entered once is found again next time.
    assert loaded.collection_id == load_collection(SAMPLE).collection_id
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", loaded.collection_id
    )
    defaults = loaded.tree.defaults
    assert defaults is not None
    # No base URL of its own: the window's Base URL field (the demo API) applies.
    assert defaults.base_url is None
    assert [(h.name, h.value) for h in defaults.headers] == [("Accept-Language", "en")]


def test_every_request_is_expected_and_described(requests: dict[str, CollectionNode]) -> None:
    assert set(requests) == set(EXPECTED_STATUS)
    for path, node in requests.items():
        assert node.request is not None and node.request.description, path
        status = EXPECTED_STATUS[path]
        if status is not None:
            assert re.search(rf"\b{status}\b", node.request.description), path


def test_files_are_written_as_the_store_writes_them(loaded: LoadedCollection) -> None:
    # Saving any of them unchanged from the app rewrites identical bytes.
    for node in request_nodes(loaded.tree):
        assert node.request is not None
        assert dump_request(node.request) == (SAMPLE / node.path).read_text("utf-8"), node.path
    for path in [SAMPLE / COLLECTION_FILE, *SAMPLE.glob(f"*/{FOLDER_FILE}")]:
        text = path.read_text("utf-8")
        parsed = parse_defaults(text, path.name, collection=path.name == COLLECTION_FILE)
        assert dump_defaults(parsed) == text, path
    for path in SAMPLE.glob("environments/*.yaml"):
        text = path.read_text("utf-8")
        assert dump_environment(parse_environment(text, path.name)) == text, path


def test_environments_keep_the_token_secret(loaded: LoadedCollection) -> None:
    demo = environment(loaded, "demo")
    protected = environment(loaded, "demo production")
    assert not demo.protected
    assert protected.protected
    for env in (demo, protected):
        assert Variable("currency", "EUR") in env.variables
        assert Variable("token", "", secret=True) in env.variables
    for path in SAMPLE.glob("environments/*.yaml"):
        assert "secret: true" in path.read_text("utf-8")


def test_environments_carry_the_public_demo_mac_credentials(loaded: LoadedCollection) -> None:
    # Plain variables on purpose: they only open the demo API, and a newcomer's first
    # MAC request works without entering a secret.
    for env in loaded.environments:
        assert Variable("mac_id", DEMO_MAC_ID) in env.variables
        assert Variable("mac_key", DEMO_MAC_KEY) in env.variables


def test_mac_requests_resolve_to_paysera_mac_auth(loaded: LoadedCollection) -> None:
    demo = environment(loaded, "demo")
    folder = loaded.find(Path("auth"))
    assert folder is not None and folder.defaults is not None
    assert folder.defaults.auth == AuthSpec(
        AuthKind.PAYSERA_MAC, (("mac_id", "{{mac_id}}"), ("mac_key", "{{mac_key}}"))
    )
    expected_key = {
        "auth/mac-wallet.request.yaml": DEMO_MAC_KEY,
        "auth/mac-transfer.request.yaml": DEMO_MAC_KEY,
        "auth/mac-wrong-key.request.yaml": "wrong-key",
    }
    for path, key in expected_key.items():
        node = loaded.find(Path(path))
        assert node is not None, path
        resolved = resolve(loaded, node, demo)
        assert resolved.auth == AuthSpec(
            AuthKind.PAYSERA_MAC, (("mac_id", DEMO_MAC_ID), ("mac_key", key))
        ), path


def test_every_endpoint_of_the_readme_table_has_a_request(
    requests: dict[str, CollectionNode],
) -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    table = readme.partition("## The demo API")[2].partition("\n## ")[0]
    endpoints = re.findall(r"`([A-Z]+) (/[^`?\s]*)", table)
    assert len(endpoints) >= 10  # the table is still where this test looks for it
    saved = [
        (node.request.method, node.request.url.partition("?")[0])
        for node in requests.values()
        if node.request is not None
    ]
    for method, path in endpoints:
        pattern = re.escape(path).replace(r"\{id\}", "[^/]+")
        assert any(m == method and re.fullmatch(pattern, url) for m, url in saved), (
            f"no sample request for {method} {path}"
        )


def test_only_the_secret_token_may_be_unresolved(loaded: LoadedCollection) -> None:
    for node in request_nodes(loaded.tree):
        for env in loaded.environments:
            resolved = resolve(loaded, node, env, token=None)
            assert set(resolved.unresolved) <= {"token"}, node.path
            assert resolved.spec.url.startswith(DEMO_URL + "/rest/v1/"), node.path
    wallet = loaded.find(Path("wallet/wallet-with-token.request.yaml"))
    assert wallet is not None
    assert resolve(loaded, wallet, environment(loaded, "demo"), token=None).unresolved == ("token",)


def test_each_request_gets_the_status_its_description_promises(
    requests: dict[str, CollectionNode],
) -> None:
    loaded = load_collection(SAMPLE)
    demo = environment(loaded, "demo")
    got: dict[str, int] = {}
    with DemoServer() as server, httpx.Client(trust_env=False, timeout=10) as client:
        for path, status in EXPECTED_STATUS.items():
            if status is None:
                continue
            resolved = resolve(loaded, requests[path], demo, server.base_url)
            assert resolved.unresolved == (), path
            # Auth last, as the app adds it: a MAC signs the request exactly as sent.
            prepared = apply_auth(prepare_request(resolved.spec), resolved.auth)
            response = client.send(to_httpx_request(prepared))
            got[path] = response.status_code
    expected = {path: status for path, status in EXPECTED_STATUS.items() if status is not None}
    assert got == expected

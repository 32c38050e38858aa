"""Inheritance and variable resolution through a real collection folder on disk."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

from app.core.collection import AuthKind, AuthSpec, Defaults, Environment, SavedRequest, Variable
from app.core.request import BodyMode, KeyValue
from app.core.transport import ProxyMode, ProxySettings
from app.services.workspace import Workspace
from app.storage.collection_store import CollectionStore, create_collection
from app.storage.secrets import FileSecretStore, SecretStore


def _workspace(tmp_path: Path) -> tuple[Workspace, str]:
    store = create_collection(tmp_path / "api", "API")
    store.save_defaults(
        Path("."),
        Defaults(
            base_url="https://{{host}}/rest/v1",
            headers=(KeyValue("X-Level", "collection"), KeyValue("X-Collection", "yes")),
            auth=AuthSpec(AuthKind.BEARER, (("token", "{{token}}"),)),
            variables=(Variable("host", "collection.example"), Variable("who", "collection")),
        ),
    )
    outer = store.new_folder(Path("."), "Payments")
    store.save_defaults(
        outer,
        Defaults(headers=(KeyValue("x-level", "outer"),), variables=(Variable("who", "outer"),)),
    )
    inner = store.new_folder(outer, "Refunds")
    store.save_defaults(inner, Defaults(variables=(Variable("who", "inner"),)))
    request = SavedRequest(
        "Refund",
        url="/refunds/{{who}}",
        headers=(KeyValue("X-Who", "{{who}}"),),
        body='{"currency": "{{currency}}"}',
    )
    source = store.new_request(inner, request)
    store.save_environment(
        Environment(
            "sandbox",
            (
                Variable("currency", "EUR"),
                Variable("host", "env.example"),
                Variable("token", secret=True),
            ),
        )
    )
    secrets = FileSecretStore(tmp_path / "secrets.json")
    workspace = Workspace(
        app_variables={"demo_url": "http://127.0.0.1:1"}, secret_store=lambda: secrets
    )
    workspace.set_collection(store.load())
    return workspace, source.as_posix()


def _request(workspace: Workspace, source: str) -> SavedRequest:
    assert workspace.collection is not None
    node = workspace.collection.find(Path(source))
    assert node is not None and node.request is not None
    return node.request


def test_nearest_scope_wins_and_headers_inherit(tmp_path: Path) -> None:
    workspace, source = _workspace(tmp_path)
    workspace.select_environment("sandbox")
    resolved = workspace.resolve(_request(workspace, source), source)
    spec = resolved.spec
    assert spec.url == "https://collection.example/rest/v1/refunds/inner"
    headers = {h.name.lower(): h.value for h in spec.headers}
    assert headers["x-level"] == "outer"  # the folder's header overrides the collection's
    assert headers["x-collection"] == "yes"
    assert headers["x-who"] == "inner"
    assert spec.body == '{"currency": "EUR"}'


def test_inherited_headers_list_what_is_sent_without_a_row_and_from_where(
    tmp_path: Path,
) -> None:
    workspace, source = _workspace(tmp_path)
    request = _request(workspace, source)
    rows = workspace.inherited_headers(request, source)
    assert [(h.name, h.value, h.origin, h.replaced) for h in rows] == [
        ("X-Collection", "yes", "the collection", False),
        ("x-level", "outer", 'the folder "Payments"', False),
        ("Content-Type", "application/json;charset=utf-8", "the app, with a JSON body", False),
        ("Accept", "application/json", "the app", False),
        ("Accept-Encoding", "gzip, deflate, br, zstd", "the app", False),
        ("User-Agent", "API-Explorer/0.1", "the app", False),
    ]
    # The collection changes the app's Accept; the request's own row replaces the folder's.
    assert workspace.collection is not None
    defaults = workspace.collection.tree.defaults
    assert defaults is not None
    changed = replace(defaults, headers=(*defaults.headers, KeyValue("Accept", "*/*")))
    workspace.set_collection(
        replace(workspace.collection, tree=replace(workspace.collection.tree, defaults=changed))
    )
    own = replace(
        request, headers=(*request.headers, KeyValue("X-Level", "mine")), body_mode=BodyMode.RAW
    )
    rows = workspace.inherited_headers(own, source)
    named = {h.name.lower(): h for h in rows}
    assert (named["accept"].value, named["accept"].origin) == ("*/*", "the collection")
    assert [h.name for h in rows].count("Accept") == 1
    assert named["x-level"].replaced
    assert "content-type" not in named  # a raw body: no Content-Type from the app
    sent = {h.name.lower(): h.value for h in workspace.resolve(own, source).spec.headers}
    assert sent["accept"] == "*/*" and sent["x-level"] == "mine"


def test_request_variables_beat_everything(tmp_path: Path) -> None:
    workspace, source = _workspace(tmp_path)
    workspace.select_environment("sandbox")
    request = _request(workspace, source)
    mine = SavedRequest(request.name, url=request.url, variables=(Variable("who", "request"),))
    assert workspace.resolve(mine, source).spec.url.endswith("/refunds/request")


def test_secret_comes_from_the_store_and_is_reported_for_redaction(tmp_path: Path) -> None:
    workspace, source = _workspace(tmp_path)
    workspace.select_environment("sandbox")
    workspace.store_secrets("sandbox", {"token": "s3cr3t-value"})
    resolved = workspace.resolve(_request(workspace, source), source)
    assert resolved.auth.get("token") == "s3cr3t-value"
    assert dict(resolved.secrets_used) == {"token": "s3cr3t-value"}
    assert resolved.unresolved == ()


def test_without_environment_the_missing_names_block_sending(tmp_path: Path) -> None:
    workspace, source = _workspace(tmp_path)
    resolved = workspace.resolve(_request(workspace, source), source)
    assert set(resolved.unresolved) == {"currency", "token"}


def test_window_base_url_is_only_a_fallback(tmp_path: Path) -> None:
    workspace = Workspace()
    resolved = workspace.resolve(SavedRequest("x", url="/server"), None, base_url="http://h/rest")
    assert resolved.spec.url == "http://h/rest/server"


def test_proxy_addresses_resolve_variables_and_unresolved_ones_block(tmp_path: Path) -> None:
    workspace, source = _workspace(tmp_path)
    assert workspace.collection is not None
    store = CollectionStore(workspace.collection.root)
    defaults = store.load().tree.defaults
    assert defaults is not None
    store.save_defaults(
        Path("."),
        replace(
            defaults,
            proxy=ProxySettings(ProxyMode.MANUAL, "http://{{proxy_user}}@proxy:3128", "", ""),
        ),
    )
    workspace.set_collection(store.load())
    request = _request(workspace, source)
    assert workspace.transport_unresolved(request, source) == ["proxy_user"]
    mine = SavedRequest(request.name, url=request.url, variables=(Variable("proxy_user", "me"),))
    settings = workspace.transport(mine, source)
    assert settings.proxy.http_proxy == "http://me@proxy:3128"
    assert workspace.transport_unresolved(mine, source) == []


def test_the_preview_never_waits_for_the_secret_store(tmp_path: Path) -> None:
    opened: list[str] = []
    workspace, source = _workspace(tmp_path)
    workspace.select_environment("sandbox")
    workspace.store_secrets("sandbox", {"token": "s3cr3t-value"})
    store = workspace.secret_store()
    assert store is not None

    def slow_store() -> SecretStore:
        opened.append(threading.current_thread().name)
        return store

    later = Workspace(secret_store=slow_store)
    later.set_collection(workspace.collection)
    later.select_environment("sandbox")
    request = _request(later, source)
    assert not later.secret_store_open
    preview = later.preview_url(request, source, base_url="")
    described = later.describe_variables("{{token}}", request, source)
    assert opened == []  # neither opened the store: the preview shows the name
    assert "s3cr3t-value" not in preview + described
    assert later.resolve(request, source).auth.get("token") == "s3cr3t-value"  # sending waits
    assert opened == [threading.current_thread().name]
    assert later.secret_store_open


def test_the_secret_store_opens_once_whichever_threads_ask(tmp_path: Path) -> None:
    calls: list[int] = []
    started = threading.Event()

    def factory() -> SecretStore:
        calls.append(1)
        started.set()
        time.sleep(0.2)  # a slow keyring
        return FileSecretStore(tmp_path)

    workspace = Workspace(secret_store=factory)
    thread = threading.Thread(target=workspace.secret_store)
    thread.start()
    started.wait(5)
    store = workspace.secret_store()  # waits for the thread's, does not open a second
    thread.join(5)
    assert calls == [1] and store is workspace.secret_store()

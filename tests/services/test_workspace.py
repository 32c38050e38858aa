"""Inheritance and variable resolution through a real collection folder on disk."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from app.core.collection import AuthKind, AuthSpec, Defaults, Environment, SavedRequest, Variable
from app.core.request import KeyValue
from app.core.transport import ProxyMode, ProxySettings
from app.services.workspace import Workspace
from app.storage.collection_store import CollectionStore, create_collection
from app.storage.secrets import FileSecretStore


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

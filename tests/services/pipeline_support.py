"""Helpers for the pipeline, Qt adapter, runner and report tests (no fixtures, no Qt)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from pathlib import Path

import httpx

from app.core.collection import Environment, Variable
from app.http.client import HttpClient
from app.services.pipeline import Pipeline
from app.services.workspace import Workspace
from app.storage.collection_store import create_collection
from app.storage.history import HistoryStore
from app.storage.secrets import FileSecretStore

Respond = Callable[[httpx.Request], httpx.Response]


class Api:
    """A MockTransport handler that keeps every request it gets. ``/slow`` waits until
    ``release`` is set (``entered`` says it got there); anything else is answered by
    ``respond`` (default: 200 with the path as JSON)."""

    def __init__(self, respond: Respond | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.respond = respond
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    @property
    def paths(self) -> list[str]:
        return [request.url.path for request in self.requests]

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/slow":
            self.entered.set()
            await self.release.wait()
        if self.respond is not None:
            return self.respond(request)
        return httpx.Response(200, json={"path": request.url.path})


def mock_pipeline(
    api: Api, workspace: Workspace | None = None, history: HistoryStore | None = None
) -> Pipeline:
    return Pipeline(
        workspace or Workspace(app_variables={"host": "https://api.test"}),
        client=HttpClient(transport=httpx.MockTransport(api)),
        history=history,
    )


def secret_workspace(tmp_path: Path, token: str, *, protected: bool = False) -> Workspace:
    """A collection on disk with the environment "sandbox": ``{{host}}`` is
    https://api.test and ``{{token}}`` a secret whose stored value is ``token``."""
    store = create_collection(tmp_path / "secret-api", "Secret API")
    store.save_environment(
        Environment(
            "sandbox",
            (Variable("host", "https://api.test"), Variable("token", secret=True)),
            protected=protected,
        )
    )
    loaded = store.load()
    secrets = FileSecretStore(tmp_path / "secrets.json")
    secrets.set(loaded.collection_id, "sandbox", "token", token)
    workspace = Workspace(secret_store=lambda: secrets)
    workspace.set_collection(loaded)
    assert workspace.select_environment("sandbox") is not None
    return workspace


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then closed at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port

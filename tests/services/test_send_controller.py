"""SendController without the window: refusals, per-tab latest-request-wins, history."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.core.collection import AuthKind, AuthSpec, Environment, SavedRequest
from app.core.tabs import OpenTab, new_tab
from app.http.client import HttpClient
from app.services.request_service import RequestService
from app.services.send_controller import SendController
from app.services.workspace import Workspace
from app.storage.history import HistoryStore


class Api:
    """A MockTransport handler: ``/slow`` waits until released, everything else answers."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.paths: list[str] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        if request.url.path == "/slow":
            await self.release.wait()
        return httpx.Response(200, json={"path": request.url.path})


@pytest.fixture
def api(qt_loop: asyncio.AbstractEventLoop) -> Api:
    return Api()


@pytest.fixture
def service(api: Api) -> RequestService:
    return RequestService(HttpClient(transport=httpx.MockTransport(api)))


@pytest.fixture
def history(tmp_path: Path) -> Iterator[HistoryStore]:
    store = HistoryStore(tmp_path / "history")
    yield store
    store.close()


def _controller(
    service: RequestService,
    history: HistoryStore,
    confirm: Any = None,
    workspace: Workspace | None = None,
) -> SendController:
    workspace = workspace or Workspace(app_variables={"host": "https://api.test"})
    return SendController(service, workspace, history, confirm or (lambda _t, _x: True))


def _tab(url: str, **fields: Any) -> OpenTab:
    return new_tab(SavedRequest("Request", url=url, **fields))


def _send(controller: SendController, tab: OpenTab) -> None:
    controller.send(tab, base_url="", timeout_seconds=5.0)


def test_an_unresolved_variable_is_refused_by_name_and_nothing_is_sent(
    qtbot: Any, service: RequestService, history: HistoryStore, api: Api
) -> None:
    controller = _controller(service, history)
    started: list[int] = []
    service.request_started.connect(started.append)
    tab = _tab("{{host}}/payments/{{payment_id}}")
    with qtbot.waitSignal(controller.refused, timeout=1000) as blocker:
        _send(controller, tab)
    tab_id, message = blocker.args
    assert tab_id == tab.id
    assert "{{payment_id}}" in message
    assert started == [] and not controller.in_flight(tab.id)


def test_a_refused_auth_leaves_the_tabs_request_in_flight(
    qtbot: Any, service: RequestService, history: HistoryStore, api: Api
) -> None:
    controller = _controller(service, history)
    cancelled: list[str] = []
    controller.cancelled.connect(cancelled.append)
    tab = _tab("{{host}}/slow")
    _send(controller, tab)
    assert controller.in_flight(tab.id)
    unsignable = tab.edited(
        SavedRequest("Request", url="{{host}}/fast", auth=AuthSpec(AuthKind.BEARER, ()))
    )
    with qtbot.waitSignal(controller.refused, timeout=1000) as blocker:
        _send(controller, unsignable)
    assert "token" in blocker.args[1]
    assert controller.in_flight(tab.id)
    with qtbot.waitSignal(controller.responded, timeout=5000) as blocker:
        api.release.set()
    assert blocker.args[0] == tab.id
    assert blocker.args[1].request.url.endswith("/slow")
    assert cancelled == [] and not controller.in_flight(tab.id)


def test_only_the_tabs_latest_request_is_reported_to_it(
    qtbot: Any, service: RequestService, history: HistoryStore, api: Api
) -> None:
    controller = _controller(service, history)
    cancelled: list[str] = []
    responded: list[tuple[str, str]] = []
    controller.cancelled.connect(cancelled.append)
    controller.responded.connect(lambda tab_id, ex, *_: responded.append((tab_id, ex.request.url)))
    tab = _tab("{{host}}/slow")
    other = _tab("{{host}}/other")
    _send(controller, tab)
    with qtbot.waitSignals([service.request_cancelled, controller.responded], timeout=5000):
        # The second send of ``tab`` cancels its first; ``other`` is a tab of its own.
        _send(controller, tab.edited(SavedRequest("Request", url="{{host}}/fast")))
    with qtbot.waitSignal(controller.responded, timeout=5000):
        _send(controller, other)
    assert cancelled == []
    assert responded == [
        (tab.id, "https://api.test/fast"),
        (other.id, "https://api.test/other"),
    ]


def test_history_records_after_the_response_is_reported(
    qtbot: Any, service: RequestService, history: HistoryStore, api: Api
) -> None:
    controller = _controller(service, history)
    seen_when_responded: list[int] = []
    controller.responded.connect(lambda *_: seen_when_responded.append(len(history.search())))
    with qtbot.waitSignal(controller.recorded, timeout=5000):
        _send(controller, _tab("{{host}}/fast"))
    assert seen_when_responded == [0]
    [entry] = history.search()
    assert entry.url == "https://api.test/fast"


def test_a_protected_environment_asks_before_a_change_and_no_means_not_sent(
    qtbot: Any, service: RequestService, history: HistoryStore, api: Api
) -> None:
    questions: list[str] = []

    def confirm(title: str, _text: str) -> bool:
        questions.append(title)
        return False

    workspace = Workspace(app_variables={"host": "https://api.test"})
    # Selected as if from a collection: the controller only reads ``environment``.
    workspace.environment = Environment("live", protected=True)
    controller = _controller(service, history, confirm, workspace)
    tab = _tab("{{host}}/fast", method="DELETE")
    with qtbot.waitSignal(controller.refused, timeout=1000) as blocker:
        _send(controller, tab)
    assert blocker.args == [tab.id, "Not sent: you chose not to."]
    assert questions == ["Send to live?"]
    assert api.paths == []

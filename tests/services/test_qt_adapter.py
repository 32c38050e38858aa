"""SendController, the window's Qt adapter over the pipeline: per-tab signals, history."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from shiboken6 import Shiboken

from app.core.assertions import Assertion, Expected, Operator
from app.core.collection import AuthKind, AuthSpec, SavedRequest
from app.core.outcome import FailureKind
from app.core.prepare import PreparedRequest
from app.core.tabs import OpenTab, new_tab
from app.demo import DemoServer
from app.http.client import HttpClient
from app.services.collections import CollectionEvent, CollectionLoaded, CollectionService
from app.services.pipeline import Outcome, OutcomeKind, Pipeline, Refusal, SendPlan
from app.services.qt_adapter import CollectionWatcher, SendController
from app.services.runner import CollectionRunner, select_requests
from app.services.workspace import Workspace
from app.storage.collection_files import dump_request
from app.storage.collection_store import CollectionStore, create_collection, load_collection
from app.storage.history import HistoryStore
from tests.services.pipeline_support import Api, mock_pipeline


@pytest.fixture
def api(qt_loop: asyncio.AbstractEventLoop) -> Api:
    return Api()


@pytest.fixture
def history(tmp_path: Path) -> Iterator[HistoryStore]:
    store = HistoryStore(tmp_path / "history")
    yield store
    store.close()


@pytest.fixture
def controller(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop, api: Api, history: HistoryStore
) -> Iterator[SendController]:
    sends = SendController(mock_pipeline(api, history=history), confirm=lambda _t, _x: True)
    yield sends
    _close(qtbot, qt_loop, sends)


def _close(qtbot: Any, loop: asyncio.AbstractEventLoop, sends: SendController) -> None:
    closing = loop.create_task(sends.aclose())
    qtbot.waitUntil(closing.done, timeout=5000)


def _tab(url: str, **fields: Any) -> OpenTab:
    return new_tab(SavedRequest("Request", url=url, **fields))


def _send(sends: SendController, tab: OpenTab) -> None:
    sends.send(tab, base_url="", timeout_seconds=5.0)


def test_an_undefined_variable_is_refused_by_name_and_nothing_is_sent(
    qtbot: Any, controller: SendController, api: Api
) -> None:
    started: list[str] = []
    controller.started.connect(lambda tab_id, _plan: started.append(tab_id))
    tab = _tab("{{host}}/payments/{{payment_id}}")
    with qtbot.waitSignal(controller.refused, timeout=1000) as blocker:
        _send(controller, tab)
    tab_id, refusal = blocker.args
    assert tab_id == tab.id
    assert isinstance(refusal, Refusal) and "{{payment_id}}" in refusal.message
    assert started == [] and not controller.in_flight(tab.id)
    qtbot.wait(50)
    assert api.requests == []


def test_a_refusal_leaves_the_tabs_request_in_flight(
    qtbot: Any, controller: SendController, api: Api
) -> None:
    cancelled: list[str] = []
    controller.cancelled.connect(cancelled.append)
    tab = _tab("{{host}}/slow")
    with qtbot.waitSignal(controller.started, timeout=1000):
        _send(controller, tab)
    qtbot.waitUntil(api.entered.is_set, timeout=5000)
    unsignable = tab.edited(
        SavedRequest("Request", url="{{host}}/fast", auth=AuthSpec(AuthKind.BEARER, ()))
    )
    undefined = tab.edited(SavedRequest("Request", url="{{host}}/{{nope}}"))
    refusals: list[Refusal] = []
    controller.refused.connect(lambda _id, refusal: refusals.append(refusal))
    _send(controller, unsignable)  # refused at sign time
    _send(controller, undefined)  # refused at plan time
    assert len(refusals) == 2
    assert "token" in refusals[0].message and "{{nope}}" in refusals[1].message
    assert controller.in_flight(tab.id)
    with qtbot.waitSignal(controller.finished, timeout=5000) as blocker:
        api.release.set()
    tab_id, outcome = blocker.args
    assert tab_id == tab.id and outcome.request.url == "https://api.test/slow"
    assert cancelled == [] and not controller.in_flight(tab.id)
    assert api.paths == ["/slow"]


def test_only_the_tabs_latest_request_is_reported_to_it(
    qtbot: Any, controller: SendController, api: Api, history: HistoryStore
) -> None:
    cancelled: list[str] = []
    finished: list[tuple[str, str]] = []
    controller.cancelled.connect(cancelled.append)
    controller.finished.connect(lambda tab_id, o: finished.append((tab_id, o.request.url)))
    tab = _tab("{{host}}/slow")
    other = _tab("{{host}}/other")
    _send(controller, tab)
    qtbot.waitUntil(api.entered.is_set, timeout=5000)
    with qtbot.waitSignal(controller.finished, timeout=5000):
        # The second send of ``tab`` cancels its first; ``other`` is a tab of its own.
        _send(controller, tab.edited(SavedRequest("Request", url="{{host}}/fast")))
    with qtbot.waitSignal(controller.finished, timeout=5000):
        _send(controller, other)
    api.release.set()  # the superseded request is cancelled: nothing more arrives
    qtbot.wait(100)
    assert cancelled == []
    assert finished == [
        (tab.id, "https://api.test/fast"),
        (other.id, "https://api.test/other"),
    ]
    assert not controller.in_flight()
    # The superseded request was cancelled, not merely hidden: history never got it.
    assert sorted(entry.url for entry in history.search()) == [
        "https://api.test/fast",
        "https://api.test/other",
    ]


def test_cancel_reports_cancelled_to_the_tab(
    qtbot: Any, controller: SendController, api: Api
) -> None:
    finished: list[str] = []
    controller.finished.connect(lambda tab_id, _o: finished.append(tab_id))
    tab = _tab("{{host}}/slow")
    _send(controller, tab)
    qtbot.waitUntil(api.entered.is_set, timeout=5000)
    with qtbot.waitSignal(controller.cancelled, timeout=5000) as blocker:
        controller.cancel(tab.id)
    assert blocker.args == [tab.id]
    # Cancelled before its task ever ran: still reported.
    early = _tab("{{host}}/slow")
    with qtbot.waitSignal(controller.cancelled, timeout=5000) as blocker:
        _send(controller, early)
        controller.cancel(early.id)
    assert blocker.args == [early.id]
    assert finished == [] and not controller.in_flight()


def test_history_records_after_the_response_is_reported(
    qtbot: Any, controller: SendController, history: HistoryStore
) -> None:
    order: list[str] = []
    entries_when_finished: list[int] = []
    controller.finished.connect(lambda *_: order.append("finished"))
    controller.finished.connect(lambda *_: entries_when_finished.append(len(history.search())))
    controller.recorded.connect(lambda _id: order.append("recorded"))
    with qtbot.waitSignal(controller.recorded, timeout=5000) as blocker:
        _send(controller, _tab("{{host}}/fast"))
    assert order == ["finished", "recorded"]
    assert entries_when_finished == [0]
    [entry] = history.search()
    assert blocker.args == [entry.id]
    assert entry.url == "https://api.test/fast" and entry.status == 200


def test_a_history_entry_opens_and_a_missing_one_fails_with_a_sentence(
    qtbot: Any, controller: SendController
) -> None:
    with qtbot.waitSignal(controller.recorded, timeout=5000) as blocker:
        _send(controller, _tab("{{host}}/fast"))
    [entry_id] = blocker.args
    with qtbot.waitSignal(controller.history_opened, timeout=5000) as blocker:
        controller.open_history_entry(entry_id)
    entry, exchange = blocker.args
    assert entry.id == entry_id
    assert exchange.response.status == 200 and exchange.document == {"path": "/fast"}

    opened: list[object] = []
    controller.history_opened.connect(lambda *args: opened.append(args))
    with qtbot.waitSignal(controller.history_failed, timeout=5000) as blocker:
        controller.open_history_entry(entry_id + 1000)
    [message] = blocker.args
    assert message == "That history entry is gone."
    assert opened == []


def test_an_unexpected_exception_is_a_failed_outcome_with_a_sentence(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop, caplog: pytest.LogCaptureFixture
) -> None:
    class Exploding(HttpClient):
        async def send(
            self, prepared: PreparedRequest, settings: Any = None, progress: Any = None
        ) -> Any:
            raise KeyError("boom")  # not one of the failures the pipeline expects

    workspace = Workspace(app_variables={"host": "https://api.test"})
    sends = SendController(Pipeline(workspace, client=Exploding()))
    tab = _tab("{{host}}/x")
    with caplog.at_level(logging.ERROR), qtbot.waitSignal(sends.finished, timeout=5000) as blocker:
        _send(sends, tab)
    tab_id, outcome = blocker.args
    assert tab_id == tab.id
    assert isinstance(outcome, Outcome) and outcome.kind is OutcomeKind.FAILED
    assert outcome.failure is not None and outcome.failure.kind is FailureKind.OTHER
    assert "boom" in outcome.message and "Traceback" not in outcome.message
    assert outcome.message.startswith("The request could not be completed")
    # The traceback goes to the log, not to the user.
    assert any(record.exc_info for record in caplog.records)
    assert not sends.in_flight()
    _close(qtbot, qt_loop, sends)


# --- the window and the runner reach the same verdicts --------------------------------------


def test_the_window_and_the_runner_reach_the_same_verdicts(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    root = tmp_path / "api"
    root.mkdir()
    (root / "collection.yaml").write_text("name: API\n")
    request = SavedRequest(
        "Payment 10145",
        url="/payments/10145",
        assertions=(
            Assertion.status(200),
            Assertion.path("$.rate", Operator.EQUALS, Expected.number("1.1")),
            Assertion.path("$.price.amount", Operator.EQUALS, Expected.number("10.12")),
        ),
    )
    (root / "payment.request.yaml").write_text(dump_request(request))
    loaded = load_collection(root)
    [node] = select_requests(loaded, ["payment"])
    assert node.request == request

    def verdicts(outcome: Outcome) -> list[tuple[bool, str, str, str]]:
        return [(r.passed, r.expected, r.actual, r.describe()) for r in outcome.assertions]

    with DemoServer() as demo:
        base_url = f"{demo.base_url}/rest/v1"

        def pipeline() -> Pipeline:
            workspace = Workspace()
            workspace.set_collection(loaded)
            return Pipeline(workspace)

        sends = SendController(pipeline())
        tab = new_tab(node.request, node.path.as_posix(), str(root))
        plans: list[SendPlan] = []
        sends.started.connect(lambda _id, plan: plans.append(plan))
        with qtbot.waitSignal(sends.finished, timeout=5000) as blocker:
            sends.send(tab, base_url=base_url, timeout_seconds=5.0)
        window: Outcome = blocker.args[1]
        _close(qtbot, qt_loop, sends)

        runner_pipeline = pipeline()
        running = qt_loop.create_task(
            CollectionRunner(runner_pipeline).run([node], base_url=base_url, timeout_seconds=5.0)
        )
        qtbot.waitUntil(running.done, timeout=5000)
        closing = qt_loop.create_task(runner_pipeline.aclose())
        qtbot.waitUntil(closing.done, timeout=5000)
    [step] = running.result().steps
    runner = step.outcome

    assert window.kind is runner.kind is OutcomeKind.RESPONDED
    assert [r.passed for r in window.assertions] == [True, True, False]
    assert verdicts(window) == verdicts(runner)
    assert window.passed is runner.passed is False
    # The same bytes went out.
    assert window.request is not None and runner.request is not None
    assert (window.request.method, window.request.url, window.request.body) == (
        runner.request.method,
        runner.request.url,
        runner.request.body,
    )
    assert plans[0].prepared.url == f"{base_url}/payments/10145"


# --- closing while a recording starts -------------------------------------------------------


class _LateResponsePipeline(Pipeline):
    """Its requests answer at the very moment they are cancelled (the response was already
    in), and its recordings take a while: what a window closing mid-request meets."""

    def __init__(self, history: HistoryStore) -> None:
        super().__init__(
            Workspace(app_variables={"host": "https://api.test"}),
            client=HttpClient(transport=httpx.MockTransport(Api())),
            history=history,
        )
        self.entered = asyncio.Event()
        self.recordings_started = 0
        self.recordings_ended = 0

    async def execute(self, plan: SendPlan, signed: PreparedRequest | None = None) -> Outcome:
        self.entered.set()
        with contextlib.suppress(asyncio.CancelledError):  # too late: the response is here
            await asyncio.Event().wait()
        return Outcome(OutcomeKind.RESPONDED, plan, request=plan.prepared)

    async def record(self, outcome: Outcome) -> int | None:
        self.recordings_started += 1
        try:
            await asyncio.sleep(0.3)
        finally:
            self.recordings_ended += 1
        return 1


def _delete_and_pump(qtbot: Any, sends: SendController) -> None:
    """Delete the controller as Qt does with the window's children, then let anything still
    scheduled run: a signal from the deleted object fails the test (an asyncio error)."""
    Shiboken.delete(sends)
    assert not Shiboken.isValid(sends)
    qtbot.wait(500)


def test_aclose_waits_for_a_recording_started_while_it_closes(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop, history: HistoryStore
) -> None:
    pipeline = _LateResponsePipeline(history)
    sends = SendController(pipeline)
    closed = False
    late: list[str] = []
    sends.finished.connect(lambda tab_id, _o: late.append("finished") if closed else None)
    sends.recorded.connect(lambda _id: late.append("recorded") if closed else None)
    sends.recording_failed.connect(lambda _m: late.append("recording_failed") if closed else None)
    with qtbot.waitSignal(sends.started, timeout=1000):
        _send(sends, _tab("{{host}}/slow"))
    qtbot.waitUntil(pipeline.entered.is_set, timeout=5000)

    closing = qt_loop.create_task(sends.aclose())
    qtbot.waitUntil(closing.done, timeout=5000)
    closed = True
    assert closing.exception() is None
    # The response that beat the cancel started a recording while aclose ran; aclose saw it
    # through before returning, and nothing of the controller is left running.
    assert pipeline.recordings_started == 1
    assert pipeline.recordings_ended == 1
    assert not sends.in_flight()
    assert all(task.done() for task in asyncio.all_tasks(qt_loop) if task is not closing)
    _delete_and_pump(qtbot, sends)
    assert late == []
    assert pipeline.recordings_started == 1


def test_aclose_ends_a_recording_in_flight_before_the_controller_goes(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop, history: HistoryStore
) -> None:
    pipeline = _LateResponsePipeline(history)
    sends = SendController(pipeline)
    recorded: list[int] = []
    sends.recorded.connect(recorded.append)
    outcome = Outcome(OutcomeKind.RESPONDED)
    sends._record(outcome)  # as the timer after a response does
    qtbot.waitUntil(lambda: pipeline.recordings_started == 1, timeout=5000)

    closing = qt_loop.create_task(sends.aclose())
    qtbot.waitUntil(closing.done, timeout=5000)
    assert closing.exception() is None
    assert pipeline.recordings_ended == 1
    _delete_and_pump(qtbot, sends)
    assert recorded == []


# --- the collection watcher -----------------------------------------------------------------


@dataclass
class Watched:
    root: Path
    collections: CollectionService
    watcher: CollectionWatcher

    def request_at(self, rel: str) -> SavedRequest | None:
        node = self.collections.find(Path(rel))
        return node.request if node is not None else None


@pytest.fixture
def watched(qtbot: Any, tmp_path: Path, qt_loop: asyncio.AbstractEventLoop) -> Iterator[Watched]:
    root = tmp_path / "api"
    store = create_collection(root, "API")
    store.new_folder(Path("."), "Payments")
    store.new_request(Path("payments"), SavedRequest("List payments", url="/payments"))
    collections = CollectionService(Workspace())
    watcher = CollectionWatcher(collections, delay_ms=50)
    collections.open(root)
    yield Watched(root, collections, watcher)
    collections.shut_down()
    Shiboken.delete(watcher)


def test_the_watcher_watches_what_the_service_says(watched: Watched) -> None:
    existing = {str(path) for path in watched.collections.watched_paths() if path.exists()}
    assert watched.watcher.watched() == existing
    assert str(watched.root / "payments/list-payments.request.yaml") in existing
    watched.collections.close()
    assert watched.watcher.watched() == set()


def test_outside_changes_reload_the_collection(qtbot: Any, watched: Watched) -> None:
    root, collections, watcher = watched.root, watched.collections, watched.watcher
    rel = "payments/list-payments.request.yaml"
    loads: list[CollectionEvent] = []
    collections.subscribe(loads.append)

    # An editor writing in place.
    (root / rel).write_text(dump_request(SavedRequest("List payments", url="/v2")))
    edited = SavedRequest("List payments", url="/v2")
    qtbot.waitUntil(lambda: watched.request_at(rel) == edited, timeout=5000)

    # git replacing the file (a new file renamed over it), twice: the watch follows the file.
    for url in ("/v3", "/v4"):
        fresh = root / "payments" / ".fresh.tmp"
        fresh.write_text(dump_request(SavedRequest("List payments", url=url)))
        os.replace(fresh, root / rel)
        replaced = SavedRequest("List payments", url=url)
        qtbot.waitUntil(lambda replaced=replaced: watched.request_at(rel) == replaced, timeout=5000)
        qtbot.waitUntil(lambda: str(root / rel) in watcher.watched(), timeout=5000)

    # A new file in a folder, and a new folder with a file in it.
    (root / "payments" / "refund.request.yaml").write_text("name: Refund\n")
    qtbot.waitUntil(
        lambda: watched.request_at("payments/refund.request.yaml") is not None, timeout=5000
    )
    (root / "users").mkdir()
    qtbot.waitUntil(lambda: collections.find(Path("users")) is not None, timeout=5000)
    (root / "users" / "list.request.yaml").write_text("name: Users\n")
    qtbot.waitUntil(lambda: watched.request_at("users/list.request.yaml") is not None, timeout=5000)
    assert loads and all(isinstance(event, CollectionLoaded) for event in loads)


def _collection(root: Path, name: str) -> Path:
    store = create_collection(root, name)
    store.new_request(Path("."), SavedRequest("Ping", url="/ping"))
    return store.root


def _reports(watcher: CollectionWatcher) -> list[tuple[str, object]]:
    seen: list[tuple[str, object]] = []
    watcher.opened.connect(lambda root: seen.append(("opened", root)))
    watcher.open_failed.connect(lambda text: seen.append(("failed", text)))
    return seen


def test_the_watcher_opens_a_collection_off_the_gui_thread(
    qtbot: Any, watched: Watched, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = _collection(tmp_path / "other", "Other")
    threads: list[str] = []
    real = CollectionStore.load

    def load(store: CollectionStore) -> Any:
        threads.append(threading.current_thread().name)
        return real(store)

    monkeypatch.setattr(CollectionStore, "load", load)
    seen = _reports(watched.watcher)
    with qtbot.waitSignal(watched.watcher.opened, timeout=5000):
        watched.watcher.open(other)
        assert watched.collections.root == watched.root  # not yet: it is being read
    assert seen == [("opened", other)]
    assert threads and threading.current_thread().name not in threads
    assert watched.collections.root == other
    assert watched.collections.find(Path("ping.request.yaml")) is not None
    assert str(other / "ping.request.yaml") in watched.watcher.watched()


def test_an_open_overtaken_by_a_later_one_is_never_reported(
    qtbot: Any, watched: Watched, tmp_path: Path
) -> None:
    first = _collection(tmp_path / "first", "First")
    second = _collection(tmp_path / "second", "Second")
    seen = _reports(watched.watcher)
    with qtbot.waitSignal(watched.watcher.opened, timeout=5000):
        watched.watcher.open(first)
        watched.watcher.open(second)
    qtbot.wait(50)  # the first one's task has ended too (the worker reads in order)
    assert seen == [("opened", second)]
    assert watched.collections.root == second


def test_what_cannot_be_opened_is_a_sentence(
    qtbot: Any, watched: Watched, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _reports(watched.watcher)
    nowhere = tmp_path / "nowhere"
    with qtbot.waitSignal(watched.watcher.open_failed, timeout=5000):
        watched.watcher.open(nowhere)
    assert seen == [("failed", f"The collection in {nowhere} could not be opened: not a folder.")]

    # Even what nobody foresaw: a sentence for the user, the traceback in the log.
    other = _collection(tmp_path / "other", "Other")

    def load(store: CollectionStore) -> Any:
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(CollectionStore, "load", load)
    seen.clear()
    with qtbot.waitSignal(watched.watcher.open_failed, timeout=5000):
        watched.watcher.open(other)
    assert seen == [
        ("failed", f"The collection in {other} could not be opened: the disk caught fire")
    ]
    assert watched.collections.root == watched.root


def test_without_a_running_loop_the_watcher_opens_at_once(qtbot: Any, tmp_path: Path) -> None:
    collections = CollectionService(Workspace())
    watcher = CollectionWatcher(collections)
    other = _collection(tmp_path / "other", "Other")
    seen = _reports(watcher)
    watcher.open(other)
    watcher.open(tmp_path / "nowhere")
    assert seen == [
        ("opened", other),
        ("failed", f"The collection in {tmp_path / 'nowhere'} could not be opened: not a folder."),
    ]
    assert collections.root == other
    collections.shut_down()
    Shiboken.delete(watcher)

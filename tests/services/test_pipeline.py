"""The Qt-free send pipeline: refusals, signing at send time, outcomes, assertions, history."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

from app.core.assertions import (
    Assertion,
    AssertionResult,
    Expected,
    Operator,
    check_assertions,
)
from app.core.collection import AuthKind, AuthSpec, Environment, SavedRequest
from app.core.exchange import Exchange
from app.core.outcome import FailureKind
from app.core.request import KeyValue
from app.demo import DemoServer
from app.demo.server import DEMO_MAC_ID, DEMO_MAC_KEY
from app.services.pipeline import Outcome, OutcomeKind, Pipeline, Refusal, SendPlan
from app.services.workspace import Workspace
from app.storage.history import HistoryEntry, HistoryStore
from tests.services.pipeline_support import Api, closed_port, mock_pipeline, secret_workspace

_T = TypeVar("_T")


def run_with(pipeline: Pipeline, work: Callable[[Pipeline], Awaitable[_T]]) -> _T:
    """``work(pipeline)`` on a fresh loop, then the pipeline closed."""

    async def main() -> _T:
        try:
            return await work(pipeline)
        finally:
            await pipeline.aclose()

    return asyncio.run(main())


@pytest.fixture
def history(tmp_path: Path) -> Iterator[HistoryStore]:
    store = HistoryStore(tmp_path / "history")
    yield store
    store.close()


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server


def _protected() -> Workspace:
    workspace = Workspace(app_variables={"host": "https://api.test"})
    # As if selected from a collection: the pipeline only reads ``environment``.
    workspace.environment = Environment("live", protected=True)
    return workspace


# --- refusals: nothing is sent ---------------------------------------------------------------


def test_an_undefined_variable_is_refused_with_a_sentence_naming_it() -> None:
    api = Api()
    pipeline = mock_pipeline(api)
    request = SavedRequest("Get", url="{{host}}/payments/{{payment_id}}")

    plan = pipeline.plan(request)
    outcome = run_with(pipeline, lambda p: p.run(request))

    assert isinstance(plan, Refusal) and not plan.unprepared
    assert "{{payment_id}}" in plan.message and "not defined" in plan.message
    assert "{{host}}" not in plan.message  # defined: not blamed
    assert outcome.kind is OutcomeKind.REFUSED and outcome.message == plan.message
    assert not outcome.passed
    assert api.requests == []


def test_a_protected_environment_refuses_a_change_when_no_one_can_be_asked() -> None:
    pipeline = mock_pipeline(Api(), _protected())
    refusal = pipeline.plan(SavedRequest("Delete", method="DELETE", url="{{host}}/payments/1"))
    assert isinstance(refusal, Refusal)
    assert '"live" is a protected environment' in refusal.message
    assert "DELETE" in refusal.message and "--allow-protected" in refusal.message
    # Reading is never asked about.
    assert isinstance(pipeline.plan(SavedRequest("Get", url="{{host}}/payments")), SendPlan)


def test_a_protected_environment_asks_and_no_means_nothing_is_sent() -> None:
    api = Api()
    pipeline = mock_pipeline(api, _protected())
    request = SavedRequest("Delete", method="DELETE", url="{{host}}/payments/1")
    questions: list[tuple[str, str]] = []

    def answer(reply: bool) -> Callable[[str, str], bool]:
        def confirm(title: str, text: str) -> bool:
            questions.append((title, text))
            return reply

        return confirm

    refused = pipeline.plan(request, confirm=answer(False))
    assert refused == Refusal("Not sent: you chose not to.")
    accepted = pipeline.plan(request, confirm=answer(True))
    assert isinstance(accepted, SendPlan)
    assert [title for title, _ in questions] == ["Send to live?", "Send to live?"]
    assert "DELETE https://api.test/payments/1" in questions[0][1]

    outcome = run_with(pipeline, lambda p: p.execute(accepted))
    assert outcome.kind is OutcomeKind.RESPONDED
    assert [(r.method, str(r.url)) for r in api.requests] == [
        ("DELETE", "https://api.test/payments/1")
    ]


def test_allow_protected_sends_without_asking() -> None:
    api = Api()
    pipeline = mock_pipeline(api, _protected())
    request = SavedRequest("Create", method="POST", url="{{host}}/payments", body="{}")

    def never(_title: str, _text: str) -> bool:
        raise AssertionError("allow_protected must not ask")

    assert isinstance(pipeline.plan(request, confirm=never, allow_protected=True), SendPlan)
    outcome = run_with(pipeline, lambda p: p.run(request, allow_protected=True))
    assert outcome.kind is OutcomeKind.RESPONDED
    assert [r.method for r in api.requests] == ["POST"]


def test_a_bad_json_body_is_unprepared_and_not_sent() -> None:
    api = Api()
    pipeline = mock_pipeline(api)
    request = SavedRequest("Create", method="POST", url="{{host}}/payments", body='{"a": 1,}')
    plan = pipeline.plan(request)
    outcome = run_with(pipeline, lambda p: p.run(request))
    assert isinstance(plan, Refusal) and plan.unprepared
    assert "JSON body is not valid" in plan.message
    assert outcome.kind is OutcomeKind.REFUSED
    assert api.requests == []


def test_a_missing_auth_value_is_refused_at_sign_time_and_nothing_is_sent() -> None:
    api = Api()
    pipeline = mock_pipeline(api)
    request = SavedRequest("Get", url="{{host}}/x", auth=AuthSpec(AuthKind.BEARER, ()))
    plan = pipeline.plan(request)
    assert isinstance(plan, SendPlan)
    outcome = run_with(pipeline, lambda p: p.execute(plan))
    assert outcome.kind is OutcomeKind.REFUSED and "token" in outcome.message
    assert api.requests == []


# --- sending ---------------------------------------------------------------------------------


def test_a_mac_is_signed_at_send_time_with_a_fresh_nonce_each_send(demo: DemoServer) -> None:
    pipeline = Pipeline(Workspace())
    auth = AuthSpec(AuthKind.PAYSERA_MAC, (("mac_id", DEMO_MAC_ID), ("mac_key", DEMO_MAC_KEY)))
    plan = pipeline.plan(
        SavedRequest("MAC wallet", url="/mac/wallet", auth=auth),
        base_url=f"{demo.base_url}/rest/v1",
    )
    assert isinstance(plan, SendPlan)
    assert plan.prepared.header("Authorization") is None  # not signed when planned

    async def twice(p: Pipeline) -> list[Outcome]:
        return [await p.execute(plan), await p.execute(plan)]

    first, second = run_with(pipeline, twice)
    nonces = []
    for outcome in (first, second):
        # The demo refuses a replayed nonce: two 200s mean two signatures.
        assert outcome.kind is OutcomeKind.RESPONDED, outcome.message
        assert outcome.exchange is not None and outcome.exchange.response.status == 200
        assert outcome.request is not None
        header = outcome.request.header("Authorization")
        assert header is not None and header.startswith("MAC ")
        nonce = re.search(r'nonce="([^"]+)"', header)
        assert nonce is not None
        nonces.append(nonce.group(1))
    assert nonces[0] != nonces[1]


def test_connection_refused_is_a_failed_outcome_with_a_sentence() -> None:
    pipeline = Pipeline(Workspace())
    url = f"http://127.0.0.1:{closed_port()}/payments"
    outcome = run_with(pipeline, lambda p: p.run(SavedRequest("Get", url=url), timeout_seconds=5))
    assert outcome.kind is OutcomeKind.FAILED
    assert outcome.failure is not None
    assert outcome.failure.kind is FailureKind.CONNECTION_REFUSED
    assert outcome.exchange is None and not outcome.passed
    assert outcome.request is not None and outcome.request.url == url
    assert outcome.message.endswith(".") and "Traceback" not in outcome.message


def test_a_big_body_is_read_and_checked_in_the_worker_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    import app.services.pipeline as pipeline_module

    body = b'{"items": [' + b",".join(b'{"id": %d}' % i for i in range(20_000)) + b"]}"
    assert len(body) > 64 * 1024
    threads: list[str] = []

    def spy(assertions: tuple[Assertion, ...], exchange: Exchange) -> tuple[AssertionResult, ...]:
        threads.append(threading.current_thread().name)
        return check_assertions(assertions, exchange)

    monkeypatch.setattr(pipeline_module, "check_assertions", spy)
    pipeline = mock_pipeline(
        Api(
            lambda _r: httpx.Response(
                200, headers={"Content-Type": "application/json"}, content=body
            )
        )
    )
    check = Assertion.path("$.items[19999].id", Operator.EQUALS, Expected.number("19999"))
    outcome = run_with(
        pipeline, lambda p: p.run(SavedRequest("Big", url="{{host}}/x", assertions=(check,)))
    )
    assert outcome.passed
    assert threads and threads[0].startswith("pipeline")  # not the loop's thread


def test_assertions_are_checked_into_the_outcome() -> None:
    def respond(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            headers={"Content-Type": "application/json"},
            content=b'{"id": 7, "rate": 1.10, "price": {"amount": "10.12"}}',
        )

    pipeline = mock_pipeline(Api(respond))
    passing = (
        Assertion.status(200),
        Assertion.path("$.rate", Operator.EQUALS, Expected.number("1.1")),
        Assertion.path("$.price.amount", Operator.EQUALS, Expected.string("10.12")),
    )
    failing = (
        Assertion.status(201),
        Assertion.path("$.price.amount", Operator.EQUALS, Expected.number("10.12")),
    )
    request = SavedRequest("Get", url="{{host}}/x", assertions=passing + failing)

    outcome = run_with(pipeline, lambda p: p.run(request))

    assert outcome.kind is OutcomeKind.RESPONDED
    assert [r.assertion for r in outcome.assertions] == list(passing + failing)
    assert [r.passed for r in outcome.assertions] == [True, True, True, False, False]
    assert outcome.assertions[3].actual == "200"
    assert not outcome.passed

    only_passing = SavedRequest("Get", url="{{host}}/x", assertions=passing)
    assert run_with(mock_pipeline(Api(respond)), lambda p: p.run(only_passing)).passed


def test_a_cancelled_execute_raises_cancelled_error() -> None:
    api = Api()
    pipeline = mock_pipeline(api)
    plan = pipeline.plan(SavedRequest("Slow", url="{{host}}/slow"))
    assert isinstance(plan, SendPlan)

    async def cancel_it(p: Pipeline) -> None:
        task = asyncio.get_running_loop().create_task(p.execute(plan))
        await asyncio.wait_for(api.entered.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run_with(pipeline, cancel_it)
    assert api.paths == ["/slow"]


# --- history ---------------------------------------------------------------------------------


def test_record_writes_history_with_secrets_redacted(tmp_path: Path, history: HistoryStore) -> None:
    token = "tok-Zx81-secret"

    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={"you_sent": request.headers["Authorization"], "query": str(request.url)},
            headers={"X-Echo": request.headers["Authorization"]},
        )

    api = Api(echo)
    pipeline = mock_pipeline(api, secret_workspace(tmp_path, token), history)
    request = SavedRequest(
        "Echo",
        method="POST",
        url="{{host}}/echo?key={{token}}",
        headers=(KeyValue("Authorization", "Bearer {{token}}"),),
        body='{"token": "{{token}}"}',
    )

    async def send_and_record(p: Pipeline) -> int | None:
        outcome = await p.run(request)  # run() records
        assert outcome.kind is OutcomeKind.RESPONDED
        return await p.record(outcome)  # and record() again returns the new entry's id

    entry_id = run_with(pipeline, send_and_record)

    # The secret did go out ...
    assert api.requests[0].headers["Authorization"] == f"Bearer {token}"
    # ... and history holds it nowhere, only its marker.
    assert entry_id is not None
    entries = history.search()
    assert len(entries) == 2
    entry = history.get(entry_id)
    assert entry is not None and entry.status == 200
    stored = [
        entry.url,
        repr(entry.request_headers),
        entry.request_body.decode(),
        repr(entry.response_headers),
        entry.response_body.decode(),
    ]
    for text in stored:
        assert token not in text
    assert "«secret:token»" in entry.url
    assert "«secret:token»" in entry.response_body.decode()


def test_record_skips_refusals_and_pipelines_without_history(history: HistoryStore) -> None:
    refused = run_with(
        mock_pipeline(Api(), history=history),
        lambda p: p.run(SavedRequest("Get", url="{{nowhere}}/x")),
    )
    assert refused.kind is OutcomeKind.REFUSED
    assert run_with(mock_pipeline(Api(), history=history), lambda p: p.record(refused)) is None
    without = mock_pipeline(Api())
    sent = run_with(without, lambda p: p.run(SavedRequest("Get", url="{{host}}/x")))
    assert run_with(mock_pipeline(Api()), lambda p: p.record(sent)) is None
    assert history.search() == []


def test_a_failure_is_recorded_with_its_sentence(history: HistoryStore) -> None:
    url = f"http://127.0.0.1:{closed_port()}/x"
    pipeline = Pipeline(Workspace(), history=history)
    outcome = run_with(pipeline, lambda p: p.run(SavedRequest("Get", url=url), timeout_seconds=5))
    [summary] = history.search()
    assert summary.status is None and summary.url == url
    assert summary.failure == outcome.message


def test_open_history_entry_returns_the_exchange(history: HistoryStore) -> None:
    def respond(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            404,
            headers={"paysera-correlation-id": "c-42"},
            json={"error": "not_found", "error_description": "No payment 9"},
        )

    pipeline = mock_pipeline(Api(respond), history=history)

    async def send_then_open(p: Pipeline) -> tuple[HistoryEntry, Exchange | None, int]:
        plan = p.plan(SavedRequest("Get", url="{{host}}/payments/9"))
        assert isinstance(plan, SendPlan)
        outcome = await p.execute(plan)
        entry_id = await p.record(outcome)
        assert entry_id is not None
        entry, exchange = await p.open_history_entry(entry_id)
        with pytest.raises(LookupError, match="gone"):
            await p.open_history_entry(entry_id + 1000)
        return entry, exchange, entry_id

    entry, exchange, entry_id = run_with(pipeline, send_then_open)
    assert entry.id == entry_id
    assert exchange is not None and exchange.error is not None
    assert exchange.request.url == "https://api.test/payments/9"
    assert exchange.response.status == 404
    assert exchange.error.code == "not_found"
    assert exchange.error.correlation_id == "c-42"
    assert exchange.document == {"error": "not_found", "error_description": "No payment 9"}


def test_open_history_entry_without_history_is_a_lookup_error() -> None:
    with pytest.raises(LookupError):
        run_with(mock_pipeline(Api()), lambda p: p.open_history_entry(1))


def test_a_secret_in_the_host_name_is_masked_in_the_failure(tmp_path: Path) -> None:
    token = "tenant-7f3a9c.invalid"  # .invalid never resolves: a DNS failure names the host
    pipeline = Pipeline(secret_workspace(tmp_path, token))
    request = SavedRequest("Get", url="http://{{token}}/payments")
    outcome = run_with(pipeline, lambda p: p.run(request, timeout_seconds=5))
    assert outcome.kind is OutcomeKind.FAILED
    assert outcome.failure is not None and outcome.failure.kind is FailureKind.DNS
    assert token not in outcome.message
    assert "«secret:token»" in outcome.message


def test_httpcore_log_lines_mask_the_secrets_of_requests_in_flight(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    token = "k3y-5ecret-value"
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            head = b""
            while b"\r\n\r\n" not in head:
                head += conn.recv(65536)
            target = head.split(b" ")[1]
            # A Location that repeats the query, as redirects and API gateways do.
            location = b"Location: " + target + b"&page=2\r\n"
            conn.sendall(b"HTTP/1.1 302 Found\r\n" + location + b"Content-Length: 0\r\n\r\n")

    threading.Thread(target=serve, daemon=True).start()
    port = listener.getsockname()[1]
    pipeline = Pipeline(secret_workspace(tmp_path, token))
    request = SavedRequest("Get", url=f"http://127.0.0.1:{port}/items?key={{{{token}}}}")
    with (
        caplog.at_level(logging.DEBUG, logger="httpcore"),
        caplog.at_level(logging.DEBUG, logger="httpx"),
    ):
        outcome = run_with(pipeline, lambda p: p.run(request, timeout_seconds=5))
        failed = run_with(
            Pipeline(secret_workspace(tmp_path / "dns", "tenant-7f3a9c.invalid")),
            lambda p: p.run(SavedRequest("Get", url="http://{{token}}/"), timeout_seconds=5),
        )
    listener.close()
    assert outcome.kind is OutcomeKind.RESPONDED and failed.kind is OutcomeKind.FAILED
    messages = [record.getMessage() for record in caplog.records]
    logged = "\n".join(messages)
    assert "receive_response_headers" in logged and "connect_tcp" in logged
    assert token not in logged and "tenant-7f3a9c.invalid" not in logged
    assert "«secret:token»" in logged

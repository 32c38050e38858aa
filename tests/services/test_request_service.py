"""RequestService on a real qasync loop; MockTransport stands in for the network here only."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from app.core.outcome import FailureKind
from app.core.prepare import PreparedRequest
from app.http.client import HttpClient
from app.services.request_service import FailedRequest, ReceivedResponse, RequestService


def _request(url: str = "https://api.test/x") -> PreparedRequest:
    return PreparedRequest("GET", url, (("Accept", "application/json"),), b"", 5.0)


def _service(handler: Any) -> RequestService:
    return RequestService(HttpClient(transport=httpx.MockTransport(handler)))


def test_response_is_parsed_and_decoded(qtbot: Any, qt_loop: asyncio.AbstractEventLoop) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            404,
            headers={"Content-Type": "application/json", "paysera-correlation-id": "c-1"},
            content=b'{"error": "not_found", "error_description": "No such payment"}',
        )

    service = _service(handler)
    with qtbot.waitSignal(service.response_received, timeout=5000) as blocker:
        request_id = service.send(_request())
    received: ReceivedResponse = blocker.args[0]
    assert received.request_id == request_id
    exchange = received.exchange
    assert exchange.is_json
    assert exchange.error is not None and exchange.error.code == "not_found"
    assert exchange.error.correlation_id == "c-1"
    assert not service.in_flight()


def test_cancel_before_the_task_ran_still_reports_cancelled(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop
) -> None:
    service = _service(lambda request: httpx.Response(200))
    with qtbot.waitSignal(service.request_cancelled, timeout=5000) as blocker:
        request_id = service.send(_request())
        service.cancel(request_id)
    assert blocker.args == [request_id]
    assert not service.in_flight()


def test_transport_failure_becomes_failed_request(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    service = _service(handler)
    with qtbot.waitSignal(service.request_failed, timeout=5000) as blocker:
        service.send(_request())
    failed: FailedRequest = blocker.args[0]
    assert failed.failure.kind is FailureKind.TIMEOUT
    assert "5 seconds" in failed.failure.message


def test_unexpected_exception_is_a_sentence_not_a_crash(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop
) -> None:
    class Exploding(HttpClient):
        async def send(self, prepared: PreparedRequest, settings: Any = None) -> Any:
            raise RuntimeError("boom")

    service = RequestService(Exploding())
    with qtbot.waitSignal(service.request_failed, timeout=5000) as blocker:
        service.send(_request())
    failed: FailedRequest = blocker.args[0]
    assert failed.failure.kind is FailureKind.OTHER
    assert "boom" in failed.failure.message


def test_each_request_reports_under_its_own_id(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop
) -> None:
    service = _service(lambda request: httpx.Response(200, json={"path": request.url.path}))
    seen: dict[int, object] = {}
    service.response_received.connect(lambda r: seen.__setitem__(r.request_id, r.exchange.document))
    first = service.send(_request("https://api.test/a"))
    second = service.send(_request("https://api.test/b"))
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    assert seen == {first: {"path": "/a"}, second: {"path": "/b"}}


def test_aclose_cancels_in_flight_requests(qtbot: Any, qt_loop: asyncio.AbstractEventLoop) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(30)
        return httpx.Response(200)

    service = RequestService(HttpClient(transport=httpx.MockTransport(slow)))
    cancelled: list[int] = []
    service.request_cancelled.connect(cancelled.append)
    request_id = service.send(_request())
    closing = qt_loop.create_task(service.aclose())
    qtbot.waitUntil(closing.done, timeout=5000)
    assert cancelled == [request_id]

"""The one asyncio <-> Qt seam: sends requests as tasks on the qasync loop.

It keeps a strong reference to every task (the loop only keeps weak ones), and reports
every end through a typed signal emitted from the task's done-callback, so that a task
cancelled before it ever ran still reports ``request_cancelled``.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from app.core.collection import AuthSpec
from app.core.exchange import Exchange, read_exchange
from app.core.outcome import FailureKind, TransportFailure
from app.core.prepare import PreparedRequest
from app.core.transport import TransportSettings
from app.http.auth import apply_auth
from app.http.client import HttpClient, SendFailed

__all__ = ["FailedRequest", "ReceivedResponse", "RequestService"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReceivedResponse:
    """A complete response arrived for request ``request_id``."""

    request_id: int
    exchange: Exchange


@dataclass(frozen=True, slots=True)
class FailedRequest:
    """Request ``request_id`` ended without a complete response."""

    request_id: int
    request: PreparedRequest
    failure: TransportFailure


class RequestService(QObject):
    """Sends requests without blocking the window; at most one task per request id."""

    request_started = Signal(int)
    response_received = Signal(object)  # ReceivedResponse
    request_failed = Signal(object)  # FailedRequest
    request_cancelled = Signal(int)

    def __init__(self, client: HttpClient | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._client = client or HttpClient()
        self._tasks: dict[int, asyncio.Task[Exchange]] = {}
        self._requests: dict[int, PreparedRequest] = {}
        self._ids = itertools.count(1)
        # Our own pool, not the loop's default: qasync's default executor runs QThreads that
        # outlive a test's loop and abort at exit ("QThread: Destroyed while ... running").
        self._parser = ThreadPoolExecutor(max_workers=1, thread_name_prefix="response-parser")

    def send(
        self,
        request: PreparedRequest,
        auth: AuthSpec | None = None,
        settings: TransportSettings | None = None,
    ) -> int:
        """Sign ``request`` with ``auth`` and start sending it; returns its id.

        Signing happens here, at send time, over the exact URL and body bytes, so a MAC
        gets a fresh timestamp and nonce on every send. Raises ``AuthNotApplicable`` (a
        ``RequestNotSendable``) when the auth lacks a value. Needs a running asyncio loop.
        """
        if auth is not None:
            request = apply_auth(request, auth)
        request_id = next(self._ids)
        task = asyncio.get_running_loop().create_task(
            self._exchange(request, settings or TransportSettings())
        )
        self._tasks[request_id] = task
        self._requests[request_id] = request
        task.add_done_callback(functools.partial(self._on_task_done, request_id))
        self.request_started.emit(request_id)
        return request_id

    def cancel(self, request_id: int | None = None) -> None:
        """Cancel one request, or every request in flight when ``request_id`` is None."""
        ids = list(self._tasks) if request_id is None else [request_id]
        for rid in ids:
            task = self._tasks.get(rid)
            if task is not None:
                task.cancel()

    def in_flight(self) -> bool:
        return bool(self._tasks)

    async def aclose(self) -> None:
        """Cancel everything in flight, then close the HTTP client."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._parser.shutdown(wait=False, cancel_futures=True)
        await self._client.aclose()

    async def _exchange(self, request: PreparedRequest, settings: TransportSettings) -> Exchange:
        response = await self._client.send(request, settings)
        # Parsing a 50 MB body takes a while: keep it off the loop so the window repaints.
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._parser, read_exchange, request, response)

    def _on_task_done(self, request_id: int, task: asyncio.Task[Exchange]) -> None:
        self._tasks.pop(request_id, None)
        request = self._requests.pop(request_id)
        if task.cancelled():
            self.request_cancelled.emit(request_id)
            return
        exc = task.exception()
        if exc is None:
            self.response_received.emit(ReceivedResponse(request_id, task.result()))
        elif isinstance(exc, SendFailed):
            self.request_failed.emit(FailedRequest(request_id, request, exc.failure))
        else:
            _log.error("request %s failed unexpectedly", request_id, exc_info=exc)
            failure = TransportFailure(
                FailureKind.OTHER,
                f"The request could not be completed: {exc}. Try again; if it happens again, "
                "please report it with this message.",
            )
            self.request_failed.emit(FailedRequest(request_id, request, failure))

"""Sending a tab's request: from "Send" to what the tab shows and what history keeps.

``SendController`` resolves a tab's request in the ``Workspace``, refuses what cannot be
sent (with a sentence saying why), starts it through ``RequestService``, remembers which
tab each request belongs to and reports only a tab's latest request back to it. It also
runs the clock check of the error panel and records every ended request in history once
the response is on screen. The window keeps only the questions (``confirm``) and the
drawing; everything here reports through signals carrying tab ids.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, QTimer, Signal

from app.core.clock import describe_skew, server_time_of, server_time_url
from app.core.collection import AuthSpec
from app.core.exchange import Exchange
from app.core.prepare import RequestNotSendable, prepare_request
from app.core.request import RequestSpec
from app.core.tabs import OpenTab
from app.core.variables import redact, unresolved_message
from app.services.request_service import FailedRequest, ReceivedResponse, RequestService
from app.services.workspace import Workspace
from app.storage.history import HistoryError, HistoryStore

__all__ = ["Confirm", "SendController"]

# Methods that do not change data: a protected environment sends them without asking.
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

Confirm = Callable[[str, str], bool]
"""Asks the user yes or no: ``confirm(title, text)``; the window shows the question."""


class SendController(QObject):
    """Sends tabs' requests through ``service`` and reports per tab.

    A tab has at most one request in flight: a new send cancels the previous one, but only
    once the new one really went out (a request refused for its auth leaves the previous
    running). Results of a request that is no longer its tab's latest are not reported to
    the tab, though history records them.
    """

    refused = Signal(str, str)  # tab id, why nothing was sent
    unprepared = Signal(str, str)  # tab id, why the request as built cannot be sent
    sending = Signal(str, str, str)  # tab id, method, URL with secrets masked
    responded = Signal(str, object, object, object)  # tab id, Exchange, secrets, warning
    # tab id, TransportFailure, PreparedRequest, secrets, warning
    failed = Signal(str, object, object, object, object)
    cancelled = Signal(str)  # tab id
    clock_checked = Signal(str, str)  # tab id, a sentence about the clock
    recorded = Signal()  # history has a new entry
    recording_failed = Signal(str)  # a sentence saying history missed a request

    def __init__(
        self,
        service: RequestService,
        workspace: Workspace,
        history: HistoryStore,
        confirm: Confirm,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._workspace = workspace
        self._history = history
        self._confirm = confirm
        self._in_flight: dict[str, int] = {}  # tab id -> request id
        self._request_tab: dict[int, str] = {}
        self._request_secrets: dict[int, Mapping[str, str]] = {}
        self._request_warnings: dict[int, str] = {}
        self._request_auth: dict[int, AuthSpec] = {}
        self._clock_checks: dict[int, str] = {}  # request id -> tab id
        self._last_exchange: dict[str, Exchange] = {}
        service.response_received.connect(self._on_service_response_received)
        service.request_failed.connect(self._on_service_request_failed)
        service.request_cancelled.connect(self._on_service_request_cancelled)

    # --- sending -----------------------------------------------------------------------------
    def send(self, tab: OpenTab, *, base_url: str, timeout_seconds: float) -> None:
        """Send ``tab``'s request; a request of that tab still in flight is cancelled.

        ``base_url`` and ``timeout_seconds`` are the window's fallbacks (see
        ``Workspace.resolve``). Reports ``refused``/``unprepared`` or ``sending``.
        """
        workspace = self._workspace
        resolved = workspace.resolve(
            tab.current, tab.source, base_url=base_url, timeout_seconds=timeout_seconds
        )
        unresolved = [
            *resolved.unresolved,
            *workspace.transport_unresolved(tab.current, tab.source),
        ]
        if unresolved:
            env = workspace.environment
            message = unresolved_message(dict.fromkeys(unresolved), env.name if env else None)
            if workspace.problem:
                # A secret that could not be read is not "undefined": say what really failed.
                message = f"{workspace.problem} {message}"
            self.refused.emit(tab.id, message)
            return
        try:
            prepared = prepare_request(resolved.spec)
        except RequestNotSendable as exc:
            self.unprepared.emit(tab.id, str(exc))
            return
        env = workspace.environment
        if (
            env is not None
            and env.protected
            and prepared.method not in _SAFE_METHODS
            and not self._confirm(
                f"Send to {env.name}?",
                f'"{env.name}" is a protected environment. Send {prepared.method} '
                f"{prepared.url}? It may change data there.",
            )
        ):
            self.refused.emit(tab.id, "Not sent: you chose not to.")
            return
        transport = workspace.transport(tab.current, tab.source)
        warning = workspace.verification_warning(prepared.url)
        try:
            request_id = self._service.send(prepared, resolved.auth, transport)
        except RequestNotSendable as exc:
            # Refused before anything went out: the tab's request in flight runs on.
            self.refused.emit(tab.id, str(exc))
            return
        previous = self._in_flight.pop(tab.id, None)
        if previous is not None:
            self._service.cancel(previous)
        self._in_flight[tab.id] = request_id
        self._request_auth[request_id] = workspace.auth_of(tab.current, tab.source)
        self._request_tab[request_id] = tab.id
        self._request_secrets[request_id] = resolved.secrets_used
        if warning:
            self._request_warnings[request_id] = warning
        self.sending.emit(tab.id, prepared.method, redact(prepared.url, resolved.secrets_used))

    def cancel(self, tab_id: str) -> None:
        """Cancel the tab's request in flight, if any (``cancelled`` follows)."""
        request_id = self._in_flight.get(tab_id)
        if request_id is not None:
            self._service.cancel(request_id)

    def forget_tab(self, tab_id: str) -> None:
        """The tab is gone: cancel its request in flight without reporting to it."""
        request_id = self._in_flight.pop(tab_id, None)
        if request_id is not None:
            self._service.cancel(request_id)
        self._last_exchange.pop(tab_id, None)

    def in_flight(self, tab_id: str) -> bool:
        return tab_id in self._in_flight

    def _finish(self, request_id: int) -> str | None:
        """The tab the request belonged to, if the request is still that tab's latest."""
        self._request_secrets.pop(request_id, None)
        self._request_warnings.pop(request_id, None)
        self._request_auth.pop(request_id, None)
        tab_id = self._request_tab.pop(request_id, None)
        if tab_id is None or self._in_flight.get(tab_id) != request_id:
            return None
        del self._in_flight[tab_id]
        return tab_id

    # --- clock check -------------------------------------------------------------------------
    def check_clock(self, tab: OpenTab, *, timeout_seconds: float) -> None:
        """Ask the API of the tab's last response for its time (``GET /rest/v1/server``,
        no auth); ``clock_checked`` says how far this computer's clock is off."""
        exchange = self._last_exchange.get(tab.id)
        if exchange is None:
            return
        url = server_time_url(exchange.request.url)
        try:
            prepared = prepare_request(RequestSpec("GET", url, timeout_seconds=timeout_seconds))
            request_id = self._service.send(
                prepared, None, self._workspace.transport(tab.current, tab.source)
            )
        except RequestNotSendable as exc:
            self.clock_checked.emit(tab.id, str(exc))
            return
        self._clock_checks[request_id] = tab.id
        self.clock_checked.emit(tab.id, f"Asking {url} for its time…")

    # --- results -----------------------------------------------------------------------------
    def _on_service_response_received(self, received: ReceivedResponse) -> None:
        exchange = received.exchange
        error = exchange.error
        secrets = self._request_secrets.get(received.request_id, {})
        warning = self._request_warnings.get(received.request_id)
        auth = self._request_auth.get(received.request_id)
        clock_tab = self._clock_checks.pop(received.request_id, None)
        if clock_tab is not None:
            server_time = server_time_of(exchange.response, exchange.document)
            self.clock_checked.emit(
                clock_tab,
                describe_skew(server_time, time.time())
                if server_time is not None
                else f"{exchange.request.url} did not say what time it is there "
                f"({exchange.response.status} {exchange.response.reason}).",
            )
        else:
            tab_id = self._finish(received.request_id)
            if tab_id is not None:
                self._last_exchange[tab_id] = exchange
                self.responded.emit(tab_id, exchange, secrets, warning)
        # Recorded after the response is on screen: a 50 MB body takes a while to write.
        self._record_later(
            lambda: self._history.record(
                exchange.request,
                exchange.response,
                error_code=error.code if error else None,
                secrets=secrets,
                auth=auth,
                warning=warning,
            )
        )

    def _on_service_request_failed(self, failed: FailedRequest) -> None:
        secrets = self._request_secrets.get(failed.request_id, {})
        warning = self._request_warnings.get(failed.request_id)
        auth = self._request_auth.get(failed.request_id)
        clock_tab = self._clock_checks.pop(failed.request_id, None)
        if clock_tab is not None:
            self.clock_checked.emit(clock_tab, failed.failure.message)
        else:
            tab_id = self._finish(failed.request_id)
            if tab_id is not None:
                self.failed.emit(tab_id, failed.failure, failed.request, secrets, warning)
        self._record_later(
            lambda: self._history.record(
                failed.request,
                None,
                failure=failed.failure.message,
                secrets=secrets,
                auth=auth,
                warning=warning,
            )
        )

    def _on_service_request_cancelled(self, request_id: int) -> None:
        self._clock_checks.pop(request_id, None)
        tab_id = self._finish(request_id)
        if tab_id is not None:
            self.cancelled.emit(tab_id)

    def _record_later(self, record: Callable[[], object]) -> None:
        """Add to history once the event loop has painted what the user waits for."""

        def run() -> None:
            try:
                record()
            except HistoryError as exc:
                self.recording_failed.emit(f"This request was not added to history: {exc}")
                return
            self.recorded.emit()

        QTimer.singleShot(0, run)

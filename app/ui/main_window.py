"""The main window: wires the request builder, the request service and the response pane."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

from app.core.prepare import RequestNotSendable, prepare_request
from app.services.request_service import FailedRequest, ReceivedResponse, RequestService
from app.ui.request_builder import RequestBuilder
from app.ui.response_pane import ResponsePane

__all__ = ["MainWindow"]


class MainWindow(QMainWindow):
    """One request builder above one response pane; only wiring lives here."""

    closed = Signal()

    def __init__(self, service: RequestService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("API Explorer")
        self.service = service
        self._current_request: int | None = None
        self._on_close: list[Callable[[], None]] = []

        self.builder = RequestBuilder(self)
        self.response_pane = ResponsePane(self)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.builder)
        splitter.addWidget(self.response_pane)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([320, 480])
        splitter.setContentsMargins(8, 8, 8, 0)
        self.setCentralWidget(splitter)
        self.resize(1100, 800)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.send)
        cancel_shortcut = QShortcut(QKeySequence("Escape"), self)
        cancel_shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        cancel_shortcut.activated.connect(self.cancel)

        self.builder.send_requested.connect(self.send)
        self.builder.cancel_requested.connect(self.cancel)
        service.response_received.connect(self._on_service_response_received)
        service.request_failed.connect(self._on_service_request_failed)
        service.request_cancelled.connect(self._on_service_request_cancelled)

    def call_on_close(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when the window closes (the demo server stops this way)."""
        self._on_close.append(callback)

    def send(self) -> None:
        """Send what the builder holds; a request already in flight is cancelled first."""
        try:
            prepared = prepare_request(self.builder.spec())
        except RequestNotSendable as exc:
            self.builder.body.validate_now()
            self.response_pane.show_refused(str(exc))
            return
        if self._current_request is not None:
            self.service.cancel(self._current_request)
        self._current_request = self.service.send(prepared)
        self.builder.set_in_flight(True)
        self.response_pane.show_sending(prepared.method, prepared.url)

    def cancel(self) -> None:
        if self._current_request is not None:
            self.service.cancel(self._current_request)

    def _finish(self, request_id: int) -> bool:
        if request_id != self._current_request:
            return False
        self._current_request = None
        self.builder.set_in_flight(False)
        return True

    def _on_service_response_received(self, received: ReceivedResponse) -> None:
        if self._finish(received.request_id):
            self.response_pane.show_exchange(received.exchange)

    def _on_service_request_failed(self, failed: FailedRequest) -> None:
        if self._finish(failed.request_id):
            self.response_pane.show_failure(failed.failure)

    def _on_service_request_cancelled(self, request_id: int) -> None:
        if self._finish(request_id):
            self.response_pane.show_cancelled()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Requests in flight stop now; closing the HTTP client is the owner's job (it
        # needs the loop, which may be about to stop): see ``application.main``.
        self.service.cancel()
        for callback in self._on_close:
            callback()
        self._on_close.clear()
        super().closeEvent(event)
        self.closed.emit()

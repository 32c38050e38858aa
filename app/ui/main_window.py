"""The main window: wires tabs, the request builder, the request service and the response
pane. Decisions live in the pieces it wires; this module only connects them."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.exchange import read_exchange
from app.core.outcome import FailureKind, TransportFailure
from app.core.prepare import RequestNotSendable, prepare_request
from app.core.tabs import OpenTab, TabSession, new_tab
from app.core.variables import unresolved_message
from app.services.history_records import recorded_exchange, request_from_history
from app.services.request_service import FailedRequest, ReceivedResponse, RequestService
from app.services.workspace import Workspace
from app.storage.drafts import DraftStore
from app.storage.history import HistoryError, HistoryStore
from app.ui.history_panel import HistoryPanel
from app.ui.request_builder import RequestBuilder
from app.ui.response_pane import ResponsePane
from app.ui.tab_strip import TabStrip

__all__ = ["DRAFT_SAVE_DELAY_MS", "MainWindow", "UnsavedChoice"]

DRAFT_SAVE_DELAY_MS = 250

_Replay = Callable[[ResponsePane], None]


class UnsavedChoice:
    """Answers to "this tab has unsaved changes" (plain strings keep tests simple)."""

    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class MainWindow(QMainWindow):
    """Tabs of requests over one builder and one response pane."""

    closed = Signal()

    def __init__(
        self,
        service: RequestService,
        workspace: Workspace,
        drafts: DraftStore,
        history: HistoryStore,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("API Explorer")
        self.service = service
        self.workspace = workspace
        self.drafts = drafts
        self.history = history
        self._on_close: list[Callable[[], None]] = []
        self._in_flight: dict[str, int] = {}  # tab id -> request id
        self._request_tab: dict[int, str] = {}
        self._request_secrets: dict[int, Mapping[str, str]] = {}
        self._results: dict[str, _Replay] = {}
        self._loading = False

        self.tab_strip = TabStrip(self)
        self.builder = RequestBuilder(self)
        self.response_pane = ResponsePane(self)
        request_side = QWidget(self)
        request_layout = QVBoxLayout(request_side)
        request_layout.setContentsMargins(0, 0, 0, 0)
        request_layout.addWidget(self.tab_strip)
        request_layout.addWidget(self.builder, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(request_side)
        splitter.addWidget(self.response_pane)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setContentsMargins(8, 8, 8, 0)
        self.setCentralWidget(splitter)
        self.resize(1280, 820)

        self.history_panel = HistoryPanel(history, self)
        self.history_dock = QDockWidget("History", self)
        self.history_dock.setObjectName("historyDock")
        self.history_dock.setWidget(self.history_panel)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.history_dock)

        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_SAVE_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_drafts)

        self._shortcut(("Ctrl+Return", "Ctrl+Enter"), self.send)
        self._shortcut(("Escape",), self.cancel)
        self._shortcut(("Ctrl+T",), self.new_tab)
        self._shortcut(("Ctrl+W",), self.close_active_tab)

        self.builder.send_requested.connect(self.send)
        self.builder.cancel_requested.connect(self.cancel)
        self.builder.edited.connect(self._on_builder_edited)
        self.tab_strip.activated.connect(self._on_tab_strip_activated)
        self.tab_strip.close_requested.connect(self.close_tab)
        self.tab_strip.new_requested.connect(self.new_tab)
        self.history_panel.entry_opened.connect(self.show_history_entry)
        self.history_panel.entry_reopened.connect(self.reopen_history_entry)
        service.response_received.connect(self._on_service_response_received)
        service.request_failed.connect(self._on_service_request_failed)
        service.request_cancelled.connect(self._on_service_request_cancelled)

    def _shortcut(self, keys: tuple[str, ...], slot: Callable[[], object]) -> None:
        for key in keys:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

    def call_on_close(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when the window closes (the demo server stops this way)."""
        self._on_close.append(callback)

    # --- tabs --------------------------------------------------------------------------------
    def open_tab(self, tab: OpenTab) -> None:
        self.tab_strip.add(tab)
        self._schedule_draft_save()

    def new_tab(self) -> None:
        self.open_tab(new_tab())

    def restore_session(self, session: TabSession) -> None:
        for tab in session.tabs:
            self.tab_strip.add(tab)
        if session.tabs:
            self.tab_strip.activate(session.tabs[session.active].id)

    def active_tab(self) -> OpenTab | None:
        return self.tab_strip.active()

    def close_active_tab(self) -> None:
        tab = self.active_tab()
        if tab is not None:
            self.close_tab(tab.id)

    def close_tab(self, tab_id: str) -> bool:
        """Close a tab, asking first when it holds unsaved edits; False if the user kept it."""
        self._pull_builder()
        tab = self.tab_strip.get(tab_id)
        if tab is None:
            return True
        if tab.dirty:
            choice = self.ask_unsaved(tab)
            if choice == UnsavedChoice.CANCEL:
                return False
            if choice == UnsavedChoice.SAVE and not self.save_tab(tab_id):
                return False
        request_id = self._in_flight.pop(tab_id, None)
        if request_id is not None:
            self.service.cancel(request_id)
        self._results.pop(tab_id, None)
        self.tab_strip.remove(tab_id)
        if not self.tab_strip.tabs():
            self.new_tab()
        self._schedule_draft_save()
        return True

    def ask_unsaved(self, tab: OpenTab) -> str:
        """Ask what to do with a tab's unsaved edits (tests replace this method)."""
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            f'"{tab.title}" has changes that are not saved. Save them before closing?',
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return UnsavedChoice.SAVE
        if answer == QMessageBox.StandardButton.Discard:
            return UnsavedChoice.DISCARD
        return UnsavedChoice.CANCEL

    def save_tab(self, tab_id: str) -> bool:
        """Save a tab into its collection; overridden once collections are wired."""
        return False

    def _pull_builder(self) -> OpenTab | None:
        """Copy what the editors hold into the active tab."""
        tab = self.active_tab()
        if tab is None or self._loading:
            return tab
        current = self.builder.request()
        if current != tab.current:
            tab = tab.edited(current)
            self.tab_strip.replace_tab(tab)
        return tab

    def _on_builder_edited(self) -> None:
        self._pull_builder()
        self._schedule_draft_save()

    def _on_tab_strip_activated(self, previous_id: str, tab_id: str) -> None:
        previous = self.tab_strip.get(previous_id)
        if previous is not None:
            current = self.builder.request()
            if current != previous.current:
                self.tab_strip.replace_tab(previous.edited(current))
        tab = self.tab_strip.get(tab_id)
        if tab is None:
            return
        self._loading = True
        try:
            self.builder.load_request(tab.current)
        finally:
            self._loading = False
        self.builder.set_in_flight(tab_id in self._in_flight)
        replay = self._results.get(tab_id)
        if replay is None:
            self.response_pane.clear()
            self.response_pane.show_message("Press Send (Ctrl+Enter) to see the response here.")
        else:
            replay(self.response_pane)
        self._schedule_draft_save()

    # --- drafts ------------------------------------------------------------------------------
    def _schedule_draft_save(self) -> None:
        self._draft_timer.start()

    def session(self) -> TabSession:
        self._pull_builder()
        tabs = self.tab_strip.tabs()
        return TabSession(
            tabs=tabs,
            active=max(0, self.tab_strip.active_index()),
            collection_root=str(self.workspace.root) if self.workspace.root else None,
            environment=self.workspace.environment.name if self.workspace.environment else None,
        )

    def save_drafts(self) -> None:
        self._draft_timer.stop()
        try:
            self.drafts.save(self.session())
        except OSError as exc:
            self.statusBar().showMessage(f"Unsaved edits could not be kept in drafts: {exc}")

    # --- sending -----------------------------------------------------------------------------
    def _show(self, tab_id: str, replay: _Replay) -> None:
        self._results[tab_id] = replay
        active = self.active_tab()
        if active is not None and active.id == tab_id:
            replay(self.response_pane)

    def send(self) -> None:
        """Send the active tab's request; a request of that tab still in flight is cancelled."""
        tab = self._pull_builder()
        if tab is None:
            return
        resolved = self.workspace.resolve(
            tab.current,
            tab.source,
            base_url=self.builder.base_url_edit.text(),
            timeout_seconds=self.builder.timeout_spin.value(),
        )
        if resolved.unresolved:
            env = self.workspace.environment
            message = unresolved_message(resolved.unresolved, env.name if env else None)
            self._show(tab.id, lambda pane: pane.show_refused(message))
            return
        try:
            prepared = prepare_request(resolved.spec)
        except RequestNotSendable as exc:
            self.builder.body.validate_now()
            refusal = str(exc)
            self._show(tab.id, lambda pane: pane.show_refused(refusal))
            return
        previous = self._in_flight.pop(tab.id, None)
        if previous is not None:
            self.service.cancel(previous)
        request_id = self.service.send(prepared)
        self._in_flight[tab.id] = request_id
        self._request_tab[request_id] = tab.id
        self._request_secrets[request_id] = resolved.secrets_used
        self.builder.set_in_flight(True)
        self._show(tab.id, lambda pane: pane.show_sending(prepared.method, prepared.url))

    def cancel(self) -> None:
        tab = self.active_tab()
        if tab is not None and tab.id in self._in_flight:
            self.service.cancel(self._in_flight[tab.id])

    def _finish(self, request_id: int) -> str | None:
        """The tab the request belonged to, if the request is still that tab's latest."""
        self._request_secrets.pop(request_id, None)
        tab_id = self._request_tab.pop(request_id, None)
        if tab_id is None or self._in_flight.get(tab_id) != request_id:
            return None
        del self._in_flight[tab_id]
        active = self.active_tab()
        if active is not None and active.id == tab_id:
            self.builder.set_in_flight(False)
        return tab_id

    def _record(self, request_id: int, record: Callable[[Mapping[str, str]], object]) -> None:
        try:
            record(self._request_secrets.get(request_id, {}))
        except HistoryError as exc:
            self.statusBar().showMessage(f"This request was not added to history: {exc}")
        self.history_panel.refresh()

    # --- history -----------------------------------------------------------------------------
    def show_history_entry(self, entry_id: int) -> None:
        """Show a recorded response in the response pane (the active tab keeps its own)."""
        entry = self.history.get(entry_id)
        if entry is None:
            self.statusBar().showMessage("That history entry is gone.")
            return
        request, response = recorded_exchange(entry)
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(entry.sent_at))
        if response is None:
            failure = TransportFailure(FailureKind.OTHER, entry.failure or "No response.")
            self.response_pane.show_failure(failure)
        else:
            self.response_pane.show_exchange(read_exchange(request, response))
        self.response_pane.show_message(
            f"Recorded in history: {entry.method} {entry.url} at {when}"
        )

    def reopen_history_entry(self, entry_id: int) -> None:
        """Open a recorded request in a new tab (secrets come back as ``{{name}}``)."""
        entry = self.history.get(entry_id)
        if entry is not None:
            self.open_tab(new_tab(request_from_history(entry)))

    def _on_service_response_received(self, received: ReceivedResponse) -> None:
        exchange = received.exchange
        error = exchange.error
        self._record(
            received.request_id,
            lambda secrets: self.history.record(
                exchange.request,
                exchange.response,
                error_code=error.code if error else None,
                secrets=secrets,
            ),
        )
        tab_id = self._finish(received.request_id)
        if tab_id is not None:
            self._show(tab_id, lambda pane: pane.show_exchange(exchange))

    def _on_service_request_failed(self, failed: FailedRequest) -> None:
        self._record(
            failed.request_id,
            lambda secrets: self.history.record(
                failed.request, None, failure=failed.failure.message, secrets=secrets
            ),
        )
        tab_id = self._finish(failed.request_id)
        if tab_id is not None:
            self._show(tab_id, lambda pane: pane.show_failure(failed.failure))

    def _on_service_request_cancelled(self, request_id: int) -> None:
        tab_id = self._finish(request_id)
        if tab_id is not None:
            self._show(tab_id, lambda pane: pane.show_cancelled())

    def closeEvent(self, event: QCloseEvent) -> None:
        # Edits are kept as drafts (restored next start), so closing never asks.
        # Requests in flight stop now; closing the HTTP client is the owner's job (it
        # needs the loop, which may be about to stop): see ``application.main``.
        self.save_drafts()
        self.service.cancel()
        for callback in self._on_close:
            callback()
        self._on_close.clear()
        super().closeEvent(event)
        self.closed.emit()

"""The main window: lays out the tab strip, the request builder, the response pane and the
collection and history docks, and wires them to the services. State lives in the services
(``Session``: open tabs and their results; ``CollectionService``: the open collection;
``SendController``: requests in flight); this module only connects them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.core.exchange import Exchange
from app.core.tabs import OpenTab, new_tab
from app.services.collections import CollectionWriteError
from app.services.history import HistoryEntry, HistoryError, HistoryService
from app.services.pipeline import Outcome, Pipeline, Refusal, SendPlan
from app.services.qt_adapter import CollectionWatcher, SendController
from app.services.session import (
    Cancelled,
    Finished,
    Refused,
    Sending,
    Session,
    SessionEvent,
    TabActivated,
    TabChanged,
    TabResult,
)
from app.ui.collection_sidebar import CollectionSidebar
from app.ui.environment_bar import EnvironmentBar, ProtectedBanner
from app.ui.history_panel import HistoryPanel
from app.ui.prompts import DialogPrompts, Prompts
from app.ui.request_builder import RequestBuilder
from app.ui.response_pane import ResponsePane
from app.ui.settings_actions import SettingsActions
from app.ui.tab_results import show_history_entry, show_result
from app.ui.tab_strip import TabStrip

__all__ = ["DRAFT_SAVE_DELAY_MS", "MainWindow"]

DRAFT_SAVE_DELAY_MS = 250


class MainWindow(QMainWindow):
    """Tabs of requests over one builder and one response pane."""

    closed = Signal()
    collection_opened = Signal(object)  # Path of the collection folder

    def __init__(
        self,
        pipeline: Pipeline,
        session: Session,
        history: HistoryService,
        prompts: Prompts | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("API Explorer")
        self.workspace = pipeline.workspace
        self.session = session
        self.collections = session.collections
        self.history = history
        self.prompts: Prompts = prompts or DialogPrompts(self)
        self._on_close: list[Callable[[], None]] = []
        self._loading = False  # the builder is being filled from a tab, not edited
        self._notice_label: QLabel | None = None
        self.sends = SendController(pipeline, self.prompts.confirm, self)
        self.watcher = CollectionWatcher(self.collections, parent=self)

        self.tab_strip = TabStrip(session, self)
        self.protected_banner = ProtectedBanner(self)
        self.environment_bar = EnvironmentBar(self)
        toolbar = QToolBar("Environment", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(self.environment_bar)
        self.addToolBar(toolbar)
        self.builder = RequestBuilder(self)
        self.response_pane = ResponsePane(self)
        request_side = QWidget(self)
        request_layout = QVBoxLayout(request_side)
        request_layout.setContentsMargins(0, 0, 0, 0)
        request_layout.addWidget(self.protected_banner)
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

        self.sidebar = CollectionSidebar(self.collections, self.prompts, self)
        self.history_panel = HistoryPanel(history, self)
        self.collection_dock = self._dock("Collection", "collectionDock", self.sidebar)
        self.history_dock = self._dock("History", "historyDock", self.history_panel)
        self.tabifyDockWidget(self.collection_dock, self.history_dock)
        self.collection_dock.raise_()
        self.settings = SettingsActions(
            self.collections,
            self.prompts,
            self.environment_bar,
            self.protected_banner,
            self.show_error,
            self,
        )

        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_SAVE_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_drafts)

        self._shortcut(("Ctrl+Return", "Ctrl+Enter"), self.send)
        self._shortcut(("Escape",), self.cancel)
        self._shortcut(("Ctrl+T",), self.new_tab)
        self._shortcut(("Ctrl+W",), self.close_active_tab)
        self._shortcut(("Ctrl+S",), self.save_active_tab)
        self._shortcut(("Ctrl+Shift+S",), lambda: self.save_active_tab(ask_name=True))

        session.subscribe(self._on_session_event)
        self.builder.send_requested.connect(self.send)
        self.builder.cancel_requested.connect(self.cancel)
        self.builder.edited.connect(self._on_builder_edited)
        self.builder.target_changed.connect(self._update_target)
        self.builder.set_variable_describer(self._describe_variables)
        self.tab_strip.close_requested.connect(self.close_tab)
        self.tab_strip.new_requested.connect(self.new_tab)
        self.settings.changed.connect(self._update_target)
        self.settings.changed.connect(self._schedule_draft_save)
        self.sidebar.request_opened.connect(self.session.open_saved)
        self.sidebar.open_collection_requested.connect(self.open_collection)
        self.sidebar.settings_requested.connect(self.settings.edit_defaults)
        self.response_pane.error_panel.clock_check_requested.connect(self.compare_clock)
        self.history_panel.entry_opened.connect(self.show_history_entry)
        self.history_panel.entry_reopened.connect(self.reopen_history_entry)
        sends = self.sends
        sends.refused.connect(self._on_sends_refused)
        sends.started.connect(self._on_sends_started)
        sends.finished.connect(self._on_sends_finished)
        sends.cancelled.connect(lambda tab_id: self._show(tab_id, Cancelled()))
        sends.clock_checked.connect(self._on_sends_clock_checked)
        sends.recorded.connect(self.history_panel.add_recorded)
        sends.recording_failed.connect(self.statusBar().showMessage)
        sends.history_opened.connect(self._on_sends_history_opened)
        sends.history_failed.connect(self._on_sends_history_failed)

    def _dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        return dock

    def _shortcut(self, keys: tuple[str, ...], slot: Callable[[], object]) -> None:
        for key in keys:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

    def call_on_close(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when the window closes (the demo server stops this way)."""
        self._on_close.append(callback)

    # --- messages ----------------------------------------------------------------------------
    def show_notice(self, text: str) -> None:
        """A sentence that stays in the status bar for the session (not a passing message)."""
        if self._notice_label is None:
            self._notice_label = QLabel(self)
            self._notice_label.setObjectName("noticeLabel")
            self._notice_label.setTextFormat(Qt.TextFormat.PlainText)
            self._notice_label.setWordWrap(True)
            self.statusBar().addPermanentWidget(self._notice_label, 1)
        shown = self._notice_label.text()
        self._notice_label.setText(f"{shown}\n{text}" if shown else text)

    def show_unexpected(self, text: str) -> None:
        """A sentence about an exception that escaped a slot (see ``unexpected_errors``)."""
        self.statusBar().showMessage(text)

    def show_error(self, text: str) -> None:
        self.statusBar().showMessage(text)
        self.prompts.warn(text)

    # --- tabs --------------------------------------------------------------------------------
    def active_tab(self) -> OpenTab | None:
        return self.session.active()

    def open_tab(self, tab: OpenTab) -> None:
        self.session.open(tab)

    def new_tab(self) -> None:
        self.session.open_new()
        self.builder.url_edit.setFocus()

    def close_active_tab(self) -> None:
        tab = self.active_tab()
        if tab is not None:
            self.close_tab(tab.id)

    def close_tab(self, tab_id: str) -> bool:
        """Close a tab, asking first when it holds unsaved edits; False if the user kept it."""
        self._pull_builder()
        if not self.session.close(tab_id):
            return False
        self.sends.forget_tab(tab_id)
        self._schedule_draft_save()
        return True

    def save_active_tab(self, *, ask_name: bool = False) -> None:
        tab = self.active_tab()
        if tab is not None:
            self.save_tab(tab.id, ask_name=ask_name)

    def save_tab(self, tab_id: str, *, ask_name: bool = False) -> bool:
        """Save a tab into the open collection (see ``Session.save``); the outcome is said in
        the status bar."""
        self._pull_builder()
        result = self.session.save(tab_id, ask_name=ask_name, folder=self.sidebar.selected_folder())
        if result.message:
            self.statusBar().showMessage(result.message, 4000 if result.saved else 0)
        if result.saved:
            self._schedule_draft_save()
        return result.saved

    def _pull_builder(self, *, commit: bool = True) -> OpenTab | None:
        """Copy what the editors hold into the active tab (``commit``: see
        ``RequestBuilder.request``)."""
        tab = self.active_tab()
        if tab is None or self._loading:
            return tab
        return self.session.edit(tab.id, self.builder.request(commit=commit))

    def _on_builder_edited(self) -> None:
        self._pull_builder(commit=False)
        self._schedule_draft_save()

    def _on_session_event(self, event: SessionEvent) -> None:
        if isinstance(event, TabActivated):
            previous = self.session.get(event.previous_id)
            if previous is not None:
                self.session.edit(previous.id, self.builder.request())
            self._load_active()
        elif isinstance(event, TabChanged) and event.reloaded:
            active = self.active_tab()
            if active is not None and active.id == event.tab.id:
                self._load_active()
        self._schedule_draft_save()

    def _load_active(self) -> None:
        tab = self.active_tab()
        if tab is None:
            return
        self._loading = True
        try:
            self.builder.load_request(tab.current)
        finally:
            self._loading = False
        self.builder.set_in_flight(self.sends.in_flight(tab.id))
        verdicts = self.session.verdicts(tab.id)
        if verdicts is None:
            self.builder.clear_assertion_results()
        else:
            self.builder.show_assertion_results(verdicts)
        show_result(self.response_pane, self.session.result(tab.id))
        self._update_target()

    def _update_target(self) -> None:
        tab = self.active_tab()
        if tab is not None and not self._loading:
            self.builder.show_context(self.workspace, tab.source)

    def _describe_variables(self, text: str) -> str:
        tab = self.active_tab()
        if tab is None:
            return ""
        return self.workspace.describe_variables(
            text, self.builder.request(commit=False), tab.source
        )

    def open_collection(self, root: Path) -> None:
        """Open the collection folder ``root`` in the sidebar."""
        try:
            self.collections.open(root)
        except (OSError, CollectionWriteError) as exc:
            self.show_error(f"The collection in {root} could not be opened: {exc}")
            return
        self.collection_opened.emit(root)

    # --- drafts ------------------------------------------------------------------------------
    def _schedule_draft_save(self) -> None:
        self._draft_timer.start()

    def save_drafts(self) -> bool:
        """Keep every tab's edits in the data folder; False (and said so) when that failed."""
        self._draft_timer.stop()
        self._pull_builder(commit=False)
        problem = self.session.save_drafts()
        if problem is not None:
            self.statusBar().showMessage(problem)
        return problem is None

    # --- sending -----------------------------------------------------------------------------
    def _show(self, tab_id: str, result: TabResult) -> None:
        self.session.show(tab_id, result)
        active = self.active_tab()
        if active is None or active.id != tab_id:
            return
        if isinstance(result, Finished | Cancelled):
            self.builder.set_in_flight(False)
        if isinstance(result, Finished):
            self.builder.show_assertion_results(result.outcome.assertions)
        show_result(self.response_pane, result)

    def send(self) -> None:
        """Send the active tab's request; a request of that tab still in flight is cancelled."""
        tab = self._pull_builder()
        if tab is not None:
            self.sends.send(
                tab,
                base_url=self.builder.base_url_edit.text(),
                timeout_seconds=self.builder.timeout_spin.value(),
            )

    def cancel(self) -> None:
        tab = self.active_tab()
        if tab is not None:
            self.sends.cancel(tab.id)

    def _on_sends_refused(self, tab_id: str, refusal: Refusal) -> None:
        if refusal.unprepared:
            self.builder.body.validate_now()
        self._show(tab_id, Refused(refusal.message))

    def _on_sends_started(self, tab_id: str, plan: SendPlan) -> None:
        self.builder.set_in_flight(True)
        self._show(tab_id, Sending(plan.prepared.method, plan.shown_url))

    def _on_sends_finished(self, tab_id: str, outcome: Outcome) -> None:
        self._show(tab_id, Finished(outcome))

    def compare_clock(self) -> None:
        """Ask the API of the active tab's last response for its time and show how far this
        computer's clock is off (see ``SendController.check_clock``)."""
        tab = self.active_tab()
        if tab is not None:
            self.sends.check_clock(tab)

    def _on_sends_clock_checked(self, tab_id: str, text: str) -> None:
        active = self.active_tab()
        if active is not None and active.id == tab_id:
            self.response_pane.error_panel.show_clock_result(text)

    # --- history -----------------------------------------------------------------------------
    def show_history_entry(self, entry_id: int) -> None:
        """Show a recorded response in the response pane (the active tab keeps its own); the
        entry is read and parsed off the GUI thread."""
        self.response_pane.show_message("Opening the history entry…")
        self.sends.open_history_entry(entry_id)

    def _on_sends_history_failed(self, message: str) -> None:
        self.response_pane.show_message(message)
        self.statusBar().showMessage(message)

    def _on_sends_history_opened(self, entry: HistoryEntry, exchange: Exchange | None) -> None:
        show_history_entry(self.response_pane, entry, exchange)

    def reopen_history_entry(self, entry_id: int) -> None:
        """Open a recorded request in a new tab (secrets come back as ``{{name}}``)."""
        try:
            reopened = self.history.reopen(entry_id)
        except HistoryError as exc:
            self.statusBar().showMessage(str(exc))
            return
        self.open_tab(new_tab(reopened.request))
        if reopened.notice:
            self.statusBar().showMessage(reopened.notice)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Edits are kept as drafts (restored next start), so closing only asks when that
        # failed. Requests in flight stop now; closing the HTTP client is the owner's job
        # (it needs the loop, which may be about to stop): see ``application.main``.
        dirty = [t.title for t in self.session.tabs() if t.dirty]
        if (
            not self.save_drafts()
            and dirty
            and not self.prompts.confirm(
                "Close and lose edits?",
                "Your unsaved edits in " + ", ".join(dirty) + " could not be kept for next "
                "time (see the status bar). Close anyway and lose them?",
            )
        ):
            event.ignore()
            return
        self.sends.cancel()
        for callback in self._on_close:
            callback()
        self._on_close.clear()
        super().closeEvent(event)
        self.closed.emit()

"""The main window: wires tabs, the request builder, the request service and the response
pane. Decisions live in the pieces it wires; this module only connects them."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.core.assertions import AssertionResult
from app.core.collection import Defaults, Environment, LoadedCollection, SavedRequest
from app.core.exchange import Exchange
from app.core.outcome import FailureKind, TransportFailure
from app.core.tabs import OpenTab, TabSession, new_tab
from app.services.history_records import (
    had_mac_signature,
    recorded_exchange,
    request_from_history,
)
from app.services.pipeline import Outcome, Pipeline, Refusal, SendPlan
from app.services.qt_adapter import SendController
from app.storage.collection_store import CollectionStore, CollectionWriteError
from app.storage.drafts import DraftStore
from app.storage.history import HistoryEntry, HistoryError, HistoryStore
from app.storage.secrets import SecretStoreError
from app.ui.collection_sidebar import CollectionSidebar
from app.ui.defaults_dialog import DefaultsDialog
from app.ui.environment_bar import EnvironmentBar, ProtectedBanner
from app.ui.environment_dialog import EnvironmentDialog
from app.ui.history_panel import HistoryPanel
from app.ui.prompts import ask_yes_no
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
    collection_opened = Signal(object)  # Path of the collection folder

    def __init__(
        self,
        pipeline: Pipeline,
        drafts: DraftStore,
        history: HistoryStore,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("API Explorer")
        self.workspace = pipeline.workspace
        self.drafts = drafts
        self.history = history
        self._on_close: list[Callable[[], None]] = []
        # The question is asked through ``self.confirm`` at the time (tests replace it).
        self.sends = SendController(pipeline, lambda title, text: self.confirm(title, text), self)
        self._results: dict[str, _Replay] = {}
        self._verdicts: dict[str, tuple[AssertionResult, ...]] = {}  # tab id -> last results
        self._loading = False
        self._notice_label: QLabel | None = None

        self.tab_strip = TabStrip(self)
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

        self.sidebar = CollectionSidebar(self)
        self.collection_dock = QDockWidget("Collection", self)
        self.collection_dock.setObjectName("collectionDock")
        self.collection_dock.setWidget(self.sidebar)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.collection_dock)

        self.history_panel = HistoryPanel(history, self)
        self.history_dock = QDockWidget("History", self)
        self.history_dock.setObjectName("historyDock")
        self.history_dock.setWidget(self.history_panel)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.history_dock)
        self.tabifyDockWidget(self.collection_dock, self.history_dock)
        self.collection_dock.raise_()

        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_SAVE_DELAY_MS)
        self._draft_timer.timeout.connect(self.save_drafts)

        self._shortcut(("Ctrl+Return", "Ctrl+Enter"), self.send)
        self._shortcut(("Escape",), self.cancel)
        self._shortcut(("Ctrl+T",), self.new_tab)
        self._shortcut(("Ctrl+W",), self.close_active_tab)
        self._shortcut(("Ctrl+S",), self.save_active_tab)
        self._shortcut(("Ctrl+Shift+S",), self.save_active_tab_as)

        self.builder.send_requested.connect(self.send)
        self.builder.cancel_requested.connect(self.cancel)
        self.builder.edited.connect(self._on_builder_edited)
        self.tab_strip.activated.connect(self._on_tab_strip_activated)
        self.tab_strip.close_requested.connect(self.close_tab)
        self.tab_strip.new_requested.connect(self.new_tab)
        self.builder.target_changed.connect(self._update_target)
        self.builder.set_variable_describer(self._describe_variables)
        self.environment_bar.environment_selected.connect(self.select_environment)
        self.environment_bar.edit_requested.connect(self.edit_environment)
        self.environment_bar.new_requested.connect(self.new_environment)
        self.sidebar.collection_changed.connect(self._on_sidebar_collection_changed)
        self.sidebar.request_opened.connect(self._on_sidebar_request_opened)
        self.sidebar.request_renamed.connect(self._on_sidebar_request_renamed)
        self.sidebar.request_deleted.connect(self._on_sidebar_request_deleted)
        self.sidebar.open_collection_requested.connect(self.open_collection)
        self.sidebar.settings_requested.connect(self.edit_defaults)
        self.response_pane.error_panel.clock_check_requested.connect(self.compare_clock)
        self.history_panel.entry_opened.connect(self.show_history_entry)
        self.history_panel.entry_reopened.connect(self.reopen_history_entry)
        sends = self.sends
        sends.refused.connect(self._on_sends_refused)
        sends.started.connect(self._on_sends_started)
        sends.finished.connect(self._on_sends_finished)
        sends.cancelled.connect(self._on_sends_cancelled)
        sends.clock_checked.connect(self._on_sends_clock_checked)
        sends.recorded.connect(self.history_panel.add_recorded)
        sends.recording_failed.connect(self.statusBar().showMessage)
        sends.history_opened.connect(self._on_sends_history_opened)
        sends.history_failed.connect(self._on_sends_history_failed)

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
        self.sync_tabs_with_collection()

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
        self.sends.forget_tab(tab_id)
        self._results.pop(tab_id, None)
        self._verdicts.pop(tab_id, None)
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

    def save_active_tab(self) -> None:
        tab = self.active_tab()
        if tab is not None:
            self.save_tab(tab.id)

    def save_active_tab_as(self) -> None:
        tab = self.active_tab()
        if tab is not None:
            self.save_tab(tab.id, ask_name=True)

    def save_tab(self, tab_id: str, *, ask_name: bool = False) -> bool:
        """Save a tab into the open collection: in place, or as a new request file in the
        selected folder. False (with the reason shown) when nothing was saved."""
        self._pull_builder()
        tab = self.tab_strip.get(tab_id)
        store = self.sidebar.store()
        if tab is None:
            return False
        if store is None:
            self.statusBar().showMessage(
                "Open a collection folder first (Open… in the Collection panel), then save."
            )
            return False
        root = str(store.root)
        request = tab.current
        in_place = tab.source is not None and tab.collection == root and not ask_name
        try:
            if in_place and tab.source is not None:
                if not self._may_overwrite(tab, tab.source):
                    return False
                path = store.save_request(Path(tab.source), request)
            else:
                # A new request, Save As, or a tab of another collection: a new file here.
                name = self.ask_text("Save request", "Name of the request:", request.name)
                if not name:
                    return False
                request = replace(request, name=name)
                path = store.new_request(self.sidebar.selected_folder(), request)
        except CollectionWriteError as exc:
            self.show_error(str(exc))
            return False
        self.tab_strip.replace_tab(tab.saved_as(request, path.as_posix(), root))
        self.sidebar.reload()
        self._schedule_draft_save()
        self.statusBar().showMessage(f"Saved {path.as_posix()}", 4000)
        return True

    def _may_overwrite(self, tab: OpenTab, source: str) -> bool:
        """True unless the file changed on disk since the tab loaded it and the user
        chose to keep the file's version."""
        self.sidebar.reload()  # the watcher may not have caught up yet
        loaded = self.sidebar.loaded()
        node = loaded.find(Path(source)) if loaded else None
        on_disk = node.request if node is not None else None
        if on_disk is None or on_disk == tab.saved:
            return True
        return self.confirm(
            "Changed on disk",
            f'"{source}" was changed outside API Explorer (by git or an editor) since you '
            "opened it. Overwrite it with your version? (No keeps the file as it is; you can "
            "Save As to keep yours too.)",
        )

    def ask_text(self, title: str, label: str, default: str) -> str | None:
        """Ask for one line of text (tests replace this method)."""
        text, ok = QInputDialog.getText(self, title, label, text=default)
        return text.strip() if ok and text.strip() else None

    def confirm(self, title: str, text: str) -> bool:
        """Ask yes or no, No by default (tests replace this method)."""
        return ask_yes_no(self, title, text)

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
        QMessageBox.warning(self, "API Explorer", text)

    def _update_target(self) -> None:
        tab = self.active_tab()
        if tab is None or self._loading:
            return
        request = self.builder.request(commit=False)
        base = self.builder.base_url_edit.text()
        self.builder.show_target(self.workspace.preview_url(request, tab.source, base_url=base))
        self.builder.auth.set_inherited(self.workspace.inherited_auth(tab.source))
        described = self._describe_variables(self.builder.url_edit.text())
        self.builder.url_edit.setToolTip(
            described or "A full URL, or a path joined to the base URL"
        )
        # The base URL field is only a fallback: say so when the collection sets its own.
        from_collection = self.workspace.has_base_url(tab.source)
        self.builder.base_url_edit.setEnabled(not from_collection)
        self.builder.base_url_edit.setToolTip(
            "The collection (or a folder) sets the base URL of this request"
            if from_collection
            else "A URL that starts with / is joined to this base URL"
        )

    def _describe_variables(self, text: str) -> str:
        tab = self.active_tab()
        if tab is None:
            return ""
        return self.workspace.describe_variables(
            text, self.builder.request(commit=False), tab.source
        )

    # --- collection and environments ---------------------------------------------------------
    def open_collection(self, root: Path) -> None:
        """Open the collection folder ``root`` in the sidebar."""
        try:
            self.sidebar.set_store(CollectionStore(root))
        except (OSError, CollectionWriteError) as exc:
            self.show_error(f"The collection in {root} could not be opened: {exc}")
            return
        self.collection_opened.emit(root)

    def _on_sidebar_collection_changed(self, loaded: LoadedCollection | None) -> None:
        self.workspace.set_collection(loaded)
        self._refresh_environments()
        self.sync_tabs_with_collection()

    def _refresh_environments(self) -> None:
        self._update_target()
        env = self.workspace.environment
        self.environment_bar.set_environments(
            self.workspace.environments,
            env.name if env else None,
            enabled=self.workspace.collection is not None,
        )
        self.protected_banner.show_environment(env)

    def select_environment(self, name: str | None) -> None:
        self.workspace.select_environment(name)
        self._refresh_environments()
        self._schedule_draft_save()

    def edit_environment(self) -> None:
        env = self.workspace.environment
        if env is not None:
            self._edit_environment(env)

    def new_environment(self) -> None:
        name = self.ask_text("New environment", "Name of the environment:", "sandbox")
        if name:
            self._edit_environment(Environment(name))

    def _edit_environment(self, environment: Environment) -> None:
        dialog = EnvironmentDialog(environment, self.workspace.secret_values(environment), self)
        if self.workspace.root is not None:
            dialog.tls_editor.set_base_folder(self.workspace.root)
        if not self.run_dialog(dialog):
            return
        self.apply_environment(dialog.result_environment(), dialog.result_secrets())

    def edit_defaults(self, folder: Path) -> None:
        """Edit what ``folder`` (``Path(".")``: the collection) hands down to its requests."""
        store = self.sidebar.store()
        loaded = self.sidebar.loaded()
        node = loaded.find(folder) if loaded else None
        if store is None or loaded is None or node is None:
            return
        collection = folder == Path(".")
        dialog = DefaultsDialog(
            node.defaults or Defaults(), node.name, collection=collection, parent=self
        )
        if dialog.tls_editor is not None:
            dialog.tls_editor.set_base_folder(loaded.root)
        if not self.run_dialog(dialog):
            return
        try:
            store.save_defaults(folder, dialog.result_defaults())
        except CollectionWriteError as exc:
            self.show_error(str(exc))
            return
        if dialog.result_name() != node.name:
            self.sidebar.rename_to(folder, dialog.result_name())
        self.sidebar.reload()

    def run_dialog(self, dialog: QDialog) -> bool:
        """Show a modal dialog (tests replace this method)."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def apply_environment(
        self, environment: Environment, secrets: Mapping[str, str | None]
    ) -> None:
        """Write ``environment`` into the collection and its secret values into the store."""
        store = self.sidebar.store()
        if store is None:
            return
        try:
            self.workspace.store_secrets(environment.name, secrets)
            store.save_environment(environment)
        except (CollectionWriteError, SecretStoreError) as exc:
            self.show_error(str(exc))
            return
        self.sidebar.reload()
        self.select_environment(environment.name)

    def _on_sidebar_request_opened(self, path: Path, request: SavedRequest) -> None:
        source = path.as_posix()
        root = str(self.workspace.root) if self.workspace.root else None
        existing = next((t for t in self.tab_strip.tabs() if t.belongs_to(root, source)), None)
        if existing is not None:
            self.tab_strip.activate(existing.id)
        else:
            self.open_tab(new_tab(request, source, root))

    def sync_tabs_with_collection(self) -> None:
        """Tabs of the open collection whose file changed on disk (git pull, an editor)
        show the new version when they hold no edits; tabs with edits keep them, and
        saving them asks first (see ``_may_overwrite``)."""
        loaded = self.workspace.collection
        if loaded is None:
            return
        root = str(loaded.root)
        active = self.active_tab()
        for tab in self.tab_strip.tabs():
            if tab.collection != root or tab.source is None or tab.dirty:
                continue
            node = loaded.find(Path(tab.source))
            if node is None or node.request is None or node.request == tab.saved:
                continue
            refreshed = replace(tab, saved=node.request, current=node.request)
            self.tab_strip.replace_tab(refreshed)
            if active is not None and active.id == tab.id:
                self._loading = True
                try:
                    self.builder.load_request(node.request)
                finally:
                    self._loading = False
        self._schedule_draft_save()

    def _on_sidebar_request_renamed(self, old: Path, new: Path) -> None:
        root = str(self.workspace.root) if self.workspace.root else None
        for tab in self.tab_strip.tabs():
            if tab.belongs_to(root, old.as_posix()):
                loaded = self.sidebar.loaded()
                node = loaded.find(new) if loaded else None
                renamed = replace(tab, source=new.as_posix())
                if node is not None and node.request is not None and tab.saved is not None:
                    name = node.request.name
                    renamed = replace(
                        renamed,
                        saved=replace(tab.saved, name=name),
                        current=replace(tab.current, name=name),
                    )
                self.tab_strip.replace_tab(renamed)
        self._schedule_draft_save()

    def _on_sidebar_request_deleted(self, path: Path) -> None:
        # The tab stays, with its edits, as a request that is no longer saved anywhere.
        root = str(self.workspace.root) if self.workspace.root else None
        for tab in self.tab_strip.tabs():
            if tab.belongs_to(root, path.as_posix()):
                self.tab_strip.replace_tab(replace(tab, source=None, saved=None, collection=None))
        self._schedule_draft_save()

    def _pull_builder(self, *, commit: bool = True) -> OpenTab | None:
        """Copy what the editors hold into the active tab (``commit``: see
        ``RequestBuilder.request``)."""
        tab = self.active_tab()
        if tab is None or self._loading:
            return tab
        current = self.builder.request(commit=commit)
        if current != tab.current:
            tab = tab.edited(current)
            self.tab_strip.replace_tab(tab)
        return tab

    def _on_builder_edited(self) -> None:
        self._pull_builder(commit=False)
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
        self.builder.set_in_flight(self.sends.in_flight(tab_id))
        verdicts = self._verdicts.get(tab_id)
        if verdicts is None:
            self.builder.clear_assertion_results()
        else:
            self.builder.show_assertion_results(verdicts)
        replay = self._results.get(tab_id)
        if replay is None:
            self.response_pane.clear()
            self.response_pane.show_message("Press Send (Ctrl+Enter) to see the response here.")
        else:
            replay(self.response_pane)
        self._update_target()
        self._schedule_draft_save()

    # --- drafts ------------------------------------------------------------------------------
    def _schedule_draft_save(self) -> None:
        self._draft_timer.start()

    def session(self) -> TabSession:
        self._pull_builder(commit=False)
        tabs = self.tab_strip.tabs()
        return TabSession(
            tabs=tabs,
            active=max(0, self.tab_strip.active_index()),
            collection_root=str(self.workspace.root) if self.workspace.root else None,
            environment=self.workspace.environment.name if self.workspace.environment else None,
        )

    def save_drafts(self) -> bool:
        """Keep every tab's edits in the data folder; False (and said so) when that failed."""
        self._draft_timer.stop()
        try:
            self.drafts.save(self.session())
        except OSError as exc:
            self.statusBar().showMessage(f"Unsaved edits could not be kept in drafts: {exc}")
            return False
        return True

    # --- sending -----------------------------------------------------------------------------
    def _show(self, tab_id: str, replay: _Replay) -> None:
        self._results[tab_id] = replay
        active = self.active_tab()
        if active is not None and active.id == tab_id:
            replay(self.response_pane)

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

    def _finished(self, tab_id: str) -> None:
        """The tab's latest request ended: its builder may send again."""
        active = self.active_tab()
        if active is not None and active.id == tab_id:
            self.builder.set_in_flight(False)

    def _on_sends_refused(self, tab_id: str, refusal: Refusal) -> None:
        if refusal.unprepared:
            self.builder.body.validate_now()
        self._show(tab_id, lambda pane: pane.show_refused(refusal.message))

    def _on_sends_started(self, tab_id: str, plan: SendPlan) -> None:
        self.builder.set_in_flight(True)
        method, shown = plan.prepared.method, plan.shown_url
        self._show(tab_id, lambda pane: pane.show_sending(method, shown))

    def _on_sends_finished(self, tab_id: str, outcome: Outcome) -> None:
        self._finished(tab_id)
        warning = outcome.plan.warning if outcome.plan is not None else None

        self._verdicts[tab_id] = outcome.assertions
        active = self.active_tab()
        if active is not None and active.id == tab_id:
            self.builder.show_assertion_results(outcome.assertions)

        def replay(pane: ResponsePane) -> None:
            if outcome.refusal is not None:
                pane.show_refused(outcome.refusal.message)
                return
            if outcome.exchange is not None:
                pane.show_exchange(outcome.exchange)
            elif outcome.failure is not None:
                pane.show_failure(outcome.failure)
            if outcome.request is not None:
                pane.show_sent_request(outcome.request, outcome.secrets)
            if warning:
                pane.show_warning(warning)

        self._show(tab_id, replay)

    def _on_sends_cancelled(self, tab_id: str) -> None:
        self._finished(tab_id)
        self._show(tab_id, lambda pane: pane.show_cancelled())

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
        request, _ = recorded_exchange(entry)
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(entry.sent_at))
        if exchange is None:
            failure = TransportFailure(FailureKind.OTHER, entry.failure or "No response.")
            self.response_pane.show_failure(failure)
        else:
            self.response_pane.show_exchange(exchange)
        self.response_pane.show_sent_request(request, {})  # history holds no secrets
        if entry.warning:
            self.response_pane.show_warning(entry.warning)
        self.response_pane.show_message(
            f"Recorded in history: {entry.method} {entry.url} at {when}"
        )

    def reopen_history_entry(self, entry_id: int) -> None:
        """Open a recorded request in a new tab (secrets come back as ``{{name}}``)."""
        try:
            entry = self.history.get(entry_id)
        except HistoryError as exc:
            self.statusBar().showMessage(f"That history entry could not be opened: {exc}")
            return
        if entry is None:
            self.statusBar().showMessage("That history entry is gone.")
            return
        self.open_tab(new_tab(request_from_history(entry)))
        if entry.auth is None and had_mac_signature(entry):
            self.statusBar().showMessage(
                "The old MAC signature was not copied (it is valid for one send only): choose "
                "Paysera MAC in the Auth tab to sign each send afresh."
            )

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

    def closeEvent(self, event: QCloseEvent) -> None:
        # Edits are kept as drafts (restored next start), so closing only asks when that
        # failed. Requests in flight stop now; closing the HTTP client is the owner's job
        # (it needs the loop, which may be about to stop): see ``application.main``.
        dirty = [t.title for t in self.tab_strip.tabs() if t.dirty]
        if (
            not self.save_drafts()
            and dirty
            and not self.confirm(
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

"""The main window: lays out the request area (tabs, builder, response), the environment
toolbar and the collection and history docks, and wires them to the services. State lives in
the services (``Session``: open tabs and their results; ``CollectionService``: the open
collection; ``SendController``: requests in flight); this module only connects them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QToolBar,
    QWidget,
)

from app.ui.elided_label import WrappingLabel
from app.ui.prompts import DialogPrompts, Prompts
from app.ui.themes import apply_theme

# The window paints its frame before the rest of the app is imported (``app.launch``): this
# module imports only Qt and small widgets; ``attach`` imports what the window is made of.
if TYPE_CHECKING:
    from app.core.tabs import OpenTab
    from app.services.comparing import Comparison
    from app.services.history import HistoryService
    from app.services.pipeline import Pipeline
    from app.services.session import Session, SessionEvent
    from app.ui.filter_bar import RequestMemoryLike

__all__ = ["DRAFT_SAVE_DELAY_MS", "MainWindow"]

DRAFT_SAVE_DELAY_MS = 250


class MainWindow(QMainWindow):
    """Tabs of requests over one builder and one response pane."""

    closed = Signal()
    collection_opened = Signal(object)  # Path of the collection folder

    def __init__(self, parent: QWidget | None = None) -> None:
        """The window's frame only: its title, size and a "Starting…" line, painted at once
        by ``app.launch``; ``attach`` builds what it holds."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("API Explorer")
        # A first start (no saved geometry) fits the screen: 1280 x 820 at most.
        screen = self.screen().availableGeometry()
        self.resize(min(1280, screen.width() * 9 // 10), min(820, screen.height() * 9 // 10))
        self.attached = False
        self.statusBar().showMessage("Starting…")

    def restore_frame(self, theme: str, geometry: bytes) -> None:
        """The last session's look and the window's place (Qt's ``saveGeometry``), before
        the window first shows, so that the first paint is already right."""
        apply_theme(theme)
        if geometry:
            self.restoreGeometry(QByteArray(geometry))

    def attach(
        self,
        pipeline: Pipeline,
        session: Session,
        history: HistoryService,
        prompts: Prompts | None = None,
    ) -> None:
        """Build the window's contents and wire them to the services (once)."""
        from app.services.draft_keeper import DraftKeeper
        from app.services.qt_adapter import CollectionWatcher, SendController
        from app.ui.collection_sidebar import CollectionSidebar
        from app.ui.environment_bar import EnvironmentBar, ProtectedBanner
        from app.ui.history_actions import HistoryActions
        from app.ui.history_panel import HistoryPanel
        from app.ui.request_area import RequestArea
        from app.ui.settings_actions import SettingsActions
        from app.ui.window_menus import WindowMenus

        self.statusBar().clearMessage()
        self.setAcceptDrops(True)  # a dropped file is imported (File > Import…)
        self.pipeline = pipeline
        self.workspace = pipeline.workspace
        self.session = session
        self.collections = session.collections
        self.history = history
        self.prompts: Prompts = prompts or DialogPrompts(self)
        self._on_close: list[Callable[[], None]] = []
        self.memory: RequestMemoryLike | None = None
        self._notice_label: QLabel | None = None
        self.sends = SendController(pipeline, self.prompts.confirm, self)
        self.watcher = CollectionWatcher(self.collections, parent=self)
        # What the sidebar's header said before "Opening…", to say again if the open fails.
        self._opening_text = ""
        self._header_before_opening = ("", "")

        self.protected_banner = ProtectedBanner(self)
        self.environment_bar = EnvironmentBar(self)
        toolbar = QToolBar("Environment", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(self.environment_bar)
        self.addToolBar(toolbar)
        self.area = RequestArea(session, self.sends, self.workspace, self.protected_banner, self)
        self.tab_strip = self.area.tab_strip
        self.builder = self.area.builder
        self.response_pane = self.area.response_pane
        self.response_pane.set_prompts(self.prompts)  # Save to file… asks through them
        # A huge body's worker process ends with the window, not with the app's process.
        self.call_on_close(self.response_pane.indexed_model.clear)
        self.setCentralWidget(self.area)

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
        self.area.keep_secrets = self.settings.add_secrets
        self.area.edit_secrets = self.settings.edit_environment

        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_SAVE_DELAY_MS)
        self._draft_timer.timeout.connect(self._on_draft_timer_timeout)
        self.draft_keeper = DraftKeeper(session, self._on_drafts_written)

        self.menus = WindowMenus(self)

        self.area.changed.connect(self._schedule_draft_save)
        session.subscribe(self._on_session_event)
        self.tab_strip.close_requested.connect(self.close_tab)
        self.tab_strip.new_requested.connect(self.new_tab)
        self.settings.changed.connect(self.area.update_target)
        self.settings.changed.connect(self._schedule_draft_save)
        self.sidebar.request_opened.connect(self.session.open_saved)
        self.sidebar.request_previewed.connect(
            lambda path, request: self.session.open_saved(path, request, preview=True)
        )
        self.sidebar.open_collection_requested.connect(
            lambda root: self.open_collection(root, background=True)
        )
        self.watcher.opened.connect(self.collection_opened)
        self.watcher.open_failed.connect(self._on_watcher_open_failed)
        self.sidebar.settings_requested.connect(self.settings.edit_defaults)
        sends = self.sends
        sends.recorded.connect(self.history_panel.add_recorded)
        sends.recording_failed.connect(self.statusBar().showMessage)
        self.history_actions = HistoryActions(self)
        self.attached = True

    def _dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        return dock

    def set_recent(self, paths: list[Path]) -> None:
        """Offer ``paths`` (most recent first) in File > Open recent and the sidebar."""
        self.sidebar.set_recent(paths)
        self.menus.set_recent(paths)

    def call_on_close(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when the window closes (the demo server stops this way)."""
        self._on_close.append(callback)

    # --- files dropped on the window ---------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _dropped_file(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = _dropped_file(event.mimeData())
        if path is not None:
            event.acceptProposedAction()
            # After the drop returns: the dialog must not run inside the drag's own loop.
            if path.suffix.lower() == ".apx":  # a reproduction bundle: opened, not imported
                QTimer.singleShot(0, lambda: self.history_actions.open_bundle(path))
            else:
                QTimer.singleShot(0, lambda: self.menus.import_collection(path))

    # --- messages ----------------------------------------------------------------------------
    def show_notice(self, text: str) -> None:
        """A sentence that stays in the status bar for the session (not a passing message)."""
        if self._notice_label is None:
            # A long path has nowhere to wrap: it must not set the window's width.
            self._notice_label = WrappingLabel(self)
            self._notice_label.setObjectName("noticeLabel")
            self.statusBar().addPermanentWidget(self._notice_label, 1)
        shown = self._notice_label.text()
        self._notice_label.setText(f"{shown}\n{text}" if shown else text)

    def show_unexpected(self, text: str) -> None:
        """A sentence about an exception that escaped a slot (see ``unexpected_errors``)."""
        self.statusBar().showMessage(text)

    def show_error(self, text: str) -> None:
        self.statusBar().showMessage(text)
        self.prompts.warn(text)

    def set_memory(self, memory: RequestMemoryLike | None) -> None:
        """Where filters and ignored paths are remembered per request (the data folder's
        ``request-memory.json``); ``None``: nothing is remembered."""
        self.memory = memory
        self.response_pane.filter_bar.memory = memory

    def show_diff(
        self, title: str, comparison: Comparison, key: str, labels: tuple[str, str]
    ) -> None:
        """How two responses differ (``DiffDialog``), starting with the paths ignored for
        the request ``key`` (``app.core.urls.request_key``), and remembering new ones."""
        from app.ui.diff_dialog import DiffDialog  # not needed to start the window

        memory = self.memory
        ignored = memory.ignored(key) if memory is not None else ()

        def remember(patterns: list[str]) -> None:
            if memory is not None:
                memory.set_ignored(key, patterns)

        dialog = DiffDialog(title, comparison, ignored, remember, self, labels)
        try:
            self.prompts.run_dialog(dialog)
        finally:
            # It holds both bodies and their parsed documents: gone once closed.
            dialog.deleteLater()

    # --- tabs --------------------------------------------------------------------------------
    def active_tab(self) -> OpenTab | None:
        """The active tab with what its editors hold now."""
        return self.area.pull_builder(commit=False)

    def send(self) -> None:
        self.area.send()

    def cancel(self) -> None:
        self.area.cancel()

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
        self.area.pull_builder()
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
        self.area.pull_builder()
        result = self.session.save(tab_id, ask_name=ask_name, folder=self.sidebar.selected_folder())
        if result.message:
            self.statusBar().showMessage(result.message, 4000 if result.saved else 0)
        if result.saved:
            # At once: a crash must never bring back a draft older than the file just saved.
            self.save_drafts()
        return result.saved

    def open_collection(self, root: Path, *, background: bool = False) -> None:
        """Open the collection folder ``root`` in the sidebar.

        In the ``background`` (what the user opens from the sidebar and File > Open) its files
        are read off the window's thread: the sidebar says "Opening…", the collection open
        before stays usable until the new one is read, and a later open or close drops it.
        Otherwise they are read now, for a caller that needs the collection at once (the
        start-up selects the environment and restores the tabs right after).
        """
        if background:
            header = self.sidebar.name_label
            if header.text() != self._opening_text:
                self._header_before_opening = (header.text(), header.toolTip())
            self._opening_text = f"Opening {root.name or root}…"
            header.setText(self._opening_text)
            header.setToolTip(f"Reading the collection in {root}")
            self.watcher.open(root)
            return
        from app.services.collections import CollectionWriteError

        try:
            self.collections.open(root)
        except CollectionWriteError as exc:
            self.show_error(str(exc))
            return
        self.collection_opened.emit(root)

    def _on_watcher_open_failed(self, text: str) -> None:
        header = self.sidebar.name_label
        if header.text() == self._opening_text:  # nothing was loaded since: back to what is open
            header.setText(self._header_before_opening[0])
            header.setToolTip(self._header_before_opening[1])
        self.show_error(text)

    # --- drafts ------------------------------------------------------------------------------
    def _schedule_draft_save(self) -> None:
        # Not restarted by each keystroke: while the user types on, drafts are still written
        # every DRAFT_SAVE_DELAY_MS, so a crash loses at most that much.
        if not self._draft_timer.isActive():
            self._draft_timer.start()

    def _on_session_event(self, event: SessionEvent) -> None:
        from app.services.session import Notice, TabActivated

        if isinstance(event, Notice):
            self.statusBar().showMessage(event.text)
        elif isinstance(event, TabActivated):
            tab = self.session.get(event.tab_id)
            mine = tab is not None and tab.collection == str(self.collections.root)
            self.sidebar.show_open(Path(tab.source) if mine and tab and tab.source else None)

    def _on_draft_timer_timeout(self) -> None:
        self.area.pull_builder(commit=False)
        self.draft_keeper.keep()

    def _on_drafts_written(self, problem: str | None) -> None:
        if problem is not None:
            self.statusBar().showMessage(problem)

    def save_drafts(self) -> bool:
        """Keep every tab's edits in the data folder now; False (and said so) when that failed."""
        self._draft_timer.stop()
        self.area.pull_builder(commit=False)
        return self.draft_keeper.flush() is None

    def focusNextPrevChild(self, next: bool) -> bool:
        # Tab skips what is not on screen: a dock behind another dock's tab counts as
        # visible to Qt, and typing landed in the hidden History search box.
        moved = super().focusNextPrevChild(next)
        for _ in range(64):  # bounded: a window whose every control is covered still ends
            widget = QApplication.focusWidget()
            if not moved or widget is None or not widget.visibleRegion().isEmpty():
                break
            moved = super().focusNextPrevChild(next)
        return moved

    def closeEvent(self, event: QCloseEvent) -> None:
        # Edits are kept as drafts (restored next start), so closing only asks when that
        # failed. Requests in flight stop now; closing the HTTP client is the owner's job
        # (it needs the loop, which may be about to stop): see ``app.launch``.
        if not self.attached:  # closed while starting: nothing was opened yet
            super().closeEvent(event)
            self.closed.emit()
            return
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
        self.draft_keeper.close()
        self.collections.shut_down()
        for callback in self._on_close:
            callback()
        self._on_close.clear()
        super().closeEvent(event)
        self.closed.emit()


def _dropped_file(data: QMimeData) -> Path | None:
    """The one local file a drag carries (a collection, HAR, API description), if any."""
    urls = data.urls() if data.hasUrls() else []
    if len(urls) != 1 or not urls[0].isLocalFile():
        return None
    path = Path(urls[0].toLocalFile())
    return path if path.is_file() else None

"""Assembling and starting the app: ``create_main_window()`` and the ``api-explorer`` command.

Testing contract (see README): given a QApplication and a running qasync loop,
``create_main_window()`` returns the fully wired window; the caller shows it.
Nothing tied to an event loop lives at module level.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QByteArray

from app.core.collection import SavedRequest
from app.core.tabs import OpenTab, new_tab
from app.core.urls import params_from_url
from app.demo import DemoServer
from app.http.spool import SpoolSettings, sweep
from app.resources import app_icon_files, copy_sample_collection, sample_collection
from app.services.collections import CollectionService
from app.services.history import HistoryService
from app.services.pipeline import Pipeline
from app.services.session import Session
from app.services.workspace import Workspace
from app.storage.drafts import DraftStore
from app.storage.history import HistoryStore
from app.storage.instance import InstanceLock
from app.storage.request_memory import RequestMemory
from app.storage.secrets import SecretStore, open_secret_store
from app.storage.settings import Settings, SettingsStore, data_dir
from app.ui import unexpected_errors
from app.ui.background import Background
from app.ui.main_window import MainWindow
from app.ui.prompts import DialogPrompts, Prompts
from app.ui.single_instance import HandOverServer, hand_over

__all__ = [
    "DEMO_FIRST_REQUEST",
    "create_main_window",
    "main",
    "run_window",
    "sample_collection_copy",
    "take_over",
]

# What a newcomer's first click on Send fetches from the demo API.
DEMO_FIRST_REQUEST = "/payments?limit=5"
DEMO_FIRST_REQUEST_FILE = Path("payments/list-payments.request.yaml")
DEMO_ENVIRONMENT = "demo"


def sample_collection_copy(folder: Path) -> Path | None:
    """The user's own copy of the sample collection (made on first use), so that edits to
    it never touch the files shipped in ``app/resources/``."""
    target = folder / "collections" / "demo-api"
    if not target.exists() and sample_collection().is_dir():
        copy_sample_collection(target)
    return target if target.is_dir() else None


def create_main_window(
    *,
    demo: bool = True,
    collection: Path | None = None,
    bundle: Path | None = None,
    prompts: Prompts | None = None,
) -> MainWindow:
    """The wired main window; with ``demo`` the built-in demo API runs until it closes.
    ``prompts`` answers the window's questions (default: dialogs; tests script them).

    The collection opened is ``collection``, else the last session's, else the most
    recent one, else (with ``demo``) a copy of the sample collection. The tabs of the
    last session come back with their unsaved edits; the reproduction bundle ``bundle``
    then opens in a tab of its own, as File > Open a reproduction bundle opens it.
    """
    folder = data_dir()
    store = SettingsStore(folder)
    settings = store.load()
    notices = [store.problem] if store.problem else []
    app_variables: dict[str, str] = {}
    server: DemoServer | None = None
    if demo:
        server = DemoServer()
        server.start()
        app_variables["demo_url"] = server.base_url

    secret_notices: list[str] = []

    def open_secrets() -> SecretStore:
        # Called on whichever thread needs the store first (see below): what it has to say
        # is shown on the window's thread.
        secrets, notice = open_secret_store(folder)
        if notice:
            secret_notices.append(notice)
        return secrets

    workspace = Workspace(app_variables=app_variables, secret_store=open_secrets)
    drafts = DraftStore(folder)
    history = HistoryStore(
        folder,
        max_entries=max(1, settings.history_max_entries),
        max_bytes=max(1, settings.history_max_mb) * 1024 * 1024,
    )
    dialogs = DialogPrompts()
    collections = CollectionService(workspace)
    session = Session(collections, drafts, prompts or dialogs)
    pipeline = Pipeline(workspace, history=history)
    pipeline.body_ceiling = settings.response_max_mb * 1024 * 1024
    spool_folder = folder / "responses"
    pipeline.spool = SpoolSettings(spool_folder, settings.stream_above_mb * 1024 * 1024)
    sweep(spool_folder)  # what a crashed run left
    window = MainWindow(
        pipeline,
        session,
        HistoryService(history),
        prompts or dialogs,
    )
    dialogs.parent = window
    window.call_on_close(history.close)

    def secrets_opened(_store: object) -> None:
        while secret_notices:
            window.show_notice(secret_notices.pop(0))
        window.area.update_target()  # the preview shows the secrets' values as sent

    # Asking the OS keyring which backend to use took 0.1 s of every start: done in a
    # thread, so the window paints first; what needs a secret before then waits for it.
    Background(secrets_opened, window, "secret-store").run(workspace.secret_store)
    builder = window.builder
    builder.timeout_spin.setValue(settings.timeout_seconds)
    demo_base = ""
    if server is not None:
        window.call_on_close(server.stop)
        demo_base = server.base_url + "/rest/v1"
        builder.base_url_edit.setText(demo_base)
        window.setWindowTitle(f"API Explorer — demo API at {server.base_url}")
    else:
        builder.base_url_edit.setText(settings.base_url)

    recent = [Path(p) for p in settings.recent_collections]
    window.set_recent(recent)
    window.menus.data_folder = folder
    _restore_look(window, settings)
    recent_settings = [settings]

    def remember(root: Path) -> None:
        recent_settings.append(recent_settings[-1].with_recent(str(root)))
        window.set_recent([Path(p) for p in recent_settings[-1].recent_collections])

    window.collection_opened.connect(remember)

    kept = drafts.load()
    memory = RequestMemory(folder)
    memory.load()
    window.set_memory(memory)
    notices += [p for p in (drafts.problem, history.problem, memory.problem) if p]
    first_start = kept is None
    candidates = [
        collection,
        Path(kept.collection_root) if kept and kept.collection_root else None,
        *recent[:1],
    ]
    chosen = next((c for c in candidates if c is not None and c.is_dir()), None)
    if collection is not None and chosen != collection:
        notices.append(f"{collection} is not a folder, so it was not opened.")
    if chosen is None and server is not None:
        chosen = sample_collection_copy(folder)
    if chosen is not None:
        window.open_collection(chosen)
    if kept is not None and kept.environment:
        window.settings.select_environment(kept.environment)
    elif first_start and server is not None:
        window.settings.select_environment(DEMO_ENVIRONMENT)

    if kept is not None and kept.tabs:
        session.restore(kept)
    elif server is not None:
        window.open_tab(_first_demo_tab(window))
    else:
        window.new_tab()
    for notice in notices:
        window.show_notice(notice)
    if bundle is not None:
        window.history_actions.open_bundle(bundle)

    def save_settings() -> None:
        base = builder.base_url_edit.text()
        entries, megabytes = window.history_panel.limits()
        updated = replace(
            recent_settings[-1],
            theme=window.menus.theme,
            window_geometry=bytes(window.saveGeometry().data()).hex(),
            window_state=bytes(window.saveState().data()).hex(),
            split_sizes=tuple(window.area.sizes()),
            request_page=builder.tabs.currentIndex(),
            timeout_seconds=builder.timeout_spin.value(),
            base_url=settings.base_url if base == demo_base else base,
            history_max_entries=entries,
            history_max_mb=megabytes,
            response_max_mb=pipeline.body_ceiling // (1024 * 1024),
            stream_above_mb=(
                pipeline.spool.threshold // (1024 * 1024)
                if pipeline.spool is not None
                else settings.stream_above_mb
            ),
        )
        try:
            store.save(updated)
        except OSError as exc:
            # The window is closing; stderr is the only place left to say it.
            print(f"api-explorer: settings were not saved: {exc}", file=sys.stderr)

    window.call_on_close(save_settings)
    return window


def _restore_look(window: MainWindow, settings: Settings) -> None:
    """The theme, window geometry, docks, split and request page of the last session."""
    window.menus.set_theme(settings.theme)
    if settings.window_geometry:
        window.restoreGeometry(QByteArray(bytes.fromhex(settings.window_geometry)))
    if settings.window_state:
        window.restoreState(QByteArray(bytes.fromhex(settings.window_state)))
    if len(settings.split_sizes) == 2 and all(settings.split_sizes):
        window.area.setSizes(list(settings.split_sizes))
    if 0 <= settings.request_page < window.builder.tabs.count():
        window.builder.tabs.setCurrentIndex(settings.request_page)


def _first_demo_tab(window: MainWindow) -> OpenTab:
    """The sample collection's "list payments" request, or the same request unsaved."""
    loaded = window.collections.loaded
    node = loaded.find(DEMO_FIRST_REQUEST_FILE) if loaded else None
    if loaded is not None and node is not None and node.request is not None:
        return new_tab(node.request, DEMO_FIRST_REQUEST_FILE.as_posix(), str(loaded.root))
    path, _, query = DEMO_FIRST_REQUEST.partition("?")
    request = SavedRequest("List payments", url=path, params=tuple(params_from_url("?" + query)))
    return new_tab(request)


def run_window(
    *, collection: Path | None = None, bundle: Path | None = None, demo: bool = True
) -> int:
    """Start the app's window on a qasync loop and return when it has closed (``bundle``:
    a reproduction bundle to open beside the collection); when a window already runs on
    the data folder, hand both over to it instead."""
    import qasync
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
    app.setApplicationName("API Explorer")
    # Wayland and GNOME match the window to packaging/linux/api-explorer.desktop by this name.
    app.setDesktopFileName("api-explorer")
    icon = QIcon()
    for png in app_icon_files():
        icon.addFile(str(png))
    app.setWindowIcon(icon)
    # The app ends when run() below has closed the HTTP client, not the moment the window
    # closes: stopping the loop first would strand in-flight requests' clean-up.
    app.setQuitOnLastWindowClosed(False)
    # Let Ctrl+C in the terminal end the app instead of being swallowed by Qt's loop.
    signal.signal(signal.SIGINT, signal.SIG_DFL)

    folder = data_dir()
    lock = InstanceLock(folder)
    if not lock.acquire():
        if hand_over(folder, collection, bundle):
            print(
                f"api-explorer: already running with the data folder {folder}; "
                "that window was brought to the front.",
                file=sys.stderr,
            )
            return 0
        print(
            f"api-explorer: another API Explorer is using the data folder {folder} but does "
            "not answer. Close it (or end its process), or set API_EXPLORER_HOME to another "
            "folder to run a second one.",
            file=sys.stderr,
        )
        return 1
    server = HandOverServer(folder, parent=app)

    async def run() -> None:
        closed = asyncio.Event()
        app.aboutToQuit.connect(closed.set)
        window = create_main_window(demo=demo, collection=collection, bundle=bundle)
        unexpected_errors.install(window.show_unexpected)
        take_over(server, window)
        window.closed.connect(closed.set)
        window.show()
        await closed.wait()
        await window.sends.aclose()

    try:
        qasync.run(run())
    finally:
        server.close()
        lock.release()
    return 0


def take_over(server: HandOverServer, window: MainWindow) -> None:
    """Later starts on the data folder hand what they were asked to open to ``window``."""
    server.requested.connect(lambda collection, bundle: _come_forward(window, collection, bundle))


def _come_forward(window: MainWindow, collection: Path | None, bundle: Path | None) -> None:
    """Another start on this data folder handed over to this window."""
    window.showNormal()
    window.raise_()
    window.activateWindow()
    if collection is not None:
        window.open_collection(collection, background=True)
    window.statusBar().showMessage(
        "API Explorer was started again: this window took over (one window per data folder)."
    )
    if bundle is not None:
        window.history_actions.open_bundle(bundle)


def main(argv: Sequence[str] | None = None) -> int:
    """The ``api-explorer`` command (see ``app.cli``)."""
    from app.cli import main as cli_main

    return cli_main(argv)

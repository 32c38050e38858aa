"""Assembling the app: ``create_main_window()`` builds the services and the window's
contents (``app.launch`` starts the window and calls it once the frame has painted).

Testing contract (see README): given a QApplication and a running qasync loop,
``create_main_window()`` returns the fully wired window; the caller shows it.
Nothing tied to an event loop lives at module level.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QByteArray, QTimer

from app.core.collection import SavedRequest
from app.core.tabs import OpenTab, new_tab
from app.core.urls import params_from_url
from app.demo import DemoServer
from app.http.spool import SpoolSettings, sweep
from app.resources import copy_sample_collection, sample_collection
from app.services.collections import CollectionService
from app.services.history import HistoryService
from app.services.pipeline import Pipeline
from app.services.session import Session
from app.services.workspace import Workspace
from app.storage.drafts import DraftStore
from app.storage.history import HistoryStore
from app.storage.request_memory import RequestMemory
from app.storage.secrets import SecretStore, open_secret_store
from app.storage.settings import Settings, SettingsStore, data_dir
from app.ui.background import Background
from app.ui.main_window import MainWindow
from app.ui.prompts import DialogPrompts, Prompts

__all__ = [
    "DEMO_FIRST_REQUEST",
    "create_main_window",
    "sample_collection_copy",
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
    frame: tuple[MainWindow, SettingsStore, Settings] | None = None,
) -> MainWindow:
    """The wired main window; with ``demo`` the built-in demo API runs until it closes.
    ``prompts`` answers the window's questions (default: dialogs; tests script them).
    ``frame``: the window already painted (``app.launch``), with the settings store it
    was restored from and what it read; without it, a new window from the saved settings.

    The collection opened is ``collection``, else the last session's, else the most
    recent one, else (with ``demo``) a copy of the sample collection. The tabs of the
    last session come back with their unsaved edits; the reproduction bundle ``bundle``
    then opens in a tab of its own, as File > Open a reproduction bundle opens it.
    """
    folder = data_dir()
    if frame is None:
        store = SettingsStore(folder)
        settings = store.load()
        window = MainWindow()
        window.restore_frame(settings.theme, bytes.fromhex(settings.window_geometry))
    else:
        window, store, settings = frame
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
    window.attach(pipeline, session, HistoryService(history), prompts or dialogs)
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
    """The theme, docks, split and request page of the last session (the window's geometry
    is the frame's, ``MainWindow.restore_frame``)."""
    window.menus.set_theme(settings.theme)  # the frame applied it: this checks its menu item
    if settings.window_state:
        state = QByteArray(bytes.fromhex(settings.window_state))
        if window.isVisible():
            # Built into a frame already on screen (``app.launch``): its docks show on the
            # next turn of the loop, and a state restored before that gave the collection
            # dock 559 px of a 921 px window where 354 px had been saved.
            QTimer.singleShot(0, lambda: window.restoreState(state))
        else:
            window.restoreState(state)
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

"""Starting the window: its frame paints first, then the rest of the app is imported and
built into it (``app.application.create_main_window``).

Importing the app (httpx, TLS, PyYAML, SQLite, every widget) and building the window took
about 0.45 s of a 0.65 s start, all before anything showed. This module and what it imports
at the top (``MainWindow``'s frame, the settings, the instance lock) are small: the window
shows at its last size, place and theme with "Starting…" in its status bar in about the
time a bare PySide6 window takes, and fills in a moment later (``make bench``:
``bench/startup.py`` times both).
"""

from __future__ import annotations

import asyncio
import linecache
import signal
import sys
from collections.abc import Awaitable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app.resources import app_icon_files
from app.storage.instance import InstanceLock
from app.storage.settings import SettingsStore, data_dir
from app.ui import unexpected_errors
from app.ui.main_window import MainWindow
from app.ui.single_instance import HandOverServer, hand_over

__all__ = ["FIRST_PAINT_WAIT_S", "GUI_SWITCH_INTERVAL_S", "run_window", "take_over"]

# How long the build waits for the frame's first paint; a display that never paints it
# (a minimised start, a busy compositor) must not keep the window empty.
FIRST_PAINT_WAIT_S = 1.0

# While a worker thread runs Python (a diff, a collection read, a parse's hooks), the
# window's thread waits for the GIL at every call into Python (a model's data(), a slot),
# and CPython hands it over only after the switch interval: 5 ms by default, so a repaint
# of a hundred cells could wait half a second. At 1 ms, comparing two 20 MB responses
# stalled the window 118-120 ms instead of 290-530 ms, the comparison 6% slower
# (bench/diff_window.py, which sets it as the app does).
GUI_SWITCH_INTERVAL_S = 0.001


def run_window(
    *, collection: Path | None = None, bundle: Path | None = None, demo: bool = True
) -> int:
    """Start the app's window on a qasync loop and return when it has closed (``bundle``:
    a reproduction bundle to open beside the collection); when a window already runs on
    the data folder, hand both over to it instead."""
    import qasync

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
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)

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
    # A second start while this one is still building hands over to the window once built.
    early: list[tuple[Path | None, Path | None]] = []
    server.requested.connect(lambda collection, bundle: early.append((collection, bundle)))

    async def run() -> None:
        closed = asyncio.Event()
        app.aboutToQuit.connect(closed.set)
        store = SettingsStore(folder)
        settings = store.load()
        window = MainWindow()
        window.closed.connect(closed.set)
        window.restore_frame(settings.theme, bytes.fromhex(settings.window_geometry))
        painted = first_paint(window)
        window.show()
        await painted
        if closed.is_set():  # closed before its first paint: nothing more to start
            return
        from app.application import create_main_window

        create_main_window(
            demo=demo, collection=collection, bundle=bundle, frame=(window, store, settings)
        )
        # After the build: a failure there ends the start with its traceback, not as a
        # sentence about an action in a window that does not exist yet.
        unexpected_errors.install(window.show_unexpected)
        # The window was activated while it was only a frame, with nothing to take the
        # focus: once its new contents show (a turn of the loop), the focus goes where Qt
        # puts it on activation, so keys work without a click.
        QTimer.singleShot(0, lambda: _focus_first(window))
        # PySide6's import hook read the source of every module imported since Qt (to see
        # whether it uses PySide6) into the line cache: megabytes nobody reads again.
        linecache.clearcache()
        server.requested.disconnect()
        take_over(server, window)
        for asked in early:
            _come_forward(window, *asked)
        await closed.wait()
        await window.sends.aclose()

    try:
        qasync.run(run())
    finally:
        server.close()
        lock.release()
    return 0


def first_paint(window: MainWindow) -> Awaitable[None]:
    """What to await for ``window``'s first paint (or ``FIRST_PAINT_WAIT_S``); call it
    before ``show()``, which may paint at once on some platforms."""
    painted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    watch = _FirstPaint(painted)
    window.installEventFilter(watch)

    async def wait() -> None:
        try:
            await asyncio.wait_for(painted, FIRST_PAINT_WAIT_S)
        except TimeoutError:
            pass
        finally:
            window.removeEventFilter(watch)
        await asyncio.sleep(0)  # the paint is flushed when its event returns

    return wait()


class _FirstPaint(QObject):
    def __init__(self, painted: asyncio.Future[None]) -> None:
        super().__init__()
        self._painted = painted

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._painted.done():
            self._painted.set_result(None)
        return False


def _focus_first(window: MainWindow) -> None:
    if window.focusWidget() is None:
        window.focusNextPrevChild(True)


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

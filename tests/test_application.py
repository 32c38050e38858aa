"""The assembled app: demo or not, settings kept between runs, the command starts."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLabel

from app.application import DEMO_FIRST_REQUEST, create_main_window
from app.cli import _gui_parser


def test_demo_window_has_a_ready_request_to_a_running_demo(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop
) -> None:
    window = create_main_window()
    qtbot.addWidget(window)
    base = window.builder.base_url_edit.text()
    assert base.startswith("http://127.0.0.1:") and base.endswith("/rest/v1")
    assert window.builder.url_edit.text() == DEMO_FIRST_REQUEST
    window.close()


def test_no_demo_window_uses_the_saved_base_url_and_timeout(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop, explorer_home: Path
) -> None:
    explorer_home.mkdir(parents=True)
    (explorer_home / "settings.json").write_text(
        json.dumps({"timeout_seconds": 12, "base_url": "https://wallet.paysera.com/rest/v1/"})
    )
    window = create_main_window(demo=False)
    qtbot.addWidget(window)
    assert window.builder.base_url_edit.text() == "https://wallet.paysera.com/rest/v1/"
    assert window.builder.timeout_spin.value() == 12
    assert window.builder.url_edit.text() == ""
    window.close()


def test_closing_saves_the_timeout_but_not_the_demo_url(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop, explorer_home: Path
) -> None:
    window = create_main_window()
    qtbot.addWidget(window)
    window.builder.timeout_spin.setValue(7)
    window.close()
    saved = json.loads((explorer_home / "settings.json").read_text())
    assert saved["timeout_seconds"] == 7.0
    assert saved["base_url"] == ""
    assert saved["recent_collections"] == [str(explorer_home / "collections" / "demo-api")]


def test_damaged_settings_are_reported_in_the_status_bar(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop, explorer_home: Path
) -> None:
    explorer_home.mkdir(parents=True)
    (explorer_home / "settings.json").write_text("{oops")
    window = create_main_window(demo=False)
    qtbot.addWidget(window)
    notice = window.findChild(QLabel, "noticeLabel")
    assert notice is not None and "settings.json" in notice.text()
    window.close()


def test_no_demo_flag() -> None:
    assert _gui_parser().parse_args(["--no-demo"]).no_demo
    assert not _gui_parser().parse_args([]).no_demo


def test_the_command_starts_and_keeps_running(explorer_home: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", API_EXPLORER_HOME=str(explorer_home))
    process = subprocess.Popen(
        [sys.executable, "main.py"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        time.sleep(3)
        assert process.poll() is None, process.communicate()[1].decode()[-2000:]
        assert explorer_home.is_dir()
    finally:
        process.kill()
        process.communicate()


_CLOSE_WHILE_IN_FLIGHT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from app.cli import main
from tests.started_window import when_built

app = QApplication([])

def act(window):
    window.sends.started.connect(lambda _id: QTimer.singleShot(300, window.close))
    window.builder.set_request("GET", "/slow?seconds=20")
    window.send()

when_built(act)
sys.exit(main([]))
"""


def test_closing_the_window_with_a_request_in_flight_exits_cleanly(explorer_home: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", API_EXPLORER_HOME=str(explorer_home))
    done = subprocess.run(
        [sys.executable, "-c", _CLOSE_WHILE_IN_FLIGHT],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert (explorer_home / "settings.json").exists()


def test_a_collection_path_on_the_command_line() -> None:
    assert _gui_parser().parse_args(["/some/collection"]).path == Path("/some/collection")
    assert _gui_parser().parse_args(["--no-demo", "x"]).path == Path("x")
    assert _gui_parser().parse_args([]).path is None


def test_the_theme_layout_and_request_page_come_back_after_a_restart(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop
) -> None:
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from app.ui.themes import apply_theme

    try:
        first = create_main_window(demo=False)
        qtbot.addWidget(first)
        first.show()
        first.menus.set_theme("dark")
        first.resize(760, 560)  # within the offscreen screen (800 x 600)
        first.area.setSizes([250, 400])
        first.builder.tabs.setCurrentWidget(first.builder.headers_page)
        sizes = first.area.sizes()
        first.close()

        apply_theme("system")
        second = create_main_window(demo=False)
        qtbot.addWidget(second)
        second.show()
        assert second.menus.theme == "dark"
        window_colour = QApplication.palette().color(QPalette.ColorRole.Window)
        assert window_colour.lightness() < 128
        assert (second.width(), second.height()) == (760, 560)
        # The split is restored before the window takes its final size: a few pixels move.
        assert all(abs(a - b) <= 10 for a, b in zip(second.area.sizes(), sizes, strict=True))
        assert second.builder.tabs.currentWidget() is second.builder.headers_page
        second.close()
    finally:
        apply_theme("system")  # the palette is the whole test session's


def test_version_and_self_test_from_the_command_line(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        API_EXPLORER_HOME=str(tmp_path),
        API_EXPLORER_KEYRING="off",
    )
    version = subprocess.run(
        [sys.executable, str(root / "main.py"), "--version"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert version.returncode == 0 and version.stdout.startswith("api-explorer ")
    checked = subprocess.run(
        [sys.executable, str(root / "main.py"), "--self-test"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stderr[-2000:]
    assert checked.stdout.startswith("self-test: 200 OK in ")


def test_the_secret_store_opens_off_the_windows_thread_and_its_notice_follows(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop, monkeypatch: Any
) -> None:
    import threading

    import app.application as application
    from app.storage.secrets import open_secret_store

    release = threading.Event()
    threads: list[str] = []

    def slow_keyring(folder: Path) -> Any:
        threads.append(threading.current_thread().name)
        release.wait(10)  # a keyring that answers late
        store, _ = open_secret_store(folder)
        return store, "The keyring took its time (test)."

    monkeypatch.setattr(application, "open_secret_store", slow_keyring)
    window = create_main_window()  # the demo environment declares a secret: it opens
    qtbot.addWidget(window)
    assert not window.workspace.secret_store_open  # the window was built without it
    release.set()
    qtbot.waitUntil(lambda: window.workspace.secret_store_open, timeout=5000)

    def noticed() -> bool:
        notice = window.findChild(QLabel, "noticeLabel")  # made with the first notice
        return notice is not None and "took its time" in notice.text()

    qtbot.waitUntil(noticed)
    assert threads == ["secret-store"]
    window.close()

"""The start (``app.launch``): the window's frame paints before the app is imported, then
fills in; closing it or starting again meanwhile works. Each test starts the real app in a
process of its own, as ``api-explorer`` does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMainWindow

from app.resources import copy_sample_collection

ROOT = Path(__file__).resolve().parents[1]

# Reports, as one JSON line, what was imported when the window named mainWindow first
# painted and when its URL field first painted (the window built); MODE says what to do then.
_PROBE = r"""
import json, os, subprocess, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget
import app.launch as launch
from app.cli import main

MODE = sys.argv[1]
seen = {}
HEAVY = ("httpx", "yaml", "sqlite3", "app.application", "app.ui.request_area")
# Imported when first needed, never by a start (httpx's own command line: click, rich and
# pygments, 56 ms in a development venv; msgspec for huge bodies; JSONPath and regex for
# filters and assertions; the import and export formats, 25 ms).
LATER = ("rich", "click", "pygments", "msgspec", "jsonpath", "regex", "jq")

def imported():
    return sorted(name for name in HEAVY if name in sys.modules)

def later():
    return sorted(
        name for name in sys.modules
        if name.split(".")[0] in LATER
        or (name.startswith("app.formats.") and name != "app.formats._model")
    )

class Probe(QObject):
    def eventFilter(self, watched, event):
        if event.type() != QEvent.Type.Paint:
            return False
        if watched.objectName() == "mainWindow" and "frame" not in seen:
            seen["frame"] = {
                "imported": imported(),
                "title": watched.windowTitle(),
                "status": watched.statusBar().currentMessage(),
                "width": watched.width(),
                "switch_interval": sys.getswitchinterval(),
                "app_modules": sorted(name for name in sys.modules if name.startswith("app.")),
            }
            watched.activateWindow()  # as a window manager does when the window maps
            if MODE == "close-at-first-paint":
                QTimer.singleShot(0, watched.close)
        if watched.objectName() == "urlEdit" and "built" not in seen:
            window = watched.window()
            seen["built"] = {
                "imported": imported(),
                "later": later(),
                "httpx_main": callable(sys.modules["httpx"].main),
                "same_window": window.objectName() == "mainWindow",
                "url": watched.text(),
                "status": window.statusBar().currentMessage(),
                "focus": window.focusWidget().objectName() if window.focusWidget() else None,
                "notice": notice.text() if (notice := window.findChild(QWidget, "noticeLabel"))
                else "",
            }
            def close():
                seen["dock_width"] = window.findChild(QWidget, "collectionDock").width()
                window.close()

            QTimer.singleShot(0, close)
        return False

qt_app = QApplication([sys.argv[0]])
probe = Probe()
qt_app.installEventFilter(probe)

if MODE == "second-start-while-building":
    # The frame's first paint waits until a second start has handed its collection over.
    first_paint = launch.first_paint

    def first_paint_then_second_start(window):
        painted = first_paint(window)
        return then_second_start(painted)

    async def then_second_start(painted):
        import asyncio
        await painted
        second = subprocess.Popen(
            [sys.executable, "-c", "import sys; from app.cli import main; sys.exit(main())",
             sys.argv[2]],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )
        while second.poll() is None:
            await asyncio.sleep(0.05)
        seen["second"] = {"code": second.returncode, "stderr": second.stderr.read()}

    launch.first_paint = first_paint_then_second_start
    _come_forward = launch._come_forward

    def come_forward(window, collection, bundle):
        _come_forward(window, collection, bundle)
        seen["handed_over"] = {
            "collection": str(collection), "status": window.statusBar().currentMessage()
        }

    launch._come_forward = come_forward

code = main([] if MODE == "demo" else ["--no-demo"])
seen["exit"] = code
seen["imported_at_exit"] = imported()
print(json.dumps(seen))
"""


FRAME_MODULES = {
    "app.cli",
    "app.core",
    "app.core.json_strict",
    "app.core.preferences",
    "app.launch",
    "app.resources",
    "app.services",
    "app.services.prompts",
    "app.storage",
    "app.storage.fs",
    "app.storage.instance",
    "app.storage.settings",
    "app.ui",
    "app.ui.elided_label",
    "app.ui.main_window",
    "app.ui.prompts",
    "app.ui.single_instance",
    "app.ui.themes",
    "app.ui.unexpected_errors",
}


def _start(home: Path, *args: str) -> dict[str, object]:
    environ = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "API_EXPLORER_HOME": str(home),
        "API_EXPLORER_KEYRING": "off",
    }
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        cwd=ROOT,
        env=environ,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def test_the_frame_paints_before_the_app_is_imported_then_the_same_window_fills_in(
    tmp_path: Path,
) -> None:
    report = _start(tmp_path, "demo")
    frame = report["frame"]
    assert isinstance(frame, dict)
    # The frame's whole budget of the app's modules: what it shows and the settings, the
    # instance lock and the hand-over socket (a new one here slows every first paint).
    assert set(frame.pop("app_modules")) <= FRAME_MODULES
    assert frame == {
        "imported": [],  # no httpx, PyYAML, SQLite or widgets of the app yet
        "title": "API Explorer",
        "status": "Starting…",
        "width": 720,  # 1280 at most, and 90% of the offscreen screen's 800 px
        # Threads hand the GIL to the window's thread every 1 ms, not 5 (see app.launch).
        "switch_interval": 0.001,
    }
    built = report["built"]
    assert isinstance(built, dict)
    assert built["imported"] == [
        "app.application",
        "app.ui.request_area",
        "httpx",
        "sqlite3",
        "yaml",
    ]
    assert built["same_window"] is True
    assert built["later"] == []
    assert built["httpx_main"] is True  # httpx's `main` still works, only lazily
    assert built["status"] == ""  # "Starting…" is gone
    # Activated as a bare frame, it still has a focused control once built: keys work.
    assert built["focus"] == "environmentCombo"
    assert report["exit"] == 0
    assert (tmp_path / "settings.json").is_file()  # closed the usual way: settings kept


def test_the_frame_comes_back_at_the_size_it_was_closed_at(tmp_path: Path, qapp: Any) -> None:
    _start(tmp_path, "normal")
    settings = json.loads((tmp_path / "settings.json").read_text())
    # Another size, as a user leaves it: saveGeometry of a 640 px window (the offscreen
    # screen is 800 px wide).
    window = QMainWindow()
    window.resize(640, 480)
    settings["window_geometry"] = bytes(window.saveGeometry().data()).hex()
    (tmp_path / "settings.json").write_text(json.dumps(settings))
    report = _start(tmp_path, "normal")
    frame = report["frame"]
    assert isinstance(frame, dict)
    assert frame["width"] == 640  # restored before the first paint, not after


def test_the_docks_come_back_as_wide_as_they_were(tmp_path: Path) -> None:
    first = _start(tmp_path, "normal")
    again = _start(tmp_path, "normal")  # a new process on the same data folder
    assert again["dock_width"] == first["dock_width"]


def test_damaged_settings_read_for_the_frame_are_still_reported_in_the_window(
    tmp_path: Path,
) -> None:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "settings.json").write_text('{"theme": "dark", "timeout_seconds": NaN}')
    report = _start(tmp_path, "normal")
    built = report["built"]
    assert isinstance(built, dict)
    [kept] = tmp_path.glob("settings.json.damaged-*")
    assert str(kept) in str(built["notice"])


def test_closing_the_window_while_it_starts_ends_the_app_without_building_it(
    tmp_path: Path,
) -> None:
    report = _start(tmp_path, "close-at-first-paint")
    assert report["exit"] == 0
    assert "built" not in report
    assert "app.application" not in str(report["imported_at_exit"])  # nothing more was loaded


def test_a_second_start_while_the_first_builds_is_handed_over_once_it_is_built(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    collection = tmp_path / "team"
    copy_sample_collection(collection)
    report = _start(home, "second-start-while-building", str(collection))
    second = report["second"]
    assert isinstance(second, dict)
    assert second["code"] == 0, second["stderr"]
    assert "that window was brought to the front" in str(second["stderr"])
    handed = report["handed_over"]
    assert isinstance(handed, dict)
    assert handed["collection"] == str(collection)
    assert "this window took over" in str(handed["status"])

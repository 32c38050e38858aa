"""A real app process with edits in two tabs is killed with SIGKILL; the next start
restores both tabs with their edits."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_EDIT_THEN_WAIT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from app.application import main
from app.storage.drafts import DraftStore
from app.storage.settings import data_dir

app = QApplication([])

def edit():
    window = next(w for w in app.topLevelWidgets() if w.objectName() == "mainWindow")
    window.builder.url_edit.clear()
    QTest.keyClicks(window.builder.url_edit, "/payments/10145")
    window.new_tab()
    QTest.keyClicks(window.builder.url_edit, "/payments")
    window.builder.method_combo.setCurrentText("POST")
    window.builder.method_combo.activated.emit(0)
    QTest.keyClicks(window.builder.body.editor, '{"note": "typed, never saved"}')
    QTimer.singleShot(100, wait_for_drafts)

def wait_for_drafts():
    session = DraftStore(data_dir()).load()
    bodies = [t.current.body for t in session.tabs] if session else []
    if any("never saved" in b for b in bodies):
        print("READY", flush=True)
    else:
        QTimer.singleShot(100, wait_for_drafts)

QTimer.singleShot(500, edit)
sys.exit(main([]))
"""

_REPORT_TABS = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from app.application import main

app = QApplication([])

def report():
    window = next(w for w in app.topLevelWidgets() if w.objectName() == "mainWindow")
    window.area.pull_builder()
    tabs = [
        {"url": t.current.url, "method": t.current.method, "body": t.current.body,
         "dirty": t.dirty}
        for t in window.session.tabs()
    ]
    print(json.dumps({"tabs": tabs, "url_shown": window.builder.url_edit.text()}), flush=True)
    window.close()

QTimer.singleShot(800, report)
sys.exit(main([]))
"""


def _env(home: Path) -> dict[str, str]:
    return dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        API_EXPLORER_HOME=str(home),
        API_EXPLORER_KEYRING="off",
    )


def test_sigkill_loses_nothing_typed(explorer_home: Path) -> None:
    editing = subprocess.Popen(
        [sys.executable, "-c", _EDIT_THEN_WAIT],
        cwd=ROOT,
        env=_env(explorer_home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert editing.stdout is not None
        deadline = time.monotonic() + 30
        line = ""
        while time.monotonic() < deadline and "READY" not in line:
            line = editing.stdout.readline()
            if not line and editing.poll() is not None:
                break
        assert "READY" in line, editing.stderr.read() if editing.stderr else ""
    finally:
        editing.send_signal(signal.SIGKILL)
        editing.communicate(timeout=10)
    assert editing.returncode == -signal.SIGKILL

    restarted = subprocess.run(
        [sys.executable, "-c", _REPORT_TABS],
        cwd=ROOT,
        env=_env(explorer_home),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert restarted.returncode == 0, restarted.stderr[-3000:]
    report = json.loads(restarted.stdout.strip().splitlines()[-1])
    tabs = report["tabs"]
    assert [(t["method"], t["url"]) for t in tabs] == [
        ("GET", "/payments/10145"),
        ("POST", "/payments"),
    ]
    assert tabs[1]["body"] == '{"note": "typed, never saved"}'
    assert report["url_shown"] == "/payments"  # the active tab comes back active

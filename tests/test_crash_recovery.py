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
from app.cli import main
from app.storage.drafts import DraftStore
from app.storage.settings import data_dir
from tests.started_window import when_built

app = QApplication([])

def edit(window):
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

when_built(edit)
sys.exit(main([]))
"""

_REPORT_TABS = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from app.cli import main
from tests.started_window import when_built

app = QApplication([])

def report(window):
    window.area.pull_builder()
    tabs = [
        {"url": t.current.url, "method": t.current.method, "body": t.current.body,
         "dirty": t.dirty}
        for t in window.session.tabs()
    ]
    print(json.dumps({"tabs": tabs, "url_shown": window.builder.url_edit.text()}), flush=True)
    window.close()

when_built(report)
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


_TYPE_IN_BURSTS = """
import random, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from app.cli import main
from tests.started_window import when_built

app = QApplication([])
rng = random.Random(int(sys.argv[1]))
typed = [0]

def start(window):
    window.new_tab()
    key(window)

def key(window):
    QTest.keyClicks(window.builder.url_edit, "x")
    typed[0] += 1
    print(f"KEY {typed[0]} {time.monotonic()}", flush=True)
    # Bursts of quick keys with short pauses, as a person types: never a pause as long
    # as the draft delay, so drafts must be written while the typing goes on.
    delay = rng.choice([30, 40, 60, 80, 200])
    QTimer.singleShot(delay, lambda: key(window))

when_built(start)
sys.exit(main([]))
"""

_SAVE_THEN_WAIT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from app.cli import main
from app.storage.drafts import DraftStore
from app.storage.settings import data_dir
from tests.started_window import when_built

app = QApplication([])

def edit(window):
    QTest.keyClicks(window.builder.url_edit, "&saved=1")
    QTimer.singleShot(100, lambda: save_once_drafted(window))

def save_once_drafted(window):
    # The edit is in drafts first (as after any typing); then Ctrl+S, then the kill.
    session = DraftStore(data_dir()).load()
    if session is None or not any(t.dirty for t in session.tabs):
        QTimer.singleShot(100, lambda: save_once_drafted(window))
        return
    window.save_active_tab()
    print("SAVED", flush=True)

when_built(edit)
sys.exit(main([]))
"""


def _start(script: str, home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=_env(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _restored_tabs(home: Path) -> list[dict[str, object]]:
    restarted = subprocess.run(
        [sys.executable, "-c", _REPORT_TABS],
        cwd=ROOT,
        env=_env(home),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert restarted.returncode == 0, restarted.stderr[-3000:]
    report = json.loads(restarted.stdout.strip().splitlines()[-1])
    tabs: list[dict[str, object]] = report["tabs"]
    return tabs


def test_a_kill_while_typing_loses_no_key_older_than_half_a_second(tmp_path: Path) -> None:
    for run, typing_for in enumerate((1.3, 2.1, 2.9)):
        home = tmp_path / f"home-{run}"
        typing = _start(_TYPE_IN_BURSTS, home, str(run))
        keys: list[tuple[int, float]] = []
        try:
            assert typing.stdout is not None
            started: float | None = None
            while True:
                line = typing.stdout.readline()
                assert line, typing.stderr.read() if typing.stderr else ""
                if line.startswith("KEY "):
                    _, count, at = line.split()
                    keys.append((int(count), float(at)))
                    started = started or float(at)
                    if float(at) - started > typing_for:
                        break
        finally:
            typing.send_signal(signal.SIGKILL)
            typing.communicate(timeout=10)
        killed_at = time.monotonic()
        old_enough = max(count for count, at in keys if at <= killed_at - 0.5)
        urls = [str(t["url"]) for t in _restored_tabs(home)]
        restored = max((len(u) for u in urls if set(u) == {"x"}), default=0)
        assert restored >= old_enough, (run, restored, old_enough, len(keys))


def test_a_kill_right_after_saving_never_brings_back_an_older_draft(tmp_path: Path) -> None:
    home = tmp_path / "home"
    saving = _start(_SAVE_THEN_WAIT, home)
    try:
        assert saving.stdout is not None
        line = saving.stdout.readline()
        assert "SAVED" in line, saving.stderr.read() if saving.stderr else ""
    finally:
        saving.send_signal(signal.SIGKILL)
        saving.communicate(timeout=10)
    on_disk = home / "collections" / "demo-api" / "payments" / "list-payments.request.yaml"
    assert "saved" in on_disk.read_text(encoding="utf-8")
    [tab] = _restored_tabs(home)
    # An older draft would bring the tab back with the typed edits as unsaved changes.
    assert tab["dirty"] is False

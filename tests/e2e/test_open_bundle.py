"""``api-explorer BUNDLE``: a reproduction bundle named on the command line opens in the window
as File > Open a reproduction bundle opens it (beside the collection last opened), also when
a window already runs and the start hands over to it; a file that is no bundle is a sentence.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import shiboken6

import app.launch
from app.cli import EXIT_USAGE
from app.cli import main as cli_main
from app.core.prepare import PreparedRequest
from app.formats.bundle import write_bundle
from app.formats.har_export import HarEntry
from app.launch import take_over
from app.resources import copy_sample_collection
from app.storage.instance import InstanceLock
from app.ui.single_instance import HandOverServer
from tests.e2e.conftest import running_window
from tests.e2e.test_send_and_read import text
from tests.prompts import ScriptedPrompts

ROOT = Path(__file__).resolve().parents[2]
URL = "https://wallet.example.com/rest/v1/payments/10145"


def _bundle(path: Path) -> Path:
    """A bundle of a GET that got 201 Created with a small JSON body (an unusual status, so
    it cannot be another tab's)."""
    entry = HarEntry(
        request=PreparedRequest("GET", URL, (("Accept", "application/json"),), b"", 30.0),
        status=201,
        reason="Created",
        headers=(("Content-Type", "application/json"),),
        body=b'{"id": "10145", "status": "new"}',
        started=datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
        elapsed_ms=12.5,
    )
    path.write_bytes(
        write_bundle(
            entry,
            secrets={},
            environment="sandbox",
            note="Status looks wrong to the customer.",
            app_version="0.1.0",
            os_name="Linux",
            created=datetime(2026, 12, 2, 9, 30, tzinfo=UTC),
        )
    )
    return path


# The real command in a process of its own: main() parses the arguments and runs the window
# until this script, once the bundle's tab shows (or after 30 s), prints what it saw and
# closes it.
_START_WITH_BUNDLE = """
import json, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
from app.cli import main

app = QApplication([])
deadline = time.monotonic() + 30

def label(window, name):
    widget = window.findChild(QLabel, name)
    return widget.text() if widget is not None else ""

def look():
    window = next((w for w in app.topLevelWidgets() if w.objectName() == "mainWindow"), None)
    if window is not None and not window.attached:
        window = None  # still starting: a frame only
    tab = window.active_tab() if window is not None else None
    shown = tab is not None and tab.title.startswith("Reproduction")
    if not shown and time.monotonic() < deadline:
        QTimer.singleShot(100, look)
        return
    if window is None:
        app.exit(1)  # the window never came
        return
    loaded = window.collections.loaded
    print(json.dumps({
        "tabs": [t.title for t in window.session.tabs()],
        "active": tab.title if tab is not None else "",
        "dirty": tab.dirty if tab is not None else None,
        "status": label(window, "statusLabel"),
        "message": label(window, "responseMessageLabel"),
        "collection": str(loaded.root) if loaded is not None else None,
    }), flush=True)
    window.close()

QTimer.singleShot(100, look)
sys.exit(main(sys.argv[1:]))
"""


def test_the_command_line_opens_a_bundle_beside_the_last_collection(
    tmp_path: Path, explorer_home: Path
) -> None:
    team = copy_sample_collection(tmp_path / "team-api")
    explorer_home.mkdir(parents=True)
    (explorer_home / "settings.json").write_text(json.dumps({"recent_collections": [str(team)]}))
    bundle = _bundle(tmp_path / "payment.apx")
    done = subprocess.run(
        [sys.executable, "-c", _START_WITH_BUNDLE, str(bundle), "--no-demo"],
        cwd=ROOT,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen", API_EXPLORER_HOME=str(explorer_home)),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["active"] == f"Reproduction GET {URL}", seen
    assert seen["status"] == "201 Created"  # the recorded response, nothing was sent
    assert "Note: Status looks wrong to the customer." in seen["message"]
    assert seen["dirty"] is False
    assert seen["collection"] == str(team)  # the last collection opened, as usual
    assert len(seen["tabs"]) == 2  # the start's own tab and the bundle's


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What ``main`` asked ``run_window`` to open; the window itself does not start."""
    calls: list[dict[str, Any]] = []

    def run_window(**options: Any) -> int:
        calls.append(options)
        return 0

    monkeypatch.setattr(app.launch, "run_window", run_window)
    return calls


def test_a_file_that_is_no_bundle_is_one_sentence_and_exit_2_before_the_window(
    tmp_path: Path, started: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a bundle\n")
    assert cli_main([str(notes)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err == (
        f"api-explorer: {notes} is neither a collection folder nor a reproduction bundle "
        "(*.apx), so there is nothing to open.\n"
    )
    assert cli_main([str(tmp_path / "gone.apx")]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("api-explorer: ") and "gone.apx does not exist" in err
    assert err.count(".") == err.count(".apx") + 1 and err.endswith(".\n")  # one sentence
    assert started == []  # Qt never started


def test_a_bundle_is_known_by_its_name_or_its_bytes(
    tmp_path: Path, started: list[dict[str, Any]]
) -> None:
    named = _bundle(tmp_path / "payment.apx")
    renamed = tmp_path / "payment-from-support"
    renamed.write_bytes(named.read_bytes())  # mail clients lose the extension
    folder = tmp_path / "team-api"
    folder.mkdir()
    for argument in (named, renamed, folder):
        assert cli_main(["--no-demo", str(argument)]) == 0
    assert started == [
        {"collection": None, "bundle": named, "demo": False},
        {"collection": None, "bundle": renamed, "demo": False},
        {"collection": folder, "bundle": None, "demo": False},
    ]


def test_a_second_start_with_a_bundle_opens_it_in_the_running_window(
    qtbot: Any,
    qt_loop: asyncio.AbstractEventLoop,
    prompts: ScriptedPrompts,
    tmp_path: Path,
    explorer_home: Path,
) -> None:
    bundle = _bundle(tmp_path / "payment.apx")
    with running_window(qtbot, qt_loop, demo=False, prompts=prompts) as window:
        before = window.collections.loaded
        lock = InstanceLock(explorer_home)
        assert lock.acquire()  # this window is the one running
        server = HandOverServer(explorer_home)
        assert server.listening
        take_over(server, window)  # as run_window wires it
        try:
            second = subprocess.Popen(
                [sys.executable, str(ROOT / "main.py"), str(bundle)],
                env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
            qtbot.waitUntil(
                lambda: (
                    (tab := window.active_tab()) is not None
                    and tab.title.startswith("Reproduction")
                ),
                timeout=30_000,
            )
            _out, err = second.communicate(timeout=30)
        finally:
            server.close()
            shiboken6.delete(server)  # now, not when Python collects it after the QApplication
            lock.release()
        assert second.returncode == 0, err
        assert "already running with the data folder" in err
        assert text(window, "statusLabel") == "201 Created"
        assert "Note: Status looks wrong to the customer." in text(window, "responseMessageLabel")
        assert window.collections.loaded is before  # the bundle was not taken for a collection
        assert not prompts.errors

"""A second start on the same data folder hands over to the running window and exits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import shiboken6

from app.storage.instance import InstanceLock
from app.ui.single_instance import HandOverServer

ROOT = Path(__file__).resolve().parents[2]


def _start_app(home: Path, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, API_EXPLORER_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def test_a_second_start_hands_over_its_collection_and_exits(qtbot: Any, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    lock = InstanceLock(home)
    assert lock.acquire()  # this test is the window already running
    server = HandOverServer(home)
    assert server.listening
    wanted = tmp_path / "team-api"
    try:
        with qtbot.waitSignal(server.requested, timeout=20_000) as handed:
            second = _start_app(home, str(wanted))
        assert handed.args == [wanted, None]  # a collection, no bundle
        _out, err = second.communicate(timeout=20)
        assert second.returncode == 0
        assert "already running with the data folder" in err
    finally:
        server.close()
        shiboken6.delete(server)  # now, not when Python collects it after the QApplication
        lock.release()


def test_a_holder_that_does_not_answer_is_said_and_nothing_starts(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    lock = InstanceLock(home)
    assert lock.acquire()  # holds the folder, but no window answers
    try:
        second = _start_app(home)
        _out, err = second.communicate(timeout=30)
    finally:
        lock.release()
    assert second.returncode == 1
    assert "does not answer" in err and "API_EXPLORER_HOME" in err

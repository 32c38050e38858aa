"""Start-up: process start to the main window's first paint ("painted": its frame) and to
the first paint of its URL field ("ready": the window built and usable), and the idle RSS
then, for the app (with and without the demo API) against a bare PySide6 + qasync + httpx
window (the floor; its URL field paints with it). A benchmark, not a test.

Run: .venv/bin/python bench/startup.py [--runs 7] [--display offscreen|xcb]

Each start is a fresh process with an empty data folder of its own (what a first start
costs) after one warm-up start (what the page cache holds on a second start). The times run
from just before the process is created; RSS is read when ready, and again after 2 s idle.
Median and spread of ``--runs`` starts. The last line, ``RESULT {json}``, is for
``bench/issue10.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Common to both children: report the first paint of the window named mainWindow (or the
# bare one), then the RSS after 2 s, then exit at once.
_PROBE = r"""
import json, os, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer

def _rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0

# The first paint of the window (its frame) and of its URL field (the window is built and
# usable: what the user came for).
class _FirstPaint(QObject):
    def __init__(self):
        super().__init__()
        self.painted = None
        self.ready = None

    def eventFilter(self, watched, event):
        if event.type() != QEvent.Type.Paint:
            return False
        name = watched.objectName()
        if self.painted is None and name == "mainWindow":
            self.painted = time.time()
        if self.ready is None and name == "urlEdit":
            self.ready = time.time()
            rss = _rss_mb()

            def report():
                print(json.dumps({
                    "painted": self.painted, "ready": self.ready, "rss": rss,
                    "idle_rss": _rss_mb(),
                }))
                sys.stdout.flush()
                os._exit(0)

            QTimer.singleShot(2000, report)
        return False

def install_probe(app):
    probe = _FirstPaint()
    app.installEventFilter(probe)
    app._probe = probe
"""

_BARE = (
    _PROBE
    + r"""
import asyncio
import httpx, qasync
from PySide6.QtWidgets import (
    QApplication, QLineEdit, QMainWindow, QPushButton, QSplitter, QTreeView, QVBoxLayout, QWidget
)

app = QApplication(sys.argv[:1])
install_probe(app)

async def run():
    window = QMainWindow()
    window.setObjectName("mainWindow")
    central = QWidget()
    layout = QVBoxLayout(central)
    url = QLineEdit("/payments")
    url.setObjectName("urlEdit")
    layout.addWidget(url)
    layout.addWidget(QPushButton("Send"))
    layout.addWidget(QSplitter())
    layout.addWidget(QTreeView())
    window.setCentralWidget(central)
    window.resize(1024, 720)
    client = httpx.AsyncClient()
    window.show()
    await asyncio.Event().wait()

qasync.run(run())
"""
)

_APP = (
    _PROBE
    + r"""
from PySide6.QtWidgets import QApplication
app = QApplication([sys.argv[0]])
install_probe(app)
from app.cli import main
sys.exit(main(sys.argv[1:]))
"""
)


def _start(code: str, args: list[str], display: str) -> tuple[float, float, float, float]:
    """(painted s, ready s, RSS at ready MB, RSS 2 s later MB) of one fresh start."""
    home = tempfile.mkdtemp(prefix="api-explorer-start-")
    environ = {
        **os.environ,
        "API_EXPLORER_HOME": home,
        "QT_QPA_PLATFORM": display,
        "PYTHONPATH": str(REPO),
    }
    # A user's start reads the app's bytecode from __pycache__; with this set (as on the
    # shared machines) every start compiled the app's 250 modules again: 170 ms.
    environ.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=environ,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"no paint reported: {done.stderr[-2000:]}")
    report = json.loads(lines[-1])
    return (
        report["painted"] - started,
        report["ready"] - started,
        report["rss"],
        report["idle_rss"],
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--display", default=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    options = parser.parse_args()
    cases = {
        "bare": ("bare PySide6 + qasync + httpx window", _BARE, []),
        "no_demo": ("API Explorer --no-demo", _APP, ["--no-demo"]),
        "demo": ("API Explorer (demo API)", _APP, []),
    }
    results: dict[str, dict[str, float]] = {}
    for key, (name, code, args) in cases.items():
        _start(code, args, options.display)  # warm-up
        runs = [_start(code, args, options.display) for _ in range(options.runs)]
        painted = sorted(run[0] for run in runs)
        ready = sorted(run[1] for run in runs)
        results[key] = {
            "painted_ms": statistics.median(painted) * 1000,
            "ready_ms": statistics.median(ready) * 1000,
            "rss_mb": statistics.median(run[2] for run in runs),
            "idle_rss_mb": statistics.median(run[3] for run in runs),
        }
        print(
            f"{name}: start -> painted median {results[key]['painted_ms']:.0f} ms "
            f"(min {painted[0] * 1000:.0f}, max {painted[-1] * 1000:.0f}), ready "
            f"{results[key]['ready_ms']:.0f} ms (min {ready[0] * 1000:.0f}, max "
            f"{ready[-1] * 1000:.0f}); RSS when ready {results[key]['rss_mb']:.0f} MB, idle "
            f"{results[key]['idle_rss_mb']:.0f} MB"
        )
    floor = results["bare"]
    print(
        f"\n{'case':40} {'painted':>8} {'ratio':>6} {'goal':>6} {'ready':>8} {'ratio':>6} "
        f"{'idle RSS':>9} {'+MB':>6}"
    )
    for key, figures in results.items():
        print(
            f"{cases[key][0]:40} {figures['painted_ms']:6.0f}ms "
            f"{figures['painted_ms'] / floor['painted_ms']:6.2f} {'1.15':>6} "
            f"{figures['ready_ms']:6.0f}ms {figures['ready_ms'] / floor['ready_ms']:6.2f} "
            f"{figures['idle_rss_mb']:7.0f}MB {figures['idle_rss_mb'] - floor['idle_rss_mb']:+6.0f}"
        )
    print("RESULT " + json.dumps(results))


if __name__ == "__main__":
    main()

"""Start-up: process start to the main window's first paint, and the idle RSS then, for the
app (with and without the demo API) against a bare PySide6 + qasync + httpx window (the
floor). A benchmark, not a test.

Run: .venv/bin/python bench/startup.py [--runs 7] [--display offscreen|xcb]

Each start is a fresh process with an empty data folder of its own (what a first start
costs) after one warm-up start (what the page cache holds on a second start). The time runs
from just before the process is created to the first paint event of the window; RSS is read
then, and again after 2 s idle. Median and spread of ``--runs`` starts.
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

class _FirstPaint(QObject):
    def __init__(self):
        super().__init__()
        self.painted = None

    def eventFilter(self, watched, event):
        if (
            self.painted is None
            and event.type() == QEvent.Type.Paint
            and watched.objectName() == "mainWindow"
        ):
            self.painted = time.time()
            rss = _rss_mb()

            def report():
                print(json.dumps({"painted": self.painted, "rss": rss, "idle_rss": _rss_mb()}))
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
    layout.addWidget(QLineEdit("/payments"))
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
    r"""
# What main() does first, before the probe below imports Qt (main does it again: a no-op).
from app.cli import _import_before_qt
_import_before_qt()
"""
    + _PROBE
    + r"""
from PySide6.QtWidgets import QApplication
app = QApplication([sys.argv[0]])
install_probe(app)
from app.cli import main
sys.exit(main(sys.argv[1:]))
"""
)


def _start(code: str, args: list[str], display: str) -> tuple[float, float, float]:
    home = tempfile.mkdtemp(prefix="api-explorer-start-")
    environ = {
        **os.environ,
        "API_EXPLORER_HOME": home,
        "QT_QPA_PLATFORM": display,
        "PYTHONPATH": str(REPO),
    }
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
    return report["painted"] - started, report["rss"], report["idle_rss"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--display", default=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    options = parser.parse_args()
    cases = {
        "bare PySide6 + qasync + httpx window": (_BARE, []),
        "API Explorer --no-demo": (_APP, ["--no-demo"]),
        "API Explorer (demo API)": (_APP, []),
    }
    results: dict[str, tuple[float, float, float]] = {}
    for name, (code, args) in cases.items():
        _start(code, args, options.display)  # warm-up
        runs = [_start(code, args, options.display) for _ in range(options.runs)]
        times = sorted(run[0] for run in runs)
        results[name] = (
            statistics.median(times),
            statistics.median(run[1] for run in runs),
            statistics.median(run[2] for run in runs),
        )
        print(
            f"{name}: start -> painted median {results[name][0] * 1000:.0f} ms "
            f"(min {times[0] * 1000:.0f}, max {times[-1] * 1000:.0f}); RSS at paint "
            f"{results[name][1]:.0f} MB, idle {results[name][2]:.0f} MB"
        )
    floor = results["bare PySide6 + qasync + httpx window"]
    print(f"\n{'case':40} {'start':>8} {'ratio':>6} {'goal':>6} {'idle RSS':>9} {'+MB':>6}")
    for name, (took, _rss, idle) in results.items():
        print(
            f"{name:40} {took * 1000:6.0f}ms {took / floor[0]:6.2f} {'1.15':>6} "
            f"{idle:7.0f}MB {idle - floor[2]:+6.0f}"
        )


if __name__ == "__main__":
    main()

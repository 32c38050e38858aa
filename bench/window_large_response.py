"""End to end: the real window sends ``GET /large?size_mb=N`` to the real demo API and
we time until the tree shows the top level. A benchmark, not a test.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/window_large_response.py [--mb 50]

Also samples how long the Qt event loop goes without running a timer while the response
is received and parsed (the longest "freeze" a user would feel).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import time

import qasync
import window_bench  # noqa: F401  (first: offscreen, a data folder of its own)
from PySide6.QtCore import QModelIndex, QTimer
from PySide6.QtWidgets import QApplication

from app.application import create_main_window


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    app = QApplication([])
    app.setQuitOnLastWindowClosed(False)  # the loop must outlive the window: see DEVELOPERS.md

    async def run() -> None:
        window = create_main_window()
        window.show()
        builder = window.builder
        builder.set_request("GET", f"/large?size_mb={args.mb:g}")
        totals: list[float] = []
        gaps: list[float] = []
        arrived: list[asyncio.Event] = []
        window.sends.finished.connect(lambda _r: arrived[-1].set())
        for attempt in range(args.runs + 1):  # the first run warms the server's cache
            done = asyncio.Event()
            arrived.append(done)
            ticks: list[float] = []
            timer = QTimer()
            timer.setInterval(10)
            timer.timeout.connect(lambda ticks=ticks: ticks.append(time.perf_counter()))
            timer.start()
            started = time.perf_counter()
            window.send()
            await done.wait()
            app.processEvents()
            model = window.response_pane.tree_model
            assert model.rowCount(QModelIndex()) > 0
            shown = time.perf_counter() - started
            timer.stop()
            if attempt == 0:
                continue
            marks = [started, *ticks, time.perf_counter()]
            gaps.append(max(b - a for a, b in itertools.pairwise(marks)))
            totals.append(shown)
        size = window.response_pane.size_label.text()
        print(f"body: {size}; runs: {args.runs}")
        print(
            f"click -> tree top level shown: median {statistics.median(totals) * 1000:.0f} ms "
            f"(min {min(totals) * 1000:.0f}, max {max(totals) * 1000:.0f})"
        )
        print(f"longest event-loop stall during it: median {statistics.median(gaps) * 1000:.0f} ms")
        window.close()
        await window.sends.aclose()

    qasync.run(run())


if __name__ == "__main__":
    main()

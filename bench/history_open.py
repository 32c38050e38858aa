"""End to end: a ~50 MB response of the demo API is recorded in History, then opened from
the History list in the real window. A benchmark, not a test.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/history_open.py [--mb 50] [--runs 3]

Prints the time from the click to the entry's tree top level shown, and the longest gap of
a 10 ms QTimer meanwhile (issue 10's goal: no stall over 50 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import qasync
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QApplication
from window_bench import StallMeter  # first: offscreen, a data folder of its own

from app.application import create_main_window


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    app = QApplication([])
    app.setQuitOnLastWindowClosed(False)

    async def until(condition: object) -> None:
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.002)

    async def run() -> None:
        window = create_main_window()
        window.show()
        done = asyncio.Event()
        window.sends.finished.connect(lambda *_: done.set())
        window.builder.set_request("GET", f"/large?size_mb={args.mb:g}")
        window.send()
        await done.wait()
        panel = window.history_panel
        await until(lambda: len(panel.shown_ids()) >= 1)
        (entry_id,) = panel.shown_ids()[:1]
        size = window.response_pane.size_label.text()
        window.new_tab()
        view = window.response_pane.tree_view  # its model: parsed, or the worker's index
        times, stalls = [], []
        for _ in range(args.runs):
            window.new_tab()  # an empty tab: the entry's tab is then new each time
            await until(lambda: view.model().rowCount(QModelIndex()) == 0)
            meter = StallMeter()
            started = meter.start()
            panel.entry_opened.emit(entry_id)
            await until(lambda: view.model().rowCount(QModelIndex()) > 0)
            took = time.perf_counter() - started
            await asyncio.sleep(0.05)
            gap = meter.stop()
            times.append(took)
            stalls.append(gap)
            print(f"  stall {gap * 1000:.0f} ms from {meter.at:.2f} s; tree shown at {took:.2f} s")
        print(f"body: {size}; runs: {args.runs}")
        print(
            f"click on the History entry -> tree top level: median "
            f"{statistics.median(times):.2f} s; longest stall: median "
            f"{statistics.median(stalls) * 1000:.0f} ms (max {max(stalls) * 1000:.0f} ms)"
        )
        window.close()
        await window.sends.aclose()

    qasync.run(run())


if __name__ == "__main__":
    main()

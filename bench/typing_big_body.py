"""Typing into a big request body in the real window: the longest event-loop stall.

Loads a body of N MB into the builder, then types 40 keys 30 ms apart while a 10 ms QTimer
measures the longest gap (drafts are written meanwhile, as in real use). A benchmark, not a
test. Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/typing_big_body.py [--mb 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=10.0)
    args = parser.parse_args()
    home = tempfile.mkdtemp()
    os.environ.update(API_EXPLORER_HOME=home, API_EXPLORER_KEYRING="off")

    import qasync
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.application import create_main_window

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)  # the loop must outlive the window: see DEVELOPERS.md

    async def run() -> None:
        window = create_main_window(demo=False)
        window.resize(1024, 768)
        window.show()
        rows = int(args.mb * 13_000)
        items = [{"id": i, "name": "x" * 20, "amount": "10.00"} for i in range(rows)]
        body = json.dumps(items, indent=1)  # pretty, as people paste it (see DEVELOPERS.md)
        started = time.perf_counter()
        window.builder.body.set_text(body)
        loaded = time.perf_counter() - started
        window.builder.tabs.setCurrentWidget(window.builder.body)
        editor = window.builder.body.editor
        editor.setFocus()
        await asyncio.sleep(0.5)
        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(tick)
        timer.start()
        for _ in range(40):
            QTest.keyClick(editor, Qt.Key.Key_A)
            await asyncio.sleep(0.03)
        await asyncio.sleep(1.0)  # drafts of the last keys are written
        timer.stop()
        print(
            f"{len(body) / 1e6:.1f} MB body: loaded in {loaded:.2f} s; while typing the "
            f"longest gap of a 10 ms timer was {max(gaps) * 1000:.0f} ms "
            f"(median {statistics.median(gaps) * 1000:.1f} ms)"
        )
        window.close()
        await window.sends.aclose()

    qasync.run(run())


if __name__ == "__main__":
    main()

"""End to end: two ~50 MB responses of the demo API compared through the real window
(History > Compare the two selected), then compared again with an ignored path. A benchmark,
not a test.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/diff_window.py [--mb 50]

Prints the time from the menu action to the differences shown, and the longest gap of a
10 ms QTimer meanwhile (how long the window could not paint).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

import qasync
from PySide6.QtCore import QEventLoop, QItemSelectionModel, QTimer
from PySide6.QtWidgets import QApplication, QDialog
from window_bench import StallMeter  # first: offscreen, a data folder of its own

from app.application import create_main_window
from app.ui.diff_dialog import DiffDialog
from app.ui.prompts import DialogPrompts


class _Prompts(DialogPrompts):
    """Shows the dialog the window opens and keeps it open (the window deletes it once
    ``run_dialog`` returns) until ``done()``."""

    def __init__(self) -> None:
        super().__init__()
        self.dialogs: list[QDialog] = []
        self._open = QEventLoop()

    def run_dialog(self, dialog: QDialog) -> bool:
        self.dialogs.append(dialog)
        dialog.show()
        self._open.exec()  # the bench's coroutine runs on in this loop
        return True

    def done(self) -> None:
        self._open.quit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=50)
    args = parser.parse_args()
    app = QApplication([])
    app.setQuitOnLastWindowClosed(False)
    prompts = _Prompts()

    async def until(condition: Any) -> None:
        while not condition():
            await asyncio.sleep(0.005)

    async def run() -> None:
        window = create_main_window(prompts=prompts)
        window.show()
        arrived: list[asyncio.Event] = []
        window.sends.finished.connect(lambda *_: arrived[-1].set())
        for size in (args.mb, args.mb + 0.05):  # the second has a few more items
            arrived.append(asyncio.Event())
            window.builder.set_request("GET", f"/large?size_mb={size:g}")
            window.send()
            await arrived[-1].wait()
        panel = window.history_panel
        await until(lambda: len(panel.shown_ids()) >= 2)
        view = panel.view
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row in (0, 1):
            view.selectionModel().select(view.model().index(row, 0), flags)
        print(f"bodies: {window.response_pane.size_label.text()} and the one before")

        ticks = StallMeter()
        started = ticks.start()
        # From the loop, not from this coroutine: the dialog's loop must let it go on.
        QTimer.singleShot(0, window.menus.exports.compare_history_entries)
        await until(lambda: bool(prompts.dialogs))
        dialog = prompts.dialogs[-1]
        assert isinstance(dialog, DiffDialog)
        await until(lambda: dialog.summary_label.text() != "Comparing…")
        took, stall = time.perf_counter() - started, ticks.stop()
        print(f"compare -> differences shown: {took:.2f} s, longest stall {stall * 1000:.0f} ms")
        print(f"  {dialog.summary_label.text()}")
        print("  " + dialog.unified_view.toPlainText()[:600].replace("\n", "\n  "))

        started = ticks.start()
        dialog.ignore_edit.setPlainText("$._metadata")
        dialog.apply()
        await until(lambda: "Ignoring" in dialog.summary_label.text())
        took, stall = time.perf_counter() - started, ticks.stop()
        print(f"again, ignoring a path: {took:.2f} s, longest stall {stall * 1000:.0f} ms")
        print(f"  {dialog.summary_label.text()}")
        prompts.done()
        await asyncio.sleep(0)
        window.close()
        await window.sends.aclose()

    qasync.run(run())


if __name__ == "__main__":
    main()

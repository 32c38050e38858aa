"""A small request's click-to-status in the real window, against raw httpx on the same loop.

The demo API runs in its own process. For each of N rounds we time ``window.send()`` until
the status is on screen: the end of the window's first repaint (paint and flush of its
backing store) after the status label was given the response's status. Then the same GET
with a plain ``httpx.AsyncClient`` on the same qasync loop. Before each timing the window is
left to finish what it does after a send (history recorded, the rest of the pane painted),
so neither timing pays for the other's leftovers. Also printed: the time until the
``finished`` signal was handled and the loop came round again (what this script measured
before it watched the screen). A benchmark, not a test.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/window_click_to_status.py [--rounds 300]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace

import window_bench  # noqa: F401  (first: offscreen, a data folder of its own)

_SERVER = """
import sys
from app.demo import DemoServer
server = DemoServer()
server.start()
print(server.base_url, flush=True)
sys.stdin.read()
"""

# The window has settled when the loop came round this many times without repainting it.
# Turns of the loop, not a sleep: a CPU left idle for milliseconds wakes up slower, which
# would slow both timings by more than what they compare.
_QUIET_TURNS = 3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument(
        "--assert", dest="asserts", action="store_true", help="keep the sample's 5 assertions"
    )
    args = parser.parse_args()
    home = tempfile.mkdtemp()
    os.environ.update(HOME=home, XDG_CONFIG_HOME=home, API_EXPLORER_KEYRING="off")
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None
    base = server.stdout.readline().strip()

    import httpx
    import qasync
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from app import application
    from app.ui.main_window import MainWindow

    app = QApplication([])
    app.setQuitOnLastWindowClosed(False)  # the loop must outlive the window: see DEVELOPERS.md
    on_screen: list[float] = []
    handled: list[float] = []
    raw: list[float] = []

    class TimedMainWindow(MainWindow):
        """The real window, noting when a repaint (paint and flush of the backing store) ends.

        The first repaint to end after the status label was given a response's status (not
        "Sending…") is the one that put it on screen: setting a label's text marks it for the
        next repaint. No event filter on the label: a Python filter would see every event the
        label gets and slow the window down a little.
        """

        repaints = 0
        status_shown: asyncio.Event | None = None  # set by run(), cleared before each send
        status_shown_at = 0.0

        def event(self, event: QEvent) -> bool:
            handled = super().event(event)
            if event.type() == QEvent.Type.UpdateRequest:
                self.repaints += 1
                shown = self.status_shown
                if shown is not None and not shown.is_set() and self.status_is_a_response():
                    self.status_shown_at = time.perf_counter()
                    shown.set()
            return handled

        def status_is_a_response(self) -> bool:
            return self.response_pane.status_label.text() not in ("", "Sending…")

    application.MainWindow = TimedMainWindow  # type: ignore[attr-defined,misc]

    async def run() -> None:
        window = application.create_main_window(demo=False)
        window.show()
        window.builder.base_url_edit.setText(f"{base}/rest/v1")
        window.builder.set_request("GET", "/server")
        # The first tab is the sample's "List payments": keep its assertions out (or in: --assert).
        checks = window.builder.request().assertions if args.asserts else ()
        window.builder.load_request(replace(window.builder.request(), assertions=checks))
        assert isinstance(window, TimedMainWindow)
        status_shown = window.status_shown = asyncio.Event()
        done: list[asyncio.Event] = []
        recorded: list[asyncio.Event] = []
        window.sends.finished.connect(lambda *_: done[-1].set())
        window.sends.recorded.connect(lambda *_: recorded[-1].set())

        async def settled() -> None:
            quiet = 0
            while quiet < _QUIET_TURNS:
                repaints = window.repaints
                await asyncio.sleep(0)
                quiet = quiet + 1 if window.repaints == repaints else 0

        async with httpx.AsyncClient() as client:
            for attempt in range(args.rounds + 10):
                done.append(asyncio.Event())
                recorded.append(asyncio.Event())
                await settled()
                status_shown.clear()
                started = time.perf_counter()
                window.send()
                assert not window.status_is_a_response()
                await done[-1].wait()
                handled_elapsed = time.perf_counter() - started
                await status_shown.wait()
                shown_elapsed = window.status_shown_at - started
                await recorded[-1].wait()
                await settled()
                started = time.perf_counter()
                response = await client.get(f"{base}/rest/v1/server")
                raw_elapsed = time.perf_counter() - started
                assert response.status_code == 200
                if attempt >= 10:  # warm-up: connections, caches
                    on_screen.append(shown_elapsed * 1000)
                    handled.append(handled_elapsed * 1000)
                    raw.append(raw_elapsed * 1000)
        window.close()
        await window.sends.aclose()

    try:
        qasync.run(run())
    finally:
        server.communicate("")
    raw_median, ours_median = statistics.median(raw), statistics.median(on_screen)
    what = "with 5 assertions" if args.asserts else "no assertions"
    print(f"click to status, median of {args.rounds} small GETs ({what}):")
    print(f"  raw httpx on the same loop      {raw_median:6.2f} ms")
    print(f"  the window, status on screen    {ours_median:6.2f} ms")
    difference = ours_median - raw_median
    print(f"  difference                      {difference:6.2f} ms  (goal: 3 ms at most)")
    handled_median = statistics.median(handled)
    print(f"  the window, finished handled    {handled_median:6.2f} ms  (timed before: see above)")
    app.quit()


if __name__ == "__main__":
    main()

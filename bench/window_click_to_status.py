"""A small request's click-to-status in the real window, against raw httpx on the same loop.

The demo API runs in its own process. For each of N rounds we time ``window.send()`` until
the status label shows the status (the ``finished`` signal handled), then the same GET with
a plain ``httpx.AsyncClient`` on the same qasync loop. A benchmark, not a test.

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

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_SERVER = """
import sys
from app.demo import DemoServer
server = DemoServer()
server.start()
print(server.base_url, flush=True)
sys.stdin.read()
"""


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
    from PySide6.QtWidgets import QApplication

    from app.application import create_main_window

    app = QApplication([])
    app.setQuitOnLastWindowClosed(False)  # the loop must outlive the window: see DEVELOPERS.md
    ours: list[float] = []
    raw: list[float] = []

    async def run() -> None:
        window = create_main_window(demo=False)
        window.show()
        window.builder.base_url_edit.setText(f"{base}/rest/v1")
        window.builder.set_request("GET", "/server")
        # The first tab is the sample's "List payments": keep its assertions out (or in: --assert).
        checks = window.builder.request().assertions if args.asserts else ()
        window.builder.load_request(replace(window.builder.request(), assertions=checks))
        done: list[asyncio.Event] = []
        window.sends.finished.connect(lambda *_: done[-1].set())
        async with httpx.AsyncClient() as client:
            for attempt in range(args.rounds + 10):
                done.append(asyncio.Event())
                started = time.perf_counter()
                window.send()
                await done[-1].wait()
                elapsed = time.perf_counter() - started
                assert window.response_pane.findChild(object, "statusLabel") is not None
                started = time.perf_counter()
                response = await client.get(f"{base}/rest/v1/server")
                raw_elapsed = time.perf_counter() - started
                assert response.status_code == 200
                if attempt >= 10:  # warm-up: connections, caches
                    ours.append(elapsed * 1000)
                    raw.append(raw_elapsed * 1000)
        window.close()
        await window.sends.aclose()

    try:
        qasync.run(run())
    finally:
        server.communicate("")
    ours_median, raw_median = statistics.median(ours), statistics.median(raw)
    what = "with 5 assertions" if args.asserts else "no assertions"
    print(f"click to status, median of {args.rounds} small GETs ({what}):")
    print(f"  raw httpx on the same loop  {raw_median:6.2f} ms")
    print(f"  the window                  {ours_median:6.2f} ms")
    print(f"  difference                  {ours_median - raw_median:6.2f} ms  (goal: at most 3 ms)")
    app.quit()


if __name__ == "__main__":
    main()

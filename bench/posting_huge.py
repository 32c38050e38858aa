"""Posting (the terminal API client) fetching one URL, driven through Textual's pilot: the
side-by-side figures of ``bench/issue10.py``. Run by it with an interpreter that has
``posting`` (``pip install posting==2.11.1 tree-sitter==0.25.2``); a benchmark, not a test.

Run: PYTHON bench/posting_huge.py URL

Prints one JSON line: seconds from send to the body's text in Posting's response area, the
longest gap of a 10 ms asyncio ticker on Posting's own loop, and the peak RSS (VmHWM). The
caller bounds the time (Posting freezes its loop while it formats a big body, so a timeout
inside it would never fire) and reads VmHWM itself when it has to stop it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path


def _peak_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    url = sys.argv[1]
    os.chdir(tempfile.mkdtemp(prefix="posting-bench-"))  # no posting.env of ours is read
    from posting.__main__ import make_posting  # type: ignore[import-not-found]

    app = make_posting(Path(tempfile.mkdtemp(prefix="posting-collection-")), (), True)

    async def run() -> None:
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.pause(0.5)
            screen = app.main_screen
            screen.url_input.value = url
            ticks = [time.perf_counter()]

            async def tick() -> None:
                while True:
                    await asyncio.sleep(0.01)
                    ticks.append(time.perf_counter())

            ticker = asyncio.create_task(tick())
            started = time.perf_counter()
            await screen.send_request()
            area = screen.response_area.text_editor.text_area
            while not area.text:
                await pilot.pause(0.05)
            shown = time.perf_counter() - started
            ticker.cancel()
            stall = max(b - a for a, b in itertools.pairwise(ticks))
            print(json.dumps({"shown": shown, "stall": stall, "peak_mb": _peak_mb()}), flush=True)

    asyncio.run(run())


if __name__ == "__main__":
    main()

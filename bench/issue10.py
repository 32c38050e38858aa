"""Issue 10's figures in one table: each measured in this run, beside the floor it is
compared with (measured in the same run), the ratio and the goal. A benchmark, not a test.

Run: .venv/bin/python bench/issue10.py [--quick]     (make bench runs it)

- **Huge responses through the window** (100 and 200 MB; ``--quick``: 5 and 10 MB): a
  plain HTTP server in its own process serves generated JSON bodies; the real window sends,
  and we time click -> tree top level, the longest gap of a 10 ms QTimer, the peak RSS
  (VmHWM reset before the click) and the RSS once the tab is closed again. Floor:
  ``json.loads`` of the same bytes in a fresh process (median of 3).
- **Start**: ``bench/startup.py`` (process start -> first paint, idle RSS) against a bare
  PySide6 + qasync + httpx window.
- **Small requests** (``bench/window_click_to_status.py``) and **opening a 50 MB History
  entry** (``bench/history_open.py``): their own scripts, summarised here.
- **Posting** side by side when it is installed (``pip install posting==2.11.1
  tree-sitter==0.25.2``, in this Python or in the one ``--posting-python`` names; ``make
  bench POSTING=PATH``): ``bench/posting_huge.py`` drives it through Textual's pilot on the
  same bodies, at most ``--posting-timeout`` seconds each (it took 20 s for 5 MB); skipped
  with a note when not installed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import gc
import importlib.util
import itertools
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent


def _body(megabytes: float) -> bytes:
    """A Paysera-like list of payments, ``megabytes`` long, with exact decimals in it."""
    rng = random.Random(10)
    item = (
        '{{"id": {i}, "status": "{s}", "price": {{"amount": "{a}.{c:02d}", "currency": "EUR"}},'
        ' "rate": 1.10, "big_id": 123456789012345678901{d}, "description": "Payment {i} for'
        ' order {o}", "created_at": {t}}}'
    )
    parts: list[str] = []
    size, i = 0, 0
    target = int(megabytes * 1024 * 1024)
    while size < target:
        text = item.format(
            i=i,
            s=rng.choice(("new", "done", "canceled")),
            a=rng.randrange(1, 10_000),
            c=rng.randrange(100),
            d=i % 10,
            o=rng.randrange(10**9),
            t=1_700_000_000 + i,
        )
        parts.append(text)
        size += len(text) + 1
        i += 1
    return ('{"items": [' + ",".join(parts) + f'], "_metadata": {{"total": {i}}}}}').encode()


def _floor(path: Path) -> float:
    """``json.loads`` of the file in a fresh process: median seconds of 3."""
    code = (
        "import json, sys, time; data = open(sys.argv[1], 'rb').read(); "
        "t = time.perf_counter(); json.loads(data); print(time.perf_counter() - t)"
    )
    runs = [
        float(subprocess.check_output([sys.executable, "-c", code, str(path)], text=True))
        for _ in range(3)
    ]
    return statistics.median(runs)


def _serve(folder: Path) -> tuple[subprocess.Popen[str], int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    for _ in range(100):
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.1):
            return server, port
        time.sleep(0.05)
    raise SystemExit("the file server did not start")


def _status_kb(field: str, pid: str = "self") -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _window(urls: list[str]) -> None:
    """Child mode: the real window sends each URL; one JSON line per URL on stdout."""
    os.environ["API_EXPLORER_HOME"] = tempfile.mkdtemp(prefix="api-explorer-bench-")
    os.environ.setdefault("API_EXPLORER_KEYRING", "off")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtCore import QModelIndex, QTimer
    from PySide6.QtWidgets import QApplication

    from app.application import create_main_window
    from app.services.prompts import UnsavedChoice
    from app.ui.prompts import DialogPrompts

    class Prompts(DialogPrompts):
        def ask_unsaved(self, title: str) -> UnsavedChoice:
            return UnsavedChoice.DISCARD

    app = QApplication([])
    app.setQuitOnLastWindowClosed(False)

    async def run() -> None:
        window = create_main_window(demo=False, prompts=Prompts())
        window.show()
        finished: list[asyncio.Event] = []
        window.sends.finished.connect(lambda *_: finished[-1].set())
        pane = window.response_pane
        for url in urls:
            window.new_tab()
            window.builder.set_request("GET", url)
            gc.collect()
            await asyncio.sleep(0.3)
            before = _status_kb("VmRSS")
            with open("/proc/self/clear_refs", "w") as refs:  # VmHWM starts again from here
                refs.write("5")
            finished.append(asyncio.Event())
            ticks = [time.perf_counter()]
            timer = QTimer()
            timer.setInterval(10)
            timer.timeout.connect(lambda ticks=ticks: ticks.append(time.perf_counter()))
            timer.start()
            started = time.perf_counter()
            window.send()
            await finished[-1].wait()
            arrived = time.perf_counter() - started
            # A body past the streaming threshold shows through the worker's index.
            while pane.tree_view.model().rowCount(QModelIndex()) == 0:
                await asyncio.sleep(0.001)
            shown = time.perf_counter() - started
            await asyncio.sleep(0.2)
            timer.stop()
            ticks.append(time.perf_counter())
            peak = _status_kb("VmHWM")
            index = pane.indexed_model._index
            process = index._process if index is not None else None
            worker = _status_kb("VmHWM", str(process.pid)) if process is not None else 0
            tab = window.active_tab()
            assert tab is not None
            window.close_tab(tab.id)
            gc.collect()
            await asyncio.sleep(1.0)
            result = {
                "url": url,
                "shown": shown,
                "arrived": arrived,
                "stall": max(b - a for a, b in itertools.pairwise(ticks)),
                "before_mb": before / 1024,
                "peak_mb": (peak + worker) / 1024,
                "worker_mb": worker / 1024,
                "indexed": process is not None,
                "after_mb": _status_kb("VmRSS") / 1024,
            }
            print(json.dumps(result), flush=True)
        window.close()
        await window.sends.aclose()

    qasync.run(run())


def _posting(python: str, url: str, timeout: float) -> dict[str, float | str]:
    """Posting fetching ``url`` (``bench/posting_huge.py`` run by ``python``), stopped after
    ``timeout`` seconds; its peak RSS is read from outside while it runs."""
    process = subprocess.Popen(
        [python, str(BENCH / "posting_huge.py"), url],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    peak = 0.0
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            peak = max(peak, _status_kb("VmHWM", str(process.pid)) / 1024)
        time.sleep(0.2)
    if process.poll() is None:
        process.kill()
        process.wait()
        return {"shown": f"not shown after {timeout:.0f} s", "peak_mb": peak}
    assert process.stdout is not None
    lines = [line for line in process.stdout.read().splitlines() if line.startswith("{")]
    if not lines:
        return {"shown": "failed", "peak_mb": peak}
    return dict(json.loads(lines[-1]))


def _huge(
    sizes: list[float], posting: str | None = None, posting_timeout: float = 120.0
) -> list[dict[str, float | str]]:
    folder = Path(tempfile.mkdtemp(prefix="api-explorer-huge-"))
    names = []
    for megabytes in sizes:
        name = f"body-{megabytes:g}mb.json"
        (folder / name).write_bytes(_body(megabytes))
        names.append(name)
    floors = {name: _floor(folder / name) for name in names}
    server, port = _serve(folder)
    try:
        urls = [f"http://127.0.0.1:{port}/{name}" for name in names]
        out = subprocess.run(
            [sys.executable, __file__, "--window", *urls],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            timeout=1800,
        )
        postings = [_posting(posting, url, posting_timeout) if posting else {} for url in urls]
    finally:
        server.terminate()
        server.wait()
    results = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    if len(results) != len(urls):
        raise SystemExit(f"the window run failed:\n{out.stderr[-3000:]}")
    for result, name, megabytes in zip(results, names, sizes, strict=True):
        result["floor"] = floors[name]
        result["body_mb"] = (folder / name).stat().st_size / 1024 / 1024
        result["label"] = f"{megabytes:g} MB"
    for result, posted in zip(results, postings, strict=True):
        result.update({f"posting_{key}": value for key, value in posted.items()})
    for name in names:
        (folder / name).unlink()
    return results


def _script(name: str, *args: str) -> str:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, str(BENCH / name), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=1800,
    )
    return done.stdout


def _number(pattern: str, text: str) -> float | None:
    found = re.search(pattern, text)
    return float(found.group(1)) if found else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="CI-sized bodies and fewer runs")
    parser.add_argument(
        "--posting-python",
        help="a Python that has posting installed (default: this one, when it has it)",
    )
    parser.add_argument(
        "--posting-timeout", type=float, default=120.0, help="seconds Posting gets per body"
    )
    parser.add_argument("--window", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.window:
        _window(options.window)
        return
    print = functools.partial(__builtins__.print, flush=True)  # type: ignore[attr-defined]
    rows: list[tuple[str, str, str, str, str]] = []

    def row(figure: str, measured: str, floor: str, ratio: str, goal: str) -> None:
        rows.append((figure, measured, floor, ratio, goal))

    posting = options.posting_python or (
        sys.executable if importlib.util.find_spec("posting") is not None else None
    )
    sizes = [5.0, 10.0] if options.quick else [100.0, 200.0]
    print(f"huge responses ({', '.join(f'{s:g} MB' for s in sizes)}) through the window…")
    if posting:
        print(f"  and through Posting ({posting}, at most {options.posting_timeout:.0f} s each)…")
    for result in _huge(sizes, posting, options.posting_timeout):
        label, floor, shown = result["label"], float(result["floor"]), float(result["shown"])
        body = float(result["body_mb"])
        row(
            f"{label}: send -> tree",
            f"{shown:.2f} s",
            f"{floor:.2f} s",
            f"{shown / floor:.2f}x",
            "≤ 1.0x, ≤ 2 s",
        )
        row(f"{label}: longest stall", f"{float(result['stall']) * 1000:.0f} ms", "", "", "≤ 50 ms")
        limit = 100 + 3 * body
        row(
            f"{label}: peak RSS" + (" (window + worker)" if result.get("indexed") else ""),
            f"{float(result['peak_mb']):.0f} MB",
            f"{body:.0f} MB body",
            f"{float(result['peak_mb']) / limit:.2f} of the limit",
            f"≤ {limit:.0f} MB",
        )
        grown = float(result["after_mb"]) - float(result["before_mb"])
        row(f"{label}: RSS after closing", f"{grown:+.0f} MB", "", "", "≤ +50 MB")
        if "posting_shown" in result:
            posted = result["posting_shown"]
            if isinstance(posted, float):
                row(
                    f"Posting, {label}: send -> body",
                    f"{posted:.2f} s",
                    f"{floor:.2f} s",
                    f"{posted / floor:.2f}x",
                    "(for comparison)",
                )
                gap = float(result["posting_stall"]) * 1000
                row(f"Posting, {label}: longest stall", f"{gap:.0f} ms", "", "", "")
            else:
                row(f"Posting, {label}: send -> body", str(posted), f"{floor:.2f} s", "", "")
            peak = float(result["posting_peak_mb"])
            row(
                f"Posting, {label}: peak RSS",
                f"{peak:.0f} MB",
                "",
                f"{peak / limit:.2f} of the limit",
                "",
            )

    print("start-up…")
    startup = _script("startup.py", "--runs", "3" if options.quick else "7")
    found = [line for line in startup.splitlines() if line.startswith("RESULT ")]
    figures = json.loads(found[-1].removeprefix("RESULT ")) if found else {}
    bare = figures.get("bare")
    for name, key in (("start (demo API)", "demo"), ("start (--no-demo)", "no_demo")):
        ours = figures.get(key)
        if bare is None or ours is None:
            continue
        for what, field, goal in (
            ("window painted", "painted_ms", "≤ 1.15x"),
            ("window ready (URL field painted)", "ready_ms", "(reported)"),
        ):
            row(
                f"{name}: {what}",
                f"{ours[field]:.0f} ms",
                f"{bare[field]:.0f} ms",
                f"{ours[field] / bare[field]:.2f}x",
                goal,
            )
        row(
            f"{name}: idle RSS",
            f"{ours['idle_rss_mb']:.0f} MB",
            f"{bare['idle_rss_mb']:.0f} MB",
            f"{ours['idle_rss_mb'] - bare['idle_rss_mb']:+.0f} MB",
            "≤ +30 MB",
        )

    print("small requests…")
    small = _script("window_click_to_status.py")
    raw = _number(r"raw httpx on the same loop\s+([\d.]+) ms", small)
    ours = _number(r"status on screen\s+([\d.]+) ms", small)
    if raw and ours:
        row(
            "small request: click -> status",
            f"{ours:.2f} ms",
            f"{raw:.2f} ms",
            f"{ours - raw:+.2f} ms",
            "≤ +3 ms",
        )

    print("opening a 50 MB History entry…")
    opened = _script("history_open.py", "--mb", "10" if options.quick else "50")
    stall = _number(r"longest stall: median (\d+) ms", opened)
    took = _number(r"tree top level: median ([\d.]+) s", opened)
    if stall is not None and took is not None:
        row(
            "History entry opened: longest stall",
            f"{stall:.0f} ms",
            f"(shown in {took:.2f} s)",
            "",
            "≤ 50 ms",
        )

    if posting is None:
        note = (
            "Posting: not installed (pip install posting==2.11.1 tree-sitter==0.25.2, or "
            "--posting-python PATH), skipped"
        )
    else:
        note = f"Posting: {posting}, driven through Textual's pilot (bench/posting_huge.py)"

    header = ("figure", "measured", "floor", "ratio", "goal")
    widths = [max(len(r[i]) for r in [*rows, header]) for i in range(5)]
    print()
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
    print(f"\n{note}.")


if __name__ == "__main__":
    main()

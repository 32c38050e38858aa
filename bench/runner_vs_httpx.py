"""``api-explorer run --iterations N`` against a plain httpx script doing the same GETs.

Both run as fresh processes (start-up included) against the demo API in a third process,
so neither competes with the server for the GIL. Each command runs once untimed first, so
every process starts with compiled bytecode, as an installed app does (pip compiles it):
they write it under the run's temporary folder (``PYTHONPYCACHEPREFIX``), and an
environment that sets ``PYTHONDONTWRITEBYTECODE`` would otherwise make the app, and only
the app, compile its own modules on every start (about 60 ms). The commands take turns, so
a busy machine slows all of them alike. Wall time is the goal; CPU time (user + system, of
that process alone) is printed too because it moves much less on a machine doing other
work. A benchmark, not a test.

Run: .venv/bin/python bench/runner_vs_httpx.py [--requests 1000] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_SERVER = """
import sys, time
from app.demo import DemoServer
server = DemoServer()
server.start()
print(server.base_url, flush=True)
sys.stdin.read()
"""

_HTTPX = """
import sys, httpx
url, count = sys.argv[1], int(sys.argv[2])
with httpx.Client() as client:
    for _ in range(count):
        response = client.get(url, headers={"Accept": "application/json"})
        response.read()
        assert response.status_code == 200, response.status_code
"""


_HTTPX_ASYNC = """
import asyncio, sys, httpx
url, count = sys.argv[1], int(sys.argv[2])
async def main():
    async with httpx.AsyncClient() as client:
        for _ in range(count):
            response = await client.get(url, headers={"Accept": "application/json"})
            assert response.status_code == 200, response.status_code
asyncio.run(main())
"""


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh process running ``command``."""
    cpu = _cpu_of_children()
    started = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started, _cpu_of_children() - cpu
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[3:5])} failed ({done.returncode}):\n{done.stderr.decode()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None
    base = server.stdout.readline().strip()
    url = f"{base}/rest/v1/server"
    with tempfile.TemporaryDirectory() as folder:
        collection = Path(folder) / "bench"
        collection.mkdir()
        (collection / "collection.yaml").write_text("name: Bench\n")
        (collection / "server-time.request.yaml").write_text(
            "name: Server time\nmethod: GET\nurl: '{{base}}/rest/v1/server'\n"
            "assert:\n  - status: 200\n"
        )
        env = {**os.environ, "HOME": folder, "XDG_CONFIG_HOME": folder}
        env["API_EXPLORER_KEYRING"] = "off"
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
        runner = [
            sys.executable, "-c", "import sys; from app.cli import main; sys.exit(main())",
            "run", str(collection), "--var", f"base={base}",
            "--iterations", str(args.requests),
        ]  # fmt: skip
        plain = [sys.executable, "-c", _HTTPX, url, str(args.requests)]
        plain_async = [sys.executable, "-c", _HTTPX_ASYNC, url, str(args.requests)]
        commands = {
            "plain httpx script (sync)": plain,
            "plain httpx script (async)": plain_async,
            "api-explorer run": runner,
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        try:
            for command in commands.values():
                _timed(command, env)  # bytecode compiled and cached, disk cache warm
            for _ in range(args.runs):
                for name, command in commands.items():
                    times[name].append(_timed(command, env))
        finally:
            server.communicate("")
    wall = {name: statistics.median(w for w, _ in runs) for name, runs in times.items()}
    cpu = {name: statistics.median(c for _, c in runs) for name, runs in times.items()}
    print(f"{args.requests} sequential GETs, median of {args.runs} fresh processes:")
    print(f"  {'':28s} {'wall':>7s} {'(min-max)':>13s} {'CPU':>7s}")
    for name, runs in times.items():
        walls = [w for w, _ in runs]
        spread = f"({min(walls):.2f}-{max(walls):.2f})"
        print(f"  {name:28s} {wall[name]:6.2f}s {spread:>13s} {cpu[name]:6.2f}s")
    sync, async_, ours = commands
    print(f"  ratio to sync httpx, wall   {wall[ours] / wall[sync]:6.2f}x  (goal: at most 1.2x)")
    print(f"  ratio to sync httpx, CPU    {cpu[ours] / cpu[sync]:6.2f}x")
    print(f"  ratio to async httpx, wall  {wall[ours] / wall[async_]:6.2f}x")


if __name__ == "__main__":
    main()

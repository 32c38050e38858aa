"""``api-explorer run --iterations N`` against a plain httpx script doing the same GETs.

Both run as fresh processes (start-up included) against the demo API in a third process,
so neither competes with the server for the GIL. A benchmark, not a test.

Run: .venv/bin/python bench/runner_vs_httpx.py [--requests 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
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


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
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
        runner = [
            sys.executable, "-c", "import sys; from app.cli import main; sys.exit(main())",
            "run", str(collection), "--var", f"base={base}",
            "--iterations", str(args.requests),
        ]  # fmt: skip
        plain = [sys.executable, "-c", _HTTPX, url, str(args.requests)]
        plain_async = [sys.executable, "-c", _HTTPX_ASYNC, url, str(args.requests)]
        try:
            ours, theirs, theirs_async = [], [], []
            for _ in range(args.runs):
                theirs.append(_timed(plain, env))
                theirs_async.append(_timed(plain_async, env))
                ours.append(_timed(runner, env))
        finally:
            server.communicate("")
    ours_median, theirs_median = statistics.median(ours), statistics.median(theirs)
    async_median = statistics.median(theirs_async)
    print(f"{args.requests} sequential GETs, median of {args.runs} fresh processes:")
    print(f"  plain httpx script (sync)   {theirs_median:6.2f} s")
    print(f"  plain httpx script (async)  {async_median:6.2f} s")
    print(f"  api-explorer run            {ours_median:6.2f} s")
    print(
        f"  ratio to sync httpx         {ours_median / theirs_median:6.2f}x  (goal: at most 1.2x)"
    )
    print(f"  ratio to async httpx        {ours_median / async_median:6.2f}x")


if __name__ == "__main__":
    main()

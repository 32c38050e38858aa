"""What recording one small request in history costs. A benchmark, not a test.

Run: .venv/bin/python bench/history_record.py [--count 300] [--rev HEAD] [--dir PATH]

It records ``--count`` small exchanges (1 KB request and response bodies, so they stay in
the database) into a fresh ``HistoryStore`` in a temporary folder and prints the median and
95th percentile time of one ``record()``. ``--rev`` runs the same against
``app/storage/history.py`` as it was at a git revision (loaded from ``git show`` into a
temporary module; nothing in the working tree changes), so before and after can be compared
in one go. The folder is in the home folder by default, like the data folder (``--dir``
picks another): a disk sync costs what it costs there, and nothing on tmpfs.

The panel part (skipped with ``--rev``) times what the History panel does after each record
with 200 rows shown: a full ``refresh()`` (the search again and a model reset) against
``add_recorded()`` (one row inserted at the top).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.core.prepare import PreparedRequest
from app.core.response import ResponseData

ROOT = Path(__file__).resolve().parent.parent
BODY = (b'{"id": 1, "note": "' + b"x" * 1000)[:1022] + b'"}'


def history_module(rev: str | None) -> ModuleType:
    """``app.storage.history`` as it is now, or as it was at ``rev``."""
    if rev is None:
        import app.storage.history

        return app.storage.history
    source = subprocess.run(
        ["git", "show", f"{rev}:app/storage/history.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    folder = Path(tempfile.mkdtemp(prefix="history-rev-"))
    path = folder / "history_at_rev.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("history_at_rev", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def exchange(i: int) -> tuple[PreparedRequest, ResponseData]:
    request = PreparedRequest(
        "POST",
        f"https://api.test/rest/v1/payments/{i}",
        (("Accept", "application/json"), ("Content-Type", "application/json")),
        BODY,
        30.0,
    )
    response = ResponseData(200, "OK", (("Content-Type", "application/json"),), BODY, 3.0)
    return request, response


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered) * 1000:.3f} ms, p95 {p95 * 1000:.3f} ms"


def time_records(
    module: ModuleType, folder: Path, count: int, max_entries: int = 1000
) -> list[float]:
    store = module.HistoryStore(folder, max_entries=max_entries)
    samples = []
    try:
        for i in range(count):
            request, response = exchange(i)
            started = time.perf_counter()
            store.record(request, response, secrets={})
            samples.append(time.perf_counter() - started)
    finally:
        store.close()
    return samples


def time_panel(folder: Path, count: int) -> dict[str, list[float]]:
    from PySide6.QtWidgets import QApplication

    from app.services.history import HistoryService
    from app.storage.history import HistoryStore
    from app.ui.history_panel import HistoryPanel

    app = QApplication.instance() or QApplication([])
    store = HistoryStore(folder)
    for i in range(200):
        store.record(*exchange(i), secrets={})
    panel = HistoryPanel(HistoryService(store))
    panel.show()
    app.processEvents()
    ways: dict[str, Callable[[int], Any]] = {
        "refresh()": lambda _entry_id: panel.refresh(),
        "add_recorded()": panel.add_recorded,
    }
    samples: dict[str, list[float]] = {name: [] for name in ways}
    try:
        for name, update in ways.items():
            for i in range(count):
                entry_id = store.record(*exchange(i), secrets={})
                started = time.perf_counter()
                update(entry_id)
                app.processEvents()  # the repaint is part of what the user waits for
                samples[name].append(time.perf_counter() - started)
    finally:
        panel.close()
        store.close()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument(
        "--max-entries",
        type=int,
        default=1000,
        help="the store's limit (the app's default is 1000); lower than --count, retention "
        "removes an entry on every record, as in a long-used history",
    )
    parser.add_argument("--rev", help="time app/storage/history.py as it was at this revision")
    parser.add_argument("--dir", type=Path, default=Path.home(), help="where the temp folder goes")
    args = parser.parse_args()
    module = history_module(args.rev)
    label = f"at {args.rev}" if args.rev else "working tree"
    with tempfile.TemporaryDirectory(prefix="history-bench-", dir=args.dir) as folder:
        samples = time_records(module, Path(folder) / "store", args.count, args.max_entries)
        print(
            f"record() x{args.count}, 1 KB bodies, max_entries {args.max_entries} ({label}): "
            f"{percentiles(samples)}"
        )
        if args.rev is None:
            for name, panel_samples in time_panel(Path(folder) / "panel", args.count).items():
                print(f"panel update with 200 rows, {name}: {percentiles(panel_samples)}")


if __name__ == "__main__":
    main()

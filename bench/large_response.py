"""How fast a ~50 MB JSON response body reaches the screen. A benchmark, not a test.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/large_response.py [--mb 50]

It builds a realistic body (``{"items": [...], "_metadata": {...}}`` with string amounts
like "10.12" and bare numbers like 1.10), then times each step a user waits for: decoding
and parsing the body, the tree showing its top level, expanding "items", and the raw view
showing its first part. The goal: the top level of a 50 MB body on screen in under a second.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

from app.core.display_text import describe_size
from app.core.json_doc import JsonNumber, iter_pretty, parse_json_exact
from app.ui.json_tree_model import JsonTreeModel
from app.ui.raw_view import RawView
from app.ui.response_tree_view import ResponseTreeView

ITEM = (
    '{{"id": {i}, "uuid": "4f6c1b2e-{i:08d}-4c1e-9a51-7d2b8f0e{i:04d}", '
    '"price": {{"amount": "{whole}.{cents:02d}", "currency": "EUR"}}, '
    '"description": "Order line {i}: a realistic sentence about the goods, with ünïcode.", '
    '"rate": 1.10, "weight": {whole}.{milli:03d}, "quantity": {q}, "active": {active}, '
    '"created_at": "2024-05-{day:02d}T12:{minute:02d}:00+03:00", "tags": ["retail", "eu"], '
    '"discount": null}}'
)


def build_body(megabytes: float) -> bytes:
    """A JSON body of about ``megabytes`` MB, as the server would send it."""
    sample = ITEM.format(i=0, whole=10, cents=12, milli=125, q=1, active="true", day=1, minute=0)
    count = int(megabytes * 1024 * 1024 / (len(sample.encode()) + 2))
    items = ",\n".join(
        ITEM.format(
            i=i,
            whole=i % 1000,
            cents=i % 100,
            milli=i % 997,
            q=i % 7,
            active="true" if i % 3 else "false",
            day=i % 28 + 1,
            minute=i % 60,
        )
        for i in range(count)
    )
    metadata = f'{{"total": {count}, "limit": {count}, "offset": 0, "has_more": false}}'
    return f'{{"items": [\n{items}\n],\n"_metadata": {metadata}}}'.encode()


class PaintWatcher(QObject):
    """Counts paint events on a widget, so the bench can wait until something is on screen."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.paints = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False

    def wait_for_paint(self, app: QApplication, since: int) -> None:
        deadline = time.perf_counter() + 10
        while self.paints <= since:
            app.processEvents()
            if time.perf_counter() > deadline:
                raise RuntimeError("nothing was painted within 10 s")
        app.processEvents()  # let the paint that was seen finish


def best_of(runs: int, action: Callable[[], object]) -> float:
    """The best wall time of ``runs`` runs, in milliseconds."""
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
        del result  # freeing a parsed 50 MB document takes time too; not part of the step
    return best * 1000


def without_cyclic_gc(action: Callable[[], object]) -> Callable[[], object]:
    """``action`` with the cyclic garbage collector paused, as parse_json_exact does.

    Includes the one catch-up collection that the next allocation after re-enabling starts
    (it walks every container just created), so the time compares fairly.
    """

    def run() -> object:
        gc.disable()
        try:
            return action()
        finally:
            gc.enable()
            [[]]  # noqa: B018 - a tracked allocation, which starts the pending collection

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="body size (default 50)")
    parser.add_argument("--runs", type=int, default=3, help="runs per parse measurement")
    args = parser.parse_args()

    app = QApplication([])
    body = build_body(args.mb)
    text = body.decode("utf-8")
    rows: list[tuple[str, float]] = []

    rows.append(("decode UTF-8 bytes to str", best_of(args.runs, lambda: body.decode("utf-8"))))
    rows.append(("json.loads (floats, not exact)", best_of(args.runs, lambda: json.loads(text))))
    rows.append(
        (
            "json.loads parse_float=JsonNumber",
            best_of(args.runs, lambda: json.loads(text, parse_float=JsonNumber)),
        )
    )
    rows.append(
        (
            "json.loads (floats), GC paused",
            best_of(args.runs, without_cyclic_gc(lambda: json.loads(text))),
        )
    )
    rows.append(
        ("parse_json_exact (GC paused)", best_of(args.runs, lambda: parse_json_exact(text)))
    )

    # The tree, already on screen and empty, as when a response arrives.
    tree = ResponseTreeView()
    model = JsonTreeModel(tree)
    tree.setModel(model)
    tree.resize(1000, 700)
    tree_paints = PaintWatcher(tree.viewport())
    tree.show()
    tree_paints.wait_for_paint(app, 0)

    gc.collect()
    start = time.perf_counter()
    document = parse_json_exact(body.decode("utf-8"))
    parsed = time.perf_counter()
    seen = tree_paints.paints
    model.set_document(document)
    tree_paints.wait_for_paint(app, seen)
    shown = time.perf_counter()
    rows.append(("tree: set_document until painted", (shown - parsed) * 1000))
    rows.append(("TOTAL bytes -> tree top level painted", (shown - start) * 1000))

    start = time.perf_counter()
    seen = tree_paints.paints
    tree.expand(model.index(0, 0))
    tree_paints.wait_for_paint(app, seen)
    rows.append(('tree: expand "items" until painted', (time.perf_counter() - start) * 1000))
    rows.append((f"  (rows fetched under items: {model.rowCount(model.index(0, 0))})", 0.0))

    start = time.perf_counter()
    seen = tree_paints.paints
    tree.scrollToBottom()
    tree_paints.wait_for_paint(app, seen)
    rows.append(("tree: scroll to end, next batch painted", (time.perf_counter() - start) * 1000))

    raw = RawView()
    raw.resize(1000, 700)
    raw_paints = PaintWatcher(raw.text_widget().viewport())
    raw.show()
    raw_paints.wait_for_paint(app, 0)

    start = time.perf_counter()
    seen = raw_paints.paints
    raw.show_text_chunks(iter_pretty(document), describe_size(len(body)))
    raw_paints.wait_for_paint(app, seen)
    rows.append(("raw: first 256 KB until painted", (time.perf_counter() - start) * 1000))

    start = time.perf_counter()
    seen = raw_paints.paints
    raw.show_more()
    raw_paints.wait_for_paint(app, seen)
    rows.append(('raw: "Show more" (1 MB) until painted', (time.perf_counter() - start) * 1000))

    rows.append(
        (
            "iter_pretty: whole document (Show all)",
            best_of(1, lambda: sum(len(chunk) for chunk in iter_pretty(document))),
        )
    )

    print(f"\nbody: {describe_size(len(body))} ({len(body):,} bytes)\n")
    print(f"{'step':<44} {'ms':>8}")
    print(f"{'-' * 44} {'-' * 8}")
    for label, milliseconds in rows:
        print(f"{label:<44} {milliseconds:>8.0f}" if milliseconds else label)
    raw.close()
    tree.close()


if __name__ == "__main__":
    main()

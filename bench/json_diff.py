"""How long the JSON diff of two ~50 MB bodies takes, and how much memory it needs.

Run: .venv/bin/python bench/json_diff.py [--mb 50] [--repeat 3]

It builds two bodies of about ``--mb`` MB each (``{"items": [...], "_metadata": {...}}``,
items with an ``id``, string amounts like "10.12", bare numbers like 1.10) that differ in a
few places: a changed amount, a number respelled (``1.10`` -> ``1.1``: not a difference), a
type change, an item removed, one added, two swapped (paired by id: not a difference), a
member added. It parses both with exact numbers, then times ``diff_json`` (best of
``--repeat``) in these cases:

- identical: two parses of the same text;
- a few differences;
- the same, and every item's ``created_at`` differs, with ``$..created_at`` and
  ``$.items[*].uuid`` ignored;
- every item's amount changed: the walk stops at the 10,000th difference.

Peak memory is measured apart (tracemalloc slows the walk down): the peak of what the diff
allocates beyond the documents, and the process's peak RSS, documents included.
"""

from __future__ import annotations

import argparse
import gc
import resource
import time
import tracemalloc
from collections.abc import Callable, Sequence

from app.core.json_diff import Diff, diff_json, render
from app.core.json_doc import parse_json_exact

ITEM = (
    '{{"id": {i}, "uuid": "4f6c1b2e-{i:08d}-4c1e-9a51-7d2b8f0e{i:04d}", '
    '"price": {{"amount": "{whole}.{cents:02d}", "currency": "EUR"}}, '
    '"description": "Order line {i}: a realistic sentence about the goods, with ünïcode.", '
    '"rate": {rate}, "weight": {whole}.{milli:03d}, "quantity": {q}, "active": {active}, '
    '"created_at": "2024-05-{day:02d}T12:{minute:02d}:{second:02d}+03:00", '
    '"tags": ["retail", "eu"], "discount": null}}'
)


def _item(i: int, *, cents_shift: int = 0, rate: str = "1.10", second: int = 0) -> str:
    return ITEM.format(
        i=i,
        whole=i % 1000,
        cents=(i + cents_shift) % 100,
        milli=i % 997,
        rate=rate,
        q=i % 7,
        active="true" if i % 3 else "false",
        day=i % 28 + 1,
        minute=i % 60,
        second=second,
    )


def build_pair(
    megabytes: float, *, timestamps: bool = False, everywhere: bool = False
) -> tuple[str, str]:
    """Two JSON texts of about ``megabytes`` MB; the second differs from the first in a
    few places (and with ``timestamps`` in every ``created_at``), or with ``everywhere`` in
    every item's amount."""
    count = int(megabytes * 1024 * 1024 / (len(_item(0).encode()) + 2))
    old = [_item(i) for i in range(count)]
    if everywhere:
        new = [_item(i, cents_shift=1) for i in range(count)]
    else:
        new = [_item(i, second=int(timestamps)) for i in range(count)]
        middle = count // 2
        new[10] = _item(10, cents_shift=1)  # ~ $.items[10].price.amount
        new[20] = _item(20, rate="1.1")  # the same number: no difference
        new[30] = new[30].replace('"quantity": 2', '"quantity": "2"')  # a type change
        del new[middle]  # - the item with id `middle`
        new.append(_item(count))  # + a new item
        new[40], new[41] = new[41], new[40]  # moved: paired by id, no difference
    metadata = '{{"total": {n}, "limit": {n}, "offset": 0{extra}}}'
    old_text = '{"items": [\n' + ",\n".join(old) + "\n],\n"
    old_text += '"_metadata": ' + metadata.format(n=count, extra="") + "}"
    new_text = '{"items": [\n' + ",\n".join(new) + "\n],\n"
    new_text += '"_metadata": ' + metadata.format(n=count, extra=', "has_more": false') + "}"
    return old_text, new_text


def _best(run: Callable[[], Diff], repeat: int) -> tuple[float, Diff]:
    times: list[float] = []
    result: Diff | None = None
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    assert result is not None
    return min(times), result


def _peak_mb(run: Callable[[], Diff]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def _case(name: str, old: object, new: object, repeat: int, ignore: Sequence[str] = ()) -> None:
    def run() -> Diff:
        return diff_json(old, new, ignore=ignore)

    seconds, result = _best(run, repeat)
    peak = _peak_mb(run)
    print(f"{name}: {seconds:.2f} s, diff's own peak {peak:.1f} MB; {result.summary()}")
    shown = render(result).splitlines()
    for line in shown[:8]:
        print(f"    {line[:110]}")
    if len(shown) > 9:
        print(f"    … {len(shown) - 9:,} more lines")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    old_text, new_text = build_pair(args.mb)
    print(f"bodies: {len(old_text) / 1e6:.1f} MB and {len(new_text) / 1e6:.1f} MB")
    started = time.perf_counter()
    old = parse_json_exact(old_text)
    new = parse_json_exact(new_text)
    print(f"parse (two bodies): {time.perf_counter() - started:.2f} s")
    again = parse_json_exact(old_text)
    del new_text

    _case("identical", old, again, args.repeat)
    del again
    _case("a few differences", old, new, args.repeat)
    del new

    _, stamped_text = build_pair(args.mb, timestamps=True)
    stamped = parse_json_exact(stamped_text)
    del stamped_text
    ignore = ["$..created_at", "$.items[*].uuid"]
    _case(f"a few, every created_at too, {ignore} ignored", old, stamped, args.repeat, ignore)
    del stamped

    _, everywhere_text = build_pair(args.mb, everywhere=True)
    everywhere = parse_json_exact(everywhere_text)
    del everywhere_text
    _case("every item differs", old, everywhere, args.repeat)

    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (texts and parsed documents included): {peak_rss:.0f} MB")


if __name__ == "__main__":
    main()

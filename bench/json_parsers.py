"""Which JSON parser could show the top level of a 100-200 MB body without freezing the window.

A benchmark, not a test. Groundwork for "Huge responses that never freeze the window, in
bounded memory": top level on screen within 1.0x the time of ``json.loads``, no event-loop
stall over 50 ms, peak RSS at most 100 MB + 3x the body, numbers exact.

Run (the candidates live in a throwaway venv, never in the project's):

    python3 -m venv /tmp/parsers
    /tmp/parsers/bin/pip install msgspec orjson pysimdjson ijson yyjson cysimdjson \\
        python-rapidjson simplejson jiter ujson ssrjson
    .venv/bin/python bench/json_parsers.py --python /tmp/parsers/bin/python [--quick]

``--python`` is the interpreter of the measuring subprocesses (default: this one); a
candidate it cannot import is skipped with a note. ``--quick`` uses 5 and 10 MB bodies
instead of 50, 100 and 200 MB (10**6 bytes). Every measurement runs in a fresh subprocess,
so its peak RSS is its own (``VmHWM`` in MiB: Linux carries ``ru_maxrss`` over an exec):

- ``time``: read the body, parse it on the main thread; wall time and peak RSS with the
  result kept alive (median time, highest peak of ``--repeat`` runs).
- ``gil``: the parse in a second thread while the main thread sleeps 5 ms in a loop; the
  longest gap between its wake-ups is how long a GUI thread would have been stalled.
- ``top``: what a tree view needs first: the top-level keys with each value's type and
  size, and the first 100 members of each container, materialised with exact numbers
  where the parser can. For a parser without a lazy API that is a full parse. Also run
  in a thread beside the 5 ms ticker.
- ``probe``: exactness on tiny documents, one number each: ``10.10`` (must read back as
  that text), ``9007199254740993`` (2**53 + 1), ``12345678901234567890123`` (past 64
  bits) and ``1e400`` (past float range).
- ``proc:NAME``: the window process (here: the subprocess) holds the body and a worker
  process started in advance (imports done) is sent it through a pipe; the worker runs
  NAME's ``top`` and pickles back only the summary. Timed from "body in hand" to "summary
  unpickled", with the ticker in the window process; RSS is the sum of both processes.
  Rows "worker process (NAME)".

Ratios are to plain ``json.loads`` (the first row). "Goals missed" judges the top-level
path: time over json.loads's parse, a stall over 50 ms, peak RSS over 100 MiB + 3x the
body, any probe number not read back as its own text, sizes the parser could not tell.
``--json FILE`` also saves the results, ``--render FILE`` prints their table again.

The generated body (Paysera-like: ``{"items": [...], "_metadata": {...}}``) has decimal
amounts as strings and as numbers (``10.10``), ids past 2**53 and numbers in exponent
form, but no integer past 64 bits: parsers that refuse those (the probe shows which)
could not be timed otherwise.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import importlib
import json
import os
import pickle
import platform
import resource
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from pathlib import Path
from types import GenericAlias, ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FIRST = 100  # members of each container the top level shows at once
TICK = 0.005  # the ticker's sleep, seconds
STALL_LIMIT_MS = 50.0

# One payment of a Paysera-like list. Ids start past 2**53 (a float cannot hold them), the
# amount is a string and a number with a trailing zero, rates have many digits.
ITEM = (
    '{{"id": {big_id}, "uuid": "4f6c1b2e-{i:08d}-4c1e-9a51-7d2b8f0e{k:04d}", '
    '"number": "P-2024-{i:09d}", "status": "{status}", '
    '"price": {{"amount": "{whole}.{cents:02d}", "currency": "EUR"}}, '
    '"amount": {whole}.{cents:02d}, "amount_minor": {minor}, '
    '"commission": {{"amount": "0.{fee:02d}", "currency": "EUR", "rate": 0.0125}}, '
    '"exchange_rate": 1.08{rate:03d}0, "tiny": {tiny}e-7, '
    '"beneficiary": {{"name": "UAB \\"Ąžuolas {k}\\"", '
    '"iban": "LT12 1000 0111 {iban:04d} 1000", "bic": "EVIULT2VXXX", '
    '"address": {{"country": "LT", "city": "Vilnius", "street": "Gedimino pr. {k}"}}}}, '
    '"purpose": "Invoice {i}: goods and services, with ünïcode and a tab\\there", '
    '"created_at": {ts}, "date": "2024-05-{day:02d}T12:{minute:02d}:00+03:00", '
    '"ledger_sequence": {seq}, "tags": ["retail", "eu", "{status}"], '
    '"refunded": {refunded}, "note": null}}'
)
STATUSES = ("new", "done", "failed", "reserved")


def _item(i: int) -> str:
    return ITEM.format(
        big_id=9007199254740993 + i * 7,
        i=i,
        k=i % 10000,
        status=STATUSES[i % 4],
        whole=i % 1000,
        cents=(i * 10) % 100,
        minor=(i % 1000) * 100 + (i * 10) % 100,
        fee=i % 97,
        rate=i % 1000,
        tiny=1 + i % 9,
        iban=i % 10000,
        ts=1717000000 + i,
        day=i % 28 + 1,
        minute=i % 60,
        seq=123456789012345678 + i,
        refunded="true" if i % 5 == 0 else "false",
    )


def build_body(megabytes: float) -> bytes:
    """A JSON body of about ``megabytes`` MB (10**6 bytes), as the server would send it."""
    count = int(megabytes * 1_000_000 / (len(_item(123456).encode()) + 2))
    items = ",\n".join(_item(i) for i in range(count))
    metadata = (
        f'{{"total": {count}, "limit": {count}, "offset": 0, "has_more": false, '
        f'"generated": "2024-05-01T12:00:00Z", "sum": "{count * 499}.50"}}'
    )
    return f'{{"items": [\n{items}\n],\n"_metadata": {metadata}}}'.encode()


# --- candidates ------------------------------------------------------------------------------


@dataclass
class Impl:
    """How one candidate parses. ``top`` defaults to a full parse then the summary of it."""

    parse: Callable[[bytes], Any]
    value: Callable[[bytes], Any]  # the value of {"v": NUMBER}, as a tree view would get it
    top: Callable[[bytes], Any] | None = None
    note: str = ""


@dataclass(frozen=True)
class Candidate:
    name: str
    modules: tuple[str, ...]
    how: str
    lazy: bool = False


CANDIDATES = [
    Candidate("json.loads", (), "json.loads(body)"),
    Candidate("json.loads gc paused", (), "json.loads(body) with gc.disable()"),
    Candidate("parse_json_exact", (), "app.core.json_doc.parse_json_exact(body.decode())"),
    Candidate("msgspec", ("msgspec",), "msgspec.json.decode(body)"),
    Candidate("msgspec exact", ("msgspec",), "msgspec.json.Decoder(float_hook=JsonNumber)"),
    Candidate(
        "msgspec lazy",
        ("msgspec",),
        "Decoder(dict[str, Raw]); Decoder(list[Raw]) for an array; items by float_hook decoder",
        lazy=True,
    ),
    Candidate("orjson", ("orjson",), "orjson.loads(body)"),
    Candidate("ujson", ("ujson",), "ujson.loads(body)"),
    Candidate("ssrjson", ("ssrjson",), "ssrjson.loads(body)"),
    Candidate("simplejson", ("simplejson",), "simplejson.loads(body, use_decimal=True)"),
    Candidate("rapidjson", ("rapidjson",), "rapidjson.loads(body, number_mode=NM_DECIMAL)"),
    Candidate("jiter", ("jiter",), "jiter.from_json(body, float_mode='lossless-float')"),
    Candidate("pysimdjson", ("simdjson",), "simdjson.Parser().parse(body) (proxies)", lazy=True),
    Candidate("cysimdjson", ("cysimdjson",), "cysimdjson.JSONParser().parse(body)", lazy=True),
    Candidate(
        "yyjson",
        ("yyjson",),
        "yyjson.Document(body, flags=NUMBERS_AS_RAW); get_pointer()",
        lazy=True,
    ),
    Candidate("ijson", ("ijson",), "ijson yajl2_c, use_float=False (events)", lazy=True),
]
# The worker-process design: the worker runs this candidate's top level.
PROCESS_OF = ("msgspec lazy", "msgspec exact", "parse_json_exact")


def _module(name: str) -> ModuleType:
    return importlib.import_module(name)


def _summary(doc: Any) -> list[tuple[str, str, int, Any]]:
    """Top-level keys, each value's type and size, the first members of each container."""
    if not isinstance(doc, dict):
        return [("", type(doc).__name__, len(doc), list(islice(doc, FIRST)))]
    out: list[tuple[str, str, int, Any]] = []
    for key, value in doc.items():
        if isinstance(value, list):
            out.append((key, "array", len(value), value[:FIRST]))
        elif isinstance(value, dict):
            out.append((key, "object", len(value), dict(islice(value.items(), FIRST))))
        else:
            out.append((key, "scalar", 1, value))
    return out


def _impl_json() -> Impl:
    return Impl(json.loads, lambda b: json.loads(b)["v"])


def _impl_json_gc_paused() -> Impl:
    from app.core.json_doc import cyclic_gc_paused

    def parse(body: bytes) -> Any:
        with cyclic_gc_paused():
            return json.loads(body)

    return Impl(parse, lambda b: parse(b)["v"])


def _impl_exact() -> Impl:
    from app.core.json_doc import parse_json_exact

    def parse(body: bytes) -> Any:
        return parse_json_exact(body.decode())

    return Impl(parse, lambda b: parse(b)["v"])


def _impl_msgspec(exact: bool) -> Impl:
    msgspec = _module("msgspec")
    if exact:
        from app.core.json_doc import JsonNumber

        decode = msgspec.json.Decoder(float_hook=JsonNumber).decode
    else:
        decode = msgspec.json.decode
    return Impl(decode, lambda b: decode(b)["v"])


def _impl_msgspec_lazy() -> Impl:
    msgspec = _module("msgspec")
    from app.core.json_doc import JsonNumber

    raw_type = msgspec.Raw
    top_level = msgspec.json.Decoder(GenericAlias(dict, (str, raw_type))).decode
    members = msgspec.json.Decoder(GenericAlias(dict, (str, raw_type))).decode
    elements = msgspec.json.Decoder(GenericAlias(list, (raw_type,))).decode
    exact = msgspec.json.Decoder(float_hook=JsonNumber).decode

    def top(body: bytes) -> Any:
        out: list[tuple[str, str, int, Any]] = []
        for key, raw in top_level(body).items():
            first = bytes(memoryview(raw)[:1])
            if first == b"[":
                children = elements(raw)
                out.append((key, "array", len(children), [exact(c) for c in children[:FIRST]]))
            elif first == b"{":
                fields = members(raw)
                shown = {k: exact(v) for k, v in islice(fields.items(), FIRST)}
                out.append((key, "object", len(fields), shown))
            else:
                out.append((key, "scalar", 1, exact(raw)))
        return out

    return Impl(top_level, lambda b: exact(b)["v"], top)


def _impl_simple(module: str, call: Callable[[ModuleType, bytes], Any]) -> Impl:
    mod = _module(module)

    def parse(body: bytes) -> Any:
        return call(mod, body)

    return Impl(parse, lambda b: parse(b)["v"])


def _impl_pysimdjson() -> Impl:
    simdjson = _module("simdjson")
    parser = simdjson.Parser()

    def plain(value: Any) -> Any:
        if isinstance(value, simdjson.Object):
            return value.as_dict()
        if isinstance(value, simdjson.Array):
            return value.as_list()
        return value

    def top(body: bytes) -> Any:
        doc = parser.parse(body)
        out: list[tuple[str, str, int, Any]] = []
        for key in doc.keys():  # noqa: SIM118 - a proxy, not a dict
            value = doc[key]
            if isinstance(value, simdjson.Array):
                out.append((key, "array", len(value), [plain(v) for v in value[:FIRST]]))
            elif isinstance(value, simdjson.Object):
                shown = {k: plain(value[k]) for k in islice(value.keys(), FIRST)}
                out.append((key, "object", len(value), shown))
            else:
                out.append((key, "scalar", 1, value))
        return doc, out  # the proxies need the document alive

    return Impl(parser.parse, lambda b: simdjson.Parser().parse(b, True)["v"], top)


def _impl_cysimdjson() -> Impl:
    cysimdjson = _module("cysimdjson")
    parser = cysimdjson.JSONParser()  # a document's proxies crash once their parser is gone

    def plain(value: Any) -> Any:
        if isinstance(value, cysimdjson.JSONObject | cysimdjson.JSONArray):
            return value.export()
        return value

    def top(body: bytes) -> Any:
        doc = parser.parse(body)
        out: list[tuple[str, str, int, Any]] = []
        for key in doc.keys():  # noqa: SIM118 - a proxy, not a dict
            value = doc.get(key)
            if isinstance(value, cysimdjson.JSONArray):
                first = [plain(value[i]) for i in range(min(FIRST, len(value)))]
                out.append((key, "array", len(value), first))
            elif isinstance(value, cysimdjson.JSONObject):
                shown = {k: plain(value.get(k)) for k in islice(value.keys(), FIRST)}
                out.append((key, "object", len(list(value.keys())), shown))
            else:
                out.append((key, "scalar", 1, value))
        return doc, out

    def value(body: bytes) -> Any:
        return plain(parser.parse(body).get("v"))

    return Impl(parser.parse, value, top)


def _impl_yyjson() -> Impl:
    yyjson = _module("yyjson")
    flags = yyjson.ReaderFlags.NUMBERS_AS_RAW

    def parse(body: bytes) -> Any:
        return yyjson.Document(body, flags=flags)

    def top(body: bytes) -> Any:
        # The bindings list neither the keys nor the length of a value without building all
        # of it in Python: the keys here are known in advance, the length is not found.
        doc = parse(body)
        first = [doc.get_pointer(f"/items/{i}") for i in range(FIRST)]
        return doc, [("items", "array", -1, first), ("_metadata", "object", -1, None)]

    return Impl(
        parse,
        lambda b: parse(b).get_pointer("/v"),
        top,
        note="keys and lengths not listable lazily: top level read at known pointers",
    )


def _impl_ijson() -> Impl:
    ijson = _module("ijson")
    backend = ijson.get_backend("yajl2_c")

    def parse(body: bytes) -> Any:
        return next(backend.items(body, "", use_float=False))

    def top(body: bytes) -> Any:
        # One pass over the events: every top-level key, its type and size, and the first
        # members of each container, built with ijson's ObjectBuilder.
        out: list[tuple[str, str, int, Any]] = []
        depth = 0
        key = ""
        kind = "scalar"
        count = 0
        builder: Any = None
        for event, value in backend.basic_parse(body, use_float=False):
            if depth == 1:
                if event == "map_key":
                    key = value
                elif event in ("start_map", "start_array"):
                    kind = "object" if event == "start_map" else "array"
                    count = 0
                    builder = ijson.ObjectBuilder()
                    builder.event(event, value)
                elif event != "end_map":
                    out.append((key, "scalar", 1, value))
            elif depth == 2 and event in ("end_map", "end_array"):
                builder.event(event, value)
                out.append((key, kind, count, builder.value))
            elif depth >= 2:
                if depth == 2 and (event == "map_key" or kind == "array"):
                    count += 1
                if count <= FIRST:
                    builder.event(event, value)
            if event in ("start_map", "start_array"):
                depth += 1
            elif event in ("end_map", "end_array"):
                depth -= 1
        return out

    return Impl(parse, lambda b: parse(b)["v"], top)


def load_impl(name: str) -> Impl:
    """The candidate's functions; ImportError when its package is not importable."""
    if name == "json.loads":
        return _impl_json()
    if name == "json.loads gc paused":
        return _impl_json_gc_paused()
    if name == "parse_json_exact":
        return _impl_exact()
    if name in ("msgspec", "msgspec exact"):
        return _impl_msgspec(exact=name == "msgspec exact")
    if name == "msgspec lazy":
        return _impl_msgspec_lazy()
    if name == "orjson":
        return _impl_simple("orjson", lambda m, b: m.loads(b))
    if name == "ujson":
        return _impl_simple("ujson", lambda m, b: m.loads(b))
    if name == "ssrjson":
        return _impl_simple("ssrjson", lambda m, b: m.loads(b))
    if name == "simplejson":
        return _impl_simple("simplejson", lambda m, b: m.loads(b, use_decimal=True))
    if name == "rapidjson":
        return _impl_simple("rapidjson", lambda m, b: m.loads(b, number_mode=m.NM_DECIMAL))
    if name == "jiter":
        return _impl_simple("jiter", lambda m, b: m.from_json(b, float_mode="lossless-float"))
    if name == "pysimdjson":
        return _impl_pysimdjson()
    if name == "cysimdjson":
        return _impl_cysimdjson()
    if name == "yyjson":
        return _impl_yyjson()
    if name == "ijson":
        return _impl_ijson()
    raise ValueError(f"unknown candidate {name!r}")


def top_of(impl: Impl) -> Callable[[bytes], Any]:
    if impl.top is not None:
        return impl.top
    return lambda body: (doc := impl.parse(body), _summary(doc))


# --- measurements inside a child process ---------------------------------------------------


def _peak_rss_mb() -> float:
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over an exec, so a child would report
    # the peak of the driver that forked it.
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _with_ticker(work: Callable[[], Any]) -> tuple[float, float, int, Any]:
    """Run ``work`` in a thread while this one sleeps TICK in a loop: time, longest gap, ticks."""
    result: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as error:  # reported to the parent, not lost in the thread
            errors.append(error)

    thread = threading.Thread(target=run)
    # The clock starts before start(): it returns only once this thread has the GIL back,
    # which a parser that holds the GIL gives up only when it is done.
    t0 = last = time.perf_counter()
    thread.start()
    longest = 0.0
    ticks = 0
    while thread.is_alive():
        time.sleep(TICK)
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
        ticks += 1
    thread.join()
    elapsed = time.perf_counter() - t0
    if errors:
        raise errors[0]
    return elapsed, longest * 1000, ticks, result[0]


def _describe_number(source: str, value: Any) -> str:
    """How a parser gave back the number ``source``: text, exact value, or what was lost."""
    if isinstance(value, bool):
        return "bool?"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "inf"
        if Decimal(value) == Decimal(source):
            return "exact"  # a float that happens to hold the value (small ints)
        return f"float {value!r}"
    text = str(value)
    if text == source:
        return "text"
    try:
        if Decimal(text) == Decimal(source):
            return f"value ({text})"
    except ArithmeticError:
        pass
    return f"lost ({text})"


PROBES = ("10.10", "9007199254740993", "12345678901234567890123", "1e400")


def child_probe(impl: Impl) -> dict[str, Any]:
    out: dict[str, str] = {}
    for source in PROBES:
        try:
            out[source] = _describe_number(source, impl.value(f'{{"v": {source}}}'.encode()))
        except Exception as error:
            out[source] = f"error ({type(error).__name__})"
    return {"probe": out}


def child_time(impl: Impl, path: Path) -> dict[str, Any]:
    body = path.read_bytes()
    base = _current_rss_mb()
    t0 = time.perf_counter()
    doc = impl.parse(body)
    elapsed = time.perf_counter() - t0
    peak = _peak_rss_mb()
    del doc
    return {"seconds": elapsed, "base_mb": base, "peak_mb": peak}


def child_gil(impl: Impl, path: Path) -> dict[str, Any]:
    body = path.read_bytes()
    elapsed, stall, ticks, _doc = _with_ticker(lambda: impl.parse(body))
    return {"seconds": elapsed, "stall_ms": stall, "ticks": ticks}


def child_top(impl: Impl, path: Path) -> dict[str, Any]:
    body = path.read_bytes()
    top = top_of(impl)
    elapsed, stall, ticks, result = _with_ticker(lambda: top(body))
    summary = result[1] if isinstance(result, tuple) else result
    shown = [(key, kind, size) for key, kind, size, _first in summary]
    return {
        "seconds": elapsed,
        "stall_ms": stall,
        "ticks": ticks,
        "peak_mb": _peak_rss_mb(),
        "shown": shown,
    }


def _send(stream: Any, data: bytes) -> None:
    stream.write(struct.pack("<Q", len(data)))
    stream.write(data)
    stream.flush()


def _receive(stream: Any) -> bytes:
    header = stream.read(8)
    if len(header) < 8:
        raise EOFError("the other process closed its pipe")
    (size,) = struct.unpack("<Q", header)
    data: bytes = stream.read(size)
    return data


def worker(name: str) -> None:
    """The worker process: top level of each body it is sent, pickled back."""
    out = sys.stdout.buffer
    try:
        top = top_of(load_impl(name))
    except ImportError as error:
        out.write(f"skip: {error}\n".encode())
        out.flush()
        return
    out.write(b"ready\n")
    out.flush()
    keep: Any = None
    while True:
        try:
            body = _receive(sys.stdin.buffer)
        except EOFError:
            return
        t0 = time.perf_counter()
        keep = top(body)  # kept, as a real worker would keep it to expand later
        elapsed = time.perf_counter() - t0
        summary = keep[1] if isinstance(keep, tuple) else keep
        _send(out, pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL))
        _send(out, json.dumps([_peak_rss_mb(), elapsed]).encode())


def child_process(name: str, path: Path, python: str) -> dict[str, Any]:
    body = path.read_bytes()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [python, str(Path(__file__).resolve()), "--worker", name],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    greeting = proc.stdout.readline().decode().strip()
    if greeting != "ready":
        proc.wait()
        if greeting.startswith("skip: "):
            raise ImportError(greeting[len("skip: ") :])
        raise RuntimeError(f"the worker for {name} did not start: {greeting!r}")
    spawn = time.perf_counter() - t0
    stdin, stdout = proc.stdin, proc.stdout

    def exchange() -> tuple[Any, float, float]:
        _send(stdin, body)
        summary = pickle.loads(_receive(stdout))
        worker_peak, worker_top = json.loads(_receive(stdout))
        return summary, worker_peak, worker_top

    elapsed, stall, ticks, (summary, worker_peak, worker_top) = _with_ticker(exchange)
    stdin.close()
    proc.wait()
    own_peak = _peak_rss_mb()
    return {
        "seconds": elapsed,
        "stall_ms": stall,
        "ticks": ticks,
        "spawn_seconds": spawn,
        "peak_mb": own_peak + worker_peak,
        "window_peak_mb": own_peak,
        "worker_peak_mb": worker_peak,
        "worker_top_seconds": worker_top,
        "shown": [(key, kind, size) for key, kind, size, _first in summary],
    }


def child_main(mode: str, name: str, path: str, python: str) -> None:
    gc.collect()
    try:
        if mode == "proc":
            result = child_process(name, Path(path), python)
        else:
            impl = load_impl(name)
            if mode == "probe":
                result = child_probe(impl)
            elif mode == "time":
                result = child_time(impl, Path(path))
            elif mode == "gil":
                result = child_gil(impl, Path(path))
            else:
                result = child_top(impl, Path(path))
    except ImportError as error:
        result = {"skipped": f"not importable: {error}"}
    except Exception as error:
        result = {"failed": f"{type(error).__name__}: {str(error)[:120]}"}
    print(json.dumps(result), flush=True)


# --- the driver --------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    how: str
    probe: dict[str, str] = field(default_factory=dict)
    by_size: dict[int, dict[str, Any]] = field(default_factory=dict)
    note: str = ""


def run_child(python: str, mode: str, name: str, path: Path | None) -> dict[str, Any]:
    command = [python, str(Path(__file__).resolve()), "--child", mode, name]
    command += [str(path) if path else "-", python]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"failed": f"exit {done.returncode}: {tail[:120]}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _versions(python: str) -> str:
    code = (
        "import importlib.metadata as m\n"
        "for n in ['msgspec','orjson','ujson','ssrjson','simplejson','python-rapidjson',"
        "'jiter','pysimdjson','cysimdjson','yyjson','ijson']:\n"
        "    try: print(n + ' ' + m.version(n))\n"
        "    except Exception: pass\n"
    )
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, check=False)
    return ", ".join(done.stdout.split("\n")).strip(", ")


def _machine() -> str:
    model = "unknown CPU"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as meminfo:
        total_kb = int(meminfo.readline().split()[1])
    return (
        f"{model}, {os.cpu_count()} cores, {total_kb / 2**20:.1f} GiB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def _fmt_seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _cell(result: dict[str, Any] | None, key: str, digits: int = 2) -> str:
    if not result:
        return "-"
    if "skipped" in result:
        return "skip"
    if "failed" in result:
        return "fail"
    value = result.get(key)
    return "-" if value is None else f"{value:.{digits}f}"


def _ratio(result: dict[str, Any] | None, base: float | None) -> str:
    seconds = result.get("seconds") if result else None
    if seconds is None or not base:
        return _cell(result, "seconds")
    return f"{seconds:.2f} ({seconds / base:.2f}x)"


def missed(row: Row, size: int, base: float | None, body_bytes: int) -> list[str]:
    """The issue's goals this row's top-level path misses for one body size."""
    top = row.by_size.get(size, {}).get("top") or {}
    if "seconds" not in top:
        return ["not measured"]
    out = []
    if base and top["seconds"] > base:
        out.append("time")
    if top["stall_ms"] > STALL_LIMIT_MS:
        out.append("stall")
    if top["peak_mb"] > 100 + 3 * body_bytes / 2**20:
        out.append("RSS")
    if any(row.probe.get(p) != "text" for p in PROBES):
        out.append("numbers")
    if any(size_shown < 0 for _key, _kind, size_shown in top.get("shown", [])):
        out.append("sizes unknown")
    return out


def render(rows: list[Row], sizes: list[int], actual: dict[int, int]) -> str:
    """The results as a Markdown table; ratios are to the first row (plain json.loads)."""
    head = ["parser"]
    head += [f"parse {s} MB, s (x json.loads)" for s in sizes]
    head += [f"top level + {FIRST} items {s} MB, s (x json.loads)" for s in sizes]
    head += [f"peak RSS {s} MB, MiB (limit {100 + 3 * actual[s] / 2**20:.0f})" for s in sizes]
    head += [f"longest stall {sizes[-1]} MB, ms (parse / top)"]
    head += ["numbers: 10.10, 2^53+1, 23-digit int, 1e400"]
    head += [f"goals missed at {s} MB" for s in sizes[-2:]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    base = {s: rows[0].by_size.get(s, {}).get("time", {}).get("seconds") for s in sizes}
    for row in rows:
        if row.note:
            continue  # listed under the table
        cells = [row.name]
        cells += [_ratio(row.by_size.get(s, {}).get("time"), base[s]) for s in sizes]
        cells += [_ratio(row.by_size.get(s, {}).get("top"), base[s]) for s in sizes]
        for s in sizes:
            # The top-level path's peak: what a window that shows the top level first pays.
            cell = row.by_size.get(s, {})
            cells.append(_cell(cell.get("top") or cell.get("time"), "peak_mb", 0))
        largest = row.by_size.get(sizes[-1], {})
        stalls = (_cell(largest.get(mode), "stall_ms", 0) for mode in ("gil", "top"))
        cells.append(" / ".join(stalls))
        cells.append(", ".join(row.probe.get(p, "-") for p in PROBES) or "-")
        cells += [", ".join(missed(row, s, base[s], actual[s])) or "none" for s in sizes[-2:]]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(rows: list[Row], sizes: list[int], actual: dict[int, int]) -> None:
    print()
    print(render(rows, sizes, actual))
    print()
    for row in rows:
        if row.note:
            print(f"- {row.name}: skipped, {row.note}")
        for size, cell in row.by_size.items():
            top = cell.get("top") or {}
            if "spawn_seconds" in top:
                print(
                    f"- {row.name}, {size} MB: the worker's own top level "
                    f"{top['worker_top_seconds']:.2f} s of {top['seconds']:.2f} s (the rest: "
                    f"the body through the pipe, the summary back); peak RSS window "
                    f"{top['window_peak_mb']:.0f} + worker {top['worker_peak_mb']:.0f} MiB; "
                    f"starting the worker (before, not timed) {top['spawn_seconds']:.2f} s"
                )
            full = cell.get("time") or {}
            if full.get("peak_mb", 0) > top.get("peak_mb", float("inf")) + 10:
                print(
                    f"- {row.name}, {size} MB: peak RSS of the full parse {full['peak_mb']:.0f} MiB"
                )
    for size in sizes:
        bases = [
            r.by_size[size]["time"]["base_mb"]
            for r in rows
            if "base_mb" in r.by_size.get(size, {}).get("time", {})
        ]
        if bases:
            print(
                f"- {size} MB ({actual[size]:,} bytes): RSS with the body read, before "
                f"parsing: {min(bases):.0f}-{max(bases):.0f} MiB"
            )


def load_results(path: str) -> tuple[list[Row], list[int], dict[int, int]]:
    """Rows saved by --json, to print the table again without measuring."""
    data = json.loads(Path(path).read_text())
    actual = {int(size): count for size, count in data["sizes"].items()}
    rows = [
        Row(
            r["name"],
            r["how"],
            r["probe"],
            {int(size): cell for size, cell in r["by_size"].items()},
            r["note"],
        )
        for r in data["rows"]
    ]
    return rows, sorted(actual), actual


def _median(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median time (the lower one of two), with the highest peak and stall of all."""
    good = sorted((r for r in results if "seconds" in r), key=lambda r: float(r["seconds"]))
    if not good:
        return results[0]
    merged = dict(good[(len(good) - 1) // 2])
    if "peak_mb" in merged:
        merged["peak_mb"] = max(r["peak_mb"] for r in good)
    if "stall_ms" in merged:
        merged["stall_ms"] = max(r["stall_ms"] for r in good)
    merged["runs"] = [round(r["seconds"], 3) for r in results if "seconds" in r]
    return merged


def driver(args: argparse.Namespace) -> None:
    python = args.python
    sizes = [5, 10] if args.quick else [int(s) for s in args.sizes.split(",")]
    names = [c.name for c in CANDIDATES]
    if args.only:
        names = [n for n in names if n in args.only.split(",")]
    print(f"# {datetime.date.today()} {_machine()}")
    print(f"# candidates from {python}: {_versions(python)}")
    rows = {c.name: Row(c.name, c.how) for c in CANDIDATES if c.name in names}
    lazy = {c.name for c in CANDIDATES if c.lazy}
    for name in PROCESS_OF:
        if name in names:
            rows[f"worker process ({name})"] = Row(f"worker process ({name})", "pipe + pickle")
    for name, row in rows.items():
        if name.startswith("worker process"):
            continue
        result = run_child(python, "probe", name, None)
        if "skipped" in result or "failed" in result:
            row.note = result.get("skipped") or result.get("failed") or ""
            print(f"{name}: {row.note}", flush=True)
        else:
            row.probe = result["probe"]
            print(f"{name}: probe {row.probe}", flush=True)
    for name, row in rows.items():
        if name.startswith("worker process"):
            inner_row = rows[name[len("worker process (") : -1]]
            row.probe, row.note = inner_row.probe, inner_row.note
    actual: dict[int, int] = {}
    with tempfile.TemporaryDirectory(prefix="json-parsers-") as folder:
        for size in sizes:
            body = build_body(size)
            path = Path(folder) / f"body-{size}.json"
            path.write_bytes(body)
            actual[size] = len(body)
            print(f"## body {size} MB: {len(body):,} bytes", flush=True)
            del body
            for name, row in rows.items():
                if row.note:
                    continue
                cell = row.by_size.setdefault(size, {})
                if name.startswith("worker process"):
                    inner = name[len("worker process (") : -1]
                    runs = [run_child(python, "proc", inner, path) for _ in range(args.repeat)]
                    cell["top"] = _median(runs)
                    print(f"{name} {size} MB: {cell['top']}", flush=True)
                    continue
                runs = [run_child(python, "time", name, path) for _ in range(args.repeat)]
                cell["time"] = _median(runs)
                if "failed" in cell["time"]:
                    print(f"{name} {size} MB: {cell['time']}", flush=True)
                    continue
                cell["gil"] = run_child(python, "gil", name, path)
                if name in lazy:
                    runs = [run_child(python, "top", name, path) for _ in range(args.repeat)]
                else:
                    runs = [run_child(python, "top", name, path)]
                cell["top"] = _median(runs)
                print(
                    f"{name} {size} MB: time {cell['time']} gil {cell['gil']} top {cell['top']}",
                    flush=True,
                )
    ordered = list(rows.values())
    report(ordered, sizes, actual)
    if args.json:
        data = {
            "sizes": actual,
            "rows": [
                {
                    "name": r.name,
                    "how": r.how,
                    "probe": r.probe,
                    "note": r.note,
                    "by_size": r.by_size,
                }
                for r in ordered
            ],
        }
        Path(args.json).write_text(json.dumps(data, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="5 and 10 MB bodies")
    parser.add_argument("--sizes", default="50,100,200", help="body sizes in MB, ascending")
    parser.add_argument("--repeat", type=int, default=3, help="fresh runs per timing")
    parser.add_argument("--python", default=sys.executable, help="the candidates' interpreter")
    parser.add_argument("--only", default="", help="comma-separated candidate names")
    parser.add_argument("--json", default="", help="also write the results to this file")
    parser.add_argument("--render", default="", help="print the table of a --json file")
    parser.add_argument("--child", nargs=4, metavar=("MODE", "NAME", "PATH", "PYTHON"))
    parser.add_argument("--worker", metavar="NAME")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
    elif args.child:
        child_main(*args.child)
    elif args.render:
        report(*load_results(args.render))
    else:
        driver(args)


if __name__ == "__main__":
    main()

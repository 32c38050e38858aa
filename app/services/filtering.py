"""Filter a JSON response with a JSONPath (RFC 9535) or a jq program: what the Tree tab's
filter box and ``api-explorer send --filter`` show.

:func:`filter_json` takes the exact document (``app.core.json_doc.parse_json_exact``) and
the body's bytes, and returns :class:`Filtered`: labelled values, numbers exactly as sent.

**JSONPath** runs in this process (``app.core.assertions.select``, the assertions' engine):
each match under its own path.

**jq** runs the ``jq`` package (the bindings to libjq) in a child process, for three
reasons measured here: libjq holds the GIL for its whole run (a 13 s program froze every
other thread for 13 s), a program can run for ever (``repeat(.)``), and only a process can
be stopped (:meth:`JqRun.kill`). The child gets the body on stdin and an empty environment,
stops after :data:`MAX_RESULTS` results or :data:`MAX_OUTPUT_BYTES` of output, and is
killed after :data:`JQ_TIMEOUT_SECONDS`.

libjq (1.7 in the wheel, built without decNumber) reads every number as a 64-bit float:
``10.10`` comes back as ``10.1`` and ``12345678901234567890123`` as
``12345678901234567741440``. So the exact values are taken from this process's document:

- a program that is a *path expression* (``.items[] | select(.amount > 100) | .id``,
  ``.. | .error_uri? // empty``, ``first(.x[])``; most filters) is run as ``path(PROGRAM)``
  and each result is the value at that path in the exact document, labelled by its
  JSONPath: numbers exactly as sent;
- a program that builds new values (``{id, total: .amount}``, ``keys``, ``map(.a)``, ``.a +
  1``) is run as written; each number in its results whose 64-bit value is that of a number
  in the document is written as that number was sent (``{total: .amount}`` keeps
  ``.amount``'s digits). A number jq computed is jq's float. When two different numbers of
  the document share one 64-bit value (beyond 17 significant digits), a result with that
  value cannot be told apart: it is left as jq gave it and :attr:`Filtered.note` says so.

Errors: :class:`FilterError` (a ``ValueError``) with one sentence: a query that does not
parse, a jq error, jq missing, stopped, out of time or memory.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Final

from app.core.display_text import describe_size
from app.core.exchange import INDEX_ABOVE_BYTES, Exchange
from app.core.jq_paths import Slice, ValueSteps, at_path
from app.core.json_doc import DuplicateKeysObject, JsonNumber, parse_json_exact

__all__ = [
    "JQ_TIMEOUT_SECONDS",
    "MAX_OUTPUT_BYTES",
    "MAX_RESULTS",
    "FilterError",
    "FilterSyntaxError",
    "Filtered",
    "JqRun",
    "Language",
    "ValuesAt",
    "check_filter",
    "document_text",
    "filter_json",
    "jq_body",
    "results_text",
    "split_language",
]

MAX_RESULTS: Final = 10_000
"""Results a filter shows; the rest are counted as "more"."""
MAX_OUTPUT_BYTES: Final = 64 * 1024 * 1024
"""jq output read from the child (JSON text) before it is stopped."""
JQ_TIMEOUT_SECONDS: Final = 120.0
MAX_EXPRESSION_CHARS: Final = 10_000

ValuesAt = Callable[[list[list[object]]], list[tuple[str, str]]]
"""For each path jq gave, its label and the compact JSON there (``JsonIndex.values``)."""


class Language(Enum):
    JSONPATH = "JSONPath"
    JQ = "jq"


class FilterError(ValueError):
    """A filter that could not run, in one sentence."""


class FilterSyntaxError(FilterError):
    """A filter that is not JSONPath, or not a jq program, whatever it runs on."""


@dataclass(frozen=True, slots=True)
class Filtered:
    """``matches``: label (a JSONPath, or ``#1``, ``#2``… for values jq built) → value;
    ``note``: what the user should know beside the count (cut short, numbers rounded)."""

    matches: dict[str, object]
    note: str = ""


def jq_body(exchange: Exchange) -> bytes | None:
    """What jq reads of a JSON response: its bytes as sent when they are UTF-8 and one JSON
    text; ``None`` when it must read :func:`document_text` instead (JSON lines, which jq
    would take as one input per line; another charset, which it would misread)."""
    # ``charset`` is Python's codec name (``utf-8`` however the server spelt it).
    if exchange.json_lines or (exchange.response.charset or "utf-8") != "utf-8":
        return None
    return exchange.response.body


def document_text(document: object) -> bytes:
    """The document as compact UTF-8 JSON, numbers exactly as sent: what jq reads when the
    body itself will not do (:func:`jq_body`)."""
    from app.core.json_doc import iter_pretty

    return "".join(iter_pretty(document, indent=None)).encode()  # type: ignore[arg-type]


def split_language(expression: str) -> tuple[Language, str]:
    """``jq:PROGRAM`` is jq, anything else JSONPath (the command line's ``--filter``)."""
    if expression.startswith("jq:"):
        return Language.JQ, expression[3:]
    return Language.JSONPATH, expression


def filter_json(
    language: Language,
    expression: str,
    document: object,
    body: bytes,
    run: JqRun | None = None,
    values_at: ValuesAt | None = None,
) -> Filtered:
    """The values ``expression`` selects in ``document`` (``body`` is its text, for jq).
    ``run`` lets another thread stop a jq child (:meth:`JqRun.kill`). A huge body is not
    parsed: ``document`` is ``None`` and ``values_at`` reads the values at jq's paths from
    its index; JSONPath then cannot run. Blocks: call it off the GUI thread."""
    expression = expression.strip()
    if not expression:
        raise FilterSyntaxError("Type a filter first.")
    if len(expression) > MAX_EXPRESSION_CHARS:
        raise FilterSyntaxError(f"A filter is at most {MAX_EXPRESSION_CHARS:,} characters long.")
    if language is Language.JSONPATH and values_at is not None:
        raise FilterError(
            "JSONPath needs the body parsed, which this app does up to "
            f"{describe_size(INDEX_ABOVE_BYTES)}: choose jq for this one (it reads the body "
            "in a process of its own)."
        )
    if language is Language.JSONPATH:
        from app.core.assertions import select

        try:
            selected = select(expression, document)
        except ValueError as exc:
            raise FilterSyntaxError(str(exc)) from None
        matches = _unique(selected[:MAX_RESULTS])
        more = len(selected) - len(matches)
        return Filtered(matches, _more(more) if more > 0 else "")
    return (run or JqRun()).filter(expression, document, body, values_at)


def check_filter(expression: str) -> None:
    """Raise :class:`FilterSyntaxError` for an ``expression`` (``jq:`` or JSONPath, as
    :func:`split_language` reads it) that cannot run on any response: checked before a
    request is sent rather than after."""
    language, program = split_language(expression)
    try:
        filter_json(language, program, None, b"null")
    except FilterSyntaxError:
        raise
    except FilterError:
        pass  # it cannot run on null; on a response it may


def _more(count: int) -> str:
    return f"the first {MAX_RESULTS:,} are shown, {count:,} more were left out"


def _unique(pairs: Iterable[tuple[str, object]]) -> dict[str, object]:
    """Labelled values, a label that repeats (``.a, .a``) numbered: ``$.a (2)``."""
    matches: dict[str, object] = {}
    for label, value in pairs:
        key, n = label, 1
        while key in matches:
            n += 1
            key = f"{label} ({n})"
        matches[key] = value
    return matches


# --- jq ------------------------------------------------------------------------------------

# The child: standard library and the jq package only (no app import, so it runs from any
# install). argv: program, max results, max output bytes, body size, CPU seconds. Output:
# one JSON object per line: {"p": path} or {"v": value}; {"reset": true} drops what came
# before (a program that turned out not to be a path expression); last {"done": truncated}
# or {"error": text} ("syntax": true when the program does not compile).
_CHILD: Final = r"""
import json, sys
def first_line(exc):
    text = str(exc).strip().splitlines() or ["jq failed"]
    return text[0].removeprefix("jq: error: ").removeprefix("jq: error ")[:500]
def finite(value):
    if isinstance(value, float):
        if value != value:
            return None
        if value in (float("inf"), float("-inf")):
            return 1.7976931348623157e308 if value > 0 else -1.7976931348623157e308
        return value
    if isinstance(value, list):
        return [finite(item) for item in value]
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    return value
def main():
    program, max_results, max_bytes, size, seconds = sys.argv[1], *map(int, sys.argv[2:6])
    try:
        import resource
        limit = (1 << 30) + 24 * size
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    except (ImportError, ValueError, OSError):
        pass
    try:  # Linux: gone with the thread that started it (the app quits mid-run)
        import ctypes, signal
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    out = sys.stdout
    try:
        import jq
    except ImportError:
        out.write(json.dumps({"error": "missing"}) + "\n")
        return
    text = sys.stdin.buffer.read().decode("utf-8", "replace")
    try:
        as_values = jq.compile(program)
    except ValueError as exc:
        out.write(json.dumps({"error": first_line(exc), "syntax": True}) + "\n")
        return
    try:
        as_paths = jq.compile("path(" + program + "\n)")
    except ValueError:
        as_paths = None
    written = 0
    def emit_all(compiled, kind):
        nonlocal written
        count = 0
        for value in compiled.input_text(text):
            if count >= max_results or written >= max_bytes:
                return True
            try:
                line = json.dumps({kind: value}, ensure_ascii=False, allow_nan=False)
            except ValueError:
                line = json.dumps({kind: finite(value)}, ensure_ascii=False)
            if written + len(line) > max_bytes:
                return True
            out.write(line + "\n")
            written += len(line) + 1
            count += 1
        return False
    try:
        if as_paths is not None:
            try:
                truncated = emit_all(as_paths, "p")
                out.write(json.dumps({"done": truncated}) + "\n")
                return
            except ValueError as exc:
                if "Invalid path expression" not in str(exc):
                    raise
                out.write('{"reset": true}\n')
                written = 0
        truncated = emit_all(as_values, "v")
        out.write(json.dumps({"done": truncated}) + "\n")
    except ValueError as exc:
        out.write(json.dumps({"error": first_line(exc)}) + "\n")
    except MemoryError:
        out.write(json.dumps({"error": "memory"}) + "\n")
    except RecursionError:
        out.write(json.dumps({"error": "a result is nested too deeply to show"}) + "\n")
main()
"""

FROZEN_CHILD_FLAG: Final = "--jq-filter-child"
"""How a frozen build (PyInstaller: no ``python -c``) starts the child: ``main.py`` runs
:func:`run_child` when its first argument is this."""


def run_child() -> None:
    """The jq child's code, for a frozen build's ``main.py``."""
    sys.argv = [sys.argv[0], *sys.argv[2:]]
    exec(compile(_CHILD, "<jq-filter-child>", "exec"), {"__name__": "__jq_child__"})


def _child_command() -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, FROZEN_CHILD_FLAG]
    # -I: isolated, so a jq.py or json.py in the current folder is never imported.
    return [sys.executable, "-I", "-c", _CHILD]


def _child_environment() -> dict[str, str]:
    """Nothing of the user's environment (a jq program can read it with ``$ENV``, and the
    command line takes secrets from ``API_EXPLORER_SECRET_*``) but what Windows needs to
    start a process. (``-I`` ignores ``PYTHONPATH`` anyway: jq comes from site-packages.)"""
    return {name: os.environ[name] for name in ("SYSTEMROOT",) if name in os.environ}


class JqRun:
    """One jq run in a child process; :meth:`kill` (from any thread) stops it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._killed = False

    def kill(self) -> None:
        with self._lock:
            self._killed = True
            if self._process is not None and self._process.poll() is None:
                self._process.kill()

    def filter(
        self,
        program: str,
        document: object,
        body: bytes,
        values_at: ValuesAt | None = None,
    ) -> Filtered:
        """Run ``program`` over ``body``; the values at the paths it selects come from
        ``document``, or from ``values_at`` when the document was not parsed (a huge body's
        index, ``app.services.json_index``)."""
        output = self._run(program, body)
        paths: list[list[object]] = []
        values: list[object] = []
        truncated = False
        finished = False
        for line in output.splitlines():
            try:
                message = parse_json_exact(line.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise FilterError("jq gave output that is not JSON.") from None
            if not isinstance(message, dict):
                continue
            if "p" in message and isinstance(message["p"], list):
                paths.append(message["p"])
            elif "v" in message:
                values.append(message["v"])
            elif message.get("reset"):
                paths.clear()
            elif "error" in message:
                kind = FilterSyntaxError if message.get("syntax") is True else FilterError
                raise kind(_jq_problem(str(message["error"])))
            elif "done" in message:
                truncated = message["done"] is True
                finished = True
        if not finished:
            raise FilterError(
                "jq stopped before it finished (it ran out of memory or time, or crashed); "
                "try a narrower program."
            )
        note = (
            f"the first {len(paths) + len(values):,} results are shown (at most "
            f"{MAX_RESULTS:,}, {MAX_OUTPUT_BYTES // (1024 * 1024)} MB)"
            if truncated
            else ""
        )
        if paths and values_at is not None:
            found = values_at(paths)
            if len(found) < len(paths):
                shown = f"the values of the first {len(found):,} paths are shown"
                note = f"{note}; {shown}" if note else shown
            return Filtered(_unique((label, parse_json_exact(text)) for label, text in found), note)
        if paths:
            return Filtered(_unique(_walk_path(document, path) for path in paths), note)
        if values_at is not None and any(True for _ in _numbers(values)):
            floats = "numbers are shown as jq computes them (64-bit floating point)"
            return Filtered(
                {f"#{n}": value for n, value in enumerate(values, 1)},
                f"{note}; {floats}" if note else floats,
            )
        values, ambiguous = _exact_numbers(values, document)
        if ambiguous:
            rounded = (
                "numbers beyond 17 significant digits that the document holds more than one "
                "of are shown as jq computes them (64-bit floating point)"
            )
            note = f"{note}; {rounded}" if note else rounded
        return Filtered({f"#{n}": value for n, value in enumerate(values, 1)}, note)

    def _run(self, program: str, body: bytes) -> bytes:
        command = [*_child_command(), program, str(MAX_RESULTS), str(MAX_OUTPUT_BYTES)]
        command += [str(len(body)), str(int(JQ_TIMEOUT_SECONDS) + 1)]
        with self._lock:
            if self._killed:
                raise FilterError("The filter was stopped.")
            try:
                self._process = subprocess.Popen(
                    command,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env=_child_environment(),
                )
            except OSError as exc:
                raise FilterError(f"jq could not be started: {exc}.") from None
            process = self._process
        try:
            output, _ = process.communicate(body, timeout=JQ_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise FilterError(
                f"jq was still running after {JQ_TIMEOUT_SECONDS:.0f} s and was stopped: "
                "does the program loop (repeat, recurse, range without end)?"
            ) from None
        except (BrokenPipeError, OSError):
            process.kill()
            output, _ = process.communicate()
        if self._killed:
            raise FilterError("The filter was stopped.")
        return output


def _jq_problem(error: str) -> str:
    if error == "missing":
        return (
            "jq filters need the jq package, which is not installed here "
            "(pip install jq); JSONPath filters work without it."
        )
    if error == "memory":
        return "jq ran out of memory on this body; try JSONPath, or a narrower program."
    text = error.rstrip(".")
    return f"jq: {text}."


def _walk_path(document: object, path: list[object]) -> tuple[str, object]:
    """The label and value at a path jq gave (``app.core.jq_paths``)."""
    label, value = at_path(ValueSteps(document), path)
    return label, list(value) if isinstance(value, Slice) else value


_MAX_DOUBLE: Final = 1.7976931348623157e308


def _as_double(number: int | JsonNumber) -> float:
    """The 64-bit value jq reads for a JSON number (it saturates at the largest double)."""
    try:
        value = float(number)
    except OverflowError:
        value = math.inf if number > 0 else -math.inf  # type: ignore[operator]
    if math.isinf(value):
        return math.copysign(_MAX_DOUBLE, value)
    return value


def _numbers(value: object) -> Iterator[int | JsonNumber]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, DuplicateKeysObject):
            stack.extend(member for _, member in item.pairs)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, JsonNumber) or (isinstance(item, int) and not isinstance(item, bool)):
            yield item


def _exact_numbers(values: list[object], document: object) -> tuple[list[object], bool]:
    """``values`` with each number that has the 64-bit value of a number in ``document``
    written as the document has it; and whether some could not be told apart."""
    wanted = {_as_double(number) for number in _numbers(values)}
    if not wanted:
        return values, False
    found: dict[float, int | JsonNumber] = {}
    clashes: set[float] = set()
    for number in _numbers(document):
        double = _as_double(number)
        if double not in wanted or double in clashes:
            continue
        seen = found.get(double)
        if seen is None:
            found[double] = number
        elif Decimal(seen) != Decimal(number):
            clashes.add(double)
            del found[double]
    ambiguous = False

    def exact(item: object) -> object:
        nonlocal ambiguous
        if isinstance(item, dict):
            return {key: exact(member) for key, member in item.items()}
        if isinstance(item, list):
            return [exact(member) for member in item]
        if isinstance(item, JsonNumber) or (isinstance(item, int) and not isinstance(item, bool)):
            double = _as_double(item)
            if double in clashes:
                ambiguous = True
            return found.get(double, item)
        return item

    return [exact(value) for value in values], ambiguous


def results_text(filtered: Filtered) -> str:
    """The results as the command line prints them: one JSON value per line for values jq
    built, ``PATH: VALUE`` per match otherwise; compact JSON, numbers exact."""
    from app.core.json_doc import iter_pretty

    lines = []
    for label, value in filtered.matches.items():
        text = "".join(iter_pretty(value, indent=None))  # type: ignore[arg-type]
        lines.append(text if label.startswith("#") else f"{label}: {text}")
    return "\n".join(lines)

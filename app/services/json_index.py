"""A JSON body too big to hold as Python objects, indexed in a worker process.

A body past the streaming threshold sits in a file (``ResponseData.body_file``). Parsing
200 MB into Python objects holds the GIL for seconds and takes 7x the body in memory
(DEVELOPERS.md, "Parsing huge bodies"), so such a body is never parsed in the window's
process: ``JsonIndex`` starts ``app.services.json_index_child`` on the file, which reads it
and answers for the rows a view shows (``ask_rows``) and for values copied (``copy``).
The window holds only the rows it has been sent; closing the index ends the worker and
frees all it held.

Replies come on a reader thread, to ``on_reply``: whoever shows them passes them to their
own thread (the Qt model does it with a queued signal). Nothing here imports Qt.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

__all__ = [
    "COPY_LIMIT_BYTES",
    "FROZEN_CHILD_FLAG",
    "IndexProblem",
    "IndexReply",
    "IndexRow",
    "JsonIndex",
    "run_child",
]

COPY_LIMIT_BYTES: Final = 64 * 1024 * 1024
"""The most JSON one Copy value takes from an indexed body."""

FROZEN_CHILD_FLAG: Final = "--json-index-child"
"""How a frozen build (no ``python -c``) starts the worker: ``main.py`` calls
:func:`run_child` when its first argument is this."""

# Copy waits on the window's thread: the worker answers in milliseconds unless it is still
# decoding a big container it was asked for (0.3 s for 200 MB of items).
_COPY_TIMEOUT_SECONDS = 10.0

Key = str | int
"""A member's name or index (a path to the worker may also hold ``[name, n]``: the n-th
of a name that comes more than once)."""


class IndexProblem(Exception):
    """The index cannot answer: ``str()`` is a sentence for the user."""


@dataclass(frozen=True, slots=True)
class IndexRow:
    """One member as a tree shows it: its key (``None`` for the document itself), JSON
    type, number of members (0 for a scalar) and display text (numbers as sent);
    ``occurrence`` is which one it is of a name its object has more than once (0, 1, …;
    ``None`` for a name that comes once)."""

    key: Key | None
    kind: str
    size: int
    text: str
    occurrence: int | None = None


@dataclass(frozen=True, slots=True)
class IndexReply:
    """An answer of the worker to request ``request`` (0: the first, unasked answer with
    ``root`` and the top level's first ``rows``); ``error`` is a sentence when it could not
    answer (for request 0: the body is not valid JSON, or the worker stopped)."""

    request: int
    rows: tuple[IndexRow, ...] = ()
    root: IndexRow | None = None
    text: str | None = None
    error: str | None = None
    values: tuple[tuple[str, str], ...] = ()


def run_child() -> None:
    """The worker's code, for a frozen build's ``main.py``."""
    from app.services.json_index_child import main

    main(sys.argv[2:])


def _child_command(path: str) -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, FROZEN_CHILD_FLAG, path]
    # -I: isolated (no module of the current folder shadows ours); the app's own folder first.
    root = str(Path(__file__).resolve().parents[2])
    code = (
        f"import sys; sys.path.insert(0, {root!r}); "
        "from app.services.json_index_child import main; main(sys.argv[1:])"
    )
    return [sys.executable, "-I", "-c", code, path]


def _row(item: Any) -> IndexRow:
    key, kind, size, text, *occurrence = item
    return IndexRow(key, str(kind), int(size), str(text), *(int(n) for n in occurrence[:1]))


def _plain(value: Any) -> Any:
    """jq's path steps as JSON can carry them: a number jq gave as text (``1.5``, a
    ``JsonNumber``) is plain text, as ``filtering._walk_path`` reads it too."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def _decoded(line: bytes) -> Any:
    import msgspec  # here, not at the top: 7 ms of every start, for huge bodies only

    try:
        return msgspec.json.decode(line)
    except msgspec.DecodeError:
        # A lone surrogate comes escaped (the worker's fallback): only the stdlib reads it.
        return json.loads(line)


def _reply(message: Any) -> IndexReply:
    if not isinstance(message, dict):
        raise ValueError("not an object")
    root = message.get("root")
    return IndexReply(
        int(message.get("id", 0)),
        tuple(_row(item) for item in message.get("rows", ())),
        _row(root) if root is not None else None,
        message.get("text"),
        message.get("error"),
        tuple((str(label), str(text)) for label, text in message.get("values", ())),
    )


class JsonIndex:
    """The worker for one body file. ``on_reply`` gets every answer to :meth:`ask_rows`
    and the first, unasked one (request 0), on a reader thread. :meth:`close` ends it."""

    def __init__(self, path: str, on_reply: Callable[[IndexReply], None]) -> None:
        self._on_reply = on_reply
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._waiting: dict[int, tuple[threading.Event, list[IndexReply]]] = {}
        self._closed = False
        self._failed = False
        try:
            self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
                _child_command(path),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env={name: os.environ[name] for name in ("SYSTEMROOT",) if name in os.environ},
            )
        except OSError as exc:
            self._process = None
            on_reply(IndexReply(0, error=f"The body could not be indexed: {exc}."))
            return
        threading.Thread(
            target=self._read, args=(self._process,), name="json-index", daemon=True
        ).start()

    def _read(self, process: subprocess.Popen[bytes]) -> None:
        try:
            receiver_gone = not self._read_replies(process)
        finally:
            with self._lock:
                closed = self._closed
                waiters, self._waiting = list(self._waiting.values()), {}
            for event, _ in waiters:
                event.set()  # a copy() waiting for a worker that is gone returns at once
        if not closed and not self._failed and not receiver_gone:
            stopped = (
                "The process that shows this body stopped (it may have run out of memory); "
                "send the request again."
            )
            self._deliver(IndexReply(-1, error=stopped))

    def _read_replies(self, process: subprocess.Popen[bytes]) -> bool:
        """Pass on each answer until the worker ends; False when the receiver went."""
        assert process.stdout is not None
        for line in process.stdout:
            try:
                reply = _reply(_decoded(line))
            except (ValueError, TypeError):
                continue
            if reply.request == 0 and reply.error is not None:
                self._failed = True  # the worker said why and ends: no "it stopped" after
            with self._lock:
                waiter = self._waiting.pop(reply.request, None)
            if waiter is not None:
                waiter[1].append(reply)
                waiter[0].set()
            elif not self._deliver(reply):
                return False
        return True

    def _deliver(self, reply: IndexReply) -> bool:
        """Pass ``reply`` on; False when its receiver is gone (a Qt object deleted with
        its window): the index then closes, and the worker with it."""
        try:
            self._on_reply(reply)
        except RuntimeError:
            self.close()
            return False
        return True

    def _send(self, message: dict[str, Any]) -> bool:
        import msgspec

        process = self._process
        if process is None or process.stdin is None or self._closed:
            return False
        try:
            process.stdin.write(msgspec.json.encode(message) + b"\n")
            process.stdin.flush()
        except (BrokenPipeError, OSError, ValueError, TypeError):
            return False
        return True

    def ask_rows(self, path: Sequence[object], start: int, count: int) -> int:
        """Ask for ``count`` members of the container at ``path`` from ``start`` on; the
        answer comes to ``on_reply`` with the returned request number."""
        ident = next(self._ids)
        message = {"id": ident, "op": "rows", "path": list(path), "start": start}
        if not self._send({**message, "count": count}):
            self._on_reply(IndexReply(ident, error="The body's index is closed."))
        return ident

    def copy(
        self,
        path: Sequence[object],
        span: tuple[int, int] | None = None,
        limit: int = COPY_LIMIT_BYTES,
    ) -> str:
        """What Copy value takes for the value at ``path`` (items ``span`` of an array):
        a string's text, or compact JSON with numbers as sent. Waits for the worker;
        raises ``IndexProblem`` with a sentence when it cannot."""
        message = {"op": "copy", "path": list(path), "limit": limit}
        reply = self._answer({**message, "span": list(span) if span else None}, "copied")
        if reply.text is None:
            raise IndexProblem("The value could not be copied.")
        return reply.text

    def values(
        self, paths: Sequence[Sequence[object]], limit: int, timeout: float = 120.0
    ) -> list[tuple[str, str]]:
        """For each path jq gave (names, indexes counted from the end when negative,
        ``{"start", "end"}`` slices): its JSONPath label and the value there as compact
        JSON, numbers as sent (``null`` where nothing is), until ``limit`` bytes. Waits up
        to ``timeout`` seconds (call it off the window's thread); raises ``IndexProblem``."""
        request = {"op": "values", "paths": [_plain(list(path)) for path in paths], "limit": limit}
        reply = self._answer(request, "read", timeout)
        return list(reply.values)

    def _answer(
        self, message: dict[str, Any], what: str, timeout: float = _COPY_TIMEOUT_SECONDS
    ) -> IndexReply:
        ident = next(self._ids)
        event = threading.Event()
        slot: list[IndexReply] = []
        with self._lock:
            self._waiting[ident] = (event, slot)
        if not self._send({"id": ident, **message}) or not event.wait(timeout) or not slot:
            with self._lock:
                self._waiting.pop(ident, None)
            raise IndexProblem(f"The value could not be {what}: the body's index did not answer.")
        reply = slot[0]
        if reply.error is not None:
            raise IndexProblem(reply.error)
        return reply

    def close(self) -> None:
        """End the worker (and free what it held); later requests answer with an error."""
        with self._lock:
            self._closed = True
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()
        process.kill()
        process.wait()

"""The JSON index's worker process: it reads one body file and answers for the rows shown.

Run by ``app.services.json_index`` as ``python -I -c`` (or a frozen build's flag) with the
file's path as its argument; it imports msgspec, the standard library and ``app.core``'s
JSON modules only. A body is never parsed into Python objects whole: msgspec decodes a
container as ``dict[str, Raw]`` or ``list[Raw]`` (each ``Raw`` a zero-copy slice of the
body) when its rows are asked for, and a scalar is read from its own bytes, so a number is
shown and copied exactly as the server wrote it. What msgspec refuses goes to the app's own
parser here (``_Document``).

Protocol, one JSON object per line. First, unasked: ``{"id": 0, "root": ROW, "rows":
[ROW, ...]}`` (the top level and its first members) or ``{"id": 0, "error": sentence}``.
Then for each request ``{"id": n, "op": "rows", "path": [key, ...], "start": i,
"count": c}`` the reply ``{"id": n, "rows": [ROW, ...]}``, and for ``{"id": n, "op":
"copy", "path": [...], "span": [low, high] | null, "limit": bytes}`` the reply ``{"id": n,
"text": ...}``; either may be ``{"id": n, "error": sentence}``. A ROW is ``[key, type,
size, text]``: the member's name (a string) or index, its JSON type, its number of
members (0 for a scalar) and the text a tree shows for it.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, OrderedDict
from collections.abc import Sequence
from typing import IO, Any, cast

import msgspec
from msgspec import Raw

from app.core.jq_paths import Slice, Steps, ValueSteps, at_path
from app.core.json_check import explain_decode_error
from app.core.json_doc import (
    DuplicateKeysObject,
    iter_pretty,
    json_scalar_text,
    json_type_name,
    json_value_text,
    object_members,
    parse_json_exact,
)

__all__ = ["main"]

_DISPLAY_CHARS = 500
_CACHED_CONTAINERS = 256
_FIRST_ROWS = 500
_KEEP_BYTES = 1 << 20
# Objects up to this size are checked for a name that comes twice (msgspec keeps the last)
# when their rows are asked for; one that has such a name is served from the app's own
# parse, every member shown. A row's own count of members looks only up to the smaller
# size: reading the names of 500 rows of 0.9 MB each made the first rows 8x slower.
_DUPLICATES_CHECKED_BYTES = 1 << 20
_DUPLICATES_COUNTED_BYTES = 64 << 10

_as_object = msgspec.json.Decoder(dict[str, Raw])
_as_array = msgspec.json.Decoder(list[Raw])
_as_raw = msgspec.json.Decoder(Raw)
_as_string = msgspec.json.Decoder(str)
_encoder = msgspec.json.Encoder()

_Key = str | int | tuple[str, int]
"""A member: a name, an index, or ``(name, n)``: the n-th of a name that comes more than
once in its object."""
_Row = list[Any]


class _Problem(Exception):
    """A sentence for the window: what is wrong with the body or the request."""


def _describe(error: Exception, buffer: memoryview) -> str:
    """A decoding error as a sentence with line and column (msgspec gives a byte offset)."""
    text = str(error)
    if isinstance(error, RecursionError):
        return "The body is not shown as a tree: it nests deeper than this app follows."
    if isinstance(error, UnicodeDecodeError):
        # msgspec gives the offset within the key or string, not within the body.
        return "The body is not valid UTF-8: a name or a string in it does not decode."
    detail, _, rest = text.partition(" (byte ")
    detail = detail.removeprefix("JSON is malformed: ")
    if rest.rstrip(")").isdigit():
        offset = int(rest.rstrip(")"))
        before = buffer[:offset].tobytes()
        line = before.count(b"\n") + 1
        start = before.rfind(b"\n") + 1
        column = len(before[start:].decode("utf-8", "replace")) + 1  # characters, not bytes
        return (
            f"The body is not valid JSON: {detail} at line {line:,}, column {column:,} "
            f"(byte {offset:,})."
        )
    return f"The body is not valid JSON: {detail}."


def _count(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"  # as json_scalar_text writes it


def _first_character(buffer: memoryview) -> int:
    """Where the document starts: past the white space JSON allows before it."""
    position = 0
    while position < len(buffer):
        head = buffer[position : position + 4096].tobytes()
        stripped = head.lstrip(b" \t\r\n")
        if stripped:
            return position + len(head) - len(stripped)
        position += len(head)
    return position


def _names(pairs: list[tuple[str, Any]]) -> list[str]:
    return [name for name, _ in pairs]


def _object_names(raw: Raw | memoryview, most: int = _DUPLICATES_CHECKED_BYTES) -> list[str] | None:
    """Every name of a small object in order, repeats included (``None``: over ``most``
    bytes, or not readable by the standard parser)."""
    view = memoryview(raw)
    if len(view) > most:
        return None
    try:
        names = json.loads(view.tobytes(), object_pairs_hook=_names)
    except (ValueError, RecursionError):
        return None
    return names if isinstance(names, list) else None


class _Index:
    """The body and the containers decoded so far (the most recent few)."""

    def __init__(self, buffer: memoryview) -> None:
        self.buffer = buffer
        self._containers: OrderedDict[tuple[_Key, ...], dict[str, Raw] | list[Raw]] = OrderedDict()
        self._keys: dict[tuple[_Key, ...], list[str]] = {}
        # Objects with a repeated name, parsed whole: what is under them is served there.
        self._documents: dict[tuple[_Key, ...], _Document] = {}
        self._without_repeats: set[tuple[_Key, ...]] = set()
        start = _first_character(buffer)
        first = buffer[start : start + 1].tobytes()
        self.root: Raw | memoryview
        if first in (b"{", b"["):
            # Decoding the top level checks the whole document: one pass over it, not two.
            self.root = buffer[start:]
            self._containers[()] = (_as_object if first == b"{" else _as_array).decode(buffer)
        else:
            self.root = _as_raw.decode(buffer)

    def _container(self, path: tuple[_Key, ...]) -> dict[str, Raw] | list[Raw]:
        found = self._containers.get(path)
        if found is not None:
            self._containers.move_to_end(path)
            return found
        raw = self.root if not path else self.raw_at(path)
        first = memoryview(raw)[:1].tobytes()
        if first == b"{":
            found = _as_object.decode(raw)
        elif first == b"[":
            found = _as_array.decode(raw)
        else:
            raise _Problem("That value has no members.")
        self._containers[path] = found
        if len(self._containers) > _CACHED_CONTAINERS:
            old, _ = self._containers.popitem(last=False)
            self._keys.pop(old, None)
        return found

    def _key_list(self, path: tuple[_Key, ...], container: dict[str, Raw]) -> list[str]:
        keys = self._keys.get(path)
        if keys is None:
            keys = self._keys[path] = list(container)
        return keys

    def raw_at(self, path: Sequence[_Key]) -> Raw | memoryview:
        if not path:
            return self.root
        parent = self._container(tuple(path[:-1]))
        key = path[-1]
        try:
            if isinstance(parent, dict):
                if not isinstance(key, str):
                    raise KeyError(key)
                return parent[key]
            if not isinstance(key, int) or isinstance(key, bool) or key < 0:
                raise IndexError(key)
            return parent[key]
        except (KeyError, IndexError):
            raise _Problem("That member is not in the body.") from None

    def row(self, key: _Key | None, raw: Raw | memoryview, path: tuple[_Key, ...]) -> _Row:
        view = memoryview(raw)
        first = view[:1].tobytes()
        if first in (b"{", b"["):
            # Counting a small container's members is cheap again; a big one is kept, as
            # its rows are likely asked for next (decoding 200 MB of items takes 0.2 s).
            try:
                names = _object_names(raw, _DUPLICATES_COUNTED_BYTES) if first == b"{" else None
                if names is not None:
                    size = len(names)  # a repeated name counts each time, as it shows
                elif len(view) > _KEEP_BYTES:
                    size = len(self._container(path))
                else:
                    size = len((_as_object if first == b"{" else _as_array).decode(raw))
            except UnicodeDecodeError:
                return [key, "object", 0, "(names in it are not valid UTF-8)"]
            if first == b"{":
                text = "{" + _count(size, "key", "keys") + "}" if size else "{}"
                return [key, "object", size, text]
            text = "[" + _count(size, "item", "items") + "]" if size else "[]"
            return [key, "array", size, text]
        if first == b'"':
            try:
                value = _as_string.decode(raw)
            except (msgspec.DecodeError, UnicodeDecodeError):
                return [key, "string", 0, "(a string that is not valid UTF-8)"]
            return [key, "string", 0, json_scalar_text(value, max_chars=_DISPLAY_CHARS)]
        text = view.tobytes().decode("ascii", "replace")
        kind = "boolean" if first in (b"t", b"f") else "null" if first == b"n" else "number"
        return [key, kind, 0, text]

    def _subtree(self, path: tuple[_Key, ...]) -> tuple[_Document, tuple[_Key, ...]] | None:
        """The parsed object (with a repeated name) ``path`` leads into, and the rest of it."""
        for length in range(len(path), -1, -1):
            document = self._documents.get(path[:length])
            if document is not None:
                return document, path[length:]
        return None

    def _with_repeats(self, path: tuple[_Key, ...]) -> _Document | None:
        """The object at ``path`` parsed whole when a name comes twice in it."""
        if path in self._without_repeats:
            return None
        raw = self.raw_at(path)
        names = _object_names(raw) if memoryview(raw)[:1].tobytes() == b"{" else None
        if names is None or len(set(names)) == len(names):
            self._without_repeats.add(path)
            return None
        text = memoryview(raw).tobytes().decode("utf-8", "surrogatepass")
        document = self._documents[path] = _Document(parse_json_exact(text))
        return document

    def rows(self, path: tuple[_Key, ...], start: int, count: int) -> list[_Row]:
        inside = self._subtree(path)
        if inside is not None:
            return inside[0].rows(inside[1], start, count)
        container = self._container(path)
        if isinstance(container, dict):
            repeats = self._with_repeats(path)
            if repeats is not None:
                return repeats.rows((), start, count)
        stop = min(len(container), start + max(0, count))
        if isinstance(container, list):
            return [self.row(i, container[i], (*path, i)) for i in range(max(0, start), stop)]
        keys = self._key_list(path, container)
        return [
            self.row(keys[i], container[keys[i]], (*path, keys[i]))
            for i in range(max(0, start), stop)
        ]

    def copy(self, path: tuple[_Key, ...], span: Sequence[int] | None, limit: int) -> str:
        inside = self._subtree(path)
        if inside is not None:
            return inside[0].copy(inside[1], span, limit)
        raw = self.raw_at(path)
        chosen: Sequence[Raw | memoryview] = [raw]
        if span is not None:
            items = self._container(path)
            if not isinstance(items, list):
                raise _Problem("That value has no items.")
            chosen = items[span[0] : span[1]]
        size = sum(len(memoryview(item)) for item in chosen)
        if size > limit:
            raise _Problem(
                f"That value is {size / (1 << 20):,.1f} MB of JSON, more than Copy takes "
                f"({limit / (1 << 20):,.0f} MB): save the body (Response > Save) instead."
            )
        if span is not None:
            parts = [msgspec.json.format(bytes(item), indent=-1) for item in chosen]
            return (b"[" + b",".join(parts) + b"]").decode("utf-8", "replace")
        first = memoryview(raw)[:1].tobytes()
        if first == b'"':
            return str(_as_string.decode(raw))
        return msgspec.json.format(bytes(raw), indent=-1).decode("utf-8", "replace")


class _Document:
    """The fallback: the whole body parsed here by the app's own parser, for a document
    msgspec refuses that JSON allows (an escaped lone surrogate, ``"\\ud83d"``): every value
    in memory, this process's only. Answers as ``_Index`` does."""

    def __init__(self, value: object) -> None:
        self.value = value

    def _at(self, path: Sequence[_Key]) -> object:
        value = self.value
        for key in path:
            if isinstance(value, dict) and isinstance(key, str | tuple):
                name, n = key if isinstance(key, tuple) else (key, -1)
                found = [item for member, item in object_members(value) if member == name]
                if not found or not -len(found) <= n < len(found):
                    raise _Problem("That member is not in the body.")
                value = found[n]
            elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
                value = value[key]
            else:
                raise _Problem("That member is not in the body.")
        return value

    @staticmethod
    def row(key: _Key | None, value: object) -> _Row:
        size = 0
        if isinstance(value, DuplicateKeysObject):
            size = len(value.pairs)
        elif isinstance(value, dict | list):
            size = len(value)
        return [key, json_type_name(value), size, json_scalar_text(value, _DISPLAY_CHARS)]

    def root_row(self) -> _Row:
        return self.row(None, self.value)

    def rows(self, path: tuple[_Key, ...], start: int, count: int) -> list[_Row]:
        value = self._at(path)
        members: list[tuple[_Key, object]]
        if isinstance(value, list):
            members = list(enumerate(value))
        elif isinstance(value, dict):
            members = list(object_members(value))
        else:
            raise _Problem("That value has no members.")
        counts = Counter(key for key, _ in members)
        seen: Counter[_Key] = Counter()
        rows: list[_Row] = []
        for position, (key, item) in enumerate(members):
            occurrence = seen[key]
            seen[key] += 1
            if not max(0, start) <= position < start + count:
                continue
            row = self.row(key, item)
            if counts[key] > 1:
                row.append(occurrence)  # a name that comes more than once: which one
            rows.append(row)
        return rows

    def copy(self, path: tuple[_Key, ...], span: Sequence[int] | None, limit: int) -> str:
        value = self._at(path)
        if span is not None:
            if not isinstance(value, list):
                raise _Problem("That value has no items.")
            value = value[span[0] : span[1]]
        text = json_value_text(value)
        if len(text) > limit:
            raise _Problem("That value is more than Copy takes: save the body instead.")
        return text


def _parsed(buffer: memoryview) -> _Document:
    """The body parsed whole (the fallback); a ``_Problem`` saying where it is not JSON."""
    try:
        text = buffer.tobytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Problem(
            f"The body is not valid UTF-8: the byte at offset {exc.start:,} does not decode."
        ) from None
    try:
        return _Document(parse_json_exact(text))
    except json.JSONDecodeError as exc:
        raise _Problem(
            f"The body is declared as JSON but is not valid JSON. "
            f"{explain_decode_error(text, exc).describe()}"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise _Problem(f"The body is declared as JSON but cannot be read. {exc}") from None


class _RawSteps:
    """jq's paths over the index: a value is ``(Raw, keys)`` (``keys`` reach it while no
    slice was taken, so big containers come from the cache) or a list of ``Raw`` (a slice)."""

    def __init__(self, index: _Index) -> None:
        self.index = index

    def top(self) -> Any:
        return (self.index.root, ())

    def members(self, value: Any) -> Any:
        if isinstance(value, Slice | str):
            return value
        raw, keys = value
        first = memoryview(raw)[:1].tobytes()
        if first == b'"':
            try:
                return str(_as_string.decode(raw))  # jq slices strings too
            except (msgspec.DecodeError, UnicodeDecodeError):
                return None
        if first not in (b"{", b"["):
            return None
        if keys is not None:
            return self.index._container(keys)
        return (_as_object if first == b"{" else _as_array).decode(raw)

    @staticmethod
    def child(value: Any, step: _Key, found: Any) -> Any:
        keys = None if isinstance(value, Slice) or value[1] is None else (*value[1], step)
        return (found, keys)

    @staticmethod
    def text(value: Any) -> str:
        if value is None:
            return "null"
        if isinstance(value, str):  # a slice of a string
            return json.dumps(value, ensure_ascii=False)
        raws = list(value) if isinstance(value, Slice) else [value[0]]
        parts = [msgspec.json.format(bytes(raw), indent=-1) for raw in raws]
        joined = b"[" + b",".join(parts) + b"]" if isinstance(value, Slice) else parts[0]
        return joined.decode("utf-8", "replace")


def _value_text(value: Any) -> str:
    if isinstance(value, Slice):
        value = list(value)
    return "".join(iter_pretty(value, indent=None))  # type: ignore[arg-type]


def _values(index: _Index | _Document, paths: Sequence[Any], limit: int) -> list[list[str]]:
    """``[label, compact JSON]`` for each of jq's ``paths``, at most ``limit`` bytes."""
    raws = _RawSteps(index) if isinstance(index, _Index) else None
    steps: Steps = raws if raws is not None else ValueSteps(cast(_Document, index).value)
    found: list[list[str]] = []
    size = 0
    for path in paths:
        label, value = at_path(steps, path if isinstance(path, list) else [])
        text = raws.text(value) if raws is not None else _value_text(value)
        size += len(text)
        if size > limit:
            break
        found.append([label, text])
    return found


def _answer(index: _Index | _Document, request: dict[str, Any]) -> dict[str, Any]:
    if request.get("op") == "values":
        return {"values": _values(index, request.get("paths") or [], int(request["limit"]))}
    path = tuple(
        (str(key[0]), int(key[1])) if isinstance(key, list) and len(key) == 2 else key
        for key in request.get("path") or ()
    )
    if request.get("op") == "rows":
        return {"rows": index.rows(path, int(request["start"]), int(request["count"]))}
    if request.get("op") == "copy":
        span = request.get("span")
        return {"text": index.copy(path, span, int(request["limit"]))}
    raise _Problem(f"unknown request {request.get('op')!r}")


_GONE = (
    "The body's file is gone (History removes an entry's file with the entry): the Raw tab "
    "still shows the body; send the request again for its tree."
)
_TOO_MANY = (
    "The body holds more values than its tree can index in the memory allowed; the Raw tab "
    "shows it."
)


def _bound_memory(size: int) -> None:
    """At most 512 MB + 6x the body of address space (the map included; a 200 MB list of
    991,299 payments peaked at 284 MB): a hostile body
    of tiny values (``[0,0,…]``: 73 bytes an item once indexed) meets MemoryError here
    instead of making the computer swap."""
    try:
        import resource

        limit = (512 << 20) + 6 * size
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass  # Windows has no such limit


def _die_with_parent() -> None:
    try:  # Linux: the worker goes when the window's process does, even killed
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _write(out: IO[bytes], message: dict[str, Any]) -> None:
    try:
        line = _encoder.encode(message)
    except UnicodeEncodeError:
        # A lone surrogate (escaped in the body, so JSON allows it) has no UTF-8 form: the
        # standard library writes it escaped, and the reader reads it back the same way.
        line = json.dumps(message).encode()
    out.write(line + b"\n")
    out.flush()


def _open(path: str) -> memoryview:
    # Read, not mapped: the same memory once every page has been scanned (the first decode
    # does), and the file is closed at once, so History may delete it (Windows refuses to
    # delete a mapped file) and a file cut short later cannot fault a page here.
    with open(path, "rb") as handle:
        data = handle.read()
    if not data:
        raise _Problem("The body is empty.")
    view = memoryview(data)
    start = 3 if view[:3].tobytes() == b"\xef\xbb\xbf" else 0  # a UTF-8 byte order mark
    return view[start:]


def main(argv: Sequence[str]) -> None:
    """Index the file ``argv[0]`` and answer requests from standard input until it ends."""
    _die_with_parent()
    out = sys.stdout.buffer
    buffer = memoryview(b"")
    index: _Index | _Document
    try:
        buffer = _open(argv[0])
        _bound_memory(len(buffer))
        try:
            index = _Index(buffer)
            root = index.row(None, index.root, ())
        except (msgspec.DecodeError, UnicodeDecodeError) as refused:
            # msgspec refuses some JSON (an escaped lone surrogate) and says little about
            # where the rest goes wrong: the app's own parser decides, and says where.
            try:
                index = _parsed(buffer)
            except MemoryError:
                # Too big to parse whole here: msgspec's own account, with its position.
                raise _Problem(_describe(refused, buffer)) from None
            root = index.root_row()
        first = index.rows((), 0, _FIRST_ROWS) if root[2] else []
    except _Problem as exc:
        _write(out, {"id": 0, "error": str(exc)})
        return
    except FileNotFoundError:
        _write(out, {"id": 0, "error": _GONE})
        return
    except OSError as exc:
        _write(out, {"id": 0, "error": f"The body's file could not be read ({exc})."})
        return
    except RecursionError as exc:
        _write(out, {"id": 0, "error": _describe(exc, buffer)})
        return
    except MemoryError:
        _write(out, {"id": 0, "error": _TOO_MANY})
        return
    _write(out, {"id": 0, "root": root, "rows": first})
    for line in sys.stdin.buffer:
        ident = 0
        try:
            request = msgspec.json.decode(line)
            ident = int(request["id"])
            reply = _answer(index, request)
        except _Problem as exc:
            reply = {"error": str(exc)}
        except (msgspec.DecodeError, UnicodeDecodeError, RecursionError) as exc:
            reply = {"error": _describe(exc, buffer)}
        except MemoryError:
            reply = {"error": _TOO_MANY}
        except Exception as exc:  # a bug here must not end the worker of a shown body
            reply = {"error": f"The body's index could not answer ({exc!r})."}
        except (KeyError, TypeError, ValueError) as exc:
            reply = {"error": f"The request to the index was not understood ({exc})."}
        reply["id"] = ident
        _write(out, reply)

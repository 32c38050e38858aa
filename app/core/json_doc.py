"""JSON documents kept exactly as the server sent them, and lazy text views of them.

A response body is parsed once with :func:`parse_json_exact`. The result is ordinary Python
data (``dict``, ``list``, ``str``, ``int``, ``bool``, ``None``) except that every non-integer
number is a :class:`JsonNumber`: the number's exact source text. ``10.12`` therefore stays
``10.12`` (not ``10.119999...``), ``1.10`` keeps its trailing zero and ``1e5`` is not turned
into ``100000.0``. Integers are Python ints, which are exact at any size. An object in which a
key comes more than once is a :class:`DuplicateKeysObject`, which keeps every member.

Everything else here reads such a document without copying it: :func:`iter_pretty` yields
pretty-printed text chunk by chunk, so a view that shows the first screenful of a 50 MB body
pays only for that screenful; :func:`json_scalar_text`, :func:`json_type_name`,
:func:`json_path` and :func:`json_value_text` give the short texts a tree view shows or copies.

Errors: :func:`parse_json_exact` raises ``ValueError`` for anything that is not a JSON text.
Syntax errors (and ``NaN``/``Infinity``, which RFC 8259 does not allow) are the subclass
``json.JSONDecodeError`` and carry a line and column; documents nested too deeply to parse
raise a plain ``ValueError`` that says so.
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from json.encoder import encode_basestring
from typing import Any

from app.core.json_strict import NonStandardConstant, constant_position, reject_constant

__all__ = [
    "FREEZE_CHARS",
    "DuplicateKeysObject",
    "JsonNumber",
    "cyclic_gc_paused",
    "iter_pretty",
    "json_path",
    "json_scalar_text",
    "json_type_name",
    "json_value_preview",
    "json_value_text",
    "object_members",
    "parse_json_exact",
]


class JsonNumber(str):
    """A non-integer JSON number, kept as the exact text the server sent (``"1.10"``, ``"1e5"``).

    It is a ``str`` so the C JSON scanner can build it directly from the matched text, which
    keeps exact parsing nearly as fast as parsing to ``float``. Code that needs arithmetic
    converts explicitly (``decimal.Decimal(number)`` is exact, ``float(number)`` is not).
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"JsonNumber({str.__repr__(self)})"


class DuplicateKeysObject(dict[str, Any]):
    """A JSON object in which some key came more than once (``{"a": 1, "a": 2}``).

    As a ``dict`` it holds the last value of each key, as most parsers (and the user's own
    code, probably) would; ``pairs`` holds every member in the order received, so a view can
    show the value a plain dict would silently drop. Only objects with a repeated key are of
    this type: every other object is a plain ``dict``.
    """

    __slots__ = ("pairs",)

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.pairs: tuple[tuple[str, Any], ...] = tuple(pairs)

    def duplicate_keys(self) -> list[str]:
        """Each key that came more than once, in order of first appearance."""
        seen: dict[str, int] = {}
        for key, _ in self.pairs:
            seen[key] = seen.get(key, 0) + 1
        return [key for key, count in seen.items() if count > 1]


def _object_from_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # A Python hook per object costs about 20 % of the parse of a 34 MB body (0.45 s ->
    # 0.54 s, 1.2 million objects); without it a repeated key's first value is lost unseen.
    obj = dict(pairs)
    if len(obj) != len(pairs):
        return DuplicateKeysObject(pairs)
    return obj


def object_members(value: dict[Any, Any]) -> Iterable[tuple[Any, Any]]:
    """Every member of a parsed object in order, repeated keys included."""
    return value.pairs if isinstance(value, DuplicateKeysObject) else value.items()


def _int_or_exact_text(text: str) -> int | JsonNumber:
    # Python refuses to turn more than sys.get_int_max_str_digits() digits into an int; such
    # a number is still valid JSON, so keep its text instead of failing the whole document.
    try:
        return int(text)
    except ValueError:
        return JsonNumber(text)


FREEZE_CHARS = 1_000_000
"""From this size on, :func:`parse_json_exact` leaves what it built out of the collector's
future work (``cyclic_gc_paused(freeze=True)``)."""


@contextmanager
def cyclic_gc_paused(*, freeze: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector while a big tree of acyclic objects is built.

    With ``freeze``, everything alive at the end is moved to the collector's permanent
    generation (``gc.freeze``) before it is turned on again.
    """
    # Parsing allocates a million containers, and every 700 of them start a cyclic
    # collection, some of which walk the whole half-built tree: about 30% of the parse time
    # of a 50 MB body (bench/large_response.py). Parsed JSON holds no cycles, so nothing is
    # lost by pausing the collector; it is left off if someone else had turned it off.
    #
    # But every object allocated meanwhile is still in the youngest generation: the first
    # allocation after gc.enable() walked them all, 0.2-0.3 s for a 60 MB body, holding the
    # GIL, so the window froze at the end of a parse done in a worker thread. Frozen, they are
    # never walked (and freed by reference counting as before: they hold no cycles). The
    # cost: other objects alive at that moment are never examined either, so a reference
    # cycle among them that becomes garbage later is not reclaimed; hence only for big trees.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if freeze:
                gc.freeze()
            gc.enable()


def parse_json_exact(text: str) -> object:
    """Parse a JSON text, keeping every non-integer number as its exact :class:`JsonNumber` text.

    ``NaN``, ``Infinity`` and ``-Infinity`` are rejected with ``json.JSONDecodeError``: they
    are not JSON (RFC 8259), most clients the user writes will reject them too, and a caller
    that falls back to showing the body as plain text then shows exactly what was sent.

    The cyclic garbage collector is paused while parsing, which saves about 30% of the time
    for large documents (parsed JSON has no reference cycles); what a text of
    ``FREEZE_CHARS`` or more built is then frozen out of its reach (see
    ``cyclic_gc_paused``), or its first collection would stall every thread.

    Raises ``ValueError`` (``json.JSONDecodeError`` for syntax errors) when ``text`` is not
    JSON.
    """
    with cyclic_gc_paused(freeze=len(text) >= FREEZE_CHARS):
        return _parse(text)


def _parse(text: str) -> object:
    try:
        try:
            return json.loads(
                text,
                parse_float=JsonNumber,
                parse_constant=reject_constant,
                object_pairs_hook=_object_from_pairs,
            )
        except (json.JSONDecodeError, NonStandardConstant):
            raise
        except ValueError:
            # Only int() raises a bare ValueError here: an integer too long for the int
            # digit limit. The slower int hook keeps that one number's text instead.
            return json.loads(
                text,
                parse_float=JsonNumber,
                parse_int=_int_or_exact_text,
                parse_constant=reject_constant,
                object_pairs_hook=_object_from_pairs,
            )
    except NonStandardConstant as error:
        name = error.name
        raise json.JSONDecodeError(
            f"{name} is not allowed in JSON", text, constant_position(text, name)
        ) from None
    except RecursionError:
        raise ValueError("The JSON is nested too deeply to read.") from None


def _float_text(value: float) -> str:
    # Mirrors json.dumps for plain floats, so documents from json.loads print the same way.
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == float("-inf"):
        return "-Infinity"
    return float.__repr__(value)


def _scalar_json(value: object) -> str:
    """The JSON text of a value that is not a dict or list."""
    if isinstance(value, JsonNumber):
        return str(value)
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float_text(value)
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def _key_json(key: object) -> str:
    if isinstance(key, str):
        return encode_basestring(key)
    raise TypeError(f"JSON object keys must be strings, not {type(key).__name__}")


# Parts collected before a chunk is yielded: about 30-60 KB of pretty-printed text, small
# enough that a reader who wants the first screenful stops early, large enough that the
# generator overhead per chunk does not matter.
_PARTS_PER_CHUNK = 4096


class _Frame:
    """An open object or array in :func:`_iter_json`: what is left of it, and what comes next."""

    __slots__ = ("is_dict", "items", "separator")

    def __init__(self, items: Iterator[Any], is_dict: bool, separator: str) -> None:
        self.items = items
        self.is_dict = is_dict
        self.separator = separator


def _iter_json(value: object, indent: int | None) -> Iterator[str]:
    """Yield the JSON text of ``value`` in chunks; compact when ``indent`` is None.

    Iterative rather than recursive, so depth costs nothing per chunk and deep documents do
    not hit the recursion limit. Dicts and lists must form a tree (no cycles).
    """
    if not isinstance(value, dict | list):
        yield _scalar_json(value)
        return
    if not value:
        yield "{}" if isinstance(value, dict) else "[]"
        return

    key_separator = ":" if indent is None else ": "
    # pads[d]: what goes before an item at depth d (or the closer of depth d + 1).
    pads = [""] if indent is None else ["\n"]
    comma_pads = [","] if indent is None else [",\n"]

    def grow_pads(depth: int) -> None:
        while len(pads) <= depth:
            pad = "" if indent is None else "\n" + " " * (indent * len(pads))
            pads.append(pad)
            comma_pads.append("," + pad)

    parts: list[str] = []
    append = parts.append
    stack: list[_Frame] = []

    def open_container(container: dict[Any, Any] | list[Any]) -> None:
        depth = len(stack) + 1
        grow_pads(depth)
        if isinstance(container, dict):
            append("{")
            stack.append(_Frame(iter(object_members(container)), True, pads[depth]))
        else:
            append("[")
            stack.append(_Frame(iter(container), False, pads[depth]))

    open_container(value)
    while stack:
        frame = stack[-1]
        items = frame.items
        is_dict = frame.is_dict
        separator = frame.separator
        depth = len(stack)
        comma_pad = comma_pads[depth]
        descended = False
        for item in items:
            append(separator)
            separator = comma_pad
            if is_dict:
                key, child = item
                append(encode_basestring(key) if type(key) is str else _key_json(key))
                append(key_separator)
            else:
                child = item
            child_type = type(child)
            if child_type is str:
                append(encode_basestring(child))
            elif child_type is JsonNumber:
                append(child)
            elif child_type is int:
                append(int.__repr__(child))
            elif isinstance(child, dict | list):
                if child:
                    frame.separator = separator
                    open_container(child)
                    descended = True
                    break
                append("{}" if isinstance(child, dict) else "[]")
            else:
                append(_scalar_json(child))
            if len(parts) >= _PARTS_PER_CHUNK:
                yield "".join(parts)
                parts.clear()
        if descended:
            continue
        stack.pop()
        append(pads[depth - 1])
        append("}" if is_dict else "]")
        if len(parts) >= _PARTS_PER_CHUNK:
            yield "".join(parts)
            parts.clear()
    if parts:
        yield "".join(parts)


def iter_pretty(value: object, indent: int = 2) -> Iterator[str]:
    """Lazily yield ``value`` pretty-printed, in chunks of a few tens of KB.

    The text equals ``json.dumps(value, indent=indent, ensure_ascii=False)`` except that a
    :class:`JsonNumber` is written bare, exactly as received, and a repeated key is written
    each time it came (see :class:`DuplicateKeysObject`). Nothing is computed beyond the
    chunk the caller asks for, so reading the start of a huge document is cheap.
    """
    return _iter_json(value, indent)


def json_value_text(value: object) -> str:
    """The text "Copy value" puts on the clipboard.

    A string is copied raw (no quotes, no escapes) because that is what a user pastes
    elsewhere; a number, ``true``, ``false`` or ``null`` as its JSON text; an object or array
    as compact JSON (``{"a":1.10}``) with exact numbers.
    """
    if isinstance(value, str):
        return str(value)
    return "".join(_iter_json(value, None))


def json_value_preview(value: object, max_chars: int) -> tuple[str, bool]:
    """The start of :func:`json_value_text` (at most ``max_chars`` characters) and whether
    it was cut; only as much of the document is written as the preview needs."""
    if isinstance(value, str):
        return str(value[:max_chars]), len(value) > max_chars
    parts: list[str] = []
    size = 0
    for chunk in _iter_json(value, None):
        parts.append(chunk)
        size += len(chunk)
        if size > max_chars:
            return "".join(parts)[:max_chars], True
    return "".join(parts), False


def json_type_name(value: object) -> str:
    """The JSON type of a parsed value: object, array, string, number, boolean or null."""
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, JsonNumber):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def _count(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def json_scalar_text(value: object, max_chars: int | None = None) -> str:
    """The one-line text a tree shows for a value.

    Strings are shown quoted and escaped like JSON (``"10"`` is not ``10``, a newline shows as
    ``\\n``); numbers exactly as received; ``true``/``false``/``null``; objects and arrays as
    a summary (``{3 keys}``, ``[1000 items]``, or ``{}``/``[]`` when empty). With
    ``max_chars``, a longer string is cut and ends in ``…`` with no closing quote, so a
    multi-megabyte string costs nothing to display.
    """
    if isinstance(value, dict):
        size = len(value.pairs) if isinstance(value, DuplicateKeysObject) else len(value)
        return "{" + _count(size, "key", "keys") + "}" if value else "{}"
    if isinstance(value, list):
        return "[" + _count(len(value), "item", "items") + "]" if value else "[]"
    if (
        max_chars is not None
        and isinstance(value, str)
        and not isinstance(value, JsonNumber)
        and len(value) > max_chars
    ):
        return encode_basestring(value[:max_chars])[:-1] + "…"
    return _scalar_json(value)


# RFC 9535 member-name-shorthand: ALPHA / "_" / non-ASCII first, then also DIGITs. Written
# as the characters left out: the ranges up to U+10FFFF took 5 ms to compile at every start,
# this form 0.5 ms (a test checks both agree on every character).
_SHORTHAND_NAME = re.compile(
    "[^\x00-\x40\x5b-\x5e\x60\x7b-\x7f\ud800-\udfff]"
    "[^\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f\ud800-\udfff]*"
)


def json_path(keys: Sequence[str | int]) -> str:
    """The JSONPath (RFC 9535) of the value reached by ``keys`` from the document root.

    Names that RFC 9535 allows in shorthand (letters, including non-ASCII, digits not first,
    ``_``) use dot notation (``$.items[0].price``, ``$.ключ``); any other name is bracketed
    and quoted like a JSON string (``$["a b"]``, ``$["2fa"]``, ``$[""]``).
    """
    parts = ["$"]
    for key in keys:
        if isinstance(key, int):
            parts.append(f"[{key}]")
        elif _SHORTHAND_NAME.fullmatch(key):
            parts.append("." + key)
        else:
            parts.append("[" + encode_basestring(key) + "]")
    return "".join(parts)

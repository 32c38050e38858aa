"""What changed between two responses, read as JSON: by path, not by line.

:func:`diff_json` compares two documents as :func:`app.core.json_doc.parse_json_exact`
returns them; :func:`diff_exchanges` compares two responses (status, headers, body);
:func:`render` writes either result as text, one line per difference. The rules:

- **Paths.** A difference is reported at the JSONPath of the value (``$.items[0].price``, as
  :func:`app.core.json_doc.json_path` writes it). Object members are matched by key, in any
  order: key order is never a difference.
- **Arrays** are compared index by index; extra items at the end are added or removed. When
  every item of *both* arrays is an object with an ``id`` member holding a scalar (string,
  number, boolean or null), unique within its array, items are paired by ``id`` instead: a
  moved item is not a difference, an item whose ``id`` is only in the old array is removed,
  one only in the new array is added. Such paths carry the item's index in the new array
  (in the old one for a removed item). Ids meet by the value rules below (``1`` and
  ``1.0`` are one id, ``1`` and ``"1"`` two). An array with an item that repeats a key, or
  whose items' ``id`` an ignore pattern can select, is compared by index: an id that is
  ignored is presumably not stable, so it cannot pair items.
- **Numbers** are compared as JSON numbers, exactly, by decimal value (``Decimal``
  equality, never through a float): ``1.10``, ``1.1`` and ``11e-1`` are the same number and
  no difference; ``1`` and ``1.0`` are the same; ``0.1000000000000000055511151231257827``
  is not ``0.1``. The value is what a JSON reader gets, so this is what a client of the API
  notices; the spelling of a number is not reported (the Raw view shows it).
- **Types** are distinguished: ``1`` is not ``"1"``, ``true`` is not ``1``, ``null`` is not
  ``""``, ``{}`` is not ``[]``. A value whose type changed is one change at its path.
- **Repeated keys** (:class:`app.core.json_doc.DuplicateKeysObject`): a key's occurrences are
  paired in order; an extra occurrence is added or removed at the same path.
- **Kinds**: changed (old and new value), added (new value), removed (old value); a missing
  side is :data:`ABSENT`. :meth:`Diff.summary` says "3 changed, 1 added, 2 removed", or "No
  differences".
- **Ignored paths** (:class:`IgnoreRules`): a difference at a path an ignore pattern matches,
  or below it, is not reported. Patterns are JSONPath in three forms, freely combined: exact
  (``$.created_at``, ``$.items[0].id``, ``$["a b"]``), a wildcard that matches any array
  index or member name (``$.items[*].id``, also written ``.*``), and any depth
  (``$..timestamp`` matches a ``timestamp`` member at any depth, ``$.data..id`` any ``id``
  below ``$.data``). ``header:Name`` ignores a response header (:func:`diff_exchanges`).
- **Size.** The walk is iterative (any depth, no recursion limit) and reads the documents
  without copying them. Identical subtrees are skipped cheaply: a pair that is one object,
  and runs of up to 256 siblings that Python's own (C) equality and a check of every value's
  type below prove equal (``_vouch``). It stops after ``limit`` differences
  (:data:`DEFAULT_LIMIT`), which the summary says. Two 54 MB documents, identical or
  differing in a few places, diff in about 0.6 s; when every one of their 150,000 items
  also differs in an ignored timestamp, in 1.3 to 2 s (``bench/json_diff.py``, 2 cores).
  Memory beyond the documents: an index of each pair of arrays paired by id (about 20 MB
  for 150,000 items) and the differences reported.

Errors: :meth:`IgnoreRules.parse` (and so :func:`diff_json` and :func:`diff_exchanges`)
raises ``ValueError`` with a sentence naming a pattern it cannot read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from itertools import chain, compress, count, islice, repeat, zip_longest
from operator import is_, itemgetter
from typing import Any, Final, Protocol, TypeAlias, cast

from app.core.json_doc import (
    DuplicateKeysObject,
    JsonNumber,
    json_path,
    json_scalar_text,
    json_value_preview,
    object_members,
    parse_json_exact,
)

__all__ = [
    "ABSENT",
    "DEFAULT_IGNORED_HEADERS",
    "DEFAULT_LIMIT",
    "NOT_JSON",
    "Change",
    "Diff",
    "Difference",
    "IgnoreRules",
    "Key",
    "ResponseLike",
    "body_document",
    "diff_exchanges",
    "diff_json",
    "keys_line",
    "path_line",
    "render",
    "value_line",
]

DEFAULT_LIMIT: Final = 10_000
"""Differences reported before the walk stops: more would not be read, and a body that
differs everywhere would otherwise cost as much memory as it holds."""

DEFAULT_IGNORED_HEADERS: Final = frozenset({"date", "content-length"})
"""Headers that differ between two sends of the same answer (lower-case)."""

# How much of a value a rendered line shows.
_VALUE_CHARS = 200

# Characters that break a line somewhere (str.splitlines, editors, some terminals) and that
# JSON's own escaping leaves alone (or a header value may hold): written as \uXXXX escapes.
_LINE_BREAKS: Final = str.maketrans(
    {char: f"\\u{ord(char):04x}" for char in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}
)

Key: TypeAlias = str | int
"""A step from a value to a member (its name) or an item (its index)."""


class _Absent:
    """The type of :data:`ABSENT`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()
"""The missing side of an added or removed value. Not ``None``: ``None`` is JSON ``null``,
and a member that became ``null`` is a change, not a removal."""


class Change(Enum):
    """What happened at a path."""

    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class Difference:
    """One difference: its kind, where, and the values on each side.

    ``path`` is a JSONPath (``$.items[0].price``) for a body that was compared as JSON, and
    then ``keys`` are the keys from the document's root (``("items", 0, "price")``).
    :func:`diff_exchanges` also reports ``status``, ``header:Name`` (the name as the newer
    response spells it; the older, for a removed header) and ``body`` (a body compared byte
    for byte, not as JSON: its values are the texts); their ``keys`` are empty. ``old`` is
    :data:`ABSENT` for an added value, ``new`` for a removed one. Values are the documents'
    own objects, not copies.
    """

    kind: Change
    path: str
    old: object
    new: object
    keys: tuple[Key, ...] = ()


@dataclass(frozen=True, slots=True)
class Diff:
    """The differences found, in document order, and whether the walk stopped at ``limit``."""

    differences: tuple[Difference, ...]
    truncated: bool = False
    limit: int = DEFAULT_LIMIT

    @property
    def same(self) -> bool:
        """True when nothing differs (outside the ignored paths)."""
        return not self.differences

    def count(self, kind: Change) -> int:
        """How many differences of ``kind`` were found (up to the limit)."""
        return sum(1 for difference in self.differences if difference.kind is kind)

    def summary(self) -> str:
        """``"3 changed, 1 added, 2 removed"`` (every kind, zeros included), ``"No
        differences"``, and when the walk stopped early, where."""
        if not self.differences:
            return "No differences"
        text = ", ".join(f"{self.count(kind)} {kind.value}" for kind in Change)
        if self.truncated:
            text += f"; stopped after the first {self.limit:,} differences, there are more"
        return text


# --- ignore patterns -------------------------------------------------------------------------

_CHILD, _INDEX, _ANY = range(3)

_Step: TypeAlias = tuple[bool, int, str | int | None]
"""``(any depth, selector, argument)``: ``(False, _CHILD, "name")`` is ``.name``, ``(True,
_CHILD, "name")`` is ``..name``; ``(_, _INDEX, 3)`` is ``[3]``; ``(_, _ANY, None)`` is
``[*]``."""

_State: TypeAlias = tuple[int, int]
"""``(pattern number, steps matched so far)``."""


class _AnyIndex:
    """A probe key that any index step selects: "could some item's member be ignored?"."""

    __slots__ = ()


_ANY_INDEX: Final = _AnyIndex()

# Ignore-pattern steps remembered (IgnoreRules.advance) before the memo starts again.
_MEMO_SIZE = 4096

_NAME = re.compile(r"[^\s.\[\]'\"*][^\s.\[\]'\"]*")
_BRACKET = re.compile(r"\[\s*(?:(\*)|(-?[0-9]+)|\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)')\s*\]")


def _bad_pattern(pattern: str, reason: str) -> ValueError:
    return ValueError(
        f"The ignore pattern {pattern!r} cannot be read: {reason}. Use $.name, "
        '$["any name"], $.items[0], $.items[*].id, $..name or header:Name.'
    )


def _parse_selector(pattern: str, text: str, at: int, deep: bool) -> tuple[_Step, int]:
    """The step at ``text[at]`` after a ``.`` or ``..``: a name or ``*``, or a bracket."""
    if text.startswith("*", at):
        return (deep, _ANY, None), at + 1
    if text.startswith("[", at):
        return _parse_bracket(pattern, text, at, deep)
    match = _NAME.match(text, at)
    if match is None:
        raise _bad_pattern(pattern, f"a name is missing after position {at}")
    return (deep, _CHILD, match.group()), match.end()


def _parse_bracket(pattern: str, text: str, at: int, deep: bool) -> tuple[_Step, int]:
    match = _BRACKET.match(text, at)
    if match is None:
        raise _bad_pattern(pattern, f'the bracket at position {at} is not [n], [*] or ["name"]')
    star, index, double, single = match.groups()
    if star:
        return (deep, _ANY, None), match.end()
    if index is not None:
        if index.startswith("-"):
            raise _bad_pattern(pattern, "indexes from the end are not supported")
        return (deep, _INDEX, int(index)), match.end()
    quoted = double if double is not None else single.replace("\\'", "'").replace('"', '\\"')
    try:
        name = json.loads(f'"{quoted}"')
    except ValueError:
        raise _bad_pattern(pattern, f"the name at position {at} has a bad escape") from None
    return (deep, _CHILD, name), match.end()


def _parse_pattern(pattern: str) -> tuple[_Step, ...]:
    text = pattern.strip()
    if not text.startswith("$"):
        raise _bad_pattern(pattern, "a path starts with $")
    steps: list[_Step] = []
    at = 1
    while at < len(text):
        if text.startswith("..", at):
            step, at = _parse_selector(pattern, text, at + 2, True)
        elif text.startswith(".", at):
            if text.startswith("[", at + 1):
                raise _bad_pattern(pattern, f"a name is missing after position {at}")
            step, at = _parse_selector(pattern, text, at + 1, False)
        elif text.startswith("[", at):
            step, at = _parse_bracket(pattern, text, at, False)
        else:
            raise _bad_pattern(pattern, f"{text[at]!r} at position {at} is unexpected")
        steps.append(step)
    return tuple(steps)


def _selects(step: _Step, key: object) -> bool:
    _, kind, arg = step
    if kind == _CHILD:
        return type(key) is str and key == arg
    if kind == _INDEX:
        return key is _ANY_INDEX or (type(key) is int and key == arg)
    return True  # _ANY


@dataclass(frozen=True, slots=True)
class IgnoreRules:
    """Paths and headers left out of a diff: see the module docstring for the patterns.

    Made with :meth:`parse` (``IgnoreRules()`` ignores nothing); a matcher walks the
    patterns alongside the documents, so a pattern costs only where the diff descends into a
    container or finds a difference.
    """

    patterns: tuple[tuple[_Step, ...], ...] = ()
    """The path patterns, parsed (distinct)."""
    headers: frozenset[str] = frozenset()
    """Header names, lower-case."""
    _names_index: bool = field(default=False, repr=False)
    _memo: dict[tuple[tuple[_State, ...], object], tuple[_State, ...] | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def parse(cls, patterns: Iterable[str]) -> IgnoreRules:
        """Rules from patterns such as ``$.created_at``, ``$.items[*].id``, ``$..timestamp``
        and ``header:Date``; ``ValueError`` (a sentence) for one it cannot read."""
        paths: list[tuple[_Step, ...]] = []
        headers: set[str] = set()
        for pattern in patterns:
            if pattern.strip().lower().startswith("header:"):
                name = pattern.strip()[len("header:") :].strip()
                if not name:
                    raise _bad_pattern(pattern, "the header name is missing")
                headers.add(name.lower())
            else:
                paths.append(_parse_pattern(pattern))
        names_index = any(step[1] == _INDEX for steps in paths for step in steps)
        return cls(tuple(dict.fromkeys(paths)), frozenset(headers), names_index)

    @property
    def everything(self) -> bool:
        """True when a pattern is ``$`` itself: the whole document is ignored."""
        return any(not steps for steps in self.patterns)

    def initial(self) -> tuple[_State, ...]:
        """The matcher's states at the document's root."""
        return tuple((number, 0) for number in range(len(self.patterns)))

    def advance(self, states: tuple[_State, ...], key: object) -> tuple[_State, ...] | None:
        """The states after stepping into ``key``; ``None`` when a pattern matched there."""
        # Remembered, since the same few steps recur for every item of an array; an index
        # is remembered as "some index" unless a pattern names one.
        memo_key = (states, key if type(key) is str or self._names_index else int)
        try:
            return self._memo[memo_key]
        except KeyError:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            found = self._memo[memo_key] = self._advance(states, key)
            return found

    def _advance(self, states: tuple[_State, ...], key: object) -> tuple[_State, ...] | None:
        after: dict[_State, None] = {}
        for number, done in states:
            steps = self.patterns[number]
            step = steps[done]
            if step[0]:
                after[(number, done)] = None  # any depth: still looking, deeper
            if _selects(step, key):
                if done + 1 == len(steps):
                    return None
                after[(number, done + 1)] = None
        return tuple(after)

    def ignores(self, keys: Sequence[Key]) -> bool:
        """Whether the value at ``keys`` (from the root) is ignored."""
        if self.everything:
            return True
        states: tuple[_State, ...] | None = self.initial()
        for key in keys:
            if not states:
                return False
            states = self.advance(states, key)
            if states is None:
                return True
        return False


_NO_RULES: Final = IgnoreRules()


def _rules(ignore: IgnoreRules | Iterable[str]) -> IgnoreRules:
    return ignore if isinstance(ignore, IgnoreRules) else IgnoreRules.parse(ignore)


# --- comparing values ------------------------------------------------------------------------

# Numbered from 1 so that `_KINDS.get(type) or ...` falls back only for unknown types, and
# containers first so that `kind <= _ARRAY` tells them apart.
_OBJECT, _ARRAY, _STRING, _NUMBER, _BOOLEAN, _NULL, _MISSING = range(1, 8)

_KINDS: Final[dict[type, int]] = {
    dict: _OBJECT,
    DuplicateKeysObject: _OBJECT,
    list: _ARRAY,
    str: _STRING,
    JsonNumber: _NUMBER,
    int: _NUMBER,
    float: _NUMBER,
    bool: _BOOLEAN,
    type(None): _NULL,
    _Absent: _MISSING,
}


def _kind_of(value: object) -> int:
    """The JSON kind of a value whose type is not exactly one of ``_KINDS``' (a subclass)."""
    if isinstance(value, bool):
        return _BOOLEAN
    if isinstance(value, JsonNumber | int | float):
        return _NUMBER
    if isinstance(value, str):
        return _STRING
    if isinstance(value, dict):
        return _OBJECT
    if isinstance(value, list):
        return _ARRAY
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def _same_number(x: Any, y: Any) -> bool:
    try:
        return bool(Decimal(x) == Decimal(y))
    except (InvalidOperation, ValueError, TypeError):
        return str(x) == str(y)  # not a number Decimal reads: compare the text


def _same_scalar(x: object, y: object) -> bool:
    """Equality of two values that are not both objects or both arrays."""
    if x is y:
        return True
    kind = _KINDS.get(type(x)) or _kind_of(x)
    if kind != (_KINDS.get(type(y)) or _kind_of(y)):
        return False
    if kind == _NUMBER:
        return (type(x) is type(y) and x == y) or _same_number(x, y)
    return x == y


# (key, old value, new value); values are Any: the walk dispatches on their exact type.
_Triple: TypeAlias = tuple[Key, Any, Any]


def _object_triples(a: dict[str, object], b: dict[str, object]) -> Iterator[_Triple]:
    """(key, old, new) for every member of either object, the old object's order first."""
    if type(a) is dict and type(b) is dict:
        if a.keys() == b.keys():
            return zip(a.keys(), a.values(), map(b.__getitem__, a.keys()), strict=True)
        both = zip(a.keys(), a.values(), map(b.get, a.keys(), repeat(ABSENT)), strict=True)
        added = [key for key in b if key not in a]
        return chain(both, zip(added, repeat(ABSENT), map(b.__getitem__, added)))
    return _repeated_key_triples(a, b)


def _repeated_key_triples(a: dict[str, object], b: dict[str, object]) -> Iterator[_Triple]:
    old: dict[str, list[object]] = {}
    new: dict[str, list[object]] = {}
    for key, value in object_members(a):
        old.setdefault(key, []).append(value)
    for key, value in object_members(b):
        new.setdefault(key, []).append(value)
    for key, values in chain(old.items(), ((k, []) for k in new if k not in old)):
        for x, y in zip_longest(values, new.get(key, ()), fillvalue=ABSENT):
            yield key, x, y


class _NotId:
    __slots__ = ()


_NOT_ID: Final = _NotId()


def _id_key(value: Any) -> object:
    """A dict key under which equal ids (by the rules above) meet, or ``_NOT_ID``."""
    kind = type(value)
    if kind is str or kind is int or value is None:
        return value  # str and int keys never meet: "1" != 1
    if kind is JsonNumber or kind is float:
        try:
            return Decimal(value)  # equal to, and hashed as, an equal int
        except (InvalidOperation, ValueError):
            return _NOT_ID
    if kind is bool:
        return (bool, value)  # not 1 or 0
    return _NOT_ID


def _id_index(items: list[object]) -> dict[object, int] | None:
    """Each item's index by its id, when every item has a unique scalar ``id``."""
    index: dict[object, int] = {}
    for position, item in enumerate(items):
        if type(item) is not dict or "id" not in item:
            return None
        key = _id_key(item["id"])
        if key is _NOT_ID or key in index:
            return None
        index[key] = position
    return index


def _array_triples(
    a: list[object], b: list[object], states: tuple[_State, ...], rules: IgnoreRules
) -> Iterator[_Triple]:
    if (
        a
        and b
        and type(a[0]) is dict
        and type(b[0]) is dict
        and "id" in a[0]
        and "id" in b[0]
        and not _id_may_be_ignored(states, rules)
    ):
        old = _id_index(a)
        new = _id_index(b) if old is not None else None
        if old is not None and new is not None:
            return _id_triples(a, b, old, new)
    shorter = min(len(a), len(b))
    common = zip(count(), a, b)
    if len(a) > shorter:
        return chain(common, zip(count(shorter), islice(a, shorter, None), repeat(ABSENT)))
    if len(b) > shorter:
        return chain(common, zip(count(shorter), repeat(ABSENT), islice(b, shorter, None)))
    return common


def _id_may_be_ignored(states: tuple[_State, ...], rules: IgnoreRules) -> bool:
    if not states:
        return False
    item = rules.advance(states, _ANY_INDEX)
    return item is None or (bool(item) and rules.advance(item, "id") is None)


def _id_triples(
    a: list[object], b: list[object], old: dict[object, int], new: dict[object, int]
) -> Iterator[_Triple]:
    for key, position in old.items():
        moved_to = new.get(key)
        if moved_to is None:
            yield position, a[position], ABSENT
        else:
            yield moved_to, a[position], b[moved_to]
    for key, position in new.items():
        if key not in old:
            yield position, ABSENT, b[position]


def _difference(path: list[Key], key: Key, old: object, new: object) -> Difference:
    keys = (*path, key)
    kind = Change.ADDED if old is ABSENT else Change.REMOVED if new is ABSENT else Change.CHANGED
    return Difference(kind, json_path(keys), old, new, keys)


@dataclass(slots=True)
class _Walk:
    differences: list[Difference] = field(default_factory=list)
    truncated: bool = False


# Identical subtrees are skipped in bulk: a run of sibling pairs is checked with Python's
# own equality (C, about 15 times faster than this walk) and the types of every value
# below, position by position, in a few C calls per level (see _vouch). A run that passes
# is equal as JSON; one that does not is walked pair by pair.
_RUN = 256  # sibling pairs checked at once
_RUN_MIN = 16  # containers shorter than this are walked at once: a check costs more
_RUN_DEPTH = 64  # below this depth, walked at once (a JSON document is rarely deeper)
_VOUCH_NODES = 65_536  # values a check looks at before it gives up
_VOUCH_LEVELS = 256


def _vouch(olds: list[object], news: list[object]) -> bool:
    """Whether ``olds[i]`` equals ``news[i]`` as JSON for every ``i``, when this is cheap to
    prove; ``False`` also means "too big or too deep to tell cheaply".

    Python's ``==`` is a deep comparison in C but not JSON's: ``True == 1``,
    ``JsonNumber("1") == "1"``, and a DuplicateKeysObject compares as a dict (its repeated
    keys unseen). So it counts only together with the values' exact types, compared level
    by level in the same order (objects' keys in the same order too): equal values of one
    scalar type are equal JSON values. ``1.10`` against ``1.1`` is not proven here; the
    walk finds them equal.
    """
    level_old, level_new = olds, news
    seen = 0
    for _ in range(_VOUCH_LEVELS):
        types = list(map(type, level_old))
        if types != list(map(type, level_new)) or DuplicateKeysObject in types:
            return False
        has_dict = dict in types
        if not has_dict and list not in types:
            try:
                return olds == news
            except RecursionError:
                return False
        below_old: Iterable[object] = ()
        below_new: Iterable[object] = ()
        if has_dict:
            dicts_old = cast(
                list[dict[str, object]], list(compress(level_old, map(is_, types, repeat(dict))))
            )
            dicts_new = cast(
                list[dict[str, object]], list(compress(level_new, map(is_, types, repeat(dict))))
            )
            if list(chain.from_iterable(dicts_old)) != list(chain.from_iterable(dicts_new)):
                return False  # other keys, or in another order
            below_old = chain.from_iterable(map(dict.values, dicts_old))
            below_new = chain.from_iterable(map(dict.values, dicts_new))
        if list in types:
            lists_old = cast(
                Iterable[list[object]], compress(level_old, map(is_, types, repeat(list)))
            )
            lists_new = cast(
                Iterable[list[object]], compress(level_new, map(is_, types, repeat(list)))
            )
            below_old = chain(below_old, chain.from_iterable(lists_old))
            below_new = chain(below_new, chain.from_iterable(lists_new))
        level_old = list(below_old)
        level_new = list(below_new)
        seen += len(level_old)
        if seen > _VOUCH_NODES:
            return False
    return False


def _unvouched(triples: Iterator[_Triple]) -> Iterator[_Triple]:
    """``triples`` without the runs :func:`_vouch` proves equal."""
    while run := list(islice(triples, _RUN)):
        if not _vouch(list(map(itemgetter(1), run)), list(map(itemgetter(2), run))):
            yield from run


def _container_triples(
    x: Any, y: Any, kind: int, states: tuple[_State, ...], rules: IgnoreRules
) -> Iterator[_Triple]:
    if kind == _OBJECT:
        return _object_triples(x, y)
    return _array_triples(x, y, states, rules)


def _walk(a: Any, b: Any, rules: IgnoreRules, limit: int) -> _Walk:
    walk = _Walk()
    if rules.everything:
        return walk
    differences = walk.differences
    states = rules.initial()
    kind = _KINDS.get(type(a)) or _kind_of(a)
    if kind != (_KINDS.get(type(b)) or _kind_of(b)) or kind > _ARRAY:
        if not _same_scalar(a, b):
            differences.append(Difference(Change.CHANGED, "$", a, b))
        return walk
    triples = _container_triples(a, b, kind, states, rules)
    if len(a) >= _RUN_MIN:
        triples = _unvouched(triples)
    # The open containers: what is left of each, with its ignore states; path[i] is the
    # key of stack[i + 1].
    stack: list[tuple[Iterator[_Triple], tuple[_State, ...]]] = [(triples, states)]
    path: list[Key] = []
    kinds = _KINDS
    advance = rules.advance
    while stack:
        triples, states = stack[-1]
        for key, x, y in triples:
            if x is y:
                continue
            tx = type(x)
            ty = type(y)
            kind = kinds.get(tx) or _kind_of(x)
            if kind == (kinds.get(ty) or _kind_of(y)):
                if kind <= _ARRAY:
                    inner = states
                    if states:
                        after = advance(states, key)
                        if after is None:
                            continue
                        inner = after
                    children: Iterator[_Triple]
                    if tx is dict and ty is dict and x.keys() == y.keys():
                        children = zip(x, x.values(), map(y.__getitem__, x), strict=True)
                    else:
                        children = _container_triples(x, y, kind, inner, rules)
                    if len(x) >= _RUN_MIN and len(stack) < _RUN_DEPTH:
                        children = _unvouched(children)
                    stack.append((children, inner))
                    path.append(key)
                    break
                if tx is ty and x == y:
                    continue
                if kind == _NUMBER and _same_number(x, y):
                    continue
                if kind == _STRING and x == y:  # a str subclass other than JsonNumber
                    continue
            if states and advance(states, key) is None:
                continue
            if len(differences) >= limit:
                walk.truncated = True
                return walk
            differences.append(_difference(path, key, x, y))
        else:
            stack.pop()
            if stack:
                path.pop()
    return walk


def diff_json(
    old: object,
    new: object,
    *,
    ignore: IgnoreRules | Iterable[str] = (),
    limit: int = DEFAULT_LIMIT,
) -> Diff:
    """The differences from ``old`` to ``new``, two parsed JSON documents (see the module
    docstring for the rules). ``ignore``: patterns or :class:`IgnoreRules` (header rules
    are not used here); ``ValueError`` for a pattern that cannot be read."""
    if limit < 1:
        raise ValueError("The limit of differences must be at least 1.")
    walk = _walk(old, new, _rules(ignore), limit)
    return Diff(tuple(walk.differences), walk.truncated, limit)


# --- responses -------------------------------------------------------------------------------


class ResponseLike(Protocol):
    """What :func:`diff_exchanges` reads of a response (``app.core.response.ResponseData``)."""

    @property
    def status(self) -> int: ...

    @property
    def headers(self) -> Sequence[tuple[str, str]]: ...

    @property
    def body(self) -> bytes: ...

    @property
    def content_type(self) -> str: ...

    def text(self) -> str: ...


class _NotJson:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_JSON"


NOT_JSON: Final = _NotJson()
"""What :func:`body_document` reads from a body that is not JSON."""


def body_document(response: ResponseLike) -> object:
    """The body parsed as JSON with exact numbers, or ``NOT_JSON``: parsed when declared
    JSON, or undeclared or plain text that starts like a JSON object or array (as the
    response pane decides)."""
    if not response.body.strip():
        return NOT_JSON
    media = response.content_type
    declared = media == "application/json" or media.endswith("+json")
    if not declared:
        if media and not media.startswith("text/plain"):
            return NOT_JSON
        head = response.body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith((b"{", b"[")):
            return NOT_JSON
    try:
        return parse_json_exact(response.text().lstrip("\ufeff"))
    except ValueError:
        return NOT_JSON


def _header_values(headers: Iterable[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """Lower-case name -> (name as first spelled, values joined by ``, `` in order)."""
    grouped: dict[str, tuple[str, list[str]]] = {}
    for name, value in headers:
        grouped.setdefault(name.lower(), (name, []))[1].append(value)
    return {lower: (name, ", ".join(values)) for lower, (name, values) in grouped.items()}


def _header_differences(
    old: Iterable[tuple[str, str]], new: Iterable[tuple[str, str]], ignored: frozenset[str]
) -> list[Difference]:
    before = _header_values(old)
    after = _header_values(new)
    differences: list[Difference] = []
    for lower, (name, value) in before.items():
        if lower in ignored:
            continue
        if lower not in after:
            differences.append(Difference(Change.REMOVED, f"header:{name}", value, ABSENT))
        elif after[lower][1] != value:
            new_name, new_value = after[lower]
            differences.append(Difference(Change.CHANGED, f"header:{new_name}", value, new_value))
    for lower, (name, value) in after.items():
        if lower not in before and lower not in ignored:
            differences.append(Difference(Change.ADDED, f"header:{name}", ABSENT, value))
    return differences


def diff_exchanges(
    old: ResponseLike,
    new: ResponseLike,
    *,
    ignore: IgnoreRules | Iterable[str] = (),
    limit: int = DEFAULT_LIMIT,
    documents: tuple[object, object] | None = None,
) -> Diff:
    """The differences from response ``old`` to ``new``: status, headers, then body.

    Status: one change at path ``status``. Headers: by name, case-insensitively (a repeated
    header's values joined in order), at ``header:Name``, leaving out
    :data:`DEFAULT_IGNORED_HEADERS` and every ``header:Name`` in ``ignore``. Body: when both
    are JSON (declared, or plain text that starts like JSON, and parsed with exact
    numbers), :func:`diff_json` with the path patterns of ``ignore``; otherwise the bytes
    are compared and a difference is one change at ``body`` with both texts. ``limit``
    caps the body's differences. ``documents`` are the bodies as :func:`body_document`
    read them, when already read (a second diff with other ignore patterns).
    """
    rules = _rules(ignore)
    if limit < 1:
        raise ValueError("The limit of differences must be at least 1.")
    differences: list[Difference] = []
    if old.status != new.status:
        differences.append(Difference(Change.CHANGED, "status", old.status, new.status))
    differences.extend(
        _header_differences(old.headers, new.headers, DEFAULT_IGNORED_HEADERS | rules.headers)
    )
    old_document, new_document = documents or (body_document(old), body_document(new))
    truncated = False
    if old_document is not NOT_JSON and new_document is not NOT_JSON:
        walk = _walk(old_document, new_document, rules, limit)
        differences.extend(walk.differences)
        truncated = walk.truncated
    elif old.body != new.body:
        before = old.text() if old_document is NOT_JSON else old_document
        after = new.text() if new_document is NOT_JSON else new_document
        differences.append(Difference(Change.CHANGED, "body", before, after))
    return Diff(tuple(differences), truncated, limit)


# --- text ------------------------------------------------------------------------------------


def value_line(value: object, raw: bool = False) -> str:
    """A value as one short line: compact JSON (exact numbers, strings quoted and escaped),
    or the text itself for a header; cut at about ``_VALUE_CHARS`` characters with ``…``."""
    if raw and isinstance(value, str):
        text = value if len(value) <= _VALUE_CHARS else value[:_VALUE_CHARS] + "…"
    elif isinstance(value, dict | list):
        text, cut = json_value_preview(value, _VALUE_CHARS)
        text = text + "…" if cut else text
    else:
        text = json_scalar_text(value, _VALUE_CHARS)
    return text.translate(_LINE_BREAKS)


def path_line(difference: Difference) -> str:
    """The path, with a key that holds a line break bracketed and escaped (``$["a\\u2028"]``):
    JSONPath's shorthand allows such characters, which would split the line."""
    path = difference.path
    if path.translate(_LINE_BREAKS) == path:
        return path
    return keys_line(difference.keys)


def keys_line(keys: Sequence[Key], *, any_index: bool = False) -> str:
    """The JSONPath of ``keys`` on one line (see :func:`path_line`); with ``any_index``
    every array index is ``[*]``: the ignore pattern for that path in every item."""
    parts = ["$"]
    for key in keys:
        if isinstance(key, int) and any_index:
            parts.append("[*]")
        elif isinstance(key, str) and key.translate(_LINE_BREAKS) != key:
            parts.append("[" + json_scalar_text(key).translate(_LINE_BREAKS) + "]")
        else:
            parts.append(json_path((key,))[1:])
    return "".join(parts)


def render(diff: Diff) -> str:
    """The diff as text: one line per difference, then the summary line.

    ``~ $.path: old → new`` for a change, ``+ $.path: value`` for an addition, ``- $.path:
    value`` for a removal. Values are compact JSON with exact numbers, strings quoted and
    escaped, header values as sent; each is cut at about 200 characters. Characters that
    would break the line (U+2028, U+0085, …) are written as ``\\uXXXX`` escapes, so every
    difference is one line whatever the keys and values hold.
    """
    lines: list[str] = []
    for difference in diff.differences:
        raw = difference.path.startswith("header:")
        path = path_line(difference)
        if difference.kind is Change.CHANGED:
            old = value_line(difference.old, raw)
            new = value_line(difference.new, raw)
            lines.append(f"~ {path}: {old} → {new}")
        elif difference.kind is Change.ADDED:
            lines.append(f"+ {path}: {value_line(difference.new, raw)}")
        else:
            lines.append(f"- {path}: {value_line(difference.old, raw)}")
    lines.append(diff.summary())
    return "\n".join(lines)

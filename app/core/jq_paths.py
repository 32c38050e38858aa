"""Where a path jq gave leads in a JSON value, and its JSONPath label.

jq reports the paths a program selects as lists of steps: names, indexes (negative ones
count from the end, as jq does), and slices (``{"start": 2, "end": 4}``, bounds that may
be number texts, floored). ``at_path`` follows one over any ``Steps``: the parsed document
(``ValueSteps``, for ``app.services.filtering``) or a huge body's index (the worker in
``app.services.json_index_child``), so both label and read a path the same way. A step to
nothing is null, as in jq.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from app.core.json_doc import json_path

__all__ = ["Slice", "Steps", "ValueSteps", "at_path", "slice_bound"]


class Slice(Sequence[Any]):
    """Items ``offset`` to ``offset + length`` of a list, without copying them: a program
    like ``.items[0:][]`` gives one path per item, each through the same slice (copying it
    each time took 111 s over a million items)."""

    def __init__(self, items: Sequence[Any], offset: int = 0, length: int | None = None):
        self.items, self.offset = items, offset
        self.length = len(items) - offset if length is None else length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, where: Any) -> Any:
        if isinstance(where, slice):
            start, stop, _ = where.indices(self.length)
            return Slice(self.items, self.offset + start, max(0, stop - start))
        if not 0 <= where < self.length:
            raise IndexError(where)
        return self.items[self.offset + where]


def slice_bound(bound: object) -> int | None:
    """A slice bound as jq gives it: an integer, or a number text floored; else none."""
    if isinstance(bound, int) and not isinstance(bound, bool):
        return bound
    if isinstance(bound, str):
        try:
            return math.floor(Decimal(bound))
        except (InvalidOperation, ValueError, OverflowError):
            return None
    return None


class Steps(Protocol):
    """How ``at_path`` walks a value: where it starts, what a value's members are (a dict,
    a list or ``Slice``, a string; anything else has none), and the value a member gives."""

    def top(self) -> Any: ...

    def members(self, value: Any) -> Any: ...

    def child(self, value: Any, step: str | int, found: Any) -> Any: ...


class ValueSteps:
    """``Steps`` over a parsed document (``parse_json_exact``)."""

    def __init__(self, document: object) -> None:
        self.document = document

    def top(self) -> Any:
        return self.document

    @staticmethod
    def members(value: Any) -> Any:
        return value if isinstance(value, dict | list | str | Slice) else None

    @staticmethod
    def child(value: Any, step: str | int, found: Any) -> Any:
        return found


def at_path(steps: Steps, path: Sequence[object]) -> tuple[str, Any]:
    """The JSONPath label of a path jq gave and the value there (``None``: null or
    nothing); a slice's value is a ``Slice``, a string slice a ``str``."""
    keys: list[str | int] = []
    suffix = ""
    value: Any = steps.top()
    for step in path:
        members = steps.members(value) if value is not None else None
        if isinstance(step, str):
            if suffix:
                suffix += json_path([step])[1:]
            else:
                keys.append(step)
            found = members.get(step) if isinstance(members, dict) else None
            value = None if found is None else steps.child(value, step, found)
        elif isinstance(step, int) and not isinstance(step, bool):
            found = None
            if isinstance(members, list | Slice):
                position = step + len(members) if step < 0 else step
                found = members[position] if 0 <= position < len(members) else None
                step = position if position >= 0 else step
            value = None if found is None else steps.child(value, step, found)
            if suffix:
                suffix += f"[{step}]"
            else:
                keys.append(step)
        elif isinstance(step, dict):
            start, end = slice_bound(step.get("start")), slice_bound(step.get("end"))
            suffix += f"[{'' if start is None else start}:{'' if end is None else end}]"
            if isinstance(members, list):
                members = Slice(members)
            value = members[start:end] if isinstance(members, Slice | str) else None
        else:
            value = None
    return json_path(keys) + suffix, value

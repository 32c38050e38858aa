"""Finding text in a parsed JSON document (``app.core.json_doc``): every key and scalar value
that contains a needle, as the row positions a tree shows them at.

A match is a tuple of row positions from the top (``(2, 0, 5)``: the third member, its first
item, that item's sixth member), the order a depth-first walk meets them, so "next" in the
tree is the next match. Keys match as written; strings match without their quotes, numbers
as received, ``true``/``false``/``null`` as words. The walk is iterative (no recursion limit on
deep documents) and pauses every few hundred nodes (``find_steps``), so the window runs it
in slices between its events and a new search can replace an old one at once.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Any

from app.core.json_doc import object_members

__all__ = ["FIND_LIMIT", "find_in_document", "find_steps"]

FIND_LIMIT = 10_000
"""The most matches one search collects; a needle in every row of a 50 MB body would
otherwise hold millions of paths."""

_PAUSE_EVERY = 256  # nodes between two pauses of ``find_steps`` (about 0.3 ms)


def _scalar_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str | int):
        return str(value)  # a JsonNumber is a str: its text as received
    if isinstance(value, float):
        return repr(value)
    return None


def _members(value: Any) -> Iterator[tuple[str | int, Any]]:
    if isinstance(value, dict):
        return iter(object_members(value))
    return iter(enumerate(value))


def find_in_document(
    document: object, needle: str, *, case_sensitive: bool = False, limit: int = FIND_LIMIT
) -> tuple[list[tuple[int, ...]], bool]:
    """The rows of ``document`` whose key or scalar value contains ``needle``, and whether
    the search was complete (False when it hit ``limit``).

    The rows are those of ``app.ui.json_tree_model``: a non-empty object or array shows its
    members at the top; any other document is one row, ``(0,)``.
    """
    steps = find_steps(document, needle, case_sensitive=case_sensitive, limit=limit)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            result: tuple[list[tuple[int, ...]], bool] = done.value
            return result


def find_steps(
    document: object, needle: str, *, case_sensitive: bool = False, limit: int = FIND_LIMIT
) -> Generator[None, None, tuple[list[tuple[int, ...]], bool]]:
    """``find_in_document`` as a walk that pauses (yields) every ``_PAUSE_EVERY`` nodes and
    returns what it returns; the caller decides how long each slice runs."""
    if not needle:
        return [], True
    wanted = needle if case_sensitive else needle.casefold()

    def contains(text: str) -> bool:
        return wanted in (text if case_sensitive else text.casefold())

    if not (isinstance(document, dict | list) and document):
        text = _scalar_text(document)
        return ([(0,)] if text is not None and contains(text) else []), True

    found: list[tuple[int, ...]] = []
    path: list[int] = []
    stack: list[Iterator[tuple[str | int, Any]]] = [_members(document)]
    positions: list[int] = [0]
    seen = 0
    while stack:
        step = next(stack[-1], None)
        if step is None:
            stack.pop()
            positions.pop()
            if path:
                path.pop()
            continue
        key, value = step
        row = positions[-1]
        positions[-1] = row + 1
        seen += 1
        if seen % _PAUSE_EVERY == 0:
            yield
        text = _scalar_text(value)
        if (isinstance(key, str) and contains(key)) or (text is not None and contains(text)):
            found.append((*path, row))
            if len(found) >= limit:
                return found, False
        if isinstance(value, dict | list) and value:
            path.append(row)
            stack.append(_members(value))
            positions.append(0)
    return found, True

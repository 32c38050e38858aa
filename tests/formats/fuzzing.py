"""What the importers' property tests share. The contract they check: whatever the bytes,
an importer answers with a collection or with one sentence (``FormatError``), never with
another exception.

- ``answer`` runs an importer once and checks the part of that contract every format shares;
- ``SPLICES`` and ``splice`` damage a real file at one place (bytes cut out, others put in);
- ``json_values``, ``places`` and ``replaced`` put any value at any place of a document;
- ``settings`` are the Hypothesis settings these tests (and the snippets') run with.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import hypothesis
from hypothesis import HealthCheck
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from app.formats import FormatError, Imported

__all__ = ["SPLICES", "answer", "json_values", "places", "replaced", "settings", "splice"]


def settings(max_examples: int) -> hypothesis.settings:
    """``max_examples`` examples, no deadline, and slow data generation allowed (big seeds)."""
    return hypothesis.settings(
        max_examples=max_examples, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )


def answer(read: Callable[[], Imported]) -> Imported | str:
    """What ``read()`` (an importer given some bytes) answers: the collection, whose requests
    can be listed, or the sentence of its ``FormatError``, which is never empty."""
    try:
        result = read()
    except FormatError as exc:
        sentence = str(exc)
        assert sentence
        return sentence
    assert isinstance(result, Imported)
    result.requests()
    return result


SPLICES: dict[str, SearchStrategy[Any]] = {
    "start": st.integers(min_value=0),
    "length": st.integers(min_value=0, max_value=64),
    "insert": st.binary(max_size=32),
}
"""The arguments of ``splice`` after the seed, for ``@given(seed=…, **SPLICES)``."""


def splice(seed: bytes, start: int, length: int, insert: bytes) -> bytes:
    """``seed`` with ``length`` bytes at ``start`` (wrapped to its size) replaced by
    ``insert``."""
    at = start % (len(seed) + 1)
    return seed[:at] + insert + seed[at + length :]


def json_values(
    *,
    extra: SearchStrategy[str] | None = None,
    keys: SearchStrategy[str] | None = None,
    text_size: int = 12,
    max_size: int = 3,
    max_leaves: int = 8,
) -> SearchStrategy[object]:
    """Any JSON value: null, booleans, numbers (NaN and infinities too), text up to
    ``text_size`` characters or an ``extra`` leaf, in lists and objects of up to
    ``max_size`` items whose keys come from ``keys`` (text up to 8 characters)."""
    leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=text_size)
    if extra is not None:
        leaves = leaves | extra
    names = keys if keys is not None else st.text(max_size=8)
    return st.recursive(
        leaves,
        lambda inner: (
            st.lists(inner, max_size=max_size) | st.dictionaries(names, inner, max_size=max_size)
        ),
        max_leaves=max_leaves,
    )


def places(document: object) -> list[tuple[object, ...]]:
    """Where a value stands inside ``document`` (the keys and indexes leading to it), for
    every value but the document itself, parents before their children."""
    found: list[tuple[object, ...]] = []

    def walk(value: object, path: tuple[object, ...]) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                found.append((*path, key))
                walk(inner, (*path, key))
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                found.append((*path, index))
                walk(inner, (*path, index))

    walk(document, ())
    return found


def replaced(document: object, where: tuple[object, ...], value: object) -> Any:
    """A copy of ``document`` (made through JSON) with ``value`` at ``where``."""
    copy: Any = json.loads(json.dumps(document))
    target = copy
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = value
    return copy

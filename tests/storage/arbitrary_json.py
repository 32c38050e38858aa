"""Arbitrary JSON for the readers' property tests, from a seeded ``random.Random``.

Not hypothesis (not installed): a failing case is reproduced by its seed and its number.
The values lean towards what breaks readers: wrong types in the right places, numbers at
and past every limit, text that cannot be written back as UTF-8, and documents deeper than
Python's parser can follow.
"""

from __future__ import annotations

import json
import random

__all__ = ["damaged_text", "json_value", "mutated"]

_TEXTS = (
    "",
    "x",
    "/payments",
    "\x00",
    "\u202e",
    "\ud800",  # a lone surrogate: JSON allows "\ud800", UTF-8 cannot hold it
    "\U0001f600",
    "name: A\n",
    "name: A\nmethod: 5\n",
    "!!python/object/apply:os.system ['true']",
    "[" * 5000,
    "a: &a [*a]",
    "x" * 10_000,
)
_INTEGERS = (0, 1, -1, 200, 2**31, 2**63, 3_000_000_000, 10**400)
_FLOATS = (0.5, -0.0, 1e-320, 3600.5, 1.7976931348623157e308)


def _text(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return rng.choice(_TEXTS)
    return "".join(
        chr(rng.choice((rng.randrange(32, 127), rng.randrange(0x110000))))
        for _ in range(rng.randrange(12))
    )


def json_value(rng: random.Random, depth: int = 0) -> object:
    """One JSON value: a scalar, or (up to depth 3) an array or object of them."""
    kinds = ["null", "bool", "int", "float", "text"]
    if depth < 3:
        kinds += ["array", "object"]
    kind = rng.choice(kinds)
    if kind == "null":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "int":
        return rng.choice(_INTEGERS) if rng.random() < 0.7 else rng.randrange(-(10**6), 10**6)
    if kind == "float":
        return rng.choice(_FLOATS) if rng.random() < 0.7 else rng.uniform(-1e6, 1e6)
    if kind == "text":
        return _text(rng)
    if kind == "array":
        return [json_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {_text(rng): json_value(rng, depth + 1) for _ in range(rng.randrange(4))}


def mutated(rng: random.Random, value: object, rate: float = 0.2) -> object:
    """``value`` with some of its parts (at any depth) replaced by arbitrary JSON, some keys
    dropped and some items duplicated."""
    if rng.random() < rate / 3:
        return json_value(rng)
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if rng.random() < rate / 4:
                continue
            result[key] = mutated(rng, item, rate)
        return result
    if isinstance(value, list):
        items = [mutated(rng, item, rate) for item in value]
        if items and rng.random() < rate / 2:
            items.append(rng.choice(items))
        return items
    if isinstance(value, str) and value and rng.random() < rate:
        # Text edited in place: for the YAML inside drafts, a request that no longer parses
        # or no longer validates.
        cut = rng.randrange(len(value))
        return value[:cut] + rng.choice((":", "\n  - ", "!!", "{", "\t", _text(rng))) + value[cut:]
    return value


def damaged_text(rng: random.Random, value: object) -> bytes:
    """The file's bytes: ``value`` as JSON, sometimes damaged as a disk or an editor would."""
    text = json.dumps(value, ensure_ascii=rng.random() < 0.5)
    roll = rng.random()
    if roll < 0.05:
        depth = rng.choice((1_000, 100_000))
        return ("[" * depth + "]" * depth).encode()
    if roll < 0.1:
        return text[: rng.randrange(len(text) + 1)].encode("utf-8", "surrogatepass")
    if roll < 0.13:
        return b"\xff\xfe" + text.encode("utf-8", "surrogatepass")
    if roll < 0.16:
        return (
            text.replace("0.5", "NaN", 1)
            .replace("1", "Infinity", 1)
            .encode("utf-8", "surrogatepass")
        )
    return text.encode("utf-8", "surrogatepass")

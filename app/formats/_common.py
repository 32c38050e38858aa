"""Small readers the format modules share: loosely typed JSON or YAML values as the type a
converter wants, counted nouns for report lines, and the codec a Content-Type names.

Private to ``app.formats``; each function here is used by more than one format module.
"""

from __future__ import annotations

import codecs
import json
import re

__all__ = ["as_dict", "as_list", "as_text", "charset_of", "plural"]

_CHARSET = re.compile(r"charset\s*=\s*\"?([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)


def as_dict(value: object) -> dict[str, object]:
    """``value`` when it is a mapping (its keys as text), else an empty one."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    return {}


def as_list(value: object) -> list[object]:
    """A copy of ``value`` when it is a list, else an empty one."""
    return list(value) if isinstance(value, list) else []


def as_text(value: object) -> str:
    """A scalar as text; ``None`` is ``""``, numbers and booleans as JSON spells them
    (``inf`` and ``nan`` as Python does); objects and arrays as JSON."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)  # a finite float's str() is its repr, which JSON writes too
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)


def plural(count: int, one: str, many: str | None = None) -> str:
    """``"1 request"``, ``"2 requests"``; ``many`` for nouns that do not just take an s."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def charset_of(content_type: str) -> str:
    """The codec a Content-Type names, when Python knows it; UTF-8 otherwise."""
    match = _CHARSET.search(content_type)
    if match is not None:
        try:
            return codecs.lookup(match.group(1)).name
        except LookupError:
            pass
    return "utf-8"

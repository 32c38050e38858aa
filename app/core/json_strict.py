"""Refusing what Python's ``json`` reads but JSON (RFC 8259) does not allow, or what it
cannot read without crashing.

``NaN``, ``Infinity`` and ``-Infinity``: Python's ``json`` reads them, JSON does not allow
them, and most servers and clients reject them. Pass ``reject_constant`` as
``json.loads(..., parse_constant=reject_constant)``: the parse then raises
``NonStandardConstant``. The scanner does not say where it met the constant;
``constant_position`` finds it.

``loads`` reads a file the app wrote itself (settings, drafts, secrets) and turns every way
such a file can be damaged into one ``ValueError``: bad syntax, invalid UTF-8 already
decoded, the constants above, an integer longer than Python's digit limit, and nesting too
deep for the parser (``json.loads`` raises ``RecursionError`` there, which no reader
expects and which once stopped the app from starting).

Errors::

    ValueError
     ├── NonStandardConstant   .name is the constant met; str(exc) is "NaN is not valid JSON"
     └── NestedTooDeeply       arrays and objects nested deeper than the parser can follow
"""

from __future__ import annotations

import json
import re
from typing import NoReturn

__all__ = [
    "NestedTooDeeply",
    "NonStandardConstant",
    "constant_position",
    "loads",
    "reject_constant",
]


class NonStandardConstant(ValueError):
    """``json.loads`` met ``NaN``, ``Infinity`` or ``-Infinity`` (``name``), which is not JSON."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is not valid JSON")
        self.name = name


class NestedTooDeeply(ValueError):
    """The JSON nests arrays and objects deeper than Python's parser can follow."""

    def __init__(self) -> None:
        super().__init__("the JSON is nested too deeply to read")


def reject_constant(name: str) -> NoReturn:
    """The ``parse_constant`` hook that refuses every constant JSON does not allow."""
    raise NonStandardConstant(name)


def loads(text: str) -> object:
    """The value of the JSON ``text``; ``ValueError`` for anything that is not JSON.

    Unlike ``json.loads`` it never raises ``RecursionError`` (deep nesting is
    ``NestedTooDeeply``) and refuses ``NaN`` and the infinities. Numbers too large for a
    float, such as ``1e400``, read as ``inf``, as JSON leaves their meaning to the reader:
    callers bound the numbers they use.
    """
    try:
        return json.loads(text, parse_constant=reject_constant)
    except RecursionError:
        raise NestedTooDeeply() from None


# Strings are matched whole so that a constant's name inside one is never taken for it.
_STRING_OR_CONSTANT = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|(-?Infinity|NaN)', re.DOTALL)


def constant_position(text: str, name: str) -> int:
    """Where the constant ``name`` first appears in ``text`` outside a string; 0 if nowhere."""
    for match in _STRING_OR_CONSTANT.finditer(text):
        if match.group(1) == name:
            return match.start(1)
    return 0

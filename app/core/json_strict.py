"""Refusing ``NaN``, ``Infinity`` and ``-Infinity``, which Python's ``json`` reads but JSON
(RFC 8259) does not allow, and which most servers and clients reject.

Pass ``reject_constant`` as ``json.loads(..., parse_constant=reject_constant)``: the parse
then raises ``NonStandardConstant``. The scanner does not say where it met the constant;
``constant_position`` finds it.

Errors::

    ValueError
     └── NonStandardConstant   .name is the constant met; str(exc) is "NaN is not valid JSON"
"""

from __future__ import annotations

import re
from typing import NoReturn

__all__ = ["NonStandardConstant", "constant_position", "reject_constant"]


class NonStandardConstant(ValueError):
    """``json.loads`` met ``NaN``, ``Infinity`` or ``-Infinity`` (``name``), which is not JSON."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is not valid JSON")
        self.name = name


def reject_constant(name: str) -> NoReturn:
    """The ``parse_constant`` hook that refuses every constant JSON does not allow."""
    raise NonStandardConstant(name)


# Strings are matched whole so that a constant's name inside one is never taken for it.
_STRING_OR_CONSTANT = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|(-?Infinity|NaN)', re.DOTALL)


def constant_position(text: str, name: str) -> int:
    """Where the constant ``name`` first appears in ``text`` outside a string; 0 if nowhere."""
    for match in _STRING_OR_CONSTANT.finditer(text):
        if match.group(1) == name:
            return match.start(1)
    return 0

"""Server text made safe to show: bounded in length, with invisible characters made visible.

A server controls every character of a reason phrase, header, key, value or error message.
Two kinds of character can make what the user reads differ from what was sent:

- bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE and its kin) reorder the text
  around them, so ``"gpj.exe"`` can read as ``"exe.jpg"``;
- control characters (NUL, ESC, BEL, the rest of C0 and C1) and zero-width characters are
  invisible or cut the text short in some widgets.

:func:`visible_text` replaces each of them with its escape (``\\u202e``), so it shows and
cannot act; tab and newline are kept, and ``\\r\\n`` becomes ``\\n``. :func:`display_text`
also bounds the length first, because laying out megabytes in a label freezes a window for
tens of seconds: it returns the shown prefix and whether text was left out.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["LABEL_CHARS", "DisplayText", "describe_size", "display_text", "visible_text"]

LABEL_CHARS = 2000
"""How much server text a label shows before "Show all" (a few screenfuls of wrapped text)."""

# C0 except tab and newline, DEL and C1, the Arabic letter mark, zero-width space,
# LRM/RLM, line and paragraph separators, the embeddings and overrides (U+202A-U+202E),
# word joiner, the isolates (U+2066-U+2069) and the byte-order mark.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]"
)


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def visible_text(text: str) -> str:
    """``text`` with every bidi control, control and zero-width character escaped."""
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    return _INVISIBLE.sub(_escape, text)


class DisplayText(NamedTuple):
    """What a label shows (``text``) and whether the server's text was longer (``cut``)."""

    text: str
    cut: bool


def display_text(text: str, max_chars: int = LABEL_CHARS) -> DisplayText:
    """At most ``max_chars`` characters of ``text``, made visible; ``…`` ends a cut text."""
    cut = len(text) > max_chars
    shown = visible_text(text[:max_chars] if cut else text)
    return DisplayText(shown + " …" if cut else shown, cut)


def describe_size(size: int) -> str:
    """``512 MB``, ``1.5 MB``, ``900 KB``: a byte count as people say it
    (1 KB = 1024 bytes)."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            value = size / scale
            return f"{value:.0f} {unit}" if value >= 1000 else f"{value:.3g} {unit}"
    return f"{size} bytes"

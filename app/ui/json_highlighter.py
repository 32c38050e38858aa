"""Syntax colouring for JSON bodies, readable on light and dark palettes."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)

from app.ui.status_style import is_dark

__all__ = ["MAX_COLOURED_LINE_LENGTH", "JsonHighlighter", "JsonTheme"]

MAX_COLOURED_LINE_LENGTH = 20_000

# JSON strings cannot contain raw line breaks, so every token fits in one block and no
# state has to be carried between blocks. A string still open at the end of the line is
# coloured too, so the colour follows the user while they type it.
_TOKENS = re.compile(
    r"""
    (?P<placeholder>\{\{[^{}\n]*\}\})
    | (?P<string>"[^"\\]*(?:\\.[^"\\]*)*"?)
    | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    | (?P<word>[A-Za-z_]\w*)
    """,
    re.VERBOSE,
)
_KEY_FOLLOWS = re.compile(r"\s*:")
_PLACEHOLDER = re.compile(r"\{\{[^{}\n]*\}\}")
_KEYWORDS = frozenset(("true", "false", "null"))
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class JsonTheme:
    """Colours (``#rrggbb``) for each kind of JSON token."""

    key: str
    string: str
    number: str
    keyword: str
    punctuation: str
    placeholder: str

    @classmethod
    def for_palette(cls, palette: QPalette) -> JsonTheme:
        """Pick the light or dark theme to contrast with the palette's window colour."""
        if is_dark(palette):
            return _DARK
        return _LIGHT


_LIGHT = JsonTheme(
    key="#0451a5",
    string="#a31515",
    number="#098658",
    keyword="#7a3e9d",
    punctuation="#616161",
    placeholder="#b35c00",
)
_DARK = JsonTheme(
    key="#9cdcfe",
    string="#ce9178",
    number="#b5cea8",
    keyword="#c586c0",
    punctuation="#a0a0a0",
    placeholder="#e5c07b",
)


class JsonHighlighter(QSyntaxHighlighter):
    """Colours keys, strings, numbers, ``true``/``false``/``null``, punctuation and
    ``{{variable}}`` placeholders, one regular-expression pass per block.

    Call ``apply_palette`` when the widget's palette changes (e.g. the user switches to a
    dark theme) so the colours keep their contrast.
    """

    def __init__(self, document: QTextDocument, palette: QPalette | None = None) -> None:
        super().__init__(document)
        # No rehighlight here: attaching to a document already schedules one.
        self._theme = JsonTheme.for_palette(
            palette if palette is not None else QGuiApplication.palette()
        )
        self._formats = _formats_for(self._theme)

    @property
    def theme(self) -> JsonTheme:
        """The colours currently in use."""
        return self._theme

    def apply_palette(self, palette: QPalette) -> None:
        """Choose colours that contrast with ``palette`` and recolour the document."""
        theme = JsonTheme.for_palette(palette)
        if theme == self._theme:
            return
        self._theme = theme
        self._formats = _formats_for(theme)
        if self.document() is not None:
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        if not text:
            return
        if len(text) > MAX_COLOURED_LINE_LENGTH:
            # Qt re-highlights the whole block on every keystroke; on a minified one-line
            # body that would make typing lag, so only the start of the line is coloured.
            text = text[:MAX_COLOURED_LINE_LENGTH]
        to_qt = _utf16_offsets(text)
        formats = self._formats
        set_format = self.setFormat
        # One call colours all punctuation (whitespace takes the colour invisibly), so the
        # per-token loop below only handles values; that halves the work on large bodies.
        set_format(0, to_qt(len(text)) if to_qt else len(text), formats["punctuation"])
        placeholders: list[tuple[int, int]] = []
        for match in _TOKENS.finditer(text):
            kind = match.lastgroup
            start, end = match.span()
            if kind == "word":
                if match.group() not in _KEYWORDS:
                    continue
                kind = "keyword"
            elif kind == "string":
                if _KEY_FOLLOWS.match(text, end):
                    kind = "key"
                if "{{" in match.group():
                    placeholders.extend(m.span() for m in _PLACEHOLDER.finditer(text, start, end))
            assert kind is not None
            if to_qt is not None:
                start, end = to_qt(start), to_qt(end)
            set_format(start, end - start, formats[kind])
        # Applied last so a placeholder inside a string shows over the string colour.
        for start, end in placeholders:
            if to_qt is not None:
                start, end = to_qt(start), to_qt(end)
            set_format(start, end - start, formats["placeholder"])


def _formats_for(theme: JsonTheme) -> dict[str, QTextCharFormat]:
    formats: dict[str, QTextCharFormat] = {}
    for kind in ("key", "string", "number", "keyword", "punctuation", "placeholder"):
        fmt = QTextCharFormat()
        fmt.setForeground(QColor(getattr(theme, kind)))
        formats[kind] = fmt
    # Bold only for placeholders: they are rare, and making keys bold would shift columns
    # in fonts whose bold face is wider.
    formats["placeholder"].setFontWeight(QFont.Weight.Bold)
    return formats


def _utf16_offsets(text: str) -> Callable[[int], int] | None:
    """Map Python (code point) offsets to Qt's UTF-16 offsets, or None if they are equal.

    They differ only after characters outside the Basic Multilingual Plane (most emoji),
    which take two UTF-16 units; checking for them first keeps ordinary text cheap.
    """
    if text.isascii():
        return None
    astral = [m.start() for m in _ASTRAL.finditer(text)]
    if not astral:
        return None
    return lambda index: index + bisect.bisect_left(astral, index)

"""Colours for status classes and error text, readable on light and dark palettes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QWidget

__all__ = ["error_text_color", "is_dark", "problem_label", "status_color", "warning_text_color"]

# (light palette, dark palette) per status class: dark colours on light windows, light ones
# on dark windows, each with contrast above 4.5:1 against the default window colour.
_STATUS_COLOURS: dict[int, tuple[str, str]] = {
    1: ("#555555", "#bbbbbb"),
    2: ("#1b7d2a", "#6fdc7f"),
    3: ("#1f5fbf", "#7fb0ff"),
    4: ("#a15000", "#ffb35c"),
    5: ("#c0172b", "#ff7b86"),
}


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def status_color(status: int, palette: QPalette) -> QColor:
    light, dark = _STATUS_COLOURS.get(status // 100, ("#555555", "#bbbbbb"))
    return QColor(dark if is_dark(palette) else light)


def error_text_color(palette: QPalette) -> QColor:
    return QColor("#ff7b86" if is_dark(palette) else "#c0172b")


def warning_text_color(palette: QPalette) -> QColor:
    return QColor("#ffb35c" if is_dark(palette) else "#8a4b00")


def problem_label(object_name: str, parent: QWidget) -> QLabel:
    """A hidden, word-wrapped, plain-text label in the error colour, for a dialog's refusal."""
    label = QLabel(parent)
    label.setObjectName(object_name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {error_text_color(parent.palette()).name()};")
    label.hide()
    return label

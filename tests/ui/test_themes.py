"""Light and dark themes: every colour the app draws text in keeps 4.5:1 contrast."""

from __future__ import annotations

from dataclasses import astuple
from typing import Any

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from app.ui.json_highlighter import JsonTheme
from app.ui.status_style import error_text_color, status_color, warning_text_color
from app.ui.themes import apply_theme, theme_palette
from tests.ui.contrast import contrast

ROLE = QPalette.ColorRole


def test_every_text_colour_keeps_its_contrast_in_light_and_dark(qapp: Any) -> None:
    for theme in ("light", "dark"):
        palette = theme_palette(theme)
        window, base = palette.color(ROLE.Window), palette.color(ROLE.Base)
        pairs = [
            (palette.color(ROLE.WindowText), window),
            (palette.color(ROLE.Text), base),
            (palette.color(ROLE.ButtonText), palette.color(ROLE.Button)),
            (palette.color(ROLE.PlaceholderText), base),
            (palette.color(ROLE.Link), base),
            (palette.color(ROLE.HighlightedText), palette.color(ROLE.Highlight)),
            (error_text_color(palette), window),
            (warning_text_color(palette), window),
            *((status_color(status, palette), window) for status in (100, 200, 301, 404, 500)),
            *((QColor(colour), base) for colour in astuple(JsonTheme.for_palette(palette))),
        ]
        for text, background in pairs:
            assert contrast(text, background) >= 4.5, (theme, text.name(), background.name())


def test_switching_themes_at_run_time_and_back_to_the_system_look(qapp: Any) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    system = app.palette().color(ROLE.Window).name()
    assert apply_theme("dark") == "dark"
    assert app.palette().color(ROLE.Window).lightness() < 128
    assert apply_theme("light") == "light"
    assert app.palette().color(ROLE.Window).lightness() > 128
    assert apply_theme("no such theme") == "system"
    assert app.palette().color(ROLE.Window).name() == system


def test_applying_the_theme_in_use_again_changes_nothing(qapp: Any) -> None:
    # The start applies the theme to the window's frame and the menus apply it again: a
    # second style (and a re-polish of every widget) would be wasted.
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        apply_theme("dark")
        style = app.style()
        assert apply_theme("dark") == "dark"
        assert app.style() is style
        apply_theme("light")
        assert app.style() is not style
        assert app.palette().color(ROLE.Window).lightness() > 128
    finally:
        apply_theme("system")

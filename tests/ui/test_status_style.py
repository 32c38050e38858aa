from typing import Any

from PySide6.QtGui import QColor, QPalette

from app.ui.status_style import error_text_color, is_dark, status_color
from tests.ui.contrast import contrast


def _palette(window: str) -> QPalette:
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor(window))
    return palette


def test_every_status_class_is_distinct_and_readable_on_light_and_dark(qapp: Any) -> None:
    for window in ("#f0f0f0", "#202124"):
        palette = _palette(window)
        colours = {status_color(status, palette).name() for status in (200, 301, 404, 500)}
        assert len(colours) == 4
        for status in (200, 301, 404, 500):
            assert contrast(status_color(status, palette), QColor(window)) >= 4.5, (window, status)
        assert contrast(error_text_color(palette), QColor(window)) >= 4.5
    assert is_dark(_palette("#202124")) and not is_dark(_palette("#f0f0f0"))

"""Light, dark, or the system's look, switchable while the app runs.

``apply_theme`` sets the application's palette (Fusion's, for light and dark, so they look
the same on every desktop); widgets that colour text themselves (status, errors, the JSON
highlighter) pick their colours from the palette when it changes, so every theme keeps their
4.5:1 contrast (tests/ui/test_themes.py measures it).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QStyleOptionComplex,
    QWidget,
)

from app.core.preferences import THEMES

__all__ = ["THEMES", "FocusRingStyle", "apply_theme", "theme_palette"]

_ROLE = QPalette.ColorRole
_GROUP = QPalette.ColorGroup

# (role, light, dark): Fusion's roles with the colours of a calm light and dark UI.
_COLOURS = (
    (_ROLE.Window, "#efefef", "#202124"),
    (_ROLE.WindowText, "#1b1b1b", "#e8eaed"),
    (_ROLE.Base, "#ffffff", "#17181a"),
    (_ROLE.AlternateBase, "#f5f5f5", "#26272b"),
    (_ROLE.Text, "#1b1b1b", "#e8eaed"),
    (_ROLE.Button, "#e6e6e6", "#2d2f33"),
    (_ROLE.ButtonText, "#1b1b1b", "#e8eaed"),
    (_ROLE.ToolTipBase, "#ffffdc", "#2d2f33"),
    (_ROLE.ToolTipText, "#1b1b1b", "#e8eaed"),
    (_ROLE.PlaceholderText, "#6b6b6b", "#9aa0a6"),
    (_ROLE.Highlight, "#2f65ca", "#5b8def"),
    (_ROLE.HighlightedText, "#ffffff", "#0b0c0e"),
    (_ROLE.Link, "#1a55c2", "#8ab4f8"),
    (_ROLE.LinkVisited, "#6b3fb4", "#c58af9"),
    (_ROLE.Light, "#ffffff", "#3c4043"),
    (_ROLE.Midlight, "#f0f0f0", "#34363a"),
    (_ROLE.Mid, "#b8b8b8", "#55585d"),
    (_ROLE.Dark, "#8a8a8a", "#121314"),
    (_ROLE.Shadow, "#4a4a4a", "#000000"),
)
_DISABLED = (
    (_ROLE.WindowText, "#8a8a8a", "#7c8086"),
    (_ROLE.Text, "#8a8a8a", "#7c8086"),
    (_ROLE.ButtonText, "#8a8a8a", "#7c8086"),
)

_system: tuple[str, QPalette] | None = None  # the style and palette the app started with
# The theme applied last and the style it set: applying it again is a no-op (the start
# applies the theme to the window's frame, then the menus apply it again).
_applied: tuple[str, QStyle] | None = None


def theme_palette(theme: str) -> QPalette:
    """The palette of ``"light"`` or ``"dark"``."""
    dark = theme == "dark"
    palette = QPalette()
    for role, light_colour, dark_colour in _COLOURS:
        palette.setColor(role, QColor(dark_colour if dark else light_colour))
    for role, light_colour, dark_colour in _DISABLED:
        palette.setColor(_GROUP.Disabled, role, QColor(dark_colour if dark else light_colour))
    return palette


_KEYBOARD_FOCUS = QStyle.StateFlag.State_HasFocus | QStyle.StateFlag.State_KeyboardFocusChange
_PE = QStyle.PrimitiveElement
# Where the ring goes: buttons, tool buttons, what Qt styles already mark with a thin dotted
# or tinted focus frame (check boxes, tabs, list and tree items), and the frame of a list,
# tree, table or text view that has the keyboard (a QFrame's styled panel is drawn as
# PE_Frame: ringing it there, not in drawControl, keeps every label's repaint out of Python).
_RINGED = (
    _PE.PE_PanelButtonCommand,
    _PE.PE_PanelButtonTool,
    _PE.PE_FrameFocusRect,
    _PE.PE_Frame,
)


class FocusRingStyle(QProxyStyle):
    """The base style, plus a 2 px ring in the palette's highlight colour around whatever has
    the keyboard focus (after Tab, not after a click: the ring follows the keyboard).

    Fusion marks a focused button with the same faint outline as the default button, so Send
    looked the same focused or not, and a keyboard user could not tell where Tab had gone."""

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element is _PE.PE_FrameFocusRect:
            if (option.state & _KEYBOARD_FOCUS) == _KEYBOARD_FOCUS:
                _ring(option, painter)
            return
        super().drawPrimitive(element, option, painter, widget)
        if element in _RINGED and (option.state & _KEYBOARD_FOCUS) == _KEYBOARD_FOCUS:
            _ring(option, painter)

    def drawComplexControl(
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawComplexControl(control, option, painter, widget)
        if (
            control is QStyle.ComplexControl.CC_ComboBox
            and (option.state & _KEYBOARD_FOCUS) == _KEYBOARD_FOCUS
        ):
            _ring(option, painter)


def _ring(option: QStyleOption, painter: QPainter) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(option.palette.color(QPalette.ColorRole.Highlight), 2))
    painter.setBrush(QColor(0, 0, 0, 0))
    painter.drawRoundedRect(QRectF(option.rect).adjusted(1, 1, -1, -1), 3, 3)
    painter.restore()


def apply_theme(theme: str) -> str:
    """Use ``theme`` (one of ``THEMES``; anything else is "system"); returns the one used."""
    global _system, _applied
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return "system"
    used = theme if theme in ("light", "dark") else "system"
    if _applied is not None and _applied == (used, app.style()):
        return used
    if _system is None:
        _system = (app.style().name(), QPalette(app.palette()))
    if theme not in ("light", "dark"):
        # A new style object each time: the proxy owns its base, and app.style() is Qt's.
        base = QStyleFactory.create(_system[0]) or QStyleFactory.create("Fusion")
        app.setStyle(FocusRingStyle(base))
        app.setPalette(_system[1])
    else:
        app.setStyle(FocusRingStyle(QStyleFactory.create("Fusion")))
        app.setPalette(theme_palette(theme))
    _applied = (used, app.style())
    return used

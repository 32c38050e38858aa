"""Renders the app icon's PNGs from its SVG: ``app/resources/icons/api-explorer-<size>.png``.

Run after changing ``app/resources/icons/api-explorer.svg`` and commit the PNGs with it:
``QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/render_icons.py``. PNGs, not the SVG,
are what the window and the packages use: Qt reads an SVG icon only through its SVG
plugin, which the PyInstaller build leaves out with QtSvg.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "app" / "resources" / "icons"
SOURCE = ICONS / "api-explorer.svg"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"render_icons: {SOURCE} is not an SVG Qt can read.", file=sys.stderr)
        return 1
    for size in SIZES:
        target = ICONS / f"api-explorer-{size}.png"
        if not render(renderer, size).save(str(target)):
            print(f"render_icons: {target} could not be written.", file=sys.stderr)
            return 1
        print(f"Wrote {target.relative_to(ICONS.parent.parent.parent)}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())

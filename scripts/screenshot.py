"""Renders the README screenshot: the real window, a real request to the demo API.

Run under a display (``xvfb-run -a .venv/bin/python scripts/screenshot.py``) or offscreen;
``make screenshot`` does the former.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

# A data folder of its own: the screenshot is the same whatever the user's tabs and drafts
# are (it showed a bench's request once), and nothing is left in theirs.
os.environ["API_EXPLORER_HOME"] = tempfile.mkdtemp(prefix="api-explorer-screenshot-")

import qasync
from PySide6.QtWidgets import QApplication, QLabel

from app.application import create_main_window

SHOTS = Path(__file__).resolve().parent.parent / "resources" / "screenshots"
OUT = {"light": SHOTS / "main-window.png", "dark": SHOTS / "main-window-dark.png"}


def main() -> int:
    app = QApplication(sys.argv[:1])

    async def shoot() -> None:
        window = create_main_window()
        window.resize(1200, 860)
        window.show()
        builder = window.builder
        sample = Path("payments/create-payment-invalid-fields.request.yaml")
        window.sidebar.open_request(sample)
        window.sidebar.tree.expand(window.sidebar.model.index_for_path(sample.parent))
        window.sidebar.tree.setCurrentIndex(window.sidebar.model.index_for_path(sample))
        builder.tabs.setCurrentWidget(builder.body)
        done = asyncio.Event()
        window.sends.finished.connect(lambda _r: done.set())
        window.send()
        await asyncio.wait_for(done.wait(), 10)
        for _ in range(20):
            app.processEvents()
            await asyncio.sleep(0.05)
        # The fresh data folder's notice about this machine's keyring is not the app's face.
        notice = window.findChild(QLabel, "noticeLabel")
        if notice is not None:
            notice.hide()
        SHOTS.mkdir(parents=True, exist_ok=True)
        for theme, path in OUT.items():
            window.menus.set_theme(theme)
            for _ in range(10):
                app.processEvents()
                await asyncio.sleep(0.05)
            window.grab().save(str(path))
            print(f"saved {path}")
        window.menus.set_theme("system")
        window.close()
        await window.sends.aclose()

    qasync.run(shoot())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

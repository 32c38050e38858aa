"""Hostile responses from a loopback server, shown in the real window: small bodies that must
not freeze it, use gigabytes, or make what the user reads differ from what was sent."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from app.ui.main_window import MainWindow
from tests.e2e.conftest import child
from tests.e2e.hostile_server import Canned, HostileServer, hostile_server
from tests.e2e.test_send_and_read import TIMEOUT_MS, set_request, text

# Generous, for CI: before the fix the description alone froze the window for 30 s and the
# field problems went past 12 GB.
SHOW_SECONDS = 8.0
STALL_SECONDS = 2.0
RSS_GROWTH_BYTES = 1_500_000_000


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with hostile_server() as running:
        yield running


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class StallMeter:
    """A 10 ms timer on the GUI thread: the longest gap between its ticks is the longest
    time the window could not repaint or take input."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def stop(self) -> None:
        self._tick()
        self._timer.stop()


def send_measured(qtbot: Any, window: MainWindow) -> tuple[float, float]:
    """Send, wait until the response is on screen; the seconds that took and the longest
    stall of the window meanwhile."""
    meter = StallMeter()
    started = time.perf_counter()
    with qtbot.waitSignal(window.sends.finished, timeout=TIMEOUT_MS):
        child(window, "sendButton").click()
    qtbot.wait(50)  # one more turn: whatever the pane lays out after the signal
    elapsed = time.perf_counter() - started
    meter.stop()
    return elapsed, meter.longest


def test_huge_error_description_and_200k_field_problems_keep_the_window_responsive(
    qtbot: Any, window: MainWindow, server: HostileServer
) -> None:
    properties = {f"field{i}": [f"Problem number {i}."] for i in range(200_000)}
    body = json.dumps(
        {
            "error": "invalid_parameters",
            "error_description": "Too long. " * 480_000,
            "error_properties": properties,
        }
    ).encode()
    assert len(body) > 9_000_000
    server.routes["/hostile"] = Canned(400, body)
    set_request(window, "GET", server.url("/hostile"))
    before = rss_bytes()
    elapsed, stall = send_measured(qtbot, window)
    grown = rss_bytes() - before
    print(f"\nshown in {elapsed:.2f} s, longest stall {stall:.3f} s, RSS +{grown / 1e6:.0f} MB")
    assert text(window, "errorCodeLabel") == "invalid_parameters"
    assert elapsed < SHOW_SECONDS
    assert stall < STALL_SECONDS
    assert grown < RSS_GROWTH_BYTES

    panel = window.response_pane.error_panel
    description = panel.description_label.text()
    assert description.startswith("Too long.") and len(description) < 2100
    assert panel.fields_label.text() == "200,000 field problems:"
    fields = panel.fields_view
    assert fields.isVisible() and fields.model().rowCount() == 200_000
    assert fields.model().index(199_999, 0).data() == "field199999: Problem number 199999."

    panel.description_all_button.click()
    dialog = panel.text_dialog()
    assert dialog is not None and dialog.isVisible()
    assert len(dialog.text_edit.toPlainText()) == 4_800_000 - 1  # stripped of its last space

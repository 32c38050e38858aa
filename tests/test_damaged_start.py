"""One damaged file in the data folder must not stop the app from starting.

Each case used to crash every start (OverflowError, RecursionError, AttributeError). Now
the real window starts, says in its status bar which file could not be used and where it
was kept, and the next start is clean.
"""

from __future__ import annotations

import asyncio
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from app.application import create_main_window

DEEP = "[" * 100_000 + "]" * 100_000

_GOOD_TAB = {
    "id": "t1",
    "source": None,
    "collection": None,
    "saved": None,
    "current": "name: Kept\nurl: /kept-by-the-restart\n",
}

CASES: dict[str, tuple[str, str]] = {
    "settings: a history size that overflows": (
        "settings.json",
        json.dumps({"history_max_mb": 3_000_000_000}),
    ),
    "settings: 100,000-deep JSON": ("settings.json", DEEP),
    "settings: a timeout of 1e400 and too many entries": (
        "settings.json",
        '{"timeout_seconds": 1e400, "history_max_entries": 99999999999}',
    ),
    "settings: NaN": ("settings.json", '{"timeout_seconds": NaN}'),
    "settings: not an object": ("settings.json", "[1, 2, 3]"),
    "drafts: tabs is an object": (
        "drafts/session.json",
        json.dumps({"version": 1, "tabs": {"id": "t1"}}),
    ),
    "drafts: tabs is [null]": ("drafts/session.json", json.dumps({"version": 1, "tabs": [None]})),
    "drafts: a tab whose current is 5": (
        "drafts/session.json",
        json.dumps({"version": 1, "tabs": [{"id": "t1", "current": 5}]}),
    ),
    "drafts: 100,000-deep JSON": ("drafts/session.json", DEEP),
    "drafts: not UTF-8": ("drafts/session.json", "\udcff{}"),
}


def notice_text(window: Any) -> str:
    label = window.findChild(QLabel, "noticeLabel")
    return label.text() if label is not None else ""


@pytest.mark.parametrize("case", CASES)
def test_the_app_starts_with_a_damaged_file_and_says_where_it_was_kept(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop, explorer_home: Path, case: str
) -> None:
    name, text = CASES[case]
    damaged = explorer_home / name
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(text.encode("utf-8", "surrogateescape"))

    window = create_main_window(demo=False)
    qtbot.addWidget(window)
    notice = notice_text(window)
    [kept] = damaged.parent.glob(damaged.name + ".damaged-*")
    assert kept.read_bytes() == text.encode("utf-8", "surrogateescape")
    assert str(damaged) in notice and str(kept) in notice
    window.close()

    # The next start finds what the first one wrote, and says nothing.
    window = create_main_window(demo=False)
    qtbot.addWidget(window)
    assert notice_text(window) == ""
    window.close()


def test_the_good_tabs_of_a_damaged_session_come_back(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop, explorer_home: Path
) -> None:
    drafts = explorer_home / "drafts"
    drafts.mkdir(parents=True)
    session = {"version": 1, "active": 1, "tabs": [None, _GOOD_TAB, {"id": "t2", "current": 5}]}
    (drafts / "session.json").write_text(json.dumps(session))
    window = create_main_window(demo=False)
    qtbot.addWidget(window)
    assert window.builder.url_edit.text() == "/kept-by-the-restart"
    notice = notice_text(window)
    assert "tab 1: it is not a JSON object" in notice
    assert "tab 3: its request is not text" in notice
    window.close()


def test_a_start_leaves_nothing_in_the_data_folder_readable_by_others(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop, explorer_home: Path
) -> None:
    mask = os.umask(0o022)
    try:
        # With the demo: its collection is copied into the data folder too.
        window = create_main_window()
        qtbot.addWidget(window)
        window.builder.url_edit.setText("/payments?token=typed-not-saved")
        window.close()
    finally:
        os.umask(mask)
    found = {
        p.relative_to(explorer_home): stat.S_IMODE(p.stat().st_mode)
        for p in explorer_home.rglob("*")
    }
    assert {
        Path("settings.json"),
        Path("history.sqlite3"),
        Path("drafts/session.json"),
        Path("collections/demo-api/collection.yaml"),
    } <= set(found)
    assert stat.S_IMODE(explorer_home.stat().st_mode) == 0o700
    for path, mode in found.items():
        expected = 0o700 if (explorer_home / path).is_dir() else 0o600
        assert mode == expected, path

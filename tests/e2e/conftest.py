"""End-to-end fixtures: the real window from ``create_main_window()``, its real demo API."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from app.application import create_main_window
from app.launch import GUI_SWITCH_INTERVAL_S
from app.storage.collection_store import CollectionStore
from app.ui.main_window import MainWindow
from tests.prompts import ScriptedPrompts


@pytest.fixture(autouse=True, scope="session")
def app_switch_interval() -> Iterator[None]:
    """Threads hand the GIL over as often as in the app's process (``app.launch``)."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)
    yield
    sys.setswitchinterval(before)


@pytest.fixture
def prompts() -> ScriptedPrompts:
    """The user's answers to the window's questions (none queued: any question fails)."""
    return ScriptedPrompts()


@contextmanager
def running_window(
    qtbot: Any, loop: asyncio.AbstractEventLoop, **options: Any
) -> Iterator[MainWindow]:
    """``create_main_window(**options)`` shown; closed afterwards, its HTTP client too."""
    main = create_main_window(**options)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    try:
        yield main
    finally:
        main.close()
        closing = loop.create_task(main.sends.aclose())
        qtbot.waitUntil(closing.done, timeout=5000)


@pytest.fixture
def window(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop, prompts: ScriptedPrompts
) -> Iterator[MainWindow]:
    with running_window(qtbot, qt_loop, prompts=prompts) as main:
        yield main


@pytest.fixture
def team_window(
    qtbot: Any,
    qt_loop: asyncio.AbstractEventLoop,
    collection: CollectionStore,
    prompts: ScriptedPrompts,
) -> Iterator[MainWindow]:
    """The window with the test module's own ``collection`` open (each module defines one)."""
    with running_window(qtbot, qt_loop, collection=collection.root, prompts=prompts) as window:
        yield window


def child(window: QWidget, name: str) -> Any:
    widget = window.findChild(QWidget, name)
    assert widget is not None, f"no widget named {name}"
    return widget


def open_saved(window: MainWindow, path: str) -> None:
    """Open the open collection's request file ``path`` as a click in the sidebar does."""
    from pathlib import Path

    loaded = window.collections.loaded
    assert loaded is not None
    node = loaded.find(Path(path))
    assert node is not None and node.request is not None
    window.sidebar.request_opened.emit(Path(path), node.request)

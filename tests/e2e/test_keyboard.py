"""The window from the keyboard alone: the menu bar's shortcuts, the Tab order, and focus
that never stays in a panel the user cannot see."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from app.ui.main_window import MainWindow
from tests.e2e.conftest import child
from tests.e2e.test_send_and_read import send

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def focused(window: MainWindow) -> QWidget | None:
    return window.focusWidget()  # offscreen, QApplication.focusWidget() lags behind


def test_ctrl_l_goes_to_the_url_and_ctrl_t_types_into_the_new_tab(
    qtbot: Any, window: MainWindow
) -> None:
    window.response_pane.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_L, CTRL)
    assert focused(window) is window.builder.url_edit
    assert window.builder.url_edit.selectedText() == window.builder.url_edit.text()

    qtbot.keyClick(window, Qt.Key.Key_T, CTRL)
    assert focused(window) is window.builder.url_edit
    qtbot.keyClicks(focused(window), "/time")
    assert window.builder.url_edit.text() == "/time"


def test_ctrl_tab_and_ctrl_shift_tab_walk_the_tabs(qtbot: Any, window: MainWindow) -> None:
    first = window.active_tab()
    window.new_tab()
    second = window.active_tab()
    assert first is not None and second is not None
    window.menus.actions["next_tab"].trigger()
    assert window.active_tab().id == first.id  # type: ignore[union-attr]  # wraps around
    window.menus.actions["previous_tab"].trigger()
    assert window.active_tab().id == second.id  # type: ignore[union-attr]
    keys = window.menus.actions["next_tab"].shortcuts()
    assert QKeySequence("Ctrl+Tab") in keys


def test_every_action_names_its_shortcut_and_panels_come_back_from_view(
    qtbot: Any, window: MainWindow
) -> None:
    for key, action in window.menus.actions.items():
        if action.shortcuts():
            shown = action.shortcuts()[0].toString(QKeySequence.SequenceFormat.NativeText)
            assert shown in action.toolTip(), key
    window.history_dock.close()
    assert not window.history_dock.isVisible()
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert isinstance(view, QMenu)
    toggle = next(a for a in view.actions() if a.text() == "History")
    toggle.trigger()
    assert window.history_dock.isVisible()
    lines = window.menus.shortcut_lines()
    assert any("Ctrl+L" in line and "URL" in line for line in lines)
    about = window.menus.about_text()
    assert "API Explorer" in about and "Data folder" in about
    # Every package it runs on, from the installed metadata: the extras httpx brings too.
    for package in ("httpx (", "httpcore (", "h11 (", "brotli (", "zstandard (", "certifi ("):
        assert package in about, package


def test_typing_never_lands_in_the_hidden_history_search(qtbot: Any, window: MainWindow) -> None:
    window.history_dock.raise_()
    search = child(window, "historySearchEdit")
    search.setFocus()
    qtbot.waitUntil(lambda: focused(window) is search)
    with qtbot.waitSignal(window.history_dock.visibilityChanged) as hidden:
        window.collection_dock.raise_()  # the History tab goes behind the Collection tab
    assert hidden.args == [False]
    qtbot.waitUntil(lambda: focused(window) is window.builder.url_edit)


@pytest.mark.parametrize("key", [Qt.Key.Key_Tab, Qt.Key.Key_Backtab])
@pytest.mark.parametrize("pages", ["params+tree", "headers+headers"])
def test_tab_walks_every_control_on_screen_and_comes_back(
    qtbot: Any, window: MainWindow, key: Qt.Key, pages: str
) -> None:
    # With a response and a history entry: the History list and every table on the pages
    # shown must let Tab go on, and nothing hidden (a dock behind a tab) may take it.
    send(qtbot, window)
    if pages == "headers+headers":
        window.builder.tabs.setCurrentWidget(window.builder.headers_page)
        window.response_pane.tabs.setCurrentIndex(window.response_pane.HEADERS_TAB)
    window.builder.url_edit.setFocus()
    qtbot.waitUntil(lambda: focused(window) is window.builder.url_edit)
    seen: list[QWidget] = []
    for _ in range(80):
        qtbot.keyClick(focused(window), key)
        widget = focused(window)
        assert widget is not None
        assert not widget.visibleRegion().isEmpty(), f"{widget.objectName()} is not on screen"
        seen.append(widget)
        if widget is window.builder.url_edit:
            break
    names = [w.objectName() or type(w).__name__ for w in seen]
    assert seen[-1] is window.builder.url_edit, names
    assert any(window.response_pane.isAncestorOf(w) for w in seen), names
    assert any(window.builder.send_button is w for w in seen), names
    if pages != "headers+headers":  # the Tree page: its filter, then the tree, as they read
        order = ["responseFilterLanguage", "responseFilterBox", "responseTree"]
        if key == Qt.Key.Key_Backtab:
            order.reverse()
        at = names.index(order[0])
        assert names[at : at + 3] == order, names


def test_zoom_changes_the_text_size_and_actual_size_brings_it_back(
    qtbot: Any, window: MainWindow
) -> None:
    before = QApplication.font().pointSizeF()
    window.menus.actions["zoom_in"].trigger()
    assert QApplication.font().pointSizeF() > before
    window.menus.actions["zoom_reset"].trigger()
    assert QApplication.font().pointSizeF() == before


def test_file_new_collection_makes_and_opens_one(
    qtbot: Any, window: MainWindow, prompts: Any, tmp_path: Any
) -> None:
    folder = tmp_path / "team-api"
    prompts.folders.append(folder)
    prompts.texts.append("Team API")
    window.menus.actions["new_collection"].trigger()
    assert (folder / "collection.yaml").is_file()
    loaded = window.collections.loaded
    assert loaded is not None and loaded.root == folder and loaded.name == "Team API"
    prompts.folders.append(folder)  # the same folder again: refused with a sentence
    prompts.texts.append("Again")
    window.menus.actions["new_collection"].trigger()
    assert prompts.errors and "already holds a collection" in prompts.errors[-1]


def _ring_pixels(widget: QWidget) -> int:
    """Pixels of ``widget`` in the palette's highlight colour (what a focus ring is drawn in)."""
    image = widget.grab().toImage()
    ring = widget.palette().color(QPalette.ColorRole.Highlight)
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            colour = image.pixelColor(x, y)
            close = abs(colour.red() - ring.red()) + abs(colour.green() - ring.green())
            if close + abs(colour.blue() - ring.blue()) < 60:
                count += 1
    return count


@pytest.mark.parametrize("theme", ["light", "dark", "system"])
def test_what_tab_reaches_shows_a_ring_in_every_theme(
    qtbot: Any, window: MainWindow, theme: str
) -> None:
    window.menus.set_theme(theme)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    send: QWidget = child(window, "sendButton")
    check: QWidget = child(window, "followRedirectsCheck")
    url = window.builder.url_edit
    url.setFocus()
    before = {"send": _ring_pixels(send), "check": _ring_pixels(check)}
    qtbot.keyClick(url, Qt.Key.Key_Tab)
    assert focused(window) is send
    # Fusion marked a focused button with the default button's faint outline: no change.
    assert _ring_pixels(send) >= before["send"] + 2 * send.width()
    for _ in range(10):
        if focused(window) is check:
            break
        widget = focused(window)
        assert widget is not None
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    assert focused(window) is check
    assert _ring_pixels(check) >= before["check"] + check.width()
    assert _ring_pixels(send) <= before["send"] + 10  # the ring left with the focus


def test_every_menu_shows_tooltips_that_name_the_shortcut(window: MainWindow) -> None:
    menus = window.menuBar().findChildren(QMenu)
    # (an untitled one is the menu bar's own overflow menu, not ours)
    assert menus and [m.title() for m in menus if m.title() and not m.toolTipsVisible()] == []
    for action in window.menus.actions.values():
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if keys:
            assert keys in action.toolTip(), action.text()
    assert "Esc" in child(window, "cancelButton").toolTip()


def test_a_tree_reached_by_tab_shows_the_ring_on_its_frame(qtbot: Any, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    tree: QWidget = child(window, "collectionTree")
    before = _ring_pixels(tree)
    previous = child(window, "newFolderButton")
    previous.setFocus()
    qtbot.keyClick(previous, Qt.Key.Key_Tab)
    assert focused(window) is tree
    assert _ring_pixels(tree) >= before + tree.height()  # both sides of the frame at least

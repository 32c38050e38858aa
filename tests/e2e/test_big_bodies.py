"""A body past the streaming threshold in the real window against the real demo API: it
streams to a file, its tree comes from the worker's index, History links the file, and
the file goes when nothing shows or keeps the response any more."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import socket
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from app.http.spool import SpoolSettings
from app.services.filtering import Language
from app.ui.indexed_json_model import IndexedJsonModel
from app.ui.json_tree_model import JSON_PATH_ROLE, JsonTreeModel
from app.ui.main_window import MainWindow
from tests.e2e.conftest import child, running_window
from tests.e2e.test_compare_and_filter import _filter
from tests.e2e.test_send_and_read import TIMEOUT_MS, send, set_request, text, tree_rows
from tests.prompts import ScriptedPrompts

MB = 1024 * 1024


def _stream_above(window: MainWindow, explorer_home: Path, size: int) -> Path:
    folder = explorer_home / "responses"
    window.pipeline.spool = SpoolSettings(folder, size)
    window.pipeline.index_above = size
    window.new_tab()  # the demo's first tab has JSONPath assertions, which parse the body
    return folder


def _show_indexed(qtbot: Any, window: MainWindow, explorer_home: Path) -> IndexedJsonModel:
    """A 2 MB body of the demo API, indexed (past a 1 MB threshold), its top level shown."""
    _stream_above(window, explorer_home, 1 * MB)
    set_request(window, "GET", "/large?size_mb=2")
    send(qtbot, window)
    model = child(window, "responseTree").model()
    assert isinstance(model, IndexedJsonModel)
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=TIMEOUT_MS)
    return model


def _files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_big_body_streams_to_a_file_and_shows_as_a_lazy_tree(
    qtbot: Any, window: MainWindow, explorer_home: Path
) -> None:
    folder = _stream_above(window, explorer_home, 1 * MB)
    set_request(window, "GET", "/large?size_mb=3")
    send(qtbot, window)
    assert text(window, "statusLabel") == "200 OK"
    view = child(window, "responseTree")
    assert isinstance(view.model(), IndexedJsonModel)
    qtbot.waitUntil(lambda: set(tree_rows(window)) == {"items", "_metadata"}, timeout=TIMEOUT_MS)
    assert "A big body" in text(window, "responseMessageLabel")
    [spooled] = _files(folder)
    exchange = _shown_exchange(window)
    assert spooled.read_bytes() == exchange.response.body  # the file is the body exactly

    # The keyboard opens "items" and its first item; values come from the worker.
    model = view.model()
    view.setFocus()
    items = next(model.index(r, 0) for r in range(2) if model.index(r, 0).data() == "items")

    def open_first(index: Any) -> Any:
        view.setCurrentIndex(index)
        qtbot.keyClick(view, Qt.Key.Key_Right)
        qtbot.waitUntil(lambda: model.rowCount(index) > 0, timeout=TIMEOUT_MS)
        return model.index(0, 0, index)

    first = open_first(items)
    if first.siblingAtColumn(2).data() == "range":  # more than 10,000 items
        first = open_first(first)
    leaf = open_first(first)
    view.setCurrentIndex(leaf)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    key = leaf.data()
    assert leaf.data(JSON_PATH_ROLE) == f"$.items[0].{key}"
    expected = json.loads(exchange.response.body)["items"][0][key]
    copied = QGuiApplication.clipboard().text()
    assert copied == (expected if isinstance(expected, str) else json.dumps(expected))

    # History keeps the very file (a hard link), not a copy in its database.
    qtbot.waitUntil(lambda: len(window.history_panel.shown_ids()) == 1, timeout=TIMEOUT_MS)
    [kept] = _history_files(explorer_home)
    assert kept.stat().st_ino == spooled.stat().st_ino

    # A small response replaces it: the parsed tree is back, the worker ends, the file goes.
    set_request(window, "GET", "/server")
    send(qtbot, window)
    assert isinstance(view.model(), JsonTreeModel)
    assert not model.is_open()
    del exchange
    gc.collect()
    qtbot.waitUntil(lambda: _files(folder) == [], timeout=TIMEOUT_MS)


def test_a_big_body_filters_with_jq_reading_exact_values_from_the_index(
    qtbot: Any, window: MainWindow, explorer_home: Path
) -> None:
    indexed = _show_indexed(qtbot, window, explorer_home)
    view = child(window, "responseTree")
    document = json.loads(_shown_exchange(window).response.body, parse_float=str)
    pane = window.response_pane
    # JSONPath needs the parsed document: a sentence pointing at jq.
    said = _filter(qtbot, window, Language.JSONPATH, "$.items[0].id")
    assert "choose jq" in said
    # The index itself is not searched by Find.
    pane.show_find()
    child(window, "findEdit").setText("price")
    assert "not searched" in text(window, "findCountLabel")
    # Paths jq selects are read from the index: labels as for a parsed body, values exact.
    said = _filter(qtbot, window, Language.JQ, ".items[0].price, .items[-1].id")
    assert said == "2 matches"
    assert view.model() is pane.tree_model
    rows = {
        pane.tree_model.index(r, 0).data(): pane.tree_model.index(r, 1).data()
        for r in range(pane.tree_model.rowCount())
    }
    last = len(document["items"]) - 1
    assert rows[f"$.items[{last}].id"] == str(document["items"][-1]["id"])
    assert rows["$.items[0].price"].startswith("{")
    # The find bar, open before, now finds in the matches shown.
    qtbot.waitUntil(lambda: text(window, "findCountLabel") == "1 of 1", timeout=TIMEOUT_MS)
    # Cleared, the index shows again.
    child(window, "responseFilterEdit").clear()
    pane.filter_bar.apply()
    assert view.model() is indexed


def test_jsonpath_assertions_get_the_parsed_document_of_a_big_body(
    qtbot: Any, window: MainWindow, explorer_home: Path
) -> None:
    folder = _stream_above(window, explorer_home, 1 * MB)
    opened = window.active_tab()
    assert opened is not None
    window.close_tab(opened.id)  # back to the demo's tab and its assertions
    set_request(window, "GET", "/large?size_mb=2")
    send(qtbot, window)
    assert isinstance(child(window, "responseTree").model(), JsonTreeModel)
    assert _files(folder)  # streamed all the same
    assert window.builder.assertions.title().startswith("Tests ")


def test_a_big_history_entry_opens_through_the_index(
    qtbot: Any, window: MainWindow, explorer_home: Path
) -> None:
    folder = _stream_above(window, explorer_home, 1 * MB)
    set_request(window, "GET", "/large?size_mb=2")
    send(qtbot, window)
    panel = window.history_panel
    qtbot.waitUntil(lambda: len(panel.shown_ids()) == 1, timeout=TIMEOUT_MS)
    set_request(window, "GET", "/server")
    send(qtbot, window)
    gc.collect()
    qtbot.waitUntil(lambda: _files(folder) == [], timeout=TIMEOUT_MS)
    panel.entry_opened.emit(panel.shown_ids()[-1])
    view = child(window, "responseTree")
    qtbot.waitUntil(lambda: isinstance(view.model(), IndexedJsonModel), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: set(tree_rows(window)) == {"items", "_metadata"}, timeout=TIMEOUT_MS)
    message = text(window, "responseMessageLabel")
    assert message.startswith("Recorded in history:") and "A big body (2" in message
    # Shown from History's own file: nothing new was written for it.
    assert _files(folder) == []
    [kept] = _history_files(explorer_home)
    assert kept.stat().st_size > MB


def _shown_exchange(window: MainWindow) -> Any:
    tab = window.active_tab()
    assert tab is not None
    result = window.session.result(tab.id)
    exchange = result.outcome.exchange  # type: ignore[union-attr]
    assert exchange is not None
    return exchange


def _history_files(explorer_home: Path) -> list[Path]:
    return sorted((explorer_home / "history-bodies").glob("*.bin"))


def test_the_progress_line_says_into_a_file_and_esc_cancel_leaves_no_file(
    qtbot: Any, window: MainWindow, explorer_home: Path
) -> None:
    folder = _stream_above(window, explorer_home, 64 * 1024)
    body = b'{"data": "' + b"x" * 400_000 + b'"}'
    release = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        connection, _ = listener.accept()
        with connection, contextlib.suppress(OSError):
            connection.recv(65536)
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            connection.sendall(head + b"Content-Length: %d\r\n\r\n" % len(body))
            connection.sendall(body[:200_000])
            release.wait(10)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        set_request(window, "GET", f"http://127.0.0.1:{listener.getsockname()[1]}/big")
        child(window, "sendButton").click()
        qtbot.waitUntil(
            lambda: "of 391 KB received into a file in" in text(window, "responseMessageLabel"),
            timeout=5000,
        )
        assert len(_files(folder)) == 1  # it is streaming to its file
        with qtbot.waitSignal(window.sends.cancelled, timeout=TIMEOUT_MS):
            qtbot.keyClick(window, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: _files(folder) == [], timeout=TIMEOUT_MS)
    finally:
        release.set()
        thread.join(5)
        listener.close()


def test_the_streaming_size_is_a_preference_that_applies_and_is_remembered(
    qtbot: Any,
    qt_loop: asyncio.AbstractEventLoop,
    window: MainWindow,
    prompts: ScriptedPrompts,
    explorer_home: Path,
) -> None:
    def one_megabyte(dialog: Any) -> bool:
        assert dialog.stream_above_spin.value() == 8  # the default
        dialog.stream_above_spin.setValue(1)
        return True

    prompts.dialogs.append(one_megabyte)
    window.menus.actions["preferences"].trigger()
    window.new_tab()
    set_request(window, "GET", "/large?size_mb=2")
    send(qtbot, window)
    assert len(_files(explorer_home / "responses")) == 1  # streamed to a file
    # Smaller than what is indexed (32 MB): parsed, so filters and Find work on it.
    assert isinstance(child(window, "responseTree").model(), JsonTreeModel)
    assert child(window, "responseFilterEdit").isVisible()

    window.close()  # settings are written on close; the next start reads them
    seen: list[int] = []

    def look(dialog: Any) -> bool:
        seen.append(dialog.stream_above_spin.value())
        return False

    again = ScriptedPrompts()
    again.dialogs.append(look)
    with running_window(qtbot, qt_loop, prompts=again) as restarted:
        spool = restarted.pipeline.spool
        assert spool is not None and spool.threshold == MB
        restarted.menus.actions["preferences"].trigger()
    assert seen == [1]


def test_closing_the_window_ends_the_worker(
    qtbot: Any, window: MainWindow, explorer_home: Path
) -> None:
    model = _show_indexed(qtbot, window, explorer_home)
    index = model._index
    assert index is not None
    process = index._process
    assert process is not None and process.poll() is None
    window.close()
    assert not model.is_open()
    assert process.wait(5) is not None  # the worker is gone


def test_find_in_raw_walks_the_matches_of_a_big_body(
    qtbot: Any, window: MainWindow, explorer_home: Path
) -> None:
    _show_indexed(qtbot, window, explorer_home)
    pane = window.response_pane
    pane.tabs.setCurrentIndex(pane.RAW_TAB)
    window.menus.actions["find"].trigger()
    child(window, "findEdit").setText('"status"')
    raw = pane.raw_view.text_widget()
    qtbot.waitUntil(lambda: raw.textCursor().selectedText() == '"status"', timeout=TIMEOUT_MS)
    first = raw.textCursor().selectionStart()
    qtbot.keyClick(window, Qt.Key.Key_F3)  # the next match, as for any body
    assert raw.textCursor().selectionStart() > first
    assert raw.textCursor().selectedText() == '"status"'

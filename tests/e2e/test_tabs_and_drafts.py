"""Several requests in tabs, drafts kept as you type, history of what was sent."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from app.application import create_main_window
from app.core.collection import SavedRequest
from app.core.tabs import TabSession, new_tab
from app.services.prompts import UnsavedChoice
from app.storage.drafts import DraftStore
from app.ui.main_window import MainWindow
from tests.e2e.conftest import child
from tests.e2e.test_send_and_read import TIMEOUT_MS, send, set_request, settle, text
from tests.prompts import ScriptedPrompts


def test_each_tab_keeps_its_request_and_its_response(qtbot: Any, window: MainWindow) -> None:
    send(qtbot, window)  # the ready demo request in the first tab
    first = window.active_tab()
    assert first is not None
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert len(window.session.tabs()) == 2
    assert text(window, "urlEdit") == ""
    set_request(window, "GET", "/payments/999999")
    window.builder.url_edit.textEdited.emit("/payments/999999")
    send(qtbot, window)
    assert text(window, "statusLabel") == "404 Not Found"

    window.session.activate(first.id)
    assert text(window, "urlEdit") == "/payments?limit=5"
    assert text(window, "statusLabel") == "200 OK"
    assert not child(window, "errorPanel").isVisible()

    window.session.activate(window.session.tabs()[1].id)
    assert text(window, "urlEdit") == "/payments/999999"
    assert text(window, "errorCodeLabel") == "not_found"


def test_a_tab_with_edits_shows_it_and_closing_asks(
    qtbot: Any, window: MainWindow, prompts: ScriptedPrompts
) -> None:
    window.new_tab()
    qtbot.keyClicks(child(window, "urlEdit"), "/server")
    tab = window.active_tab()
    assert tab is not None and tab.dirty
    bar = window.tab_strip.bar
    assert bar.tabText(bar.currentIndex()).startswith("●")

    prompts.unsaved.append(UnsavedChoice.CANCEL)
    assert not window.close_tab(tab.id)
    assert prompts.questions == ["unsaved: New request"]
    assert window.session.get(tab.id) is not None

    prompts.unsaved.append(UnsavedChoice.DISCARD)
    assert window.close_tab(tab.id)
    assert window.session.get(tab.id) is None


def test_closing_the_last_tab_leaves_a_blank_one(
    qtbot: Any, window: MainWindow, prompts: ScriptedPrompts
) -> None:
    prompts.unsaved.append(UnsavedChoice.DISCARD)
    only = window.active_tab()
    assert only is not None
    assert window.close_tab(only.id)
    assert len(window.session.tabs()) == 1
    assert window.session.tabs()[0].id != only.id


def test_edits_are_kept_as_drafts_while_typing(
    qtbot: Any, window: MainWindow, explorer_home: Any
) -> None:
    window.new_tab()
    qtbot.keyClicks(child(window, "urlEdit"), "/payments/10145")
    store = DraftStore(explorer_home)

    def saved() -> bool:
        session = store.load()
        return session is not None and any(t.current.url == "/payments/10145" for t in session.tabs)

    qtbot.waitUntil(saved, timeout=3000)


def test_sent_requests_are_in_history_newest_first(qtbot: Any, window: MainWindow) -> None:
    send(qtbot, window)
    set_request(window, "GET", "/payments/999999")
    send(qtbot, window)
    entries = window.history.store.search()
    assert [e.status for e in entries[:2]] == [404, 200]
    assert entries[0].error_code == "not_found"
    assert window.history.store.search(error_code="not_found")[0].url.endswith("/payments/999999")


def test_refused_connection_is_in_history_with_its_sentence(qtbot: Any, window: MainWindow) -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    set_request(window, "GET", f"http://127.0.0.1:{port}/x")
    with qtbot.waitSignal(window.sends.finished, timeout=TIMEOUT_MS):
        window.send()
    settle(qtbot)
    entry = window.history.store.search()[0]
    assert entry.status is None
    assert entry.failure is not None and "refused" in entry.failure


def test_history_panel_searches_shows_and_reopens(qtbot: Any, window: MainWindow) -> None:
    send(qtbot, window)
    set_request(window, "POST", "/payments", '{"price": {"amount": ""}}')
    send(qtbot, window)
    panel = window.history_panel
    # History is recorded in the pipeline's worker after the response is on screen.
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=TIMEOUT_MS)

    search = child(window, "historySearchEdit")
    search.setText("method:POST status:4xx error:invalid_parameters")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=2000)
    search.setText("status:2xx")
    qtbot.waitUntil(
        lambda: panel.model.rowCount() == 1 and panel.model.summary(0).status == 200,  # type: ignore[union-attr]
        timeout=2000,
    )
    search.setText("")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=2000)

    newest = panel.model.index(0, 0)
    panel.view.selectRow(0)
    window.response_pane.clear()
    # Read and parsed in the pipeline's worker thread, then shown.
    with qtbot.waitSignal(window.sends.history_opened, timeout=TIMEOUT_MS):
        panel.entry_opened.emit(panel.model.summary(0).id)  # type: ignore[union-attr]
    assert text(window, "statusLabel") == "400 Bad Request"
    assert text(window, "errorCodeLabel") == "invalid_parameters"
    assert "Recorded in history" in text(window, "responseMessageLabel")
    assert newest.isValid()

    tabs_before = len(window.session.tabs())
    qtbot.mouseClick(child(window, "historyReopenButton"), Qt.MouseButton.LeftButton)
    assert len(window.session.tabs()) == tabs_before + 1
    assert window.builder.method_combo.currentText() == "POST"
    assert window.builder.body.text() == '{"price": {"amount": ""}}'
    assert window.builder.url_edit.text().endswith("/rest/v1/payments")


def test_text_typed_in_a_cell_is_drafted_before_the_cell_is_left(
    qtbot: Any, window: MainWindow, explorer_home: Any
) -> None:
    window.builder.tabs.setCurrentWidget(window.builder.headers_page)
    view = child(window, "headersTable")
    model = window.builder.headers.model
    placeholder = model.index(model.rowCount() - 1, 1)
    view.setCurrentIndex(placeholder)
    view.edit(placeholder)
    editor = view.indexWidget(placeholder)
    assert editor is not None
    qtbot.keyClicks(editor, "X-Typed-In-Cell")
    store = DraftStore(explorer_home)

    def drafted() -> bool:
        session = store.load()
        return session is not None and any(
            h.name == "X-Typed-In-Cell" for t in session.tabs for h in t.current.headers
        )

    qtbot.waitUntil(drafted, timeout=3000)
    assert view.indexWidget(placeholder) is editor  # still editing: nothing was committed


def test_a_history_entry_gone_meanwhile_is_said_beside_the_list(
    qtbot: Any, window: MainWindow
) -> None:
    set_request(window, "GET", "/payments/10145")
    send(qtbot, window)
    shown = text(window, "responseMessageLabel")
    qtbot.waitUntil(lambda: len(window.history.store) == 1, timeout=TIMEOUT_MS)
    entry_id = window.history.store.search()[0].id
    window.history.store.delete(entry_id)  # another window, or retention, removed it
    with qtbot.waitSignal(window.sends.history_failed, timeout=TIMEOUT_MS):
        window.history_actions.show_entry(entry_id)
    assert window.history_panel.count_label.text() == "That history entry is gone."
    assert text(window, "responseMessageLabel") == shown  # the tab's own response stays


def test_tabs_restored_at_start_are_visible_in_the_tab_bar(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop, explorer_home: Path, prompts: ScriptedPrompts
) -> None:
    kept = TabSession(
        tabs=(new_tab(SavedRequest("One", url="/one")), new_tab(SavedRequest("Two", url="/two"))),
        active=1,
    )
    DraftStore(explorer_home).save(kept)
    restored = create_main_window(demo=False, prompts=prompts)
    qtbot.addWidget(restored)
    restored.show()
    qtbot.waitExposed(restored)
    bar = restored.tab_strip.bar
    assert [bar.tabText(i) for i in range(bar.count())] == ["● One", "● Two"]  # unsaved
    assert bar.currentIndex() == 1 and restored.builder.url_edit.text() == "/two"
    # Hidden tab bars do not resize their layout by themselves: this was 0 pixels high.
    qtbot.waitUntil(lambda: bar.height() >= bar.sizeHint().height() > 0, timeout=2000)
    restored.close()


def test_drafts_are_written_while_the_user_keeps_typing(
    qtbot: Any, window: MainWindow, explorer_home: Path
) -> None:
    window.new_tab()
    url = child(window, "urlEdit")
    store = DraftStore(explorer_home)
    drafted_at: list[int] = []
    # A key every 50 ms, never a pause as long as the draft delay: the delay is a maximum
    # wait, not restarted by each key.
    for i in range(30):
        qtbot.keyClick(url, Qt.Key.Key_A)
        qtbot.wait(50)
        kept = store.load()
        if kept is not None and any(t.current.url.startswith("aa") for t in kept.tabs):
            drafted_at.append(i)
    assert drafted_at and drafted_at[0] < 20


def test_saving_keeps_the_saved_state_in_drafts_at_once(
    qtbot: Any, window: MainWindow, explorer_home: Path
) -> None:
    tab = window.active_tab()
    assert tab is not None and tab.source is not None
    qtbot.keyClicks(child(window, "urlEdit"), "&mine=1")
    window.save_active_tab()
    kept = DraftStore(explorer_home).load()  # no waiting: a kill now must not undo the save
    assert kept is not None
    restored = next(t for t in kept.tabs if t.id == tab.id)
    assert not restored.dirty and restored.saved is not None
    assert ("mine", "1") in [(p.name, p.value) for p in restored.saved.params]


def test_a_history_entry_opens_in_a_tab_named_after_it_and_leaves_others_alone(
    qtbot: Any, window: MainWindow
) -> None:
    set_request(window, "GET", "/payments/999999")
    send(qtbot, window)
    mine = window.active_tab()
    assert mine is not None and text(window, "statusLabel") == "404 Not Found"
    window.new_tab()
    set_request(window, "GET", "/payments?limit=1")
    send(qtbot, window)
    qtbot.waitUntil(lambda: len(window.history.store) == 2, timeout=TIMEOUT_MS)
    older, newer = window.history.store.search()[1], window.history.store.search()[0]
    tabs_before = len(window.session.tabs())

    with qtbot.waitSignal(window.sends.history_opened, timeout=TIMEOUT_MS):
        window.history_actions.show_entry(older.id)
    history_tab = window.active_tab()
    assert history_tab is not None and history_tab.title.startswith("History ")
    assert "GET /rest/v1/payments/999999" in history_tab.title
    assert len(window.session.tabs()) == tabs_before + 1
    assert text(window, "statusLabel") == "404 Not Found"
    assert "Recorded in history" in text(window, "responseMessageLabel")

    with qtbot.waitSignal(window.sends.history_opened, timeout=TIMEOUT_MS):
        window.history_actions.show_entry(newer.id)  # the same history tab shows it
    assert len(window.session.tabs()) == tabs_before + 1
    assert text(window, "statusLabel") == "200 OK"

    window.session.activate(mine.id)  # a tab's own response was never replaced
    assert text(window, "statusLabel") == "404 Not Found"

    # The history tab is a view: not marked unsaved, and it closes without a question.
    history = window.session.get(history_tab.id)
    assert history is not None and not history.dirty
    bar = window.tab_strip.bar
    assert not any("●" in bar.tabText(i) for i in range(bar.count()) if "History" in bar.tabText(i))
    window.session.activate(history.id)
    window.close_active_tab()  # the scripted prompts fail on any question
    assert window.session.get(history.id) is None

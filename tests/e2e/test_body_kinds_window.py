"""A form body through the real window: pick Form in the Body tab, fill two fields, send to a
loopback echo server and see them arrive; the Request tab shows what was sent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QPlainTextEdit, QTableView, QTabWidget

from app.core.request import BodyMode, FormField
from app.ui.main_window import MainWindow
from tests.e2e.conftest import child
from tests.e2e.test_send_and_read import send, set_request, text
from tests.redirect_server import RedirectServer, redirect_server


@pytest.fixture
def server() -> Iterator[RedirectServer]:
    with redirect_server() as running:
        yield running


def type_into_cell(qtbot: Any, view: QTableView, row: int, column: int, typed: str) -> None:
    view.setCurrentIndex(view.model().index(row, column))
    view.edit(view.currentIndex())
    editor = view.indexWidget(view.currentIndex())
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, typed)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # Qt commits on Return from a queued call: wait for it before the next cell.
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState, timeout=2000)


def test_a_form_filled_in_the_body_tab_arrives_urlencoded(
    qtbot: Any, window: MainWindow, server: RedirectServer
) -> None:
    set_request(window, "POST", server.url("/echo"), '{"typed": "as JSON first"}')
    tabs: QTabWidget = child(window, "requestTabs")
    tabs.setCurrentWidget(window.builder.body)

    mode = child(window, "bodyModeCombo")
    mode.setFocus()
    while mode.currentText() != "Form (urlencoded)":
        qtbot.keyClick(mode, Qt.Key.Key_Down)
    table: QTableView = child(window, "formFieldsTable")
    assert table.isVisible() and not child(window, "bodyEditor").isVisible()
    type_into_cell(qtbot, table, 0, 1, "amount")
    qtbot.waitUntil(lambda: table.model().rowCount() == 2, timeout=2000)
    type_into_cell(qtbot, table, 0, 2, "10.12")
    type_into_cell(qtbot, table, 1, 1, "note")
    qtbot.waitUntil(lambda: table.model().rowCount() == 3, timeout=2000)
    type_into_cell(qtbot, table, 1, 2, "J & co = 100%")
    qtbot.waitUntil(
        lambda: (
            window.builder.body.form()
            == (FormField("amount", "10.12"), FormField("note", "J & co = 100%"))
        ),
        timeout=2000,
    )
    # The Headers tab lists the Content-Type the form adds.
    inherited = window.builder.inherited_headers.model()
    values = [inherited.index(row, 1).data() for row in range(inherited.rowCount())]
    assert "application/x-www-form-urlencoded" in values

    send(qtbot, window)
    assert text(window, "statusLabel") == "200 OK"
    [received] = server.received
    assert received.body == b"amount=10.12&note=J+%26+co+%3D+100%25"
    assert received.headers["content-type"] == "application/x-www-form-urlencoded"
    window.response_pane.tabs.setCurrentIndex(window.response_pane.RAW_TAB)
    raw = child(window, "rawView").findChild(QPlainTextEdit, "rawText").toPlainText()
    assert json.loads(raw)["body"] == "amount=10.12&note=J+%26+co+%3D+100%25"

    # The tab keeps the form, and the JSON typed before it, for when the mode goes back.
    tab = window.area.pull_builder()
    assert tab is not None
    assert tab.current.body_mode is BodyMode.FORM
    assert tab.current.form == (FormField("amount", "10.12"), FormField("note", "J & co = 100%"))
    assert tab.current.body == '{"typed": "as JSON first"}'

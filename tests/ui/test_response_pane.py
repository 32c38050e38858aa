"""The response pane: what a send and its response show, and that they stay cheap to show."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtWidgets import QApplication, QLabel, QSplitter, QWidget

from app.core.exchange import Exchange, read_exchange
from app.core.outcome import FailureKind, TransportFailure
from app.core.prepare import PreparedRequest
from app.core.response import ResponseData
from app.ui.response_pane import ResponsePane
from app.ui.status_style import status_color

URL = "http://127.0.0.1:8080/rest/v1/server"
REQUEST = PreparedRequest("GET", URL, (("Accept", "application/json"),), b"", 30.0)
JSON = (("Content-Type", "application/json"),)


def _exchange(status: int, body: bytes, headers: tuple[tuple[str, str], ...] = JSON) -> Exchange:
    reason = {200: "OK", 400: "Bad Request"}.get(status, "")
    return read_exchange(REQUEST, ResponseData(status, reason, headers, body, 3.2, URL))


OK = _exchange(200, b'{"time": 1700000000, "zone": "Europe/Vilnius"}')
BAD = _exchange(
    400,
    b'{"error": "invalid_parameters", "error_description": "Amount is missing.",'
    b' "error_properties": {"amount": ["This value should not be blank."]}}',
)


class LayoutRequests(QObject):
    """Counts the layout requests a widget receives."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


@pytest.fixture
def splitter(qtbot: Any) -> QSplitter:
    """The pane where the window puts it: under the request, in a vertical splitter."""
    splitter = QSplitter(Qt.Orientation.Vertical)
    splitter.addWidget(QWidget())
    splitter.addWidget(ResponsePane())
    splitter.resize(900, 700)
    qtbot.addWidget(splitter)
    splitter.show()
    qtbot.waitExposed(splitter)
    settle()
    return splitter


@pytest.fixture
def pane(splitter: QSplitter) -> ResponsePane:
    pane = splitter.widget(1)
    assert isinstance(pane, ResponsePane)
    return pane


def settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def label(pane: ResponsePane, name: str) -> QLabel:
    found = pane.findChild(QLabel, name)
    assert found is not None
    return found


def tree_rows(pane: ResponsePane) -> dict[str, str]:
    model = pane.tree_model
    return {
        model.index(r, 0, QModelIndex()).data(): model.index(r, 1, QModelIndex()).data()
        for r in range(model.rowCount(QModelIndex()))
    }


def test_sending_shows_the_request_over_empty_views(pane: ResponsePane) -> None:
    pane.show_exchange(BAD)
    pane.show_sent_request(REQUEST, {})
    pane.show_warning("Certificate verification is off.")
    pane.show_sending("GET", URL)
    assert label(pane, "statusLabel").text() == "Sending…"
    assert label(pane, "statusLabel").styleSheet() == ""  # no colour of the last status
    assert label(pane, "responseMessageLabel").text() == f"GET {URL}"
    assert label(pane, "elapsedLabel").text() == label(pane, "sizeLabel").text() == ""
    assert pane.error_panel.isHidden() and pane.warning_label.isHidden()
    assert pane.tree_model.rowCount(QModelIndex()) == 0
    assert pane.headers_model.rowCount(QModelIndex()) == 0
    assert pane.raw_view.text_widget().toPlainText() == ""
    assert pane.sent_view.toPlainText() == ""


def test_a_response_replaces_everything_the_last_one_showed(pane: ResponsePane) -> None:
    pane.show_exchange(BAD)
    pane.show_sent_request(REQUEST, {})
    pane.show_warning("Certificate verification is off.")
    pane.show_message("Recorded in history: GET … at 12:00")
    assert not pane.error_panel.isHidden()

    pane.show_exchange(OK)  # straight after, as when switching tabs or opening history
    status = label(pane, "statusLabel")
    assert status.text() == "200 OK"
    assert status_color(200, pane.palette()).name() in status.styleSheet()
    assert label(pane, "elapsedLabel").text() == "3 ms"
    assert label(pane, "sizeLabel").text() == f"{len(OK.response.body)} bytes"
    assert label(pane, "responseMessageLabel").text() == ""
    assert pane.error_panel.isHidden() and pane.warning_label.isHidden()
    assert pane.sent_view.toPlainText() == ""
    assert tree_rows(pane) == {"time": "1700000000", "zone": '"Europe/Vilnius"'}
    assert pane.headers_model.rowCount(QModelIndex()) == 1
    assert '"zone": "Europe/Vilnius"' in pane.raw_view.text_widget().toPlainText()


def test_a_send_keeps_the_response_tabs_in_place(pane: ResponsePane) -> None:
    """The message line keeps its place when it has nothing to say: the tabs below do not
    jump on every send (and are not laid out and painted again for it)."""
    settle()
    place = pane.tabs.geometry()
    pane.show_sending("GET", URL)
    settle()
    assert pane.tabs.geometry() == place
    pane.show_exchange(OK)
    settle()
    assert label(pane, "responseMessageLabel").text() == ""
    assert pane.tabs.geometry() == place
    pane.show_failure(TransportFailure(FailureKind.CONNECTION_REFUSED, "Nothing listens there."))
    settle()
    assert pane.tabs.geometry() == place


def test_a_send_lays_out_the_pane_not_the_window(splitter: QSplitter, pane: ResponsePane) -> None:
    """Text changing in the pane does not make the splitter (and with it the main window,
    docks and toolbar) lay itself out again; a bigger minimum size still reaches it."""
    pane.show_exchange(OK)
    settle()
    requests = LayoutRequests(splitter)
    for _ in range(3):
        pane.show_sending("GET", URL)
        settle()
        pane.show_exchange(OK)
        pane.show_sent_request(REQUEST, {})
        settle()
    assert requests.count == 0

    minimum = pane.minimumSizeHint()
    pane.show_exchange(BAD)  # the decoded error needs room
    settle()
    assert pane.minimumSizeHint().height() > minimum.height()
    assert requests.count > 0


def test_the_pane_fills_its_place(splitter: QSplitter, pane: ResponsePane) -> None:
    splitter.resize(700, 900)
    settle()
    assert pane.tabs.width() == pane.width()
    assert pane.tabs.geometry().bottom() == pane.rect().bottom()


# Find in the Tree runs in slices between events: what replaces the Tree's document meanwhile
# (a send, a filter) must not leave it searching the old one.
BIG = _exchange(
    200,
    json.dumps(
        {"items": [{"id": i, "tag": "zzz" if i % 1000 == 7 else "a"} for i in range(60_000)]}
    ).encode(),
)


def _find(pane: ResponsePane, needle: str) -> None:
    pane.show_find()
    pane.find_bar.edit.setText(needle)
    pane.find_bar._pause.stop()  # at once, not after the typing pause
    pane._search()


def _count(pane: ResponsePane) -> str:
    return pane.find_bar.count_label.text()


def test_a_send_during_a_search_ends_it(pane: ResponsePane, qtbot: Any) -> None:
    pane.show_exchange(BIG)
    _find(pane, "zzz")
    assert _count(pane) == "Searching…"
    pane.show_sending("GET", URL)  # the Tree is cleared
    qtbot.waitUntil(lambda: _count(pane) != "Searching…", timeout=5000)
    assert not pane.tree_search._slices.isActive()
    assert _count(pane) == "No matches"  # in what is shown now: nothing


def test_a_filter_after_a_search_searches_its_result(pane: ResponsePane, qtbot: Any) -> None:
    pane.show_exchange(BIG)
    _find(pane, "zzz")
    qtbot.waitUntil(lambda: _count(pane) == "1 of 60", timeout=5000)
    shown = pane.tree_model.document()
    pane.filter_bar.edit.setText("$.items[?@.tag == 'zzz']")
    pane.filter_bar.apply()
    qtbot.waitUntil(lambda: pane.tree_model.document() is not shown, timeout=5000)
    qtbot.waitUntil(lambda: _count(pane) == "1 of 60", timeout=5000)
    current = pane.tree_view.currentIndex()
    assert current.siblingAtColumn(1).data() == '"zzz"'
    assert current.parent().data() == "$.items[7]"  # a row of the filter's result, not "[7]"


def test_next_pressed_three_times_while_searching_goes_three_on(
    pane: ResponsePane, qtbot: Any
) -> None:
    pane.show_exchange(BIG)
    _find(pane, "zzz")
    for _ in range(3):
        pane.find_bar.stepped.emit(1)
    qtbot.waitUntil(lambda: " of " in _count(pane), timeout=5000)
    assert _count(pane) == "3 of 60"
    _find(pane, "zzz")
    pane.find_bar.stepped.emit(-1)  # previous, before the matches came: the last one
    qtbot.waitUntil(lambda: " of " in _count(pane), timeout=5000)
    assert _count(pane) == "60 of 60"

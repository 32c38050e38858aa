from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from app.core.history_query import HistoryQuery, parse_history_query
from app.core.prepare import PreparedRequest
from app.core.response import ResponseData
from app.services.history import HistoryService
from app.storage.history import HistoryStore
from app.ui.history_panel import HistoryModel, HistoryPanel


def test_query_language() -> None:
    assert parse_history_query("payments method:post status:4XX error:not_found x") == (
        HistoryQuery("payments x", "POST", "4xx", "not_found")
    )
    assert parse_history_query("a:b") == HistoryQuery("a:b")
    assert parse_history_query("") == HistoryQuery()


def test_history_model_passes_qtmodeltester(qtmodeltester: Any, tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    request = PreparedRequest("GET", "https://h/x", (), b"", 5)
    store.record(request, ResponseData(200, "OK", (), b"{}", 3.0), secrets={})
    store.record(request, None, failure="The connection was refused.", secrets={})
    model = HistoryModel()
    model.set_rows(store.search())
    qtmodeltester.check(model)
    assert model.index(0, 2).data() == "no response"
    assert model.index(1, 2).data() == "200"
    store.close()


def test_lowering_the_limit_drops_the_oldest_at_once(qtbot: Any, tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    for i in range(5):
        store.record(
            PreparedRequest("GET", f"https://h/{i}", (), b"", 5),
            ResponseData(200, "OK", (), b"{}", 1.0),
            secrets={},
        )
    panel = HistoryPanel(HistoryService(store))
    qtbot.addWidget(panel)
    panel.max_entries_spin.setValue(2)
    panel.max_entries_spin.editingFinished.emit()
    assert [s.url for s in store.search()] == ["https://h/4", "https://h/3"]
    assert panel.model.rowCount() == 2
    assert panel.limits() == (2, 200)
    store.close()


def _record(store: HistoryStore, url: str = "https://h/x", status: int | None = 200) -> int:
    request = PreparedRequest("GET", url, (), b"", 5)
    if status is None:
        return store.record(request, None, failure="The connection was refused.", secrets={})
    return store.record(request, ResponseData(status, "OK", (), b"{}", 1.0), secrets={})


class _ModelEvents:
    """Counts the structural signals of a model."""

    def __init__(self, model: HistoryModel) -> None:
        self.resets = 0
        self.inserted: list[tuple[int, int]] = []
        self.removed: list[tuple[int, int]] = []
        model.modelReset.connect(self._on_reset)
        model.rowsInserted.connect(lambda _parent, first, last: self.inserted.append((first, last)))
        model.rowsRemoved.connect(lambda _parent, first, last: self.removed.append((first, last)))

    def _on_reset(self) -> None:
        self.resets += 1


def _urls(panel: HistoryPanel) -> list[str]:
    return [s.url for s in panel.model.summaries()]


def test_a_recorded_entry_is_inserted_on_top_without_a_model_reset(
    qtbot: Any, qtmodeltester: Any, tmp_path: Path
) -> None:
    store = HistoryStore(tmp_path)
    for i in range(3):
        _record(store, f"https://h/{i}")
    panel = HistoryPanel(HistoryService(store))
    qtbot.addWidget(panel)
    qtmodeltester.check(panel.model)  # Qt's tester stays attached and checks every change
    panel.view.selectRow(1)
    selected = panel.selected_id()
    events = _ModelEvents(panel.model)
    newest = _record(store, "https://h/new", None)
    panel.add_recorded(newest)
    assert (events.resets, events.inserted) == (0, [(0, 0)])
    assert _urls(panel) == ["https://h/new", "https://h/2", "https://h/1", "https://h/0"]
    assert panel.model.index(0, 2).data() == "no response"
    assert panel.selected_id() == selected  # a reset would have lost the selection
    assert panel.count_label.text() == "4 shown"
    panel.add_recorded(newest)  # twice (a refresh came first, say): still one row
    assert panel.model.rowCount() == 4
    assert [s.id for s in panel.model.summaries()] == [s.id for s in store.search()]
    store.close()


def test_an_entry_the_search_hides_is_not_added(qtbot: Any, tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    _record(store, "https://h/payments/1", 404)
    panel = HistoryPanel(HistoryService(store))
    qtbot.addWidget(panel)
    panel.search_edit.setText("payments status:4xx")
    panel.refresh()
    events = _ModelEvents(panel.model)
    panel.add_recorded(_record(store, "https://h/payments/2", 200))
    panel.add_recorded(_record(store, "https://h/users/1", 404))
    assert events.inserted == [] and panel.model.rowCount() == 1
    panel.add_recorded(_record(store, "https://h/PAYMENTS/3", 409))
    assert _urls(panel) == ["https://h/PAYMENTS/3", "https://h/payments/1"]
    assert events.resets == 0
    panel.search_edit.setText("status:teapot")
    panel.refresh()
    message = panel.count_label.text()
    panel.add_recorded(_record(store, "https://h/payments/4", 404))
    assert panel.model.rowCount() == 0 and panel.count_label.text() == message
    assert panel.model.rowCount() == 0
    store.close()


def test_rows_retention_removed_go_from_the_bottom_without_a_reset(
    qtbot: Any, qtmodeltester: Any, tmp_path: Path
) -> None:
    store = HistoryStore(tmp_path, max_entries=3)
    for i in range(3):
        _record(store, f"https://h/{i}")
    panel = HistoryPanel(HistoryService(store))
    qtbot.addWidget(panel)
    qtmodeltester.check(panel.model)
    events = _ModelEvents(panel.model)
    panel.add_recorded(_record(store, "https://h/3"))
    assert _urls(panel) == ["https://h/3", "https://h/2", "https://h/1"]
    assert (events.resets, events.removed, events.inserted) == (0, [(2, 2)], [(0, 0)])
    # An entry removed again before the panel heard of it is not shown.
    store.set_limits(max_entries=1, max_bytes=store.max_bytes)
    gone = _record(store, "https://h/4")
    panel.add_recorded(_record(store, "https://h/5"))
    panel.add_recorded(gone)
    assert _urls(panel) == ["https://h/5"] == [s.url for s in store.search()]
    assert events.resets == 0
    store.close()


def test_only_the_newest_rows_are_shown(qtbot: Any, tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    panel = HistoryPanel(HistoryService(store))
    qtbot.addWidget(panel)
    panel.ROW_LIMIT = 3
    panel.refresh()
    for i in range(5):
        panel.add_recorded(_record(store, f"https://h/{i}"))
    assert _urls(panel) == ["https://h/4", "https://h/3", "https://h/2"]
    panel.refresh()
    assert _urls(panel) == ["https://h/4", "https://h/3", "https://h/2"]
    store.close()


def test_entries_recorded_in_a_worker_thread_reach_the_panel(qtbot: Any, tmp_path: Path) -> None:
    # The send pipeline records in its worker thread and tells the panel the new id.
    store = HistoryStore(tmp_path, max_entries=10)
    panel = HistoryPanel(HistoryService(store))
    qtbot.addWidget(panel)
    events = _ModelEvents(panel.model)
    with ThreadPoolExecutor(max_workers=1) as worker:
        futures = [worker.submit(_record, store, f"https://h/{i}") for i in range(30)]
        for future in futures:
            panel.add_recorded(future.result(timeout=10))
    assert [s.id for s in panel.model.summaries()] == [s.id for s in store.search()]
    # The worker may run ahead: an entry retention removed before the panel heard of it is
    # never inserted. Every other one went on top, and the model was never reset.
    assert events.inserted and set(events.inserted) == {(0, 0)}
    assert events.resets == 0
    store.close()


def test_long_urls_keep_their_useful_end_in_view(tmp_path: Path, qtbot: Any) -> None:
    from PySide6.QtCore import Qt

    store = HistoryStore(tmp_path / "history")
    panel = HistoryPanel(HistoryService(store))
    qtbot.addWidget(panel)
    assert panel.view.textElideMode() == Qt.TextElideMode.ElideLeft
    store.close()


def test_a_status_of_too_many_digits_is_a_sentence_not_a_crash(qtbot: Any, tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    _record(store, "https://h/payments/1", 404)
    panel = HistoryPanel(HistoryService(store))
    qtbot.addWidget(panel)
    # It went past SQLite's integers: OverflowError, and "something went wrong".
    panel.search_edit.setText("status:99999999999999999999")
    panel.refresh()
    assert panel.model.rowCount() == 0
    assert "is not a status" in panel.count_label.text()
    store.close()


def test_the_url_column_keeps_room_in_a_narrow_panel_and_everything_fits_a_wide_one(
    qtbot: Any, tmp_path: Path
) -> None:
    store = HistoryStore(tmp_path)
    _record(store, "https://api.example/rest/v1/payments/10145?fields=id,status", 404)
    panel = HistoryPanel(HistoryService(store))
    qtbot.addWidget(panel)
    panel.resize(350, 400)
    panel.show()
    qtbot.waitExposed(panel)
    header = panel.view.horizontalHeader()
    # Stretched, it got what the other columns left: nothing, and showed "…".
    qtbot.waitUntil(lambda: header.sectionSize(HistoryPanel.URL_COLUMN) >= HistoryPanel.URL_WIDTH)
    panel.resize(1000, 400)
    qtbot.waitUntil(lambda: header.length() <= panel.view.viewport().width())
    assert header.sectionSize(HistoryPanel.URL_COLUMN) > HistoryPanel.URL_WIDTH
    store.close()

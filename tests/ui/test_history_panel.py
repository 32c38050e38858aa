from pathlib import Path
from typing import Any

from app.core.history_query import HistoryQuery, parse_history_query
from app.core.prepare import PreparedRequest
from app.core.response import ResponseData
from app.storage.history import HistoryStore
from app.ui.history_panel import HistoryModel


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
    from app.ui.history_panel import HistoryPanel

    store = HistoryStore(tmp_path)
    for i in range(5):
        store.record(
            PreparedRequest("GET", f"https://h/{i}", (), b"", 5),
            ResponseData(200, "OK", (), b"{}", 1.0),
            secrets={},
        )
    panel = HistoryPanel(store)
    qtbot.addWidget(panel)
    panel.max_entries_spin.setValue(2)
    panel.max_entries_spin.editingFinished.emit()
    assert [s.url for s in store.search()] == ["https://h/4", "https://h/3"]
    assert panel.model.rowCount() == 2
    assert panel.limits() == (2, 200)
    store.close()

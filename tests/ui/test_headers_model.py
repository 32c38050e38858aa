from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from app.ui.headers_model import HeadersModel


def test_headers_model_passes_qtmodeltester(qtmodeltester: Any) -> None:
    model = HeadersModel()
    qtmodeltester.check(model)
    model.set_headers((("Content-Type", "application/json"), ("Set-Cookie", "a=1")))
    qtmodeltester.check(model)


def test_repeated_headers_stay_separate_rows_in_order(qapp: Any) -> None:
    model = HeadersModel()
    model.set_headers((("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")))
    assert model.rowCount(QModelIndex()) == 2
    values = [model.data(model.index(r, 1), Qt.ItemDataRole.DisplayRole) for r in range(2)]
    assert values == ["a=1", "b=2"]
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Name"

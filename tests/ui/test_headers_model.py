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


def test_the_same_headers_again_do_not_reset_views(qapp: Any) -> None:
    # Every send clears the table and fills it again; a reset makes the view lay itself out.
    model = HeadersModel()
    resets: list[None] = []
    model.modelReset.connect(lambda: resets.append(None))
    model.set_headers(())
    assert resets == []
    headers = (("Content-Type", "application/json"),)
    model.set_headers(headers)
    model.set_headers(headers)
    assert len(resets) == 1
    model.set_headers((("Content-Type", "text/plain"),))
    model.set_headers(())
    assert len(resets) == 3 and model.rowCount(QModelIndex()) == 0


def test_header_text_is_bounded_and_made_visible(qapp: Any) -> None:
    model = HeadersModel()
    model.set_headers((("X-Note\u202e", "a\x00b\x1b"), ("X-Big", "v" * 1_000_000)))
    assert model.index(0, 0).data() == "X-Note\\u202e"
    assert model.index(0, 1).data() == "a\\u0000b\\u001b"
    assert len(model.index(1, 1).data()) < 2100

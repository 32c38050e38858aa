"""The tree of a body indexed in a worker process: a correct lazy item model whose rows
come from the worker as they are wanted, exact values, paths, and copying from the view."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication

from app.core.json_doc import parse_json_exact
from app.services.json_index import IndexReply, IndexRow
from app.ui import json_tree_model
from app.ui.indexed_json_model import IndexedJsonModel
from app.ui.json_tree_model import (
    COPY_TEXT_ROLE,
    JSON_PATH_ROLE,
    RANGE_ROWS,
    RANGE_THRESHOLD,
    JsonTreeModel,
)
from app.ui.response_tree_view import ResponseTreeView

SAMPLE = """{
  "items": [
    {"id": 1, "price": {"amount": "10.12", "currency": "EUR"}, "rate": 1.10},
    {"id": 2, "price": {"amount": "3.00", "currency": "USD"}, "rate": 1e5}
  ],
  "_metadata": {"total": 2, "next": null, "has more": false, "big": 12345678901234567890123}
}"""

TIMEOUT_MS = 10_000


@pytest.fixture
def model(qtbot: Any, tmp_path: Path) -> Any:
    made: list[IndexedJsonModel] = []

    def open_model(text: str | bytes) -> IndexedJsonModel:
        path = tmp_path / f"body{len(made)}.json"
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        model = IndexedJsonModel()
        made.append(model)
        with qtbot.waitSignal(model.top_level_shown, timeout=TIMEOUT_MS):
            model.set_file(str(path))
        return model

    yield open_model
    for model in made:
        model.clear()


def _fetched(qtbot: Any, model: IndexedJsonModel, parent: QModelIndex) -> int:
    """Rows under ``parent`` once the worker has answered (fetching as a view does)."""
    before = model.rowCount(parent)
    if model.canFetchMore(parent):
        model.fetchMore(parent)
    if model.hasChildren(parent) and before == 0:  # asked now, or already by someone else
        qtbot.waitUntil(lambda: model.rowCount(parent) > 0, timeout=TIMEOUT_MS)
    return model.rowCount(parent)


def _child(qtbot: Any, model: IndexedJsonModel, parent: QModelIndex, key: str) -> QModelIndex:
    for row in range(_fetched(qtbot, model, parent)):
        index = model.index(row, 0, parent)
        if index.data() == key:
            return index
    raise AssertionError(f"no row {key!r}")


def _cells(index: QModelIndex) -> list[Any]:
    return [index.siblingAtColumn(column).data() for column in range(3)]


def test_the_top_level_shows_as_the_json_tree_shows_it(qtbot: Any, model: Any) -> None:
    tree = model(SAMPLE)
    rows = [_cells(tree.index(row, 0)) for row in range(tree.rowCount())]
    assert rows == [["items", "[2 items]", "array"], ["_metadata", "{4 keys}", "object"]]


def test_expanding_asks_the_worker_and_values_are_exact(qtbot: Any, model: Any) -> None:
    tree = model(SAMPLE)
    items = tree.index(0, 0)
    assert tree.hasChildren(items) and tree.rowCount(items) == 0  # nothing until wanted
    first = _child(qtbot, tree, items, "[0]")
    rate = _child(qtbot, tree, first, "rate")
    assert _cells(rate) == ["rate", "1.10", "number"]
    metadata = tree.index(1, 0)
    big = _child(qtbot, tree, metadata, "big")
    assert _cells(big)[1] == "12345678901234567890123"
    assert _cells(_child(qtbot, tree, metadata, "next")) == ["next", "null", "null"]
    amount = _child(qtbot, tree, _child(qtbot, tree, first, "price"), "amount")
    assert _cells(amount) == ["amount", '"10.12"', "string"]


def test_json_path_and_copy_value_work_on_the_lazy_tree(qtbot: Any, model: Any) -> None:
    tree = model(SAMPLE)
    first = _child(qtbot, tree, tree.index(0, 0), "[0]")
    price = _child(qtbot, tree, first, "price")
    amount = _child(qtbot, tree, price, "amount")
    assert amount.data(JSON_PATH_ROLE) == "$.items[0].price.amount"
    assert amount.data(COPY_TEXT_ROLE) == "10.12"  # a string copies raw
    assert first.data(COPY_TEXT_ROLE) == json.dumps(
        {"id": 1, "price": {"amount": "10.12", "currency": "EUR"}, "rate": 0}, separators=(",", ":")
    ).replace('"rate":0', '"rate":1.10')
    spaced = _child(qtbot, tree, tree.index(1, 0), "has more")
    assert spaced.data(JSON_PATH_ROLE) == '$._metadata["has more"]'

    view = ResponseTreeView()
    qtbot.addWidget(view)
    view.setModel(tree)
    view.setCurrentIndex(_child(qtbot, tree, tree.index(1, 0), "big"))
    view.copy_value()
    assert QGuiApplication.clipboard().text() == "12345678901234567890123"
    view.copy_json_path()
    assert QGuiApplication.clipboard().text() == "$._metadata.big"


def test_a_long_array_shows_range_rows_and_reaches_any_item(qtbot: Any, model: Any) -> None:
    count = RANGE_THRESHOLD + 2_500
    tree = model(json.dumps({"items": [{"n": n} for n in range(count)]}))
    items = tree.index(0, 0)
    assert _cells(items)[1] == f"[{count} items]"
    assert tree.canFetchMore(items)
    tree.fetchMore(items)  # range rows are made at once, no worker needed
    ranges = tree.rowCount(items)
    assert ranges == -(-count // RANGE_ROWS)
    last = tree.index(ranges - 1, 0, items)
    tail = count - (ranges - 1) * RANGE_ROWS
    assert _cells(last) == [
        f"[{(ranges - 1) * RANGE_ROWS} … {count - 1}]",
        f"{tail:,} items",
        "range",
    ]
    item = _child(qtbot, tree, last, f"[{count - 1}]")
    assert _cells(_child(qtbot, tree, item, "n"))[1] == str(count - 1)
    assert item.data(JSON_PATH_ROLE) == f"$.items[{count - 1}]"
    assert last.data(COPY_TEXT_ROLE) == json.dumps(
        [{"n": n} for n in range((ranges - 1) * RANGE_ROWS, count)], separators=(",", ":")
    )


def test_a_scalar_or_empty_document_is_one_row(qtbot: Any, model: Any) -> None:
    for text, shown, kind in (
        ("42", "42", "number"),
        ("{}", "{}", "object"),
        ('"x"', '"x"', "string"),
    ):
        tree = model(text)
        assert tree.rowCount() == 1
        assert _cells(tree.index(0, 0)) == ["", shown, kind]
        assert not tree.hasChildren(tree.index(0, 0))


def test_a_body_that_is_not_json_is_a_sentence_with_line_and_column(
    qtbot: Any, tmp_path: Path
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(b'{"a":\n [1,\n 2,, 3]}')
    tree = IndexedJsonModel()
    with qtbot.waitSignal(tree.problem, timeout=TIMEOUT_MS) as said:
        tree.set_file(str(path))
    assert said.args == [
        "The body is declared as JSON but is not valid JSON. Line 3, column 4: expected a "
        "value (a string, number, object, array, true, false or null)."
    ]
    assert tree.rowCount() == 0
    tree.clear()


def test_clearing_ends_the_worker_and_late_answers_are_dropped(qtbot: Any, model: Any) -> None:
    tree = model(SAMPLE)
    items = tree.index(0, 0)
    tree.fetchMore(items)  # asked, then the body is closed before the answer is shown
    tree.clear()
    qtbot.wait(200)
    assert tree.rowCount() == 0
    assert not tree.is_open()


def test_model_is_a_correct_item_model(qtbot: Any, model: Any, qtmodeltester: Any) -> None:
    tree = model(SAMPLE)
    qtmodeltester.check(tree, force_py=True)
    # The rows the worker sends later are inserted under the tester's eyes.
    first = _child(qtbot, tree, tree.index(0, 0), "[0]")
    _child(qtbot, tree, first, "price")
    assert _fetched(qtbot, tree, tree.index(1, 0)) == 4


def test_model_with_range_rows_is_a_correct_item_model(
    qtbot: Any, model: Any, qtmodeltester: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small ranges, so the tester (which fetches everything it can) walks ranges of ranges.
    monkeypatch.setattr(json_tree_model, "RANGE_THRESHOLD", 20)
    monkeypatch.setattr(json_tree_model, "RANGE_ROWS", 5)
    tree = model(json.dumps(list(range(60))))
    assert [_cells(tree.index(row, 0)) for row in range(tree.rowCount())][-1] == [
        "[50 … 59]",
        "10 items",
        "range",
    ]
    qtmodeltester.check(tree, force_py=True)
    last_range = tree.index(tree.rowCount() - 1, 0)
    assert _fetched(qtbot, tree, last_range) == 10  # within the threshold: the items
    first_range = tree.index(0, 0)
    assert _fetched(qtbot, tree, first_range) == 5  # 25 items: five ranges of five
    assert _cells(tree.index(4, 0, first_range)) == ["[20 … 24]", "5 items", "range"]


def test_answers_about_a_body_no_longer_shown_are_dropped(
    qtbot: Any, model: Any, tmp_path: Path
) -> None:
    tree = model('{"fromA": 1, "alsoA": 2}')
    old = tree._generation
    bad = tmp_path / "b.json"
    bad.write_bytes(b'{"b": [1,,2]}')
    with qtbot.waitSignal(tree.problem, timeout=TIMEOUT_MS):
        tree.set_file(str(bad))
    # A line the first worker had already written when it was closed arrives now.
    late = IndexReply(0, (IndexRow("fromA", "number", 0, "1"),), IndexRow(None, "object", 1, ""))
    with qtbot.assertNotEmitted(tree.top_level_shown, wait=100):
        tree._on_replied((old, late))
    assert tree.rowCount() == 0


def test_a_range_row_says_what_it_holds(qtbot: Any, model: Any) -> None:
    tree = model(json.dumps({"items": list(range(RANGE_THRESHOLD + 1))}))
    items = tree.index(0, 0)
    tree.fetchMore(items)
    first = tree.index(0, 0, items)
    assert first.data(JSON_PATH_ROLE) == "$.items[0:1000]"
    assert first.data(Qt.ItemDataRole.ToolTipRole) == (
        "$.items[0:1000]: items 0 to 999, shown in ranges"
    )


def test_swapping_models_keeps_the_column_widths_the_user_set(qtbot: Any, model: Any) -> None:
    view = ResponseTreeView()
    qtbot.addWidget(view)
    parsed = JsonTreeModel()
    view.setModel(parsed)
    view.header().resizeSection(0, 333)
    view.setModel(model(SAMPLE))
    assert view.header().sectionSize(0) == 333
    view.setModel(parsed)
    assert view.header().sectionSize(0) == 333


def test_a_model_deleted_before_its_worker_answers_is_left_alone(
    qtbot: Any, tmp_path: Path
) -> None:
    path = tmp_path / "body.json"
    path.write_text(SAMPLE)
    tree = IndexedJsonModel()
    tree.set_file(str(path))
    index = tree._index
    assert index is not None
    process = index._process
    assert process is not None
    shiboken6.delete(tree)  # its window went; the worker's first answer is still to come
    # The answer arrives and is dropped (no exception in the event loop); the worker ends.
    qtbot.waitUntil(lambda: index._process is None, timeout=TIMEOUT_MS)
    assert process.wait(5) is not None


def test_a_repeated_key_shows_every_value_as_the_parsed_tree_does(qtbot: Any, model: Any) -> None:
    body = '{"items": [{"x": {"n": 1.10}, "y": 0, "x": {"n": 2.20}}]}'
    tree = model(body)
    item = _child(qtbot, tree, tree.index(0, 0), "[0]")
    assert _fetched(qtbot, tree, item) == 3
    first, _, second = (tree.index(row, 0, item) for row in range(3))
    assert _cells(first) == ["x", "{1 key}", "object ⚠ duplicate key"]
    assert "comes more than once" in first.data(Qt.ItemDataRole.ToolTipRole)
    assert first.data(JSON_PATH_ROLE) == second.data(JSON_PATH_ROLE) == "$.items[0].x"
    assert _cells(_child(qtbot, tree, first, "n"))[1] == "1.10"
    assert _cells(_child(qtbot, tree, second, "n"))[1] == "2.20"
    assert first.data(COPY_TEXT_ROLE) == '{"n":1.10}'
    # The same rows as the parsed tree shows for the same body.
    parsed = JsonTreeModel()
    parsed.set_document(parse_json_exact(body))
    parsed.fetchMore(parsed.index(0, 0))
    parsed_item = parsed.index(0, 0, parsed.index(0, 0))
    parsed.fetchMore(parsed_item)
    assert [_cells(parsed.index(r, 0, parsed_item)) for r in range(3)] == [
        _cells(tree.index(r, 0, item)) for r in range(3)
    ]

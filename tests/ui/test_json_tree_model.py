"""The JSON tree: a correct lazy model, exact values, paths, and copying from the view."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from app.core.json_doc import parse_json_exact
from app.ui.json_tree_model import (
    COPY_TEXT_ROLE,
    JSON_PATH_ROLE,
    KEY_COLUMN,
    TYPE_COLUMN,
    VALUE_COLUMN,
    JsonTreeModel,
)
from app.ui.response_tree_view import ResponseTreeView

SAMPLE = """{
  "items": [
    {"id": 1, "price": {"amount": "10.12", "currency": "EUR"}, "rate": 1.10},
    {"id": 2, "price": {"amount": "3.00", "currency": "USD"}, "rate": 1e5}
  ],
  "_metadata": {"total": 2, "next": null, "has more": false}
}"""


def _row(model: JsonTreeModel, row: int, parent: QModelIndex | None = None) -> list[Any]:
    parent = parent if parent is not None else QModelIndex()
    while model.canFetchMore(parent) and model.rowCount(parent) <= row:
        model.fetchMore(parent)
    return [model.index(row, column, parent).data() for column in range(3)]


def _child(model: JsonTreeModel, parent: QModelIndex, key: str) -> QModelIndex:
    if model.canFetchMore(parent):
        model.fetchMore(parent)
    for row in range(model.rowCount(parent)):
        index = model.index(row, KEY_COLUMN, parent)
        if index.data() == key:
            return index
    raise AssertionError(f"no row {key!r}")


def _index_at(model: JsonTreeModel, *keys: str) -> QModelIndex:
    index = QModelIndex()
    for key in keys:
        index = _child(model, index, key)
    return index


@pytest.mark.parametrize(
    "document",
    [
        SAMPLE,
        '{"a": 1, "b": "two", "c": true}',
        "[1, 2.50, null]",
        '{"a": {"b": {"c": [[], {}, [1, [2, [3, {"d": "deep"}]]]]}}}',
        "{}",
        "[]",
        "42",
        '"x"',
        "null",
    ],
)
def test_model_is_a_correct_item_model(qtmodeltester: Any, document: str) -> None:
    model = JsonTreeModel()
    model.set_document(parse_json_exact(document))

    qtmodeltester.check(model, force_py=True)


def test_model_with_a_big_array_is_a_correct_item_model(qtmodeltester: Any) -> None:
    model = JsonTreeModel()
    model.set_document({"items": list(range(10_000)), "meta": {"count": 10_000}})

    qtmodeltester.check(model, force_py=True)


def test_model_stays_correct_through_resets(qtmodeltester: Any) -> None:
    # Both model testers run their whole check from inside the modelReset signal, before
    # they count the reset as finished, so a document whose nested values still have
    # children to fetch makes them report their own fetchMore as an insert inside a reset.
    # Nested documents are checked with a fresh tester above; here only flat ones.
    model = JsonTreeModel()
    qtmodeltester.check(model)

    model.set_document(parse_json_exact('{"a": 1, "b": "x", "c": []}'))
    model.set_document(parse_json_exact("42"))
    model.set_document(parse_json_exact("[1, 2, 3]"))
    model.clear()

    assert model.rowCount() == 0


def test_clearing_resets_views_only_when_something_was_shown(qapp: Any) -> None:
    # Every send clears the tree; a reset makes the view lay itself out and repaint.
    model = JsonTreeModel()
    resets: list[None] = []
    model.modelReset.connect(lambda: resets.append(None))
    model.clear()
    assert resets == []
    model.set_document(parse_json_exact('{"a": 1}'))
    model.clear()
    assert len(resets) == 2 and model.rowCount() == 0
    model.clear()
    assert len(resets) == 2
    model.set_document(parse_json_exact("42"))  # a scalar is one row
    model.clear()
    assert len(resets) == 4 and model.rowCount() == 0


def test_set_document_resets_views(qtbot: Any) -> None:
    model = JsonTreeModel()
    model.set_document(parse_json_exact(SAMPLE))

    with (
        qtbot.waitSignal(model.modelAboutToBeReset),
        qtbot.waitSignal(model.modelReset),
    ):
        model.set_document(parse_json_exact('{"only": 1}'))

    assert _row(model, 0) == ["only", "1", "number"]


def test_top_level_members_are_the_top_rows() -> None:
    model = JsonTreeModel()
    model.set_document(parse_json_exact(SAMPLE))

    assert model.rowCount() == 2
    assert _row(model, 0) == ["items", "[2 items]", "array"]
    assert _row(model, 1) == ["_metadata", "{3 keys}", "object"]


@pytest.mark.parametrize(
    ("document", "row"),
    [("42", ["", "42", "number"]), ('"x"', ["", '"x"', "string"]), ("{}", ["", "{}", "object"])],
)
def test_a_scalar_or_empty_document_is_one_row(document: str, row: list[str]) -> None:
    model = JsonTreeModel()
    model.set_document(parse_json_exact(document))

    assert model.rowCount() == 1
    assert _row(model, 0) == row
    assert model.index(0, 0).data(JSON_PATH_ROLE) == "$"
    assert not model.hasChildren(model.index(0, 0))


def test_values_show_exactly_as_sent_and_strings_in_quotes() -> None:
    model = JsonTreeModel()
    model.set_document(parse_json_exact(SAMPLE))

    first = _index_at(model, "items", "[0]")
    assert _row(model, 2, first) == ["rate", "1.10", "number"]
    second = _index_at(model, "items", "[1]")
    assert _row(model, 2, second) == ["rate", "1e5", "number"]
    price = _index_at(model, "items", "[0]", "price")
    assert _row(model, 0, price) == ["amount", '"10.12"', "string"]
    metadata = _index_at(model, "_metadata")
    assert _row(model, 1, metadata) == ["next", "null", "null"]
    assert _row(model, 2, metadata) == ["has more", "false", "boolean"]


def test_json_path_and_tooltip_name_the_value() -> None:
    model = JsonTreeModel()
    model.set_document(parse_json_exact(SAMPLE))

    amount = _index_at(model, "items", "[1]", "price", "amount")
    has_more = _index_at(model, "_metadata", "has more")

    assert amount.data(JSON_PATH_ROLE) == "$.items[1].price.amount"
    assert amount.siblingAtColumn(TYPE_COLUMN).data(Qt.ItemDataRole.ToolTipRole) == (
        "$.items[1].price.amount"
    )
    assert has_more.data(JSON_PATH_ROLE) == '$._metadata["has more"]'


def test_copy_text_is_raw_for_strings_and_exact_json_for_the_rest() -> None:
    model = JsonTreeModel()
    model.set_document(parse_json_exact(SAMPLE))

    assert _index_at(model, "items", "[0]", "price", "amount").data(COPY_TEXT_ROLE) == "10.12"
    assert _index_at(model, "items", "[0]", "rate").data(COPY_TEXT_ROLE) == "1.10"
    assert _index_at(model, "items", "[0]", "price").data(COPY_TEXT_ROLE) == (
        '{"amount":"10.12","currency":"EUR"}'
    )


def test_long_strings_are_cut_for_display_but_copied_whole() -> None:
    text = "x" * 1_000_000
    model = JsonTreeModel()
    model.set_document({"blob": text})

    index = model.index(0, VALUE_COLUMN)
    assert len(index.data()) < 1000
    assert index.data().endswith("…")
    assert index.data(COPY_TEXT_ROLE) == text


def test_children_are_fetched_in_batches() -> None:
    model = JsonTreeModel(batch_size=500)
    model.set_document({"items": list(range(1200))})
    items = model.index(0, 0)

    assert model.hasChildren(items)
    assert model.rowCount(items) == 0
    assert model.canFetchMore(items)

    model.fetchMore(items)
    assert model.rowCount(items) == 500
    assert _row(model, 499, items) == ["[499]", "499", "number"]

    model.fetchMore(items)
    model.fetchMore(items)
    assert model.rowCount(items) == 1200
    assert not model.canFetchMore(items)
    assert _row(model, 1199, items) == ["[1199]", "1199", "number"]


def test_an_array_of_up_to_ten_thousand_items_starts_with_one_batch() -> None:
    model = JsonTreeModel(batch_size=500)
    model.set_document(list(range(10_000)))

    assert model.rowCount() == 500
    assert model.canFetchMore(QModelIndex())


def test_a_longer_array_shows_ranges_of_a_thousand_and_ranges_of_ranges() -> None:
    # A view lays out every sibling of an expanded row: 150,000 of them took 5.6 s.
    model = JsonTreeModel(batch_size=500)
    model.set_document(list(range(25_500)))
    assert model.rowCount() == 26
    assert _row(model, 0) == ["[0 … 999]", "1,000 items", "range"]
    assert _row(model, 25) == ["[25000 … 25499]", "500 items", "range"]
    last = model.index(25, 0)
    assert model.data(last, JSON_PATH_ROLE) == "$[25000:25500]"
    model.fetchMore(last)
    assert model.rowCount(last) == 500
    assert _row(model, 499, last) == ["[25499]", "25499", "number"]
    assert model.data(model.index(499, 0, last), JSON_PATH_ROLE) == "$[25499]"

    model.set_document({"items": list(range(2_500_000))})
    items = model.index(0, 0)
    model.fetchMore(items)
    assert model.rowCount(items) == 3
    assert _row(model, 2, items) == ["[2000000 … 2499999]", "500,000 items", "range"]
    found = model.index_at((0, 2_345_678))
    assert found.data() == "[2345678]"
    assert found.parent().data() == "[2345000 … 2345999]"
    assert found.parent().parent().data() == "[2000000 … 2499999]"
    assert model.data(found, COPY_TEXT_ROLE) == "2345678"


def test_model_with_ranges_is_a_correct_item_model(qtmodeltester: Any) -> None:
    model = JsonTreeModel(batch_size=100)
    model.set_document({"list": list(range(12_345)), "n": 1})
    model.index_at((0, 12_000))  # some ranges and items fetched
    qtmodeltester.check(model)


def test_fetched_rows_are_announced_to_views(qtbot: Any) -> None:
    model = JsonTreeModel(batch_size=100)
    model.set_document({"items": list(range(250))})
    items = model.index(0, 0)

    with qtbot.waitSignal(model.rowsInserted) as inserted:
        model.fetchMore(items)

    assert inserted.args[1:] == [0, 99]


def test_model_parent_without_arguments_is_the_qobject_parent(qapp: Any) -> None:
    owner = QObject()
    model = JsonTreeModel(owner)

    assert model.parent() is owner


# -- the view ----------------------------------------------------------------------------


@pytest.fixture
def view(qtbot: Any) -> ResponseTreeView:
    tree = ResponseTreeView()
    qtbot.addWidget(tree)
    model = JsonTreeModel(tree, batch_size=50)
    model.set_document(parse_json_exact(SAMPLE))
    tree.setModel(model)
    tree.resize(600, 400)
    return tree


def _model(view: ResponseTreeView) -> JsonTreeModel:
    model = view.model()
    assert isinstance(model, JsonTreeModel)
    return model


def _clipboard_text() -> str:
    return QGuiApplication.clipboard().text()


def test_expanding_a_node_fetches_batches_for_one_screen(
    view: ResponseTreeView, qtbot: Any
) -> None:
    model = _model(view)
    model.set_document({"items": list(range(1000))})
    items = model.index(0, 0)
    view.show()
    qtbot.waitExposed(view)

    view.expand(items)

    # The view fetches batches until its viewport is full, and no further.
    qtbot.waitUntil(lambda: model.rowCount(items) > 0)
    fetched = model.rowCount(items)
    assert fetched % 50 == 0
    assert fetched * view.sizeHintForRow(0) >= view.viewport().height()
    assert fetched < 1000


def test_scrolling_to_the_end_fetches_the_next_batch(view: ResponseTreeView, qtbot: Any) -> None:
    model = _model(view)
    model.set_document({"items": list(range(1000))})
    items = model.index(0, 0)
    view.show()
    qtbot.waitExposed(view)
    view.expand(items)
    qtbot.waitUntil(lambda: model.rowCount(items) > 0)
    QApplication.processEvents()
    fetched = model.rowCount(items)

    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())

    qtbot.waitUntil(lambda: model.rowCount(items) > fetched)
    assert model.rowCount(items) < 1000


def test_copy_value_copies_the_raw_value_of_the_current_row(view: ResponseTreeView) -> None:
    model = _model(view)
    amount = _index_at(model, "items", "[0]", "price", "amount")
    view.setCurrentIndex(amount.siblingAtColumn(VALUE_COLUMN))

    view.copy_value()
    assert _clipboard_text() == "10.12"

    view.setCurrentIndex(_index_at(model, "items", "[0]", "rate"))
    view.copy_value()
    assert _clipboard_text() == "1.10"


def test_ctrl_c_copies_the_value_not_the_key(view: ResponseTreeView, qtbot: Any) -> None:
    model = _model(view)
    view.setCurrentIndex(_index_at(model, "items", "[1]", "price"))

    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)

    assert _clipboard_text() == '{"amount":"3.00","currency":"USD"}'


def test_context_menu_copies_value_and_json_path(view: ResponseTreeView, qtbot: Any) -> None:
    model = _model(view)
    view.show()
    qtbot.waitExposed(view)
    metadata = _index_at(model, "_metadata")
    view.expand(metadata)
    has_more = _index_at(model, "_metadata", "has more").siblingAtColumn(VALUE_COLUMN)

    menu = view.context_menu_at(view.visualRect(has_more).center())
    assert menu is not None
    copy_value, copy_path = menu.actions()
    assert [copy_value.text(), copy_path.text()] == ["Copy value", "Copy JSON path"]

    copy_path.trigger()
    assert _clipboard_text() == '$._metadata["has more"]'
    copy_value.trigger()
    assert _clipboard_text() == "false"


def test_no_context_menu_below_the_last_row(view: ResponseTreeView) -> None:
    assert view.context_menu_at(view.viewport().rect().bottomLeft()) is None


def test_both_values_of_a_repeated_key_are_shown_and_flagged(qtmodeltester: Any) -> None:
    model = JsonTreeModel()
    model.set_document(
        parse_json_exact('{"amount": "1.00", "amount": "1000000.00", "currency": "EUR"}')
    )
    qtmodeltester.check(model)
    assert [_row(model, row) for row in range(3)] == [
        ["amount", '"1.00"', "string ⚠ duplicate key"],
        ["amount", '"1000000.00"', "string ⚠ duplicate key"],
        ["currency", '"EUR"', "string"],
    ]
    tooltip = model.index(0, KEY_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    assert "more than once" in tooltip


def test_a_nested_object_with_a_repeated_key_counts_every_member() -> None:
    model = JsonTreeModel()
    model.set_document(parse_json_exact('{"price": {"a": 1, "a": 2}}'))
    assert _row(model, 0) == ["price", "{2 keys}", "object"]
    price = model.index(0, 0)
    assert [_row(model, row, price)[1] for row in range(2)] == ["1", "2"]


def test_bidi_and_control_characters_in_keys_and_values_are_visible() -> None:
    model = JsonTreeModel()
    model.set_document(parse_json_exact('{"to\\u202eiban": "LT12\\u202d\\u0085x\\u001b"}'))
    key, value, _ = _row(model, 0)
    assert key == "to\\u202eiban"
    assert value == '"LT12\\u202d\\u0085x\\u001b"'

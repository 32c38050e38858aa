"""Parameter and header tables: the placeholder row, enabling, editing and deleting."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QStyleOptionViewItem, QTableView
from pytestqt.qtbot import QtBot

from app.core.request import KeyValue
from app.ui.key_value_table import KeyValueTableModel, KeyValueTableWidget

NAME = KeyValueTableModel.NAME_COLUMN
VALUE = KeyValueTableModel.VALUE_COLUMN
ENABLED = KeyValueTableModel.ENABLED_COLUMN
ROWS = (KeyValue("page", "2"), KeyValue("limit", "10", enabled=False))


class Recorder:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


@pytest.fixture
def model(qtmodeltester: Any) -> KeyValueTableModel:
    model = KeyValueTableModel(ROWS)
    # Checked once now; the tester also stays connected and checks every later change.
    qtmodeltester.check(model)
    return model


def edited(model: KeyValueTableModel) -> Recorder:
    recorder = Recorder()
    model.rows_edited.connect(recorder)
    return recorder


def test_empty_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = KeyValueTableModel()

    qtmodeltester.check(model)

    assert model.rowCount() == 1
    assert model.is_placeholder(0)
    assert model.rows() == ()


def test_filled_model_shows_rows_and_a_trailing_placeholder(model: KeyValueTableModel) -> None:
    assert model.rowCount() == 3
    assert model.columnCount() == 3
    assert model.rows() == ROWS
    assert model.index(0, NAME).data() == "page"
    assert model.index(0, VALUE).data() == "2"
    assert model.index(0, ENABLED).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert model.index(1, ENABLED).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert model.index(0, ENABLED).data() is None
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "",
        "Name",
        "Value",
    ]


def test_placeholder_is_empty_editable_but_not_checkable(model: KeyValueTableModel) -> None:
    row = model.placeholder_row()

    assert model.index(row, NAME).data(Qt.ItemDataRole.EditRole) == ""
    assert model.index(row, VALUE).data(Qt.ItemDataRole.DisplayRole) == ""
    assert model.index(row, ENABLED).data(Qt.ItemDataRole.CheckStateRole) is None
    assert not model.flags(model.index(row, ENABLED)) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.flags(model.index(row, NAME)) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(0, ENABLED)) & Qt.ItemFlag.ItemIsUserCheckable
    assert not model.flags(model.index(0, ENABLED)) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(
        model.index(row, ENABLED), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole
    )


def test_typing_a_name_into_the_placeholder_adds_a_row(model: KeyValueTableModel) -> None:
    recorder = edited(model)

    assert model.setData(model.index(2, NAME), "sort")

    assert model.rows() == (*ROWS, KeyValue("sort"))
    assert model.rowCount() == 4
    assert model.is_placeholder(3)
    assert model.index(3, NAME).data() == ""
    assert recorder.count == 1


def test_typing_a_value_into_the_placeholder_adds_a_row(model: KeyValueTableModel) -> None:
    model.setData(model.index(2, VALUE), "x")

    assert model.rows()[-1] == KeyValue("", "x")
    assert model.is_placeholder(3)


def test_empty_text_in_the_placeholder_adds_nothing(model: KeyValueTableModel) -> None:
    recorder = edited(model)

    model.setData(model.index(2, NAME), "")

    assert model.rows() == ROWS
    assert recorder.count == 0


def test_editing_a_row_replaces_it(model: KeyValueTableModel) -> None:
    recorder = edited(model)

    model.setData(model.index(0, VALUE), "3")
    model.setData(model.index(0, NAME), "p")

    assert model.rows()[0] == KeyValue("p", "3")
    assert recorder.count == 2


def test_writing_the_same_text_is_not_an_edit(model: KeyValueTableModel) -> None:
    recorder = edited(model)

    assert model.setData(model.index(0, VALUE), "2")

    assert recorder.count == 0


def test_unchecking_disables_the_row_without_deleting_it(model: KeyValueTableModel) -> None:
    recorder = edited(model)

    # Views send the check state as a plain int.
    model.setData(
        model.index(0, ENABLED), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole
    )

    assert model.rows()[0] == KeyValue("page", "2", enabled=False)
    assert len(model.rows()) == 2
    assert recorder.count == 1
    model.setData(model.index(0, ENABLED), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert model.rows()[0].enabled


def test_set_rows_does_not_count_as_an_edit(model: KeyValueTableModel) -> None:
    recorder = edited(model)

    model.set_rows([KeyValue("q", "1")])

    assert model.rows() == (KeyValue("q", "1"),)
    assert model.rowCount() == 2
    assert recorder.count == 0


def test_remove_row(model: KeyValueTableModel) -> None:
    recorder = edited(model)

    assert model.remove_row(0)

    assert model.rows() == (ROWS[1],)
    assert recorder.count == 1


def test_the_placeholder_and_unknown_rows_cannot_be_removed(model: KeyValueTableModel) -> None:
    recorder = edited(model)

    assert not model.remove_row(model.placeholder_row())
    assert not model.remove_row(7)
    assert not model.remove_row(-1)

    assert model.rows() == ROWS
    assert recorder.count == 0


# The widget ----------------------------------------------------------------------------


def make_table(qtbot: QtBot, rows: tuple[KeyValue, ...] = ROWS) -> KeyValueTableWidget:
    widget = KeyValueTableWidget("paramsTable", name_hint="Add parameter")
    qtbot.addWidget(widget)
    widget.model.set_rows(rows)
    widget.show()
    return widget


def test_widget_names_its_view_and_button(qtbot: QtBot) -> None:
    widget = make_table(qtbot)

    assert widget.findChild(QTableView, "paramsTable") is widget.view
    assert widget.findChild(QPushButton, "paramsTableRemoveButton") is not None
    assert widget.view.model() is widget.model


def test_user_fills_the_placeholder_and_tabs_to_the_value(qtbot: QtBot) -> None:
    widget = make_table(qtbot, ())
    view = widget.view
    view.setCurrentIndex(widget.model.index(0, NAME))
    view.edit(view.currentIndex())
    editor = view.indexWidget(view.currentIndex())
    assert isinstance(editor, QLineEdit)
    assert editor.placeholderText() == "Add parameter"

    qtbot.keyClicks(editor, "page")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    # Tab moved to the Value cell of the row just created, not onto the new placeholder.
    assert view.currentIndex() == widget.model.index(0, VALUE)
    value_editor = view.indexWidget(view.currentIndex())
    assert isinstance(value_editor, QLineEdit)
    assert value_editor.placeholderText() == ""
    qtbot.keyClicks(value_editor, "2")
    qtbot.keyClick(value_editor, Qt.Key.Key_Return)

    # Qt commits on Return from a queued call.
    qtbot.waitUntil(lambda: widget.model.rows() == (KeyValue("page", "2"),), timeout=2000)
    assert widget.model.rowCount() == 2


def test_space_toggles_the_checkbox(qtbot: QtBot) -> None:
    widget = make_table(qtbot)
    widget.view.setCurrentIndex(widget.model.index(0, ENABLED))

    qtbot.keyClick(widget.view, Qt.Key.Key_Space)

    assert widget.model.rows()[0] == KeyValue("page", "2", enabled=False)


def test_delete_key_removes_the_selected_row(qtbot: QtBot) -> None:
    widget = make_table(qtbot)
    widget.view.selectRow(1)

    qtbot.keyClick(widget.view, Qt.Key.Key_Delete)

    assert widget.model.rows() == (ROWS[0],)


def test_delete_key_on_the_placeholder_does_nothing(qtbot: QtBot) -> None:
    widget = make_table(qtbot)
    widget.view.selectRow(widget.model.placeholder_row())

    qtbot.keyClick(widget.view, Qt.Key.Key_Delete)

    assert widget.model.rows() == ROWS
    assert not widget.remove_button.isEnabled()
    assert not widget.delete_action.isEnabled()


def test_remove_button_and_menu_action_remove_selected_rows(qtbot: QtBot) -> None:
    widget = make_table(qtbot, (*ROWS, KeyValue("sort", "asc")))
    assert not widget.remove_button.isEnabled()
    widget.view.selectRow(0)
    assert widget.remove_button.isEnabled()
    assert "Delete row" in [action.text() for action in widget.view.actions()]

    qtbot.mouseClick(widget.remove_button, Qt.MouseButton.LeftButton)
    assert widget.model.rows() == (ROWS[1], KeyValue("sort", "asc"))

    widget.view.selectAll()
    widget.delete_action.trigger()
    assert widget.model.rows() == ()


def test_placeholder_row_shows_a_grey_hint_but_edits_as_empty(qtbot: QtBot) -> None:
    widget = make_table(qtbot)
    index = widget.model.index(widget.model.placeholder_row(), NAME)
    option = QStyleOptionViewItem()
    option.palette = QApplication.palette()

    widget.view.itemDelegate().initStyleOption(option, index)  # type: ignore[attr-defined]

    assert option.text == "Add parameter"
    assert index.data(Qt.ItemDataRole.EditRole) == ""
    assert option.palette.color(option.palette.ColorRole.Text) == QApplication.palette().color(
        option.palette.ColorRole.PlaceholderText
    )


def test_disabled_rows_are_greyed(qtbot: QtBot) -> None:
    widget = make_table(qtbot)
    delegate: Any = widget.view.itemDelegate()
    enabled_option, disabled_option = QStyleOptionViewItem(), QStyleOptionViewItem()

    delegate.initStyleOption(enabled_option, widget.model.index(0, NAME))
    delegate.initStyleOption(disabled_option, widget.model.index(1, NAME))

    assert disabled_option.text == "limit"
    text_role = disabled_option.palette.ColorRole.Text
    assert disabled_option.palette.color(text_role) != enabled_option.palette.color(text_role)


def test_nothing_lives_under_an_item(model: KeyValueTableModel) -> None:
    assert model.rowCount(model.index(0, NAME)) == 0
    assert model.index(0, 0, model.index(0, NAME)) == QModelIndex()


def test_cells_that_use_variables_are_coloured(qapp: Any) -> None:
    from PySide6.QtGui import QColor

    model = KeyValueTableModel([KeyValue("Authorization", "Bearer {{token}}"), KeyValue("a", "1")])
    coloured = model.index(0, 2).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(coloured, QColor)
    assert model.index(1, 2).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(0, 1).data(Qt.ItemDataRole.ForegroundRole) is None

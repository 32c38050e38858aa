"""The Tests tab: assertions as rows, edits checked as they are made, results after a send."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from app.core.assertions import (
    Assertion,
    AssertionKind,
    AssertionResult,
    Expected,
    Operator,
    check_assertions,
)
from app.core.collection import SavedRequest
from app.core.exchange import read_exchange
from app.core.prepare import PreparedRequest
from app.core.response import ResponseData
from app.ui.assertions_editor import AssertionsEditor, AssertionsModel
from app.ui.request_builder import RequestBuilder
from tests.ui.contrast import contrast

M = AssertionsModel
ROWS = (
    Assertion.status(200),
    Assertion.path("$.amount", Operator.EQUALS, Expected.string("10.12")),
    Assertion.header("Content-Type", Operator.MATCHES, Expected.string("^application/json")),
)


def _results(assertions: tuple[Assertion, ...] = ROWS) -> tuple[AssertionResult, ...]:
    response = ResponseData(
        200, "OK", (("Content-Type", "application/json"),), b'{"amount": "10.13"}', 80.0
    )
    request = PreparedRequest("GET", "https://h/x", (), b"", 5.0)
    return check_assertions(assertions, read_exchange(request, response))


@pytest.fixture
def model(qtmodeltester: Any) -> AssertionsModel:
    model = AssertionsModel(ROWS)
    qtmodeltester.check(model)  # stays connected: every later change is checked too
    return model


def _editor(qtbot: QtBot, rows: tuple[Assertion, ...] = ROWS) -> AssertionsEditor:
    editor = AssertionsEditor()
    qtbot.addWidget(editor)
    editor.set_assertions(rows)
    return editor


def _texts(model: AssertionsModel, row: int) -> list[str]:
    return [model.index(row, column).data() for column in range(model.columnCount())]


def test_the_model_passes_the_model_tester_empty_filled_and_with_results(
    qtmodeltester: Any,
) -> None:
    model = AssertionsModel()
    qtmodeltester.check(model)
    model.set_assertions(ROWS)
    qtmodeltester.check(model)
    model.set_results(_results())
    qtmodeltester.check(model)


def test_rows_show_kind_target_operator_and_typed_expected_text(model: AssertionsModel) -> None:
    assert model.rowCount() == 3 and model.columnCount() == 6
    assert _texts(model, 0) == ["Status", "", "equals", "200", "", ""]
    assert _texts(model, 1) == ["JSON path", "$.amount", "equals", '"10.12"', "", ""]
    assert model.headerData(3, Qt.Orientation.Horizontal) == "Expected"
    # A status has no target and one operator: those cells are not editable.
    assert not model.flags(model.index(0, M.TARGET)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(0, M.OPERATOR)) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(1, M.OPERATOR)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(1, M.RESULT)) & Qt.ItemFlag.ItemIsEditable


def test_quotes_decide_between_text_and_number(model: AssertionsModel) -> None:
    edits: list[bool] = []
    model.rows_edited.connect(lambda: edits.append(True))
    assert model.setData(model.index(1, M.EXPECTED), "10.12")
    assert model.assertions()[1].expected == Expected.number("10.12")
    assert model.setData(model.index(1, M.EXPECTED), '"10.12"')
    assert model.assertions()[1].expected == Expected.string("10.12")
    assert len(edits) == 2


def test_an_edit_that_makes_no_sense_is_refused_with_a_sentence(model: AssertionsModel) -> None:
    problems: list[str] = []
    model.problem_found.connect(problems.append)
    assert not model.setData(model.index(0, M.EXPECTED), "abc")
    assert model.assertions() == ROWS
    assert problems == ['A status is a number such as 200 or a class such as 2xx, not "abc".']
    assert model.setData(model.index(0, M.EXPECTED), "4xx")
    assert problems[-1] == ""
    assert model.assertions()[0] == Assertion.status("4xx")


def test_changing_the_kind_keeps_what_still_fits(model: AssertionsModel) -> None:
    assert model.setData(model.index(1, M.KIND), AssertionKind.HEADER.value)
    assert model.assertions()[1] == Assertion.header(
        "$.amount", Operator.EQUALS, Expected.string("10.12")
    )
    assert model.setData(model.index(1, M.KIND), AssertionKind.TIME.value)
    assert model.assertions()[1] == Assertion.time_below(1000)
    assert model.setData(model.index(1, M.KIND), AssertionKind.PATH.value)
    assert model.assertions()[1] == Assertion.path("$", Operator.EXISTS, Expected.boolean(True))


def test_changing_the_operator_keeps_the_expected_value_when_it_fits(
    model: AssertionsModel,
) -> None:
    assert model.setData(model.index(1, M.OPERATOR), Operator.MATCHES.value)
    assert model.assertions()[1].expected == Expected.string("10.12")
    assert model.index(1, M.EXPECTED).data() == "10.12"  # a regex shows without quotes
    assert model.setData(model.index(1, M.OPERATOR), Operator.EXISTS.value)
    assert model.assertions()[1].expected == Expected.boolean(True)
    assert model.setData(model.index(1, M.OPERATOR), Operator.TYPE.value)
    assert model.assertions()[1].expected == Expected.string("string")


def test_results_show_pass_fail_in_words_and_readable_colours(
    model: AssertionsModel, qapp: QApplication
) -> None:
    model.set_results(_results())
    assert model.index(0, M.RESULT).data() == "✓ passed"
    assert model.index(0, M.ACTUAL).data() == "200"
    assert model.index(1, M.RESULT).data() == "✗ FAILED"
    assert model.index(1, M.ACTUAL).data() == '"10.13"'
    assert model.index(1, M.RESULT).data(Qt.ItemDataRole.ToolTipRole) == (
        '$.amount equals "10.12": got "10.13"'
    )
    font = model.index(1, M.RESULT).data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()
    original = QApplication.palette()
    try:
        for window, base in (("#f0f0f0", "#ffffff"), ("#202124", "#2b2b2b")):
            palette = QPalette(original)
            palette.setColor(QPalette.ColorRole.Window, QColor(window))
            palette.setColor(QPalette.ColorRole.Base, QColor(base))
            QApplication.setPalette(palette)
            for row in (0, 1):
                colour = model.index(row, M.RESULT).data(Qt.ItemDataRole.ForegroundRole)
                assert contrast(colour, QColor(base)) >= 4.5, (window, row)
    finally:
        QApplication.setPalette(original)


def test_editing_a_row_clears_only_its_result(model: AssertionsModel) -> None:
    model.set_results(_results())
    assert model.setData(model.index(1, M.EXPECTED), '"10.13"')
    assert model.index(1, M.RESULT).data() == ""
    assert model.index(0, M.RESULT).data() == "✓ passed"
    model.clear_results()
    assert model.results() == (None, None, None)


def test_results_for_assertions_since_removed_are_not_shown(model: AssertionsModel) -> None:
    results = _results()
    assert model.removeRows(0, 1, QModelIndex())
    model.set_results(results)
    assert [r is not None for r in model.results()] == [True, True]
    assert model.index(0, M.RESULT).data() == "✗ FAILED"


def test_the_tab_title_counts_assertions_then_passes(qtbot: QtBot) -> None:
    builder = RequestBuilder()
    qtbot.addWidget(builder)
    tests = builder.tabs.indexOf(builder.assertions)
    assert builder.tabs.tabText(tests) == "Tests"
    builder.load_request(SavedRequest("x", assertions=ROWS))
    assert builder.tabs.tabText(tests) == "Tests (3)"
    builder.show_assertion_results(_results())
    assert builder.tabs.tabText(tests) == "Tests 2/3"
    builder.clear_assertion_results()
    assert builder.tabs.tabText(tests) == "Tests (3)"
    builder.assertions.add_assertion(AssertionKind.STATUS)
    assert builder.tabs.tabText(tests) == "Tests (4)"


def test_the_builder_loads_edits_and_returns_assertions(qtbot: QtBot) -> None:
    builder = RequestBuilder()
    qtbot.addWidget(builder)
    edits: list[bool] = []
    builder.edited.connect(lambda: edits.append(True))
    request = SavedRequest("x", url="/p", assertions=ROWS)
    builder.load_request(request)
    assert edits == []
    assert builder.request() == request
    model = builder.assertions.model
    assert model.setData(model.index(0, M.EXPECTED), "201")
    assert edits
    assert builder.request().assertions[0] == Assertion.status(201)


def test_keyboard_add_type_and_delete(qtbot: QtBot) -> None:
    editor = _editor(qtbot, ())
    edits: list[bool] = []
    editor.edited.connect(lambda: edits.append(True))
    editor.show()
    qtbot.waitExposed(editor)
    editor.view.setFocus()
    qtbot.keyClick(editor.view, Qt.Key.Key_Insert)
    assert editor.model.assertions() == (
        Assertion.path("$", Operator.EXISTS, Expected.boolean(True)),
    )
    target = editor.view.indexWidget(editor.view.currentIndex())
    assert isinstance(target, QLineEdit)
    target.selectAll()
    qtbot.keyClicks(target, "$.id")
    qtbot.keyClick(target, Qt.Key.Key_Tab)  # commits and moves to the Operator cell
    qtbot.waitUntil(lambda: editor.model.assertions()[0].target == "$.id", timeout=2000)
    assert editor.view.currentIndex().column() == M.OPERATOR
    combo = editor.view.indexWidget(editor.view.currentIndex())
    assert isinstance(combo, QComboBox)
    assert combo.currentData() == Operator.EXISTS.value
    qtbot.keyClick(combo, Qt.Key.Key_Up)  # choosing commits at once
    qtbot.waitUntil(lambda: editor.model.assertions()[0].operator is Operator.EQUALS, timeout=2000)
    editor.view.setFocus()
    editor.view.setCurrentIndex(editor.model.index(0, M.EXPECTED))
    qtbot.keyClick(editor.view, Qt.Key.Key_F2)
    expected = editor.view.indexWidget(editor.view.currentIndex())
    assert isinstance(expected, QLineEdit)
    expected.selectAll()
    qtbot.keyClicks(expected, "10145")
    qtbot.keyClick(expected, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: editor.model.assertions()[0].expected == Expected.number("10145"), timeout=2000
    )
    assert editor.model.assertions()[0].describe() == "$.id equals 10145"
    editor.view.setFocus()
    editor.view.selectRow(0)
    qtbot.keyClick(editor.view, Qt.Key.Key_Delete)
    assert editor.model.assertions() == ()
    assert edits


def test_a_refused_edit_is_explained_under_the_table(qtbot: QtBot) -> None:
    editor = _editor(qtbot)
    editor.show()
    qtbot.waitExposed(editor)
    assert editor.problem_label.isHidden()
    editor.model.setData(editor.model.index(0, M.EXPECTED), "two hundred")
    assert editor.problem_label.isVisible()
    assert editor.problem_label.text().startswith("A status is a number")
    assert editor.problem_label.textFormat() == Qt.TextFormat.PlainText
    editor.set_assertions(ROWS)
    assert editor.problem_label.isHidden()


def test_the_add_menu_offers_every_kind(qtbot: QtBot) -> None:
    editor = _editor(qtbot, ())
    menu = editor.add_button.menu()
    assert menu is not None
    labels = [action.text() for action in menu.actions()]
    assert labels == ["Status", "Error code", "JSON path", "Header", "Time (ms)"]
    menu.actions()[1].trigger()
    assert editor.model.assertions() == (Assertion.error(None),)
    assert editor.model.index(0, M.EXPECTED).data() == "null"

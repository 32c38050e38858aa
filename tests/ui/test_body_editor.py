"""The body editor as a user drives it: typing, validation, formatting, undo, modes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.core.request import BodyMode
from app.ui.body_editor import BodyEditor


def make_editor(qtbot: QtBot) -> BodyEditor:
    widget = BodyEditor()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def text_area(widget: BodyEditor) -> QPlainTextEdit:
    edit = widget.findChild(QPlainTextEdit, "bodyEditor")
    assert edit is not None
    return edit


def error_label(widget: BodyEditor) -> QLabel:
    label = widget.findChild(QLabel, "bodyErrorLabel")
    assert label is not None
    assert label.textFormat() == Qt.TextFormat.PlainText
    return label


def format_button(widget: BodyEditor) -> QPushButton:
    button = widget.findChild(QPushButton, "formatButton")
    assert button is not None
    return button


def mode_combo(widget: BodyEditor) -> QComboBox:
    combo = widget.findChild(QComboBox, "bodyModeCombo")
    assert combo is not None
    return combo


def type_lines(qtbot: QtBot, edit: QPlainTextEdit, *lines: str) -> None:
    for number, line in enumerate(lines):
        if number:
            qtbot.keyClick(edit, Qt.Key.Key_Return)
        qtbot.keyClicks(edit, line)


def test_starts_in_json_mode_with_no_error_and_a_hint(qtbot: QtBot) -> None:
    widget = make_editor(qtbot)

    assert widget.mode() is BodyMode.JSON
    assert [mode_combo(widget).itemText(i) for i in range(2)] == ["JSON", "Raw text"]
    assert error_label(widget).text() == ""
    assert text_area(widget).placeholderText() == '{"amount": "10.12"}'


def test_typing_invalid_json_shows_line_and_column_after_a_pause(qtbot: QtBot) -> None:
    widget = make_editor(qtbot)
    label = error_label(widget)

    type_lines(qtbot, text_area(widget), "{", '  "a" 1', "}")

    # Not while typing: the message would flash on every keystroke.
    assert label.text() == ""
    qtbot.waitUntil(lambda: label.text() != "", timeout=2000)
    assert label.text() == 'Line 2, column 7: expected ":" after the property name.'


def test_fixing_the_json_clears_the_error(qtbot: QtBot) -> None:
    widget = make_editor(qtbot)
    label = error_label(widget)
    edit = text_area(widget)
    qtbot.keyClicks(edit, '{"a" 1}')
    qtbot.waitUntil(lambda: label.text() != "", timeout=2000)

    for _ in range(3):
        qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, ": 1}")

    qtbot.waitUntil(lambda: label.text() == "", timeout=2000)
    assert widget.text() == '{"a": 1}'
    assert widget.problem() is None


def test_problem_is_computed_fresh_before_the_debounce(qtbot: QtBot) -> None:
    widget = make_editor(qtbot)

    qtbot.keyClicks(text_area(widget), "[1 2]")

    problem = widget.problem()
    assert problem is not None
    assert (problem.line, problem.column) == (1, 4)


def test_validate_now_shows_the_problem_immediately(qtbot: QtBot) -> None:
    widget = make_editor(qtbot)
    qtbot.keyClicks(text_area(widget), "[1,]")

    widget.validate_now()

    assert error_label(widget).text().startswith("Line 1, column 3:")


def test_raw_mode_clears_the_error_and_stops_validating(qtbot: QtBot) -> None:
    widget = make_editor(qtbot)
    label = error_label(widget)
    edit = text_area(widget)
    qtbot.keyClicks(edit, "not json")
    widget.validate_now()
    assert label.text() != ""

    qtbot.keyClick(mode_combo(widget), Qt.Key.Key_Down)

    assert widget.mode() is BodyMode.RAW
    assert label.text() == ""
    assert widget.problem() is None
    assert not format_button(widget).isEnabled()
    qtbot.keyClicks(edit, " {still not json")
    qtbot.wait(300)
    assert label.text() == ""


def test_switching_back_to_json_validates_at_once(qtbot: QtBot) -> None:
    widget = make_editor(qtbot)
    widget.set_mode(BodyMode.RAW)
    widget.set_text("<xml/>")

    widget.set_mode(BodyMode.JSON)

    assert error_label(widget).text().startswith("Line 1, column 1:")


def test_format_pretty_prints_and_ctrl_z_restores(qtbot: QtBot) -> None:
    widget = make_editor(qtbot)
    edit = text_area(widget)
    original = '{"amount":10.120,"tags":["a"]}'
    widget.set_text(original)

    qtbot.mouseClick(format_button(widget), Qt.MouseButton.LeftButton)

    assert widget.text() == '{\n  "amount": 10.120,\n  "tags": [\n    "a"\n  ]\n}'
    qtbot.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert widget.text() == original


def test_ctrl_shift_f_formats(qtbot: QtBot) -> None:
    widget = make_editor(qtbot)
    edit = text_area(widget)
    qtbot.keyClicks(edit, "[1,2]")

    qtbot.keyClick(
        edit,
        Qt.Key.Key_F,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )

    assert widget.text() == "[\n  1,\n  2\n]"


def test_format_of_invalid_json_shows_the_problem_and_keeps_the_text(qtbot: QtBot) -> None:
    widget = make_editor(qtbot)
    edit = text_area(widget)
    original = '{\n  "é": 1\n  "b": 2\n}'
    widget.set_text(original)

    qtbot.mouseClick(format_button(widget), Qt.MouseButton.LeftButton)

    assert widget.text() == original
    assert error_label(widget).text() == 'Line 3, column 3: expected "," or "}" after a value.'
    # The cursor goes to the problem so the user can fix it straight away.
    cursor = edit.textCursor()
    assert (cursor.blockNumber(), cursor.positionInBlock()) == (2, 2)


def test_changed_is_emitted_for_user_edits_only(qtbot: QtBot) -> None:
    widget = make_editor(qtbot)
    emitted: list[None] = []
    widget.changed.connect(lambda: emitted.append(None))

    widget.set_text('{"a": 1}')
    widget.set_mode(BodyMode.RAW)
    widget.set_mode(BodyMode.JSON)
    assert emitted == []

    qtbot.keyClicks(text_area(widget), "x")
    assert emitted
    emitted.clear()
    qtbot.keyClick(mode_combo(widget), Qt.Key.Key_Down)
    assert emitted


def test_set_text_shows_the_state_of_the_loaded_body(qtbot: QtBot) -> None:
    widget = make_editor(qtbot)

    widget.set_text("{")

    assert error_label(widget).text().startswith("Line 1, column 2:")
    widget.set_text("")
    assert error_label(widget).text() == ""


def test_tab_indents_with_two_spaces(qtbot: QtBot) -> None:
    widget = make_editor(qtbot)

    qtbot.keyClick(text_area(widget), Qt.Key.Key_Tab)

    assert widget.text() == "  "


def test_tab_after_text_leaves_the_editor_and_shift_tab_goes_back(qtbot: QtBot) -> None:
    widget = make_editor(qtbot)
    after = QLineEdit()
    layout = QVBoxLayout()
    holder = QWidget()
    qtbot.addWidget(holder)
    layout.addWidget(widget)
    layout.addWidget(after)
    holder.setLayout(layout)
    holder.show()
    qtbot.waitExposed(holder)
    area = text_area(widget)
    area.setFocus()
    qtbot.keyClicks(area, '{"a": 1}')
    qtbot.keyClick(area, Qt.Key.Key_Tab)
    assert widget.text() == '{"a": 1}'  # no spaces: the keyboard left
    assert QApplication.focusWidget() is not area
    area.setFocus()
    qtbot.keyClick(area, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is not area
    assert widget.text() == '{"a": 1}'


def test_text_is_returned_exactly_as_typed(qtbot: QtBot) -> None:
    widget = make_editor(qtbot)
    body = '{\n  "a": "non\u00a0breaking",\n  "b": "line\u2028separator"\n}'

    widget.set_text(body)

    assert widget.text() == body
    assert widget.problem() is None


def test_recolouring_is_not_an_edit(qtbot: QtBot) -> None:
    widget = make_editor(qtbot)
    widget.set_text('{"a": 1}')
    emitted: list[None] = []
    widget.changed.connect(lambda: emitted.append(None))

    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    widget.setPalette(palette)
    qtbot.wait(10)

    assert emitted == []


def _document_text(edit: QPlainTextEdit) -> str:
    return edit.document().toRawText().replace("\u2029", "\n")


def test_the_text_follows_every_kind_of_edit_and_each_edit_is_reported(qtbot: QtBot) -> None:
    """``text()`` is patched from each change instead of re-reading the document: after any
    edit it must still equal the document, and every edit must emit ``changed``."""
    import random

    widget = make_editor(qtbot)
    edit = text_area(widget)
    widget.set_text('{\n "name": "Zoë",\n "note": "a\u00a0b\u2028c"\n}')
    changes: list[None] = []
    widget.changed.connect(lambda: changes.append(None))
    rng = random.Random(7)
    pieces = ["x", "\n", "{}", "\u00a0", "\u2028", "😀", "ab\ncd", '"key": 1', "Ω"]
    for step in range(300):
        cursor = edit.textCursor()
        length = edit.document().characterCount() - 1
        start = rng.randint(0, length)
        cursor.setPosition(start)
        cursor.setPosition(rng.randint(start, min(length, start + 5)), cursor.MoveMode.KeepAnchor)
        edit.setTextCursor(cursor)
        before = widget.text()
        action = rng.choice(["insert", "insert", "delete", "undo", "redo"])
        if action == "insert":
            edit.insertPlainText(rng.choice(pieces))
        elif action == "delete":
            qtbot.keyClick(edit, Qt.Key.Key_Delete)
        elif action == "undo":
            edit.undo()
        else:
            edit.redo()
        assert widget.text() == _document_text(edit), f"step {step}: {action}"
        if widget.text() != before:
            assert changes, f"step {step}: {action} was not reported"
        changes.clear()


def test_a_body_past_the_highlight_limit_is_not_coloured(qtbot: QtBot) -> None:
    from app.ui.body_editor import HIGHLIGHT_LIMIT

    widget = make_editor(qtbot)
    big = '{"items": [' + ",".join(['"x"'] * (HIGHLIGHT_LIMIT // 4)) + "]}"
    widget.set_text(big)
    assert widget.text() == big
    formats = edit_formats(text_area(widget))
    assert formats == 0
    widget.set_text('{"small": true}')
    qtbot.waitUntil(lambda: edit_formats(text_area(widget)) > 0, timeout=1000)


def edit_formats(edit: QPlainTextEdit) -> int:
    """How many colour runs the first line has (the highlighter's work)."""
    return len(edit.document().firstBlock().layout().formats())


def test_pasting_a_huge_body_stops_colouring_before_it_lands(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QMimeData

    from app.ui.body_editor import HIGHLIGHT_LIMIT
    from app.ui.json_highlighter import JsonHighlighter

    coloured: list[int] = []
    original = JsonHighlighter.highlightBlock

    def counting(self: JsonHighlighter, text: str) -> None:
        coloured.append(len(text))
        original(self, text)

    monkeypatch.setattr(JsonHighlighter, "highlightBlock", counting)
    widget = make_editor(qtbot)
    edit = text_area(widget)
    data = QMimeData()
    big = "[\n" + ",\n".join(["1"] * (HIGHLIGHT_LIMIT // 3)) + "\n]"
    data.setText(big)
    coloured.clear()
    edit.insertFromMimeData(data)
    assert widget.text() == big
    assert sum(coloured) < 1000  # coloured first, it would colour every line

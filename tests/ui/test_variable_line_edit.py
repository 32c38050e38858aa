from typing import Any

from PySide6.QtCore import Qt

from app.ui.variable_line_edit import VariableLineEdit, variable_spans


def test_spans() -> None:
    assert variable_spans("{{base}}/x/{{ id }}?q=1") == [(0, 8), (11, 8)]
    assert variable_spans("/plain") == []


def test_typing_undo_and_selection_still_work(qtbot: Any) -> None:
    edit = VariableLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    qtbot.keyClicks(edit, "{{host}}/pay")
    assert edit.text() == "{{host}}/pay"
    assert edit.variable_formats() == [(0, 8)]
    edit.setCursorPosition(2)
    qtbot.keyClicks(edit, "x")
    assert edit.text() == "{{xhost}}/pay"
    edit.undo()
    assert edit.text() == "{{host}}/pay"
    edit.selectAll()
    assert edit.selectedText() == "{{host}}/pay"
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    assert edit.text() == ""

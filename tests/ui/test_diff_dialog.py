"""The side-by-side diff window: rows, full values, ignore patterns, copy, colours."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from app.core.json_diff import ABSENT, Change, Difference
from app.core.response import ResponseData
from app.services.comparing import compare_responses
from app.ui.diff_dialog import DiffDialog, general_pattern

JSON = (("Content-Type", "application/json"),)


def _dialog(qtbot: Any, before: bytes, after: bytes, **options: Any) -> DiffDialog:
    comparison = compare_responses(
        ResponseData(200, "OK", JSON, before, 1.0), ResponseData(200, "OK", JSON, after, 1.0)
    )
    dialog = DiffDialog("Compare", comparison, **options)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.summary_label.text() != "Comparing…")
    return dialog


def _rows(dialog: DiffDialog) -> list[list[str]]:
    model = dialog.model
    return [[model.index(r, c).data() for c in range(3)] for r in range(model.rowCount())]


@pytest.mark.parametrize(
    ("keys", "pattern"),
    [
        (("items", 3, "updated_at"), "$.items[*].updated_at"),
        (("a b", 0), '$["a b"][*]'),
        (("[1]",), '$["[1]"]'),  # a name that looks like an index stays a name
        (("line\u2028break",), '$["line\\u2028break"]'),  # one line in the pattern box
    ],
)
def test_ignore_this_path_takes_any_index(keys: tuple[str | int, ...], pattern: str) -> None:
    from app.core.json_doc import json_path

    difference = Difference(Change.CHANGED, json_path(keys), 1, 2, keys)
    assert general_pattern(difference) == pattern


def test_a_header_or_the_status_is_its_own_pattern() -> None:
    header = Difference(Change.ADDED, "header:ETag", ABSENT, "x")
    assert general_pattern(header) == "header:ETag"


def test_rows_show_both_sides_and_the_full_values_below(qtbot: Any) -> None:
    dialog = _dialog(
        qtbot,
        b'{"amount": 10.10, "items": [{"id": 1, "tags": ["a"]}], "gone": true}',
        b'{"amount": 10.1, "items": [{"id": 1, "tags": {"a": 1}}], "new": null}',
    )
    assert dialog.summary_label.text() == "1 changed, 1 added, 1 removed."  # 10.10 == 10.1
    assert _rows(dialog) == [
        ["~ $.items[0].tags", '["a"]', '{"a":1}'],
        ["− $.gone", "true", ""],
        ["+ $.new", "", "null"],
    ]
    assert dialog.table.currentIndex().row() == 0
    assert dialog.before_view.toPlainText() == '[\n  "a"\n]'
    assert dialog.after_view.toPlainText() == '{\n  "a": 1\n}'
    dialog.table.selectRow(1)
    assert dialog.after_view.toPlainText() == "(not there)"
    assert "~ $.items[0].tags" in dialog.unified_view.toPlainText()


def test_patterns_apply_are_remembered_and_a_bad_one_is_said(qtbot: Any) -> None:
    remembered: list[list[str]] = []
    dialog = _dialog(
        qtbot,
        b'{"at": "09:00", "n": 1}',
        b'{"at": "09:05", "n": 2}',
        ignored=("$.at",),
        remember=remembered.append,
    )
    dialog.show()  # Ctrl+Enter below is a shortcut of the shown window
    assert [row[0] for row in _rows(dialog)] == ["~ $.n"]  # started with the remembered one
    assert dialog.summary_label.text() == "1 changed, 0 added, 0 removed. Ignoring 1 path."
    assert remembered == []  # nothing new yet
    dialog.ignore_selected()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0)
    assert remembered == [["$.at", "$.n"]]
    dialog.ignore_edit.setPlainText("$.n[")
    qtbot.keyClick(dialog.ignore_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.problem_label.isHidden())
    assert "$.n[" in dialog.problem_label.text()
    assert remembered == [["$.at", "$.n"]]  # a pattern that cannot be read is not kept
    assert dialog.summary_label.text().startswith("No differences.")


def test_copy_takes_the_unified_text(qtbot: Any) -> None:
    dialog = _dialog(qtbot, b'{"n": 1}', b'{"n": 2}')
    dialog.copy_button.click()
    clipboard = QGuiApplication.clipboard()
    assert clipboard is not None
    assert clipboard.text() == "~ $.n: 1 → 2\n1 changed, 0 added, 0 removed"


def test_kinds_are_coloured_for_the_palette(qtbot: Any, qapp: Any) -> None:
    light = _dialog(qtbot, b'{"n": 1}', b'{"n": 2, "m": 3}')
    colours = [light.model.index(r, 0).data(Qt.ItemDataRole.ForegroundRole).name() for r in (0, 1)]
    assert colours == ["#8a4b00", "#1b7d2a"]  # changed, added: readable on a light window
    palette = qapp.palette()
    dark_palette = QPalette(palette)
    dark_palette.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    qapp.setPalette(dark_palette)
    try:
        dark = _dialog(qtbot, b'{"n": 1}', b'{"n": 2, "m": 3}')
    finally:
        qapp.setPalette(palette)
    colours = [dark.model.index(r, 0).data(Qt.ItemDataRole.ForegroundRole).name() for r in (0, 1)]
    assert colours == ["#ffb35c", "#6fdc7f"]

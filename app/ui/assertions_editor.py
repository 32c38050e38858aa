"""The Tests tab: a request's assertions as editable rows, and how each fared on the last send.

``AssertionsModel`` adapts a list of ``Assertion``s (app.core.assertions) to Qt, one row each:
kind, target, operator, expected, then the result and the actual value once a response has
been checked. Every edit goes through ``Assertion.from_row``, so the model only ever holds
assertions that can be saved; an edit that makes no sense is refused and its reason is
reported through ``problem_found``. ``AssertionsEditor`` puts the view, Add and Remove
buttons and that reason around it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.core.assertions import (
    Assertion,
    AssertionKind,
    AssertionResult,
    Expected,
    Operator,
    operators_for,
)
from app.ui.key_value_table import commit_pending_edit
from app.ui.status_style import error_text_color, problem_label, status_color
from app.ui.table_view import editable_table_view

__all__ = ["AssertionsEditor", "AssertionsModel"]

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

# The choices of a Kind or Operator cell, as (label, value) pairs, for the combo box editor.
CHOICES_ROLE = Qt.ItemDataRole.UserRole + 1

# What a row becomes when its kind is picked and nothing of the old row fits.
_KIND_DEFAULTS = {
    AssertionKind.STATUS: Assertion.status("2xx"),
    AssertionKind.ERROR: Assertion.error(None),
    AssertionKind.PATH: Assertion.path("$", Operator.EXISTS, Expected.boolean(True)),
    AssertionKind.HEADER: Assertion.header("Content-Type", Operator.EXISTS, Expected.boolean(True)),
    AssertionKind.TIME: Assertion.time_below(1000),
}
_OPERATOR_DEFAULTS = {
    Operator.EQUALS: '""',
    Operator.EXISTS: "true",
    Operator.MATCHES: "",
    Operator.TYPE: "string",
}
_EXPECTED_TIPS = {
    Operator.EQUALS: (
        'In quotes ("10.12") it is text; without quotes a number compared exactly (10.12), '
        "true, false or null"
    ),
    Operator.EXISTS: "true: the path selects a value; false: it selects none",
    Operator.MATCHES: "A regular expression searched in the text (anchor it with ^ and $)",
    Operator.TYPE: "number, string, boolean, null, object, array or integer",
    Operator.BELOW: "Milliseconds from sending to the last byte received",
}
_STATUS_TIP = "A status (200) or a class of statuses (2xx)"
_ERROR_TIP = "A Paysera error code such as not_found, or null: the response has no error object"


class AssertionsModel(QAbstractTableModel):
    """A thin Qt adapter over a request's assertions and the results of the last check.

    ``rows_edited`` follows user edits (``setData``, ``add``, ``removeRows``), never
    ``set_assertions``; ``results_changed`` follows any change of what the Result column
    shows. An edit that would not make a valid assertion returns False and emits
    ``problem_found`` with a sentence; a valid edit emits ``problem_found("")``.
    """

    KIND, TARGET, OPERATOR, EXPECTED, RESULT, ACTUAL = range(6)
    _HEADERS = ("Kind", "Target", "Operator", "Expected", "Result", "Actual")

    rows_edited = Signal()
    results_changed = Signal()
    problem_found = Signal(str)

    def __init__(self, assertions: Iterable[Assertion] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Assertion] = list(assertions)
        self._results: list[AssertionResult | None] = [None] * len(self._rows)

    # Domain API -----------------------------------------------------------------------------

    def assertions(self) -> tuple[Assertion, ...]:
        return tuple(self._rows)

    def set_assertions(self, assertions: Iterable[Assertion]) -> None:
        """Replace every row (loading a request); results are cleared, ``rows_edited`` is not
        emitted."""
        self.beginResetModel()
        self._rows = list(assertions)
        self._results = [None] * len(self._rows)
        self.endResetModel()
        self.results_changed.emit()

    def add(self, assertion: Assertion) -> int:
        """Append a row (a user action); returns its row number."""
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(assertion)
        self._results.append(None)
        self.endInsertRows()
        self.rows_edited.emit()
        return row

    def set_results(self, results: Sequence[AssertionResult]) -> None:
        """Show how each assertion fared. A result goes to the first row, in order, that holds
        its assertion: rows edited since the send stay without a result."""
        self._results = [None] * len(self._rows)
        start = 0
        for result in results:
            for row in range(start, len(self._rows)):
                if self._rows[row] == result.assertion:
                    self._results[row] = result
                    start = row + 1
                    break
        self._emit_results_changed()

    def clear_results(self) -> None:
        self._results = [None] * len(self._rows)
        self._emit_results_changed()

    def results(self) -> tuple[AssertionResult | None, ...]:
        """The result shown on each row (``None``: not checked since it was last edited)."""
        return tuple(self._results)

    # Qt model API ---------------------------------------------------------------------------

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._HEADERS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._HEADERS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not self._is_valid(index):
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable(self._rows[index.row()], index.column()):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._is_valid(index):
            return None
        row, column = index.row(), index.column()
        assertion = self._rows[row]
        if column in (self.RESULT, self.ACTUAL):
            return self._result_data(self._results[row], column, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(assertion, column)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_value(assertion, column)
        if role == CHOICES_ROLE:
            if column == self.KIND:
                return [(kind.label, kind.value) for kind in AssertionKind]
            if column == self.OPERATOR:
                return [(op.value, op.value) for op in operators_for(assertion.kind)]
            return None
        if role == Qt.ItemDataRole.ToolTipRole and column == self.EXPECTED:
            if assertion.kind is AssertionKind.STATUS:
                return _STATUS_TIP
            if assertion.kind is AssertionKind.ERROR:
                return _ERROR_TIP
            return _EXPECTED_TIPS[assertion.operator]
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            not self._is_valid(index)
            or role != Qt.ItemDataRole.EditRole
            or not isinstance(value, str)
            or not self._editable(self._rows[index.row()], index.column())
        ):
            return False
        row, column = index.row(), index.column()
        current = self._rows[row]
        try:
            changed = self._edited(current, column, value)
        except ValueError as exc:
            self.problem_found.emit(_sentence(str(exc)))
            return False
        self.problem_found.emit("")
        if changed == current:
            return True
        self._rows[row] = changed
        self._results[row] = None
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self._HEADERS) - 1))
        self.rows_edited.emit()
        self.results_changed.emit()
        return True

    def removeRows(self, row: int, count: int, parent: _Index = _ROOT) -> bool:
        if parent.isValid() or count < 1 or row < 0 or row + count > len(self._rows):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        del self._rows[row : row + count]
        del self._results[row : row + count]
        self.endRemoveRows()
        self.rows_edited.emit()
        self.results_changed.emit()
        return True

    # Helpers --------------------------------------------------------------------------------

    def _is_valid(self, index: _Index) -> bool:
        return (
            index.isValid()
            and not index.parent().isValid()
            and 0 <= index.row() < len(self._rows)
            and 0 <= index.column() < len(self._HEADERS)
        )

    def _editable(self, assertion: Assertion, column: int) -> bool:
        if column == self.TARGET:
            return _has_target(assertion.kind)
        if column == self.OPERATOR:
            return len(operators_for(assertion.kind)) > 1
        return column in (self.KIND, self.EXPECTED)

    def _display(self, assertion: Assertion, column: int) -> str:
        if column == self.KIND:
            return assertion.kind.label
        if column == self.TARGET:
            return assertion.target
        if column == self.OPERATOR:
            return assertion.operator.value
        return assertion.expected_text()

    def _edit_value(self, assertion: Assertion, column: int) -> str:
        if column == self.KIND:
            return assertion.kind.value
        return self._display(assertion, column)

    def _edited(self, current: Assertion, column: int, value: str) -> Assertion:
        kind, target, operator = current.kind, current.target, current.operator
        if column == self.KIND:
            return _with_kind(current, _kind(value))
        if column == self.OPERATOR:
            return _with_operator(current, _operator(value))
        if column == self.TARGET:
            return Assertion.from_row(kind, value, operator, current.expected_text())
        return Assertion.from_row(kind, target, operator, value)

    def _result_data(self, result: AssertionResult | None, column: int, role: int) -> Any:
        if result is None:
            if role == Qt.ItemDataRole.DisplayRole:
                return ""
            if role == Qt.ItemDataRole.ToolTipRole and column == self.RESULT:
                return "Not checked yet: send the request"
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.RESULT:
                return "✓ passed" if result.passed else "✗ FAILED"
            return result.actual
        if role == Qt.ItemDataRole.ToolTipRole:
            return result.describe()
        if column == self.RESULT and role == Qt.ItemDataRole.ForegroundRole:
            palette = QGuiApplication.palette()
            return status_color(200, palette) if result.passed else error_text_color(palette)
        if column == self.RESULT and role == Qt.ItemDataRole.FontRole and not result.passed:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _emit_results_changed(self) -> None:
        if self._rows:
            self.dataChanged.emit(
                self.index(0, self.RESULT), self.index(len(self._rows) - 1, self.ACTUAL)
            )
        self.results_changed.emit()


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _has_target(kind: AssertionKind) -> bool:
    return kind in (AssertionKind.PATH, AssertionKind.HEADER)


def _kind(value: str) -> AssertionKind:
    for kind in AssertionKind:
        if value in (kind.value, kind.label):
            return kind
    raise ValueError(f"unknown kind of assertion {value!r}")


def _operator(value: str) -> Operator:
    try:
        return Operator(value)
    except ValueError:
        raise ValueError(f"unknown operator {value!r}") from None


def _with_kind(current: Assertion, kind: AssertionKind) -> Assertion:
    """``current`` turned into a ``kind`` row, keeping whatever of it still makes sense."""
    if kind is current.kind:
        return current
    default = _KIND_DEFAULTS[kind]
    target = current.target if _has_target(kind) and current.target else default.target
    operators = operators_for(kind)
    operator = current.operator if current.operator in operators else default.operator
    try:
        return Assertion.from_row(kind, target, operator, current.expected_text())
    except ValueError:
        return Assertion.from_row(kind, target, operator, default.expected_text())


def _with_operator(current: Assertion, operator: Operator) -> Assertion:
    """``current`` with ``operator``, keeping its expected value when it still fits."""
    if operator is current.operator:
        return current
    if operator not in operators_for(current.kind):
        raise ValueError(f"a {current.kind.label.lower()} assertion cannot use {operator.value}")
    # A value going to equals keeps its type (quoted when text); a regex or type name is
    # the value's bare text.
    expected = current.expected
    text = expected.notation() if operator is Operator.EQUALS else expected.text
    try:
        return Assertion.from_row(current.kind, current.target, operator, text)
    except ValueError:
        pass
    return Assertion.from_row(
        current.kind, current.target, operator, _OPERATOR_DEFAULTS.get(operator, "")
    )


class _AssertionsDelegate(QStyledItemDelegate):
    """Kind and Operator cells are edited with a combo box that commits on choosing."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        choices = index.data(CHOICES_ROLE)
        if not choices:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        for label, value in choices:
            combo.addItem(label, value)
        combo.activated.connect(lambda _index: self._commit(combo))
        return combo

    def _commit(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole)), 0))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class AssertionsEditor(QWidget):
    """The Tests tab: the assertions table, Add (a menu of kinds) and Remove, and the reason
    an edit was refused. ``edited`` follows user edits; ``title_changed`` the tab title."""

    edited = Signal()
    title_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assertionsEditor")
        self.model = AssertionsModel(parent=self)
        self.view = editable_table_view(
            "assertionsTable",
            self.model,
            _AssertionsDelegate(),
            self,
            sized_column=AssertionsModel.TARGET,
            width=220,
            stretch_column=AssertionsModel.ACTUAL,
        )
        self.view.setToolTip(
            "Checked on every response. F2 or typing edits a cell; Delete removes rows"
        )

        self.add_button = QPushButton("Add", self)
        self.add_button.setObjectName("assertionsAddButton")
        self.add_button.setToolTip("Add an assertion (Insert adds a JSON path check)")
        menu = QMenu(self.add_button)
        for kind in AssertionKind:
            action = menu.addAction(kind.label)
            action.triggered.connect(lambda _checked=False, k=kind: self.add_assertion(k))
        self.add_button.setMenu(menu)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setObjectName("assertionsRemoveButton")
        self.remove_button.setToolTip("Delete the selected assertions (Delete)")

        self.hint_label = QLabel(
            'Expected values: "10.12" in quotes is text, 10.12 without quotes a number', self
        )
        self.hint_label.setObjectName("assertionsHintLabel")
        self.hint_label.setTextFormat(Qt.TextFormat.PlainText)
        self.hint_label.setWordWrap(True)
        self.problem_label = problem_label("assertionsProblemLabel", self)

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.hint_label, 1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.problem_label)
        layout.addLayout(buttons)

        self.view.installEventFilter(self)
        self.remove_button.clicked.connect(self.remove_selected)
        self.model.rows_edited.connect(self.edited)
        self.model.rows_edited.connect(self._update_title)
        self.model.results_changed.connect(self._update_title)
        self.model.problem_found.connect(self._on_model_problem_found)
        selection = self.view.selectionModel()
        selection.selectionChanged.connect(self._update_actions)
        selection.currentChanged.connect(self._update_actions)
        self.model.rowsRemoved.connect(self._update_actions)
        self.model.modelReset.connect(self._update_actions)
        self._update_actions()

    # --- the request's assertions -----------------------------------------------------------

    def assertions(self) -> tuple[Assertion, ...]:
        return self.model.assertions()

    def set_assertions(self, assertions: Iterable[Assertion]) -> None:
        """Show a loaded request's assertions (not an edit); clears results and any problem."""
        self.model.set_assertions(assertions)
        self.problem_label.hide()

    def commit_pending_edit(self) -> None:
        commit_pending_edit(self.view)

    def add_assertion(self, kind: AssertionKind) -> None:
        """Add a row of ``kind`` and start editing the cell one fills in first."""
        row = self.model.add(_KIND_DEFAULTS[kind])
        column = AssertionsModel.TARGET if _has_target(kind) else AssertionsModel.EXPECTED
        index = self.model.index(row, column)
        self.view.setFocus()
        self.view.setCurrentIndex(index)
        self.view.edit(index)

    def remove_selected(self) -> None:
        rows = {index.row() for index in self.view.selectionModel().selectedRows()}
        if not rows and self.view.currentIndex().isValid():
            rows = {self.view.currentIndex().row()}
        for row in sorted(rows, reverse=True):
            self.model.removeRows(row, 1)

    # --- results -------------------------------------------------------------------------------

    def show_results(self, results: Sequence[AssertionResult]) -> None:
        self.model.set_results(results)

    def clear_results(self) -> None:
        self.model.clear_results()

    def title(self) -> str:
        """``Tests``, ``Tests (3)``, or after a check ``Tests 2/3`` (passed / checked)."""
        checked = [result for result in self.model.results() if result is not None]
        if checked:
            passed = sum(1 for result in checked if result.passed)
            return f"Tests {passed}/{len(checked)}"
        count = self.model.rowCount()
        return f"Tests ({count})" if count else "Tests"

    # --- slots ----------------------------------------------------------------------------------

    def _update_title(self) -> None:
        self.title_changed.emit(self.title())

    def _on_model_problem_found(self, problem: str) -> None:
        self.problem_label.setText(problem)
        self.problem_label.setVisible(bool(problem))

    def _update_actions(self) -> None:
        has_rows = self.model.rowCount() > 0 and (
            bool(self.view.selectionModel().selectedRows()) or self.view.currentIndex().isValid()
        )
        self.remove_button.setEnabled(has_rows)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Keys on the table, not shortcuts: a shortcut would also fire inside a cell editor.
        if (
            watched is self.view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and self.view.state() != QAbstractItemView.State.EditingState
        ):
            if event.key() in _DELETE_KEYS:
                self.remove_selected()
                return True
            if event.key() == Qt.Key.Key_Insert:
                self.add_assertion(AssertionKind.PATH)
                return True
        return super().eventFilter(watched, event)


# Mac keyboards label Backspace "delete", and Finder deletes with it.
_DELETE_KEYS = (
    (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) if sys.platform == "darwin" else (Qt.Key.Key_Delete,)
)

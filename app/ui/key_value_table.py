"""Editable name/value tables for query parameters, headers and variables.

``PlaceholderRowsModel`` adapts a list of frozen row dataclasses (anything with ``name`` and
``value``) to Qt and always ends with one empty "new row" placeholder, so adding a row is just
typing into it; ``PlaceholderRowsDelegate`` draws that row's hints and greys disabled rows.
``PlaceholderRowsWidget`` puts a view, a delete action and a Remove button around such a
model; ``KeyValueTableModel`` and ``KeyValueTableWidget`` are the two for ``KeyValue`` rows.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Generic, NamedTuple, Protocol, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QGuiApplication, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.request import KeyValue
from app.core.variables import VARIABLE_PATTERN
from app.ui.json_highlighter import JsonTheme
from app.ui.table_view import editable_table_view

__all__ = [
    "CheckColumn",
    "KeyValueTableModel",
    "KeyValueTableWidget",
    "PlaceholderRowsDelegate",
    "PlaceholderRowsModel",
    "PlaceholderRowsWidget",
    "commit_pending_edit",
    "delete_selected_rows",
    "rows_view",
    "selected_rows",
]

_Index = QModelIndex | QPersistentModelIndex
# The invalid index Qt uses for "no parent"; a module constant keeps call-free defaults.
_ROOT = QModelIndex()


class _NamedRow(Protocol):
    """What the model needs of a row: a frozen dataclass with a name and a value."""

    # Marks a dataclass, so ``dataclasses.replace`` type-checks on any row type.
    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    @property
    def name(self) -> str: ...

    @property
    def value(self) -> str: ...


RowT = TypeVar("RowT", bound=_NamedRow)


class CheckColumn(NamedTuple):
    """A checkbox column: the boolean row field it toggles and the tooltips that explain it."""

    field: str
    header_tip: str
    checked_tip: str
    unchecked_tip: str


class PlaceholderRowsModel(QAbstractTableModel, Generic[RowT]):
    """A thin Qt adapter over frozen ``RowT`` rows, plus a trailing empty placeholder row.

    Column 0 is the "use this row" checkbox, column 1 the name, column 2 the value; a
    subclass names its columns in ``_HEADERS``, its checkbox columns in ``_CHECK_COLUMNS``
    and builds new rows in ``_new_row``. Typing a name or value into the placeholder turns it
    into a real row and a fresh placeholder appears below it. Unchecking a row disables it
    without deleting it.

    ``rows_edited`` is emitted after user edits (``setData``, ``removeRows``) and never
    after ``set_rows``, so code that keeps the table in sync with something else (the URL's
    query string) can react to the user without reacting to itself.
    """

    ENABLED_COLUMN = 0
    NAME_COLUMN = 1
    VALUE_COLUMN = 2
    _HEADERS: ClassVar[tuple[str, ...]] = ("", "Name", "Value")
    _CHECK_COLUMNS: ClassVar[Mapping[int, CheckColumn]]

    rows_edited = Signal()

    def __init__(self, rows: Iterable[RowT] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[RowT] = list(rows)

    def _new_row(self, name: str, value: str) -> RowT:
        """The row that typing ``name`` or ``value`` into the placeholder creates."""
        raise NotImplementedError

    # Domain API -------------------------------------------------------------------------

    def rows(self) -> tuple[RowT, ...]:
        """The real rows, disabled ones included, without the placeholder."""
        return tuple(self._rows)

    def set_rows(self, rows: Iterable[RowT]) -> None:
        """Replace all rows (e.g. when loading a request); does not emit ``rows_edited``."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def remove_row(self, row: int) -> bool:
        """Delete one real row; returns False for the placeholder or an unknown row."""
        return self.removeRows(row, 1)

    def placeholder_row(self) -> int:
        """The row number of the empty "new row" placeholder (always the last row)."""
        return len(self._rows)

    def is_placeholder(self, row: int) -> bool:
        """Whether ``row`` is the empty "new row" placeholder."""
        return row == len(self._rows)

    # Qt model API -----------------------------------------------------------------------

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows) + 1

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
        check = self._CHECK_COLUMNS.get(section)
        if role == Qt.ItemDataRole.ToolTipRole and check is not None:
            return check.header_tip
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not self._is_valid(index):
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in self._CHECK_COLUMNS:
            # Nothing to enable or disable until the placeholder holds something.
            if not self.is_placeholder(index.row()):
                flags |= Qt.ItemFlag.ItemIsUserCheckable
        else:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._is_valid(index):
            return None
        row, column = index.row(), index.column()
        check = self._CHECK_COLUMNS.get(column)
        if self.is_placeholder(row):
            if check is None and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return ""
            return None
        if check is None:
            return self._text_data(row, column, role)
        checked = bool(getattr(self._rows[row], check.field))
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            return check.checked_tip if checked else check.unchecked_tip
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not self._is_valid(index):
            return False
        row, column = index.row(), index.column()
        check = self._CHECK_COLUMNS.get(column)
        if check is not None:
            if role != Qt.ItemDataRole.CheckStateRole or self.is_placeholder(row):
                return False
            state = _as_check_state(value)
            if state is None:
                return False
            current = self._rows[row]
            changed = dataclasses.replace(current, **{check.field: state == Qt.CheckState.Checked})
            if changed != current:
                self._rows[row] = changed
                # The whole row may change look (greyed when disabled, masked when secret).
                self._emit_row_changed(row)
                self.rows_edited.emit()
            return True
        if role != Qt.ItemDataRole.EditRole or not isinstance(value, str):
            return False
        is_name = column == self.NAME_COLUMN
        if self.is_placeholder(row):
            if not value:
                return False
            self._append_from_placeholder(
                self._new_row(value, "") if is_name else self._new_row("", value)
            )
            self.rows_edited.emit()
            return True
        current = self._rows[row]
        if (current.name if is_name else current.value) == value:
            return True
        self._rows[row] = dataclasses.replace(current, **{"name" if is_name else "value": value})
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        self.rows_edited.emit()
        return True

    def removeRows(self, row: int, count: int, parent: _Index = _ROOT) -> bool:
        if parent.isValid() or count < 1 or row < 0 or row + count > len(self._rows):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        del self._rows[row : row + count]
        self.endRemoveRows()
        self.rows_edited.emit()
        return True

    # Helpers ----------------------------------------------------------------------------

    def _text_data(self, row: int, column: int, role: int) -> Any:
        """The name or value cell of a real row; a subclass may show a value differently."""
        item = self._rows[row]
        text = item.name if column == self.NAME_COLUMN else item.value
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return text
        if role == Qt.ItemDataRole.ForegroundRole and VARIABLE_PATTERN.search(text):
            # Cells that use {{variables}} stand out, as they do in the URL and the body.
            return QColor(JsonTheme.for_palette(QGuiApplication.palette()).placeholder)
        return None

    def _is_valid(self, index: _Index) -> bool:
        return (
            index.isValid()
            and not index.parent().isValid()
            and 0 <= index.row() <= len(self._rows)
            and 0 <= index.column() < len(self._HEADERS)
        )

    def _append_from_placeholder(self, item: RowT) -> None:
        # The placeholder row itself becomes the real row and a new placeholder is inserted
        # after it. Inserting the real row *before* the placeholder instead would shift
        # the user's current cell (and open editor) down onto the new placeholder, so
        # pressing Tab after typing a name would land in the wrong row.
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row + 1, row + 1)
        self._rows.append(item)
        self.endInsertRows()
        self._emit_row_changed(row)

    def _emit_row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self._HEADERS) - 1))


class KeyValueTableModel(PlaceholderRowsModel[KeyValue]):
    """The query parameters or headers of a request: ``KeyValue`` rows and a placeholder."""

    _CHECK_COLUMNS: ClassVar[Mapping[int, CheckColumn]] = {
        PlaceholderRowsModel.ENABLED_COLUMN: CheckColumn(
            "enabled",
            "Send this row (unchecked rows are kept but not sent)",
            "Sent",
            "Not sent: this row is disabled",
        )
    }

    def _new_row(self, name: str, value: str) -> KeyValue:
        return KeyValue(name, value)


def _as_check_state(value: Any) -> Qt.CheckState | None:
    # Views pass a plain int (Qt converts the enum when it builds the QVariant); Python
    # callers usually pass the enum itself.
    if isinstance(value, Qt.CheckState):
        return value
    if isinstance(value, int):
        try:
            return Qt.CheckState(value)
        except ValueError:
            return None
    return None


class PlaceholderRowsDelegate(QStyledItemDelegate):
    """Shows grey hints in the placeholder row and greys out the text of disabled rows.

    ``hints`` maps a column to the grey text of its empty placeholder cell.
    ``editor_text_edited`` is emitted while a cell editor is typed into.
    """

    editor_text_edited = Signal()

    def __init__(self, hints: Mapping[int, str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hints = hints

    def initStyleOption(self, option: QStyleOptionViewItem, index: _Index) -> None:
        super().initStyleOption(option, index)
        state = _row_check_state(index)
        if state is None:
            hint = self._hints.get(index.column(), "")
            if hint and not option.text:
                option.text = hint
                self._grey(option)
        elif state == Qt.CheckState.Unchecked:
            self._grey(option)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        editor = super().createEditor(parent, option, index)
        hint = self._hints.get(index.column())
        if isinstance(editor, QLineEdit):
            if hint and _row_check_state(index) is None:
                editor.setPlaceholderText(hint)
            editor.textEdited.connect(self.editor_text_edited)
        return editor

    @staticmethod
    def _grey(option: QStyleOptionViewItem) -> None:
        palette = QPalette(option.palette)
        palette.setColor(QPalette.ColorRole.Text, palette.color(QPalette.ColorRole.PlaceholderText))
        option.palette = palette


def _row_check_state(index: _Index) -> Qt.CheckState | None:
    """The row's enabled state, or None for the placeholder row (it has no checkbox).

    Asking the index rather than the model keeps the delegate working behind a proxy.
    """
    state = index.sibling(index.row(), PlaceholderRowsModel.ENABLED_COLUMN).data(
        Qt.ItemDataRole.CheckStateRole
    )
    return None if state is None else _as_check_state(state)


def rows_view(
    name: str,
    model: PlaceholderRowsModel[Any],
    delegate: PlaceholderRowsDelegate,
    parent: QWidget,
    *,
    name_width: int,
) -> QTableView:
    """A table view named ``name`` over ``model``: checkbox columns as narrow as their
    contents, the name column ``name_width`` px and the value column stretched."""
    return editable_table_view(
        name,
        model,
        delegate,
        parent,
        sized_column=model.NAME_COLUMN,
        width=name_width,
        stretch_column=model.VALUE_COLUMN,
    )


def commit_pending_edit(view: QAbstractItemView) -> None:
    """Write the cell being edited in ``view``, if any, into its model and close the editor."""
    if view.state() != QAbstractItemView.State.EditingState:
        return
    editor = view.indexWidget(view.currentIndex())
    if editor is not None:
        view.commitData(editor)
        view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)


def selected_rows(view: QAbstractItemView, model: PlaceholderRowsModel[Any]) -> list[int]:
    """Real rows picked in ``view`` (the selection, else the current row), in order."""
    selection = view.selectionModel()
    rows = {index.row() for index in selection.selectedIndexes()}
    if not rows and selection.currentIndex().isValid():
        rows = {selection.currentIndex().row()}
    return sorted(row for row in rows if not model.is_placeholder(row))


def delete_selected_rows(view: QAbstractItemView, model: PlaceholderRowsModel[Any]) -> None:
    """Delete the real rows picked in ``view``; the placeholder row is never deleted."""
    # From the bottom up so earlier removals do not shift the rows still to remove.
    for row in reversed(selected_rows(view, model)):
        model.remove_row(row)


class PlaceholderRowsWidget(QWidget, Generic[RowT]):
    """A table of placeholder rows with a "Delete <noun>" action and a Remove button: the
    parameters and headers tables, the form fields table.

    ``model`` becomes the widget's child. ``table_name`` becomes the view's objectName and
    ``table_name + "RemoveButton"`` the Remove button's; ``hints`` maps a column to the grey
    text of its empty placeholder cell; ``noun`` names one row in the action and tooltip.
    A subclass adds buttons left of Remove in ``_leading_buttons`` (made in focus order,
    before Remove) and names the columns a cell editor may be typing into in
    ``_EDITED_FIELDS`` (column -> row field).
    """

    cell_text_edited = Signal()  # typing in a cell editor, before the cell is committed

    _EDITED_FIELDS: ClassVar[Mapping[int, str]] = {
        PlaceholderRowsModel.NAME_COLUMN: "name",
        PlaceholderRowsModel.VALUE_COLUMN: "value",
    }

    def __init__(
        self,
        model: PlaceholderRowsModel[RowT],
        table_name: str,
        hints: Mapping[int, str],
        parent: QWidget | None,
        *,
        name_width: int,
        noun: str,
    ) -> None:
        super().__init__(parent)
        model.setParent(self)
        self.model = model

        delegate = PlaceholderRowsDelegate(hints)
        delegate.editor_text_edited.connect(self.cell_text_edited)
        self.view = rows_view(table_name, self.model, delegate, self, name_width=name_width)

        self.delete_action = QAction(f"Delete {noun}", self.view)
        self.view.addAction(self.delete_action)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        # Delete is handled in eventFilter rather than as the action's shortcut: a shortcut
        # would also fire while a cell editor is open and delete the row being edited.
        self.view.installEventFilter(self)

        leading = self._leading_buttons()
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setObjectName(f"{table_name}RemoveButton")
        self.remove_button.setToolTip(f"Delete the selected {noun}s")

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in leading:
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

        self.delete_action.triggered.connect(self.delete_selected_rows)
        self.remove_button.clicked.connect(self.delete_selected_rows)
        selection = self.view.selectionModel()
        selection.selectionChanged.connect(self._update_actions)
        selection.currentChanged.connect(self._update_actions)
        self.model.rowsInserted.connect(self._update_actions)
        self.model.rowsRemoved.connect(self._update_actions)
        self.model.modelReset.connect(self._update_actions)
        self._update_actions()

    def _leading_buttons(self) -> list[QWidget]:
        """Buttons left of Remove, made here with the widget as their parent; none."""
        return []

    def rows_with_pending_edit(self) -> tuple[RowT, ...]:
        """The rows, with the text of a cell still being edited applied (without closing
        its editor): drafts must keep what is typed before the cell is left."""
        rows = list(self.model.rows())
        index = self.view.currentIndex()
        editor = self.view.indexWidget(index) if index.isValid() else None
        if self.view.state() != QAbstractItemView.State.EditingState or not isinstance(
            editor, QLineEdit
        ):
            return tuple(rows)
        field = self._EDITED_FIELDS.get(index.column())
        if field is None:
            return tuple(rows)
        change: dict[str, Any] = {field: editor.text()}
        if index.row() < len(rows):
            rows[index.row()] = dataclasses.replace(rows[index.row()], **change)
        elif editor.text():
            rows.append(dataclasses.replace(self.model._new_row("", ""), **change))
        return tuple(rows)

    def commit_pending_edit(self) -> None:
        """Write a cell that is still being edited into the model (Ctrl+Enter sends at once)."""
        commit_pending_edit(self.view)

    def selected_rows(self) -> list[int]:
        """Real rows the user picked (the selection, else the current row), in order."""
        return selected_rows(self.view, self.model)

    def delete_selected_rows(self) -> None:
        """Delete the selected rows; the placeholder row is never deleted."""
        delete_selected_rows(self.view, self.model)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in _DELETE_KEYS
            and self.view.state() != QAbstractItemView.State.EditingState
            and self.selected_rows()
        ):
            self.delete_selected_rows()
            return True
        return super().eventFilter(watched, event)

    def _update_actions(self) -> None:
        has_rows = bool(self.selected_rows())
        self.delete_action.setEnabled(has_rows)
        self.remove_button.setEnabled(has_rows)


class KeyValueTableWidget(PlaceholderRowsWidget[KeyValue]):
    """A parameters or headers table: the view, a "Delete row" action and a Remove button.

    ``table_name`` becomes the view's objectName (e.g. ``"paramsTable"``); the Remove
    button is named ``table_name + "RemoveButton"``. ``name_hint`` is the grey text in the
    empty row's Name cell (e.g. ``"Add parameter"``).
    """

    model: KeyValueTableModel

    def __init__(
        self,
        table_name: str,
        parent: QWidget | None = None,
        *,
        name_hint: str = "Add row",
        value_hint: str = "Value",
    ) -> None:
        super().__init__(
            KeyValueTableModel(),
            table_name,
            {
                KeyValueTableModel.NAME_COLUMN: name_hint,
                KeyValueTableModel.VALUE_COLUMN: value_hint,
            },
            parent,
            name_width=200,
            noun="row",
        )


# Mac keyboards label Backspace "delete", and Finder deletes with it.
_DELETE_KEYS = (
    (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) if sys.platform == "darwin" else (Qt.Key.Key_Delete,)
)

"""Editing one environment: whether it is protected, its variables with secrets masked, and
its TLS settings.

``EnvironmentVariablesModel`` adapts a list of ``Variable`` rows to Qt, with a trailing empty
placeholder row for adding one. ``EnvironmentDialog`` puts it in a dialog.

Secret values only pass through: they come in as ``secret_values``, live in memory while the
dialog is open, and leave through ``EnvironmentDialog.result_secrets()`` (for the secret
store). ``EnvironmentDialog.result_environment()``, which is written to the shared collection
folder, never carries one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.collection import Environment, Variable
from app.core.variables import VARIABLE_PATTERN, mask
from app.ui.status_style import error_text_color, warning_text_color
from app.ui.tls_editor import TlsEditor

__all__ = ["EnvironmentDialog", "EnvironmentVariablesModel"]

_Index = QModelIndex | QPersistentModelIndex
# The invalid index Qt uses for "no parent"; a module constant keeps call-free defaults.
_ROOT = QModelIndex()
_SECRET_TIP = "Secret: the value is kept outside the collection folder, never in a shared file"


class EnvironmentVariablesModel(QAbstractTableModel):
    """A thin Qt adapter over ``Variable`` rows, plus a trailing empty placeholder row.

    Columns: Enabled (checkbox), Name, Value, Secret (checkbox). Rows hold secret values in
    memory; the Value column shows them as ``MASK`` unless ``set_secrets_revealed(True)``,
    and while masked the edit text is empty, so opening an editor never shows the value.
    Typing into the placeholder row adds a variable. ``rows_edited`` is emitted after user
    edits, never after ``set_rows``.
    """

    ENABLED_COLUMN = 0
    NAME_COLUMN = 1
    VALUE_COLUMN = 2
    SECRET_COLUMN = 3
    _HEADERS = ("", "Name", "Value", "Secret")
    _CHECK_COLUMNS = (ENABLED_COLUMN, SECRET_COLUMN)

    rows_edited = Signal()

    def __init__(self, rows: Iterable[Variable] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Variable] = list(rows)
        self._revealed = False

    # Domain API -------------------------------------------------------------------------

    def rows(self) -> tuple[Variable, ...]:
        """The variables as edited, secret values included (for the dialog, not for files)."""
        return tuple(self._rows)

    def set_rows(self, rows: Iterable[Variable]) -> None:
        """Replace all rows; does not emit ``rows_edited``."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def secrets_revealed(self) -> bool:
        return self._revealed

    def set_secrets_revealed(self, revealed: bool) -> None:
        """Show secret values in clear (``True``) or masked."""
        if revealed == self._revealed:
            return
        self._revealed = revealed
        if self._rows:
            column = self.VALUE_COLUMN
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))

    def is_masked(self, row: int) -> bool:
        """Whether the value of ``row`` is a secret hidden on screen."""
        return 0 <= row < len(self._rows) and self._rows[row].secret and not self._revealed

    def remove_row(self, row: int) -> bool:
        """Delete one real row; returns False for the placeholder or an unknown row."""
        return self.removeRows(row, 1)

    def placeholder_row(self) -> int:
        """The row number of the empty "new variable" placeholder (always the last row)."""
        return len(self._rows)

    def is_placeholder(self, row: int) -> bool:
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
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == self.ENABLED_COLUMN:
                return "Use this variable (unchecked variables are kept but not used)"
            if section == self.SECRET_COLUMN:
                return _SECRET_TIP
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not self._is_valid(index):
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in self._CHECK_COLUMNS:
            # Nothing to enable or make secret until the placeholder holds something.
            if not self.is_placeholder(index.row()):
                flags |= Qt.ItemFlag.ItemIsUserCheckable
        else:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._is_valid(index):
            return None
        row, column = index.row(), index.column()
        if self.is_placeholder(row):
            if column not in self._CHECK_COLUMNS and role in (
                Qt.ItemDataRole.DisplayRole,
                Qt.ItemDataRole.EditRole,
            ):
                return ""
            return None
        item = self._rows[row]
        if column == self.ENABLED_COLUMN:
            if role == Qt.ItemDataRole.CheckStateRole:
                return _check_state(item.enabled)
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Used" if item.enabled else "Not used: this variable is disabled"
            return None
        if column == self.SECRET_COLUMN:
            if role == Qt.ItemDataRole.CheckStateRole:
                return _check_state(item.secret)
            if role == Qt.ItemDataRole.ToolTipRole:
                return _SECRET_TIP if item.secret else "Not secret: written to the shared file"
            return None
        if column == self.NAME_COLUMN:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return item.name
            return None
        masked = self.is_masked(row)
        if role == Qt.ItemDataRole.DisplayRole:
            return mask(item.value) if masked else item.value
        if role == Qt.ItemDataRole.EditRole:
            return "" if masked else item.value
        if role == Qt.ItemDataRole.ToolTipRole and item.secret:
            if not item.value:
                return "No value stored yet: type one"
            return "Tick Show secrets to see the value" if masked else _SECRET_TIP
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not self._is_valid(index):
            return False
        row, column = index.row(), index.column()
        if column in self._CHECK_COLUMNS:
            if role != Qt.ItemDataRole.CheckStateRole or self.is_placeholder(row):
                return False
            state = _as_check_state(value)
            if state is None:
                return False
            checked = state == Qt.CheckState.Checked
            current = self._rows[row]
            changed = (
                dataclasses.replace(current, enabled=checked)
                if column == self.ENABLED_COLUMN
                else dataclasses.replace(current, secret=checked)
            )
            if changed != current:
                self._rows[row] = changed
                # The value cell changes look too (masked or not, greyed or not).
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
                Variable(name=value) if is_name else Variable(name="", value=value)
            )
            self.rows_edited.emit()
            return True
        current = self._rows[row]
        if (current.name if is_name else current.value) == value:
            return True
        self._rows[row] = (
            dataclasses.replace(current, name=value)
            if is_name
            else dataclasses.replace(current, value=value)
        )
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

    def _is_valid(self, index: _Index) -> bool:
        return (
            index.isValid()
            and not index.parent().isValid()
            and 0 <= index.row() <= len(self._rows)
            and 0 <= index.column() < len(self._HEADERS)
        )

    def _append_from_placeholder(self, item: Variable) -> None:
        # The placeholder becomes the real row and a new placeholder goes below it, so the
        # cell being edited stays where it is (as in the parameters table).
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row + 1, row + 1)
        self._rows.append(item)
        self.endInsertRows()
        self._emit_row_changed(row)

    def _emit_row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self._HEADERS) - 1))


def _check_state(checked: bool) -> Qt.CheckState:
    return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked


def _as_check_state(value: Any) -> Qt.CheckState | None:
    # Views pass a plain int; Python callers usually pass the enum itself.
    if isinstance(value, Qt.CheckState):
        return value
    if isinstance(value, int):
        try:
            return Qt.CheckState(value)
        except ValueError:
            return None
    return None


# Grey hints in the placeholder row's Name and Value cells.
_HINTS = {
    EnvironmentVariablesModel.NAME_COLUMN: "Add variable",
    EnvironmentVariablesModel.VALUE_COLUMN: "Value",
}


class _VariablesDelegate(QStyledItemDelegate):
    """Hints in the placeholder row, greyed disabled rows, and password-style editing of a
    masked secret that keeps the stored value unless something was typed."""

    def __init__(self, model: EnvironmentVariablesModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model

    def initStyleOption(self, option: QStyleOptionViewItem, index: _Index) -> None:
        super().initStyleOption(option, index)
        if self._model.is_placeholder(index.row()):
            hint = _HINTS.get(index.column(), "")
            if hint and not option.text:
                option.text = hint
                self._grey(option)
            return
        enabled = index.sibling(index.row(), EnvironmentVariablesModel.ENABLED_COLUMN).data(
            Qt.ItemDataRole.CheckStateRole
        )
        if _as_check_state(enabled) == Qt.CheckState.Unchecked:
            self._grey(option)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        editor = super().createEditor(parent, option, index)
        if isinstance(editor, QLineEdit):
            if self._model.is_placeholder(index.row()):
                editor.setPlaceholderText(_HINTS.get(index.column(), ""))
            elif self._is_masked_value(index):
                editor.setEchoMode(QLineEdit.EchoMode.Password)
                editor.setPlaceholderText("Type a new value")
        return editor

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        # A masked secret's editor starts empty; leaving it untouched must not erase the value.
        if (
            isinstance(editor, QLineEdit)
            and self._is_masked_value(index)
            and not editor.isModified()
        ):
            return
        super().setModelData(editor, model, index)

    def _is_masked_value(self, index: _Index) -> bool:
        return index.column() == EnvironmentVariablesModel.VALUE_COLUMN and self._model.is_masked(
            index.row()
        )

    @staticmethod
    def _grey(option: QStyleOptionViewItem) -> None:
        palette = QPalette(option.palette)
        palette.setColor(QPalette.ColorRole.Text, palette.color(QPalette.ColorRole.PlaceholderText))
        option.palette = palette


class EnvironmentDialog(QDialog):
    """Edits one environment: its protected flag, its variables and its TLS settings.

    ``secret_values`` are the stored values of the environment's secret variables, by name.
    After the dialog is accepted, ``result_environment()`` is what to write to the collection
    (secret variables without a value) and ``result_secrets()`` what to change in the secret
    store: a new value by name, or ``None`` to forget the stored one. A secret turned into a
    plain variable takes its value into the shared file, and the dialog says so before OK.
    TLS settings set here replace the collection's; OK is refused, with a sentence saying
    why, while their key passphrase is typed as a literal instead of a ``{{variable}}``.
    """

    def __init__(
        self,
        environment: Environment,
        secret_values: Mapping[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("environmentDialog")
        self.setWindowTitle(f"Environment {environment.name}")
        self._environment = environment
        # The stored value of each variable that was secret on opening ("" when none is).
        self._stored_secrets = {
            v.name: secret_values.get(v.name, "") for v in environment.variables if v.secret
        }

        self.name_edit = QLineEdit(environment.name, self)
        self.name_edit.setObjectName("environmentNameEdit")
        self.name_edit.setReadOnly(True)

        self.protected_check = QCheckBox("Protected (production)", self)
        self.protected_check.setObjectName("protectedCheck")
        self.protected_check.setChecked(environment.protected)
        self.protected_check.setToolTip(
            "The window shows this environment in a coloured bar and asks before sending "
            "any request that could change something"
        )

        self.model = EnvironmentVariablesModel(
            (
                dataclasses.replace(v, value=self._stored_secrets[v.name]) if v.secret else v
                for v in environment.variables
            ),
            self,
        )
        self.view = QTableView(self)
        self.view.setObjectName("environmentVariablesTable")
        self.view.setModel(self.model)
        self.view.setItemDelegate(_VariablesDelegate(self.model, self.view))
        self.view.verticalHeader().setVisible(False)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.view.horizontalHeader()
        for column in (
            EnvironmentVariablesModel.ENABLED_COLUMN,
            EnvironmentVariablesModel.SECRET_COLUMN,
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(
            EnvironmentVariablesModel.NAME_COLUMN, QHeaderView.ResizeMode.Interactive
        )
        header.setSectionResizeMode(
            EnvironmentVariablesModel.VALUE_COLUMN, QHeaderView.ResizeMode.Stretch
        )
        self.view.setColumnWidth(EnvironmentVariablesModel.NAME_COLUMN, 160)

        self.reveal_check = QCheckBox("Show secrets", self)
        self.reveal_check.setObjectName("revealSecretsCheck")
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setObjectName("removeVariableButton")
        self.remove_button.setToolTip("Delete the selected variables")

        self.warning_label = QLabel(self)
        self.warning_label.setObjectName("secretWarningLabel")
        self.warning_label.setTextFormat(Qt.TextFormat.PlainText)
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet(f"color: {warning_text_color(self.palette()).name()};")
        self.warning_label.hide()

        note = QLabel(
            "Secret values are kept in the system keyring (or a private file), never in the "
            "collection folder; the shared environment file keeps only their names.",
            self,
        )
        note.setWordWrap(True)

        self.tls_editor = TlsEditor(
            self, off_hint="Off: the collection's TLS settings apply in this environment"
        )
        self.tls_editor.setToolTip(
            "Trust and client certificate for this environment; when used they replace the "
            "collection's TLS settings"
        )
        self.tls_editor.set_tls(environment.tls)

        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("environmentProblemLabel")
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet(f"color: {error_text_color(self.palette()).name()};")
        self.problem_label.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )

        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("", self.protected_check)
        row = QHBoxLayout()
        row.addWidget(self.reveal_check)
        row.addStretch(1)
        row.addWidget(self.remove_button)
        variables_page = QWidget(self)
        variables_layout = QVBoxLayout(variables_page)
        variables_layout.addWidget(self.view, 1)
        variables_layout.addLayout(row)
        variables_layout.addWidget(self.warning_label)
        variables_layout.addWidget(note)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("environmentTabs")
        self.tabs.addTab(variables_page, "Variables")
        self.tabs.addTab(self.tls_editor, "TLS")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.resize(620, 460)

        self.reveal_check.toggled.connect(self.model.set_secrets_revealed)
        self.remove_button.clicked.connect(self.remove_selected_variables)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.model.rows_edited.connect(self._update_warning)
        self.tls_editor.edited.connect(self._refresh_problem)
        selection = self.view.selectionModel()
        selection.selectionChanged.connect(self._update_remove_button)
        selection.currentChanged.connect(self._update_remove_button)
        self.model.rowsRemoved.connect(self._update_remove_button)
        self._update_remove_button()
        self._update_warning()

    # Results ----------------------------------------------------------------------------

    def result_environment(self) -> Environment:
        """The environment to save: secret variables carry their name only, never a value.

        Rows without a name are left out: no ``{{placeholder}}`` could use them.
        """
        variables = tuple(
            Variable(name, "" if v.secret else v.value, v.secret, v.enabled)
            for v, name in self._named_rows()
        )
        return dataclasses.replace(
            self._environment,
            variables=variables,
            protected=self.protected_check.isChecked(),
            tls=self.tls_editor.tls(),
        )

    def result_secrets(self) -> dict[str, str | None]:
        """Changes for the secret store: name -> new value, or ``None`` to forget the value
        (the variable was removed, is no longer secret, or its value was cleared)."""
        current: dict[str, str] = {}
        for variable, name in self._named_rows():
            if variable.secret:
                current.setdefault(name, variable.value)
        changes: dict[str, str | None] = {
            name: None for name in self._stored_secrets if name not in current
        }
        for name, value in current.items():
            stored = self._stored_secrets.get(name, "")
            if value != stored:
                changes[name] = value or None
        return changes

    # Actions ----------------------------------------------------------------------------

    def _passphrase_problem(self) -> str | None:
        """The key passphrase must name a secret variable of this environment, or its value
        would be written into the shared file."""
        tls = self.tls_editor.tls()
        match = VARIABLE_PATTERN.fullmatch(tls.key_passphrase.strip()) if tls else None
        if match is None:
            return None
        name = match.group(1)
        plain = [v for v, n in self._named_rows() if n == name and not v.secret]
        if plain:
            return (
                f"The key passphrase uses {{{{{name}}}}}, which is not a secret variable: its "
                "value would be written into the shared environment file. Tick Secret for it."
            )
        return None

    def accept(self) -> None:
        self._commit_pending_edit()
        problem = self.tls_editor.problem() or self._passphrase_problem()
        if problem is not None:
            self.problem_label.setText(problem)
            self.problem_label.show()
            self.tabs.setCurrentWidget(self.tls_editor)
            return
        super().accept()

    def remove_selected_variables(self) -> None:
        """Delete the selected variables; the placeholder row is never deleted."""
        for row in reversed(self._selected_rows()):
            self.model.remove_row(row)

    def unsecreted_names(self) -> list[str]:
        """Secret variables made plain in this dialog whose value will go to the shared file."""
        return [
            name
            for variable, name in self._named_rows()
            if not variable.secret and variable.value and name in self._stored_secrets
        ]

    # Helpers ----------------------------------------------------------------------------

    def _named_rows(self) -> list[tuple[Variable, str]]:
        # Names are stripped: a placeholder can never match " token".
        return [(v, v.name.strip()) for v in self.model.rows() if v.name.strip()]

    def _update_warning(self) -> None:
        names = self.unsecreted_names()
        if names:
            listed = ", ".join(names)
            noun = "variable" if len(names) == 1 else "variables"
            self.warning_label.setText(
                f"No longer secret: the value of the {noun} {listed} will be written in plain "
                "text to this environment's file in the collection folder, where everyone who "
                "shares the collection can read it. Tick Secret again to keep it out."
            )
        self.warning_label.setVisible(bool(names))

    def _refresh_problem(self) -> None:
        # Once a refusal is shown it follows the edits, and goes when all is well.
        if self.problem_label.isHidden():
            return
        problem = self.tls_editor.problem()
        self.problem_label.setText(problem or "")
        self.problem_label.setVisible(problem is not None)

    def _selected_rows(self) -> list[int]:
        selection = self.view.selectionModel()
        rows = {index.row() for index in selection.selectedIndexes()}
        if not rows and selection.currentIndex().isValid():
            rows = {selection.currentIndex().row()}
        return sorted(row for row in rows if not self.model.is_placeholder(row))

    def _update_remove_button(self) -> None:
        self.remove_button.setEnabled(bool(self._selected_rows()))

    def _commit_pending_edit(self) -> None:
        if self.view.state() != QAbstractItemView.State.EditingState:
            return
        editor = self.view.indexWidget(self.view.currentIndex())
        if editor is not None:
            self.view.commitData(editor)
            self.view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

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
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyleOptionViewItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.collection import Environment, Variable
from app.core.variables import VARIABLE_PATTERN, mask
from app.ui.key_value_table import (
    CheckColumn,
    PlaceholderRowsDelegate,
    PlaceholderRowsModel,
    commit_pending_edit,
    delete_selected_rows,
    rows_view,
    selected_rows,
)
from app.ui.status_style import problem_label, warning_text_color
from app.ui.tls_editor import TlsEditor

__all__ = ["EnvironmentDialog", "EnvironmentVariablesModel"]

_Index = QModelIndex | QPersistentModelIndex
_SECRET_TIP = "Secret: the value is kept outside the collection folder, never in a shared file"


class EnvironmentVariablesModel(PlaceholderRowsModel[Variable]):
    """A thin Qt adapter over ``Variable`` rows, plus a trailing empty placeholder row.

    Columns: Enabled (checkbox), Name, Value, Secret (checkbox). Rows hold secret values in
    memory (``rows()`` is for the dialog, not for files); the Value column shows them as
    ``MASK`` unless ``set_secrets_revealed(True)``, and while masked the edit text is empty,
    so opening an editor never shows the value. Typing into the placeholder row adds a
    variable. ``rows_edited`` is emitted after user edits, never after ``set_rows``.
    """

    SECRET_COLUMN = 3
    _HEADERS = ("", "Name", "Value", "Secret")
    _CHECK_COLUMNS: ClassVar[Mapping[int, CheckColumn]] = {
        PlaceholderRowsModel.ENABLED_COLUMN: CheckColumn(
            "enabled",
            "Use this variable (unchecked variables are kept but not used)",
            "Used",
            "Not used: this variable is disabled",
        ),
        SECRET_COLUMN: CheckColumn(
            "secret", _SECRET_TIP, _SECRET_TIP, "Not secret: written to the shared file"
        ),
    }

    def __init__(self, rows: Iterable[Variable] = (), parent: QObject | None = None) -> None:
        super().__init__(rows, parent)
        self._revealed = False

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

    def _new_row(self, name: str, value: str) -> Variable:
        return Variable(name, value)

    def _text_data(self, row: int, column: int, role: int) -> Any:
        item = self._rows[row]
        if column != self.VALUE_COLUMN or not item.secret:
            return super()._text_data(row, column, role)
        masked = not self._revealed
        if role == Qt.ItemDataRole.DisplayRole:
            if not item.value:
                return NO_SECRET_VALUE
            return mask(item.value) if masked else item.value
        if role == Qt.ItemDataRole.EditRole:
            return "" if masked else item.value
        if role == Qt.ItemDataRole.ToolTipRole:
            if not item.value:
                return "No value stored yet: type one"
            return "Tick Show secrets to see the value" if masked else _SECRET_TIP
        return None


NO_SECRET_VALUE = "(no value on this computer: type one)"
"""What a secret variable without a stored value shows in its Value cell."""


class _VariablesDelegate(PlaceholderRowsDelegate):
    """Adds password-style editing of a masked secret that keeps the stored value unless
    something was typed."""

    def __init__(self, model: EnvironmentVariablesModel, parent: QObject | None = None) -> None:
        super().__init__(
            {
                EnvironmentVariablesModel.NAME_COLUMN: "Add variable",
                EnvironmentVariablesModel.VALUE_COLUMN: "Value",
            },
            parent,
        )
        self._model = model

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        editor = super().createEditor(parent, option, index)
        if isinstance(editor, QLineEdit) and self._is_masked_value(index):
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
        self.view = rows_view(
            "environmentVariablesTable",
            self.model,
            _VariablesDelegate(self.model),
            self,
            name_width=160,
        )

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

        self.problem_label = problem_label("environmentProblemLabel", self)

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
        commit_pending_edit(self.view)
        problem = self.tls_editor.problem() or self._passphrase_problem()
        if problem is not None:
            self.problem_label.setText(problem)
            self.problem_label.show()
            self.tabs.setCurrentWidget(self.tls_editor)
            return
        super().accept()

    def remove_selected_variables(self) -> None:
        """Delete the selected variables; the placeholder row is never deleted."""
        delete_selected_rows(self.view, self.model)

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

    def _update_remove_button(self) -> None:
        self.remove_button.setEnabled(bool(selected_rows(self.view, self.model)))

"""The fields of a urlencoded or multipart form body: a table of ``FormField`` rows.

``FormFieldsModel`` adapts the rows to Qt in the pattern of ``PlaceholderRowsModel`` (a
trailing empty row to type a new field into); a multipart field may be a file, its value
then the file's path, with an optional content type. ``FormFieldsWidget`` puts the view,
a Choose file… button and a Remove button around it; a urlencoded form hides the file and
content type columns (it cannot carry files).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

from app.core.request import FormField
from app.ui.key_value_table import CheckColumn, PlaceholderRowsModel, PlaceholderRowsWidget

__all__ = ["FormFieldsModel", "FormFieldsWidget", "relative_to"]

_Index = QModelIndex | QPersistentModelIndex

ChooseFile = Callable[[QWidget, str], str | None]
"""Asks for a file to send: ``choose(parent, start_folder)`` -> its path, or ``None``."""


def _choose_with_dialog(parent: QWidget, start: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Choose the file to send", start)
    return path or None


def relative_to(path: str, folder: Path | None) -> str:
    """``path`` relative to ``folder`` when it lies inside it (a collection shared through
    git then finds the file on every computer), else as it is."""
    if folder is None:
        return path
    try:
        return Path(path).relative_to(folder).as_posix()
    except ValueError:
        return path


class FormFieldsModel(PlaceholderRowsModel[FormField]):
    """The fields of a form body: send (checkbox), name, value or file path, is a file
    (checkbox), content type (empty: guessed from the file's name)."""

    FILE_COLUMN = 3
    CONTENT_TYPE_COLUMN = 4
    _HEADERS: ClassVar[tuple[str, ...]] = ("", "Name", "Value", "File", "Content type")
    _CHECK_COLUMNS: ClassVar[Mapping[int, CheckColumn]] = {
        PlaceholderRowsModel.ENABLED_COLUMN: CheckColumn(
            "enabled",
            "Send this field (unchecked fields are kept but not sent)",
            "Sent",
            "Not sent: this field is disabled",
        ),
        FILE_COLUMN: CheckColumn(
            "file",
            "Send a file: the value is its path (relative paths start at the collection folder)",
            "A file: the value is its path",
            "Text: the value is sent as typed",
        ),
    }

    def _new_row(self, name: str, value: str) -> FormField:
        return FormField(name, value)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and self._is_valid(index)
            and index.column() == self.VALUE_COLUMN
            and not self.is_placeholder(index.row())
            and self._rows[index.row()].file
        ):
            return "The path of the file to send (relative paths start at the collection folder)"
        return super().data(index, role)

    def _text_data(self, row: int, column: int, role: int) -> Any:
        if column != self.CONTENT_TYPE_COLUMN:
            return super()._text_data(row, column, role)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._rows[row].content_type
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not self._is_valid(index) or index.column() != self.CONTENT_TYPE_COLUMN:
            return super().setData(index, value, role)
        if role != Qt.ItemDataRole.EditRole or not isinstance(value, str):
            return False
        row = index.row()
        if self.is_placeholder(row):
            if not value:
                return False
            self._append_from_placeholder(FormField("", content_type=value))
            self.rows_edited.emit()
            return True
        current = self._rows[row]
        if current.content_type != value:
            self._rows[row] = dataclasses.replace(current, content_type=value)
            self.dataChanged.emit(
                index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole]
            )
            self.rows_edited.emit()
        return True

    def set_file(self, row: int, path: str) -> None:
        """Make ``row`` (the placeholder too: a new field) send the file at ``path``."""
        if self.is_placeholder(row):
            self._append_from_placeholder(FormField(Path(path).stem, path, file=True))
        elif 0 <= row < len(self._rows):
            self._rows[row] = dataclasses.replace(self._rows[row], value=path, file=True)
            self._emit_row_changed(row)
        else:
            return
        self.rows_edited.emit()


class FormFieldsWidget(PlaceholderRowsWidget[FormField]):
    """The form fields table (``formFieldsTable``) with Choose file… and Remove buttons.

    ``set_multipart(False)`` hides what a urlencoded form cannot send (files, content
    types). ``collection_folder`` is where Choose file… starts; a file inside it is kept
    as a relative path. ``choose_file`` asks for the file (a dialog; tests replace it).
    """

    model: FormFieldsModel

    _EDITED_FIELDS: ClassVar[Mapping[int, str]] = {
        FormFieldsModel.NAME_COLUMN: "name",
        FormFieldsModel.VALUE_COLUMN: "value",
        FormFieldsModel.CONTENT_TYPE_COLUMN: "content_type",
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            FormFieldsModel(),
            "formFieldsTable",
            {
                FormFieldsModel.NAME_COLUMN: "Add field",
                FormFieldsModel.VALUE_COLUMN: "Value",
                FormFieldsModel.CONTENT_TYPE_COLUMN: "auto",
            },
            parent,
            name_width=160,
            noun="field",
        )
        self.collection_folder: Path | None = None
        self.choose_file: ChooseFile = _choose_with_dialog
        self.choose_button.clicked.connect(self._on_choose_button_clicked)

    def _leading_buttons(self) -> list[QWidget]:
        self.choose_button = QPushButton("Choose file…", self)
        self.choose_button.setObjectName("formChooseFileButton")
        self.choose_button.setToolTip(
            "Send a file in the selected field (or in a new one): a multipart form only"
        )
        return [self.choose_button]

    def set_multipart(self, multipart: bool) -> None:
        """Show the file and content type columns (multipart) or hide them (urlencoded)."""
        for column in (FormFieldsModel.FILE_COLUMN, FormFieldsModel.CONTENT_TYPE_COLUMN):
            self.view.setColumnHidden(column, not multipart)
        self.choose_button.setVisible(multipart)

    def _on_choose_button_clicked(self) -> None:
        self.commit_pending_edit()
        current = self.view.currentIndex()
        row = current.row() if current.isValid() else self.model.placeholder_row()
        start = str(self.collection_folder) if self.collection_folder is not None else ""
        path = self.choose_file(self, start)
        if path:
            self.model.set_file(row, relative_to(path, self.collection_folder))

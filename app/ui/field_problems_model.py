"""A lazy list of an error's per-field problems: one row per problem, text made on demand.

200,000 ``error_properties`` joined into one label went past 12 GB; a list view asks only
for the rows it paints.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from app.core.display_text import display_text
from app.core.errors import DecodedError, ErrorItem, FieldProblem

__all__ = ["FIELD_LINE_CHARS", "FieldProblemsModel", "field_problem_text"]

FIELD_LINE_CHARS = 500
"""The most of one problem a row shows; the tooltip and Raw have more."""

_Index = QModelIndex | QPersistentModelIndex


def field_problem_text(row: FieldProblem | ErrorItem) -> str:
    """One problem as a line: ``field: message``, with the ``errors`` code in brackets."""
    if isinstance(row, FieldProblem):
        return f"{row.field}: {row.message}" if row.field else row.message
    field, message = row.field or "", row.message or ""
    text = f"{field}: {message}" if field else message
    if row.code:
        text = f"{text} ({row.code})" if text else row.code
    return text


def _problem_rows(error: DecodedError) -> list[FieldProblem | ErrorItem]:
    """Servers often send one problem both in ``error_properties`` and in ``errors``: it is
    listed once, with the ``errors`` code."""
    items: dict[tuple[str, str], ErrorItem] = {}
    for item in error.errors:
        if field_problem_text(item):
            items[(item.field or "", item.message or "")] = item
    rows: list[FieldProblem | ErrorItem] = [
        problem for problem in error.properties if (problem.field, problem.message) not in items
    ]
    rows.extend(items.values())
    return rows


class FieldProblemsModel(QAbstractListModel):
    """Read-only rows for a ``DecodedError``'s field problems (``error_properties`` and
    ``errors``), each shown bounded and with invisible characters made visible."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[FieldProblem | ErrorItem] = []

    def set_error(self, error: DecodedError | None) -> None:
        rows = _problem_rows(error) if error is not None else []
        if not rows and not self._rows:
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def line(self, row: int, max_chars: int = FIELD_LINE_CHARS) -> str:
        """What row ``row`` shows."""
        return display_text(field_problem_text(self._rows[row]), max_chars).text

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.line(index.row())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.line(index.row(), 4 * FIELD_LINE_CHARS)
        return None

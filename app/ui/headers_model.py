"""A read-only table of response headers, in the order the server sent them."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from app.core.display_text import display_text

__all__ = ["HeadersModel"]

# A cell shows this much of a header; a 1 MB header must not be laid out in a table cell.
_CELL_CHARS = 2000

_Index = QModelIndex | QPersistentModelIndex


class HeadersModel(QAbstractTableModel):
    """Adapts a tuple of ``(name, value)`` pairs; repeated headers stay separate rows.

    Names and values are server text: shown bounded, with bidi and control characters made
    visible (``app.core.display_text``)."""

    _COLUMNS = ("Name", "Value")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[tuple[str, str], ...] = ()

    def set_headers(self, headers: tuple[tuple[str, str], ...]) -> None:
        if headers == self._rows:
            return  # no reset: the view would lay itself out again for nothing
        self.beginResetModel()
        self._rows = headers
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        return display_text(self._rows[index.row()][index.column()], _CELL_CHARS).text

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._COLUMNS[section] if 0 <= section < len(self._COLUMNS) else None
        return None

"""The headers a request sends without a row of its own (from its folders, the collection
and the app), read-only under the Headers table: what goes on the wire is never a surprise."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.core.display_text import display_text
from app.services.workspace import InheritedHeader

__all__ = ["InheritedHeadersView"]

_ROWS_SHOWN = 5  # more scroll


class InheritedHeadersView(QTableWidget):
    """Name, value and where it comes from; a row the request replaces is struck through."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        self.setObjectName("inheritedHeadersView")
        self.setHorizontalHeaderLabels(["Inherited header", "Value", "From"])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab leaves the list
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.setToolTip(
            "Sent with this request unless it has a row of the same name above. The "
            "collection's and folders' headers are set in their Settings."
        )
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self._shown: tuple[InheritedHeader, ...] | None = None
        self._fit = 0

    def show_headers(self, headers: Sequence[InheritedHeader]) -> None:
        rows = tuple(headers)
        if rows == self._shown:
            return  # called on every edit: a table rebuilt each keystroke would flicker
        self._shown = rows
        self.setRowCount(len(rows))
        muted = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        for row, header in enumerate(rows):
            cells = (header.name, header.value, header.origin)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(display_text(text, 500).text)
                if header.replaced:
                    font = item.font()
                    font.setStrikeOut(True)
                    item.setFont(font)
                    item.setForeground(muted)
                    item.setToolTip("Not sent: this request's own row of that name is sent")
                else:
                    item.setToolTip(f"Sent: {header.name} from {header.origin}")
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.setItem(row, column, item)
        self._fit_height()

    def _fit_height(self) -> None:
        chrome = self.horizontalHeader().height() + 2 * self.frameWidth()
        row = self.verticalHeader().defaultSectionSize()
        self._fit = chrome + max(1, min(self.rowCount(), _ROWS_SHOWN)) * row
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        # As tall as its rows (at most _ROWS_SHOWN, then it scrolls)...
        return QSize(super().sizeHint().width(), self._fit)

    def minimumSizeHint(self) -> QSize:
        # ...but in a short window it gives way: the window must not grow for it.
        return QSize(super().minimumSizeHint().width(), 0)

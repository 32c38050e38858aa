"""The tree view of a JSON response body, with "Copy value" and "Copy JSON path"."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QPoint, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QHeaderView, QMenu, QTreeView, QWidget

from app.ui.json_tree_model import (
    COPY_TEXT_ROLE,
    JSON_PATH_ROLE,
    KEY_COLUMN,
    TYPE_COLUMN,
    VALUE_COLUMN,
)

__all__ = ["ResponseTreeView"]

_KEY_WIDTH = 240
_TYPE_WIDTH = 80


class ResponseTreeView(QTreeView):
    """A fast tree view for :class:`~app.ui.json_tree_model.JsonTreeModel`.

    Rows have uniform heights (the view never measures rows it does not paint) and columns
    have fixed starting widths instead of being sized to their contents, which would read
    every fetched row. Ctrl+C and the context menu copy the current row's value; the
    context menu also copies its JSONPath.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QTreeView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QTreeView.SelectionMode.SingleSelection)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self.on_self_custom_context_menu_requested)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        # The pane swaps between the parsed tree and a huge body's index: the widths the
        # user gave the columns stay; the first model gets the starting widths.
        header = self.header()
        widths = (_KEY_WIDTH, _TYPE_WIDTH)
        if self.model() is not None and header.count() > TYPE_COLUMN:
            widths = (header.sectionSize(KEY_COLUMN), header.sectionSize(TYPE_COLUMN))
        super().setModel(model)
        header = self.header()
        header.setStretchLastSection(False)
        if header.count() > TYPE_COLUMN:
            header.setSectionResizeMode(KEY_COLUMN, QHeaderView.ResizeMode.Interactive)
            header.setSectionResizeMode(VALUE_COLUMN, QHeaderView.ResizeMode.Stretch)
            header.setSectionResizeMode(TYPE_COLUMN, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(KEY_COLUMN, widths[0])
            header.resizeSection(TYPE_COLUMN, widths[1])

    # -- copying ----------------------------------------------------------------------

    def _current_text(self, role: int) -> str | None:
        index = self.currentIndex()
        if not index.isValid():
            return None
        text = index.siblingAtColumn(KEY_COLUMN).data(role)
        return text if isinstance(text, str) else None

    def copy_value(self) -> None:
        """Put the current row's value on the clipboard: a raw string, or exact JSON."""
        text = self._current_text(COPY_TEXT_ROLE)
        if text is not None:
            QGuiApplication.clipboard().setText(text)

    def copy_json_path(self) -> None:
        """Put the current row's JSONPath (``$.items[0].price``) on the clipboard."""
        text = self._current_text(JSON_PATH_ROLE)
        if text is not None:
            QGuiApplication.clipboard().setText(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # QAbstractItemView's own Ctrl+C copies the current cell's display text, which for
        # the Key column is the key and for a long string is cut short.
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_value()
            event.accept()
            return
        super().keyPressEvent(event)

    def context_menu_at(self, position: QPoint) -> QMenu | None:
        """The menu for a right-click at ``position`` (viewport coordinates), or None.

        Makes the row under ``position`` current, so the actions copy that row.
        """
        index = self.indexAt(position)
        if not index.isValid():
            return None
        self.setCurrentIndex(index)
        menu = QMenu(self)
        copy_value = menu.addAction("Copy value")
        copy_value.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        copy_value.setShortcutVisibleInContextMenu(True)
        copy_value.triggered.connect(self.copy_value)
        menu.addAction("Copy JSON path").triggered.connect(self.copy_json_path)
        return menu

    def on_self_custom_context_menu_requested(self, position: QPoint) -> None:
        menu = self.context_menu_at(position)
        if menu is not None:
            menu.exec(self.viewport().mapToGlobal(position))
            menu.deleteLater()

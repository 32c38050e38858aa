"""The one editable table view of the request builder: params, headers, variables, tests."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

__all__ = ["editable_table_view"]


def editable_table_view(
    name: str,
    model: QAbstractItemModel,
    delegate: QStyledItemDelegate,
    parent: QWidget,
    *,
    sized_column: int,
    width: int,
    stretch_column: int,
) -> QTableView:
    """A table view named ``name`` over ``model``: whole rows selected, any key starts
    editing, columns as wide as their contents except ``sized_column`` (``width`` px, the
    user may resize it) and ``stretch_column`` (takes the rest).

    Tab leaves the table for the next control instead of walking its cells for ever, so a
    keyboard reaches the builder's tabs and buttons; while a cell is being edited, Tab still
    commits it and moves to the next cell, and arrow keys move between cells.
    """
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    delegate.setParent(view)
    view.setItemDelegate(delegate)
    view.setTabKeyNavigation(False)
    view.verticalHeader().setVisible(False)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setEditTriggers(
        QAbstractItemView.EditTrigger.DoubleClicked
        | QAbstractItemView.EditTrigger.SelectedClicked
        | QAbstractItemView.EditTrigger.EditKeyPressed
        | QAbstractItemView.EditTrigger.AnyKeyPressed
    )
    header = view.horizontalHeader()
    for column in range(model.columnCount()):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(sized_column, QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    view.setColumnWidth(sized_column, width)
    return view

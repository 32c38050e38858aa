"""A lazy Key / Value / Type tree over a parsed JSON document (see ``app.core.json_doc``).

Nodes are created only for rows a view asks for: a parent's children appear in batches
through ``canFetchMore``/``fetchMore`` when the parent is expanded or scrolled to its end, so
a 50 MB document with a 200,000-item array costs a handful of nodes until someone looks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, overload

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from app.core.display_text import visible_text
from app.core.json_doc import (
    DuplicateKeysObject,
    json_path,
    json_scalar_text,
    json_type_name,
    json_value_text,
    object_members,
)

__all__ = [
    "COPY_TEXT_ROLE",
    "JSON_PATH_ROLE",
    "KEY_COLUMN",
    "TYPE_COLUMN",
    "VALUE_COLUMN",
    "JsonTreeModel",
]

JSON_PATH_ROLE = Qt.ItemDataRole.UserRole + 1
"""``data()`` role: the JSONPath of the row's value, e.g. ``$.items[0].price``."""

COPY_TEXT_ROLE = Qt.ItemDataRole.UserRole + 2
"""``data()`` role: what "Copy value" copies (raw string, or compact exact JSON)."""

_HEADERS = ("Key", "Value", "Type")
KEY_COLUMN, VALUE_COLUMN, TYPE_COLUMN = 0, 1, 2

# A cell never needs more than this many characters of a string; the copy role has it all.
_DISPLAY_CHARS = 500

_AnyIndex = QModelIndex | QPersistentModelIndex


class _Node:
    """One row: a value, where it sits, and the children fetched so far."""

    __slots__ = (
        "_unfetched",
        "children",
        "duplicate",
        "key",
        "parent",
        "row",
        "size",
        "value",
    )

    def __init__(
        self,
        parent: _Node | None,
        key: str | int | None,
        value: Any,
        row: int,
        duplicate: bool = False,
    ) -> None:
        self.parent = parent
        self.key = key  # None only for the document itself
        self.value = value
        self.row = row
        self.duplicate = duplicate  # its key comes more than once in its object
        self.children: list[_Node] = []
        if isinstance(value, DuplicateKeysObject):
            self.size = len(value.pairs)
        else:
            self.size = len(value) if isinstance(value, dict | list) else 0
        self._unfetched: Iterator[tuple[str | int, Any]] | None = None

    def can_fetch_more(self) -> bool:
        return len(self.children) < self.size

    def next_batch(self, limit: int) -> list[_Node]:
        """Create up to ``limit`` more children, continuing where the last batch ended."""
        if self._unfetched is None:
            self._unfetched = iter(
                object_members(self.value)
                if isinstance(self.value, dict)
                else enumerate(self.value)
            )
        repeated: set[str] = set()
        if isinstance(self.value, DuplicateKeysObject):
            repeated = set(self.value.duplicate_keys())
        start = len(self.children)
        batch: list[_Node] = []
        for offset, (key, value) in zip(range(limit), self._unfetched, strict=False):
            batch.append(_Node(self, key, value, start + offset, key in repeated))
        return batch

    def path_keys(self) -> list[str | int]:
        keys: list[str | int] = []
        node: _Node | None = self
        while node is not None:
            if node.key is not None:
                keys.append(node.key)
            node = node.parent
        keys.reverse()
        return keys


class JsonTreeModel(QAbstractItemModel):
    """Read-only Key / Value / Type rows for a JSON document, created lazily in batches.

    A document that is a non-empty object or array shows its members as the top-level rows;
    a scalar or empty document (``42``, ``"x"``, ``{}``) shows as one row with an empty key.
    Array items are keyed ``[0]``, ``[1]``, ...; values are shown by
    :func:`~app.core.json_doc.json_scalar_text` (strings quoted, numbers exact).
    """

    def __init__(self, parent: QObject | None = None, *, batch_size: int = 500) -> None:
        super().__init__(parent)
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._batch_size = batch_size
        self._root = _Node(None, None, [], 0)

    # -- document ---------------------------------------------------------------------

    def set_document(self, value: object) -> None:
        """Show a parsed document (from ``parse_json_exact``), replacing whatever was shown."""
        self.beginResetModel()
        if isinstance(value, dict | list) and value:
            self._root = _Node(None, None, value, 0)
            # The top level is always wanted: have its first batch ready with the reset.
            self._root.children.extend(self._root.next_batch(self._batch_size))
        else:
            self._root = _Node(None, None, [], 0)
            self._root.children.append(_Node(self._root, None, value, 0))
        self.endResetModel()

    def clear(self) -> None:
        """Show nothing (no reset when nothing is shown: views re-lay out on every reset)."""
        if self._root.size == 0 and not self._root.children:
            return
        self.beginResetModel()
        self._root = _Node(None, None, [], 0)
        self.endResetModel()

    # -- structure --------------------------------------------------------------------

    def _node(self, index: _AnyIndex) -> _Node:
        if index.isValid():
            node: _Node = index.internalPointer()
            return node
        return self._root

    def index(self, row: int, column: int, parent: _AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column, self._node(parent).children[row])

    @overload
    def parent(self) -> QObject | None: ...
    @overload
    def parent(self, index: _AnyIndex) -> QModelIndex: ...
    def parent(self, index: _AnyIndex | None = None) -> QObject | QModelIndex | None:
        if index is None:  # QObject.parent(), which the item-model overload hides
            return super().parent()
        if not index.isValid():
            return QModelIndex()
        parent = self._node(index).parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row, 0, parent)

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.column() > 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return len(_HEADERS)

    def hasChildren(self, parent: _AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.column() > 0:
            return False
        node = self._node(parent)
        return node.size > 0 or bool(node.children)

    def canFetchMore(self, parent: _AnyIndex) -> bool:
        if parent.column() > 0:
            return False
        return self._node(parent).can_fetch_more()

    def fetchMore(self, parent: _AnyIndex) -> None:
        if parent.column() > 0:
            return
        node = self._node(parent)
        if not node.can_fetch_more():
            return
        batch = node.next_batch(self._batch_size)
        start = len(node.children)
        self.beginInsertRows(parent, start, start + len(batch) - 1)
        node.children.extend(batch)
        self.endInsertRows()

    def flags(self, index: _AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._node(index).size == 0:
            flags |= Qt.ItemFlag.ItemNeverHasChildren
        return flags

    # -- data -------------------------------------------------------------------------

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._node(index)
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == KEY_COLUMN:
                if node.key is None:
                    return ""
                if isinstance(node.key, int):
                    return f"[{node.key}]"
                return visible_text(node.key[:_DISPLAY_CHARS])
            if column == VALUE_COLUMN:
                return visible_text(json_scalar_text(node.value, max_chars=_DISPLAY_CHARS))
            if column == TYPE_COLUMN:
                kind = json_type_name(node.value)
                return f"{kind} ⚠ duplicate key" if node.duplicate else kind
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            path = visible_text(json_path(node.path_keys()))
            if node.duplicate:
                return f"{path}: this key comes more than once in its object; every value is shown"
            return path
        if role == JSON_PATH_ROLE:
            return json_path(node.path_keys())
        if role == COPY_TEXT_ROLE:
            return json_value_text(node.value)
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(_HEADERS)
        ):
            return _HEADERS[section]
        return None

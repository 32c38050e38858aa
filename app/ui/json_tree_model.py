"""A lazy Key / Value / Type tree over a parsed JSON document (see ``app.core.json_doc``).

Nodes are created only for rows a view asks for: a parent's children appear in batches
through ``canFetchMore``/``fetchMore`` when the parent is expanded or scrolled to its end, so
a 50 MB document with a 200,000-item array costs a handful of nodes until someone looks.
Arrays longer than ``RANGE_THRESHOLD`` show range rows (``[0 … 999]``, ranges of ranges past
a million), so no view ever lays out more than a few thousand siblings; ``index_at`` reaches
any item (a find result) through them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Generic, Protocol, TypeVar, overload

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
    "JsonRowsModel",
    "JsonTreeModel",
    "RowNode",
    "key_text",
    "range_chunk",
]

JSON_PATH_ROLE = Qt.ItemDataRole.UserRole + 1
"""``data()`` role: the JSONPath of the row's value, e.g. ``$.items[0].price``."""

COPY_TEXT_ROLE = Qt.ItemDataRole.UserRole + 2
"""``data()`` role: what "Copy value" copies (raw string, or compact exact JSON)."""

_HEADERS = ("Key", "Value", "Type")
KEY_COLUMN, VALUE_COLUMN, TYPE_COLUMN = 0, 1, 2

# A cell never needs more than this many characters of a string; the copy role has it all.
_DISPLAY_CHARS = 500

RANGE_THRESHOLD = 10_000
"""Arrays longer than this show range rows (``[0 … 999]``) instead of their items."""
RANGE_ROWS = 1000
"""Items (or smaller ranges) per range row."""

# Built once: flags() runs for every row a view lays out, and enum arithmetic is slow.
_LEAF_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)
_BRANCH_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

_AnyIndex = QModelIndex | QPersistentModelIndex


def range_chunk(length: int) -> int:
    """How many items each range row of an array of ``length`` items covers (0: no ranges,
    the items are the rows): ``RANGE_ROWS``, or a power of it so a range holds at most
    ``RANGE_ROWS`` rows."""
    if length <= RANGE_THRESHOLD:
        return 0
    chunk = RANGE_ROWS
    while length > chunk * RANGE_ROWS:
        chunk *= RANGE_ROWS
    return chunk


class _Node:
    """One row: a value, where it sits, and the children fetched so far.

    A node with a ``span`` is a range row, ``[start … stop-1]`` of its array (``value``);
    an array of more than ``RANGE_THRESHOLD`` items shows range rows instead of its items,
    so a view never lays out hundreds of thousands of siblings (expanding one of 150,000
    rows took QTreeView 5.6 s of Python calls)."""

    __slots__ = (
        "_unfetched",
        "children",
        "chunk",
        "duplicate",
        "first",
        "key",
        "length",
        "parent",
        "row",
        "size",
        "span",
        "value",
    )

    def __init__(
        self,
        parent: _Node | None,
        key: str | int | None,
        value: Any,
        row: int,
        duplicate: bool = False,
        span: tuple[int, int] | None = None,
    ) -> None:
        self.parent = parent
        self.key = key  # None for the document itself and for range rows
        self.value = value
        self.row = row
        self.duplicate = duplicate  # its key comes more than once in its object
        self.span = span
        self.children: list[_Node] = []
        self.first = 0  # the array index of the first item under this node
        self.chunk = 0
        if span is not None:
            self.first, self.length = span[0], span[1] - span[0]
        elif isinstance(value, DuplicateKeysObject):
            self.length = len(value.pairs)
        else:
            self.length = len(value) if isinstance(value, dict | list) else 0
        if isinstance(value, list):
            self.chunk = range_chunk(self.length)
        self.size = -(-self.length // self.chunk) if self.chunk else self.length
        self._unfetched: Iterator[tuple[str | int, Any]] | None = None

    def can_fetch_more(self) -> bool:
        return len(self.children) < self.size

    def next_batch(self, limit: int) -> list[_Node]:
        """Create up to ``limit`` more children, continuing where the last batch ended."""
        start = len(self.children)
        stop = min(self.size, start + limit)
        if self.chunk:
            end = self.first + self.length
            return [
                _Node(self, None, self.value, row, span=(low, min(low + self.chunk, end)))
                for row in range(start, stop)
                for low in (self.first + row * self.chunk,)
            ]
        if isinstance(self.value, list):
            value, first = self.value, self.first
            return [_Node(self, first + row, value[first + row], row) for row in range(start, stop)]
        if self._unfetched is None:
            self._unfetched = iter(object_members(self.value))
        repeated: set[str] = set()
        if isinstance(self.value, DuplicateKeysObject):
            repeated = set(self.value.duplicate_keys())
        batch: list[_Node] = []
        for offset, (key, value) in zip(range(stop - start), self._unfetched, strict=False):
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


def key_text(key: str | int | None) -> str:
    """The Key column of a row: a name (at most 500 characters), ``[3]`` for an array item,
    nothing for the document itself."""
    if key is None:
        return ""
    if isinstance(key, int):
        return f"[{key}]"
    return visible_text(key[:_DISPLAY_CHARS])


class RowNode(Protocol):
    """A row of a JSON tree: where it sits and the children fetched so far; ``size`` is how
    many it has, fetched or not."""

    @property
    def parent(self) -> RowNode | None: ...
    @property
    def row(self) -> int: ...
    @property
    def size(self) -> int: ...
    @property
    def children(self) -> Sequence[RowNode]: ...


NodeT = TypeVar("NodeT", bound=RowNode)


class JsonRowsModel(QAbstractItemModel, Generic[NodeT]):
    """Key / Value / Type rows over a tree of ``RowNode``: the structure the parsed tree
    (``JsonTreeModel``) and a huge body's index (``IndexedJsonModel``) share. Subclasses
    own ``_root``, fetch children and give ``data``."""

    _root: NodeT

    def _node(self, index: _AnyIndex) -> NodeT:
        if index.isValid():
            node: NodeT = index.internalPointer()
            return node
        return self._root

    def index(self, row: int, column: int, parent: _AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        # Not hasIndex(): it calls rowCount and columnCount back through Python.
        if parent.isValid():
            if parent.column() > 0:
                return QModelIndex()
            children = parent.internalPointer().children
        else:
            children = self._root.children
        if 0 <= row < len(children) and 0 <= column < len(_HEADERS):
            return self.createIndex(row, column, children[row])
        return QModelIndex()

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

    def flags(self, index: _AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _BRANCH_FLAGS if index.internalPointer().size else _LEAF_FLAGS

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


class JsonTreeModel(JsonRowsModel[_Node]):
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

    def document(self) -> object:
        """The document shown (``[]`` when nothing is)."""
        root = self._root
        return root.children[0].value if root.size == 0 and root.children else root.value

    def index_at(self, rows: Sequence[int]) -> QModelIndex:
        """The index of the row at ``rows`` (positions from the top, as
        ``app.core.json_find`` gives them), creating the rows on the way in one insert per
        level; an invalid index when there is no such row."""
        parent = QModelIndex()
        node = self._root
        for row in rows:
            while node.chunk:  # down the range rows to the one that holds the item
                position = (row - node.first) // node.chunk
                if not 0 <= position < node.size:
                    return QModelIndex()
                parent, node = self._fetched_child(parent, node, position)
            position = row - node.first
            if not 0 <= position < node.size:
                return QModelIndex()
            parent, node = self._fetched_child(parent, node, position)
        return parent

    def _fetched_child(
        self, parent: QModelIndex, node: _Node, position: int
    ) -> tuple[QModelIndex, _Node]:
        if position >= len(node.children):
            batch = node.next_batch(max(position + 1 - len(node.children), self._batch_size))
            start = len(node.children)
            self.beginInsertRows(parent, start, start + len(batch) - 1)
            node.children.extend(batch)
            self.endInsertRows()
        return self.index(position, 0, parent), node.children[position]

    # -- fetching ---------------------------------------------------------------------

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

    # -- data -------------------------------------------------------------------------

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._node(index)
        if node.span is not None:
            return self._range_data(node, index.column(), role)
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == KEY_COLUMN:
                return key_text(node.key)
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

    @staticmethod
    def _range_data(node: _Node, column: int, role: int) -> Any:
        assert node.span is not None
        low, high = node.span
        if role == Qt.ItemDataRole.DisplayRole:
            if column == KEY_COLUMN:
                return f"[{low} … {high - 1}]"
            if column == VALUE_COLUMN:
                return f"{high - low:,} items"
            if column == TYPE_COLUMN:
                return "range"
            return None
        path = json_path(node.path_keys()) + f"[{low}:{high}]"
        if role == Qt.ItemDataRole.ToolTipRole:
            return visible_text(f"{path}: items {low} to {high - 1}, shown in ranges")
        if role == JSON_PATH_ROLE:
            return path
        if role == COPY_TEXT_ROLE:
            return json_value_text(node.value[low:high])
        return None

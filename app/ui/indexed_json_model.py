"""The Key / Value / Type tree of a JSON body indexed in a worker process
(``app.services.json_index``): a body too big to parse in the window.

The same rows as ``JsonTreeModel`` (range rows past ``RANGE_THRESHOLD`` items, the same
roles), but a container's members are asked of the worker when a view wants them
(``fetchMore``) and inserted when the answer comes, on the window's thread: expanding a
node never waits. Copy value asks the worker for the value's exact text.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from app.core.display_text import visible_text
from app.core.json_doc import json_path
from app.services.filtering import MAX_OUTPUT_BYTES, FilterError, ValuesAt
from app.services.json_index import IndexProblem, IndexReply, IndexRow, JsonIndex, Key
from app.ui.background import gui_relay
from app.ui.json_tree_model import (
    COPY_TEXT_ROLE,
    JSON_PATH_ROLE,
    KEY_COLUMN,
    TYPE_COLUMN,
    VALUE_COLUMN,
    JsonRowsModel,
    key_text,
    range_chunk,
)

__all__ = ["IndexedJsonModel"]

_BATCH = 500
_AnyIndex = QModelIndex | QPersistentModelIndex


class _Node:
    """One row: a member as the worker described it, or a range row (``span``) of the
    array ``keys`` leads to; ``children`` are the rows received so far."""

    __slots__ = ("children", "chunk", "first", "key", "kind", "length", "occurrence",
                 "parent", "pending", "row", "size", "span", "text")  # fmt: skip

    def __init__(
        self,
        parent: _Node | None,
        row: int,
        item: IndexRow,
        span: tuple[int, int] | None = None,
    ) -> None:
        self.parent = parent
        self.row = row
        self.key = item.key
        self.occurrence = item.occurrence  # which of a repeated name, else None
        self.kind = item.kind
        self.text = item.text
        self.span = span
        self.children: list[_Node] = []
        self.pending = False  # rows asked for, not yet come
        self.first = span[0] if span else 0
        self.length = span[1] - span[0] if span else item.size
        self.chunk = range_chunk(self.length) if item.kind in ("array", "range") else 0
        self.size = -(-self.length // self.chunk) if self.chunk else self.length

    def keys(self) -> list[Key]:
        """The path from the document to this node's value (a range row: its array's)."""
        keys: list[Key] = []
        node: _Node | None = self
        while node is not None:
            if node.key is not None and node.span is None:
                keys.append(node.key)
            node = node.parent
        keys.reverse()
        return keys

    def worker_path(self) -> list[object]:
        """``keys()`` as the worker reads them: a repeated name as ``[name, n]``."""
        path: list[object] = []
        node: _Node | None = self
        while node is not None:
            if node.key is not None and node.span is None:
                path.append(node.key if node.occurrence is None else [node.key, node.occurrence])
            node = node.parent
        path.reverse()
        return path


class IndexedJsonModel(JsonRowsModel[_Node]):
    """Read-only Key / Value / Type rows of a body file indexed by a worker process.

    ``set_file`` starts the worker; the rows appear when its first answer comes
    (``top_level_shown``), or ``problem`` says why they cannot (not valid JSON, the worker
    stopped). ``clear`` ends the worker. ``said`` carries a sentence for the user (a value
    too big to copy)."""

    top_level_shown = Signal()
    problem = Signal(str)
    said = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = _Node(None, 0, IndexRow(None, "array", 0, ""))
        self._index: JsonIndex | None = None
        self._generation = 0  # which file's answers count: a closed worker's may still come
        self._asked: dict[int, _Node] = {}
        self._relay = gui_relay()  # answers come on the index's reader thread

    # -- the file ---------------------------------------------------------------------

    def set_file(self, path: str) -> None:
        """Show the JSON body in the file at ``path``, replacing whatever was shown."""
        self.clear()
        self._generation += 1
        generation, relay = self._generation, self._relay
        opened: list[JsonIndex] = []

        def hand_over(reply: object) -> None:
            # On the GUI thread; this model may have gone with its window meanwhile, and
            # then its worker goes too.
            if not shiboken6.isValid(self):
                for index in opened:
                    index.close()
            elif isinstance(reply, IndexReply):
                self._on_replied((generation, reply))

        self._index = JsonIndex(path, lambda reply: relay.finished.emit(hand_over, reply))
        opened.append(self._index)

    def clear(self) -> None:
        """Show nothing and end the worker."""
        index, self._index = self._index, None
        if index is not None:
            index.close()
        self._asked.clear()
        if self._root.children or self._root.size:
            self.beginResetModel()
            self._root = _Node(None, 0, IndexRow(None, "array", 0, ""))
            self.endResetModel()

    def is_open(self) -> bool:
        return self._index is not None

    def values_reader(self) -> ValuesAt | None:
        """What a jq filter over this body reads its values with (from any thread): the
        index open now, even if another body is shown by the time it runs."""
        index = self._index
        if index is None:
            return None

        def values_at(paths: list[list[object]]) -> list[tuple[str, str]]:
            try:
                return index.values(paths, MAX_OUTPUT_BYTES)
            except IndexProblem as exc:
                raise FilterError(str(exc)) from None

        return values_at

    def _on_replied(self, tagged: tuple[int, IndexReply]) -> None:
        generation, reply = tagged
        if self._index is None or generation != self._generation:
            return  # an answer about a body no longer shown
        if reply.request == 0:
            self._show_top_level(reply)
            return
        node = self._asked.pop(reply.request, None)
        if reply.error is not None:
            if node is not None:
                node.pending = False
            self.problem.emit(reply.error)
            return
        if node is None:
            return
        if not reply.rows:
            node.pending = False
            return
        start = len(node.children)
        self.beginInsertRows(self._index_of(node), start, start + len(reply.rows) - 1)
        node.children.extend(
            _Node(node, start + offset, item) for offset, item in enumerate(reply.rows)
        )
        self.endInsertRows()
        # Only now: whoever watches the insert (a view, a model tester) may ask for more,
        # and must not ask again for the rows being inserted.
        node.pending = False

    def _show_top_level(self, reply: IndexReply) -> None:
        if reply.error is not None or reply.root is None:
            self.problem.emit(reply.error or "The body could not be indexed.")
            return
        self.beginResetModel()
        root = reply.root
        if root.size:
            self._root = _Node(None, 0, root)
            self._add_rows(self._root, reply.rows)
        else:  # a scalar or an empty container: one row with an empty key
            self._root = _Node(None, 0, IndexRow(None, "array", 0, ""))
            self._root.children.append(_Node(self._root, 0, root))
        self.endResetModel()
        self.top_level_shown.emit()

    def _add_rows(self, node: _Node, rows: tuple[IndexRow, ...]) -> None:
        if node.chunk:
            self._add_ranges(node, node.size)
        else:
            start = len(node.children)
            node.children.extend(_Node(node, start + n, item) for n, item in enumerate(rows))

    def _add_ranges(self, node: _Node, stop: int) -> None:
        end = node.first + node.length
        for row in range(len(node.children), stop):
            low = node.first + row * node.chunk
            span = (low, min(low + node.chunk, end))
            node.children.append(_Node(node, row, IndexRow(None, "range", 0, ""), span))

    def _index_of(self, node: _Node) -> QModelIndex:
        if node is self._root or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.row, 0, node)

    # -- fetching ---------------------------------------------------------------------

    def canFetchMore(self, parent: _AnyIndex) -> bool:
        if parent.column() > 0 or self._index is None:
            return False
        node = self._node(parent)
        return not node.pending and len(node.children) < node.size

    def fetchMore(self, parent: _AnyIndex) -> None:
        if not self.canFetchMore(parent):
            return
        node = self._node(parent)
        start = len(node.children)
        if node.chunk:  # range rows are made here, the worker is not needed
            stop = min(node.size, start + _BATCH)
            self.beginInsertRows(parent, start, stop - 1)
            self._add_ranges(node, stop)
            self.endInsertRows()
            return
        assert self._index is not None
        node.pending = True
        request = self._index.ask_rows(node.worker_path(), node.first + start, _BATCH)
        self._asked[request] = node

    # -- data -------------------------------------------------------------------------

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._node(index)
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if node.span is not None:
                low, high = node.span
                return (f"[{low} … {high - 1}]", f"{high - low:,} items", "range")[column]
            if column == KEY_COLUMN:
                return key_text(node.key)
            if column == VALUE_COLUMN:
                return visible_text(node.text)
            if column == TYPE_COLUMN:
                return node.kind if node.occurrence is None else f"{node.kind} ⚠ duplicate key"
            return None
        if role in (Qt.ItemDataRole.ToolTipRole, JSON_PATH_ROLE):
            path = json_path(node.keys())
            if node.span is None and role == JSON_PATH_ROLE:
                return path
            if node.span is None and node.occurrence is not None:
                return visible_text(
                    f"{path}: this key comes more than once in its object; every value is shown"
                )
            if node.span is None:
                return visible_text(path)
            low, high = node.span
            path += f"[{low}:{high}]"
            if role == JSON_PATH_ROLE:
                return path
            return visible_text(f"{path}: items {low} to {high - 1}, shown in ranges")
        if role == COPY_TEXT_ROLE:
            return self._copy_text(node)
        return None

    def _copy_text(self, node: _Node) -> str | None:
        if self._index is None:
            return None
        try:
            return self._index.copy(node.worker_path(), node.span)
        except IndexProblem as exc:
            self.said.emit(str(exc))
            return None

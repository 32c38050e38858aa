"""A read-only Qt tree over a loaded collection (``app.storage.collection_store``).

``CollectionTreeModel`` only adapts a ``LoadedCollection``: its top-level rows are the
collection's folders and requests (the collection itself is the invisible root), and every
change arrives as a new ``LoadedCollection`` through ``set_collection``. Dragging a row onto a
folder does not move anything: the model emits ``move_requested`` and whoever owns the store
moves the file and hands back a reloaded collection.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any, overload

from PySide6.QtCore import (
    QAbstractItemModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from app.core.collection import CollectionFileError, CollectionNode, LoadedCollection, NodeKind
from app.ui.status_style import error_text_color

__all__ = [
    "KIND_ROLE",
    "PATHS_MIME_TYPE",
    "PATH_ROLE",
    "CollectionTreeModel",
    "problem_text",
]

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
"""``data()`` role: the node's ``Path`` relative to the collection's root."""

KIND_ROLE = Qt.ItemDataRole.UserRole + 2
"""``data()`` role: the node's ``NodeKind``."""

PATHS_MIME_TYPE = "application/x-api-explorer-paths"
"""Dragged rows: their relative paths in POSIX form, one per line (like ``text/uri-list``)."""

_AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT_PATH = Path(".")
_CONTAINERS = (NodeKind.COLLECTION, NodeKind.FOLDER)


def problem_text(problem: CollectionFileError) -> str:
    """One line naming the file, the line (when known) and the reason it failed to load."""
    return f"{problem}."


class _Item:
    """A node of the collection with the parent and row Qt indexes need."""

    __slots__ = ("children", "node", "parent", "row")

    def __init__(self, node: CollectionNode, parent: _Item | None, row: int) -> None:
        self.node = node
        self.parent = parent
        self.row = row
        self.children = [_Item(child, self, i) for i, child in enumerate(node.children)]


def _empty_root() -> _Item:
    return _Item(CollectionNode(NodeKind.COLLECTION, _ROOT_PATH, ""), None, 0)


class CollectionTreeModel(QAbstractItemModel):
    """Folders and requests of a ``LoadedCollection``: one column, read-only, draggable.

    Requests show their method before the name (``GET  List payments``); a file that failed
    to load shows its file name, a warning icon, error-coloured text and the reason as its
    tooltip. ``PATH_ROLE`` and ``KIND_ROLE`` give each row's relative path and kind.

    Requests, broken files and folders can be dragged; folders and the empty space (the
    collection's root) accept drops. A drop emits ``move_requested(source, target_folder)``
    for each dragged path and returns ``False``: the model never changes files itself.
    """

    move_requested = Signal(object, object)
    """A row was dropped on a folder: ``(source: Path, target_folder: Path)``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._loaded: LoadedCollection | None = None
        self._root = _empty_root()
        self._icons: dict[NodeKind, QIcon] = {}

    # -- collection -------------------------------------------------------------------

    def set_collection(self, loaded: LoadedCollection | None) -> None:
        """Show ``loaded`` (or nothing), replacing whatever was shown."""
        self.beginResetModel()
        self._loaded = loaded
        self._root = _Item(loaded.tree, None, 0) if loaded is not None else _empty_root()
        self.endResetModel()

    def collection(self) -> LoadedCollection | None:
        """The collection shown, or ``None``."""
        return self._loaded

    def node(self, index: _AnyIndex) -> CollectionNode | None:
        """The node at ``index``; ``None`` for the invalid index (the collection's root)."""
        return self._item(index).node if index.isValid() else None

    def index_for_path(self, path: Path) -> QModelIndex:
        """The index of the node at ``path``; invalid for ``Path(".")`` and unknown paths."""
        item = self._root
        for part in Path(path).parts:
            found = next((c for c in item.children if c.node.path.name == part), None)
            if found is None:
                return QModelIndex()
            item = found
        if item is self._root:
            return QModelIndex()
        return self.createIndex(item.row, 0, item)

    # -- structure --------------------------------------------------------------------

    def _item(self, index: _AnyIndex) -> _Item:
        if index.isValid():
            item: _Item = index.internalPointer()
            return item
        return self._root

    def index(self, row: int, column: int, parent: _AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column, self._item(parent).children[row])

    @overload
    def parent(self) -> QObject | None: ...
    @overload
    def parent(self, index: _AnyIndex) -> QModelIndex: ...
    def parent(self, index: _AnyIndex | None = None) -> QObject | QModelIndex | None:
        if index is None:  # QObject.parent(), which the item-model overload hides
            return super().parent()
        if not index.isValid():
            return QModelIndex()
        parent = self._item(index).parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row, 0, parent)

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.column() > 0:
            return 0
        return len(self._item(parent).children)

    def columnCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 1

    def flags(self, index: _AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            # The empty space below the rows is the collection's root.
            return (
                Qt.ItemFlag.ItemIsDropEnabled
                if self._loaded is not None
                else (Qt.ItemFlag.NoItemFlags)
            )
        flags = (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )
        if self._item(index).node.kind in _CONTAINERS:
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        else:
            flags |= Qt.ItemFlag.ItemNeverHasChildren
        return flags

    # -- data -------------------------------------------------------------------------

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._item(index).node
        if role == Qt.ItemDataRole.DisplayRole:
            if node.request is not None:
                return f"{node.request.method}  {node.name}"
            return node.name
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icon(NodeKind.BROKEN if node.problem is not None else node.kind)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(node)
        if role == Qt.ItemDataRole.ForegroundRole:
            if node.problem is not None:
                return error_text_color(QGuiApplication.palette())
            return None
        if role == PATH_ROLE:
            return node.path
        if role == KIND_ROLE:
            return node.kind
        return None

    def _icon(self, kind: NodeKind) -> QIcon | None:
        icon = self._icons.get(kind)
        if icon is None:
            if not isinstance(QApplication.instance(), QApplication):
                return None  # no widget style to draw icons with (a model used headless)
            pixmap = {
                NodeKind.COLLECTION: QStyle.StandardPixmap.SP_DirIcon,
                NodeKind.FOLDER: QStyle.StandardPixmap.SP_DirIcon,
                NodeKind.REQUEST: QStyle.StandardPixmap.SP_FileIcon,
                NodeKind.BROKEN: QStyle.StandardPixmap.SP_MessageBoxWarning,
            }[kind]
            icon = self._icons[kind] = QApplication.style().standardIcon(pixmap)
        return icon

    # -- drag and drop ----------------------------------------------------------------

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [PATHS_MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        paths = {self._item(i).node.path for i in indexes if i.isValid()}
        # Moving a folder carries what is inside it; listing both would move things twice.
        outer = sorted(p for p in paths if not any(a in paths for a in p.parents))
        data = QMimeData()
        data.setData(PATHS_MIME_TYPE, "\n".join(p.as_posix() for p in outer).encode("utf-8"))
        return data

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: _AnyIndex,
    ) -> bool:
        return bool(self._moves(data, action, parent))

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: _AnyIndex,
    ) -> bool:
        moves = self._moves(data, action, parent)
        target = self._drop_target(parent)
        for source in moves:
            if target is not None:
                self.move_requested.emit(source, target)
        # Nothing changed here: the owner of the store moves the files and reloads.
        return False

    def _drop_target(self, parent: _AnyIndex) -> Path | None:
        """The folder a drop on ``parent`` lands in (dropping between rows lands in their
        folder, which Qt passes as ``parent``); ``None`` when it is not a folder."""
        if self._loaded is None:
            return None
        node = self._item(parent).node
        return node.path if node.kind in _CONTAINERS else None

    def _moves(self, data: QMimeData, action: Qt.DropAction, parent: _AnyIndex) -> list[Path]:
        """The dragged paths that a drop on ``parent`` would really move."""
        target = self._drop_target(parent)
        if (
            target is None
            or action != Qt.DropAction.MoveAction
            or not data.hasFormat(PATHS_MIME_TYPE)
        ):
            return []
        moves: list[Path] = []
        for source in _decode_paths(bytes(data.data(PATHS_MIME_TYPE).data())):
            if source == target or source in target.parents:
                continue  # a folder can't go inside itself
            if source.parent == target:
                continue  # already there
            moves.append(source)
        return moves


def _decode_paths(raw: bytes) -> list[Path]:
    paths: list[Path] = []
    for line in raw.decode("utf-8", errors="replace").splitlines():
        posix = PurePosixPath(line.strip())
        if not line.strip() or posix.is_absolute() or ".." in posix.parts:
            continue
        path = Path(*posix.parts)
        if path != _ROOT_PATH:
            paths.append(path)
    return paths


def _tooltip(node: CollectionNode) -> str:
    if node.problem is not None:
        return (
            f"{problem_text(node.problem)}\n"
            "Fix it in an editor: a file that failed to load is never overwritten."
        )
    if node.request is not None:
        return f"{node.request.method} {node.request.url}".rstrip()
    return node.path.as_posix()

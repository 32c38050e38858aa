"""The collection sidebar: the tree of folders and requests, and the actions that change it.

``CollectionSidebar`` shows the ``CollectionService``'s collection through
``CollectionTreeModel`` and performs every change (new, rename, duplicate, delete, move by drag
and drop) through the service, then reloads. Files that could not be loaded are listed under
the tree with path, line and reason. Every load (after an action here, a save, or an outside
change seen by the ``CollectionWatcher``) keeps expanded folders and the selection.

The sidebar asks the user through the ``Prompts`` it is given (tests give scripted answers).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QFont, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.core.collection import CollectionNode, LoadedCollection, NodeKind, SavedRequest
from app.services.collections import (
    ROOT,
    CollectionEvent,
    CollectionLoaded,
    CollectionService,
    CollectionWriteError,
    editable_name,
    request_files,
)
from app.ui.collection_tree_model import CollectionTreeModel, problem_text
from app.ui.prompts import Prompts
from app.ui.status_style import error_text_color

__all__ = ["CollectionSidebar"]

_ROOT = ROOT
_T = TypeVar("_T")


class CollectionSidebar(QWidget):
    """The open collection as a tree, with buttons and a context menu to change it.

    Signals, each emitted after the fact:

    - ``request_opened(path: Path, request: SavedRequest)``: a request was activated
      (double-click, Enter, "Open") or just created.
    - ``open_collection_requested(path: Path)``: the user chose a collection folder (recent
      menu or folder dialog); the owner opens it.
    - ``error_shown(text: str)``: an operation failed and the user was told.
    - ``settings_requested(path: Path)``: edit the settings of a folder (``Path(".")``: the
      collection's).

    Renames, moves and deletions reach open tabs through the service's own events.
    """

    request_opened = Signal(object, object)
    request_previewed = Signal(object, object)  # a single click: shown in the preview tab
    open_collection_requested = Signal(object)
    error_shown = Signal(str)
    settings_requested = Signal(object)
    export_requested = Signal(object)  # Path of a folder or request (Path("."): all)

    def __init__(
        self, collections: CollectionService, prompts: Prompts, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("collectionSidebar")
        self.collections = collections
        self.prompts = prompts
        self._loaded: LoadedCollection | None = None
        self._recent: list[Path] = []
        # Expanded folders and the row to select for the next load, when an action here
        # knows better than "keep what is shown" (a new row, a move).
        self._pending: tuple[set[Path], Path | None, bool] | None = None

        self.model = CollectionTreeModel(self)

        self.name_label = QLabel("No collection", self)
        self.name_label.setObjectName("collectionNameLabel")
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        self.name_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bold = QFont(self.name_label.font())
        bold.setBold(True)
        self.name_label.setFont(bold)

        self.open_menu = QMenu(self)
        self.open_menu.setToolTipsVisible(True)
        self.open_button = QToolButton(self)
        self.open_button.setObjectName("openCollectionButton")
        self.open_button.setText("Open…")
        self.open_button.setToolTip("Open a collection folder (the arrow lists recent ones)")
        self.open_button.setMenu(self.open_menu)
        self.open_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)

        self.new_request_button = QToolButton(self)
        self.new_request_button.setObjectName("newRequestButton")
        self.new_request_button.setText("New request")
        self.new_request_button.setToolTip("Add a request to the selected folder")
        self.settings_button = QToolButton(self)
        self.settings_button.setObjectName("collectionSettingsButton")
        self.settings_button.setText("Settings…")
        self.settings_button.setToolTip(
            "Collection settings: base URL, headers, auth, variables, TLS and proxy"
        )
        self.new_folder_button = QToolButton(self)
        self.new_folder_button.setObjectName("newFolderButton")
        self.new_folder_button.setText("New folder")
        self.new_folder_button.setToolTip("Add a folder inside the selected folder")

        self.tree = QTreeView(self)
        self.tree.setObjectName("collectionTree")
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.tree.setDragEnabled(True)
        self.tree.setAcceptDrops(True)
        self.tree.setDropIndicatorShown(True)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.installEventFilter(self)

        self.problems_label = QLabel(self)
        self.problems_label.setObjectName("collectionProblemsLabel")
        self.problems_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # Many broken files (a bad merge) must not push the tree out of sight.
        self._problems_area = QScrollArea(self)
        self._problems_area.setWidget(self.problems_label)
        self._problems_area.setWidgetResizable(True)
        self._problems_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self._problems_area.setMaximumHeight(160)
        self._problems_area.hide()
        self.problems_label.hide()

        name_row = QHBoxLayout()
        name_row.setContentsMargins(0, 0, 0, 0)
        name_row.addWidget(self.name_label, 1)
        name_row.addWidget(self.open_button)
        button_row = QHBoxLayout()
        button_row.setContentsMargins(0, 0, 0, 0)
        button_row.addWidget(self.new_request_button)
        button_row.addWidget(self.new_folder_button)
        button_row.addWidget(self.settings_button)
        button_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(name_row)
        layout.addLayout(button_row)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self._problems_area)

        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.open_menu.triggered.connect(self._on_open_menu_triggered)
        self.new_request_button.clicked.connect(self._on_new_request_button_clicked)
        self.new_folder_button.clicked.connect(self._on_new_folder_button_clicked)
        self.settings_button.clicked.connect(lambda: self.settings_requested.emit(_ROOT))
        self.tree.activated.connect(self._on_tree_activated)
        self.tree.clicked.connect(self._on_tree_clicked)
        self.tree.customContextMenuRequested.connect(self._on_tree_custom_context_menu_requested)
        # Queued: the drop is still being handled by the view when the model emits, and the
        # move resets the model.
        self.model.move_requested.connect(
            self._on_model_move_requested, Qt.ConnectionType.QueuedConnection
        )
        collections.subscribe(self._on_collection_event)

        self.set_recent([])
        self._show_loaded(collections.loaded)

    # -- public API -------------------------------------------------------------------

    def selected_folder(self) -> Path:
        """The folder of the selection (a request's own folder); ``Path(".")`` for the root."""
        path = self.selected_path()
        node = self._node(path) if path is not None else None
        if node is None:
            return _ROOT
        return (
            node.path if node.kind in (NodeKind.COLLECTION, NodeKind.FOLDER) else node.path.parent
        )

    def selected_path(self) -> Path | None:
        """The path of the selected row, or ``None`` when nothing is selected."""
        indexes = self.tree.selectionModel().selectedIndexes()
        node = self.model.node(indexes[0]) if indexes else None
        return node.path if node is not None else None

    def set_recent(self, paths: list[Path]) -> None:
        """Offer ``paths`` (most recent first) in the menu of the Open button."""
        self._recent = [Path(p) for p in paths]
        self.open_menu.clear()
        if not self._recent:
            empty = self.open_menu.addAction("No recent collections")
            empty.setEnabled(False)
        for path in self._recent:
            # "&" would become a keyboard accelerator in a menu item's text.
            label = f"{path.name or path}  —  {path.parent}".replace("&", "&&")
            action = self.open_menu.addAction(label)
            action.setToolTip(str(path))
            action.setData(str(path))
        self.open_menu.addSeparator()
        self.open_menu.addAction("Open folder…")

    def open_request(self, path: Path) -> None:
        """Emit ``request_opened`` for the request at ``path`` (nothing for other nodes)."""
        node = self._node(path)
        if node is not None and node.request is not None:
            self.request_opened.emit(node.path, node.request)

    def new_request(self, folder: Path | None = None) -> Path | None:
        """Ask for a name and add a request to ``folder`` (default: the selected folder);
        the new request is selected and opened. Returns its path, or ``None``."""
        where = self.selected_folder() if folder is None else folder
        name = self.prompts.ask_text("New request", "Name of the new request:", "New request")
        if name is None:
            return None
        new = self._change(lambda s: s.new_request(where, SavedRequest(name=name)))
        if new is not None:
            self._reload(select=new)
            self.open_request(new)
        return new

    def new_folder(self, parent: Path | None = None) -> Path | None:
        """Ask for a name and add a folder inside ``parent`` (default: the selected folder)."""
        where = self.selected_folder() if parent is None else parent
        name = self.prompts.ask_text("New folder", "Name of the new folder:", "New folder")
        if name is None:
            return None
        new = self._change(lambda s: s.new_folder(where, name))
        if new is not None:
            self._reload(select=new)
        return new

    def rename_item(self, path: Path) -> Path | None:
        """Ask for a new name for the request, folder or (``Path(".")``) collection."""
        node = self._node(path)
        if node is None:
            return None
        current = editable_name(node)
        what = {
            NodeKind.COLLECTION: "collection",
            NodeKind.FOLDER: "folder",
            NodeKind.REQUEST: "request",
            NodeKind.BROKEN: "file",
        }[node.kind]
        name = self.prompts.ask_text(f"Rename {what}", f"New name of the {what}:", current)
        if name is None or name == current:
            return None
        return self.rename_to(path, name)

    def rename_to(self, path: Path, name: str) -> Path | None:
        """Rename the item at ``path`` to ``name`` (open tabs follow through signals)."""
        node = self._node(path)
        if node is None:
            return None
        new = self._change(lambda s: s.rename(node.path, name))
        if new is not None:
            self._reload(select=new if new != _ROOT else None, moved=(node.path, new))
        return new

    def duplicate_item(self, path: Path) -> Path | None:
        """Copy the request or folder at ``path`` beside itself as "Copy of NAME"."""
        new = self._change(lambda s: s.duplicate(path))
        if new is not None:
            self._reload(select=new)
        return new

    def delete_item(self, path: Path) -> bool:
        """Delete the request or folder at ``path`` once the user confirms."""
        node = self._node(path)
        if node is None or node.kind is NodeKind.COLLECTION:
            return False
        if not self.prompts.confirm("Delete", _delete_question(node)):
            return False

        def delete(collections: CollectionService) -> bool:
            collections.delete(node.path)
            return True

        if not self._change(delete):
            return False
        self._reload()
        return True

    def move_item(self, source: Path, target_folder: Path) -> Path | None:
        """Move the request or folder at ``source`` into ``target_folder``."""
        new = self._change(lambda s: s.move(source, target_folder))
        if new is not None:
            self._reload(select=new, moved=(source, new))
        return new

    def context_menu(self, path: Path | None) -> QMenu:
        """The context menu for the row at ``path`` (``None``: the empty space, the root)."""
        menu = QMenu(self)
        node = self._node(path) if path is not None else None
        if node is None or node.kind is NodeKind.COLLECTION:
            menu.addAction("New request").triggered.connect(lambda: self.new_request(_ROOT))
            menu.addAction("New folder").triggered.connect(lambda: self.new_folder(_ROOT))
            menu.addSeparator()
            rename_root = menu.addAction("Rename collection…")
            rename_root.triggered.connect(lambda: self.rename_item(_ROOT))
            rename_root.setEnabled(self._loaded is not None)
            settings = menu.addAction("Collection settings…")
            settings.triggered.connect(lambda: self.settings_requested.emit(_ROOT))
            settings.setEnabled(self._loaded is not None)
            export = menu.addAction("Export as Postman v2.1…")
            export.triggered.connect(lambda: self.export_requested.emit(_ROOT))
            export.setEnabled(self._loaded is not None)
            return menu
        folder = node.path if node.kind is NodeKind.FOLDER else node.path.parent
        open_action = menu.addAction("Open")
        open_action.setEnabled(node.kind is NodeKind.REQUEST)
        open_action.triggered.connect(lambda: self.open_request(node.path))
        menu.addSeparator()
        menu.addAction("New request here").triggered.connect(lambda: self.new_request(folder))
        menu.addAction("New folder here").triggered.connect(lambda: self.new_folder(folder))
        menu.addSeparator()
        menu.addAction("Rename…").triggered.connect(lambda: self.rename_item(node.path))
        duplicate = menu.addAction("Duplicate")
        duplicate.setEnabled(node.kind is not NodeKind.BROKEN)  # the store refuses it anyway
        duplicate.triggered.connect(lambda: self.duplicate_item(node.path))
        menu.addAction("Delete…").triggered.connect(lambda: self.delete_item(node.path))
        if node.kind is NodeKind.FOLDER:
            menu.addSeparator()
            menu.addAction("Folder settings…").triggered.connect(
                lambda: self.settings_requested.emit(node.path)
            )
        if node.kind is not NodeKind.BROKEN:
            menu.addSeparator()
            menu.addAction("Export as Postman v2.1…").triggered.connect(
                lambda: self.export_requested.emit(node.path)
            )
        return menu

    def show_error(self, text: str) -> None:
        """Tell the user an operation failed (``text`` says what to do) and emit it."""
        self.error_shown.emit(text)
        self.prompts.warn(text)

    # -- slots ------------------------------------------------------------------------

    def _on_open_button_clicked(self) -> None:
        self.choose_collection()

    def _on_open_menu_triggered(self, action: QAction) -> None:
        data = action.data()
        if isinstance(data, str) and data:
            self.open_collection_requested.emit(Path(data))
        else:
            self.choose_collection()

    def _on_new_request_button_clicked(self) -> None:
        self.new_request()

    def _on_new_folder_button_clicked(self) -> None:
        self.new_folder()

    def _on_tree_activated(self, index: QModelIndex) -> None:
        node = self.model.node(index)
        if node is not None and node.kind is NodeKind.REQUEST:
            self.open_request(node.path)

    def _on_tree_clicked(self, index: QModelIndex) -> None:
        node = self.model.node(index)
        if node is not None and node.kind is NodeKind.REQUEST and node.request is not None:
            self.request_previewed.emit(node.path, node.request)

    def show_open(self, path: Path | None) -> None:
        """Select the row of the request file shown in the active tab, so the tree says
        which request is open; ``None`` (a tab saved nowhere here) selects nothing."""
        if path is not None and self.model.index_for_path(path).isValid():
            self._restore_selection(path, reveal=True)
        else:
            self.tree.setCurrentIndex(QModelIndex())
            self.tree.clearSelection()

    def _on_tree_custom_context_menu_requested(self, pos: QPoint) -> None:
        if self.collections.root is None:
            return
        index = self.tree.indexAt(pos)
        node = self.model.node(index)
        if node is not None:
            self.tree.setCurrentIndex(index)
        menu = self.context_menu(node.path if node is not None else None)
        menu.exec(self.tree.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _on_model_move_requested(self, source: Path, target_folder: Path) -> None:
        self.move_item(source, target_folder)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.tree
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            path = self.selected_path()
            if path is not None and event.key() == Qt.Key.Key_Delete:
                self.delete_item(path)
                return True
            if path is not None and event.key() == Qt.Key.Key_F2:
                self.rename_item(path)
                return True
        return super().eventFilter(watched, event)

    # -- helpers ----------------------------------------------------------------------

    def _node(self, path: Path) -> CollectionNode | None:
        return self._loaded.find(path) if self._loaded is not None else None

    def choose_collection(self) -> None:
        """Ask for a collection folder and ask the owner to open it."""
        path = self.prompts.choose_folder("Open a collection folder", self.collections.root)
        if path is not None:
            self.open_collection_requested.emit(path)

    def _change(self, operation: Callable[[CollectionService], _T]) -> _T | None:
        """Run one change; a refusal is shown and the tree re-read from disk."""
        if self.collections.root is None:
            return None
        try:
            return operation(self.collections)
        except CollectionWriteError as exc:
            self.show_error(str(exc))
            # The refusal often means the folder changed outside the app: show what is there.
            self._reload()
            return None

    def _reload(self, select: Path | None = None, moved: tuple[Path, Path] | None = None) -> None:
        """Load the collection again. ``select`` is the row to select and reveal (else the
        current one is kept); ``moved`` carries expansion and selection from an old path to a
        new one."""
        expanded = self._expanded_paths()
        current = select if select is not None else self.selected_path()
        if moved is not None:
            expanded = {_follow(path, *moved) for path in expanded}
            current = _follow(current, *moved) if current is not None else None
        self._pending = (expanded, current, select is not None)
        try:
            self.collections.reload()
        finally:
            self._pending = None

    def _on_collection_event(self, event: CollectionEvent) -> None:
        if isinstance(event, CollectionLoaded):
            self._show_loaded(event.loaded)

    def _show_loaded(self, loaded: LoadedCollection | None) -> None:
        """Show ``loaded``, keeping expanded folders, the selection and the scroll position
        when it is the same collection as before."""
        same = loaded is not None and self._loaded is not None and loaded.root == self._loaded.root
        if self._pending is not None:
            expanded, current, reveal = self._pending
        elif same:
            expanded, current, reveal = self._expanded_paths(), self.selected_path(), False
        else:
            # A different collection: nothing of the old tree's expansion or selection.
            expanded, current, reveal = set(), None, False
        scroll = self.tree.verticalScrollBar().value()
        self._loaded = loaded
        self.model.set_collection(loaded)
        for path in sorted(expanded):
            index = self.model.index_for_path(path)
            if index.isValid():
                self.tree.setExpanded(index, True)
        self._restore_selection(current, reveal=reveal)
        if same and not reveal:
            self.tree.verticalScrollBar().setValue(scroll)
        self._update_header()
        self._show_problems(loaded)

    def _expanded_paths(self) -> set[Path]:
        expanded: set[Path] = set()
        pending = [QModelIndex()]
        while pending:
            parent = pending.pop()
            for row in range(self.model.rowCount(parent)):
                index = self.model.index(row, 0, parent)
                node = self.model.node(index)
                if node is not None and self.tree.isExpanded(index):
                    expanded.add(node.path)
                    pending.append(index)
        return expanded

    def _restore_selection(self, path: Path | None, *, reveal: bool) -> None:
        """Select ``path``, or the nearest folder above it that still exists."""
        for candidate in (path, *path.parents) if path is not None else ():
            index = self.model.index_for_path(candidate)
            if index.isValid():
                parent = index.parent()
                while reveal and parent.isValid():
                    self.tree.setExpanded(parent, True)
                    parent = parent.parent()
                self.tree.setCurrentIndex(index)
                if reveal:
                    self.tree.scrollTo(index)
                return
        self.tree.setCurrentIndex(QModelIndex())

    def _update_header(self) -> None:
        has_store = self.collections.root is not None
        self.new_request_button.setEnabled(has_store)
        self.new_folder_button.setEnabled(has_store)
        self.settings_button.setEnabled(has_store)
        if self._loaded is None:
            self.name_label.setText("No collection")
            self.name_label.setToolTip("Open a collection folder to see its requests")
        else:
            self.name_label.setText(self._loaded.name)
            self.name_label.setToolTip(str(self._loaded.root))

    def _show_problems(self, loaded: LoadedCollection | None) -> None:
        problems = loaded.problems if loaded is not None else ()
        if not problems:
            self.problems_label.clear()
            self.problems_label.hide()
            self._problems_area.hide()
            return
        count = "1 file" if len(problems) == 1 else f"{len(problems)} files"
        lines = [
            f"{count} could not be loaded (fix in an editor; such files are never overwritten):",
            *(f"• {problem_text(problem)}" for problem in problems),
        ]
        self.problems_label.setText("\n".join(lines))
        palette = QPalette(self.problems_label.palette())
        palette.setColor(QPalette.ColorRole.WindowText, error_text_color(self.palette()))
        self.problems_label.setPalette(palette)
        self.problems_label.show()
        self._problems_area.show()


def _follow(path: Path, old: Path, new: Path) -> Path:
    """Where ``path`` is after ``old`` became ``new``."""
    if old == _ROOT:
        return path
    if path == old or old in path.parents:
        return new / path.relative_to(old)
    return path


def _delete_question(node: CollectionNode) -> str:
    where = node.path.as_posix()
    if node.kind is NodeKind.REQUEST:
        return f"Delete the request “{node.name}”?\n\nIts file {where} is deleted from disk."
    if node.kind is NodeKind.BROKEN:
        return f"Delete the file {where}?\n\nIt could not be loaded; it is deleted from disk."
    count = len(request_files(node))
    inside = "it is empty" if count == 0 else "1 request" if count == 1 else f"{count} requests"
    return (
        f"Delete the folder “{node.name}” and everything in it ({inside})?\n\n"
        f"The folder {where} is deleted from disk."
    )

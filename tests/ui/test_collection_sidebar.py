"""The collection sidebar: every change goes through the store, refusals are shown, and the
tree follows the folder when git or an editor changes it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QLabel, QToolButton, QTreeView

from app.core.collection import LoadedCollection, NodeKind, SavedRequest
from app.services.collections import (
    CollectionLoaded,
    CollectionService,
    RequestDeleted,
    RequestMoved,
)
from app.services.qt_adapter import CollectionWatcher
from app.services.workspace import Workspace
from app.storage.collection_store import create_collection
from app.ui.collection_sidebar import CollectionSidebar
from app.ui.collection_tree_model import PATH_ROLE
from tests.prompts import ScriptedPrompts as Prompts

LIST = Path("payments/list-payments.request.yaml")
TIME = Path("get-time.request.yaml")


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    store = create_collection(root, "Demo API")
    store.new_folder(Path("."), "Payments")
    store.new_request(Path("payments"), SavedRequest("List payments", url="/payments"))
    store.new_request(Path("."), SavedRequest("Get time", url="/time"))
    return root


@pytest.fixture
def prompts() -> Prompts:
    return Prompts()


def new_sidebar(prompts: Prompts) -> CollectionSidebar:
    """A sidebar over its own collection service, with the watcher the window gives it."""
    sidebar = CollectionSidebar(CollectionService(Workspace()), prompts)
    CollectionWatcher(sidebar.collections, parent=sidebar)
    return sidebar


@pytest.fixture
def sidebar(
    qtbot: Any, root: Path, prompts: Prompts, qt_loop: asyncio.AbstractEventLoop
) -> CollectionSidebar:
    sidebar = new_sidebar(prompts)
    qtbot.addWidget(sidebar)
    sidebar.collections.open(root)
    sidebar.resize(320, 480)
    sidebar.show()
    return sidebar


def tree(sidebar: CollectionSidebar) -> QTreeView:
    view = sidebar.findChild(QTreeView, "collectionTree")
    assert view is not None
    return view


def button(sidebar: CollectionSidebar, name: str) -> QToolButton:
    found = sidebar.findChild(QToolButton, name)
    assert found is not None
    return found


def problems_label(sidebar: CollectionSidebar) -> QLabel:
    label = sidebar.findChild(QLabel, "collectionProblemsLabel")
    assert label is not None
    return label


def shown_paths(sidebar: CollectionSidebar) -> set[Path]:
    """Every path in the tree's model, expanded or not."""
    model = sidebar.model
    found: set[Path] = set()
    pending = [QModelIndex()]
    while pending:
        parent = pending.pop()
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            found.add(index.data(PATH_ROLE))
            pending.append(index)
    return found


def select(sidebar: CollectionSidebar, path: Path) -> None:
    index = sidebar.model.index_for_path(path)
    assert index.isValid(), path
    tree(sidebar).setCurrentIndex(index)


def moves(sidebar: CollectionSidebar) -> list[tuple[Path, Path]]:
    """Every (old, new) path of a request file the service reports from now on."""
    seen: list[tuple[Path, Path]] = []
    sidebar.collections.subscribe(
        lambda e: seen.append((e.old, e.new)) if isinstance(e, RequestMoved) else None
    )
    return seen


def deletions(sidebar: CollectionSidebar) -> list[Path]:
    seen: list[Path] = []
    sidebar.collections.subscribe(
        lambda e: seen.append(e.path) if isinstance(e, RequestDeleted) else None
    )
    return seen


def loads(sidebar: CollectionSidebar) -> list[LoadedCollection | None]:
    seen: list[LoadedCollection | None] = []
    sidebar.collections.subscribe(
        lambda e: seen.append(e.loaded) if isinstance(e, CollectionLoaded) else None
    )
    return seen


def recorder(signal: Any) -> list[tuple[Any, ...]]:
    calls: list[tuple[Any, ...]] = []
    signal.connect(lambda *args: calls.append(args))
    return calls


def action(menu: Any, text: str) -> Any:
    found = [a for a in menu.actions() if a.text() == text]
    assert found, [a.text() for a in menu.actions()]
    return found[0]


# --- showing ---------------------------------------------------------------------------------


def test_sidebar_shows_the_collection_and_hides_the_problems_label(
    sidebar: CollectionSidebar, root: Path
) -> None:
    label = sidebar.findChild(QLabel, "collectionNameLabel")

    assert sidebar.objectName() == "collectionSidebar"
    assert label is not None and label.text() == "Demo API"
    assert shown_paths(sidebar) == {Path("payments"), LIST, TIME}
    assert problems_label(sidebar).isHidden()
    assert tree(sidebar).dragDropMode() == QTreeView.DragDropMode.InternalMove
    loaded = sidebar.collections.loaded
    assert loaded is not None and loaded.root == root
    assert sidebar.selected_folder() == Path(".")
    for name in ("openCollectionButton", "newRequestButton", "newFolderButton"):
        assert button(sidebar, name).isEnabled()


def test_set_store_none_clears_the_tree_and_disables_new(
    qtbot: Any, sidebar: CollectionSidebar
) -> None:
    changed = loads(sidebar)
    sidebar.collections.close()

    assert changed == [None]
    assert sidebar.model.rowCount() == 0
    assert sidebar.collections.loaded is None
    assert not button(sidebar, "newRequestButton").isEnabled()
    assert not button(sidebar, "newFolderButton").isEnabled()


def test_every_reload_reports_the_collection(qtbot: Any, sidebar: CollectionSidebar) -> None:
    changed = loads(sidebar)
    sidebar.collections.reload()

    assert len(changed) == 1 and isinstance(changed[0], LoadedCollection)
    assert changed[0].name == "Demo API"


def test_broken_file_is_listed_with_path_and_line_and_the_rest_loads(
    qtbot: Any, root: Path, prompts: Prompts
) -> None:
    write(root, "payments/bad.request.yaml", "name: Bad\nheaders: [\n")
    sidebar = new_sidebar(prompts)
    qtbot.addWidget(sidebar)

    sidebar.collections.open(root)

    label = problems_label(sidebar)
    assert not label.isHidden()
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert label.wordWrap()
    assert "payments/bad.request.yaml, line 3:" in label.text()
    assert shown_paths(sidebar) == {
        Path("payments"),
        LIST,
        TIME,
        Path("payments/bad.request.yaml"),
    }
    loaded = sidebar.collections.loaded
    assert loaded is not None
    bad = loaded.find(Path("payments/bad.request.yaml"))
    assert bad is not None and bad.kind is NodeKind.BROKEN


# --- creating --------------------------------------------------------------------------------


def test_new_request_goes_into_the_selected_folder_and_opens(
    qtbot: Any, sidebar: CollectionSidebar, root: Path, prompts: Prompts
) -> None:
    select(sidebar, LIST)
    assert sidebar.selected_folder() == Path("payments")
    prompts.texts = ["Create payment"]

    with qtbot.waitSignal(sidebar.request_opened) as opened:
        qtbot.mouseClick(button(sidebar, "newRequestButton"), Qt.MouseButton.LeftButton)

    new = Path("payments/create-payment.request.yaml")
    assert (root / new).is_file()
    assert opened.args[0] == new
    assert isinstance(opened.args[1], SavedRequest) and opened.args[1].name == "Create payment"
    assert sidebar.selected_path() == new
    assert tree(sidebar).isExpanded(sidebar.model.index_for_path(Path("payments")))


def test_new_folder_goes_into_the_root_without_selection_and_cancel_does_nothing(
    qtbot: Any, sidebar: CollectionSidebar, root: Path, prompts: Prompts
) -> None:
    prompts.texts = [None, "Archive"]
    before = sorted(p.name for p in root.iterdir())

    qtbot.mouseClick(button(sidebar, "newFolderButton"), Qt.MouseButton.LeftButton)
    assert sorted(p.name for p in root.iterdir()) == before

    qtbot.mouseClick(button(sidebar, "newFolderButton"), Qt.MouseButton.LeftButton)
    assert (root / "archive").is_dir()
    assert Path("archive") in shown_paths(sidebar)
    assert sidebar.selected_folder() == Path("archive")
    assert prompts.errors == []


# --- renaming, duplicating, deleting ---------------------------------------------------------


def test_rename_request_renames_the_file_and_tells_open_tabs(
    sidebar: CollectionSidebar, root: Path, prompts: Prompts
) -> None:
    renamed = moves(sidebar)
    prompts.texts = ["Fetch time"]

    new = sidebar.rename_item(TIME)

    assert new == Path("fetch-time.request.yaml")
    assert not (root / TIME).exists() and (root / new).is_file()
    assert prompts.asked[-1][2] == "Get time"
    assert renamed == [(TIME, new)]
    assert sidebar.selected_path() == new


def test_rename_folder_follows_its_requests_and_keeps_it_expanded(
    sidebar: CollectionSidebar, prompts: Prompts
) -> None:
    tree(sidebar).setExpanded(sidebar.model.index_for_path(Path("payments")), True)
    renamed = moves(sidebar)
    prompts.texts = ["Transfers"]

    new = sidebar.rename_item(Path("payments"))

    assert new == Path("transfers")
    assert renamed == [(LIST, Path("transfers/list-payments.request.yaml"))]
    assert tree(sidebar).isExpanded(sidebar.model.index_for_path(new))


def test_rename_cancelled_or_unchanged_does_nothing(
    sidebar: CollectionSidebar, root: Path, prompts: Prompts
) -> None:
    renamed = moves(sidebar)
    prompts.texts = [None, "Get time"]

    assert sidebar.rename_item(TIME) is None
    assert sidebar.rename_item(TIME) is None
    assert renamed == [] and (root / TIME).is_file()


def test_duplicate_copies_beside_and_selects_the_copy(
    sidebar: CollectionSidebar, root: Path
) -> None:
    new = sidebar.duplicate_item(LIST)

    assert new == Path("payments/copy-of-list-payments.request.yaml")
    assert (root / new).is_file()
    assert sidebar.selected_path() == new


def test_delete_asks_and_respects_no(
    sidebar: CollectionSidebar, root: Path, prompts: Prompts
) -> None:
    deleted = deletions(sidebar)
    prompts.confirms = [False]

    assert sidebar.delete_item(TIME) is False

    assert "Get time" in prompts.questions[0]
    assert (root / TIME).is_file()
    assert TIME in shown_paths(sidebar)
    assert deleted == []


def test_delete_folder_after_yes_deletes_everything_in_it(
    sidebar: CollectionSidebar, root: Path, prompts: Prompts
) -> None:
    deleted = deletions(sidebar)
    prompts.confirms = [True]

    assert sidebar.delete_item(Path("payments")) is True

    assert "1 request" in prompts.questions[0]
    assert not (root / "payments").exists()
    assert shown_paths(sidebar) == {TIME}
    assert deleted == [LIST]


def test_delete_key_asks_too(
    qtbot: Any, sidebar: CollectionSidebar, root: Path, prompts: Prompts
) -> None:
    select(sidebar, TIME)
    prompts.confirms = [False]

    qtbot.keyClick(tree(sidebar), Qt.Key.Key_Delete)

    assert len(prompts.questions) == 1 and (root / TIME).is_file()


def test_context_menus_offer_what_fits_the_row(
    sidebar: CollectionSidebar, root: Path, prompts: Prompts
) -> None:
    write(root, "bad.request.yaml", "name: [\n")
    sidebar.collections.reload()

    on_request = sidebar.context_menu(TIME)
    texts = [a.text() for a in on_request.actions() if not a.isSeparator()]
    assert texts == [
        "Open",
        "New request here",
        "New folder here",
        "Rename…",
        "Duplicate",
        "Delete…",
        "Export as Postman v2.1…",
    ]
    on_broken = sidebar.context_menu(Path("bad.request.yaml"))
    assert not action(on_broken, "Open").isEnabled()
    assert "Export as Postman v2.1…" not in [a.text() for a in on_broken.actions()]
    assert not action(on_broken, "Duplicate").isEnabled()
    on_root = sidebar.context_menu(None)
    assert [a.text() for a in on_root.actions() if not a.isSeparator()] == [
        "New request",
        "New folder",
        "Rename collection…",
        "Collection settings…",
        "Export as Postman v2.1…",
    ]
    emitted: list[Path] = []
    sidebar.settings_requested.connect(emitted.append)
    action(on_root, "Collection settings…").trigger()
    assert emitted == [Path(".")]

    prompts.texts = ["Refunds"]
    action(sidebar.context_menu(LIST), "New folder here").trigger()
    assert (root / "payments/refunds").is_dir()

    prompts.confirms = [False]
    action(sidebar.context_menu(TIME), "Delete…").trigger()
    assert prompts.questions and (root / TIME).is_file()


# --- moving ----------------------------------------------------------------------------------


def test_drop_moves_the_file_through_the_store(
    qtbot: Any, sidebar: CollectionSidebar, root: Path
) -> None:
    renamed = moves(sidebar)
    model = sidebar.model
    data = model.mimeData([model.index_for_path(TIME)])

    model.dropMimeData(
        data, Qt.DropAction.MoveAction, -1, 0, model.index_for_path(Path("payments"))
    )

    moved = Path("payments/get-time.request.yaml")
    qtbot.waitUntil(lambda: (root / moved).is_file(), timeout=2000)
    assert not (root / TIME).exists()
    assert renamed == [(TIME, moved)]
    assert sidebar.selected_path() == moved


def test_move_requested_signal_moves_a_folder_to_the_root(
    qtbot: Any, sidebar: CollectionSidebar, root: Path, prompts: Prompts
) -> None:
    prompts.texts = ["Refunds"]
    sidebar.new_folder(Path("payments"))

    sidebar.model.move_requested.emit(Path("payments/refunds"), Path("."))

    qtbot.waitUntil(lambda: (root / "refunds").is_dir(), timeout=2000)
    assert Path("refunds") in shown_paths(sidebar)


# --- outside changes -------------------------------------------------------------------------


def test_files_added_and_removed_outside_appear_without_restarting(
    qtbot: Any, sidebar: CollectionSidebar, root: Path
) -> None:
    tree(sidebar).setExpanded(sidebar.model.index_for_path(Path("payments")), True)
    select(sidebar, LIST)

    write(root, "payments/x.request.yaml", "name: From git\nmethod: POST\n")
    (root / TIME).unlink()

    added = Path("payments/x.request.yaml")
    qtbot.waitUntil(
        lambda: added in shown_paths(sidebar) and TIME not in shown_paths(sidebar), timeout=3000
    )
    assert tree(sidebar).isExpanded(sidebar.model.index_for_path(Path("payments")))
    assert sidebar.selected_path() == LIST


def test_new_folders_are_watched_and_edits_in_place_are_seen(
    qtbot: Any, sidebar: CollectionSidebar, root: Path
) -> None:
    write(root, "reports/daily.request.yaml", "name: Daily\n")
    qtbot.waitUntil(
        lambda: Path("reports/daily.request.yaml") in shown_paths(sidebar), timeout=3000
    )

    write(root, "reports/weekly.request.yaml", "name: Weekly\n")
    qtbot.waitUntil(
        lambda: Path("reports/weekly.request.yaml") in shown_paths(sidebar), timeout=3000
    )

    with (root / TIME).open("w", encoding="utf-8") as file:  # in place, same inode
        file.write("name: Server time\n")

    def renamed_in_tree() -> bool:
        loaded = sidebar.collections.loaded
        node = loaded.find(TIME) if loaded is not None else None
        return node is not None and node.name == "Server time"

    qtbot.waitUntil(renamed_in_tree, timeout=3000)


# --- opening ---------------------------------------------------------------------------------


def test_enter_on_a_request_opens_it_and_on_a_folder_does_not(
    qtbot: Any, sidebar: CollectionSidebar
) -> None:
    opened = recorder(sidebar.request_opened)
    view = tree(sidebar)

    select(sidebar, Path("payments"))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert opened == []

    select(sidebar, TIME)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert len(opened) == 1
    assert opened[0][0] == TIME
    assert opened[0][1] == SavedRequest("Get time", url="/time")


def test_recent_menu_and_open_button_ask_to_open_a_collection(
    qtbot: Any, sidebar: CollectionSidebar, tmp_path: Path, prompts: Prompts
) -> None:
    requested = recorder(sidebar.open_collection_requested)
    other = tmp_path / "R&D api"
    sidebar.set_recent([other, tmp_path / "demo"])
    menu = button(sidebar, "openCollectionButton").menu()
    assert menu is not None

    recent = [a for a in menu.actions() if a.toolTip() == str(other)]
    recent[0].trigger()
    assert requested == [(other,)]

    prompts.folders = [None, tmp_path / "chosen"]
    qtbot.mouseClick(button(sidebar, "openCollectionButton"), Qt.MouseButton.LeftButton)
    action(menu, "Open folder…").trigger()
    assert requested == [(other,), (tmp_path / "chosen",)]


def test_empty_recent_menu_says_so(sidebar: CollectionSidebar) -> None:
    sidebar.set_recent([])
    menu = button(sidebar, "openCollectionButton").menu()
    assert menu is not None

    assert not action(menu, "No recent collections").isEnabled()


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "expected"),
    [
        (lambda s, p: s.rename_item(TIME), "can't be empty"),
        (lambda s, p: s.new_request(Path(".")), "Give the request a name"),
        (lambda s, p: s.duplicate_item(Path("bad.request.yaml")), "could not be read"),
        (lambda s, p: s.move_item(Path("payments"), Path("payments")), "into itself"),
    ],
)
def test_refused_operations_are_shown_and_change_nothing(
    sidebar: CollectionSidebar,
    root: Path,
    prompts: Prompts,
    operation: Callable[[CollectionSidebar, Prompts], object],
    expected: str,
) -> None:
    write(root, "bad.request.yaml", "name: [\n")
    sidebar.collections.reload()
    prompts.texts = ["   "]
    before = sorted(p.relative_to(root) for p in root.rglob("*"))

    assert operation(sidebar, prompts) is None

    assert len(prompts.errors) == 1 and expected in prompts.errors[0]
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_renaming_a_file_deleted_outside_says_so_and_reloads(
    sidebar: CollectionSidebar, root: Path, prompts: Prompts
) -> None:
    (root / TIME).unlink()
    prompts.texts = ["Fetch time"]

    assert sidebar.rename_item(TIME) is None

    assert "no longer exists" in prompts.errors[0]
    assert TIME not in shown_paths(sidebar)


def test_show_error_warns_and_emits(
    qtbot: Any, sidebar: CollectionSidebar, prompts: Prompts
) -> None:
    with qtbot.waitSignal(sidebar.error_shown) as shown:
        sidebar.duplicate_item(Path("missing.request.yaml"))

    assert "no longer exists" in shown.args[0]
    assert prompts.errors == shown.args

"""The collection tree: a correct read-only adapter whose drops ask for a move, never do one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon

from app.core.collection import LoadedCollection, NodeKind, SavedRequest
from app.storage.collection_store import (
    CollectionStore,
    create_collection,
)
from app.ui.collection_tree_model import (
    KIND_ROLE,
    PATH_ROLE,
    PATHS_MIME_TYPE,
    CollectionTreeModel,
)
from app.ui.status_style import error_text_color


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def loaded(tmp_path: Path) -> LoadedCollection:
    """payments/ (List payments, refunds/ (Refund)), broken.request.yaml, Get time."""
    root = tmp_path / "demo"
    store: CollectionStore = create_collection(root, "Demo API")
    store.new_folder(Path("."), "Payments")
    store.new_folder(Path("payments"), "Refunds")
    store.new_request(
        Path("payments"), SavedRequest("List payments", method="GET", url="/payments")
    )
    store.new_request(
        Path("payments/refunds"), SavedRequest("Refund", method="POST", url="/refunds")
    )
    store.new_request(Path("."), SavedRequest("Get time", url="{{base}}/time"))
    write(root, "broken.request.yaml", "name: Broken\nheaders: [\n")
    return store.load()


@pytest.fixture
def model(qapp: Any, loaded: LoadedCollection) -> CollectionTreeModel:
    model = CollectionTreeModel()
    model.set_collection(loaded)
    return model


def rows(model: CollectionTreeModel, parent: QModelIndex | None = None) -> list[str]:
    parent = parent if parent is not None else QModelIndex()
    return [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]


def paths_mime(*paths: str) -> QMimeData:
    data = QMimeData()
    data.setData(PATHS_MIME_TYPE, "\n".join(paths).encode())
    return data


def test_empty_model_is_a_correct_item_model(qapp: Any, qtmodeltester: Any) -> None:
    model = CollectionTreeModel()

    qtmodeltester.check(model, force_py=True)

    assert model.rowCount() == 0
    assert model.index_for_path(Path("anything")) == QModelIndex()


def test_loaded_collection_is_a_correct_item_model(
    qtmodeltester: Any, model: CollectionTreeModel
) -> None:
    qtmodeltester.check(model, force_py=True)


def test_model_stays_correct_through_resets(
    qapp: Any, qtmodeltester: Any, loaded: LoadedCollection
) -> None:
    model = CollectionTreeModel()
    qtmodeltester.check(model, force_py=True)

    model.set_collection(loaded)
    model.set_collection(None)
    model.set_collection(loaded)

    assert rows(model) == ["Payments", "broken.request.yaml", "GET  Get time"]


def test_tree_shows_folders_then_requests_with_their_method(model: CollectionTreeModel) -> None:
    payments = model.index_for_path(Path("payments"))

    assert rows(model) == ["Payments", "broken.request.yaml", "GET  Get time"]
    assert rows(model, payments) == ["Refunds", "GET  List payments"]
    assert rows(model, model.index_for_path(Path("payments/refunds"))) == ["POST  Refund"]


def test_roles_give_path_kind_icon_and_tooltip(model: CollectionTreeModel) -> None:
    request = model.index_for_path(Path("payments/list-payments.request.yaml"))
    folder = model.index_for_path(Path("payments"))

    assert request.data(PATH_ROLE) == Path("payments/list-payments.request.yaml")
    assert request.data(KIND_ROLE) is NodeKind.REQUEST
    assert request.data(Qt.ItemDataRole.ToolTipRole) == "GET /payments"
    assert request.data(Qt.ItemDataRole.ForegroundRole) is None
    assert folder.data(KIND_ROLE) is NodeKind.FOLDER
    assert folder.data(PATH_ROLE) == Path("payments")
    for index in (request, folder):
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        assert isinstance(icon, QIcon) and not icon.isNull()
    assert model.node(request) is not None
    assert model.node(QModelIndex()) is None


def test_broken_file_shows_its_problem_in_error_colour(model: CollectionTreeModel) -> None:
    broken = model.index_for_path(Path("broken.request.yaml"))

    assert broken.data(KIND_ROLE) is NodeKind.BROKEN
    tooltip = broken.data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("broken.request.yaml, line 3: ")
    colour = broken.data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(colour, QColor)
    assert colour == error_text_color(QGuiApplication.palette())
    warning = broken.data(Qt.ItemDataRole.DecorationRole)
    request_icon = model.index_for_path(Path("get-time.request.yaml")).data(
        Qt.ItemDataRole.DecorationRole
    )
    assert warning.cacheKey() != request_icon.cacheKey()


def test_index_for_path_finds_nested_rows_and_nothing_else(model: CollectionTreeModel) -> None:
    refund = model.index_for_path(Path("payments/refunds/refund.request.yaml"))

    assert refund.isValid() and refund.data() == "POST  Refund"
    assert refund.parent() == model.index_for_path(Path("payments/refunds"))
    assert model.index_for_path(Path(".")) == QModelIndex()
    assert model.index_for_path(Path("payments/missing.request.yaml")) == QModelIndex()


def test_flags_let_requests_and_folders_be_dragged_and_folders_take_drops(
    model: CollectionTreeModel,
) -> None:
    request = model.index_for_path(Path("get-time.request.yaml"))
    folder = model.index_for_path(Path("payments"))
    broken = model.index_for_path(Path("broken.request.yaml"))

    for index in (request, folder, broken):
        assert model.flags(index) & Qt.ItemFlag.ItemIsDragEnabled
        assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(folder) & Qt.ItemFlag.ItemIsDropEnabled
    assert model.flags(QModelIndex()) & Qt.ItemFlag.ItemIsDropEnabled
    assert not model.flags(request) & Qt.ItemFlag.ItemIsDropEnabled
    assert model.supportedDropActions() == Qt.DropAction.MoveAction
    assert model.mimeTypes() == [PATHS_MIME_TYPE]


def test_mime_data_carries_the_outermost_paths(model: CollectionTreeModel) -> None:
    folder = model.index_for_path(Path("payments"))
    inside = model.index_for_path(Path("payments/list-payments.request.yaml"))
    other = model.index_for_path(Path("get-time.request.yaml"))

    data = model.mimeData([inside, folder, other])

    assert bytes(data.data(PATHS_MIME_TYPE).data()).decode() == ("get-time.request.yaml\npayments")


def test_drop_on_a_folder_asks_for_a_move_and_changes_nothing(
    qtbot: Any, model: CollectionTreeModel
) -> None:
    target = model.index_for_path(Path("payments/refunds"))
    source = model.index_for_path(Path("get-time.request.yaml"))
    data = model.mimeData([source])
    before = rows(model)

    assert model.canDropMimeData(data, Qt.DropAction.MoveAction, -1, 0, target)
    with qtbot.waitSignal(model.move_requested) as moved:
        accepted = model.dropMimeData(data, Qt.DropAction.MoveAction, -1, 0, target)

    assert accepted is False
    assert moved.args == [Path("get-time.request.yaml"), Path("payments/refunds")]
    assert rows(model) == before


def test_drop_on_the_empty_space_moves_to_the_root(qtbot: Any, model: CollectionTreeModel) -> None:
    data = paths_mime("payments/refunds")

    with qtbot.waitSignal(model.move_requested) as moved:
        model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, QModelIndex())

    assert moved.args == [Path("payments/refunds"), Path(".")]


@pytest.mark.parametrize(
    ("sources", "target"),
    [
        (["payments"], "payments"),  # onto itself
        (["payments"], "payments/refunds"),  # into its own sub-folder
        (["payments/refunds"], "payments"),  # already there
        (["get-time.request.yaml"], "get-time.request.yaml"),  # not a folder
        (["../outside"], "payments"),  # not a path of the collection
        (["/etc/passwd"], "payments"),
    ],
)
def test_drops_that_would_do_nothing_or_harm_are_refused(
    model: CollectionTreeModel, sources: list[str], target: str
) -> None:
    data = paths_mime(*sources)
    parent = model.index_for_path(Path(target))
    emitted: list[object] = []
    model.move_requested.connect(lambda *args: emitted.append(args))

    assert not model.canDropMimeData(data, Qt.DropAction.MoveAction, -1, 0, parent)
    assert not model.dropMimeData(data, Qt.DropAction.MoveAction, -1, 0, parent)
    assert emitted == []


def test_other_mime_types_and_copies_are_refused(model: CollectionTreeModel) -> None:
    folder = model.index_for_path(Path("payments"))
    text = QMimeData()
    text.setText("get-time.request.yaml")

    assert not model.canDropMimeData(text, Qt.DropAction.MoveAction, -1, 0, folder)
    assert not model.canDropMimeData(
        paths_mime("get-time.request.yaml"), Qt.DropAction.CopyAction, -1, 0, folder
    )

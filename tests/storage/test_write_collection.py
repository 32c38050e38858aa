"""Writing a whole collection tree at once (what importers produce) as a new folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.collection import (
    CollectionNode,
    Defaults,
    Environment,
    LoadedCollection,
    NodeKind,
    SavedRequest,
    Variable,
)
from app.core.request import KeyValue
from app.storage.collection_store import CollectionWriteError, load_collection, write_collection


def _tree(request_path: str = "payments/list.request.yaml") -> LoadedCollection:
    request = SavedRequest("List payments", url="/payments", params=(KeyValue("limit", "5"),))
    folder = CollectionNode(
        NodeKind.FOLDER,
        Path("payments"),
        "Payments & refunds",
        defaults=Defaults(headers=(KeyValue("X-Team", "pay"),)),
        children=(CollectionNode(NodeKind.REQUEST, Path(request_path), request.name, request),),
    )
    root = CollectionNode(
        NodeKind.COLLECTION, Path("."), "Imported", defaults=Defaults(), children=(folder,)
    )
    env = Environment("sandbox", (Variable("token", "s3cr3t-value", secret=True),))
    return LoadedCollection(Path("."), "Imported", "1234", root, (), (env,))


def test_a_written_tree_loads_back_the_same(tmp_path: Path) -> None:
    target = write_collection(tmp_path / "imported", _tree())
    loaded = load_collection(target)
    assert loaded.problems == ()
    assert loaded.name == "Imported" and loaded.collection_id == "1234"
    folder = loaded.find(Path("payments"))
    assert folder is not None and folder.name == "Payments & refunds"
    assert folder.defaults == Defaults(headers=(KeyValue("X-Team", "pay"),))
    node = loaded.find(Path("payments/list.request.yaml"))
    assert node is not None and node.request == _tree().tree.children[0].children[0].request
    assert [e.name for e in loaded.environments] == ["sandbox"]
    # A secret's value never reaches a file.
    written = b"".join(p.read_bytes() for p in target.rglob("*") if p.is_file())
    assert b"s3cr3t-value" not in written


@pytest.mark.parametrize(
    "path",
    [
        "../escape.request.yaml",
        "/tmp/abs.request.yaml",
        ".git/x.request.yaml",
        "payments/list.yaml",
    ],
)
def test_paths_out_of_the_collection_are_refused_and_nothing_is_written(
    tmp_path: Path, path: str
) -> None:
    with pytest.raises(CollectionWriteError):
        write_collection(tmp_path / "imported", _tree(path))
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_an_existing_folder_is_never_touched(tmp_path: Path) -> None:
    target = tmp_path / "imported"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    with pytest.raises(CollectionWriteError, match="already exists"):
        write_collection(target, _tree())
    assert (target / "keep.txt").read_text() == "mine"

"""Collections and requests leaving the app: a collection, folder or request as an
``ImportedFolder`` tree for the format writers of ``app.formats`` (Postman v2.1 now), with
what a folder inherits from the folders above it and the collection.
"""

from __future__ import annotations

from pathlib import Path

from app.core.collection import (
    CollectionNode,
    Defaults,
    LoadedCollection,
    NodeKind,
    SavedRequest,
)
from app.formats import FormatError, ImportedFolder
from app.formats.postman_export import to_postman

__all__ = ["export_postman", "folder_tree"]


def _as_folder(node: CollectionNode) -> ImportedFolder:
    items: list[ImportedFolder | SavedRequest] = []
    for child in node.children:
        if child.kind is NodeKind.FOLDER:
            items.append(_as_folder(child))
        elif child.request is not None:
            items.append(child.request)
    return ImportedFolder(
        node.name,
        tuple(items),
        defaults=node.defaults or Defaults(),
    )


def folder_tree(
    loaded: LoadedCollection, item: Path | None = None
) -> tuple[ImportedFolder, list[Defaults]]:
    """The collection (or the folder or request at ``item``) as a tree, and what it inherits
    from the folders above it and the collection, nearest first. Raises ``FormatError``
    when there is no such item."""
    if item is None or item == Path("."):
        return _as_folder(loaded.tree), []
    node = loaded.find(item)
    if node is None:
        raise FormatError(f'"{item.as_posix()}" is not a folder or request of the collection.')
    inherited: list[Defaults] = []
    parent = item.parent
    while True:
        above = loaded.find(parent)
        if above is not None and above.defaults is not None:
            inherited.append(above.defaults)
        if parent == Path("."):
            break
        parent = parent.parent
    if node.kind is NodeKind.REQUEST and node.request is not None:
        return ImportedFolder(node.name, (node.request,)), inherited
    return _as_folder(node), inherited


def export_postman(loaded: LoadedCollection, item: Path | None = None) -> str:
    """Postman collection v2.1 JSON of the collection, or of one folder or request with what
    it inherits written in; secret variables as names only."""
    tree, inherited = folder_tree(loaded, item)
    name = loaded.name if item is None else f"{loaded.name} - {tree.name}"
    return to_postman(tree, name, loaded.environments, inherited)

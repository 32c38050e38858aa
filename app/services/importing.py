"""Bringing an imported collection onto disk: an ``Imported`` (``app.formats``) becomes a new
collection folder, its secret values go to the secret store, never into a file.

``write_imported`` is all or nothing: the folder is assembled under a hidden name and renamed
into place (``app.storage.collection_store.write_collection``), and secrets are stored only
once it is there. The target must not exist, or be an empty folder. Names become file names
with ``slugify``; two items of one folder that slugify alike get ``-2``, ``-3``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from app.core.collection import (
    CollectionNode,
    Defaults,
    LoadedCollection,
    NodeKind,
    SavedRequest,
)
from app.formats import Imported, ImportedFolder, ReportLine
from app.storage.collection_store import (
    REQUEST_SUFFIX,
    CollectionWriteError,
    slugify,
    write_collection,
)
from app.storage.secrets import SecretStore, SecretStoreError

__all__ = ["ImportWritten", "to_collection", "write_imported"]


@dataclass(frozen=True, slots=True)
class ImportWritten:
    """What ``write_imported`` did: the folder, the collection's id, how many requests and
    folders it holds, the secrets stored, and the report (the importer's and its own)."""

    folder: Path
    collection_id: str
    requests: int
    folders: int
    secrets_stored: tuple[str, ...]
    report: tuple[ReportLine, ...]


def _unique(stem: str, taken: set[str]) -> str:
    name, number = stem, 2
    while name.casefold() in taken:
        name = f"{stem}-{number}"
        number += 1
    taken.add(name.casefold())
    return name


def to_collection(
    imported: Imported, root: Path, name: str | None = None, collection_id: str = ""
) -> tuple[LoadedCollection, tuple[ReportLine, ...]]:
    """``imported`` as a collection tree to write at ``root`` (named ``name``, else as the
    import says), and report lines for what the tree cannot hold (folder descriptions)."""
    notes: list[ReportLine] = []

    def folder_node(folder: ImportedFolder, rel: Path, where: str) -> CollectionNode:
        taken: set[str] = set()
        children: list[CollectionNode] = []
        for item in folder.items:
            if isinstance(item, ImportedFolder):
                inner = f"{where} / {item.name}" if where else item.name
                child = rel / _unique(slugify(item.name, "folder"), taken)
                if item.description.strip():
                    notes.append(
                        ReportLine(
                            inner, "The folder's description was not kept: folders have none here."
                        )
                    )
                children.append(folder_node(item, child, inner))
            else:
                stem = _unique(slugify(item.name, "request"), taken)
                path = rel / f"{stem}{REQUEST_SUFFIX}"
                children.append(CollectionNode(NodeKind.REQUEST, path, item.name, request=item))
        return CollectionNode(
            NodeKind.FOLDER,
            rel,
            folder.name if rel != Path(".") else (name or folder.name),
            defaults=folder.defaults if folder.defaults != Defaults() else None,
            children=tuple(children),
        )

    tree = folder_node(imported.root, Path("."), "")
    if imported.root.description.strip():
        notes.append(ReportLine("(collection)", "The collection's description was not kept."))
    title = (name or imported.root.name).strip() or "Imported collection"
    loaded = LoadedCollection(
        root=root,
        name=title,
        collection_id=collection_id or str(uuid.uuid4()),
        tree=replace(tree, defaults=imported.root.defaults),
        problems=(),
        environments=imported.environments,
    )
    return loaded, tuple(notes)


def _count(folder: ImportedFolder) -> tuple[int, int]:
    requests = folders = 0
    for item in folder.items:
        if isinstance(item, ImportedFolder):
            inner_requests, inner_folders = _count(item)
            requests += inner_requests
            folders += inner_folders + 1
        elif isinstance(item, SavedRequest):
            requests += 1
    return requests, folders


def write_imported(
    imported: Imported,
    target: Path,
    *,
    name: str | None = None,
    secret_store: Callable[[], SecretStore] | None = None,
) -> ImportWritten:
    """Write ``imported`` as the new collection folder ``target`` (missing or empty) and
    its secrets to the store. Raises ``CollectionWriteError`` with a sentence; nothing is
    left behind then."""
    target = Path(target)
    emptied = False
    if target.is_dir() and not target.is_symlink():
        if any(os.scandir(target)):
            raise CollectionWriteError(f"{target} is not empty; import into a new or empty folder.")
        target.rmdir()  # write_collection places the folder whole, by a rename
        emptied = True
    elif os.path.lexists(target):
        raise CollectionWriteError(f"{target} already exists and is not a folder.")
    collection, notes = to_collection(imported, target, name)
    try:
        write_collection(target, collection)
    except CollectionWriteError:
        if emptied:
            target.mkdir(exist_ok=True)  # as the user left it
        raise
    stored: list[str] = []
    report = list(imported.report) + list(notes)
    if imported.secrets:
        store: SecretStore | None = None
        try:
            store = secret_store() if secret_store is not None else None
            for (environment, variable), value in imported.secrets.items():
                if store is None:
                    break
                store.set(collection.collection_id, environment, variable, value)
                stored.append(f"{environment}: {variable}")
        except SecretStoreError as exc:
            report.append(
                ReportLine(
                    "(secrets)",
                    f"Secret values were not stored ({exc}); set them in Environment > Edit….",
                )
            )
        if store is None:
            report.append(
                ReportLine(
                    "(secrets)",
                    f"{len(imported.secrets)} secret values were found but not stored (no "
                    "secret store): set them in Environment > Edit….",
                )
            )
    requests, folders = _count(imported.root)
    return ImportWritten(
        target, collection.collection_id, requests, folders, tuple(stored), tuple(report)
    )

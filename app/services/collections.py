"""The open collection, without Qt: which folder, what was last loaded, every change to it.

``CollectionService`` owns the ``CollectionStore`` of the open folder and the
``LoadedCollection`` read from it. Widgets never touch the store: they call an operation here,
which raises ``CollectionWriteError`` (a sentence for the user) when the store refuses, and
they observe plain events:

- ``CollectionLoaded(loaded)`` after every (re)load, ``loaded`` is ``None`` once closed;
- ``RequestMoved(old, new)`` for each request file a rename or move gave a new path, and
  ``RequestDeleted(path)`` for each one deleted, both before the reload that shows it.

The workspace (what requests resolve in) is updated before listeners hear of a load, so a
listener that asks the workspace sees the new collection. Which paths a file watcher should
watch is answered here too (``watched_paths``); the watcher itself is the Qt adapter's.

Reading a folder may take a while (big request files), so the window opens and reloads in one
worker thread (``open_in_background``, ``reload_in_background``) and drops a load that was
overtaken: by a later open or a close for an open, by any newer load for a reload.
``open`` and ``reload`` read at once, for callers that need the result now (start-up, after
an operation, tests).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from app.core.collection import (
    CollectionNode,
    Defaults,
    Environment,
    LoadedCollection,
    NodeKind,
    SavedRequest,
)
from app.services.workspace import Workspace
from app.storage.collection_store import (
    COLLECTION_FILE,
    ENVIRONMENTS_DIR,
    FOLDER_FILE,
    REQUEST_SUFFIX,
    CollectionStore,
    CollectionWriteError,
    create_collection,
)

__all__ = [
    "ROOT",
    "CollectionEvent",
    "CollectionLoaded",
    "CollectionService",
    "CollectionWriteError",
    "RequestDeleted",
    "RequestMoved",
    "editable_name",
    "request_files",
    "walk",
]

ROOT = Path(".")
"""The collection itself, as a path relative to its folder."""

_FILES = (NodeKind.REQUEST, NodeKind.BROKEN)


@dataclass(frozen=True, slots=True)
class CollectionLoaded:
    loaded: LoadedCollection | None


@dataclass(frozen=True, slots=True)
class RequestMoved:
    old: Path
    new: Path


@dataclass(frozen=True, slots=True)
class RequestDeleted:
    path: Path


CollectionEvent = CollectionLoaded | RequestMoved | RequestDeleted


class CollectionService:
    """The collection folder open in the app (at most one), and every change to it."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._store: CollectionStore | None = None
        self._loaded: LoadedCollection | None = None
        self._listeners: list[Callable[[CollectionEvent], None]] = []
        self._generation = 0  # counts loads started: a background one overtaken is dropped
        self._opening = 0  # counts opens and closes: a background open overtaken is dropped
        # One thread: opens and loads after outside changes happen one at a time, in order.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="collection")

    def subscribe(self, listener: Callable[[CollectionEvent], None]) -> None:
        self._listeners.append(listener)

    def _emit(self, event: CollectionEvent) -> None:
        for listener in list(self._listeners):
            listener(event)

    # --- the open folder ---------------------------------------------------------------------
    @property
    def root(self) -> Path | None:
        return self._store.root if self._store is not None else None

    @property
    def loaded(self) -> LoadedCollection | None:
        """The collection as last loaded, or ``None``."""
        return self._loaded

    def open(self, root: Path) -> None:
        """Open the collection folder ``root`` now; ``CollectionWriteError`` with a sentence
        when it is not one or cannot be read (the collection open before stays open)."""
        _check_folder(root)
        self._opening += 1
        store = CollectionStore(root)
        self._switch(store, _read(store))

    async def open_in_background(self, root: Path) -> LoadedCollection | None:
        """Open the collection folder ``root``, reading it in the worker thread so that a big
        collection never holds up the window. Until it is read, the collection open before
        stays open and usable. Returns what was loaded, or ``None`` when a later open or a
        close overtook it (then neither its result nor its failure counts);
        ``CollectionWriteError`` with a sentence when ``root`` is not a folder or cannot be
        read."""
        _check_folder(root)
        self._opening += 1
        opening = self._opening
        store = CollectionStore(root)
        loop = asyncio.get_running_loop()
        try:
            loaded = await loop.run_in_executor(self._executor, functools.partial(_read, store))
        except CollectionWriteError:
            if opening != self._opening:
                return None  # the user has moved on: this folder is no longer asked for
            raise
        if opening != self._opening:
            return None
        return self._switch(store, loaded)

    def _switch(self, store: CollectionStore, loaded: LoadedCollection) -> LoadedCollection:
        self._store = store
        self._generation += 1  # a background reload of the folder open before is dropped
        self._show(loaded)
        return loaded

    def create(self, root: Path, name: str) -> None:
        """Make ``root`` a new, empty collection named ``name`` and open it;
        ``CollectionWriteError`` when it already holds one or cannot be written."""
        create_collection(root, name)
        self.open(root)

    def close(self) -> None:
        self._opening += 1
        self._store = None
        self.reload()

    def reload(self) -> LoadedCollection | None:
        """Read the folder again now (after an operation: the user waits for its result)."""
        self._generation += 1
        return self._show(self._store.load() if self._store is not None else None)

    async def reload_in_background(self) -> None:
        """Read the folder again in a worker thread (after an outside change: git or an
        editor), so a big file never holds up the window. A load overtaken by another one
        (an operation meanwhile) is dropped."""
        store = self._store
        if store is None:
            return
        self._generation += 1
        generation = self._generation
        loop = asyncio.get_running_loop()
        loaded = await loop.run_in_executor(self._executor, store.load)
        if generation == self._generation and store is self._store:
            self._show(loaded)

    def _show(self, loaded: LoadedCollection | None) -> LoadedCollection | None:
        self._loaded = loaded
        self.workspace.set_collection(loaded)
        self._emit(CollectionLoaded(loaded))
        return loaded

    def shut_down(self) -> None:
        """The window is closing: a background open or load still running is dropped, and
        nobody hears of anything any more."""
        self._generation += 1
        self._opening += 1
        self._listeners.clear()
        self._executor.shutdown(wait=False)

    def find(self, path: Path) -> CollectionNode | None:
        return self._loaded.find(path) if self._loaded is not None else None

    def watched_paths(self) -> set[Path]:
        """Every folder and file a watcher should watch: folders report files added, removed
        or renamed; files report edits made in place."""
        loaded = self._loaded
        if loaded is None:
            return set()
        root = loaded.root.absolute()
        wanted = {root / ENVIRONMENTS_DIR, root / COLLECTION_FILE}
        wanted |= {root / rel for rel in loaded.environment_files}
        for node in walk(loaded.tree):
            wanted.add(root / node.path)
            if node.kind is NodeKind.FOLDER:
                wanted.add(root / node.path / FOLDER_FILE)
        # A watcher follows links; the collection never does (see ``load_collection``).
        return {path for path in wanted if not path.is_symlink()}

    # --- changes (each raises CollectionWriteError with a sentence when refused) ------------
    def _require(self) -> CollectionStore:
        if self._store is None:
            raise CollectionWriteError(
                "Open a collection folder first (Open… in the Collection panel)."
            )
        return self._store

    def new_request(self, folder: Path, request: SavedRequest) -> Path:
        return self._require().new_request(folder, request)

    def new_folder(self, parent: Path, name: str) -> Path:
        return self._require().new_folder(parent, name)

    def save_request(self, path: Path, request: SavedRequest) -> Path:
        return self._require().save_request(path, request)

    def save_defaults(self, folder: Path, defaults: Defaults) -> Path:
        return self._require().save_defaults(folder, defaults)

    def save_environment(self, environment: Environment) -> Path:
        return self._require().save_environment(environment)

    def duplicate(self, path: Path) -> Path:
        return self._require().duplicate(path)

    def rename(self, path: Path, name: str) -> Path:
        """Rename a request, a folder or (``ROOT``) the collection; open tabs follow."""
        node = self.find(path)
        new = self._require().rename(path, name)
        self._moved(node, new)
        return new

    def move(self, source: Path, target_folder: Path) -> Path:
        node = self.find(source)
        new = self._require().move(source, target_folder)
        self._moved(node, new)
        return new

    def delete(self, path: Path) -> None:
        node = self.find(path)
        self._require().delete(path)
        for gone in request_files(node) if node is not None else ():
            self._emit(RequestDeleted(gone))

    def _moved(self, node: CollectionNode | None, new: Path) -> None:
        if node is None or new == node.path:
            return
        for old in request_files(node):
            self._emit(RequestMoved(old, new / old.relative_to(node.path)))


def _check_folder(root: Path) -> None:
    if not Path(root).is_dir():
        raise CollectionWriteError(f"The collection in {root} could not be opened: not a folder.")


def _read(store: CollectionStore) -> LoadedCollection:
    """The folder as loaded; a failure to read it (not a bad file: those are problems of the
    collection) is a sentence."""
    try:
        return store.load()
    except OSError as exc:
        raise CollectionWriteError(
            f"The collection in {store.root} could not be opened: {exc}"
        ) from exc


def walk(node: CollectionNode) -> Iterator[CollectionNode]:
    yield node
    for child in node.children:
        yield from walk(child)


def request_files(node: CollectionNode) -> list[Path]:
    """The request files (loadable or not) at or under ``node``."""
    return [n.path for n in walk(node) if n.kind in _FILES]


def editable_name(node: CollectionNode) -> str:
    """The name a rename starts from (a broken file shows its file name, without suffix)."""
    return node.name.removesuffix(REQUEST_SUFFIX) if node.kind is NodeKind.BROKEN else node.name

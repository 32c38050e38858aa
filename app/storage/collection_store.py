"""Collections on disk, the folder: loading a collection folder and changing it file by file.

A collection is a folder; its sub-folders are folders of the collection::

    my-api/
      collection.yaml                 # name, id (uuid4 made at creation; keys secrets), defaults
      environments/                   # one YAML file per environment (sandbox.yaml ...)
      payments/                       # a folder of the collection
        folder.yaml                   # optional: the folder's defaults, and its display name
                                      # when that differs from the directory's name
        list-payments.request.yaml    # one request per file; the file name is a slug of its name
      get-server-time.request.yaml

Entries whose name starts with ``.`` and files not ending in ``.request.yaml`` are ignored,
except ``collection.yaml`` at the root and ``folder.yaml`` in folders; ``environments/`` at the
root is not a folder of the collection. The text of each file is ``app.storage.collection_files``.

``load_collection`` only reads: it never writes, and never raises for a bad file. A file that
fails to load becomes a ``BROKEN`` node (or, for ``collection.yaml``, ``folder.yaml`` and
environments, a problem on its node) and everything else still loads. A folder without
``collection.yaml`` opens as a collection named after the folder; the file, with a new id, is
written by the first change made through ``CollectionStore``.

``CollectionStore`` changes the folder one operation at a time. Every file is written atomically
(temporary file, then ``os.replace``); new and duplicated folders are assembled under a hidden
name and renamed into place. A file that failed to load is never overwritten: it may be renamed,
moved or deleted, which keeps its bytes.

Exceptions::

    Exception
     ├── CollectionFileError    (collection_files) a file could not be read; kept in
     │                          LoadedCollection.problems, never raised by load_collection
     └── CollectionWriteError   an operation was refused or failed; the message says what to do
"""

from __future__ import annotations

import os
import shutil
import tempfile
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from app.core.collection import (
    CollectionFileError,
    CollectionNode,
    Defaults,
    Environment,
    LoadedCollection,
    NodeKind,
    SavedRequest,
    Variable,
)
from app.storage.collection_files import (
    DefaultsFile,
    dump_defaults,
    dump_environment,
    dump_request,
    parse_defaults,
    parse_environment,
    parse_request,
)
from app.storage.fs import atomic_write

__all__ = [
    "COLLECTION_FILE",
    "ENVIRONMENTS_DIR",
    "FOLDER_FILE",
    "REQUEST_SUFFIX",
    "CollectionStore",
    "CollectionWriteError",
    "create_collection",
    "load_collection",
    "slugify",
    "write_collection",
]

COLLECTION_FILE = "collection.yaml"
FOLDER_FILE = "folder.yaml"
ENVIRONMENTS_DIR = "environments"
REQUEST_SUFFIX = ".request.yaml"
_ENVIRONMENT_SUFFIX = ".yaml"

_ROOT = Path(".")
_SLUG_LENGTH = 60
_FOLDS = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th"}
_WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"com{i}" for i in range(1, 10)]
    + [f"lpt{i}" for i in range(1, 10)]
)

_T = TypeVar("_T")


class CollectionWriteError(Exception):
    """A change to the collection folder was refused or failed; ``str()`` is for the user."""


# --- names -----------------------------------------------------------------------------------


def slugify(name: str, fallback: str = "untitled") -> str:
    """A file-name-safe form of ``name``: lower case, ASCII where a letter folds to ASCII,
    words joined by ``-``, never empty and never a name Windows reserves (``con``, ``lpt1``)."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", name).lower():
        folded = _FOLDS.get(ch)
        if folded is None:
            ascii_form = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            if ascii_form.isalnum():
                folded = ascii_form.lower()
            elif ch.isalnum():
                folded = ch  # a letter with no ASCII form (Cyrillic, Greek, CJK) stays
            else:
                folded = "-"
        out.append(folded)
    slug = "-".join(part for part in "".join(out).split("-") if part)
    slug = slug[:_SLUG_LENGTH].strip("-") or fallback
    return f"{slug}-1" if slug in _WINDOWS_RESERVED else slug


def _display(path: Path) -> str:
    return "the collection" if path == _ROOT else path.as_posix()


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _reserved(rel: Path) -> bool:
    """Whether ``rel`` lies where the loader never looks for requests and folders."""
    return rel.parts[:1] == (ENVIRONMENTS_DIR,) or any(p.startswith(".") for p in rel.parts)


def _clean_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise CollectionWriteError("A name can't be empty; type a name.")
    return cleaned


def _clear_secrets(variables: tuple[Variable, ...]) -> tuple[Variable, ...]:
    return tuple(replace(v, value="") if v.secret else v for v in variables)


# --- loading ---------------------------------------------------------------------------------


# A request, folder or environment file is a few KB; anything this big is not one, and
# parsing it would stall the window on every reload.
MAX_FILE_BYTES = 2 * 1024 * 1024


def _read_text(root: Path, rel: Path) -> str:
    try:
        size = (root / rel).stat().st_size
        if size > MAX_FILE_BYTES:
            raise CollectionFileError(
                rel.as_posix(),
                None,
                f"is {size / 1024 / 1024:.1f} MB, too large to be a collection file "
                f"(the limit is {MAX_FILE_BYTES // 1024 // 1024} MB)",
            )
        data = (root / rel).read_bytes()
    except OSError as exc:
        raise CollectionFileError(
            rel.as_posix(), None, f"could not be read ({_os_reason(exc)})"
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CollectionFileError(rel.as_posix(), line, "is not UTF-8 text") from None


def _read(root: Path, rel: Path, parse: Callable[[str, str], _T]) -> _T:
    return parse(_read_text(root, rel), rel.as_posix())


def _parse_collection(text: str, source: str) -> DefaultsFile:
    return parse_defaults(text, source, collection=True)


def _parse_folder(text: str, source: str) -> DefaultsFile:
    return parse_defaults(text, source, collection=False)


def _sort_key(node: CollectionNode) -> tuple[str, str]:
    return node.name.casefold(), node.path.as_posix()


class _Loader:
    """One pass over a collection folder, collecting problems instead of raising."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[CollectionFileError] = []
        self.seen: set[Path] = set()
        self.environment_files: tuple[Path, ...] = ()

    def defaults_file(
        self, rel: Path, parse: Callable[[str, str], DefaultsFile]
    ) -> tuple[DefaultsFile | None, CollectionFileError | None]:
        if not (self.root / rel).is_file():
            return DefaultsFile(), None
        try:
            return _read(self.root, rel, parse), None
        except CollectionFileError as exc:
            self.problems.append(exc)
            return None, exc

    def children(self, rel: Path) -> tuple[tuple[CollectionNode, ...], CollectionFileError | None]:
        folder = self.root / rel
        try:
            real = folder.resolve()
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            problem = CollectionFileError(
                _display(rel), None, f"could not be listed ({_os_reason(exc)})"
            )
            self.problems.append(problem)
            return (), problem
        if real in self.seen:  # a symbolic link back up the tree
            return (), None
        self.seen.add(real)
        folders: list[CollectionNode] = []
        requests: list[CollectionNode] = []
        for entry in entries:
            child = rel / entry.name
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                if rel != _ROOT or entry.name != ENVIRONMENTS_DIR:
                    folders.append(self.folder(child))
            elif entry.name.endswith(REQUEST_SUFFIX) and entry.is_file():
                requests.append(self.request(child))
        return tuple(sorted(folders, key=_sort_key) + sorted(requests, key=_sort_key)), None

    def folder(self, rel: Path) -> CollectionNode:
        file, problem = self.defaults_file(rel / FOLDER_FILE, _parse_folder)
        children, listing_problem = self.children(rel)
        return CollectionNode(
            kind=NodeKind.FOLDER,
            path=rel,
            name=(file.name if file is not None else None) or rel.name,
            defaults=file.defaults if file is not None else None,
            children=children,
            problem=problem or listing_problem,
        )

    def request(self, rel: Path) -> CollectionNode:
        try:
            request = _read(self.root, rel, parse_request)
        except CollectionFileError as exc:
            self.problems.append(exc)
            return CollectionNode(NodeKind.BROKEN, rel, rel.name, problem=exc)
        return CollectionNode(NodeKind.REQUEST, rel, request.name, request=request)

    def environments(self) -> tuple[Environment, ...]:
        folder = self.root / ENVIRONMENTS_DIR
        if not folder.is_dir():
            return ()
        found: list[Environment] = []
        self.environment_files = tuple(_environment_files(self.root, self.problems))
        for rel in self.environment_files:
            try:
                found.append(_read(self.root, rel, parse_environment))
            except CollectionFileError as exc:
                self.problems.append(exc)
        return tuple(sorted(found, key=lambda env: (env.name.casefold(), env.name)))


def _environment_files(root: Path, problems: list[CollectionFileError]) -> list[Path]:
    folder = root / ENVIRONMENTS_DIR
    try:
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        return []
    except OSError as exc:
        problems.append(
            CollectionFileError(ENVIRONMENTS_DIR, None, f"could not be listed ({_os_reason(exc)})")
        )
        return []
    return [
        Path(ENVIRONMENTS_DIR, name)
        for name in names
        if not name.startswith(".")
        and name.endswith(_ENVIRONMENT_SUFFIX)
        and (folder / name).is_file()
    ]


def load_collection(root: Path) -> LoadedCollection:
    """Read the collection folder at ``root``. Never writes; a bad file becomes a problem."""
    root = Path(root)
    loader = _Loader(root)
    if not root.is_dir():
        missing = CollectionFileError(root.as_posix(), None, "there is no folder here")
        tree = CollectionNode(NodeKind.COLLECTION, _ROOT, root.name, problem=missing)
        return LoadedCollection(root, root.name, str(uuid.uuid4()), tree, (missing,), ())
    file, problem = loader.defaults_file(Path(COLLECTION_FILE), _parse_collection)
    children, listing_problem = loader.children(_ROOT)
    name = (file.name if file is not None else None) or root.resolve().name
    tree = CollectionNode(
        kind=NodeKind.COLLECTION,
        path=_ROOT,
        name=name,
        defaults=file.defaults if file is not None else None,
        children=children,
        problem=problem or listing_problem,
    )
    environments = loader.environments()
    collection_id = (file.collection_id if file is not None else None) or str(uuid.uuid4())
    return LoadedCollection(
        root=root,
        name=name,
        collection_id=collection_id,
        tree=tree,
        problems=tuple(loader.problems),
        environments=environments,
        environment_files=loader.environment_files,
    )


# --- changing --------------------------------------------------------------------------------


def create_collection(root: Path, name: str) -> CollectionStore:
    """Make ``root`` a new collection named ``name`` (the folder is created when missing)."""
    root = Path(root)
    name = _clean_name(name)
    if (root / COLLECTION_FILE).exists():
        raise CollectionWriteError(f"{root} already holds a collection; open it instead.")
    store = CollectionStore(root)
    store._name = name
    store.save_collection_name(name)
    return store


def _place(target: Path, build: Callable[[Path], None]) -> None:
    """Have ``build`` make the folder ``target`` inside a hidden directory beside it (the
    loader skips those), then rename it into place: it appears complete or not at all.
    Raises ``OSError``."""
    holder = Path(tempfile.mkdtemp(prefix=".new-", dir=target.parent))
    try:
        build(holder / target.name)
        os.rename(holder / target.name, target)
    finally:
        shutil.rmtree(holder, ignore_errors=True)


def _write_folder_file(folder: Path, file: DefaultsFile) -> None:
    """``folder.yaml``, when the folder has a display name or defaults of its own."""
    if file != DefaultsFile():
        atomic_write(folder / FOLDER_FILE, dump_defaults(file).encode("utf-8"))


def _inside(path: Path) -> Path:
    """``path`` when it names a request or folder place inside a collection, else refused."""
    parts = path.parts
    if (
        not parts
        or path.is_absolute()
        or any(part in ("", ".", "..") or "\\" in part for part in parts)
        or _reserved(path)
        or parts[0] == COLLECTION_FILE
    ):
        raise CollectionWriteError(
            f'"{path.as_posix()}" is not a place inside the collection; nothing was written.'
        )
    return path


def write_collection(target: Path, collection: LoadedCollection) -> Path:
    """Write a whole collection tree (an importer's result) as the new folder ``target``.

    Node paths must stay inside the collection: no absolute paths, no ``..``, no hidden
    names, requests ending in ``.request.yaml``. The folder is assembled under a hidden name
    and renamed into place (as new folders are), so a failure leaves nothing half-written;
    an existing ``target`` is never touched. Secret values are never written. Returns
    ``target``; raises ``CollectionWriteError`` with a sentence.
    """
    target = Path(target)
    if target.exists():
        raise CollectionWriteError(f"{target} already exists; choose a new folder to write to.")
    root = collection.tree
    nodes = [(node, _inside(node.path)) for node in root.walk() if node is not root]
    for node, rel in nodes:
        if node.kind is NodeKind.REQUEST and not rel.name.endswith(REQUEST_SUFFIX):
            raise CollectionWriteError(
                f'"{rel.as_posix()}" must end in {REQUEST_SUFFIX}; nothing was written.'
            )

    def build(folder: Path) -> None:
        # Plain writes: the folder is private until the rename publishes it whole.
        folder.mkdir()
        file = DefaultsFile(root.defaults or Defaults(), collection.name, collection.collection_id)
        (folder / COLLECTION_FILE).write_text(dump_defaults(file), encoding="utf-8")
        for node, rel in nodes:
            if node.kind is NodeKind.FOLDER:
                (folder / rel).mkdir(parents=True, exist_ok=True)
                name = node.name if node.name != rel.name else None
                _write_folder_file(folder / rel, DefaultsFile(node.defaults or Defaults(), name))
            elif node.kind is NodeKind.REQUEST and node.request is not None:
                (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                (folder / rel).write_text(dump_request(node.request), encoding="utf-8")
        taken: set[str] = set()
        for env in collection.environments:
            stem = slugify(env.name, "environment")
            while stem.casefold() in taken:
                stem += "-2"
            taken.add(stem.casefold())
            path = folder / ENVIRONMENTS_DIR / f"{stem}{_ENVIRONMENT_SUFFIX}"
            path.parent.mkdir(exist_ok=True)
            path.write_text(dump_environment(env), encoding="utf-8")

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _place(target, build)
    except OSError as exc:
        raise CollectionWriteError(
            f"The collection could not be written to {target} ({_os_reason(exc)})."
        ) from None
    return target


class CollectionStore:
    """One collection folder on disk: loads it and changes it one atomic operation at a time.

    Paths are relative to ``root``; ``Path(".")`` is the collection itself. Each operation
    returns the relative path of what it wrote and raises ``CollectionWriteError`` with a
    sentence for the user when it is refused or fails.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._broken: set[Path] = set()
        self._name: str | None = None
        self._collection_id: str | None = None

    # -- reading

    def load(self) -> LoadedCollection:
        """Read the folder and remember which files failed, so they are never overwritten."""
        loaded = load_collection(self.root)
        self._broken = set(loaded.broken_paths)
        self._name = loaded.name
        self._collection_id = loaded.collection_id
        return loaded

    # -- requests

    def save_request(self, path: Path, req: SavedRequest) -> Path:
        """Write ``req`` to the request file at ``path`` (the file keeps its name)."""
        rel = self._relative(path)
        if not rel.name.endswith(REQUEST_SUFFIX) or _reserved(rel):
            raise CollectionWriteError(
                f"{rel.as_posix()} is not a request file of the collection (a name ending in "
                f"{REQUEST_SUFFIX}, outside hidden folders and {ENVIRONMENTS_DIR}/)."
            )
        self._refuse_broken(rel, parse_request)
        text = self._request_text(rel, req)
        self._ensure_collection_file()
        self._write(rel, text)
        return rel

    def new_request(self, folder_path: Path, req: SavedRequest) -> Path:
        """Save ``req`` as a new file in the folder at ``folder_path``, named after it."""
        folder = self._folder(folder_path)
        rel = self._unique(folder, slugify(req.name, "request"), REQUEST_SUFFIX)
        text = self._request_text(rel, req)
        self._ensure_collection_file()
        self._write(rel, text)
        return rel

    # -- folders

    def new_folder(self, parent: Path, name: str) -> Path:
        """Make a folder named ``name`` in the folder at ``parent``."""
        parent_rel = self._folder(parent)
        name = _clean_name(name)
        rel = self._unique(parent_rel, slugify(name, "folder"), "")
        file = DefaultsFile(name=None if name == rel.name else name)
        self._ensure_collection_file()
        self._place_folder(rel, lambda folder: self._build_folder(folder, file))
        return rel

    def save_defaults(self, folder_path: Path, defaults: Defaults) -> Path:
        """Save what the collection (``Path(".")``) or a folder hands down; returns the file."""
        folder = self._folder(folder_path)
        if folder == _ROOT:
            rel = Path(COLLECTION_FILE)
            current = self._current_defaults(rel, _parse_collection) or DefaultsFile(
                name=self._name or self.root.resolve().name
            )
            new = replace(
                current,
                defaults=defaults,
                collection_id=current.collection_id or self._pending_id(),
            )
        else:
            rel = folder / FOLDER_FILE
            current = self._current_defaults(rel, _parse_folder) or DefaultsFile()
            new = replace(current, defaults=defaults)
            self._ensure_collection_file()
        self._write_defaults(rel, new, collection=folder == _ROOT)
        return rel

    # -- any node

    def rename(self, path: Path, new_name: str) -> Path:
        """Rename a request (its name and its file), a folder (its directory and display
        name) or, for ``Path(".")``, the collection (its name only; the folder stays)."""
        rel = self._relative(path)
        name = _clean_name(new_name)
        if rel == _ROOT:
            self.save_collection_name(name)
            return _ROOT
        target = self._existing(rel)
        self._ensure_collection_file()
        if target.is_dir():
            return self._rename_folder(rel, name)
        new_rel = self._unique(rel.parent, slugify(name, "request"), REQUEST_SUFFIX, keep=rel)
        if self._is_broken(rel, parse_request) is None:
            req = _read(self.root, rel, parse_request)
            self._write(rel, self._request_text(rel, replace(req, name=name)))
        return self._rename_path(rel, new_rel)

    def save_collection_name(self, name: str) -> Path:
        """Set the collection's display name in ``collection.yaml``."""
        rel = Path(COLLECTION_FILE)
        current = self._current_defaults(rel, _parse_collection) or DefaultsFile()
        new = replace(
            current,
            name=_clean_name(name),
            collection_id=current.collection_id or self._pending_id(),
        )
        self._write_defaults(rel, new, collection=True)
        self._name = new.name
        return rel

    def duplicate(self, path: Path) -> Path:
        """Copy a request or a folder beside itself as "Copy of NAME"."""
        rel = self._relative(path)
        if rel == _ROOT:
            raise CollectionWriteError("The collection itself can't be duplicated here.")
        target = self._existing(rel)
        if target.is_dir():
            return self._duplicate_folder(rel)
        problem = self._is_broken(rel, parse_request)
        if problem is not None:
            raise CollectionWriteError(
                f"{rel.as_posix()} can't be duplicated because it could not be read "
                f"({problem.reason}); fix it first."
            )
        req = _read(self.root, rel, parse_request)
        return self.new_request(rel.parent, replace(req, name=f"Copy of {req.name}"))

    def delete(self, path: Path) -> None:
        """Delete a request file or a folder with everything in it (already gone is fine)."""
        rel = self._relative(path)
        if rel == _ROOT:
            raise CollectionWriteError("The collection itself can't be deleted from here.")
        target = self.root / rel
        if not target.exists() and not target.is_symlink():
            return
        self._check_node(rel)
        if target.is_dir() and not target.is_symlink():
            self._delete_folder(rel)
        else:
            self._unlink(rel)
        self._forget(rel, None)

    def move(self, path: Path, new_parent: Path) -> Path:
        """Move a request or folder into the folder at ``new_parent``, keeping its name."""
        rel = self._relative(path)
        if rel == _ROOT:
            raise CollectionWriteError("The collection itself can't be moved.")
        target = self._existing(rel)
        parent = self._folder(new_parent)
        if parent == rel.parent:
            return rel
        destination = (self.root / parent).resolve()
        if target.is_dir() and (
            destination == target.resolve() or target.resolve() in destination.parents
        ):
            raise CollectionWriteError(
                f"The folder {rel.as_posix()} can't be moved into itself; choose another folder."
            )
        if target.is_dir():
            new_rel = self._unique(parent, rel.name, "")
        else:
            new_rel = self._unique(parent, rel.name.removesuffix(REQUEST_SUFFIX), REQUEST_SUFFIX)
        self._ensure_collection_file()
        return self._rename_path(rel, new_rel)

    # -- environments

    def save_environment(self, env: Environment) -> Path:
        """Write ``env`` to its file in ``environments/`` (a new file for a new name)."""
        _clean_name(env.name)
        rel = self._environment_path(env.name)
        if rel is None:
            stem = slugify(env.name, "environment")
            natural = Path(ENVIRONMENTS_DIR, stem + _ENVIRONMENT_SUFFIX)
            problem = self._is_broken(natural, parse_environment)
            if problem is not None:
                raise CollectionWriteError(
                    f"Environment {env.name} was not saved: {natural.as_posix()} could not be "
                    f"read ({problem.reason}). Fix or delete that file first."
                )
            rel = self._unique(Path(ENVIRONMENTS_DIR), stem, _ENVIRONMENT_SUFFIX)
        else:
            self._refuse_broken(rel, parse_environment)
        text = dump_environment(env)
        expected = replace(env, variables=_clear_secrets(env.variables))
        self._verify(rel, env.name, lambda: parse_environment(text, rel.as_posix()) == expected)
        self._ensure_collection_file()
        self._write(rel, text)
        return rel

    def delete_environment(self, name: str) -> None:
        """Delete the file of the environment called ``name`` (no such file is fine)."""
        rel = self._environment_path(name)
        if rel is None:
            return
        try:
            (self.root / rel).unlink()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise CollectionWriteError(
                f"Could not delete environment {name} ({rel.as_posix()}): {_os_reason(exc)}."
            ) from exc

    # -- helpers: paths

    def _relative(self, path: Path) -> Path:
        rel = Path(path)
        if rel.is_absolute() or ".." in rel.parts:
            raise CollectionWriteError(f"{path} is not a place inside the collection.")
        return rel

    def _existing(self, rel: Path) -> Path:
        target = self.root / rel
        if not target.exists():
            raise CollectionWriteError(
                f"{rel.as_posix()} no longer exists; it may have been moved or deleted outside "
                "the app. Reload the collection."
            )
        self._check_node(rel)
        return target

    def _check_node(self, rel: Path) -> None:
        """Refuse paths that are not folders or requests of the collection."""
        target = self.root / rel
        is_request = rel.name.endswith(REQUEST_SUFFIX) and not target.is_dir()
        if _reserved(rel) or not (target.is_dir() or is_request):
            raise CollectionWriteError(
                f"{rel.as_posix()} is not a request or folder of the collection."
            )

    def _folder(self, path: Path) -> Path:
        rel = self._relative(path)
        if rel == _ROOT:
            return rel
        self._check_node(rel)
        if not (self.root / rel).is_dir():
            raise CollectionWriteError(
                f"{rel.as_posix()} is not a folder of the collection (it may have been moved or "
                "deleted outside the app). Reload the collection."
            )
        return rel

    def _unique(self, folder: Path, stem: str, suffix: str, keep: Path | None = None) -> Path:
        """``folder/stem+suffix``, or ``stem-2``, ``stem-3``...: a name not yet taken (compared
        without case, for case-insensitive file systems). ``keep`` may keep its own name."""
        try:
            taken = [name.casefold() for name in os.listdir(self.root / folder)]
        except FileNotFoundError:
            taken = []
        except OSError as exc:
            raise CollectionWriteError(
                f"Could not read {_display(folder)}: {_os_reason(exc)}."
            ) from exc
        if keep is not None and keep.name.casefold() in taken:
            taken.remove(keep.name.casefold())  # once: another file may differ only in case
        if folder == _ROOT:
            taken += [ENVIRONMENTS_DIR, COLLECTION_FILE]
        candidate, number = stem + suffix, 1
        while candidate.casefold() in taken:
            number += 1
            candidate = f"{stem}-{number}{suffix}"
        return folder / candidate

    def _environment_path(self, name: str) -> Path | None:
        for rel in _environment_files(self.root, []):
            try:
                if _read(self.root, rel, parse_environment).name == name:
                    return rel
            except CollectionFileError:
                continue
        return None

    # -- helpers: safety

    def _is_broken(
        self, rel: Path, parse: Callable[[str, str], object]
    ) -> CollectionFileError | None:
        """Why the file at ``rel`` must not be overwritten, if it must not: it failed at the
        last load, or fails now (changed outside the app since)."""
        if not (self.root / rel).exists():
            return None
        try:
            _read(self.root, rel, parse)
        except CollectionFileError as exc:
            self._broken.add(rel)
            return exc
        if rel in self._broken:
            return CollectionFileError(
                rel.as_posix(), None, "it failed to load earlier; reload the collection first"
            )
        return None

    def _refuse_broken(self, rel: Path, parse: Callable[[str, str], object]) -> None:
        problem = self._is_broken(rel, parse)
        if problem is not None:
            raise CollectionWriteError(
                f"Not saved: {rel.as_posix()} could not be read ({problem.reason}), and a file "
                "that fails to load is never overwritten. Fix it in an editor or delete it."
            )

    def _current_defaults(
        self, rel: Path, parse: Callable[[str, str], DefaultsFile]
    ) -> DefaultsFile | None:
        self._refuse_broken(rel, parse)
        if not (self.root / rel).exists():
            return None
        return _read(self.root, rel, parse)

    def _verify(self, rel: Path, name: str, reads_back: Callable[[], bool]) -> None:
        try:
            ok = reads_back()
        except CollectionFileError as exc:
            raise CollectionWriteError(f"{name} was not saved: {exc.reason}.") from exc
        if not ok:
            raise CollectionWriteError(
                f"{name} was not saved: {rel.as_posix()} would not read back as it is."
            )

    def _request_text(self, rel: Path, req: SavedRequest) -> str:
        if not req.name.strip():
            raise CollectionWriteError("Give the request a name before saving it.")
        text = dump_request(req)
        expected = replace(req, method=req.method.upper(), variables=_clear_secrets(req.variables))
        self._verify(rel, req.name, lambda: parse_request(text, rel.as_posix()) == expected)
        return text

    # -- helpers: writing

    def _pending_id(self) -> str:
        if self._collection_id is None:
            self._collection_id = str(uuid.uuid4())
        return self._collection_id

    def _ensure_collection_file(self) -> None:
        """Give the collection its ``collection.yaml`` and id at the first change made to it."""
        rel = Path(COLLECTION_FILE)
        if self._is_broken(rel, _parse_collection) is not None:
            return
        current = _read(self.root, rel, _parse_collection) if (self.root / rel).exists() else None
        if current is not None and current.collection_id:
            self._collection_id = current.collection_id
            return
        if current is None:
            current = DefaultsFile(name=self._name or self.root.resolve().name)
        self._write_defaults(
            rel, replace(current, collection_id=self._pending_id()), collection=True
        )

    def _write_defaults(self, rel: Path, file: DefaultsFile, *, collection: bool) -> None:
        text = dump_defaults(file)
        defaults = replace(file.defaults, variables=_clear_secrets(file.defaults.variables))
        expected = replace(file, defaults=defaults)
        self._verify(
            rel,
            file.name or _display(rel.parent),
            lambda: parse_defaults(text, rel.as_posix(), collection=collection) == expected,
        )
        if not collection and expected == DefaultsFile():
            self._unlink(rel)  # nothing to say: no folder.yaml at all
        else:
            self._write(rel, text)

    def _write(self, rel: Path, text: str) -> None:
        try:
            atomic_write(self.root / rel, text.encode("utf-8"))
        except OSError as exc:
            raise CollectionWriteError(
                f"Could not save {rel.as_posix()}: {_os_reason(exc)}. "
                "The file on disk is unchanged."
            ) from exc

    def _unlink(self, rel: Path) -> None:
        try:
            (self.root / rel).unlink(missing_ok=True)
        except OSError as exc:
            raise CollectionWriteError(
                f"Could not delete {rel.as_posix()}: {_os_reason(exc)}."
            ) from exc

    def _delete_folder(self, rel: Path) -> None:
        """Take the folder out of the tree in one rename, then remove its files, so the
        collection never shows a half-deleted folder."""
        target = self.root / rel
        try:
            holder = Path(tempfile.mkdtemp(prefix=".deleted-", dir=target.parent))
        except OSError as exc:
            raise CollectionWriteError(
                f"Could not delete {rel.as_posix()}: {_os_reason(exc)}."
            ) from exc
        try:
            os.replace(target, holder / rel.name)
        except OSError as exc:
            shutil.rmtree(holder, ignore_errors=True)
            raise CollectionWriteError(
                f"Could not delete {rel.as_posix()}: {_os_reason(exc)}."
            ) from exc
        try:
            shutil.rmtree(holder)
        except OSError as exc:
            raise CollectionWriteError(
                f"{rel.as_posix()} was removed from the collection, but some of its files could "
                f"not be deleted ({_os_reason(exc)}); they are left in the hidden folder {holder}."
            ) from exc

    def _rename_path(self, rel: Path, new_rel: Path) -> Path:
        if new_rel == rel:
            return rel
        try:
            os.replace(self.root / rel, self.root / new_rel)
        except OSError as exc:
            raise CollectionWriteError(
                f"Could not move {rel.as_posix()} to {new_rel.as_posix()}: {_os_reason(exc)}."
            ) from exc
        self._forget(rel, new_rel)
        return new_rel

    def _forget(self, rel: Path, new_rel: Path | None) -> None:
        """Carry the broken marks of ``rel`` and everything under it over to ``new_rel``."""
        for broken in list(self._broken):
            if broken == rel or rel in broken.parents:
                self._broken.discard(broken)
                if new_rel is not None:
                    self._broken.add(new_rel / broken.relative_to(rel))

    def _place_folder(self, rel: Path, build: Callable[[Path], None]) -> None:
        try:
            _place(self.root / rel, build)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise CollectionWriteError(f"Could not create {rel.as_posix()}: {reason}.") from exc

    @staticmethod
    def _build_folder_file(folder: Path, file: DefaultsFile) -> None:
        _write_folder_file(folder, file)

    @classmethod
    def _build_folder(cls, folder: Path, file: DefaultsFile) -> None:
        folder.mkdir()
        cls._build_folder_file(folder, file)

    def _folder_file(self, rel: Path) -> DefaultsFile | None:
        """The folder's ``folder.yaml``, empty when absent, ``None`` when it can't be read."""
        file_rel = rel / FOLDER_FILE
        if self._is_broken(file_rel, _parse_folder) is not None:
            return None
        if not (self.root / file_rel).exists():
            return DefaultsFile()
        return _read(self.root, file_rel, _parse_folder)

    def _rename_folder(self, rel: Path, name: str) -> Path:
        new_rel = self._unique(rel.parent, slugify(name, "folder"), "", keep=rel)
        current = self._folder_file(rel)
        if current is not None:  # an unreadable folder.yaml is kept as it is
            new = replace(current, name=None if name == new_rel.name else name)
            self._write_defaults(rel / FOLDER_FILE, new, collection=False)
        return self._rename_path(rel, new_rel)

    def _duplicate_folder(self, rel: Path) -> Path:
        current = self._folder_file(rel)
        old_name = (current.name if current is not None else None) or rel.name
        name = f"Copy of {old_name}"
        new_rel = self._unique(rel.parent, slugify(name, "folder"), "")

        def build(folder: Path) -> None:
            shutil.copytree(self.root / rel, folder, symlinks=True)
            if current is not None:
                new = replace(current, name=None if name == new_rel.name else name)
                (folder / FOLDER_FILE).unlink(missing_ok=True)
                self._build_folder_file(folder, new)

        self._ensure_collection_file()
        self._place_folder(new_rel, build)
        return new_rel

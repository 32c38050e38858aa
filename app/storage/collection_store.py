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

Nothing below the folder is followed: a symbolic link (to a file or a folder, outside the
collection or inside it) is a problem, and what it leads to is never listed, read or written;
deleting one deletes the link. The folder itself may be a link: the user chose it. One load
lists at most ``MAX_ENTRIES`` entries down to ``MAX_DEPTH`` folders and reads at most
``MAX_TOTAL_BYTES``; a problem says what was left out. Given a ``LoadCache`` (a
``CollectionStore`` keeps one), a load reads again only the files that changed since.

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

import errno
import itertools
import os
import shutil
import stat
import tempfile
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO, TypeVar, cast

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
from app.storage.fs import atomic_write, first_link, is_link, open_no_follow

__all__ = [
    "COLLECTION_FILE",
    "ENVIRONMENTS_DIR",
    "FOLDER_FILE",
    "REQUEST_SUFFIX",
    "CollectionStore",
    "CollectionWriteError",
    "LoadCache",
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


def _not_a_node(rel: Path) -> CollectionWriteError:
    return CollectionWriteError(f"{rel.as_posix()} is not a request or folder of the collection.")


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
# The most one load reads, so that a folder which is not a collection (a home folder, a
# checkout with node_modules in it) opens in a second, not minutes: entries listed (hidden
# ones too: listing them is the cost), folders below the root, bytes of files read.
MAX_ENTRIES = 10_000
MAX_DEPTH = 20
MAX_TOTAL_BYTES = 64 * 1024 * 1024


def request_file_too_large(request: SavedRequest) -> bool:
    """Whether ``request``'s file would be over ``MAX_FILE_BYTES``, and so could not be read
    back (saved examples are what make a request file big)."""
    return len(dump_request(request).encode("utf-8")) > MAX_FILE_BYTES


_LINK = "is a symbolic link; links are not followed (put the file or folder itself here instead)"

# A file modified this shortly before it was read may be modified again within the same tick
# of the file system's clock (2 s on FAT) with the same size: its size and times would not
# tell. Such a file is read again at the next load instead of being taken from the cache.
_RACY_NS = 2_000_000_000

_StatKey = tuple[int, int, int, int, int]
_Parse = Callable[[str, str], _T]


def _stat_key(info: os.stat_result) -> _StatKey:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


class LoadCache:
    """What loading read, so that the next load of the folder re-reads only what changed.

    Each file's result (what it holds, or why it could not be used) is kept with its path and
    what ``stat`` says of it: device, inode, size, modification and change times. A change
    made by the app (a new file renamed into place), an editor or git changes at least one of
    them. Files that a load no longer meets are dropped. Safe to share between threads.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[Path, object], tuple[_StatKey, object]] = {}

    def _lookup(self, path: Path, parse: object, info: os.stat_result) -> object | None:
        with self._lock:
            entry = self._entries.get((path, parse))
        return entry[1] if entry is not None and entry[0] == _stat_key(info) else None

    def _keep(self, path: Path, parse: object, info: os.stat_result, result: object) -> None:
        if time.time_ns() - info.st_mtime_ns < _RACY_NS:
            return
        with self._lock:
            self._entries[(path, parse)] = (_stat_key(info), result)

    def _keep_only(self, met: set[tuple[Path, object]]) -> None:
        with self._lock:
            self._entries = {key: value for key, value in self._entries.items() if key in met}


def _lstat(path: Path) -> os.stat_result | None:
    """``path``'s own entry (a link is not followed), or ``None`` when there is none."""
    try:
        return os.lstat(path)
    except OSError:
        return None


def _link_problem(rel: Path, link: Path | None = None) -> CollectionFileError:
    if link is None or link == rel:
        return CollectionFileError(rel.as_posix(), None, _LINK)
    return CollectionFileError(rel.as_posix(), None, f"is inside {link.as_posix()}, which {_LINK}")


def _decode(handle: BinaryIO, size: int, rel: Path) -> str | CollectionFileError:
    if size <= MAX_FILE_BYTES:
        data = handle.read(MAX_FILE_BYTES + 1)  # no more, even if it grew since
        size = len(data)
    if size > MAX_FILE_BYTES:
        return CollectionFileError(
            rel.as_posix(),
            None,
            f"is {size / 1024 / 1024:.1f} MB, too large to be a collection file "
            f"(the limit is {MAX_FILE_BYTES // 1024 // 1024} MB)",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return CollectionFileError(rel.as_posix(), line, "is not UTF-8 text")


def _parsed(
    root: Path,
    rel: Path,
    parse: _Parse[_T],
    cache: LoadCache | None,
    listed: os.stat_result | None = None,
) -> _T | CollectionFileError:
    """What the file at ``rel`` holds, or why it can't be used; from ``cache`` when unchanged.

    ``listed`` is the file's ``lstat`` when the caller found it by listing its folder, which
    the loader only enters when it is not a link; without it, every part of ``rel`` is checked.
    The file itself is opened without following a link, whatever was checked before.
    """
    path = root / rel
    if listed is None:
        link = first_link(root, rel)
        if link is not None:
            return _link_problem(rel, link)
    if cache is not None:
        info = listed or _lstat(path)
        cached = cache._lookup(path, parse, info) if info is not None else None
        if cached is not None:
            return cast("_T | CollectionFileError", cached)
    try:
        with open_no_follow(path) as handle:
            info = os.fstat(handle.fileno())
            text = _decode(handle, info.st_size, rel)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return _link_problem(rel)
        reason = "is not a regular file" if exc.errno == errno.EINVAL else None
        return CollectionFileError(
            rel.as_posix(), None, reason or f"could not be read ({_os_reason(exc)})"
        )
    result: _T | CollectionFileError
    try:
        result = text if isinstance(text, CollectionFileError) else parse(text, rel.as_posix())
    except CollectionFileError as exc:
        result = exc
    if cache is not None:
        cache._keep(path, parse, info, result)
    return result


def _read(root: Path, rel: Path, parse: _Parse[_T], cache: LoadCache | None = None) -> _T:
    """What the file at ``rel`` holds; raises ``CollectionFileError`` when it can't be used."""
    result = _parsed(root, rel, parse, cache)
    if isinstance(result, CollectionFileError):
        raise CollectionFileError(result.source, result.line, result.reason)
    return result


def _parse_collection(text: str, source: str) -> DefaultsFile:
    return parse_defaults(text, source, collection=True)


def _parse_folder(text: str, source: str) -> DefaultsFile:
    return parse_defaults(text, source, collection=False)


def _sort_key(node: CollectionNode) -> tuple[str, str]:
    return node.name.casefold(), node.path.as_posix()


class _Loader:
    """One pass over a collection folder, collecting problems instead of raising.

    Nothing below the root is followed: a link (to a file or a folder, outside the collection
    or inside it) is a problem, and what it leads to is neither listed nor read. Following
    links inside the collection only would mean resolving each one, and the same request
    under two paths; a collection shared through git has no need of them.
    """

    def __init__(self, root: Path, cache: LoadCache | None) -> None:
        self.root = root
        self.cache = cache
        self.problems: list[CollectionFileError] = []
        self.environment_files: tuple[Path, ...] = ()
        self.met: set[tuple[Path, object]] = set()
        self.entries_left = MAX_ENTRIES
        self.bytes_left = MAX_TOTAL_BYTES
        self.full = False  # a limit was reached: nothing more is listed or read

    def stop(self, rel: Path, reason: str) -> None:
        self.full = True
        self.problems.append(CollectionFileError(_display(rel), None, reason))

    def listing(self, rel: Path) -> tuple[list[os.DirEntry[str]], CollectionFileError | None]:
        """The entries of the folder ``rel``, by name, within the limits."""
        if self.full:
            return [], None
        if len(rel.parts) >= MAX_DEPTH:
            problem = CollectionFileError(
                rel.as_posix(),
                None,
                f"is {MAX_DEPTH} folders deep, the most a collection may have; "
                "what it holds is not shown",
            )
            self.problems.append(problem)
            return [], problem
        try:
            with os.scandir(self.root / rel) as listing:
                entries = list(itertools.islice(listing, self.entries_left + 1))
        except OSError as exc:
            problem = CollectionFileError(
                _display(rel), None, f"could not be listed ({_os_reason(exc)})"
            )
            self.problems.append(problem)
            return [], problem
        if len(entries) > self.entries_left:
            entries = entries[: self.entries_left]
            self.stop(
                rel,
                f"was not read in full: the collection reached {MAX_ENTRIES:,} files and "
                "folders, the most one may have; what was not read yet is not shown",
            )
        self.entries_left -= len(entries)
        return sorted(entries, key=lambda entry: entry.name), None

    def file(
        self, rel: Path, parse: _Parse[_T], info: os.stat_result
    ) -> _T | CollectionFileError | None:
        """What the listed regular file ``rel`` holds; ``None`` once a limit is reached."""
        if self.full:
            return None
        if info.st_size <= MAX_FILE_BYTES:  # a larger one is refused without being read
            if info.st_size > self.bytes_left:
                self.stop(
                    rel,
                    f"was not read: the collection's files reached "
                    f"{MAX_TOTAL_BYTES // 1024 // 1024} MB, the most one may hold; "
                    "this file and those not read yet are not shown",
                )
                return None
            self.bytes_left -= info.st_size
        self.met.add((self.root / rel, parse))
        return _parsed(self.root, rel, parse, self.cache, listed=info)

    def defaults_file(
        self, rel: Path, parse: _Parse[DefaultsFile]
    ) -> tuple[DefaultsFile | None, CollectionFileError | None]:
        info = _lstat(self.root / rel)
        if info is None:
            return DefaultsFile(), None
        if is_link(info):
            result: DefaultsFile | CollectionFileError | None = _link_problem(rel)
        elif stat.S_ISREG(info.st_mode):
            result = self.file(rel, parse, info)
        else:
            result = None
        if result is None:
            return DefaultsFile(), None
        if isinstance(result, CollectionFileError):
            self.problems.append(result)
            return None, result
        return result, None

    def children(self, rel: Path) -> tuple[tuple[CollectionNode, ...], CollectionFileError | None]:
        entries, problem = self.listing(rel)
        # Links read (and reported) as their own files, not as entries of the folder.
        read_apart = {COLLECTION_FILE, ENVIRONMENTS_DIR} if rel == _ROOT else {FOLDER_FILE}
        folders: list[CollectionNode] = []
        requests: list[CollectionNode] = []
        for entry in entries:
            if self.full:
                break
            if entry.name.startswith("."):
                continue
            child = rel / entry.name
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue  # gone since the listing
            if is_link(info):
                if entry.name not in read_apart:
                    self.problems.append(_link_problem(child))
            elif stat.S_ISDIR(info.st_mode):
                if rel != _ROOT or entry.name != ENVIRONMENTS_DIR:
                    folders.append(self.folder(child))
            elif entry.name.endswith(REQUEST_SUFFIX) and stat.S_ISREG(info.st_mode):
                node = self.request(child, info)
                if node is not None:
                    requests.append(node)
        return tuple(sorted(folders, key=_sort_key) + sorted(requests, key=_sort_key)), problem

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

    def request(self, rel: Path, info: os.stat_result) -> CollectionNode | None:
        result = self.file(rel, parse_request, info)
        if result is None:
            return None
        if isinstance(result, CollectionFileError):
            self.problems.append(result)
            return CollectionNode(NodeKind.BROKEN, rel, rel.name, problem=result)
        return CollectionNode(NodeKind.REQUEST, rel, result.name, request=result)

    def environment_entries(self) -> list[tuple[Path, os.stat_result]]:
        """The environment files (regular, not hidden, ``*.yaml``); links are problems."""
        folder = Path(ENVIRONMENTS_DIR)
        info = _lstat(self.root / folder)
        if info is None:
            return []
        if is_link(info):
            self.problems.append(_link_problem(folder))
            return []
        if not stat.S_ISDIR(info.st_mode):
            return []
        found: list[tuple[Path, os.stat_result]] = []
        for entry in self.listing(folder)[0]:
            if entry.name.startswith(".") or not entry.name.endswith(_ENVIRONMENT_SUFFIX):
                continue
            try:
                entry_info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if is_link(entry_info):
                self.problems.append(_link_problem(folder / entry.name))
            elif stat.S_ISREG(entry_info.st_mode):
                found.append((folder / entry.name, entry_info))
        return found

    def environments(self) -> tuple[Environment, ...]:
        entries = self.environment_entries()
        self.environment_files = tuple(rel for rel, _info in entries)
        found: list[Environment] = []
        for rel, info in entries:
            result = self.file(rel, parse_environment, info)
            if isinstance(result, CollectionFileError):
                self.problems.append(result)
            elif result is not None:
                found.append(result)
        return tuple(sorted(found, key=lambda env: (env.name.casefold(), env.name)))


def load_collection(root: Path, cache: LoadCache | None = None) -> LoadedCollection:
    """Read the collection folder at ``root``. Never writes; a bad file becomes a problem.

    With a ``cache`` (kept from one load to the next), only files changed since are read.
    """
    # ``root`` itself may be a link, and its folders too: the user chose it, so it is
    # followed. Nothing below it is (see ``_Loader``).
    root = Path(root)
    if not root.is_dir():
        missing = CollectionFileError(root.as_posix(), None, "there is no folder here")
        tree = CollectionNode(NodeKind.COLLECTION, _ROOT, root.name, problem=missing)
        return LoadedCollection(root, root.name, str(uuid.uuid4()), tree, (missing,), ())
    loader = _Loader(root, cache)
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
    if cache is not None:
        cache._keep_only(loader.met)
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
    if os.path.lexists(root / COLLECTION_FILE):
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
    if os.path.lexists(target):  # a link too, even one that leads nowhere
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
        self._cache = LoadCache()
        self._loads = threading.Lock()
        self._loads_started = 0
        self._newest_load_kept = 0

    # -- reading

    def load(self) -> LoadedCollection:
        """Read the folder and remember which files failed, so they are never overwritten.

        Files unchanged since the last load are not read again. Loads may run in other
        threads, and at the same time: what a load remembers is kept only when no load that
        started after it has finished first.
        """
        with self._loads:
            self._loads_started += 1
            started = self._loads_started
        loaded = load_collection(self.root, self._cache)
        with self._loads:
            if started > self._newest_load_kept:
                self._newest_load_kept = started
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
        is_folder = self._existing(rel)
        self._ensure_collection_file()
        if is_folder:
            return self._rename_folder(rel, name)
        new_rel = self._unique(rel.parent, slugify(name, "request"), REQUEST_SUFFIX, keep=rel)
        if self._is_broken(rel, parse_request) is None:
            req = self._read(rel, parse_request)
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
        if self._existing(rel):
            return self._duplicate_folder(rel)
        problem = self._is_broken(rel, parse_request)
        if problem is not None:
            raise CollectionWriteError(
                f"{rel.as_posix()} can't be duplicated because it could not be read "
                f"({problem.reason}); fix it first."
            )
        req = self._read(rel, parse_request)
        return self.new_request(rel.parent, replace(req, name=f"Copy of {req.name}"))

    def delete(self, path: Path) -> None:
        """Delete a request file or a folder with everything in it (already gone is fine).

        A symbolic link is deleted itself, never what it leads to, whatever its name.
        """
        rel = self._relative(path)
        if rel == _ROOT:
            raise CollectionWriteError("The collection itself can't be deleted from here.")
        info = _lstat(self.root / rel)
        if info is None:
            return
        if is_link(info) and not _reserved(rel):
            self._unlink(rel)
        elif self._check_node(rel, info):
            self._delete_folder(rel)
        else:
            self._unlink(rel)
        self._forget(rel, None)

    def move(self, path: Path, new_parent: Path) -> Path:
        """Move a request or folder into the folder at ``new_parent``, keeping its name."""
        rel = self._relative(path)
        if rel == _ROOT:
            raise CollectionWriteError("The collection itself can't be moved.")
        is_folder = self._existing(rel)
        parent = self._folder(new_parent)
        if parent == rel.parent:
            return rel
        if is_folder and self._within(parent, rel):
            raise CollectionWriteError(
                f"The folder {rel.as_posix()} can't be moved into itself; choose another folder."
            )
        if is_folder:
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
            self._refuse_links(rel.parent)
            (self.root / rel).unlink()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise CollectionWriteError(
                f"Could not delete environment {name} ({rel.as_posix()}): {_os_reason(exc)}."
            ) from exc

    # -- helpers: paths

    def _relative(self, path: Path) -> Path:
        """``path`` as a path inside the collection whose folders are not links."""
        rel = Path(path)
        if rel.is_absolute() or ".." in rel.parts:
            raise CollectionWriteError(f"{path} is not a place inside the collection.")
        self._refuse_links(rel.parent)
        return rel

    def _refuse_links(self, rel: Path) -> None:
        """Refuse ``rel`` when it or a folder on the way to it is a link: nothing outside the
        collection's folder is read or written, and a link inside it is not followed either."""
        link = first_link(self.root, rel)
        if link is not None:
            raise CollectionWriteError(
                f"{link.as_posix()} is a symbolic link, and the app never reads or writes "
                "through links, so nothing was changed. Put the file or folder itself there."
            )

    def _existing(self, rel: Path) -> bool:
        """Whether the existing request or folder at ``rel`` is a folder."""
        info = _lstat(self.root / rel)
        if info is None:
            raise CollectionWriteError(
                f"{rel.as_posix()} no longer exists; it may have been moved or deleted outside "
                "the app. Reload the collection."
            )
        return self._check_node(rel, info)

    def _check_node(self, rel: Path, info: os.stat_result) -> bool:
        """Whether ``rel`` (``info`` its ``lstat``) is a folder; refused when it is not a
        folder or request of the collection. A link named as a request is one that failed to
        load: it may be renamed, moved or deleted, which never follows it."""
        is_folder = stat.S_ISDIR(info.st_mode) and not is_link(info)
        is_request = rel.name.endswith(REQUEST_SUFFIX) and not is_folder
        if _reserved(rel) or not (is_folder or is_request):
            raise _not_a_node(rel)
        return is_folder

    def _folder(self, path: Path) -> Path:
        rel = self._relative(path)
        if rel == _ROOT:
            return rel
        self._refuse_links(rel)
        if _reserved(rel):
            raise _not_a_node(rel)
        info = _lstat(self.root / rel)
        if info is None or not self._check_node(rel, info):
            raise CollectionWriteError(
                f"{rel.as_posix()} is not a folder of the collection (it may have been moved or "
                "deleted outside the app). Reload the collection."
            )
        return rel

    def _within(self, folder: Path, rel: Path) -> bool:
        """Whether the folder ``folder`` is the folder ``rel`` or inside it; compared by
        the file system, which may ignore case. Neither holds a link (checked before)."""
        target = _lstat(self.root / rel)
        for place in (folder, *folder.parents):
            info = _lstat(self.root / place)
            if target is not None and info is not None and os.path.samestat(info, target):
                return True
        return False

    def _unique(self, folder: Path, stem: str, suffix: str, keep: Path | None = None) -> Path:
        """``folder/stem+suffix``, or ``stem-2``, ``stem-3``...: a name not yet taken (compared
        without case, for case-insensitive file systems). ``keep`` may keep its own name."""
        self._refuse_links(folder)
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
        """The file of the environment called ``name`` (never a link), or ``None``."""
        for rel, info in _Loader(self.root, self._cache).environment_entries():
            env = _parsed(self.root, rel, parse_environment, self._cache, listed=info)
            if isinstance(env, Environment) and env.name == name:
                return rel
        return None

    def _read(self, rel: Path, parse: _Parse[_T]) -> _T:
        return _read(self.root, rel, parse, self._cache)

    def _lexists(self, rel: Path) -> bool:
        return _lstat(self.root / rel) is not None

    # -- helpers: safety

    def _is_broken(
        self, rel: Path, parse: Callable[[str, str], object]
    ) -> CollectionFileError | None:
        """Why the file at ``rel`` must not be overwritten, if it must not: it failed at the
        last load, or fails now (changed outside the app since)."""
        if not self._lexists(rel):  # a link that leads nowhere is there, and broken
            return None
        try:
            self._read(rel, parse)
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
        if not self._lexists(rel):
            return None
        return self._read(rel, parse)

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
        current = self._read(rel, _parse_collection) if self._lexists(rel) else None
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
        self._refuse_links(rel)
        try:
            atomic_write(self.root / rel, text.encode("utf-8"))
        except OSError as exc:
            raise CollectionWriteError(
                f"Could not save {rel.as_posix()}: {_os_reason(exc)}. "
                "The file on disk is unchanged."
            ) from exc

    def _unlink(self, rel: Path) -> None:
        """Remove the file, or the link itself, at ``rel``."""
        self._refuse_links(rel.parent)
        try:
            (self.root / rel).unlink(missing_ok=True)
        except OSError as exc:
            raise CollectionWriteError(
                f"Could not delete {rel.as_posix()}: {_os_reason(exc)}."
            ) from exc

    def _delete_folder(self, rel: Path) -> None:
        """Take the folder out of the tree in one rename, then remove its files, so the
        collection never shows a half-deleted folder. ``rmtree`` removes links found inside
        it, never what they lead to."""
        self._refuse_links(rel)
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
        self._refuse_links(rel.parent)
        self._refuse_links(new_rel.parent)
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
        self._refuse_links(rel.parent)
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
        if not self._lexists(file_rel):
            return DefaultsFile()
        return self._read(file_rel, _parse_folder)

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
            # Links are copied as links: what they lead to is not read.
            shutil.copytree(self.root / rel, folder, symlinks=True)
            if current is not None:
                new = replace(current, name=None if name == new_rel.name else name)
                (folder / FOLDER_FILE).unlink(missing_ok=True)
                self._build_folder_file(folder, new)

        self._ensure_collection_file()
        self._place_folder(new_rel, build)
        return new_rel

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
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from app.core.collection import (
    CollectionNode,
    Defaults,
    LoadedCollection,
    NodeKind,
    ResponseExample,
    SavedRequest,
)
from app.core.exchange import Exchange, read_exchange
from app.core.prepare import PreparedRequest
from app.core.request import KeyValue
from app.core.response import ResponseData
from app.core.urls import has_query, url_with_params
from app.formats import FormatError, Imported, ImportedFolder, Include, ReportLine, read_any
from app.storage.collection_store import (
    MAX_FILE_BYTES,
    REQUEST_SUFFIX,
    CollectionWriteError,
    request_file_too_large,
    slugify,
    write_collection,
)
from app.storage.history import HistoryEntry, HistoryStore
from app.storage.secrets import SecretStore, SecretStoreError

if TYPE_CHECKING:
    from app.formats.bundle import Bundle

__all__ = [
    "SOURCE_LIMIT",
    "ImportWritten",
    "OpenedBundle",
    "open_bundle",
    "read_import",
    "record_in_history",
    "suggested_folder",
    "to_collection",
    "write_imported",
]

SOURCE_LIMIT = 50 * 1024 * 1024
"""The largest file (or include) an import reads."""


def _read_bounded(path: Path, shown: str) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(SOURCE_LIMIT + 1)
    except OSError as exc:
        raise FormatError(f"{shown} could not be read ({exc.strerror or exc}).") from None
    if len(data) > SOURCE_LIMIT:
        raise FormatError(f"{shown} is larger than 50 MB; nothing was imported.")
    return data


def _include_within(folder: Path) -> Include:
    """Reads files named relative to ``folder``, and nothing outside it: no absolute paths,
    no ``..``, no link that leads out."""
    root = folder.resolve()

    def include(relative: str) -> bytes:
        parts = PurePosixPath(relative.replace("\\", "/"))
        if parts.is_absolute() or ".." in parts.parts or not parts.parts:
            raise FormatError(
                f'"{relative}" is outside the folder of the imported file: only files in it '
                "or below it are read."
            )
        path = (root / parts).resolve()
        if not path.is_relative_to(root):
            raise FormatError(f'"{relative}" leads outside the folder of the imported file.')
        if not path.is_file():
            raise FormatError(f'"{relative}" is not a file in {root}.')
        return _read_bounded(path, f'"{relative}"')

    return include


def read_import(
    source: Path | None = None,
    *,
    data: bytes | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Imported:
    """What ``source`` (a file; for RAML the root ``api.raml`` beside its includes) or
    ``data`` (pasted text, a cURL command from stdin) holds, read by its format's importer.
    Raises ``FormatError`` with one sentence."""
    if source is not None:
        if not source.is_file():
            raise FormatError(f"{source} is not a file.")
        data = _read_bounded(source, str(source))
        return read_any(data, source.name, _include_within(source.parent), progress)
    if data is None or not data.strip():
        raise FormatError("There is nothing to import: the text is empty.")
    if len(data) > SOURCE_LIMIT:
        raise FormatError("The text is larger than 50 MB; nothing was imported.")
    return read_any(data, "", None, progress)


def suggested_folder(parent: Path, name: str) -> Path:
    """A folder in ``parent`` for a collection named ``name`` that does not exist yet."""
    stem = slugify(name, "imported-collection")
    candidate, number = parent / stem, 2
    while os.path.lexists(candidate):
        candidate = parent / f"{stem}-{number}"
        number += 1
    return candidate


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
    # Saved examples are shared files too: the values the import moved to the secret store
    # are written {{name}} in them, as in the requests.
    secrets = {variable: value for (_, variable), value in imported.secrets.items()}

    def kept(request: SavedRequest, where: str) -> SavedRequest:
        if not request.examples:
            return request
        request = replace(
            request, examples=tuple(_without_secrets(e, secrets) for e in request.examples)
        )
        if request_file_too_large(request):
            notes.append(
                ReportLine(
                    where,
                    "Its saved examples were not kept: with them its file would pass "
                    f"{MAX_FILE_BYTES // (1024 * 1024)} MB, more than a collection file holds.",
                )
            )
            request = replace(request, examples=())
        return request

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
                request = kept(item, f"{where} / {item.name}" if where else item.name)
                children.append(CollectionNode(NodeKind.REQUEST, path, item.name, request=request))
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


def _without_secrets(example: ResponseExample, secrets: dict[str, str]) -> ResponseExample:
    from app.core.variables import redact, restore_placeholders

    if not secrets:
        return example
    return replace(
        example,
        headers=tuple(
            KeyValue(h.name, restore_placeholders(redact(h.value, secrets)), h.enabled)
            for h in example.headers
        ),
        body=restore_placeholders(redact(example.body, secrets)),
    )


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
    secret_store: Callable[[], SecretStore | None] | None = None,
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


def _timestamp(started: str) -> float | None:
    try:
        return datetime.fromisoformat(started.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def record_in_history(imported: Imported, history: HistoryStore) -> int:
    """Put the responses recorded with ``imported`` (a HAR file: what the customer saw)
    into ``history``, secrets redacted, at the time they were recorded; how many."""
    secrets = {name: value for (_, name), value in imported.secrets.items()}
    count = 0
    for recorded in imported.recorded:
        request = recorded.request
        url = (
            request.url if has_query(request.url) else url_with_params(request.url, request.params)
        )
        headers = tuple((h.name, h.value) for h in request.headers if h.enabled)
        prepared = PreparedRequest(request.method, url, headers, request.body.encode(), 30.0)
        response = ResponseData(
            recorded.status,
            recorded.reason,
            recorded.headers,
            recorded.body,
            recorded.elapsed_ms,
            url=url,
        )
        history.record(
            prepared,
            response,
            secrets=secrets,
            sent_at=_timestamp(recorded.started),
            warning=f"Recorded in an imported {imported.format} file, not sent by this app.",
        )
        count += 1
    return count


@dataclass(frozen=True, slots=True)
class OpenedBundle:
    """A reproduction bundle read back: ``request`` to replay (secrets as ``{{name}}``),
    the recorded exchange as a history entry (for the tab that shows it) and parsed."""

    bundle: Bundle
    request: SavedRequest
    entry: HistoryEntry
    exchange: Exchange | None


def open_bundle(path: Path) -> OpenedBundle:
    """Read and parse the bundle at ``path``: slow for a big body, so off the GUI thread.
    Raises ``FormatError`` with one sentence."""
    from app.formats.bundle import MAX_UNCOMPRESSED_BYTES, read_bundle, replay_request

    if not path.is_file():
        raise FormatError(f"{path} is not a file.")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_UNCOMPRESSED_BYTES + 1)
    except OSError as exc:
        raise FormatError(f"{path} could not be read ({exc.strerror or exc}).") from None
    if len(data) > MAX_UNCOMPRESSED_BYTES:
        raise FormatError(f"{path} is larger than any reproduction bundle this app writes.")
    bundle = read_bundle(data)
    recorded = bundle.exchange
    request = recorded.request
    entry = HistoryEntry(
        id=0,
        sent_at=recorded.started.timestamp(),
        method=request.method,
        url=request.url,
        request_headers=tuple(request.headers),
        request_body=request.body,
        status=recorded.status,
        reason=recorded.reason,
        response_headers=tuple(recorded.headers),
        response_body=recorded.body,
        elapsed_ms=recorded.elapsed_ms,
        error_code=bundle.error_code or None,
        failure=recorded.failure or None,
        size=len(data),
    )
    exchange = None
    if recorded.status is not None:
        response = ResponseData(
            recorded.status,
            recorded.reason,
            tuple(recorded.headers),
            recorded.body,
            recorded.elapsed_ms or 0.0,
            url=request.url,
        )
        exchange = read_exchange(request, response)
    name = f"Reproduction {request.method} {request.url}"
    return OpenedBundle(bundle, replace(replay_request(bundle), name=name[:200]), entry, exchange)

"""Collections and requests leaving the app.

- a collection, folder or request as Postman v2.1, with what a folder inherits from the
  folders above it and the collection (``export_postman``);
- a request as a cURL, HTTPie or Python httpx snippet, as it would be sent now
  (``request_snippet``) or as history recorded it (``history_snippet``), secrets as
  ``{{name}}`` unless asked to include them;
- history entries as HAR 1.2 (``history_har``; history keeps secrets redacted already).
"""

from __future__ import annotations

import dataclasses
import platform
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.collection import (
    CollectionNode,
    Defaults,
    LoadedCollection,
    NodeKind,
    SavedRequest,
)
from app.core.prepare import PreparedRequest
from app.core.request import BodyMode
from app.formats import FormatError, ImportedFolder
from app.http.body_files import BodyFileError, load_body
from app.services.pipeline import Outcome, Pipeline, Refusal
from app.storage.history import HistoryEntry

if TYPE_CHECKING:
    from app.formats.har_export import HarEntry

# The format writers are imported where they are used: the window starts without them
# (about 25 ms of imports).

__all__ = [
    "SNIPPET_NAMES",
    "bundle_of",
    "entry_as_har",
    "export_postman",
    "folder_tree",
    "history_har",
    "history_snippet",
    "outcome_as_har",
    "request_snippet",
]

SNIPPET_NAMES = {"curl": "cURL", "httpie": "HTTPie", "httpx": "Python httpx"}
SNIPPET_BODY_LIMIT = 1024 * 1024
"""The largest body of files an HTTPie or httpx snippet carries (cURL names the files)."""
"""The snippet kinds, with the names people know them by."""


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
    from app.formats.postman_export import to_postman

    tree, inherited = folder_tree(loaded, item)
    name = loaded.name if item is None else f"{loaded.name} - {tree.name}"
    return to_postman(tree, name, loaded.environments, inherited)


def request_snippet(
    pipeline: Pipeline,
    request: SavedRequest,
    source: str | None,
    kind: str = "curl",
    *,
    base_url: str = "",
    timeout_seconds: float = 30.0,
    include_secrets: bool = False,
) -> str:
    """``request`` (saved at ``source``) as a ``kind`` snippet that sends what this app would
    send now: variables resolved, auth applied (a MAC signed now), secrets as ``{{name}}``
    unless ``include_secrets``. Raises ``ValueError`` with the reason it cannot be sent."""
    from app.formats.snippets import SNIPPETS, to_curl

    plan = pipeline.plan(
        request, source, base_url=base_url, timeout_seconds=timeout_seconds, allow_protected=True
    )
    if isinstance(plan, Refusal):
        raise ValueError(plan.message)
    files = plan.body_files
    if files is not None and kind != "curl":
        # HTTPie and httpx snippets carry the body itself: read it, if it is small.
        try:
            loaded = load_body(plan.prepared, files)
        except BodyFileError as exc:
            raise ValueError(str(exc)) from None
        if len(loaded.request.body) > SNIPPET_BODY_LIMIT:
            raise ValueError(
                "its body is files of more than 1 MB; copy it as cURL, which names the files"
            )
        plan = dataclasses.replace(plan, prepared=loaded.request, body_files=None)
        files = None
    signed = Pipeline.sign(plan)
    if isinstance(signed, Refusal):
        raise ValueError(signed.message)
    if files is not None:  # cURL names the files: -F name=@path, --data-binary @path
        return to_curl(
            signed,
            secrets=plan.secrets,
            include_secrets=include_secrets,
            follow_redirects=plan.follow_redirects,
            verify=plan.transport.tls.verify,
            form=files.fields if files.mode is BodyMode.MULTIPART else (),
            body_file=files.path if files.mode is BodyMode.FILE else "",
        )
    return SNIPPETS[kind](
        signed,
        secrets=plan.secrets,
        include_secrets=include_secrets,
        follow_redirects=plan.follow_redirects,
        verify=plan.transport.tls.verify,
    )


def _recorded_request(entry: HistoryEntry) -> PreparedRequest:
    return PreparedRequest(
        entry.method, entry.url, tuple(entry.request_headers), entry.request_body, 30.0
    )


def history_snippet(entry: HistoryEntry, kind: str = "curl") -> str:
    """The request of a history entry, as it was sent, as a ``kind`` snippet; history
    holds secrets as markers, which come out as ``{{name}}``."""
    from app.formats.snippets import SNIPPETS

    return SNIPPETS[kind](_recorded_request(entry))


def entry_as_har(entry: HistoryEntry) -> HarEntry:
    """A history entry as the HAR writer and the bundle take it."""
    from app.formats.har_export import HarEntry

    return HarEntry(
        _recorded_request(entry),
        entry.status,
        entry.reason,
        tuple(entry.response_headers),
        entry.response_body,
        datetime.fromtimestamp(entry.sent_at).astimezone(),
        entry.elapsed_ms,
        failure=entry.failure or "",
    )


def outcome_as_har(outcome: Outcome) -> HarEntry | None:
    """What a send gave (the request as sent, the response or the failure) as the HAR writer
    and the bundle take it; ``None`` when nothing was sent."""
    from app.formats.har_export import HarEntry

    if outcome.request is None:
        return None
    response = outcome.exchange.response if outcome.exchange is not None else None
    return HarEntry(
        outcome.request,
        response.status if response is not None else None,
        response.reason if response is not None else "",
        response.headers if response is not None else (),
        response.body if response is not None else b"",
        datetime.now(UTC),
        response.elapsed_ms if response is not None else None,
        failure=outcome.message if response is None else "",
    )


def bundle_of(
    exchange: HarEntry,
    *,
    secrets: Mapping[str, str],
    marked: Iterable[str],
    environment: str | None,
    note: str,
    version: str,
) -> bytes:
    """A reproduction bundle of an exchange (``app.formats.bundle``): every secret of
    ``secrets``, what looks like a credential and the ``marked`` values taken out.
    ``FormatError`` when the exchange is too big for a bundle."""
    from app.formats.bundle import write_bundle

    return write_bundle(
        exchange,
        secrets=secrets,
        marked=marked,
        environment=environment,
        note=note,
        app_version=version,
        os_name=platform.platform(),
        created=datetime.now(UTC),
    )


def history_har(entries: Iterable[HistoryEntry], version: str = "") -> str:
    """HAR 1.2 of history entries, requests and responses as recorded."""
    from app.formats.har_export import to_har

    return to_har((entry_as_har(entry) for entry in entries), creator_version=version)

"""Saved requests and the collections that hold them: pure data, no files.

A collection is one tree of ``CollectionNode``s keyed by their path inside the collection
(``Path(".")`` is the collection itself): the collection and its folders carry ``Defaults``
(base URL, headers, auth, variables, following redirects) that the ``SavedRequest``s below
them inherit and may override. ``LoadedCollection`` is that tree with its environments and
every problem met while reading it. ``app.storage.collection_store`` reads and writes the
tree as a folder (``app.storage.collection_files`` is the text of each file); importers build
one in memory.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app.core.assertions import Assertion
from app.core.request import BodyMode, FormField, KeyValue
from app.core.transport import ProxySettings, TlsSettings

__all__ = [
    "MAX_EXAMPLE_BODY_CHARS",
    "AuthKind",
    "AuthSpec",
    "CollectionFileError",
    "CollectionNode",
    "Defaults",
    "Environment",
    "LoadedCollection",
    "NodeKind",
    "ResponseExample",
    "SavedRequest",
    "Variable",
    "auth_label",
]


class AuthKind(enum.Enum):
    """How a request authenticates. ``INHERIT`` takes the folder's or collection's auth."""

    INHERIT = "inherit"
    NONE = "none"
    BASIC = "basic"
    BEARER = "bearer"
    API_KEY = "api_key"
    PAYSERA_MAC = "paysera_mac"


_AUTH_LABELS = {
    AuthKind.INHERIT: "Inherit from folder / collection",
    AuthKind.NONE: "No auth",
    AuthKind.BASIC: "Basic",
    AuthKind.BEARER: "Bearer token",
    AuthKind.API_KEY: "API key",
    AuthKind.PAYSERA_MAC: "Paysera MAC",
}


def auth_label(kind: AuthKind) -> str:
    """The name a person reads for an auth kind."""
    return _AUTH_LABELS[kind]


@dataclass(frozen=True, slots=True)
class AuthSpec:
    """An auth choice and its settings, e.g. ``BASIC`` with ``username``/``password``.

    Values may be ``{{variables}}``; secret values live only in secret variables, never here.
    """

    kind: AuthKind = AuthKind.INHERIT
    values: tuple[tuple[str, str], ...] = ()

    def get(self, name: str, default: str = "") -> str:
        return next((v for k, v in self.values if k == name), default)


@dataclass(frozen=True, slots=True)
class Variable:
    """A ``{{name}}`` value. A secret variable's value is kept out of every shared file."""

    name: str
    value: str = ""
    secret: bool = False
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class Defaults:
    """What a collection or folder hands down. ``None`` / empty means "nothing set here".

    ``tls`` and ``proxy`` are collection-wide only (``collection.yaml``). In ``tls`` paths
    are relative to the collection folder and ``key_passphrase`` is a ``{{variable}}``.
    """

    base_url: str | None = None
    headers: tuple[KeyValue, ...] = ()
    auth: AuthSpec = field(default_factory=AuthSpec)
    variables: tuple[Variable, ...] = ()
    tls: TlsSettings | None = None
    proxy: ProxySettings | None = None
    follow_redirects: bool | None = None  # None: as the folder above (off at the top)


MAX_EXAMPLE_BODY_CHARS = 1_000_000
"""The longest body an example keeps: a request file is at most 2 MB
(``app.storage.collection_store.MAX_FILE_BYTES``)."""


@dataclass(frozen=True, slots=True)
class ResponseExample:
    """A response kept with a request (Response > Save as example…): what the endpoint
    answers, for whoever reads the collection, and a response to compare new ones with.
    ``body`` is the text as received (numbers exact); secrets in it were replaced by their
    ``{{name}}`` before it was kept."""

    name: str
    status: int
    headers: tuple[KeyValue, ...] = ()
    body: str = ""


@dataclass(frozen=True, slots=True)
class SavedRequest:
    """One request as saved: the URL as typed (a path joins the inherited base URL)."""

    name: str
    method: str = "GET"
    url: str = ""
    params: tuple[KeyValue, ...] = ()
    headers: tuple[KeyValue, ...] = ()
    body: str = ""
    body_mode: BodyMode = BodyMode.JSON
    auth: AuthSpec = field(default_factory=AuthSpec)
    variables: tuple[Variable, ...] = ()
    description: str = ""
    assertions: tuple[Assertion, ...] = ()  # checked on every response (app.core.assertions)
    # None: as its folders and collection say (off when none does); see app.core.redirects.
    follow_redirects: bool | None = None
    form: tuple[FormField, ...] = ()  # the fields of a FORM or MULTIPART body
    graphql_variables: str = ""  # JSON text: the variables of a GRAPHQL body
    examples: tuple[ResponseExample, ...] = ()  # saved responses, in the order saved


@dataclass(frozen=True, slots=True)
class Environment:
    """A named set of variables (sandbox, production, ...). A protected environment is
    shown plainly and asks before any request that could change something."""

    name: str
    variables: tuple[Variable, ...] = ()
    protected: bool = False
    tls: TlsSettings | None = None  # replaces the collection's TLS settings when set


class CollectionFileError(Exception):
    """A collection file that could not be read: which file, which line (or None), and why."""

    def __init__(self, source: str, line: int | None, reason: str) -> None:
        super().__init__(source, line, reason)
        self.source = source
        self.line = line
        self.reason = reason

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}, line {self.line}"
        return f"{where}: {self.reason}"


class NodeKind(enum.Enum):
    """What a node of the collection tree is."""

    COLLECTION = "collection"
    FOLDER = "folder"
    REQUEST = "request"
    BROKEN = "broken"  # a request file that failed to load; ``problem`` says why


@dataclass(frozen=True, slots=True)
class CollectionNode:
    """One node of a collection, keyed by its path relative to the collection's root.

    ``request`` is set for ``REQUEST`` nodes; ``defaults`` for the collection and folders
    (``None`` when their ``collection.yaml``/``folder.yaml`` failed to load, see ``problem``).
    Children are in the sidebar's order: folders first, then requests, each by name.
    """

    kind: NodeKind
    path: Path
    name: str
    request: SavedRequest | None = None
    defaults: Defaults | None = None
    children: tuple[CollectionNode, ...] = ()
    problem: CollectionFileError | None = None

    def walk(self) -> Iterator[CollectionNode]:
        """This node and every node below it, depth first, in the sidebar's order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class LoadedCollection:
    """A collection as read (from disk, or built by an importer), with every problem met."""

    root: Path
    name: str
    collection_id: str
    tree: CollectionNode
    problems: tuple[CollectionFileError, ...]
    environments: tuple[Environment, ...]
    environment_files: tuple[Path, ...] = ()  # relative; watched for edits made in place

    @property
    def broken_paths(self) -> frozenset[Path]:
        """Relative paths of the files (and folders) that failed to load."""
        return frozenset(Path(problem.source) for problem in self.problems)

    def find(self, path: Path) -> CollectionNode | None:
        """The node at ``path`` (relative to the root), or ``None``."""
        node = self.tree
        for part in Path(path).parts:
            node_or_none = next((c for c in node.children if c.path.name == part), None)
            if node_or_none is None:
                return None
            node = node_or_none
        return node

    def environment(self, name: str) -> Environment | None:
        return next((e for e in self.environments if e.name == name), None)

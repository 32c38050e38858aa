"""Saved requests and the collections that hold them: pure data, no files.

A ``Collection`` is a tree: the collection itself carries defaults (base URL, headers, auth,
variables) that its ``Folder``s and ``SavedRequest``s inherit and may override.
``app.storage.collection_files`` maps this tree onto a folder of YAML files.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from app.core.request import BodyMode, KeyValue
from app.core.transport import ProxySettings, TlsSettings

__all__ = [
    "AuthKind",
    "AuthSpec",
    "Collection",
    "Defaults",
    "Environment",
    "Folder",
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


@dataclass(frozen=True, slots=True)
class Folder:
    """A folder of a collection: its own defaults, sub-folders and requests, by name."""

    name: str
    defaults: Defaults = field(default_factory=Defaults)
    folders: tuple[Folder, ...] = ()
    requests: tuple[SavedRequest, ...] = ()


@dataclass(frozen=True, slots=True)
class Collection:
    """The root folder of a collection, with the collection-wide defaults."""

    name: str
    defaults: Defaults = field(default_factory=Defaults)
    folders: tuple[Folder, ...] = ()
    requests: tuple[SavedRequest, ...] = ()


@dataclass(frozen=True, slots=True)
class Environment:
    """A named set of variables (sandbox, production, ...). A protected environment is
    shown plainly and asks before any request that could change something."""

    name: str
    variables: tuple[Variable, ...] = ()
    protected: bool = False
    tls: TlsSettings | None = None  # replaces the collection's TLS settings when set

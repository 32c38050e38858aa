"""What every importer returns: a collection tree in the core model, its environments, the
secret values found (never written into files) and a report of what did not come across."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from app.core.collection import Defaults, Environment, SavedRequest

__all__ = [
    "FormatError",
    "Imported",
    "ImportedFolder",
    "Include",
    "RecordedExchange",
    "ReportLine",
]

Include = Callable[[str], bytes]
"""Reads a file named relative to the imported file (RAML's ``!include``, ``uses:``);
raises ``FormatError`` for a path that leaves the imported file's folder or cannot be read."""


class FormatError(ValueError):
    """The input is not a format this importer reads, or it is broken; ``str(exc)`` is one
    sentence for the user (what is wrong and, where known, where: line, item path)."""


@dataclass(frozen=True, slots=True)
class ReportLine:
    """Something the import could not carry over, or changed: ``where`` is the item path
    (``Folder / Request``, or ``(collection)``), ``what`` a sentence."""

    where: str
    what: str


@dataclass(frozen=True, slots=True)
class ImportedFolder:
    """A folder: its settings (base URL, headers, auth, variables, …), its description and
    its items in order (folders and requests, at any depth)."""

    name: str
    items: tuple[ImportedFolder | SavedRequest, ...] = ()
    defaults: Defaults = field(default_factory=Defaults)
    description: str = ""


@dataclass(frozen=True, slots=True)
class RecordedExchange:
    """A response recorded with the request (HAR): what the customer saw."""

    request: SavedRequest
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    elapsed_ms: float = 0.0
    started: str = ""  # ISO 8601 as recorded, or ""


_NO_SECRETS: Mapping[tuple[str, str], str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Imported:
    """One imported collection.

    ``root`` is the collection itself (its ``defaults`` are the collection's settings, its
    ``name`` the collection's name). ``secrets`` maps ``(environment name, variable name)`` to
    a secret value found in the input; each such variable is declared in that environment of
    ``environments`` with ``secret=True`` and an empty value, and the requests refer to it as
    ``{{name}}``. ``format`` names what was read (``Postman collection v2.1``).
    """

    format: str
    root: ImportedFolder
    environments: tuple[Environment, ...] = ()
    secrets: Mapping[tuple[str, str], str] = field(default_factory=lambda: _NO_SECRETS)
    report: tuple[ReportLine, ...] = ()
    recorded: tuple[RecordedExchange, ...] = ()

    def requests(self) -> list[tuple[str, SavedRequest]]:
        """Every request with its folder path (``A / B``; ``""`` at the top), in order."""
        found: list[tuple[str, SavedRequest]] = []

        def walk(folder: ImportedFolder, path: str) -> None:
            for item in folder.items:
                if isinstance(item, ImportedFolder):
                    walk(item, f"{path} / {item.name}" if path else item.name)
                else:
                    found.append((path, item))

        walk(self.root, "")
        return found

    def folders(self) -> list[str]:
        """Every folder's path (``A / B``), in order; the root is not counted."""
        found: list[str] = []

        def walk(folder: ImportedFolder, path: str) -> None:
            for item in folder.items:
                if isinstance(item, ImportedFolder):
                    inner = f"{path} / {item.name}" if path else item.name
                    found.append(inner)
                    walk(item, inner)

        walk(self.root, "")
        return found

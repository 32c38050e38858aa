"""Pure converters between other tools' files and the core model: text in, an ``Imported``
collection and a report out (import); core model in, text out (export). No Qt, no httpx, no
file I/O: callers read and write the files (``app.storage``, ``app.cli``, ``app.ui``).

Each format is a private module with ``sniff(data, name) -> bool`` (cheap: is this mine?)
and ``read(data, name, include=None) -> Imported``. Errors: ``FormatError`` (one sentence),
never another exception, whatever the bytes.
"""

import importlib
from collections.abc import Callable
from types import ModuleType

from app.formats._model import (
    FormatError,
    Imported,
    ImportedFolder,
    Include,
    RecordedExchange,
    ReportLine,
)

__all__ = [
    "FORMAT_NAMES",
    "FormatError",
    "Imported",
    "ImportedFolder",
    "Include",
    "RecordedExchange",
    "ReportLine",
    "detect",
    "read_any",
]

# Asked in this order: the formats that say what they are (a schema URL, a version key)
# first, a cURL command (any text starting with "curl") last. Imported only when asked, so
# the window starts without them.
_MODULES = ("postman", "insomnia", "har", "openapi", "raml", "curl")

FORMAT_NAMES = (
    "a Postman collection or environment, an Insomnia export, a HAR file, an OpenAPI or "
    "Swagger description, a RAML 1.0 definition or a cURL command"
)
"""What ``read_any`` reads, in words for a sentence."""


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"app.formats.{name}")


def detect(data: bytes, name: str) -> str | None:
    """The module name (``"postman"``) of the format ``data`` is in, or ``None``."""
    for module in _MODULES:
        if _module(module).sniff(data, name):
            return module
    return None


def read_any(
    data: bytes,
    name: str,
    include: Include | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Imported:
    """``data`` (from a file called ``name``) read by the importer of its format; raises
    ``FormatError`` with one sentence when no importer knows it or it is broken.
    ``progress(done, total)`` hears from importers that can say (OpenAPI, the slow one)."""
    module = detect(data, name)
    if module is None:
        shown = name or "The text"
        raise FormatError(f"{shown} is not something this app can import: give {FORMAT_NAMES}.")
    reader = _module(module)
    if module == "openapi" and progress is not None:
        imported: Imported = reader.read(data, name, include, progress=progress)
    else:
        imported = reader.read(data, name, include)
    return imported

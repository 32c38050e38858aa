"""Pure converters between other tools' files and the core model: text in, an ``Imported``
collection and a report out (import); core model in, text out (export). No Qt, no httpx, no
file I/O: callers read and write the files (``app.storage``, ``app.cli``, ``app.ui``).

Each format is a private module with ``sniff(data, name) -> bool`` (cheap: is this mine?)
and ``read(data, name, include=None) -> Imported``. Errors: ``FormatError`` (one sentence),
never another exception, whatever the bytes.
"""

from app.formats._model import (
    FormatError,
    Imported,
    ImportedFolder,
    Include,
    RecordedExchange,
    ReportLine,
)

__all__ = [
    "FormatError",
    "Imported",
    "ImportedFolder",
    "Include",
    "RecordedExchange",
    "ReportLine",
]

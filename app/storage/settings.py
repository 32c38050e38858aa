"""The user's settings, as JSON in the data folder.

The data folder is ``$API_EXPLORER_HOME`` when set (tests always set it), else
``$XDG_CONFIG_HOME/api-explorer`` (``~/.config/api-explorer``). It is created when missing,
and is readable only by the user (it holds history, drafts and perhaps secrets).

``SettingsStore.load`` always returns usable ``Settings``, whatever the file holds: every
value has its type and lies in its range (``TIMEOUT_SECONDS``, ``HISTORY_MAX_ENTRIES``,
``HISTORY_MAX_MB``, ``RESPONSE_MAX_MB``, ``RECENT_COLLECTIONS_KEPT``), the ranges the
window's controls offer.
A file that is not JSON, or holds a value the app would never write, is set aside
(``settings.json.damaged-<time>``) and ``problem`` says what was used instead.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import TypeVar

from app.core import json_strict
from app.core.preferences import (
    HISTORY_MAX_ENTRIES,
    HISTORY_MAX_MB,
    RECENT_COLLECTIONS_KEPT,
    RESPONSE_MAX_MB,
    STREAM_ABOVE_MB,
    THEMES,
    TIMEOUT_SECONDS,
)
from app.storage.fs import atomic_write, private_folder, set_aside

__all__ = [
    "HISTORY_MAX_ENTRIES",
    "HISTORY_MAX_MB",
    "RECENT_COLLECTIONS_KEPT",
    "RESPONSE_MAX_MB",
    "TIMEOUT_SECONDS",
    "Settings",
    "SettingsStore",
    "data_dir",
]

_Number = TypeVar("_Number", int, float)


def data_dir() -> Path:
    """The folder for all settings and data, created when missing, mode 0700."""
    home = os.environ.get("API_EXPLORER_HOME")
    if home:
        path = Path(home)
    else:
        config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        path = Path(config) / "api-explorer"
    return private_folder(path)


@dataclass(frozen=True, slots=True)
class Settings:
    """What the user chose that outlives a session. ``base_url`` empty means "the demo API"."""

    timeout_seconds: float = 30.0
    base_url: str = ""
    recent_collections: tuple[str, ...] = ()
    history_max_entries: int = 1000
    history_max_mb: int = 200
    # The largest decoded response body read; past it the response is refused in a sentence.
    response_max_mb: int = 512
    # Bodies larger than this stream to a file and show through a worker's index.
    stream_above_mb: int = 8
    theme: str = "system"
    # The window's geometry and dock layout (Qt's saveGeometry/saveState, hex), the sizes of
    # its request/response split, and the request builder's page: "" or -1 for the defaults.
    window_geometry: str = ""
    window_state: str = ""
    split_sizes: tuple[int, ...] = ()
    request_page: int = -1

    def with_recent(self, folder: str, *, keep: int = RECENT_COLLECTIONS_KEPT) -> Settings:
        """``folder`` first among the recent collections (no duplicates, at most ``keep``)."""
        rest = tuple(f for f in self.recent_collections if f != folder)
        return replace(self, recent_collections=(folder, *rest)[:keep])


class SettingsStore:
    """Loads and saves ``settings.json``; a damaged file is set aside, reported, not used."""

    FILE_NAME = "settings.json"

    def __init__(self, folder: Path) -> None:
        self.path = folder / self.FILE_NAME
        self.problem: str | None = None

    def load(self) -> Settings:
        """The saved settings, each one valid; defaults for what is missing or damaged."""
        self.problem = None
        try:
            raw = json_strict.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Settings()
        except (OSError, ValueError) as exc:
            self._set_aside(f"could not be read ({exc}), so the defaults are used")
            return Settings()
        if not isinstance(raw, dict):
            self._set_aside("are not a JSON object, so the defaults are used")
            return Settings()
        settings, complaints = _settings(raw)
        if complaints:
            self._set_aside("are partly unusable: " + "; ".join(complaints))
        return settings

    def _set_aside(self, what: str) -> None:
        try:
            kept = f"The file was kept as {set_aside(self.path)}."
        except OSError as exc:
            kept = f"It could not be set aside ({exc}) and is replaced when the app closes."
        self.problem = f"Settings in {self.path} {what}. {kept}"

    def save(self, settings: Settings) -> None:
        text = json.dumps(asdict(settings), indent=2, sort_keys=True) + "\n"
        atomic_write(self.path, text.encode("utf-8"), private=True)


def _is_text(value: object) -> bool:
    """A string that can be written back as UTF-8 (JSON's ``"\\ud800"`` cannot)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _settings(raw: dict[str, object]) -> tuple[Settings, list[str]]:
    """Settings from a JSON object, and a phrase for each value that could not be used.

    Keys the app does not know are ignored: a newer version may have written them.
    """
    defaults = Settings()
    values: dict[str, object] = {}
    complaints: list[str] = []
    for field in fields(Settings):
        name = field.name
        default = getattr(defaults, name)
        if name not in raw:
            values[name] = default
            continue
        value = raw[name]
        if (
            name == "timeout_seconds"
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            # Bounded before float(): an integer of 400 digits overflows a float.
            value = float(_bounded(name, value, TIMEOUT_SECONDS, complaints))
        elif name == "history_max_entries" and type(value) is int:
            value = _bounded(name, value, HISTORY_MAX_ENTRIES, complaints)
        elif name == "history_max_mb" and type(value) is int:
            value = _bounded(name, value, HISTORY_MAX_MB, complaints)
        elif name == "response_max_mb" and type(value) is int:
            value = _bounded(name, value, RESPONSE_MAX_MB, complaints)
        elif name == "stream_above_mb" and type(value) is int:
            value = _bounded(name, value, STREAM_ABOVE_MB, complaints)
        elif (
            (name == "base_url" and _is_text(value))
            or (name == "theme" and value in THEMES)
            or (name in ("window_geometry", "window_state") and _is_hex(value))
        ):
            pass
        elif name == "split_sizes" and _is_sizes(value):
            value = tuple(value)  # type: ignore[arg-type]
        elif name == "request_page" and type(value) is int and -1 <= value < _PAGES:
            pass
        elif name == "recent_collections" and isinstance(value, list):
            folders = tuple(v for v in value if _is_text(v) and v)
            if len(folders) != len(value):
                complaints.append(f"{name} holds entries that are not folder names")
            value = tuple(dict.fromkeys(folders))[:RECENT_COLLECTIONS_KEPT]
        else:
            complaints.append(f"{name} is not valid, so its default is used")
            value = default
        values[name] = value
    return Settings(**values), complaints  # type: ignore[arg-type]


_PAGES = 16  # more than the request builder has
_MAX_LAYOUT_HEX = 64 * 1024  # Qt's saved layouts are a few hundred bytes


def _is_hex(value: object) -> bool:
    return (
        isinstance(value, str)
        and len(value) <= _MAX_LAYOUT_HEX
        and all(c in "0123456789abcdef" for c in value)
    )


def _is_sizes(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) <= 4
        and all(type(v) is int and 0 <= v <= 100_000 for v in value)
    )


def _bounded(
    name: str, value: _Number, bounds: tuple[_Number, _Number], complaints: list[str]
) -> _Number:
    """``value`` within ``bounds``; a value beyond them gets the nearer bound, and a complaint."""
    low, high = bounds
    if value < low:
        complaints.append(f"{name} is less than {low}, so {low} is used")
        return low
    if value > high:  # also inf, which "1e400" reads as
        complaints.append(f"{name} is more than {high}, so {high} is used")
        return high
    return value

"""The user's settings, as JSON in the data folder.

The data folder is ``$API_EXPLORER_HOME`` when set (tests always set it), else
``$XDG_CONFIG_HOME/api-explorer`` (``~/.config/api-explorer``). It is created when missing.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from app.storage.fs import atomic_write

__all__ = ["Settings", "SettingsStore", "data_dir"]


def data_dir() -> Path:
    """The folder for all settings and data, created when missing."""
    home = os.environ.get("API_EXPLORER_HOME")
    if home:
        path = Path(home)
    else:
        config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        path = Path(config) / "api-explorer"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True, slots=True)
class Settings:
    """What the user chose that outlives a session. ``base_url`` empty means "the demo API"."""

    timeout_seconds: float = 30.0
    base_url: str = ""
    recent_collections: tuple[str, ...] = ()
    history_max_entries: int = 1000
    history_max_mb: int = 200

    def with_recent(self, folder: str, *, keep: int = 8) -> Settings:
        """``folder`` first among the recent collections (no duplicates, at most ``keep``)."""
        rest = tuple(f for f in self.recent_collections if f != folder)
        return replace(self, recent_collections=(folder, *rest)[:keep])


class SettingsStore:
    """Loads and saves ``settings.json``; a damaged file is reported, kept, and not used."""

    FILE_NAME = "settings.json"

    def __init__(self, folder: Path) -> None:
        self.path = folder / self.FILE_NAME
        self.problem: str | None = None

    def load(self) -> Settings:
        self.problem = None
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Settings()
        except (OSError, ValueError) as exc:
            self.problem = f"Settings in {self.path} could not be read ({exc}); defaults are used."
            return Settings()
        if not isinstance(raw, dict):
            self.problem = f"Settings in {self.path} are not a JSON object; defaults are used."
            return Settings()
        defaults = Settings()
        values: dict[str, object] = {}
        for field in fields(Settings):
            value = raw.get(field.name, getattr(defaults, field.name))
            expected = type(getattr(defaults, field.name))
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if (
                expected is tuple
                and isinstance(value, list)
                and all(isinstance(v, str) for v in value)
            ):
                value = tuple(value)
            if not isinstance(value, expected):
                self.problem = (
                    f"Setting {field.name} in {self.path} is invalid; its default is used."
                )
                value = getattr(defaults, field.name)
            values[field.name] = value
        return Settings(**values)  # type: ignore[arg-type]

    def save(self, settings: Settings) -> None:
        text = json.dumps(asdict(settings), indent=2, sort_keys=True) + "\n"
        atomic_write(self.path, text.encode("utf-8"), private=True)

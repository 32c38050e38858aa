"""The open tabs and their unsaved edits, kept in the data folder as the user types.

One JSON file (``drafts/session.json``) written atomically: after a crash or a kill the
next start finds either the previous or the latest complete session, never half of one.
Requests inside it are stored in the collection YAML format, so a draft reads like the
file it will become.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from app.core.collection import CollectionFileError
from app.core.tabs import OpenTab, TabSession
from app.storage.collection_files import dump_request, parse_request
from app.storage.fs import atomic_write

__all__ = ["DraftStore"]

_VERSION = 1


class DraftStore:
    """Saves and restores a ``TabSession``. A damaged file is set aside, never lost."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "drafts" / "session.json"
        self.problem: str | None = None

    def save(self, session: TabSession) -> None:
        data = {
            "version": _VERSION,
            "collection": session.collection_root,
            "environment": session.environment,
            "active": session.active,
            "tabs": [_tab_data(tab) for tab in session.tabs],
        }
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        # Drafts hold whatever the user typed: readable only by them.
        atomic_write(self.path, text.encode("utf-8"), private=True)

    def load(self) -> TabSession | None:
        """The last saved session, or ``None`` when there is none or it cannot be read
        (then ``problem`` says so and the file is kept beside, renamed)."""
        self.problem = None
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return _session(raw)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, CollectionFileError) as exc:
            kept = self.path.with_name(f"session.damaged-{int(time.time())}.json")
            try:
                self.path.replace(kept)
            except OSError:
                kept = self.path
            self.problem = (
                f"The unsaved tabs of the last session could not be restored ({exc}). "
                f"The file is kept as {kept}."
            )
            return None


def _tab_data(tab: OpenTab) -> dict[str, Any]:
    return {
        "id": tab.id,
        "source": tab.source,
        "collection": tab.collection,
        "saved": dump_request(tab.saved) if tab.saved is not None else None,
        "current": dump_request(tab.current),
    }


def _session(raw: Any) -> TabSession:
    if not isinstance(raw, dict) or raw.get("version") != _VERSION:
        raise ValueError("unknown draft format")
    tabs = []
    for item in raw["tabs"]:
        saved = item.get("saved")
        tabs.append(
            OpenTab(
                id=str(item["id"]),
                current=parse_request(item["current"], "draft"),
                saved=parse_request(saved, "draft") if saved is not None else None,
                source=item.get("source"),
                collection=item.get("collection"),
            )
        )
    active = raw.get("active", 0)
    return TabSession(
        tabs=tuple(tabs),
        active=active if isinstance(active, int) and 0 <= active < len(tabs) else 0,
        collection_root=raw.get("collection"),
        environment=raw.get("environment"),
    )

"""The open tabs and their unsaved edits, kept in the data folder as the user types.

One JSON file (``drafts/session.json``) written atomically: after a crash or a kill the
next start finds either the previous or the latest complete session, never half of one.
Requests inside it are stored in the collection YAML format, so a draft reads like the
file it will become.

``DraftStore.load`` never raises for what the file holds: each tab is checked against the
shape ``save`` writes, the tabs that pass are restored, and a file with anything else in it
is set aside (``session.json.damaged-<time>``) with ``problem`` saying so, so that nothing
typed is lost and the next save starts a clean file.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from app.core import json_strict
from app.core.collection import CollectionFileError, SavedRequest
from app.core.tabs import OpenTab, TabSession
from app.storage.collection_files import dump_request, parse_request
from app.storage.fs import atomic_write, set_aside

__all__ = ["DraftStore"]

_VERSION = 1
_DAMAGE_SHOWN = 3  # problems named in the notice; a file of 10,000 broken tabs says "and N more"


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
        """The last saved session (its tabs that could be read), or ``None`` when there is
        none or nothing in it can be used. When the file held anything that could not be
        used, ``problem`` says so and the file is kept beside, renamed."""
        self.problem = None
        try:
            raw = json_strict.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            self._set_aside(f"The unsaved tabs of the last session could not be restored ({exc}).")
            return None
        session, damage = _session(raw)
        if damage is not None:
            self._set_aside(damage)
        return session

    def _set_aside(self, what: str) -> None:
        try:
            kept = f"The file is kept as {set_aside(self.path)}."
        except OSError as exc:
            kept = f"The file {self.path} could not be set aside ({exc})."
        self.problem = f"{what} {kept}"


def _tab_data(tab: OpenTab) -> dict[str, Any]:
    # The body goes beside the YAML as a JSON string: YAML for a 10 MB body takes far longer
    # than JSON and holds the GIL meanwhile (the window stutters while drafts are written).
    return {
        "id": tab.id,
        "source": tab.source,
        "collection": tab.collection,
        "saved": dump_request(replace(tab.saved, body="")) if tab.saved is not None else None,
        "saved_body": tab.saved.body if tab.saved is not None else None,
        "current": dump_request(replace(tab.current, body="")),
        "current_body": tab.current.body,
    }


def _request(item: dict[str, Any], key: str, what: str) -> SavedRequest:
    request = parse_request(_text(item.get(key), what), what)
    body = item.get(f"{key}_body")
    # Drafts written before the body moved out keep it in the YAML.
    return request if body is None else replace(request, body=_text(body, f"{what}'s body"))


class _Damaged(ValueError):
    """A part of the file is not what ``DraftStore.save`` writes; ``str()`` says which."""


def _text(value: object, what: str) -> str:
    """``value`` when it is a string that ``save`` can write back."""
    if not isinstance(value, str):
        raise _Damaged(f"{what} is not text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # "\ud800" in JSON reads as a lone surrogate
        raise _Damaged(f"{what} is not valid text") from None
    return value


def _optional_text(value: object, what: str) -> str | None:
    return None if value is None else _text(value, what)


def _tab(item: object) -> OpenTab:
    if not isinstance(item, dict):
        raise _Damaged("it is not a JSON object")
    try:
        return OpenTab(
            id=_text(item.get("id"), "its id"),
            current=_request(item, "current", "its request"),
            saved=(
                _request(item, "saved", "its saved request")
                if item.get("saved") is not None
                else None
            ),
            source=_optional_text(item.get("source"), "its file name"),
            collection=_optional_text(item.get("collection"), "its collection"),
        )
    except CollectionFileError as exc:
        raise _Damaged(str(exc)) from None


def _session(raw: object) -> tuple[TabSession | None, str | None]:
    """The session in a parsed file, and a sentence when some of it could not be used."""
    lost = "The unsaved tabs of the last session could not be restored"
    if not isinstance(raw, dict):
        return None, f"{lost} (the file is not a JSON object)."
    if raw.get("version") != _VERSION:
        return None, f"{lost} (the file is in an unknown format)."
    items = raw.get("tabs")
    if not isinstance(items, list):
        return None, f"{lost} (the file holds no list of tabs)."
    tabs: list[OpenTab] = []
    index_of: dict[int, int] = {}  # position in the file -> position among ``tabs``
    ids: set[str] = set()
    damage: list[str] = []
    for number, item in enumerate(items):
        try:
            tab = _tab(item)
            if tab.id in ids:
                raise _Damaged("its id is another tab's")
        except _Damaged as exc:
            damage.append(f"tab {number + 1}: {exc}")
            continue
        index_of[number] = len(tabs)
        ids.add(tab.id)
        tabs.append(tab)
    names: dict[str, str | None] = {}
    for key, what in (("collection", "the collection"), ("environment", "the environment")):
        try:
            names[key] = _optional_text(raw.get(key), what)
        except _Damaged as exc:
            names[key] = None
            damage.append(str(exc))
    active = raw.get("active", 0)
    session = TabSession(
        tabs=tuple(tabs),
        active=index_of.get(active, 0) if type(active) is int else 0,
        collection_root=names["collection"],
        environment=names["environment"],
    )
    if not damage:
        return session, None
    shown = "; ".join(damage[:_DAMAGE_SHOWN])
    if len(damage) > _DAMAGE_SHOWN:
        shown += f"; and {len(damage) - _DAMAGE_SHOWN} more"
    return session, f"The last session could not be fully restored ({shown})."

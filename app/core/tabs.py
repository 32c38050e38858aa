"""The requests open in tabs, each with its unsaved edits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from app.core.collection import SavedRequest

__all__ = ["NEW_REQUEST_NAME", "OpenTab", "TabSession", "new_tab"]

NEW_REQUEST_NAME = "New request"


@dataclass(frozen=True, slots=True)
class OpenTab:
    """One open request. ``saved`` is what its file held when the tab last loaded or saved
    it (``None`` for a request never saved); ``current`` is what the editors hold.
    ``source`` is the request file, relative to the folder of ``collection``."""

    id: str
    current: SavedRequest
    saved: SavedRequest | None = None
    source: str | None = None
    collection: str | None = None

    @property
    def dirty(self) -> bool:
        """True when closing the tab would lose something the user typed."""
        if self.saved is None:
            return self.current != SavedRequest(self.current.name)
        return self.current != self.saved

    @property
    def title(self) -> str:
        return self.current.name or NEW_REQUEST_NAME

    def edited(self, current: SavedRequest) -> OpenTab:
        return replace(self, current=current)

    def saved_as(self, request: SavedRequest, source: str, collection: str) -> OpenTab:
        return replace(self, current=request, saved=request, source=source, collection=collection)

    def belongs_to(self, collection: str | None, source: str) -> bool:
        return self.collection == collection and self.source == source


def new_tab(
    request: SavedRequest | None = None,
    source: str | None = None,
    collection: str | None = None,
) -> OpenTab:
    """A tab for ``request`` as loaded from ``source`` in ``collection``, or a blank one."""
    if request is None:
        return OpenTab(uuid.uuid4().hex, SavedRequest(NEW_REQUEST_NAME))
    saved = request if source else None
    return OpenTab(uuid.uuid4().hex, request, saved, source, collection if source else None)


@dataclass(frozen=True, slots=True)
class TabSession:
    """Everything needed to bring the window back after a crash: open tabs, the active
    one, and the collection they belong to."""

    tabs: tuple[OpenTab, ...] = ()
    active: int = 0
    collection_root: str | None = None
    environment: str | None = None

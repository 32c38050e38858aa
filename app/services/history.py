"""The request history as the window uses it: search with the search box's language, keep a
shown list in step with new recordings, limits, and reopening an entry as a request.

A thin service over ``HistoryStore`` so that widgets never reach storage: every failure
comes back as ``HistoryError`` whose ``str()`` is a sentence for the user.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.collection import SavedRequest
from app.core.history_query import HistoryQuery
from app.formats import Imported
from app.services.history_records import had_mac_signature, request_from_history
from app.storage.history import (
    HistoryEntry,
    HistoryError,
    HistoryStore,
    HistorySummary,
    summary_matches,
)

__all__ = ["HistoryEntry", "HistoryError", "HistoryService", "HistorySummary", "Reopened"]

_MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Reopened:
    """A history entry turned back into a request, with a notice when something was left
    out (a one-time MAC signature)."""

    request: SavedRequest
    notice: str | None


class HistoryService:
    """What the history panel and the window need from the history store."""

    def __init__(self, store: HistoryStore) -> None:
        self.store = store

    @property
    def removals(self) -> int:
        """See ``HistoryStore.removals``."""
        return self.store.removals

    def limits(self) -> tuple[int, int]:
        """(entries, megabytes) kept at most."""
        return self.store.max_entries, max(1, self.store.max_bytes // _MB)

    def set_limits(self, entries: int, megabytes: int) -> None:
        """Apply new limits now (the oldest entries go first); ``ValueError`` when refused."""
        self.store.set_limits(max_entries=entries, max_bytes=megabytes * _MB)

    def search(self, query: HistoryQuery, limit: int) -> list[HistorySummary]:
        """Newest first; ``ValueError`` with a sentence for a status it cannot read."""
        return self.store.search(
            query.text,
            method=query.method,
            status=query.status,
            error_code=query.error_code,
            limit=limit,
        )

    @staticmethod
    def matches(summary: HistorySummary, query: HistoryQuery) -> bool:
        """Whether ``search(query)`` would list ``summary``."""
        return summary_matches(
            summary,
            query.text,
            method=query.method,
            status=query.status,
            error_code=query.error_code,
        )

    def summary(self, entry_id: int) -> HistorySummary | None:
        return self.store.summary(entry_id)

    def existing_ids(self, ids: list[int]) -> set[int]:
        return self.store.existing_ids(ids)

    def record_imported(self, imported: Imported) -> int:
        """Keep the responses an import recorded (HAR) as history entries; how many."""
        from app.services.importing import record_in_history

        return record_in_history(imported, self.store)

    def entries(self, ids: list[int]) -> list[HistoryEntry]:
        """The entries of ``ids`` still in history, in that order. Raises ``HistoryError``."""
        found = (self.store.get(entry_id) for entry_id in ids)
        return [entry for entry in found if entry is not None]

    def clear(self) -> None:
        self.store.clear()

    def reopen(self, entry_id: int) -> Reopened:
        """The recorded request of ``entry_id`` (secrets come back as ``{{name}}``)."""
        try:
            entry = self.store.get(entry_id)
        except HistoryError as exc:
            raise HistoryError(f"That history entry could not be opened: {exc}") from exc
        if entry is None:
            raise HistoryError("That history entry is gone.")
        notice = None
        if entry.auth is None and had_mac_signature(entry):
            notice = (
                "The old MAC signature was not copied (it is valid for one send only): choose "
                "Paysera MAC in the Auth tab to sign each send afresh."
            )
        return Reopened(request_from_history(entry), notice)

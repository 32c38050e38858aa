"""What the response pane shows for a tab's last result, or for a history entry.

Kept as data by the session (``app.services.session.TabResult``) so that switching back to a
tab shows it again; drawn here.
"""

from __future__ import annotations

import time

from app.core.display_text import describe_size
from app.core.exchange import Exchange
from app.core.outcome import FailureKind, TransportFailure
from app.services.history import HistoryEntry
from app.services.history_records import recorded_exchange
from app.services.session import Cancelled, Finished, Recorded, Refused, Sending, TabResult
from app.ui.response_pane import ResponsePane, indexed_note

__all__ = ["show_history_entry", "show_result"]

NOTHING_YET = "Press Send (Ctrl+Enter) to see the response here."


def show_result(pane: ResponsePane, result: TabResult | None) -> None:
    if result is None:
        pane.clear()
        pane.show_message(NOTHING_YET)
    elif isinstance(result, Refused):
        pane.show_refused(result.message)
    elif isinstance(result, Sending):
        pane.show_sending(result.method, result.url)
    elif isinstance(result, Cancelled):
        pane.show_cancelled()
    elif isinstance(result, Recorded):
        show_history_entry(pane, result.entry, result.exchange)
    elif isinstance(result, Finished):
        outcome = result.outcome
        if outcome.refusal is not None:
            pane.show_refused(outcome.refusal.message)
            return
        if outcome.exchange is not None:
            pane.show_exchange(outcome.exchange)
        elif outcome.failure is not None:
            pane.show_failure(outcome.failure)
        if outcome.request is not None:
            pane.show_sent_request(outcome.request, outcome.secrets)
        warning = outcome.plan.warning if outcome.plan is not None else None
        if warning:
            pane.show_warning(warning)


def show_history_entry(pane: ResponsePane, entry: HistoryEntry, exchange: Exchange | None) -> None:
    """A recorded exchange, read and parsed off the GUI thread (``exchange`` is ``None`` when
    no response came)."""
    request, _ = recorded_exchange(entry)
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(entry.sent_at))
    if exchange is None:
        pane.show_failure(TransportFailure(FailureKind.OTHER, entry.failure or "No response."))
    else:
        pane.show_exchange(exchange)
    pane.show_sent_request(request, {})  # history holds no secrets
    if entry.warning:
        pane.show_warning(entry.warning)
    recorded = f"Recorded in history: {entry.method} {entry.url} at {when}."
    if exchange is not None and exchange.indexed:
        recorded += " " + indexed_note(describe_size(len(exchange.response.body)))
    pane.show_message(recorded)

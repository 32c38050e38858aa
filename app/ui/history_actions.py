"""What clicking the history list does: the entry opens in a tab of its own, named after it,
showing the request as sent and the response as recorded; it never replaces another tab's
response. One such tab is reused for the next entry clicked until the user edits it (as an
editor's preview tab); "Open in new tab" always opens a new one.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from app.core.collection import SavedRequest
from app.core.exchange import Exchange
from app.core.tabs import new_tab
from app.core.urls import request_key
from app.services.comparing import Comparison, compare_replay
from app.services.history import HistoryEntry, HistoryError
from app.services.history_records import request_from_history
from app.services.importing import OpenedBundle
from app.services.pipeline import Outcome
from app.services.session import Recorded
from app.ui.background import Background

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

__all__ = ["HistoryActions", "entry_title"]


def entry_title(entry: HistoryEntry) -> str:
    """A tab title that names the entry: "History 14:02:11 GET /payments"."""
    when = time.strftime("%H:%M:%S", time.localtime(entry.sent_at))
    path = entry.url.split("://", 1)[-1].partition("/")[2].partition("?")[0]
    return f"History {when} {entry.method} /{path}"


class HistoryActions(QObject):
    """Connects the history panel and the pipeline's history reads to the session's tabs."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        # The tab that shows the last entry clicked, and what it showed (edited: kept).
        self._preview_id = ""
        self._preview_request: SavedRequest | None = None
        window.history_panel.entry_opened.connect(self.show_entry)
        window.history_panel.entry_reopened.connect(self.reopen_entry)
        window.sends.history_opened.connect(self._on_sends_history_opened)
        window.sends.history_failed.connect(self._on_sends_history_failed)
        window.sends.bundle_opened.connect(self._on_sends_bundle_opened)
        window.sends.finished.connect(self._on_sends_finished)
        self._comparing = Background(self._on_compared, self, "compare-replay")
        # Tabs opened from a bundle: what they recorded, to compare each replay with.
        self._recorded: dict[str, HistoryEntry] = {}
        window.sends.bundle_failed.connect(window.show_error)

    def show_entry(self, entry_id: int) -> None:
        """Read the entry (off the GUI thread) and show it in the history tab."""
        self.window.statusBar().showMessage("Opening the history entry…")
        self.window.sends.open_history_entry(entry_id)

    def _on_sends_history_failed(self, message: str) -> None:
        # Said beside the list the user clicked (and in the status bar), never over a tab's
        # own response.
        self.window.history_panel.show_problem(message)
        self.window.statusBar().showMessage(message)

    def _on_sends_history_opened(self, entry: HistoryEntry, exchange: Exchange | None) -> None:
        session = self.window.session
        request = replace(request_from_history(entry), name=entry_title(entry))
        preview = session.get(self._preview_id)
        # A view of the entry, not an edit: "saved" as shown, so it is not marked unsaved
        # and closes without a question. Edited, it is a request of its own (kept).
        if preview is not None and preview.current == self._preview_request:
            session.update(replace(preview, current=request, saved=request), reloaded=True)
            session.activate(preview.id)
        else:
            preview = replace(new_tab(request), saved=request)
            self._preview_id = preview.id
            session.open(preview)
        self._preview_request = request
        self.window.area.show_result(preview.id, Recorded(entry, exchange))
        self.window.statusBar().clearMessage()

    def open_bundle(self, path: Path | None = None) -> None:
        """Open a reproduction bundle (asked for when ``path`` is ``None``): read off the GUI
        thread, then shown in a tab of its own, ready to replay."""
        if path is None:
            path = self.window.prompts.choose_open_path(
                "Open a reproduction bundle", "Reproduction bundles (*.apx);;All files (*)"
            )
            if path is None:
                return
        self.window.statusBar().showMessage(f"Opening {path}…")
        self.window.sends.open_bundle(path)

    def _on_sends_bundle_opened(self, opened: OpenedBundle) -> None:
        window = self.window
        # A view of what was recorded (not an edit); Send replays it, re-signed, with the
        # secrets of the environment chosen now.
        tab = replace(new_tab(opened.request), saved=opened.request)
        self._recorded[tab.id] = opened.entry
        window.session.open(tab)
        window.area.show_result(tab.id, Recorded(opened.entry, opened.exchange))
        bundle = opened.bundle
        facts = [f"Reproduction recorded {bundle.created:%Y-%m-%d %H:%M} UTC"]
        if bundle.environment:
            facts.append(f'in the environment "{bundle.environment}"')
        if bundle.correlation_id:
            facts.append(f"correlation id {bundle.correlation_id}")
        note = f" Note: {bundle.note}" if bundle.note else ""
        window.response_pane.show_message(
            ", ".join(facts) + f".{note} Choose an environment and press Send to replay it."
        )
        window.statusBar().clearMessage()

    def _on_sends_finished(self, tab_id: str, outcome: Outcome) -> None:
        recorded = self._recorded.get(tab_id)
        if recorded is None or outcome.exchange is None:
            return
        response, secrets = outcome.exchange.response, outcome.secrets
        memory = self.window.memory
        key = request_key(recorded.method, recorded.url)
        ignored = memory.ignored(key) if memory is not None else ()

        def compare() -> tuple[str, Comparison | str, str]:
            comparison = compare_replay(recorded, response, secrets)
            if isinstance(comparison, str):
                return tab_id, comparison, ""
            try:
                summary = comparison.diff(ignored).summary()
            except ValueError:  # a remembered pattern this version cannot read
                summary = comparison.diff().summary()
            return tab_id, comparison, summary

        self._comparing.run(compare)

    def _on_compared(self, compared: tuple[str, Comparison | str, str]) -> None:
        tab_id, comparison, summary = compared
        window = self.window
        active = window.active_tab()
        if active is None or active.id != tab_id:
            return
        pane = window.response_pane
        if isinstance(comparison, str):
            pane.show_message(f"Replayed. {comparison}")
            return
        pane.show_message(f"Replayed. Against the recorded response: {summary}.")
        if summary != "No differences":
            recorded = self._recorded[tab_id]
            title = f"Replay against the recording: {active.title}"
            key = request_key(recorded.method, recorded.url)

            def show() -> None:
                window.show_diff(title, comparison, key, ("Recorded", "Replayed"))

            pane.offer("Show the differences…", show)

    def reopen_entry(self, entry_id: int) -> None:
        """Open a recorded request in a new tab (secrets come back as ``{{name}}``)."""
        try:
            reopened = self.window.history.reopen(entry_id)
        except HistoryError as exc:
            self.window.statusBar().showMessage(str(exc))
            return
        self.window.open_tab(new_tab(reopened.request))
        if reopened.notice:
            self.window.statusBar().showMessage(reopened.notice)

"""Requests, collections and history leaving the app, from the window.

- Edit > Copy as cURL / HTTPie / Python httpx: the active tab's request as it would be sent
  now (variables resolved, auth applied), secrets as ``{{name}}``; the history list's context
  menu copies a recorded request the same way.
- File > Export: the open collection as Postman v2.1, the active request as a snippet file,
  and history entries (the selected ones, else those the list shows) as HAR 1.2.

Everything is built by ``app.services.exporting``; this module asks where to and says what
happened.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu

from app.core.urls import request_key
from app.formats import FormatError
from app.services.comparing import Comparison, compare_entries
from app.services.exporting import (
    SNIPPET_NAMES,
    bundle_of,
    entry_as_har,
    export_postman,
    history_har,
    history_snippet,
    outcome_as_har,
    request_snippet,
)
from app.services.files import save_file
from app.services.history import HistoryEntry, HistoryError
from app.services.session import Finished
from app.ui.background import Background

if TYPE_CHECKING:
    from app.formats.har_export import HarEntry
    from app.ui.main_window import MainWindow

__all__ = ["ExportActions"]

_Compared: TypeAlias = "tuple[str, tuple[str, str], str, Comparison] | str"
"""Two history entries compared: title, column headings, request key, comparison; or why
not, in a sentence."""

_SUFFIX = {"curl": "sh", "httpie": "sh", "httpx": "py"}


class ExportActions(QObject):
    """The window's copy and export commands (see the module docstring)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        view = window.history_panel.view
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._on_history_view_context_menu_requested)
        window.sidebar.export_requested.connect(self.export_collection)
        self._comparing = Background(self._on_compared, self, "compare")

    # --- the active request -----------------------------------------------------------------
    def _snippet(self, kind: str, *, include_secrets: bool = False) -> str | None:
        window = self.window
        tab = window.active_tab()
        if tab is None:
            return None
        builder = window.builder
        try:
            return request_snippet(
                window.pipeline,
                tab.current,
                tab.source,
                kind,
                base_url=builder.base_url_edit.text(),
                timeout_seconds=builder.timeout_spin.value(),
                include_secrets=include_secrets,
            )
        except ValueError as exc:
            window.show_error(f"The request cannot be copied as it would be sent: {exc}")
            return None

    def copy_request(self, kind: str, *, include_secrets: bool = False) -> None:
        """The active request as a ``kind`` snippet on the clipboard; secrets as
        ``{{name}}`` unless ``include_secrets``."""
        text = self._snippet(kind, include_secrets=include_secrets)
        if text is not None:
            QGuiApplication.clipboard().setText(text)
            if include_secrets:
                self._say(
                    f"Copied as {SNIPPET_NAMES[kind]} with the secret values in it: paste it "
                    "only where a password may go."
                )
            else:
                self._say(f"Copied as {SNIPPET_NAMES[kind]} (secrets as {{{{name}}}}).")

    def save_request(self, kind: str) -> None:
        """The active request as a ``kind`` snippet in a file the user picks."""
        text = self._snippet(kind)
        tab = self.window.active_tab()
        if text is None or tab is None:
            return
        self._save(
            f"Export the request as {SNIPPET_NAMES[kind]}",
            f"{tab.current.name}.{_SUFFIX[kind]}",
            text,
        )

    # --- the collection ---------------------------------------------------------------------
    def export_collection(self, item: Path | None = None) -> None:
        """The open collection (or its folder or request at ``item``) as a Postman v2.1
        file; what a folder inherits is written into it."""
        window = self.window
        loaded = window.collections.loaded
        if loaded is None:
            window.show_error("Open a collection first: there is nothing to export.")
            return
        part = None if item is None or item == Path(".") else item
        try:
            text = export_postman(loaded, part)
        except FormatError as exc:
            window.show_error(str(exc))
            return
        node = loaded.find(part) if part is not None else None
        name = loaded.name if node is None else f"{loaded.name} - {node.name}"
        self._save("Export as Postman v2.1", f"{name}.postman_collection.json", text)

    # --- history ----------------------------------------------------------------------------
    def _history_ids(self) -> list[int]:
        panel = self.window.history_panel
        return panel.selected_ids() or panel.shown_ids()

    def export_history(self) -> None:
        """The selected history entries (else those the list shows) as a HAR file."""
        window = self.window
        ids = self._history_ids()
        if not ids:
            window.show_error("History shows no entries to export.")
            return
        try:
            entries = window.history.entries(ids)
        except HistoryError as exc:
            window.show_error(str(exc))
            return
        from app.ui.window_menus import app_version  # that module builds this one

        text = history_har(entries, app_version())
        count = len(entries)
        self._save(
            f"Export {count} history entr{'y' if count == 1 else 'ies'} as HAR", "history.har", text
        )

    def _selected_entry(self) -> HistoryEntry | None:
        """The history entry selected in the list, read; a failure is said."""
        window = self.window
        entry_id = window.history_panel.selected_id()
        if entry_id is None:
            return None
        try:
            entries = window.history.entries([entry_id])
        except HistoryError as exc:
            window.show_error(str(exc))
            return None
        return entries[0] if entries else None

    def copy_history_entry(self, kind: str) -> None:
        """The selected history entry's request, as it was sent, as a ``kind`` snippet."""
        entry = self._selected_entry()
        if entry is not None:
            QGuiApplication.clipboard().setText(history_snippet(entry, kind))
            self._say(f"Copied the recorded request as {SNIPPET_NAMES[kind]}.")

    def history_menu(self) -> QMenu:
        """The history list's context menu."""
        menu = QMenu(self.window.history_panel)
        for kind, name in SNIPPET_NAMES.items():
            menu.addAction(f"Copy as {name}", partial(self.copy_history_entry, kind))
        menu.addSeparator()
        menu.addAction("Export as HAR…", self.export_history)
        menu.addAction("Share reproduction…", self.share_history_entry)
        compare = menu.addAction("Compare the two selected", self.compare_history_entries)
        compare.setEnabled(len(self.window.history_panel.selected_ids()) == 2)
        return menu

    def compare_history_entries(self) -> None:
        """How the newer of the two selected entries' responses differs from the older,
        JSON-aware, read and worked out off the GUI thread and shown side by side."""
        window = self.window
        ids = window.history_panel.selected_ids()
        if len(ids) != 2:
            window.show_error("Select two history entries to compare (Ctrl+click).")
            return
        self._say("Comparing…")
        history = window.history

        def work() -> _Compared:
            # Off the GUI thread too: two 50 MB entries take about 0.1 s to read.
            try:
                entries = history.entries(ids)
            except (HistoryError, ValueError) as exc:
                return str(exc)
            # The older is "before", whichever was selected first.
            older, newer = sorted(entries, key=lambda entry: (entry.sent_at, entry.id))
            title = f"{older.method} {older.url} → {newer.method} {newer.url}"
            labels = (_side("Before", older), _side("After", newer))
            compared = compare_entries(older, newer)
            if isinstance(compared, str):
                return compared
            return title, labels, request_key(newer.method, newer.url), compared

        self._comparing.run(work)

    def _on_compared(self, compared: _Compared) -> None:
        window = self.window
        window.statusBar().clearMessage()
        if isinstance(compared, str):
            window.show_error(compared)
            return
        title, labels, key, comparison = compared
        window.show_diff(f"Compare: {title}", comparison, key, labels)

    def share_history_entry(self) -> None:
        """A reproduction bundle of the selected entry, after showing what it takes out."""
        entry = self._selected_entry()
        if entry is not None:
            environment = self.window.workspace.environment
            # History keeps secrets as markers already; the environment chosen now names it.
            self._share(
                entry_as_har(entry),
                f"{entry.method} {entry.url}",
                self.window.workspace.secret_values(),
                environment.name if environment is not None else None,
            )

    def share_response(self) -> None:
        """A reproduction bundle of the active tab's request and what came back (Response >
        Share reproduction…), after showing what it takes out."""
        window = self.window
        tab = window.active_tab()
        result = window.session.result(tab.id) if tab is not None else None
        exchange = outcome_as_har(result.outcome) if isinstance(result, Finished) else None
        if exchange is None or not isinstance(result, Finished):
            window.show_error("Send the request first: there is nothing to share yet.")
            return
        outcome = result.outcome
        plan = outcome.plan
        # The secrets the send used (another environment may be chosen since), and every
        # secret of the environment chosen now; the environment it was sent in.
        self._share(
            exchange,
            f"{exchange.request.method} {exchange.request.url}",
            {**window.workspace.secret_values(), **outcome.secrets},
            plan.environment if plan is not None else None,
        )

    def _share(
        self,
        exchange: HarEntry,
        title: str,
        secrets: Mapping[str, str],
        environment: str | None,
    ) -> None:
        from app.formats.bundle import redactions  # not needed to start the window
        from app.ui.share_dialog import ShareDialog
        from app.ui.window_menus import app_version  # that module builds this one

        window = self.window
        dialog = ShareDialog(title, lambda marked: redactions(exchange, secrets, marked), window)
        if not window.prompts.run_dialog(dialog):
            return
        try:
            data = bundle_of(
                exchange,
                secrets=secrets,
                marked=dialog.marked(),
                environment=environment,
                note=dialog.note(),
                version=app_version(),
            )
        except FormatError as exc:
            window.show_error(f"The bundle was not written: {exc}")
            return
        path = window.prompts.choose_save_path("Save the reproduction bundle", "reproduction.apx")
        if path is None:
            return
        try:
            save_file(path, data)
        except OSError as exc:
            window.show_error(f"{path} could not be written ({exc.strerror or exc}).")
            return
        self._say(f"Saved the reproduction bundle {path}: replay it with api-explorer replay.")

    def _on_history_view_context_menu_requested(self, position: QPoint) -> None:
        if self.window.history_panel.selected_id() is None:
            return
        view = self.window.history_panel.view
        self.history_menu().exec(view.viewport().mapToGlobal(position))

    # --- helpers ----------------------------------------------------------------------------
    def _save(self, title: str, suggested: str, text: str) -> None:
        window = self.window
        path = window.prompts.choose_save_path(title, suggested.replace("/", "-"))
        if path is None:
            return
        try:
            save_file(path, text.encode("utf-8"))
        except OSError as exc:
            window.show_error(f"{path} could not be written ({exc.strerror or exc}).")
            return
        self._say(f"Saved {path}.")

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 10_000)


def _side(name: str, entry: HistoryEntry) -> str:
    """A column's heading: "Before (14:02:11, 200)"."""
    when = time.strftime("%H:%M:%S", time.localtime(entry.sent_at))
    return f"{name} ({when}, {entry.status})"

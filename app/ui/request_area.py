"""The request area: the tab strip, the request builder and the response pane, kept showing
the session's active tab.

``RequestArea`` loads the active tab into the builder, copies the builder's edits back into
the session, sends through the ``SendController`` and shows each tab's latest result (kept by
the session, so switching back to a tab shows it again).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from app.core.display_text import describe_size
from app.core.response import Progress
from app.core.tabs import OpenTab
from app.core.urls import request_key
from app.core.variables import fill_variables
from app.formats import FormatError
from app.services.pipeline import Refusal, SendPlan
from app.services.qt_adapter import SendController
from app.services.session import (
    Cancelled,
    Finished,
    Refused,
    Sending,
    Session,
    SessionEvent,
    TabActivated,
    TabChanged,
    TabResult,
)
from app.services.workspace import Workspace
from app.ui.request_builder import RequestBuilder
from app.ui.response_pane import ResponsePane
from app.ui.tab_results import show_result
from app.ui.tab_strip import TabStrip

__all__ = ["RequestArea"]


class RequestArea(QSplitter):
    """Tabs and the builder above, the response below."""

    changed = Signal()  # the session changed (edits, tabs): drafts should be kept

    def __init__(
        self,
        session: Session,
        sends: SendController,
        workspace: Workspace,
        top: QWidget,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.session = session
        self.sends = sends
        self.workspace = workspace
        self._loading = False  # the builder is being filled from a tab, not edited
        # Where the secrets of a pasted cURL command go: the active environment's secret
        # variables (the window sets this); returns that environment's name, or None.
        self.keep_secrets: Callable[[Mapping[str, str]], str | None] | None = None
        # Opens the environment editor where secret values are set (the window sets this).
        self.edit_secrets: Callable[[], None] | None = None
        # While the active tab's request is in flight, its elapsed time counts up on screen.
        self._sending: dict[str, tuple[Sending, float]] = {}  # tab id -> what, when
        self._progress: dict[str, Progress] = {}  # tab id -> the body's bytes so far
        self._in_flight_note_until = 0.0  # Send pressed again: say why nothing happened
        self._clock = QTimer(self)
        self._clock.setInterval(100)
        self._clock.timeout.connect(self._on_clock_timeout)
        self.tab_strip = TabStrip(session, self)
        self.builder = RequestBuilder(self)
        self.response_pane = ResponsePane(self)
        request_side = QWidget(self)
        layout = QVBoxLayout(request_side)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(top)
        layout.addWidget(self.tab_strip)
        layout.addWidget(self.builder, 1)
        self.addWidget(request_side)
        self.addWidget(self.response_pane)
        self.setStretchFactor(0, 2)
        self.setStretchFactor(1, 3)
        self.setContentsMargins(8, 8, 8, 0)

        session.subscribe(self._on_session_event)
        self.builder.send_requested.connect(self.send)
        self.builder.cancel_requested.connect(self.cancel)
        self.builder.edited.connect(self._on_builder_edited)
        self.builder.url_edit.textEdited.connect(self._on_url_edit_text_edited)
        self.builder.url_edit.textChanged.connect(self._on_url_edit_text_changed)
        self._url_text = self._url_before = ""  # the URL field now, and before its last change
        self.builder.target_changed.connect(self.update_target)
        self.builder.set_variable_describer(self.describe_variables)
        self.response_pane.error_panel.clock_check_requested.connect(self.compare_clock)
        sends.refused.connect(self._on_sends_refused)
        sends.started.connect(self._on_sends_started)
        sends.finished.connect(lambda tab_id, outcome: self.show_result(tab_id, Finished(outcome)))
        sends.cancelled.connect(lambda tab_id: self.show_result(tab_id, Cancelled()))
        sends.clock_checked.connect(self._on_sends_clock_checked)

    def active_tab(self) -> OpenTab | None:
        return self.session.active()

    # --- a cURL command pasted into the URL field -----------------------------------------
    def _on_url_edit_text_changed(self, text: str) -> None:
        self._url_before, self._url_text = self._url_text, text

    def _on_url_edit_text_edited(self, text: str) -> None:
        # A paste (or a drop) changes more than one character at once; typing "curl …" key
        # by key must stay typing. (Qt emits textEdited before textChanged: the field held
        # ``_url_text`` before this edit, unless textChanged came first.)
        before = self._url_before if self._url_text == text else self._url_text
        pasted = abs(len(text) - len(before)) > 1
        if pasted and text.lstrip().startswith(("curl ", "curl.exe ")):
            # After this edit is done: the field is about to be refilled from the command.
            QTimer.singleShot(0, lambda: self.paste_curl(text))

    def paste_curl(self, text: str) -> None:
        """Turn the active tab into the request ``text`` (a cURL command) sends, and say so;
        its credentials go to the active environment's secret variables, else stay in the
        request as typed (and the message says to move them before saving)."""
        tab = self.active_tab()
        if tab is None:
            return
        from app.formats.curl import parse_command  # only when a command is pasted

        try:
            request, report, secrets = parse_command(text)
        except FormatError as exc:
            self.response_pane.show_message(
                f"That looks like a cURL command, but: {exc}", is_error=True
            )
            return
        kept_in = self.keep_secrets(secrets) if secrets and self.keep_secrets else None
        if secrets and kept_in is None:
            request = fill_variables(request, secrets)
        self.session.edit(tab.id, replace(request, name=tab.current.name))
        self._load_active()
        parts = [f"Pasted a cURL command: {request.method} {request.url}."]
        if secrets:
            names = ", ".join(f"{{{{{name}}}}}" for name in secrets)
            parts.append(
                f'Its credentials are the secrets {names} of the environment "{kept_in}".'
                if kept_in
                else "Its credentials are in the request as typed: choose an environment "
                "and make them secret variables before saving it in a shared collection."
            )
        if report:
            parts.append("Not carried over: " + "; ".join(line.what for line in report))
        self.response_pane.show_message(" ".join(parts))

    def pull_builder(self, *, commit: bool = True) -> OpenTab | None:
        """Copy what the editors hold into the active tab (``commit``: see
        ``RequestBuilder.request``)."""
        tab = self.active_tab()
        if tab is None or self._loading:
            return tab
        return self.session.edit(tab.id, self.builder.request(commit=commit))

    def _on_builder_edited(self) -> None:
        # Not pulled at each key: reading a 10 MB body takes about 40 ms. Whoever reads the
        # tab pulls first (``MainWindow.active_tab``, drafts, send, save, switching tabs).
        self.changed.emit()

    def _on_session_event(self, event: SessionEvent) -> None:
        if isinstance(event, TabActivated):
            previous = self.session.get(event.previous_id)
            if previous is not None:
                self.session.edit(previous.id, self.builder.request())
            self._load_active()
        elif isinstance(event, TabChanged):
            active = self.active_tab()
            if active is not None and active.id == event.tab.id:
                if event.reloaded:
                    self._load_active()
                elif not self._loading:
                    self.builder.set_base(event.tab.current)
        self.changed.emit()

    def _load_active(self) -> None:
        tab = self.active_tab()
        if tab is None:
            return
        self._loading = True
        try:
            self.builder.load_request(tab.current)
        finally:
            self._loading = False
        self.builder.set_in_flight(self.sends.in_flight(tab.id))
        verdicts = self.session.verdicts(tab.id)
        if verdicts is None:
            self.builder.clear_assertion_results()
        else:
            self.builder.show_assertion_results(verdicts)
        self._show_filters_of(tab)
        show_result(self.response_pane, self.session.result(tab.id))
        self.update_target()

    def _show_filters_of(self, tab: OpenTab) -> None:
        """The filter box lists the filters remembered for the tab's request."""
        self.response_pane.filter_bar.set_request(self.request_key_of(tab))

    def request_key_of(self, tab: OpenTab) -> str:
        """What the app remembers about ``tab``'s request is kept under: its method and the
        path it goes to, the base URL joined (``GET /rest/v1/payments/10145``), as for the
        History entries and bundles of that request."""
        request = tab.current
        url = self.workspace.preview_url(
            request, tab.source, base_url=self.builder.base_url_edit.text()
        )
        return request_key(request.method, url)

    def update_target(self) -> None:
        """Show where the active tab's request goes and what it inherits."""
        tab = self.active_tab()
        if tab is not None and not self._loading:
            self.builder.show_context(self.workspace, tab.source)

    def describe_variables(self, text: str) -> str:
        tab = self.active_tab()
        if tab is None:
            return ""
        return self.workspace.describe_variables(
            text, self.builder.request(commit=False), tab.source
        )

    # --- sending -----------------------------------------------------------------------------
    def send(self) -> None:
        """Send the active tab's request (not while one of that tab is still in flight)."""
        tab = self.pull_builder()
        if tab is not None and self.sends.in_flight(tab.id):
            # Said beside the wait, which the clock rewrites every 100 ms: kept for 4 s.
            self._in_flight_note_until = time.monotonic() + 4.0
            self._on_clock_timeout()
            return
        if tab is not None:
            self.sends.send(
                tab,
                base_url=self.builder.base_url_edit.text(),
                timeout_seconds=self.builder.timeout_spin.value(),
            )

    def cancel(self) -> None:
        tab = self.active_tab()
        if tab is not None:
            self.sends.cancel(tab.id)

    def show_result(self, tab_id: str, result: TabResult) -> None:
        """Keep ``result`` as the tab's and show it when the tab is the active one."""
        self.session.show(tab_id, result)
        if isinstance(result, Sending):
            self._sending[tab_id] = (result, time.monotonic())
            self._clock.start()
        else:
            self._sending.pop(tab_id, None)
            self._progress.pop(tab_id, None)
            if not self._sending:
                self._clock.stop()
        active = self.active_tab()
        if active is None or active.id != tab_id:
            return
        if isinstance(result, Finished | Cancelled):
            self.builder.set_in_flight(False)
        if isinstance(result, Finished):
            self.builder.show_assertion_results(result.outcome.assertions)
        self._show_filters_of(active)
        show_result(self.response_pane, result)

    def _on_clock_timeout(self) -> None:
        active = self.active_tab()
        if active is None or active.id not in self._sending:
            return
        sending, started = self._sending[active.id]
        elapsed = time.monotonic() - started
        progress = self._progress.get(active.id)
        received = progress.received if progress is not None else 0
        if received:
            assert progress is not None
            of = f" of {describe_size(progress.total)}" if progress.total else ""
            rate = f", {describe_size(int(received / elapsed))}/s" if elapsed >= 0.5 else ""
            where = " into a file" if progress.to_file else ""
            doing = f"{describe_size(received)}{of} received{where} in {elapsed:.1f} s{rate}"
        else:
            doing = f"waiting {elapsed:.1f} s"
        note = (
            " Still in flight: cancel it (Esc) to send again."
            if time.monotonic() < self._in_flight_note_until
            else ""
        )
        self.response_pane.show_message(
            f"{sending.method} {sending.url} — {doing} (Esc cancels).{note}"
        )

    def _on_sends_refused(self, tab_id: str, refusal: Refusal) -> None:
        if refusal.unprepared:
            self.builder.body.validate_now()
        self.show_result(tab_id, Refused(refusal.message))
        # A secret the collection declares but this computer has no value for: set it here.
        missing = [
            name
            for name in self.workspace.secrets_without_value()
            if f"{{{{{name}}}}}" in refusal.message
        ]
        active = self.active_tab()
        if missing and self.edit_secrets is not None and active is not None and active.id == tab_id:
            label = "Set the secret…" if len(missing) == 1 else "Set the secrets…"
            self.response_pane.offer(label, self.edit_secrets)

    def _on_sends_started(self, tab_id: str, plan: SendPlan) -> None:
        self.builder.set_in_flight(True)
        self.show_result(tab_id, Sending(plan.prepared.method, plan.shown_url))
        self._progress[tab_id] = plan.progress

    def compare_clock(self) -> None:
        """Ask the API of the active tab's last response for its time and show how far this
        computer's clock is off (see ``SendController.check_clock``)."""
        tab = self.active_tab()
        if tab is not None:
            self.sends.check_clock(tab)

    def _on_sends_clock_checked(self, tab_id: str, text: str) -> None:
        active = self.active_tab()
        if active is not None and active.id == tab_id:
            self.response_pane.error_panel.show_clock_result(text)

"""The one asyncio <-> Qt seam: runs the ``Pipeline`` for the window's tabs and turns its
outcomes into signals.

This is the only module of ``app.services`` that imports PySide6 (an import-linter contract
says so). It keeps a strong reference to every task (the loop keeps only weak ones) and
reports every end from the task's done-callback, so a task cancelled before it ever ran
still reports ``cancelled``. A tab has at most one request in flight: a new send cancels
the previous one, but only once the new one really goes out (a request refused for its
auth leaves the previous running). Results of a request that is no longer its tab's latest
are not reported to the tab, though history records them.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from app.core.collection import LoadedCollection
from app.core.prepare import RequestNotSendable
from app.core.tabs import OpenTab
from app.formats import FormatError
from app.services.collections import (
    CollectionEvent,
    CollectionLoaded,
    CollectionService,
    CollectionWriteError,
)
from app.services.pipeline import (
    Confirm,
    Outcome,
    OutcomeKind,
    Pipeline,
    Refusal,
    SendPlan,
    unexpected_failure,
)
from app.storage.history import HistoryError

__all__ = ["CollectionWatcher", "SendController"]

_log = logging.getLogger(__name__)


class SendController(QObject):
    """Sends tabs' requests through a ``Pipeline`` and reports per tab id."""

    refused = Signal(str, object)  # tab id, Refusal: nothing was sent
    started = Signal(str, object)  # tab id, SendPlan: the request went out
    finished = Signal(str, object)  # tab id, Outcome (responded, failed, or refused late)
    cancelled = Signal(str)  # tab id
    clock_checked = Signal(str, str)  # tab id, a sentence about this computer's clock
    recorded = Signal(int)  # history has a new entry with this id
    recording_failed = Signal(str)  # a sentence saying history missed a request
    history_opened = Signal(object, object)  # HistoryEntry, Exchange | None
    history_failed = Signal(str)  # a sentence saying a history entry could not be shown
    bundle_opened = Signal(object)  # OpenedBundle: a reproduction bundle, read and parsed
    bundle_failed = Signal(str)  # why it could not be opened

    def __init__(
        self, pipeline: Pipeline, confirm: Confirm | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.pipeline = pipeline
        self._confirm = confirm
        self._tasks: set[asyncio.Task[Any]] = set()
        self._in_flight: dict[str, asyncio.Task[Outcome]] = {}  # tab id -> its latest request
        self._last: dict[str, Outcome] = {}  # tab id -> its last response (for the clock)

    # --- sending -----------------------------------------------------------------------------
    def send(self, tab: OpenTab, *, base_url: str, timeout_seconds: float) -> None:
        """Send ``tab``'s request; ``refused`` or ``started`` follows at once. ``base_url``
        and ``timeout_seconds`` are the window's fallbacks. Needs a running asyncio loop."""
        plan = self.pipeline.plan(
            tab.current,
            tab.source,
            base_url=base_url,
            timeout_seconds=timeout_seconds,
            confirm=self._confirm,
        )
        signed = plan if isinstance(plan, Refusal) else self.pipeline.sign(plan)
        if isinstance(signed, Refusal):
            # Refused before anything went out: the tab's request in flight runs on.
            self.refused.emit(tab.id, signed)
            return
        assert isinstance(plan, SendPlan)
        previous = self._in_flight.pop(tab.id, None)
        if previous is not None:
            previous.cancel()
        task = self._start(self.pipeline.execute(plan, signed))
        self._in_flight[tab.id] = task
        self._when_done(task, functools.partial(self._on_request_done, tab.id, plan))
        self.started.emit(tab.id, plan)

    def cancel(self, tab_id: str | None = None) -> None:
        """Cancel the tab's request in flight (every tab's when ``tab_id`` is None)."""
        tasks = list(self._in_flight.values()) if tab_id is None else [self._in_flight.get(tab_id)]
        for task in tasks:
            if task is not None:
                task.cancel()

    def forget_tab(self, tab_id: str) -> None:
        """The tab is gone: cancel its request in flight without reporting to it."""
        task = self._in_flight.pop(tab_id, None)
        if task is not None:
            task.cancel()
        self._last.pop(tab_id, None)

    def in_flight(self, tab_id: str | None = None) -> bool:
        return bool(self._in_flight) if tab_id is None else tab_id in self._in_flight

    async def aclose(self) -> None:
        """Cancel everything in flight, wait for it, then close the pipeline."""
        # A request ending meanwhile starts its history recording: wait for that one too,
        # or its done-callback would signal from an object Qt has deleted.
        while self._tasks:
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await asyncio.sleep(0)  # let done-callbacks drop finished tasks from the set
        await self.pipeline.aclose()

    def _start(self, work: Any) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _when_done(self, task: asyncio.Task[Any], report: Callable[[Any], None]) -> None:
        """Call ``report(task)`` when the task ends, unless Qt has deleted this object by then
        (its window closed without ``aclose``): a signal from it would raise."""

        def done(task: asyncio.Task[Any]) -> None:
            if shiboken6.isValid(self):
                report(task)
            elif not task.cancelled() and task.exception() is not None:
                _log.error("a request ended after its window closed", exc_info=task.exception())

        task.add_done_callback(done)

    @staticmethod
    def _outcome_of(task: asyncio.Task[Outcome], plan: SendPlan) -> Outcome | None:
        """The task's outcome; ``None`` when it was cancelled. An unexpected exception
        becomes a failure with a sentence (and goes to the log with its traceback)."""
        if task.cancelled():
            return None
        exc = task.exception()
        if exc is None:
            return task.result()
        _log.error("request %s failed unexpectedly", plan.shown_url, exc_info=exc)
        failure = unexpected_failure(exc)
        return Outcome(OutcomeKind.FAILED, plan, request=plan.prepared, failure=failure)

    def _on_request_done(self, tab_id: str, plan: SendPlan, task: asyncio.Task[Outcome]) -> None:
        latest = self._in_flight.get(tab_id) is task
        if latest:
            del self._in_flight[tab_id]
        outcome = self._outcome_of(task, plan)
        if outcome is None:
            if latest:
                self.cancelled.emit(tab_id)
            return
        outcome = Pipeline.as_sent(outcome)  # the Request tab and history show every header
        if latest:
            if outcome.exchange is not None:
                self._last[tab_id] = outcome
            self.finished.emit(tab_id, outcome)
        self._record_later(outcome)

    # --- history -----------------------------------------------------------------------------
    def _record_later(self, outcome: Outcome) -> None:
        if self.pipeline.history is not None and outcome.kind is not OutcomeKind.REFUSED:
            # Recorded once the loop has painted the response: a 50 MB body takes a while.
            QTimer.singleShot(0, functools.partial(self._record, outcome))

    def _record(self, outcome: Outcome) -> None:
        task = self._start(self.pipeline.record(outcome))
        self._when_done(task, self._on_recorded)

    def _on_recorded(self, task: asyncio.Task[int | None]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if isinstance(exc, HistoryError):
            self.recording_failed.emit(f"This request was not added to history: {exc}")
        elif exc is not None:
            _log.error("recording history failed", exc_info=exc)
            self.recording_failed.emit(f"This request was not added to history: {exc}")
        elif (entry_id := task.result()) is not None:
            self.recorded.emit(entry_id)

    def open_history_entry(self, entry_id: int) -> None:
        """Read a history entry and its response in the worker; ``history_opened`` or
        ``history_failed`` follows."""
        task = self._start(self.pipeline.open_history_entry(entry_id))
        self._when_done(task, self._on_history_opened)

    def _on_history_opened(self, task: asyncio.Task[Any]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            entry, exchange = task.result()
            self.history_opened.emit(entry, exchange)
        elif isinstance(exc, (LookupError, HistoryError)):
            self.history_failed.emit(str(exc))
        else:
            _log.error("opening a history entry failed", exc_info=exc)
            self.history_failed.emit(f"That history entry could not be shown: {exc}")

    def open_bundle(self, path: Path) -> None:
        """Read and parse a reproduction bundle in the worker; ``bundle_opened`` or
        ``bundle_failed`` follows."""
        from app.services.importing import open_bundle

        task = self._start(self.pipeline.in_worker(open_bundle, path))
        self._when_done(task, self._on_bundle_opened)

    def _on_bundle_opened(self, task: asyncio.Task[Any]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            self.bundle_opened.emit(task.result())
        elif isinstance(exc, FormatError):
            self.bundle_failed.emit(str(exc))
        else:
            _log.error("opening a reproduction bundle failed", exc_info=exc)
            self.bundle_failed.emit(f"The reproduction bundle could not be opened: {exc}")

    # --- clock check -------------------------------------------------------------------------
    def check_clock(self, tab: OpenTab) -> None:
        """Ask the API of the tab's last response for its time; ``clock_checked`` says how
        far this computer's clock is off."""
        last = self._last.get(tab.id)
        if last is None or last.exchange is None:
            return
        try:
            plan = self.pipeline.clock_plan(last.exchange, tab.current, tab.source)
        except RequestNotSendable as exc:
            self.clock_checked.emit(tab.id, str(exc))
            return
        task = self._start(self.pipeline.execute(plan))
        self._when_done(task, functools.partial(self._on_clock_done, tab.id, plan))
        self.clock_checked.emit(tab.id, f"Asking {plan.prepared.url} for its time…")

    def _on_clock_done(self, tab_id: str, plan: SendPlan, task: asyncio.Task[Outcome]) -> None:
        outcome = self._outcome_of(task, plan)
        if outcome is not None:
            self.clock_checked.emit(tab_id, Pipeline.describe_clock(outcome))
            self._record_later(outcome)


class CollectionWatcher(QObject):
    """Opens collections for the window and reloads the open one shortly after git or an
    editor changes its files, both reading off the GUI thread.

    Which paths to watch is the service's answer (``CollectionService.watched_paths``), asked
    after every load; paths that do not exist are simply not watched, deleted ones drop out
    on their own. A burst of changes (a checkout) reloads once, ``delay_ms`` after the last.
    """

    opened = Signal(object)  # Path: the collection asked for by ``open`` is now the open one
    open_failed = Signal(str)  # a sentence: the collection asked for could not be opened

    def __init__(
        self, collections: CollectionService, delay_ms: int = 200, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.collections = collections
        self._watcher = QFileSystemWatcher(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._watcher.directoryChanged.connect(self._timer.start)
        self._watcher.fileChanged.connect(self._timer.start)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._tasks: set[asyncio.Task[Any]] = set()
        collections.subscribe(self._on_collection_event)

    def open(self, root: Path) -> None:
        """Open the collection folder ``root``, its files read in the service's worker;
        ``opened`` or ``open_failed`` follows, unless a later open or a close overtakes it.
        Without a running loop (a script) it is read here and now."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            try:
                self.collections.open(root)
            except CollectionWriteError as exc:
                self.open_failed.emit(str(exc))
            else:
                self.opened.emit(root)
            return
        task = self._start(loop, self.collections.open_in_background(root))
        task.add_done_callback(functools.partial(self._on_open_done, root))

    def _on_open_done(self, root: Path, task: asyncio.Task[LoadedCollection | None]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None and not isinstance(exc, CollectionWriteError):
            _log.error("opening the collection in %s failed", root, exc_info=exc)
        if not shiboken6.isValid(self):
            return  # its window closed meanwhile: nobody to tell
        if isinstance(exc, CollectionWriteError):
            self.open_failed.emit(str(exc))
        elif exc is not None:
            self.open_failed.emit(f"The collection in {root} could not be opened: {exc}")
        elif task.result() is not None:
            self.opened.emit(root)

    def _on_timer_timeout(self) -> None:
        # Off the GUI thread: a reload parses what changed, which may be a big file. Without
        # a running loop (a script, a test between loops) it happens here and now.
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.collections.reload()
            return
        task = self._start(loop, self.collections.reload_in_background())
        task.add_done_callback(_log_failure)

    def _start(self, loop: asyncio.AbstractEventLoop, work: Any) -> asyncio.Task[Any]:
        task = loop.create_task(work)
        self._tasks.add(task)  # the loop keeps only a weak reference
        task.add_done_callback(self._tasks.discard)
        return task

    def watched(self) -> set[str]:
        return set(self._watcher.directories()) | set(self._watcher.files())

    def _on_collection_event(self, event: CollectionEvent) -> None:
        if not isinstance(event, CollectionLoaded):
            return
        self._timer.stop()  # this load already shows what changed
        wanted = {str(path) for path in self.collections.watched_paths()}
        current = self.watched()
        stale = sorted(current - wanted)
        if stale:
            self._watcher.removePaths(stale)
        new = sorted(wanted - current)
        if new:
            self._watcher.addPaths(new)


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        _log.error("reloading the collection failed", exc_info=task.exception())

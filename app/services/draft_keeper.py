"""Keeping the open tabs in the data folder as the user types, without ever making typing wait.

``DraftKeeper.keep()`` takes a snapshot of the session (immutable values, cheap) and writes it
in a thread of its own: a big body serialises there, not on the GUI thread. Writes happen in
order; while one is running only the newest snapshot waits (older ones are dropped, they are
contained in it). ``flush()`` writes the current state before returning: after a save and when
the window closes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from app.core.tabs import TabSession
from app.services.session import Session

__all__ = ["DraftKeeper"]


class DraftKeeper:
    """Writes ``session``'s tabs into its drafts; ``report`` hears a sentence when a write
    failed and ``None`` when one succeeded (called on the event loop's thread)."""

    def __init__(self, session: Session, report: Callable[[str | None], None]) -> None:
        self.session = session
        self._report = report
        # Its own thread: the pipeline's worker may be parsing a 50 MB body meanwhile.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drafts")
        self._waiting: TabSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    def keep(self) -> None:
        """Write the session soon, off this thread (needs a running event loop)."""
        if self._closed:
            return
        self._waiting = self.session.snapshot()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._write_waiting())

    async def _write_waiting(self) -> None:
        loop = asyncio.get_running_loop()
        while self._waiting is not None:
            snapshot, self._waiting = self._waiting, None
            problem = await loop.run_in_executor(self._executor, self.session.save_drafts, snapshot)
            if not self._closed:  # else the window that would show it is gone
                self._report(problem)

    def flush(self) -> str | None:
        """Write the current state now (after any write in progress); a sentence when that
        failed."""
        self._waiting = None
        if not self._closed:
            self._executor.submit(lambda: None).result()  # the write in progress, if any
        problem = self.session.save_drafts()
        self._report(problem)
        return problem

    def close(self) -> None:
        """Stop the writer thread (after the write in progress)."""
        self._waiting = None
        self._closed = True
        self._executor.shutdown(wait=True)

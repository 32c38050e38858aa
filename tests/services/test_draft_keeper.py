"""DraftKeeper: drafts are written off the caller's thread, in order, newest snapshot wins,
and flush() writes the current state before returning."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from app.core.collection import SavedRequest
from app.core.tabs import TabSession, new_tab
from app.services.collections import CollectionService
from app.services.draft_keeper import DraftKeeper
from app.services.session import Session
from app.services.workspace import Workspace
from app.storage.drafts import DraftStore
from tests.prompts import ScriptedPrompts


class SlowDrafts(DraftStore):
    """Each save waits until the test lets it go, and remembers what it wrote."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.gate = threading.Event()
        self.started = threading.Event()
        self.written: list[tuple[str, ...]] = []
        self.threads: set[str] = set()

    def save(self, session: TabSession) -> None:
        self.threads.add(threading.current_thread().name)
        self.started.set()
        assert self.gate.wait(5)
        super().save(session)
        self.written.append(tuple(tab.current.url for tab in session.tabs))


def _session(drafts: DraftStore) -> Session:
    return Session(CollectionService(Workspace()), drafts, ScriptedPrompts())


def _type(session: Session, url: str) -> None:
    tab = session.active()
    assert tab is not None
    session.edit(tab.id, SavedRequest("Typed", url=url))


def test_keep_returns_at_once_and_only_the_newest_waiting_snapshot_is_written(
    tmp_path: Path,
) -> None:
    drafts = SlowDrafts(tmp_path)
    session = _session(drafts)
    session.open(new_tab())
    reports: list[str | None] = []
    keeper = DraftKeeper(session, reports.append)

    async def scenario() -> None:
        _type(session, "/a")
        keeper.keep()  # starts writing /a; the write waits at the gate
        await asyncio.get_running_loop().run_in_executor(None, drafts.started.wait, 5)
        for url in ("/ab", "/abc", "/abcd"):
            _type(session, url)
            keeper.keep()  # returns while the write of /a is still blocked
        drafts.gate.set()
        while len(reports) < 2:
            await asyncio.sleep(0.01)

    asyncio.run(scenario())
    keeper.close()
    assert drafts.written == [("/a",), ("/abcd",)]  # /ab and /abc were contained in /abcd
    assert reports == [None, None]
    assert drafts.threads == {"drafts_0"}
    loaded = DraftStore(tmp_path).load()
    assert loaded is not None and loaded.tabs[0].current.url == "/abcd"


def test_flush_waits_for_the_write_in_progress_then_writes_the_latest(tmp_path: Path) -> None:
    drafts = SlowDrafts(tmp_path)
    session = _session(drafts)
    session.open(new_tab())
    keeper = DraftKeeper(session, lambda _problem: None)

    async def scenario() -> None:
        _type(session, "/old")
        keeper.keep()
        await asyncio.get_running_loop().run_in_executor(None, drafts.started.wait, 5)
        _type(session, "/new")
        threading.Timer(0.2, drafts.gate.set).start()
        assert keeper.flush() is None

    asyncio.run(scenario())
    keeper.close()
    assert drafts.written == [("/old",), ("/new",)]


def test_a_failed_write_is_reported_as_a_sentence(tmp_path: Path) -> None:
    (tmp_path / "drafts").write_text("not a folder")
    session = _session(DraftStore(tmp_path))
    session.open(new_tab())
    reports: list[str | None] = []
    keeper = DraftKeeper(session, reports.append)

    async def scenario() -> None:
        keeper.keep()
        while not reports:
            await asyncio.sleep(0.01)

    asyncio.run(scenario())
    problem = keeper.flush()
    keeper.close()
    assert reports[0] is not None and reports[0].startswith("Unsaved edits could not be kept")
    assert problem is not None and problem.startswith("Unsaved edits could not be kept")


def test_after_close_nothing_is_reported_and_keep_does_nothing(tmp_path: Path) -> None:
    session = _session(DraftStore(tmp_path))
    session.open(new_tab())
    reports: list[str | None] = []
    keeper = DraftKeeper(session, reports.append)
    keeper.close()

    async def scenario() -> None:
        keeper.keep()
        await asyncio.sleep(0.05)

    asyncio.run(scenario())
    assert reports == []
    assert not (tmp_path / "drafts" / "session.json").exists()

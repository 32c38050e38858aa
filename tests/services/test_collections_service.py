"""CollectionService, the open collection without Qt: opening and closing, the workspace
updated before anyone hears of a load, what a watcher should watch, the events that let open
tabs follow renames, moves and deletions, and a sentence for every refusal."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.collection import Defaults, Environment, LoadedCollection, NodeKind, SavedRequest
from app.services.collections import (
    ROOT,
    CollectionEvent,
    CollectionLoaded,
    CollectionService,
    CollectionWriteError,
    RequestDeleted,
    RequestMoved,
)
from app.services.workspace import Workspace
from app.storage.collection_store import CollectionStore, create_collection

LIST = Path("payments/list-payments.request.yaml")
CREATE = Path("payments/refunds/create-refund.request.yaml")
BROKEN = Path("payments/broken.request.yaml")
TIME = Path("get-time.request.yaml")
NO_COLLECTION = "Open a collection folder first (Open… in the Collection panel)."


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "api"
    store = create_collection(root, "Demo API")
    store.new_folder(ROOT, "Payments")
    store.new_folder(Path("payments"), "Refunds")
    store.new_folder(ROOT, "Archive")
    store.new_request(Path("payments"), SavedRequest("List payments", url="/payments"))
    store.new_request(Path("payments/refunds"), SavedRequest("Create refund", method="POST"))
    store.new_request(ROOT, SavedRequest("Get time", url="/time"))
    store.save_environment(Environment("sandbox"))
    (root / BROKEN).write_text("name: [unclosed\n", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (root / "notes.txt").write_text("not part of the collection\n", encoding="utf-8")
    return root


@pytest.fixture
def service() -> CollectionService:
    return CollectionService(Workspace())


@pytest.fixture
def events(service: CollectionService) -> list[CollectionEvent]:
    seen: list[CollectionEvent] = []
    service.subscribe(seen.append)
    return seen


def opened(service: CollectionService, root: Path) -> LoadedCollection:
    service.open(root)
    loaded = service.loaded
    assert loaded is not None
    return loaded


# --- opening and closing -------------------------------------------------------------------


def test_opening_a_folder_loads_it_and_tells_listeners(
    service: CollectionService, root: Path, events: list[CollectionEvent]
) -> None:
    loaded = opened(service, root)
    assert service.root == root and loaded.name == "Demo API"
    assert events == [CollectionLoaded(loaded)]
    node = service.find(TIME)
    assert node is not None and node.request == SavedRequest("Get time", url="/time")
    broken = service.find(BROKEN)
    assert broken is not None and broken.kind is NodeKind.BROKEN
    assert service.find(Path("nothing-here.request.yaml")) is None


@pytest.mark.parametrize("what", ["a file", "nothing"])
def test_opening_what_is_not_a_folder_is_refused_with_a_sentence(
    service: CollectionService,
    root: Path,
    tmp_path: Path,
    events: list[CollectionEvent],
    what: str,
) -> None:
    loaded = opened(service, root)
    events.clear()
    target = tmp_path / "not-a-folder"
    if what == "a file":
        target.write_text("name: x\n", encoding="utf-8")
    with pytest.raises(CollectionWriteError) as raised:
        service.open(target)
    assert str(raised.value) == f"The collection in {target} could not be opened: not a folder."
    # The collection that was open stays open, and nobody was told otherwise.
    assert service.root == root and service.loaded is loaded and events == []
    assert service.workspace.collection is loaded


def test_the_workspace_has_the_new_collection_before_listeners_hear_of_it(
    service: CollectionService, root: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    create_collection(other, "Other API")
    seen: list[tuple[Path | None, Path | None, bool]] = []

    def listener(event: CollectionEvent) -> None:
        assert isinstance(event, CollectionLoaded)
        workspace = service.workspace
        seen.append((workspace.root, service.root, workspace.collection is event.loaded))

    service.subscribe(listener)
    service.open(root)
    service.open(other)
    service.close()
    assert seen == [(root, root, True), (other, other, True), (None, None, True)]


def test_closing_leaves_nothing_open(
    service: CollectionService, root: Path, events: list[CollectionEvent]
) -> None:
    opened(service, root)
    events.clear()
    service.close()
    assert events == [CollectionLoaded(None)]
    assert service.root is None and service.loaded is None
    assert service.find(TIME) is None and service.watched_paths() == set()
    assert service.reload() is None


def test_reload_reads_outside_changes_and_keeps_the_environment(
    service: CollectionService, root: Path, events: list[CollectionEvent]
) -> None:
    opened(service, root)
    assert service.workspace.select_environment("sandbox") is not None
    (root / "get-time.request.yaml").write_text("name: Server time\nurl: /v2/time\n")
    events.clear()
    loaded = service.reload()
    assert loaded is not None and events == [CollectionLoaded(loaded)]
    node = service.find(TIME)
    assert node is not None and node.request == SavedRequest("Server time", url="/v2/time")
    environment = service.workspace.environment
    assert environment is not None and environment.name == "sandbox"


# --- what a watcher watches ----------------------------------------------------------------


def test_watched_paths_are_every_folder_and_file_of_the_collection(
    service: CollectionService, root: Path
) -> None:
    opened(service, root)
    expected = {
        root,
        root / "collection.yaml",
        root / "environments",
        root / "environments/sandbox.yaml",
        root / "payments",
        root / "payments/folder.yaml",
        root / "payments/refunds",
        root / "payments/refunds/folder.yaml",
        root / "archive",
        root / "archive/folder.yaml",
        root / LIST,
        root / CREATE,
        root / BROKEN,  # an edit may fix it
        root / TIME,
    }
    assert service.watched_paths() == expected
    assert all(path.is_absolute() for path in service.watched_paths())


def test_watched_paths_follow_a_reload(service: CollectionService, root: Path) -> None:
    opened(service, root)
    (root / TIME).unlink()
    (root / "archive" / "old.request.yaml").write_text("name: Old\n", encoding="utf-8")
    service.reload()
    watched = service.watched_paths()
    assert root / TIME not in watched
    assert root / "archive/old.request.yaml" in watched


def test_watched_paths_of_a_relative_root_are_absolute(
    service: CollectionService, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(root.parent)
    opened(service, Path(root.name))
    watched = service.watched_paths()
    assert root in watched and root / TIME in watched
    assert all(path.is_absolute() for path in watched)


# --- renames, moves and deletions ----------------------------------------------------------


def test_renaming_a_folder_reports_every_request_file_under_it(
    service: CollectionService, root: Path, events: list[CollectionEvent]
) -> None:
    opened(service, root)
    events.clear()
    assert service.rename(Path("payments"), "Transfers") == Path("transfers")
    assert sorted(events, key=str) == sorted(
        [
            RequestMoved(LIST, Path("transfers/list-payments.request.yaml")),
            RequestMoved(CREATE, Path("transfers/refunds/create-refund.request.yaml")),
            RequestMoved(BROKEN, Path("transfers/broken.request.yaml")),
        ],
        key=str,
    )
    # Reported before the reload that shows it (the caller reloads after each change).
    loaded = service.reload()
    assert loaded is not None and events[-1] == CollectionLoaded(loaded)
    for event in events[:-1]:
        assert isinstance(event, RequestMoved)
        assert service.find(event.old) is None and service.find(event.new) is not None


def test_renaming_a_request_reports_its_new_file(
    service: CollectionService, root: Path, events: list[CollectionEvent]
) -> None:
    opened(service, root)
    events.clear()
    new = service.rename(CREATE, "Refund a payment")
    assert new == Path("payments/refunds/refund-a-payment.request.yaml")
    assert events == [RequestMoved(CREATE, new)]


def test_a_rename_that_keeps_the_path_reports_nothing(
    service: CollectionService, root: Path, events: list[CollectionEvent]
) -> None:
    opened(service, root)
    events.clear()
    assert service.rename(TIME, "Get Time") == TIME  # same file name
    assert service.rename(ROOT, "Renamed API") == ROOT  # the collection: its name only
    assert events == []
    loaded = service.reload()
    assert loaded is not None and loaded.name == "Renamed API"


def test_moving_a_folder_reports_every_request_file_under_it(
    service: CollectionService, root: Path, events: list[CollectionEvent]
) -> None:
    opened(service, root)
    events.clear()
    assert service.move(Path("payments/refunds"), Path("archive")) == Path("archive/refunds")
    assert events == [
        RequestMoved(CREATE, Path("archive/refunds/create-refund.request.yaml")),
    ]
    events.clear()
    assert service.move(TIME, Path("payments")) == Path("payments/get-time.request.yaml")
    assert events == [RequestMoved(TIME, Path("payments/get-time.request.yaml"))]
    events.clear()
    assert service.move(LIST, Path("payments")) == LIST  # already there
    assert events == []


def test_deleting_a_folder_reports_every_request_file_in_it(
    service: CollectionService, root: Path, events: list[CollectionEvent]
) -> None:
    opened(service, root)
    events.clear()
    service.delete(Path("payments"))
    assert sorted(events, key=str) == sorted(
        [RequestDeleted(LIST), RequestDeleted(CREATE), RequestDeleted(BROKEN)], key=str
    )
    assert not (root / "payments").exists()
    events.clear()
    service.delete(TIME)
    assert events == [RequestDeleted(TIME)]


def test_a_refused_change_is_a_sentence_and_reports_nothing(
    service: CollectionService, root: Path, events: list[CollectionEvent]
) -> None:
    opened(service, root)
    events.clear()
    with pytest.raises(CollectionWriteError, match="A name can't be empty"):
        service.rename(Path("payments"), "   ")
    with pytest.raises(CollectionWriteError, match="can't be moved into itself"):
        service.move(Path("payments"), Path("payments/refunds"))
    with pytest.raises(CollectionWriteError, match="can't be deleted from here"):
        service.delete(ROOT)
    assert events == []
    assert (root / LIST).exists() and (root / CREATE).exists()


def test_changes_through_the_service_reach_the_folder(
    service: CollectionService, root: Path, events: list[CollectionEvent]
) -> None:
    opened(service, root)
    events.clear()
    folder = service.new_folder(ROOT, "Users")
    new = service.new_request(folder, SavedRequest("List users", url="/users"))
    assert service.save_request(new, SavedRequest("All users", url="/users")) == new
    copy = service.duplicate(new)
    service.save_defaults(folder, Defaults(base_url="https://users.test"))
    service.save_environment(Environment("production"))
    assert events == []  # the caller reloads once it is done
    loaded = service.reload()
    assert loaded is not None
    node = service.find(copy)
    assert node is not None and node.request is not None
    assert node.request.name == "Copy of All users"
    users = service.find(folder)
    assert users is not None and users.defaults == Defaults(base_url="https://users.test")
    assert [e.name for e in loaded.environments] == ["production", "sandbox"]


# --- nothing open --------------------------------------------------------------------------

OPERATIONS: dict[str, Callable[[CollectionService], object]] = {
    "new_request": lambda s: s.new_request(ROOT, SavedRequest("R")),
    "new_folder": lambda s: s.new_folder(ROOT, "F"),
    "save_request": lambda s: s.save_request(TIME, SavedRequest("R")),
    "save_defaults": lambda s: s.save_defaults(ROOT, Defaults()),
    "save_environment": lambda s: s.save_environment(Environment("sandbox")),
    "duplicate": lambda s: s.duplicate(TIME),
    "rename": lambda s: s.rename(TIME, "New name"),
    "move": lambda s: s.move(TIME, Path("payments")),
    "delete": lambda s: s.delete(TIME),
}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_every_change_with_no_collection_open_says_what_to_do(
    service: CollectionService, root: Path, events: list[CollectionEvent], operation: str
) -> None:
    with pytest.raises(CollectionWriteError) as raised:
        OPERATIONS[operation](service)
    assert str(raised.value) == NO_COLLECTION
    # Closing one does not leave its store behind either.
    opened(service, root)
    service.close()
    events.clear()
    with pytest.raises(CollectionWriteError, match="Open a collection folder first"):
        OPERATIONS[operation](service)
    assert events == []
    assert (root / TIME).exists() and not (root / "f").exists()


def test_a_background_reload_shows_what_changed_outside(
    service: CollectionService, root: Path, events: list[CollectionEvent]
) -> None:
    opened(service, root)
    (root / "archive" / "old.request.yaml").write_text("name: Old\n", encoding="utf-8")
    events.clear()
    asyncio.run(service.reload_in_background())
    assert [type(e) for e in events] == [CollectionLoaded]
    assert service.find(Path("archive/old.request.yaml")) is not None
    assert service.workspace.collection is service.loaded
    service.shut_down()


def test_a_background_reload_overtaken_by_an_operation_is_dropped(
    service: CollectionService, root: Path, events: list[CollectionEvent]
) -> None:
    opened(service, root)
    store = service._store
    assert store is not None
    slow_load = store.load
    reading = threading.Event()

    def load_then_wait() -> LoadedCollection:
        loaded = slow_load()  # what was on disk before the operation below
        reading.set()
        time.sleep(0.3)
        return loaded

    async def scenario() -> None:
        store.load = load_then_wait  # type: ignore[method-assign]
        background = asyncio.get_running_loop().create_task(service.reload_in_background())
        await asyncio.get_running_loop().run_in_executor(None, reading.wait, 5)
        store.load = slow_load  # type: ignore[method-assign]
        service.new_request(ROOT, SavedRequest("Fresh"))
        service.reload()  # the operation's own load, newer than the one in the worker
        await background

    events.clear()
    asyncio.run(scenario())
    assert len(events) == 1  # only the operation's load was shown
    assert service.find(Path("fresh.request.yaml")) is not None
    service.shut_down()


def test_after_shut_down_nobody_hears_of_a_load(
    service: CollectionService, root: Path, events: list[CollectionEvent]
) -> None:
    opened(service, root)
    events.clear()
    service.shut_down()
    service.reload()
    assert events == []


def test_links_are_never_watched(service: CollectionService, root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("name: Elsewhere\n", encoding="utf-8")
    (root / "archive" / "folder.yaml").unlink(missing_ok=True)
    (root / "archive" / "folder.yaml").symlink_to(outside)
    opened(service, root)
    watched = service.watched_paths()
    assert root.absolute() / "archive" in watched
    assert not any(path.is_symlink() for path in watched)
    assert root.absolute() / "archive" / "folder.yaml" not in watched


# --- opening in the background -------------------------------------------------------------


class HeldLoads:
    """Loads of the folders in ``folders`` wait in their thread until ``release`` is set;
    ``threads`` names the thread each load of any folder ran in."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folders: set[Path] = set()
        self.started = threading.Event()
        self.release = threading.Event()
        self.threads: list[str] = []
        real = CollectionStore.load

        def load(store: CollectionStore) -> LoadedCollection:
            self.threads.append(threading.current_thread().name)
            if store.root in self.folders:
                self.started.set()
                self.release.wait(5)
            return real(store)

        monkeypatch.setattr(CollectionStore, "load", load)

    async def wait_started(self) -> None:
        assert await asyncio.get_running_loop().run_in_executor(None, self.started.wait, 5)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> HeldLoads:
    return HeldLoads(monkeypatch)


@pytest.fixture
def other(tmp_path: Path) -> Path:
    store = create_collection(tmp_path / "other", "Other API")
    store.new_request(ROOT, SavedRequest("Ping", url="/ping"))
    store.save_environment(Environment("sandbox"))
    return store.root


def test_opening_in_the_background_reads_in_the_worker_and_the_open_one_stays_meanwhile(
    service: CollectionService,
    root: Path,
    other: Path,
    events: list[CollectionEvent],
    held: HeldLoads,
) -> None:
    before = opened(service, root)
    assert service.workspace.select_environment("sandbox") is not None
    events.clear()
    held.folders.add(other)

    async def scenario() -> LoadedCollection | None:
        opening = asyncio.get_running_loop().create_task(service.open_in_background(other))
        await held.wait_started()
        # While the worker reads: the collection open before is still the one, whole.
        assert service.root == root and service.loaded is before and events == []
        assert service.workspace.collection is before
        assert service.find(TIME) is not None
        held.release.set()
        return await opening

    loaded = asyncio.run(scenario())
    assert loaded is not None and loaded.name == "Other API"
    assert events == [CollectionLoaded(loaded)]
    assert service.root == other and service.loaded is loaded
    assert service.workspace.collection is loaded
    environment = service.workspace.environment  # kept by name, as a reload keeps it
    assert environment is not None and environment.name == "sandbox"
    assert held.threads[-1].startswith("collection")  # the service's worker, not this thread
    service.shut_down()


@pytest.mark.parametrize("later", ["open", "open in the background", "close", "shut down"])
def test_a_later_open_or_close_drops_a_background_open(
    service: CollectionService,
    root: Path,
    other: Path,
    tmp_path: Path,
    events: list[CollectionEvent],
    held: HeldLoads,
    later: str,
) -> None:
    opened(service, root)
    third = create_collection(tmp_path / "third", "Third API").root
    events.clear()
    held.folders.add(other)

    async def scenario() -> tuple[LoadedCollection | None, LoadedCollection | None]:
        loop = asyncio.get_running_loop()
        first = loop.create_task(service.open_in_background(other))
        await held.wait_started()
        second: LoadedCollection | None = None
        if later == "open":
            service.open(third)
        elif later == "close":
            service.close()
        elif later == "shut down":
            service.shut_down()
        held.release.set()
        if later == "open in the background":
            second = await service.open_in_background(third)
        return await first, second

    first, second = asyncio.run(scenario())
    assert first is None  # overtaken: never shown
    if later == "close":
        assert events == [CollectionLoaded(None)] and service.root is None
    elif later == "shut down":
        assert events == [] and service.root == root
    else:
        loaded = service.loaded
        assert service.root == third and loaded is not None and loaded.root == third
        assert events == [CollectionLoaded(loaded)]
        assert second is None if later == "open" else second is loaded
    service.shut_down()


def test_a_background_open_of_what_is_not_a_folder_is_refused_and_changes_nothing(
    service: CollectionService, root: Path, tmp_path: Path, events: list[CollectionEvent]
) -> None:
    loaded = opened(service, root)
    events.clear()
    target = tmp_path / "nowhere"
    with pytest.raises(CollectionWriteError) as raised:
        asyncio.run(service.open_in_background(target))
    assert str(raised.value) == f"The collection in {target} could not be opened: not a folder."
    assert service.root == root and service.loaded is loaded and events == []
    service.shut_down()


@pytest.mark.parametrize("how", ["now", "in the background"])
def test_a_folder_that_cannot_be_read_is_a_sentence_and_the_open_one_stays(
    service: CollectionService,
    root: Path,
    other: Path,
    events: list[CollectionEvent],
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    loaded = opened(service, root)
    events.clear()
    real = CollectionStore.load

    def load(store: CollectionStore) -> LoadedCollection:
        if store.root == other:
            raise PermissionError(13, "Permission denied", str(other))
        return real(store)

    monkeypatch.setattr(CollectionStore, "load", load)
    with pytest.raises(CollectionWriteError) as raised:
        if how == "now":
            service.open(other)
        else:
            asyncio.run(service.open_in_background(other))
    assert str(raised.value) == (
        f"The collection in {other} could not be opened: [Errno 13] Permission denied: '{other}'"
    )
    assert service.root == root and service.loaded is loaded and events == []
    assert service.workspace.collection is loaded
    service.shut_down()


def test_a_background_reload_of_the_folder_open_before_is_dropped_after_an_open(
    service: CollectionService,
    root: Path,
    other: Path,
    events: list[CollectionEvent],
    held: HeldLoads,
) -> None:
    opened(service, root)
    events.clear()
    held.folders.add(root)

    async def scenario() -> None:
        reloading = asyncio.get_running_loop().create_task(service.reload_in_background())
        await held.wait_started()
        service.open(other)
        held.release.set()
        await reloading

    asyncio.run(scenario())
    loaded = service.loaded
    assert loaded is not None and loaded.root == other
    assert events == [CollectionLoaded(loaded)]
    service.shut_down()

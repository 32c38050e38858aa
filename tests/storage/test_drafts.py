from pathlib import Path

from app.core.collection import SavedRequest
from app.core.request import KeyValue
from app.core.tabs import OpenTab, TabSession, new_tab
from app.storage.drafts import DraftStore


def _session() -> TabSession:
    saved = SavedRequest("List", url="/payments", params=(KeyValue("limit", "5"),))
    edited = OpenTab(
        "t1", SavedRequest("List", url="/payments?x", body="{\n}\n"), saved, "list.request.yaml"
    )
    return TabSession((edited, new_tab()), active=1, collection_root="/c", environment="sandbox")


def test_round_trip(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    session = _session()
    store.save(session)
    assert store.load() == session


def test_nothing_saved_is_none_without_complaint(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    assert store.load() is None
    assert store.problem is None


def test_damaged_file_is_kept_aside_and_reported(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    store.path.parent.mkdir(parents=True)
    store.path.write_text('{"version": 1, "tabs": [{"current": "!!python/object:os.system {}"}]}')
    assert store.load() is None
    assert store.problem is not None and "kept as" in store.problem
    kept = list(store.path.parent.glob("session.damaged-*.json"))
    assert len(kept) == 1 and "python/object" in kept[0].read_text()


def test_dirty_and_titles() -> None:
    blank = new_tab()
    assert not blank.dirty and blank.title == "New request"
    assert blank.edited(SavedRequest("New request", url="/x")).dirty
    saved = SavedRequest("A", url="/a")
    tab = new_tab(saved, "a.request.yaml")
    assert not tab.dirty
    assert tab.edited(SavedRequest("A", url="/b")).dirty
    assert not tab.edited(saved).dirty


def test_drafts_are_readable_only_by_the_user(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    store.save(_session())
    assert store.path.stat().st_mode & 0o777 == 0o600

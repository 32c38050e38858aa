from pathlib import Path

from app.core.assertions import Assertion, Expected, Operator
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


def test_assertions_of_a_tab_survive_a_restart_with_their_types(tmp_path: Path) -> None:
    checks = (
        Assertion.status("2xx"),
        Assertion.path("$.amount", Operator.EQUALS, Expected.string("10.12")),
        Assertion.path(
            "$.rate", Operator.EQUALS, Expected.number("0.1000000000000000055511151231257827")
        ),
        Assertion.error(None),
    )
    saved = SavedRequest("Pay", url="/payments", assertions=checks[:1])
    tab = OpenTab("t1", SavedRequest("Pay", url="/payments", assertions=checks), saved, "p.yaml")
    store = DraftStore(tmp_path)
    store.save(TabSession((tab,), active=0))
    restored = store.load()
    assert restored is not None
    assert restored.tabs[0].current.assertions == checks
    assert restored.tabs[0].saved is not None and restored.tabs[0].saved.assertions == checks[:1]
    assert restored.tabs[0].dirty

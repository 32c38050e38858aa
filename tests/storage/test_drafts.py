import json
import random
from pathlib import Path

import pytest

from app.core.assertions import Assertion, Expected, Operator
from app.core.collection import SavedRequest
from app.core.request import KeyValue
from app.core.tabs import OpenTab, TabSession, new_tab
from app.storage.drafts import DraftStore
from tests.storage.arbitrary_json import damaged_text, json_value, mutated


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


def kept_aside(store: DraftStore) -> Path:
    [kept] = store.path.parent.glob("session.json.damaged-*")
    return kept


def write(store: DraftStore, data: object) -> str:
    text = data if isinstance(data, str) else json.dumps(data)
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text(text)
    return text


def test_damaged_file_is_kept_aside_and_reported(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    write(store, '{"version": 1, "tabs": [{"current": "!!python/object:os.system {}"}]}')
    session = store.load()
    assert session is not None and session.tabs == ()
    assert store.problem is not None and "kept as" in store.problem
    assert str(kept_aside(store)) in store.problem
    assert "python/object" in kept_aside(store).read_text()
    assert not store.path.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"version": 1, "tabs": {"id": "t1"}},  # each crashed every start (AttributeError)
        {"version": 1, "tabs": [None]},
        {"version": 1, "tabs": [{"id": "t1", "current": 5}]},
        {"version": 1, "tabs": "t1"},
        {"version": 1},
        {"version": 2, "tabs": []},
        [1, 2],
        "[" * 100_000 + "]" * 100_000,  # RecursionError
        '{"version": 1, "tabs": [], "active": NaN}',
        "",
    ],
)
def test_a_file_of_the_wrong_shape_restores_nothing_and_is_set_aside(
    tmp_path: Path, data: object
) -> None:
    store = DraftStore(tmp_path)
    text = write(store, data)
    session = store.load()
    assert session is None or session.tabs == ()
    assert store.problem is not None and "could not be" in store.problem
    assert kept_aside(store).read_text() == text


def test_the_good_tabs_are_restored_and_the_file_kept_for_the_others(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    saved = _session()
    store.save(saved)
    data = json.loads(store.path.read_text())
    good = data["tabs"]
    data["tabs"] = [
        good[0],
        None,
        {**good[1], "current": 5},
        {**good[1], "source": ["x"]},
        {**good[1], "id": "t1"},  # a second tab with the first one's id
        {**good[1], "current": "name: B\nmethod: TELEPORT\n"},
        good[1],
    ]
    data["active"] = 6
    write(store, data)
    session = store.load()
    assert session == saved  # tab 7 was the active one, now second of two
    assert store.problem is not None
    assert "tab 2: it is not a JSON object" in store.problem
    assert "tab 3: its request is not text" in store.problem
    assert "and 2 more" in store.problem  # the notice stays a sentence
    assert json.loads(kept_aside(store).read_text()) == data


def test_a_damaged_collection_or_environment_keeps_the_tabs(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    saved = _session()
    store.save(saved)
    data = json.loads(store.path.read_text())
    write(store, {**data, "collection": 7, "environment": "\ud800", "active": "1"})
    session = store.load()
    assert session == TabSession(saved.tabs, active=0)
    assert store.problem is not None and "the collection is not text" in store.problem


def _valid(session: TabSession | None) -> None:
    if session is None:
        return
    assert isinstance(session.tabs, tuple)
    assert all(isinstance(tab, OpenTab) for tab in session.tabs)
    assert len({tab.id for tab in session.tabs}) == len(session.tabs)
    assert 0 <= session.active < max(1, len(session.tabs))
    for text in (session.collection_root, session.environment):
        assert text is None or isinstance(text, str)


@pytest.mark.parametrize("seed", range(8))
def test_any_json_restores_a_valid_session_or_is_set_aside(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    template = DraftStore(tmp_path / "template")
    template.save(_session())
    valid = json.loads(template.path.read_text())
    for number in range(40):
        store = DraftStore(tmp_path / str(number))
        document = mutated(rng, valid, rate=0.3) if rng.random() < 0.85 else json_value(rng)
        data = damaged_text(rng, document)
        store.path.parent.mkdir(parents=True)
        store.path.write_bytes(data)
        case = f"seed {seed}, case {number}: {data[:300]!r}"
        session = store.load()
        _valid(session)
        if store.problem is None:
            assert session is not None, case
            assert store.path.read_bytes() == data, case
        else:
            assert not store.path.exists(), case
            assert kept_aside(store).read_bytes() == data, case
        if session is not None:
            # What was restored is saved again as the user goes on, and reads back the same.
            store.save(session)
            assert store.load() == session, case
            assert store.problem is None, case


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


def test_a_big_body_is_kept_as_json_beside_the_yaml(tmp_path: Path) -> None:
    body = '{"items": [' + ",".join(['"\\u00e9 \t x"'] * 50_000) + "]}\n"
    tab = OpenTab("t1", SavedRequest("Big", body=body), SavedRequest("Big", body=body[:10]))
    store = DraftStore(tmp_path)
    store.save(TabSession((tab,)))
    raw = json.loads((tmp_path / "drafts" / "session.json").read_text(encoding="utf-8"))
    assert raw["tabs"][0]["current_body"] == body and "body" not in raw["tabs"][0]["current"]
    loaded = store.load()
    assert loaded is not None and loaded.tabs == (tab,)


def test_drafts_written_with_the_body_inside_the_yaml_still_load(tmp_path: Path) -> None:
    (tmp_path / "drafts").mkdir()
    old = {
        "version": 1,
        "collection": None,
        "environment": None,
        "active": 0,
        "tabs": [
            {
                "id": "t1",
                "source": None,
                "collection": None,
                "saved": None,
                "current": 'name: Old\nmethod: POST\nurl: /p\nbody: |\n  {"a": 1}\n',
            }
        ],
    }
    (tmp_path / "drafts" / "session.json").write_text(json.dumps(old), encoding="utf-8")
    loaded = DraftStore(tmp_path).load()
    assert loaded is not None
    assert loaded.tabs[0].current.body == '{"a": 1}\n'

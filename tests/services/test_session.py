"""Session, the open tabs without Qt: their order, the active one, closing with unsaved edits,
saving into the collection (and asking before overwriting an outside change), following the
files on disk, and keeping everything in drafts.

Each test runs over a real collection folder, a real ``CollectionService`` and a real
``DraftStore``; the user is ``ScriptedPrompts``, so a question nobody expected fails the test.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app.core.assertions import Assertion, AssertionResult
from app.core.collection import Environment, SavedRequest, Variable
from app.core.tabs import OpenTab, TabSession, new_tab
from app.services.collections import CollectionService
from app.services.pipeline import Outcome, OutcomeKind, Refusal
from app.services.prompts import UnsavedChoice
from app.services.session import (
    Cancelled,
    Finished,
    Notice,
    Refused,
    Sending,
    Session,
    SessionEvent,
    TabActivated,
    TabAdded,
    TabChanged,
    TabRemoved,
)
from app.services.workspace import Workspace
from app.storage.collection_files import dump_request, parse_request
from app.storage.collection_store import create_collection
from app.storage.drafts import DraftStore
from tests.prompts import ScriptedPrompts

LIST = Path("payments/list-payments.request.yaml")
CREATE = Path("payments/refunds/create-refund.request.yaml")
TIME = Path("get-time.request.yaml")

LIST_REQUEST = SavedRequest("List payments", url="/payments")
CREATE_REQUEST = SavedRequest("Create refund", method="POST", url="/refunds", body="{}")
TIME_REQUEST = SavedRequest("Get time", url="/time")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "api"
    store = create_collection(root, "Demo API")
    store.new_folder(Path("."), "Payments")
    store.new_folder(Path("payments"), "Refunds")
    assert store.new_request(Path("payments"), LIST_REQUEST) == LIST
    assert store.new_request(Path("payments/refunds"), CREATE_REQUEST) == CREATE
    assert store.new_request(Path("."), TIME_REQUEST) == TIME
    store.new_folder(Path("."), "Archive")
    return root


@pytest.fixture
def prompts() -> Iterator[ScriptedPrompts]:
    prompts = ScriptedPrompts()
    yield prompts
    # Every answer a test scripted was asked for: no question silently went missing.
    assert (prompts.texts, prompts.confirms, prompts.unsaved) == ([], [], [])


@pytest.fixture
def collections(root: Path) -> CollectionService:
    service = CollectionService(Workspace())
    service.open(root)
    return service


@pytest.fixture
def drafts(tmp_path: Path) -> DraftStore:
    return DraftStore(tmp_path / "data")


@pytest.fixture
def session(
    collections: CollectionService, drafts: DraftStore, prompts: ScriptedPrompts
) -> Session:
    return Session(collections, drafts, prompts)


@pytest.fixture
def events(session: Session) -> list[SessionEvent]:
    seen: list[SessionEvent] = []
    session.subscribe(seen.append)
    return seen


def open_file(session: Session, rel: Path) -> OpenTab:
    """Open the request file ``rel`` as the sidebar does; the tab showing it."""
    node = session.collections.find(rel)
    assert node is not None and node.request is not None, rel
    session.open_saved(rel, node.request)
    tab = session.active()
    assert tab is not None and tab.source == rel.as_posix()
    return tab


def edit(session: Session, tab: OpenTab, **fields: Any) -> OpenTab:
    edited = session.edit(tab.id, replace(tab.current, **fields))
    assert edited is not None and edited.dirty
    return edited


def on_disk(root: Path, rel: Path) -> SavedRequest:
    return parse_request((root / rel).read_text(encoding="utf-8"), rel.as_posix())


def write_outside(root: Path, rel: Path, request: SavedRequest) -> None:
    """Change a request file as git or an editor would, behind the app's back."""
    (root / rel).write_text(dump_request(request), encoding="utf-8")


def ids(session: Session) -> list[str]:
    return [tab.id for tab in session.tabs()]


def active_id(session: Session) -> str:
    tab = session.active()
    assert tab is not None
    return tab.id


def three_tabs(session: Session) -> list[str]:
    for _ in range(3):
        session.open_new()
    return ids(session)


def outcome(*verdicts: bool) -> Outcome:
    results = tuple(
        AssertionResult(Assertion.status(200), passed, "equals 200", "200" if passed else "404")
        for passed in verdicts
    )
    return Outcome(OutcomeKind.RESPONDED, assertions=results)


# --- opening, activating, moving, editing --------------------------------------------------


def test_opening_a_tab_appends_it_and_makes_it_active(
    session: Session, events: list[SessionEvent]
) -> None:
    session.open_new()
    session.open_new()
    first, second = session.tabs()
    assert events == [
        TabAdded(first, 0),
        TabActivated("", first.id),
        TabAdded(second, 1),
        TabActivated(first.id, second.id),
    ]
    assert session.active() == second
    assert not first.dirty and first.source is None and first.title == "New request"


def test_a_file_opens_once_and_opening_it_again_shows_its_tab(
    session: Session, root: Path, events: list[SessionEvent]
) -> None:
    tab = open_file(session, TIME)
    assert (tab.current, tab.saved, tab.collection) == (TIME_REQUEST, TIME_REQUEST, str(root))
    assert not tab.dirty
    session.open_new()
    events.clear()
    open_file(session, TIME)
    assert len(session.tabs()) == 2
    assert events == [TabActivated(ids(session)[1], tab.id)]


def test_a_file_of_another_collection_with_the_same_path_gets_its_own_tab(
    session: Session, tmp_path: Path
) -> None:
    mine = open_file(session, TIME)
    other = new_tab(TIME_REQUEST, TIME.as_posix(), str(tmp_path / "other"))
    session.open(other)
    open_file(session, TIME)
    assert ids(session) == [mine.id, other.id]
    assert active_id(session) == mine.id


def test_activating_the_active_or_an_unknown_tab_says_nothing(
    session: Session, events: list[SessionEvent]
) -> None:
    first, _, third = three_tabs(session)
    events.clear()
    session.activate(third)
    session.activate("no such tab")
    assert events == [] and active_id(session) == third
    session.activate(first)
    assert events == [TabActivated(third, first)]


def test_moving_a_tab_reorders_without_an_event(
    session: Session, events: list[SessionEvent]
) -> None:
    first, second, third = three_tabs(session)
    events.clear()
    session.move(0, 2)  # the view already moved it: nothing to tell it
    assert ids(session) == [second, third, first]
    assert events == [] and active_id(session) == third
    assert session.index(first) == 2 and session.index("no such tab") == -1


def test_an_edit_makes_the_tab_dirty_and_undoing_it_makes_it_clean(
    session: Session, events: list[SessionEvent]
) -> None:
    tab = open_file(session, TIME)
    events.clear()
    edited = edit(session, tab, url="/time?zone=UTC")
    assert events == [TabChanged(edited, reloaded=False)]
    assert session.get(tab.id) == edited
    assert session.edit(tab.id, edited.current) == edited  # the same text again: no event
    assert len(events) == 1
    undone = session.edit(tab.id, TIME_REQUEST)
    assert undone is not None and not undone.dirty
    assert session.edit("no such tab", TIME_REQUEST) is None


def test_update_with_the_same_tab_says_nothing_unless_reloaded(
    session: Session, events: list[SessionEvent]
) -> None:
    tab = open_file(session, TIME)
    events.clear()
    session.update(tab)
    assert events == []
    session.update(tab, reloaded=True)
    assert events == [TabChanged(tab, reloaded=True)]
    session.update(new_tab())  # not open: ignored
    assert len(events) == 1


# --- closing -------------------------------------------------------------------------------


def test_closing_the_active_tab_activates_its_right_neighbour(
    session: Session, events: list[SessionEvent]
) -> None:
    first, second, third = three_tabs(session)
    session.activate(second)
    events.clear()
    assert session.close(second)
    assert events == [TabRemoved(second, 1), TabActivated("", third)]
    assert ids(session) == [first, third]


def test_closing_the_last_tab_on_the_right_activates_the_one_before(
    session: Session, events: list[SessionEvent]
) -> None:
    _, second, third = three_tabs(session)
    events.clear()
    assert session.close(third)
    assert events == [TabRemoved(third, 2), TabActivated("", second)]
    assert active_id(session) == second


def test_closing_another_tab_keeps_the_active_one(
    session: Session, events: list[SessionEvent]
) -> None:
    first, second, third = three_tabs(session)
    session.activate(second)
    events.clear()
    assert session.close(first)
    assert events == [TabRemoved(first, 0)]
    assert active_id(session) == second and ids(session) == [second, third]


def test_closing_the_last_tab_leaves_a_blank_one(
    session: Session, events: list[SessionEvent]
) -> None:
    tab = open_file(session, TIME)
    events.clear()
    assert session.close(tab.id)
    [blank] = session.tabs()
    assert events == [TabRemoved(tab.id, 0), TabAdded(blank, 0), TabActivated("", blank.id)]
    assert blank.id != tab.id and blank.source is None and not blank.dirty


def test_closing_a_tab_that_is_not_open_is_done_already(
    session: Session, events: list[SessionEvent]
) -> None:
    session.open_new()
    events.clear()
    assert session.close("no such tab")
    assert events == [] and len(session.tabs()) == 1


def test_a_clean_tab_closes_without_a_question(session: Session, prompts: ScriptedPrompts) -> None:
    session.open_new()
    blank = session.active()
    assert blank is not None
    saved = open_file(session, TIME)
    assert session.close(saved.id) and session.close(blank.id)
    assert prompts.questions == []


def test_cancel_keeps_a_dirty_tab_open_with_its_edits(
    session: Session, prompts: ScriptedPrompts, events: list[SessionEvent], root: Path
) -> None:
    tab = edit(session, open_file(session, TIME), url="/time?zone=UTC")
    events.clear()
    prompts.unsaved.append(UnsavedChoice.CANCEL)
    assert not session.close(tab.id)
    assert prompts.questions == ["unsaved: Get time"]
    assert events == [] and session.tabs() == (tab,) and session.active() == tab
    assert on_disk(root, TIME) == TIME_REQUEST


def test_discard_closes_a_dirty_tab_and_leaves_the_file_alone(
    session: Session, prompts: ScriptedPrompts, root: Path
) -> None:
    session.open_new()
    tab = edit(session, open_file(session, TIME), url="/time?zone=UTC")
    prompts.unsaved.append(UnsavedChoice.DISCARD)
    assert session.close(tab.id)
    assert session.get(tab.id) is None and len(session.tabs()) == 1
    assert on_disk(root, TIME) == TIME_REQUEST


def test_save_writes_a_dirty_tab_to_its_file_and_closes_it(
    session: Session, prompts: ScriptedPrompts, root: Path
) -> None:
    session.open_new()
    tab = edit(session, open_file(session, TIME), url="/time?zone=UTC")
    prompts.unsaved.append(UnsavedChoice.SAVE)
    assert session.close(tab.id)
    assert session.get(tab.id) is None
    assert on_disk(root, TIME) == replace(TIME_REQUEST, url="/time?zone=UTC")
    assert prompts.asked == []  # saved in place: no name asked


def test_save_of_a_new_request_asks_its_name_and_cancelling_keeps_the_tab(
    session: Session, prompts: ScriptedPrompts, root: Path
) -> None:
    session.open_new()
    tab = session.active()
    assert tab is not None
    tab = edit(session, tab, url="/payments/10145")
    assert tab.dirty  # a blank request with a URL typed into it
    before = sorted(root.rglob("*.request.yaml"))
    prompts.unsaved.append(UnsavedChoice.SAVE)
    prompts.texts.append(None)
    assert not session.close(tab.id)
    assert session.tabs() == (tab,)
    assert sorted(root.rglob("*.request.yaml")) == before

    prompts.unsaved.append(UnsavedChoice.SAVE)
    prompts.texts.append("Get payment")
    prompts.choices.append("(the collection itself)")  # the folder asked next
    assert session.close(tab.id)
    assert on_disk(root, Path("get-payment.request.yaml")) == replace(
        tab.current, name="Get payment"
    )


def test_save_refused_at_close_keeps_the_tab(
    session: Session, prompts: ScriptedPrompts, root: Path
) -> None:
    tab = edit(session, open_file(session, TIME), url="/time?zone=UTC")
    write_outside(root, TIME, replace(TIME_REQUEST, url="/v2/time"))
    prompts.unsaved.append(UnsavedChoice.SAVE)
    prompts.confirms.append(False)  # keep the file as git left it
    assert not session.close(tab.id)
    assert session.get(tab.id) is not None
    assert on_disk(root, TIME).url == "/v2/time"


def test_a_save_that_fails_at_close_says_why_and_keeps_the_tab(
    session: Session, prompts: ScriptedPrompts, events: list[SessionEvent]
) -> None:
    session.open_new()
    tab = session.active()
    assert tab is not None
    tab = edit(session, tab, url="/payments/10145")
    prompts.unsaved.append(UnsavedChoice.SAVE)
    prompts.texts.append("   ")  # an empty name: the store refuses it with a sentence
    prompts.choices.append("(the collection itself)")  # the folder asked next
    events.clear()
    assert not session.close(tab.id)
    assert session.get(tab.id) is not None
    notices = [e.text for e in events if isinstance(e, Notice)]
    assert len(notices) == 1 and notices[0].startswith("New request was not closed: ")


# --- what each tab shows -------------------------------------------------------------------


def test_each_tab_keeps_what_it_showed_and_the_verdicts_of_its_last_send(
    session: Session,
) -> None:
    first, second = three_tabs(session)[:2]
    assert session.result(first) is None and session.verdicts(first) is None
    session.show(first, Sending("GET", "https://api.test/time"))
    session.show(second, Refused("{{host}} is not defined."))
    assert session.result(first) == Sending("GET", "https://api.test/time")
    assert session.result(second) == Refused("{{host}} is not defined.")

    finished = Finished(outcome(True, False))
    session.show(first, finished)
    assert session.result(first) == finished
    assert session.verdicts(first) == finished.outcome.assertions
    # The next send's progress replaces what is shown, not the verdicts of the last one.
    session.show(first, Sending("GET", "https://api.test/time"))
    session.show(first, Cancelled())
    assert session.result(first) == Cancelled()
    assert session.verdicts(first) == finished.outcome.assertions
    refused = Finished(Outcome(OutcomeKind.REFUSED, refusal=Refusal("No token.")))
    session.show(first, refused)
    assert session.verdicts(first) == ()

    session.show("no such tab", Cancelled())
    assert session.result("no such tab") is None


def test_a_closed_tab_forgets_what_it_showed(session: Session) -> None:
    first = three_tabs(session)[0]
    session.show(first, Finished(outcome(True)))
    assert session.close(first)
    assert session.result(first) is None and session.verdicts(first) is None


# --- saving --------------------------------------------------------------------------------


def test_save_writes_the_file_in_place_and_the_tab_is_clean(
    session: Session, root: Path, events: list[SessionEvent], prompts: ScriptedPrompts
) -> None:
    tab = edit(session, open_file(session, LIST), url="/payments?limit=5")
    events.clear()
    result = session.save(tab.id)
    assert result.saved and result.path == LIST
    assert result.message == f"Saved {LIST.as_posix()}"
    expected = replace(LIST_REQUEST, url="/payments?limit=5")
    assert on_disk(root, LIST) == expected
    saved = session.get(tab.id)
    assert saved is not None and not saved.dirty
    assert (saved.current, saved.saved, saved.source) == (expected, expected, LIST.as_posix())
    # One change of saved state; the reload after saving finds nothing new to show.
    assert events == [TabChanged(saved, reloaded=False)]
    node = session.collections.find(LIST)
    assert node is not None and node.request == expected
    assert prompts.questions == [] and prompts.asked == []


def test_save_as_asks_a_name_and_writes_a_new_file(
    session: Session, root: Path, prompts: ScriptedPrompts
) -> None:
    tab = edit(session, open_file(session, TIME), url="/time?zone=UTC")
    prompts.texts.append("Get time in UTC")
    prompts.choices.append("payments")  # the folder asked next
    result = session.save(tab.id, ask_name=True, folder=Path("payments"))
    new = Path("payments/get-time-in-utc.request.yaml")
    assert result.path == new and result.message == f"Saved {new.as_posix()}"
    assert prompts.asked == [("Save request", "Name of the request:", "Get time")]
    expected = replace(TIME_REQUEST, name="Get time in UTC", url="/time?zone=UTC")
    assert on_disk(root, new) == expected
    assert on_disk(root, TIME) == TIME_REQUEST  # the original stays as it was
    saved = session.get(tab.id)
    assert saved is not None and not saved.dirty
    assert (saved.source, saved.current) == (new.as_posix(), expected)
    # Opening the original now gives it a tab of its own.
    original = open_file(session, TIME)
    assert original.id != tab.id


def test_a_new_request_is_saved_under_the_name_asked(
    session: Session, root: Path, prompts: ScriptedPrompts
) -> None:
    session.open_new()
    tab = session.active()
    assert tab is not None
    edit(session, tab, method="POST", url="/payments")
    prompts.texts.append("  Create payment  ")
    prompts.choices.append("payments")  # the folder asked next
    result = session.save(tab.id, folder=Path("payments"))
    assert result.path == Path("payments/create-payment.request.yaml")
    assert prompts.asked == [("Save request", "Name of the request:", "New request")]
    saved = session.get(tab.id)
    assert saved is not None and not saved.dirty
    assert saved.current.name == "Create payment"
    assert saved.collection == str(root)


def test_an_empty_name_is_refused_with_the_stores_sentence(
    session: Session, root: Path, prompts: ScriptedPrompts, events: list[SessionEvent]
) -> None:
    session.open_new()
    tab = session.active()
    assert tab is not None
    tab = edit(session, tab, url="/payments")
    before = sorted(p for p in root.rglob("*") if p.is_file())
    events.clear()
    prompts.texts.append("   ")
    prompts.choices.append("(the collection itself)")  # the folder asked next
    result = session.save(tab.id)
    assert not result.saved
    assert result.message == "Give the request a name before saving it."
    assert sorted(p for p in root.rglob("*") if p.is_file()) == before
    assert session.get(tab.id) == tab and events == []


def test_cancelling_the_name_saves_nothing(
    session: Session, root: Path, prompts: ScriptedPrompts
) -> None:
    tab = edit(session, open_file(session, TIME), url="/time?zone=UTC")
    before = sorted(p for p in root.rglob("*") if p.is_file())
    prompts.texts.append(None)
    result = session.save(tab.id, ask_name=True)
    assert (result.path, result.message) == (None, "")
    assert sorted(p for p in root.rglob("*") if p.is_file()) == before
    assert session.get(tab.id) == tab


def test_saving_with_no_collection_open_says_what_to_do(
    session: Session, prompts: ScriptedPrompts
) -> None:
    session.collections.close()
    session.open_new()
    tab = session.active()
    assert tab is not None
    result = session.save(tab.id)
    assert not result.saved
    assert result.message.startswith("Open a collection folder first")
    assert prompts.asked == []
    assert session.save("no such tab") == type(result)(None)


def test_a_tab_of_another_collection_is_saved_as_a_new_request(
    session: Session, root: Path, tmp_path: Path, prompts: ScriptedPrompts
) -> None:
    foreign = new_tab(TIME_REQUEST, TIME.as_posix(), str(tmp_path / "other-api"))
    session.open(foreign)
    prompts.texts.append("Time from elsewhere")
    prompts.choices.append("(the collection itself)")  # the folder asked next
    result = session.save(foreign.id)
    assert result.path == Path("time-from-elsewhere.request.yaml")
    assert on_disk(root, TIME) == TIME_REQUEST
    saved = session.get(foreign.id)
    assert saved is not None and saved.collection == str(root)


def test_a_refused_write_is_a_sentence_and_the_tab_keeps_its_edits(
    session: Session, root: Path
) -> None:
    tab = edit(session, open_file(session, TIME), name=" ")
    result = session.save(tab.id)
    assert not result.saved
    assert result.message == "Give the request a name before saving it."
    assert session.get(tab.id) == tab
    assert on_disk(root, TIME) == TIME_REQUEST


def test_saving_into_a_folder_deleted_outside_is_a_sentence(
    session: Session, root: Path, prompts: ScriptedPrompts
) -> None:
    session.open_new()
    tab = session.active()
    assert tab is not None
    tab = edit(session, tab, url="/archived")
    (root / "archive" / "folder.yaml").unlink()
    (root / "archive").rmdir()  # the sidebar still shows it
    prompts.texts.append("Archived")
    prompts.choices.append("archive")  # the folder asked next
    result = session.save(tab.id, folder=Path("archive"))
    assert not result.saved
    assert (
        result.message.startswith("archive is not a ")
        and "folder of the collection" in result.message
    )
    assert session.get(tab.id) == tab


def test_a_file_changed_on_disk_asks_before_it_is_overwritten(
    session: Session, root: Path, prompts: ScriptedPrompts
) -> None:
    tab = edit(session, open_file(session, TIME), url="/time?zone=UTC")
    theirs = replace(TIME_REQUEST, url="/v2/time")
    write_outside(root, TIME, theirs)

    prompts.confirms.append(False)
    result = session.save(tab.id)
    assert not result.saved and result.message == "Not saved: the file on disk was kept."
    [question] = prompts.questions
    assert TIME.as_posix() in question and "Save As" in question
    assert on_disk(root, TIME) == theirs
    kept = session.get(tab.id)
    assert kept is not None and kept.dirty and kept.current == tab.current

    prompts.confirms.append(True)
    assert session.save(tab.id).saved
    assert on_disk(root, TIME) == tab.current
    saved = session.get(tab.id)
    assert saved is not None and not saved.dirty


def test_saving_a_file_nobody_changed_asks_nothing(
    session: Session, root: Path, prompts: ScriptedPrompts
) -> None:
    tab = edit(session, open_file(session, TIME), url="/time?zone=UTC")
    assert session.save(tab.id).saved
    again = edit(session, session.get(tab.id) or tab, url="/time?zone=CET")
    assert session.save(again.id).saved
    assert on_disk(root, TIME).url == "/time?zone=CET"
    assert prompts.questions == []


def test_saving_a_clean_tab_never_undoes_an_outside_change(
    session: Session, root: Path, prompts: ScriptedPrompts
) -> None:
    tab = open_file(session, TIME)
    theirs = replace(TIME_REQUEST, url="/v2/time")
    write_outside(root, TIME, theirs)  # the watcher has not reloaded yet
    result = session.save(tab.id)
    # Nothing of the user's was at stake: no question, and git's version stays.
    assert prompts.questions == []
    assert result.saved
    assert on_disk(root, TIME) == theirs
    shown = session.get(tab.id)
    assert shown is not None and shown.current == theirs and not shown.dirty


def test_saving_before_the_watcher_noticed_a_new_name_keeps_that_name(
    session: Session, root: Path, prompts: ScriptedPrompts
) -> None:
    tab = edit(session, open_file(session, LIST), url="/payments?limit=5")
    write_outside(root, LIST, replace(LIST_REQUEST, name="All payments"))  # not reloaded yet
    assert session.save(tab.id).saved
    # Only the name changed on disk, and the tab follows names: nothing to ask about.
    assert prompts.questions == []
    assert on_disk(root, LIST) == replace(tab.current, name="All payments")


# --- following the disk --------------------------------------------------------------------


def test_a_clean_tab_shows_the_new_version_of_its_file(
    session: Session, root: Path, events: list[SessionEvent]
) -> None:
    tab = open_file(session, LIST)
    other = open_file(session, TIME)
    events.clear()
    theirs = replace(LIST_REQUEST, url="/v2/payments", description="From git.")
    write_outside(root, LIST, theirs)
    session.collections.reload()
    reloaded = session.get(tab.id)
    assert reloaded is not None
    assert (reloaded.current, reloaded.saved) == (theirs, theirs) and not reloaded.dirty
    assert events == [TabChanged(reloaded, reloaded=True)]
    assert session.get(other.id) == other


def test_a_dirty_tab_keeps_its_edits_when_its_file_changes(
    session: Session, root: Path, events: list[SessionEvent], prompts: ScriptedPrompts
) -> None:
    tab = edit(session, open_file(session, LIST), url="/payments?limit=5")
    events.clear()
    write_outside(root, LIST, replace(LIST_REQUEST, url="/v2/payments"))
    session.collections.reload()
    assert events == [] and session.get(tab.id) == tab
    # ...and saving it asks first.
    prompts.confirms.append(False)
    assert not session.save(tab.id).saved


def test_a_dirty_tab_follows_a_new_name_and_keeps_its_other_edits(
    session: Session, root: Path, events: list[SessionEvent], prompts: ScriptedPrompts
) -> None:
    tab = edit(session, open_file(session, LIST), url="/payments?limit=5")
    events.clear()
    write_outside(root, LIST, replace(LIST_REQUEST, name="All payments"))
    session.collections.reload()
    followed = session.get(tab.id)
    assert followed is not None and followed.saved is not None
    assert followed.current == replace(tab.current, name="All payments")
    assert followed.saved == replace(LIST_REQUEST, name="All payments")
    assert followed.dirty and events == [TabChanged(followed, reloaded=True)]
    # Only the name changed on disk and the tab has it: saving overwrites without asking.
    assert session.save(tab.id).saved
    assert on_disk(root, LIST) == followed.current
    assert prompts.questions == []


def test_a_tab_whose_file_became_unreadable_keeps_what_it_had(
    session: Session, root: Path, events: list[SessionEvent]
) -> None:
    tab = open_file(session, TIME)
    events.clear()
    (root / TIME).write_text("name: [unclosed\n", encoding="utf-8")
    session.collections.reload()
    assert events == [] and session.get(tab.id) == tab


def test_tabs_of_other_collections_and_new_requests_are_left_alone(
    session: Session, root: Path, tmp_path: Path, events: list[SessionEvent]
) -> None:
    foreign = new_tab(LIST_REQUEST, LIST.as_posix(), str(tmp_path / "other-api"))
    session.open(foreign)
    session.open_new()
    events.clear()
    write_outside(root, LIST, replace(LIST_REQUEST, url="/v2/payments"))
    session.collections.reload()
    assert events == [] and session.get(foreign.id) == foreign


# --- renames, moves and deletions made in the app ------------------------------------------


def test_renaming_a_file_takes_its_tab_along(
    session: Session, root: Path, events: list[SessionEvent]
) -> None:
    tab = open_file(session, TIME)
    events.clear()
    new = session.collections.rename(TIME, "Server time")
    session.collections.reload()  # as the sidebar does after every change
    assert new == Path("server-time.request.yaml")
    renamed = session.get(tab.id)
    assert renamed is not None and renamed.source == new.as_posix() and not renamed.dirty
    assert renamed.current == replace(TIME_REQUEST, name="Server time")
    assert [type(e) for e in events] == [TabChanged, TabChanged]
    assert events[-1] == TabChanged(renamed, reloaded=True)
    # The sidebar opening the renamed file shows the same tab.
    assert open_file(session, new).id == tab.id


def test_a_renamed_file_keeps_the_edits_and_saves_to_the_new_file(
    session: Session, root: Path, prompts: ScriptedPrompts
) -> None:
    tab = edit(session, open_file(session, TIME), url="/time?zone=UTC")
    new = session.collections.rename(TIME, "Server time")
    session.collections.reload()
    renamed = session.get(tab.id)
    assert renamed is not None and renamed.dirty
    assert renamed.current == replace(tab.current, name="Server time")
    assert session.save(tab.id).path == new
    assert on_disk(root, new) == renamed.current
    assert not (root / TIME).exists() and prompts.questions == []


def test_renaming_a_folder_takes_the_tabs_of_its_requests_along(
    session: Session, root: Path
) -> None:
    listing = open_file(session, LIST)
    refund = edit(session, open_file(session, CREATE), body='{"amount": 5}')
    elsewhere = open_file(session, TIME)
    assert session.collections.rename(Path("payments"), "Transfers") == Path("transfers")
    session.collections.reload()
    sources = {tab.id: tab.source for tab in session.tabs()}
    assert sources == {
        listing.id: "transfers/list-payments.request.yaml",
        refund.id: "transfers/refunds/create-refund.request.yaml",
        elsewhere.id: TIME.as_posix(),
    }
    moved = session.get(refund.id)
    assert moved is not None and moved.current == refund.current and moved.dirty


def test_moving_a_file_or_a_folder_takes_the_tabs_along(session: Session, root: Path) -> None:
    time_tab = open_file(session, TIME)
    refund = open_file(session, CREATE)
    assert session.collections.move(TIME, Path("archive")) == Path("archive/get-time.request.yaml")
    assert session.collections.move(Path("payments/refunds"), Path("archive")) == Path(
        "archive/refunds"
    )
    session.collections.reload()
    assert [session.get(time_tab.id), session.get(refund.id)] == [
        replace(time_tab, source="archive/get-time.request.yaml"),
        replace(refund, source="archive/refunds/create-refund.request.yaml"),
    ]


def test_deleting_a_file_leaves_its_tab_open_as_a_request_saved_nowhere(
    session: Session, root: Path, prompts: ScriptedPrompts, events: list[SessionEvent]
) -> None:
    tab = open_file(session, TIME)
    events.clear()
    session.collections.delete(TIME)
    session.collections.reload()
    detached = session.get(tab.id)
    assert detached is not None
    assert (detached.source, detached.saved, detached.collection) == (None, None, None)
    assert detached.current == TIME_REQUEST and detached.dirty
    assert events == [TabChanged(detached, reloaded=False)]
    # Closing it now asks: its only copy is the tab.
    prompts.unsaved.append(UnsavedChoice.CANCEL)
    assert not session.close(tab.id)
    # Saving makes a new file under the name asked.
    prompts.texts.append("Get time")
    prompts.choices.append("(the collection itself)")  # the folder asked next
    assert session.save(tab.id).path == TIME


def test_deleting_a_folder_detaches_the_tabs_of_everything_in_it(
    session: Session, root: Path
) -> None:
    listing = open_file(session, LIST)
    refund = open_file(session, CREATE)
    elsewhere = open_file(session, TIME)
    session.collections.delete(Path("payments"))
    session.collections.reload()
    for tab in (listing, refund):
        assert session.get(tab.id) == replace(tab, source=None, saved=None, collection=None)
    assert session.get(elsewhere.id) == elsewhere


# --- drafts --------------------------------------------------------------------------------


def test_restore_opens_the_tabs_then_follows_the_disk(
    session: Session, root: Path, events: list[SessionEvent], prompts: ScriptedPrompts
) -> None:
    old_list = replace(LIST_REQUEST, url="/v1/payments")
    clean = new_tab(old_list, LIST.as_posix(), str(root))  # its file changed since the crash
    dirty = new_tab(TIME_REQUEST, TIME.as_posix(), str(root)).edited(
        replace(TIME_REQUEST, url="/time?zone=UTC")
    )
    blank = new_tab()
    session.restore(TabSession((clean, dirty, blank), active=1, collection_root=str(root)))
    refreshed = replace(clean, current=LIST_REQUEST, saved=LIST_REQUEST)
    assert session.tabs() == (refreshed, dirty, blank)
    assert events == [
        TabAdded(clean, 0),
        TabAdded(dirty, 1),
        TabAdded(blank, 2),
        TabActivated("", dirty.id),
        TabChanged(refreshed, reloaded=True),
    ]
    assert prompts.questions == []


def test_restore_of_an_active_index_past_the_end_activates_the_last_tab(
    session: Session,
) -> None:
    tabs = (new_tab(), new_tab())
    session.restore(TabSession(tabs, active=7))
    assert active_id(session) == tabs[1].id


def test_a_snapshot_holds_the_tabs_the_active_one_and_the_environment(
    session: Session, root: Path
) -> None:
    session.collections.save_environment(Environment("sandbox", (Variable("host", "x"),)))
    session.collections.reload()
    assert session.collections.workspace.select_environment("sandbox") is not None
    first = open_file(session, TIME)
    second = edit(session, open_file(session, LIST), url="/payments?limit=1")
    session.activate(first.id)
    assert session.snapshot() == TabSession(
        (first, second), active=0, collection_root=str(root), environment="sandbox"
    )


def test_drafts_keep_every_tab_and_come_back(
    session: Session, drafts: DraftStore, root: Path
) -> None:
    open_file(session, TIME)
    tab = session.active()
    assert tab is not None
    edit(session, tab, url="/time?zone=UTC")
    session.open_new()
    assert session.save_drafts() is None
    assert drafts.load() == session.snapshot()
    assert drafts.problem is None


def test_drafts_that_cannot_be_written_are_a_sentence(session: Session, drafts: DraftStore) -> None:
    session.open_new()
    drafts.path.mkdir(parents=True)  # a folder where the file goes
    message = session.save_drafts()
    assert message is not None
    assert message.startswith("Unsaved edits could not be kept in drafts: ")
    assert "Traceback" not in message


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root writes into read-only folders",
)
def test_drafts_in_a_read_only_folder_are_a_sentence(session: Session, drafts: DraftStore) -> None:
    session.open_new()
    folder = drafts.path.parent
    folder.mkdir(parents=True)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        message = session.save_drafts()
    finally:
        folder.chmod(stat.S_IRWXU)
    assert message is not None
    assert message.startswith("Unsaved edits could not be kept in drafts: ")
    assert not drafts.path.exists()


def test_a_new_request_asks_which_folder_with_the_selected_one_first(
    session: Session, prompts: ScriptedPrompts, root: Path
) -> None:
    session.open_new()
    tab = session.active()
    assert tab is not None
    tab = edit(session, tab, url="/payments/10145")
    prompts.texts.append("Get payment")
    prompts.choices.append(None)  # cancelled: nothing is written
    before = sorted(root.rglob("*.request.yaml"))
    assert not session.save(tab.id, folder=Path("payments")).saved
    assert sorted(root.rglob("*.request.yaml")) == before
    title, options, default = prompts.offered[-1]
    assert title == "Save request"
    assert options[0] == "(the collection itself)" and "payments" in options
    assert default == "payments"


def test_blank_tabs_get_names_of_their_own(session: Session) -> None:
    for _ in range(3):
        session.open_new()
    assert [tab.title for tab in session.tabs()] == [
        "New request",
        "New request 2",
        "New request 3",
    ]
    assert not any(tab.dirty for tab in session.tabs())


def test_a_single_click_previews_in_one_tab_until_it_is_edited_or_opened_for_good(
    session: Session,
) -> None:
    list_node = session.collections.find(LIST)
    time_node = session.collections.find(TIME)
    assert list_node is not None and list_node.request is not None
    assert time_node is not None and time_node.request is not None
    session.open_saved(LIST, list_node.request, preview=True)
    preview = session.active()
    assert preview is not None and session.is_preview(preview.id)
    session.show(preview.id, Cancelled())
    session.open_saved(TIME, time_node.request, preview=True)  # replaces it
    assert len(session.tabs()) == 1
    replaced = session.active()
    assert replaced is not None and replaced.id == preview.id and replaced.source == TIME.as_posix()
    assert session.result(replaced.id) is None  # not the other request's response

    session.open_saved(TIME, time_node.request)  # a double click keeps it
    assert not session.is_preview(replaced.id)
    session.open_saved(LIST, list_node.request, preview=True)
    assert len(session.tabs()) == 2  # a new preview tab; the kept one stays

    previewed = session.active()
    assert previewed is not None
    edit(session, previewed, url="/payments?mine=1")  # edited: kept too
    session.open_saved(TIME, time_node.request, preview=True)
    assert len(session.tabs()) == 2 and session.active().id == replaced.id  # type: ignore[union-attr]

"""Saved examples in the real window against the demo API: a response kept with its request
in the collection file (secrets as {{name}}), and later responses compared with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.core.collection import Defaults, Environment, SavedRequest, Variable
from app.storage.collection_files import parse_request
from app.storage.collection_store import CollectionStore, create_collection
from app.ui.main_window import MainWindow
from tests.e2e.conftest import open_saved
from tests.e2e.test_send_and_read import TIMEOUT_MS, send, set_request, text
from tests.prompts import ScriptedPrompts

SECRET = "n0te-s3cr3t-7c1d"
CREATE = "create.request.yaml"


@pytest.fixture
def collection(tmp_path: Path) -> CollectionStore:
    store = create_collection(tmp_path / "team-api", "Team API")
    store.save_defaults(Path("."), Defaults(base_url="{{demo_url}}/rest/v1"))
    store.new_request(
        Path("."),
        SavedRequest(
            "Create",
            method="POST",
            url="/payments",
            body='{"price": {"amount": "10.10", "currency": "EUR"}, "description": "{{token}}"}',
        ),
    )
    store.save_environment(Environment("sandbox", (Variable("token", secret=True),)))
    return store


def test_a_response_kept_as_an_example_then_compared(
    qtbot: Any,
    team_window: MainWindow,
    collection: CollectionStore,
    prompts: ScriptedPrompts,
) -> None:
    window = team_window
    window.environment_bar.select("sandbox")
    window.workspace.store_secrets("sandbox", {"token": SECRET})
    open_saved(window, CREATE)
    # An unsaved edit of the tab stays unsaved: only the example is written.
    window.builder.timeout_spin.setValue(window.builder.timeout_spin.value())
    send(qtbot, window)
    assert text(window, "statusLabel") == "200 OK"
    prompts.texts.append("Created")
    window.menus.actions["save_example"].trigger()

    written = (collection.root / CREATE).read_text(encoding="utf-8")
    assert SECRET not in written
    saved = parse_request(written, CREATE)
    (example,) = saved.examples
    assert (example.name, example.status) == ("Created", 200)
    assert "{{token}}" in example.body
    assert '"amount": "10.10"' in example.body or '"amount":"10.10"' in example.body
    assert not any(h.name.lower() == "set-cookie" for h in example.headers)
    tab = window.active_tab()
    assert tab is not None and not tab.dirty

    # The next payment differs in its id and time: the diff says so, side by side.
    send(qtbot, window)
    seen: dict[str, Any] = {}

    def look(dialog: Any) -> bool:
        qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=TIMEOUT_MS)
        model = dialog.model
        seen["paths"] = [model.index(r, 0).data() for r in range(model.rowCount())]
        seen["headers"] = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)]
        seen["text"] = dialog.unified_view.toPlainText()
        return True

    prompts.dialogs.append(look)
    window.menus.actions["compare_example"].trigger()
    qtbot.waitUntil(lambda: "paths" in seen, timeout=TIMEOUT_MS)
    assert "~ $.id" in seen["paths"]
    # The secret is {{token}} on both sides: not a difference.
    assert not any("description" in path for path in seen["paths"])
    assert SECRET not in seen["text"]
    assert seen["headers"][1:] == ["Example: Created", "This response"]


def test_without_a_response_or_an_example_it_says_what_to_do(
    qtbot: Any, window: MainWindow, prompts: ScriptedPrompts
) -> None:
    window.new_tab()
    window.menus.actions["save_example"].trigger()
    assert "Send the request first" in prompts.errors[-1]
    set_request(window, "GET", "/payments/10145")
    send(qtbot, window)
    window.menus.actions["compare_example"].trigger()
    assert "no saved examples" in prompts.errors[-1]
    # An unsaved tab keeps the example with its edits, to be saved with the request.
    prompts.texts.append("OK")
    window.menus.actions["save_example"].trigger()
    tab = window.active_tab()
    assert tab is not None and [e.name for e in tab.current.examples] == ["OK"]
    assert "save the request" in window.statusBar().currentMessage()


def test_an_example_that_would_outgrow_the_request_file_is_refused(
    team_window: MainWindow,
    collection: CollectionStore,
) -> None:
    from app.core.collection import ResponseExample

    open_saved(team_window, CREATE)
    tab = team_window.active_tab()
    assert tab is not None
    before = (collection.root / CREATE).read_bytes()
    huge = ResponseExample("Huge", 200, (), "中" * 900_000)  # under 1 M characters, 2.7 MB
    result = team_window.session.keep_example(tab.id, huge)
    assert not result.saved and "would pass 2 MB" in result.message
    assert (collection.root / CREATE).read_bytes() == before
    kept = team_window.session.get(tab.id)
    assert kept is not None and kept.current.examples == ()

"""Collections, environments and secrets in the real window against the demo API."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from app.application import create_main_window
from app.core.collection import Defaults, Environment, SavedRequest, Variable
from app.core.request import KeyValue
from app.storage.collection_store import CollectionStore, create_collection
from app.ui.main_window import MainWindow
from tests.e2e.conftest import child, open_saved
from tests.e2e.test_send_and_read import TIMEOUT_MS, send, text
from tests.prompts import ScriptedPrompts

SECRET = "s3cr3t-T0KEN-value-9f8e7d"


@pytest.fixture
def collection(tmp_path: Path) -> CollectionStore:
    store = create_collection(tmp_path / "team-api", "Team API")
    store.save_defaults(
        Path("."),
        Defaults(base_url="{{demo_url}}/rest/v1", variables=(Variable("who", "collection"),)),
    )
    wallet = store.new_folder(Path("."), "Wallet")
    store.new_request(
        wallet,
        SavedRequest(
            "Me",
            url="/wallet/me",
            params=(KeyValue("key", "{{token}}"),),
            headers=(KeyValue("Authorization", "Bearer {{token}}"),),
        ),
    )
    store.new_request(
        wallet,
        SavedRequest(
            "Create",
            method="POST",
            url="/payments",
            body='{"price": {"amount": "1.00", "currency": "{{currency}}"}, "note": "{{token}}"}',
        ),
    )
    store.save_environment(
        Environment("sandbox", (Variable("currency", "EUR"), Variable("token", secret=True)))
    )
    store.save_environment(
        Environment(
            "production",
            (Variable("currency", "EUR"), Variable("token", secret=True)),
            protected=True,
        )
    )
    return store


def test_unresolved_variable_blocks_sending_and_names_it(
    qtbot: Any, team_window: MainWindow
) -> None:
    open_saved(team_window, "wallet/me.request.yaml")
    started: list[int] = []
    team_window.sends.started.connect(started.append)
    team_window.send()
    assert started == []
    assert text(team_window, "statusLabel") == "Not sent"
    assert "{{token}}" in text(team_window, "responseMessageLabel")


def test_a_declared_secret_without_a_value_here_is_said_so_and_set_from_there(
    qtbot: Any, team_window: MainWindow, prompts: ScriptedPrompts
) -> None:
    team_window.environment_bar.select("sandbox")  # declares token as a secret
    open_saved(team_window, "wallet/me.request.yaml")
    team_window.send()
    message = text(team_window, "responseMessageLabel")
    assert 'The environment "sandbox" declares {{token}} as a secret' in message
    assert "no value on this computer" in message and "not defined" not in message

    # And it offers to set it: the environment editor, where the value goes in.
    offer = child(team_window, "responseOfferButton")
    assert offer.isVisible() and offer.text() == "Set the secret…"

    def set_token(dialog: Any) -> bool:
        model = dialog.model
        row = next(r for r, v in enumerate(model.rows()) if v.name == "token")
        assert model.setData(model.index(row, model.VALUE_COLUMN), SECRET)
        return True

    prompts.dialogs.append(set_token)
    qtbot.mouseClick(offer, Qt.MouseButton.LeftButton)
    assert team_window.workspace.secret_values()["token"] == SECRET
    send(qtbot, team_window)
    assert text(team_window, "statusLabel") == "200 OK"
    assert not child(team_window, "responseOfferButton").isVisible()


def test_secrets_never_reach_a_file(
    qtbot: Any, team_window: MainWindow, collection: CollectionStore, explorer_home: Path
) -> None:
    team_window.environment_bar.select("sandbox")
    team_window.workspace.store_secrets("sandbox", {"token": SECRET})
    open_saved(team_window, "wallet/me.request.yaml")
    send(qtbot, team_window)
    assert text(team_window, "statusLabel") == "200 OK"
    open_saved(team_window, "wallet/create.request.yaml")
    send(qtbot, team_window)
    team_window.save_drafts()
    team_window.history.store.close()

    leaks = []
    history_and_drafts = [p for p in explorer_home.rglob("*") if p.name != "secrets.json"]
    for path in [*collection.root.rglob("*"), *history_and_drafts]:
        if path.is_file() and SECRET.encode() in path.read_bytes():
            leaks.append(path)
    assert leaks == []
    assert any("history" in p.name for p in explorer_home.iterdir())
    assert (explorer_home / "drafts" / "session.json").exists()


def test_protected_environment_shows_a_bar_and_asks_before_changing_data(
    qtbot: Any, team_window: MainWindow, prompts: ScriptedPrompts
) -> None:
    team_window.environment_bar.select("production")
    banner = child(team_window, "protectedBanner")
    assert banner.isVisible() and "PRODUCTION" in banner.text()
    team_window.workspace.store_secrets("production", {"token": SECRET})
    prompts.confirms.append(False)
    open_saved(team_window, "wallet/create.request.yaml")
    team_window.send()
    assert len(prompts.questions) == 1 and "POST" in prompts.questions[0]
    assert text(team_window, "statusLabel") == "Not sent"

    open_saved(team_window, "wallet/me.request.yaml")
    send(qtbot, team_window)  # GET does not ask (an unexpected question fails the test)
    assert len(prompts.questions) == 1
    team_window.environment_bar.select("sandbox")
    assert not banner.isVisible()


def test_save_writes_the_request_file_and_clears_the_marker(
    qtbot: Any, team_window: MainWindow, collection: CollectionStore
) -> None:
    open_saved(team_window, "wallet/me.request.yaml")
    qtbot.keyClicks(child(team_window, "urlEdit"), "x")
    tab = team_window.active_tab()
    assert tab is not None and tab.dirty
    team_window.save_active_tab()
    tab = team_window.active_tab()
    assert tab is not None and not tab.dirty
    saved = (collection.root / "wallet" / "me.request.yaml").read_text()
    assert "value: '{{token}}x'" in saved


def test_save_as_puts_a_new_request_in_the_collection(
    qtbot: Any, team_window: MainWindow, collection: CollectionStore, prompts: ScriptedPrompts
) -> None:
    team_window.new_tab()
    qtbot.keyClicks(child(team_window, "urlEdit"), "/server")
    prompts.texts.append("Server time")
    prompts.choices.append("(the collection itself)")
    team_window.save_active_tab()
    assert (collection.root / "server-time.request.yaml").exists()
    tab = team_window.active_tab()
    assert tab is not None and tab.source == "server-time.request.yaml" and not tab.dirty


def test_the_last_collection_opens_again(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop, collection: CollectionStore
) -> None:
    first = create_main_window(collection=collection.root, demo=False)
    qtbot.addWidget(first)
    first.close()
    second = create_main_window(demo=False)
    qtbot.addWidget(second)
    loaded = second.collections.loaded
    assert loaded is not None and loaded.root == collection.root
    second.close()


def test_first_start_opens_the_sample_collection_with_the_demo_environment(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop, explorer_home: Path
) -> None:
    window = create_main_window()
    qtbot.addWidget(window)
    loaded = window.collections.loaded
    assert loaded is not None and loaded.problems == ()
    assert loaded.root == explorer_home / "collections" / "demo-api"
    assert window.environment_bar.current() == "demo"
    tab = window.active_tab()
    assert tab is not None and tab.source == "payments/list-payments.request.yaml"
    assert not tab.dirty
    with qtbot.waitSignal(window.sends.finished, timeout=TIMEOUT_MS):
        window.send()
    assert text(window, "statusLabel") == "200 OK"
    window.close()


def test_hovering_a_variable_shows_its_value_and_masks_secrets(
    qtbot: Any, team_window: MainWindow
) -> None:
    team_window.environment_bar.select("sandbox")
    team_window.workspace.store_secrets("sandbox", {"token": SECRET})
    open_saved(team_window, "wallet/me.request.yaml")
    described = team_window.area.describe_variables("Bearer {{token}} {{who}} {{nope}}")
    assert "{{token}} = ••••••" in described and 'environment "sandbox"' in described
    assert "{{who}} = collection   (collection)" in described
    assert "{{nope}} is not defined" in described
    assert SECRET not in described
    tooltip = child(team_window, "urlEdit").toolTip()
    assert "{{token}} = ••••••" in tooltip
    sends_to = child(team_window, "finalUrlLabel").text()
    assert "«secret:token»" in sends_to and SECRET not in sends_to


def test_editing_an_environment_keeps_its_secret_out_of_the_file(
    qtbot: Any, team_window: MainWindow, collection: CollectionStore
) -> None:
    team_window.environment_bar.select("sandbox")
    updated = Environment(
        "sandbox",
        (Variable("currency", "USD"), Variable("token", secret=True), Variable("new", "1")),
    )
    team_window.settings.apply_environment(updated, {"token": SECRET})
    text_on_disk = (collection.root / "environments" / "sandbox.yaml").read_text()
    assert "USD" in text_on_disk and "new" in text_on_disk
    assert SECRET not in text_on_disk
    assert team_window.workspace.secret_values()["token"] == SECRET
    assert team_window.environment_bar.current() == "sandbox"


def test_a_file_added_outside_the_app_appears_in_the_sidebar(
    qtbot: Any, team_window: MainWindow, collection: CollectionStore
) -> None:
    (collection.root / "wallet" / "added-by-git.request.yaml").write_text(
        "name: Added by git\nmethod: GET\nurl: /server\n"
    )

    def shows_it() -> bool:
        loaded = team_window.collections.loaded
        return (
            loaded is not None and loaded.find(Path("wallet/added-by-git.request.yaml")) is not None
        )

    qtbot.waitUntil(shows_it, timeout=5000)


def test_a_broken_file_is_reported_and_the_rest_loads(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop, collection: CollectionStore
) -> None:
    bad = collection.root / "wallet" / "bad.request.yaml"
    bad.write_text("name: Bad\nmethod: GET\nurl: [unclosed\n")
    evil = collection.root / "evil.request.yaml"
    evil.write_text('name: !!python/object/apply:os.system ["touch /tmp/never"]\n')
    before = (bad.read_bytes(), evil.read_bytes())
    window = create_main_window(collection=collection.root, demo=False)
    qtbot.addWidget(window)
    problems = child(window, "collectionProblemsLabel").text()
    assert "wallet/bad.request.yaml, line" in problems
    assert "evil.request.yaml, line 1" in problems
    loaded = window.collections.loaded
    assert loaded is not None and loaded.find(Path("wallet/me.request.yaml")) is not None
    window.close()
    assert (bad.read_bytes(), evil.read_bytes()) == before


def test_the_request_as_sent_is_shown_with_credentials_masked_until_revealed(
    qtbot: Any, team_window: MainWindow
) -> None:
    team_window.environment_bar.select("sandbox")
    team_window.workspace.store_secrets("sandbox", {"token": SECRET})
    open_saved(team_window, "wallet/me.request.yaml")
    send(qtbot, team_window)
    view = child(team_window, "sentRequestView")
    shown = view.toPlainText()
    assert shown.startswith("GET http://127.0.0.1:")
    assert "Authorization: Bearer ••••••" in shown
    assert "key=«secret:token»" in shown
    assert SECRET not in shown
    child(team_window, "revealSentCheck").setChecked(True)
    assert f"Authorization: Bearer {SECRET}" in view.toPlainText()


def test_the_file_store_notice_stays_on_screen(qtbot: Any, team_window: MainWindow) -> None:
    team_window.environment_bar.select("sandbox")
    team_window.workspace.secret_values()  # the first use opens the secret store
    notice = child(team_window, "noticeLabel")
    assert "secrets.json" in notice.text()


def test_the_sending_message_never_shows_a_secret(qtbot: Any, team_window: MainWindow) -> None:
    team_window.environment_bar.select("sandbox")
    team_window.workspace.store_secrets("sandbox", {"token": SECRET})
    open_saved(team_window, "wallet/me.request.yaml")
    team_window.send()
    assert text(team_window, "statusLabel") == "Sending…"
    assert SECRET not in text(team_window, "responseMessageLabel")
    assert "«secret:token»" in text(team_window, "responseMessageLabel")
    with qtbot.waitSignal(team_window.sends.finished, timeout=TIMEOUT_MS):
        pass


def test_a_search_the_history_cannot_run_does_not_break_sending(
    qtbot: Any, team_window: MainWindow
) -> None:
    team_window.history_panel.search_edit.setText("status:abc")
    team_window.history_panel.refresh()
    assert "status" in team_window.history_panel.count_label.text()
    team_window.new_tab()
    team_window.builder.url_edit.setText("/server")
    with qtbot.waitSignal(team_window.sends.finished, timeout=TIMEOUT_MS):
        team_window.send()
    assert text(team_window, "statusLabel") == "200 OK"


def _edit_on_disk(collection: CollectionStore, path: str, old: str, new: str) -> None:
    file = collection.root / path
    file.write_text(file.read_text().replace(old, new))


def test_a_clean_tab_follows_a_change_made_on_disk(
    qtbot: Any, team_window: MainWindow, collection: CollectionStore
) -> None:
    open_saved(team_window, "wallet/me.request.yaml")
    _edit_on_disk(collection, "wallet/me.request.yaml", "url: /wallet/me", "url: /wallet/you")
    qtbot.waitUntil(
        lambda: team_window.builder.url_edit.text().startswith("/wallet/you"), timeout=5000
    )
    tab = team_window.active_tab()
    assert tab is not None and not tab.dirty
    # "Sends to" is computed from what will be sent, never left from the old file.
    qtbot.waitUntil(lambda: "/wallet/you" in text(team_window, "finalUrlLabel"), timeout=5000)
    assert "/wallet/me" not in text(team_window, "finalUrlLabel")


def test_saving_over_a_change_made_on_disk_asks_first(
    qtbot: Any, team_window: MainWindow, collection: CollectionStore, prompts: ScriptedPrompts
) -> None:
    open_saved(team_window, "wallet/me.request.yaml")
    qtbot.keyClicks(child(team_window, "urlEdit"), "&mine=1")
    _edit_on_disk(collection, "wallet/me.request.yaml", "url: /wallet/me", "url: /wallet/theirs")
    prompts.confirms.append(False)  # keep theirs
    assert not team_window.save_tab(team_window.active_tab().id)  # type: ignore[union-attr]
    assert prompts.questions and "changed outside" in prompts.questions[0]
    assert "url: /wallet/theirs" in (collection.root / "wallet" / "me.request.yaml").read_text()
    tab = team_window.active_tab()
    assert tab is not None and tab.dirty  # the user's edits are still there


def test_a_tab_of_another_collection_never_overwrites_a_file_here(
    qtbot: Any, team_window: MainWindow, tmp_path: Path, prompts: ScriptedPrompts
) -> None:
    open_saved(team_window, "wallet/me.request.yaml")
    qtbot.keyClicks(child(team_window, "urlEdit"), "&edited=1")
    other = create_collection(tmp_path / "other", "Other")
    wallet = other.new_folder(Path("."), "Wallet")
    other.new_request(wallet, SavedRequest("Me", url="/OTHER-ONLY"))
    before = (other.root / "wallet" / "me.request.yaml").read_bytes()
    team_window.open_collection(other.root)
    prompts.texts.append("Me from team")
    prompts.choices.append("(the collection itself)")
    assert team_window.save_tab(team_window.active_tab().id)  # type: ignore[union-attr]
    assert (other.root / "wallet" / "me.request.yaml").read_bytes() == before
    assert (other.root / "me-from-team.request.yaml").exists()


def test_an_environment_edited_in_place_is_picked_up(
    qtbot: Any, team_window: MainWindow, collection: CollectionStore
) -> None:
    team_window.environment_bar.select("sandbox")
    path = collection.root / "environments" / "sandbox.yaml"
    with path.open("r+", encoding="utf-8") as handle:  # edit in place, same inode
        text = handle.read().replace("EUR", "GBP")
        handle.seek(0)
        handle.write(text)
        handle.truncate()

    def picked_up() -> bool:
        env = team_window.workspace.environment
        return env is not None and any(v.value == "GBP" for v in env.variables)

    qtbot.waitUntil(picked_up, timeout=5000)


def test_collection_settings_set_auth_and_a_base_url_that_requests_inherit(
    qtbot: Any, team_window: MainWindow, collection: CollectionStore, prompts: ScriptedPrompts
) -> None:
    from app.core.collection import AuthKind, AuthSpec
    from app.ui.defaults_dialog import DefaultsDialog

    def accept_with_bearer(dialog: Any) -> bool:
        assert isinstance(dialog, DefaultsDialog)
        combo = dialog.auth.kind_combo
        combo.setCurrentIndex(combo.findData(AuthKind.BEARER))
        combo.activated.emit(combo.currentIndex())
        qtbot.keyClicks(dialog.auth.findChild(QLineEdit, "auth_token"), "{{token}}")
        dialog.name_edit.setText("Team API v2")
        assert dialog.auth.auth() == AuthSpec(AuthKind.BEARER, (("token", "{{token}}"),))
        return True

    prompts.dialogs.append(accept_with_bearer)
    qtbot.mouseClick(child(team_window, "collectionSettingsButton"), Qt.MouseButton.LeftButton)
    text_on_disk = (collection.root / "collection.yaml").read_text()
    assert "kind: bearer" in text_on_disk and "name: Team API v2" in text_on_disk
    assert "{{demo_url}}/rest/v1" in text_on_disk  # what the dialog did not touch stays
    team_window.environment_bar.select("sandbox")
    team_window.workspace.store_secrets("sandbox", {"token": SECRET})
    team_window.new_tab()
    team_window.builder.url_edit.setText("/wallet/me")
    send(qtbot, team_window)
    assert text(team_window, "statusLabel") == "200 OK"
    sent = child(team_window, "sentRequestView").toPlainText()
    assert "Authorization: Bearer ••••••" in sent


def test_a_single_click_previews_and_the_tree_shows_the_open_request(
    qtbot: Any, team_window: MainWindow
) -> None:
    sidebar = team_window.sidebar
    tree = sidebar.tree
    wallet = sidebar.model.index_for_path(Path("wallet"))
    tree.expand(wallet)
    tabs_before = len(team_window.session.tabs())

    def click(path: str) -> None:
        index = sidebar.model.index_for_path(Path(path))
        assert index.isValid()
        tree.scrollTo(index)
        point = tree.visualRect(index).center()
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=point)

    click("wallet/me.request.yaml")
    assert team_window.active_tab().source == "wallet/me.request.yaml"  # type: ignore[union-attr]
    click("wallet/create.request.yaml")  # the preview tab shows the next one
    assert team_window.active_tab().source == "wallet/create.request.yaml"  # type: ignore[union-attr]
    assert len(team_window.session.tabs()) == tabs_before + 1

    preview = team_window.active_tab()
    sidebar.open_request(Path("wallet/me.request.yaml"))  # a double click: a tab for good
    kept = team_window.active_tab()
    assert kept is not None and preview is not None and kept.id != preview.id
    assert sidebar.selected_path() == Path("wallet/me.request.yaml")
    team_window.session.activate(preview.id)  # the tree follows the active tab
    assert sidebar.selected_path() == Path("wallet/create.request.yaml")
    team_window.session.activate(kept.id)
    assert sidebar.selected_path() == Path("wallet/me.request.yaml")
    team_window.new_tab()  # saved nowhere: nothing in the tree is "open"
    assert sidebar.selected_path() is None

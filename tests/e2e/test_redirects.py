"""Following redirects through the real window: the checkbox, the chain in the message line,
inheritance from a folder and saving the choice in the request file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.core.collection import Defaults, SavedRequest
from app.core.request import KeyValue
from app.storage.collection_store import CollectionStore, create_collection
from app.ui.main_window import MainWindow
from tests.e2e.conftest import child
from tests.e2e.test_send_and_read import send, set_request, text
from tests.redirect_server import RedirectServer, redirect_server


@pytest.fixture
def server() -> Iterator[RedirectServer]:
    with redirect_server() as running:
        running.routes["/a"] = (302, "/b")
        running.routes["/b"] = (301, "/c")
        running.routes["/js"] = (302, "javascript:alert(1)")
        yield running


def click(qtbot: Any, window: MainWindow, name: str) -> None:
    qtbot.mouseClick(child(window, name), Qt.MouseButton.LeftButton)


def test_the_window_follows_when_checked_and_shows_the_chain(
    qtbot: Any, window: MainWindow, server: RedirectServer
) -> None:
    set_request(window, "GET", server.url("/a"))
    check = child(window, "followRedirectsCheck")
    assert not check.isChecked()  # off by default, as before
    send(qtbot, window)
    assert text(window, "statusLabel").startswith("302")
    assert server.paths == ["/a"]

    click(qtbot, window, "followRedirectsCheck")
    assert check.isChecked()
    send(qtbot, window)
    assert text(window, "statusLabel") == "200 OK"
    assert server.paths == ["/a", "/a", "/b", "/c"]
    message = text(window, "responseMessageLabel")
    assert message.startswith("Followed 2 redirects: 302 → /b, 301 → /c.")


def test_a_javascript_location_is_shown_with_a_sentence(
    qtbot: Any, window: MainWindow, server: RedirectServer
) -> None:
    set_request(window, "GET", server.url("/js"))
    click(qtbot, window, "followRedirectsCheck")
    send(qtbot, window)
    assert text(window, "statusLabel").startswith("302")
    assert "only http and https redirects are followed" in text(window, "responseMessageLabel")
    assert server.paths == ["/js"]


@pytest.fixture
def collection(tmp_path: Path, server: RedirectServer) -> CollectionStore:
    store = create_collection(tmp_path / "redirecting-api", "Redirecting API")
    folder = store.new_folder(Path("."), "Moved")
    store.save_defaults(folder, Defaults(follow_redirects=True))
    store.new_request(folder, SavedRequest("Old", url=server.url("/a")))
    return store


def test_a_request_inherits_from_its_folder_and_saves_its_own_choice(
    qtbot: Any, team_window: MainWindow, collection: CollectionStore, server: RedirectServer
) -> None:
    path = Path("moved/old.request.yaml")
    loaded = team_window.collections.loaded
    assert loaded is not None
    node = loaded.find(path)
    assert node is not None and node.request is not None
    team_window.sidebar.request_opened.emit(path, node.request)
    check = child(team_window, "followRedirectsCheck")
    assert check.isChecked()  # inherited from the folder
    assert 'the folder "Moved"' in check.toolTip()
    send(qtbot, team_window)
    assert text(team_window, "statusLabel") == "200 OK"
    assert "Followed 2 redirects" in text(team_window, "responseMessageLabel")
    tab = team_window.active_tab()
    assert tab is not None and not tab.dirty  # inheriting is not an edit

    click(qtbot, team_window, "followRedirectsCheck")
    tab = team_window.active_tab()
    assert tab is not None and tab.dirty
    team_window.save_active_tab()
    saved = (collection.root / path).read_text()
    assert "follow_redirects: false" in saved
    send(qtbot, team_window)
    assert text(team_window, "statusLabel").startswith("302")

    # And back to what the folder says: the choice leaves the file.
    inherit = child(team_window, "followRedirectsInheritButton")
    assert inherit.isVisible()
    click(qtbot, team_window, "followRedirectsInheritButton")
    assert check.isChecked() and not inherit.isVisible()
    team_window.save_active_tab()
    assert "follow_redirects" not in (collection.root / path).read_text()
    send(qtbot, team_window)
    assert text(team_window, "statusLabel") == "200 OK"


def test_the_headers_tab_lists_inherited_headers_and_the_collection_changes_accept(
    qtbot: Any, team_window: MainWindow, collection: CollectionStore, server: RedirectServer
) -> None:
    collection.save_defaults(Path("."), Defaults(headers=(KeyValue("Accept", "*/*"),)))
    team_window.collections.reload()
    set_request(team_window, "GET", server.url("/plain"))
    view = child(team_window, "inheritedHeadersView")
    rows = [[view.item(r, c).text() for c in range(3)] for r in range(view.rowCount())]
    assert rows == [
        ["Accept", "*/*", "the collection"],
        ["Accept-Encoding", "gzip, deflate, br, zstd", "the app"],
        ["User-Agent", "API-Explorer/0.1", "the app"],
    ]
    send(qtbot, team_window)
    sent = child(team_window, "sentRequestView").toPlainText()
    assert "Accept: */*" in sent and "application/json" not in sent
    assert "User-Agent: API-Explorer/0.1" in sent

    # The request's own row replaces the inherited one: struck through, and it is what is sent.
    headers = team_window.builder.headers.model
    headers.setData(headers.index(headers.placeholder_row(), headers.NAME_COLUMN), "User-Agent")
    headers.setData(headers.index(0, headers.VALUE_COLUMN), "support-repro/1")
    qtbot.waitUntil(lambda: view.item(2, 0).font().strikeOut())
    assert view.item(2, 0).text() == "User-Agent"
    send(qtbot, team_window)
    sent = child(team_window, "sentRequestView").toPlainText()
    assert "User-Agent: support-repro/1" in sent and "API-Explorer/0.1" not in sent

    # A JSON body adds the app's Content-Type; emptied, it goes again.
    editor = team_window.builder.body.editor
    editor.insertPlainText('{"a": 1}')
    qtbot.waitUntil(lambda: view.item(1, 0).text() == "Content-Type")
    assert view.item(1, 2).text() == "the app, with a JSON body"
    editor.clear()
    qtbot.waitUntil(lambda: view.rowCount() == 3)

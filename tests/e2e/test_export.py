"""Copy as cURL and File > Export through the real window against the demo API: what is
copied or written sends what the window sends, and names secrets instead of showing them."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton

from app.core.request import KeyValue
from app.formats.bundle import read_bundle
from app.formats.curl import parse_command
from app.ui.main_window import MainWindow
from tests.e2e.test_send_and_read import TIMEOUT_MS, send, set_request, text
from tests.prompts import ScriptedPrompts


def test_copy_as_curl_is_the_request_as_the_window_sends_it(window: MainWindow) -> None:
    set_request(window, "POST", "/payments", '{"amount": "1.00"}')
    window.menus.actions["copy_curl"].trigger()
    command = QGuiApplication.clipboard().text()
    request, _report, _secrets = parse_command(command)
    base = window.builder.base_url_edit.text()
    assert (request.method, request.url) == ("POST", f"{base}/payments")
    assert json.loads(request.body) == {"amount": "1.00"}
    assert "Copied as cURL" in window.statusBar().currentMessage()

    window.menus.actions["copy_httpx"].trigger()
    assert "import httpx" in QGuiApplication.clipboard().text()


def test_a_request_that_cannot_be_sent_is_not_copied(
    window: MainWindow, prompts: ScriptedPrompts
) -> None:
    QGuiApplication.clipboard().setText("before")
    set_request(window, "GET", "/payments/{{nowhere}}")
    window.menus.actions["copy_curl"].trigger()
    assert QGuiApplication.clipboard().text() == "before"
    assert prompts.errors and "{{nowhere}}" in prompts.errors[-1]


def test_the_collection_exports_as_postman(
    window: MainWindow, prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    target = tmp_path / "demo.postman_collection.json"
    prompts.save_paths.append(target)
    window.menus.actions["export_collection"].trigger()
    document = json.loads(target.read_text())
    assert document["info"]["name"] == "Demo API (sample)"
    assert len(document["item"]) == 5  # the sample collection's folders


def test_history_exports_as_har_and_an_entry_copies_as_curl(
    qtbot: Any, window: MainWindow, prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    set_request(window, "GET", "/payments?limit=1")
    send(qtbot, window)
    set_request(window, "GET", "/payments/10145")
    send(qtbot, window)
    panel = window.history_panel
    qtbot.waitUntil(lambda: len(panel.shown_ids()) == 2)
    target = tmp_path / "history.har"
    prompts.save_paths.append(target)
    window.menus.actions["export_har"].trigger()  # nothing selected: every entry shown
    entries = json.loads(target.read_text())["log"]["entries"]
    assert [e["response"]["status"] for e in entries] == [200, 200]
    assert {e["request"]["url"].rsplit("/", 1)[-1] for e in entries} == {
        "payments?limit=1",
        "10145",
    }

    panel.view.selectRow(0)
    menu = window.menus.exports.history_menu()
    copy = next(a for a in menu.actions() if a.text() == "Copy as cURL")
    copy.trigger()
    request, _report, _secrets = parse_command(QGuiApplication.clipboard().text())
    assert request.url.endswith("/payments/10145")  # the newest is at the top


def test_copy_with_secrets_is_asked_for_by_name(
    qtbot: Any, window: MainWindow, prompts: ScriptedPrompts
) -> None:
    window.workspace.store_secrets("demo", {"token": "demo-secret-77"})
    set_request(window, "GET", "/wallet/me")
    window.builder.headers.model.set_rows([KeyValue("Authorization", "Bearer {{token}}")])
    window.menus.actions["copy_curl"].trigger()
    assert "demo-secret-77" not in QGuiApplication.clipboard().text()
    assert "{{token}}" in QGuiApplication.clipboard().text()
    window.menus.actions["copy_curl_secrets"].trigger()
    assert "Bearer demo-secret-77" in QGuiApplication.clipboard().text()
    assert "secret values in it" in window.statusBar().currentMessage()


def test_a_folder_exports_from_the_sidebar_with_what_it_inherits(
    window: MainWindow, prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    target = tmp_path / "payments.json"
    prompts.save_paths.append(target)
    menu = window.sidebar.context_menu(Path("payments"))
    export = next(a for a in menu.actions() if a.text() == "Export as Postman v2.1…")
    export.trigger()
    document = json.loads(target.read_text())
    assert document["info"]["name"] == "Demo API (sample) - Payments"
    assert len(document["item"]) == 10
    first = document["item"][0]["request"]
    assert {"key": "Accept-Language", "value": "en"}.items() <= first["header"][0].items()
    assert prompts.asked[-1][2] == "Demo API (sample) - Payments.postman_collection.json"


def test_share_reproduction_shows_what_it_takes_out_then_writes_a_bundle_without_it(
    qtbot: Any, window: MainWindow, prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    window.workspace.store_secrets("demo", {"token": "demo-secret-77"})
    set_request(window, "GET", "/wallet/me")
    window.builder.headers.model.set_rows([KeyValue("Authorization", "Bearer {{token}}")])
    send(qtbot, window)
    panel = window.history_panel
    qtbot.waitUntil(lambda: len(panel.shown_ids()) == 1)
    panel.view.selectRow(0)
    listed: list[str] = []

    def review(dialog: Any) -> bool:
        listed.extend(
            dialog.redactions_view.item(i).text() for i in range(dialog.redactions_view.count())
        )
        dialog.note_edit.setPlainText("Customer 42 gets this wallet.")
        return True

    target = tmp_path / "wallet.apx"
    prompts.dialogs.append(review)
    prompts.save_paths.append(target)
    menu = window.menus.exports.history_menu()
    next(a for a in menu.actions() if a.text() == "Share reproduction…").trigger()
    assert any("«secret:token»" in line and "Authorization" in line for line in listed)
    data = target.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # members are compressed: read them
        for name in archive.namelist():
            assert b"demo-secret-77" not in archive.read(name), name
    bundle = read_bundle(data)
    assert bundle.note == "Customer 42 gets this wallet." and bundle.environment == "demo"
    assert bundle.exchange.status == 200


def test_the_current_response_is_shared_from_the_response_menu(
    qtbot: Any, window: MainWindow, prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    window.menus.actions["share_response"].trigger()
    assert "Send the request first" in prompts.errors[-1]
    window.workspace.store_secrets("demo", {"token": "demo-secret-78"})
    set_request(window, "GET", "/wallet/me?key={{token}}")
    send(qtbot, window)
    listed: list[str] = []

    def review(dialog: Any) -> bool:
        listed.extend(
            dialog.redactions_view.item(i).text() for i in range(dialog.redactions_view.count())
        )
        return True

    target = tmp_path / "current.apx"
    prompts.dialogs.append(review)
    prompts.save_paths.append(target)
    # Another environment chosen since: the secrets the send used still go, and the bundle
    # names the environment it was sent in.
    window.settings.select_environment("demo production")
    window.menus.actions["share_response"].trigger()
    assert any("«secret:token»" in line for line in listed)
    data = target.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            assert b"demo-secret-78" not in archive.read(name), name
    bundle = read_bundle(data)
    assert "secret:token" in bundle.exchange.request.url  # the marker, percent-encoded or not
    assert (bundle.exchange.status, bundle.environment) == (401, "demo")  # as the window shows
    assert text(window, "statusLabel").startswith("401")


def test_a_bundle_opens_in_its_own_tab_and_send_replays_it(
    qtbot: Any, window: MainWindow, prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    set_request(window, "GET", "/payments/10145")
    send(qtbot, window)
    panel = window.history_panel
    qtbot.waitUntil(lambda: len(panel.shown_ids()) == 1)
    panel.view.selectRow(0)
    bundle = tmp_path / "payment.apx"

    def note(dialog: Any) -> bool:
        dialog.note_edit.setPlainText("Status looks wrong to the customer.")
        return True

    prompts.dialogs.append(note)
    prompts.save_paths.append(bundle)
    window.menus.exports.share_history_entry()
    assert bundle.is_file()

    prompts.open_paths.append(bundle)
    window.menus.actions["open_bundle"].trigger()
    qtbot.waitUntil(
        lambda: (tab := window.active_tab()) is not None and tab.title.startswith("Reproduction"),
        timeout=TIMEOUT_MS,
    )
    assert text(window, "statusLabel") == "200 OK"  # what was recorded
    message = text(window, "responseMessageLabel")
    assert "Note: Status looks wrong to the customer." in message
    tab = window.active_tab()
    assert tab is not None and not tab.dirty
    send(qtbot, window)  # the replay
    assert text(window, "statusLabel") == "200 OK"
    qtbot.waitUntil(
        lambda: (
            "Against the recorded response: No differences" in text(window, "responseMessageLabel")
        ),
        timeout=TIMEOUT_MS,
    )

    # The payment changes on the server; the next replay says how, and shows it.
    window.new_tab()
    set_request(window, "POST", "/payments/10145/cancel")
    send(qtbot, window)
    assert text(window, "statusLabel").startswith("2")
    window.session.activate(tab.id)
    send(qtbot, window)
    qtbot.waitUntil(lambda: "1 changed" in text(window, "responseMessageLabel"), timeout=TIMEOUT_MS)
    shown: list[str] = []

    def look(dialog: Any) -> bool:
        qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=TIMEOUT_MS)
        shown.append(dialog.unified_view.toPlainText())
        return True

    prompts.dialogs.append(look)
    offer = window.findChild(QPushButton, "responseOfferButton")
    assert offer is not None and offer.isVisible()
    offer.click()
    assert shown and '~ $.status: "new" → ' in shown[0]


def test_a_broken_bundle_is_a_sentence(
    qtbot: Any, window: MainWindow, prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.apx"
    broken.write_bytes(b"PK\x03\x04 not really")
    prompts.open_paths.append(broken)
    window.menus.actions["open_bundle"].trigger()
    qtbot.waitUntil(lambda: bool(prompts.errors), timeout=TIMEOUT_MS)
    assert "bundle" in prompts.errors[-1].lower() or "zip" in prompts.errors[-1].lower()


def test_two_history_entries_compare_json_aware(
    qtbot: Any, window: MainWindow, prompts: ScriptedPrompts
) -> None:
    set_request(window, "GET", "/payments/10145")
    send(qtbot, window)
    set_request(window, "GET", "/payments/10146")
    send(qtbot, window)
    panel = window.history_panel
    qtbot.waitUntil(lambda: len(panel.shown_ids()) == 2)
    panel.view.selectAll()
    seen: list[tuple[str, list[list[str]], str]] = []

    def read(dialog: Any) -> bool:
        qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=TIMEOUT_MS)
        model = dialog.model
        rows = [[model.index(r, c).data() for c in range(3)] for r in range(model.rowCount())]
        seen.append((dialog.summary_label.text(), rows, dialog.unified_view.toPlainText()))
        # Side by side: the selected row's values in full, one pane each.
        assert dialog.before_view.toPlainText() and dialog.after_view.toPlainText()
        return True

    prompts.dialogs.append(read)
    menu = window.menus.exports.history_menu()
    compare = next(a for a in menu.actions() if a.text() == "Compare the two selected")
    assert compare.isEnabled()
    compare.trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=TIMEOUT_MS)
    summary, rows, unified = seen[0]
    assert ["~ $.id", "10145", "10146"] in rows
    assert "changed" in summary and summary.endswith("removed.")
    assert "~ $.id: 10145 → 10146" in unified.splitlines()

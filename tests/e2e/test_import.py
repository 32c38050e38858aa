"""File > Import… and dropping a file on the window, through the real window: the dialog
says what a file holds before anything is written, the new collection opens, and what did
not come across is shown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from app.core.history_query import HistoryQuery
from app.ui.import_dialog import ImportDialog
from app.ui.main_window import MainWindow
from app.ui.text_dialog import TextDialog
from tests.e2e.test_hostile_responses import StallMeter
from tests.prompts import ScriptedPrompts

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
CONDUIT = CORPUS / "postman" / "realworld-conduit.postman_collection.json"


def test_import_reads_the_file_first_then_writes_and_opens_the_collection(
    qtbot: Any, window: MainWindow, prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    target = tmp_path / "conduit"
    summaries: list[str] = []
    reports: list[str] = []

    def fill(dialog: Any) -> bool:
        assert isinstance(dialog, ImportDialog)
        assert not dialog.import_button.isEnabled()
        dialog.file_edit.setText(str(CONDUIT))
        qtbot.waitUntil(dialog.import_button.isEnabled, timeout=10_000)
        summaries.append(dialog.summary_label.text())
        assert dialog.folder_edit.text()  # a folder is suggested
        dialog.folder_edit.setText(str(target))
        return True

    def read_report(dialog: Any) -> bool:
        assert isinstance(dialog, TextDialog)
        reports.append(dialog.text_edit.toPlainText())
        return True

    prompts.dialogs += [fill, read_report]
    window.menus.actions["import"].trigger()
    assert summaries[0].startswith("Postman collection v2.1: 32 requests in 5 folders")
    assert window.collections.root == target
    assert (target / "collection.yaml").is_file()
    loaded = window.collections.loaded
    assert loaded is not None
    assert sum(1 for node in loaded.tree.walk() if node.request is not None) == 32
    assert "test script" in reports[0].lower() or "script" in reports[0].lower()


def test_a_file_of_no_known_format_is_said_so_and_nothing_is_written(
    qtbot: Any, window: MainWindow, prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    junk = folder / "notes.txt"
    junk.write_text("shopping list: milk, eggs\n")
    said: list[str] = []

    def fill(dialog: Any) -> bool:
        dialog.file_edit.setText(str(junk))
        qtbot.waitUntil(lambda: "not something this app can import" in dialog.summary_label.text())
        said.append(dialog.summary_label.text())
        assert not dialog.import_button.isEnabled()
        return False

    prompts.dialogs.append(fill)
    window.menus.actions["import"].trigger()
    assert said and "notes.txt" in said[0]
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_a_file_dropped_on_the_window_opens_the_import_dialog_with_it(
    qtbot: Any, window: MainWindow, prompts: ScriptedPrompts
) -> None:
    seen: list[str] = []

    def look(dialog: Any) -> bool:
        seen.append(dialog.file_edit.text())
        return False

    prompts.dialogs.append(look)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(CONDUIT))])
    # As a real drag does: entering first (the window takes one local file), then the drop.
    enter = QDragEnterEvent(
        QPoint(50, 50),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, drop)
    qtbot.waitUntil(lambda: seen == [str(CONDUIT)])


def test_a_har_file_brings_what_the_customer_saw_into_history(
    qtbot: Any, window: MainWindow, prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    har = CORPUS / "har" / "mitmproxy-export-form-post.har"

    def fill(dialog: Any) -> bool:
        dialog.file_edit.setText(str(har))
        qtbot.waitUntil(dialog.import_button.isEnabled, timeout=10_000)
        dialog.folder_edit.setText(str(tmp_path / "customer"))
        return True

    prompts.dialogs += [fill, lambda _dialog: True]  # the dialog, then its report
    window.menus.actions["import"].trigger()
    assert "2 recorded responses are in History" in window.statusBar().currentMessage()
    entries = window.history.search(HistoryQuery(), 10)
    assert len(entries) == 2
    assert {entry.method for entry in entries} == {"GET", "POST"}
    assert all(entry.status is not None for entry in entries)


def test_a_big_openapi_description_reads_with_progress_and_the_window_keeps_painting(
    qtbot: Any, window: MainWindow, prompts: ScriptedPrompts, tmp_path: Path
) -> None:
    paths = {
        f"/items{i}/{{id}}": {
            "get": {
                "tags": [f"Group {i % 20}"],
                "summary": f"Get item {i}",
                "parameters": [{"name": "id", "in": "path", "required": True, "example": 7}],
                "responses": {"200": {"description": "OK"}},
            }
        }
        for i in range(3000)
    }
    document = {
        "openapi": "3.0.3",
        "info": {"title": "Big", "version": "1"},
        "servers": [{"url": "https://api.example/v1"}],
        "paths": paths,
    }
    source = tmp_path / "big.json"
    source.write_text(json.dumps(document))
    steps: list[tuple[int, int]] = []
    summaries: list[str] = []

    def fill(dialog: Any) -> bool:
        dialog._progressed.connect(lambda _g, done, total: steps.append((done, total)))
        meter = StallMeter()
        dialog.file_edit.setText(str(source))
        qtbot.waitUntil(dialog.import_button.isEnabled, timeout=20_000)
        meter.stop()
        summaries.append(f"{dialog.summary_label.text()} (longest stall {meter.longest:.3f} s)")
        assert meter.longest < 0.5
        return False

    prompts.dialogs.append(fill)
    window.menus.actions["import"].trigger()
    print("\n" + summaries[0])
    assert summaries[0].startswith("OpenAPI")
    assert "3,000 requests in 20 folders" in summaries[0]
    assert steps and steps[-1] == (3000, 3000)

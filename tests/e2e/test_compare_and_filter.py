"""Support's loop in the real window against the demo API: jq and JSONPath filters with
exact numbers and a per-request history that outlives a restart; two responses compared side
by side, with ignored paths remembered for the request."""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from app.services.filtering import Language
from app.ui.diff_dialog import DiffDialog
from app.ui.main_window import MainWindow
from tests.e2e.conftest import child, running_window
from tests.e2e.test_send_and_read import TIMEOUT_MS, send, set_request, text
from tests.prompts import ScriptedPrompts


def _filter(qtbot: Any, window: MainWindow, language: Language, query: str) -> str:
    bar = window.response_pane.filter_bar
    edit: QLineEdit = child(window, "responseFilterEdit")
    edit.clear()
    bar.apply()  # nothing to run: the count goes, so the wait below is for this query's
    bar.set_language(language)
    edit.setText(query)
    qtbot.waitUntil(
        lambda: text(window, "responseFilterLabel") not in ("", "Filtering…"), timeout=TIMEOUT_MS
    )
    return text(window, "responseFilterLabel")


def _rows(window: MainWindow) -> list[list[str]]:
    model = window.response_pane.tree_model
    return [[model.index(r, c).data() for c in range(2)] for r in range(model.rowCount())]


def test_jq_filters_keep_numbers_exact_in_the_tree(qtbot: Any, window: MainWindow) -> None:
    set_request(window, "GET", "/payments/10145")
    send(qtbot, window)
    assert _filter(qtbot, window, Language.JQ, ".rate") == "1 match"
    assert _rows(window) == [["$.rate", "1.10"]]  # libjq alone says 1.1
    assert _filter(qtbot, window, Language.JQ, "{rate, id} | .rate += 0 | {rate, id}") == "1 match"
    model = window.response_pane.tree_model
    built = model.index(0, 0)
    assert built.data() == "#1"
    if model.canFetchMore(built):
        model.fetchMore(built)
    members = {model.index(r, 0, built).data(): model.index(r, 1, built).data() for r in range(2)}
    assert members == {"rate": "1.10", "id": "10145"}
    said = _filter(qtbot, window, Language.JQ, ".rate |")
    assert said.startswith("jq: syntax error")


def test_filters_are_remembered_per_request_across_a_restart(
    qtbot: Any, window: MainWindow, qt_loop: asyncio.AbstractEventLoop
) -> None:
    set_request(window, "GET", "/payments/10145?x=1")
    send(qtbot, window)
    assert _filter(qtbot, window, Language.JSONPATH, "$.id") == "1 match"
    qtbot.keyClick(child(window, "responseFilterEdit"), Qt.Key.Key_Return)
    assert _filter(qtbot, window, Language.JQ, ".rate") == "1 match"
    qtbot.keyClick(child(window, "responseFilterEdit"), Qt.Key.Key_Return)
    box: QComboBox = child(window, "responseFilterBox")
    assert [box.itemText(i) for i in range(box.count())] == ["jq:.rate", "$.id"]
    set_request(window, "GET", "/payments/10146")
    send(qtbot, window)
    assert box.count() == 0  # another request: its own list
    window.close()

    with running_window(qtbot, qt_loop, prompts=ScriptedPrompts()) as restarted:
        set_request(restarted, "GET", "/payments/10145?x=2")  # the query is not the request
        send(qtbot, restarted)
        box = child(restarted, "responseFilterBox")
        assert [box.itemText(i) for i in range(box.count())] == ["jq:.rate", "$.id"]
        box.activated.emit(1)  # chosen from the list
        qtbot.waitUntil(lambda: text(restarted, "responseFilterLabel") == "1 match")
        assert _rows(restarted) == [["$.id", "10145"]]
        assert restarted.response_pane.filter_bar.current_language is Language.JSONPATH


def _compare(qtbot: Any, window: MainWindow, prompts: ScriptedPrompts, look: Any) -> None:
    """Compare the two newest history entries (the list is newest first)."""
    panel = window.history_panel
    qtbot.waitUntil(lambda: len(panel.shown_ids()) >= 2)
    view = panel.view
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    view.clearSelection()
    for row in (0, 1):
        view.selectionModel().select(view.model().index(row, 0), flags)
    prompts.dialogs.append(look)
    window.menus.exports.compare_history_entries()


def test_ignored_paths_apply_at_once_and_are_remembered_for_the_request(
    qtbot: Any, window: MainWindow, prompts: ScriptedPrompts, qt_loop: asyncio.AbstractEventLoop
) -> None:
    set_request(window, "GET", "/payments/10145")
    send(qtbot, window)
    set_request(window, "GET", "/payments/10145")
    send(qtbot, window)
    seen: dict[str, Any] = {}

    def ignore_the_id(dialog: DiffDialog) -> bool:
        # The same payment twice: no difference; ask about $.id's value by making one.
        qtbot.waitUntil(lambda: dialog.summary_label.text() != "Comparing…", timeout=TIMEOUT_MS)
        seen["first"] = dialog.summary_label.text()
        dialog.ignore_edit.setPlainText("$.items[*].updated_at\n\n$.status")
        dialog.apply()
        qtbot.waitUntil(lambda: "Ignoring 2 paths" in dialog.summary_label.text())
        dialog.ignore_edit.setPlainText("$.items[")
        dialog.apply()
        qtbot.waitUntil(lambda: not dialog.problem_label.isHidden())
        seen["problem"] = dialog.problem_label.text()
        dialog.ignore_edit.setPlainText("$.items[*].updated_at\n$.status")
        dialog.apply()
        qtbot.waitUntil(dialog.problem_label.isHidden)
        return True

    _compare(qtbot, window, prompts, ignore_the_id)
    qtbot.waitUntil(lambda: "first" in seen and "problem" in seen, timeout=TIMEOUT_MS)
    assert seen["first"] == "No differences."
    assert "$.items[" in seen["problem"]
    window.close()

    again = ScriptedPrompts()
    with running_window(qtbot, qt_loop, prompts=again) as restarted:
        set_request(restarted, "GET", "/payments/10145")
        send(qtbot, restarted)
        set_request(restarted, "GET", "/payments/10145")
        send(qtbot, restarted)

        def remembered(dialog: DiffDialog) -> bool:
            seen["patterns"] = dialog.patterns()
            return True

        _compare(qtbot, restarted, again, remembered)
        qtbot.waitUntil(lambda: "patterns" in seen, timeout=TIMEOUT_MS)
    assert seen["patterns"] == ["$.items[*].updated_at", "$.status"]


def test_ignore_this_path_takes_any_index_and_compares_again(
    qtbot: Any, window: MainWindow, prompts: ScriptedPrompts
) -> None:
    set_request(window, "GET", "/payments/10145")
    send(qtbot, window)
    set_request(window, "GET", "/payments/10146")
    send(qtbot, window)
    seen: dict[str, Any] = {}

    def ignore(dialog: DiffDialog) -> bool:
        qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=TIMEOUT_MS)
        paths = [dialog.model.index(r, 0).data() for r in range(dialog.model.rowCount())]
        row = paths.index("~ $.id")
        dialog.table.selectRow(row)
        seen["before"] = dialog.before_view.toPlainText()
        seen["after"] = dialog.after_view.toPlainText()
        qtbot.mouseClick(dialog.ignore_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Ignoring 1 path" in dialog.summary_label.text())
        seen["rows"] = [dialog.model.index(r, 0).data() for r in range(dialog.model.rowCount())]
        seen["patterns"] = dialog.patterns()
        return True

    _compare(qtbot, window, prompts, ignore)
    qtbot.waitUntil(lambda: "rows" in seen, timeout=TIMEOUT_MS)
    assert (seen["before"], seen["after"]) == ("10145", "10146")
    assert seen["patterns"] == ["$.id"]
    assert "~ $.id" not in seen["rows"]
    # Closed, the dialog goes, with both bodies and their documents.
    qtbot.waitUntil(lambda: not window.findChildren(DiffDialog))


def test_destroying_the_window_raises_nothing(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop
) -> None:
    # Destroyed while shown, its docks hide as it goes: the handler that moves focus out of a
    # hidden dock found the window already deleted (a RuntimeError ending the bench scripts).
    import shiboken6

    from app.application import create_main_window

    main = create_main_window(prompts=ScriptedPrompts())
    main.show()
    qtbot.waitExposed(main)
    qtbot.waitUntil(lambda: main.workspace.secret_store_open)  # its thread has ended
    closing = qt_loop.create_task(main.sends.aclose())
    qtbot.waitUntil(closing.done, timeout=5000)
    shiboken6.delete(main)  # pytest-qt fails the test on an exception in a slot
    qtbot.wait(10)
    assert not shiboken6.isValid(main)


def test_enter_before_the_result_still_remembers_the_filter(qtbot: Any, window: MainWindow) -> None:
    set_request(window, "GET", "/payments/10145")
    send(qtbot, window)
    edit: QLineEdit = child(window, "responseFilterEdit")
    window.response_pane.filter_bar.set_language(Language.JQ)
    edit.setText(".id")
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # long before the jq child answers
    box: QComboBox = child(window, "responseFilterBox")
    qtbot.waitUntil(lambda: box.count() == 1, timeout=TIMEOUT_MS)
    assert box.itemText(0) == "jq:.id"
    assert text(window, "responseFilterLabel") == "1 match"


def test_a_history_entry_shares_the_filters_of_its_request(qtbot: Any, window: MainWindow) -> None:
    # The tab's URL is relative to the base URL; the entry's is the URL it went to: one
    # request all the same (keyed by method and the path it went to).
    set_request(window, "GET", "/payments/10145")
    send(qtbot, window)
    assert _filter(qtbot, window, Language.JSONPATH, "$.status") == "1 match"
    qtbot.keyClick(child(window, "responseFilterEdit"), Qt.Key.Key_Return)
    panel = window.history_panel
    qtbot.waitUntil(lambda: len(panel.shown_ids()) == 1)
    panel.entry_opened.emit(panel.shown_ids()[0])
    qtbot.waitUntil(
        lambda: (tab := window.active_tab()) is not None and tab.title.startswith("History"),
        timeout=TIMEOUT_MS,
    )
    box: QComboBox = child(window, "responseFilterBox")
    qtbot.waitUntil(lambda: box.count() == 1)
    assert box.itemText(0) == "$.status"

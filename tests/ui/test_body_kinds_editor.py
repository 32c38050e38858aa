"""The Body tab's other kinds as a user drives them: a urlencoded or multipart form, a file,
GraphQL; switching kinds keeps what was typed; the form fields model is a correct model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.core.collection import SavedRequest
from app.core.request import BodyMode, FormField
from app.services.workspace import Workspace
from app.storage.collection_store import create_collection
from app.ui.body_editor import BodyEditor
from app.ui.form_fields_table import FormFieldsModel
from app.ui.request_builder import RequestBuilder

LABELS = ["JSON", "Raw text", "Form (urlencoded)", "Multipart form", "File", "GraphQL"]


def make_editor(qtbot: QtBot) -> BodyEditor:
    widget = BodyEditor()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def combo(widget: QWidget) -> QComboBox:
    found = widget.findChild(QComboBox, "bodyModeCombo")
    assert found is not None
    return found


def choose_mode(widget: QWidget, label: str) -> None:
    """Pick ``label`` as a user does: the combo's ``activated`` follows the choice."""
    box = combo(widget)
    index = box.findText(label)
    box.setCurrentIndex(index)
    box.activated.emit(index)


def error_text(widget: BodyEditor) -> str:
    label = widget.findChild(QLabel, "bodyErrorLabel")
    assert label is not None
    return label.text()


def fill(model: FormFieldsModel, row: int, name: str, value: str) -> None:
    model.setData(model.index(row, FormFieldsModel.NAME_COLUMN), name)
    model.setData(model.index(row, FormFieldsModel.VALUE_COLUMN), value)


def test_every_kind_is_offered(qtbot: QtBot) -> None:
    widget = make_editor(qtbot)
    assert [combo(widget).itemText(i) for i in range(combo(widget).count())] == LABELS


def test_switching_kinds_keeps_what_each_holds(qtbot: QtBot) -> None:
    widget = make_editor(qtbot)
    qtbot.keyClicks(widget.editor, '{"a": 1}')
    choose_mode(widget, "Form (urlencoded)")
    assert widget.form_fields.isVisible() and not widget.editor.isVisible()
    fill(widget.form_fields.model, 0, "amount", "10")
    choose_mode(widget, "File")
    qtbot.keyClicks(widget.file_edit, "files/a.bin")
    choose_mode(widget, "GraphQL")
    qtbot.keyClicks(widget.graphql_query_edit, "{ x }")
    assert widget.body_text() == "{ x }"

    choose_mode(widget, "JSON")
    assert widget.editor.isVisible() and widget.body_text() == '{"a": 1}'
    choose_mode(widget, "File")
    assert widget.body_text() == "files/a.bin"
    choose_mode(widget, "Multipart form")
    assert widget.form() == (FormField("amount", "10"),)
    assert widget.body_text() == '{"a": 1}'  # the JSON text stays the request's body text
    choose_mode(widget, "GraphQL")
    assert widget.body_text() == "{ x }"


def test_a_urlencoded_form_hides_what_only_multipart_sends(qtbot: QtBot) -> None:
    widget = make_editor(qtbot)
    view = widget.form_fields.view
    choose_mode(widget, "Form (urlencoded)")
    assert view.isColumnHidden(FormFieldsModel.FILE_COLUMN)
    assert view.isColumnHidden(FormFieldsModel.CONTENT_TYPE_COLUMN)
    assert not widget.form_fields.choose_button.isVisible()
    choose_mode(widget, "Multipart form")
    assert not view.isColumnHidden(FormFieldsModel.FILE_COLUMN)
    assert not view.isColumnHidden(FormFieldsModel.CONTENT_TYPE_COLUMN)
    assert widget.form_fields.choose_button.isVisible()


def test_choose_file_makes_a_file_field_relative_to_the_collection(
    qtbot: QtBot, tmp_path: Path
) -> None:
    widget = make_editor(qtbot)
    widget.set_collection_folder(tmp_path)
    asked: list[str] = []

    def choose(_parent: QWidget, start: str) -> str:
        asked.append(start)
        return str(tmp_path / "files" / "logo.png")

    widget.choose_file = choose
    changes: list[None] = []
    widget.changed.connect(lambda: changes.append(None))
    choose_mode(widget, "Multipart form")
    fill(widget.form_fields.model, 0, "note", "hi")
    button = widget.findChild(QPushButton, "formChooseFileButton")
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # no row picked: a new field
    assert asked == [str(tmp_path)]
    assert widget.form() == (
        FormField("note", "hi"),
        FormField("logo", "files/logo.png", file=True),
    )
    widget.choose_file = lambda _parent, _start: "/elsewhere/scan.pdf"
    widget.form_fields.view.setCurrentIndex(widget.form_fields.model.index(0, 1))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # the current row becomes a file
    assert widget.form()[0] == FormField("note", "/elsewhere/scan.pdf", file=True)
    assert changes


def test_browse_sets_the_files_path(qtbot: QtBot, tmp_path: Path) -> None:
    widget = make_editor(qtbot)
    widget.set_collection_folder(tmp_path)
    widget.choose_file = lambda _parent, _start: str(tmp_path / "payload.bin")
    choose_mode(widget, "File")
    changes: list[None] = []
    widget.changed.connect(lambda: changes.append(None))
    browse = widget.findChild(QPushButton, "bodyFileBrowseButton")
    assert browse is not None
    qtbot.mouseClick(browse, Qt.MouseButton.LeftButton)
    assert widget.body_text() == "payload.bin" and changes


def test_graphql_variables_are_checked_and_formatted(qtbot: QtBot) -> None:
    widget = make_editor(qtbot)
    choose_mode(widget, "GraphQL")
    qtbot.keyClicks(widget.graphql_query_edit, "{ wallet { id } }")
    qtbot.keyClicks(widget.graphql_variables_edit, '{"id" 1}')
    qtbot.waitUntil(lambda: error_text(widget) != "", timeout=2000)
    assert (
        error_text(widget) == 'Variables: Line 1, column 7: expected ":" after the property name.'
    )

    widget.graphql_variables_edit.setPlainText("[1]")
    qtbot.waitUntil(lambda: error_text(widget).startswith("Variables: must be"), timeout=2000)
    widget.graphql_variables_edit.setPlainText('{"id":1}')
    qtbot.waitUntil(lambda: error_text(widget) == "", timeout=2000)
    assert widget.format_body()
    assert widget.graphql_variables() == '{\n  "id": 1\n}'
    assert widget.body_text() == "{ wallet { id } }"


def test_loading_a_body_is_not_an_edit_and_fills_only_its_kind(qtbot: QtBot) -> None:
    widget = make_editor(qtbot)
    changes: list[None] = []
    widget.changed.connect(lambda: changes.append(None))
    widget.load("query { x }", BodyMode.GRAPHQL, (FormField("a", "1"),), '{"id": 1}')
    assert changes == []
    assert widget.mode() is BodyMode.GRAPHQL
    assert (widget.body_text(), widget.graphql_variables()) == ("query { x }", '{"id": 1}')
    assert widget.text() == "" and widget.file_edit.text() == ""
    assert widget.form() == (FormField("a", "1"),)
    widget.load("files/a.bin", BodyMode.FILE)
    assert widget.body_text() == "files/a.bin" and widget.graphql_variables() == ""
    assert changes == []


def test_the_form_fields_model_is_a_correct_model(qtmodeltester: Any) -> None:
    model = FormFieldsModel(
        [
            FormField("note", "hi"),
            FormField("logo", "files/logo.png", file=True, content_type="image/png"),
            FormField("off", "x", enabled=False),
        ]
    )
    qtmodeltester.check(model, force_py=True)
    index = model.index(1, FormFieldsModel.FILE_COLUMN)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert model.index(1, FormFieldsModel.CONTENT_TYPE_COLUMN).data() == "image/png"
    # The placeholder takes a content type first, too.
    assert model.setData(model.index(3, FormFieldsModel.CONTENT_TYPE_COLUMN), "text/csv")
    assert model.rows()[3] == FormField("", content_type="text/csv")
    assert model.rowCount(QModelIndex()) == 5
    model.setData(index, Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert not model.rows()[1].file
    qtmodeltester.check(model, force_py=True)


# --- the request builder ----------------------------------------------------------------------


def _builder(qtbot: Any) -> RequestBuilder:
    builder = RequestBuilder()
    qtbot.addWidget(builder)
    return builder


def test_the_builder_loads_and_reads_back_every_kind(qtbot: Any) -> None:
    builder = _builder(qtbot)
    requests = [
        SavedRequest(
            "Form",
            "POST",
            "/f",
            body='{"kept": 1}',
            body_mode=BodyMode.FORM,
            form=(FormField("a", "1"), FormField("b", "2", enabled=False)),
        ),
        SavedRequest(
            "Multipart",
            "POST",
            "/m",
            body_mode=BodyMode.MULTIPART,
            form=(FormField("f", "files/a.png", file=True, content_type="image/png"),),
        ),
        SavedRequest("File", "PUT", "/u", body="files/a.bin", body_mode=BodyMode.FILE),
        SavedRequest(
            "GraphQL",
            "POST",
            "/g",
            body="{ x }",
            body_mode=BodyMode.GRAPHQL,
            graphql_variables='{"id": 1}',
        ),
    ]
    for request in requests:
        builder.load_request(request)
        assert builder.request() == request


def test_the_builder_shows_the_content_type_each_kind_adds(qtbot: Any, tmp_path: Path) -> None:
    store = create_collection(tmp_path / "api", "API")
    workspace = Workspace()
    workspace.set_collection(store.load())
    builder = _builder(qtbot)
    builder.load_request(SavedRequest("Upload", "POST", "/upload"))
    builder.target_changed.connect(lambda: builder.show_context(workspace, None))
    choose_mode(builder.body, "Form (urlencoded)")
    fill(builder.body.form_fields.model, 0, "a", "1")
    assert ("Content-Type", "application/x-www-form-urlencoded") in _inherited(builder)
    choose_mode(builder.body, "File")
    qtbot.keyClicks(builder.body.file_edit, "report.csv")
    assert ("Content-Type", "text/csv") in _inherited(builder)
    assert builder.body.form_fields.collection_folder == store.root


def _inherited(builder: RequestBuilder) -> list[tuple[str, str]]:
    model = builder.inherited_headers.model()
    return [
        (model.index(row, 0).data(), model.index(row, 1).data()) for row in range(model.rowCount())
    ]

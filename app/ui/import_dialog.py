"""File > Import…: a file (or pasted text) in any format ``app.formats`` reads, checked as it
is chosen, and the new or empty folder the collection goes to.

The source is read in a thread of its own (a 10 MB OpenAPI description takes seconds), and
what it holds is said before anything is written: "Postman collection v2.1: 42 requests in
11 folders, 2 environments; 9 things are not carried over." A file that is not a format the
app knows says so in one sentence, and Import stays off.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.formats import FORMAT_NAMES, FormatError, Imported
from app.services.importing import read_import, suggested_folder
from app.ui.prompts import Prompts
from app.ui.status_style import error_text_color

__all__ = ["ImportDialog", "describe_import"]

FILE_FILTERS = (
    "Collections and API descriptions (*.json *.yaml *.yml *.har *.raml *.sh *.txt);;All files (*)"
)


def describe_import(imported: Imported) -> str:
    """One line on what an import holds."""
    requests = len(imported.requests())
    folders = len(imported.folders())
    environments = len(imported.environments)
    parts = [
        f"{requests:,} request{'s' * (requests != 1)} in {folders:,} folder{'s' * (folders != 1)}"
    ]
    if environments:
        parts.append(f"{environments} environment{'s' * (environments != 1)}")
    if imported.recorded:
        parts.append(f"{len(imported.recorded):,} recorded responses")
    text = f"{imported.format}: " + ", ".join(parts)
    if imported.report:
        count = len(imported.report)
        text += f"; {count:,} note{'s' * (count != 1)} on what will not come across as it is"
    return text + "."


class ImportDialog(QDialog):
    """Choose what to import and where; ``imported()``, ``target()`` and ``name()`` once
    accepted."""

    _read = Signal(int, object)  # generation, Imported or a FormatError sentence
    _progressed = Signal(int, int, int)  # generation, done, total (from the reading thread)

    def __init__(
        self,
        prompts: Prompts,
        parent_folder: Path,
        parent: QWidget | None = None,
        source: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle("Import a collection")
        self._prompts = prompts
        self._parent_folder = parent_folder
        self._generation = 0
        self._imported: Imported | None = None
        self._folder_typed = False

        self.file_edit = QLineEdit(self)
        self.file_edit.setObjectName("importFileEdit")
        self.file_edit.setPlaceholderText("A Postman, Insomnia, HAR, OpenAPI, RAML or cURL file")
        browse_file = QPushButton("Browse…", self)
        browse_file.setObjectName("importBrowseFileButton")
        file_page = QWidget(self)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse_file)
        formats = QLabel(
            f"Reads {FORMAT_NAMES}; the format is found from the file. A file dropped on "
            "the window comes here too.",
            file_page,
        )
        formats.setWordWrap(True)
        file_layout = QVBoxLayout(file_page)
        file_layout.addLayout(file_row)
        file_layout.addWidget(formats)
        file_layout.addStretch(1)
        self.paste_edit = QPlainTextEdit(self)
        self.paste_edit.setObjectName("importPasteEdit")
        self.paste_edit.setPlaceholderText(
            "Paste a cURL command, or a collection or API description (JSON or YAML)"
        )
        self.source_tabs = QTabWidget(self)
        self.source_tabs.setObjectName("importSourceTabs")
        self.source_tabs.addTab(file_page, "From a file")
        self.source_tabs.addTab(self.paste_edit, "Paste")

        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("importSummaryLabel")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar(self)
        self.progress.setVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.setTextVisible(False)

        self.folder_edit = QLineEdit(self)
        self.folder_edit.setObjectName("importFolderEdit")
        self.folder_edit.setPlaceholderText("A new or empty folder")
        browse_folder = QPushButton("Browse…", self)
        browse_folder.setObjectName("importBrowseFolderButton")
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse_folder)
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("importNameEdit")
        self.name_edit.setPlaceholderText("As the import names it")
        form = QFormLayout()
        form.addRow("Into folder:", folder_row)
        form.addRow("Name:", self.name_edit)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("Import")
        self.import_button.setObjectName("importButton")
        self.import_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.source_tabs)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary_label)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(640, 340)

        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(300)
        self._pause.timeout.connect(self._read_source)
        self.file_edit.textChanged.connect(self._pause.start)
        self.paste_edit.textChanged.connect(self._pause.start)
        self.source_tabs.currentChanged.connect(self._pause.start)
        self.folder_edit.textEdited.connect(self._on_folder_edit_text_edited)
        self.folder_edit.textChanged.connect(self._update_button)
        browse_file.clicked.connect(self._on_browse_file_clicked)
        browse_folder.clicked.connect(self._on_browse_folder_clicked)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._read.connect(self._on_read)
        self._progressed.connect(self._on_progressed)
        if source is not None:
            self.file_edit.setText(str(source))

    # --- what was chosen --------------------------------------------------------------------
    def imported(self) -> Imported | None:
        return self._imported

    def target(self) -> Path:
        return Path(self.folder_edit.text().strip()).expanduser()

    def name(self) -> str | None:
        return self.name_edit.text().strip() or None

    # --- reading ----------------------------------------------------------------------------
    def _read_source(self) -> None:
        self._generation += 1
        generation = self._generation
        self._imported = None
        self._update_button()
        from_file = self.source_tabs.currentIndex() == 0
        path_text = self.file_edit.text().strip()
        data = self.paste_edit.toPlainText().encode("utf-8")
        if (from_file and not path_text) or (not from_file and not data.strip()):
            self._say("")
            return
        self.progress.setRange(0, 0)  # busy until an importer says how far it is
        self.progress.setVisible(True)
        self._say("Reading…")

        def progress(done: int, total: int) -> None:
            self._progressed.emit(generation, done, total)

        def work() -> None:
            try:
                if from_file:
                    result: Imported | str = read_import(
                        Path(path_text).expanduser(), progress=progress
                    )
                else:
                    result = read_import(data=data, progress=progress)
            except FormatError as exc:
                result = str(exc)
            self._read.emit(generation, result)

        threading.Thread(target=work, name="import-read", daemon=True).start()

    def _on_progressed(self, generation: int, done: int, total: int) -> None:
        if generation == self._generation and total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self._say(f"Reading… {done:,} of {total:,} operations")

    def _on_read(self, generation: int, result: Imported | str) -> None:
        if generation != self._generation:
            return  # the source changed while it was read
        self.progress.setVisible(False)
        if isinstance(result, str):
            self._say(result, error=True)
            return
        self._imported = result
        self._say(describe_import(result))
        if not self._folder_typed or not self.folder_edit.text().strip():
            name = self.name() or result.root.name
            self.folder_edit.setText(str(suggested_folder(self._parent_folder, name)))
        self._update_button()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.summary_label.setText(text)
        self.summary_label.setStyleSheet(
            f"color: {error_text_color(self.palette()).name()}" if error else ""
        )

    def _update_button(self) -> None:
        self.import_button.setEnabled(
            self._imported is not None and bool(self.folder_edit.text().strip())
        )

    # --- choosing ---------------------------------------------------------------------------
    def _on_browse_file_clicked(self) -> None:
        path = self._prompts.choose_open_path("Import a file", FILE_FILTERS)
        if path is not None:
            self.source_tabs.setCurrentIndex(0)
            self.file_edit.setText(str(path))

    def _on_browse_folder_clicked(self) -> None:
        path = self._prompts.choose_folder("Folder of the new collection", self._parent_folder)
        if path is not None:
            self._folder_typed = True
            self.folder_edit.setText(str(path))

    def _on_folder_edit_text_edited(self, _text: str) -> None:
        self._folder_typed = True

"""How two responses differ, JSON-aware (``app.services.comparing``), side by side.

The summary ("3 changed, 1 added, 2 removed"), then two views of the same differences:

- **Side by side**: one row per changed path, its value before and after; the selected
  row's two values in full (pretty JSON, exact numbers) in two panes below.
- **Unified**: the text ``api-explorer replay`` prints, one line per difference (Copy takes
  it).

**Ignored paths** (one pattern per line: ``$.created_at``, ``$.items[*].id``,
``$..timestamp``, ``header:ETag``) apply at once (Apply, or Ctrl+Enter) and, when the
comparison belongs to a request, are remembered for it (``RequestMemoryLike``): the next
comparison of that request starts with them. "Ignore this path" adds the selected row's path
with every array index as ``[*]`` (a timestamp in each item is one pattern).

Diffing runs off the GUI thread (``Background``): two 50 MB bodies do not stop the window
painting, and asking again with other patterns does not read the bodies again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.json_diff import (
    ABSENT,
    Change,
    Diff,
    Difference,
    keys_line,
    path_line,
    render,
    value_line,
)
from app.services.comparing import Comparison
from app.ui.background import Background
from app.ui.status_style import error_text_color, status_color, warning_text_color

__all__ = ["DiffDialog", "general_pattern"]

_FULL_VALUE_CHARS = 2_000_000  # a pane shows this much of one value
_MARKS = {Change.CHANGED: "~", Change.ADDED: "+", Change.REMOVED: "−"}
# Text colours per kind, the status line's own (readable on light and dark palettes).
_COLOURS = {
    Change.CHANGED: warning_text_color,
    Change.ADDED: lambda palette: status_color(200, palette),
    Change.REMOVED: error_text_color,
}


def general_pattern(difference: Difference) -> str:
    """The ignore pattern "Ignore this path" adds: the path, each array index ``[*]``
    (``$.items[3].updated_at`` → ``$.items[*].updated_at``); a header or the status as is."""
    if not difference.keys:
        return path_line(difference)
    return keys_line(difference.keys, any_index=True)


class _DiffModel(QAbstractTableModel):
    """Path | Before | After, one row per difference."""

    def __init__(self, labels: tuple[str, str], parent: QWidget) -> None:
        super().__init__(parent)
        self._headers = ("Path", *labels)
        self._rows: tuple[Difference, ...] = ()
        self._palette = parent.palette()

    def set_differences(self, differences: tuple[Difference, ...]) -> None:
        self.beginResetModel()
        self._rows = differences
        self.endResetModel()

    def difference(self, row: int) -> Difference | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        difference = self.difference(index.row())
        if difference is None or not index.isValid():
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            raw = difference.path.startswith("header:")
            if column == 0:
                return f"{_MARKS[difference.kind]} {path_line(difference)}"
            value = difference.old if column == 1 else difference.new
            return "" if value is ABSENT else value_line(value, raw)
        if role == Qt.ItemDataRole.ForegroundRole and column == 0:
            return _COLOURS[difference.kind](self._palette)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and column == 0:
            return difference.kind.value
        return None


def _full_text(value: object, raw: bool) -> str:
    if value is ABSENT:
        return "(not there)"
    if raw and isinstance(value, str):
        return value[:_FULL_VALUE_CHARS]
    from app.core.json_doc import iter_pretty

    parts: list[str] = []
    size = 0
    for chunk in iter_pretty(value):
        parts.append(chunk)
        size += len(chunk)
        if size > _FULL_VALUE_CHARS:
            return "".join(parts)[:_FULL_VALUE_CHARS] + "\n… (cut: the value is longer)"
    return "".join(parts)


class DiffDialog(QDialog):
    """``comparison``'s differences, ignoring ``ignored`` to begin with; ``remember``
    (when given) keeps the patterns applied for the request compared."""

    def __init__(
        self,
        title: str,
        comparison: Comparison,
        ignored: tuple[str, ...] = (),
        remember: Callable[[list[str]], None] | None = None,
        parent: QWidget | None = None,
        labels: tuple[str, str] = ("Before", "After"),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("diffDialog")
        self.setWindowTitle(title[:200])
        self._comparison = comparison
        self._remember = remember
        self._diff: Diff | None = None
        self._background = Background(self._on_diff, self, "diff")

        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("diffSummaryLabel")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)
        font = self.summary_label.font()
        font.setBold(True)
        self.summary_label.setFont(font)

        self.model = _DiffModel(labels, self)
        self.table = QTableView(self)
        self.table.setObjectName("diffTable")
        self.table.setAccessibleName("Differences: path, before, after")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.resizeSection(0, 260)
        header.resizeSection(1, 220)
        self.table.selectionModel().currentRowChanged.connect(self._show_row)

        self.before_view = self._value_view("diffBeforeView", f"{labels[0]}: the selected value")
        self.after_view = self._value_view("diffAfterView", f"{labels[1]}: the selected value")
        values = QSplitter(Qt.Orientation.Horizontal, self)
        values.addWidget(self.before_view)
        values.addWidget(self.after_view)
        side = QSplitter(Qt.Orientation.Vertical, self)
        side.addWidget(self.table)
        side.addWidget(values)
        side.setStretchFactor(0, 3)
        side.setStretchFactor(1, 2)

        self.unified_view = QPlainTextEdit(self)
        self.unified_view.setObjectName("diffUnifiedView")
        self.unified_view.setReadOnly(True)
        self.unified_view.setUndoRedoEnabled(False)
        self.unified_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("diffTabs")
        self.tabs.addTab(side, "Side by side")
        self.tabs.addTab(self.unified_view, "Unified")

        self.ignore_edit = QPlainTextEdit(self)
        self.ignore_edit.setObjectName("diffIgnoreEdit")
        self.ignore_edit.setAccessibleName("Ignored paths, one per line")
        self.ignore_edit.setPlaceholderText(
            "Paths to ignore, one per line: $.created_at, $.items[*].id, $..timestamp, header:ETag"
        )
        self.ignore_edit.setTabChangesFocus(True)
        self.ignore_edit.setPlainText("\n".join(ignored))
        line_height = self.ignore_edit.fontMetrics().lineSpacing()
        self.ignore_edit.setFixedHeight(line_height * 3 + 12)
        self.apply_button = QPushButton("&Apply", self)
        self.apply_button.setObjectName("diffApplyButton")
        self.apply_button.setToolTip("Compare again without these paths (Ctrl+Enter)")
        self.apply_button.setAutoDefault(False)
        self.apply_button.clicked.connect(self.apply)
        self.ignore_button = QPushButton("&Ignore this path", self)
        self.ignore_button.setObjectName("diffIgnorePathButton")
        self.ignore_button.setToolTip("Add the selected row's path, any array index, and apply")
        self.ignore_button.setAutoDefault(False)
        self.ignore_button.setEnabled(False)
        self.ignore_button.clicked.connect(self.ignore_selected)
        apply_shortcut = QShortcut(QKeySequence("Ctrl+Return"), self.ignore_edit)
        apply_shortcut.activated.connect(self.apply)
        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("diffProblemLabel")
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet(f"color: {error_text_color(self.palette()).name()};")
        self.problem_label.hide()
        ignore_row = QHBoxLayout()
        ignore_label = QLabel("I&gnore:", self)
        ignore_label.setBuddy(self.ignore_edit)
        ignore_row.addWidget(ignore_label, 0, Qt.AlignmentFlag.AlignTop)
        ignore_row.addWidget(self.ignore_edit, 1)
        buttons_column = QVBoxLayout()
        buttons_column.addWidget(self.apply_button)
        buttons_column.addWidget(self.ignore_button)
        buttons_column.addStretch(1)
        ignore_row.addLayout(buttons_column)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = buttons.addButton("&Copy", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setObjectName("diffCopyButton")
        self.copy_button.setAutoDefault(False)  # Enter in the table must not copy
        self.copy_button.setToolTip("Copy the differences as text (the Unified view)")
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(ignore_row)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)
        self.resize(900, 600)
        self._compute(self.patterns())

    def _value_view(self, name: str, accessible: str) -> QPlainTextEdit:
        view = QPlainTextEdit(self)
        view.setObjectName(name)
        view.setAccessibleName(accessible)
        view.setReadOnly(True)
        view.setUndoRedoEnabled(False)
        view.setTabChangesFocus(True)
        return view

    def patterns(self) -> list[str]:
        """The ignore patterns typed, one per line, blank lines left out."""
        lines = (line.strip() for line in self.ignore_edit.toPlainText().splitlines())
        return list(dict.fromkeys(line for line in lines if line))

    def apply(self) -> None:
        """Compare again without the paths typed; remembered for the request when the
        patterns are valid."""
        self._compute(self.patterns(), remember=True)

    def ignore_selected(self) -> None:
        difference = self.model.difference(self.table.currentIndex().row())
        if difference is None:
            return
        pattern = general_pattern(difference)
        patterns = self.patterns()
        if pattern not in patterns:
            patterns.append(pattern)
            self.ignore_edit.setPlainText("\n".join(patterns))
        self.apply()

    def copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None and self._diff is not None:
            clipboard.setText(render(self._diff))

    def _compute(self, patterns: list[str], *, remember: bool = False) -> None:
        self.summary_label.setText("Comparing…")
        self.apply_button.setEnabled(False)
        comparison = self._comparison

        def work() -> tuple[list[str], bool, Diff | str]:
            try:
                return patterns, remember, comparison.diff(patterns)
            except ValueError as exc:
                return patterns, remember, str(exc)

        self._background.run(work)

    def _on_diff(self, result: tuple[list[str], bool, Diff | str]) -> None:
        patterns, remember, diff = result
        self.apply_button.setEnabled(True)
        if isinstance(diff, str):
            self.problem_label.setText(diff)
            self.problem_label.show()
            if self._diff is not None:
                self.summary_label.setText(self._summary(self._diff))
            return
        self.problem_label.hide()
        self._diff = diff
        count = len(patterns)
        ignoring = f" Ignoring {count} path{'s' * (count != 1)}." if count else ""
        self.summary_label.setText(self._summary(diff) + ignoring)
        self.model.set_differences(diff.differences)
        self.unified_view.setPlainText(render(diff))
        if diff.differences:
            self.table.selectRow(0)
        else:
            self._show_row(QModelIndex())
        if remember and self._remember is not None:
            self._remember(patterns)

    @staticmethod
    def _summary(diff: Diff) -> str:
        return diff.summary() + "."

    def _show_row(self, current: QModelIndex) -> None:
        difference = self.model.difference(current.row()) if current.isValid() else None
        self.ignore_button.setEnabled(difference is not None)
        if difference is None:
            self.before_view.clear()
            self.after_view.clear()
            return
        raw = difference.path.startswith("header:")
        self.before_view.setPlainText(_full_text(difference.old, raw))
        self.after_view.setPlainText(_full_text(difference.new, raw))

"""The history list: every request sent, newest first, searchable."""

from __future__ import annotations

import bisect
import datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.history_query import HistoryQuery, parse_history_query
from app.core.preferences import HISTORY_MAX_ENTRIES, HISTORY_MAX_MB
from app.services.history import HistoryError, HistoryService, HistorySummary
from app.ui.elided_label import ElidedLabel
from app.ui.status_style import status_color

__all__ = ["HistoryModel", "HistoryPanel"]

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class HistoryModel(QAbstractTableModel):
    """Adapts a list of ``HistorySummary`` rows (the store's search result)."""

    COLUMNS = ("When", "Method", "Status", "URL", "Error", "Time")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[HistorySummary] = []

    def set_rows(self, rows: list[HistorySummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def insert(self, row: int, summary: HistorySummary) -> None:
        """Show ``summary`` at ``row``; the rows from there on move down."""
        self.beginInsertRows(_ROOT, row, row)
        self._rows.insert(row, summary)
        self.endInsertRows()

    def remove(self, first: int, count: int) -> None:
        """Drop ``count`` rows from ``first`` on."""
        if count > 0:
            self.beginRemoveRows(_ROOT, first, first + count - 1)
            del self._rows[first : first + count]
            self.endRemoveRows()

    def summary(self, row: int) -> HistorySummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def summaries(self) -> list[HistorySummary]:
        """Every row, top to bottom."""
        return list(self._rows)

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section] if 0 <= section < len(self.COLUMNS) else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        entry = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(entry, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return datetime.datetime.fromtimestamp(entry.sent_at).strftime("%Y-%m-%d %H:%M:%S")
            return entry.failure if column in (2, 4) and entry.failure else entry.url
        if role == Qt.ItemDataRole.ForegroundRole and column == 2 and entry.status is not None:
            return status_color(entry.status, QGuiApplication.palette())
        return None

    @staticmethod
    def _text(entry: HistorySummary, column: int) -> str:
        if column == 0:
            # Today's time alone: the URL needs the room (the full date is the tooltip).
            sent = datetime.datetime.fromtimestamp(entry.sent_at)
            today = sent.date() == datetime.date.today()
            return sent.strftime("%H:%M:%S" if today else "%Y-%m-%d %H:%M")
        if column == 1:
            return entry.method
        if column == 2:
            return str(entry.status) if entry.status is not None else "no response"
        if column == 3:
            return entry.url
        if column == 4:
            return entry.error_code or ""
        return f"{entry.elapsed_ms:.0f} ms" if entry.elapsed_ms is not None else ""


class HistoryPanel(QWidget):
    """Search box, list, and actions on the selected entry.

    ``refresh()`` searches again (a new search text, new limits); ``add_recorded(id)`` shows
    one newly recorded entry without searching again. Both run in the Qt main thread; the
    store may be recording in another thread meanwhile.
    """

    ROW_LIMIT = 200
    """At most this many rows are shown, the newest first."""
    URL_COLUMN = 3
    URL_WIDTH = 180
    """The least the URL column gets, in pixels."""

    entry_opened = Signal(int)  # show the recorded response
    entry_reopened = Signal(int)  # open the request in a new tab

    def __init__(self, history: HistoryService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = history
        # What the rows show: the last search (None when it failed) and the store's
        # ``removals`` when it ran, to tell whether rows may have gone since.
        self._query: HistoryQuery | None = None
        self._removals_seen = history.removals
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("historySearchEdit")
        self.search_edit.setPlaceholderText("Search: text method:POST status:4xx error:code")
        self.search_edit.setClearButtonEnabled(True)
        self.model = HistoryModel(self)
        self.view = QTableView(self)
        self.view.setTabKeyNavigation(False)  # Tab leaves the list (arrows walk it)
        self.view.setObjectName("historyView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several at once for "Export as HAR…"; a click still opens the one clicked.
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        # The end of a URL (path, query) tells entries apart; the scheme and host rarely do.
        self.view.setTextElideMode(Qt.TextElideMode.ElideLeft)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The URL takes what the columns before it leave, but never less than URL_WIDTH:
        # in a narrow panel Error and Time scroll into view instead (stretched, the URL was
        # squeezed to "…").
        header.setSectionResizeMode(self.URL_COLUMN, QHeaderView.ResizeMode.Interactive)
        self.view.viewport().installEventFilter(self)
        self.model.modelReset.connect(self._fit_url_column)
        self.model.rowsInserted.connect(self._fit_url_column)
        self.reopen_button = QPushButton("Open in new tab", self)
        self.reopen_button.setObjectName("historyReopenButton")
        self.clear_button = QPushButton("Clear history", self)
        self.clear_button.setObjectName("historyClearButton")
        self.reopen_button.setToolTip("Open the selected request in a tab of its own, to edit")
        self.clear_button.setToolTip("Delete every history entry (after asking)")
        self.count_label = ElidedLabel(self, Qt.TextElideMode.ElideRight)
        self.max_entries_spin = QSpinBox(self)
        self.max_entries_spin.setObjectName("historyMaxEntriesSpin")
        self.max_entries_spin.setRange(*HISTORY_MAX_ENTRIES)
        entries, megabytes = history.limits()
        self.max_entries_spin.setValue(entries)
        self.max_entries_spin.setSuffix(" requests")
        self.max_mb_spin = QSpinBox(self)
        self.max_mb_spin.setObjectName("historyMaxMbSpin")
        self.max_mb_spin.setRange(*HISTORY_MAX_MB)
        self.max_mb_spin.setValue(megabytes)
        self.max_mb_spin.setSuffix(" MB")
        keep = QHBoxLayout()
        keep.addWidget(QLabel("Keep at most", self))
        keep.addWidget(self.max_entries_spin)
        keep.addWidget(QLabel("and", self))
        keep.addWidget(self.max_mb_spin)
        keep.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.reopen_button)
        buttons.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addLayout(keep)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self.refresh)
        self.search_edit.textChanged.connect(self._search_timer.start)
        self.view.activated.connect(self._on_view_activated)
        self.view.clicked.connect(self._on_view_activated)
        self.reopen_button.clicked.connect(self._on_reopen_button_clicked)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        self.max_entries_spin.editingFinished.connect(self._on_limits_edited)
        self.max_mb_spin.editingFinished.connect(self._on_limits_edited)
        self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_url_column()
        return super().eventFilter(watched, event)

    def _fit_url_column(self) -> None:
        header = self.view.horizontalHeader()
        others = sum(header.sectionSize(c) for c in range(header.count()) if c != self.URL_COLUMN)
        room = self.view.viewport().width() - others
        header.resizeSection(self.URL_COLUMN, max(self.URL_WIDTH, room))

    def limits(self) -> tuple[int, int]:
        """(entries, megabytes) the user chose to keep."""
        return self.max_entries_spin.value(), self.max_mb_spin.value()

    def _on_limits_edited(self) -> None:
        entries, megabytes = self.limits()
        # The oldest go first, at once: the user sees the list shrink to the new limit.
        try:
            self.history.set_limits(entries, megabytes)
        except (HistoryError, ValueError) as exc:
            self.count_label.setText(f"The limits were not applied: {exc}")
            return
        self.refresh()

    def refresh(self) -> None:
        """Search again; a search the store cannot run says why in the panel."""
        query = parse_history_query(self.search_edit.text())
        self._query = None
        # Read before searching: a removal during the search is checked on the next add.
        self._removals_seen = self.history.removals
        try:
            rows = self.history.search(query, self.ROW_LIMIT)
        except (HistoryError, ValueError) as exc:
            self.model.set_rows([])
            self.count_label.setText(f"{exc} (try status:404 or status:4xx)")
            return
        self._query = query
        self.model.set_rows(rows)
        self._show_count()

    def add_recorded(self, entry_id: int) -> None:
        """Show the entry just recorded, if the search shows it, and drop the rows of
        entries retention removed; no search and no model reset, so it stays cheap and
        the selection stays where it was. For the send pipeline's ``recorded(id)`` signal."""
        query = self._query
        if query is None:
            return  # the panel says why its search failed; the next refresh starts over
        try:
            summary = self.history.summary(entry_id)
            self._drop_removed_rows()
        except HistoryError as exc:
            self.count_label.setText(str(exc))
            return
        if self._query is None:
            return  # searching again failed while dropping rows; the panel says why
        if summary is None or not self.history.matches(summary, query):
            self._show_count()
            return
        rows = self.model.summaries()
        if all(row.id != summary.id for row in rows):
            # Newest first; an entry recorded now goes on top.
            position = bisect.bisect_left(
                rows, (-summary.sent_at, -summary.id), key=lambda r: (-r.sent_at, -r.id)
            )
            if position < self.ROW_LIMIT:
                self.model.insert(position, summary)
                overflow = self.model.rowCount() - self.ROW_LIMIT
                self.model.remove(self.ROW_LIMIT, overflow)
        self._show_count()

    def _drop_removed_rows(self) -> None:
        removals = self.history.removals
        if removals == self._removals_seen:
            return
        self._removals_seen = removals
        rows = self.model.summaries()
        kept = self.history.existing_ids([row.id for row in rows])
        gone = [index for index, row in enumerate(rows) if row.id not in kept]
        if not gone:
            return
        if gone == list(range(gone[0], len(rows))):
            # Retention removes the oldest entries: the rows at the bottom.
            self.model.remove(gone[0], len(gone))
        else:
            self.refresh()  # something else removed entries in between: search again

    def show_problem(self, text: str) -> None:
        """A sentence about the list (an entry that could not be opened), under it."""
        self.count_label.setText(text)

    def _show_count(self) -> None:
        shown = self.model.rowCount()
        self.count_label.setText(f"{shown} shown" if shown else "Nothing found")

    def selected_id(self) -> int | None:
        """The entry of the current row, when it is selected."""
        current = self.view.currentIndex()
        if not current.isValid() or not self.view.selectionModel().isRowSelected(current.row()):
            ids = self.selected_ids()
            return ids[0] if ids else None
        summary = self.model.summary(current.row())
        return summary.id if summary else None

    def selected_ids(self) -> list[int]:
        """The selected entries, top to bottom."""
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        return [s.id for s in (self.model.summary(row) for row in rows) if s is not None]

    def shown_ids(self) -> list[int]:
        """Every entry the list shows (the search's results), top to bottom."""
        return [summary.id for summary in self.model.summaries()]

    def _on_view_activated(self, index: QModelIndex) -> None:
        summary = self.model.summary(index.row())
        if summary is not None:
            self.entry_opened.emit(summary.id)

    def _on_reopen_button_clicked(self) -> None:
        entry_id = self.selected_id()
        if entry_id is not None:
            self.entry_reopened.emit(entry_id)

    def _on_clear_button_clicked(self) -> None:
        try:
            self.history.clear()
        except HistoryError as exc:
            self.count_label.setText(str(exc))
            return
        self.refresh()

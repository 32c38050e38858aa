"""The strip of open request tabs: titles, unsaved markers, new/close/reorder."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QTabBar, QToolButton, QWidget

from app.core.tabs import OpenTab

__all__ = ["TabStrip"]

_DIRTY_MARK = "● "


class TabStrip(QWidget):
    """Holds the ``OpenTab`` list in the order the tab bar shows it.

    Signals carry tab ids, never indexes, so that a reorder cannot point a slot at the
    wrong tab.
    """

    activated = Signal(str, str)  # previous tab id ("" if none), new tab id
    close_requested = Signal(str)
    new_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tabs: list[OpenTab] = []
        self._active_id = ""
        self.bar = QTabBar(self)
        self.bar.setObjectName("requestTabBar")
        self.bar.setTabsClosable(True)
        self.bar.setMovable(True)
        self.bar.setExpanding(False)
        self.bar.setDocumentMode(True)
        self.new_button = QToolButton(self)
        self.new_button.setObjectName("newTabButton")
        self.new_button.setText("+")
        self.new_button.setToolTip("New request (Ctrl+T)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.new_button)
        self.bar.currentChanged.connect(self._on_bar_current_changed)
        self.bar.tabCloseRequested.connect(self._on_bar_tab_close_requested)
        self.bar.tabMoved.connect(self._on_bar_tab_moved)
        self.new_button.clicked.connect(self.new_requested)

    def tabs(self) -> tuple[OpenTab, ...]:
        return tuple(self._tabs)

    def active(self) -> OpenTab | None:
        return self.get(self._active_id)

    def active_index(self) -> int:
        return self.bar.currentIndex()

    def get(self, tab_id: str) -> OpenTab | None:
        return next((tab for tab in self._tabs if tab.id == tab_id), None)

    def add(self, tab: OpenTab) -> None:
        """Append ``tab`` and make it the active one."""
        self._tabs.append(tab)
        index = self.bar.addTab(self._label(tab))
        self.bar.setTabToolTip(index, tab.source or "Not saved yet")
        self.bar.setCurrentIndex(index)

    def replace_tab(self, tab: OpenTab) -> None:
        """Replace the tab with ``tab.id``, refreshing its title and unsaved marker."""
        for index, existing in enumerate(self._tabs):
            if existing.id == tab.id:
                self._tabs[index] = tab
                self.bar.setTabText(index, self._label(tab))
                self.bar.setTabToolTip(index, tab.source or "Not saved yet")
                return

    def remove(self, tab_id: str) -> None:
        for index, existing in enumerate(self._tabs):
            if existing.id == tab_id:
                del self._tabs[index]
                if tab_id == self._active_id:
                    self._active_id = ""
                self.bar.removeTab(index)
                return

    def activate(self, tab_id: str) -> None:
        for index, existing in enumerate(self._tabs):
            if existing.id == tab_id:
                self.bar.setCurrentIndex(index)
                return

    @staticmethod
    def _label(tab: OpenTab) -> str:
        return (_DIRTY_MARK if tab.dirty else "") + tab.title

    def _on_bar_current_changed(self, index: int) -> None:
        previous = self._active_id
        self._active_id = self._tabs[index].id if 0 <= index < len(self._tabs) else ""
        if self._active_id != previous:
            self.activated.emit(previous, self._active_id)

    def _on_bar_tab_close_requested(self, index: int) -> None:
        if 0 <= index < len(self._tabs):
            self.close_requested.emit(self._tabs[index].id)

    def _on_bar_tab_moved(self, source: int, target: int) -> None:
        self._tabs.insert(target, self._tabs.pop(source))

"""The strip of open request tabs: titles, unsaved markers, new/close/reorder.

A view of ``app.services.session.Session``: it shows the session's tabs and forwards what the
user does (pick, drag, close) to it. Closing goes through ``close_requested`` because the
window first copies the builder's edits into the tab.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QTabBar, QToolButton, QWidget

from app.core.tabs import OpenTab
from app.services.session import (
    Session,
    SessionEvent,
    TabActivated,
    TabAdded,
    TabChanged,
    TabRemoved,
)

__all__ = ["TabStrip"]

_DIRTY_MARK = "● "


class TabStrip(QWidget):
    """Signals carry tab ids, never indexes, so that a reorder cannot point a slot at the
    wrong tab."""

    close_requested = Signal(str)
    new_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._syncing = False  # the bar is being changed to match the session
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
        for index, tab in enumerate(session.tabs()):
            self._on_session_event(TabAdded(tab, index))
        session.subscribe(self._on_session_event)

    @staticmethod
    def _label(tab: OpenTab) -> str:
        return (_DIRTY_MARK if tab.dirty else "") + tab.title

    def _on_session_event(self, event: SessionEvent) -> None:
        self._syncing = True
        try:
            if isinstance(event, TabAdded):
                self.bar.insertTab(event.index, self._label(event.tab))
                self.bar.setTabToolTip(event.index, event.tab.source or "Not saved yet")
            elif isinstance(event, TabChanged):
                index = self.session.index(event.tab.id)
                self.bar.setTabText(index, self._label(event.tab))
                self.bar.setTabToolTip(index, event.tab.source or "Not saved yet")
            elif isinstance(event, TabRemoved):
                self.bar.removeTab(event.index)
            elif isinstance(event, TabActivated):
                self.bar.setCurrentIndex(self.session.index(event.tab_id))
        finally:
            self._syncing = False
        # A hidden QTabBar does not tell its layout that its size changed: tabs restored
        # before the window shows would get a height of 0 (invisible) without this.
        self.bar.updateGeometry()

    def _on_bar_current_changed(self, index: int) -> None:
        tabs = self.session.tabs()
        if not self._syncing and 0 <= index < len(tabs):
            self.session.activate(tabs[index].id)

    def _on_bar_tab_close_requested(self, index: int) -> None:
        tabs = self.session.tabs()
        if 0 <= index < len(tabs):
            self.close_requested.emit(tabs[index].id)

    def _on_bar_tab_moved(self, source: int, target: int) -> None:
        self.session.move(source, target)

"""Choosing the environment, and the banner that says plainly when it is protected."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from app.core.collection import Environment

__all__ = ["EnvironmentBar", "ProtectedBanner"]

_NO_ENVIRONMENT = "No environment"


class EnvironmentBar(QWidget):
    """A combo of the collection's environments with Edit and New buttons."""

    environment_selected = Signal(object)  # the name, or None for no environment
    edit_requested = Signal()
    new_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox(self)
        self.combo.setObjectName("environmentCombo")
        self.combo.setToolTip("Variables of the chosen environment fill {{placeholders}}")
        self.combo.setMinimumContentsLength(14)
        self.edit_button = QPushButton("Edit…", self)
        self.edit_button.setObjectName("editEnvironmentButton")
        self.new_button = QPushButton("New…", self)
        self.new_button.setObjectName("newEnvironmentButton")
        self.edit_button.setToolTip(
            "Edit the chosen environment's variables, and set its secrets on this computer"
        )
        self.new_button.setToolTip("Add an environment to the collection")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Environment", self))
        layout.addWidget(self.combo)
        layout.addWidget(self.edit_button)
        layout.addWidget(self.new_button)
        self.combo.activated.connect(self._on_combo_activated)
        self.edit_button.clicked.connect(self.edit_requested)
        self.new_button.clicked.connect(self.new_requested)
        self.set_environments((), None, enabled=False)

    def set_environments(
        self, environments: tuple[Environment, ...], current: str | None, *, enabled: bool = True
    ) -> None:
        """List ``environments`` with ``current`` chosen (no signal is emitted)."""
        self.combo.blockSignals(True)
        try:
            self.combo.clear()
            self.combo.addItem(_NO_ENVIRONMENT, None)
            for environment in environments:
                marked = environment.name.lower().endswith("(protected)")
                protected = environment.protected and not marked
                label = environment.name + ("  (protected)" if protected else "")
                self.combo.addItem(label, environment.name)
            index = self.combo.findData(current) if current else 0
            self.combo.setCurrentIndex(max(0, index))
        finally:
            self.combo.blockSignals(False)
        self.setEnabled(enabled)
        self.edit_button.setEnabled(enabled and current is not None)

    def current(self) -> str | None:
        data = self.combo.currentData()
        return data if isinstance(data, str) else None

    def select(self, name: str | None) -> None:
        """Choose ``name`` as the user would (emits ``environment_selected``)."""
        index = self.combo.findData(name) if name else 0
        self.combo.setCurrentIndex(max(0, index))
        self._on_combo_activated(self.combo.currentIndex())

    def _on_combo_activated(self, _index: int) -> None:
        self.edit_button.setEnabled(self.current() is not None)
        self.environment_selected.emit(self.current())


class ProtectedBanner(QLabel):
    """A coloured bar naming the protected environment; hidden for the others."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("protectedBanner")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # White on deep red reads on light and dark palettes alike.
        self.setStyleSheet(
            "QLabel#protectedBanner { background: #b3141f; color: white; font-weight: bold;"
            " padding: 4px; border-radius: 3px; }"
        )
        self.hide()

    def show_environment(self, environment: Environment | None) -> None:
        if environment is not None and environment.protected:
            self.setText(
                f"{environment.name.upper()} — protected environment: "
                "requests that can change data ask before they are sent"
            )
            self.show()
        else:
            self.clear()
            self.hide()

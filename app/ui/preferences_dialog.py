"""Edit > Preferences: the settings that are the app's, not a collection's or a request's."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.preferences import RESPONSE_MAX_MB

__all__ = ["MB", "PreferencesDialog"]

MB = 1024 * 1024


class PreferencesDialog(QDialog):
    """Shows ``response_max_bytes`` (rounded to megabytes); ``response_max_bytes()`` is the
    choice once accepted."""

    def __init__(self, response_max_bytes: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")
        self.response_max_spin = QSpinBox(self)
        self.response_max_spin.setObjectName("responseMaxSpin")
        self.response_max_spin.setRange(*RESPONSE_MAX_MB)
        self.response_max_spin.setSuffix(" MB")
        self.response_max_spin.setValue(max(1, response_max_bytes // MB))
        self.response_max_spin.setToolTip(
            "The largest response body this app reads, after decompression"
        )
        explanation = QLabel(
            "A response whose body is larger, once decompressed, is not read: it fails with "
            "a sentence instead of filling memory (a few kilobytes of gzip can expand to "
            "gigabytes). Each open response can take up to about three times this.",
            self,
        )
        explanation.setWordWrap(True)
        explanation.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout()
        form.addRow("&Largest response:", self.response_max_spin)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(explanation)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def response_max_bytes(self) -> int:
        return self.response_max_spin.value() * MB

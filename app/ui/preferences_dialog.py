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

from app.core.display_text import describe_size
from app.core.exchange import INDEX_ABOVE_BYTES
from app.core.preferences import RESPONSE_MAX_MB, STREAM_ABOVE_MB

__all__ = ["MB", "PreferencesDialog"]

MB = 1024 * 1024


class PreferencesDialog(QDialog):
    """Shows ``response_max_bytes`` and ``stream_above_bytes`` (rounded to megabytes);
    ``response_max_bytes()`` and ``stream_above_bytes()`` are the choices once accepted."""

    def __init__(
        self, response_max_bytes: int, stream_above_bytes: int, parent: QWidget | None = None
    ) -> None:
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
        self.stream_above_spin = QSpinBox(self)
        self.stream_above_spin.setObjectName("streamAboveSpin")
        self.stream_above_spin.setRange(*STREAM_ABOVE_MB)
        self.stream_above_spin.setSuffix(" MB")
        self.stream_above_spin.setValue(max(1, stream_above_bytes // MB))
        self.stream_above_spin.setToolTip(
            "Bodies larger than this are written to a file as they arrive"
        )
        explanation = QLabel(
            "A response whose body is larger, once decompressed, is not read: it fails with "
            "a sentence instead of filling memory (a few kilobytes of gzip can expand to "
            "gigabytes). A body larger than the second size is written to a file as it "
            "arrives, which History keeps; a JSON body over "
            f"{describe_size(INDEX_ABOVE_BYTES)} is then not parsed: its "
            "tree is read from that file as you expand it, in little memory (it filters "
            "with jq; JSONPath and Find in the Tree are for smaller bodies).",
            self,
        )
        explanation.setWordWrap(True)
        explanation.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout()
        form.addRow("&Largest response:", self.response_max_spin)
        form.addRow("&Stream to a file past:", self.stream_above_spin)
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

    def stream_above_bytes(self) -> int:
        return self.stream_above_spin.value() * MB

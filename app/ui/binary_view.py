"""A body that is not text: what it is, the image when it is one, a paged hex view, Save."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtGui import QFontDatabase, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.display_text import display_text
from app.core.hex_dump import hex_dump

__all__ = ["HEX_PAGE_BYTES", "BinaryView"]

HEX_PAGE_BYTES = 16 * 1024
"""Bytes per page of the hex view: 1,024 lines, quick to lay out whatever the body's size."""

# An image larger than this (in pixels) is not decoded: a small hostile PNG can claim
# 50,000 x 50,000 pixels, which is 10 GB once decoded.
_MAX_IMAGE_PIXELS = 40_000_000


def _read_image(body: bytes) -> tuple[QImage, str] | None:
    """The image in ``body`` and its format (``png``), when Qt can read it."""
    data = QByteArray(body)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    size = reader.size()
    if not reader.canRead() or size.width() * size.height() > _MAX_IMAGE_PIXELS:
        return None
    image_format = bytes(reader.format().data()).decode("ascii", "replace")
    image = reader.read()
    return None if image.isNull() else (image, image_format)


class BinaryView(QWidget):
    """Shows a binary body: "binary, N bytes, type", the picture for an image Qt can read,
    and a hex dump a page (``HEX_PAGE_BYTES``) at a time. "Save to file…" emits
    ``save_requested``; the pane asks where."""

    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._body = b""
        self._page = 0
        self.image_format = ""
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("binarySummaryLabel")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.save_button = QPushButton("Save to file…", self)
        self.save_button.setObjectName("saveBodyButton")
        self.save_button.clicked.connect(self.save_requested)
        top = QHBoxLayout()
        top.addWidget(self.summary_label, 1)
        top.addWidget(self.save_button)

        self.image_label = QLabel(self)
        self.image_label.setObjectName("binaryImageLabel")
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._image_area = QScrollArea(self)
        self._image_area.setWidget(self.image_label)
        self._image_area.setWidgetResizable(False)

        self.hex_view = QPlainTextEdit(self)
        self.hex_view.setObjectName("hexView")
        self.hex_view.setReadOnly(True)
        self.hex_view.setUndoRedoEnabled(False)
        self.hex_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.hex_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.previous_button = QPushButton("Previous", self)
        self.previous_button.setObjectName("hexPreviousButton")
        self.previous_button.clicked.connect(self.on_previous_button_clicked)
        self.next_button = QPushButton("Next", self)
        self.next_button.setObjectName("hexNextButton")
        self.next_button.clicked.connect(self.on_next_button_clicked)
        self.page_label = QLabel(self)
        self.page_label.setObjectName("hexPageLabel")
        pages = QHBoxLayout()
        pages.addWidget(self.page_label, 1)
        pages.addWidget(self.previous_button)
        pages.addWidget(self.next_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self._image_area, 1)
        layout.addWidget(self.hex_view, 1)
        layout.addLayout(pages)

    def body(self) -> bytes:
        return self._body

    def show_body(self, body: bytes, content_type: str) -> None:
        self._body = body
        kind = display_text(content_type or "no Content-Type", 200).text
        read = _read_image(body)
        image = read[0] if read is not None else None
        self.image_format = read[1] if read is not None else ""
        if image is not None:
            self.image_label.setPixmap(QPixmap.fromImage(image))
            self.image_label.resize(image.size())
            self.summary_label.setText(
                f"Image, {len(body):,} bytes, {kind}, {image.width()} × {image.height()} pixels"
            )
        else:
            self.image_label.clear()
            self.summary_label.setText(f"Binary, {len(body):,} bytes, {kind}")
        self._image_area.setVisible(image is not None)
        self.show_page(0)

    def clear(self) -> None:
        self._body = b""
        self.image_format = ""
        self.image_label.clear()
        self.hex_view.clear()

    def page_count(self) -> int:
        return max(1, -(-len(self._body) // HEX_PAGE_BYTES))

    def show_page(self, page: int) -> None:
        self._page = max(0, min(page, self.page_count() - 1))
        start = self._page * HEX_PAGE_BYTES
        self.hex_view.setPlainText(hex_dump(self._body, start, HEX_PAGE_BYTES))
        end = min(len(self._body), start + HEX_PAGE_BYTES)
        self.page_label.setText(
            f"Bytes {start:,}–{end:,} of {len(self._body):,} "
            f"(page {self._page + 1} of {self.page_count()})"
        )
        self.previous_button.setEnabled(self._page > 0)
        self.next_button.setEnabled(self._page + 1 < self.page_count())

    def on_previous_button_clicked(self) -> None:
        self.show_page(self._page - 1)

    def on_next_button_clicked(self) -> None:
        self.show_page(self._page + 1)

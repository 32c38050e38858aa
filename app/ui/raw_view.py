"""The raw text of a response body, loaded a piece at a time so huge bodies stay responsive.

Raw is the body as received (decoded by its charset, see ``ResponseData.iter_text``); for
JSON a "Pretty" toggle beside it shows the document indented instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontDatabase, QShowEvent, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.display_text import describe_size
from app.ui.binary_view import BinaryView

__all__ = ["RawView", "SeekSource", "TextSource"]

TextSource = Callable[[], Iterator[str]]
"""Makes a fresh iterator over a text's pieces (the view may start it again on a toggle)."""

SeekSource = Callable[[int], Iterator[str]]
"""The raw text from a byte offset on (``ResponseData.iter_text``): Raw jumps with it."""

FIRST_CHARS = 256 * 1024
"""How much text is shown at first: a few thousand lines, fast to lay out."""

MORE_CHARS = 1024 * 1024
"""How much "Show more", and each step of "Show all", adds."""

LINE_CHARS = 128 * 1024
"""The longest line Raw shows. Qt lays a line out whole, about 0.3 ms per KB, each time it
grows: on a one-line (minified) body the first 256 KB took 62-78 ms, "Show more" froze the
window 0.9 s at 2 MB and "Show all" of 8 MB 12 s; 128 KB takes 31-40 ms. Past it the line
is cut and the bar says so (Pretty shows a JSON body whole; a body in a file can still be
jumped through)."""

# A line ends at "\n", "\r\n" or a lone "\r", as Qt breaks them; the search for a line past
# the limit starts only where a line starts (the look-behind), so it stays linear.
_BREAK = re.compile(r"[\r\n]")
_LONG_LINE = re.compile(rf"(?<![^\r\n])[^\r\n]{{{LINE_CHARS + 1}}}")


class RawView(QWidget):
    """A read-only monospace text view that shows a long text only as far as asked.

    :meth:`show_text_chunks` takes a lazy iterator of text pieces (``iter_pretty(document)``,
    or the decoded body as one or more strings) and shows the first ``FIRST_CHARS``
    characters. While more remains, a bar under the text says how much is shown and offers
    "Show more" (``MORE_CHARS`` more) and "Show all" (the rest, ``MORE_CHARS`` per event-loop
    turn, so the window keeps painting). The iterator is only advanced as far as shown.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = QPlainTextEdit(self)
        self._text.setObjectName("rawText")
        self._text.setReadOnly(True)
        self._text.setUndoRedoEnabled(False)
        self._text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self._text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))

        self._label = QLabel(self)
        self._label.setObjectName("rawTruncationLabel")
        self._label.setTextFormat(Qt.TextFormat.PlainText)
        self._more_button = QPushButton("Show more", self)
        self._more_button.setObjectName("rawShowMoreButton")
        self._more_button.clicked.connect(self.on_more_button_clicked)
        self._all_button = QPushButton("Show all", self)
        self._all_button.setObjectName("rawShowAllButton")
        self._all_button.clicked.connect(self.on_all_button_clicked)
        # Jump anywhere in a big body: the text from that point, as much as at first.
        self.jump_spin = QSpinBox(self)
        self.jump_spin.setObjectName("rawJumpSpin")
        self.jump_spin.setRange(0, 100)
        self.jump_spin.setSuffix(" %")
        self.jump_spin.setAccessibleName("Where in the body to show from, in percent")
        self.jump_spin.setToolTip("Where in the body to show from (Enter jumps)")
        self.jump_spin.lineEdit().returnPressed.connect(self.jump)  # type: ignore[union-attr]
        self._jump_button = QPushButton("Jump", self)
        self._jump_button.setObjectName("rawJumpButton")
        self._jump_button.setToolTip("Show the body from that point on")
        self._jump_button.clicked.connect(self.jump)

        self._bar = QWidget(self)
        self._bar.setObjectName("rawTruncationBar")
        bar_layout = QHBoxLayout(self._bar)
        bar_layout.setContentsMargins(4, 2, 4, 2)
        bar_layout.addWidget(self._label, 1)
        bar_layout.addWidget(self._more_button)
        bar_layout.addWidget(self._all_button)
        bar_layout.addWidget(self.jump_spin)
        bar_layout.addWidget(self._jump_button)
        self._bar.setVisible(False)

        self.pretty_check = QCheckBox("Pretty", self)
        self.pretty_check.setObjectName("prettyRawToggle")
        self.pretty_check.setToolTip(
            "Show the JSON indented; off, Raw shows the body exactly as it was received"
        )
        self.pretty_check.toggled.connect(self.on_pretty_check_toggled)
        self._top = QWidget(self)
        top_layout = QHBoxLayout(self._top)
        top_layout.setContentsMargins(4, 2, 4, 2)
        top_layout.addWidget(self.pretty_check)
        top_layout.addStretch(1)
        self._top.setVisible(False)
        self._raw_source: TextSource | None = None
        self._pretty_source: TextSource | None = None
        self._seek: SeekSource | None = None
        self._size = 0  # the body's bytes, with a seek source
        self._from = 0  # the byte the raw text shown starts at

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._top)
        layout.addWidget(self._text, 1)
        layout.addWidget(self._bar)
        self.binary_view = BinaryView(self)
        self.binary_view.setObjectName("binaryView")
        self.binary_view.setVisible(False)
        layout.addWidget(self.binary_view, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.on_timer_timeout)

        # The text not shown yet: the rest of the current piece, then the iterator.
        self._chunks: Iterator[str] | None = None
        self._piece = ""
        self._offset = 0
        self._shown = 0
        self._total_hint = ""
        # Text to show once the view is on screen (show_text_chunks while hidden).
        self._pending: tuple[Iterator[str], str] | None = None

    def text_widget(self) -> QPlainTextEdit:
        """The text editor, for find, selection and tests (with the text it is to show)."""
        self._show_pending()
        return self._text

    def showEvent(self, event: QShowEvent) -> None:
        self._show_pending()
        super().showEvent(event)

    def _show_pending(self) -> None:
        if self._pending is not None:
            chunks, total_hint = self._pending
            self._pending = None
            self._show_now(chunks, total_hint)

    def show_body(
        self,
        raw: TextSource,
        total_hint: str,
        pretty: TextSource | None = None,
        *,
        seek: SeekSource | None = None,
        size: int = 0,
    ) -> None:
        """Show the body's text from ``raw``; with ``pretty`` (JSON), offer the "Pretty"
        toggle, which keeps its state from one response to the next; with ``seek`` (and
        the body's ``size`` in bytes), jumping anywhere in the raw text."""
        self._raw_source, self._pretty_source = raw, pretty
        self._seek, self._size, self._from = seek, size, 0
        self._top.setVisible(pretty is not None)
        self._show_source(total_hint)

    def _show_source(self, total_hint: str) -> None:
        source = self._raw_source
        if self._pretty_source is not None and self.pretty_check.isChecked():
            source = self._pretty_source
        if source is not None:
            self.show_text_chunks(source(), total_hint)

    def on_pretty_check_toggled(self, _checked: bool) -> None:
        if self._pretty_source is not None:
            self._from = 0
            self._show_source(self._total_hint)

    def _can_jump(self) -> bool:
        pretty = self._pretty_source is not None and self.pretty_check.isChecked()
        return self._seek is not None and not pretty and self._size > FIRST_CHARS

    def jump(self) -> None:
        """Show the raw text from the point the spin box names (a percentage of the body)."""
        if not self._can_jump():
            return
        assert self._seek is not None
        self._from = self._size * self.jump_spin.value() // 100
        total = self._total_hint
        self._pending = None
        self._show_now(self._seek(self._from), total)

    def show_binary(self, body: bytes, content_type: str) -> None:
        """Show a body that is not text: its kind, size, image and a paged hex dump."""
        self.clear()
        self._text.setVisible(False)
        self.binary_view.show_body(body, content_type)
        self.binary_view.setVisible(True)

    def _show_text_page(self) -> None:
        if not self.binary_view.isHidden():
            self.binary_view.setVisible(False)
            self.binary_view.clear()
            self._text.setVisible(True)

    def clear(self) -> None:
        """Show nothing."""
        self._pending = None
        self._seek, self._size, self._from = None, 0, 0
        self._show_text_page()
        self._raw_source = self._pretty_source = None
        if not self._top.isHidden():
            self._top.setVisible(False)
        self._reset()
        if not self._text.document().isEmpty():
            self._text.clear()

    def show_text_chunks(self, chunks: Iterator[str], total_hint: str) -> None:
        """Show the first ``FIRST_CHARS`` characters of the text ``chunks`` yields.

        Pieces may have any size; one piece holding a whole 50 MB text is fine.
        ``total_hint`` is the size of the whole for the bar, e.g. ``"48.3 MB"``.
        """
        if self.isVisible():
            self._pending = None
            self._show_now(chunks, total_hint)
            return
        # Behind another tab: laying out the first 256 KB took 35 ms of the window's time
        # with every response; it is done when the Raw tab is opened (or the text is asked
        # for). The old text goes now, so nothing stale is ever shown.
        self._reset()
        self._show_text_page()
        if not self._text.document().isEmpty():
            self._text.clear()
        self._pending = (chunks, total_hint)

    def _show_now(self, chunks: Iterator[str], total_hint: str) -> None:
        self._reset()
        self._show_text_page()
        self._chunks = chunks
        self._total_hint = total_hint
        text = self._fit(self._take(FIRST_CHARS))
        self._text.setPlainText(text)
        self._shown = len(text)
        self._update_bar()

    def has_more(self) -> bool:
        """Whether part of the text is not shown yet."""
        self._show_pending()
        if self._cut or self._offset < len(self._piece):
            return True
        while self._chunks is not None:
            piece = next(self._chunks, None)
            if piece is None:
                self._chunks = None
            elif piece:
                self._piece, self._offset = piece, 0
                return True
        return False

    def can_show_more(self) -> bool:
        """Whether "Show more" and "Show all" have something to add (not past a cut line)."""
        return not self._cut and self.has_more()

    def show_more(self) -> None:
        """Append the next ``MORE_CHARS`` characters."""
        self._append(MORE_CHARS)
        self._update_bar()

    def show_all(self) -> None:
        """Append everything that is left, a step per event-loop turn."""
        if self.can_show_more():
            self._more_button.setEnabled(False)
            self._all_button.setEnabled(False)
            self._timer.start()

    def on_more_button_clicked(self) -> None:
        self.show_more()

    def on_all_button_clicked(self) -> None:
        self.show_all()

    def on_timer_timeout(self) -> None:
        self._append(MORE_CHARS)
        if not self.can_show_more():
            self._timer.stop()
        self._update_bar()

    # -- internals --------------------------------------------------------------------

    def _reset(self) -> None:
        self._timer.stop()
        self._chunks = None
        self._piece = ""
        self._offset = 0
        self._shown = 0
        self._line = 0  # characters of the last line shown so far
        self._cut = False  # a line reached LINE_CHARS: nothing more is appended
        self._total_hint = ""
        self._more_button.setEnabled(True)
        self._all_button.setEnabled(True)
        self._bar.setVisible(False)

    def _take(self, limit: int) -> str:
        """Up to ``limit`` characters of the text not shown yet."""
        parts: list[str] = []
        needed = limit
        while needed > 0 and self.has_more():
            end = min(len(self._piece), self._offset + needed)
            if self._offset == 0 and end == len(self._piece):
                parts.append(self._piece)
            else:
                parts.append(self._piece[self._offset : end])
            needed -= end - self._offset
            self._offset = end
        text = "".join(parts)
        if text.endswith("\r") and self.has_more():
            # Qt reads "\r" and "\n" in separate inserts as two line breaks: keep the pair
            # together. If has_more() just moved on to the next piece, the "\r" goes in
            # front of it; otherwise step back over it.
            text = text[:-1]
            if self._offset == 0:
                self._piece = "\r" + self._piece
            else:
                self._offset -= 1
        return text

    def _fit(self, text: str) -> str:
        """``text`` up to where one of its lines (the first continuing the last line shown)
        would pass ``LINE_CHARS``; past that point the view is cut (``_cut``)."""
        room = LINE_CHARS - self._line
        first = _BREAK.search(text)
        first_end = first.start() if first is not None else len(text)
        if first_end > room:
            cut = room
        else:
            long_line = _LONG_LINE.search(text, first_end)
            if long_line is None:
                last = max(text.rfind("\n"), text.rfind("\r"))
                self._line = self._line + len(text) if last < 0 else len(text) - last - 1
                # A line that fills the limit and goes on is cut now, not at "Show more".
                if self._line == LINE_CHARS and self.has_more():
                    self._cut = self._piece[self._offset] not in "\r\n"
                return text
            cut = long_line.start() + LINE_CHARS
        self._cut = True
        self._line = LINE_CHARS
        return text[:cut]

    def _append(self, limit: int) -> None:
        if self._cut:
            return
        text = self._fit(self._take(limit))
        if not text:
            return
        cursor = QTextCursor(self._text.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        self._shown += len(text)

    def _update_bar(self) -> None:
        more = self.has_more()
        jump = self._can_jump()
        self._more_button.setVisible(more and not self._cut)
        self._all_button.setVisible(more and not self._cut)
        self.jump_spin.setVisible(jump)
        self._jump_button.setVisible(jump)
        if not more and not jump:
            self._bar.setVisible(False)
            return
        shown = describe_size(self._shown)
        if self._timer.isActive():
            self._label.setText(f"Loading… {shown} of {self._total_hint} shown.")
        elif self._cut:
            instead = (
                " Pretty shows the JSON whole."
                if self._pretty_source is not None and not self.pretty_check.isChecked()
                else ""
            )
            if jump:
                instead += " Jump to go further."
            self._label.setText(
                f"Showing {shown} of {self._total_hint}: a line of it is longer than "
                f"{describe_size(LINE_CHARS)}, more than Raw lays out without freezing the "
                f"window, so the rest is not shown.{instead}"
            )
        elif self._from:
            percent = self._from * 100 // self._size if self._size else 0
            self._label.setText(
                f"Showing {shown} from byte {self._from:,} ({percent}%) of {self._total_hint}."
            )
        elif more:
            self._label.setText(f"Showing the first {shown} of {self._total_hint}.")
        else:
            self._label.setText(f"Showing all {self._total_hint}.")
        self._bar.setVisible(True)

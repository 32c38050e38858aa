"""The raw view shows the start of a huge body at once and the rest only on request."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QWidget

from app.core.display_text import describe_size
from app.core.json_doc import iter_pretty, parse_json_exact
from app.ui.raw_view import FIRST_CHARS, LINE_CHARS, MORE_CHARS, RawView


@pytest.fixture
def raw_view(qtbot: Any) -> RawView:
    view = RawView()
    qtbot.addWidget(view)
    view.show()  # on screen, as the Raw tab is when the user reads it
    return view


def _bar(view: RawView) -> QWidget:
    bar = view.findChild(QWidget, "rawTruncationBar")
    assert bar is not None
    return bar


def _button(view: RawView, name: str) -> QPushButton:
    button = view.findChild(QPushButton, name)
    assert button is not None
    return button


def _label_text(view: RawView) -> str:
    label = view.findChild(QLabel, "rawTruncationLabel")
    assert label is not None
    return label.text()


def _bar_shown(view: RawView) -> bool:
    return _bar(view).isVisibleTo(view)


def _shown_text(view: RawView) -> str:
    return view.text_widget().toPlainText()


@pytest.fixture(scope="module")
def big_body() -> str:
    items = [
        {"id": i, "price": {"amount": "10.12", "currency": "EUR"}, "rate": 1.10, "note": "x" * 40}
        for i in range(45_000)
    ]
    body = json.dumps({"items": items, "_metadata": {"total": len(items)}}, indent=1)
    body = body.replace('"rate": 1.1,', '"rate": 1.10,')  # as a server might write it
    assert len(body) > 5 * 1024 * 1024
    return body


def test_the_text_widget_is_a_named_read_only_editor(raw_view: RawView) -> None:
    editor = raw_view.text_widget()

    assert isinstance(editor, QPlainTextEdit)
    assert editor.objectName() == "rawText"
    assert editor.isReadOnly()
    assert not editor.isUndoRedoEnabled()
    assert editor.lineWrapMode() == QPlainTextEdit.LineWrapMode.NoWrap


def test_a_small_document_is_shown_whole_without_a_bar(raw_view: RawView) -> None:
    document = parse_json_exact('{"amount": 1.10, "items": [1, 2]}')

    raw_view.show_text_chunks(iter_pretty(document), "33 bytes")

    assert _shown_text(raw_view) == '{\n  "amount": 1.10,\n  "items": [\n    1,\n    2\n  ]\n}'
    assert not _bar_shown(raw_view)
    assert not raw_view.has_more()


def test_a_text_that_exactly_fills_the_first_part_has_no_bar(raw_view: RawView) -> None:
    text = ("a" * 1023 + "\n") * (FIRST_CHARS // 1024)
    raw_view.show_text_chunks(iter([text]), "256 KB")

    assert len(_shown_text(raw_view)) == FIRST_CHARS
    assert not _bar_shown(raw_view)


def test_a_5_mb_document_shows_only_its_start_and_says_so(raw_view: RawView, big_body: str) -> None:
    raw_view.show_text_chunks(iter_pretty(parse_json_exact(big_body)), "5.6 MB")

    shown = _shown_text(raw_view)
    assert len(shown) == FIRST_CHARS
    assert shown.startswith('{\n  "items": [\n    {\n      "id": 0,')
    assert '"rate": 1.10' in shown
    assert _bar_shown(raw_view)
    assert _label_text(raw_view) == "Showing the first 256 KB of 5.6 MB."


def test_show_more_appends_the_next_megabyte(raw_view: RawView, big_body: str) -> None:
    pretty = "".join(iter_pretty(parse_json_exact(big_body)))
    raw_view.show_text_chunks(iter_pretty(parse_json_exact(big_body)), "5.6 MB")

    _button(raw_view, "rawShowMoreButton").click()

    assert _shown_text(raw_view) == pretty[: FIRST_CHARS + MORE_CHARS]
    assert _label_text(raw_view) == "Showing the first 1.25 MB of 5.6 MB."
    assert _bar_shown(raw_view)


def test_show_all_loads_the_rest_step_by_step(raw_view: RawView, big_body: str, qtbot: Any) -> None:
    pretty = "".join(iter_pretty(parse_json_exact(big_body)))
    raw_view.show_text_chunks(iter_pretty(parse_json_exact(big_body)), "5.6 MB")
    steps: list[int] = []
    raw_view.text_widget().document().contentsChanged.connect(
        lambda: steps.append(len(_shown_text(raw_view)))
    )

    _button(raw_view, "rawShowAllButton").click()

    assert not _button(raw_view, "rawShowMoreButton").isEnabled()
    qtbot.waitUntil(lambda: not _bar_shown(raw_view), timeout=20_000)
    assert _shown_text(raw_view) == pretty
    assert len(steps) >= len(pretty) // MORE_CHARS
    assert not raw_view.has_more()


def test_one_huge_piece_is_split_too(raw_view: RawView) -> None:
    text = "line\n" * 500_000

    raw_view.show_text_chunks(iter([text]), describe_size(len(text)))

    assert _shown_text(raw_view) == text[:FIRST_CHARS]
    assert _label_text(raw_view) == "Showing the first 256 KB of 2.38 MB."


def test_a_crlf_pair_split_between_pieces_stays_one_line_break(raw_view: RawView) -> None:
    lines = ("a" * 1023 + "\n") * (FIRST_CHARS // 1024 - 1) + "a" * 1023
    pieces = [lines + "\r", "\nsecond\r", "\nthird"]  # the "\r" ends the first part

    raw_view.show_text_chunks(iter(pieces), "256 KB")
    raw_view.show_more()

    assert _shown_text(raw_view) == lines + "\nsecond\nthird"
    assert raw_view.text_widget().document().blockCount() == FIRST_CHARS // 1024 + 2


def test_the_iterator_is_read_only_as_far_as_shown(raw_view: RawView) -> None:
    pulled = 0

    def pieces() -> Iterator[str]:
        nonlocal pulled
        for _ in range(1000):
            pulled += 1
            yield ("x" * 1023 + "\n") * 64

    raw_view.show_text_chunks(pieces(), "62.5 MB")

    assert pulled == FIRST_CHARS // (64 * 1024) + 1


def test_small_text_and_clear_drop_the_bar(raw_view: RawView, big_body: str) -> None:
    raw_view.show_text_chunks(iter([big_body]), "5.6 MB")

    raw_view.show_text_chunks(iter(["plain text"]), "10 bytes")
    assert _shown_text(raw_view) == "plain text"
    assert not _bar_shown(raw_view)

    raw_view.show_text_chunks(iter([big_body]), "5.6 MB")
    raw_view.clear()
    assert _shown_text(raw_view) == ""
    assert not _bar_shown(raw_view)
    assert not raw_view.has_more()


def test_clearing_an_empty_view_leaves_the_text_alone(raw_view: RawView) -> None:
    # Every send clears the view; clearing an empty editor still lays it out again.
    changes: list[None] = []
    raw_view.text_widget().document().contentsChanged.connect(lambda: changes.append(None))
    raw_view.clear()
    assert changes == []
    raw_view.show_text_chunks(iter(["plain text"]), "10 bytes")
    raw_view.clear()
    assert len(changes) == 2 and _shown_text(raw_view) == ""


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"),
        (1023, "1023 bytes"),
        (256 * 1024, "256 KB"),
        (50_640_000, "48.3 MB"),
        (1_024_000, "1000 KB"),
        (3 << 30, "3 GB"),
    ],
)
def test_describe_size(size: int, text: str) -> None:
    assert describe_size(size) == text


def test_hidden_it_lays_out_nothing_until_shown_or_asked(qtbot: Any) -> None:
    view = RawView()
    qtbot.addWidget(view)
    read: list[int] = []

    def chunks() -> Iterator[str]:
        read.append(1)
        yield '{"a": 1.10}'

    view.show_text_chunks(chunks(), "11 bytes")
    edit = view.findChild(QPlainTextEdit, "rawText")
    assert edit is not None and edit.toPlainText() == "" and read == []  # behind another tab
    view.show()
    assert edit.toPlainText() == '{"a": 1.10}' and read == [1]
    view.hide()
    view.show_text_chunks(iter(["second"]), "6 bytes")
    assert edit.toPlainText() == ""  # the old text never shows for the new response
    assert view.text_widget().toPlainText() == "second"  # Find and selection get it


def test_jumping_shows_the_raw_text_from_any_point_of_a_big_body(raw_view: RawView) -> None:
    from app.core.response import ResponseData

    line = "é" * 49 + "\n"  # 99 bytes of UTF-8: a jump lands inside a character
    body = (line * 20_000).encode()
    response = ResponseData(200, "OK", (("Content-Type", "text/plain"),), body, 1.0)
    raw_view.show_body(response.iter_text, "1.9 MB", seek=response.iter_text, size=len(body))
    spin = raw_view.findChild(QWidget, "rawJumpSpin")
    assert spin is not None and spin.isVisible()
    raw_view.jump_spin.setValue(50)
    raw_view.findChild(QPushButton, "rawJumpButton").click()  # type: ignore[union-attr]
    shown = raw_view.text_widget().toPlainText()
    assert shown and set(shown) <= {"é", "\n"}  # whole characters, nothing replaced
    assert len(shown) == FIRST_CHARS  # as much as at first
    assert _label_text(raw_view).startswith("Showing 256 KB from byte 990,00")
    assert "(50%) of 1.9 MB" in _label_text(raw_view)
    raw_view.jump_spin.setValue(100)
    raw_view.jump()
    assert raw_view.text_widget().toPlainText() == ""  # the end: nothing after it
    raw_view.jump_spin.setValue(0)
    raw_view.jump()
    assert raw_view.text_widget().toPlainText().startswith("é" * 49 + "\n")
    assert _label_text(raw_view).startswith("Showing the first 256 KB")


def test_pretty_text_and_small_bodies_offer_no_jump(raw_view: RawView) -> None:
    from app.core.response import ResponseData

    small = ResponseData(200, "OK", (), b'{"a": 1}', 1.0)
    raw_view.show_body(small.iter_text, "8 bytes", seek=small.iter_text, size=8)
    assert raw_view.jump_spin.isHidden()
    body = b"[" + b",".join(b"1.10" for _ in range(100_000)) + b"]"
    big = ResponseData(200, "OK", (), body, 1.0)
    raw_view.show_body(
        big.iter_text, "488 KB", lambda: iter(["[\n  1.10"]), seek=big.iter_text, size=len(body)
    )
    assert not raw_view.jump_spin.isHidden()
    raw_view.pretty_check.setChecked(True)
    assert raw_view.jump_spin.isHidden()  # pretty text is made as it is read: no jumping
    raw_view.pretty_check.setChecked(False)


def test_a_line_longer_than_raw_lays_out_is_cut_and_the_bar_says_why(
    raw_view: RawView, qtbot: Any
) -> None:
    # A minified body is one line: laying out more of it froze the window (0.9 s for one
    # "Show more" at 2 MB, 12 s for "Show all" of 8 MB).
    text = '{"items": [' + ", ".join(['{"id": 1, "name": "x"}'] * 100_000) + "]}"
    raw_view.show_body(lambda: iter([text]), "2.2 MB", lambda: iter(["{\n  ..."]))

    assert _shown_text(raw_view) == text[:LINE_CHARS]
    assert raw_view.has_more() and not raw_view.can_show_more()
    assert not _button(raw_view, "rawShowMoreButton").isVisibleTo(raw_view)
    assert not _button(raw_view, "rawShowAllButton").isVisibleTo(raw_view)
    label = _label_text(raw_view)
    limit = describe_size(LINE_CHARS)
    assert label.startswith(f"Showing {limit} of 2.2 MB: a line of it is longer than {limit}")
    assert "Pretty shows the JSON whole." in label
    raw_view.show_more()
    raw_view.show_all()
    qtbot.wait(20)
    assert _shown_text(raw_view) == text[:LINE_CHARS]  # nothing was added to the line


def test_short_lines_show_on_until_a_long_one_which_is_cut_where_it_passes(
    raw_view: RawView,
) -> None:
    head = "short line\n" * 30_000  # 330,000 characters: past the first page
    text = head + "y" * (LINE_CHARS + 10) + "\nafter"
    raw_view.show_text_chunks(iter([text]), describe_size(len(text)))
    assert raw_view.can_show_more()  # the first page holds short lines only

    raw_view.show_more()
    assert _shown_text(raw_view) == head + "y" * LINE_CHARS
    assert not raw_view.can_show_more()
    assert f"longer than {describe_size(LINE_CHARS)}" in _label_text(raw_view)
    assert "Pretty" not in _label_text(raw_view)  # not JSON: nothing offered instead

    raw_view.show_text_chunks(iter(["a\nb"]), "3 bytes")  # the next body starts afresh
    assert _shown_text(raw_view) == "a\nb" and not raw_view.has_more()


def test_a_line_that_ends_exactly_at_the_limit_is_not_cut(raw_view: RawView) -> None:
    text = "z" * LINE_CHARS + "\n" + "tail\n" * 100_000
    raw_view.show_text_chunks(iter([text]), describe_size(len(text)))
    assert raw_view.can_show_more()
    raw_view.show_more()
    assert _shown_text(raw_view).startswith("z" * LINE_CHARS + "\ntail\n")


def test_lines_end_at_crlf_and_a_lone_cr_as_in_qt(raw_view: RawView) -> None:
    exact = "w" * LINE_CHARS + "\r\n" + "next\r\n" * 30_000
    raw_view.show_text_chunks(iter([exact]), describe_size(len(exact)))
    raw_view.show_more()
    assert raw_view.can_show_more() or not raw_view.has_more()  # not cut: no line too long
    assert "longer than" not in _label_text(raw_view)

    old_mac = "short\r" * 60_000  # 360,000 characters of 5-character lines
    raw_view.show_text_chunks(iter([old_mac]), describe_size(len(old_mac)))
    raw_view.show_more()
    assert "longer than" not in _label_text(raw_view)
    assert len(_shown_text(raw_view).splitlines()) == 60_000

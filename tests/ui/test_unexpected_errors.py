"""An exception escaping a slot becomes a sentence where the user looks, and the log."""

from __future__ import annotations

import logging
import sys
from typing import Any

import pytest
from PySide6.QtCore import QObject, Signal

from app.ui import unexpected_errors


class _Emitter(QObject):
    fired = Signal()


@pytest.mark.qt_no_exception_capture
def test_a_slot_that_raises_is_shown_as_a_sentence_and_logged(
    qapp: Any, caplog: pytest.LogCaptureFixture
) -> None:
    shown: list[str] = []
    previous = sys.excepthook
    uninstall = unexpected_errors.install(shown.append)
    emitter = _Emitter()

    def broken_slot() -> None:
        raise ValueError("the history file is locked")

    emitter.fired.connect(broken_slot)
    try:
        with caplog.at_level(logging.ERROR, logger="app.ui"):
            emitter.fired.emit()
    finally:
        uninstall()
    assert len(shown) == 1
    assert "the history file is locked" in shown[0] and "did not finish" in shown[0]
    assert "Traceback" not in shown[0]
    assert any(record.exc_info for record in caplog.records)  # the details went to the log
    assert sys.excepthook is previous


def test_an_exception_without_text_is_named() -> None:
    assert "KeyError" in unexpected_errors.describe_unexpected(KeyError())


def test_a_failing_display_never_raises_from_the_hook() -> None:
    def gone(_text: str) -> None:
        raise RuntimeError("the window was closed")

    uninstall = unexpected_errors.install(gone)
    try:
        sys.excepthook(ValueError, ValueError("x"), None)  # must not raise
    finally:
        uninstall()

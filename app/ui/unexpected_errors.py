"""No slot fails silently: an exception that escapes a Qt slot becomes a sentence on screen.

PySide6 hands an exception raised in a slot (or a timer callback) to ``sys.excepthook`` and
carries on. Left alone, that is a traceback on a stderr nobody reads and a click that did
nothing. ``install`` routes it to the log (with the traceback, for a bug report) and to
``show`` (one sentence, for the person at the window).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType

__all__ = ["describe_unexpected", "install"]

_log = logging.getLogger("app.ui")

_Hook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def describe_unexpected(exc: BaseException) -> str:
    """The sentence shown for an exception nobody expected."""
    detail = str(exc).strip() or type(exc).__name__
    return (
        f"Something went wrong and that action did not finish: {detail}. Your requests and "
        "edits are kept; try again, and if it happens again, please report it with this "
        "message (the details are in the log)."
    )


def install(show: Callable[[str], None]) -> Callable[[], None]:
    """Report every uncaught exception through ``show``; returns a function that puts the
    previous hook back. ``KeyboardInterrupt`` still goes to the previous hook."""
    previous: _Hook = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)
            return
        _log.error("uncaught exception in a slot", exc_info=(kind, exc, tb))
        try:
            show(describe_unexpected(exc))
        except Exception:  # the window may be gone; the log above has it all
            _log.exception("could not show an unexpected error")

    sys.excepthook = hook

    def uninstall() -> None:
        if sys.excepthook is hook:
            sys.excepthook = previous

    return uninstall

"""``api-explorer --self-test``: the real window sends one request to the demo API, then exits.

What ``make package`` runs in the built app, headless, to show that the build has everything
it needs at run time: Qt and its platform plugin, the sample collection and the icons (data
files a build can lose), httpx, and the assertion engine (regex, JSONPath). It works the same
from a source checkout, where ``tests/test_packaging_files.py`` runs it.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from app.resources import app_icon_files, sample_collection

if TYPE_CHECKING:
    from app.services.pipeline import Outcome

__all__ = ["TIMEOUT_SECONDS", "self_test"]

TIMEOUT_SECONDS = 30.0
"""The longest the whole self-test may take, from the start to the response's verdict."""

_DATA_FOLDER_ENV = "API_EXPLORER_HOME"


def self_test() -> int:
    """Open the window, send its first tab's request (the sample collection's "List payments")
    to the built-in demo API and wait for the response.

    Prints ``self-test: 200 OK in N ms`` and returns 0 when a 2xx response arrived and the
    request's assertions held; otherwise prints why on stderr and returns 1. Gives up after
    ``TIMEOUT_SECONDS``. Runs in a data folder of its own, deleted afterwards: the user's tabs,
    history and settings are neither read (they would replace the demo request) nor written.
    """
    deadline = time.monotonic() + TIMEOUT_SECONDS
    missing = _missing_resources()
    if missing:
        return _fail(f"this build lacks {missing}; the app would start without it.")
    with (
        tempfile.TemporaryDirectory(prefix="api-explorer-self-test-") as home,
        _data_folder(home),
    ):
        return _in_window(deadline)


def _missing_resources() -> str:
    """What the app reads at run time and cannot find ("" when nothing is missing)."""
    if not sample_collection().joinpath("collection.yaml").is_file():
        return "the sample collection (app/resources/sample-collection)"
    icons = [str(path) for path in app_icon_files() if not path.is_file()]
    return f"the app icon ({', '.join(icons)})" if icons else ""


@contextmanager
def _data_folder(folder: str) -> Iterator[None]:
    previous = os.environ.get(_DATA_FOLDER_ENV)
    os.environ[_DATA_FOLDER_ENV] = folder
    try:
        yield
    finally:
        if previous is None:
            del os.environ[_DATA_FOLDER_ENV]
        else:
            os.environ[_DATA_FOLDER_ENV] = previous


def _in_window(deadline: float) -> int:
    import qasync
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("API Explorer")
    # The loop must outlive the window until its requests are cleaned up (see DEVELOPERS.md).
    app.setQuitOnLastWindowClosed(False)
    verdict: str | None = qasync.run(_send_first_request(deadline))
    if verdict is None:
        return 0
    return _fail(verdict)


async def _send_first_request(deadline: float) -> str | None:
    """None when the request passed (its line is printed), else why it did not."""
    from app.application import create_main_window

    window = create_main_window(demo=True)
    try:
        window.show()
        tab = window.active_tab()
        if tab is None or tab.source is None:
            return "the window opened without the sample collection's first request."
        ended: asyncio.Future[Outcome | str] = asyncio.get_running_loop().create_future()

        def end(result: Outcome | str) -> None:
            if not ended.done():
                ended.set_result(result)

        window.sends.finished.connect(lambda _tab, outcome: end(outcome))
        window.sends.refused.connect(lambda _tab, refusal: end(f"not sent: {refusal.message}"))
        window.sends.cancelled.connect(lambda _tab: end("the request was cancelled."))
        window.send()
        remaining = deadline - time.monotonic()
        try:
            async with asyncio.timeout(max(remaining, 0.0)):
                result = await ended
        except TimeoutError:
            return f"no response from the demo API within {TIMEOUT_SECONDS:g} s."
    finally:
        window.close()
        await window.sends.aclose()
    return result if isinstance(result, str) else _verdict(result)


def _verdict(outcome: Outcome) -> str | None:
    exchange = outcome.exchange
    if exchange is None:
        return f"no response: {outcome.message}"
    response = exchange.response
    line = f"{response.status} {response.reason} in {response.elapsed_ms:.0f} ms"
    if not 200 <= response.status < 300:
        return f"the demo API answered {line}."
    failed = [result.describe() for result in outcome.assertions if not result.passed]
    if failed:
        return f"{line}, but an assertion failed: {'; '.join(failed)}"
    print(f"self-test: {line}")
    return None


def _fail(reason: str) -> int:
    print(f"self-test: failed: {reason}", file=sys.stderr)
    return 1

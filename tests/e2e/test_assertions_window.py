"""The Tests tab in the real window: a saved request's assertions checked on every send."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from app.core.assertions import Assertion
from app.ui.main_window import MainWindow
from tests.e2e.test_send_and_read import send


def _tests_title(window: MainWindow) -> str:
    tabs = window.builder.tabs
    return tabs.tabText(tabs.indexOf(window.builder.assertions))


def test_sample_request_assertions_pass_and_a_failing_one_is_shown(
    qtbot: Any, window: MainWindow
) -> None:
    window.sidebar.open_request(Path("payments/get-payment-10145.request.yaml"))
    assert _tests_title(window) == "Tests (4)"
    send(qtbot, window)
    assert _tests_title(window) == "Tests 4/4"
    results = window.builder.assertions.model.results()
    assert all(r is not None and r.passed for r in results)

    # The user adds one that cannot hold: the tab says so, with what arrived.
    tab = window.active_tab()
    assert tab is not None
    failing = Assertion.status(201)
    window.builder.load_request(replace(tab.current, assertions=(*tab.current.assertions, failing)))
    send(qtbot, window)
    assert _tests_title(window) == "Tests 4/5"
    last = window.builder.assertions.model.results()[-1]
    assert last is not None and not last.passed and last.actual == "200"


def test_results_follow_their_tab(qtbot: Any, window: MainWindow) -> None:
    window.sidebar.open_request(Path("payments/list-payments.request.yaml"))
    send(qtbot, window)
    assert _tests_title(window) == "Tests 5/5"
    window.new_tab()
    assert _tests_title(window) == "Tests"
    window.sidebar.open_request(Path("payments/list-payments.request.yaml"))
    assert _tests_title(window) == "Tests 5/5"

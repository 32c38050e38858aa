"""The environment bar names each environment once, and says which are protected."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.core.collection import Environment
from app.ui.environment_bar import EnvironmentBar


def test_protected_environments_are_marked_once(qtbot: QtBot) -> None:
    bar = EnvironmentBar()
    qtbot.addWidget(bar)
    bar.set_environments(
        (
            Environment("sandbox"),
            Environment("production", protected=True),
            Environment("demo (protected)", protected=True),
        ),
        "sandbox",
    )
    labels = [bar.combo.itemText(i) for i in range(bar.combo.count())]
    assert labels[1:] == ["sandbox", "production  (protected)", "demo (protected)"]
    assert bar.current() == "sandbox"

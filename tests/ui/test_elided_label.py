"""ElidedLabel: the whole text for code, an elided line on screen, never a wider window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.ui.elided_label import ElidedLabel


def test_a_long_text_is_elided_to_the_width_given_and_kept_whole(qtbot: QtBot) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    label = ElidedLabel(holder, Qt.TextElideMode.ElideLeft)
    QHBoxLayout(holder).addWidget(label)
    text = "https://api.example.com/" + "segment/" * 60 + "end"
    label.setText(text)
    holder.resize(300, 40)
    holder.show()
    qtbot.waitExposed(holder)
    assert label.text() == text
    assert label.minimumSizeHint().width() == 0
    assert holder.minimumSizeHint().width() < 300
    painted = super(ElidedLabel, label).text()  # what Qt paints
    assert painted.startswith("…") and painted.endswith("end")
    assert label.toolTip() == text


def test_a_short_text_is_shown_whole_without_a_tooltip(qtbot: QtBot) -> None:
    label = ElidedLabel()
    qtbot.addWidget(label)
    label.resize(400, 30)
    label.setText("Saved payments/list.request.yaml\n(second line)")
    assert label.text() == "Saved payments/list.request.yaml (second line)"
    assert super(ElidedLabel, label).text() == label.text()
    assert label.toolTip() == ""

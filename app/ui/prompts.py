"""The app's few modal questions, in one place so every one behaves the same."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

__all__ = ["ask_yes_no"]


def ask_yes_no(parent: QWidget, title: str, text: str) -> bool:
    """A yes/no question with No as the default: a stray Enter must never confirm."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes

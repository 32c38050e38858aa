"""The app's modal questions, in one place so every one behaves the same.

Widgets and services ask through the ``Prompts`` protocol they are given; ``DialogPrompts``
answers with real dialogs, tests with scripted answers (``tests/prompts.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QWidget

from app.services.prompts import Questions, UnsavedChoice

__all__ = ["DialogPrompts", "Prompts", "UnsavedChoice", "ask_yes_no"]


class Prompts(Questions, Protocol):
    """The services' questions plus what only a window asks."""

    def choose_folder(self, title: str, start: Path | None) -> Path | None:
        """A folder the user picked; ``None`` when cancelled."""
        ...

    def choose_save_path(self, title: str, suggested: str) -> Path | None:
        """Where to save a file (``suggested``: a file name or path); ``None`` when cancelled."""
        ...

    def choose_open_path(self, title: str, filters: str) -> Path | None:
        """An existing file to open (``filters`` as Qt writes them); ``None`` when cancelled."""
        ...

    def run_dialog(self, dialog: QDialog) -> bool:
        """Show ``dialog`` modally; True when accepted."""
        ...

    def warn(self, text: str) -> None:
        """Tell the user an action failed (``text`` says what to do)."""
        ...


def ask_yes_no(parent: QWidget | None, title: str, text: str) -> bool:
    """A yes/no question with No as the default: a stray Enter must never confirm."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class DialogPrompts:
    """``Prompts`` answered with Qt's standard dialogs over ``parent``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent

    def confirm(self, title: str, text: str) -> bool:
        return ask_yes_no(self.parent, title, text)

    def ask_text(self, title: str, label: str, default: str) -> str | None:
        text, ok = QInputDialog.getText(self.parent, title, label, text=default)
        return text.strip() if ok else None

    def choose(self, title: str, label: str, options: list[str], default: str) -> str | None:
        current = options.index(default) if default in options else 0
        item, ok = QInputDialog.getItem(self.parent, title, label, options, current, False)
        return item if ok else None

    def ask_unsaved(self, title: str) -> UnsavedChoice:
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.parent,
            "Unsaved changes",
            f'"{title}" has changes that are not saved. Save them before closing?',
            buttons.Save | buttons.Discard | buttons.Cancel,
            buttons.Save,
        )
        if answer == buttons.Save:
            return UnsavedChoice.SAVE
        if answer == buttons.Discard:
            return UnsavedChoice.DISCARD
        return UnsavedChoice.CANCEL

    def choose_folder(self, title: str, start: Path | None) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(self.parent, title, str(start or ""))
        return Path(chosen) if chosen else None

    def choose_save_path(self, title: str, suggested: str) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(self.parent, title, suggested)
        return Path(chosen) if chosen else None

    def choose_open_path(self, title: str, filters: str) -> Path | None:
        chosen, _ = QFileDialog.getOpenFileName(self.parent, title, "", filters)
        return Path(chosen) if chosen else None

    def run_dialog(self, dialog: QDialog) -> bool:
        return dialog.exec() == QDialog.DialogCode.Accepted

    def warn(self, text: str) -> None:
        QMessageBox.warning(self.parent, "API Explorer", text)

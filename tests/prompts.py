"""Scripted answers to the app's questions (``app.ui.prompts.Prompts``), for tests.

Each method pops the next answer queued for it and records what was asked; asking a question
no answer was queued for fails the test, so an unexpected dialog never goes unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QDialog

from app.services.prompts import UnsavedChoice


class ScriptedPrompts:
    """What the fake user answers, and what the app asked and said."""

    def __init__(self) -> None:
        self.texts: list[str | None] = []
        self.confirms: list[bool] = []
        self.unsaved: list[UnsavedChoice] = []
        self.choices: list[str | None] = []
        self.offered: list[tuple[str, list[str], str]] = []  # (title, options, default)
        self.folders: list[Path | None] = []
        self.save_paths: list[Path | None] = []
        self.open_paths: list[Path | None] = []
        # Each fills in the dialog it is given and says whether it was accepted.
        self.dialogs: list[Callable[[QDialog], bool]] = []
        self.asked: list[tuple[str, str, str]] = []
        self.questions: list[str] = []
        self.errors: list[str] = []

    def confirm(self, title: str, text: str) -> bool:
        self.questions.append(text)
        assert self.confirms, f"unexpected question: {title}: {text}"
        return self.confirms.pop(0)

    def ask_text(self, title: str, label: str, default: str) -> str | None:
        self.asked.append((title, label, default))
        assert self.texts, f"unexpected request for text: {title}"
        text = self.texts.pop(0)
        return text.strip() if text is not None else None

    def choose(self, title: str, label: str, options: list[str], default: str) -> str | None:
        self.offered.append((title, options, default))
        assert self.choices, f"unexpected choice: {title}: {options}"
        return self.choices.pop(0)

    def ask_unsaved(self, title: str) -> UnsavedChoice:
        self.questions.append(f"unsaved: {title}")
        assert self.unsaved, f"unexpected question about unsaved edits in {title}"
        return self.unsaved.pop(0)

    def choose_folder(self, title: str, start: Path | None) -> Path | None:
        assert self.folders, f"unexpected folder dialog: {title}"
        return self.folders.pop(0)

    def choose_save_path(self, title: str, suggested: str) -> Path | None:
        self.asked.append((title, "save", suggested))
        assert self.save_paths, f"unexpected save dialog: {title}"
        return self.save_paths.pop(0)

    def choose_open_path(self, title: str, filters: str) -> Path | None:
        self.asked.append((title, "open", filters))
        assert self.open_paths, f"unexpected open dialog: {title}"
        return self.open_paths.pop(0)

    def run_dialog(self, dialog: QDialog) -> bool:
        assert self.dialogs, f"unexpected dialog: {dialog.windowTitle()}"
        return self.dialogs.pop(0)(dialog)

    def warn(self, text: str) -> None:
        self.errors.append(text)

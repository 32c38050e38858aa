"""The questions services ask the user, as a protocol: the window answers them with dialogs
(``app.ui.prompts.DialogPrompts``), tests with scripted answers, the command line never asks.
"""

from __future__ import annotations

from enum import Enum
from typing import Protocol

__all__ = ["Questions", "UnsavedChoice"]


class UnsavedChoice(Enum):
    """Answers to "this tab has unsaved changes"."""

    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class Questions(Protocol):
    """Modal questions; each returns the safe answer when the user dismisses it."""

    def confirm(self, title: str, text: str) -> bool:
        """Yes or no, No by default: a stray Enter must never confirm."""
        ...

    def ask_text(self, title: str, label: str, default: str) -> str | None:
        """One line of text, stripped (``""`` if left empty: the caller says why that will
        not do); ``None`` when cancelled."""
        ...

    def choose(self, title: str, label: str, options: list[str], default: str) -> str | None:
        """One of ``options`` (``default`` preselected); ``None`` when cancelled."""
        ...

    def ask_unsaved(self, title: str) -> UnsavedChoice:
        """What to do with the unsaved edits of the tab called ``title``."""
        ...

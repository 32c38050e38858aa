"""The ranges and choices of the user's settings, in one place for the settings file's
validation and the controls that edit them."""

from __future__ import annotations

__all__ = [
    "HISTORY_MAX_ENTRIES",
    "HISTORY_MAX_MB",
    "RECENT_COLLECTIONS_KEPT",
    "RESPONSE_MAX_MB",
    "STREAM_ABOVE_MB",
    "THEMES",
    "TIMEOUT_SECONDS",
]

TIMEOUT_SECONDS = (0.5, 3600.0)
"""The request timeout's range, in seconds."""
HISTORY_MAX_ENTRIES = (1, 1_000_000)
"""How many history entries may be kept at most."""
HISTORY_MAX_MB = (1, 100_000)
"""How many megabytes history may take at most."""
RESPONSE_MAX_MB = (1, 4096)
"""The range of the largest response body kept, decoded, in megabytes."""
STREAM_ABOVE_MB = (1, 4096)
"""The range of the size past which a response body streams to a file, in megabytes."""
RECENT_COLLECTIONS_KEPT = 8
"""How many recent collections the Open menus offer."""
THEMES = ("system", "light", "dark")
"""The looks the app offers; "system" is the desktop's own."""

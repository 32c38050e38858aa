"""The history search box's language: free text plus ``method:``, ``status:`` and
``error:`` filters, e.g. ``payments method:POST status:4xx error:invalid_parameters``."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["HistoryQuery", "parse_history_query"]


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    """What to look for; ``text`` matches the URL, empty fields match everything."""

    text: str = ""
    method: str | None = None
    status: str | None = None
    error_code: str | None = None


def parse_history_query(query: str) -> HistoryQuery:
    words: list[str] = []
    method = status = error_code = None
    for word in query.split():
        key, sep, value = word.partition(":")
        key = key.lower()
        if sep and value and key == "method":
            method = value.upper()
        elif sep and value and key == "status":
            status = value.lower()
        elif sep and value and key in ("error", "code"):
            error_code = value
        else:
            words.append(word)
    return HistoryQuery(" ".join(words), method, status, error_code)

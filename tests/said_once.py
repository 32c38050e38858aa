"""Whether the response pane says each thing once (issue 11, defect 8): the status line, the
message line and the error panel's labels, compared sentence by sentence.

Three ways of saying the same thing twice are found:

- the same sentence (or the whole status line) in two places, compared normalised (case,
  punctuation and articles aside);
- three words in a row shared by two sentences of the message line and the panel, as in
  "check the HTTP method" in the mismatch warning and in the hint;
- one of a few ideas put in other words in two sentences: "no body" and "an empty body", a
  proxy and a gateway, checking the method.

The status line only counts whole (a hint explains the status, it does not repeat it).
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import QLabel

from app.ui.response_pane import ResponsePane

__all__ = ["pane_lines", "repetitions"]

_ARTICLES = frozenset({"the", "a", "an"})
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
_WORD = re.compile(r"[\w'-]+")

IDEAS: dict[str, re.Pattern[str]] = {
    "the body is empty": re.compile(r"\b(no|empty) body\b|\bbody is empty\b"),
    "a proxy or gateway answered": re.compile(r"\bproxy\b|\bgateway\b"),
    "check the HTTP method": re.compile(r"\bcheck the (http )?method\b"),
    "not an error object": re.compile(r"\bnot an error object\b"),
    "interim answer": re.compile(r"\binterim\b|\binformational\b"),
    "the request succeeded": re.compile(r"\bsucce(ss|eded|ssful)\b"),
}


def pane_lines(pane: ResponsePane) -> dict[str, str]:
    """The lines shown: ``statusLabel``, ``responseMessageLabel`` and each error panel
    label with text, by object name."""
    lines = {"statusLabel": pane.status_label.text()}
    if pane.message_label.text():
        lines["responseMessageLabel"] = pane.message_label.text()
    panel = pane.error_panel
    if not panel.isHidden():
        for label in panel.findChildren(QLabel):
            if label.text() and not label.isHidden() and label.objectName():
                lines[label.objectName()] = label.text()
    return lines


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _ARTICLES]


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def _trigrams(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def repetitions(lines: dict[str, str]) -> list[str]:
    """Each thing said twice among ``lines`` (object name -> text), as a sentence naming
    the two places; empty when every line says something of its own."""
    found: list[str] = []
    status = " ".join(_words(lines.get("statusLabel", "")))
    said: list[tuple[str, str, list[str]]] = []  # (line, sentence, its words)
    for name, text in lines.items():
        if name == "statusLabel":
            continue
        if status and " ".join(_words(text)) == status:
            found.append(f"{name} repeats the status line: {text!r}")
        for sentence in _sentences(text):
            words = _words(sentence)
            if status and " ".join(words) == status and len(_sentences(text)) > 1:
                found.append(f"{name} repeats the status line: {sentence!r}")
            said.append((name, sentence, words))
    for i, (name, sentence, words) in enumerate(said):
        for other_name, other, other_words in said[i + 1 :]:
            if words and words == other_words:
                found.append(f"{name} and {other_name} both say {sentence!r}")
                continue
            shared = _trigrams(words) & _trigrams(other_words)
            if shared:
                phrase = " ".join(sorted(shared)[0])
                found.append(
                    f'{name} ({sentence!r}) and {other_name} ({other!r}) both say "{phrase}"'
                )
    found.extend(_ideas_twice(lines))
    return found


def _ideas_twice(lines: dict[str, str]) -> list[str]:
    """Each idea of ``IDEAS`` that two sentences put, in whatever words."""
    found: list[str] = []
    for idea, pattern in IDEAS.items():
        where = [
            f"{name} ({sentence!r})"
            for name, text in lines.items()
            if name != "statusLabel"
            for sentence in _sentences(text)
            if pattern.search(sentence.lower())
        ]
        if len(where) > 1:
            found.append(f'{" and ".join(where)} each say "{idea}"')
    return found

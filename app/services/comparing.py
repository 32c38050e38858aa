"""Two responses compared, JSON-aware (``app.core.json_diff``): a replay against what a
reproduction bundle recorded, two history entries, a response against a saved example.

A :class:`Comparison` holds both responses, the newer one redacted as history redacts (each
secret as its ``{{name}}`` marker, so a secret the server echoes is neither a difference nor
shown), and the bodies once parsed: :meth:`Comparison.diff` can be asked again with other
ignore patterns without reading 50 MB twice. Slow for big bodies: off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.core.collection import MAX_EXAMPLE_BODY_CHARS, ResponseExample
from app.core.request import KeyValue
from app.core.response import ResponseData
from app.storage.history import HistoryEntry

if TYPE_CHECKING:
    from app.core.json_diff import Diff

__all__ = [
    "REPLAY_IGNORED",
    "Comparison",
    "compare_entries",
    "compare_replay",
    "compare_responses",
    "compare_with_example",
    "example_of",
    "replay_diff",
]

REPLAY_IGNORED = ("header:paysera-correlation-id", "header:Set-Cookie", "header:Server-Timing")
"""Differ on every send by design: left out when responses are compared (with Date and
Content-Length, which ``app.core.json_diff`` leaves out itself)."""


def _redacted(response: ResponseData, secrets: Mapping[str, str]) -> ResponseData:
    from app.core.variables import redact, redact_bytes, redact_headers

    if not secrets:
        return response
    return ResponseData(
        response.status,
        redact(response.reason, secrets),
        redact_headers(response.headers, secrets),
        redact_bytes(response.body, secrets),
        response.elapsed_ms,
    )


@dataclass(slots=True)
class Comparison:
    """``before`` and ``after`` (already redacted), and their bodies once read."""

    before: ResponseData
    after: ResponseData
    _documents: tuple[object, object] | None = field(default=None, repr=False)

    def diff(self, ignore: Iterable[str] = ()) -> Diff:
        """How ``after`` differs from ``before``, leaving out :data:`REPLAY_IGNORED` and
        ``ignore``. ``ValueError`` (a sentence) for an ignore pattern it cannot read."""
        from app.core.json_diff import body_document, diff_exchanges

        if self._documents is None:
            self._documents = (body_document(self.before), body_document(self.after))
        return diff_exchanges(
            self.before,
            self.after,
            ignore=(*REPLAY_IGNORED, *ignore),
            documents=self._documents,
        )


def compare_responses(
    before: ResponseData, after: ResponseData, secrets: Mapping[str, str] | None = None
) -> Comparison:
    """``after`` (redacted of each of ``secrets``) against ``before``."""
    return Comparison(before, _redacted(after, secrets or {}))


def replay_diff(
    recorded: ResponseData,
    response: ResponseData,
    secrets: Mapping[str, str],
    ignore: Iterable[str] = (),
) -> Diff:
    """How ``response`` differs from the ``recorded`` one (see :class:`Comparison`)."""
    return compare_responses(recorded, response, secrets).diff(ignore)


def compare_entries(old: HistoryEntry, new: HistoryEntry) -> Comparison | str:
    """``new``'s response against ``old``'s; a sentence when one of them got none."""
    from app.services.history_records import recorded_exchange

    _, before = recorded_exchange(old)
    _, after = recorded_exchange(new)
    if before is None or after is None:
        missing = old if before is None else new
        return f"{missing.method} {missing.url} got no response: {missing.failure or 'none came'}."
    return Comparison(before, after)


def compare_replay(
    recorded: HistoryEntry, response: ResponseData, secrets: Mapping[str, str]
) -> Comparison | str:
    """A replay's ``response`` against the response a bundle ``recorded``; a sentence when
    it recorded none."""
    from app.services.history_records import recorded_exchange

    _, before = recorded_exchange(recorded)
    if before is None:
        return "The bundle recorded no response to compare with."
    return compare_responses(before, response, secrets)


# Headers an example never keeps: credentials, and what only one send had.
_NOT_KEPT_HEADERS = frozenset({"set-cookie", "authorization", "proxy-authorization"})


def example_of(
    response: ResponseData, name: str, secrets: Mapping[str, str]
) -> ResponseExample | str:
    """``response`` as an example to keep in the shared collection file: its text with each
    of ``secrets`` written ``{{name}}``, cookies left out; a sentence when it cannot be kept
    (a body too long for a collection file, or not text)."""
    from app.core.variables import redact, redact_headers, restore_placeholders

    text = response.text()
    if len(text) > MAX_EXAMPLE_BODY_CHARS:
        return (
            f"The body is {len(text):,} characters; an example keeps at most "
            f"{MAX_EXAMPLE_BODY_CHARS:,} (collection files stay small enough for git)."
        )
    if "\x00" in text:
        return "The body is binary; an example keeps text only."
    headers = tuple(
        KeyValue(header, restore_placeholders(value))
        for header, value in redact_headers(response.headers, secrets)
        if header.lower() not in _NOT_KEPT_HEADERS
    )
    body = restore_placeholders(redact(text, secrets))
    return ResponseExample(name.strip(), response.status, headers, body)


def compare_with_example(
    example: ResponseExample, response: ResponseData, secrets: Mapping[str, str]
) -> Comparison:
    """``response`` against a saved ``example``, each secret on both sides as ``{{name}}``
    (as the example keeps it)."""
    from app.core.variables import restore_placeholders

    before = ResponseData(
        example.status,
        "",
        tuple((h.name, h.value) for h in example.headers if h.enabled),
        example.body.encode("utf-8"),
        0.0,
    )
    after = _redacted(response, secrets)
    if secrets:
        after = ResponseData(
            after.status,
            after.reason,
            tuple((n, restore_placeholders(v)) for n, v in after.headers),
            restore_placeholders(after.body.decode("utf-8", "surrogateescape")).encode(
                "utf-8", "surrogateescape"
            ),
            after.elapsed_ms,
        )
    return Comparison(before, after)

"""What the app remembers per request, as JSON in the data folder: the filter expressions
typed over that request's responses and the patterns ignored when comparing them.

A request is known by its ``app.core.urls.request_key`` (``"GET {{base_url}}/payments"``).
None of this goes into the collection files, which a team shares: it is the user's own
(``request-memory.json``, readable only by them).

Bounds: ``FILTERS_KEPT`` filters per request (newest first), ``IGNORED_KEPT`` ignore patterns
per request, ``REQUESTS_KEPT`` requests (the least recently touched by ``remember_filter``
or ``set_ignored`` are forgotten first; the file keeps that order, so it holds across
restarts), and ``MAX_TEXT_CHARS`` characters in any key, filter or pattern (a longer one is
not remembered, nor is one that cannot be written as UTF-8, such as a lone surrogate). The
file is at most ``MAX_FILE_BYTES``: least recently touched requests are forgotten to keep it
so, too.

``RequestMemory.load`` never raises for what the file holds. A file larger than
``MAX_FILE_BYTES``, one that is not JSON, or one not shaped as the app writes it, is set
aside (``request-memory.json.damaged-<time>``) and nothing in it is used; a file with some
unusable entries is set aside too, and the rest of it is used. ``problem`` then says what
happened in a sentence. A file that cannot be read (``OSError``) is treated the same way.
Saving never raises either: a failure leaves what is remembered in memory and sets
``problem``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from app.core import json_strict
from app.storage.fs import atomic_write, set_aside

__all__ = [
    "FILTERS_KEPT",
    "IGNORED_KEPT",
    "MAX_FILE_BYTES",
    "MAX_TEXT_CHARS",
    "REQUESTS_KEPT",
    "RequestMemory",
]

FILTERS_KEPT = 20
IGNORED_KEPT = 100
REQUESTS_KEPT = 500
MAX_TEXT_CHARS = 2_000
MAX_FILE_BYTES = 4 * 1024 * 1024

_VERSION = 1
_DAMAGE_SHOWN = 3  # problems named in the notice; the rest are counted
# The file around its entries, whose sizes ``_encoded`` adds up with ",\n" after each: the
# last one has no comma, hence "0," and not "0".
_FRAME_BYTES = len(json.dumps({"version": _VERSION, "requests": [0]}, indent=2) + "\n") - len(
    "    0,\n"
)


@dataclass(frozen=True, slots=True)
class _Remembered:
    filters: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()


class RequestMemory:
    """Loads and saves ``request-memory.json``; a damaged file is set aside, reported, and
    what could be read from it is used.

    Every change is saved at once. Keys and values the bounds refuse are quietly not
    remembered: they come from what the user typed, and the caller shows them as typed.
    """

    FILE_NAME = "request-memory.json"

    def __init__(self, folder: Path) -> None:
        self.path = folder / self.FILE_NAME
        self.problem: str | None = None
        # Least recently touched first: the first ones are forgotten first.
        self._requests: dict[str, _Remembered] = {}
        self._save_failed = False

    def load(self) -> None:
        """Read the file, replacing what is remembered; a missing file means nothing is."""
        self.problem = None
        self._save_failed = False
        self._requests = {}
        try:
            with self.path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return
        except OSError as exc:
            self._set_aside(f"could not be read ({exc}), so none of it is used")
            return
        if len(data) > MAX_FILE_BYTES:
            self._set_aside(
                f"are larger than {MAX_FILE_BYTES // 1024 // 1024} MB, "
                "more than the app ever writes, so none of it is used"
            )
            return
        try:
            raw = json_strict.loads(data.decode("utf-8"))
        except ValueError as exc:  # UnicodeDecodeError is one too
            self._set_aside(f"could not be read ({exc}), so none of it is used")
            return
        requests, damage = _requests(raw)
        self._requests = requests
        if damage:
            self._set_aside(damage)

    def filters(self, key: str) -> tuple[str, ...]:
        """The filter expressions remembered for the request ``key``, newest first."""
        remembered = self._requests.get(key)
        return remembered.filters if remembered is not None else ()

    def ignored(self, key: str) -> tuple[str, ...]:
        """The ignore patterns remembered for the request ``key``, in the order set."""
        remembered = self._requests.get(key)
        return remembered.ignored if remembered is not None else ()

    def remember_filter(self, key: str, expression: str) -> None:
        """Put ``expression`` (stripped) first among ``key``'s filters, once, keeping at most
        ``FILTERS_KEPT``, and save. An empty or unusable expression or key changes nothing."""
        text = _text(expression)
        if text is None or _unusable(key) is not None:
            return
        remembered = self._requests.pop(key, _Remembered())
        filters = _kept((text, *remembered.filters), FILTERS_KEPT).values
        self._touch(key, replace(remembered, filters=filters))

    def set_ignored(self, key: str, patterns: Iterable[str]) -> None:
        """Remember ``patterns`` for ``key`` in place of the previous ones, and save.

        Each is stripped; empty, unusable and repeated ones are dropped, and the first
        ``IGNORED_KEPT`` of the rest are kept. None left forgets ``key``'s patterns. An
        unusable key changes nothing.
        """
        if isinstance(patterns, str):
            raise TypeError("patterns must be an iterable of patterns, not one string")
        if _unusable(key) is not None:
            return
        ignored = _kept(patterns, IGNORED_KEPT).values
        remembered = self._requests.pop(key, None)
        if remembered is None and not ignored:
            return  # nothing remembered, nothing to forget
        self._touch(key, replace(remembered or _Remembered(), ignored=ignored))

    def _touch(self, key: str, remembered: _Remembered) -> None:
        """``key`` becomes the most recently touched request (or is forgotten when it
        holds nothing); the least recent beyond ``REQUESTS_KEPT`` are dropped; save."""
        if remembered.filters or remembered.ignored:
            self._requests[key] = remembered
        while len(self._requests) > REQUESTS_KEPT:
            del self._requests[next(iter(self._requests))]
        self._save()

    def _save(self) -> None:
        data = self._encoded()
        try:
            atomic_write(self.path, data, private=True)
        except OSError as exc:
            self._save_failed = True
            self.problem = (
                f"Filters and ignore patterns could not be saved in {self.path} ({exc}); "
                "they are remembered only until the app closes."
            )
            return
        if self._save_failed:
            self._save_failed = False
            self.problem = None

    def _encoded(self) -> bytes:
        """The file's bytes, most recently touched first; the least recently touched
        requests are forgotten while the file would be larger than ``MAX_FILE_BYTES``."""
        keys = list(reversed(self._requests))
        entries = [
            {
                "key": key,
                "filters": self._requests[key].filters,
                "ignored": self._requests[key].ignored,
            }
            for key in keys
        ]
        # Sized entry by entry rather than by dumping the whole file once per forgotten
        # request: an entry takes its own dump in the file, each line indented two levels
        # (4 spaces) deeper, and ",\n" after it.
        budget = MAX_FILE_BYTES - _FRAME_BYTES
        count = 0
        for entry in entries:
            alone = json.dumps(entry, ensure_ascii=False, indent=2)
            budget -= len(alone.encode("utf-8")) + 4 * (alone.count("\n") + 1) + 2
            if budget < 0:
                break
            count += 1
        for forgotten in keys[count:]:
            del self._requests[forgotten]
        document = {"version": _VERSION, "requests": entries[:count]}
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def _set_aside(self, what: str) -> None:
        try:
            kept = f"The file was kept as {set_aside(self.path)}."
        except OSError as exc:
            kept = (
                f"It could not be set aside ({exc}) and is replaced when a filter or "
                "ignore pattern is next remembered."
            )
        self.problem = f"Remembered filters and ignore patterns in {self.path} {what}. {kept}"


def _unusable(value: object) -> str | None:
    """Why ``value`` cannot be remembered as it is, or ``None`` when it can."""
    if not isinstance(value, str):
        return "is not text"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # "\ud800" in JSON reads as a lone surrogate
        return "is not valid text"
    if len(value) > MAX_TEXT_CHARS:
        return f"is longer than {MAX_TEXT_CHARS:,} characters"
    if not value:
        return "is empty"
    return None


def _text(value: object) -> str | None:
    """``value`` stripped, when that can be remembered; else ``None``."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if _unusable(value) is None else None


@dataclass(frozen=True, slots=True)
class _Kept:
    values: tuple[str, ...]
    unusable: tuple[str, ...]  # a phrase for each value that could not be used
    over: int  # distinct usable values dropped past the limit


def _kept(values: Iterable[object], limit: int, what: str = "value") -> _Kept:
    """The first ``limit`` distinct usable ``values``, stripped, in order. Repeats are
    dropped quietly: nothing is lost with them."""
    kept: dict[str, None] = {}
    over: set[str] = set()
    unusable: list[str] = []
    for number, value in enumerate(values, 1):
        text = _text(value)
        if text is None:
            reason = _unusable(value.strip() if isinstance(value, str) else value)
            unusable.append(f"{what} {number} {reason}")
        elif len(kept) < limit or text in kept:
            kept.setdefault(text)
        else:
            over.add(text)
    return _Kept(tuple(kept), tuple(unusable), len(over))


class _Damaged(ValueError):
    """An entry of the file cannot be used at all; ``str()`` says why."""


def _requests(raw: object) -> tuple[dict[str, _Remembered], str | None]:
    """What a parsed file remembers (least recently touched first), and a phrase when some
    or all of it could not be used."""
    nothing = "so none of it is used"
    if not isinstance(raw, dict):
        return {}, f"are not what the app writes (not a JSON object), {nothing}"
    version = raw.get("version")
    if type(version) is not int or version != _VERSION:
        return {}, f"are in an unknown format, {nothing}"
    items = raw.get("requests")
    if not isinstance(items, list):
        return {}, f"are not what the app writes (no list of requests), {nothing}"
    newest_first: dict[str, _Remembered] = {}
    damage: list[str] = []
    for number, item in enumerate(items, 1):
        if len(newest_first) == REQUESTS_KEPT:
            damage.append(f"more than {REQUESTS_KEPT} requests, of which the newest are kept")
            break
        try:
            key, remembered = _request(item, number, damage)
        except _Damaged as exc:
            damage.append(f"request {number} {exc}")
            continue
        if key in newest_first:
            damage.append(f"request {number} repeats the key of an earlier one")
        elif remembered.filters or remembered.ignored:
            newest_first[key] = remembered
    requests = dict(reversed(newest_first.items()))
    if not damage:
        return requests, None
    shown = "; ".join(damage[:_DAMAGE_SHOWN])
    if len(damage) > _DAMAGE_SHOWN:
        shown += f"; and {len(damage) - _DAMAGE_SHOWN} more"
    return requests, f"are partly unusable ({shown}), so only the rest is used"


def _request(item: object, number: int, damage: list[str]) -> tuple[str, _Remembered]:
    """One entry of the file; ``_Damaged`` when it cannot be used at all. Unusable filters
    and patterns are left out of it, each with a phrase in ``damage``."""
    if not isinstance(item, dict):
        raise _Damaged("is not a JSON object")
    key = item.get("key")
    reason = _unusable(key)
    if reason is not None or not isinstance(key, str):
        raise _Damaged(f"has a key that {reason}")
    lists: dict[str, tuple[str, ...]] = {}
    for field, what, limit in (
        ("filters", "filter", FILTERS_KEPT),
        ("ignored", "ignore pattern", IGNORED_KEPT),
    ):
        values = item.get(field)
        if not isinstance(values, list):
            raise _Damaged(f"has no list of {field}")
        kept = _kept(values, limit, what)
        damage.extend(f"request {number}'s {phrase}" for phrase in kept.unusable)
        if kept.over:
            damage.append(f"request {number} has more than {limit} {what}s")
        lists[field] = kept.values
    return key, _Remembered(filters=lists["filters"], ignored=lists["ignored"])

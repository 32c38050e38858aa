"""URL arithmetic the request builder needs: joining a path to a base URL and keeping the
query string and the parameters table in step, both ways; and the key a request's
remembered filters and ignore patterns are kept under (``request_key``).

The query string is kept as the user typed it (percent-escapes included): the explorer
must send exactly what the user sees, and MAC signing later signs the raw query.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote, unquote_plus

from app.core.request import KeyValue

__all__ = [
    "has_query",
    "has_scheme",
    "join_url",
    "merge_disabled",
    "params_from_url",
    "request_key",
    "url_with_params",
    "url_with_query_param",
    "url_without_query",
]


def has_scheme(url: str) -> bool:
    """True when ``url`` is absolute (``http://...``), false for a path like ``/rest/v1``."""
    head = url.strip().split("/", 1)[0]
    return head.endswith(":") and head[:-1].replace("+", "").replace("-", "").isalnum()


def join_url(base: str, url: str) -> str:
    """The URL to send: ``url`` itself when absolute, else ``url`` appended to ``base``.

    Exactly one slash joins them, so ``https://h/rest/v1/`` + ``/payments`` and
    ``https://h/rest/v1`` + ``payments`` both give ``https://h/rest/v1/payments``.
    """
    url = url.strip()
    if has_scheme(url) or not base.strip():
        return url
    base = base.strip()
    if not url:
        return base
    if url.startswith(("?", "#")):
        return base + url
    return base.rstrip("/") + "/" + url.lstrip("/")


def _split_query(url: str) -> tuple[str, str, str]:
    """(everything before ``?``, the query, ``#fragment`` or ``""``)."""
    before_fragment, hash_sign, fragment = url.partition("#")
    head, _, query = before_fragment.partition("?")
    return head, query, hash_sign + fragment


def _query_segments(query: str) -> list[tuple[KeyValue, str]]:
    """Each ``name=value`` segment of a query as a row, with the raw text it came from."""
    rows = []
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        rows.append((KeyValue(name, value), part))
    return rows


def has_query(url: str) -> bool:
    """True when ``url`` has a ``?`` before any fragment, even with nothing after it."""
    return "?" in url.partition("#")[0]


def params_from_url(url: str) -> list[KeyValue]:
    """The query string of ``url`` as rows, in order, escapes kept as typed."""
    _, query, _ = _split_query(url)
    return [row for row, _ in _query_segments(query)]


def _encode(text: str, also: str) -> str:
    # Only what would change the query's structure is escaped, so typed escapes survive.
    for char in "&#" + also:
        text = text.replace(char, f"%{ord(char):02X}")
    return text.replace(" ", "%20")


def url_with_params(url: str, params: Sequence[KeyValue]) -> str:
    """``url`` with its query replaced by the enabled rows of ``params``.

    A row that is unchanged keeps the exact text it had in the URL (``flag=`` stays
    ``flag=``); a new or edited row is written with ``&``, ``#`` and spaces escaped (and
    ``=`` in names), so one row is always one parameter.
    """
    head, query, fragment = _split_query(url)
    unused = _query_segments(query)
    parts = []
    for param in params:
        if not (param.enabled and param.name):
            continue
        bare = KeyValue(param.name, param.value)
        match = next((i for i, (row, _) in enumerate(unused) if row == bare), None)
        if match is not None:
            parts.append(unused.pop(match)[1])
            continue
        name = _encode(param.name, "=")
        parts.append(f"{name}={_encode(param.value, '')}" if param.value else name)
    query = "&".join(parts)
    return head + ("?" + query if query else "") + fragment


def url_with_query_param(url: str, name: str, value: str) -> str:
    """``url`` with ``name=value`` last in its query, replacing every parameter of that name.

    Unlike ``url_with_params``, name and value are fully percent-encoded: they come from a
    setting (an API key), not from text the user typed into the query. Every other byte of
    the URL stays as it was, empty segments (``a=1&&b=2``) included.
    """
    head, query, fragment = _split_query(url)
    segments = query.split("&") if query else []
    kept = [part for part in segments if not part or unquote_plus(part.partition("=")[0]) != name]
    kept.append(f"{quote(name, safe='')}={quote(value, safe='')}")
    return f"{head}?{'&'.join(kept)}{fragment}"


def merge_disabled(
    enabled: Sequence[KeyValue], previous: Sequence[KeyValue]
) -> tuple[KeyValue, ...]:
    """The rows after the URL was edited: ``enabled`` (read from the URL) with each
    disabled row of ``previous`` kept at the position it had."""
    rows = list(enabled)
    for index, row in enumerate(previous):
        if not row.enabled:
            rows.insert(min(index, len(rows)), row)
    return tuple(rows)


def url_without_query(url: str) -> str:
    """``url`` without its query string (the fragment, if any, is kept)."""
    head, _, fragment = _split_query(url)
    return head + fragment


def request_key(method: str, url: str) -> str:
    """The key what the app remembers about a request is kept under: ``"GET /rest/v1/p"``.

    The method is upper-cased; the URL loses its query string and fragment (so changing a
    parameter does not lose what was remembered) and, when it is absolute, its scheme and
    host: the same request sent to sandbox and to production (or to the demo API on another
    port after a restart) is one request. ``{{variables}}`` stay as written:
    ``{{base_url}}/payments/{{id}}`` is one key whatever the environment.
    """
    head, _, _ = _split_query(url.strip())
    head = head.strip()
    scheme, sep, rest = head.partition("://")
    if sep and scheme and "{{" not in scheme and "/" not in scheme:
        head = "/" + rest.partition("/")[2]
    return f"{method.strip().upper()} {head}"

"""URL arithmetic the request builder needs: joining a path to a base URL and keeping the
query string and the parameters table in step, both ways.

The query string is kept as the user typed it (percent-escapes included): the explorer
must send exactly what the user sees, and MAC signing later signs the raw query.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from app.core.request import KeyValue

__all__ = ["has_scheme", "join_url", "params_from_url", "url_with_params"]


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


def params_from_url(url: str) -> list[KeyValue]:
    """The query string of ``url`` as rows, in order, escapes kept as typed."""
    _, query, _ = _split_query(url)
    rows = []
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        rows.append(KeyValue(name, value))
    return rows


def url_with_params(url: str, params: list[KeyValue] | tuple[KeyValue, ...]) -> str:
    """``url`` with its query replaced by the enabled rows of ``params``."""
    head, _, fragment = _split_query(url)
    parts = [f"{p.name}={p.value}" if p.value else p.name for p in params if p.enabled and p.name]
    query = "&".join(parts)
    return head + ("?" + query if query else "") + fragment


def host_of(url: str) -> str:
    """The host part of an absolute URL, for messages (``""`` when there is none)."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""

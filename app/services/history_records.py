"""Turning a history entry back into what the response pane and the tabs understand."""

from __future__ import annotations

from app.core.collection import AuthKind, AuthSpec, SavedRequest
from app.core.prepare import PreparedRequest
from app.core.request import BodyMode, KeyValue
from app.core.response import ResponseData
from app.core.urls import params_from_url, url_without_query
from app.core.variables import restore_placeholders
from app.storage.history import HistoryEntry

__all__ = ["had_mac_signature", "recorded_exchange", "request_from_history"]

# Added by prepare_request; re-opening should not turn them into typed headers.
# Headers the app or httpx adds to every send: a reopened request gets them again by itself.
_AUTOMATIC = {
    "accept",
    "accept-encoding",
    "user-agent",
    "content-type",
    "host",
    "content-length",
}


def recorded_exchange(entry: HistoryEntry) -> tuple[PreparedRequest, ResponseData | None]:
    """The request as it was sent and the response (``None`` when none came)."""
    request = PreparedRequest(
        entry.method, entry.url, tuple(entry.request_headers), entry.request_body, 0.0
    )
    if entry.status is None:
        return request, None
    response = ResponseData(
        status=entry.status,
        reason=entry.reason,
        headers=tuple(entry.response_headers),
        body=entry.response_body,
        elapsed_ms=entry.elapsed_ms or 0.0,
        url=entry.url,
    )
    return request, response


def _is_mac_signature(name: str, value: str) -> bool:
    # A MAC signature is good for one send only (timestamp and nonce): never replay it.
    return name.lower() == "authorization" and value.lstrip().upper().startswith("MAC ")


def had_mac_signature(entry: HistoryEntry) -> bool:
    """True when the entry was signed with Paysera MAC (its signature is not re-opened)."""
    return any(_is_mac_signature(name, value) for name, value in entry.request_headers)


def _generated_by(auth: AuthSpec | None) -> tuple[set[str], set[str]]:
    """(header names, query parameter names) that ``auth`` added when it was sent."""
    if auth is None or auth.kind in (AuthKind.NONE, AuthKind.INHERIT):
        return set(), set()
    if auth.kind is AuthKind.API_KEY:
        name = auth.get("name")
        return (set(), {name}) if auth.get("in") == "query" else ({name.lower()}, set())
    return {"authorization"}, set()


def request_from_history(entry: HistoryEntry) -> SavedRequest:
    """A new unsaved request that sends what the entry sent; secret values, which history
    never holds, come back as their ``{{name}}`` placeholders.

    When the entry knows its auth, the request gets that auth back (with its
    ``{{variables}}``) instead of the header it generated, so a re-send signs afresh.
    """
    headers_by_auth, params_by_auth = _generated_by(entry.auth)
    url = restore_placeholders(entry.url)
    body = restore_placeholders(entry.request_body.decode("utf-8", errors="replace"))
    headers = tuple(
        KeyValue(name, restore_placeholders(value))
        for name, value in entry.request_headers
        if name.lower() not in _AUTOMATIC
        and name.lower() not in headers_by_auth
        and not _is_mac_signature(name, value)
    )
    content_type = next((v for k, v in entry.request_headers if k.lower() == "content-type"), "")
    mode = BodyMode.JSON if not body or "json" in content_type.lower() else BodyMode.RAW
    if content_type and "json" not in content_type.lower():
        headers = (*headers, KeyValue("Content-Type", content_type))
    auth = AuthSpec()
    if entry.auth is not None and entry.auth.kind is not AuthKind.INHERIT:
        auth = AuthSpec(
            entry.auth.kind, tuple((k, restore_placeholders(v)) for k, v in entry.auth.values)
        )
    return SavedRequest(
        name=f"{entry.method} {url_without_query(url)}"[:80],
        method=entry.method,
        url=url_without_query(url),
        params=tuple(p for p in params_from_url(url) if p.name not in params_by_auth),
        headers=headers,
        body=body,
        body_mode=mode,
        auth=auth,
    )

"""HAR 1.2 of recorded exchanges (history entries): the request as it was sent and what came
back, with every secret redacted, for a colleague, a bug report or a HAR viewer.

``to_har(entries, secrets)`` returns the HAR text. Each ``HarEntry`` is one exchange as the
history keeps it; from a history entry (``app.storage.history.HistoryEntry``) the caller
builds one with ``PreparedRequest(method, url, request_headers, request_body, timeout)``, the
status, reason, response headers and body, ``datetime.fromtimestamp(sent_at, UTC)`` and the
elapsed milliseconds (``status=None`` and ``failure`` for a request that got no response).

Redaction: every secret value in ``secrets`` (variable name -> value), and what a request
derived from them (the base64 token of Basic credentials, a MAC signature: see
``app.core.variables.derived_secrets``), is replaced by ``«secret:name»`` in URLs, headers,
bodies, cookies and query rows, in every form it takes there (percent-encoded,
JSON-escaped). History entries are redacted already; redacting again changes nothing.

Bodies: a body that decodes as text in its charset (UTF-8 unless its Content-Type names
another) and encodes back to the same bytes is written as text; any other body is written
as base64 with ``"encoding": "base64"`` (for request bodies too, a common extension of HAR
1.2, which ``app.formats.har`` reads back).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from urllib.parse import unquote_plus

from app.core.prepare import PreparedRequest
from app.core.variables import derived_secrets, redact, redact_bytes, redact_headers
from app.formats._common import charset_of

__all__ = ["HarEntry", "to_har"]

_NO_SECRETS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class HarEntry:
    """One exchange to export: ``request`` as it went on the wire, and the response
    (``status`` is ``None`` when none came; ``failure`` then says why). ``started`` is when
    it was sent (a naive time is taken as local time); ``elapsed_ms`` from send to the last
    byte of the response."""

    request: PreparedRequest
    status: int | None
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    started: datetime
    elapsed_ms: float | None
    http_version: str = "HTTP/1.1"
    failure: str = ""


def _header(headers: Iterable[tuple[str, str]], name: str) -> str:
    wanted = name.lower()
    return next((v for k, v in headers if k.lower() == wanted), "")


def _as_text(body: bytes, content_type: str) -> str | None:
    """``body`` as text when it round-trips exactly through its charset, else ``None``."""
    codec = charset_of(content_type)
    try:
        text = body.decode(codec)
        if "\x00" in text or text.encode(codec) != body:
            return None
    except (UnicodeError, LookupError):
        return None
    return text


def _content(body: bytes, content_type: str) -> dict[str, object]:
    text = _as_text(body, content_type)
    if text is None:
        return {"text": base64.b64encode(body).decode("ascii"), "encoding": "base64"}
    return {"text": text}


def _query_rows(url: str, secrets: Mapping[str, str]) -> list[dict[str, str]]:
    query = url.partition("#")[0].partition("?")[2]
    rows = []
    for part in query.split("&"):
        if part:
            name, _, value = part.partition("=")
            rows.append(
                {
                    "name": redact(unquote_plus(name), secrets),
                    "value": redact(unquote_plus(value), secrets),
                }
            )
    return rows


def _request_cookies(
    headers: Iterable[tuple[str, str]], secrets: Mapping[str, str]
) -> list[dict[str, str]]:
    cookies = []
    for name, value in headers:
        if name.lower() == "cookie":
            for pair in value.split(";"):
                if pair.strip():
                    key, _, val = pair.strip().partition("=")
                    cookies.append({"name": redact(key, secrets), "value": redact(val, secrets)})
    return cookies


def _response_cookies(
    headers: Iterable[tuple[str, str]], secrets: Mapping[str, str]
) -> list[dict[str, str]]:
    cookies = []
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, val = value.partition(";")[0].strip().partition("=")
            cookies.append({"name": redact(key, secrets), "value": redact(val, secrets)})
    return cookies


def _started(moment: datetime) -> str:
    aware = moment if moment.tzinfo is not None else moment.astimezone()
    return aware.isoformat(timespec="milliseconds")


def _entry(entry: HarEntry, given: Mapping[str, str]) -> dict[str, object]:
    sent = entry.request
    secrets = derived_secrets(sent.headers, given)
    headers = redact_headers(sent.headers, secrets)
    url = redact(sent.url, secrets)
    request: dict[str, object] = {
        "method": sent.method,
        "url": url,
        "httpVersion": entry.http_version,
        "cookies": _request_cookies(headers, secrets),
        "headers": [{"name": n, "value": v} for n, v in headers],
        "queryString": _query_rows(url, secrets),
        "headersSize": -1,
        "bodySize": len(sent.body),
    }
    if sent.body:
        content_type = _header(headers, "content-type")
        request["postData"] = {
            "mimeType": content_type,
            **_content(redact_bytes(sent.body, secrets), content_type),
        }
    elapsed = max(0.0, entry.elapsed_ms or 0.0)
    if entry.status is None:
        response: dict[str, object] = {
            "status": 0,
            "statusText": "",
            "httpVersion": "",
            "cookies": [],
            "headers": [],
            "content": {"size": 0, "mimeType": "x-unknown"},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
            "_error": redact(entry.failure, secrets),
        }
    else:
        response_headers = redact_headers(entry.headers, secrets)
        content_type = _header(response_headers, "content-type")
        body = redact_bytes(entry.body, secrets)
        response = {
            "status": entry.status,
            "statusText": redact(entry.reason, secrets),
            "httpVersion": entry.http_version,
            "cookies": _response_cookies(response_headers, secrets),
            "headers": [{"name": n, "value": v} for n, v in response_headers],
            "content": {
                "size": len(body),
                "mimeType": content_type or "x-unknown",
                **_content(body, content_type),
            },
            "redirectURL": _header(response_headers, "location"),
            "headersSize": -1,
            "bodySize": len(entry.body),
        }
    return {
        "startedDateTime": _started(entry.started),
        "time": elapsed,
        "request": request,
        "response": response,
        "cache": {},
        "timings": {
            "blocked": -1,
            "dns": -1,
            "connect": -1,
            "ssl": -1,
            "send": 0,
            "wait": elapsed,
            "receive": 0,
        },
    }


def to_har(
    entries: Iterable[HarEntry],
    secrets: Mapping[str, str] = _NO_SECRETS,
    *,
    creator_version: str = "",
) -> str:
    """HAR 1.2 text (JSON, UTF-8 when written) of ``entries`` in their order, every value in
    ``secrets`` (variable name -> value) redacted; ``creator_version`` names this app's
    version in the ``creator`` field."""
    log = {
        "version": "1.2",
        "creator": {"name": "API Explorer", "version": creator_version or "unknown"},
        "entries": [_entry(entry, secrets) for entry in entries],
    }
    return json.dumps({"log": log}, ensure_ascii=False, indent=2) + "\n"

"""Turning a history entry back into what the response pane and the tabs understand."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from app.core.collection import AuthKind, AuthSpec, SavedRequest
from app.core.prepare import FORM_CONTENT_TYPE, MULTIPART_CONTENT_TYPE, PreparedRequest
from app.core.request import BodyMode, FormField, KeyValue
from app.core.response import ResponseData
from app.core.urls import params_from_url, url_without_query
from app.core.variables import restore_placeholders
from app.http.body_files import SUMMARY_PATTERN, guess_content_type
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
    recorded = _recorded_body(entry.request_body, body, content_type)
    if recorded.content_type:
        headers = (*headers, KeyValue("Content-Type", recorded.content_type))
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
        body=recorded.body,
        body_mode=recorded.mode,
        auth=auth,
        form=recorded.form,
        graphql_variables=recorded.graphql_variables,
    )


@dataclass(frozen=True, slots=True)
class _Body:
    """A recorded body as the builder edits it; ``content_type`` is the header row the
    request needs (``""``: the app adds the right one by itself)."""

    mode: BodyMode
    body: str = ""
    form: tuple[FormField, ...] = ()
    graphql_variables: str = ""
    content_type: str = ""


def _recorded_body(data: bytes, text: str, content_type: str) -> _Body:
    """The body kind the recorded bytes were sent as: a multipart or urlencoded form, a
    GraphQL query, a file (history keeps its path, not its bytes), JSON, else raw text."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == MULTIPART_CONTENT_TYPE:
        fields = _multipart_fields(data, content_type)
        if fields is not None:
            return _Body(BodyMode.MULTIPART, form=fields)
    elif media_type == FORM_CONTENT_TYPE:
        pairs = parse_qsl(text, keep_blank_values=True)
        fields = tuple(FormField(name, value) for name, value in pairs)
        return _Body(BodyMode.FORM, form=fields)
    file = SUMMARY_PATTERN.fullmatch(text)
    if file is not None:
        path = file.group(1)
        own_type = "" if content_type == guess_content_type(path) else content_type
        return _Body(BodyMode.FILE, body=path, content_type=own_type)
    if not text or "json" in content_type.lower():
        graphql = _graphql(text)
        return graphql or _Body(BodyMode.JSON, body=text)
    return _Body(BodyMode.RAW, body=text, content_type=content_type)


def _graphql(text: str) -> _Body | None:
    """A GraphQL body exactly as ``app.core.prepare`` writes one, else ``None``."""
    if not text.startswith('{"query": '):
        return None
    try:
        document = json.loads(text)
    except ValueError:
        return None
    query = document.get("query") if isinstance(document, dict) else None
    if not isinstance(query, str) or set(document) != {"query", "variables"}:
        return None
    start = f'{{"query": {json.dumps(query, ensure_ascii=False)}, "variables": '
    if not text.startswith(start) or not text.endswith("}"):
        return None
    variables = text[len(start) : -1]
    return _Body(
        BodyMode.GRAPHQL, body=query, graphql_variables="" if variables == "{}" else variables
    )


_BOUNDARY = re.compile(r';\s*boundary="?([^";]+)"?', re.IGNORECASE)
_PARAM = re.compile(r';\s*(name|filename)="([^"]*)"')


def _unquoted(text: str) -> str:
    return text.replace("%22", '"').replace("%0D", "\r").replace("%0A", "\n")


def _multipart_fields(data: bytes, content_type: str) -> tuple[FormField, ...] | None:
    """The fields of a multipart form as ``app.http.body_files`` writes one (a file part
    holds its summary line: its path and size), or ``None`` when it is not one."""
    boundary = _BOUNDARY.search(content_type)
    if boundary is None:
        return None
    pieces = data.split(b"--" + boundary.group(1).encode("latin-1"))
    if len(pieces) < 3 or pieces[0] or not pieces[-1].startswith(b"--"):
        return None
    fields: list[FormField] = []
    for piece in pieces[1:-1]:
        head, separator, content = piece.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not separator or not content.endswith(b"\r\n"):
            return None
        lines = head.decode("utf-8", errors="replace").split("\r\n")
        params: dict[str, str] = {}
        part_type = ""
        for line in lines:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-disposition":
                params = {k: _unquoted(v) for k, v in _PARAM.findall(value)}
            elif name.strip().lower() == "content-type":
                part_type = value.strip()
        if "name" not in params:
            return None
        value = restore_placeholders(content[:-2].decode("utf-8", errors="replace"))
        field_name = restore_placeholders(params["name"])
        if "filename" in params:
            summary = SUMMARY_PATTERN.fullmatch(value)
            path = summary.group(1) if summary else restore_placeholders(params["filename"])
            own_type = "" if part_type == guess_content_type(path) else part_type
            fields.append(FormField(field_name, path, file=True, content_type=own_type))
        else:
            fields.append(FormField(field_name, value, content_type=part_type))
    return tuple(fields)

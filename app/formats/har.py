"""HAR (HTTP Archive 1.2, and the 1.1 older browsers write): what a browser or a proxy
recorded, as a collection, with every recorded response kept for the history.

Each entry becomes a request in a folder per host (the folder is named after the host, with
its port when the URL names one), called "METHOD /path" (" (2)", " (3)" … when a folder
already has that name), in the order recorded. The URL stays as recorded, query included,
and the query's rows are also the request's params.

Headers the client makes itself on every send are dropped, and the report says which (once
for the file): HTTP/2 and HTTP/3 pseudo-headers (``:authority``, ``:method``, ``:path``,
``:scheme``), ``Host``, ``Content-Length`` and the hop-by-hop headers (``Connection``,
``Keep-Alive``, ``Transfer-Encoding``, …), and a multipart ``Content-Type`` whose boundary
belongs to the recorded body.

Credentials are session secrets, not shared text: the ``Cookie`` header (or, without one,
the request's ``cookies``) becomes the secret variable ``cookie_<host>``; an
``Authorization`` header becomes Basic auth (the password the secret ``password_<host>``),
Bearer auth (the token the secret ``token_<host>``) or, for other schemes, a header whose
credential is the secret ``authorization_<host>``; user info in a URL becomes Basic auth;
other headers named like credentials (``X-Auth-Token``, ``X-API-Key``, ``X-CSRF-Token``, a
session id) become the secret ``<header>_<host>``. One variable per host holds the value
recorded last; the report says how many different values were seen. The values go into
``Imported.secrets`` for an environment named after the collection, never into the tree.
A HAR exported by API Explorer carries ``«secret:name»`` where a secret was: those become
``{{name}}`` again, declared as secrets without a value.

Bodies: ``params`` of a urlencoded or multipart ``postData`` become FORM or MULTIPART fields
(a file field keeps its file name; the file itself is not in a HAR); urlencoded text without
``params`` is split into fields; a JSON ``mimeType`` (``application/json``, ``…+json``) with
valid JSON is a JSON body; anything else is raw text with its Content-Type. An empty
``postData`` (browsers write one on every GET) is no body.

Responses: status, reason, headers and the body (``content.text``, base64-decoded when
``encoding`` says so, encoded in the charset its type names) become ``Imported.recorded``.
An entry that failed (status 0: no response) is imported as a request and reported, not
recorded.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from app.core.collection import AuthKind, AuthSpec, Environment, SavedRequest, Variable
from app.core.json_check import check_json
from app.core.request import BodyMode, FormField, KeyValue
from app.core.urls import params_from_url
from app.core.variables import REDACTION_PATTERN, restore_placeholders
from app.formats._common import as_dict, as_list, as_text, charset_of, plural
from app.formats._model import (
    FormatError,
    Imported,
    ImportedFolder,
    Include,
    RecordedExchange,
    ReportLine,
)

__all__ = ["MAX_BYTES", "read", "sniff"]

MAX_BYTES = 50 * 1024 * 1024
"""Larger inputs are refused with a sentence (a browser's export of a long session can be
bigger: save fewer requests)."""

_SNIFF_BYTES = 65536
_LOG_FIRST = re.compile(rb'\{\s*"log"\s*:\s*\{')
_COLLECTION = "(collection)"
_MAX_NAME = 120  # "METHOD /path" names are cut here (tracking URLs run to kilobytes)

# Headers the client sets on every send (or that belong to one connection): dropped.
_HOP_HEADERS = frozenset(
    {
        "host",
        "content-length",
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
    }
)
# Other headers that carry a credential (X-Auth-Token, X-API-Key, X-CSRF-Token, …).
_CREDENTIAL_HEADER = re.compile(r"token|secret|password|api[-_]?key|auth|session", re.IGNORECASE)
_VARIABLE = re.compile(r"\{\{[^{}]+\}\}")  # a value that refers to one is kept as it is
_JSON_TYPE = re.compile(r"^application/([a-z0-9.+-]*\+)?json$")


def sniff(data: bytes, name: str) -> bool:
    """Whether ``data`` looks like a HAR file (looks at its first 64 KB only)."""
    head = data[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{"):
        return False
    # A HAR's top level holds only "log"; its name alone says little (".json" exports).
    return name.lower().endswith(".har") or _LOG_FIRST.match(head) is not None


# --------------------------------------------------------------------------- values


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    number = float(value)
    return number if math.isfinite(number) and number > 0 else 0.0


def _status(value: object) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value if 0 <= value <= 999 else 0
    if isinstance(value, float) and value.is_integer() and 0 <= value <= 999:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 3:
        return int(value.strip())
    return 0


def _media(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _host_slug(host: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.\-]", "_", host) or "host"


# --------------------------------------------------------------------------- reading


@dataclass
class _HostSecret:
    """The credential of one kind sent to one host: every value seen, the last one kept."""

    name: str
    header: str = ""  # the header it came from, for credentials in other headers
    values: list[str] = field(default_factory=list)
    requests: int = 0


@dataclass
class _Reader:
    """What one read gathers besides the requests: the report, the secrets per host, the
    names of redacted secrets, and counts for the lines said once for the file."""

    report: list[ReportLine] = field(default_factory=list)
    host_secrets: dict[tuple[str, str], _HostSecret] = field(default_factory=dict)
    redacted: dict[str, None] = field(default_factory=dict)  # «secret:name» names seen
    dropped: dict[str, int] = field(default_factory=dict)  # header name -> requests
    dropped_multipart_type: int = 0
    no_body_text: int = 0
    taken: set[str] = field(default_factory=set)

    def line(self, where: str, what: str) -> None:
        self.report.append(ReportLine(where or _COLLECTION, what))

    def restored(self, text: str) -> str:
        """``text`` with API Explorer's redaction markers back as ``{{name}}``."""
        if "«secret:" not in text:
            return text
        for match in REDACTION_PATTERN.finditer(text):
            self.redacted[match.group(1)] = None
        return restore_placeholders(text)

    def host_secret(self, kind: str, host: str, value: str, header: str = "") -> str:
        """``{{kind_host}}``, the variable standing for ``value`` sent to ``host``."""
        key = (kind, host)
        secret = self.host_secrets.get(key)
        if secret is None:
            stem = _host_slug(f"{kind.removeprefix('header:')}_{host}")
            name, number = stem, 2
            while name in self.taken:
                name, number = f"{stem}_{number}", number + 1
            self.taken.add(name)
            secret = self.host_secrets[key] = _HostSecret(name, header)
        if not secret.values or secret.values[-1] != value:
            secret.values.append(value)
        secret.requests += 1
        return "{{" + secret.name + "}}"

    # -- one entry -------------------------------------------------------------------------

    def headers(
        self, raw: object, host: str, multipart: bool
    ) -> tuple[list[KeyValue], AuthSpec, str]:
        """Headers to keep, the auth they carried, and the cookie header's value."""
        kept: list[KeyValue] = []
        auth = AuthSpec(AuthKind.INHERIT)
        cookie = ""
        for item in as_list(raw):
            entry = as_dict(item)
            name = as_text(entry.get("name")).strip()
            value = self.restored(as_text(entry.get("value")))
            lower = name.lower()
            if not name:
                continue
            if lower.startswith(":") or lower in _HOP_HEADERS:
                key = name if lower.startswith(":") else name.title()
                self.dropped[key] = self.dropped.get(key, 0) + 1
                continue
            if lower == "content-type" and multipart:
                self.dropped_multipart_type += 1
                continue
            if lower == "cookie":
                cookie = f"{cookie}; {value}" if cookie else value
                continue
            if lower == "authorization" and auth.kind is AuthKind.INHERIT:
                auth, header = self.authorization(value, host)
                if header is not None:
                    kept.append(KeyValue(name, header))
                continue
            if _CREDENTIAL_HEADER.search(name) and value.strip() and not _VARIABLE.search(value):
                value = self.host_secret(f"header:{lower}", host, value, name)
            kept.append(KeyValue(name, value))
        return kept, auth, cookie

    def authorization(self, value: str, host: str) -> tuple[AuthSpec, str | None]:
        scheme, _, credentials = value.strip().partition(" ")
        credentials = credentials.strip()
        if scheme.lower() == "bearer" and credentials:
            token = credentials
            if not _VARIABLE.search(token):
                token = self.host_secret("token", host, credentials)
            return AuthSpec(AuthKind.BEARER, (("token", token),)), None
        if scheme.lower() == "basic" and credentials:
            pair = _basic_pair(credentials)
            if pair is not None:
                user, password = pair
                if password and not _VARIABLE.search(password):
                    password = self.host_secret("password", host, password)
                return AuthSpec(AuthKind.BASIC, (("username", user), ("password", password))), None
        if not value.strip() or _VARIABLE.search(value):
            return AuthSpec(AuthKind.NONE), value
        if credentials:
            return AuthSpec(AuthKind.NONE), (
                f"{scheme} {self.host_secret('authorization', host, credentials)}"
            )
        return AuthSpec(AuthKind.NONE), self.host_secret("authorization", host, value.strip())

    def body(
        self, raw: object, headers: list[KeyValue], where: str
    ) -> tuple[BodyMode, str, tuple[FormField, ...]]:
        post = as_dict(raw)
        mime = as_text(post.get("mimeType")).strip()
        media = _media(mime)
        text = self.restored(as_text(post.get("text")))
        params = [as_dict(p) for p in as_list(post.get("params"))]
        encoding = as_text(post.get("encoding") or post.get("_encoding")).strip().lower()
        if encoding == "base64" and text:
            try:
                data = base64.b64decode(text, validate=True)
                text = data.decode(charset_of(mime))
            except (binascii.Error, ValueError):
                self.line(
                    where,
                    "Its request body was recorded as binary data, which a request here "
                    "cannot hold as text: save it to a file and choose a File body.",
                )
                return BodyMode.JSON, "", ()
        if params and media in ("application/x-www-form-urlencoded", "multipart/form-data"):
            fields = []
            files = []
            for param in params:
                name = self.restored(as_text(param.get("name")))
                file_name = as_text(param.get("fileName"))
                if media == "multipart/form-data" and file_name:
                    files.append(name)
                    fields.append(
                        FormField(
                            name,
                            file_name,
                            file=True,
                            content_type=as_text(param.get("contentType")),
                        )
                    )
                else:
                    fields.append(FormField(name, self.restored(as_text(param.get("value")))))
            if files:
                self.line(
                    where,
                    f"The file of its form field{'s' if len(files) > 1 else ''} "
                    f"{', '.join(files)} is not in the HAR, only its name: pick the file "
                    "in the Body tab before sending.",
                )
            mode = BodyMode.MULTIPART if media == "multipart/form-data" else BodyMode.FORM
            return mode, "", tuple(fields)
        if media == "application/x-www-form-urlencoded" and text:
            pairs = parse_qsl(text, keep_blank_values=True)
            return BodyMode.FORM, "", tuple(FormField(k, v) for k, v in pairs)
        if not text:
            return BodyMode.JSON, "", ()
        if _JSON_TYPE.match(media):
            if check_json(text) is None:
                return BodyMode.JSON, text, ()
            self.line(
                where,
                f"Its body is declared as {media} but is not valid JSON, so it is raw text.",
            )
        if mime and not any(h.name.lower() == "content-type" for h in headers):
            headers.append(KeyValue("Content-Type", mime))
        return BodyMode.RAW, text, ()

    def response(
        self, raw: object, entry: Mapping[str, object], request: SavedRequest, where: str
    ) -> RecordedExchange | None:
        response = as_dict(raw)
        status = _status(response.get("status"))
        if status == 0:
            error = as_text(response.get("_error") or entry.get("_error")).strip()
            because = f" ({error})" if error else ""
            self.line(
                where,
                f"The recorded request failed{because}: no response came back, so none is "
                "kept for the history.",
            )
            return None
        headers = tuple(
            (name, as_text(h.get("value")))
            for h in (as_dict(item) for item in as_list(response.get("headers")))
            if (name := as_text(h.get("name")).strip()) and not name.startswith(":")
        )
        content = as_dict(response.get("content"))
        text = as_text(content.get("text"))
        body = b""
        if "text" not in content:
            if _number(content.get("size")) > 0 or "comment" in content:
                self.no_body_text += 1
        elif as_text(content.get("encoding")).strip().lower() == "base64":
            try:
                body = base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError):
                self.line(
                    where,
                    "Its recorded response body is marked base64 but is not, so the response "
                    "is kept without its body.",
                )
        else:
            content_type = as_text(content.get("mimeType"))
            for name, value in headers:
                if name.lower() == "content-type":
                    content_type = value
            try:
                body = text.encode(charset_of(content_type))
            except (UnicodeEncodeError, LookupError):
                body = text.encode("utf-8", errors="surrogatepass")
        return RecordedExchange(
            request=request,
            status=status,
            reason=as_text(response.get("statusText")),
            headers=headers,
            body=body,
            elapsed_ms=_number(entry.get("time")),
            started=as_text(entry.get("startedDateTime")),
        )


def _basic_pair(credentials: str) -> tuple[str, str] | None:
    """(user, password) of Basic credentials: base64 as sent, or as API Explorer's redacted
    export writes them (``user:{{password}}``, decoded)."""
    if ":" in credentials:
        user, _, password = credentials.partition(":")
        return user, password
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    if ":" not in decoded:
        return None
    user, _, password = decoded.partition(":")
    return user, password


def _split_url(url: str) -> tuple[str, str, str, str, str] | None:
    """(url without user info, scheme, host, path, user info) or ``None`` when it is not
    an http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not hostname:
        return None
    netloc = parts.netloc
    userinfo = ""
    if "@" in netloc:
        userinfo, _, netloc = netloc.rpartition("@")
        url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    host = f"[{hostname.lower()}]" if ":" in hostname else hostname.lower()
    if port is not None:
        host = f"{host}:{port}"
    return url, parts.scheme.lower(), host, parts.path or "/", userinfo


def _request_name(method: str, path: str) -> str:
    name = f"{method} {path}"
    return name if len(name) <= _MAX_NAME else name[: _MAX_NAME - 1] + "…"


@dataclass
class _Names:
    """The request names of one folder: ``name``, then ``name (2)``, ``name (3)`` …; the
    next number of each name is remembered, so a HAR of one request repeated stays linear."""

    used: set[str] = field(default_factory=set)
    next_number: dict[str, int] = field(default_factory=dict)

    def unique(self, name: str) -> str:
        candidate = name
        if name in self.used:
            number = self.next_number.get(name, 2)
            while f"{name} ({number})" in self.used:
                number += 1
            candidate = f"{name} ({number})"
            self.next_number[name] = number + 1
        self.used.add(candidate)
        return candidate


def _load(data: bytes) -> dict[str, object]:
    if len(data) > MAX_BYTES:
        raise FormatError(
            f"The file is {len(data) / 1024 / 1024:.0f} MB; HAR files over "
            f"{MAX_BYTES // 1024 // 1024} MB are not read: save fewer requests from the browser."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"The HAR file is not UTF-8 text: byte {exc.start} cannot be decoded."
        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"The HAR file is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None
    except ValueError as exc:
        raise FormatError(f"The HAR file cannot be read as JSON: {exc}.") from None
    log = as_dict(as_dict(document).get("log"))
    if not log:
        raise FormatError('This JSON file is not a HAR file: it has no "log" object.')
    if not isinstance(log.get("entries"), list):
        raise FormatError('The HAR file has no "entries" list in its "log".')
    return log


def _collection_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if base.lower().endswith(".har"):
        base = base[:-4].strip()
    return base or "HAR import"


def read(data: bytes, name: str, include: Include | None = None) -> Imported:
    """The HAR in ``data`` as a collection with its recorded responses; ``FormatError``
    (one sentence) when it is not one or is broken. ``include`` is not used."""
    try:
        log = _load(data)
    except RecursionError:
        raise FormatError("The HAR file is nested too deeply to read.") from None
    version = as_text(log.get("version")).strip() or "1.2"
    collection = _collection_name(name)
    reader = _Reader()
    folders: dict[str, list[SavedRequest]] = {}
    names: dict[str, _Names] = {}
    recorded: list[RecordedExchange] = []
    skipped: dict[str, int] = {}
    for item in as_list(log.get("entries")):
        entry = as_dict(item)
        request = as_dict(entry.get("request"))
        method = as_text(request.get("method")).strip().upper() or "GET"
        raw_url = reader.restored(as_text(request.get("url")).strip())
        split = _split_url(raw_url)
        if split is None:
            scheme = raw_url.split(":", 1)[0].lower() if ":" in raw_url else ""
            usable = scheme and len(scheme) < 20 and scheme.isascii() and scheme.isalpha()
            kind = f"{scheme}: URLs" if usable else "no usable URL"
            skipped[kind] = skipped.get(kind, 0) + 1
            continue
        url, _scheme, host, path, userinfo = split
        title = names.setdefault(host, _Names()).unique(_request_name(method, path))
        where = f"{host} / {title}"
        post = as_dict(request.get("postData"))
        multipart = _media(as_text(post.get("mimeType"))) == "multipart/form-data" and bool(
            as_list(post.get("params"))
        )
        headers, auth, cookie = reader.headers(request.get("headers"), host, multipart)
        if not cookie:
            pairs = [
                f"{as_text(c.get('name'))}={as_text(c.get('value'))}"
                for c in (as_dict(x) for x in as_list(request.get("cookies")))
                if as_text(c.get("name"))
            ]
            cookie = reader.restored("; ".join(pairs))
        if cookie:
            if _VARIABLE.search(cookie) is None:
                cookie = reader.host_secret("cookie", host, cookie)
            headers.append(KeyValue("Cookie", cookie))
        if userinfo and auth.kind is AuthKind.INHERIT:
            user, _, password = (unquote(part) for part in userinfo.partition(":"))
            if password:
                password = reader.host_secret("password", host, password)
            auth = AuthSpec(AuthKind.BASIC, (("username", user), ("password", password)))
            reader.line(where, "The user name and password in its URL are its Basic auth.")
        mode, body, form = reader.body(request.get("postData"), headers, where)
        saved = SavedRequest(
            name=title,
            method=method,
            url=url,
            params=tuple(params_from_url(url)),
            headers=tuple(headers),
            body=body,
            body_mode=mode,
            auth=auth,
            form=form,
            description=as_text(entry.get("comment") or request.get("comment")).strip(),
        )
        folders.setdefault(host, []).append(saved)
        exchange = reader.response(entry.get("response"), entry, saved, where)
        if exchange is not None:
            recorded.append(exchange)
    for kind, count in skipped.items():
        reader.line(
            _COLLECTION,
            f"{plural(count, 'entry', 'entries')} with {kind} "
            f"{'was' if count == 1 else 'were'} skipped: only http and https requests are "
            "imported.",
        )
    _summarise(reader)
    environments, secrets = _environment(reader, collection)
    creator = as_dict(log.get("creator"))
    recorder = f"{as_text(creator.get('name')).strip()} {as_text(creator.get('version')).strip()}"
    return Imported(
        format=f"HAR {version}" if version in ("1.1", "1.2") else "HAR",
        root=ImportedFolder(
            collection,
            tuple(ImportedFolder(host, tuple(requests)) for host, requests in folders.items()),
            description=f"Recorded by {recorder.strip()}." if recorder.strip() else "",
        ),
        environments=environments,
        secrets=MappingProxyType(secrets),
        report=tuple(reader.report),
        recorded=tuple(recorded),
    )


def _summarise(reader: _Reader) -> None:
    """The report lines said once for the whole file."""
    if reader.dropped:
        by_count: dict[int, list[str]] = {}
        for header, count in reader.dropped.items():
            by_count.setdefault(count, []).append(header)
        parts = [
            f"{', '.join(headers)} ({plural(count, 'request')})"
            for count, headers in sorted(by_count.items(), reverse=True)
        ]
        reader.line(
            _COLLECTION,
            "Headers the client makes itself on every send (HTTP/2 pseudo-headers, Host, "
            f"Content-Length, connection headers) were left out: {'; '.join(parts)}.",
        )
    if reader.dropped_multipart_type:
        reader.line(
            _COLLECTION,
            "The recorded Content-Type of "
            f"{plural(reader.dropped_multipart_type, 'multipart body', 'multipart bodies')} "
            "was left out: it names the recorded boundary, and a new one is made on each send.",
        )
    for (kind, host), secret in reader.host_secrets.items():
        what = {
            "cookie": "The Cookie header",
            "token": "The bearer token",
            "password": "The Basic auth password",
            "authorization": "The Authorization credential",
        }.get(kind, f"The header {secret.header}")
        values = len(dict.fromkeys(secret.values))
        seen = (
            f" ({values} different values were recorded; the last one is kept)"
            if values > 1
            else ""
        )
        reader.line(
            host,
            f"{what} of {plural(secret.requests, 'request')} is now the secret variable "
            f"{{{{{secret.name}}}}}{seen}: its value goes to the secret store, not into the "
            "collection files.",
        )
    if reader.redacted:
        names = ", ".join("{{" + n + "}}" for n in reader.redacted)
        reader.line(
            _COLLECTION,
            f"The HAR was exported with secrets left out; {names} stand for them and are "
            "declared as secrets without a value: set them before sending.",
        )
    if reader.no_body_text:
        reader.line(
            _COLLECTION,
            f"{plural(reader.no_body_text, 'recorded response')} came without their body "
            "(the HAR left it out): the history shows them with an empty body.",
        )


def _environment(
    reader: _Reader, collection: str
) -> tuple[tuple[Environment, ...], dict[tuple[str, str], str]]:
    secrets: dict[tuple[str, str], str] = {}
    variables: list[Variable] = []
    for secret in reader.host_secrets.values():
        variables.append(Variable(secret.name, "", secret=True))
        if secret.values[-1]:
            secrets[(collection, secret.name)] = secret.values[-1]
    declared = {v.name for v in variables}
    variables.extend(Variable(n, "", secret=True) for n in reader.redacted if n not in declared)
    if not variables:
        return (), secrets
    return (Environment(collection, tuple(variables)),), secrets

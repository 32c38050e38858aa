"""Reproduction bundles (``*.apx``): one exchange, redacted, with what support needs to
reproduce it (issue 9). Bytes in, bytes out: the caller reads and writes the file.

``redactions(entry, secrets, marked)`` is the preview shown before writing: every value that
will be redacted and where. ``write_bundle(entry, ...)`` returns the bundle's bytes,
``read_bundle(data)`` a ``Bundle`` (or ``FormatError``, one sentence, whatever the bytes),
``replay_request(bundle)`` the recorded request ready to send again, and ``sniff(data, name)``
whether a file is a bundle.

File format, version 1
    A zip archive (deflate or stored; the zip comment says ``API Explorer reproduction
    bundle``) holding two members, written in name order with every timestamp at
    1980-01-01 00:00 so the same inputs give the same bytes:

    ``exchange.har``
        HAR 1.2 (UTF-8 JSON, as ``app.formats.har_export.to_har`` writes it, so any HAR
        viewer opens it) with exactly one entry: the request as sent (final URL, headers in
        order, body) and the response (status, reason, headers, body, ``time`` in
        milliseconds from send to the last byte, ``startedDateTime``), or status 0 with
        ``_error`` for a request that got no response. A body that is not text in its
        charset is base64 with ``"encoding": "base64"``. Every redacted value is written as
        ``«secret:NAME»``, NAME as in the manifest.
    ``manifest.json``
        A UTF-8 JSON object::

            {
              "format": "api-explorer-bundle",
              "format_version": 1,
              "app_version": "0.1.0",
              "os": "Linux-6.1-x86_64",
              "created": "2026-12-01T10:00:00+00:00",
              "environment": "sandbox",                        (optional)
              "correlation_id": "5c1f…",                       (optional)
              "error": {"code": "invalid_parameters",
                        "description": "…"},                    (optional; description too)
              "note": "Fails since Monday.",                   (optional)
              "redactions": [
                {"kind": "secret variable", "name": "token",
                 "where": ["request header Authorization", "response body"]}
              ]
            }

        Optional members are left out when empty, never ``null``. ``redactions`` names the
        kind of each value taken out (``RedactionKind``), the name its marker carries and
        where it was; never the value.

    Readers ignore members and manifest keys they do not know; a ``format_version`` above
    ``FORMAT_VERSION`` is refused with a sentence asking for a newer app.

Redaction
    Taken out of the exchange, everywhere it occurs (URL, headers, bodies, reason, failure)
    and in every form ``app.core.variables.redact`` knows (percent-encoded, JSON-escaped;
    in a body whose charset is not UTF-8, in its text), and out of the manifest's texts
    (note, environment, error, correlation id):

    - ``secrets``: secret variables by name, with what a request derived from them
      (``derived_secrets``: the base64 token of Basic credentials, a MAC signature);
    - ``marked``: values the user marks, named ``marked_1``, ``marked_2`` …;
    - credentials found by where they stand, whatever their origin: the credential of
      ``Authorization`` and ``Proxy-Authorization`` (a Basic password, with its base64 token;
      a MAC header's ``id`` and ``mac``), cookie values (``Cookie``, ``Set-Cookie``), the
      values of headers and query parameters (of the URL and of ``Location``) named like
      keys or tokens (``X-API-Key``, ``access_token``, ``X-Auth-Token``, a session id …),
      and the password of user info in a URL. Each is replaced where it stands; one of at
      least ``MIN_EVERYWHERE`` characters is replaced everywhere else too (a shorter one,
      such as a cookie ``lang=en``, would take ordinary text with it).

    A value already written as a marker (a history entry is stored redacted) stays so and is
    listed under its name.

Reading hostile bundles
    At most ``MAX_MEMBERS`` members, none named outside the archive (``..``, an absolute
    path, a drive or a backslash), each of the two members once, stored or deflated and not
    encrypted; at most ``MAX_UNCOMPRESSED_BYTES`` decompressed in all (``MAX_MANIFEST_BYTES``
    for the manifest), checked against the declared sizes before anything is decompressed
    and counted while it is. Anything else wrong is a ``FormatError`` naming it.
"""

from __future__ import annotations

import base64
import binascii
import enum
import io
import json
import math
import re
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import unquote, unquote_plus, urlsplit, urlunsplit

from app.core.collection import AuthKind, AuthSpec, SavedRequest
from app.core.errors import decode_error
from app.core.mac import parse_mac_header
from app.core.prepare import PreparedRequest
from app.core.response import ResponseData
from app.core.variables import (
    REDACTION_PATTERN,
    derived_secrets,
    redact,
    redact_bytes,
    redact_headers,
    redaction_marker,
)
from app.formats import har
from app.formats._common import charset_of
from app.formats._model import FormatError
from app.formats.har_export import HarEntry, to_har

__all__ = [
    "EXTENSION",
    "FORMAT_VERSION",
    "MAX_MANIFEST_BYTES",
    "MAX_MEMBERS",
    "MAX_UNCOMPRESSED_BYTES",
    "MIN_EVERYWHERE",
    "Bundle",
    "Redaction",
    "RedactionKind",
    "read_bundle",
    "redactions",
    "replay_request",
    "sniff",
    "write_bundle",
]

EXTENSION = ".apx"
FORMAT_VERSION = 1
"""The version this module writes; it reads this one and older ones."""

MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
"""A bundle decompressing to more is refused, and a larger exchange is not written (its
response would not fit in the app's memory a second time when opened)."""

MAX_MANIFEST_BYTES = 1024 * 1024
MAX_MEMBERS = 16
MIN_EVERYWHERE = 8
"""A credential found by where it stands is replaced everywhere else only from this length."""

HAR_MEMBER = "exchange.har"
MANIFEST_MEMBER = "manifest.json"
FORMAT_NAME = "api-explorer-bundle"

_COMMENT = b"API Explorer reproduction bundle"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_LEVEL = 6
_TIMEOUT = 30.0  # not recorded; a replay takes the timeout of the tab or command line
_CHUNK = 1024 * 1024


class RedactionKind(enum.Enum):
    """Why a value was taken out; the value is what the manifest writes."""

    SECRET = "secret variable"
    DERIVED = "derived from a secret"
    AUTHORIZATION = "Authorization credential"
    MAC = "Paysera MAC header"
    COOKIE = "cookie"
    KEY_HEADER = "key or token header"
    KEY_PARAMETER = "key or token query parameter"
    MARKED = "marked"


_KIND_ORDER = {kind: number for number, kind in enumerate(RedactionKind)}


@dataclass(frozen=True, slots=True)
class Redaction:
    """One value taken out: ``«secret:NAME»`` stands for it at each place in ``where``
    (``request header Authorization``, ``response body`` …, in the exchange's order).

    ``value`` is what will be taken out, for the preview to show (masked); it is never
    written, so it is ``""`` in a bundle read back, and in a value a history entry had
    already redacted. It takes no part in equality and is never in ``repr``."""

    kind: RedactionKind
    name: str
    where: tuple[str, ...]
    value: str = field(default="", repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Bundle:
    """A bundle read back: the exchange as recorded (redacted values as ``«secret:NAME»``)
    and the manifest. Absent optional fields are ``""``."""

    exchange: HarEntry
    format_version: int
    app_version: str
    os_name: str
    created: datetime
    environment: str = ""
    correlation_id: str = ""
    error_code: str = ""
    error_description: str = ""
    note: str = ""
    redactions: tuple[Redaction, ...] = ()


# --------------------------------------------------------------------------- redaction

# Header and parameter names that carry a credential. "auth" but not "author(s)".
_KEY_NAME = re.compile(
    r"token|secret|passw|pwd|api[-_]?key|auth(?!or(?!i))|session|signature|credential"
    r"|(?:^|[-_.])key$",
    re.IGNORECASE,
)
_KEY_PARAMETER = re.compile(_KEY_NAME.pattern + r"|^(?:sig|code)$", re.IGNORECASE)
_CREDENTIAL_HEADERS = ("authorization", "proxy-authorization")
_CHALLENGES = frozenset({"www-authenticate", "proxy-authenticate"})
_URL_HEADERS = frozenset({"location", "content-location"})
_MAC_ATTRIBUTE = re.compile(r'([A-Za-z]+)(\s*=\s*")([^"]*)(")')
_BYTES_MARKER = re.compile("«secret:([A-Za-z0-9_.\\-]+)»".encode())
_PLAIN_MARKER = "«secret»"


def _only_markers(value: str) -> bool:
    rest = REDACTION_PATTERN.sub("", value).replace(_PLAIN_MARKER, "")
    return not rest.strip(" \t\"'")


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.\-]+", "_", name.strip().lower()).strip("_") or "value"


@dataclass(frozen=True, slots=True)
class _Place:
    """One text of the exchange that redaction looks through."""

    where: str
    text: str | bytes
    credential_header: bool = False  # Basic credentials are looked into (redact_headers)


def _body_text(body: bytes, headers: Iterable[tuple[str, str]]) -> str:
    """The text of a body in a charset other than UTF-8, as ``to_har`` writes it (``""``
    for a UTF-8 or undecodable body): its secrets are matched in the text, not in the
    bytes, where ``redact_bytes`` looks for their UTF-8 forms."""
    codec = charset_of(_content_type(headers))
    if codec == "utf-8" or not body:
        return ""
    try:
        return body.decode(codec)
    except (UnicodeError, LookupError):
        return ""


def _places(entry: HarEntry) -> list[_Place]:
    sent = entry.request
    places = [_Place("request URL", sent.url)]
    places += [
        _Place(f"request header {name}", value, name.lower() in _CREDENTIAL_HEADERS)
        for name, value in sent.headers
    ]
    places.append(_Place("request body", _body_text(sent.body, sent.headers) or sent.body))
    if entry.status is not None:
        places.append(_Place("response status text", entry.reason))
        places += [
            _Place(f"response header {name}", value, name.lower() in _CREDENTIAL_HEADERS)
            for name, value in entry.headers
        ]
        places.append(_Place("response body", _body_text(entry.body, entry.headers) or entry.body))
    else:
        places.append(_Place("failure", entry.failure))
    return places


def _markers_in(text: str | bytes) -> Counter[str]:
    if isinstance(text, bytes):
        return Counter(m.group(1).decode("ascii") for m in _BYTES_MARKER.finditer(text))
    return Counter(m.group(1) for m in REDACTION_PATTERN.finditer(text))


# derived_secrets and redact_headers decode Basic credentials with base64.b64decode, which
# raises ValueError (not caught there) on text that is not ASCII, such as a Basic header a
# history entry keeps as ``user:«secret:name»``: such a header is never handed to them.


def _decodable(value: str) -> bool:
    return value.isascii() or value.strip()[:6].lower() != "basic "


def _derived(headers: Iterable[tuple[str, str]], secrets: Mapping[str, str]) -> dict[str, str]:
    return derived_secrets([(n, v) for n, v in headers if _decodable(v)], secrets)


def _har_text(entry: HarEntry, secrets: Mapping[str, str], creator_version: str = "") -> str:
    """``to_har`` of the one entry; a credential header ``to_har`` cannot decode goes
    through it under a stand-in name and gets its own name back after."""
    renamed: dict[str, str] = {}

    def hidden(headers: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        result = []
        for name, value in headers:
            if name.lower() in _CREDENTIAL_HEADERS and not _decodable(value):
                stand_in = f"X-Bundle-Credential-{len(renamed)}"
                renamed[stand_in] = name
                name = stand_in
            result.append((name, value))
        return tuple(result)

    request = replace(entry.request, headers=hidden(entry.request.headers))
    text = to_har(
        [replace(entry, request=request, headers=hidden(entry.headers))],
        secrets,
        creator_version=creator_version,
    )
    for stand_in, name in renamed.items():
        # Only a header's name is written unescaped as `"name": "…"`: values are escaped.
        text = text.replace(f'"name": "{stand_in}"', '"name": ' + json.dumps(name))
    return text


def _redacted(place: _Place, mapping: Mapping[str, str]) -> str | bytes:
    if isinstance(place.text, bytes):
        return redact_bytes(place.text, mapping)
    if place.credential_header and _decodable(place.text):
        return redact_headers((("Authorization", place.text),), mapping)[0][1]
    return redact(place.text, mapping)


def _found_in(place: _Place, mapping: Mapping[str, str]) -> list[str]:
    """The names in ``mapping`` whose value (in any form) occurs in ``place``."""
    if not mapping:
        return []
    after = _redacted(place, mapping)
    if after == place.text:
        return []
    gained = _markers_in(after) - _markers_in(place.text)
    named = [name for name in gained if name in mapping]
    if named:
        return named
    # The markers were not usable here (one would have spelled a value): ask name by name.
    return [
        name for name, value in mapping.items() if _redacted(place, {name: value}) != place.text
    ]


class _Planner:
    """What to take out of one exchange: ``plan`` replaces credentials where they stand and
    fills ``mapping``, the values then redacted everywhere; ``listing`` says what and where."""

    def __init__(self, secrets: Mapping[str, str], marked: Iterable[str]) -> None:
        given = {name: value for name, value in secrets.items() if value}
        self.kinds: dict[str, RedactionKind] = dict.fromkeys(given, RedactionKind.SECRET)
        known = set(given.values())
        number = 0
        for value in dict.fromkeys(marked):
            if value and value not in known:
                number += 1
                name = self.unique(f"marked_{number}")
                given[name] = value
                self.kinds[name] = RedactionKind.MARKED
                known.add(value)
        self.given = given
        self.mapping: dict[str, str] = {}
        self.values: dict[str, str] = {}  # every name -> value taken out
        self.by_value: dict[str, str] = {}  # a credential found in place -> its name
        self.where: dict[str, list[str]] = {}

    def unique(self, base: str) -> str:
        name, number = base, 2
        while name in self.kinds:
            name, number = f"{base}_{number}", number + 1
        return name

    def plan(self, entry: HarEntry) -> HarEntry:
        """``entry`` with credentials replaced where they stand; fills ``mapping``."""
        self.mapping = _derived(entry.request.headers, self.given)
        for name in self.mapping:
            if name not in self.kinds:
                mac = name == "mac_signature"
                self.kinds[name] = RedactionKind.MAC if mac else RedactionKind.DERIVED
        self.values.update(self.mapping)
        sent = entry.request
        url = self.url(sent.url, "request URL")
        request_headers = tuple((n, self.header(n, v, "request")) for n, v in sent.headers)
        headers = tuple((n, self.header(n, v, "response")) for n, v in entry.headers)
        # Bodies last: the mapping is complete once every credential has been found.
        request = PreparedRequest(
            sent.method,
            url,
            request_headers,
            self.body(sent.body, sent.headers, "request body"),
            sent.timeout_seconds,
        )
        body = self.body(entry.body, entry.headers, "response body")
        return replace(entry, request=request, headers=headers, body=body)

    def body(self, data: bytes, headers: Iterable[tuple[str, str]], where: str) -> bytes:
        """``data`` with secrets taken out of its text when its charset is not UTF-8."""
        text = _body_text(data, headers)
        if not text:
            return data
        found = _found_in(_Place(where, text), self.mapping)
        if not found:
            return data
        for name in found:
            self.where.setdefault(name, []).append(where)
        codec = charset_of(_content_type(headers))
        return redact(text, self.mapping).encode(codec, errors="replace")

    def credential(self, kind: RedactionKind, base: str, value: str, where: str) -> str | None:
        """The marker to write instead of ``value`` found at ``where``; ``None`` to leave it
        (empty, already a marker, or a secret value the mapping takes out anyway)."""
        if not value.strip() or _only_markers(value) or _only_markers(redact(value, self.mapping)):
            return None
        name = self.by_value.get(value)
        if name is None:
            name = self.unique(base)
            self.by_value[value] = name
            self.kinds[name] = kind
            self.values[name] = value
            if len(value) >= MIN_EVERYWHERE:
                self.mapping[name] = value
        self.where.setdefault(name, []).append(where)
        return redaction_marker(name)

    def header(self, name: str, value: str, side: str) -> str:
        lower = name.lower()
        where = f"{side} header {name}"
        if lower in _CREDENTIAL_HEADERS:
            return self.authorization(_slug(lower), value, where)
        if lower == "cookie":
            return ";".join(self.cookie(part, where) for part in value.split(";"))
        if lower == "set-cookie":
            first, separator, attributes = value.partition(";")
            return self.cookie(first, where) + separator + attributes
        if lower in _URL_HEADERS:
            return self.url(value, where)
        if lower in _CHALLENGES or not _KEY_NAME.search(name):
            return value
        marker = self.credential(RedactionKind.KEY_HEADER, f"header_{_slug(name)}", value, where)
        return marker or value

    def cookie(self, pair: str, where: str) -> str:
        name, equals, value = pair.partition("=")
        if not equals:
            return pair
        marker = self.credential(
            RedactionKind.COOKIE, f"cookie_{_slug(name)}", value.strip(' "'), where
        )
        return f"{name}={marker}" if marker else pair

    def authorization(self, base: str, value: str, where: str) -> str:
        scheme, space, rest = value.strip().partition(" ")
        kind = RedactionKind.AUTHORIZATION
        if not space:
            return self.credential(kind, base, value.strip(), where) or value
        if scheme.lower() == "mac":

            def attribute(match: re.Match[str]) -> str:
                attribute_name = match.group(1).lower()
                if attribute_name not in ("id", "mac"):
                    return match.group(0)
                stem = "mac_id" if attribute_name == "id" else "mac_signature"
                marker = self.credential(RedactionKind.MAC, stem, match.group(3), where)
                if marker is None:
                    return match.group(0)
                return match.group(1) + match.group(2) + marker + match.group(4)

            return f"{scheme} {_MAC_ATTRIBUTE.sub(attribute, rest)}"
        if scheme.lower() == "basic":
            pair = _basic(rest.strip())
            if pair is not None:
                user, password, token = pair
                marker = self.credential(kind, f"{base}_password", password, where)
                if marker is None:
                    return value
                if token and len(token) >= MIN_EVERYWHERE:
                    name = self.unique(f"{base}_base64")
                    self.kinds[name] = RedactionKind.DERIVED
                    self.mapping[name] = self.values[name] = token
                return f"{scheme} {user}:{marker}"
        marker = self.credential(kind, base, rest.strip(), where)
        return f"{scheme} {marker}" if marker else value

    def url(self, url: str, where: str) -> str:
        before, hash_mark, fragment = url.partition("#")
        head, question, query = before.partition("?")
        head = self.userinfo(head, where)
        if question:
            query = self.query(query, where)
        if hash_mark and "=" in fragment:
            fragment = self.query(fragment, where)  # OAuth's #access_token=…
        return head + question + query + hash_mark + fragment

    def query(self, query: str, where: str) -> str:
        parts = []
        for part in query.split("&"):
            name, equals, raw = part.partition("=")
            if equals and raw and _KEY_PARAMETER.search(unquote_plus(name)):
                kind = RedactionKind.KEY_PARAMETER
                stem = f"param_{_slug(unquote_plus(name))}"
                marker = self.credential(kind, stem, unquote_plus(raw), where)
                if marker is not None:
                    part = f"{name}={marker}"
            parts.append(part)
        return "&".join(parts)

    def userinfo(self, head: str, where: str) -> str:
        try:
            parts = urlsplit(head)
        except ValueError:
            return head
        userinfo, at, host = parts.netloc.rpartition("@")
        user, colon, password = userinfo.partition(":")
        if not at or not colon or not password:
            return head
        kind = RedactionKind.AUTHORIZATION
        marker = self.credential(kind, "url_password", unquote(password), where)
        if marker is None:
            return head
        netloc = f"{user}:{marker}@{host}"
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))

    def listing(
        self, original: HarEntry, rewritten: HarEntry, extra: Iterable[_Place] = ()
    ) -> list[Redaction]:
        """Every name with the places it was taken out of, in the exchange's order."""
        where = {name: list(places) for name, places in self.where.items()}
        order = [p.where for p in _places(rewritten)]
        for place in [*_places(rewritten), *extra]:
            if place.where not in order:
                order.append(place.where)
            for name in _found_in(place, self.mapping):
                where.setdefault(name, []).append(place.where)
        for place in _places(original):
            for name in _markers_in(place.text):
                where.setdefault(name, []).append(place.where)
        found = []
        for name, places in where.items():
            ordered = tuple(sorted(dict.fromkeys(places), key=order.index))
            kind = self.kinds.get(name, RedactionKind.SECRET)
            found.append(Redaction(kind, name, ordered, self.values.get(name, "")))
        return sorted(found, key=lambda r: (_KIND_ORDER[r.kind], r.name))


def _basic(credentials: str) -> tuple[str, str, str | None] | None:
    """(user, password, base64 token) of Basic credentials as sent; (user, password, None)
    as a history entry keeps them (``user:«secret:name»``, decoded); ``None`` otherwise."""
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        if ":" not in credentials:
            return None
        user, _, password = credentials.partition(":")
        return user, password, None
    if ":" not in decoded:
        return None
    user, _, password = decoded.partition(":")
    return user, password, credentials


def redactions(
    entry: HarEntry, secrets: Mapping[str, str], marked: Iterable[str] = ()
) -> list[Redaction]:
    """Every value ``write_bundle`` will take out of ``entry`` and where it stands, grouped
    by kind: the preview to show before writing. ``secrets`` maps secret variable names to
    the values that went into the request; ``marked`` are values the user marks."""
    planner = _Planner(secrets, marked)
    rewritten = planner.plan(entry)
    return planner.listing(entry, rewritten)


# --------------------------------------------------------------------------- writing


def _correlation_id(entry: HarEntry) -> str:
    if entry.status is None:
        return ""
    wanted = "paysera-correlation-id"
    return next((v.strip() for k, v in entry.headers if k.lower() == wanted), "")


def _error(entry: HarEntry) -> tuple[str, str]:
    if entry.status is None:
        return "", ""
    response = ResponseData(
        entry.status, entry.reason, entry.headers, entry.body, entry.elapsed_ms or 0.0
    )
    decoded = decode_error(response)
    if decoded is None or decoded.code is None:
        return "", ""
    return decoded.code, decoded.description or ""


def _timestamp(moment: datetime) -> str:
    aware = moment if moment.tzinfo is not None else moment.astimezone()
    return aware.astimezone(UTC).isoformat(timespec="seconds")


def _zip(members: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=_LEVEL) as archive:
        archive.comment = _COMMENT
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, wherever it is written: the same bytes everywhere
            info.external_attr = 0o100644 << 16
            archive.writestr(info, members[name], compresslevel=_LEVEL)
    return buffer.getvalue()


def write_bundle(
    entry: HarEntry,
    *,
    secrets: Mapping[str, str],
    marked: Iterable[str] = (),
    environment: str | None,
    note: str,
    app_version: str,
    os_name: str,
    created: datetime,
) -> bytes:
    """The bundle of ``entry`` (see the module docstring), every value ``redactions``
    lists taken out, the note and the manifest's texts redacted too. The same arguments
    give the same bytes. ``FormatError`` when the exchange is over
    ``MAX_UNCOMPRESSED_BYTES`` written out, or the note over ``MAX_MANIFEST_BYTES``."""
    planner = _Planner(secrets, marked)
    rewritten = planner.plan(entry)
    mapping = planner.mapping
    code, description = _error(entry)
    correlation_id = _correlation_id(entry)
    texts = {
        "note": note,
        "environment": environment or "",
        "correlation id": correlation_id,
        "error code": code,
        "error description": description,
    }
    extra = [_Place(where, text) for where, text in texts.items() if text]
    listed = planner.listing(entry, rewritten, extra)
    text = _har_text(rewritten, mapping, app_version)
    manifest: dict[str, object] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "app_version": redact(app_version, mapping),
        "os": redact(os_name, mapping),
        "created": _timestamp(created),
        # Names and places come from the exchange too (a header's name): redacted as well.
        "redactions": [
            {
                "kind": r.kind.value,
                "name": redact(r.name, mapping),
                "where": [redact(place, mapping) for place in r.where],
            }
            for r in listed
        ],
    }
    optional = {"environment": environment or "", "correlation_id": correlation_id, "note": note}
    manifest.update({k: redact(v, mapping) for k, v in optional.items() if v})
    if code:
        error = {"code": redact(code, mapping)}
        if description:
            error["description"] = redact(description, mapping)
        manifest["error"] = error
    members = {
        HAR_MEMBER: text.encode("utf-8"),
        MANIFEST_MEMBER: (
            json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        ).encode("utf-8"),
    }
    if len(members[MANIFEST_MEMBER]) > MAX_MANIFEST_BYTES:
        raise FormatError(
            f"The note is too long for a bundle (at most {MAX_MANIFEST_BYTES // 1024} KB "
            "with the rest of the manifest): shorten it."
        )
    total = sum(len(data) for data in members.values())
    if total > MAX_UNCOMPRESSED_BYTES:
        raise FormatError(
            f"The exchange is {total / 1024 / 1024:.0f} MB written out; a bundle holds at "
            f"most {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB: share a smaller response."
        )
    return _zip(members)


# --------------------------------------------------------------------------- reading

_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    OverflowError,
    NotImplementedError,
    RuntimeError,
    struct.error,
    KeyError,
    IndexError,
)
_DAMAGED = "The bundle is damaged (cut short or changed): its zip archive cannot be read."
_DRIVE = re.compile(r"^[A-Za-z]:")
_END_RECORD = b"PK\x05\x06"  # the end of central directory record, 22 bytes and a comment
_END_SIZE = 22


def sniff(data: bytes, name: str) -> bool:
    """Whether ``data`` (a file called ``name``) looks like a bundle: a zip archive named
    ``*.apx`` or carrying the bundle's zip comment."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    return name.lower().endswith(EXTENSION) or data[-256:].endswith(_COMMENT)


def _safe_name(name: str) -> bool:
    if not name or name.startswith("/") or "\\" in name or "\x00" in name:
        return False
    return _DRIVE.match(name) is None and ".." not in name.split("/")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    if info.flag_bits & 0x1:
        raise FormatError(f"The bundle's {info.filename} is encrypted: it cannot be read.")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise FormatError(
            f"The bundle's {info.filename} is compressed in a way bundles are not "
            "(only stored or deflated members are read)."
        )
    too_big = FormatError(
        f"The bundle's {info.filename} decompresses to more than {limit // 1024 // 1024} MB: "
        "it is not read."
    )
    if info.file_size > limit:
        raise too_big
    chunks = []
    total = 0
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            if total > limit:
                raise too_big
            chunks.append(chunk)
    return b"".join(chunks)


def _members(data: bytes) -> tuple[bytes, bytes]:
    """(manifest, HAR) bytes, read within the limits."""
    if not data.startswith(b"PK\x03\x04"):
        raise FormatError(
            "This file is not a reproduction bundle: a bundle is a zip archive, and this is not."
        )
    if len(data) > MAX_UNCOMPRESSED_BYTES + MAX_MANIFEST_BYTES:
        raise FormatError(
            f"The bundle is {len(data) / 1024 / 1024:.0f} MB; bundles over "
            f"{MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB are not read."
        )
    # zipfile accepts an archive whose comment was cut short: a cut file is damaged.
    end = data.rfind(_END_RECORD, max(0, len(data) - _END_SIZE - 0xFFFF))
    if end < 0 or end + _END_SIZE > len(data):
        raise FormatError(_DAMAGED)
    (comment_size,) = struct.unpack_from("<H", data, end + _END_SIZE - 2)
    if end + _END_SIZE + comment_size != len(data):
        raise FormatError(_DAMAGED)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                raise FormatError(
                    f"The bundle holds {len(infos)} files; a bundle holds {HAR_MEMBER} and "
                    f"{MANIFEST_MEMBER} (at most {MAX_MEMBERS} files are read)."
                )
            for info in infos:
                if not _safe_name(info.filename):
                    raise FormatError(
                        f"The bundle holds a file named {info.filename[:80]!r}, outside the "
                        "bundle: it is not read."
                    )
            found: dict[str, zipfile.ZipInfo] = {}
            for info in infos:
                if info.filename in (HAR_MEMBER, MANIFEST_MEMBER):
                    if info.filename in found:
                        raise FormatError(
                            f"The bundle holds {info.filename} twice: it is not read."
                        )
                    found[info.filename] = info
            for wanted in (MANIFEST_MEMBER, HAR_MEMBER):
                if wanted not in found:
                    raise FormatError(
                        f"This zip archive is not a reproduction bundle: it has no {wanted}."
                    )
            manifest_info, har_info = found[MANIFEST_MEMBER], found[HAR_MEMBER]
            if manifest_info.file_size + har_info.file_size > MAX_UNCOMPRESSED_BYTES:
                raise FormatError(
                    "The bundle decompresses to more than "
                    f"{MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB: it is not read."
                )
            manifest = _read_member(archive, manifest_info, MAX_MANIFEST_BYTES)
            exchange = _read_member(archive, har_info, MAX_UNCOMPRESSED_BYTES - len(manifest))
    except FormatError:
        raise
    except _ZIP_ERRORS:
        raise FormatError(_DAMAGED) from None
    return manifest, exchange


class _Json:
    """Typed reads from one member's JSON, each failure a sentence naming the field."""

    def __init__(self, member: str) -> None:
        self.member = member

    def fail(self, where: str, problem: str) -> FormatError:
        return FormatError(f"The bundle is damaged: in {self.member}, {where} {problem}.")

    def load(self, data: bytes) -> dict[str, object]:
        try:
            document = json.loads(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise FormatError(
                f"The bundle is damaged: {self.member} is not UTF-8 text "
                f"(byte {exc.start} cannot be decoded)."
            ) from None
        except json.JSONDecodeError as exc:
            raise FormatError(
                f"The bundle is damaged: {self.member} is not valid JSON ({exc.msg} at line "
                f"{exc.lineno}, column {exc.colno})."
            ) from None
        except (ValueError, RecursionError):
            raise FormatError(
                f"The bundle is damaged: {self.member} cannot be read as JSON."
            ) from None
        return self.mapping(document, "the top level")

    def mapping(self, value: object, where: str) -> dict[str, object]:
        if not isinstance(value, dict):
            raise self.fail(where, "is not a JSON object")
        return value

    def array(self, value: object, where: str) -> list[object]:
        if not isinstance(value, list):
            raise self.fail(where, "is not a list")
        return value

    def text(self, parent: Mapping[str, object], key: str, where: str, default: str = "") -> str:
        value = parent.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self.fail(f"{where}{key}", "is not text")
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:  # JSON's "\ud800": a half of a character
                raise self.fail(f"{where}{key}", "is not valid text") from None
        return value

    def number(self, parent: Mapping[str, object], key: str, where: str) -> float:
        value = parent.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(f"{where}{key}", "is not a number")
        number = float(value)
        if not math.isfinite(number) or number < 0:
            raise self.fail(f"{where}{key}", "is not a duration")
        return number

    def integer(self, parent: Mapping[str, object], key: str, where: str, top: int) -> int:
        value = parent.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
            raise self.fail(f"{where}{key}", "is not a whole number in its range")
        return value

    def moment(self, parent: Mapping[str, object], key: str, where: str) -> datetime:
        text = self.text(parent, key, where)
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            raise self.fail(f"{where}{key}", "is not an ISO 8601 time") from None

    def headers(self, value: object, where: str) -> tuple[tuple[str, str], ...]:
        rows = []
        for number, item in enumerate(self.array(value, where)):
            row = self.mapping(item, f"{where}[{number}]")
            rows.append(
                (
                    self.text(row, "name", f"{where}[{number}]."),
                    self.text(row, "value", f"{where}[{number}]."),
                )
            )
        return tuple(rows)

    def content(self, value: object, content_type: str, where: str) -> bytes:
        content = self.mapping(value, where)
        text = self.text(content, "text", f"{where}.")
        encoding = self.text(content, "encoding", f"{where}.")
        if encoding.lower() == "base64":
            try:
                return base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError):
                raise self.fail(f"{where}.text", "is marked base64 but is not") from None
        try:
            return text.encode(charset_of(content_type))
        except (UnicodeError, LookupError):
            raise self.fail(f"{where}.text", "cannot be written in its charset") from None


def _content_type(headers: Iterable[tuple[str, str]]) -> str:
    return next((v for k, v in headers if k.lower() == "content-type"), "")


def _exchange(data: bytes) -> HarEntry:
    reader = _Json(HAR_MEMBER)
    log = reader.mapping(reader.load(data).get("log"), "log")
    entries = reader.array(log.get("entries"), "log.entries")
    if len(entries) != 1:
        raise FormatError(
            f"The bundle is damaged: {HAR_MEMBER} holds {len(entries)} exchanges, not one."
        )
    entry = reader.mapping(entries[0], "the entry")
    request = reader.mapping(entry.get("request"), "request")
    method = reader.text(request, "method", "request.").strip()
    if not method:
        raise reader.fail("request.method", "is empty")
    url = reader.text(request, "url", "request.")
    headers = reader.headers(request.get("headers", []), "request.headers")
    body = b""
    if request.get("postData") is not None:
        body = reader.content(request["postData"], _content_type(headers), "request.postData")
    response = reader.mapping(entry.get("response"), "response")
    status = reader.integer(response, "status", "response.", 999)
    elapsed = reader.number(entry, "time", "")
    started = reader.moment(entry, "startedDateTime", "")
    http_version = reader.text(request, "httpVersion", "request.", "HTTP/1.1")
    sent = PreparedRequest(method, url, headers, body, _TIMEOUT)
    if status == 0:
        return HarEntry(
            request=sent,
            status=None,
            reason="",
            headers=(),
            body=b"",
            started=started,
            elapsed_ms=elapsed or None,
            http_version=http_version,
            failure=reader.text(response, "_error", "response."),
        )
    response_headers = reader.headers(response.get("headers", []), "response.headers")
    response_body = b""
    if response.get("content") is not None:
        content_type = _content_type(response_headers)
        response_body = reader.content(response["content"], content_type, "response.content")
    return HarEntry(
        request=sent,
        status=status,
        reason=reader.text(response, "statusText", "response."),
        headers=response_headers,
        body=response_body,
        started=started,
        elapsed_ms=elapsed,
        http_version=http_version,
    )


def _redaction(reader: _Json, value: object, where: str) -> Redaction:
    item = reader.mapping(value, where)
    kind_text = reader.text(item, "kind", f"{where}.")
    try:
        kind = RedactionKind(kind_text)
    except ValueError:
        raise reader.fail(f"{where}.kind", f"names an unknown kind ({kind_text!r})") from None
    places = reader.array(item.get("where", []), f"{where}.where")
    if not all(isinstance(place, str) for place in places):
        raise reader.fail(f"{where}.where", "is not a list of texts")
    return Redaction(kind, reader.text(item, "name", f"{where}."), tuple(map(str, places)))


def read_bundle(data: bytes) -> Bundle:
    """The bundle in ``data``; ``FormatError`` (one sentence) for anything that is not a
    readable bundle of a version this app knows, whatever the bytes."""
    manifest_data, exchange_data = _members(data)
    reader = _Json(MANIFEST_MEMBER)
    manifest = reader.load(manifest_data)
    if manifest.get("format") != FORMAT_NAME:
        raise FormatError(
            f"This zip archive is not a reproduction bundle: its {MANIFEST_MEMBER} does not "
            f'say "format": "{FORMAT_NAME}".'
        )
    version = manifest.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise reader.fail("format_version", "is not a version number")
    if version > FORMAT_VERSION:
        raise FormatError(
            f"The bundle is in format version {version}, newer than this app reads "
            f"({FORMAT_VERSION}): update API Explorer to open it."
        )
    error = reader.mapping(manifest.get("error", {}), "error")
    listed = reader.array(manifest.get("redactions", []), "redactions")
    return Bundle(
        exchange=_exchange(exchange_data),
        format_version=version,
        app_version=reader.text(manifest, "app_version", ""),
        os_name=reader.text(manifest, "os", ""),
        created=reader.moment(manifest, "created", ""),
        environment=reader.text(manifest, "environment", ""),
        correlation_id=reader.text(manifest, "correlation_id", ""),
        error_code=reader.text(error, "code", "error."),
        error_description=reader.text(error, "description", "error."),
        note=reader.text(manifest, "note", ""),
        redactions=tuple(
            _redaction(reader, item, f"redactions[{number}]") for number, item in enumerate(listed)
        ),
    )


# --------------------------------------------------------------------------- replay


def replay_request(bundle: Bundle) -> SavedRequest:
    """The recorded request as a request to send again: every ``«secret:NAME»`` is
    ``{{NAME}}`` (resolved in the environment picked for the replay), what the client makes
    on every send (Host, Content-Length …) is left out, Basic and Bearer credentials are the
    request's auth (as the HAR importer reads them), and a Paysera MAC header becomes MAC
    auth with ``{{mac_key}}``, so the replay is signed afresh. ``FormatError`` when the
    request's body is over ``app.formats.har.MAX_BYTES``."""
    recorded = replace(bundle.exchange, body=b"", headers=())
    imported = har.read(_har_text(recorded, {}).encode("utf-8"), "bundle.har")
    requests = imported.requests()
    if not requests:
        raise FormatError("The bundle's request has no http or https URL: it cannot be sent.")
    request = requests[0][1]
    kept = []
    auth = request.auth
    for header in request.headers:
        attributes = (
            parse_mac_header(header.value) if header.name.lower() == "authorization" else None
        )
        if attributes is None:
            kept.append(header)
            continue
        auth = AuthSpec(
            AuthKind.PAYSERA_MAC, (("mac_id", attributes["id"]), ("mac_key", "{{mac_key}}"))
        )
    return replace(request, headers=tuple(kept), auth=auth)

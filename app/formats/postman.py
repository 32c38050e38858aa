"""Postman collections (v2.0 and v2.1) and Postman environments, read into the core model.

``read`` takes a collection export (``*.postman_collection.json``) or an environment or
globals export (``_postman_variable_scope``) and returns an ``Imported``:

- folders at any depth, in order; requests with method, URL (``url.raw`` as typed, else
  built from its parts), query rows (disabled ones kept), headers (disabled ones kept),
  body (raw text or JSON, urlencoded, form-data with files by path, file, GraphQL),
  description and variables; ``:name`` path segments with a ``url.variable`` value become
  ``{{name}}`` and a request variable;
- auth at the collection, folder and request level: ``basic``, ``bearer`` and ``apikey``
  map to ours, a missing auth inherits, ``noauth`` is none; every other Postman auth type
  (oauth2, digest, hawk, awsv4, ntlm, ...) is reported and kept as text in the item's
  description, the item set to inherit when its parent has the very same auth, else to none;
- collection ``variable``s become the collection's variables;
- secrets never stay in the tree: a literal password, token or API key in auth (or in an
  ``Authorization`` header), and every ``secret``-typed variable, become a secret variable
  of the environment named after the collection; the value goes to ``Imported.secrets``;
- Postman follows redirects unless told not to, so the collection follows them too and a
  request's ``followRedirects`` setting is kept.

What cannot come across is listed in ``Imported.report`` with its item path: scripts (with
their number of lines), saved example responses without a status, unsupported auth, body modes and
settings, Postman's dynamic ``{{$variables}}`` and names ``{{...}}`` cannot resolve here.
Postman collection v1 files are refused with a sentence saying how to export v2.1.

Errors: ``FormatError`` (one sentence) for anything that is not a Postman file this module
reads, never another exception.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import MappingProxyType

from app.core.collection import (
    MAX_EXAMPLE_BODY_CHARS,
    AuthKind,
    AuthSpec,
    Defaults,
    Environment,
    ResponseExample,
    SavedRequest,
    Variable,
)
from app.core.json_check import check_json
from app.core.request import METHODS, BodyMode, FormField, KeyValue
from app.core.urls import has_query, merge_disabled, params_from_url, url_with_params
from app.formats._common import plural
from app.formats._model import FormatError, Imported, ImportedFolder, Include, ReportLine

__all__ = ["MAX_BYTES", "read", "sniff"]

MAX_BYTES = 50 * 1024 * 1024
"""The largest file ``read`` takes; Postman's own exports of huge collections stay far below."""

_MAX_FOLDER_DEPTH = 64
_COLLECTION = "(collection)"
_UNTITLED_REQUEST = "Untitled request"
_UNTITLED_FOLDER = "Untitled folder"

_NAME = re.compile(r"[A-Za-z0-9_.\-]+")
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_SCHEMA_MARK = b"schema.getpostman.com/json/collection/v2"
_SCOPE_MARK = b'"_postman_variable_scope"'
_FILE_SUFFIXES = (".postman_collection.json", ".postman_environment.json", ".postman_globals.json")

# Postman's auth settings that only steer its own editor (remember the helper's data, show the
# password); nothing is lost without them.
_EDITOR_ONLY_AUTH_KEYS = frozenset({"saveHelperData", "showPassword"})
# Settings of unsupported auth types that hold credentials: their literal values go to the
# secret store even though the auth itself is only kept as text.
_SECRET_SETTING = re.compile(r"(secret|password|passphrase|token|key)$|secret|password", re.I)
_AUTH_SETTINGS = {
    "basic": frozenset({"username", "password"}),
    "bearer": frozenset({"token"}),
    "apikey": frozenset({"key", "value", "in"}),
}
_KNOWN_AUTH_TYPES = frozenset({"noauth", "inherit", *_AUTH_SETTINGS})
_JSON_CONTENT_TYPE = re.compile(r"^\s*application/([\w.+-]*\+)?json\b", re.I)
_CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization"})
# Postman leaves the body out of these methods unless disableBodyPruning says otherwise.
_PRUNED_METHODS = frozenset({"GET", "HEAD", "COPY", "PURGE", "UNLOCK"})


def sniff(data: bytes, name: str) -> bool:
    """Whether ``data`` looks like a Postman collection, environment or globals export."""
    if name.lower().endswith(_FILE_SUFFIXES):
        return True
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{"):
        return False
    if _SCOPE_MARK in data:
        return True
    return _SCHEMA_MARK in data or (b'"_postman_id"' in data and b'"item"' in data)


def read(data: bytes, name: str, include: Include | None = None) -> Imported:
    """Read a Postman collection (v2.0, v2.1), environment or globals export.

    ``include`` is not used: Postman files are self-contained. Raises ``FormatError``.
    """
    del include
    if len(data) > MAX_BYTES:
        raise FormatError(
            f"{name} is {len(data) / 1024 / 1024:.1f} MB, more than the "
            f"{MAX_BYTES // 1024 // 1024} MB a Postman file may be here."
        )
    text, document = _parse(data, name)
    try:
        if not isinstance(document, dict):
            raise FormatError(f"{name} is not a Postman collection or environment: no object.")
        scope = document.get("_postman_variable_scope")
        if isinstance(scope, str) and "item" not in document:
            return _read_environment(document, name, scope)
        if "item" not in document and isinstance(document.get("requests"), list):
            raise FormatError(
                f"{name} is a Postman collection v1, which is not read here: export it again "
                "from Postman as Collection v2.1."
            )
        if not _is_collection(document):
            raise FormatError(
                f'{name} is not a Postman collection or environment: it has no "item" list '
                "and no Postman schema."
            )
        return _CollectionReader(name, document, text).read()
    except RecursionError:
        raise FormatError(f"{name} is nested too deeply to be read.") from None


def _is_collection(document: dict[str, object]) -> bool:
    """A collection has items; an empty one at least says it is Postman's (an OpenAPI
    document in JSON has an ``info`` too)."""
    if "item" in document:
        return True
    info = document.get("info")
    return isinstance(info, dict) and (
        "_postman_id" in info or "schema.getpostman.com" in _text(info.get("schema"))
    )


def _parse(data: bytes, name: str) -> tuple[str, object]:
    """The text of ``data`` and the JSON value it holds."""
    try:
        text = data.decode(json.detect_encoding(data))
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"{name} is not UTF-8 text (byte {exc.start + 1} cannot be read)."
        ) from None
    try:
        return text, json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"{name} is not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}."
        ) from None
    except RecursionError:
        raise FormatError(f"{name} is nested too deeply to be read.") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise FormatError(f"{name} is not JSON that can be read: {exc}.") from None


# --- small readers of loosely typed JSON --------------------------------------------------


def _text(value: object) -> str:
    """A scalar as Postman means it: strings as they are, numbers and booleans as typed in
    JSON, null as empty; objects and arrays as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _description(value: object) -> str:
    """Postman's description: a string, or ``{content, type, version}``."""
    if isinstance(value, dict):
        return _text(value.get("content"))
    if isinstance(value, str):
        return value
    return "" if value is None else _text(value)


def _rows(value: object, where: str, what: str) -> list[dict[str, object]]:
    """A list of objects (headers, query rows, variables, form fields); ``None`` is empty."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise FormatError(f"{where}: {what} must be a list.")
    rows: list[dict[str, object]] = []
    for index, row in enumerate(value, 1):
        if row is None:
            continue
        if not isinstance(row, dict):
            raise FormatError(f"{where}: {what} entry {index} is not an object.")
        rows.append(row)
    return rows


def _disabled(row: dict[str, object]) -> bool:
    return row.get("disabled") is True or row.get("enabled") is False


def _key(row: dict[str, object]) -> str:
    return _text(row.get("key") if row.get("key") is not None else row.get("id"))


@dataclass
class _Dropped:
    """Descriptions of rows (headers, query, path variables, form fields) this model has no
    place for, counted over the whole collection for one report line."""

    headers: int = 0
    params: int = 0
    path_variables: int = 0
    form_fields: int = 0
    requests: set[str] = field(default_factory=set)

    def count(self, rows: Iterable[dict[str, object]], kind: str, where: str) -> None:
        found = sum(1 for row in rows if _description(row.get("description")).strip())
        if found:
            setattr(self, kind, getattr(self, kind) + found)
            self.requests.add(where)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- environments -------------------------------------------------------------------------


def _read_environment(document: dict[str, object], name: str, scope: str) -> Imported:
    title = _text(document.get("name")).strip() or ("Globals" if scope == "globals" else "")
    title = title or "Imported"
    values = _rows(document.get("values"), name, '"values"')
    where = "(environment)"
    secrets: dict[tuple[str, str], str] = {}
    variables: list[Variable] = []
    report: list[ReportLine] = []
    seen: set[str] = set()
    for row in values:
        key = _key(row)
        if not key:
            continue
        if key in seen:
            report.append(
                ReportLine(where, f'The variable "{key}" is defined twice; the first is kept.')
            )
            continue
        seen.add(key)
        value = _text(row.get("value"))
        enabled = not _disabled(row)
        if row.get("type") == "secret":
            variables.append(Variable(key, "", secret=True, enabled=enabled))
            if value:
                secrets[(title, key)] = value
                report.append(
                    ReportLine(
                        where,
                        f'The secret variable "{key}" was moved to the secret store; '
                        "files keep only its name.",
                    )
                )
        else:
            variables.append(Variable(key, value, enabled=enabled))
        if not _NAME.fullmatch(key):
            report.append(ReportLine(where, _bad_name_sentence(key)))
    environment = Environment(title, tuple(variables))
    label = "Postman globals" if scope == "globals" else "Postman environment"
    return Imported(
        format=label,
        root=ImportedFolder(title),
        environments=(environment,),
        secrets=MappingProxyType(secrets),
        report=tuple(report),
    )


def _bad_name_sentence(name: str) -> str:
    return (
        f'The variable name "{name}" cannot be used as {{{{{name}}}}} here: names hold '
        "only letters, digits, _, . and -."
    )


# --- collections --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Parent:
    """What an item inherits from the folders above it: their path and the Postman auth in
    force (``None``: none set above, or ``noauth``) and whether we could carry it over."""

    path: str
    auth: dict[str, object] | None
    auth_supported: bool


class _CollectionReader:
    """One pass over a collection document: builds the tree, collects the secrets found
    (declared in the environment named after the collection) and the report."""

    def __init__(self, file_name: str, document: dict[str, object], text: str) -> None:
        self.file_name = file_name
        self.document = document
        info = document.get("info")
        self.info: dict[str, object] = info if isinstance(info, dict) else {}
        title = _text(self.info.get("name")).strip()
        if not title:
            stem = file_name.rsplit("/", 1)[-1]
            for suffix in (*_FILE_SUFFIXES, ".json"):
                if stem.lower().endswith(suffix):
                    stem = stem[: -len(suffix)]
                    break
            title = stem.strip() or "Imported"
        self.title = title
        self.report: list[ReportLine] = []
        self.secret_values: dict[str, str] = {}  # variable name -> value, in order found
        self.secret_names: list[str] = []  # declared secret in the environment, in order
        self.reserved = self._names_in_use(document, text)
        self.dropped = _Dropped()

    # -- the whole collection --

    def read(self) -> Imported:
        document = self.document
        where = _COLLECTION
        variables = self._variables(document.get("variable"), where)
        description = _description(self.info.get("description"))
        auth, auth_text, supported = self._auth(document.get("auth"), where, None, "collection")
        if auth_text:
            description = _joined(description, auth_text)
        self._events(document.get("event"), where, "The collection's")
        self._bad_names_declared(variables, where)
        parent = _Parent("", _auth_object(document.get("auth")), supported)
        items = self._items(document.get("item"), parent, 0)
        defaults = Defaults(auth=auth, variables=variables, follow_redirects=True)
        root = ImportedFolder(self.title, tuple(items), defaults, description)
        self._report_dropped_descriptions()
        environments: tuple[Environment, ...] = ()
        if self.secret_names:
            environments = (
                Environment(
                    self.title, tuple(Variable(n, "", secret=True) for n in self.secret_names)
                ),
            )
        secrets = {(self.title, n): v for n, v in self.secret_values.items() if v}
        return Imported(
            format=self._format_label(),
            root=root,
            environments=environments,
            secrets=MappingProxyType(secrets),
            report=tuple(self.report),
        )

    def _format_label(self) -> str:
        schema = _text(self.info.get("schema"))
        if "/v2.0" in schema:
            return "Postman collection v2.0"
        if "/v2.1" in schema:
            return "Postman collection v2.1"
        return "Postman collection v2"

    @staticmethod
    def _names_in_use(document: dict[str, object], text: str) -> set[str]:
        """Every ``{{name}}`` in the file and every variable it declares: a secret variable
        made here must take none of them (a folder's variable would hide it)."""
        names = {m.group(1) for m in _PLACEHOLDER.finditer(text)}
        stack: list[object] = [document]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                rows = node.get("variable")
                if isinstance(rows, list):
                    names.update(_key(row) for row in rows if isinstance(row, dict))
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
        return names

    def _items(
        self, value: object, parent: _Parent, depth: int
    ) -> list[ImportedFolder | SavedRequest]:
        where = parent.path or _COLLECTION
        if value is None:
            return []
        if not isinstance(value, list):
            raise FormatError(f'{self.file_name}, {where}: "item" must be a list.')
        if depth > _MAX_FOLDER_DEPTH:
            raise FormatError(
                f"{self.file_name}, {where}: folders are nested more than {_MAX_FOLDER_DEPTH} deep."
            )
        found: list[ImportedFolder | SavedRequest] = []
        for index, node in enumerate(value, 1):
            if not isinstance(node, dict):
                raise FormatError(f"{self.file_name}, {where}: item {index} is not an object.")
            if "item" in node:
                found.append(self._folder(node, parent, depth))
            else:
                found.append(self._request(node, parent))
        return found

    # -- folders --

    def _folder(self, node: dict[str, object], parent: _Parent, depth: int) -> ImportedFolder:
        name = _text(node.get("name"))
        name = name if name.strip() else _UNTITLED_FOLDER
        where = f"{parent.path} / {name}" if parent.path else name
        description = _description(node.get("description"))
        variables = self._variables(node.get("variable"), where)
        auth, auth_text, supported = self._auth(node.get("auth"), where, parent, "folder")
        if auth_text:
            description = _joined(description, auth_text)
        self._events(node.get("event"), where, "The folder's")
        self._bad_names_declared(variables, where)
        inner = self._inherit(parent, where, node.get("auth"), supported)
        items = self._items(node.get("item"), inner, depth + 1)
        defaults = Defaults(auth=auth, variables=variables)
        return ImportedFolder(name, tuple(items), defaults, description)

    @staticmethod
    def _inherit(parent: _Parent, where: str, raw_auth: object, supported: bool) -> _Parent:
        own = _auth_object(raw_auth)
        if own is None or own.get("type") in (None, "inherit"):
            return _Parent(where, parent.auth, parent.auth_supported)
        return _Parent(where, own, supported)

    # -- requests --

    def _request(self, node: dict[str, object], parent: _Parent) -> SavedRequest:
        name = _text(node.get("name")) if _text(node.get("name")).strip() else _UNTITLED_REQUEST
        where = f"{parent.path} / {name}" if parent.path else name
        raw_request = node.get("request")
        request: dict[str, object]
        if isinstance(raw_request, str):
            request = {"url": raw_request}
        elif isinstance(raw_request, dict):
            request = raw_request
        elif raw_request is None:
            request = {}
            self._note(where, "It has no request in the file; it was imported as an empty GET.")
        else:
            raise FormatError(f'{self.file_name}, {where}: "request" must be an object.')

        method = _text(request.get("method")).strip().upper() or "GET"
        if method not in METHODS:
            self._note(
                where,
                f"Its method {method} is not one this app sends ({', '.join(METHODS)}); "
                "it was imported as GET.",
            )
            method = "GET"
        variables: list[Variable] = []
        url, params, path_variables = self._url(request.get("url"), where)
        variables.extend(path_variables)
        for variable in self._variables(node.get("variable"), where):
            if any(v.name == variable.name for v in variables):
                self._note(
                    where,
                    f'Its variable "{variable.name}" has the name of a path variable; '
                    "the path variable's value is kept.",
                )
                continue
            variables.append(variable)
        headers = self._headers(request.get("header"), where)
        description = _description(request.get("description")) or _description(
            node.get("description")
        )
        auth, auth_text, _ = self._auth(request.get("auth"), where, parent, "request")
        if auth_text:
            description = _joined(description, auth_text)
        body = self._body(request.get("body"), where, headers)
        follow = self._behaviour(node.get("protocolProfileBehavior"), where, method, body)
        for key in ("proxy", "certificate"):
            if request.get(key) not in (None, {}, ""):
                self._note(
                    where,
                    f"Its own {key} setting was not carried over: set it for the whole "
                    "collection instead.",
                )
        self._events(node.get("event"), where, "Its")
        examples = self._examples(node.get("response"), where)
        self._bad_names_declared(tuple(variables), where)
        saved = SavedRequest(
            name=name,
            method=method,
            url=url,
            params=params,
            headers=headers,
            body=body.text,
            body_mode=body.mode,
            auth=auth,
            variables=tuple(variables),
            description=description,
            follow_redirects=follow,
            form=body.form,
            graphql_variables=body.graphql_variables,
            examples=examples,
        )
        self._placeholders(saved, where)
        return saved

    def _behaviour(self, value: object, where: str, method: str, body: _Body) -> bool | None:
        behaviour = value if isinstance(value, dict) else {}
        follow: bool | None = None
        if isinstance(behaviour.get("followRedirects"), bool):
            follow = bool(behaviour["followRedirects"])
        has_body = bool(body.text.strip() or body.form)
        if (
            method in _PRUNED_METHODS
            and has_body
            and behaviour.get("disableBodyPruning") is not True
        ):
            self._note(
                where,
                f"Postman leaves the body out of a {method} request; this app sends it "
                "(clear the body to match).",
            )
        ignored = sorted(
            key for key in behaviour if key not in ("followRedirects", "disableBodyPruning")
        )
        if ignored:
            self._note(
                where,
                f"Its Postman {'setting' if len(ignored) == 1 else 'settings'} {_and(ignored)} "
                f"{'was' if len(ignored) == 1 else 'were'} not carried over.",
            )
        return follow

    # -- URL --

    def _url(self, value: object, where: str) -> tuple[str, tuple[KeyValue, ...], list[Variable]]:
        if value is None:
            return "", (), []
        if isinstance(value, str):
            return value, tuple(params_from_url(value)), []
        if not isinstance(value, dict):
            raise FormatError(f'{self.file_name}, {where}: "url" must be a string or an object.')
        query = _rows(value.get("query"), f"{self.file_name}, {where}", "the URL's query")
        self.dropped.count(query, "params", where)
        raw = value.get("raw")
        url = raw if isinstance(raw, str) and raw.strip() else self._built_url(value)
        typed = [
            KeyValue(_text(row.get("key")), _text(row.get("value")))
            for row in query
            if not _disabled(row)
        ]
        all_rows = [
            KeyValue(_text(row.get("key")), _text(row.get("value")), not _disabled(row))
            for row in query
        ]
        if not has_query(url) and typed:
            url = url_with_params(url, typed)
        elif has_query(url) and query and params_from_url(url) != typed:
            self._note(
                where,
                "Its URL's query and its list of query parameters differ; the URL as typed "
                "was kept.",
            )
        if query:
            params = merge_disabled(params_from_url(url), all_rows)
        else:
            params = tuple(params_from_url(url))
        url, variables = self._path_variables(url, value.get("variable"), where)
        return url, tuple(params), variables

    @staticmethod
    def _built_url(value: dict[str, object]) -> str:
        protocol = _text(value.get("protocol"))
        host_value = value.get("host")
        host = (
            ".".join(_text(part) for part in host_value)
            if isinstance(host_value, list)
            else _text(host_value)
        )
        port = _text(value.get("port"))
        path_value = value.get("path")
        if isinstance(path_value, list):
            segments = [
                _text(part.get("value")) if isinstance(part, dict) else _text(part)
                for part in path_value
            ]
            path = "/".join(segments)
        else:
            path = _text(path_value).lstrip("/")
        url = (protocol + "://" if protocol else "") + host + (":" + port if port else "")
        if path:
            url += "/" + path
        hash_part = _text(value.get("hash"))
        if hash_part:
            url += "#" + hash_part
        return url

    def _path_variables(self, url: str, value: object, where: str) -> tuple[str, list[Variable]]:
        rows = _rows(value, f"{self.file_name}, {where}", "the URL's path variables")
        if not rows:
            return url, []
        self.dropped.count(rows, "path_variables", where)
        known = {_key(row): row for row in reversed(rows) if _key(row)}
        head, query_mark, rest = url.partition("?")
        if "#" in head:
            head, hash_mark, fragment = head.partition("#")
            rest_text = hash_mark + fragment + query_mark + rest
        else:
            rest_text = query_mark + rest
        scheme_end = head.find("://")
        start = head.find("/", scheme_end + 3 if scheme_end >= 0 else 0)
        if start < 0:
            start = len(head)
        segments = head[start:].split("/")
        used: list[str] = []
        for index, segment in enumerate(segments):
            name = segment[1:]
            if segment.startswith(":") and name in known:
                if _NAME.fullmatch(name):
                    segments[index] = "{{" + name + "}}"
                    used.append(name)
                else:
                    self._note(where, _bad_name_sentence(name))
        url = head[:start] + "/".join(segments) + rest_text
        variables: list[Variable] = []
        seen: set[str] = set()
        for row in rows:
            name = _key(row)
            if not name or name in seen:
                continue
            seen.add(name)
            variables.append(Variable(name, _text(row.get("value")), enabled=not _disabled(row)))
        return url, variables

    # -- headers --

    def _examples(self, value: object, where: str) -> tuple[ResponseExample, ...]:
        """Saved example responses (``response``) with a status, each body at most
        ``MAX_EXAMPLE_BODY_CHARS``; cookies left out (they are credentials)."""
        if not isinstance(value, list):
            return ()
        examples: list[ResponseExample] = []
        for number, item in enumerate(value, 1):
            if not isinstance(item, dict):
                continue
            name = _text(item.get("name")).strip() or f"Example {number}"
            code = item.get("code")
            if not isinstance(code, int) or isinstance(code, bool) or not 100 <= code <= 599:
                self._note(where, f'Its saved example "{name}" has no status, so it was not kept.')
                continue
            body = _text(item.get("body"))
            if len(body) > MAX_EXAMPLE_BODY_CHARS:
                self._note(
                    where,
                    f'Its saved example "{name}" has a body over '
                    f"{MAX_EXAMPLE_BODY_CHARS // 1_000_000} MB, so it was not kept.",
                )
                continue
            try:
                rows = _rows(item.get("header"), f"{self.file_name}, {where}", "the headers")
            except FormatError:
                rows = []  # an example's headers are not worth refusing the file for
            headers = tuple(
                KeyValue(_text(row.get("key")), _text(row.get("value")))
                for row in rows
                if _text(row.get("key")).strip().lower() not in ("set-cookie", "authorization")
            )
            examples.append(ResponseExample(name, code, headers, body))
        return tuple(examples)

    def _headers(self, value: object, where: str) -> tuple[KeyValue, ...]:
        if isinstance(value, str):  # v2.0 allows the headers as one "Name: value" text
            rows: list[dict[str, object]] = []
            for line in value.splitlines():
                if not line.strip():
                    continue
                disabled = line.lstrip().startswith("//")
                name, _, text = line.lstrip().removeprefix("//").partition(":")
                rows.append({"key": name.strip(), "value": text.strip(), "disabled": disabled})
        else:
            rows = _rows(value, f"{self.file_name}, {where}", "the headers")
        self.dropped.count(rows, "headers", where)
        headers: list[KeyValue] = []
        for row in rows:
            name = _text(row.get("key"))
            text = _text(row.get("value"))
            if name.strip().lower() in _CREDENTIAL_HEADERS:  # disabled rows are saved too
                text = self._credential_header(name, text, where)
            headers.append(KeyValue(name, text, not _disabled(row)))
        return tuple(headers)

    def _credential_header(self, name: str, value: str, where: str) -> str:
        """``Authorization: Bearer abc`` typed as a header: the credential becomes a secret."""
        scheme, space, credential = value.strip().partition(" ")
        if not space:
            scheme, credential = "", value.strip()
        if not credential.strip() or "{{" in credential:
            return value
        reference = self._secret(
            credential.strip(),
            name.strip().lower().replace("-", "_"),
            where,
            f"The credential in its {name.strip()} header",
        )
        return f"{scheme} {reference}" if scheme else reference

    # -- variables --

    def _variables(self, value: object, where: str) -> tuple[Variable, ...]:
        rows = _rows(value, f"{self.file_name}, {where}", "the variables")
        variables: list[Variable] = []
        seen: set[str] = set()
        for row in rows:
            name = _key(row)
            if not name:
                continue
            if name in seen:
                self._note(where, f'The variable "{name}" is defined twice; the first is kept.')
                continue
            seen.add(name)
            text = _text(row.get("value"))
            if row.get("type") == "secret":
                self._secret_variable(name, text, where)
                continue
            variables.append(Variable(name, text, enabled=not _disabled(row)))
        return tuple(variables)

    def _secret_variable(self, name: str, value: str, where: str) -> None:
        """A ``secret``-typed variable: declared in the environment under its own name (the
        requests refer to it by that name), its value in the secret store."""
        if name in self.secret_names:
            if value and self.secret_values.get(name, value) != value:
                self._note(
                    where,
                    f'The secret variable "{name}" is defined again with another value; '
                    "the first value is kept.",
                )
            elif value and not self.secret_values.get(name):
                self.secret_values[name] = value
            return
        self.secret_names.append(name)
        self.secret_values[name] = value
        self._note(
            where,
            f'The secret variable "{name}" was moved to environment "{self.title}", its value '
            "to the secret store; files keep only its name.",
        )

    def _secret(self, value: str, base: str, where: str, what: str) -> str:
        """Moves a literal credential to a new secret variable and returns its reference."""
        name = next((n for n, v in self.secret_values.items() if v == value), None)
        if name is None:
            name = self._fresh_name(base, where)
            self.secret_names.append(name)
            self.secret_values[name] = value
        self._note(
            where,
            f"{what} was moved to the secret variable {{{{{name}}}}} of environment "
            f'"{self.title}"; files keep only its name.',
        )
        return "{{" + name + "}}"

    def _fresh_name(self, base: str, where: str) -> str:
        def clean(text: str) -> str:
            return re.sub(r"[^A-Za-z0-9_.\-]+", "_", text).strip("_.-")

        base = clean(base) or "secret"
        taken = self.reserved | set(self.secret_names)
        item = clean(where.rsplit(" / ", 1)[-1]) if where != _COLLECTION else ""
        candidates = [base] + ([f"{item}_{base}"] if item else [])
        for candidate in candidates:
            if candidate not in taken:
                return candidate
        number = 2
        while f"{candidates[-1]}_{number}" in taken:
            number += 1
        return f"{candidates[-1]}_{number}"

    # -- auth --

    def _auth(
        self, value: object, where: str, parent: _Parent | None, level: str
    ) -> tuple[AuthSpec, str, bool]:
        """Our auth for a Postman auth object, the text to keep in the description (for an
        unsupported type) and whether the auth was carried over."""
        if value is None:
            return AuthSpec(AuthKind.INHERIT), "", True
        if not isinstance(value, dict):
            raise FormatError(f'{self.file_name}, {where}: "auth" must be an object.')
        kind = _text(value.get("type")).strip()
        if kind in ("", "inherit"):
            return AuthSpec(AuthKind.INHERIT), "", True
        if kind == "noauth":
            return AuthSpec(AuthKind.NONE), "", True
        settings = _auth_settings(value.get(kind))
        if kind not in _KNOWN_AUTH_TYPES:
            if parent is not None and not parent.auth_supported and parent.auth == value:
                return AuthSpec(AuthKind.INHERIT), "", False
            return (
                AuthSpec(AuthKind.NONE),
                self._unsupported_auth(kind, settings, where, level),
                False,
            )
        extra = sorted(
            k for k in settings if k not in _EDITOR_ONLY_AUTH_KEYS | _AUTH_SETTINGS[kind]
        )
        if extra:
            self._note(where, f"Its {kind} auth settings {_and(extra)} were not carried over.")
        if kind == "basic":
            password = _text(settings.get("password"))
            if _literal(password):
                password = self._secret(password, "password", where, "The Basic auth password")
            return (
                AuthSpec(
                    AuthKind.BASIC,
                    (("username", _text(settings.get("username"))), ("password", password)),
                ),
                "",
                True,
            )
        if kind == "bearer":
            token = _text(settings.get("token"))
            if _literal(token):
                token = self._secret(token, "token", where, "The bearer token")
            return AuthSpec(AuthKind.BEARER, (("token", token),)), "", True
        key_name = _text(settings.get("key"))
        key_value = _text(settings.get("value"))
        place = _text(settings.get("in")).strip().lower() or "header"
        if place not in ("header", "query"):
            self._note(
                where,
                f'Its API key is to be sent in "{place}", which this app does not do; it is '
                "sent as a header.",
            )
            place = "header"
        if _literal(key_value):
            key_value = self._secret(key_value, key_name or "api_key", where, "The API key")
        return (
            AuthSpec(AuthKind.API_KEY, (("name", key_name), ("value", key_value), ("in", place))),
            "",
            True,
        )

    def _unsupported_auth(
        self, kind: str, settings: dict[str, object], where: str, level: str
    ) -> str:
        lines = [f'Postman auth "{kind}" (not supported here, so not applied):']
        for key, raw in settings.items():
            text = _text(raw)
            if isinstance(raw, str) and _literal(text) and _SECRET_SETTING.search(key):
                text = self._secret(text, key, where, f'The "{key}" of its {kind} auth')
            lines.append(f"- {key}: {text}")
        self._note(
            where,
            f'Postman auth "{kind}" is not supported here: the {level} was set to No auth '
            "and the auth's settings are kept in its description.",
        )
        return "\n".join(lines)

    # -- body --

    def _body(self, value: object, where: str, headers: tuple[KeyValue, ...]) -> _Body:
        if value is None or value == {}:
            return _Body()
        if not isinstance(value, dict):
            raise FormatError(f'{self.file_name}, {where}: "body" must be an object.')
        mode = _text(value.get("mode")).strip()
        if value.get("disabled") is True:
            self._note(where, "Postman had its body turned off; here it is sent.")
        options = value.get("options")
        if mode == "raw":
            return self._raw_body(value.get("raw"), options, where, headers)
        if mode in ("urlencoded", "formdata"):
            return self._form_body(value.get(mode), mode, where)
        if mode == "file":
            file = value.get("file")
            file = file if isinstance(file, dict) else {"src": file}
            src = file.get("src")
            if src in (None, "") and isinstance(file.get("content"), str):
                return _Body(_text(file.get("content")), BodyMode.RAW)
            if src in (None, ""):
                self._note(where, "Its file body names no file; choose one in the Body tab.")
            return _Body(_text(src), BodyMode.FILE)
        if mode == "graphql":
            graphql = value.get("graphql")
            graphql = graphql if isinstance(graphql, dict) else {}
            variables = graphql.get("variables")
            return _Body(
                _text(graphql.get("query")),
                BodyMode.GRAPHQL,
                graphql_variables=_text(variables),
            )
        if mode in ("", "none"):
            return _Body()
        self._note(where, f'Its body of kind "{mode}" was not carried over.')
        return _Body()

    def _raw_body(
        self, raw: object, options: object, where: str, headers: tuple[KeyValue, ...]
    ) -> _Body:
        text = _text(raw)
        language = ""
        if isinstance(options, dict) and isinstance(options.get("raw"), dict):
            language = _text(options["raw"].get("language")).strip().lower()
        if not text.strip():
            return _Body(text, BodyMode.JSON)
        content_type = next(
            (
                h.value
                for h in reversed(headers)
                if h.enabled and h.name.strip().lower() == "content-type"
            ),
            "",
        )
        declared = language == "json" or (
            not language and bool(_JSON_CONTENT_TYPE.match(content_type))
        )
        stripped = text.lstrip()
        looks = not language and stripped[:1] in ("{", "[")
        if not (declared or looks):
            return _Body(text, BodyMode.RAW)
        # Variables are filled in before the body is checked on sending, so a body that is
        # JSON once {{placeholders}} hold values is JSON.
        problem = check_json(_PLACEHOLDER.sub("0", text))
        if problem is None:
            return _Body(text, BodyMode.JSON)
        if declared:
            self._note(
                where,
                f"Its body is marked as JSON but is not valid JSON as typed "
                f"({problem.describe().rstrip('.')}); "
                "it was imported as raw text, which is sent as typed.",
            )
        return _Body(text, BodyMode.RAW)

    def _form_body(self, value: object, mode: str, where: str) -> _Body:
        rows = _rows(value, f"{self.file_name}, {where}", f"the {mode} body")
        self.dropped.count(rows, "form_fields", where)
        if not rows:
            return _Body()  # Postman sends no body for an empty form
        fields: list[FormField] = []
        for row in rows:
            name = _text(row.get("key"))
            enabled = not _disabled(row)
            content_type = _text(row.get("contentType"))
            if mode == "formdata" and row.get("type") == "file":
                src = row.get("src")
                paths = src if isinstance(src, list) else [src]
                if not [p for p in paths if _text(p)]:
                    self._note(
                        where, f'Its form field "{name}" names no file; choose one in the Body tab.'
                    )
                    paths = [""]
                for path in paths:
                    if _text(path) or paths == [""]:
                        fields.append(FormField(name, _text(path), enabled, True, content_type))
            else:
                if mode == "urlencoded":
                    content_type = ""
                fields.append(
                    FormField(name, _text(row.get("value")), enabled, False, content_type)
                )
        kind = BodyMode.FORM if mode == "urlencoded" else BodyMode.MULTIPART
        return _Body("", kind, form=tuple(fields))

    # -- scripts and other things not carried over --

    def _events(self, value: object, where: str, owner: str) -> None:
        if not isinstance(value, list):
            return
        parts: list[str] = []
        for event in value:
            if not isinstance(event, dict):
                continue
            listen = _text(event.get("listen")) or "unnamed"
            script = event.get("script")
            script = script if isinstance(script, dict) else {"exec": script}
            exec_value = script.get("exec")
            if isinstance(exec_value, list):
                code = "\n".join(_text(line) for line in exec_value)
            else:
                code = _text(exec_value)
            source = _text(script.get("src"))
            if not code.strip() and not source:
                continue  # an empty script: nothing is lost
            label = {"prerequest": "pre-request script", "test": "test script"}.get(
                listen, f'"{listen}" script'
            )
            if code.strip():
                count = len(code.rstrip().splitlines())
                parts.append(f"{label} ({plural(count, 'line')})")
            else:
                parts.append(f"{label} (from {source})")
        if parts:
            verb = "was" if len(parts) == 1 else "were"
            self._note(
                where,
                f"{owner} {_and(parts)} {verb} not carried over: this app does not run scripts.",
            )

    def _placeholders(self, request: SavedRequest, where: str) -> None:
        texts = [request.url, request.body, request.graphql_variables]
        texts += [p.name + p.value for p in request.params]
        texts += [h.name + h.value for h in request.headers]
        texts += [f.name + f.value for f in request.form]
        texts += [v for _, v in request.auth.values]
        dynamic: dict[str, None] = {}
        unusable: dict[str, None] = {}
        for text in texts:
            for match in _PLACEHOLDER.finditer(text):
                name = match.group(1)
                if name.startswith("$"):
                    dynamic["{{" + name + "}}"] = None
                elif not _NAME.fullmatch(name):
                    unusable["{{" + name + "}}"] = None
        if dynamic:
            self._note(
                where,
                f"It uses Postman's dynamic {'variable' if len(dynamic) == 1 else 'variables'} "
                f"{_and(list(dynamic))}, which this app does not fill in: "
                + (
                    "define it as a variable or type its value."
                    if len(dynamic) == 1
                    else "define them as variables or type their values."
                ),
            )
        if unusable:
            self._note(
                where,
                f"{_and(list(unusable))} cannot be resolved here: variable names hold only "
                "letters, digits, _, . and -.",
            )

    def _bad_names_declared(self, variables: Iterable[Variable], where: str) -> None:
        for variable in variables:
            if not _NAME.fullmatch(variable.name):
                self._note(where, _bad_name_sentence(variable.name))

    def _report_dropped_descriptions(self) -> None:
        dropped = self.dropped
        parts = [
            plural(count, label)
            for count, label in (
                (dropped.headers, "header"),
                (dropped.params, "query parameter"),
                (dropped.path_variables, "path variable"),
                (dropped.form_fields, "form field"),
            )
            if count
        ]
        if parts:
            self._note(
                _COLLECTION,
                f"The descriptions of {_and(parts)} (in "
                f"{plural(len(dropped.requests), 'request')}) were not carried over: rows "
                "have no description here.",
            )

    def _note(self, where: str, what: str) -> None:
        self.report.append(ReportLine(where, what))


@dataclass(frozen=True, slots=True)
class _Body:
    text: str = ""
    mode: BodyMode = BodyMode.JSON
    form: tuple[FormField, ...] = ()
    graphql_variables: str = ""


def _auth_object(value: object) -> dict[str, object] | None:
    return value if isinstance(value, dict) else None


def _auth_settings(value: object) -> dict[str, object]:
    """v2.1 writes an auth's settings as ``[{key, value, type}]``, v2.0 as an object."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    settings: dict[str, object] = {}
    if isinstance(value, list):
        for row in value:
            if isinstance(row, dict) and _text(row.get("key")):
                settings.setdefault(_text(row.get("key")), row.get("value"))
    return settings


def _literal(value: str) -> bool:
    """A credential typed in as it is (not empty, not built from ``{{variables}}``)."""
    return bool(value.strip()) and "{{" not in value


def _joined(description: str, extra: str) -> str:
    return f"{description.rstrip()}\n\n{extra}" if description.strip() else extra

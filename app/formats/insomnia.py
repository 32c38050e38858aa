"""Insomnia exports: v4 JSON (``"__export_format": 4``) and v5 YAML
(``type: collection.insomnia.rest/5.0``), with their environments.

What comes across
    Workspace -> the collection (its name and description); request groups -> folders at any
    depth (v4 links them by ``parentId`` and orders them by ``metaSortKey``, v5 nests them
    as ``children`` in order), with their headers, auth and folder environment (folder
    variables); requests -> requests with method, URL, query parameters, headers, body,
    auth, description, path parameters and the follow-redirects setting.

Environments
    Insomnia's base environment holds values every sub-environment sees, and a
    sub-environment's value wins over the base's. Our collection variables would win over
    the environment's, the other way round, so the base is not turned into collection
    variables: its values are merged into each sub-environment (the sub-environment's own
    value wins), which keeps what each request resolves to. Without sub-environments the
    base becomes the one environment. Nested values (``{"db": {"host": …}}``) become dotted
    names (``db.host``), which ``{{ _.db.host }}`` refers to.

Templating
    ``{{ _.NAME }}``, ``{{ NAME }}`` and ``{{ _['NAME'] }}`` become ``{{NAME}}``. Nunjucks
    tags (``{% response … %}``, ``{% uuid %}``, …), filters and other expressions cannot run
    here: they are kept as typed and reported.

Secrets
    A literal password, token or API key in an auth becomes a secret variable declared in
    every environment (one named after the collection is made when there is none); the
    request refers to it as ``{{name}}``. A variable that a credential refers to (an auth's
    password, token or key, or a header such as ``Authorization``, ``Cookie`` or
    ``X-Auth-Token``), or that Insomnia typed as secret, is made secret in every environment
    that defines it. Values go to ``Imported.secrets``, never into the tree.

Not carried over, and reported
    Auth kinds other than basic, bearer and API key (their settings stay in the description,
    secrets replaced by variables), disabled auth, scripts, template tags, cookie jars, API
    specs, unit tests, gRPC and WebSocket requests, proto files, certificates and other
    resource types. Cosmetic metadata (ids, timestamps, colours, sort keys) is left out
    without a report line.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import parse_qsl

import yaml

from app.core.collection import AuthKind, AuthSpec, Defaults, Environment, SavedRequest, Variable
from app.core.request import BodyMode, FormField, KeyValue
from app.core.urls import has_scheme, params_from_url, url_with_params
from app.core.variables import VARIABLE_PATTERN
from app.formats._common import as_dict, as_list, as_text, plural
from app.formats._model import FormatError, Imported, ImportedFolder, Include, ReportLine

__all__ = ["MAX_BYTES", "read", "sniff"]

MAX_BYTES = 50 * 1024 * 1024
"""Larger inputs are refused with a sentence: no real export comes near this."""

_MAX_DEPTH = 100  # folder levels; deeper trees are refused (readers of the tree recurse)
_MAX_YAML_NODES = 2_000_000  # YAML aliases can repeat a subtree: a bound on the expansion
_SNIFF_BYTES = 4096

_COLLECTION = "(collection)"
_UNTITLED_REQUEST = "Untitled request"
_UNTITLED_FOLDER = "Untitled folder"


# --------------------------------------------------------------------------- sniff


def sniff(data: bytes, name: str) -> bool:
    """Whether ``data`` looks like an Insomnia export (looks at its first 4 KB only)."""
    head = data[:_SNIFF_BYTES]
    if b"__export_format" in head and head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return True
    return b"insomnia.rest/5." in head


# --------------------------------------------------------------------------- values


def _flag(value: object, default: bool = False) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    if isinstance(value, int | float):
        return bool(value)
    return default


def _sort_key(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    number = float(value)
    return number if math.isfinite(number) else 0.0


def _quoted(items: Iterable[str]) -> str:
    return ", ".join(f'"{item}"' for item in items)


# --------------------------------------------------------------------------- parsing


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FormatError(
                f"The Insomnia export is not valid UTF-16 text (byte {exc.start})."
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"The Insomnia export is not UTF-8 text: byte {exc.start} cannot be decoded."
        ) from None


_YAML_INT = yaml.constructor.SafeConstructor()
# YAML's own types; any other tag (``!!python/object``, ``!custom``) is refused.
_YAML_TAGS = frozenset(
    {"str", "int", "float", "bool", "null", "timestamp", "binary", "map", "seq", "omap", "pairs",
     "set", "merge", "value"}
)  # fmt: skip


def _scalar(node: yaml.ScalarNode) -> object:
    tag = node.tag
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return node.value.strip().lower() in ("true", "yes", "on", "y")
    try:
        if tag == "tag:yaml.org,2002:int":
            return _YAML_INT.construct_yaml_int(node)
        if tag == "tag:yaml.org,2002:float":
            return _YAML_INT.construct_yaml_float(node)
    except (ValueError, OverflowError):
        return node.value
    return node.value


def _from_node(node: yaml.Node, depth: int, budget: list[int]) -> object:
    """A composed YAML node as plain data: every tag refused but YAML's own; aliases and
    nesting bounded, so a hostile file cannot make this run for ever."""
    budget[0] -= 1
    line = node.start_mark.line + 1
    if budget[0] < 0:
        raise FormatError(
            "The Insomnia file repeats its content through YAML aliases too many times to read."
        )
    if depth > 400:
        raise FormatError(f"The Insomnia file is nested too deeply (line {line}).")
    tag = node.tag or ""
    if tag.removeprefix("tag:yaml.org,2002:") not in _YAML_TAGS:
        raise FormatError(f"Line {line} of the Insomnia file uses the tag {tag}, which is refused.")
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return [_from_node(item, depth + 1, budget) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise FormatError(
                    f"Line {key_node.start_mark.line + 1} of the Insomnia file has a key "
                    "that is not text."
                )
            result[key_node.value] = _from_node(value_node, depth + 1, budget)
        return result
    return None


def _parse(text: str) -> tuple[dict[str, object], int]:
    """The export's top-level mapping and its version (4 or 5)."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FormatError(
                f"The Insomnia export is not valid JSON: {exc.msg} at line {exc.lineno}, "
                f"column {exc.colno}."
            ) from None
        except ValueError as exc:
            raise FormatError(f"The Insomnia export cannot be read as JSON: {exc}.") from None
        top = as_dict(doc)
        fmt = top.get("__export_format")
        if fmt is None:
            raise FormatError(
                'This JSON file is not an Insomnia export: it has no "__export_format".'
            )
        if fmt != 4:
            raise FormatError(
                f"This is an Insomnia export of format {as_text(fmt)}; only format 4 (and v5 "
                "YAML) can be read: export it again from a recent Insomnia."
            )
        return top, 4
    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise FormatError(
            f"The Insomnia file is not valid YAML{where}: {exc.problem or exc.context}."
        ) from None
    except yaml.YAMLError as exc:
        raise FormatError(f"The Insomnia file is not valid YAML: {exc}.") from None
    if node is None:
        raise FormatError("The Insomnia file is empty.")
    top = as_dict(_from_node(node, 0, [_MAX_YAML_NODES]))
    kind = as_text(top.get("type"))
    if not re.fullmatch(r"[a-z]+\.insomnia\.rest/5\.\d+", kind):
        raise FormatError(
            "This file is not an Insomnia export: it is neither v4 JSON nor v5 YAML "
            '(a "type: collection.insomnia.rest/5.0" line).'
        )
    return top, 5


# --------------------------------------------------------------------------- templates

_CLOSERS = {"{": "}}", "%": "%}", "#": "#}"}
_PART = re.compile(r"[A-Za-z0-9_$\-]+")
_SUBSCRIPT = re.compile(r"""\[\s*(?:'([^'\]]*)'|"([^"\]]*)"|(\d+))\s*\]""")
_NOT_NAME = re.compile(r"[^A-Za-z0-9_.\-]")


def _safe_name(name: str) -> str:
    """A variable name our ``{{name}}`` syntax can spell: other characters become ``_``."""
    return _NOT_NAME.sub("_", name.strip())


def _variable_name(expression: str) -> str | None:
    """``_.a.b``, ``a.b``, ``_['a b']`` -> ``a.b``, ``a_b``; ``None`` for anything else
    (filters, calls, arithmetic)."""
    text = expression.strip()
    if text.startswith("_."):
        text = text[2:]
    elif text.startswith("_["):
        text = text[1:]
    parts: list[str] = []
    pos = 0
    while pos < len(text):
        if text[pos] == "[":
            sub = _SUBSCRIPT.match(text, pos)
            if sub is None:
                return None
            parts.append(next(g for g in sub.groups() if g is not None))
            pos = sub.end()
        else:
            part = _PART.match(text, pos)
            if part is None:
                return None
            parts.append(part.group(0))
            pos = part.end()
        if pos < len(text):
            if text[pos] == ".":
                pos += 1
                if pos == len(text):
                    return None
            elif text[pos] != "[":
                return None
    name = _safe_name(".".join(parts))
    return name or None


def _convert(text: str, unsupported: dict[str, None]) -> str:
    """Insomnia's templating turned into ``{{name}}``; what cannot be turned is kept as
    typed and named in ``unsupported``. Linear in the text's length whatever it holds: an
    opener whose closer is nowhere after it is not looked for again."""
    if "{" not in text:
        return text
    pieces: list[str] = []
    pos = 0
    kinds = "{%#"
    while kinds:
        match = _openers(kinds).search(text, pos)
        if match is None:
            break
        start = match.start()
        kind = match.group(0)[1]
        end = text.find(_CLOSERS[kind], start + 2)
        if end == -1:
            kinds = kinds.replace(kind, "")
            continue
        inner = text[start + 2 : end]
        whole = text[start : end + 2]
        pieces.append(text[pos:start])
        pos = end + 2
        if kind == "%":
            words = inner.strip().split(None, 1)
            unsupported[f"{{% {words[0][:40] if words else ''} %}}"] = None
            pieces.append(whole)
        elif kind == "{":
            name = _variable_name(inner)
            if name is None:
                unsupported[whole[:80]] = None
                pieces.append(whole)
            else:
                pieces.append("{{" + name + "}}")
        else:
            pieces.append(whole)  # a comment
    pieces.append(text[pos:])
    return "".join(pieces)


@functools.cache
def _openers(kinds: str) -> re.Pattern[str]:
    return re.compile("\\{[" + re.escape(kinds) + "]")


# --------------------------------------------------------------------------- the tree


@dataclass
class _Node:
    """A folder, a request or something skipped, in one shape for both versions."""

    kind: str  # "folder" | "request" | "skip"
    name: str
    data: dict[str, object]
    children: list[_Node] = field(default_factory=list)
    skipped: str = ""  # for "skip": what it is, as a sentence's subject
    why: str = ""  # for "skip": why it was not imported
    detail: str = ""  # for "skip": said after its name ("with 2 tests")


_Row = tuple[str, str, bool, bool]  # a variable: name, value, enabled, typed as secret


@dataclass
class _EnvSpec:
    name: str
    variables: list[_Row]


_SKIPPED_V4 = {
    "grpc_request": "gRPC request",
    "websocket_request": "WebSocket request",
    "proto_file": "gRPC proto file",
    "proto_directory": "gRPC proto folder",
    "mock_server": "mock server",
    "mock_route": "mock route",
    "client_certificate": "client certificate",
    "ca_certificate": "CA certificate",
    "api_spec": "API spec",
    "unit_test_suite": "unit test suite",
    "unit_test": "unit test",
}

_HTTP_ONLY = "API Explorer sends HTTP requests only"
_SKIP_WHY = {
    "gRPC request": _HTTP_ONLY,
    "WebSocket request": _HTTP_ONLY,
    "gRPC proto file": _HTTP_ONLY,
    "gRPC proto folder": _HTTP_ONLY,
    "API spec": "import the OpenAPI document with the OpenAPI importer",
    "unit test suite": "Insomnia's JavaScript tests do not run here; the Tests tab's "
    "assertions can check responses",
    "unit test": "Insomnia's JavaScript tests do not run here",
    "client certificate": "set TLS in the collection settings",
    "CA certificate": "set TLS in the collection settings",
}
_NOTHING_LIKE_IT = "API Explorer has nothing like it"

# Auth fields that hold a credential; the rest (URLs, ids, flags) are kept as text.
_SECRET_FIELDS = frozenset(
    {
        "password",
        "token",
        "clientsecret",
        "accesstoken",
        "refreshtoken",
        "identitytoken",
        "consumersecret",
        "tokensecret",
        "privatekey",
        "secretaccesskey",
        "sessiontoken",
        "key",
        "value",
        "passphrase",
    }
)
_CREDENTIAL_HEADER = re.compile(
    r"^(authorization|proxy-authorization|cookie)$|token|secret|password|api[-_]?key|auth",
    re.IGNORECASE,
)
_AUTH_NAMES = {
    "oauth1": "OAuth 1.0",
    "oauth2": "OAuth 2.0",
    "digest": "Digest",
    "ntlm": "NTLM",
    "hawk": "Hawk",
    "iam": "AWS IAM v4",
    "asap": "Atlassian ASAP",
    "netrc": "Netrc file",
    "singleToken": "single token",
}
_Item = ImportedFolder | SavedRequest
_SCHEME_AND_CREDENTIAL = re.compile(r"(?i)^\s*(bearer|basic|token|key|apikey|sso-key)\s+(\S.*)$")
_PATH_PARAM = re.compile(r"(?<=/):([A-Za-z_][A-Za-z0-9_\-]*)")


class _Converter:
    """Turns the normalised tree and environments into an ``Imported``; one per read."""

    def __init__(self, version: int, taken: set[str]) -> None:
        self.version = version
        self.report: list[ReportLine] = []
        self.taken = taken
        self.literal_secrets: dict[str, str] = {}  # name -> value, declared everywhere
        self._by_value: dict[str, str] = {}
        self._next_number: dict[str, int] = {}  # per stem: where to look for a free name
        self.credential_refs: set[str] = set()

    # -- helpers ---------------------------------------------------------------------------

    def line(self, where: str, what: str) -> None:
        self.report.append(ReportLine(where or _COLLECTION, what))

    def _secret_name(self, base: str, value: str) -> str:
        known = self._by_value.get(value)
        if known is not None:
            return known
        stem = _safe_name(base) or "secret"
        name, number = stem, self._next_number.get(stem, 2)
        while name in self.taken:
            name, number = f"{stem}_{number}", number + 1
        self._next_number[stem] = number
        self.taken.add(name)
        self._by_value[value] = name
        self.literal_secrets[name] = value
        return name

    def secret(self, value: str, base: str, where: str, what: str) -> str:
        """``value`` for a credential: a literal goes to a secret variable (the reference is
        returned); a value with variables or template tags is kept, its names noted."""
        if not value.strip():
            return value
        names = VARIABLE_PATTERN.findall(value)
        if names or "{%" in value:
            self.credential_refs.update(names)
            return value
        name = self._secret_name(base, value)
        self.line(
            where,
            f"{what} is now the secret variable {{{{{name}}}}}, declared in every "
            "environment: its value goes to the secret store, not into the collection files.",
        )
        return "{{" + name + "}}"

    def _note_tags(self, where: str, unsupported: dict[str, None]) -> None:
        if unsupported:
            self.line(
                where,
                "Uses Insomnia template code that cannot run here, kept as typed: "
                + ", ".join(unsupported)
                + ".",
            )

    # -- headers, params, auth -------------------------------------------------------------

    def _headers(
        self, raw: object, where: str, tags: dict[str, None], notes: list[str]
    ) -> list[KeyValue]:
        rows: list[KeyValue] = []
        for item in as_list(raw):
            entry = as_dict(item)
            name = _convert(as_text(entry.get("name")), tags).strip()
            value = _convert(as_text(entry.get("value")), tags)
            if not name:
                if value.strip():
                    self.line(
                        where, f'A header without a name (value "{value[:40]}") was left out.'
                    )
                continue
            if _CREDENTIAL_HEADER.search(name):
                scheme = _SCHEME_AND_CREDENTIAL.match(value)
                what = f"The value of the header {name}"
                if scheme is not None:
                    value = f"{scheme.group(1)} " + self.secret(
                        scheme.group(2), f"{name}_{scheme.group(1)}", where, what
                    )
                else:
                    value = self.secret(value, name, where, what)
            rows.append(KeyValue(name, value, not _flag(entry.get("disabled"))))
            description = as_text(entry.get("description")).strip()
            if description:
                notes.append(f"Header {name}: {description}")
        return rows

    def _auth(
        self, raw: object, where: str, tags: dict[str, None], headers: list[KeyValue]
    ) -> tuple[AuthSpec, str]:
        """The auth, and text for the description when it could not come across."""
        auth = as_dict(raw)
        kind = as_text(auth.get("type")).strip()
        if not kind:
            return AuthSpec(AuthKind.INHERIT), ""
        if kind == "none":
            return AuthSpec(AuthKind.NONE), ""
        label = {"basic": "Basic", "bearer": "Bearer", "apikey": "API key"}.get(
            kind, _AUTH_NAMES.get(kind, kind)
        )

        def field_value(key: str) -> str:
            return _convert(as_text(auth.get(key)), tags)

        if _flag(auth.get("disabled")):
            text = self._auth_text(auth, label, where, tags)
            self.line(
                where,
                f"Its {label} auth was disabled in Insomnia, so it imports as No auth; "
                "its settings are in the description.",
            )
            return AuthSpec(AuthKind.NONE), f"{label} auth, disabled in Insomnia:\n{text}"
        if kind == "basic":
            if _flag(auth.get("useISO88591")):
                self.line(
                    where,
                    "Its Basic auth was encoded as ISO-8859-1 in Insomnia; it is sent as UTF-8 "
                    "here, which differs only for non-ASCII names and passwords.",
                )
            password = self.secret(
                field_value("password"), "password", where, "The Basic auth password"
            )
            return AuthSpec(
                AuthKind.BASIC, (("username", field_value("username")), ("password", password))
            ), ""
        if kind == "bearer":
            token = self.secret(field_value("token"), "token", where, "The bearer token")
            prefix = field_value("prefix").strip()
            if prefix and prefix.lower() != "bearer":
                headers.append(KeyValue("Authorization", f"{prefix} {token}"))
                self.line(
                    where,
                    f'Its bearer auth uses the prefix "{prefix}", which the Bearer auth here '
                    "cannot send: it is an Authorization header instead.",
                )
                return AuthSpec(AuthKind.NONE), ""
            return AuthSpec(AuthKind.BEARER, (("token", token),)), ""
        if kind == "apikey":
            key = field_value("key").strip()
            value = self.secret(
                field_value("value"), key or "api_key", where, f"The API key {key}".rstrip()
            )
            add_to = as_text(auth.get("addTo")).strip()
            if add_to == "cookie":
                headers.append(KeyValue("Cookie", f"{key}={value}"))
                self.line(
                    where,
                    "Its API key went in a cookie, which the API key auth here cannot do: it "
                    "is a Cookie header instead.",
                )
                return AuthSpec(AuthKind.NONE), ""
            where_to = "query" if add_to == "queryParams" else "header"
            return AuthSpec(
                AuthKind.API_KEY, (("name", key), ("value", value), ("in", where_to))
            ), ""
        text = self._auth_text(auth, label, where, tags)
        self.line(
            where,
            f"Its {label} auth cannot be imported (API Explorer has Basic, Bearer, API key and "
            "Paysera MAC): it imports as No auth, its settings are in the description.",
        )
        return AuthSpec(AuthKind.NONE), f"{label} auth, not imported:\n{text}"

    def _auth_text(
        self, auth: Mapping[str, object], label: str, where: str, tags: dict[str, None]
    ) -> str:
        lines = []
        for key, raw in auth.items():
            if key in ("type", "disabled") or isinstance(raw, dict | list) or raw in ("", None):
                continue
            value = _convert(as_text(raw), tags)
            if key.lower() in _SECRET_FIELDS and not (
                key == "key" and as_text(auth.get("type")) == "apikey"
            ):
                value = self.secret(value, key, where, f"The {label} auth's {key}")
            lines.append(f"  {key}: {value}")
        return "\n".join(lines)

    # -- bodies ----------------------------------------------------------------------------

    def _form_fields(
        self, raw: object, tags: dict[str, None], multipart: bool, notes: list[str]
    ) -> list[FormField]:
        fields: list[FormField] = []
        for item in as_list(raw):
            entry = as_dict(item)
            name = _convert(as_text(entry.get("name")), tags)
            enabled = not _flag(entry.get("disabled"))
            description = as_text(entry.get("description")).strip()
            if description:
                notes.append(f"Field {name}: {description}")
            if multipart and as_text(entry.get("type")) == "file":
                path = _convert(as_text(entry.get("fileName")), tags)
                fields.append(FormField(name, path, enabled, file=True))
                continue
            value = _convert(as_text(entry.get("value")), tags)
            if not name and not value:
                continue
            fields.append(FormField(name, value, enabled))
        return fields

    def _body(
        self,
        raw: object,
        headers: list[KeyValue],
        where: str,
        tags: dict[str, None],
        notes: list[str],
    ) -> tuple[BodyMode, str, tuple[FormField, ...], str]:
        body = as_dict(raw)
        mime = as_text(body.get("mimeType")).strip()
        media = mime.split(";", 1)[0].strip().lower()
        text = _convert(as_text(body.get("text")), tags)
        file_name = as_text(body.get("fileName")).strip()
        if file_name or (media == "application/octet-stream" and not text):
            return BodyMode.FILE, _convert(file_name, tags), (), ""
        if media == "application/x-www-form-urlencoded":
            if "params" in body:
                fields = self._form_fields(body.get("params"), tags, False, notes)
            else:
                fields = [FormField(k, v) for k, v in parse_qsl(text, keep_blank_values=True)]
            return BodyMode.FORM, "", tuple(fields), ""
        if media == "multipart/form-data":
            fields = self._form_fields(body.get("params"), tags, True, notes)
            for header in list(headers):
                if header.name.lower() == "content-type" and "boundary" not in header.value:
                    headers.remove(header)
                    self.line(
                        where,
                        f'Its header "Content-Type: {header.value}" was left out: a multipart '
                        "body needs the boundary that is made when it is sent.",
                    )
            return BodyMode.MULTIPART, "", tuple(fields), ""
        if media == "application/graphql":
            return self._graphql(text, where)
        if media == "application/json" or media.endswith("+json"):
            return BodyMode.JSON, text, (), ""
        if not media and not text:
            return BodyMode.JSON, "", (), ""
        if media and not any(h.name.lower() == "content-type" for h in headers):
            headers.append(KeyValue("Content-Type", mime))
        return BodyMode.RAW, text, (), ""

    def _graphql(self, text: str, where: str) -> tuple[BodyMode, str, tuple[FormField, ...], str]:
        try:
            document = json.loads(text) if text.strip() else {}
        except (ValueError, RecursionError):
            document = None
        if not isinstance(document, dict):
            self.line(
                where,
                'Its GraphQL body is not the JSON Insomnia writes ({"query": …}), so it '
                "imports as raw text.",
            )
            return BodyMode.RAW, text, (), ""
        variables = document.get("variables")
        variables_text = ""
        if isinstance(variables, str):
            variables_text = variables
        elif variables not in (None, {}, []):
            variables_text = json.dumps(variables, indent=2, ensure_ascii=False)
        operation = as_text(document.get("operationName")).strip()
        if operation:
            self.line(
                where,
                f'Its GraphQL operation name "{operation}" was not carried over: the server '
                "runs the query's only operation, or name it in the query.",
            )
        return BodyMode.GRAPHQL, as_text(document.get("query")), (), variables_text

    # -- requests and folders --------------------------------------------------------------

    def _settings(self, data: Mapping[str, object], where: str) -> bool | None:
        """Follow redirects (None: as the folder says), reporting settings not carried.

        Insomnia's cookie settings are not reported: API Explorer keeps no cookie jar, so it
        neither stores nor sends cookies, whatever they said."""
        if self.version == 4:
            follow = as_text(data.get("settingFollowRedirects"))
            render_off = _flag(data.get("settingDisableRenderRequestBody"))
            encode = _flag(data.get("settingEncodeUrl"), True)
        else:
            settings = as_dict(data.get("settings"))
            follow = as_text(settings.get("followRedirects"))
            render_off = not _flag(settings.get("renderRequestBody"), True)
            encode = _flag(settings.get("encodeUrl"), True)
        if render_off:
            self.line(
                where,
                "Insomnia sent its body without filling in variables; here {{variables}} in "
                "the body are filled in.",
            )
        if not encode:
            self.line(where, 'Insomnia\'s "do not encode the URL" setting was not carried over.')
        return {"on": True, "off": False}.get(follow.strip().lower())

    def _scripts(self, data: Mapping[str, object], where: str) -> None:
        if self.version == 4:
            scripts = {
                "pre-request": data.get("preRequestScript"),
                "after-response": data.get("afterResponseScript"),
            }
        else:
            section = as_dict(data.get("scripts"))
            scripts = {
                "pre-request": section.get("preRequest"),
                "after-response": section.get("afterResponse"),
            }
        for kind, script in scripts.items():
            text = as_text(script).strip()
            if text:
                lines = plural(text.count("\n") + 1, "line")
                self.line(
                    where,
                    f"Its {kind} script ({lines}) was not imported: scripts do not run here.",
                )

    def _url(
        self,
        data: Mapping[str, object],
        where: str,
        tags: dict[str, None],
        notes: list[str],
    ) -> tuple[str, tuple[KeyValue, ...], list[Variable]]:
        url = _convert(as_text(data.get("url")).strip(), tags)
        variables: list[Variable] = []
        path_names: dict[str, None] = {}
        for item in as_list(data.get("pathParameters")):
            entry = as_dict(item)
            name = as_text(entry.get("name")).strip()
            if not name:
                continue
            path_names[name] = None
            safe = _safe_name(name)
            variables.append(Variable(safe, _convert(as_text(entry.get("value")), tags)))
            description = as_text(entry.get("description")).strip()
            if description:
                notes.append(f"Path parameter {name}: {description}")
        if path_names:
            head, mark, rest = url.partition("?")

            def to_variable(match: re.Match[str]) -> str:
                name = match.group(1)
                return "{{" + _safe_name(name) + "}}" if name in path_names else match.group(0)

            url = _PATH_PARAM.sub(to_variable, head) + mark + rest
        if url and not has_scheme(url) and not url.startswith(("{{", "/", "{%")):
            url = "http://" + url
            self.line(where, "Its URL had no scheme; like Insomnia, http:// is put in front.")
        rows = list(params_from_url(url))
        for item in as_list(data.get("parameters")):
            entry = as_dict(item)
            name = _convert(as_text(entry.get("name")), tags)
            value = _convert(as_text(entry.get("value")), tags)
            if not name and not value:
                continue
            rows.append(KeyValue(name, value, not _flag(entry.get("disabled"))))
            description = as_text(entry.get("description")).strip()
            if description:
                notes.append(f"Query parameter {name}: {description}")
        if len(rows) > len(params_from_url(url)):
            url = url_with_params(url, rows)
        return url, tuple(rows), variables

    def request(self, node: _Node, where: str) -> SavedRequest:
        data = node.data
        tags: dict[str, None] = {}
        notes: list[str] = []
        method = as_text(data.get("method")).strip().upper() or "GET"
        url, params, variables = self._url(data, where, tags, notes)
        headers = self._headers(data.get("headers"), where, tags, notes)
        auth, auth_text = self._auth(data.get("authentication"), where, tags, headers)
        mode, body, form, graphql_variables = self._body(
            data.get("body"), headers, where, tags, notes
        )
        follow = self._settings(data, where)
        self._scripts(data, where)
        self._note_tags(where, tags)
        description = as_text(
            data.get("description")
            if self.version == 4
            else as_dict(data.get("meta")).get("description")
        ).strip()
        description = "\n\n".join(
            part for part in (description, "\n".join(notes), auth_text) if part
        )
        return SavedRequest(
            name=node.name,
            method=method,
            url=url,
            params=params,
            headers=tuple(headers),
            body=body,
            body_mode=mode,
            auth=auth,
            variables=tuple(variables),
            description=description,
            follow_redirects=follow,
            form=form,
            graphql_variables=graphql_variables,
        )

    def folder_items(self, nodes: list[_Node], path: str, depth: int) -> list[_Item]:
        if depth > _MAX_DEPTH:
            raise FormatError(
                f"The Insomnia export nests folders more than {_MAX_DEPTH} deep (at {path})."
            )
        items: list[_Item] = []
        for node in nodes:
            where = f"{path} / {node.name}" if path else node.name
            if node.kind == "skip":
                why = node.why or _SKIP_WHY.get(node.skipped, _NOTHING_LIKE_IT)
                self.line(
                    path or _COLLECTION,
                    f'The {node.skipped} "{node.name}"{node.detail} was skipped: {why}.',
                )
                continue
            if node.kind == "folder":
                items.append(self.folder(node, where, depth + 1))
            else:
                items.append(self.request(node, where))
        return items

    def folder(self, node: _Node, where: str, depth: int) -> ImportedFolder:
        data = node.data
        tags: dict[str, None] = {}
        notes: list[str] = []
        headers = self._headers(data.get("headers"), where, tags, notes)
        auth, auth_text = self._auth(data.get("authentication"), where, tags, headers)
        self._scripts(data, where)
        items = self.folder_items(node.children, where, depth)
        variables = []
        for name, value, enabled, typed_secret in _flatten_env(
            data.get("environment"), tags, where, self
        ):
            if (typed_secret or name in self.credential_refs) and value.strip():
                value = self.secret(
                    value, f"{name}_secret", where, f"The folder variable {name}'s value"
                )
            variables.append(Variable(name, value, False, enabled))
        self._note_tags(where, tags)
        follow = None
        if self.version == 5:
            follow = {"on": True, "off": False}.get(
                as_text(as_dict(data.get("settings")).get("followRedirects")).lower()
            )
        description = as_text(
            data.get("description")
            if self.version == 4
            else as_dict(data.get("meta")).get("description")
        ).strip()
        return ImportedFolder(
            name=node.name,
            items=tuple(items),
            defaults=Defaults(
                headers=tuple(headers),
                auth=auth,
                variables=tuple(variables),
                follow_redirects=follow,
            ),
            description="\n\n".join(p for p in (description, "\n".join(notes), auth_text) if p),
        )

    # -- environments ----------------------------------------------------------------------

    def environments(
        self, specs: list[_EnvSpec], collection: str
    ) -> tuple[tuple[Environment, ...], dict[tuple[str, str], str]]:
        secrets: dict[tuple[str, str], str] = {}
        built: list[Environment] = []
        marked = self._credential_variables(specs)
        for spec in specs:
            variables: list[Variable] = []
            for name, value, enabled, typed_secret in spec.variables:
                if typed_secret or name in marked:
                    if value:
                        secrets[(spec.name, name)] = value
                    why = (
                        "Insomnia typed it as secret"
                        if typed_secret
                        else "an auth or a credential header uses it"
                    )
                    self.line(
                        _COLLECTION,
                        f'The variable {{{{{name}}}}} of the environment "{spec.name}" is now '
                        f"secret ({why}): its value goes to the secret store, not into files.",
                    )
                    variables.append(Variable(name, "", True, enabled))
                else:
                    variables.append(Variable(name, value, False, enabled))
            built.append(Environment(spec.name, tuple(variables)))
        if self.literal_secrets and not built:
            built.append(Environment(collection))
        final: list[Environment] = []
        for environment in built:
            present = {v.name for v in environment.variables}
            extra = tuple(
                Variable(name, "", True) for name in self.literal_secrets if name not in present
            )
            for name, value in self.literal_secrets.items():
                secrets[(environment.name, name)] = value
            final.append(Environment(environment.name, environment.variables + extra))
        return tuple(final), secrets

    def _credential_variables(self, specs: list[_EnvSpec]) -> set[str]:
        """Names credentials use, following variables that only point at another."""
        values: dict[str, list[str]] = {}
        for spec in specs:
            for name, value, _enabled, _secret in spec.variables:
                values.setdefault(name, []).append(value)
        marked: set[str] = set()
        pending = list(self.credential_refs)
        while pending:
            name = pending.pop()
            if name in marked:
                continue
            pointers = [
                m.group(1)
                for value in values.get(name, [])
                if (m := VARIABLE_PATTERN.fullmatch(value.strip())) is not None
            ]
            if pointers and all(
                VARIABLE_PATTERN.fullmatch(v.strip()) for v in values.get(name, [])
            ):
                pending.extend(p for p in pointers if p not in marked)
                continue
            marked.add(name)
        return marked


def _flatten_env(
    raw: object, tags: dict[str, None], where: str, converter: _Converter
) -> list[_Row]:
    """An Insomnia environment's data as (name, value, enabled, typed secret) rows."""
    rows: list[_Row] = []

    def walk(value: object, prefix: str, depth: int) -> None:
        if isinstance(value, dict) and value and depth < 32:
            for key, inner in value.items():
                walk(inner, f"{prefix}.{key}" if prefix else str(key), depth + 1)
            return
        name = _safe_name(prefix)
        if not name:
            return
        if name != prefix:
            converter.line(
                where,
                f'The variable "{prefix}" is named {{{{{name}}}}} here: a {{{{name}}}} holds '
                "letters, digits, _, . and - only.",
            )
        if isinstance(value, dict | list):
            text = json.dumps(value, ensure_ascii=False)
        else:
            text = as_text(value)
        rows.append((name, _convert(text, tags), True, False))

    for key, value in as_dict(raw).items():
        walk(value, key, 0)
    return rows


def _env_rows(
    data: Mapping[str, object], tags: dict[str, None], where: str, converter: _Converter
) -> list[_Row]:
    """Rows of an environment resource: its ``kvPairData`` (with enabled flags and secret
    types) when present, else its ``data``."""
    pairs = as_list(data.get("kvPairData"))
    if not pairs:
        return _flatten_env(data.get("data"), tags, where, converter)
    rows = []
    for item in pairs:
        entry = as_dict(item)
        raw_name = as_text(entry.get("name")).strip()
        name = _safe_name(raw_name)
        if not name:
            continue
        kind = as_text(entry.get("type"))
        rows.append(
            (
                name,
                _convert(as_text(entry.get("value")), tags),
                _flag(entry.get("enabled"), True),
                kind == "secret",
            )
        )
    return rows


def _merged(base: list[_Row], own: list[_Row]) -> list[_Row]:
    """The base environment's rows with the sub-environment's on top (its value wins)."""
    rows = {row[0]: row for row in base}
    for row in own:
        rows[row[0]] = row
    return list(rows.values())


def _unique(name: str, used: set[str]) -> str:
    candidate, number = name, 2
    while candidate in used:
        candidate, number = f"{name} ({number})", number + 1
    used.add(candidate)
    return candidate


# --------------------------------------------------------------------------- v4


def _v4_nodes(
    resources: list[dict[str, object]],
) -> tuple[list[tuple[dict[str, object], list[_Node]]], list[_Node]]:
    """Per workspace its child nodes, and the nodes whose parent is not in the file."""
    children: dict[str, list[tuple[int, dict[str, object]]]] = {}
    for index, resource in enumerate(resources):
        children.setdefault(as_text(resource.get("parentId")), []).append((index, resource))
    visited: set[int] = set()
    tree_types = {"request", "request_group", "unit_test_suite", *_SKIPPED_V4}

    def build(parent: str, depth: int) -> list[_Node]:
        if depth > _MAX_DEPTH:
            raise FormatError(f"The Insomnia export nests folders more than {_MAX_DEPTH} deep.")
        found = [
            (index, r)
            for index, r in children.get(parent, [])
            if as_text(r.get("_type")) in tree_types and id(r) not in visited
        ]
        found.sort(key=lambda pair: (_sort_key(pair[1].get("metaSortKey")), pair[0]))
        nodes: list[_Node] = []
        for _index, resource in found:
            visited.add(id(resource))
            nodes.append(node_of(resource, depth))
        return nodes

    def node_of(resource: dict[str, object], depth: int) -> _Node:
        kind = as_text(resource.get("_type"))
        name = as_text(resource.get("name")).strip()
        rid = as_text(resource.get("_id"))
        if kind == "request":
            return _Node("request", name or _UNTITLED_REQUEST, resource)
        if kind == "request_group":
            return _Node("folder", name or _UNTITLED_FOLDER, resource, build(rid, depth + 1))
        label = _SKIPPED_V4.get(kind, kind)
        why = _SKIP_WHY.get(label, _NOTHING_LIKE_IT)
        detail = ""
        if kind == "unit_test_suite":
            tests = [r for _i, r in children.get(rid, []) if as_text(r.get("_type")) == "unit_test"]
            for test in tests:
                visited.add(id(test))
            detail = f" with {plural(len(tests), 'test')}"
        if kind == "websocket_request":
            for _i, payload in children.get(rid, []):
                visited.add(id(payload))
        if kind == "api_spec":
            name = name or as_text(resource.get("fileName")).strip()
        return _Node("skip", name or "(unnamed)", resource, skipped=label, why=why, detail=detail)

    per_workspace = []
    for resource in resources:
        if as_text(resource.get("_type")) == "workspace" and id(resource) not in visited:
            visited.add(id(resource))
            per_workspace.append((resource, build(as_text(resource.get("_id")), 1)))
    orphans: list[_Node] = []
    for resource in resources:
        kind = as_text(resource.get("_type"))
        if kind in tree_types and id(resource) not in visited:
            visited.add(id(resource))
            orphans.append(node_of(resource, 1))
    return per_workspace, orphans


def _v4(top: dict[str, object], name: str) -> Imported:
    if not isinstance(top.get("resources"), list):
        raise FormatError('The Insomnia export has no "resources" list.')
    resources = [as_dict(r) for r in as_list(top.get("resources"))]
    taken = _v4_names(resources)
    converter = _Converter(4, taken)
    per_workspace, orphans = _v4_nodes(resources)
    known = {
        "workspace",
        "request",
        "request_group",
        "environment",
        "cookie_jar",
        "websocket_payload",
        "unit_test",
        *_SKIPPED_V4,
    }
    unknown: dict[str, int] = {}
    for resource in resources:
        kind = as_text(resource.get("_type"))
        if kind not in known:
            unknown[kind] = unknown.get(kind, 0) + 1
    environment_specs = _v4_environments(resources, per_workspace, converter)
    items: list[_Item] = []
    if len(per_workspace) == 1:
        workspace, nodes = per_workspace[0]
        collection = as_text(workspace.get("name")).strip() or "Insomnia"
        description = as_text(workspace.get("description")).strip()
        items = converter.folder_items(nodes + orphans, "", 1)
    else:
        collection = _stem(name) or "Insomnia"
        description = ""
        used: set[str] = set()
        for workspace, nodes in per_workspace:
            title = _unique(as_text(workspace.get("name")).strip() or _UNTITLED_FOLDER, used)
            inner = converter.folder_items(nodes, title, 2)
            items.append(
                ImportedFolder(
                    title, tuple(inner), description=as_text(workspace.get("description")).strip()
                )
            )
        items.extend(converter.folder_items(orphans, "", 1))
    if orphans:
        converter.line(
            _COLLECTION,
            f"{plural(len(orphans), 'item')} whose folder or workspace is not in the file "
            "are at the top of the collection.",
        )
    for resource in resources:
        if as_text(resource.get("_type")) == "cookie_jar":
            _report_cookies(converter, resource)
    for kind, count in unknown.items():
        converter.line(
            _COLLECTION,
            f'{plural(count, "resource")} of the type "{kind or "(none)"}" '
            f"{'was' if count == 1 else 'were'} skipped: API Explorer has nothing like "
            f"{'it' if count == 1 else 'them'}.",
        )
    environments, secrets = converter.environments(environment_specs, collection)
    return Imported(
        format="Insomnia v4 (JSON)",
        root=ImportedFolder(collection, tuple(items), description=description),
        environments=environments,
        secrets=MappingProxyType(secrets),
        report=tuple(converter.report),
    )


def _v4_names(resources: list[dict[str, object]]) -> set[str]:
    """Every variable name the file defines, so that new secret names never clash."""
    names: set[str] = set()
    scratch = _Converter(4, set())
    for resource in resources:
        kind = as_text(resource.get("_type"))
        if kind == "environment":
            names.update(row[0] for row in _env_rows(resource, {}, "", scratch))
        elif kind == "request_group":
            names.update(
                row[0] for row in _flatten_env(resource.get("environment"), {}, "", scratch)
            )
        elif kind == "request":
            for item in as_list(resource.get("pathParameters")):
                names.add(_safe_name(as_text(as_dict(item).get("name"))))
    return names


def _v4_environments(
    resources: list[dict[str, object]],
    per_workspace: list[tuple[dict[str, object], list[_Node]]],
    converter: _Converter,
) -> list[_EnvSpec]:
    workspaces = {as_text(w.get("_id")): w for w, _nodes in per_workspace}
    environments = [r for r in resources if as_text(r.get("_type")) == "environment"]
    env_ids = {as_text(e.get("_id")) for e in environments}
    bases = [e for e in environments if as_text(e.get("parentId")) not in env_ids]
    several = len(workspaces) > 1
    specs: list[_EnvSpec] = []
    used: set[str] = set()
    for base in bases:
        tags: dict[str, None] = {}
        base_name = as_text(base.get("name")).strip() or "Base Environment"
        base_rows = _env_rows(base, tags, _COLLECTION, converter)
        workspace = workspaces.get(as_text(base.get("parentId")))
        suffix = f" ({as_text(workspace.get('name')).strip()})" if several and workspace else ""
        subs = [e for e in environments if as_text(e.get("parentId")) == as_text(base.get("_id"))]
        subs.sort(key=lambda e: _sort_key(e.get("metaSortKey")))
        if not subs and base_rows:
            specs.append(_EnvSpec(_unique(base_name + suffix, used), base_rows))
        for sub in subs:
            sub_name = as_text(sub.get("name")).strip() or "Environment"
            rows = _merged(base_rows, _env_rows(sub, tags, _COLLECTION, converter))
            specs.append(_EnvSpec(_unique(sub_name + suffix, used), rows))
        if subs and base_rows:
            converter.line(
                _COLLECTION,
                f'The values of "{base_name}" are in each of its sub-environments '
                f"({_quoted(s.name for s in specs[-len(subs) :])}), whose own values win, as in "
                "Insomnia.",
            )
        converter._note_tags(f"environment {base_name}", tags)
    return specs


def _report_cookies(converter: _Converter, jar: Mapping[str, object]) -> None:
    cookies = [as_dict(c) for c in as_list(jar.get("cookies"))]
    if not cookies:
        return
    domains = sorted({as_text(c.get("domain")) for c in cookies if c.get("domain")})
    converter.line(
        _COLLECTION,
        f'The cookie jar "{as_text(jar.get("name")) or "Default Jar"}" with '
        f"{plural(len(cookies), 'cookie')} (for {', '.join(domains) or 'no domain'}) was not "
        "imported: API Explorer keeps no cookie jar, so add a Cookie header where a request "
        "needs one.",
    )


def _stem(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    for suffix in (".json", ".yaml", ".yml", ".insomnia"):
        if base.lower().endswith(suffix):
            base = base[: -len(suffix)]
    return base.strip()


# --------------------------------------------------------------------------- v5


def _v5_nodes(raw: object, depth: int) -> list[_Node]:
    if depth > _MAX_DEPTH:
        raise FormatError(f"The Insomnia file nests folders more than {_MAX_DEPTH} deep.")
    nodes: list[_Node] = []
    for item in as_list(raw):
        data = as_dict(item)
        if not data:
            continue
        name = as_text(data.get("name")).strip()
        rid = as_text(as_dict(data.get("meta")).get("id"))
        url = as_text(data.get("url")).strip().lower()
        if "children" in data:
            nodes.append(
                _Node(
                    "folder", name or _UNTITLED_FOLDER, data, _v5_nodes(data["children"], depth + 1)
                )
            )
        elif rid.startswith("greq_") or "protoFileId" in data or "protoMethodName" in data:
            nodes.append(_Node("skip", name or "(unnamed)", data, skipped="gRPC request"))
        elif rid.startswith("ws-req_") or url.startswith(("ws://", "wss://")):
            nodes.append(_Node("skip", name or "(unnamed)", data, skipped="WebSocket request"))
        else:
            nodes.append(_Node("request", name or _UNTITLED_REQUEST, data))
    return nodes


def _v5_names(nodes: list[_Node], environments: Mapping[str, object]) -> set[str]:
    names: set[str] = set()
    scratch = _Converter(5, set())
    pending = list(nodes)
    while pending:
        node = pending.pop()
        pending.extend(node.children)
        if node.kind == "folder":
            names.update(r[0] for r in _flatten_env(node.data.get("environment"), {}, "", scratch))
        for item in as_list(node.data.get("pathParameters")):
            names.add(_safe_name(as_text(as_dict(item).get("name"))))
    envs = [environments, *(as_dict(s) for s in as_list(environments.get("subEnvironments")))]
    for env in envs:
        names.update(r[0] for r in _env_rows(env, {}, "", scratch))
    return names


_V5_KNOWN = frozenset(
    {"type", "schema_version", "name", "meta", "collection", "cookieJar", "environments"}
)


def _v5(top: dict[str, object], name: str) -> Imported:
    kind = as_text(top.get("type"))
    nodes = _v5_nodes(top.get("collection"), 1)
    environments_raw = as_dict(top.get("environments"))
    converter = _Converter(5, _v5_names(nodes, environments_raw))
    collection = as_text(top.get("name")).strip() or _stem(name) or "Insomnia"
    if not kind.startswith(("collection.", "spec.")):
        converter.line(
            _COLLECTION,
            f'The file is an Insomnia "{kind}" export, not a collection: only its '
            "environments come across.",
        )
    items = converter.folder_items(nodes, "", 1)
    specs: list[_EnvSpec] = []
    if environments_raw:
        tags: dict[str, None] = {}
        base_name = as_text(environments_raw.get("name")).strip() or "Base Environment"
        base_rows = _env_rows(environments_raw, tags, _COLLECTION, converter)
        used: set[str] = set()
        subs = [as_dict(s) for s in as_list(environments_raw.get("subEnvironments"))]
        for sub in subs:
            sub_name = as_text(sub.get("name")).strip() or "Environment"
            rows = _merged(base_rows, _env_rows(sub, tags, _COLLECTION, converter))
            specs.append(_EnvSpec(_unique(sub_name, used), rows))
        if not subs and base_rows:
            specs.append(_EnvSpec(_unique(base_name, used), base_rows))
        if subs and base_rows:
            converter.line(
                _COLLECTION,
                f'The values of "{base_name}" are in each of its sub-environments '
                f"({_quoted(s.name for s in specs)}), whose own values win, as in Insomnia.",
            )
        converter._note_tags(f"environment {base_name}", tags)
    jar = as_dict(top.get("cookieJar"))
    if jar:
        _report_cookies(converter, jar)
    for key in top:
        if key not in _V5_KNOWN:
            what = "API spec" if key == "spec" else f'"{key}" section'
            converter.line(
                _COLLECTION,
                f"The file's {what} was not imported: API Explorer has nothing like it here.",
            )
    environments, secrets = converter.environments(specs, collection)
    return Imported(
        format="Insomnia v5 (YAML)",
        root=ImportedFolder(
            collection,
            tuple(items),
            description=as_text(as_dict(top.get("meta")).get("description")).strip(),
        ),
        environments=environments,
        secrets=MappingProxyType(secrets),
        report=tuple(converter.report),
    )


# --------------------------------------------------------------------------- read


def read(data: bytes, name: str, include: Include | None = None) -> Imported:
    """The Insomnia export in ``data`` as a collection; ``FormatError`` (one sentence) when
    it is not one or is broken. ``name`` is the file's name; ``include`` is not used."""
    if len(data) > MAX_BYTES:
        raise FormatError(
            f"The file is {len(data) / 1024 / 1024:.0f} MB; Insomnia exports over "
            f"{MAX_BYTES // 1024 // 1024} MB are not read."
        )
    try:
        top, version = _parse(_decode(data))
        return _v4(top, name) if version == 4 else _v5(top, name)
    except RecursionError:
        raise FormatError("The Insomnia export is nested too deeply to read.") from None

"""OpenAPI 3.0/3.1 and Swagger 2.0 descriptions (JSON or YAML) as a collection.

Every operation becomes a request, in a folder named after its first tag (untagged ones at
the top), named by its summary, else its ``operationId``, else ``METHOD /path``:

- the servers become the collection's base URL ``{{baseUrl}}``: one server gives collection
  variables (``baseUrl`` and each server variable, with its default); several give one
  environment each (named from the server's description, else its host). Swagger 2.0's
  ``schemes``, ``host`` and ``basePath`` are its one server.
- path parameters ``{id}`` become ``{{id}}`` with a request variable holding the example or
  default; query, header and cookie parameters become params, headers and a ``Cookie``
  header, enabled when required (with their example or default), disabled otherwise. The
  query of the enabled params is in the URL too, as the request builder keeps it.
- request bodies: JSON from ``example``, the first of ``examples`` or a value made up from
  the schema (``_schema_example``); urlencoded and multipart forms as form fields (binary
  properties as file fields); binary media as a file body; anything else as raw text with
  its Content-Type.
- security: HTTP basic, bearer and API keys in a header or the query become auth with
  ``{{username}}``/``{{password}}``, ``{{token}}`` or ``{{<key name>}}``, secret variables
  declared (empty) in an environment; the document's ``security`` is the collection's
  auth, an operation's own is the request's (``security: []`` is no auth). OAuth 2.0,
  OpenID Connect, mutual TLS and cookie API keys cannot be set as auth: they are reported
  and described in the request's description.

``$ref``s are followed within the document (cycles cut); references to other files are
reported, not fetched. What does not come across (callbacks, webhooks, links, responses,
auth that cannot be set) is listed in the report.

Reading is pure and bounded: YAML through libyaml's event parser with the safe loader's
types (aliases may not expand past a limit, recursive aliases and custom tags are
refused), JSON with exact numbers; at most 50 MB. Errors: ``FormatError`` with one
sentence, whatever the bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final
from urllib.parse import quote, unquote, urlsplit

import yaml
from yaml.resolver import Resolver

from app.core.collection import AuthKind, AuthSpec, Defaults, Environment, SavedRequest, Variable
from app.core.json_doc import JsonNumber, cyclic_gc_paused, iter_pretty, json_value_text
from app.core.request import BodyMode, FormField, KeyValue
from app.core.urls import params_from_url, url_with_params
from app.formats._model import FormatError, Imported, ImportedFolder, Include, ReportLine
from app.formats._schema_example import example_from_schema

__all__ = ["MAX_BYTES", "Progress", "read", "sniff"]

MAX_BYTES: Final = 50 * 1024 * 1024
"""The largest description read; a bigger one is refused with a sentence."""

Progress = Callable[[int, int], None]
"""Told ``(operations done, operations in all)`` while the operations are converted."""

_SNIFF = re.compile(
    rb"""(?:^|[{,]\s*)(?:(?:"openapi"|'openapi'|openapi)\s*:\s*["']?3\."""
    rb"""|(?:"swagger"|'swagger'|swagger)\s*:\s*["']?2\.0)""",
    re.MULTILINE,
)
_SNIFF_REACH: Final = 256  # bytes looked at before and after the word
_SNIFF_TRIES: Final = 10_000


def sniff(data: bytes, name: str) -> bool:
    """True when ``data`` looks like an OpenAPI 3 or Swagger 2.0 description: an
    ``openapi: 3…`` or ``swagger: "2.0"`` member at the start of a line or of an object."""
    del name  # the content decides: descriptions come with every extension
    # A regular expression over 50 MB takes seconds; finding the two words takes
    # milliseconds, and only the text around each (the first thousands) is matched.
    for word in (b"openapi", b"swagger"):
        at = data.find(word, 0, MAX_BYTES)
        for _ in range(_SNIFF_TRIES):
            if at == -1:
                break
            if _SNIFF.search(data, max(0, at - _SNIFF_REACH), at + _SNIFF_REACH) is not None:
                return True
            at = data.find(word, at + len(word), MAX_BYTES)
    return False


def read(
    data: bytes,
    name: str,
    include: Include | None = None,
    *,
    progress: Progress | None = None,
) -> Imported:
    """The collection ``data`` describes (``name`` is the file's name, for messages).

    ``include`` is not used: references to other files are reported, not followed.
    ``progress``, when given, is told ``(operations done, operations in all)`` about a
    hundred times while the operations are converted (after the text is parsed).
    Raises ``FormatError`` (one sentence) for anything that is not a readable OpenAPI 3
    or Swagger 2.0 description.
    """
    del include
    try:
        return read_strict(data, name, progress=progress)
    except FormatError:
        raise
    except RecursionError:
        raise FormatError(f"{_label(name)} is nested too deeply to read.") from None
    except MemoryError:
        raise FormatError(f"{_label(name)} needs more memory to read than there is.") from None
    except Exception as exc:  # the contract: a sentence, never a traceback
        raise FormatError(
            f"{_label(name)} could not be read because of a fault in the OpenAPI importer "
            f"({type(exc).__name__}); please report it with the file."
        ) from exc


def read_strict(data: bytes, name: str, *, progress: Progress | None = None) -> Imported:
    """``read`` without its last safety net: an unexpected exception propagates (tests)."""
    if len(data) > MAX_BYTES:
        raise FormatError(
            f"{_label(name)} is {len(data) / 1024 / 1024:.1f} MB; descriptions over "
            f"{MAX_BYTES // 1024 // 1024} MB are not read."
        )
    text = _decode(data, name)
    document, notes = _load(text, name)
    if not isinstance(document, dict):
        raise FormatError(f"{_label(name)} is not an OpenAPI description: it is not a mapping.")
    return _Converter(document, name, progress, notes).run()


def _label(name: str) -> str:
    return f'"{name}"' if name else "The description"


# --- bytes to values -------------------------------------------------------------------


def _decode(data: bytes, name: str) -> str:
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            data, encoding = data[len(bom) :], codec
            break
    else:
        encoding = "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"{_label(name)} is not {encoding.upper()} text (byte {exc.start} cannot be decoded)."
        ) from None


def _load(text: str, name: str) -> tuple[object, list[str]]:
    """The document's values and notes (keys given twice) for the report."""
    if text.lstrip(" \t\r\n").startswith(("{", "[")):
        return _load_json(text, name)
    return _YamlValues(name).load(text)


def _load_json(text: str, name: str) -> tuple[object, list[str]]:
    notes: list[str] = []

    def pairs(members: list[tuple[str, object]]) -> dict[str, object]:
        obj = dict(members)
        if len(obj) != len(members) and len(notes) < _MAX_NOTES:
            seen: set[str] = set()
            for key, _ in members:
                if key in seen:
                    notes.append(
                        f'The key "{key}" appears twice in one object; the last value is used.'
                    )
                seen.add(key)
        return obj

    def exact_int(digits: str) -> int | JsonNumber:
        try:
            return int(digits)
        except ValueError:  # more digits than int() takes: keep the number's text
            return JsonNumber(digits)

    try:
        with cyclic_gc_paused():
            value = json.loads(
                text,
                parse_float=JsonNumber,
                parse_int=exact_int,
                parse_constant=str,  # NaN and Infinity are not JSON; kept as their text
                object_pairs_hook=pairs,
            )
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"{_label(name)} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None
    except RecursionError:
        raise FormatError(f"{_label(name)} is nested too deeply to read.") from None
    return value, notes


_MAX_NOTES: Final = 20
_MAX_NESTING: Final = 1000
_MAX_INT_BITS: Final = 4000 * 3  # well inside the 4,300 decimal digits str() writes
_MAX_ALIAS_EXPANSION: Final = 1_000_000
_TAG: Final = "tag:yaml.org,2002:"
_BOOLS: Final[Mapping[str, bool]] = {
    "yes": True,
    "no": False,
    "true": True,
    "false": False,
    "on": True,
    "off": False,
}
_JSON_NUMBER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?\Z")
# The safe loader's implicit types (YAML 1.1): which regular expressions to try for a plain
# scalar, keyed by its first character. Only those scalars pay for a match.
_IMPLICIT: Final[Mapping[str, list[tuple[str, re.Pattern[str]]]]] = {
    key: list(value) for key, value in Resolver.yaml_implicit_resolvers.items() if key
}
_NULL_WHEN_EMPTY: Final = "" in Resolver.yaml_implicit_resolvers
_MERGE: Final = object()  # the key "<<": merge the mapping(s) given into this one
_NO_KEY: Final = object()


def _yaml_events(text: str) -> Iterator[yaml.Event]:
    """libyaml's events (its parser keeps its own stack: no recursion however deep the
    text); PyYAML's own parser where libyaml is missing."""
    if not yaml.__with_libyaml__:  # pragma: no cover  (every PyYAML wheel carries libyaml)
        yield from yaml.parse(text, Loader=yaml.SafeLoader)
        return
    from yaml._yaml import CParser

    parser = CParser(text)
    try:
        while True:
            event = parser.get_event()
            if event is None:
                return
            yield event
            if isinstance(event, yaml.StreamEndEvent):
                return
    finally:
        parser.dispose()


class _Open:
    """A mapping or sequence being built from events."""

    __slots__ = ("anchor", "key", "key_line", "merges", "size", "value")

    def __init__(self, value: dict[str, object] | list[object], anchor: str | None) -> None:
        self.value = value
        self.anchor = anchor
        self.key: object = _NO_KEY
        self.key_line = 0
        self.merges: list[dict[str, object]] = []
        self.size = 1  # values below, aliases expanded (for the alias limit)


class _YamlValues:
    """YAML text to plain values, as ``yaml.safe_load`` would give them, built from the
    parser's events without PyYAML's composer (which costs about 1 s per MB).

    Differences, all for OpenAPI's sake: keys are always text (``200:`` is ``"200"``),
    timestamps stay text, non-integer numbers keep their exact text (``JsonNumber``).
    Refused: several documents, tags other than the standard ones, non-text keys,
    an alias inside its own anchor, aliases expanding past a million values.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.notes: list[str] = []
        self.anchors: dict[str, tuple[object, int]] = {}
        self.open_anchors: set[str] = set()
        self.expanded = 0

    def fail(self, event: yaml.Event, problem: str) -> FormatError:
        line = event.start_mark.line + 1 if event.start_mark is not None else 0
        return FormatError(f"{_label(self.name)}, line {line}: {problem}.")

    def load(self, text: str) -> tuple[object, list[str]]:
        try:
            with cyclic_gc_paused():
                return self._build(_yaml_events(text)), self.notes
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f", line {mark.line + 1}" if mark is not None else ""
            problem = ", ".join(part for part in (exc.context, exc.problem) if part)
            raise FormatError(
                f"{_label(self.name)} is not valid YAML{where}: {problem or 'unreadable'}."
            ) from None
        except yaml.YAMLError as exc:
            reason = str(exc).split("\n", 1)[0]
            raise FormatError(f"{_label(self.name)} is not valid YAML: {reason}.") from None

    def _build(self, events: Iterator[yaml.Event]) -> object:
        stack: list[_Open] = []
        root: object = None
        documents = 0
        for event in events:
            if isinstance(event, yaml.ScalarEvent):
                if stack and stack[-1].key is _NO_KEY and isinstance(stack[-1].value, dict):
                    self._key(stack[-1], event)
                    continue
                value = self._scalar(event)
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, 1)
                root = self._attach(stack, value, 1, event, root)
            elif isinstance(event, yaml.CollectionStartEvent):
                self._check_collection_tag(event)
                if stack and stack[-1].key is _NO_KEY and isinstance(stack[-1].value, dict):
                    raise self.fail(
                        event, "a mapping key is a list or a mapping; keys must be text"
                    )
                if len(stack) >= _MAX_NESTING:
                    raise self.fail(event, f"it is nested more than {_MAX_NESTING} levels deep")
                container: dict[str, object] | list[object] = (
                    {} if isinstance(event, yaml.MappingStartEvent) else []
                )
                anchor = event.anchor
                if anchor is not None:
                    self.open_anchors.add(anchor)
                stack.append(_Open(container, anchor))
            elif isinstance(event, yaml.CollectionEndEvent):
                done = stack.pop()
                if done.merges and isinstance(done.value, dict):
                    _merge_into(done.value, done.merges)
                if done.anchor is not None:
                    self.open_anchors.discard(done.anchor)
                    self.anchors[done.anchor] = (done.value, done.size)
                root = self._attach(stack, done.value, done.size, event, root)
            elif isinstance(event, yaml.AliasEvent):
                root = self._alias(stack, event, root)
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise self.fail(event, "it holds several YAML documents; a description is one")
        return root

    def _key(self, frame: _Open, event: yaml.ScalarEvent) -> None:
        plain = event.tag is None and event.implicit[0]
        frame.key = _MERGE if plain and event.value == "<<" else event.value
        frame.key_line = event.start_mark.line + 1 if event.start_mark is not None else 0
        if event.anchor is not None:
            self.anchors[event.anchor] = (event.value, 1)

    def _alias(self, stack: list[_Open], event: yaml.AliasEvent, root: object) -> object:
        anchor = event.anchor
        if anchor in self.open_anchors:
            raise self.fail(event, f'the alias "*{anchor}" is inside its own anchor')
        if anchor not in self.anchors:
            raise self.fail(event, f'the alias "*{anchor}" names no anchor before it')
        value, size = self.anchors[anchor]
        if stack and stack[-1].key is _NO_KEY and isinstance(stack[-1].value, dict):
            if not isinstance(value, str):
                raise self.fail(event, "a mapping key is a list or a mapping; keys must be text")
            stack[-1].key = value
            return root
        self.expanded += size
        if self.expanded > _MAX_ALIAS_EXPANSION:
            raise self.fail(
                event,
                f"its aliases repeat more than {_MAX_ALIAS_EXPANSION:,} values (a YAML bomb?)",
            )
        return self._attach(stack, value, size, event, root)

    def _attach(
        self, stack: list[_Open], value: object, size: int, event: yaml.Event, root: object
    ) -> object:
        if not stack:
            return value
        parent = stack[-1]
        parent.size += size
        container = parent.value
        if isinstance(container, list):
            container.append(value)
            return root
        key = parent.key
        parent.key = _NO_KEY
        if key is _MERGE:
            if isinstance(value, dict):
                parent.merges.append(value)
            elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
                parent.merges.extend(v for v in value if isinstance(v, dict))
            else:
                raise self.fail(event, "a merge key (<<) takes a mapping or a list of mappings")
            return root
        assert isinstance(key, str)
        if key in container and len(self.notes) < _MAX_NOTES:
            self.notes.append(
                f'Line {parent.key_line}: the key "{key}" appears twice in one mapping; '
                "the last value is used."
            )
        container[key] = value
        return root

    def _check_collection_tag(self, event: yaml.CollectionStartEvent) -> None:
        tag = event.tag
        if tag in (None, "!", _TAG + "map", _TAG + "seq", _TAG + "omap", _TAG + "set"):
            return
        raise self.fail(event, f"the YAML tag {tag} is not one a description may use")

    def _scalar(self, event: yaml.ScalarEvent) -> object:
        value: str = event.value
        tag = event.tag
        if tag is None:
            if not event.implicit[0]:  # quoted, or a block: text
                return value
            if not value:
                return None if _NULL_WHEN_EMPTY else value
            resolvers = _IMPLICIT.get(value[0])
            if resolvers is None:
                return value
            for resolved, pattern in resolvers:
                if pattern.match(value):
                    return self._typed(resolved, value, event)
            return value
        if tag == "!":
            return value
        if tag in (_TAG + "str", _TAG + "binary", _TAG + "timestamp"):
            return value
        if tag in (_TAG + "int", _TAG + "float", _TAG + "bool", _TAG + "null"):
            return self._typed(tag, value, event, explicit=True)
        raise self.fail(event, f"the YAML tag {tag} is not one a description may use")

    def _typed(self, tag: str, value: str, event: yaml.Event, explicit: bool = False) -> object:
        kind = tag.removeprefix(_TAG)
        if kind == "null":
            if explicit and value not in ("", "~", "null", "Null", "NULL"):
                raise self.fail(event, f'"{value}" is not null')
            return None
        if kind == "bool":
            if value.lower() not in _BOOLS:
                raise self.fail(event, f'"{value}" is not a boolean')
            return _BOOLS[value.lower()]
        if kind == "int":
            number = _yaml_int(value)
            if number is None:
                if explicit:
                    raise self.fail(event, f'"{value}" is not an integer')
                return value
            return number
        if kind == "float":
            decimal = _yaml_float(value)
            if decimal is None:
                if explicit:
                    raise self.fail(event, f'"{value}" is not a number')
                return value
            return decimal
        return value  # timestamp, value (=), merge as a value, yaml: kept as written


def _merge_into(target: dict[str, object], sources: Sequence[dict[str, object]]) -> None:
    """YAML's merge keys: the mapping's own keys win, then the first source that has one."""
    own = dict(target)
    target.clear()
    for source in sources:
        for key, item in source.items():
            target.setdefault(key, item)
    target.update(own)


def _yaml_int(text: str) -> int | JsonNumber | None:
    number = _yaml_int_value(text)
    # Hexadecimal, octal and binary texts escape Python's digit limit, but such a number
    # could never be written out again (str() refuses it): it stays text.
    if isinstance(number, int) and number.bit_length() > _MAX_INT_BITS:
        return None
    return number


def _yaml_int_value(text: str) -> int | JsonNumber | None:
    digits = text.replace("_", "")
    sign = -1 if digits.startswith("-") else 1
    digits = digits.lstrip("+-")
    try:
        if digits == "0":
            return 0
        if digits.startswith("0b"):
            return sign * int(digits[2:], 2)
        if digits.startswith("0x"):
            return sign * int(digits[2:], 16)
        if digits.startswith("0"):
            return sign * int(digits, 8)
        if ":" in digits:
            total = 0
            for part in digits.split(":"):
                total = total * 60 + int(part)
            return sign * total
        return sign * int(digits)
    except ValueError:
        # More digits than int() takes (or not a number at all): the text, when it is JSON.
        return JsonNumber(text) if _JSON_NUMBER.match(text) else None


def _yaml_float(text: str) -> JsonNumber | str | None:
    if _JSON_NUMBER.match(text):
        return JsonNumber(text)
    digits = text.replace("_", "").lower()
    if digits.lstrip("+-") in (".inf", ".nan"):
        return text  # JSON has no infinity: the text as written
    try:
        if ":" in digits:
            sign = -1.0 if digits.startswith("-") else 1.0
            whole, _, fraction = digits.lstrip("+-").rpartition(":")
            number = 0.0
            for part in whole.split(":"):
                number = number * 60 + int(part)
            number = sign * (number * 60 + float(fraction))
        else:
            number = float(digits)
    except ValueError:
        return None
    return JsonNumber(repr(number)) if number == number and abs(number) != float("inf") else text


# --- the document ------------------------------------------------------------------------

_METHODS: Final = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PATH_ITEM_KEYS: Final = frozenset({"$ref", "summary", "description", "servers", "parameters"})
_MAX_REF_HOPS: Final = 32
_VARIABLE_CHARS: Final = re.compile(r"[^A-Za-z0-9_.\-]")
_PATH_TEMPLATE: Final = re.compile(r"\{([^{}/]+)\}")
# Names of parameters and server variables whose literal values are credentials.
_SECRET_NAME: Final = re.compile(
    r"(x[-_])?(api[-_]?(key|token|secret)|(access|auth|bearer|session)[-_]?token|token"
    r"|password|passwd|secret|client[-_]?secret|private[-_]?key)",
    re.I,
)
_JSON_MEDIA: Final = re.compile(r"^(application|text)/([\w.+-]*\+)?json\b", re.I)
_FORM_MEDIA: Final = "application/x-www-form-urlencoded"
_MULTIPART_MEDIA: Final = "multipart/form-data"
_BINARY_MEDIA: Final = re.compile(
    r"^(application/(octet-stream|pdf|zip|gzip)|image/|audio/|video/|font/)", re.I
)
# Characters left as they are in a query's values (the rest are percent-encoded): RFC 3986's
# unreserved characters, what a query may hold unescaped apart from & = + #, and the braces
# of {{variables}}.
_QUERY_SAFE: Final = "-._~!$'()*,;:@/?{}"
_SWAGGER_FLOWS: Final[Mapping[str, str]] = {
    "implicit": "implicit",
    "password": "password",
    "application": "clientCredentials",
    "accessCode": "authorizationCode",
}
_FLOW_NAMES: Final[Mapping[str, str]] = {
    "implicit": "implicit",
    "password": "password",
    "clientCredentials": "client credentials",
    "authorizationCode": "authorization code",
}


def _map(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _variable_name(name: str) -> str:
    """``name`` as a ``{{variable}}`` may spell it (letters, digits, ``_ . -``)."""
    return _VARIABLE_CHARS.sub("_", name.strip()) or "value"


def _templated(url: str) -> str:
    """OpenAPI's ``{name}`` placeholders as ``{{name}}`` variables."""
    return _PATH_TEMPLATE.sub(lambda m: "{{" + _variable_name(m.group(1)) + "}}", url)


def _scalar_text(value: object) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return str(value)
    return json_value_text(value)  # compact JSON, exact numbers


def _pretty_json(value: object) -> str:
    return "".join(iter_pretty(value, indent=2))


@dataclass(slots=True)
class _Body:
    mode: BodyMode = BodyMode.JSON
    text: str = ""
    form: tuple[FormField, ...] = ()
    content_type: str = ""  # a Content-Type header to send with it ("" : the app's own)
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Auth:
    """An operation's auth: what to set, and what the description should say."""

    spec: AuthSpec
    notes: list[str] = field(default_factory=list)
    unsupported: str = ""  # the schemes that could not be set, for the report
    api_key: tuple[str, str] = ("", "")  # (in, name) of an API key set as auth


@dataclass(slots=True)
class _Server:
    url: str  # with {{variables}}
    variables: tuple[Variable, ...]
    label: str
    notes: list[str]


class _Converter:
    """One description to one ``Imported``."""

    def __init__(
        self,
        document: dict[str, object],
        name: str,
        progress: Progress | None,
        notes: Sequence[str],
    ) -> None:
        self.doc = document
        self.name = name
        self.progress = progress
        self.report: list[ReportLine] = []
        self._reported: set[tuple[str, str]] = set()
        self._refs_reported: set[str] = set()
        self._pointer_cache: dict[str, object] = {}
        self._example_cache: dict[int, tuple[object, object]] = {}
        self.auth_variables: dict[str, Variable] = {}
        self.secret_values: dict[str, str] = {}
        self.responses_documented = False
        self.version, self.swagger = self._version()
        for note in notes:
            self.note("(collection)", note)

    # -- report and references --

    def note(self, where: str, what: str) -> None:
        if (where, what) not in self._reported:
            self._reported.add((where, what))
            self.report.append(ReportLine(where, what))

    def _version(self) -> tuple[str, bool]:
        swagger = self.doc.get("swagger")
        openapi = self.doc.get("openapi")
        if isinstance(openapi, str | int) and re.match(r"3(\.|$)", str(openapi)):
            return str(openapi), False
        if isinstance(swagger, str | int) and str(swagger) in ("2", "2.0"):
            return "2.0", True
        found = openapi if openapi is not None else swagger
        what = f' (its version is "{_scalar_text(found)}")' if found is not None else ""
        raise FormatError(
            f"{_label(self.name)} is not an OpenAPI 3 or Swagger 2.0 description{what}."
        )

    def target(self, ref: str, where: str) -> object:
        """What a ``$ref`` names within the document, or ``None`` (reported)."""
        if ref in self._pointer_cache:
            return self._pointer_cache[ref]
        found: object = None
        if not ref.startswith("#"):
            if ref not in self._refs_reported:
                self._refs_reported.add(ref)
                self.note(
                    where,
                    f'The reference "{ref}" points into another file, which is not read: '
                    "import a bundled (single-file) description to bring it in.",
                )
        else:
            found = self._walk_pointer(ref)
            if found is None and ref not in self._refs_reported:
                self._refs_reported.add(ref)
                self.note(where, f'The reference "{ref}" names nothing in the description.')
        self._pointer_cache[ref] = found
        return found

    def _walk_pointer(self, ref: str) -> object:
        node: object = self.doc
        pointer = ref[1:]
        if not pointer:
            return node
        if not pointer.startswith("/"):
            return None
        for raw in pointer[1:].split("/"):
            part = unquote(raw).replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict):
                node = node.get(part)
            elif isinstance(node, list) and part.isascii() and part.isdigit():
                if int(part) >= len(node):
                    return None
                node = node[int(part)]
            else:
                return None
        return node

    def deref(self, value: object, where: str) -> dict[str, object]:
        """``value`` with its ``$ref`` chain followed: a mapping, ``{}`` when broken."""
        seen: list[str] = []
        for _ in range(_MAX_REF_HOPS):
            if not isinstance(value, dict):
                return {}
            ref = value.get("$ref")
            if not isinstance(ref, str):
                return value
            if ref in seen:
                self.note(where, f'The reference "{ref}" leads back to itself; left out.')
                return {}
            seen.append(ref)
            value = self.target(ref, where)
        return {}

    def example(self, schema: object, where: str) -> object:
        """A made-up value for a request body's schema; schemas shared through ``$ref``
        (the same object each time) are made up once."""
        cached = self._example_cache.get(id(schema))
        if cached is not None and cached[0] is schema:
            return cached[1]
        value = example_from_schema(schema, lambda ref: self.target(ref, where))
        # The schema is kept with its value, so its id cannot be reused by another object.
        self._example_cache[id(schema)] = (schema, value)
        return value

    # -- the whole --

    def run(self) -> Imported:
        info = _map(self.doc.get("info"))
        title = _one_line(_text(info.get("title"))) or _stem(self.name) or "Imported API"
        servers = self._servers()
        root_auth = self._document_auth()
        operations = list(self._operations())
        total = len(operations)
        if self.progress is not None:
            self.progress(0, total)
        step = max(1, total // 100)
        folders: dict[str, list[SavedRequest]] = {}
        loose: list[SavedRequest] = []
        for done, (tag, path, method, item, operation) in enumerate(operations, start=1):
            where_name = self._request_name(path, method, operation)
            where = f"{tag} / {where_name}" if tag else where_name
            request = self._request(where_name, where, path, method, item, operation, root_auth)
            (folders.setdefault(tag, []) if tag else loose).append(request)
            if self.progress is not None and (done % step == 0 or done == total):
                self.progress(done, total)
        self._webhooks()
        if self.responses_documented:
            self.note(
                "(collection)",
                "The responses the operations document (status codes, schemas, examples) "
                "are not imported: only the requests are.",
            )
        if total == 0:
            self.note("(collection)", "The description has no operations: nothing to send.")
        environments, collection_variables = self._environments(title, servers)
        tags = self._tag_descriptions()
        items: list[ImportedFolder | SavedRequest] = list(loose)
        for tag in sorted(folders, key=lambda t: tags[t][0] if t in tags else len(tags)):
            description = tags[tag][1] if tag in tags else ""
            items.append(ImportedFolder(tag, tuple(folders[tag]), description=description))
        root = ImportedFolder(
            title,
            tuple(items),
            Defaults(
                base_url="{{baseUrl}}",
                auth=root_auth.spec,
                variables=tuple(collection_variables),
            ),
            self._collection_description(info, servers, root_auth),
        )
        secrets = {
            (environment.name, variable): value
            for environment in environments
            for variable, value in self.secret_values.items()
        }
        return Imported(
            format=f"Swagger {self.version}" if self.swagger else f"OpenAPI {self.version}",
            root=root,
            environments=tuple(environments),
            secrets=MappingProxyType(secrets),
            report=tuple(self.report),
        )

    # -- servers, environments, descriptions --

    def _servers(self) -> list[_Server]:
        if self.swagger:
            return [self._swagger_server()]
        servers = [
            self._server(raw, "(collection)")
            for raw in _list(self.doc.get("servers"))
            if isinstance(raw, dict)
        ]
        if not servers:
            self.note(
                "(collection)",
                "The description names no server: set the baseUrl variable to the API's address.",
            )
        return servers

    def _server(self, raw: dict[str, object], where: str) -> _Server:
        url = _scalar_text(raw.get("url")).strip()
        variables: list[Variable] = []
        notes: list[str] = []
        for name, spec in _map(raw.get("variables")).items():
            spec = _map(spec)
            variable = _variable_name(name)
            default = _scalar_text(spec.get("default"))
            choices = [_scalar_text(choice) for choice in _list(spec.get("enum"))]
            about = _one_line(_text(spec.get("description")))
            if choices:
                about = f"one of {', '.join(choices)}. {about}".strip()
            if about:
                notes.append(f"Server variable {variable}: {about}")
            if _is_literal_secret(name, default):
                variables_note = self._keep_secret(variable, default)
                self.note(where, f"The server variable {name}'s default {variables_note}")
                continue
            variables.append(Variable(variable, default))
        if not url:
            url = "/"
        if "://" not in url:
            self.note(
                where,
                f'The server URL "{url}" is relative to where the description is served: put '
                "the API's address in front of it in the baseUrl variable.",
            )
        label = _one_line(_text(raw.get("description"))) or urlsplit(url).netloc or url
        return _Server(_templated(url), tuple(variables), label, notes)

    def _swagger_server(self) -> _Server:
        host = _text(self.doc.get("host"))
        base_path = _text(self.doc.get("basePath"))
        schemes = [s for s in (_text(x).lower() for x in _list(self.doc.get("schemes"))) if s]
        scheme = "https" if "https" in schemes or not schemes else schemes[0]
        notes: list[str] = []
        if len(schemes) > 1:
            notes.append(f"Schemes: {', '.join(schemes)}; the base URL uses {scheme}.")
        variables: tuple[Variable, ...] = ()
        if not host:
            host = "{host}"
            variables = (Variable("host", ""),)
            self.note(
                "(collection)",
                "The description names no host (Swagger 2.0 then means the host that serves "
                "it): set the host variable.",
            )
        url = f"{scheme}://{host}{'/' + base_path.lstrip('/') if base_path else ''}"
        return _Server(_templated(url), variables, host, notes)

    def _environments(
        self, title: str, servers: Sequence[_Server]
    ) -> tuple[list[Environment], list[Variable]]:
        shared = list(self.auth_variables.values())
        if len(servers) > 1:
            environments: list[Environment] = []
            taken: set[str] = set()
            for server in servers:
                label, count = server.label or "Server", 1
                name = label
                while name in taken:
                    count += 1
                    name = f"{label} {count}"
                taken.add(name)
                variables = (Variable("baseUrl", server.url), *server.variables, *shared)
                environments.append(Environment(name, variables))
            return environments, []
        if servers:
            collection = [Variable("baseUrl", servers[0].url), *servers[0].variables]
        else:
            collection = [Variable("baseUrl", "")]
        environments = [Environment(title, tuple(shared))] if shared else []
        return environments, collection

    def _tag_descriptions(self) -> dict[str, tuple[int, str]]:
        found: dict[str, tuple[int, str]] = {}
        for raw in _list(self.doc.get("tags")):
            tag = _map(raw)
            name = _one_line(_scalar_text(tag.get("name")))
            if name and name not in found:
                parts = [_text(tag.get("description")), _docs_link(tag)]
                found[name] = (len(found), "\n\n".join(p for p in parts if p))
        return found

    def _collection_description(
        self, info: dict[str, object], servers: Sequence[_Server], auth: _Auth
    ) -> str:
        parts = [_text(info.get("description"))]
        version = _scalar_text(info.get("version")).strip()
        if version:
            parts.append(f"Version {version}.")
        for server in servers:
            parts.extend(server.notes)
        parts.extend(auth.notes)
        parts.append(_docs_link(self.doc))
        return "\n\n".join(p for p in parts if p)

    def _webhooks(self) -> None:
        names = [str(n) for n in _map(self.doc.get("webhooks"))]
        if names:
            self.note(
                "(collection)",
                f"Its webhooks ({', '.join(names)}) are requests the API sends to you; they "
                "are not imported.",
            )

    # -- security --

    def _document_auth(self) -> _Auth:
        if "security" not in self.doc:
            return _Auth(AuthSpec(AuthKind.INHERIT))
        auth = self._auth(self.doc.get("security"), "(collection)")
        if auth.unsupported:
            self.note(
                "(collection)",
                f"The auth every operation needs ({auth.unsupported}) cannot be set here: get "
                "a token or key elsewhere and choose Bearer token or API key auth for the "
                "collection.",
            )
            auth.spec = AuthSpec(AuthKind.INHERIT)
        return auth

    def _scheme(self, name: str, where: str) -> dict[str, object] | None:
        if self.swagger:
            schemes = _map(self.doc.get("securityDefinitions"))
        else:
            schemes = _map(_map(self.doc.get("components")).get("securitySchemes"))
        if name not in schemes:
            return None
        scheme = self.deref(schemes[name], where)
        if not self.swagger:
            return scheme
        kind = _text(scheme.get("type"))
        if kind == "basic":
            return {**scheme, "type": "http", "scheme": "basic"}
        if kind == "oauth2":
            flow = _SWAGGER_FLOWS.get(_text(scheme.get("flow")), _text(scheme.get("flow")))
            settings = {
                k: scheme[k] for k in ("authorizationUrl", "tokenUrl", "scopes") if k in scheme
            }
            return {**scheme, "flows": {flow: settings}}
        return scheme

    def _auth(self, requirements: object, where: str) -> _Auth:
        choices = _list(requirements)
        if not choices:
            return _Auth(AuthSpec(AuthKind.NONE))
        chosen: AuthSpec | None = None
        api_key = ("", "")
        chosen_label = ""
        others: list[str] = []
        unsupported: list[str] = []
        details: list[str] = []
        for raw in choices:
            requirement = _map(raw)
            if not requirement:
                if chosen is None:
                    chosen, chosen_label = AuthSpec(AuthKind.NONE), "no auth"
                else:
                    others.append("no auth")
                continue
            labels = [self._scheme_label(str(n), where) for n in requirement]
            spec = None
            if len(requirement) == 1:
                scheme_name = str(next(iter(requirement)))
                spec, key = self._auth_spec(scheme_name, where)
            label = " together with ".join(labels)
            if spec is not None and chosen is None:
                chosen, chosen_label, api_key = spec, label, key
            elif spec is not None:
                others.append(label)
            else:
                unsupported.append(label)
                details.extend(
                    self._scheme_details(str(n), requirement[n], where) for n in requirement
                )
                others.append(label)
        notes: list[str] = []
        if chosen is None:
            notes.append(
                f"Auth: {' or '.join(unsupported)}. This app cannot set it up: get a token or "
                "key elsewhere and choose Bearer token or API key auth."
            )
            notes.extend(d for d in details if d)
            return _Auth(AuthSpec(AuthKind.INHERIT), notes, " or ".join(unsupported))
        if others:
            notes.append(f"Auth: {chosen_label} is set; it also accepts {' or '.join(others)}.")
        return _Auth(chosen, notes, "", api_key)

    def _scheme_label(self, name: str, where: str) -> str:
        scheme = self._scheme(name, where)
        if scheme is None:
            return f'"{name}" (not defined in the description)'
        kind = _text(scheme.get("type"))
        readable = {
            "oauth2": "OAuth 2.0",
            "openIdConnect": "OpenID Connect",
            "mutualTLS": "mutual TLS",
            "apiKey": "API key",
        }.get(kind)
        if kind == "http":
            readable = f"HTTP {_text(scheme.get('scheme')) or 'auth'}"
        return f'{readable or kind or "unknown auth"} "{name}"'

    def _scheme_details(self, name: str, scopes: object, where: str) -> str:
        scheme = self._scheme(name, where)
        if scheme is None:
            return ""
        parts: list[str] = [f'"{name}":']
        kind = _text(scheme.get("type"))
        if kind == "oauth2":
            for flow, raw in _map(scheme.get("flows")).items():
                settings = _map(raw)
                urls = [
                    f"{label} {_text(settings.get(key))}"
                    for key, label in (
                        ("authorizationUrl", "authorization URL"),
                        ("tokenUrl", "token URL"),
                        ("refreshUrl", "refresh URL"),
                    )
                    if _text(settings.get(key))
                ]
                parts.append(f"{_FLOW_NAMES.get(flow, flow)} flow ({'; '.join(urls)}).")
        elif kind == "openIdConnect":
            parts.append(f"discovery at {_text(scheme.get('openIdConnectUrl'))}.")
        elif kind == "apiKey":
            parts.append(
                f"the key goes in the {_text(scheme.get('in'))} {_text(scheme.get('name'))}."
            )
        wanted = [_scalar_text(s) for s in _list(scopes)]
        if wanted:
            parts.append(f"Scopes: {', '.join(wanted)}.")
        about = _text(scheme.get("description"))
        if about:
            parts.append(about)
        return " ".join(parts)

    def _auth_spec(self, name: str, where: str) -> tuple[AuthSpec | None, tuple[str, str]]:
        scheme = self._scheme(name, where)
        if scheme is None:
            return None, ("", "")
        kind = _text(scheme.get("type"))
        if kind == "http":
            http = _text(scheme.get("scheme")).lower()
            if http == "basic":
                self.auth_variables.setdefault("username", Variable("username"))
                self.auth_variables.setdefault("password", Variable("password", secret=True))
                values = (("username", "{{username}}"), ("password", "{{password}}"))
                return AuthSpec(AuthKind.BASIC, values), ("", "")
            if http == "bearer":
                self.auth_variables.setdefault("token", Variable("token", secret=True))
                return AuthSpec(AuthKind.BEARER, (("token", "{{token}}"),)), ("", "")
            return None, ("", "")
        if kind == "apiKey":
            key_name = _scalar_text(scheme.get("name")).strip()
            where_to = _text(scheme.get("in")).lower()
            if not key_name or where_to not in ("header", "query"):
                return None, ("", "")
            variable = _variable_name(key_name)
            self.auth_variables.setdefault(variable, Variable(variable, secret=True))
            key_values = (("name", key_name), ("value", "{{" + variable + "}}"), ("in", where_to))
            return AuthSpec(AuthKind.API_KEY, key_values), (where_to, key_name.lower())
        return None, ("", "")

    def _keep_secret(self, variable: str, value: str) -> str:
        """Moves a literal secret into the secret values; says where it went."""
        self.secret_values[variable] = value
        self.auth_variables[variable] = Variable(variable, secret=True)
        return f"went into the secret variable {{{{{variable}}}}}; the files keep only its name."

    # -- operations --

    def _operations(
        self,
    ) -> Iterator[tuple[str, str, str, dict[str, object], dict[str, object]]]:
        for raw_path, raw_item in _map(self.doc.get("paths")).items():
            path = str(raw_path)
            item = self.deref(raw_item, "(collection)")
            if not isinstance(raw_item, dict):
                self.note("(collection)", f'The path "{path}" holds no operations; left out.')
            for key, operation in item.items():
                if key in _METHODS:
                    if not isinstance(operation, dict):
                        self.note("(collection)", f'"{key} {path}" is not an operation; left out.')
                        continue
                    tags = _list(operation.get("tags"))
                    tag = _one_line(_scalar_text(tags[0])) if tags else ""
                    yield tag, path, key, item, operation
                elif key not in _PATH_ITEM_KEYS and not key.startswith("x-"):
                    self.note(
                        "(collection)",
                        f'The path "{path}" has "{key}", which is not an operation this '
                        "importer reads; left out.",
                    )

    def _request_name(self, path: str, method: str, operation: dict[str, object]) -> str:
        for key in ("summary", "operationId"):
            name = _one_line(_scalar_text(operation.get(key)))
            if name:
                return name
        return f"{method.upper()} {path}".strip() or "Untitled request"

    def _request(
        self,
        name: str,
        where: str,
        path: str,
        method: str,
        item: dict[str, object],
        operation: dict[str, object],
        root_auth: _Auth,
    ) -> SavedRequest:
        description: list[str] = []
        if operation.get("deprecated") is True:
            description.append("Deprecated.")
        summary = _text(operation.get("summary"))
        about = _text(operation.get("description")) or _text(item.get("description"))
        if summary and _one_line(summary) != name:
            description.append(summary)
        if about and about != summary:
            description.append(about)
        description.append(_docs_link(operation))

        auth = self._operation_auth(operation, where, root_auth)
        description.extend(auth.notes)
        parameters = self._parameters(item, operation, where)

        url = _templated(path)
        variables: list[Variable] = []
        servers = _list(operation.get("servers")) or _list(item.get("servers"))
        if servers and not self.swagger and isinstance(servers[0], dict):
            server = self._server(servers[0], where)
            url = server.url.rstrip("/") + "/" + url.lstrip("/")
            variables.extend(server.variables)
            description.extend(server.notes)
            if len(servers) > 1:
                others = ", ".join(_scalar_text(_map(s).get("url")) for s in servers[1:])
                description.append(f"Other servers for this operation: {others}.")
        declared = {
            _text(p.get("name")): p for p in parameters if _text(p.get("in")).lower() == "path"
        }
        for placeholder in dict.fromkeys(_PATH_TEMPLATE.findall(path)):
            parameter = declared.get(placeholder)
            _, value = self._parameter_value(parameter, where) if parameter else (False, None)
            variables.append(Variable(_variable_name(placeholder), _scalar_text(value)))

        params = list(params_from_url(url))
        headers: list[KeyValue] = []
        cookies: dict[bool, list[str]] = {True: [], False: []}
        skipped: list[str] = []
        for parameter in parameters:
            location = _text(parameter.get("in")).lower()
            parameter_name = _scalar_text(parameter.get("name")).strip()
            required = parameter.get("required") is True
            if location == "query":
                if auth.api_key == ("query", parameter_name.lower()):
                    continue
                for key, value in self._query_rows(parameter_name, parameter, where):
                    params.append(KeyValue(key, value, required))
            elif location == "header":
                lowered = parameter_name.lower()
                if lowered in ("accept", "content-type", "authorization"):
                    skipped.append(parameter_name)
                    continue
                if auth.api_key == ("header", lowered):
                    continue
                value = self._header_value(parameter_name, parameter, where)
                headers.append(KeyValue(parameter_name, value, required))
            elif location == "cookie":
                _, value = self._parameter_value(parameter, where)
                cookies[required].append(f"{parameter_name}={_scalar_text(value)}")
        for enabled in (True, False):
            if cookies[enabled]:
                headers.append(KeyValue("Cookie", "; ".join(cookies[enabled]), enabled))
        if skipped:
            self.note(
                where,
                f"Its header parameter{'s' if len(skipped) > 1 else ''} "
                f"{', '.join(skipped)} {'are' if len(skipped) > 1 else 'is'} left out: "
                "OpenAPI has the body's media type and the auth set Accept, Content-Type "
                "and Authorization.",
            )

        body = self._operation_body(operation, parameters, where)
        if body.content_type:
            headers.append(KeyValue("Content-Type", body.content_type))
        description.extend(body.notes)
        description.append(_parameters_text(parameters))
        self._unsupported_parts(operation, where)

        return SavedRequest(
            name=name,
            method=method.upper(),
            url=url_with_params(url, params),
            params=tuple(params),
            headers=tuple(headers),
            body=body.text,
            body_mode=body.mode,
            auth=auth.spec,
            variables=tuple(variables),
            description="\n\n".join(p for p in description if p),
            form=body.form,
        )

    def _operation_auth(self, operation: dict[str, object], where: str, root_auth: _Auth) -> _Auth:
        if "security" not in operation or operation.get("security") == self.doc.get("security"):
            return _Auth(AuthSpec(AuthKind.INHERIT), api_key=root_auth.api_key)
        auth = self._auth(operation.get("security"), where)
        if auth.spec == root_auth.spec and not auth.unsupported:
            auth.spec = AuthSpec(AuthKind.INHERIT)  # the same as the collection's
        if auth.unsupported:
            self.note(
                where,
                f"Its auth ({auth.unsupported}) cannot be set here; the request's description "
                "says what it needs.",
            )
            inherited = root_auth.spec.kind not in (AuthKind.INHERIT, AuthKind.NONE)
            auth.spec = AuthSpec(AuthKind.NONE if inherited else AuthKind.INHERIT)
        return auth

    def _unsupported_parts(self, operation: dict[str, object], where: str) -> None:
        callbacks = [str(n) for n in _map(operation.get("callbacks"))]
        if callbacks:
            self.note(
                where,
                f"Its callbacks ({', '.join(callbacks)}) are requests the API sends to you; "
                "they are not imported.",
            )
        links: list[str] = []
        for raw in _map(operation.get("responses")).values():
            for link in _map(self.deref(raw, where).get("links")):
                if str(link) not in links:
                    links.append(str(link))
        if links:
            self.note(where, f"Its responses' links ({', '.join(links)}) are not imported.")
        if operation.get("responses"):
            self.responses_documented = True

    # -- parameters --

    def _parameters(
        self, item: dict[str, object], operation: dict[str, object], where: str
    ) -> list[dict[str, object]]:
        """The operation's parameters, its own replacing the path's of the same name and
        place; Swagger 2.0's are turned into OpenAPI 3's shape (a ``schema``, a style)."""
        merged: dict[tuple[str, str], dict[str, object]] = {}
        for raw in [*_list(item.get("parameters")), *_list(operation.get("parameters"))]:
            parameter = self.deref(raw, where)
            name = _scalar_text(parameter.get("name")).strip()
            location = _text(parameter.get("in"))
            if not parameter:
                continue
            if not name or location not in (
                "path",
                "query",
                "header",
                "cookie",
                "body",
                "formData",
            ):
                self.note(
                    where, f'A parameter without a valid name and "in" ({name or "?"}) is left out.'
                )
                continue
            if self.swagger and location not in ("body", "formData"):
                parameter = _swagger_parameter(parameter)
            key = (name.lower() if location == "header" else name, location)
            merged[key] = parameter
        return list(merged.values())

    def _parameter_value(self, parameter: dict[str, object], where: str) -> tuple[bool, object]:
        """The example or default the description gives for a parameter, if any."""
        for key in ("example", "x-example"):
            if key in parameter:
                return True, parameter[key]
        for raw in _map(parameter.get("examples")).values():
            example = self.deref(raw, where)
            if "value" in example:
                return True, example["value"]
        content = _map(parameter.get("content"))
        if content:
            media = self.deref(next(iter(content.values())), where)
            if "example" in media:
                return True, media["example"]
            return self._schema_value(media.get("schema"), where)
        return self._schema_value(parameter.get("schema"), where)

    def _schema_value(self, raw: object, where: str) -> tuple[bool, object]:
        schema = self.deref(raw, where)
        for key in ("example", "x-example", "const", "default"):
            if key in schema:
                return True, schema[key]
        for key in ("examples", "enum"):
            values = _list(schema.get(key))
            if values:
                return True, values[0]
        if _text(schema.get("type")) == "array" and "items" in schema:
            found, value = self._schema_value(schema.get("items"), where)
            if found:
                return True, [value]
        return False, None

    def _query_rows(
        self, name: str, parameter: dict[str, object], where: str
    ) -> list[tuple[str, str]]:
        found, value = self._parameter_value(parameter, where)
        if found and _is_literal_secret(name, _scalar_text(value)):
            variable = _variable_name(name)
            kept = self._keep_secret(variable, _scalar_text(value))
            self.note(where, f'The value of the query parameter "{name}" {kept}')
            value = "{{" + variable + "}}"
        style = _text(parameter.get("style")) or "form"
        explode = parameter.get("explode")
        explode = explode if isinstance(explode, bool) else style == "form"
        rows: list[tuple[str, str]]
        if "content" in parameter:
            rows = [(name, _scalar_text(value) if found else "")]
        elif isinstance(value, list):
            texts = [_scalar_text(v) for v in value]
            if explode and style == "form":
                rows = [(name, text) for text in texts] or [(name, "")]
            else:
                joiner = {"spaceDelimited": " ", "pipeDelimited": "|", "tabDelimited": "\t"}
                rows = [(name, joiner.get(style, ",").join(texts))]
        elif isinstance(value, dict):
            pairs = [(str(k), _scalar_text(v)) for k, v in value.items()]
            if style == "deepObject":
                rows = [(f"{name}[{k}]", v) for k, v in pairs]
            elif explode:
                rows = pairs
            else:
                rows = [(name, ",".join(f"{k},{v}" for k, v in pairs))]
            rows = rows or [(name, "")]
        else:
            rows = [(name, _scalar_text(value))]
        return [
            (quote(key, safe=_QUERY_SAFE + "[]"), quote(text, safe=_QUERY_SAFE))
            for key, text in rows
        ]

    def _header_value(self, name: str, parameter: dict[str, object], where: str) -> str:
        found, value = self._parameter_value(parameter, where)
        if isinstance(value, list):
            text = ",".join(_scalar_text(v) for v in value)
        elif isinstance(value, dict):
            joined = "=" if parameter.get("explode") is True else ","
            text = ",".join(f"{k}{joined}{_scalar_text(v)}" for k, v in value.items())
        else:
            text = _scalar_text(value)
        if found and _is_literal_secret(name, text):
            variable = _variable_name(name)
            self.note(
                where, f'The value of the header "{name}" {self._keep_secret(variable, text)}'
            )
            return "{{" + variable + "}}"
        return text

    # -- bodies --

    def _operation_body(
        self, operation: dict[str, object], parameters: list[dict[str, object]], where: str
    ) -> _Body:
        if not self.swagger:
            if "requestBody" not in operation:
                return _Body()
            request_body = self.deref(operation.get("requestBody"), where)
            body = self._body(_map(request_body.get("content")), where)
            about = _text(request_body.get("description"))
            if about:
                body.notes.insert(0, f"Body: {about}")
            return body
        content = self._swagger_content(operation, parameters)
        return self._body(content, where) if content else _Body()

    def _swagger_content(
        self, operation: dict[str, object], parameters: list[dict[str, object]]
    ) -> dict[str, object]:
        consumes = [
            _text(c) for c in _list(operation.get("consumes", self.doc.get("consumes"))) if _text(c)
        ]
        body = next((p for p in parameters if p.get("in") == "body"), None)
        if body is not None:
            media = next((c for c in consumes if _JSON_MEDIA.match(c)), None)
            media = media or (consumes[0] if consumes else "application/json")
            return {media: {"schema": body.get("schema", {})}}
        fields = [p for p in parameters if p.get("in") == "formData"]
        if not fields:
            return {}
        properties = {_scalar_text(p.get("name")): _swagger_schema(p) for p in fields}
        required = [_scalar_text(p.get("name")) for p in fields if p.get("required") is True]
        multipart = _MULTIPART_MEDIA in consumes or any(p.get("type") == "file" for p in fields)
        media = _MULTIPART_MEDIA if multipart else _FORM_MEDIA
        return {
            media: {"schema": {"type": "object", "properties": properties, "required": required}}
        }

    def _body(self, content: dict[str, object], where: str) -> _Body:
        media_types = [str(m) for m in content]
        if not media_types:
            return _Body()
        lowered = [m.lower() for m in media_types]
        chosen = next(
            (
                media_types[i]
                for test in (
                    lambda m: bool(_JSON_MEDIA.match(m)),
                    lambda m: m.startswith(_FORM_MEDIA),
                    lambda m: m.startswith(_MULTIPART_MEDIA),
                )
                for i, m in enumerate(lowered)
                if test(m)
            ),
            media_types[0],
        )
        media = self.deref(content[chosen], where)
        body = self._media_body(chosen, media, where)
        others = [m for m in media_types if m != chosen]
        if others:
            body.notes.append(f"Body: {chosen} is set; it also accepts {', '.join(others)}.")
        return body

    def _media_body(self, media_type: str, media: dict[str, object], where: str) -> _Body:
        kind = media_type.split(";", 1)[0].strip().lower()
        found, value, notes = self._media_example(media, where)
        schema = media.get("schema")
        body = _Body(notes=notes)
        if kind.startswith(_FORM_MEDIA) or kind.startswith(_MULTIPART_MEDIA):
            multipart = kind.startswith(_MULTIPART_MEDIA)
            body.mode = BodyMode.MULTIPART if multipart else BodyMode.FORM
            body.form = self._form_fields(media, found, value, multipart, where)
            return body
        wildcard = "*" in kind
        if _JSON_MEDIA.match(kind) or (
            wildcard and _schema_kind(self.deref(schema, where)) in ("object", "array")
        ):
            if not found:
                found, value = schema is not None, self.example(schema, where)
            body.text = _json_text(value) if found else ""
            if kind != "application/json" and not wildcard:
                body.content_type = media_type
            return body
        body.content_type = "" if wildcard else media_type
        binary = _is_binary(self.deref(schema, where)) or bool(_BINARY_MEDIA.match(kind))
        if binary and not (found and isinstance(value, str)):
            body.mode = BodyMode.FILE
            return body
        body.mode = BodyMode.RAW
        if not found and schema is not None:
            generated = self.example(schema, where)
            found, value = isinstance(generated, str), generated
        if found:
            body.text = value if isinstance(value, str) else _json_text(value)
        else:
            self.note(where, f"Its {media_type} body has no example; the body is left empty.")
        return body

    def _media_example(
        self, media: dict[str, object], where: str
    ) -> tuple[bool, object, list[str]]:
        if "example" in media:
            return True, media["example"], []
        examples = _map(media.get("examples"))
        names = [str(n) for n in examples]
        found, value, used = False, None, ""
        for example_name, raw in examples.items():
            example = self.deref(raw, where)
            if "value" in example:
                found, value, used = True, example["value"], str(example_name)
                break
            if "externalValue" in example:
                self.note(
                    where,
                    f'Its example "{example_name}" is a separate file '
                    f"({_scalar_text(example['externalValue'])}), which is not read.",
                )
        notes = []
        if found and len(names) > 1:
            listed = ", ".join(f"{n} (used)" if n == used else n for n in names)
            notes.append(f"Examples in the description: {listed}.")
        return found, value, notes

    def _form_fields(
        self, media: dict[str, object], found: bool, value: object, multipart: bool, where: str
    ) -> tuple[FormField, ...]:
        schema = media.get("schema")
        properties, required = self._object_parts(schema, where)
        if found and isinstance(value, dict):
            values: dict[str, object] = {str(k): v for k, v in value.items()}
            chosen = set(values)
        else:
            generated = self.example(schema, where) if schema is not None else {}
            values = generated if isinstance(generated, dict) else {}
            chosen = required
        encoding = _map(media.get("encoding"))
        fields: list[FormField] = []
        for name, item in values.items():
            prop = self.deref(properties.get(name), where)
            enabled = name in chosen
            content_type = _text(_map(encoding.get(name)).get("contentType"))
            content_type = content_type or _text(prop.get("contentMediaType"))
            if multipart and _is_binary(prop):
                fields.append(FormField(name, "", enabled, file=True, content_type=content_type))
            elif isinstance(item, list) and all(not isinstance(v, dict | list) for v in item):
                fields.extend(FormField(name, _scalar_text(v), enabled) for v in item)
            else:
                text = _scalar_text(item)
                fields.append(
                    FormField(name, text, enabled, content_type=content_type if multipart else "")
                )
        return tuple(fields)

    def _object_parts(
        self, schema: object, where: str, depth: int = 0
    ) -> tuple[dict[str, object], set[str]]:
        """An object schema's properties and required names, ``allOf`` parts merged."""
        resolved = self.deref(schema, where)
        properties: dict[str, object] = dict(_map(resolved.get("properties")))
        required = {_scalar_text(r) for r in _list(resolved.get("required"))}
        if depth < 8:
            for part in _list(resolved.get("allOf")):
                more, needed = self._object_parts(part, where, depth + 1)
                for key, item in more.items():
                    properties.setdefault(key, item)
                required |= needed
        return properties, required


# --- small helpers --------------------------------------------------------------------


def _parameters_text(parameters: Sequence[dict[str, object]]) -> str:
    """The parameters as a list for the description: what the tables cannot show."""
    lines = []
    for parameter in parameters:
        location = _text(parameter.get("in"))
        if location == "body":
            continue
        schema = _map(parameter.get("schema")) if "schema" in parameter else parameter
        kind = _scalar_text(schema.get("type")) if isinstance(schema.get("type"), str) else ""
        fmt = _text(schema.get("format"))
        facts = [
            "form field" if location == "formData" else location,
            "required" if parameter.get("required") is True else "optional",
            f"{kind} ({fmt})" if kind and fmt else kind,
        ]
        if "default" in schema:
            facts.append(f"default {_scalar_text(schema.get('default'))}")
        choices = _list(schema.get("enum"))
        if choices:
            facts.append("one of " + ", ".join(_scalar_text(c) for c in choices))
        if parameter.get("deprecated") is True:
            facts.append("deprecated")
        line = f"- {_scalar_text(parameter.get('name'))} ({', '.join(f for f in facts if f)})"
        about = _one_line(_text(parameter.get("description")))
        lines.append(f"{line}: {about}" if about else line)
    return "Parameters:\n" + "\n".join(lines) if lines else ""


def _stem(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[0] if "." in base[1:] else base


def _docs_link(node: dict[str, object]) -> str:
    docs = _map(node.get("externalDocs"))
    url = _text(docs.get("url"))
    if not url:
        return ""
    about = _one_line(_text(docs.get("description")))
    return f"{about}: {url}" if about else f"More: {url}"


def _is_literal_secret(name: str, value: str) -> bool:
    """A credential-looking name with a value typed in (not a ``{{variable}}``)."""
    return bool(value.strip()) and "{{" not in value and bool(_SECRET_NAME.fullmatch(name))


def _schema_kind(schema: dict[str, object]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "")
    if isinstance(kind, str) and kind:
        return kind
    if "properties" in schema or "allOf" in schema:
        return "object"
    return "array" if "items" in schema else ""


def _is_binary(schema: dict[str, object]) -> bool:
    """A file's contents: ``format: binary``/``base64``, a 3.1 content media type, or
    Swagger 2.0's ``type: file`` (or an array of those)."""
    if _schema_kind(schema) == "array":
        items = schema.get("items")
        schema = items if isinstance(items, dict) else {}
    return (
        _text(schema.get("format")).lower() in ("binary", "base64")
        or schema.get("type") == "file"
        or "contentMediaType" in schema
        or _text(schema.get("contentEncoding")).lower() in ("binary", "base64")
    )


def _json_text(value: object) -> str:
    """A JSON body's text: an example given as text stays as typed when it is JSON."""
    if isinstance(value, str) and not isinstance(value, JsonNumber):
        try:
            json.loads(value)
        except ValueError:
            return _pretty_json(value)
        return value
    return _pretty_json(value)


_SWAGGER_SCHEMA_KEYS: Final = (
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "x-example",
    "description",
)


def _swagger_schema(parameter: dict[str, object]) -> dict[str, object]:
    """A Swagger 2.0 non-body parameter's type keywords as a schema."""
    schema: dict[str, object] = {k: parameter[k] for k in _SWAGGER_SCHEMA_KEYS if k in parameter}
    if schema.get("type") == "file":
        schema = {**schema, "type": "string", "format": "binary"}
    return schema


def _swagger_parameter(parameter: dict[str, object]) -> dict[str, object]:
    """A Swagger 2.0 path, query or header parameter in OpenAPI 3's shape."""
    shaped = dict(parameter)
    shaped["schema"] = _swagger_schema(parameter)
    if "x-example" in parameter:
        shaped["example"] = parameter["x-example"]
    fmt = _text(parameter.get("collectionFormat")) or "csv"
    shaped["style"], shaped["explode"] = {
        "csv": ("form", False),
        "ssv": ("spaceDelimited", False),
        "tsv": ("tabDelimited", False),
        "pipes": ("pipeDelimited", False),
        "multi": ("form", True),
    }.get(fmt, ("form", False))
    return shaped

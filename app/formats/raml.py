"""RAML 1.0 API definitions (the format Paysera describes its own APIs in) as a collection.

What comes across:

- ``title``, ``description`` and ``documentation`` (the collection's name and description);
  ``baseUri`` with ``{version}`` and its ``baseUriParameters``: the collection's base URL is
  ``{{baseUri}}``, a collection variable holding the base URI with ``{{host}}``-style
  variables (each declared with its default, example or first enum value);
- every resource and nested resource, each method a request named by its ``displayName``
  (else ``GET /path``) in the folder of its top-level resource (named by that resource's
  ``displayName`` or path); the URL is ``{{baseUri}}/path`` with ``{id}`` written ``{{id}}``
  and each ``uriParameters`` entry a request variable (its example or default);
- ``queryParameters``, ``queryString`` and ``headers``, also those brought by traits
  (``is:``, parametrised ``<<param>>`` traits, traits applied by traits) and resource types
  (with ``<<resourcePath>>``, ``<<resourcePathName>>``, ``<<methodName>>``, the ``!singularize``
  style transforms and ``post?``-style optional methods): values are the default, else the
  example, else the first enum value; optional ones are kept disabled;
- ``uses:`` libraries and ``!include``d fragments, data types with ``type:`` inheritance,
  optional ``name?`` properties, arrays (``Type[]``, ``type: array``), unions (the first
  member that is not ``nil``), enums and ``example``/``examples``, from which each request
  body gets an example (money as ``"10.00"`` and ``"EUR"``, a datetime as an integer
  timestamp where the ``(datetime_timestamp)`` annotation says so); JSON bodies in JSON
  mode, urlencoded and multipart bodies as form fields, anything else as raw text;
- descriptions: the method's (else its trait's, else its nested resource's), a top
  resource's on its folder, and those of parameters listed under the request's, which has
  no place for them on its rows;
- ``securedBy`` at the root (the collection's auth), on resources and methods: Basic
  Authentication (``{{username}}``/``{{password}}``), Paysera's MAC (an ``x-`` scheme named
  or described as MAC: ``{{mac_id}}``/``{{mac_key}}``), Pass Through and other ``x-`` schemes
  that send exactly one header or query parameter (an API key). Credentials are variables
  of an environment named ``default``; the secret ones (``password``, ``mac_key``, keys) are
  declared secret there, with no value.

What does not is listed in the report, never dropped silently: annotations (one line per
name, with its count), OAuth, Digest and other schemes (their settings are also kept in the
descriptions of the requests they secure), body media types beyond the one imported,
includes and libraries given as URLs (never fetched; Paysera's common REST library
``lib-raml-common`` is built in), undeclared types, traits, resource types and schemes.

The include callable
--------------------
The root file is ``data``; every other file (``!include``, ``uses:``) is read through
``include`` and nothing else. Each path is resolved here first, relative to the file that
names it (``../common.raml`` from ``types/a.raml`` is ``common.raml``), and refused here
with a ``FormatError`` when it is absolute (``C:\\x``, ``~/x``, ``//host/x``; a path
starting with one ``/`` is RAML's root-relative form, read inside the root's folder) or when
it leaves the root file's folder (``../secret.txt``); URLs are never fetched. So
``include`` is only ever called with a normalised relative POSIX path inside the root
file's folder (``types/payment.raml``: no ``..``, no leading ``/``, no backslash), at most
once per path and import. It must:

- return the bytes of that file, the path taken relative to the folder of the root file;
- raise ``FormatError`` with a sentence when the path names no regular file or it cannot be
  read, and when its real location (symbolic links followed) lies outside the root file's
  folder: this module sees names, not links;
- refuse files over ``MAX_BYTES`` without reading them whole, never open devices or FIFOs,
  never touch the network.

Limits: ``MAX_BYTES`` (50 MB) for all files together, nesting 100 levels deep, includes 32
deep and never in a loop, YAML aliases repeating at most 100,000 nodes (a "billion laughs"
is refused at once); past any of them ``read`` raises one ``FormatError``.
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Final, Protocol

import yaml
from yaml.composer import Composer
from yaml.resolver import Resolver

from app.core.collection import AuthKind, AuthSpec, Defaults, Environment, SavedRequest, Variable
from app.core.json_doc import JsonNumber, iter_pretty, json_value_text, parse_json_exact
from app.core.request import BodyMode, FormField, KeyValue
from app.core.urls import url_with_params
from app.formats._model import FormatError, Imported, ImportedFolder, Include, ReportLine

__all__ = ["MAX_BYTES", "read", "sniff"]

MAX_BYTES: Final = 50 * 1024 * 1024
"""The most a definition may weigh, its root and every included file together."""

_FORMAT: Final = "RAML 1.0"
_COLLECTION: Final = "(collection)"
_ENVIRONMENT: Final = "default"
_MAX_NESTING: Final = 100
_MAX_INCLUDE_DEPTH: Final = 32
_MAX_REPEATS: Final = 100_000
_MAX_WORK: Final = 5_000_000
_MAX_TYPE_DEPTH: Final = 32
_MAX_EXAMPLE_DEPTH: Final = 24
_MAX_TRAITS: Final = 64

_METHODS: Final = ("get", "post", "put", "patch", "delete", "head", "options")
_BUILTIN_TYPES: Final = frozenset(
    [
        "any",
        "array",
        "boolean",
        "date-only",
        "datetime",
        "datetime-only",
        "file",
        "integer",
        "nil",
        "number",
        "object",
        "string",
        "time-only",
    ]
)
_FRAGMENTS: Final = frozenset(
    {
        "DocumentationItem",
        "DataType",
        "NamedExample",
        "ResourceType",
        "Trait",
        "AnnotationTypeDeclaration",
        "Library",
        "Overlay",
        "Extension",
        "SecurityScheme",
    }
)
_DECLARATIONS: Final = ("types", "traits", "resourceTypes", "securitySchemes", "annotationTypes")
_ROOT_KEYS: Final = frozenset(
    [
        "title",
        "description",
        "version",
        "baseUri",
        "baseUriParameters",
        "protocols",
        "mediaType",
        "documentation",
        "schemas",
        "uses",
        "securedBy",
    ]
) | frozenset(_DECLARATIONS)
_EXAMPLE_FACETS: Final = frozenset({"value", "displayName", "description", "strict"})

# The same made-up instant as the OpenAPI importer's examples: 2024-01-01T00:00:00Z.
_EXAMPLE_DATE: Final = "2024-01-01"
_EXAMPLE_TIME: Final = "00:00:00"
_EXAMPLE_TIMESTAMP: Final = 1704067200
# Money as Paysera sends it: a decimal string and a currency code (older APIs: an integer
# amount in cents, or a number).
_MONEY_EXAMPLES: Final[dict[tuple[str, str], object]] = {
    ("amount", "string"): "10.00",
    ("amount", "any"): "10.00",
    ("amount", "number"): JsonNumber("10.00"),
    ("amount", "integer"): 1000,
    ("currency", "string"): "EUR",
    ("currency", "any"): "EUR",
}
_TIMESTAMP_KINDS: Final = frozenset(
    {"integer", "number", "string", "datetime", "datetime-only", "any"}
)

_HEADER = re.compile(r"#%RAML[ \t]+(\S+)(?:[ \t]+(\S.*?))?[ \t]*\r?$")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://")
_DRIVE = re.compile(r"[A-Za-z]:")
_TEMPLATE = re.compile(r"\{[+#]?([^{}]*)\}")
_PARAM = re.compile(r"<<\s*([^<>|\s]+)\s*((?:\|\s*![A-Za-z]+\s*)*)>>")
_TRANSFORM = re.compile(r"!([A-Za-z]+)")
_VARIABLE_CHARS = re.compile(r"[^A-Za-z0-9_.\-]")
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_TYPE_TOKEN = re.compile(r"\s*(?:(\[\])|([|()])|([^\s|()\[\]]+))")


# --- the document tree ---------------------------------------------------------------------


@dataclass(eq=False, slots=True)
class _Node:
    """A YAML node as read, with the file and line it came from (for messages)."""

    file: str
    line: int


@dataclass(eq=False, slots=True)
class _Scalar(_Node):
    text: str
    kind: str = "str"  # YAML 1.2 core schema: str, int, float, bool or null
    origin: str = ""  # the included file this is the whole text of ("" for YAML scalars)


@dataclass(eq=False, slots=True)
class _Seq(_Node):
    items: tuple[_Node, ...]


@dataclass(eq=False, slots=True)
class _Map(_Node):
    entries: dict[str, _Node]
    lines: dict[str, int] = field(default_factory=dict)  # the line of each key, where known

    def get(self, key: str) -> _Node | None:
        return self.entries.get(key)


def _where(node: _Node) -> str:
    return f"{node.file}, line {node.line}"


def _is_null(node: _Node | None) -> bool:
    return node is None or (isinstance(node, _Scalar) and node.kind == "null")


def _text(node: _Node | None) -> str | None:
    """The text of a scalar that is not null; ``None`` for null, lists and mappings."""
    if isinstance(node, _Scalar) and node.kind != "null":
        return node.text
    return None


def _map(node: _Node | None) -> _Map | None:
    return node if isinstance(node, _Map) else None


def _empty_map(at: _Node) -> _Map:
    return _Map(at.file, at.line, {})


def _plain_kind(text: str) -> str:
    """What a plain (unquoted) scalar is in YAML 1.2's core schema, which RAML uses: unlike
    PyYAML's YAML 1.1 resolver, ``yes``, ``on`` and ``2024-01-01`` stay text."""
    if text in ("", "~", "null", "Null", "NULL"):
        return "null"
    if text in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return "bool"
    if _INT.fullmatch(text):
        return "int"
    if _FLOAT.fullmatch(text) or text.lstrip("+-") in (".inf", ".Inf", ".INF", ".nan", ".NaN"):
        return "float"
    return "str"


def _is_true(node: _Node | None) -> bool | None:
    if isinstance(node, _Scalar) and node.kind in ("bool", "str"):
        lowered = node.text.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true"
    return None


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun if count == 1 else noun + 's'}"


# --- composing YAML ------------------------------------------------------------------------


class _Composing(Protocol):
    def get_single_node(self) -> yaml.Node | None: ...

    def dispose(self) -> None: ...


_COMPOSERS: list[Callable[[str], _Composing]] = []
try:
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover  (every PyYAML wheel carries libyaml)
    pass
else:

    class _LibyamlComposer(Composer, CParser, Resolver):  # type: ignore[misc]
        """libyaml scans and parses; PyYAML's own composer (ahead of CParser's in the MRO)
        builds the nodes, so nesting too deep is a RecursionError, not a crash in C. Nodes
        are composed only, never constructed: no tag can build an object."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            Composer.__init__(self)
            Resolver.__init__(self)

    _COMPOSERS.append(_LibyamlComposer)
_COMPOSERS.append(yaml.SafeLoader)  # PyYAML alone has the last word on what libyaml refuses


def _compose(text: str, file: str) -> yaml.Node | None:
    """The YAML node tree of ``text``, or a ``FormatError`` naming ``file`` and the line."""
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        raise FormatError(
            f"{file}, line {line}: contains a character YAML does not allow "
            f"(U+{ord(bad.group()):04X})."
        )
    error: FormatError | None = None
    for composer_class in _COMPOSERS:
        loader: _Composing | None = None
        try:
            loader = composer_class(text)
            return loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"{file}, line {mark.line + 1}" if mark is not None else file
            problem = ", ".join(part for part in (exc.context, exc.problem) if part)
            error = FormatError(f"{where}: not valid YAML ({problem}).")
        except yaml.YAMLError as exc:
            error = FormatError(f"{file}: not valid YAML ({exc}).")
        except RecursionError:
            raise FormatError(f"{file}: nested too deeply to read.") from None
        finally:
            if loader is not None:
                loader.dispose()
    assert error is not None
    raise error


def _decode(data: bytes, file: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FormatError(f"{file}, line {line}: not UTF-8 text.") from None


# --- type expressions ----------------------------------------------------------------------

# ("name", "Money") | ("array", inner) | ("union", (member, ...))
_Expr = tuple[str, object]


@functools.lru_cache(maxsize=4096)
def _parse_type(text: str) -> _Expr | None:
    """A RAML type expression (``Money``, ``Payment[]``, ``string | nil``, ``(A | B)[]``),
    or ``None`` when it is not one."""
    tokens: list[str] = []
    position = 0
    while position < len(text):
        match = _TYPE_TOKEN.match(text, position)
        if match is None or match.end() == position:
            if text[position:].strip():
                return None
            break
        tokens.append(match.group(1) or match.group(2) or match.group(3))
        position = match.end()
    at = 0

    def union() -> _Expr | None:
        nonlocal at
        members = [postfix()]
        while at < len(tokens) and tokens[at] == "|":
            at += 1
            members.append(postfix())
        if any(member is None for member in members):
            return None
        return members[0] if len(members) == 1 else ("union", tuple(members))

    def postfix() -> _Expr | None:
        nonlocal at
        if at >= len(tokens):
            return None
        token = tokens[at]
        at += 1
        expr: _Expr | None
        if token == "(":
            expr = union()
            if expr is None or at >= len(tokens) or tokens[at] != ")":
                return None
            at += 1
        elif token in ("|", ")", "[]"):
            return None
        else:
            expr = ("name", token)
        while at < len(tokens) and tokens[at] == "[]":
            at += 1
            expr = ("array", expr)
        return expr

    expr = union()
    return expr if expr is not None and at == len(tokens) else None


def _type_text(expr: _Expr) -> str:
    kind, value = expr
    if kind == "array":
        assert isinstance(value, tuple)
        inner = _type_text(value)
        return f"({inner})[]" if value[0] == "union" else f"{inner}[]"
    if kind == "union":
        assert isinstance(value, tuple)
        return " | ".join(_type_text(member) for member in value)
    return str(value)


# --- parameter transforms (resource types and traits) --------------------------------------


def _words(text: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [word for word in re.split(r"[\s_\-]+", spaced) if word]


_IRREGULAR: Final = {"person": "people", "child": "children", "man": "men", "woman": "women"}


def _singular(word: str) -> str:
    lowered = word.lower()
    for one, many in _IRREGULAR.items():
        if lowered.endswith(many):
            return word[: len(word) - len(many)] + one
    if lowered.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if lowered.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if lowered.endswith("s") and not lowered.endswith("ss"):
        return word[:-1]
    return word


def _pluralize(word: str) -> str:
    lowered = word.lower()
    for one, many in _IRREGULAR.items():
        if lowered.endswith(one):
            return word[: len(word) - len(one)] + many
    if lowered.endswith("y") and len(word) > 1 and lowered[-2] not in "aeiou":
        return word[:-1] + "ies"
    if lowered.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


_TRANSFORMS: Final[dict[str, Callable[[str], str]]] = {
    "singularize": _singular,
    "pluralize": _pluralize,
    "uppercase": str.upper,
    "lowercase": str.lower,
    "lowercamelcase": lambda t: "".join(
        w.lower() if i == 0 else w.capitalize() for i, w in enumerate(_words(t))
    ),
    "uppercamelcase": lambda t: "".join(w.capitalize() for w in _words(t)),
    "lowerunderscorecase": lambda t: "_".join(w.lower() for w in _words(t)),
    "upperunderscorecase": lambda t: "_".join(w.upper() for w in _words(t)),
    "lowerhyphencase": lambda t: "-".join(w.lower() for w in _words(t)),
    "upperhyphencase": lambda t: "-".join(w.upper() for w in _words(t)),
}


def _path_name(path: str) -> str:
    """``<<resourcePathName>>``: the rightmost path segment without a URI parameter."""
    segments = [s for s in path.split("/") if s and "{" not in s]
    return segments[-1] if segments else ""


# --- scopes: what names mean where ---------------------------------------------------------


@dataclass(eq=False)
class _Scope:
    """The names one file sees: its own declarations (the root, a library) and its ``uses``.

    ``remote`` is set for a library named by URL that was not read: its names are unknown,
    and that was reported once already.
    """

    file: str
    declarations: dict[str, dict[str, _Node]] = field(default_factory=dict)
    uses: dict[str, _Scope] = field(default_factory=dict)
    parent: _Scope | None = None
    remote: str = ""


@dataclass(frozen=True, slots=True)
class _Shape:
    """A data type with its inheritance applied: what an example is built from.

    ``facets`` are the declarations' own maps, nearest first (for ``default``, ``enum``,
    ``format``, annotations); ``example`` the nearest explicit example still valid for it.
    """

    kind: str
    names: tuple[str, ...] = ()
    properties: tuple[tuple[str, _Node, bool], ...] = ()
    items: _Node | None = None
    facets: tuple[_Map, ...] = ()
    example: _Node | None = None
    schema: _Scalar | None = None

    def facet(self, name: str) -> _Node | None:
        for facets in self.facets:
            value = facets.get(name)
            if value is not None and not _is_null(value):
                return value
        return None


@dataclass(slots=True)
class _SchemeUse:
    """One security scheme as used: the auth it maps to (``None``: not supported)."""

    name: str
    kind: str
    auth: AuthSpec | None
    note: str
    where: str
    requests: list[str] = field(default_factory=list)  # the item paths of those it secures


@dataclass(frozen=True, slots=True)
class _Body:
    text: str = ""
    mode: BodyMode = BodyMode.JSON
    form: tuple[FormField, ...] = ()
    content_type: str = ""


# --- Paysera's common REST library, built in -----------------------------------------------

# Paysera's definitions say ``uses: {Paysera: https://raw.githubusercontent.com/paysera/
# lib-raml-common/<version>/rest.raml}``; URLs are never fetched, so this stands in for it,
# written from its documented content (the types, the Filter trait, the annotation types).
_PAYSERA_LIBRARY_FILE: Final = "Paysera common REST library (built in)"
_PAYSERA_LIBRARY: Final = """\
#%RAML 1.0 Library
usage: Paysera's common REST types and traits.
types:
  Money:
    type: object
    properties:
      amount:
        type: string
        description: The amount as a decimal string, for example "10.00".
      currency:
        type: string
        minLength: 3
        maxLength: 3
  File:
    type: object
    properties:
      name: string
      content: string
      mime_type: string
      size: integer
  Cursors:
    type: object
    properties:
      after?: string
      before?: string
  ResultMetadata:
    type: object
    properties:
      total: integer
      offset: integer
      limit?: integer
      order_by?: string
      order_direction?: string
      has_next?: boolean
      has_previous?: boolean
      cursors?: Cursors
  Result:
    type: object
    properties:
      _metadata: ResultMetadata
traits:
  Filter:
    description: Standard SQL-style result filtering.
    queryParameters:
      limit?:
        type: integer
        default: 20
      offset?: integer
      order_by?:
        type: string
        default: id
      order_direction?:
        type: string
        enum: [asc, desc]
      after?: string
      before?: string
annotationTypes:
  datetimeTimestamp: nil
  entityType: nil
  streamResponse: nil
"""


def _is_paysera_library(url: str) -> bool:
    return "/lib-raml-common/" in url and url.rstrip("/").endswith("/rest.raml")


# --- the importer --------------------------------------------------------------------------


class _Importer:
    """One ``read``: the files met, the names they declare, the report, the budgets."""

    def __init__(self, name: str, include: Include | None) -> None:
        self.root_file = posixpath.basename(name.replace("\\", "/")) or "api.raml"
        self.include = include
        self.texts: dict[str, str] = {}
        self.composed: dict[str, yaml.Node | None] = {}  # kept alive: node ids count repeats
        self.seen: set[int] = set()
        self.repeats = 0
        self.work = 0
        self.total_bytes = 0
        self.stack: list[str] = []
        self.included_from: dict[str, str] = {}
        self.scope_of: dict[str, _Scope] = {}
        self.libraries: dict[str, _Scope] = {}
        self.pending_uses: list[tuple[str, _Map]] = []
        self.trees: list[_Node] = []
        self.root_scope = _Scope(self.root_file)
        self.report: dict[tuple[str, str], None] = {}
        self.reported_names: set[tuple[str, str]] = set()
        self.schemes: dict[tuple[str, str], _SchemeUse] = {}
        self.environment: dict[str, Variable] = {}
        self.resolving: list[str] = []
        self.media_type = "application/json"
        self.root_unsupported: list[_SchemeUse] = []

    # -- report and budgets

    def note(self, where: str, what: str) -> None:
        self.report[(where, _one_line(what))] = None

    def note_once(self, key: tuple[str, str], where: str, what: str) -> None:
        if key not in self.reported_names:
            self.reported_names.add(key)
            self.note(where, what)

    def spend(self, amount: int = 1) -> None:
        self.work += amount
        if self.work > _MAX_WORK:
            raise FormatError(
                f"{self.root_file}: the definition expands to more than {_MAX_WORK:,} parts "
                "(includes, YAML aliases, traits or resource types feeding each other), so it "
                "was not imported."
            )

    # -- files

    def resolve_path(self, ref: str, at: _Node, what: str) -> str | None:
        """The normalised path ``ref`` names from ``at``'s file; ``None`` for a URL."""
        ref = ref.strip()
        if not ref:
            raise FormatError(f"{_where(at)}: {what} needs a file name.")
        if _URL.match(ref):
            return None
        cleaned = ref.replace("\\", "/")
        if cleaned.startswith("/") and not cleaned.startswith("//"):
            # RAML 1.0: a path starting with one "/" is relative to the root file's folder.
            joined = posixpath.normpath(cleaned.lstrip("/"))
            if joined in (".", "..") or joined.startswith("../"):
                raise FormatError(
                    f"{_where(at)}: {what} {ref} leaves the definition's folder; only files in "
                    f"the folder of {self.root_file} and its subfolders can be read."
                )
            return joined
        if "\x00" in cleaned or cleaned.startswith(("/", "~")) or _DRIVE.match(cleaned):
            raise FormatError(
                f"{_where(at)}: {what} {ref} is an absolute path; only files in the folder "
                f"of {self.root_file} and its subfolders can be read, named relative to the "
                "file that includes them."
            )
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(at.file), cleaned))
        if joined in (".", "..") or joined.startswith("../"):
            raise FormatError(
                f"{_where(at)}: {what} {ref} leaves the definition's folder; only files in "
                f"the folder of {self.root_file} and its subfolders can be read."
            )
        return joined

    def fetch(self, path: str, ref: str, at: _Node) -> str:
        if path in self.texts:
            return self.texts[path]
        if self.include is None:
            raise FormatError(
                f"{_where(at)}: {ref} is another file, which cannot be read here; import "
                f"{self.root_file} from its folder (as a file, not pasted text)."
            )
        try:
            data = self.include(path)
        except FormatError as exc:
            reason = str(exc).rstrip(".")
            raise FormatError(f"{_where(at)}: {ref} could not be read ({reason}).") from None
        except Exception as exc:  # the callable is someone else's code: still one sentence
            raise FormatError(
                f"{_where(at)}: {ref} could not be read ({type(exc).__name__}: {exc})."
            ) from None
        if not isinstance(data, bytes | bytearray):
            raise FormatError(f"{_where(at)}: {ref} could not be read (no bytes came back).")
        self.total_bytes += len(data)
        if self.total_bytes > MAX_BYTES:
            raise FormatError(
                f"{_where(at)}: with {ref} the definition is over {MAX_BYTES // 2**20} MB, "
                "more than an API definition can sensibly be; it was not imported."
            )
        text = _decode(bytes(data), path)
        self.texts[path] = text
        return text

    def load_yaml(self, text: str, file: str, depth: int) -> _Node:
        # Composed once per file: a file included again converts the same nodes again, so
        # includes repeated without end count as repeats, like YAML aliases.
        if file not in self.composed:
            self.composed[file] = _compose(text, file)
        composed = self.composed[file]
        if composed is None:
            return _Scalar(file, 1, "", "null")
        self.stack.append(file)
        try:
            return self.convert(composed, file, depth)
        finally:
            self.stack.pop()

    def convert(self, node: yaml.Node, file: str, depth: int) -> _Node:
        line = node.start_mark.line + 1
        if depth > _MAX_NESTING:
            raise FormatError(
                f"{file}, line {line}: the definition is nested more than {_MAX_NESTING} "
                "levels deep."
            )
        self.spend()
        if id(node) in self.seen:
            self.repeats += 1
            if self.repeats > _MAX_REPEATS:
                raise FormatError(
                    f"{file}, line {line}: YAML aliases or includes repeat more than "
                    f"{_MAX_REPEATS:,} nodes (a document that expands like a 'billion "
                    "laughs'); it was not imported."
                )
        else:
            self.seen.add(id(node))
        tag = node.tag or ""
        if isinstance(node, yaml.ScalarNode):
            if tag == "!include":
                return self.include_file(node.value, _Scalar(file, line, ""), depth)
            if tag.startswith("!") and not tag.startswith("!!") and tag != "!":
                self.note(
                    _COLLECTION,
                    f"{file}, line {line}: the tag {tag} is not RAML; its "
                    "value was read as plain text.",
                )
                return _Scalar(file, line, node.value)
            plain = node.style in (None, "")
            return _Scalar(file, line, node.value, _plain_kind(node.value) if plain else "str")
        if tag == "!include":
            raise FormatError(f"{file}, line {line}: !include takes a file name.")
        if isinstance(node, yaml.SequenceNode):
            items = tuple(self.convert(item, file, depth + 1) for item in node.value)
            return _Seq(file, line, items)
        assert isinstance(node, yaml.MappingNode)
        entries: dict[str, _Node] = {}
        lines: dict[str, int] = {}
        merged: list[_Map] = []
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "!include":
                raise FormatError(f"{file}, line {key_line}: a key must be a plain name.")
            value = self.convert(value_node, file, depth + 1)
            if key_node.tag == "tag:yaml.org,2002:merge":
                parts = value.items if isinstance(value, _Seq) else (value,)
                merged.extend(part for part in parts if isinstance(part, _Map))
                continue
            key = key_node.value
            if key in entries:
                self.note(
                    _COLLECTION,
                    f"{file}, line {key_line}: {key} is given twice; the later one was used.",
                )
            entries[key] = value
            lines[key] = key_line
        for part in merged:
            for key, value in part.entries.items():
                if key not in entries:
                    entries[key] = value
                    lines[key] = part.lines.get(key, part.line)
        return _Map(file, line, entries, lines)

    def include_file(self, ref: str, at: _Scalar, depth: int) -> _Node:
        path = self.resolve_path(ref, at, "!include")
        if path is None:
            self.note(
                _COLLECTION,
                f"{_where(at)}: !include {ref.strip()} is a URL, which is "
                "never fetched; it was left out.",
            )
            return _Scalar(at.file, at.line, "", "null")
        if path in self.stack:
            chain = " includes ".join([*self.stack[self.stack.index(path) :], path])
            raise FormatError(f"{_where(at)}: the includes form a loop ({chain}).")
        if len(self.stack) > _MAX_INCLUDE_DEPTH:
            raise FormatError(
                f"{_where(at)}: includes are nested more than {_MAX_INCLUDE_DEPTH} deep."
            )
        text = self.fetch(path, ref.strip(), at)
        self.included_from.setdefault(path, at.file)
        if posixpath.splitext(path)[1].lower() not in (".raml", ".yaml", ".yml"):
            self.spend()
            return _Scalar(path, 1, text, "str", path)
        value = self.load_yaml(text, path, depth + 1)
        if isinstance(value, _Map) and not _is_null(value.get("uses")):
            self.pending_uses.append((path, value))
        return value

    # -- scopes

    def declarations(self, owner: _Map) -> dict[str, dict[str, _Node]]:
        found: dict[str, dict[str, _Node]] = {}
        for kind in _DECLARATIONS:
            found[kind] = self.declared(owner.get(kind), kind)
        for name, node in self.declared(owner.get("schemas"), "schemas").items():
            found["types"].setdefault(name, node)
        return found

    def declared(self, node: _Node | None, kind: str) -> dict[str, _Node]:
        if _is_null(node):
            return {}
        assert node is not None
        if isinstance(node, _Map):
            return dict(node.entries)
        if isinstance(node, _Seq):  # RAML 0.8 wrote declarations as a list of mappings
            found: dict[str, _Node] = {}
            for item in node.items:
                if isinstance(item, _Map):
                    found.update(item.entries)
            return found
        self.note(
            _COLLECTION, f"{_where(node)}: {kind} must be a mapping of names; it was left out."
        )
        return {}

    def uses(self, owner: _Map) -> dict[str, _Scope]:
        node = owner.get("uses")
        if _is_null(node):
            return {}
        if not isinstance(node, _Map):
            assert node is not None
            self.note(
                _COLLECTION,
                f"{_where(node)}: uses must map names to library files; it was left out.",
            )
            return {}
        found: dict[str, _Scope] = {}
        for namespace, ref_node in node.entries.items():
            ref = _text(ref_node)
            if ref is None:
                self.note(
                    _COLLECTION,
                    f"{_where(ref_node)}: the library {namespace} names no file; it was left out.",
                )
                continue
            found[namespace] = self.library(namespace, ref, ref_node)
        return found

    def library(self, namespace: str, ref: str, at: _Node) -> _Scope:
        path = self.resolve_path(ref, at, f"the library {namespace}")
        if path is None:
            url = ref.strip()
            if _is_paysera_library(url):
                path = _PAYSERA_LIBRARY_FILE
                self.note_once(
                    ("library", url),
                    _COLLECTION,
                    f"{_where(at)}: the library "
                    f"{namespace} ({url}) is not downloaded; API Explorer's built-in "
                    "copy of Paysera's common REST library (Money, File, Result, "
                    "ResultMetadata, Cursors, the Filter trait) was used.",
                )
            else:
                self.note_once(
                    ("library", url),
                    _COLLECTION,
                    f"{_where(at)}: the library "
                    f"{namespace} ({url}) is a URL, which is never fetched; its "
                    "types, traits and resource types are unknown.",
                )
                return _Scope(url, remote=url)
        if path in self.libraries:
            return self.libraries[path]
        scope = _Scope(path)
        self.libraries[path] = scope
        self.scope_of[path] = scope
        if path == _PAYSERA_LIBRARY_FILE:
            text = _PAYSERA_LIBRARY
        else:
            text = self.fetch(path, ref.strip(), at)
        tree = self.load_yaml(text, path, 0)
        self.trees.append(tree)
        if not isinstance(tree, _Map):
            raise FormatError(
                f"{path}: a library must be a mapping of types, traits and other declarations."
            )
        scope.declarations = self.declarations(tree)
        scope.uses = self.uses(tree)
        self.settle_pending_uses()
        return scope

    def settle_pending_uses(self) -> None:
        while self.pending_uses:
            path, fragment = self.pending_uses.pop(0)
            if path in self.scope_of:
                continue
            scope = _Scope(path, parent=self.scope_for(self.included_from.get(path, "")))
            self.scope_of[path] = scope
            scope.uses = self.uses(fragment)

    def scope_for(self, file: str) -> _Scope:
        for _ in range(_MAX_INCLUDE_DEPTH + 2):
            scope = self.scope_of.get(file)
            if scope is not None:
                return scope
            parent = self.included_from.get(file)
            if parent is None:
                break
            file = parent
        return self.root_scope

    def lookup(self, kind: str, name: str, at: _Node) -> _Node | None:
        """The declaration ``name`` means where ``at`` was written: that file's scope, the
        scopes it was included from, then the root's (Paysera's fragments rely on it)."""
        scope: _Scope | None = self.scope_for(at.file)
        visited: list[_Scope] = []
        while scope is not None and scope not in visited:
            visited.append(scope)
            scope = scope.parent
        if self.root_scope not in visited:
            visited.append(self.root_scope)
        namespace, dot, local = name.partition(".")
        for candidate in visited:
            found = candidate.declarations.get(kind, {}).get(name)
            if found is not None:
                return found
            library = candidate.uses.get(namespace) if dot else None
            if library is not None:
                if library.remote:
                    self.reported_names.add((kind, name))  # the library's line says it all
                    return None
                return library.declarations.get(kind, {}).get(local)
        return None

    def unknown(self, what: str, kind: str, name: str, at: _Node, consequence: str) -> None:
        self.note_once(
            (kind, name),
            _COLLECTION,
            f"{_where(at)}: the {what} {name} is not declared; {consequence}.",
        )

    # -- merging traits and resource types

    def merge(self, target: _Node, source: _Node) -> _Node:
        """``source`` (a trait or resource type) under ``target``: the target's own values
        win, mappings merge, lists merge by value (RAML 1.0's merging algorithm)."""
        self.spend()
        if _is_null(target):
            return source
        if isinstance(target, _Map) and isinstance(source, _Map):
            entries = dict(target.entries)
            for key, value in source.entries.items():
                entries[key] = self.merge(entries[key], value) if key in entries else value
            return _Map(target.file, target.line, entries, {**source.lines, **target.lines})
        if isinstance(target, _Seq) and isinstance(source, _Seq):
            have = {_fingerprint(item) for item in target.items}
            extra = tuple(item for item in source.items if _fingerprint(item) not in have)
            return _Seq(target.file, target.line, target.items + extra)
        return target

    def refs(self, node: _Node | None) -> list[tuple[str, _Map | None, _Node]]:
        """The traits of an ``is:`` or the resource type of a ``type:``: (name, parameters,
        where written)."""
        if _is_null(node):
            return []
        assert node is not None
        items = node.items if isinstance(node, _Seq) else (node,)
        found: list[tuple[str, _Map | None, _Node]] = []
        for item in items:
            name = _text(item)
            if name is not None:
                found.append((name.strip(), None, item))
            elif isinstance(item, _Map) and len(item.entries) == 1:
                [(key, params)] = item.entries.items()
                found.append((key.strip(), _map(params), item))
            elif not _is_null(item):
                self.note(
                    _COLLECTION,
                    f"{_where(item)}: a trait or resource type must be "
                    "given by name; this one was left out.",
                )
        return found

    def substitute(
        self, node: _Node, params: dict[str, _Node], label: str, at: _Node, depth: int = 0
    ) -> _Node:
        """A copy of a trait's or resource type's ``node`` with its ``<<parameters>>`` filled."""
        self.spend()
        if depth > _MAX_NESTING:
            return node
        if isinstance(node, _Scalar):
            if "<<" not in node.text:
                return node
            whole = _PARAM.fullmatch(node.text.strip())
            if whole is not None:
                value = params.get(whole.group(1))
                if value is not None and not isinstance(value, _Scalar) and not whole.group(2):
                    return value
            text = self.fill(node.text, params, label, at)
            kind = "str"
            if whole is not None and not whole.group(2):
                value = params.get(whole.group(1))
                kind = value.kind if isinstance(value, _Scalar) else _plain_kind(text)
            return _Scalar(node.file, node.line, text, kind, node.origin)
        if isinstance(node, _Seq):
            items = tuple(self.substitute(i, params, label, at, depth + 1) for i in node.items)
            return _Seq(node.file, node.line, items)
        if isinstance(node, _Map):
            entries: dict[str, _Node] = {}
            lines: dict[str, int] = {}
            for key, value in node.entries.items():
                new_key = self.fill(key, params, label, at) if "<<" in key else key
                entries[new_key] = self.substitute(value, params, label, at, depth + 1)
                lines[new_key] = node.lines.get(key, node.line)
            return _Map(node.file, node.line, entries, lines)
        return node

    def fill(self, text: str, params: dict[str, _Node], label: str, at: _Node) -> str:
        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            node = params.get(name)
            if node is None:
                self.note_once(
                    ("parameter", f"{label} {name}"),
                    _COLLECTION,
                    f"{_where(at)}: "
                    f"{label} uses the parameter <<{name}>>, which is given no "
                    "value; it was left empty.",
                )
                value = ""
            else:
                value = _value_text(node)
            for transform in _TRANSFORM.findall(match.group(2)):
                function = _TRANSFORMS.get(transform.lower())
                if len(value) > 1000:
                    break  # names, not texts: a long value is left as it is
                if function is None:
                    self.note_once(
                        ("transform", transform),
                        _COLLECTION,
                        f"{_where(at)}: the "
                        f"parameter function !{transform} is not RAML's; it was not "
                        "applied.",
                    )
                else:
                    value = function(value)
            return value

        return _PARAM.sub(one, text)

    def with_traits(
        self, method: _Map, refs: list[tuple[str, _Map | None, _Node]], context: dict[str, str]
    ) -> _Map:
        result: _Node = method
        applied: set[str] = set()
        queue = list(refs)
        index = 0
        while index < len(queue) and len(applied) < _MAX_TRAITS:
            name, given, at = queue[index]
            index += 1
            if name in applied:
                continue  # the nearest application wins, parameters included
            applied.add(name)
            declaration = self.lookup("traits", name, at)
            if declaration is None:
                self.unknown(
                    "trait",
                    "traits",
                    name,
                    at,
                    "its parameters and headers are missing from the requests that use it",
                )
                continue
            body = _map(declaration)
            if body is None:
                continue
            params = _params(context, given, at)
            body = _map(self.substitute(body, params, f"the trait {name}", at)) or body
            queue.extend(self.refs(body.get("is")))
            body = _Map(
                body.file,
                body.line,
                {k: v for k, v in body.entries.items() if k not in ("usage", "is", "displayName")},
                body.lines,
            )
            result = self.merge(result, body)
        return result if isinstance(result, _Map) else method

    def with_resource_type(self, resource: _Map, context: dict[str, str], depth: int) -> _Map:
        refs = self.refs(resource.get("type"))
        if not refs:
            return resource
        name, given, at = refs[0]
        if depth > 16 or f"resource type {name}" in self.resolving:
            self.note_once(
                ("resourceTypes loop", name),
                _COLLECTION,
                f"{_where(at)}: the resource type {name} is based on itself; the loop was cut.",
            )
            return resource
        declaration = self.lookup("resourceTypes", name, at)
        if declaration is None:
            self.unknown(
                "resource type",
                "resourceTypes",
                name,
                at,
                "what it adds to its resources is missing",
            )
            return resource
        body = _map(declaration)
        own = _Map(
            resource.file,
            resource.line,
            {k: v for k, v in resource.entries.items() if k != "type"},
            resource.lines,
        )
        if body is None:
            return own
        label = f"the resource type {name}"
        params = _params(context, given, at)
        entries: dict[str, _Node] = {}
        for key, value in body.entries.items():
            if key == "usage":
                continue
            method = key.removesuffix("?").lower()
            if method in _METHODS:
                method_params = {**params, "methodName": _Scalar(at.file, at.line, method)}
                value = self.substitute(value, method_params, label, at)
                if key.endswith("?"):
                    if key[:-1] not in resource.entries:
                        continue
                    key = key[:-1]
            else:
                value = self.substitute(value, params, label, at)
            entries[key] = value
        self.resolving.append(f"resource type {name}")
        try:
            based_on = _Map(body.file, body.line, entries, body.lines)
            based = self.with_resource_type(based_on, context, depth + 1)
        finally:
            self.resolving.pop()
        merged = self.merge(own, based)
        return merged if isinstance(merged, _Map) else own

    # -- data types

    def shape(self, declaration: _Node | None, depth: int = 0, default: str = "string") -> _Shape:
        """The shape of a type declaration: a type expression, a list (multiple
        inheritance) or a mapping of facets."""
        self.spend()
        if depth > _MAX_TYPE_DEPTH:
            return _Shape("any")
        if declaration is None or _is_null(declaration):
            return _Shape(default)
        if isinstance(declaration, _Scalar):
            return self.expression_shape(declaration, depth)
        if isinstance(declaration, _Seq):
            shape = _Shape("object")
            for parent in declaration.items:
                shape = _inherit(shape, self.shape(parent, depth + 1))
            return shape
        assert isinstance(declaration, _Map)
        base_node = declaration.get("type")
        if _is_null(base_node):
            base_node = declaration.get("schema")
        if not _is_null(base_node):
            base = self.shape(base_node, depth + 1)
        elif "properties" in declaration.entries:
            base = _Shape("object")
        elif "items" in declaration.entries:
            base = _Shape("array")
        elif "fileTypes" in declaration.entries:
            base = _Shape("file")
        else:
            enum = declaration.get("enum")
            first = enum.items[0] if isinstance(enum, _Seq) and enum.items else None
            kinds = {"int": "integer", "float": "number", "bool": "boolean"}
            base = _Shape(kinds.get(first.kind, default) if isinstance(first, _Scalar) else default)
        return self.refine(base, declaration)

    def refine(self, base: _Shape, facets: _Map) -> _Shape:
        properties = {name: (decl, required) for name, decl, required in base.properties}
        example = base.example
        own = facets.get("properties")
        kind = base.kind
        if isinstance(own, _Map):
            example = None  # the parent's example does not cover the properties added here
            kind = "object"
            for raw, declaration in own.entries.items():
                name, required = raw, True
                if raw.endswith("?") and len(raw) > 1:
                    name, required = raw[:-1], False
                flag = (
                    _is_true(declaration.get("required")) if isinstance(declaration, _Map) else None
                )
                properties[name] = (declaration, required if flag is None else flag)
        given = _first_example(facets)
        if given is not None:
            example = given
        items = facets.get("items")
        return _Shape(
            kind,
            base.names,
            tuple((name, decl, req) for name, (decl, req) in properties.items()),
            items if items is not None and not _is_null(items) else base.items,
            (facets, *base.facets),
            example,
            base.schema,
        )

    def expression_shape(self, node: _Scalar, depth: int) -> _Shape:
        text = node.text.strip()
        if node.origin.lower().endswith(".json") or text.startswith("{"):
            return _Shape("json-schema", schema=node)
        if text.startswith("<"):
            self.note_once(
                ("xml", _where(node)),
                _COLLECTION,
                f"{_where(node)}: an XML schema cannot give an example; the body was left empty.",
            )
            return _Shape("any")
        expr = _parse_type(text)
        if expr is None:
            self.unknown("type", "types", text, node, "its examples were left empty")
            return _Shape("any")
        return self.expr_shape(expr, node, depth)

    def expr_shape(self, expr: _Expr, at: _Scalar, depth: int) -> _Shape:
        kind, value = expr
        if kind == "union":
            assert isinstance(value, tuple)
            members = [m for m in value if m != ("name", "nil")] or list(value)
            return self.expr_shape(members[0], at, depth)
        if kind == "array":
            assert isinstance(value, tuple)
            return _Shape("array", items=replace(at, text=_type_text(value), kind="str", origin=""))
        name = str(value)
        if name in _BUILTIN_TYPES:
            return _Shape(name)
        declaration = self.lookup("types", name, at)
        if declaration is None:
            self.unknown("type", "types", name, at, "its examples were left empty")
            return _Shape("any", names=(name,))
        key = f"type {id(declaration)}"  # not the name: libraries may reuse one
        if key in self.resolving:
            self.note_once(
                ("types loop", name),
                _COLLECTION,
                f"{_where(at)}: the type {name} inherits from itself; the loop was cut.",
            )
            return _Shape("any", names=(name,))
        self.resolving.append(key)
        try:
            shape = self.shape(declaration, depth + 1)
        finally:
            self.resolving.pop()
        return replace(shape, names=(name, *shape.names))

    def example(self, shape: _Shape, depth: int = 0, within: tuple[str, ...] = ()) -> object:
        """An example value (JSON data, numbers exact) for ``shape``."""
        self.spend()
        if shape.example is not None:
            return self.value(shape.example)
        given = shape.facet("default")
        enum = shape.facet("enum")
        if given is None and isinstance(enum, _Seq) and enum.items:
            given = enum.items[0]
        if given is not None:
            return self.value(given)
        kind = shape.kind
        if self.is_timestamp(shape) and kind in _TIMESTAMP_KINDS:
            return _EXAMPLE_TIMESTAMP
        if depth > _MAX_EXAMPLE_DEPTH or (shape.names and shape.names[0] in within):
            return {} if kind == "object" else [] if kind == "array" else None
        within = within + shape.names[:1]
        if kind == "object":
            return self.object_example(shape, depth, within)
        if kind == "array":
            items = None if shape.items is None else self.shape(shape.items)
            if items is None or (items.names and items.names[0] in within):
                return []  # a type that holds a list of itself: one level is enough
            return [self.example(items, depth + 1, within)]
        if kind == "json-schema" and shape.schema is not None:
            return self.schema_example(shape.schema)
        return _scalar_example(kind, shape)

    def object_example(self, shape: _Shape, depth: int, within: tuple[str, ...]) -> object:
        money = any(name.rpartition(".")[2] == "Money" for name in shape.names) or {
            name for name, _, _ in shape.properties
        } == {"amount", "currency"}
        found: dict[str, object] = {}
        for name, declaration, _required in shape.properties:
            if len(name) > 1 and name.startswith("/") and name.endswith("/"):
                continue  # a pattern property: any name matching it
            inner = self.shape(declaration)
            given = inner.example or inner.facet("default") or inner.facet("enum")
            if money and given is None and (name, inner.kind) in _MONEY_EXAMPLES:
                found[name] = _MONEY_EXAMPLES[(name, inner.kind)]
            else:
                found[name] = self.example(inner, depth + 1, within)
        return found

    def is_timestamp(self, shape: _Shape) -> bool:
        for facets in shape.facets:
            for key in facets.entries:
                if key.startswith("(") and key.endswith(")"):
                    bare = key[1:-1].rpartition(".")[2].replace("_", "").replace("-", "")
                    if bare.lower() == "datetimetimestamp":
                        return True
        return False

    def value(self, node: _Node, depth: int = 0) -> object:
        """A YAML value as JSON data: numbers keep their exact text."""
        self.spend()
        if isinstance(node, _Scalar):
            if node.origin:
                try:
                    return parse_json_exact(node.text)
                except ValueError:
                    return node.text
            if node.kind == "null":
                return None
            if node.kind == "bool":
                return node.text.lower() == "true"
            if node.kind in ("int", "float"):
                return _json_number(node.text)
            return node.text
        if depth > _MAX_NESTING:
            return None
        if isinstance(node, _Seq):
            return [self.value(item, depth + 1) for item in node.items]
        assert isinstance(node, _Map)
        return {key: self.value(item, depth + 1) for key, item in node.entries.items()}

    def schema_example(self, node: _Scalar) -> object:
        try:
            schema = parse_json_exact(node.text)
        except ValueError:
            self.note_once(
                ("schema", _where(node)),
                _COLLECTION,
                f"{_where(node)}: the JSON schema is not valid JSON; its example was left empty.",
            )
            return None
        return self.json_schema_example(schema, node, 0)

    def json_schema_example(self, schema: object, at: _Node, depth: int) -> object:
        self.spend()
        if not isinstance(schema, dict) or depth > _MAX_EXAMPLE_DEPTH:
            return None
        for key in ("example", "default", "const"):
            if key in schema:
                return schema[key]
        for key in ("examples", "enum"):
            listed = schema.get(key)
            if isinstance(listed, list) and listed:
                return listed[0]
        if isinstance(schema.get("$ref"), str):
            self.note_once(
                ("$ref", _where(at)),
                _COLLECTION,
                f"{_where(at)}: the JSON schema's "
                "$ref is not followed; that part of the example was left empty.",
            )
            return None
        for key in ("oneOf", "anyOf"):
            choices = schema.get(key)
            if isinstance(choices, list) and choices:
                return self.json_schema_example(choices[0], at, depth + 1)
        parts = schema.get("allOf")
        if isinstance(parts, list):
            combined: dict[str, object] = {}
            for part in parts:
                value = self.json_schema_example(part, at, depth + 1)
                if isinstance(value, dict):
                    combined.update(value)
            return combined
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        properties = schema.get("properties")
        if kind == "object" or isinstance(properties, dict):
            if not isinstance(properties, dict):
                return {}
            return {
                str(name): self.json_schema_example(sub, at, depth + 1)
                for name, sub in properties.items()
            }
        if kind == "array":
            return [self.json_schema_example(schema.get("items"), at, depth + 1)]
        formats = {"date-time": "datetime", "date": "date-only", "time": "time-only"}
        if kind == "string":
            return _scalar_example(
                formats.get(str(schema.get("format")), "string"), _Shape("string")
            )
        return _scalar_example(str(kind), _Shape(str(kind)))

    # -- parameters, bodies, auth

    def rows(self, node: _Node | None, what: str) -> list[KeyValue]:
        """``queryParameters`` or ``headers`` as rows: required ones enabled."""
        if _is_null(node):
            return []
        if not isinstance(node, _Map):
            assert node is not None
            self.note(_COLLECTION, f"{_where(node)}: {what} must be a mapping; it was left out.")
            return []
        found: list[KeyValue] = []
        for raw, declaration in node.entries.items():
            name, required = raw, True
            if raw.endswith("?") and len(raw) > 1:
                name, required = raw[:-1], False
            flag = _is_true(declaration.get("required")) if isinstance(declaration, _Map) else None
            if flag is not None:
                required = flag
            found.append(KeyValue(name, self.hint(declaration, ("default", "example")), required))
        return found

    def hint(self, declaration: _Node, order: tuple[str, str]) -> str:
        """A parameter's value: its default or example (in ``order``), else its first enum
        value, else empty."""
        shape = self.shape(declaration)
        for facet in order:
            node = shape.example if facet == "example" else shape.facet("default")
            if node is not None:
                return _value_text(node)
        enum = shape.facet("enum")
        if isinstance(enum, _Seq) and enum.items:
            return _value_text(enum.items[0])
        return ""

    def query_string(self, node: _Node | None) -> list[KeyValue]:
        if _is_null(node):
            return []
        shape = self.shape(node, default="object")
        return [
            KeyValue(name, self.hint(declaration, ("default", "example")), required)
            for name, declaration, required in shape.properties
        ]

    def body(self, node: _Node | None, where: str) -> _Body:
        if _is_null(node):
            return _Body()
        assert node is not None
        declared: list[tuple[str, _Node]]
        if isinstance(node, _Map) and node.entries and all("/" in k for k in node.entries):
            declared = list(node.entries.items())
        else:
            declared = [(self.media_type, node)]
        chosen = next(
            ((mt, d) for mt, d in declared if _is_json(mt)),
            declared[0],
        )
        for media_type, _ in declared:
            if media_type != chosen[0]:
                self.note(
                    where, f"The body may also be {media_type}; only {chosen[0]} was imported."
                )
        media_type, declaration = chosen
        bare = media_type.split(";")[0].strip().lower()
        shape = self.shape(declaration, default="any")
        if bare in ("application/x-www-form-urlencoded", "multipart/form-data"):
            multipart = bare == "multipart/form-data"
            fields = []
            for name, prop, required in shape.properties:
                inner = self.shape(prop)
                is_file = inner.kind == "file" and multipart
                value = "" if is_file else _field_text(self.example(inner))
                fields.append(FormField(name, value, required, is_file))
            mode = BodyMode.MULTIPART if multipart else BodyMode.FORM
            return _Body(mode=mode, form=tuple(fields))
        content_type = "" if bare == "application/json" else media_type
        if _is_json(media_type):
            return _Body(self.json_body(shape), BodyMode.JSON, content_type=content_type)
        if shape.kind == "file":
            return _Body("", BodyMode.FILE, content_type=media_type)
        example = self.example(shape)
        if example is None or (isinstance(example, str) and not isinstance(example, JsonNumber)):
            return _Body(example or "", BodyMode.RAW, content_type=media_type)
        return _Body(_json_text(example), BodyMode.RAW, content_type=media_type)

    def json_body(self, shape: _Shape) -> str:
        example = shape.example
        if isinstance(example, _Scalar) and (
            example.origin or example.text.lstrip().startswith(("{", "["))
        ):
            try:  # an example written as JSON text (often an included .json file): as written
                parse_json_exact(example.text)
            except ValueError:
                pass
            else:
                return example.text.strip("\n") if example.origin else example.text
        value = self.example(shape)
        return "" if value is None else _json_text(value)

    def auth(self, secured: _Node | None) -> tuple[AuthSpec, list[_SchemeUse]]:
        """The auth a ``securedBy`` list gives: its first supported scheme; none when only
        ``null`` (anonymous) or unsupported schemes are listed (returned, to be noted)."""
        if secured is None:
            return AuthSpec(AuthKind.INHERIT), []
        items = secured.items if isinstance(secured, _Seq) else (secured,)
        unsupported: list[_SchemeUse] = []
        for item in items:
            if _is_null(item):
                continue
            name = _text(item)
            if name is None and isinstance(item, _Map) and len(item.entries) == 1:
                name = next(iter(item.entries))
            if name is None:
                continue
            use = self.scheme(name.strip(), item)
            if use.auth is not None:
                return use.auth, []
            unsupported.append(use)
        return AuthSpec(AuthKind.NONE), unsupported

    def scheme(self, name: str, at: _Node) -> _SchemeUse:
        declaration = self.lookup("securitySchemes", name, at)
        key = (name, declaration.file if declaration is not None else "")
        if key in self.schemes:
            return self.schemes[key]
        if declaration is None:
            note = f"Secured by {name}, which is not declared; set the auth by hand."
            use = _SchemeUse(name, "not declared", None, note, _where(at))
            self.schemes[key] = use
            return use
        facets = _map(declaration) or _empty_map(declaration)
        kind = (_text(facets.get("type")) or "").strip()
        described = _map(facets.get("describedBy")) or _empty_map(facets)
        auth: AuthSpec | None = None
        lowered = kind.lower()
        if lowered == "basic authentication":
            self.credential("username", False)
            self.credential("password", True)
            auth = AuthSpec(
                AuthKind.BASIC, (("username", "{{username}}"), ("password", "{{password}}"))
            )
        elif lowered.startswith("x-") and _looks_like_mac(name, facets):
            self.credential("mac_id", False)
            self.credential("mac_key", True)
            auth = AuthSpec(
                AuthKind.PAYSERA_MAC, (("mac_id", "{{mac_id}}"), ("mac_key", "{{mac_key}}"))
            )
        elif lowered == "pass through" or lowered.startswith("x-"):
            single = _single_credential(described)
            if single is not None:
                parameter, where_in = single
                variable = _VARIABLE_CHARS.sub("_", parameter) or "api_key"
                self.credential(variable, True)
                auth = AuthSpec(
                    AuthKind.API_KEY,
                    (
                        ("name", parameter),
                        ("value", f"{{{{{variable}}}}}"),
                        ("in", where_in),
                    ),
                )
        note = ""
        if auth is None:
            details = [
                f"Secured by {name} ({kind or 'no type'}), which API Explorer cannot "
                "sign; set the auth by hand."
            ]
            description = _text(facets.get("description"))
            if description:
                details.append(description.strip())
            settings = _map(facets.get("settings"))
            if settings is not None:
                for setting, value in settings.entries.items():
                    details.append(f"{setting}: {_value_text(value)}")
            note = "\n".join(details)
        use = _SchemeUse(name, kind or "no type", auth, note, _where(declaration))
        self.schemes[key] = use
        return use

    def credential(self, name: str, secret: bool) -> None:
        self.environment.setdefault(name, Variable(name, "", secret))

    # -- the collection

    def run(self, data: bytes) -> Imported:
        if len(data) > MAX_BYTES:
            raise FormatError(
                f"{self.root_file} is over {MAX_BYTES // 2**20} MB, more than an API "
                "definition can sensibly be; it was not imported."
            )
        self.total_bytes = len(data)
        text = _decode(data, self.root_file)
        _check_header(text, self.root_file)
        self.texts[self.root_file] = text
        self.scope_of[self.root_file] = self.root_scope
        tree = self.load_yaml(text, self.root_file, 0)
        if not isinstance(tree, _Map):
            raise FormatError(
                f"{self.root_file}: a RAML definition must be a mapping (title, baseUri, "
                "resources, …)."
            )
        self.trees.append(tree)
        self.root_scope.declarations = self.declarations(tree)
        self.settle_pending_uses()
        self.root_scope.uses = self.uses(tree)
        self.settle_pending_uses()
        for key, node in tree.entries.items():
            if key not in _ROOT_KEYS and not key.startswith(("/", "(")):
                line = tree.lines.get(key, node.line)
                self.note(
                    _COLLECTION,
                    f"{tree.file}, line {line}: {key} is not a RAML root property; it was "
                    "left out.",
                )
        media = tree.get("mediaType")
        if isinstance(media, _Seq) and media.items:
            media = media.items[0]
        self.media_type = _text(media) or "application/json"
        defaults, base = self.collection_defaults(tree)
        root_auth, self.root_unsupported = self.auth(tree.get("securedBy"))
        folders = []
        for key, node in tree.entries.items():
            if key.startswith("/"):
                folders.append(self.folder(key, node, base, root_auth))
        defaults = replace(
            defaults, auth=root_auth if root_auth.kind is not AuthKind.NONE else AuthSpec()
        )
        self.report_schemes()
        self.report_annotations()
        title = (_text(tree.get("title")) or "").strip()
        if not title:
            title = posixpath.splitext(self.root_file)[0] or "RAML API"
            self.note(
                _COLLECTION, f"{self.root_file} has no title; the collection was named {title}."
            )
        environments: tuple[Environment, ...] = ()
        if self.environment:
            environments = (Environment(_ENVIRONMENT, tuple(self.environment.values())),)
        root = ImportedFolder(title, tuple(folders), defaults, self.collection_description(tree))
        report = tuple(ReportLine(where, what) for where, what in self.report)
        return Imported(_FORMAT, root, environments, report=report)

    def collection_defaults(self, tree: _Map) -> tuple[Defaults, str]:
        """The collection's base URL and variables, and the prefix of every request URL."""
        base_node = tree.get("baseUri")
        base_uri = _text(base_node)
        if base_uri is None or not base_uri.strip():
            self.note(
                _COLLECTION,
                f"{self.root_file} has no baseUri: requests are paths, "
                "joined to the Base URL of the window.",
            )
            return Defaults(), ""
        assert base_node is not None
        base_uri = base_uri.strip().rstrip("/")
        if not _URL.match(base_uri) and not base_uri.startswith("//"):
            protocols = tree.get("protocols")
            first = protocols.items[0] if isinstance(protocols, _Seq) and protocols.items else None
            base_uri = f"{(_text(first) or 'https').lower()}://{base_uri}"
        declared = _map(tree.get("baseUriParameters")) or _empty_map(base_node)
        variables: dict[str, Variable] = {}
        version = _text(tree.get("version"))
        for raw in _TEMPLATE.findall(base_uri):
            name = raw.strip()
            variable = _variable_name(name)
            if variable in variables:
                continue
            declaration = declared.get(name)
            if name == "version" and declaration is None:
                value = version or ""
            elif declaration is not None:
                value = self.hint(declaration, ("default", "example"))
            else:
                value = ""
            if not value:
                self.note(
                    _COLLECTION,
                    f"{_where(base_node)}: the baseUri parameter {{{name}}} "
                    f"has no value; set the collection variable {variable}.",
                )
            variables[variable] = Variable(variable, value)
        uri = _TEMPLATE.sub(lambda m: f"{{{{{_variable_name(m.group(1).strip())}}}}}", base_uri)
        return (
            Defaults(
                base_url="{{baseUri}}",
                variables=(
                    Variable("baseUri", uri),
                    *variables.values(),
                ),
            ),
            "{{baseUri}}",
        )

    def collection_description(self, tree: _Map) -> str:
        parts = [(_text(tree.get("description")) or "").strip()]
        documentation = tree.get("documentation")
        if isinstance(documentation, _Seq):
            for item in documentation.items:
                if isinstance(item, _Map):
                    heading = (_text(item.get("title")) or "").strip()
                    content = (_text(item.get("content")) or "").strip()
                    parts.append(f"## {heading}\n\n{content}" if heading else content)
        return "\n\n".join(part for part in parts if part)

    def folder(self, key: str, node: _Node, base: str, root_auth: AuthSpec) -> ImportedFolder:
        resource = _map(node) or _empty_map(node)
        context = {"resourcePath": key, "resourcePathName": _path_name(key)}
        effective = self.with_resource_type(resource, context, 0)
        name = (_text(effective.get("displayName")) or "").strip() or key
        description = (_text(effective.get("description")) or "").strip()
        requests: list[SavedRequest] = []
        self.resource(key, node, "", {}, base, root_auth, name, requests)
        taken: dict[str, int] = {}
        unique = []
        for request in requests:
            count = taken.get(request.name, 0) + 1
            taken[request.name] = count
            unique.append(
                replace(request, name=f"{request.name} ({count})") if count > 1 else request
            )
        return ImportedFolder(name, tuple(unique), description=description)

    def resource(
        self,
        key: str,
        node: _Node,
        parent: str,
        inherited: dict[str, _Node],
        base: str,
        root_auth: AuthSpec,
        folder: str,
        requests: list[SavedRequest],
    ) -> None:
        path = parent + key
        if not _is_null(node) and not isinstance(node, _Map):
            self.note(
                _COLLECTION,
                f"{_where(node)}: the resource {path} must be a mapping; it was left out.",
            )
            return
        resource = _map(node) or _empty_map(node)
        context = {"resourcePath": path, "resourcePathName": _path_name(path)}
        effective = self.with_resource_type(resource, context, 0)
        uri_params = dict(inherited)
        declared = effective.get("uriParameters")
        if isinstance(declared, _Map):
            for name, declaration in declared.entries.items():
                uri_params[name.removesuffix("?")] = declaration
        traits = self.refs(effective.get("is"))
        for method_key, method_node in effective.entries.items():
            method = method_key.lower()
            if method not in _METHODS:
                if method.removesuffix("?") in _METHODS or method in ("trace", "connect"):
                    self.note(
                        _COLLECTION,
                        f"{_where(method_node)}: {method_key} on {path} cannot be imported.",
                    )
                continue
            requests.append(
                self.request(
                    method,
                    method_node,
                    path,
                    uri_params,
                    traits,
                    effective,
                    base,
                    root_auth,
                    folder,
                    nested=bool(parent),
                )
            )
        for child_key, child in resource.entries.items():
            if child_key.startswith("/"):
                self.resource(child_key, child, path, uri_params, base, root_auth, folder, requests)

    def request(
        self,
        method: str,
        node: _Node,
        path: str,
        uri_params: dict[str, _Node],
        resource_traits: list[tuple[str, _Map | None, _Node]],
        resource: _Map,
        base: str,
        root_auth: AuthSpec,
        folder: str,
        *,
        nested: bool,
    ) -> SavedRequest:
        own = _map(node) or _empty_map(node)
        context = {"resourcePath": path, "resourcePathName": _path_name(path), "methodName": method}
        merged = self.with_traits(own, self.refs(own.get("is")) + resource_traits, context)
        display = (_text(merged.get("displayName")) or "").strip()
        name = display if display and display.lower() != method else f"{method.upper()} {path}"
        where = f"{folder} / {name}"
        variables: dict[str, Variable] = {}
        for raw in _TEMPLATE.findall(path):
            variable = _variable_name(raw.strip())
            declaration = uri_params.get(raw.strip())
            value = "" if declaration is None else self.hint(declaration, ("example", "default"))
            variables.setdefault(variable, Variable(variable, value))
        url_path = _TEMPLATE.sub(lambda m: f"{{{{{_variable_name(m.group(1).strip())}}}}}", path)
        params = self.rows(merged.get("queryParameters"), "queryParameters")
        params += self.query_string(merged.get("queryString"))
        headers = self.rows(merged.get("headers"), "headers")
        body = self.body(merged.get("body"), where)
        if body.content_type and not any(h.name.lower() == "content-type" for h in headers):
            headers.append(KeyValue("Content-Type", body.content_type))
        secured = merged.get("securedBy")
        if secured is None:
            secured = resource.get("securedBy")
        if secured is None:
            auth, unsupported = AuthSpec(), self.root_unsupported
        else:
            auth, unsupported = self.auth(secured)
            if auth == root_auth:
                auth = AuthSpec()
        description = (_text(merged.get("description")) or "").strip()
        if not description and nested:  # a top resource's description is its folder's
            description = (_text(resource.get("description")) or "").strip()
        listed = [
            *self.described(
                ((n, uri_params.get(n.strip())) for n in _TEMPLATE.findall(path)), "URI"
            ),
            *self.described(_entries(merged.get("queryParameters")), "query"),
            *self.described(_entries(merged.get("headers")), "header"),
        ]
        if listed:
            description = "\n\n".join(filter(None, [description, "\n".join(listed)]))
        for use in unsupported:
            use.requests.append(where)
            description = f"{description}\n\n{use.note}".strip()
        return SavedRequest(
            name=name,
            method=method.upper(),
            url=url_with_params(base + url_path, params),
            params=tuple(params),
            headers=tuple(headers),
            body=body.text,
            body_mode=body.mode,
            auth=auth,
            variables=tuple(variables.values()),
            description=description,
            form=body.form,
        )

    def described(self, declared: Iterable[tuple[str, _Node | None]], kind: str) -> list[str]:
        """``- name (kind): description`` for each parameter that has a description: the
        rows of the request have no place for one."""
        found = []
        for raw, declaration in declared:
            if declaration is not None and not _is_null(declaration):
                text = _text(self.shape(declaration).facet("description"))
                if text and text.strip():
                    found.append(f"- {raw.strip().removesuffix('?')} ({kind}): {text.strip()}")
        return found

    def report_schemes(self) -> None:
        for use in self.schemes.values():
            count = len(use.requests)
            if use.auth is not None or not count:
                continue
            which = ", ".join(use.requests) if count <= 3 else _plural(count, "request")
            self.note(
                _COLLECTION,
                f"{use.where}: the security scheme {use.name} ({use.kind}) cannot be applied, "
                f"so {which} {'has' if count == 1 else 'have'} no auth; what the scheme "
                f"needs is in {'its' if count == 1 else 'their'} description"
                f"{'' if count == 1 else 's'}.",
            )

    def report_annotations(self) -> None:
        counts: dict[str, int] = {}
        first: dict[str, str] = {}
        for tree in self.trees:
            for node in _walk(tree):
                if isinstance(node, _Map):
                    for key in node.entries:
                        if len(key) > 2 and key.startswith("(") and key.endswith(")"):
                            counts[key] = counts.get(key, 0) + 1
                            line = node.lines.get(key, node.line)
                            first.setdefault(key, f"{node.file}, line {line}")
        for key, count in counts.items():
            self.note(
                _COLLECTION,
                f"Annotation {key} is ignored ({_plural(count, 'use')}, the "
                f"first in {first[key]}).",
            )


# --- small helpers -------------------------------------------------------------------------


def _one_line(text: str) -> str:
    """``text`` with line breaks (from names and messages in the input) made spaces."""
    return " ".join(text.split()) if "\n" in text or "\r" in text else text


def _entries(node: _Node | None) -> list[tuple[str, _Node | None]]:
    return list(node.entries.items()) if isinstance(node, _Map) else []


def _walk(tree: _Node) -> Iterator[_Node]:
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, _Map):
            stack.extend(reversed(node.entries.values()))
        elif isinstance(node, _Seq):
            stack.extend(reversed(node.items))


def _fingerprint(node: _Node) -> object:
    if isinstance(node, _Scalar):
        return ("scalar", node.text)
    if isinstance(node, _Map) and len(node.entries) == 1:
        return ("named", next(iter(node.entries)))
    return ("node", id(node))


def _params(context: dict[str, str], given: _Map | None, at: _Node) -> dict[str, _Node]:
    params: dict[str, _Node] = {k: _Scalar(at.file, at.line, v) for k, v in context.items()}
    if given is not None:
        params.update(given.entries)
    return params


def _first_example(facets: _Map) -> _Node | None:
    example = facets.get("example")
    if _is_null(example):
        examples = facets.get("examples")
        example = None
        if isinstance(examples, _Map) and examples.entries:
            example = next(iter(examples.entries.values()))
        elif isinstance(examples, _Seq) and examples.items:
            example = examples.items[0]
    if isinstance(example, _Map) and "value" in example.entries:
        keys = {k for k in example.entries if not k.startswith("(")}
        if keys <= _EXAMPLE_FACETS:
            example = example.entries["value"]
    return None if _is_null(example) else example


def _inherit(child: _Shape, parent: _Shape) -> _Shape:
    properties = {name: (decl, req) for name, decl, req in parent.properties}
    properties.update({name: (decl, req) for name, decl, req in child.properties})
    return replace(
        child,
        names=child.names + parent.names,
        properties=tuple((name, decl, req) for name, (decl, req) in properties.items()),
        facets=child.facets + parent.facets,
    )


def _scalar_example(kind: str, shape: _Shape) -> object:
    if kind == "string":
        return "string"
    if kind in ("number", "integer"):
        minimum = shape.facet("minimum")
        value = _json_number(minimum.text) if isinstance(minimum, _Scalar) else 0
        return 0 if type(value) is str else value
    if kind == "boolean":
        return True
    if kind == "date-only":
        return _EXAMPLE_DATE
    if kind == "time-only":
        return _EXAMPLE_TIME
    if kind == "datetime-only":
        return f"{_EXAMPLE_DATE}T{_EXAMPLE_TIME}"
    if kind == "datetime":
        form = _text(shape.facet("format")) or ""
        if form.lower() == "rfc2616":
            return "Mon, 01 Jan 2024 00:00:00 GMT"
        return f"{_EXAMPLE_DATE}T{_EXAMPLE_TIME}Z"
    if kind == "file":
        return ""
    return None


def _json_number(text: str) -> object:
    """A YAML number as JSON: its exact text when that is JSON, else its value; text
    (a string) for what JSON cannot hold (``.inf``, ``.nan``)."""
    text = text.strip()
    if _JSON_NUMBER.fullmatch(text):
        if "." in text or "e" in text or "E" in text:
            return JsonNumber(text)
        try:
            return int(text)
        except ValueError:  # more digits than Python turns into an int
            return JsonNumber(text)
    try:
        if _INT.fullmatch(text):
            return int(text, 0) if text[:2].lower() in ("0x", "0o") else int(text)
        number = Decimal(text)
    except (ValueError, InvalidOperation):
        return text
    if not number.is_finite():
        return text
    exact = str(number)
    return JsonNumber(exact) if _JSON_NUMBER.fullmatch(exact) else text


def _json_text(value: object) -> str:
    return "".join(iter_pretty(value, 2))


def _value_text(node: _Node) -> str:
    """A node as a parameter value: a scalar's text, a list comma-separated, else JSON."""
    if isinstance(node, _Scalar):
        return "" if node.kind == "null" else node.text
    if isinstance(node, _Seq) and all(isinstance(i, _Scalar) for i in node.items):
        return ",".join(_value_text(item) for item in node.items)
    return json.dumps(_plain(node), ensure_ascii=False, separators=(",", ":"))


def _plain(node: _Node, depth: int = 0) -> object:
    if isinstance(node, _Scalar) or depth > _MAX_NESTING:
        return _value_text(node) if isinstance(node, _Scalar) else None
    if isinstance(node, _Seq):
        return [_plain(item, depth + 1) for item in node.items]
    assert isinstance(node, _Map)
    return {key: _plain(value, depth + 1) for key, value in node.entries.items()}


def _field_text(value: object) -> str:
    """An example value as a form field's text: a string as it is, the rest compact JSON."""
    return "" if value is None else json_value_text(value)


def _is_json(media_type: str) -> bool:
    bare = media_type.split(";")[0].strip().lower()
    return bare == "application/json" or bare.endswith("+json")


def _variable_name(name: str) -> str:
    return _VARIABLE_CHARS.sub("_", name) or "param"


def _looks_like_mac(name: str, facets: _Map) -> bool:
    words = [
        name,
        _text(facets.get("type")) or "",
        _text(facets.get("displayName")) or "",
        _text(facets.get("description")) or "",
    ]
    return "mac" in re.split(r"[^a-z0-9]+", " ".join(words).lower())


def _single_credential(described: _Map) -> tuple[str, str] | None:
    """The one header or query parameter a scheme sends, with where it goes."""
    found: list[tuple[str, str]] = []
    for section, where_in in (("headers", "header"), ("queryParameters", "query")):
        declared = _map(described.get(section))
        if declared is not None:
            found.extend((name.removesuffix("?"), where_in) for name in declared.entries)
    return found[0] if len(found) == 1 else None


def _check_header(text: str, file: str) -> None:
    first = text[:200].split("\n", 1)[0]  # a header is short: a long line is not one
    match = _HEADER.match(first)
    if match is None:
        raise FormatError(f"{file}, line 1: not a RAML file (the first line must be #%RAML 1.0).")
    version, fragment = match.group(1), match.group(2)
    if version != "1.0":
        raise FormatError(
            f"{file}: RAML {version} is not supported; only RAML 1.0 definitions can be imported."
        )
    if fragment is not None:
        if fragment not in _FRAGMENTS:
            raise FormatError(
                f"{file}, line 1: {fragment} is not a RAML 1.0 fragment type; an API "
                "definition starts with #%RAML 1.0 alone."
            )
        if fragment in ("Overlay", "Extension"):
            raise FormatError(
                f"{file} is a RAML 1.0 {fragment}; import the API definition it extends instead."
            )
        raise FormatError(
            f"{file} is a RAML 1.0 {fragment} fragment, not an API definition; import the "
            "api.raml that uses it instead."
        )


# --- the public surface --------------------------------------------------------------------


def sniff(data: bytes, name: str) -> bool:
    """True when ``data`` starts like a RAML document (``#%RAML``); 0.8 and fragments too,
    so that ``read`` can say what is wrong with them."""
    return data[:16].removeprefix(b"\xef\xbb\xbf").startswith(b"#%RAML")


def read(data: bytes, name: str, include: Include | None = None) -> Imported:
    """The collection a RAML 1.0 API definition describes; ``name`` is its file name and
    ``include`` reads the files it names (see the module docstring for what it must do).

    Raises ``FormatError`` (one sentence: what is wrong, in which file and line) for
    anything that is not a readable RAML 1.0 API definition.
    """
    importer = _Importer(name, include)
    try:
        return importer.run(data)
    except RecursionError:
        raise FormatError(f"{importer.root_file}: nested too deeply to read.") from None
    except FormatError as exc:
        message = _one_line(str(exc))
        if message != str(exc):  # a file name or a reason from the input broke the line
            raise FormatError(message) from None
        raise

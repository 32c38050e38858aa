"""Collections on disk, the wire format: YAML text <-> the pure model of ``app.core.collection``.

This module only turns text into model objects and back; ``app.storage.collection_store``
decides which file holds what. Three kinds of file share one style:

``*.request.yaml`` (one ``SavedRequest``), keys in this order::

    name: List payments          # always written
    method: POST                 # always written
    url: /payments               # always written
    params:                      # rows: name, value, and enabled: false when disabled
      - name: limit
        value: '10'
    headers:
      - name: X-Trace
        value: '{{trace}}'
        enabled: false
    body_mode: raw               # only when not json: raw, form, multipart, file, graphql
    body: |                      # multi-line text as a literal block, exact to the byte
      {"amount": {{amount}}}     # (file: the file's path; graphql: the query)
    form:                        # the fields of a form or multipart body
      - name: note
        value: '{{note}}'
      - name: avatar             # multipart only: a file, by path (relative: from the
        file: files/avatar.png   # collection folder); content_type only when not guessed
        content_type: image/png
        enabled: false
    graphql_variables: |         # a graphql body's variables, a JSON object as text
      {"id": 1}
    auth:                        # kind first, then the auth's values in their order
      kind: basic
      username: '{{user}}'
      password: '{{password}}'
    variables:                   # name, value (never for a secret), secret, enabled
      - name: password
        secret: true
    description: Lists payments
    follow_redirects: true       # only when set here (true or false); else inherited
    assert:                      # checks on the response (app.core.assertions), in order
      - status: 200              # or a class: "2xx"
      - error: not_found         # `error: null` = no error object
      - path: $.items[0].price.amount   # RFC 9535 JSONPath, then exactly one of:
        equals: "10.12"          # equals: V, exists: true|false, matches: REGEX, type: number
      - header: Content-Type     # then equals, exists or matches
        matches: ^application/json
      - time_below_ms: 500
    examples:                    # responses kept with the request (Save as example…)
      - name: 200 OK
        status: 200
        headers:                 # rows as above
          - name: Content-Type
            value: application/json
        body: |                  # the body's text as received, secrets as {{name}}
          {"items": []}

``collection.yaml`` and ``folder.yaml`` (``DefaultsFile``): ``name``, ``id`` (collection.yaml
only), ``base_url``, ``headers``, ``auth``, ``variables``, ``follow_redirects`` (only when
set). ``environments/NAME.yaml``
(``Environment``): ``name``, ``protected``, ``variables``.

Writing leaves out everything that is at its default (empty lists and text, ``enabled: true``,
``body_mode: json``, ``auth: {kind: inherit}``), so a minimal request is three lines and diffs
stay small. ``body``, ``form`` and ``graphql_variables`` are each kept whatever the
``body_mode``: switching the mode back finds what was typed for it.

A secret variable is written as its name and ``secret: true``: its value is dropped
even when the model carries one. Dumping is deterministic, and every dump is read back before
it is returned; text that would not survive as a literal block falls back to a quoted scalar,
so ``dump(parse(dump(x))) == dump(x)``.

Reading composes the document as PyYAML's ``SafeLoader`` does (the same parse ``yaml.load``
does, stopping before any object is built; libyaml scans, PyYAML's composer builds the nodes)
so that every problem has a line number. Only plain
text, lists and mappings are accepted: a tag such as ``!!python/object/apply`` is reported, never
constructed. Unknown keys are refused rather than ignored, so a typo such as ``hedaers`` does not
silently lose data and a file written by a newer version is reported, not overwritten with less.
Scalars written without quotes are taken as typed: ``value: 010`` is the text ``010``.
The one place where the YAML type matters is an assertion's expected value (``equals:``): it is
read from the scalar's text and quoting, never constructed by PyYAML, so a quoted ``"10.12"`` is
a string, a plain ``10.12`` the exact number (YAML 1.2 core-schema rules, see
``app.core.assertions.plain_scalar``); writing puts strings in double quotes and numbers plain,
exactly as held.

Exceptions::

    Exception
     └── CollectionFileError   a file could not be read: source, line (1-based or None), reason
"""

from __future__ import annotations

import difflib
import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn, Protocol, TypeVar

import yaml
from yaml.composer import Composer
from yaml.resolver import Resolver

from app.core.assertions import (
    Assertion,
    AssertionKind,
    Expected,
    Operator,
    ValueType,
    operators_for,
    plain_scalar,
)
from app.core.collection import (
    AuthKind,
    AuthSpec,
    CollectionFileError,
    Defaults,
    Environment,
    ResponseExample,
    SavedRequest,
    Variable,
)
from app.core.json_doc import cyclic_gc_paused
from app.core.request import METHODS, BodyMode, FormField, KeyValue
from app.core.transport import ProxyMode, ProxySettings, TlsSettings
from app.core.variables import VARIABLE_PATTERN

__all__ = [
    "CollectionFileError",
    "DefaultsFile",
    "dump_defaults",
    "dump_environment",
    "dump_request",
    "parse_defaults",
    "parse_environment",
    "parse_request",
]

_REQUEST_KEYS = (
    "name",
    "method",
    "url",
    "params",
    "headers",
    "body_mode",
    "body",
    "form",
    "graphql_variables",
    "auth",
    "variables",
    "description",
    "follow_redirects",
    "assert",
    "examples",
)
_EXAMPLE_KEYS = ("name", "status", "headers", "body")
_COLLECTION_KEYS = (
    "name",
    "id",
    "base_url",
    "headers",
    "auth",
    "variables",
    "follow_redirects",
    "tls",
    "proxy",
)
_FOLDER_KEYS = ("name", "base_url", "headers", "auth", "variables", "follow_redirects")
_ENVIRONMENT_KEYS = ("name", "protected", "variables", "tls")
_TLS_KEYS = ("verify", "ca_bundle", "client_cert", "client_key", "key_passphrase")
_PROXY_KEYS = ("mode", "http", "https", "no_proxy")
_ROW_KEYS = ("name", "value", "enabled")
_FORM_KEYS = ("name", "value", "file", "content_type", "enabled")
_VARIABLE_KEYS = ("name", "value", "secret", "enabled")
# An assertion item: one subject key, then (path and header only) one check key.
_ASSERT_SUBJECTS = tuple(kind.value for kind in AssertionKind)
_ASSERT_CHECKS = ("equals", "exists", "matches", "type")

_E = TypeVar("_E", bound=enum.Enum)

_TAG = "tag:yaml.org,2002:"
_TEXT_TAGS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
_PLAIN_TAGS = _TEXT_TAGS | {_TAG + "seq", _TAG + "map"}
_NULL = _TAG + "null"
_BOOL = _TAG + "bool"

# What PyYAML's reader refuses (libyaml refuses the same), checked before parsing.
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE

# What a literal block cannot hold exactly: anything YAML does not print, and the line breaks
# (and BOM) that YAML 1.1 would normalise or reinterpret inside one.
_NOT_IN_BLOCK = re.compile(
    "[^\n\t -~\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\r\x85\u2028\u2029\ufeff]"
)


@dataclass(frozen=True, slots=True)
class DefaultsFile:
    """What ``collection.yaml`` or ``folder.yaml`` holds.

    ``name`` is ``None`` when the file does not set one (the folder's name is used);
    ``collection_id`` is only read from and written to ``collection.yaml``.
    """

    defaults: Defaults = field(default_factory=Defaults)
    name: str | None = None
    collection_id: str | None = None


# --- writing ---------------------------------------------------------------------------------


def _block_safe(text: str) -> bool:
    """Whether ``text`` reads back unchanged as a literal block: printable, ``\\n`` breaks only."""
    return _NOT_IN_BLOCK.search(text) is None


class _QuotedDumper(yaml.SafeDumper):
    """SafeDumper with list items indented under their key, and every text that holds a line
    break or a character PyYAML mishandles when unquoted double-quoted (escapes read back
    exactly; PyYAML's single quotes garble ``\\x85`` and ``\\u2028``)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


class _BlockDumper(_QuotedDumper):
    """Writes multi-line text as literal blocks, trailing spaces and tabs included (PyYAML
    would double-quote those, which turns a pasted JSON body into one long escaped line)."""

    # PyYAML analyses and writes a scalar one character at a time in Python: 1.6 s to dump a
    # 1.9 MB body, on every save and every draft. A multi-line text that is block safe is
    # always a literal block here, so its analysis is known and its lines are written whole
    # (the same bytes: tests/storage/test_collection_files.py compares with PyYAML's own).

    def analyze_scalar(self, scalar: str) -> yaml.emitter.ScalarAnalysis:
        if "\n" in scalar and _block_safe(scalar):
            return yaml.emitter.ScalarAnalysis(
                scalar=scalar,
                empty=False,
                multiline=True,
                allow_flow_plain=False,
                allow_block_plain=False,
                allow_single_quoted=False,  # never asked: its style is "|" (or '"')
                allow_double_quoted=True,
                allow_block=True,
            )
        return super().analyze_scalar(scalar)

    def write_literal(self, text: str) -> None:
        if self.encoding or self.best_line_break != "\n" or not _block_safe(text):
            super().write_literal(text)  # type: ignore[no-untyped-call]
            return
        hints = self.determine_block_hints(text)
        self.write_indicator("|" + hints, True)  # type: ignore[no-untyped-call]
        if hints[-1:] == "+":
            self.open_ended = True
        self.write_line_break()  # type: ignore[no-untyped-call]
        lines = text.split("\n")
        if text.endswith("\n"):
            lines.pop()  # its last break ends the last line
        indent = " " * (self.indent or 0)
        self.stream.write("".join(f"{indent}{line}\n" if line else "\n" for line in lines))
        self.line += len(lines)  # column, whitespace, indention: as after any line break

    def determine_block_hints(self, text: str) -> str:
        # PyYAML gives a block its indentation (``|2``) only when the text starts with a
        # space or a break; libyaml cannot tell the indentation of a first line that starts
        # with a tab either, and refuses the block without it.
        hints: str = super().determine_block_hints(text)  # type: ignore[no-untyped-call]
        return str(self.best_indent) + hints if text.startswith("\t") else hints


def _represent_quoted(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = '"' if "\n" in text or not _block_safe(text) else None
    return dumper.represent_scalar(_TAG + "str", text, style=style)


def _represent_block(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    if not _block_safe(text):
        style: str | None = '"'
    elif "\n" in text:
        style = "|"
    else:
        style = None
    return dumper.represent_scalar(_TAG + "str", text, style=style)


class _DoubleQuoted(str):
    """Text written in double quotes whatever it holds: an assertion's expected string
    (``equals: "10.12"``), whose quotes are what make it a string."""

    __slots__ = ()


class _Plain(str):
    """A scalar written exactly as this text, unquoted: an expected number (``10.12``,
    ``0.1000000000000000055511151231257827``), ``true``, ``null`` or a type name. Never a
    float on the way, so the text is what the file says."""

    __slots__ = ()


def _represent_double_quoted(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar(_TAG + "str", str(text), style='"')


def _represent_plain(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # The tag the loader gives this text, so the emitter writes it without quotes or a tag;
    # the reader types it again from the text (YAML 1.2 core schema).
    node = yaml.compose(str(text), Loader=yaml.SafeLoader)
    tag = node.tag if node is not None else _NULL
    return dumper.represent_scalar(tag, str(text), style=None)


_QuotedDumper.add_representer(str, _represent_quoted)
_BlockDumper.add_representer(str, _represent_block)
for _dumper in (_QuotedDumper, _BlockDumper):
    _dumper.add_representer(_DoubleQuoted, _represent_double_quoted)
    _dumper.add_representer(_Plain, _represent_plain)

_DUMP_OPTIONS: dict[str, Any] = {
    "sort_keys": False,
    "allow_unicode": True,
    "default_flow_style": False,
    "width": 2**31,  # never fold long lines: a long URL stays one line, one diff line
    "indent": 2,
}


def _as_loaded(data: Any) -> Any:
    """``data`` as ``yaml.load`` returns it after a dump: a ``_Plain`` text comes back as
    whatever PyYAML makes of it (``10.12`` a float), which the round-trip check must expect."""
    if isinstance(data, _Plain):
        return _load(str(data))
    if isinstance(data, dict):
        return {key: _as_loaded(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_as_loaded(item) for item in data]
    return data


def _dump(data: dict[str, Any]) -> str:
    text: str = yaml.dump(data, Dumper=_BlockDumper, **_DUMP_OPTIONS)
    if _load(text) != _as_loaded(data):
        # Round trip first: a literal block that would not read back exactly is quoted.
        text = yaml.dump(data, Dumper=_QuotedDumper, **_DUMP_OPTIONS)
    return text


def _rows_data(rows: tuple[KeyValue, ...]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for row in rows:
        item: dict[str, Any] = {"name": row.name, "value": row.value}
        if not row.enabled:
            item["enabled"] = False
        result.append(item)
    return result


def _form_data(fields: tuple[FormField, ...]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for form_field in fields:
        item: dict[str, Any] = {"name": form_field.name}
        item["file" if form_field.file else "value"] = form_field.value
        if form_field.content_type:
            item["content_type"] = form_field.content_type
        if not form_field.enabled:
            item["enabled"] = False
        result.append(item)
    return result


def _variables_data(variables: tuple[Variable, ...]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for variable in variables:
        item: dict[str, Any] = {"name": variable.name}
        if variable.secret:
            item["secret"] = True
        else:
            item["value"] = variable.value
        if not variable.enabled:
            item["enabled"] = False
        result.append(item)
    return result


def _auth_data(auth: AuthSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": auth.kind.value}
    data.update(auth.values)
    return data


def _tls_data(tls: TlsSettings) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if not tls.verify:
        data["verify"] = False
    for key in ("ca_bundle", "client_cert", "client_key", "key_passphrase"):
        if getattr(tls, key):
            data[key] = getattr(tls, key)
    return data


def _proxy_data(proxy: ProxySettings) -> dict[str, Any]:
    data: dict[str, Any] = {"mode": proxy.mode.value}
    for key, value in (
        ("http", proxy.http_proxy),
        ("https", proxy.https_proxy),
        ("no_proxy", proxy.no_proxy),
    ):
        if value:
            data[key] = value
    return data


def _expected_data(expected: Expected) -> Any:
    if expected.type is ValueType.STRING:
        return _DoubleQuoted(expected.text)
    return _Plain(expected.text)


def _assertion_data(assertion: Assertion) -> dict[str, Any]:
    kind, expected = assertion.kind, assertion.expected
    if kind is AssertionKind.STATUS:
        status: Any = int(expected.text) if expected.type is ValueType.NUMBER else expected.text
        return {kind.value: status if isinstance(status, int) else _DoubleQuoted(status)}
    if kind is AssertionKind.ERROR:
        return {kind.value: None if expected.type is ValueType.NULL else expected.text}
    if kind is AssertionKind.TIME:
        return {kind.value: int(expected.text)}
    check: Any
    if assertion.operator is Operator.EXISTS:
        check = expected.text == "true"
    elif assertion.operator is Operator.MATCHES:
        check = expected.text
    elif assertion.operator is Operator.TYPE:
        check = _Plain(expected.text)
    else:
        check = _expected_data(expected)
    return {kind.value: assertion.target, assertion.operator.value: check}


def _defaults_data(defaults: Defaults, data: dict[str, Any]) -> dict[str, Any]:
    if defaults.base_url is not None:
        data["base_url"] = defaults.base_url
    if defaults.headers:
        data["headers"] = _rows_data(defaults.headers)
    if defaults.auth != AuthSpec():
        data["auth"] = _auth_data(defaults.auth)
    if defaults.variables:
        data["variables"] = _variables_data(defaults.variables)
    if defaults.follow_redirects is not None:
        data["follow_redirects"] = defaults.follow_redirects
    if defaults.tls is not None:
        data["tls"] = _tls_data(defaults.tls)
    if defaults.proxy is not None:
        data["proxy"] = _proxy_data(defaults.proxy)
    return data


def dump_request(req: SavedRequest) -> str:
    """The text of a ``*.request.yaml`` file for ``req``."""
    data: dict[str, Any] = {"name": req.name, "method": req.method, "url": req.url}
    if req.params:
        data["params"] = _rows_data(req.params)
    if req.headers:
        data["headers"] = _rows_data(req.headers)
    if req.body_mode is not BodyMode.JSON:
        data["body_mode"] = req.body_mode.value
    if req.body:
        data["body"] = req.body
    if req.form:
        data["form"] = _form_data(req.form)
    if req.graphql_variables:
        data["graphql_variables"] = req.graphql_variables
    if req.auth != AuthSpec():
        data["auth"] = _auth_data(req.auth)
    if req.variables:
        data["variables"] = _variables_data(req.variables)
    if req.description:
        data["description"] = req.description
    if req.follow_redirects is not None:
        data["follow_redirects"] = req.follow_redirects
    if req.assertions:
        data["assert"] = [_assertion_data(assertion) for assertion in req.assertions]
    if req.examples:
        data["examples"] = [_example_data(example) for example in req.examples]
    return _dump(data)


def _example_data(example: ResponseExample) -> dict[str, Any]:
    data: dict[str, Any] = {"name": example.name, "status": example.status}
    if example.headers:
        data["headers"] = _rows_data(example.headers)
    if example.body:
        data["body"] = example.body
    return data


def dump_defaults(file: DefaultsFile) -> str:
    """The text of ``collection.yaml`` (with ``collection_id``) or ``folder.yaml``."""
    data: dict[str, Any] = {}
    if file.name:
        data["name"] = file.name
    if file.collection_id:
        data["id"] = file.collection_id
    return _dump(_defaults_data(file.defaults, data))


def dump_environment(env: Environment) -> str:
    """The text of ``environments/NAME.yaml``; secret variables keep only their name."""
    data: dict[str, Any] = {"name": env.name}
    if env.protected:
        data["protected"] = True
    if env.variables:
        data["variables"] = _variables_data(env.variables)
    if env.tls is not None:
        data["tls"] = _tls_data(env.tls)
    return _dump(data)


# --- reading ---------------------------------------------------------------------------------


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


class _TagNoting(Composer):
    """PyYAML's composer, noting the scalars written with an explicit tag (``!!str 1``): an
    expected value is typed by its quoting, and a tag would say otherwise."""

    tagged: set[int]

    def compose_scalar_node(self, anchor: dict[Any, yaml.Node]) -> yaml.ScalarNode:
        event = self.peek_event()  # type: ignore[attr-defined]  # the parser's, mixed in below
        node = super().compose_scalar_node(anchor)
        if isinstance(event, yaml.ScalarEvent) and event.tag not in (None, "!"):
            self.tagged.add(id(node))
        node.style = node.style or None  # libyaml's plain style is "", SafeLoader's None
        return node


class _PythonComposingLoader(_TagNoting, yaml.SafeLoader):
    """SafeLoader all in Python: for a text libyaml refuses, or a PyYAML without libyaml."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.tagged = set()


class _Composing(Protocol):
    tagged: set[int]

    def get_single_node(self) -> yaml.Node | None: ...

    def dispose(self) -> None: ...


# libyaml (PyYAML's C extension, in every PyYAML wheel) scans and parses first: PyYAML's
# pure-Python scanner was the cost. Reading a 1.8 MB request file (a JSON body and 10,000
# headers) took 2.0 s, now 0.22 s; a 1.9 MB JSON body 0.8 s, now 0.014 s; 2 MB of 50,000
# header rows 8.5 s, now 1.3 s (most of it PyYAML's composer and the checks). libyaml refuses
# a few texts PyYAML reads (a literal block whose first line starts with a tab, which older
# versions of this app wrote), so a text it refuses is parsed again by PyYAML alone, whose
# verdict, and message, count: every file that read before still reads the same.
_FAST_LOADERS: tuple[Callable[[str], _Composing], ...] = ()
try:
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover  (every PyYAML wheel carries libyaml)
    pass
else:

    class _LibyamlComposingLoader(_TagNoting, CParser, Resolver):
        """libyaml scans and parses; PyYAML's composer (ahead of CParser's own in the MRO)
        builds the nodes from its events. CParser's composer is C code that cannot note
        explicit tags; the Python one gives the same nodes, resolver and line numbers as
        ``SafeLoader``, and a document nested too deep is a ``RecursionError``."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            Composer.__init__(self)
            Resolver.__init__(self)
            self.tagged = set()

    _FAST_LOADERS = (_LibyamlComposingLoader,)


def _load(text: str) -> Any:
    """``yaml.safe_load`` as the reader parses: libyaml first, PyYAML alone when it refuses."""
    if _FAST_LOADERS:
        try:
            return yaml.load(text, Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            pass
    return yaml.load(text, Loader=yaml.SafeLoader)


class _Reader:
    """Validates a composed YAML document node by node, failing with the node's line."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.tagged: set[int] = set()  # ids of scalars with an explicit tag

    def fail(self, node: yaml.Node | None, reason: str) -> NoReturn:
        line = node.start_mark.line + 1 if node is not None and node.start_mark else None
        raise CollectionFileError(self.source, line, reason)

    def compose(self, text: str) -> yaml.Node | None:
        # PyYAML's reader checks this before scanning; done here, the line is counted in
        # characters whichever parser runs (libyaml reports a byte offset).
        bad = _NON_PRINTABLE.search(text)
        if bad is not None:
            reason = f"contains a character YAML does not allow (#x{ord(bad.group()):04x})"
            raise CollectionFileError(self.source, text.count("\n", 0, bad.start()) + 1, reason)
        node, self.tagged = self._compose_any(text)
        if node is not None:
            self._check_tags(node)
        return node

    def _compose_any(self, text: str) -> tuple[yaml.Node | None, set[int]]:
        for loader_class in _FAST_LOADERS:
            try:
                return self._compose_with(loader_class, text)
            except CollectionFileError:
                pass  # PyYAML alone has the last word, and says what is wrong
        return self._compose_with(_PythonComposingLoader, text)

    def _compose_with(
        self, loader_class: Callable[[str], _Composing], text: str
    ) -> tuple[yaml.Node | None, set[int]]:
        loader: _Composing | None = None
        try:
            loader = loader_class(text)
            return loader.get_single_node(), loader.tagged
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            problem = ", ".join(part for part in (exc.context, exc.problem) if part)
            raise CollectionFileError(self.source, line, f"not valid YAML: {problem}") from None
        except yaml.YAMLError as exc:
            raise CollectionFileError(self.source, None, f"not valid YAML: {exc}") from None
        except RecursionError:
            raise CollectionFileError(self.source, None, "nested too deeply") from None
        finally:
            if loader is not None:
                loader.dispose()

    def _check_tags(self, root: yaml.Node) -> None:
        """Refuse any tag beyond plain text, lists and mappings, in document order."""
        seen: set[int] = set()
        stack = [root]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if node.tag not in _PLAIN_TAGS:
                self.fail(
                    node,
                    f"the YAML tag {_short_tag(node.tag)} is not allowed "
                    "(only plain text, lists and mappings are read)",
                )
            if isinstance(node, yaml.SequenceNode):
                stack.extend(reversed(node.value))
            elif isinstance(node, yaml.MappingNode):
                stack.extend(n for pair in reversed(node.value) for n in reversed(pair))

    def pairs(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"expected {what}")
        result: list[tuple[str, yaml.Node, yaml.Node]] = []
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node, f"expected a key name in {what}")
            key = str(key_node.value)
            if key in seen:
                self.fail(key_node, f"the key '{key}' is given twice")
            seen.add(key)
            result.append((key, key_node, value_node))
        return result

    def mapping(self, node: yaml.Node, keys: tuple[str, ...], what: str) -> dict[str, yaml.Node]:
        result: dict[str, yaml.Node] = {}
        for key, key_node, value_node in self.pairs(node, what):
            if key not in keys:
                close = difflib.get_close_matches(key, keys, n=1)
                hint = f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(keys)
                self.fail(key_node, f"unknown key '{key}' ({hint})")
            result[key] = value_node
        return result

    def text(self, node: yaml.Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag not in _TEXT_TAGS:
            self.fail(node, f"expected text for {what}")
        return str(node.value)

    def optional_text(self, fields: dict[str, yaml.Node], key: str, what: str = "") -> str:
        node = fields.get(key)
        return "" if node is None else self.text(node, what or key)

    def name(self, fields: dict[str, yaml.Node], owner: yaml.Node, *, may_be_blank: bool) -> str:
        node = fields.get("name")
        if node is None:
            self.fail(owner, "missing name")
        name = self.text(node, "name")
        if not name.strip() and not may_be_blank:
            self.fail(node, "the name is empty")
        return name

    def flag(self, fields: dict[str, yaml.Node], key: str, default: bool) -> bool:
        node = fields.get(key)
        if node is None:
            return default
        if not isinstance(node, yaml.ScalarNode) or node.tag != _BOOL:
            self.fail(node, f"expected true or false for {key}")
        return yaml.SafeLoader.bool_values[str(node.value).lower()]

    def optional_flag(self, fields: dict[str, yaml.Node], key: str) -> bool | None:
        """``true`` or ``false`` when ``key`` is there, ``None`` (not set here) when not."""
        return self.flag(fields, key, False) if key in fields else None

    def items(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL and not node.value:
            return []  # "headers:" with nothing after it
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"expected a list of {what}")
        return list(node.value)

    def rows(self, fields: dict[str, yaml.Node], key: str, singular: str) -> tuple[KeyValue, ...]:
        node = fields.get(key)
        if node is None:
            return ()
        rows: list[KeyValue] = []
        for item in self.items(node, key):
            row = self.mapping(item, _ROW_KEYS, f"a {singular} with a name and a value")
            rows.append(
                KeyValue(
                    name=self.optional_text(row, "name", f"{singular} name"),
                    value=self.optional_text(row, "value", f"{singular} value"),
                    enabled=self.flag(row, "enabled", True),
                )
            )
        return tuple(rows)

    def form(self, fields: dict[str, yaml.Node]) -> tuple[FormField, ...]:
        node = fields.get("form")
        if node is None:
            return ()
        result: list[FormField] = []
        what = "a form field with a name and a value (or a file)"
        for item in self.items(node, "form fields"):
            row = self.mapping(item, _FORM_KEYS, what)
            name = self.optional_text(row, "name", "form field name")
            if "file" in row and "value" in row:
                self.fail(
                    row["file"],
                    f"form field {name} has both a value and a file: keep one "
                    "(file: PATH sends that file, value: TEXT sends the text)",
                )
            is_file = "file" in row
            if is_file and row["file"].tag == _BOOL:
                self.fail(
                    row["file"],
                    f"form field {name}: file takes the file's path (file: files/a.png), "
                    "not true or false",
                )
            result.append(
                FormField(
                    name=name,
                    value=self.optional_text(
                        row, "file" if is_file else "value", "the file's path" if is_file else ""
                    ),
                    enabled=self.flag(row, "enabled", True),
                    file=is_file,
                    content_type=self.optional_text(row, "content_type"),
                )
            )
        return tuple(result)

    def examples(self, fields: dict[str, yaml.Node]) -> tuple[ResponseExample, ...]:
        node = fields.get("examples")
        if node is None:
            return ()
        examples: list[ResponseExample] = []
        for item in self.items(node, "examples"):
            row = self.mapping(item, _EXAMPLE_KEYS, "an example (name, status, headers, body)")
            status_node = row.get("status")
            if status_node is None:
                self.fail(item, "an example needs a status (status: 200)")
            status_text, plain = self.scalar(status_node, "status")
            digits = len(status_text) == 3 and status_text.isascii() and status_text.isdigit()
            if not (plain and digits and 100 <= int(status_text) <= 599):
                self.fail(status_node, "an example's status is a number from 100 to 599")
            examples.append(
                ResponseExample(
                    name=self.name(row, item, may_be_blank=False),
                    status=int(status_text),
                    headers=self.rows(row, "headers", "header"),
                    body=self.optional_text(row, "body", "the example's body"),
                )
            )
        return tuple(examples)

    def variables(self, fields: dict[str, yaml.Node]) -> tuple[Variable, ...]:
        node = fields.get("variables")
        if node is None:
            return ()
        variables: list[Variable] = []
        for item in self.items(node, "variables"):
            row = self.mapping(item, _VARIABLE_KEYS, "a variable with a name and a value")
            name = self.optional_text(row, "name", "variable name")
            value = self.optional_text(row, "value", "variable value")
            secret = self.flag(row, "secret", False)
            if secret and value:
                self.fail(
                    row["value"],
                    f"variable {name} is secret, so its value must not be in this shared file; "
                    "remove the value (secret values are kept outside the collection folder)",
                )
            variables.append(Variable(name, value, secret, self.flag(row, "enabled", True)))
        return tuple(variables)

    def scalar(self, node: yaml.Node, what: str) -> tuple[str, bool]:
        """A scalar's text as written, and whether it was plain (unquoted, not a block).

        The text is what the file says (``0.10`` stays ``0.10``): nothing is constructed.
        """
        if not isinstance(node, yaml.ScalarNode) or node.tag not in _TEXT_TAGS:
            self.fail(node, f"expected a single value for {what}")
        return str(node.value), node.style is None

    def expected(self, node: yaml.Node, what: str) -> Expected:
        """An expected value typed by its quoting: quoted is text, plain is typed by the
        YAML 1.2 core schema (``10.12`` a number, ``true``, ``null``)."""
        text, plain = self.scalar(node, what)
        if id(node) in self.tagged:
            self.fail(node, f"write {what} without a YAML tag: in quotes for text, plain if not")
        if not plain:
            return Expected.string(text)
        try:
            return plain_scalar(text)
        except ValueError as exc:
            self.fail(node, str(exc))

    def assertions(self, fields: dict[str, yaml.Node]) -> tuple[Assertion, ...]:
        node = fields.get("assert")
        if node is None:
            return ()
        return tuple(self.assertion(item) for item in self.items(node, "assertions"))

    def assertion(self, item: yaml.Node) -> Assertion:
        what = "an assertion such as 'status: 200' or 'path: $.id' with 'exists: true'"
        subjects: list[tuple[str, yaml.Node, yaml.Node]] = []
        checks: list[tuple[str, yaml.Node, yaml.Node]] = []
        for key, key_node, value_node in self.pairs(item, what):
            if key in _ASSERT_SUBJECTS:
                subjects.append((key, key_node, value_node))
            elif key in _ASSERT_CHECKS:
                checks.append((key, key_node, value_node))
            else:
                known = _ASSERT_SUBJECTS + _ASSERT_CHECKS
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(known)
                self.fail(key_node, f"unknown key '{key}' in an assertion ({hint})")
        if not subjects:
            self.fail(item, "an assertion needs one of " + ", ".join(_ASSERT_SUBJECTS))
        if len(subjects) > 1:
            first, second = subjects[0][0], subjects[1][0]
            self.fail(
                subjects[1][1],
                f"an assertion checks one thing: put '{first}' and '{second}' in separate items",
            )
        key, _key_node, value_node = subjects[0]
        kind = AssertionKind(key)
        text, plain = self.scalar(value_node, key)
        if kind in (AssertionKind.STATUS, AssertionKind.ERROR, AssertionKind.TIME):
            if checks:
                self.fail(
                    checks[0][1],
                    f"'{checks[0][0]}' does not go with '{key}' "
                    "(only path and header assertions take equals, exists, matches or type)",
                )
            return self._simple_assertion(kind, value_node, text, plain)
        if not checks:
            allowed = (
                "equals, exists, matches or type"
                if kind is AssertionKind.PATH
                else ("equals, exists or matches")
            )
            self.fail(item, f"say what to check about this {key}: {allowed}")
        if len(checks) > 1:
            self.fail(
                checks[1][1],
                f"one check per assertion: '{checks[0][0]}' and '{checks[1][0]}' "
                "belong in separate items",
            )
        check, _check_key_node, check_node = checks[0]
        operator = Operator(check)
        if operator is Operator.EQUALS:
            expected = self.expected(check_node, check)
        elif operator is Operator.EXISTS:
            expected = self.expected(check_node, check)
            if expected.type is not ValueType.BOOLEAN:
                self.fail(check_node, "exists takes true or false")
        else:
            check_text, check_plain = self.scalar(check_node, check)
            if operator is Operator.TYPE and check_plain and check_text in ("null", "~"):
                expected = Expected.null()
            else:
                expected = Expected.string(check_text)
        try:
            return Assertion(kind, text, operator, expected)
        except ValueError as exc:
            self.fail(check_node if text.strip() else value_node, str(exc))

    def _simple_assertion(
        self, kind: AssertionKind, node: yaml.Node, text: str, plain: bool
    ) -> Assertion:
        try:
            if kind is AssertionKind.ERROR and not plain:
                return Assertion.error(text)  # a quoted 'null' is a code, not "no error"
            return Assertion.from_row(kind, "", operators_for(kind)[0], text)
        except ValueError as exc:
            self.fail(node, str(exc))

    def auth(self, fields: dict[str, yaml.Node]) -> AuthSpec:
        node = fields.get("auth")
        if node is None:
            return AuthSpec()
        kind: AuthKind | None = None
        values: list[tuple[str, str]] = []
        for key, _key_node, value_node in self.pairs(node, "an auth mapping with a kind"):
            if key == "kind":
                kind = self.choice(value_node, AuthKind, "auth kind")
            else:
                values.append((key, self.text(value_node, f"auth {key}")))
        if kind is None:
            self.fail(node, "the auth has no kind")
        return AuthSpec(kind, tuple(values))

    def choice(self, node: yaml.Node, kind: type[_E], what: str) -> _E:
        """The member of the enum ``kind`` whose value the scalar ``node`` holds."""
        text = self.text(node, what)
        try:
            return kind(text)
        except ValueError:
            known = ", ".join(str(member.value) for member in kind)
            self.fail(node, f"unknown {what} '{text}' (known: {known})")

    def tls(self, fields: dict[str, yaml.Node]) -> TlsSettings | None:
        node = fields.get("tls")
        if node is None:
            return None
        tls = self.mapping(node, _TLS_KEYS, "TLS settings (verify, ca_bundle, client_cert, ...)")
        passphrase = self.optional_text(tls, "key_passphrase", "key_passphrase")
        if passphrase and not VARIABLE_PATTERN.fullmatch(passphrase.strip()):
            self.fail(
                tls["key_passphrase"],
                "key_passphrase must be a {{variable}} (a secret of the environment), "
                "never the passphrase itself: this file is shared",
            )
        return TlsSettings(
            verify=self.flag(tls, "verify", True),
            ca_bundle=self.optional_text(tls, "ca_bundle", "ca_bundle"),
            client_cert=self.optional_text(tls, "client_cert", "client_cert"),
            client_key=self.optional_text(tls, "client_key", "client_key"),
            key_passphrase=passphrase,
        )

    def proxy(self, fields: dict[str, yaml.Node]) -> ProxySettings | None:
        node = fields.get("proxy")
        if node is None:
            return None
        proxy = self.mapping(node, _PROXY_KEYS, "proxy settings (mode, http, https, no_proxy)")
        mode = ProxyMode.SYSTEM
        if "mode" in proxy:
            mode = self.choice(proxy["mode"], ProxyMode, "proxy mode")
        return ProxySettings(
            mode=mode,
            http_proxy=self.optional_text(proxy, "http", "http proxy"),
            https_proxy=self.optional_text(proxy, "https", "https proxy"),
            no_proxy=self.optional_text(proxy, "no_proxy", "no_proxy"),
        )

    def defaults(self, fields: dict[str, yaml.Node]) -> Defaults:
        base_node = fields.get("base_url")
        base_url = None
        if base_node is not None and not (
            isinstance(base_node, yaml.ScalarNode) and base_node.tag == _NULL
        ):
            base_url = self.text(base_node, "base_url")
        return Defaults(
            base_url=base_url,
            headers=self.rows(fields, "headers", "header"),
            auth=self.auth(fields),
            variables=self.variables(fields),
            tls=self.tls(fields),
            proxy=self.proxy(fields),
            follow_redirects=self.optional_flag(fields, "follow_redirects"),
        )

    def document(
        self, text: str, keys: tuple[str, ...], what: str
    ) -> tuple[yaml.Node, dict[str, yaml.Node]]:
        node = self.compose(text)
        if node is None:
            self.fail(None, f"the file is empty; expected {what}")
        return node, self.mapping(node, keys, what)


@cyclic_gc_paused()
def parse_request(text: str, source: str) -> SavedRequest:
    """The request in a ``*.request.yaml`` file's text; ``source`` names the file in errors."""
    reader = _Reader(source)
    top, fields = reader.document(text, _REQUEST_KEYS, "a request (name, method, url, ...)")
    method = "GET"
    if "method" in fields:
        method = reader.text(fields["method"], "method").upper()
        if method not in METHODS:
            reader.fail(
                fields["method"], f"unknown method '{method}' (known: {', '.join(METHODS)})"
            )
    body_mode = BodyMode.JSON
    if "body_mode" in fields:
        body_mode = reader.choice(fields["body_mode"], BodyMode, "body_mode")
    return SavedRequest(
        name=reader.name(fields, top, may_be_blank=True),  # an untitled draft has no name yet
        method=method,
        url=reader.optional_text(fields, "url"),
        params=reader.rows(fields, "params", "parameter"),
        headers=reader.rows(fields, "headers", "header"),
        body=reader.optional_text(fields, "body"),
        body_mode=body_mode,
        form=reader.form(fields),
        graphql_variables=reader.optional_text(fields, "graphql_variables"),
        auth=reader.auth(fields),
        variables=reader.variables(fields),
        description=reader.optional_text(fields, "description"),
        assertions=reader.assertions(fields),
        follow_redirects=reader.optional_flag(fields, "follow_redirects"),
        examples=reader.examples(fields),
    )


@cyclic_gc_paused()
def parse_defaults(text: str, source: str, *, collection: bool) -> DefaultsFile:
    """The content of ``collection.yaml`` (``collection=True``) or ``folder.yaml``.

    An empty file sets nothing. ``id`` is a key of ``collection.yaml`` only.
    """
    reader = _Reader(source)
    keys = _COLLECTION_KEYS if collection else _FOLDER_KEYS
    what = "a mapping of " + ", ".join(keys)
    node = reader.compose(text)
    if node is None:
        return DefaultsFile()
    fields = reader.mapping(node, keys, what)
    return DefaultsFile(
        defaults=reader.defaults(fields),
        name=reader.optional_text(fields, "name") or None,
        collection_id=reader.optional_text(fields, "id") or None,
    )


@cyclic_gc_paused()
def parse_environment(text: str, source: str) -> Environment:
    """The environment in an ``environments/NAME.yaml`` file's text."""
    reader = _Reader(source)
    top, fields = reader.document(text, _ENVIRONMENT_KEYS, "an environment (name, variables)")
    return Environment(
        name=reader.name(fields, top, may_be_blank=False),
        variables=reader.variables(fields),
        protected=reader.flag(fields, "protected", False),
        tls=reader.tls(fields),
    )

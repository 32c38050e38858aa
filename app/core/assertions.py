"""Assertions on a response, and checking them: the "check assertions" step of a request.

An :class:`Assertion` is one row of a saved request's ``assert:`` list: a ``kind`` (what is
looked at), a ``target`` (the JSONPath or header name, empty for the other kinds), an
``operator`` and an :class:`Expected` value. The kinds and their operators:

==============  ==========================  ===================================================
kind            operator                    expected
==============  ==========================  ===================================================
status          equals                      a status (``200``) or a class (``"2xx"``)
error           equals                      a Paysera error code, or null: no error object
path            equals, exists, matches,    equals: any JSON scalar; exists: true or false;
                type                        matches: a regular expression; type: number,
                                            string, boolean, null, object, array or integer
header          equals, exists, matches     equals: the text; exists; matches: a regex
time_below_ms   below                       a whole number of milliseconds
==============  ==========================  ===================================================

Expected values keep their YAML type. A plain (unquoted) scalar is typed by the YAML 1.2
core-schema rules applied to its text (:func:`plain_scalar`): ``10.12`` is a number, ``true``
a boolean, ``null`` or ``~`` null; a quoted scalar is always a string, so ``"10.12"`` is the
JSON string that Paysera uses for money amounts, and never equals the number ``10.12``.
Numbers are kept as their text and compared by exact decimal value on both sides (``1.10``
equals ``1.1``, ``0.1`` does not equal ``0.1000000000000000055511151231257827``); nothing is
ever converted to ``float``. JSON numbers come from ``app.core.json_doc``: ``int`` or
:class:`~app.core.json_doc.JsonNumber`, which is never taken for a string.

JSONPath is RFC 9535 (``python-jsonpath`` in strict mode), with filters made exact too:
comparisons inside ``[?...]`` treat numbers by decimal value and never as text.

A path that selects several values passes only when **every** selected value satisfies the
check (and fails on the first that does not, naming its location); ``exists: true`` needs at
least one value and ``exists: false`` none. A path that selects nothing fails ``equals``,
``matches`` and ``type`` with "no value at PATH". ``matches`` searches (``regex.search``,
stopped after ``REGEX_SECONDS``: anchor with ``^``/``$``) a string value only, at most its
first 64 KB; a number never matches as text. Several header fields with one name are joined
with ", " (RFC 9110 §5.3) before the check. An invalid JSONPath or regular expression, and a
body that is not JSON, fail the assertion with a sentence; :func:`check_assertions` never
raises for what the server sent or what the user typed.

Building an :class:`Assertion` or :class:`Expected` that makes no sense (``status: abc``,
``exists: maybe``) raises ``ValueError`` whose message is a sentence for the user; the
collection reader reports it with the file's line, the window with the row.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from app.core.exchange import Exchange
from app.core.json_doc import JsonNumber, json_path, json_scalar_text, json_type_name

if TYPE_CHECKING:
    from jsonpath import JSONPath, JSONPathEnvironment, JSONPathError
    from jsonpath.function_extensions import Match, Search

# python-jsonpath and regex are imported where they are first used: they are about 35 ms of
# every start of the command line (regex 8 ms, python-jsonpath and the lexer it compiles
# 27 ms; fresh processes with compiled bytecode, after the modules the run loads anyway),
# and a run whose requests check only statuses, error codes, headers or times needs neither.

__all__ = [
    "JSON_TYPES",
    "Assertion",
    "AssertionKind",
    "AssertionResult",
    "Expected",
    "Operator",
    "ValueType",
    "all_passed",
    "check_assertions",
    "operators_for",
    "parse_expected",
    "plain_scalar",
    "select",
    "summarize",
]

# What ``actual`` keeps of a value: a result line stays readable whatever the body holds.
ACTUAL_LIMIT = 200
# A regular expression runs over at most this much of a value: a backtracking pattern on a
# multi-megabyte string must not freeze the check.
REGEX_LIMIT = 64 * 1024
# ...and for at most this long: a pattern from a shared collection file may backtrack for
# ever ("(a|aa)+$"), and the stdlib's ``re`` cannot be stopped, so patterns run with ``regex``.
REGEX_SECONDS = 0.5

JSON_TYPES = ("number", "string", "boolean", "null", "object", "array", "integer")


class AssertionKind(enum.Enum):
    """What an assertion looks at; the value is its key in a ``*.request.yaml`` file."""

    STATUS = "status"
    ERROR = "error"
    PATH = "path"
    HEADER = "header"
    TIME = "time_below_ms"

    @property
    def label(self) -> str:
        """The name a person reads in the window."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    AssertionKind.STATUS: "Status",
    AssertionKind.ERROR: "Error code",
    AssertionKind.PATH: "JSON path",
    AssertionKind.HEADER: "Header",
    AssertionKind.TIME: "Time (ms)",
}


class Operator(enum.Enum):
    """How the looked-at value is compared; path and header operators are YAML keys."""

    EQUALS = "equals"
    EXISTS = "exists"
    MATCHES = "matches"
    TYPE = "type"
    BELOW = "below"


_OPERATORS: dict[AssertionKind, tuple[Operator, ...]] = {
    AssertionKind.STATUS: (Operator.EQUALS,),
    AssertionKind.ERROR: (Operator.EQUALS,),
    AssertionKind.PATH: (Operator.EQUALS, Operator.EXISTS, Operator.MATCHES, Operator.TYPE),
    AssertionKind.HEADER: (Operator.EQUALS, Operator.EXISTS, Operator.MATCHES),
    AssertionKind.TIME: (Operator.BELOW,),
}


def operators_for(kind: AssertionKind) -> tuple[Operator, ...]:
    """The operators an assertion of ``kind`` may use, the usual one first."""
    return _OPERATORS[kind]


class ValueType(enum.Enum):
    """The YAML type of an expected scalar."""

    STRING = "string"
    NUMBER = "number"
    BOOLEAN = "boolean"
    NULL = "null"


# YAML 1.2 core schema (spec 1.2.2, section 10.3.2), for plain scalars.
_CORE_NULL = frozenset(("", "~", "null", "Null", "NULL"))
_CORE_TRUE = frozenset(("true", "True", "TRUE"))
_CORE_FALSE = frozenset(("false", "False", "FALSE"))
_CORE_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_CORE_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_CORE_SPECIAL_FLOAT = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")


def _number_value(text: str) -> Decimal:
    """The exact value of a core-schema number text (decimal, ``0o`` octal or ``0x`` hex)."""
    if text.startswith("0o"):
        return Decimal(int(text[2:], 8))
    if text.startswith("0x"):
        return Decimal(int(text[2:], 16))
    return Decimal(text)


@dataclass(frozen=True, slots=True)
class Expected:
    """An expected scalar with its YAML type: the text is exact (``"1.10"`` stays ``1.10``).

    Booleans are ``"true"``/``"false"`` and null is ``"null"``; a number is the text as
    written (``10.12``, ``1e5``, ``0x1A``), which must be a finite YAML 1.2 number.
    """

    type: ValueType
    text: str

    def __post_init__(self) -> None:
        if self.type is ValueType.NUMBER and not (
            _CORE_INT.fullmatch(self.text) or _CORE_FLOAT.fullmatch(self.text)
        ):
            raise ValueError(f"{self.text!r} is not a number")
        if self.type is ValueType.BOOLEAN and self.text not in ("true", "false"):
            raise ValueError(f"{self.text!r} is not true or false")
        if self.type is ValueType.NULL and self.text != "null":
            raise ValueError(f"{self.text!r} is not null")

    @classmethod
    def string(cls, text: str) -> Expected:
        return cls(ValueType.STRING, text)

    @classmethod
    def number(cls, text: str | int) -> Expected:
        return cls(ValueType.NUMBER, str(text))

    @classmethod
    def boolean(cls, value: bool) -> Expected:
        return cls(ValueType.BOOLEAN, "true" if value else "false")

    @classmethod
    def null(cls) -> Expected:
        return cls(ValueType.NULL, "null")

    @property
    def number_value(self) -> Decimal:
        """The exact value of a number (``ValueError`` for any other type)."""
        if self.type is not ValueType.NUMBER:
            raise ValueError(f"{self.notation()} is not a number")
        return _number_value(self.text)

    def notation(self) -> str:
        """How the value is written where its type must show: strings double-quoted."""
        if self.type is ValueType.STRING:
            return json.dumps(self.text, ensure_ascii=False)
        return self.text


def plain_scalar(text: str) -> Expected:
    """The value of an unquoted YAML scalar, typed by the YAML 1.2 core schema.

    ``~``, ``null`` and the empty text are null; ``true``/``false`` (also ``True``,
    ``TRUE``...) booleans; ``10``, ``-1.5e3``, ``0x1A``, ``0o17`` numbers, kept as written;
    anything else, ``yes`` and ``2024-01-01`` included, is a string. Infinity and NaN raise
    ``ValueError``: JSON has no such numbers.
    """
    if text in _CORE_NULL:
        return Expected.null()
    if text in _CORE_TRUE:
        return Expected.boolean(True)
    if text in _CORE_FALSE:
        return Expected.boolean(False)
    if _CORE_INT.fullmatch(text) or _CORE_FLOAT.fullmatch(text):
        return Expected(ValueType.NUMBER, text)
    if _CORE_SPECIAL_FLOAT.fullmatch(text):
        raise ValueError(
            f"{text} is not a number JSON can hold; write it in quotes to mean the text"
        )
    return Expected.string(text)


def parse_expected(text: str) -> Expected:
    """The value typed into an "expected" cell, in YAML's inline notation.

    ``"..."`` is a string with JSON escapes, ``'...'`` a string where ``''`` is a quote;
    anything else is a plain scalar (:func:`plain_scalar`) with surrounding spaces ignored.
    Raises ``ValueError`` with a sentence for a quote that is not closed.
    """
    text = text.strip()
    if text.startswith('"'):
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if not isinstance(value, str):
            raise ValueError(
                f"{text} is not a complete quoted text: end it with a closing double quote "
                'and write a quote inside as \\"'
            )
        return Expected.string(value)
    if text.startswith("'"):
        inner = text[1:-1]
        if len(text) < 2 or not text.endswith("'") or re.search(r"(?<!')'(?:'')*(?!')", inner):
            raise ValueError(
                f"{text} is not a complete quoted text: end it with a closing single quote "
                "and write a quote inside as ''"
            )
        return Expected.string(inner.replace("''", "'"))
    return plain_scalar(text)


_STATUS_CLASS = re.compile(r"[1-5]xx")


@dataclass(frozen=True, slots=True)
class Assertion:
    """One check on a response; see the module docstring for what each kind accepts.

    The constructors (:meth:`status`, :meth:`error`, :meth:`path`, :meth:`header`,
    :meth:`time_below`) and :meth:`from_row` build valid ones; a bad combination raises
    ``ValueError`` with a sentence.
    """

    kind: AssertionKind
    target: str
    operator: Operator
    expected: Expected

    def __post_init__(self) -> None:
        problem = self._problem()
        if problem:
            raise ValueError(problem)

    def _problem(self) -> str:
        kind, expected = self.kind, self.expected
        if self.operator not in _OPERATORS[kind]:
            allowed = ", ".join(op.value for op in _OPERATORS[kind])
            return f"a {kind.label.lower()} assertion takes {allowed}, not {self.operator.value}"
        if kind in (AssertionKind.PATH, AssertionKind.HEADER):
            if not self.target.strip():
                what = "a JSONPath such as $.id" if kind is AssertionKind.PATH else "a name"
                return f"the {kind.label.lower()} assertion needs {what}"
        elif self.target:
            return f"a {kind.label.lower()} assertion has no target"
        if kind is AssertionKind.STATUS:
            if expected.type is ValueType.NUMBER:
                if not (re.fullmatch(r"[1-5][0-9][0-9]", expected.text)):
                    return f"{expected.text} is not an HTTP status (100 to 599)"
            elif not (expected.type is ValueType.STRING and _STATUS_CLASS.fullmatch(expected.text)):
                return (
                    f"a status is a number such as 200 or a class such as 2xx, "
                    f"not {expected.notation()}"
                )
        elif kind is AssertionKind.ERROR:
            if expected.type is ValueType.STRING and not expected.text.strip():
                return "an error code is needed (or null for no error object)"
            if expected.type not in (ValueType.STRING, ValueType.NULL):
                return f"an error code is text (or null for no error object), not {expected.text}"
        elif kind is AssertionKind.TIME:
            if not (
                expected.type is ValueType.NUMBER
                and re.fullmatch(r"[0-9]+", expected.text)
                and int(expected.text) > 0
            ):
                return f"a time is a whole number of milliseconds above 0, not {expected.text}"
        elif self.operator is Operator.EXISTS:
            if expected.type is not ValueType.BOOLEAN:
                return f"exists takes true or false, not {expected.notation()}"
        elif self.operator is Operator.MATCHES:
            if expected.type is not ValueType.STRING:
                return "matches takes a regular expression"
        elif self.operator is Operator.TYPE:
            if expected.type is ValueType.NULL:
                return ""  # "type: null" reads as null: the null type
            if expected.type is not ValueType.STRING or expected.text not in JSON_TYPES:
                return f"type is one of {', '.join(JSON_TYPES)}, not {expected.text}"
        elif kind is AssertionKind.HEADER and expected.type is not ValueType.STRING:
            return f'a header value is text: write it in quotes ("{expected.text}")'
        return ""

    # --- constructors ----------------------------------------------------------------------

    @classmethod
    def status(cls, expected: int | str) -> Assertion:
        """``200`` or a class such as ``"2xx"`` (any case); digits as text are a status."""
        text = str(expected).strip().lower()
        value = Expected.number(text) if text.isdigit() else Expected.string(text)
        return cls(AssertionKind.STATUS, "", Operator.EQUALS, value)

    @classmethod
    def error(cls, code: str | None) -> Assertion:
        """The response's Paysera error code is ``code``; ``None``: there is no error object."""
        value = Expected.null() if code is None else Expected.string(code)
        return cls(AssertionKind.ERROR, "", Operator.EQUALS, value)

    @classmethod
    def path(cls, path: str, operator: Operator, expected: Expected) -> Assertion:
        return cls(AssertionKind.PATH, path, operator, expected)

    @classmethod
    def header(cls, name: str, operator: Operator, expected: Expected) -> Assertion:
        return cls(AssertionKind.HEADER, name, operator, expected)

    @classmethod
    def time_below(cls, milliseconds: int) -> Assertion:
        return cls(AssertionKind.TIME, "", Operator.BELOW, Expected.number(milliseconds))

    # --- rows ----------------------------------------------------------------------------

    def expected_text(self) -> str:
        """The "expected" cell of this assertion's row, as :meth:`from_row` reads it back.

        ``equals`` on a path or header shows the typed notation (``"10.12"`` or ``10.12``);
        everything else its plain text (a regex, a type name, ``200``, ``not_found``,
        ``null`` for "no error object", ``true``).
        """
        if self.kind in (AssertionKind.PATH, AssertionKind.HEADER) and (
            self.operator is Operator.EQUALS
        ):
            return self.expected.notation()
        return self.expected.text

    @classmethod
    def from_row(
        cls, kind: AssertionKind, target: str, operator: Operator, expected_text: str
    ) -> Assertion:
        """The assertion a row of the window describes; ``ValueError`` (a sentence) when the
        row makes no sense. The inverse of (``kind``, ``target``, ``operator``,
        :meth:`expected_text`)."""
        text = expected_text.strip()
        if kind is AssertionKind.STATUS:
            return cls.status(text)
        if kind is AssertionKind.ERROR:
            return cls.error(None if text in _CORE_NULL else text)
        if kind is AssertionKind.TIME:
            if not (text.isascii() and text.isdigit()):
                raise ValueError(f"a time is a whole number of milliseconds, not {text!r}")
            return cls(kind, "", operator, Expected.number(int(text)))
        if operator is Operator.EQUALS:
            value = parse_expected(expected_text)
            if kind is AssertionKind.HEADER and value.type is not ValueType.STRING:
                value = Expected.string(text)  # a header is text: no quotes needed here
        elif operator is Operator.EXISTS:
            value = plain_scalar(text)
        elif operator is Operator.MATCHES:
            value = Expected.string(expected_text)
        else:
            value = Expected.null() if text == "null" else Expected.string(text)
        return cls(kind, target.strip(), operator, value)

    def describe(self) -> str:
        """What is asserted, in one line: ``$.items[0].price.amount equals "10.12"``."""
        return f"{self.subject()} {self.expectation()}"

    def subject(self) -> str:
        """What is looked at: ``status``, ``error``, the path, ``header NAME``, ``time``."""
        if self.kind is AssertionKind.PATH:
            return self.target
        if self.kind is AssertionKind.HEADER:
            return f"header {self.target}"
        return {AssertionKind.STATUS: "status", AssertionKind.ERROR: "error"}.get(self.kind, "time")

    def expectation(self) -> str:
        """The short "expected" text: ``is 2xx``, ``equals "10.12"``, ``below 500 ms``."""
        expected = self.expected
        if self.kind is AssertionKind.STATUS:
            return f"is {expected.text}"
        if self.kind is AssertionKind.ERROR:
            if expected.type is ValueType.NULL:
                return "is none (no error object)"
            return f"is {expected.text}"
        if self.kind is AssertionKind.TIME:
            return f"below {expected.text} ms"
        if self.operator is Operator.EXISTS:
            return "exists" if expected.text == "true" else "does not exist"
        if self.operator is Operator.MATCHES:
            return f"matches {expected.text}"
        if self.operator is Operator.TYPE:
            if expected.text == "null":
                return "is null"
            return f"is {'an' if expected.text[:1] in 'aeiou' else 'a'} {expected.text}"
        return f"equals {expected.notation()}"


@dataclass(frozen=True, slots=True)
class AssertionResult:
    """How one assertion fared on one response.

    ``expected`` is the short expectation (``equals "10.12"``); ``actual`` what was found,
    at most ``ACTUAL_LIMIT`` characters: a value as JSON shows it (``10.13``, ``"EUR"``,
    ``404``), or, when ``actual_is_value`` is false, a sentence (``no value at $.id``).
    """

    assertion: Assertion
    passed: bool
    expected: str
    actual: str
    actual_is_value: bool = True

    def describe(self) -> str:
        """One line: ``$.items[0].price.amount equals "10.12": got 10.13``."""
        head = f"{self.assertion.subject()} {self.expected}"
        if self.passed:
            return f"{head}: passed"
        return f"{head}: got {self.actual}" if self.actual_is_value else f"{head}: {self.actual}"


def all_passed(results: Iterable[AssertionResult]) -> bool:
    """Whether every assertion passed (true for none: a response without assertions)."""
    return all(result.passed for result in results)


def summarize(results: Sequence[AssertionResult]) -> str:
    """``3/3 passed`` or ``1/3 passed``: for a status line or a tab title."""
    passed = sum(1 for result in results if result.passed)
    return f"{passed}/{len(results)} passed"


def check_assertions(
    assertions: Iterable[Assertion], exchange: Exchange
) -> tuple[AssertionResult, ...]:
    """Check each assertion against ``exchange``; never raises for the response's content."""
    return tuple(_check(assertion, exchange) for assertion in assertions)


def _bounded(text: str, limit: int = ACTUAL_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _result(
    assertion: Assertion, passed: bool, actual: str, *, is_value: bool = True
) -> AssertionResult:
    return AssertionResult(assertion, passed, assertion.expectation(), _bounded(actual), is_value)


def _check(assertion: Assertion, exchange: Exchange) -> AssertionResult:
    kind = assertion.kind
    if kind is AssertionKind.STATUS:
        return _check_status(assertion, exchange.response.status)
    if kind is AssertionKind.ERROR:
        code = exchange.error.code if exchange.error is not None else None
        expected = None if assertion.expected.type is ValueType.NULL else assertion.expected.text
        if code is None:
            return _result(assertion, expected is None, "no error object", is_value=False)
        return _result(assertion, code == expected, code)
    if kind is AssertionKind.TIME:
        elapsed = exchange.response.elapsed_ms
        # Whole milliseconds, rounded down, so the text never contradicts the verdict.
        shown = f"{int(max(elapsed, 0.0))} ms"
        return _result(assertion, elapsed < int(assertion.expected.text), shown)
    if kind is AssertionKind.HEADER:
        return _check_header(assertion, exchange.response.headers)
    return _check_path(assertion, exchange)


def _check_status(assertion: Assertion, status: int) -> AssertionResult:
    expected = assertion.expected.text
    if assertion.expected.type is ValueType.NUMBER:
        passed = status == int(expected)
    else:
        passed = status // 100 == int(expected[0])
    return _result(assertion, passed, str(status))


def _check_header(assertion: Assertion, headers: Sequence[tuple[str, str]]) -> AssertionResult:
    wanted = assertion.target.strip().lower()
    values = [value for name, value in headers if name.lower() == wanted]
    operator = assertion.operator
    if operator is Operator.EXISTS:
        should_exist = assertion.expected.text == "true"
        if values:
            return _result(assertion, should_exist, _header_text(values))
        return _result(assertion, not should_exist, "no such header", is_value=False)
    if not values:
        return _result(assertion, False, "no such header", is_value=False)
    text = ", ".join(values)
    if operator is Operator.MATCHES:
        return _regex_result(assertion, text, _header_text(values))
    return _result(assertion, text == assertion.expected.text, _header_text(values))


def _header_text(values: Sequence[str]) -> str:
    return json.dumps(", ".join(values), ensure_ascii=False)


def _regex_result(assertion: Assertion, text: str, shown: str) -> AssertionResult:
    import regex

    pattern = assertion.expected.text
    try:
        compiled = regex.compile(pattern)
    except regex.error as exc:
        sentence = f"the regular expression {pattern!r} is not valid ({exc})"
        return _result(assertion, False, sentence, is_value=False)
    try:
        found = compiled.search(text[:REGEX_LIMIT], timeout=REGEX_SECONDS)
    except TimeoutError:
        sentence = (
            f"the regular expression {pattern!r} took more than {REGEX_SECONDS:g} s on this "
            "value and was stopped; simplify it (overlapping repeats like (a|aa)+ backtrack "
            "for ever)"
        )
        return _result(assertion, False, sentence, is_value=False)
    if found:
        return _result(assertion, True, shown)
    if len(text) > REGEX_LIMIT:
        note = " (only its first 64 KB are checked)"
        shown = _bounded(shown, ACTUAL_LIMIT - len(note)) + note
    return _result(assertion, False, shown)


# --- JSON paths ----------------------------------------------------------------------------


def _check_path(assertion: Assertion, exchange: Exchange) -> AssertionResult:
    from jsonpath import JSONPathError

    if not exchange.is_json:
        return _result(assertion, False, _not_json(exchange), is_value=False)
    try:
        query = _compile(assertion.target)
    except JSONPathError as exc:
        return _result(assertion, False, _path_problem(assertion.target, exc), is_value=False)
    try:
        matches = _find(query, exchange.document)
    except (JSONPathError, RecursionError) as exc:
        message = exc.message if isinstance(exc, JSONPathError) else "nested too deeply"
        sentence = f"the JSONPath {assertion.target} could not be evaluated: {message}"
        return _result(assertion, False, sentence, is_value=False)
    if assertion.operator is Operator.EXISTS:
        should_exist = assertion.expected.text == "true"
        if not matches:
            return _result(
                assertion, not should_exist, f"no value at {assertion.target}", is_value=False
            )
        return _result(assertion, should_exist, _value_text(matches[0][0]))
    if not matches:
        return _result(assertion, False, f"no value at {assertion.target}", is_value=False)
    for value, parts in matches:
        verdict = _value_verdict(assertion, value)
        if verdict is not None:
            if len(matches) > 1:
                keys = [part for part in parts if isinstance(part, str | int)]
                verdict = f"{verdict} at {json_path(keys)}"
            return _result(assertion, False, verdict)
    shown = _value_text(matches[0][0])
    if len(matches) > 1:
        shown = f"{len(matches)} values, all as expected (first: {shown})"
    return _result(assertion, True, shown)


def _find(query: JSONPath, document: object) -> list[tuple[object, tuple[object, ...]]]:
    """The values ``query`` selects, with their keys from the root."""
    if isinstance(document, str):
        # python-jsonpath would parse a str document as JSON text again (a top-level
        # JsonNumber would even become a float). A scalar root has no children, so only the
        # query with no segments, "$", selects anything: the root itself.
        return [] if query.segments else [(document, ())]
    if not isinstance(document, dict | list | int | float | bool | None):
        return []
    return [(match.obj, tuple(match.parts)) for match in query.finditer(document)]


def select(path: str, document: object) -> list[tuple[str, object]]:
    """The values the JSONPath ``path`` selects in ``document`` (from ``parse_json_exact``:
    numbers stay exact), each with its own JSONPath, in document order. Raises ``ValueError``
    with a sentence for a path that is not RFC 9535 or cannot be evaluated."""
    from jsonpath import JSONPathError

    try:
        matches = _find(_compile(path), document)
    except JSONPathError as exc:
        raise ValueError(_path_problem(path, exc)) from None
    except RecursionError:
        raise ValueError(
            f"{path} could not be evaluated: the document is nested too deeply"
        ) from None
    return [
        (json_path([part for part in parts if isinstance(part, str | int)]), value)
        for value, parts in matches
    ]


def _not_json(exchange: Exchange) -> str:
    if exchange.json_problem:
        return exchange.json_problem
    if not exchange.response.body.strip():
        return "the body is empty, so it has no JSON values"
    media = exchange.response.content_type or "no Content-Type"
    return f"the body is not JSON ({media})"


def _path_problem(path: str, exc: JSONPathError) -> str:
    where = f" at character {exc.token.index + 1}" if exc.token is not None else ""
    return f"{path} is not a valid JSONPath (RFC 9535): {exc.message}{where}"


def _value_text(value: object) -> str:
    return json_scalar_text(value, max_chars=ACTUAL_LIMIT)


def _value_verdict(assertion: Assertion, value: object) -> str | None:
    """``None`` when ``value`` satisfies the assertion, else the text of what was found."""
    operator, expected = assertion.operator, assertion.expected
    if operator is Operator.TYPE:
        wanted = "null" if expected.type is ValueType.NULL else expected.text
        actual = _json_type(value)
        ok = actual == wanted or (wanted == "number" and actual == "integer")
        return None if ok else f"{actual} {_value_text(value)}"
    if operator is Operator.MATCHES:
        if not isinstance(value, str) or isinstance(value, JsonNumber):
            return f"{json_type_name(value)} {_value_text(value)}, which is not a string"
        result = _regex_result(assertion, value, _value_text(value))
        if result.passed:
            return None
        return result.actual
    return None if _equals(expected, value) else _value_text(value)


def _json_type(value: object) -> str:
    name = json_type_name(value)
    if name == "number" and _is_integral(value):
        return "integer"
    return name


def _is_integral(value: object) -> bool:
    number = _exact_number(value)
    if number is None or not number.is_finite():
        return False
    exponent = number.as_tuple().exponent
    return (isinstance(exponent, int) and exponent >= 0) or number == number.to_integral_value()


def _exact_number(value: object) -> Decimal | None:
    """The exact value of a JSON number, or ``None`` for anything else (booleans included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, JsonNumber):
        try:
            return Decimal(value)
        except InvalidOperation:
            return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(value)  # exact binary value; json_doc documents hold no floats
    return None


def _equals(expected: Expected, value: object) -> bool:
    if expected.type is ValueType.NUMBER:
        number = _exact_number(value)
        return number is not None and number == expected.number_value
    if expected.type is ValueType.STRING:
        return (
            isinstance(value, str)
            and not isinstance(value, JsonNumber)
            and (value == expected.text)
        )
    if expected.type is ValueType.BOOLEAN:
        return isinstance(value, bool) and value == (expected.text == "true")
    return value is None


# --- an RFC 9535 environment whose filters compare numbers exactly ------------------------


def _filter_regex(function: Match | Search, value: object, pattern: object, *, whole: bool) -> bool:
    """``match``/``search`` in a filter: a ``JsonNumber`` is never text, and a pattern runs
    for at most ``REGEX_SECONDS`` (a stopped one does not match)."""
    if isinstance(value, JsonNumber) or not isinstance(value, str) or not isinstance(pattern, str):
        return False
    compiled = function.check_cache(pattern)  # a ``regex`` pattern: ``regex`` is installed
    if compiled is None:
        return False
    run = compiled.fullmatch if whole else compiled.search
    try:
        return run(value[:REGEX_LIMIT], timeout=REGEX_SECONDS) is not None
    except TimeoutError:
        return False


def _exact_json(value: object) -> object:
    """``value`` with every JSON number as ``Decimal``, for comparisons inside filters."""
    if isinstance(value, JsonNumber):
        return _exact_number(value)
    if isinstance(value, dict):
        return {key: _exact_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_exact_json(item) for item in value]
    return value


@lru_cache(maxsize=1)
def _environment() -> JSONPathEnvironment:
    """Strict RFC 9535, except that a ``JsonNumber`` is a number, never a string, and number
    literals in filters are exact. Made on first use (python-jsonpath's import, above)."""
    from jsonpath import JSONPathEnvironment
    from jsonpath.exceptions import JSONPathSyntaxError
    from jsonpath.filter import UNDEFINED, BaseExpression, FilterExpressionLiteral
    from jsonpath.function_extensions import Length, Match, Search
    from jsonpath.parse import Parser
    from jsonpath.stream import TokenStream

    class DecimalLiteral(FilterExpressionLiteral[Decimal]):
        """A number written in a filter (``?@.amount == 10.12``), kept exact."""

        __slots__ = ()

        def __str__(self) -> str:
            return str(self.value)

    class ExactParser(Parser):
        """Number literals in filters become ``Decimal`` (the stock parser goes through
        float)."""

        def parse_integer_literal(self, stream: TokenStream) -> BaseExpression:
            token = stream.next()
            if token.value.startswith("0") and len(token.value) > 1:
                raise JSONPathSyntaxError("invalid integer literal", token=token)
            return DecimalLiteral(value=Decimal(token.value))

        def parse_float_literal(self, stream: TokenStream) -> BaseExpression:
            token = stream.next()
            if token.value.startswith("0") and len(token.value.split(".")[0]) > 1:
                raise JSONPathSyntaxError("invalid float literal", token=token)
            return DecimalLiteral(value=Decimal(token.value))

    class ExactLength(Length):
        def __call__(self, obj: Any) -> Any:
            return UNDEFINED if isinstance(obj, JsonNumber) else super().__call__(obj)

    class ExactMatch(Match):
        def __call__(self, value: object, pattern: object) -> bool:
            return _filter_regex(self, value, pattern, whole=True)

    class ExactSearch(Search):
        def __call__(self, value: object, pattern: object) -> bool:
            return _filter_regex(self, value, pattern, whole=False)

    class ExactEnvironment(JSONPathEnvironment):
        parser_class = ExactParser

        def setup_function_extensions(self) -> None:
            super().setup_function_extensions()
            self.function_extensions["length"] = ExactLength()
            self.function_extensions["match"] = ExactMatch()
            self.function_extensions["search"] = ExactSearch()

        def compare(self, left: object, operator: str, right: object) -> bool:
            if operator not in ("&&", "||"):
                left, right = _exact_json(left), _exact_json(right)
            return super().compare(left, operator, right)

    return ExactEnvironment(strict=True)


@lru_cache(maxsize=256)
def _compile(path: str) -> JSONPath:
    from jsonpath import JSONPath, JSONPathError

    query = _environment().compile(path)
    if not isinstance(query, JSONPath):  # strict mode has no unions of whole queries
        raise JSONPathError("a single query is expected")
    return query

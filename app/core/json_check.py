"""Checking and pretty-printing JSON request bodies, with problems a person can act on.

``check_json`` turns Python's terse decoder messages ("Expecting ',' delimiter") into a
``JsonProblem`` that says where the problem is (1-based line and column, counted in
characters) and what to do about it. ``format_json`` re-indents valid JSON without
re-encoding anything: numbers, escapes, key order and duplicate keys stay exactly as typed,
because the server should receive what the user wrote, only laid out differently.

Errors::

    ValueError
     └── InvalidJsonError   format_json was given text that is not valid JSON (.problem)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from app.core.json_strict import NonStandardConstant, constant_position, reject_constant

__all__ = [
    "InvalidJsonError",
    "JsonProblem",
    "check_json",
    "explain_decode_error",
    "format_json",
]


@dataclass(frozen=True, slots=True)
class JsonProblem:
    """Why a text is not valid JSON, and where: 1-based line and column, in characters."""

    line: int
    column: int
    message: str

    def describe(self) -> str:
        """The sentence shown to the user, e.g. ``Line 3, column 5: expected ":" ...``."""
        return f"Line {self.line}, column {self.column}: {self.message}"

    def __str__(self) -> str:
        return self.describe()


class InvalidJsonError(ValueError):
    """Raised by ``format_json`` for text that is not valid JSON; ``problem`` says why."""

    def __init__(self, problem: JsonProblem) -> None:
        super().__init__(problem.describe())
        self.problem = problem


_JSON_WHITESPACE = " \t\n\r"
# Strings are matched whole so that brackets and quotes inside them are never mistaken for
# structure; this is only applied to text the decoder has already accepted up to that point.
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]:,]|[^ \t\n\r{}\[\]:,"]+')
_BARE_WORD = re.compile(r'[^ \t\n\r{}\[\]:,"]{1,30}')
_ANY_VALUE = "a value (a string, number, object, array, true, false or null)"


def check_json(text: str) -> JsonProblem | None:
    """Return the first problem in ``text``, or None if it is valid JSON or blank.

    A blank body is not a problem: it means "send no body".
    """
    if not text.strip(_JSON_WHITESPACE):
        return None
    try:
        _parse(text)
    except json.JSONDecodeError as error:
        return _explain(text, error.msg, error.pos)
    except NonStandardConstant as error:
        pos = constant_position(text, error.name)
        return _problem_at(
            text, pos, f"{error.name} is not valid JSON; use null or a string instead."
        )
    except RecursionError:
        depth, pos = _deepest_bracket(text)
        return _problem_at(text, pos, f"nested too deeply to check ({depth} levels).")
    return None


def explain_decode_error(text: str, error: json.JSONDecodeError) -> JsonProblem:
    """The friendly ``JsonProblem`` for an error ``json.loads`` raised on ``text``."""
    return _explain(text, error.msg, error.pos)


def format_json(text: str, indent: int = 2) -> str:
    """Pretty-print valid JSON, changing only whitespace.

    Numbers (``10.120``, ``1e5``, big integers), string escapes, key order and duplicate
    keys are kept exactly as written. Blank text is returned unchanged.

    Raises:
        InvalidJsonError: ``text`` is not valid JSON.
    """
    problem = check_json(text)
    if problem is not None:
        raise InvalidJsonError(problem)
    if not text.strip(_JSON_WHITESPACE):
        return text
    step = " " * max(indent, 0)
    tokens = _TOKEN.findall(text)
    out: list[str] = []
    depth = 0
    i = 0
    count = len(tokens)
    while i < count:
        token = tokens[i]
        if token in ("{", "["):
            # Empty containers stay on one line, as json.dumps writes them.
            if i + 1 < count and tokens[i + 1] in ("}", "]"):
                out.append(token + tokens[i + 1])
                i += 2
                continue
            depth += 1
            out.append(token + "\n" + step * depth)
        elif token in ("}", "]"):
            depth -= 1
            out.append("\n" + step * depth + token)
        elif token == ",":
            out.append(",\n" + step * depth)
        elif token == ":":
            out.append(": ")
        else:
            out.append(token)
        i += 1
    return "".join(out)


def _keep(raw: str) -> str:
    return raw


def _discard_pairs(_pairs: list[tuple[str, object]]) -> None:
    return None


def _parse(text: str) -> None:
    # The hooks skip building numbers and dicts: only validity matters here, and int() of a
    # huge literal would otherwise fail on Python's digit limit although the JSON is fine.
    json.loads(
        text,
        parse_int=_keep,
        parse_float=_keep,
        parse_constant=reject_constant,
        object_pairs_hook=_discard_pairs,
    )


def _problem_at(text: str, pos: int, message: str) -> JsonProblem:
    pos = max(0, min(pos, len(text)))
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return JsonProblem(line=line, column=column, message=message)


def _explain(text: str, msg: str, pos: int) -> JsonProblem:
    char = text[pos] if pos < len(text) else ""
    at_end = not text[pos:].strip(_JSON_WHITESPACE)
    before = text[:pos].rstrip(_JSON_WHITESPACE)
    comma_before = before.endswith(",")

    message = msg
    if msg == "Expecting value":
        if char == "]" and comma_before:
            return _problem_at(text, len(before) - 1, 'remove the trailing "," before "]".')
        if at_end:
            message = f"the text ends where {_ANY_VALUE} was expected."
        elif char == "'":
            message = 'strings must use double quotes ("), not single quotes.'
        else:
            word = _BARE_WORD.match(text, pos)
            found = f' but found "{word.group()}"' if word else ""
            message = f"expected {_ANY_VALUE}{found}."
    elif msg == "Expecting property name enclosed in double quotes":
        if char == "}" and comma_before:
            return _problem_at(text, len(before) - 1, 'remove the trailing "," before "}".')
        if at_end:
            message = "the text ends where a property name in double quotes was expected."
        elif char == "'":
            message = 'property names must use double quotes ("), not single quotes.'
        else:
            message = 'expected a property name in double quotes, e.g. "name".'
    elif msg == "Expecting ':' delimiter":
        message = 'expected ":" after the property name.'
    elif msg == "Expecting ',' delimiter":
        closer = "}" if _innermost_open_bracket(text, pos) == "{" else "]"
        if at_end:
            message = f'the text ends too early: expected "," or "{closer}".'
        else:
            message = f'expected "," or "{closer}" after a value.'
    elif msg == "Extra data":
        message = "unexpected text after the end of the JSON value; only one value is allowed."
    elif msg.startswith("Unterminated string"):
        message = 'this string is never closed: add the closing double quote (").'
    elif msg.startswith("Invalid control character"):
        if char in ("\n", "\r"):
            message = (
                'this string is not closed before the end of the line: add the closing " '
                "(write line breaks inside strings as \\n)."
            )
        elif char == "\t":
            message = "tab characters are not allowed inside strings; write \\t instead."
        elif char:
            code = ord(char)
            message = (
                f"control character U+{code:04X} is not allowed inside strings; "
                f"write \\u{code:04x} instead."
            )
    elif msg == "Invalid \\uXXXX escape":
        if pos > 0 and text[pos - 1] == "\\":
            pos -= 1
        message = '"\\u" must be followed by exactly four hexadecimal digits.'
    elif msg == "Invalid \\escape":
        escape = text[pos : pos + 2]
        message = (
            f'"{escape}" is not a valid escape; use \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX.'
        )
    elif msg.startswith("Unexpected UTF-8 BOM"):
        message = "the text starts with an invisible byte-order mark (BOM); remove it."
    elif msg.startswith("Illegal trailing comma before end of"):
        # Python 3.13+ reports trailing commas itself, at the comma.
        closer = "}" if msg.endswith("object") else "]"
        message = f'remove the trailing "," before "{closer}".'
    return _problem_at(text, pos, message)


def _innermost_open_bracket(text: str, pos: int) -> str | None:
    stack: list[str] = []
    for match in _STRING_OR_BRACKET.finditer(text, 0, pos):
        token = match.group()
        if token in ("{", "["):
            stack.append(token)
        elif token in ("}", "]") and stack:
            stack.pop()
    return stack[-1] if stack else None


def _deepest_bracket(text: str) -> tuple[int, int]:
    depth = deepest = 0
    where = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        token = match.group()
        if token in ("{", "["):
            depth += 1
            if depth > deepest:
                deepest, where = depth, match.start()
        elif token in ("}", "]"):
            depth -= 1
    return deepest, where

"""JSON body checking: where the problem is, in words a person can act on."""

from __future__ import annotations

import json

import pytest

from app.core.json_check import InvalidJsonError, JsonProblem, check_json, format_json


@pytest.mark.parametrize(
    "text",
    ['{"amount": "10.12"}', "[]", "0", '"text"', "null", '{\n  "a": [1, 2.5e3, true]\n}\n'],
)
def test_valid_json_has_no_problem(text: str) -> None:
    assert check_json(text) is None


@pytest.mark.parametrize("text", ["", "   ", "\n\t\r\n"])
def test_blank_body_is_allowed(text: str) -> None:
    assert check_json(text) is None


def test_problem_reads_as_a_sentence_with_line_and_column() -> None:
    problem = check_json('{\n  "a": 1,\n  "b" 2\n}')

    assert problem == JsonProblem(line=3, column=7, message='expected ":" after the property name.')
    assert str(problem) == 'Line 3, column 7: expected ":" after the property name.'
    assert problem.describe() == str(problem)


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        # Expecting ',' delimiter, inside an object and inside an array
        ('{"a": 1 "b": 2}', 1, 9, 'expected "," or "}" after a value'),
        ("[1\n 2]", 2, 2, 'expected "," or "]" after a value'),
        # Expecting ',' delimiter at the end: the text stops too early
        ('{"a": 1', 1, 8, 'ends too early: expected "," or "}"'),
        # Expecting value
        ('{"a": }', 1, 7, "expected a value"),
        ('{"a": tru}', 1, 7, 'but found "tru"'),
        ("[", 1, 2, "ends where a value"),
        ("['x']", 1, 2, "double quotes"),
        # Expecting property name enclosed in double quotes
        ("{a: 1}", 1, 2, "property name in double quotes"),
        ("{'a': 1}", 1, 2, "property names must use double quotes"),
        # Trailing commas point at the comma to remove
        ('{"a": 1,\n}', 1, 8, 'remove the trailing "," before "}"'),
        ("[1, 2, ]", 1, 6, 'remove the trailing "," before "]"'),
        # Expecting ':' delimiter
        ('{"a" 1}', 1, 6, 'expected ":"'),
        # Extra data
        ('{"a": 1}\n{"b": 2}', 2, 1, "only one value is allowed"),
        # Unterminated string
        ('{"a": "abc', 1, 7, "never closed"),
        # Invalid control character: a line break inside a string, a tab, another one
        ('{"a": "abc\n"}', 1, 11, "not closed before the end of the line"),
        ('{"a": "x\ty"}', 1, 9, "write \\t instead"),
        ('{"a": "\x01"}', 1, 8, "U+0001"),
        # Invalid \escape and \uXXXX escape
        ('{"a": "C:\\dir"}', 1, 10, '"\\d" is not a valid escape'),
        ('{"a": "\\u12g4"}', 1, 8, "four hexadecimal digits"),
        # Not JSON although Python accepts them
        ('{"a": NaN}', 1, 7, "NaN is not valid JSON"),
        ('{"a": -Infinity}', 1, 7, "-Infinity is not valid JSON"),
        ("\ufeff{}", 1, 1, "byte-order mark"),
    ],
)
def test_each_kind_of_error_is_located_and_explained(
    text: str, line: int, column: int, words: str
) -> None:
    problem = check_json(text)

    assert problem is not None
    assert (problem.line, problem.column) == (line, column), problem
    assert words in problem.message
    assert "Expecting" not in problem.message


def test_columns_count_characters_not_bytes() -> None:
    # "é" is two bytes in UTF-8 and "😀" is four (two UTF-16 units): both are one column.
    problem = check_json('{"é😀": 1 x}')

    assert problem is not None
    assert (problem.line, problem.column) == (1, 10)


def test_columns_restart_on_each_line_after_multibyte_text() -> None:
    problem = check_json('{\n  "naïve": "ünïcödé",\n  "b": ]\n}')

    assert problem is not None
    assert (problem.line, problem.column) == (3, 8)


def test_deep_nesting_is_reported_not_raised() -> None:
    problem = check_json("[" * 100_000 + "]" * 100_000)

    assert problem is not None
    assert "nested too deeply" in problem.message


def test_huge_integers_are_valid() -> None:
    # Python's int() refuses more than 4300 digits; JSON has no such limit.
    assert check_json("1" * 5000) is None


def test_format_pretty_prints_with_two_space_indent() -> None:
    assert format_json('{"a":[1,{"b":null}],"c":{}}') == (
        '{\n  "a": [\n    1,\n    {\n      "b": null\n    }\n  ],\n  "c": {}\n}'
    )


def test_format_honours_indent() -> None:
    assert format_json("[1,2]", indent=4) == "[\n    1,\n    2\n]"


def test_format_keeps_numbers_exactly_as_written() -> None:
    text = '{"amount": 10.120, "big": 123456789012345678901234567890, "exp": 1e5, "neg": -0.0}'

    formatted = format_json(text)

    assert '"amount": 10.120' in formatted
    assert '"big": 123456789012345678901234567890' in formatted
    assert '"exp": 1e5' in formatted
    assert '"neg": -0.0' in formatted


def test_format_keeps_key_order_duplicates_and_string_escapes() -> None:
    text = '{"z": 1, "a": "\\u00e9\\/", "z": 2}'

    formatted = format_json(text)

    assert formatted == '{\n  "z": 1,\n  "a": "\\u00e9\\/",\n  "z": 2\n}'


def test_format_keeps_non_ascii_and_brackets_inside_strings() -> None:
    formatted = format_json('{"név":"žąsis 😀 {[,:]}"}')

    assert formatted == '{\n  "név": "žąsis 😀 {[,:]}"\n}'


def test_format_result_means_the_same_json() -> None:
    text = json.dumps({"a": [1, 2, {"b": "c", "d": [[], {}]}], "e": None})

    assert json.loads(format_json(text)) == json.loads(text)


def test_format_is_idempotent() -> None:
    once = format_json('{"a": [1, {"b": 2}]}')

    assert format_json(once) == once


def test_format_leaves_blank_text_alone() -> None:
    assert format_json("  \n") == "  \n"


def test_format_of_invalid_json_raises_with_the_problem() -> None:
    with pytest.raises(InvalidJsonError) as caught:
        format_json('{"a": 1,}')

    assert isinstance(caught.value, ValueError)
    assert caught.value.problem == check_json('{"a": 1,}')
    assert str(caught.value).startswith("Line 1, column 8:")

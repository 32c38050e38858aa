"""Exact JSON: numbers as sent, pretty text like json.dumps, lazy output, paths and labels."""

from __future__ import annotations

import gc
import json

import pytest

from app.core.json_doc import (
    DuplicateKeysObject,
    JsonNumber,
    iter_pretty,
    json_path,
    json_scalar_text,
    json_type_name,
    json_value_preview,
    json_value_text,
    object_members,
    parse_json_exact,
)

# -- parse_json_exact ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["10.12", "1.10", "1e5", "-0.0", "1E+05", "0.1000000000000000055"])
def test_non_integer_numbers_keep_the_exact_text_sent(text: str) -> None:
    value = parse_json_exact(f'{{"n": {text}}}')

    assert isinstance(value, dict)
    assert isinstance(value["n"], JsonNumber)
    assert value["n"] == text
    assert "".join(iter_pretty(value)) == f'{{\n  "n": {text}\n}}'


def test_big_integers_are_exact() -> None:
    value = parse_json_exact("[9007199254740993123, -12]")

    assert value == [9007199254740993123, -12]
    assert json_value_text(value) == "[9007199254740993123,-12]"


def test_integers_longer_than_the_int_digit_limit_are_kept_as_text() -> None:
    digits = "7" * 5000

    value = parse_json_exact(f"[{digits}, 1]")

    assert value == [digits, 1]
    assert isinstance(value, list) and isinstance(value[0], JsonNumber)
    assert json_type_name(value[0]) == "number"


def test_strings_that_look_like_numbers_stay_strings() -> None:
    value = parse_json_exact('{"amount": "10.12"}')

    assert isinstance(value, dict)
    assert type(value["amount"]) is str
    assert json_type_name(value["amount"]) == "string"


@pytest.mark.parametrize(
    ("text", "column"),
    [("NaN", 1), ("[1, Infinity]", 5), ('{"NaN": "NaN", "x": -Infinity}', 21)],
)
def test_nan_and_infinity_are_rejected_with_their_position(text: str, column: int) -> None:
    with pytest.raises(json.JSONDecodeError) as raised:
        parse_json_exact(text)

    assert "not allowed in JSON" in str(raised.value)
    assert raised.value.colno == column


@pytest.mark.parametrize("text", ["", "{", '{"a": 1,}', "[1 2]", "'x'", "01"])
def test_invalid_json_raises_value_error(text: str) -> None:
    with pytest.raises(json.JSONDecodeError):
        parse_json_exact(text)


def test_nesting_too_deep_to_parse_is_a_value_error_not_a_crash() -> None:
    with pytest.raises(ValueError, match="nested too deeply"):
        parse_json_exact("[" * 100_000)


def test_parsing_leaves_the_garbage_collector_as_it_found_it() -> None:
    assert gc.isenabled()
    parse_json_exact("[1.5]")
    assert gc.isenabled()
    with pytest.raises(ValueError):
        parse_json_exact("[")
    assert gc.isenabled()

    gc.disable()
    try:
        parse_json_exact("[1.5]")
        assert not gc.isenabled()
    finally:
        gc.enable()


# -- iter_pretty -----------------------------------------------------------------------

FLOATLESS_DOCUMENTS = [
    "{}",
    "[]",
    "42",
    '"text"',
    "null",
    "true",
    '{"a": [1, 2, {"b": null, "c": [], "d": {}}], "e": "x\\ny\\u00e9\\u2028\\"\\\\"}',
    '{"ключ": "значение", "emoji": "\\ud83d\\ude00", "ctl": "\\u0001\\t"}',
    "[[[[]]], [[{}]], [false, true, null, -3]]",
    '{"": "", " ": {"x": {"y": {"z": [0]}}}}',
]


@pytest.mark.parametrize("text", FLOATLESS_DOCUMENTS)
def test_pretty_text_is_identical_to_json_dumps_without_floats(text: str) -> None:
    expected = json.dumps(json.loads(text), indent=2, ensure_ascii=False)

    assert "".join(iter_pretty(parse_json_exact(text))) == expected


@pytest.mark.parametrize("indent", [0, 4])
def test_pretty_text_follows_the_indent(indent: int) -> None:
    value = json.loads(FLOATLESS_DOCUMENTS[6])

    expected = json.dumps(value, indent=indent, ensure_ascii=False)
    assert "".join(iter_pretty(value, indent=indent)) == expected


def test_pretty_text_of_a_large_document_matches_json_dumps_across_chunks() -> None:
    value = {"items": [{"id": i, "name": f"item {i}", "tags": ["a", "b"]} for i in range(5000)]}

    chunks = list(iter_pretty(value))

    assert len(chunks) > 1
    assert "".join(chunks) == json.dumps(value, indent=2, ensure_ascii=False)


def test_plain_floats_print_like_json_dumps() -> None:
    value = json.loads('{"a": 1.5, "b": [1e300, -0.0, 0.1]}')

    assert "".join(iter_pretty(value)) == json.dumps(value, indent=2)


class _Poisoned:
    """Stands at the far end of a huge document: reaching it means the printer read too far."""


def _huge_document_with_poisoned_end(count: int = 1_000_000) -> dict[str, object]:
    item = {"id": 7, "price": {"amount": JsonNumber("10.12"), "currency": "EUR"}}
    return {"items": [item] * count + [_Poisoned()], "_metadata": {"total": count}}


def test_reading_the_start_of_a_huge_document_does_not_print_the_rest() -> None:
    chunks = iter_pretty(_huge_document_with_poisoned_end())

    start = next(chunks) + next(chunks)

    assert start.startswith('{\n  "items": [\n    {\n      "id": 7,\n      "price": {\n')
    assert '"amount": 10.12' in start
    assert len(start) < 200_000


def test_the_poisoned_end_is_reached_only_when_reading_everything() -> None:
    chunks = iter_pretty(_huge_document_with_poisoned_end(count=20_000))
    next(chunks)

    with pytest.raises(TypeError, match="_Poisoned is not a JSON value"):
        for _chunk in chunks:
            pass


# -- labels, paths and copy text -------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ({}, "object"),
        ([], "array"),
        ("1", "string"),
        (JsonNumber("1.5"), "number"),
        (3, "number"),
        (2.5, "number"),
        (True, "boolean"),
        (False, "boolean"),
        (None, "null"),
    ],
)
def test_type_names(value: object, name: str) -> None:
    assert json_type_name(value) == name


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("10", '"10"'),
        (10, "10"),
        (JsonNumber("1.10"), "1.10"),
        ("line\nbreak", '"line\\nbreak"'),
        (True, "true"),
        (False, "false"),
        (None, "null"),
        ({"a": 1, "b": 2, "c": 3}, "{3 keys}"),
        ({"a": 1}, "{1 key}"),
        ({}, "{}"),
        (list(range(1000)), "[1000 items]"),
        ([0], "[1 item]"),
        ([], "[]"),
    ],
)
def test_scalar_text_tells_strings_numbers_and_containers_apart(value: object, text: str) -> None:
    assert json_scalar_text(value) == text


def test_scalar_text_cuts_long_strings_but_not_numbers() -> None:
    assert json_scalar_text("x" * 10_000, max_chars=5) == '"xxxxx…'
    assert json_scalar_text("short", max_chars=5) == '"short"'
    assert json_scalar_text(JsonNumber("1.000000001"), max_chars=5) == "1.000000001"


@pytest.mark.parametrize(
    ("keys", "path"),
    [
        ([], "$"),
        (["items", 0, "price", "amount"], "$.items[0].price.amount"),
        (["_metadata", "total_count"], "$._metadata.total_count"),
        (["a b"], '$["a b"]'),
        (["ключ"], "$.ключ"),
        (["2fa"], '$["2fa"]'),
        (["a2"], "$.a2"),
        (["x-request-id"], '$["x-request-id"]'),
        ([""], '$[""]'),
        (['say "hi"\n'], '$["say \\"hi\\"\\n"]'),
        (["$ref"], '$["$ref"]'),
        ([3, 14], "$[3][14]"),
    ],
)
def test_json_path_uses_dots_for_plain_names_and_quotes_the_rest(
    keys: list[str | int], path: str
) -> None:
    assert json_path(keys) == path


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ('raw string\nwith "quotes"', 'raw string\nwith "quotes"'),
        (JsonNumber("1.10"), "1.10"),
        (9007199254740993123, "9007199254740993123"),
        (True, "true"),
        (None, "null"),
        ({}, "{}"),
    ],
)
def test_copy_text_of_scalars(value: object, text: str) -> None:
    assert json_value_text(value) == text


def test_copy_text_of_containers_is_compact_exact_json() -> None:
    value = parse_json_exact('{"price": {"amount": "10.12", "rate": 1.10}, "ids": [1, 2e3]}')

    assert json_value_text(value) == '{"price":{"amount":"10.12","rate":1.10},"ids":[1,2e3]}'


def test_a_repeated_key_keeps_every_value_in_order() -> None:
    document = parse_json_exact('{"amount": "1.00", "amount": "1000000.00", "currency": "EUR"}')
    assert isinstance(document, DuplicateKeysObject)
    assert document["amount"] == "1000000.00"  # as a dict: the last value, like most parsers
    assert document.pairs == (
        ("amount", "1.00"),
        ("amount", "1000000.00"),
        ("currency", "EUR"),
    )
    assert document.duplicate_keys() == ["amount"]
    assert list(object_members(document)) == list(document.pairs)
    assert json_scalar_text(document) == "{3 keys}"
    pretty = "".join(iter_pretty(document))
    assert '"amount": "1.00"' in pretty and '"amount": "1000000.00"' in pretty


def test_objects_without_repeated_keys_are_plain_dicts() -> None:
    document = parse_json_exact('{"a": {"b": 1}, "c": [{"d": 2}]}')
    assert type(document) is dict
    assert isinstance(document, dict)
    assert type(document["a"]) is dict


def test_value_preview_stops_early() -> None:
    assert json_value_preview({"a": [1, 2, 3]}, 100) == ('{"a":[1,2,3]}', False)
    preview, cut = json_value_preview(list(range(1_000_000)), 10)
    assert (preview, cut) == ("[0,1,2,3,4", True)
    assert json_value_preview("x" * 20, 5) == ("xxxxx", True)


def test_shorthand_names_follow_rfc_9535_for_every_character() -> None:
    import re

    from app.core.json_doc import _SHORTHAND_NAME

    rfc = re.compile(
        "[A-Za-z_\u0080-\ud7ff\ue000-\U0010ffff][A-Za-z0-9_\u0080-\ud7ff\ue000-\U0010ffff]*"
    )
    for code in [*range(0x10000), 0x10000, 0x1F600, 0x10FFFF]:
        for name in (chr(code), "a" + chr(code)):
            assert bool(_SHORTHAND_NAME.fullmatch(name)) == bool(rfc.fullmatch(name)), hex(code)


def test_a_big_document_is_frozen_out_of_the_collectors_reach() -> None:
    # Its first collection would walk every new object with the GIL held (0.2-0.3 s at
    # 60 MB), freezing the window at the end of a parse done in a worker thread.
    import gc

    from app.core.json_doc import FREEZE_CHARS

    before = gc.get_freeze_count()
    small = parse_json_exact('{"items": [{"id": 1}]}')
    assert gc.get_freeze_count() == before
    text = '{"items": [' + ",".join(['{"id": 1, "n": [1]}'] * (FREEZE_CHARS // 18)) + "]}"
    assert len(text) >= FREEZE_CHARS
    big = parse_json_exact(text)
    assert gc.isenabled()
    assert gc.get_freeze_count() > before
    gc.unfreeze()
    del small, big

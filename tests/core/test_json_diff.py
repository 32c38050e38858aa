from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.json_diff import (
    ABSENT,
    DEFAULT_LIMIT,
    Change,
    Diff,
    Difference,
    IgnoreRules,
    diff_exchanges,
    diff_json,
    render,
)
from app.core.json_doc import DuplicateKeysObject, JsonNumber, parse_json_exact
from app.core.response import ResponseData


def diff(old: str, new: str, ignore: Sequence[str] = (), limit: int = DEFAULT_LIMIT) -> Diff:
    return diff_json(parse_json_exact(old), parse_json_exact(new), ignore=ignore, limit=limit)


def lines(old: str, new: str, ignore: Sequence[str] = ()) -> list[str]:
    """The rendered differences, without the summary line."""
    return render(diff(old, new, ignore)).splitlines()[:-1]


# --- paths, kinds, summary -------------------------------------------------------------------


def test_equal_documents_have_no_differences_and_say_so() -> None:
    result = diff('{"a": [1, {"b": null}]}', '{"a": [1, {"b": null}]}')
    assert result.same and result.differences == ()
    assert result.summary() == "No differences"
    assert render(result) == "No differences"


def test_changed_added_and_removed_values_are_reported_at_their_paths() -> None:
    old = '{"id": 7, "items": [{"price": {"amount": "10.12"}}, 2, 3], "note": "x", "gone": 1}'
    new = '{"id": 8, "items": [{"price": {"amount": "10.13"}}, 2], "note": "y", "extra": true}'
    result = diff(old, new)
    assert [(d.kind, d.path, d.old, d.new) for d in result.differences] == [
        (Change.CHANGED, "$.id", 7, 8),
        (Change.CHANGED, "$.items[0].price.amount", "10.12", "10.13"),
        (Change.REMOVED, "$.items[2]", 3, ABSENT),
        (Change.CHANGED, "$.note", "x", "y"),
        (Change.REMOVED, "$.gone", 1, ABSENT),
        (Change.ADDED, "$.extra", ABSENT, True),
    ]
    assert result.differences[1].keys == ("items", 0, "price", "amount")
    assert result.summary() == "3 changed, 1 added, 2 removed"
    assert render(result).splitlines() == [
        "~ $.id: 7 → 8",
        '~ $.items[0].price.amount: "10.12" → "10.13"',
        "- $.items[2]: 3",
        '~ $.note: "x" → "y"',
        "- $.gone: 1",
        "+ $.extra: true",
        "3 changed, 1 added, 2 removed",
    ]


def test_key_order_is_not_a_difference() -> None:
    assert diff('{"a": 1, "b": {"c": 2, "d": 3}}', '{"b": {"d": 3, "c": 2}, "a": 1}').same


def test_names_that_need_brackets_are_quoted_in_the_path() -> None:
    assert lines('{"a b": {"2fa": 1}}', '{"a b": {"2fa": 2}}') == ['~ $["a b"]["2fa"]: 1 → 2']


def test_a_value_whose_type_changed_is_one_change_at_its_path() -> None:
    assert lines('{"a": {"b": 1}}', '{"a": [1]}') == ['~ $.a: {"b":1} → [1]']
    assert lines("[1]", "{}") == ["~ $: [1] → {}"]
    assert lines("1", "2") == ["~ $: 1 → 2"]


# --- arrays ----------------------------------------------------------------------------------


def test_arrays_compare_by_index_and_extra_items_are_added_or_removed() -> None:
    assert lines("[1, 2, 3]", "[1, 3]") == ["~ $[1]: 2 → 3", "- $[2]: 3"]
    assert lines("[1]", "[1, [2], {}]") == ["+ $[1]: [2]", "+ $[2]: {}"]
    assert lines('{"a": []}', '{"a": [[1, 2]]}') == ["+ $.a[0]: [1,2]"]


def test_items_with_unique_ids_are_paired_by_id_and_a_move_is_not_a_change() -> None:
    old = '[{"id": 1, "v": "a"}, {"id": 2, "v": "b"}, {"id": 3, "v": "c"}]'
    moved = '[{"id": 3, "v": "c"}, {"id": 1, "v": "a"}, {"id": 2, "v": "b"}]'
    assert diff(old, moved).same
    changed = '[{"id": 3, "v": "c"}, {"id": 4, "v": "d"}, {"id": 1, "v": "A"}]'
    # Paths carry the index in the new array; a removed item's, in the old one.
    assert lines(old, changed) == [
        '~ $[2].v: "a" → "A"',
        '- $[1]: {"id":2,"v":"b"}',
        '+ $[1]: {"id":4,"v":"d"}',
    ]


def test_ids_follow_the_value_rules_strings_and_numbers_apart_numbers_exact() -> None:
    assert diff('[{"id": 1}, {"id": 2.50}]', '[{"id": 2.5}, {"id": 1.0}]').same
    assert lines('[{"id": 1}, {"id": "2"}]', '[{"id": "2"}, {"id": "1"}]') == [
        '- $[0]: {"id":1}',
        '+ $[1]: {"id":"1"}',
    ]
    assert lines('[{"id": true}, {"id": 1}]', '[{"id": 1}, {"id": true}]') == []


@pytest.mark.parametrize(
    "old",
    [
        '[{"id": 1, "v": 1}, {"id": 1, "v": 2}]',  # not unique
        '[{"id": 1, "v": 1}, {"v": 2}]',  # one without an id
        '[{"id": [1], "v": 1}, {"id": [2], "v": 2}]',  # not scalar
        '[{"id": 1, "v": 1}, 5]',  # not an object
        '[{"id": 1, "v": 1}, {"id": 2, "v": 2, "v": 3}]',  # a repeated key
    ],
)
def test_arrays_without_unique_scalar_ids_on_every_item_compare_by_index(old: str) -> None:
    items = parse_json_exact(old)
    assert isinstance(items, list)
    assert not diff_json(items, [items[1], items[0]]).same  # paired by id, it would be


def test_ids_are_needed_in_both_arrays() -> None:
    old = '[{"id": 1, "v": 1}, {"id": 2, "v": 2}]'
    assert lines(old, '[{"id": 2, "v": 2}, {"v": 1}]') == [
        "~ $[0].id: 1 → 2",
        "~ $[0].v: 1 → 2",
        "- $[1].id: 2",
        "~ $[1].v: 2 → 1",
    ]


# --- numbers and types -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("1.10", "1.1"),
        ("1", "1.0"),
        ("10", "1e1"),
        ("100", "1E+2"),
        ("0.5", "5e-1"),
        ("-0", "0.0"),
        ("12345678901234567890123456789", "1.2345678901234567890123456789e28"),
        ("1e400", "10e399"),
    ],
)
def test_numbers_are_compared_by_exact_decimal_value(old: str, new: str) -> None:
    assert diff(f"[{old}]", f"[{new}]").same
    assert diff(old, new).same


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("0.1", "0.1000000000000000055511151231257827"),  # the float nearest 0.1
        ("9007199254740993", "9007199254740992"),  # equal as floats
        ("1e400", "1e401"),
        ("-0.0", "0.000000000000000000001"),
    ],
)
def test_numbers_that_differ_in_value_differ_however_close(old: str, new: str) -> None:
    assert lines(f"[{old}]", f"[{new}]") == [f"~ $[0]: {old} → {new}"]


def test_a_number_too_long_for_an_int_is_still_compared_exactly() -> None:
    digits = "9" * 5000
    assert diff(f"[{digits}]", f"[{digits}.0]").same
    assert not diff(f"[{digits}]", f"[{digits[:-1]}8]").same


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("1", '"1"'),
        ("1.5", '"1.5"'),
        ("true", "1"),
        ("false", "0"),
        ("null", '""'),
        ("null", "0"),
        ("null", "false"),
        ("{}", "[]"),
        ('"1.10"', '"1.1"'),  # strings are text, however numeric they look
    ],
)
def test_types_are_distinguished(old: str, new: str) -> None:
    assert lines(f"[{old}]", f"[{new}]") == [f"~ $[0]: {old} → {new}"]


def test_hand_made_documents_keep_the_rules() -> None:
    assert diff_json({"a": JsonNumber("1.0")}, {"a": 1}).same
    assert not diff_json({"a": JsonNumber("1.0")}, {"a": "1.0"}).same
    assert not diff_json([True], [1]).same
    assert diff_json([0.5], [JsonNumber("0.50")]).same  # a float: its exact binary value


# --- repeated keys ---------------------------------------------------------------------------


def test_repeated_keys_are_compared_occurrence_by_occurrence() -> None:
    old = parse_json_exact('{"a": 1, "a": 2, "b": 3}')
    assert isinstance(old, DuplicateKeysObject)
    assert not diff_json(old, {"a": 2, "b": 3}).same  # a dict would have lost the first
    assert diff_json(old, parse_json_exact('{"b": 3, "a": 1, "a": 2}')).same
    assert render(diff_json(old, {"a": 2, "b": 3})).splitlines() == [
        "~ $.a: 1 → 2",
        "- $.a: 2",
        "1 changed, 0 added, 1 removed",
    ]
    assert lines('{"x": {"a": 1}}', '{"x": {"a": 1, "a": 1}}') == ["+ $.x.a: 1"]


# --- ignored paths ---------------------------------------------------------------------------


def test_an_exact_path_is_ignored_with_everything_below_it() -> None:
    old = '{"created_at": "1", "meta": {"at": 1, "by": "a"}, "n": 1}'
    new = '{"created_at": "2", "meta": {"at": 2, "by": "b"}, "n": 2}'
    assert lines(old, new, ignore=["$.created_at", "$.meta"]) == ["~ $.n: 1 → 2"]
    assert lines(old, new, ignore=["$.meta.at"]) == [
        '~ $.created_at: "1" → "2"',
        '~ $.meta.by: "a" → "b"',
        "~ $.n: 1 → 2",
    ]


def test_an_ignored_path_hides_additions_and_removals_too() -> None:
    assert diff('{"a": 1}', '{"b": 1}', ignore=["$.a", "$.b"]).same
    assert diff("[1, 2]", "[1]", ignore=["$[1]"]).same


def test_a_wildcard_matches_every_index_and_member() -> None:
    old = '{"items": [{"id": 1, "n": 1}, {"id": 2, "n": 2}], "x": {"p": 1, "q": 1}}'
    new = '{"items": [{"id": 5, "n": 1}, {"id": 6, "n": 3}], "x": {"p": 2, "q": 2}}'
    assert lines(old, new, ignore=["$.items[*].id", "$.x.*"]) == ["~ $.items[1].n: 2 → 3"]
    assert lines(old, new, ignore=["$.items[*]['id']", '$.x["p"]', "$.x[*]"]) == [
        "~ $.items[1].n: 2 → 3"
    ]


def test_any_depth_matches_a_name_wherever_it_is() -> None:
    old = '{"timestamp": 1, "a": {"timestamp": 1, "b": [{"timestamp": 1, "v": 1}]}}'
    new = '{"timestamp": 2, "a": {"timestamp": 2, "b": [{"timestamp": 2, "v": 2}]}}'
    assert lines(old, new, ignore=["$..timestamp"]) == ["~ $.a.b[0].v: 1 → 2"]
    assert lines(old, new, ignore=["$.a..timestamp"]) == [
        "~ $.timestamp: 1 → 2",
        "~ $.a.b[0].v: 1 → 2",
    ]
    assert lines(old, new, ignore=["$..b[0]"]) == ["~ $.timestamp: 1 → 2", "~ $.a.timestamp: 1 → 2"]
    assert diff(old, new, ignore=["$"]).same
    assert diff(old, new, ignore=["$..*"]).same


def test_an_array_whose_ids_are_ignored_is_compared_by_index() -> None:
    old = '{"items": [{"id": 1, "v": 1}, {"id": 2, "v": 2}]}'
    regenerated = '{"items": [{"id": 7, "v": 1}, {"id": 8, "v": 2}]}'
    assert diff(old, regenerated, ignore=["$.items[*].id"]).same
    assert diff(old, regenerated, ignore=["$..id"]).same
    moved = '{"items": [{"id": 2, "v": 2}, {"id": 1, "v": 1}]}'
    assert diff(old, moved).same
    assert lines(old, moved, ignore=["$.items[*].id"]) == [
        "~ $.items[0].v: 1 → 2",
        "~ $.items[1].v: 2 → 1",
    ]


def test_ignore_rules_say_what_they_ignore() -> None:
    rules = IgnoreRules.parse(["$.items[*].id", "$..timestamp", '$["a b"][2]', "header:X-Trace"])
    assert rules.ignores(("items", 3, "id"))
    assert rules.ignores(("items", 3, "id", "deeper"))
    assert not rules.ignores(("items", 3, "name"))
    assert rules.ignores(("items", "3", "id"))  # [*] is any member too
    assert rules.ignores(("x", 0, "y", "timestamp"))
    assert rules.ignores(("a b", 2)) and not rules.ignores(("a b", 1))
    assert not rules.ignores(("a b", "2"))  # a member named "2" is not an index
    assert rules.headers == frozenset({"x-trace"})
    assert IgnoreRules.parse(["$"]).ignores(())
    assert not IgnoreRules().ignores(("a",))


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("created_at", "a path starts with $"),
        ("$.", "a name is missing"),
        ("$.a.", "a name is missing"),
        ("$..", "a name is missing"),
        ("$.[0]", "a name is missing"),
        ("$[-1]", "indexes from the end are not supported"),
        ("$.a[", "the bracket at position 3"),
        ("$[?@.id==1]", "the bracket at position 1"),
        ('$["\\x"]', "bad escape"),
        ("$ a", "' ' at position 1 is unexpected"),
        ("header:", "the header name is missing"),
    ],
)
def test_a_pattern_that_cannot_be_read_is_refused_with_a_sentence(
    pattern: str, reason: str
) -> None:
    with pytest.raises(ValueError, match="cannot be read") as caught:
        IgnoreRules.parse([pattern])
    assert reason in str(caught.value)
    assert repr(pattern) in str(caught.value)
    with pytest.raises(ValueError, match="cannot be read"):
        diff_json(1, 1, ignore=[pattern])


# --- status and headers ----------------------------------------------------------------------


def response(
    status: int = 200,
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),),
    body: bytes = b"{}",
) -> ResponseData:
    return ResponseData(status, "", headers, body, 1.0)


def test_status_headers_and_body_are_compared_in_that_order() -> None:
    old = response(
        200,
        (
            ("Content-Type", "application/json"),
            ("Date", "Mon, 01 Dec 2026 10:00:00 GMT"),
            ("Content-Length", "24"),
            ("X-Old", "1"),
            ("ETag", '"a"'),
        ),
        b'{"amount": "10.12", "n": 1.10}',
    )
    new = response(
        404,
        (
            ("content-type", "application/json"),
            ("date", "Mon, 01 Dec 2026 10:00:05 GMT"),
            ("content-length", "25"),
            ("etag", '"b"'),
            ("X-New", "2"),
        ),
        b'{"n": 1.1, "amount": "10.13"}',
    )
    result = diff_exchanges(old, new)
    assert render(result).splitlines() == [
        "~ status: 200 → 404",
        "- header:X-Old: 1",
        '~ header:etag: "a" → "b"',
        "+ header:X-New: 2",
        '~ $.amount: "10.12" → "10.13"',
        "3 changed, 1 added, 1 removed",
    ]
    assert result.differences[0] == Difference(Change.CHANGED, "status", 200, 404)


def test_headers_named_in_ignore_are_left_out_as_are_date_and_content_length() -> None:
    old = response(headers=(("X-Request-Id", "a"), ("Date", "1"), ("Content-Length", "2")))
    new = response(headers=(("x-request-id", "b"),))
    assert [d.path for d in diff_exchanges(old, new).differences] == ["header:x-request-id"]
    assert diff_exchanges(old, new, ignore=["header:X-REQUEST-ID"]).same


def test_a_repeated_header_is_compared_as_its_values_in_order() -> None:
    old = response(headers=(("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")))
    same = response(headers=(("set-cookie", "a=1"), ("SET-COOKIE", "b=2")))
    swapped = response(headers=(("Set-Cookie", "b=2"), ("Set-Cookie", "a=1")))
    assert diff_exchanges(old, same).same
    assert render(diff_exchanges(old, swapped)).splitlines()[0] == (
        "~ header:Set-Cookie: a=1, b=2 → b=2, a=1"
    )


def test_body_paths_in_ignore_apply_to_the_json_body() -> None:
    old = response(body=b'{"created_at": "1", "items": [{"id": 1}]}')
    new = response(body=b'{"created_at": "2", "items": [{"id": 2}]}')
    assert diff_exchanges(old, new, ignore=["$.created_at", "$.items[*].id"]).same
    assert diff_exchanges(old, new, ignore=IgnoreRules.parse(["$..*"])).same


def test_a_body_that_is_not_json_is_compared_byte_for_byte() -> None:
    html = (("Content-Type", "text/html"),)
    old = response(headers=html, body=b"<p>one</p>")
    assert diff_exchanges(old, response(headers=html, body=b"<p>one</p>")).same
    result = diff_exchanges(old, response(headers=html, body=b"<p>two</p>"))
    assert render(result).splitlines() == [
        '~ body: "<p>one</p>" → "<p>two</p>"',
        "1 changed, 0 added, 0 removed",
    ]
    # JSON on one side only: the body changed, and so did its Content-Type.
    result = diff_exchanges(old, response(body=b'{"a": 1}'))
    assert [d.path for d in result.differences] == ["header:Content-Type", "body"]
    assert result.differences[1].new == {"a": 1}


def test_plain_text_that_reads_as_json_is_compared_as_json_and_broken_json_as_text() -> None:
    plain = (("Content-Type", "text/plain"),)
    assert diff_exchanges(
        response(headers=plain, body=b'{"a": 1.10}'), response(headers=plain, body=b'{"a": 1.1}')
    ).same
    broken_old = response(body=b'{"a": 1.10')
    broken_new = response(body=b'{"a": 1.1')
    assert [d.path for d in diff_exchanges(broken_old, broken_new).differences] == ["body"]
    assert diff_exchanges(response(body=b""), response(body=b"  ")).differences[0].path == "body"
    assert diff_exchanges(response(body=b"\xef\xbb\xbf[1]"), response(body=b"[1.0]")).same


# --- size ------------------------------------------------------------------------------------


def test_the_walk_stops_at_the_limit_and_says_so() -> None:
    old = "[" + ",".join(["1"] * 50) + "]"
    new = "[" + ",".join(["2"] * 50) + "]"
    result = diff(old, new, limit=10)
    assert len(result.differences) == 10 and result.truncated
    assert result.summary() == (
        "10 changed, 0 added, 0 removed; stopped after the first 10 differences, there are more"
    )
    assert render(result).splitlines()[-1] == result.summary()
    exactly = diff(old, new, limit=50)
    assert len(exactly.differences) == 50 and not exactly.truncated
    assert DEFAULT_LIMIT == 10_000 and diff(old, new).limit == 10_000
    with pytest.raises(ValueError, match="at least 1"):
        diff(old, new, limit=0)


def test_deep_documents_need_no_recursion() -> None:
    def nested(leaf: object, depth: int) -> object:
        value = leaf
        for level in range(depth):
            value = [value] if level % 2 else {"k": value}
        return value

    assert diff_json(nested(1, 50_000), nested(1, 50_000)).same
    result = diff_json(nested(1, 50_000), nested(JsonNumber("2.0"), 50_000))
    [difference] = result.differences
    assert len(difference.keys) == 50_000 and difference.old == 1
    # Deep inside runs of siblings: the bulk check gives up, the walk carries on.
    wide_old = [nested(1, 3000) for _ in range(20)]
    wide_new = [nested(1, 3000) for _ in range(19)] + [nested(2, 3000)]
    assert [d.keys[0] for d in diff_json(wide_old, wide_new).differences] == [19]


def test_runs_of_equal_looking_siblings_are_not_taken_for_equal() -> None:
    # Python's == finds each pair equal; JSON does not. Long enough to be checked in bulk.
    assert len(diff_json([True] * 40, [1] * 40).differences) == 40
    assert len(diff_json([JsonNumber("1")] * 40, ["1"] * 40).differences) == 40
    keys = [f"k{i}" for i in range(40)]
    assert not diff_json(dict.fromkeys(keys, False), dict.fromkeys(keys, 0)).same
    repeated = parse_json_exact('{"a": 1, "a": 2}')
    assert not diff_json([repeated] * 40, [{"a": 2}] * 40).same
    assert not diff_json([[{"a": [True]}]] * 40, [[{"a": [1]}]] * 40).same
    # Same keys, another order: a key's types must be compared with the same key's.
    old = [{"a": 1, "b": True}] * 40
    new = [{"b": 1, "a": True}] * 40
    assert len(diff_json(old, new).differences) == 80
    # And what == misses, the walk still finds equal.
    assert diff_json([JsonNumber("1.10")] * 40, [JsonNumber("1.1")] * 40).same


def test_a_big_document_that_differs_in_a_few_places() -> None:
    items = [
        f'{{"id": {i}, "price": {{"amount": "{i}.10"}}, "rate": 1.10, "tags": ["a", "b"]}}'
        for i in range(20_000)
    ]
    old = parse_json_exact("[" + ",".join(items) + "]")
    items[5000] = items[5000].replace('"amount": "5000.10"', '"amount": "5000.11"')
    items[6000] = items[6000].replace('"rate": 1.10', '"rate": 1.1')
    items[7000], items[7001] = items[7001], items[7000]
    del items[8000]
    new = parse_json_exact("[" + ",".join(items) + "]")
    assert render(diff_json(old, new)).splitlines() == [
        '~ $[5000].price.amount: "5000.10" → "5000.11"',
        '- $[8000]: {"id":8000,"price":{"amount":"8000.10"},"rate":1.10,"tags":["a","b"]}',
        "1 changed, 0 added, 1 removed",
    ]


# --- rendering -------------------------------------------------------------------------------


def test_values_are_rendered_compactly_exactly_and_cut() -> None:
    long_text = "x" * 500
    big = {"items": list(range(1000))}
    result = diff_json(
        {"s": long_text, "o": big, "n": JsonNumber("1.10"), "e": "a\nb", "u": "ünï"},
        {"s": long_text + "y", "o": None, "n": JsonNumber("2.00"), "e": "a\tb", "u": "ü"},
    )
    shown = render(result).splitlines()
    assert shown[0] == f'~ $.s: "{"x" * 200}… → "{"x" * 200}…'
    assert shown[1].startswith('~ $.o: {"items":[0,1,2,') and shown[1].endswith("… → null")
    assert len(shown[1]) == len("~ $.o: ") + 200 + len("… → null")
    assert shown[2:5] == ["~ $.n: 1.10 → 2.00", '~ $.e: "a\\nb" → "a\\tb"', '~ $.u: "ünï" → "ü"']


def test_every_difference_is_one_line_whatever_the_keys_and_values() -> None:
    result = diff_json({"line\nbreak": "a\r\nb", "\u2028": 1}, {"line\nbreak": "c\u2028d\x85"})
    assert render(result).splitlines() == [
        '~ $["line\\nbreak"]: "a\\r\\nb" → "c\\u2028d\\u0085"',
        '- $["\\u2028"]: 1',
        "1 changed, 0 added, 1 removed",
    ]
    header = response(headers=(("X-Odd", "a\x85b"),))
    assert render(diff_exchanges(header, response(headers=()))).splitlines()[0] == (
        "- header:X-Odd: a\\u0085b"
    )


def test_header_values_are_rendered_as_sent_and_cut() -> None:
    old = response(headers=(("X-Long", "v" * 300),))
    shown = render(diff_exchanges(old, response(headers=()))).splitlines()
    assert shown[0] == "- header:X-Long: " + "v" * 200 + "…"


# --- properties ------------------------------------------------------------------------------
#
# Documents are drawn as abstract trees, written out as JSON text (key order shuffled,
# numbers spelled one of several ways, arrays paired by id shuffled) and read back with
# parse_json_exact, as a response would be. The reference equality below states the rules
# independently of the implementation: numbers by Decimal value, types apart, objects as
# sets of members, arrays by position unless every item has a unique scalar id.

_Tree = tuple[Any, ...]

_NAMES = ("a", "b", "id", "v", "1")
_WIDE_NAMES = tuple(f"k{i}" for i in range(20))


def _leaf() -> st.SearchStrategy[_Tree]:
    numbers = st.builds(
        lambda digits, exponent: ("num", Decimal(digits).scaleb(exponent)),
        st.integers(-12, 12),
        st.integers(-2, 2),
    )
    return st.one_of(
        numbers,
        st.tuples(st.just("str"), st.sampled_from(["", "a", "1", "1.0", "true", "null"])),
        st.tuples(st.just("bool"), st.booleans()),
        st.just(("null",)),
    )


def _trees() -> st.SearchStrategy[_Tree]:
    leaf = _leaf()
    ids = st.one_of(
        st.integers(0, 3).map(lambda n: ("num", Decimal(n))),
        st.sampled_from(["0", "x"]).map(lambda s: ("str", s)),
        st.booleans().map(lambda b: ("bool", b)),
    )

    def containers(children: st.SearchStrategy[_Tree]) -> st.SearchStrategy[_Tree]:
        members = st.dictionaries(st.sampled_from(_NAMES), children, max_size=4)
        with_ids = st.lists(st.tuples(ids, children), max_size=4).map(
            lambda pairs: ("arr", tuple(("obj", (("id", i), ("v", v))) for i, v in pairs))
        )
        return st.one_of(
            st.lists(children, max_size=4).map(lambda items: ("arr", tuple(items))),
            members.map(lambda d: ("obj", tuple(d.items()))),
            with_ids,
            # Long enough for the bulk check of runs of siblings.
            st.lists(leaf, min_size=16, max_size=24).map(lambda items: ("arr", tuple(items))),
            st.dictionaries(st.sampled_from(_WIDE_NAMES), leaf, min_size=16).map(
                lambda d: ("obj", tuple(d.items()))
            ),
        )

    return st.recursive(leaf, containers, max_leaves=30)


def _id_key(item: _Tree) -> object:
    """The reference's id of an array item, or None when it has no scalar id."""
    if item[0] != "obj":
        return None
    members = dict(item[1])
    if "id" not in members or members["id"][0] not in ("num", "str", "bool", "null"):
        return None
    return members["id"]  # a tree: ("num", Decimal) meets ("num", Decimal) by value


def _paired_by_id(items: tuple[_Tree, ...]) -> bool:
    keys = [_id_key(item) for item in items]
    return None not in keys and len(set(keys)) == len(keys)


def _canonical(tree: _Tree) -> object:
    kind = tree[0]
    if kind == "obj":
        return ("obj", frozenset((name, _canonical(value)) for name, value in tree[1]))
    if kind == "arr":
        items: tuple[_Tree, ...] = tree[1]
        if _paired_by_id(items):
            return ("ids", frozenset(_canonical(item) for item in items))
        return ("arr", tuple(_canonical(item) for item in items))
    return tree  # ("num", Decimal) compares by value; the other scalars as they are


def _number_text(value: Decimal, spelling: int) -> str:
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    mantissa = ("-" if sign else "") + "".join(map(str, digits))
    choice = hash((value, spelling)) % 6  # 2 to 5: plain, as most servers write numbers
    if choice == 0:
        return f"{mantissa}e{exponent}"
    if choice == 1:
        return f"{mantissa}E{exponent:+d}"
    plain = format(value, "f")
    if choice == 2:
        return plain + ("0" if "." in plain else ".0")
    return plain


def _write(tree: _Tree, rng: random.Random, spelling: int) -> str:
    """The tree as JSON text: members shuffled, arrays paired by id shuffled, and each
    number spelled as ``spelling`` picks for its value (so two documents written with the
    same ``spelling`` spell an equal number alike, as one server would)."""
    kind = tree[0]
    if kind == "num":
        return _number_text(tree[1], spelling)
    if kind == "str":
        return f'"{tree[1]}"'
    if kind == "bool":
        return "true" if tree[1] else "false"
    if kind == "null":
        return "null"
    if kind == "obj":
        members = list(tree[1])
        rng.shuffle(members)
        return "{" + ",".join(f'"{k}": {_write(v, rng, spelling)}' for k, v in members) + "}"
    items = list(tree[1])
    if _paired_by_id(tuple(items)):
        rng.shuffle(items)
    return "[" + ",".join(_write(item, rng, spelling) for item in items) + "]"


def _document(tree: _Tree, rng: random.Random, spelling: int) -> object:
    return parse_json_exact(_write(tree, rng, spelling))


def _mutated(tree: _Tree, rng: random.Random) -> _Tree:
    """The tree with one value replaced, or a member or item dropped, somewhere. A value is
    often replaced by one Python finds equal and JSON does not (``true`` and ``1``, ``1.5``
    and ``"1.5"``), the trap of the bulk check of equal-looking runs."""
    kind = tree[0]
    if kind in ("obj", "arr") and tree[1] and rng.random() < 0.8:
        children = list(tree[1])
        at = rng.randrange(len(children))
        if rng.random() < 0.2:
            del children[at]
        elif kind == "obj":
            name, value = children[at]
            children[at] = (name, _mutated(value, rng))
        else:
            children[at] = _mutated(children[at], rng)
        return (kind, tuple(children))
    if rng.random() < 0.8:
        if kind == "bool":
            return ("num", Decimal(int(tree[1])))
        if kind == "num" and tree[1] in (0, 1):
            return ("bool", bool(tree[1]))
        if kind == "num":
            return ("str", format(tree[1], "f"))
    return rng.choice(
        [("num", Decimal(rng.randrange(-3, 3))), ("str", "a"), ("bool", True), ("null",)]
    )


_PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@_PROPERTY_SETTINGS
@given(_trees(), st.randoms(use_true_random=False), st.integers(0, 9), st.integers(0, 9))
def test_a_document_equals_itself_however_it_is_written(
    tree: _Tree, rng: random.Random, spelling: int, other_spelling: int
) -> None:
    document = _document(tree, rng, spelling)
    assert diff_json(document, document).same
    assert diff_json(document, _document(tree, rng, other_spelling)).same


@_PROPERTY_SETTINGS
@given(_trees(), st.data(), st.randoms(use_true_random=False), st.integers(0, 2))
def test_the_diff_is_empty_exactly_when_the_documents_are_equal_under_the_rules(
    old: _Tree, data: st.DataObject, rng: random.Random, spelling: int
) -> None:
    # A mutated copy is written as the same server would write it, so that runs of
    # siblings look equal to Python wherever the mutation did not reach.
    mutated = st.tuples(st.just(_mutated(old, rng)), st.just(spelling))
    new, new_spelling = data.draw(
        st.one_of(mutated, mutated, mutated, st.tuples(_trees(), st.integers(0, 2)))
    )
    result = diff_json(_document(old, rng, spelling), _document(new, rng, new_spelling))
    assert result.same == (_canonical(old) == _canonical(new))
    assert (result.summary() == "No differences") == result.same
    assert len(render(result).splitlines()) == len(result.differences) + 1

import time

import pytest

from app.core.assertions import (
    Assertion,
    AssertionKind,
    Expected,
    Operator,
    ValueType,
    all_passed,
    check_assertions,
    operators_for,
    parse_expected,
    plain_scalar,
    summarize,
)
from app.core.exchange import Exchange, read_exchange
from app.core.prepare import PreparedRequest
from app.core.response import ResponseData

REQUEST = PreparedRequest("GET", "https://h/x", (), b"", 5.0)
PAYMENT = (
    b'{"id": 10145, "items": [{"price": {"amount": "10.12", "currency": "EUR"}, "qty": 1.10},'
    b' {"price": {"amount": "7.00", "currency": "EUR"}, "qty": 2}],'
    b' "exact": 0.1000000000000000055511151231257827, "tenth": 0.1, "big": 123456789012345678901,'
    b' "flag": true, "nothing": null, "tiny": 1e-400, "whole": 2.0, "text": "hello"}'
)


def _exchange(
    body: bytes = PAYMENT,
    *,
    status: int = 200,
    content_type: str = "application/json",
    headers: tuple[tuple[str, str], ...] = (),
    elapsed_ms: float = 120.0,
) -> Exchange:
    all_headers = ((("Content-Type", content_type),) if content_type else ()) + headers
    return read_exchange(REQUEST, ResponseData(status, "", all_headers, body, elapsed_ms))


def _one(assertion: Assertion, exchange: Exchange | None = None):  # type: ignore[no-untyped-def]
    (result,) = check_assertions((assertion,), exchange or _exchange())
    return result


def _equals(path: str, expected: str) -> Assertion:
    return Assertion.path(path, Operator.EQUALS, parse_expected(expected))


# --- exact numbers -------------------------------------------------------------------------


def test_numbers_compare_by_exact_decimal_value_both_ways() -> None:
    long = "0.1000000000000000055511151231257827"
    assert _one(_equals("$.exact", long)).passed
    assert not _one(_equals("$.exact", "0.1")).passed  # float(0.1) would say equal
    assert _one(_equals("$.tenth", "0.1")).passed
    assert not _one(_equals("$.tenth", long)).passed
    assert _one(_equals("$.tenth", "0.10")).passed
    assert _one(_equals("$.items[0].qty", "1.1")).passed  # 1.10 in the body
    assert _one(_equals("$.items[0].qty", "1.10")).passed
    assert _one(_equals("$.whole", "2")).passed
    assert _one(_equals("$.items[1].qty", "2.00")).passed
    assert _one(_equals("$.tiny", "1e-400")).passed
    assert not _one(_equals("$.tiny", "0")).passed  # a float would underflow to 0


def test_big_integers_are_exact() -> None:
    assert _one(_equals("$.big", "123456789012345678901")).passed
    assert not _one(_equals("$.big", "123456789012345678900")).passed
    huge = "9" * 5000
    exchange = _exchange(f'{{"n": {huge}}}'.encode())
    assert _one(_equals("$.n", huge), exchange).passed
    assert not _one(_equals("$.n", huge[:-1] + "8"), exchange).passed


def test_yaml_integer_notations_are_numbers() -> None:
    exchange = _exchange(b'{"n": 26}')
    assert _one(_equals("$.n", "0x1A"), exchange).passed
    assert _one(_equals("$.n", "0o32"), exchange).passed
    assert _one(_equals("$.n", "+26"), exchange).passed
    assert _one(_equals("$.n", "026"), exchange).passed  # YAML 1.2: decimal, not octal


def test_quoted_expects_a_string_and_unquoted_a_number() -> None:
    assert _one(_equals("$.items[0].price.amount", '"10.12"')).passed
    result = _one(_equals("$.items[0].price.amount", "10.12"))
    assert not result.passed
    assert result.describe() == '$.items[0].price.amount equals 10.12: got "10.12"'
    exchange = _exchange(b'{"amount": 10.12}')
    result = _one(_equals("$.amount", '"10.12"'), exchange)
    assert not result.passed  # a JsonNumber is never a string
    assert result.describe() == '$.amount equals "10.12": got 10.12'
    assert _one(_equals("$.amount", "10.12"), exchange).passed
    assert _one(_equals("$.amount", "10.120"), exchange).passed


def test_describe_for_a_failed_string_comparison() -> None:
    result = _one(_equals("$.items[0].price.amount", '"10.13"'))
    assert result.describe() == '$.items[0].price.amount equals "10.13": got "10.12"'
    assert result.expected == 'equals "10.13"'
    assert result.actual == '"10.12"'


def test_booleans_null_and_strings() -> None:
    assert _one(_equals("$.flag", "true")).passed
    assert not _one(_equals("$.flag", '"true"')).passed
    assert not _one(_equals("$.id", "true")).passed
    assert _one(_equals("$.nothing", "null")).passed
    assert _one(_equals("$.nothing", "~")).passed
    assert not _one(_equals("$.nothing", '"null"')).passed
    assert _one(_equals("$.text", "hello")).passed  # a plain word is a string
    assert _one(_equals("$.text", "'hello'")).passed


def test_a_number_is_never_true() -> None:
    exchange = _exchange(b'{"one": 1, "zero": 0}')
    assert not _one(_equals("$.one", "true"), exchange).passed
    assert not _one(_equals("$.zero", "false"), exchange).passed


# --- the other operators ---------------------------------------------------------------------


def test_exists() -> None:
    yes, no = Expected.boolean(True), Expected.boolean(False)
    assert _one(Assertion.path("$.nothing", Operator.EXISTS, yes)).passed  # null exists
    assert not _one(Assertion.path("$.missing", Operator.EXISTS, yes)).passed
    assert _one(Assertion.path("$.missing", Operator.EXISTS, no)).passed
    result = _one(Assertion.path("$.id", Operator.EXISTS, no))
    assert not result.passed
    assert result.describe() == "$.id does not exist: got 10145"


def test_matches_searches_strings_only() -> None:
    def matches(path: str, regex: str, exchange: Exchange | None = None) -> bool:
        assertion = Assertion.path(path, Operator.MATCHES, Expected.string(regex))
        return bool(_one(assertion, exchange).passed)

    assert matches("$.items[0].price.amount", r"^\d+\.\d{2}$")
    assert matches("$.text", "ell")
    assert not matches("$.text", "^ell")
    exchange = _exchange(b'{"amount": 10.12}')
    assert not matches("$.amount", r"10\.12", exchange)
    result = _one(Assertion.path("$.amount", Operator.MATCHES, Expected.string("10")), exchange)
    assert result.describe() == "$.amount matches 10: got number 10.12, which is not a string"


def test_matches_only_reads_the_first_64_kb() -> None:
    exchange = _exchange(b'{"s": "' + b"a" * 70_000 + b'b"}')
    assertion = Assertion.path("$.s", Operator.MATCHES, Expected.string("b"))
    result = _one(assertion, exchange)
    assert not result.passed
    assert len(result.actual) <= 200
    assert "first 64 KB" in result.actual
    assert _one(Assertion.path("$.s", Operator.MATCHES, Expected.string("^a+")), exchange).passed


def test_type() -> None:
    def is_type(path: str, name: str) -> bool:
        expected = Expected.null() if name == "null" else Expected.string(name)
        return bool(_one(Assertion.path(path, Operator.TYPE, expected)).passed)

    assert is_type("$.items[0].price.amount", "string")
    assert not is_type("$.items[0].price.amount", "number")
    assert is_type("$.items[0].qty", "number")
    assert not is_type("$.items[0].qty", "integer")
    assert is_type("$.id", "integer") and is_type("$.id", "number")
    assert is_type("$.whole", "integer")  # 2.0 has no fractional part
    assert is_type("$.flag", "boolean") and not is_type("$.flag", "integer")
    assert is_type("$.nothing", "null")
    assert is_type("$.items", "array") and is_type("$", "object")
    result = _one(Assertion.path("$.items", Operator.TYPE, Expected.string("object")))
    assert result.describe() == "$.items is an object: got array [2 items]"


def test_a_path_that_selects_nothing_names_the_path() -> None:
    for assertion in (
        _equals("$.missing", "1"),
        Assertion.path("$.missing", Operator.TYPE, Expected.string("number")),
        Assertion.path("$.missing", Operator.MATCHES, Expected.string(".")),
    ):
        result = _one(assertion)
        assert not result.passed
        assert result.actual == "no value at $.missing"
        assert result.describe().endswith(": no value at $.missing")


def test_several_values_must_all_satisfy() -> None:
    assert _one(_equals("$.items[*].price.currency", "EUR")).passed
    result = _one(_equals("$.items[*].price.amount", '"10.12"'))
    assert not result.passed
    assert result.actual == '"7.00" at $.items[1].price.amount'
    ok = _one(Assertion.path("$.items[*].price.amount", Operator.TYPE, Expected.string("string")))
    assert ok.passed and ok.actual.startswith("2 values")


def test_filters_compare_numbers_exactly_and_never_as_text() -> None:
    exchange = _exchange(b'{"items": [{"p": 10.12, "id": 1}, {"p": "10.12", "id": 2},'
                         b' {"p": 0.1000000000000000055511151231257827, "id": 3}]}')  # fmt: skip
    assert _one(_equals('$.items[?@.p == "10.12"].id', "2"), exchange).passed
    assert _one(_equals("$.items[?@.p == 10.120].id", "1"), exchange).passed
    assert _one(_equals("$.items[?@.p == 0.1000000000000000055511151231257827].id", "3"), exchange)
    assert not _one(
        Assertion.path("$.items[?@.p == 0.1]", Operator.EXISTS, Expected.boolean(True)), exchange
    ).passed
    assert _one(_equals("$.items[?@.p > 10].id", "1"), exchange).passed
    assert _one(_equals('$.items[?match(@.p, "10.*")].id', "2"), exchange).passed
    assert _one(_equals("$.items[?length(@.p) == 5].id", "2"), exchange).passed


def test_a_scalar_document_is_not_parsed_again() -> None:
    exchange = _exchange(b'"{\\"a\\": 1}"')
    assert _one(_equals("$", '"{\\"a\\": 1}"'), exchange).passed
    assert not _one(Assertion.path("$.a", Operator.EXISTS, Expected.boolean(True)), exchange).passed
    number = _exchange(b"1.10")
    assert _one(_equals("$", "1.1"), number).passed
    assert not _one(_equals("$", '"1.10"'), number).passed


def test_an_invalid_jsonpath_is_a_sentence() -> None:
    for path in ("$.items[", "items.price", "$[?foo(@)]", " $.id"):
        result = _one(_equals(path, "1"))
        assert not result.passed
        assert result.actual.startswith(f"{path} is not a valid JSONPath (RFC 9535): ")
        assert "\n" not in result.actual


def test_an_invalid_regex_is_a_sentence() -> None:
    result = _one(Assertion.path("$.text", Operator.MATCHES, Expected.string("(unclosed")))
    assert not result.passed
    assert result.actual.startswith("the regular expression '(unclosed' is not valid")


def test_a_body_that_is_not_json_fails_path_assertions() -> None:
    html = _exchange(b"<html>oops</html>", status=502, content_type="text/html")
    result = _one(Assertion.path("$.id", Operator.EXISTS, Expected.boolean(False)), html)
    assert not result.passed
    assert result.describe() == "$.id does not exist: the body is not JSON (text/html)"
    empty = _exchange(b"", status=204, content_type="")
    assert "empty" in _one(_equals("$.id", "1"), empty).actual
    broken = _exchange(b'{"a": ', content_type="application/json")
    assert "declared as JSON but is not valid JSON" in _one(_equals("$.a", "1"), broken).actual


def test_actual_is_bounded() -> None:
    exchange = _exchange(b'{"s": "' + b"x" * 5000 + b'"}')
    result = _one(_equals("$.s", '"y"'), exchange)
    assert not result.passed
    assert len(result.actual) <= 200


# --- status, error, header, time -------------------------------------------------------------


def test_status_and_status_classes() -> None:
    assert _one(Assertion.status(200)).passed
    assert _one(Assertion.status("2xx")).passed
    assert _one(Assertion.status("2XX")).passed
    assert not _one(Assertion.status(201)).passed
    result = _one(Assertion.status("4xx"))
    assert not result.passed
    assert result.describe() == "status is 4xx: got 200"
    assert _one(Assertion.status("4xx"), _exchange(b"", status=404, content_type="")).passed


def test_error_code_and_error_null() -> None:
    not_found = _exchange(b'{"error": "not_found"}', status=404)
    assert _one(Assertion.error("not_found"), not_found).passed
    result = _one(Assertion.error(None), not_found)
    assert not result.passed
    assert result.describe() == "error is none (no error object): got not_found"
    assert _one(Assertion.error(None)).passed
    result = _one(Assertion.error("not_found"))
    assert result.describe() == "error is not_found: no error object"
    # A 503 with an empty body has a decoded error but no error object.
    assert _one(Assertion.error(None), _exchange(b"", status=503, content_type="")).passed


def test_headers_are_found_case_insensitively() -> None:
    exchange = _exchange(headers=(("X-Trace", "a"), ("x-trace", "b")))
    content = Assertion.header("content-type", Operator.MATCHES, Expected.string("^application/"))
    assert _one(content, exchange).passed
    assert _one(
        Assertion.header("CONTENT-TYPE", Operator.EQUALS, Expected.string("application/json")),
        exchange,
    ).passed
    both = _one(Assertion.header("X-TRACE", Operator.EQUALS, Expected.string("a, b")), exchange)
    assert both.passed
    exists = Assertion.header("Paysera-Correlation-Id", Operator.EXISTS, Expected.boolean(True))
    result = _one(exists, exchange)
    assert result.describe() == "header Paysera-Correlation-Id exists: no such header"
    gone = Assertion.header("Paysera-Correlation-Id", Operator.EXISTS, Expected.boolean(False))
    assert _one(gone, exchange).passed
    value = Assertion.header("Content-Type", Operator.EQUALS, Expected.string("text/html"))
    assert _one(value, exchange).describe() == (
        'header Content-Type equals "text/html": got "application/json"'
    )


def test_time_below() -> None:
    assert _one(Assertion.time_below(500), _exchange(elapsed_ms=499.9)).passed
    result = _one(Assertion.time_below(500), _exchange(elapsed_ms=500.0))
    assert not result.passed
    assert result.describe() == "time below 500 ms: got 500 ms"


def test_no_assertions_no_results_and_summaries() -> None:
    assert check_assertions((), _exchange()) == ()
    assert all_passed(())
    results = check_assertions((Assertion.status(200), Assertion.status(404)), _exchange())
    assert not all_passed(results)
    assert summarize(results) == "1/2 passed"
    assert results[0].describe() == "status is 200: passed"


# --- values and rows -----------------------------------------------------------------------


def test_plain_scalars_follow_the_yaml_1_2_core_schema() -> None:
    assert plain_scalar("10.12") == Expected(ValueType.NUMBER, "10.12")
    assert plain_scalar("1e5") == Expected(ValueType.NUMBER, "1e5")
    assert plain_scalar("-.5") == Expected(ValueType.NUMBER, "-.5")
    assert plain_scalar("0x1A") == Expected(ValueType.NUMBER, "0x1A")
    assert plain_scalar("TRUE") == Expected.boolean(True)
    assert plain_scalar("~") == plain_scalar("") == plain_scalar("Null") == Expected.null()
    for text in ("yes", "off", "1_000", "2024-01-01", "0b11", "1:20", "EUR"):
        assert plain_scalar(text) == Expected.string(text)
    for text in (".inf", "-.Inf", ".NaN"):
        with pytest.raises(ValueError, match="not a number JSON can hold"):
            plain_scalar(text)


def test_parse_expected_reads_quotes() -> None:
    assert parse_expected('"10.12"') == Expected.string("10.12")
    assert parse_expected(' "a\\"b" ') == Expected.string('a"b')
    assert parse_expected("'it''s'") == Expected.string("it's")
    assert parse_expected("10.12") == Expected.number("10.12")
    for bad in ('"open', "'open", "'a'b'"):
        with pytest.raises(ValueError, match="not a complete quoted text"):
            parse_expected(bad)
    assert Expected.string("10.12").notation() == '"10.12"'
    assert Expected.number("1.10").notation() == "1.10"


@pytest.mark.parametrize(
    "assertion",
    [
        Assertion.status(200),
        Assertion.status("5xx"),
        Assertion.error("not_found"),
        Assertion.error(None),
        Assertion.time_below(500),
        Assertion.path("$.a", Operator.EQUALS, Expected.string("10.12")),
        Assertion.path("$.a", Operator.EQUALS, Expected.number("10.12")),
        Assertion.path("$.a", Operator.EQUALS, Expected.string('say "hi"\n')),
        Assertion.path("$.a", Operator.EQUALS, Expected.null()),
        Assertion.path("$.a", Operator.EXISTS, Expected.boolean(False)),
        Assertion.path("$.a", Operator.MATCHES, Expected.string(" ^a b$ ")),
        Assertion.path("$.a", Operator.TYPE, Expected.string("integer")),
        Assertion.path("$.a", Operator.TYPE, Expected.null()),
        Assertion.header("ETag", Operator.EQUALS, Expected.string('"abc"')),
        Assertion.header("ETag", Operator.MATCHES, Expected.string("^W/")),
    ],
)
def test_rows_round_trip(assertion: Assertion) -> None:
    row = (assertion.kind, assertion.target, assertion.operator, assertion.expected_text())
    assert Assertion.from_row(*row) == assertion


def test_rows_that_make_no_sense_are_sentences() -> None:
    cases = [
        (AssertionKind.STATUS, "", Operator.EQUALS, "abc", "a status is a number"),
        (AssertionKind.STATUS, "", Operator.EQUALS, "700", "not an HTTP status"),
        (AssertionKind.TIME, "", Operator.BELOW, "1.5", "whole number of milliseconds"),
        (AssertionKind.PATH, "", Operator.EXISTS, "true", "needs a JSONPath"),
        (AssertionKind.PATH, "$.a", Operator.EXISTS, "maybe", "exists takes true or false"),
        (AssertionKind.PATH, "$.a", Operator.TYPE, "decimal", "type is one of"),
        (AssertionKind.HEADER, "", Operator.EQUALS, "x", "needs a name"),
        (AssertionKind.HEADER, "X", Operator.TYPE, "string", "takes equals, exists, matches"),
    ]
    for kind, target, operator, text, message in cases:
        with pytest.raises(ValueError, match=message):
            Assertion.from_row(kind, target, operator, text)


def test_a_header_row_needs_no_quotes() -> None:
    assertion = Assertion.from_row(AssertionKind.HEADER, "Content-Length", Operator.EQUALS, "0")
    assert assertion.expected == Expected.string("0")
    with pytest.raises(ValueError, match="a header value is text"):
        Assertion.header("Content-Length", Operator.EQUALS, Expected.number("0"))


def test_operators_per_kind() -> None:
    assert operators_for(AssertionKind.PATH) == (
        Operator.EQUALS,
        Operator.EXISTS,
        Operator.MATCHES,
        Operator.TYPE,
    )
    assert operators_for(AssertionKind.TIME) == (Operator.BELOW,)


def test_a_pattern_that_backtracks_for_ever_is_stopped_with_a_sentence() -> None:
    # (a|aa)+$ on 60 "a"s and a "b" backtracks through every split of the run: for ever.
    exchange = _exchange(b'{"s": "' + b"a" * 60 + b'b"}')
    started = time.monotonic()
    result = _one(Assertion.path("$.s", Operator.MATCHES, Expected.string("(a|aa)+$")), exchange)
    assert time.monotonic() - started < 5
    assert not result.passed
    assert "took more than" in result.describe() and "simplify it" in result.describe()
    header = _exchange(headers=(("X-Hostile", "a" * 60 + "b"),))
    stopped = _one(
        Assertion.header("X-Hostile", Operator.MATCHES, Expected.string("(a|aa)+$")), header
    )
    assert not stopped.passed and "took more than" in stopped.describe()


def test_a_filter_pattern_that_backtracks_for_ever_matches_nothing() -> None:
    exchange = _exchange(b'{"items": [{"s": "' + b"a" * 60 + b'b"}, {"s": "ok"}]}')
    started = time.monotonic()
    found = _one(
        Assertion.path(
            '$.items[?match(@.s, "(a|aa)+|ok")]', Operator.EXISTS, Expected.boolean(True)
        ),
        exchange,
    )
    assert time.monotonic() - started < 5
    assert found.passed  # "ok" matched; the hostile value was stopped, not waited for


def test_select_gives_each_match_with_its_own_path_and_says_what_is_wrong() -> None:
    from app.core.assertions import select
    from app.core.json_doc import parse_json_exact

    document = parse_json_exact('{"items": [{"a": 1.10}, {"a": 2}], "n": null}')
    assert select("$.items[*].a", document) == [("$.items[0].a", "1.10"), ("$.items[1].a", 2)]
    assert select("$.n", document) == [("$.n", None)]
    with pytest.raises(ValueError, match="is not a valid JSONPath"):
        select("$.items[", document)

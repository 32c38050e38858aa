"""Error decoding: what a user sees when a Paysera-style API answers with an error."""

from __future__ import annotations

import dataclasses
import json

import pytest

from app.core.errors import (
    CATALOGUE,
    DecodedError,
    ErrorCodeInfo,
    ErrorItem,
    FieldProblem,
    decode_error,
)
from app.core.response import ResponseData

JSON_HEADERS = (("Content-Type", "application/json;charset=utf-8"),)


def make_response(
    status: int,
    body: bytes | str | object = b"",
    headers: tuple[tuple[str, str], ...] = JSON_HEADERS,
    reason: str = "",
) -> ResponseData:
    if isinstance(body, str):
        raw = body.encode("utf-8")
    elif isinstance(body, bytes):
        raw = body
    else:
        raw = json.dumps(body).encode("utf-8")
    return ResponseData(status, reason, headers, raw, 12.5)


def decode(
    status: int,
    body: bytes | str | object = b"",
    headers: tuple[tuple[str, str], ...] = JSON_HEADERS,
    reason: str = "",
) -> DecodedError:
    decoded = decode_error(make_response(status, body, headers, reason))
    assert decoded is not None
    return decoded


# --- the catalogue ---------------------------------------------------------------------

BASIC_CODES = {
    "invalid_request": 400,
    "invalid_parameters": 400,
    "invalid_state": 409,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "internal_server_error": 500,
    "not_acceptable": 406,
}
OTHER_CODES = (
    "rate_limit_exceeded",
    "invalid_grant",
    "invalid_timestamp",
    "offset_too_large",
    "invalid_cursor",
    "no_rights",
    "invalid_code",
)


def test_catalogue_covers_the_documented_codes_with_their_statuses() -> None:
    for code, status in BASIC_CODES.items():
        assert CATALOGUE[code].status == status
    for code in OTHER_CODES:
        assert code in CATALOGUE
    assert CATALOGUE["rate_limit_exceeded"].status == 429


def test_catalogue_is_read_only() -> None:
    with pytest.raises(TypeError):
        CATALOGUE["made_up"] = CATALOGUE["not_found"]  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        CATALOGUE["not_found"].status = 400  # type: ignore[misc]


def test_catalogue_entries_are_sentences_a_user_can_act_on() -> None:
    for code, info in CATALOGUE.items():
        assert info.code == code
        assert info.meaning.endswith(".") and info.next_step.endswith(".")
        assert info.meaning[0].isupper() and info.next_step[0].isupper()


def test_next_steps_give_the_concrete_advice() -> None:
    assert "Authorization" in CATALOGUE["unauthorized"].next_step
    assert "GET /rest/v1/server" in CATALOGUE["invalid_timestamp"].next_step
    assert "Retry-After" in CATALOGUE["rate_limit_exceeded"].next_step
    assert "paysera-correlation-id" in CATALOGUE["internal_server_error"].next_step
    assert "Accept: application/json" in CATALOGUE["not_acceptable"].next_step
    assert "Provided method not allowed for this url" in CATALOGUE["not_found"].next_step


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_catalogued_code_decodes_with_its_info_and_no_mismatch(code: str) -> None:
    info = CATALOGUE[code]
    status = info.status if info.status is not None else 400
    decoded = decode(status, {"error": code, "error_description": "Something went wrong"})
    assert decoded.code == code
    assert decoded.info is info
    assert decoded.status_mismatch is None
    assert decoded.no_error_object is None
    assert decoded.description == "Something went wrong"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 500])
def test_codes_without_a_documented_status_never_warn(status: int) -> None:
    for code in ("invalid_timestamp", "no_rights"):
        assert CATALOGUE[code].status is None
        assert decode(status, {"error": code}).status_mismatch is None


# --- mismatches ------------------------------------------------------------------------


def test_code_documented_with_another_status_is_flagged() -> None:
    decoded = decode(400, {"error": "not_found"})
    assert decoded.status_mismatch == (
        'The code "not_found" is documented with status 404, but the server answered 400.'
    )


def test_405_answered_as_not_found_is_flagged_with_a_hint_about_the_method() -> None:
    decoded = decode(405, {"error": "not_found"})
    assert decoded.status_mismatch is not None
    assert decoded.status_mismatch.startswith(
        'The code "not_found" is documented with status 404, but the server answered 405.'
    )
    assert "HTTP method" in decoded.status_mismatch


def test_unknown_code_has_no_info_and_no_mismatch() -> None:
    decoded = decode(418, {"error": "teapot_overflow", "error_description": "Too much tea"})
    assert decoded.code == "teapot_overflow"
    assert decoded.info is None
    assert decoded.status_mismatch is None
    assert decoded.no_error_object is None
    assert decoded.description == "Too much tea"


# --- success statuses ------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"id": 10145, "status": "new"},
        [{"error": "not_found"}],
        b"",
        b"<html>ok</html>",
        {"error": None},
        {"error": 42},
    ],
)
def test_success_without_an_error_object_gives_none(body: object) -> None:
    assert decode_error(make_response(200, body)) is None


def test_success_with_an_error_object_is_decoded_and_flagged() -> None:
    decoded = decode(200, {"error": "not_found", "error_description": "No such payment"})
    assert decoded.code == "not_found"
    assert decoded.description == "No such payment"
    assert decoded.status_text == "OK"
    assert decoded.status_mismatch is not None
    assert "means success, but the body is an error object" in decoded.status_mismatch
    assert "documented with status 404" in decoded.status_mismatch


def test_success_with_an_unknown_error_code_is_still_flagged() -> None:
    decoded = decode(201, {"error": "weird"})
    assert decoded.status_mismatch == (
        "The status 201 Created means success, but the body is an error object."
    )


def test_large_success_body_is_not_scanned() -> None:
    padding = "x" * 2_000_000
    body = {"error": "not_found", "padding": padding}
    assert decode_error(make_response(200, body)) is None


def test_large_error_body_is_still_decoded() -> None:
    body = {"error": "invalid_request", "error_data": "x" * 2_000_000}
    assert decode(400, body).code == "invalid_request"


# --- absent and null fields ------------------------------------------------------------


def assert_no_optional_fields(decoded: DecodedError) -> None:
    assert decoded.description is None
    assert decoded.uri is None
    assert decoded.uri_openable is False
    assert decoded.properties == ()
    assert decoded.errors == ()
    assert decoded.data is None
    assert decoded.correlation_id is None


def test_absent_optional_fields_are_none_or_empty() -> None:
    decoded = decode(403, {"error": "forbidden"})
    assert decoded.code == "forbidden"
    assert_no_optional_fields(decoded)


def test_null_fields_are_treated_as_absent() -> None:
    body = {
        "error": "forbidden",
        "error_description": None,
        "error_uri": None,
        "error_properties": None,
        "errors": None,
        "error_data": None,
    }
    decoded = decode(403, body)
    assert_no_optional_fields(decoded)


def test_blank_strings_are_treated_as_absent() -> None:
    decoded = decode(403, {"error": "forbidden", "error_description": "  ", "error_uri": ""})
    assert decoded.description is None
    assert decoded.uri is None


def test_every_field_is_decoded() -> None:
    body = {
        "error": "invalid_parameters",
        "error_description": "Amount is invalid",
        "error_uri": "https://developers.paysera.com/errors#invalid_parameters",
        "error_properties": {"amount": ["Must be positive"]},
        "errors": [{"code": "too_small", "message": "Must be positive", "field": "amount"}],
        "error_data": {"limit": 100},
    }
    headers = (*JSON_HEADERS, ("Paysera-Correlation-Id", "abc-123"))
    decoded = decode(400, body, headers, reason="Bad Request")
    assert decoded.status == 400
    assert decoded.status_text == "Bad Request"
    assert decoded.description == "Amount is invalid"
    assert decoded.uri == "https://developers.paysera.com/errors#invalid_parameters"
    assert decoded.uri_openable is True
    assert decoded.properties == (FieldProblem("amount", "Must be positive"),)
    assert decoded.errors == (ErrorItem("too_small", "Must be positive", "amount"),)
    assert decoded.data == {"limit": 100}
    assert decoded.correlation_id == "abc-123"


def test_decoded_error_is_hashable_even_with_structured_data() -> None:
    decoded = decode(400, {"error": "invalid_request", "error_data": {"a": [1, 2]}})
    assert isinstance(hash(decoded), int)


def test_description_is_returned_as_plain_text_unchanged() -> None:
    decoded = decode(400, {"error": "invalid_request", "error_description": "<b>bold</b>"})
    assert decoded.description == "<b>bold</b>"


def test_odd_description_types_are_stringified() -> None:
    assert decode(400, {"error": "x", "error_description": 12}).description == "12"
    assert decode(400, {"error": "x", "error_description": False}).description == "false"
    assert decode(400, {"error": "x", "error_description": ["a"]}).description == '["a"]'


# --- error_properties ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        (
            {"amount": ["Must be positive", "Must be whole"], "currency": ["Unknown"]},
            [("amount", "Must be positive"), ("amount", "Must be whole"), ("currency", "Unknown")],
        ),
        ({"amount": "Must be positive"}, [("amount", "Must be positive")]),
        (
            {"beneficiary": {"iban": ["Invalid IBAN"], "name": "Too long"}},
            [("beneficiary.iban", "Invalid IBAN"), ("beneficiary.name", "Too long")],
        ),
        ({"a": {"b": {"c": "deep"}}}, [("a.b.c", "deep")]),
        (
            {"items": [{"amount": "Too small"}, {"amount": "Too big"}]},
            [("items.0.amount", "Too small"), ("items.1.amount", "Too big")],
        ),
        ({"amount": 5, "flag": True}, [("amount", "5"), ("flag", "true")]),
        ({"amount": None, "currency": [], "note": {}}, []),
        ({"amount": ["ok", None, "  "]}, [("amount", "ok")]),
        ([], []),
        (["Whole request is wrong"], [("", "Whole request is wrong")]),
        ("Whole request is wrong", [("", "Whole request is wrong")]),
        (7, [("", "7")]),
    ],
)
def test_error_properties_in_every_shape(
    properties: object, expected: list[tuple[str, str]]
) -> None:
    decoded = decode(400, {"error": "invalid_parameters", "error_properties": properties})
    assert decoded.properties == tuple(FieldProblem(f, m) for f, m in expected)


def test_deeply_nested_error_properties_do_not_raise() -> None:
    nested: object = "bottom"
    for _ in range(200):
        nested = {"k": nested}
    decoded = decode(400, {"error": "invalid_parameters", "error_properties": nested})
    assert len(decoded.properties) == 1
    assert decoded.properties[0].field.startswith("k.k.k")


# --- errors array ----------------------------------------------------------------------


def test_errors_array_tolerates_junk() -> None:
    errors = [
        {"code": "too_small", "message": "Must be positive", "field": "amount"},
        {"message": "Only a message"},
        {"code": 42, "field": ["a", "b"], "message": None},
        "just a string",
        17,
        None,
        [],
        {},
        {"unrelated": "key"},
    ]
    decoded = decode(400, {"error": "invalid_parameters", "errors": errors})
    assert decoded.errors == (
        ErrorItem("too_small", "Must be positive", "amount"),
        ErrorItem(message="Only a message"),
        ErrorItem(code="42", field='["a","b"]'),
    )


@pytest.mark.parametrize("errors", ["a string", {"code": "x"}, 5, True])
def test_errors_that_is_not_an_array_is_ignored(errors: object) -> None:
    assert decode(400, {"error": "invalid_parameters", "errors": errors}).errors == ()


# --- bodies that are not error objects -------------------------------------------------


def test_empty_body() -> None:
    decoded = decode(502, b"")
    assert decoded.code is None
    assert decoded.no_error_object == "The server sent an empty body, not an error object."
    assert_no_optional_fields(decoded)


def test_whitespace_body_counts_as_empty() -> None:
    assert decode(500, b" \r\n").no_error_object == (
        "The server sent an empty body, not an error object."
    )


HTML_SENTENCE = (
    "The server sent an HTML page, not an error object: probably a proxy or gateway answered."
)


def test_html_body() -> None:
    html = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    decoded = decode(502, html, (("Content-Type", "text/html"),))
    assert decoded.no_error_object == HTML_SENTENCE
    assert decoded.code is None


def test_html_is_recognised_without_a_content_type() -> None:
    decoded = decode(503, b"\n<!DOCTYPE html><html></html>", ())
    assert decoded.no_error_object == HTML_SENTENCE


def test_plain_text_body() -> None:
    decoded = decode(500, b"Something broke", (("Content-Type", "text/plain"),))
    assert decoded.no_error_object == (
        "The server sent a body that is not JSON (text/plain), not an error object."
    )


def test_plain_text_body_without_content_type() -> None:
    decoded = decode(500, b"Something broke", ())
    assert (
        decoded.no_error_object == "The server sent a body that is not JSON, not an error object."
    )


def test_body_declared_json_that_does_not_parse() -> None:
    decoded = decode(500, b'{"error": "internal_', JSON_HEADERS)
    assert decoded.no_error_object is not None
    assert "does not parse as JSON" in decoded.no_error_object


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ([{"error": "not_found"}], "an array"),
        ("just a string", "a string"),
        (42, "a number"),
        (None, "null"),
        (True, "true"),
    ],
)
def test_json_that_is_not_an_object(body: object, kind: str) -> None:
    decoded = decode(400, json.dumps(body))
    assert decoded.no_error_object == f"The server sent JSON {kind}, not an error object."
    assert decoded.code is None


def test_object_without_error_code_still_shows_its_error_fields() -> None:
    decoded = decode(400, {"error_description": "Missing amount", "error_data": [1]})
    assert decoded.code is None
    assert decoded.no_error_object is not None
    assert '"error"' in decoded.no_error_object
    assert decoded.description == "Missing amount"
    assert decoded.data == [1]


@pytest.mark.parametrize(
    ("error", "phrase"),
    [({"code": 1}, "an object"), (404, "a number"), ([], "an array"), (False, "false")],
)
def test_error_field_that_is_not_a_string(error: object, phrase: str) -> None:
    decoded = decode(400, {"error": error})
    assert decoded.code is None
    assert decoded.info is None
    assert decoded.no_error_object is not None
    assert phrase in decoded.no_error_object


def test_empty_error_string_is_not_a_code() -> None:
    decoded = decode(400, {"error": ""})
    assert decoded.code is None
    assert decoded.no_error_object is not None


def test_invalid_utf8_body() -> None:
    decoded = decode(500, b'\xff\xfe{"error": \x80}', JSON_HEADERS)
    assert decoded.code is None
    assert decoded.no_error_object is not None


def test_error_object_with_invalid_utf8_in_a_value_still_decodes() -> None:
    decoded = decode(400, b'{"error": "invalid_request", "error_description": "bad \xff byte"}')
    assert decoded.code == "invalid_request"
    assert decoded.description == "bad \ufffd byte"


def test_body_with_a_byte_order_mark_decodes() -> None:
    decoded = decode(404, b'\xef\xbb\xbf{"error": "not_found"}')
    assert decoded.code == "not_found"


def test_body_in_a_declared_charset_decodes() -> None:
    body = '{"error": "invalid_request", "error_description": "Neteisinga užklausa"}'
    headers = (("Content-Type", "application/json; charset=utf-16"),)
    decoded = decode(400, body.encode("utf-16"), headers)
    assert decoded.description == "Neteisinga užklausa"


def test_charset_that_is_not_a_text_encoding_does_not_raise() -> None:
    headers = (("Content-Type", "application/json; charset=base64"),)
    decoded = decode(400, b'{"error": "invalid_request"}', headers)
    assert decoded.code == "invalid_request"


@pytest.mark.parametrize(
    "body",
    [
        b'{"error": "invalid_request", "error_data": ' + b"1" * 5000 + b"}",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"error": "invalid_request", "error_data": 1e999}',
        b"NaN",
        b"\x00\x01\x02",
    ],
)
def test_hostile_bodies_never_raise(body: bytes) -> None:
    decoded = decode(500, body)
    assert decoded.status == 500


def test_hostile_success_body_never_raises() -> None:
    assert decode_error(make_response(200, b"{" * 100_000)) is None


# --- error_uri -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uri", "openable"),
    [
        ("https://developers.paysera.com/errors", True),
        ("http://example.com/why", True),
        ("HTTPS://EXAMPLE.COM/WHY", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("ftp://example.com/file", False),
        ("/errors/invalid_request", False),
        ("errors.html", False),
        ("https://", False),
        ("https:///path-only", False),
        ("http://[::1", False),
        ("https://example.com:notaport/", False),
        ("https://exa mple.com/", False),
        ("https://example.com/\x00", False),
        ("mailto:support@example.com", False),
    ],
)
def test_uri_openable_only_for_http_and_https_with_a_host(uri: str, openable: bool) -> None:
    decoded = decode(400, {"error": "invalid_request", "error_uri": uri})
    assert decoded.uri == uri
    assert decoded.uri_openable is openable


def test_non_string_uri_is_shown_but_not_opened() -> None:
    decoded = decode(400, {"error": "invalid_request", "error_uri": 42})
    assert decoded.uri == "42"
    assert decoded.uri_openable is False


# --- headers and status ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["paysera-correlation-id", "Paysera-Correlation-Id", "PAYSERA-CORRELATION-ID"]
)
def test_correlation_id_header_is_matched_case_insensitively(name: str) -> None:
    headers = (*JSON_HEADERS, (name, "corr-42"))
    assert decode(500, {"error": "internal_server_error"}, headers).correlation_id == "corr-42"


def test_correlation_id_is_kept_even_without_an_error_object() -> None:
    headers = (("Content-Type", "text/html"), ("paysera-correlation-id", "corr-7"))
    assert decode(502, b"<html></html>", headers).correlation_id == "corr-7"


def test_status_text_prefers_the_servers_reason_then_the_standard_phrase() -> None:
    assert decode(404, {"error": "not_found"}, reason="Nope").status_text == "Nope"
    assert decode(404, {"error": "not_found"}).status_text == "Not Found"
    assert decode(599, b"").status_text == "Server Error"


@pytest.mark.parametrize(
    "status",
    [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 429, 500, 502, 503, 504],
)
def test_every_common_status_has_its_own_explanation(status: int) -> None:
    explanation = decode(status, b"").status_explanation
    generic = decode(499 if status < 500 else 599, b"").status_explanation
    assert explanation.endswith(".")
    assert explanation != generic


def test_gateway_and_unavailable_statuses_are_explained() -> None:
    bad_gateway = decode(502, b"<html></html>", (("Content-Type", "text/html"),))
    assert "gateway" in bad_gateway.status_explanation
    assert "retry" in bad_gateway.status_explanation
    unavailable = decode(503, b"")
    assert "unavailable" in unavailable.status_explanation
    assert "Retry-After" in unavailable.status_explanation


@pytest.mark.parametrize("status", [302, 418, 599, 199, 700, 0])
def test_uncommon_statuses_still_get_an_explanation(status: int) -> None:
    decoded = decode(status, b"")
    assert decoded.status_explanation
    assert decoded.status_explanation.endswith(".")


def test_error_code_info_is_a_value() -> None:
    info = ErrorCodeInfo("x", None, "Meaning.", "Next.")
    assert info == ErrorCodeInfo("x", None, "Meaning.", "Next.")


@pytest.mark.parametrize(
    ("uri", "words"),
    [
        ("https://paysera.com@evil.example/errors", ("paysera.com", "evil.example")),
        ("https://user:pw@evil.example/", ("user:pw", "evil.example")),
        ("javascript:alert(1)", ("http and https",)),
        ("file:///etc/passwd", ("http and https",)),
        ("https://paysera.com/\u202eerrors", ("invisible",)),
    ],
)
def test_a_link_that_is_not_opened_says_why(uri: str, words: tuple[str, ...]) -> None:
    error = decode(400, {"error": "invalid_request", "error_uri": uri})
    assert not error.uri_openable
    assert error.uri_warning is not None and "not opened" in error.uri_warning
    for word in words:
        assert word in error.uri_warning


def test_an_ordinary_https_link_opens_without_warning() -> None:
    error = decode(400, {"error": "invalid_request", "error_uri": "https://paysera.com/e?a=1"})
    assert error.uri_openable and error.uri_warning is None


def test_repeated_keys_in_the_error_object_are_named() -> None:
    error = decode(400, '{"error": "not_found", "error": "invalid_request", "x": 1}')
    assert error.code == "invalid_request"
    assert error.duplicate_error_keys == ("error",)
    assert decode(400, {"error": "invalid_request"}).duplicate_error_keys == ()


def test_advice_is_one_explanation_and_names_the_correlation_id_only_when_sent() -> None:
    from app.core.errors import decode_error
    from app.core.response import ResponseData

    not_found = decode_error(ResponseData(404, "Not Found", (), b'{"error": "not_found"}', 5.0))
    assert not_found is not None
    assert not_found.advice.startswith("The resource was not found.")
    assert "Nothing was found at this URL" not in not_found.advice
    bare_500 = decode_error(ResponseData(500, "Internal Server Error", (), b"oops", 5.0))
    assert bare_500 is not None and "correlation" not in bare_500.advice
    traced = decode_error(
        ResponseData(
            500, "Internal Server Error", (("paysera-correlation-id", "abc-1"),), b"oops", 5.0
        )
    )
    assert traced is not None
    assert "send the paysera-correlation-id below to support" in traced.advice


# --- each thing said once (issue 11, defect 8) ---------------------------------------------


def test_a_405_not_found_says_check_the_method_once_in_the_mismatch_and_has_no_hint() -> None:
    error = decode(
        405, {"error": "not_found", "error_description": "Provided method not allowed for this url"}
    )
    assert error.status_mismatch is not None and "check the HTTP method" in error.status_mismatch
    assert error.hint is None
    # The standalone explanation is unchanged.
    assert "check the HTTP method" in error.advice


def test_a_404_not_found_that_is_a_wrong_method_gets_only_the_method_advice() -> None:
    error = decode(
        404, {"error": "not_found", "error_description": "Provided method not allowed for this url"}
    )
    assert error.hint == "Use an HTTP method that the API documents for this path."
    plain = decode(404, {"error": "not_found"})
    assert plain.hint == plain.advice and plain.hint.startswith("The resource was not found.")


@pytest.mark.parametrize(
    ("status", "code", "description"),
    [
        (429, "rate_limit_exceeded", "Too many requests; try again in 30 seconds"),
        (406, "not_acceptable", "Unknown request or response format"),
        (500, "internal_server_error", "Unexpected internal system error"),
        (401, "unauthorized", "Authorization header is missing"),
    ],
)
def test_a_description_replaces_the_codes_meaning_in_the_hint(
    status: int, code: str, description: str
) -> None:
    error = decode(status, {"error": code, "error_description": description})
    assert error.hint == CATALOGUE[code].next_step
    bare = decode(status, {"error": code})
    assert bare.hint == f"{CATALOGUE[code].meaning} {CATALOGUE[code].next_step}"


@pytest.mark.parametrize("status", [200, 201, 204])
def test_a_success_with_an_unknown_error_code_has_no_hint_beside_its_mismatch(status: int) -> None:
    error = decode(status, {"error": "weird_code", "error_description": "Something"})
    assert error.status_mismatch is not None and "means success" in error.status_mismatch
    assert error.hint is None  # it said "The request succeeded." under the mismatch
    known = decode(status, {"error": "invalid_request"})
    assert known.hint == known.advice


@pytest.mark.parametrize("status", [502, 504])
def test_an_html_page_at_a_gateway_status_leaves_the_proxy_to_the_hint(status: int) -> None:
    error = decode(status, b"<html><body>nginx</body></html>", (("Content-Type", "text/html"),))
    assert error.no_error_object == HTML_SENTENCE  # the field itself is unchanged
    assert error.body_note == "The server sent an HTML page, not an error object."
    assert error.hint is not None and "proxy or gateway" in error.hint


@pytest.mark.parametrize("status", [401, 404, 500, 503])
def test_an_html_page_elsewhere_keeps_its_proxy_guess(status: int) -> None:
    error = decode(status, b"<html><body>nginx</body></html>", (("Content-Type", "text/html"),))
    assert error.body_note == HTML_SENTENCE
    assert error.hint is not None and "proxy" not in error.hint


def test_without_a_code_the_hint_is_the_status_explanation() -> None:
    error = decode(503, b"", (("paysera-correlation-id", "c-9"),))
    assert error.hint == error.status_explanation == error.advice
    assert error.body_note == error.no_error_object

import pytest

from app.core.request import KeyValue
from app.core.urls import (
    has_query,
    has_scheme,
    join_url,
    merge_disabled,
    params_from_url,
    request_key,
    url_with_params,
    url_with_query_param,
)


def test_absolute_url_ignores_base() -> None:
    assert join_url("http://base", "https://other/x") == "https://other/x"


def test_path_joins_base_with_exactly_one_slash() -> None:
    assert join_url("https://h/rest/v1/", "/payments") == "https://h/rest/v1/payments"
    assert join_url("https://h/rest/v1", "payments") == "https://h/rest/v1/payments"


def test_query_only_is_appended_to_base() -> None:
    assert join_url("https://h/p", "?a=1") == "https://h/p?a=1"


def test_empty_path_gives_base_and_empty_base_gives_path() -> None:
    assert join_url("https://h", "") == "https://h"
    assert join_url("", "/x") == "/x"


def test_has_scheme() -> None:
    assert has_scheme("http://x")
    assert has_scheme("HTTPS://x")
    assert not has_scheme("/rest/v1")
    assert not has_scheme("rest/v1:8080")


def test_params_from_url_keeps_order_escapes_and_bare_names() -> None:
    rows = params_from_url("https://h/p?limit=10&q=a%20b&flag&&x=#frag")
    assert rows == [
        KeyValue("limit", "10"),
        KeyValue("q", "a%20b"),
        KeyValue("flag"),
        KeyValue("x"),
    ]


def test_url_with_params_replaces_query_and_keeps_fragment() -> None:
    url = url_with_params("https://h/p?old=1#top", [KeyValue("a", "1"), KeyValue("b", "2")])
    assert url == "https://h/p?a=1&b=2#top"


def test_disabled_params_stay_out_of_the_url() -> None:
    url = url_with_params("https://h/p", [KeyValue("a", "1", enabled=False), KeyValue("b", "2")])
    assert url == "https://h/p?b=2"


def test_no_enabled_params_removes_question_mark() -> None:
    assert url_with_params("https://h/p?a=1", []) == "https://h/p"


def test_round_trip_url_params_url() -> None:
    url = "https://h/p?limit=10&sort=-created_at,id&fields=*,_metadata.total"
    assert url_with_params(url, params_from_url(url)) == url


def test_a_typed_value_with_query_characters_stays_one_parameter() -> None:
    url = url_with_params("/payments", [KeyValue("limit", "1&offset=3#x")])
    assert url == "/payments?limit=1%26offset=3%23x"
    assert params_from_url(url) == [KeyValue("limit", "1%26offset=3%23x")]


def test_spaces_and_equals_in_names_are_escaped() -> None:
    assert url_with_params("/p", [KeyValue("a=b c", "d e")]) == "/p?a%3Db%20c=d%20e"


def test_unchanged_rows_keep_their_exact_text() -> None:
    url = "/p?flag=&limit=2&q=a%20b"
    rows = params_from_url(url)
    rows[1] = KeyValue("limit", "3")
    assert url_with_params(url, rows) == "/p?flag=&limit=3&q=a%20b"


def test_repeated_names_keep_their_order() -> None:
    url = "/p?id=1&id=2&id=3"
    assert url_with_params(url, params_from_url(url)) == url


def test_disabled_rows_keep_their_place_when_the_url_is_edited() -> None:
    previous = (KeyValue("a", "1"), KeyValue("off", "x", enabled=False), KeyValue("b", "2"))
    merged = merge_disabled(params_from_url("/p?a=1&b=3"), previous)
    assert merged == (KeyValue("a", "1"), KeyValue("off", "x", enabled=False), KeyValue("b", "3"))


def test_has_query_looks_before_the_fragment_only() -> None:
    assert has_query("https://h/x?a=1")
    assert has_query("https://h/x?")
    assert has_query("/x?a#top")
    assert not has_query("https://h/x")
    assert not has_query("https://h/x#frag?a=1")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://h/x", "https://h/x?k%20y=v%26%3D"),
        ("https://h/x?", "https://h/x?k%20y=v%26%3D"),
        ("https://h/x?a=1&&b=2", "https://h/x?a=1&&b=2&k%20y=v%26%3D"),
        ("https://h/x?k+y=old&k%20y=old2&z=2#f", "https://h/x?z=2&k%20y=v%26%3D#f"),
        ("https://h/x?a=%zz&k", "https://h/x?a=%zz&k&k%20y=v%26%3D"),
    ],
)
def test_url_with_query_param_replaces_that_name_and_keeps_every_other_byte(
    url: str, expected: str
) -> None:
    assert url_with_query_param(url, "k y", "v&=") == expected


@pytest.mark.parametrize(
    ("method", "url", "key"),
    [
        ("GET", "https://h/payments", "GET /payments"),
        ("get", "https://h/payments?limit=10&offset=20", "GET /payments"),
        (" post ", " https://h/payments#section ", "POST /payments"),
        ("Delete", "https://h/p#frag?not=query", "DELETE /p"),
        ("GET", "https://h/p?", "GET /p"),
        ("GET", "http://127.0.0.1:8080", "GET /"),
        ("GET", "https://user@sandbox.example:8443/rest/v1/p", "GET /rest/v1/p"),
        ("GET", "{{base_url}}/payments/{{id}}?x={{x}}", "GET {{base_url}}/payments/{{id}}"),
        ("GET", "/rest/v1/Payments", "GET /rest/v1/Payments"),  # the path's case is kept
        ("PATCH", "https://h/a%2Fb", "PATCH /a%2Fb"),  # escapes kept as typed
        ("GET", "{{scheme}}://h/p", "GET {{scheme}}://h/p"),
    ],
)
def test_request_key_is_the_method_and_the_url_without_query_or_fragment(
    method: str, url: str, key: str
) -> None:
    assert request_key(method, url) == key


def test_sandbox_and_production_share_a_request_key() -> None:
    assert request_key("GET", "https://sandbox.paysera.com/rest/v1/payments?x=1") == (
        request_key("GET", "https://www.paysera.com/rest/v1/payments")
    )


def test_request_keys_differ_by_method_and_by_path() -> None:
    assert request_key("GET", "https://h/p") != request_key("POST", "https://h/p")
    assert request_key("GET", "https://h/p") != request_key("GET", "https://h/q")
    assert request_key("GET", "{{a}}/p") != request_key("GET", "{{b}}/p")

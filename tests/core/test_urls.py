from app.core.request import KeyValue
from app.core.urls import has_scheme, join_url, params_from_url, url_with_params


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

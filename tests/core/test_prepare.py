import pytest

from app.core.prepare import JSON_CONTENT_TYPE, RequestNotSendable, prepare_request
from app.core.request import BodyMode, KeyValue, RequestSpec


def test_json_body_is_utf8_with_json_content_type() -> None:
    prepared = prepare_request(RequestSpec("post", "https://h/p", body='{"name": "Jūratė"}'))
    assert prepared.method == "POST"
    assert prepared.body == '{"name": "Jūratė"}'.encode()
    assert prepared.header("content-type") == JSON_CONTENT_TYPE


def test_user_content_type_wins() -> None:
    spec = RequestSpec(
        "POST",
        "https://h/p",
        headers=(KeyValue("content-type", "application/vnd+json"),),
        body="{}",
    )
    prepared = prepare_request(spec)
    assert [v for k, v in prepared.headers if k.lower() == "content-type"] == [
        "application/vnd+json"
    ]


def test_disabled_headers_are_not_sent_and_do_not_override_defaults() -> None:
    spec = RequestSpec(
        "GET",
        "https://h/p",
        headers=(KeyValue("Accept", "text/html", enabled=False), KeyValue("X-A", "1")),
    )
    prepared = prepare_request(spec)
    assert prepared.header("X-A") == "1"
    assert prepared.header("Accept") == "application/json"


def test_invalid_json_body_is_refused_with_line_and_column() -> None:
    spec = RequestSpec("POST", "https://h/p", body='{\n  "a": 1,\n  "b" 2\n}')
    with pytest.raises(RequestNotSendable) as caught:
        prepare_request(spec)
    message = str(caught.value)
    assert "nothing was sent" in message
    assert "3" in message and "Raw text" in message


def test_raw_mode_sends_invalid_json_as_typed_without_json_content_type() -> None:
    spec = RequestSpec("POST", "https://h/p", body="not json", body_mode=BodyMode.RAW)
    prepared = prepare_request(spec)
    assert prepared.body == b"not json"
    assert prepared.header("Content-Type") is None


def test_empty_body_sends_nothing_and_no_content_type() -> None:
    prepared = prepare_request(RequestSpec("GET", "https://h/p", body="  "))
    assert prepared.header("Content-Type") is None


@pytest.mark.parametrize(
    ("url", "fragment"),
    [("", "Type a URL"), ("/rest/v1/x", "not a full URL"), ("ftp://h/x", "Only http and https")],
)
def test_unsendable_urls_say_why(url: str, fragment: str) -> None:
    with pytest.raises(RequestNotSendable, match=fragment):
        prepare_request(RequestSpec("GET", url))


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("http://", "has no host name"),
        ("https://:8080/x", "has no host name"),
        ("http://h:99999/", "not valid"),
        ("http://[::1", "not valid"),
        ("http://127.0.0.1:0/", "port 0 is not valid"),
        ("http://a b/", "contains spaces"),
    ],
)
def test_bad_hosts_and_ports_are_refused_before_sending(url: str, fragment: str) -> None:
    with pytest.raises(RequestNotSendable, match=fragment):
        prepare_request(RequestSpec("GET", url))


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("Bad Name", "x", 'header name "Bad Name" is not valid'),
        ("X-Ok:", "x", 'header name "X-Ok:" is not valid'),
        ("X-Line", "a\nb", "contains a line break"),
        ("X-Name", "café", 'contains "é"'),
    ],
)
def test_bad_headers_are_refused_naming_the_header(name: str, value: str, fragment: str) -> None:
    spec = RequestSpec("GET", "https://h/x", headers=(KeyValue(name, value),))
    with pytest.raises(RequestNotSendable, match=fragment):
        prepare_request(spec)


def test_disabled_bad_headers_do_not_block_sending() -> None:
    spec = RequestSpec("GET", "https://h/x", headers=(KeyValue("Bad Name", "é", enabled=False),))
    assert prepare_request(spec).header("Bad Name") is None

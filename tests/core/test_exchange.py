import pytest

from app.core.exchange import Exchange, read_exchange
from app.core.json_doc import JsonNumber
from app.core.prepare import PreparedRequest
from app.core.response import ResponseData

REQUEST = PreparedRequest("GET", "https://h/x", (), b"", 5.0)


def _read(status: int, content_type: str, body: bytes):  # type: ignore[no-untyped-def]
    headers = (("Content-Type", content_type),) if content_type else ()
    return read_exchange(REQUEST, ResponseData(status, "", headers, body, 1.0))


def test_json_is_parsed_once_with_exact_numbers_shared_by_tree_and_error() -> None:
    body = b'{"error": "invalid_parameters", "error_properties": {"amount": 1.10},'
    body += b' "error_data": {"max": 10.10}}'
    exchange = _read(400, "application/json", body)
    assert exchange.is_json
    assert exchange.document["error_properties"]["amount"] == JsonNumber("1.10")  # type: ignore[index]
    assert exchange.error is not None
    assert [(p.field, p.message) for p in exchange.error.properties] == [("amount", "1.10")]


def test_a_leading_byte_order_mark_is_not_an_error() -> None:
    exchange = _read(400, "application/json", b'\xef\xbb\xbf{"error": "invalid_request"}')
    assert exchange.is_json
    assert exchange.json_problem is None
    assert exchange.error is not None and exchange.error.code == "invalid_request"


def test_huge_integers_parse_for_both_views() -> None:
    digits = "9" * 5000
    exchange = _read(404, "application/json", f'{{"error": "not_found", "id": {digits}}}'.encode())
    assert exchange.is_json
    assert exchange.error is not None and exchange.error.code == "not_found"


def test_declared_json_that_does_not_parse_says_where() -> None:
    exchange = _read(200, "application/json", b'{"a": 1,\n "b" 2}')
    assert not exchange.is_json
    assert exchange.json_problem is not None
    assert "declared as JSON" in exchange.json_problem and "Line 2" in exchange.json_problem


def test_plain_text_that_starts_like_json_is_just_text() -> None:
    exchange = _read(200, "text/plain", b"{not json, just braces}")
    assert not exchange.is_json
    assert exchange.json_problem is None


def test_undeclared_json_is_still_parsed() -> None:
    exchange = _read(200, "", b"[1, 2.50]")
    assert exchange.is_json
    assert exchange.document == [1, JsonNumber("2.50")]


def test_nan_is_not_json_in_either_view() -> None:
    exchange = _read(400, "application/json", b'{"error": "invalid_request", "x": NaN}')
    assert not exchange.is_json
    assert exchange.error is not None and exchange.error.code is None
    assert exchange.error.no_error_object


def _read_body(body: bytes, content_type: str | None = "application/json") -> Exchange:
    headers = (("Content-Type", content_type),) if content_type else ()
    request = PreparedRequest("GET", "http://127.0.0.1/x", (), b"", 30.0)
    return read_exchange(request, ResponseData(200, "OK", headers, body, 1.0))


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000030000000208020000001216f14d000000097048597300000ec4"
    "00000ec401952b0e1b0000001049444154089963fccf00054c30060300132901031c390a160000000049454e44ae426082"
)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (PNG, "image/png"),
        (PNG, "application/json"),
        (bytes(range(256)) * 4, "application/octet-stream"),
        (bytes(range(256)) * 4, None),
    ],
)
def test_bodies_that_are_not_text_are_binary(body: bytes, content_type: str | None) -> None:
    exchange = _read_body(body, content_type)
    assert exchange.binary and not exchange.is_json and exchange.json_problem is None


def test_json_lines_are_a_list_of_values() -> None:
    body = b'{"id": 0}\n{"id": 1}\n\n{"id": 2}\n'
    for content_type in ("application/json", "application/x-ndjson", None):
        exchange = _read_body(body, content_type)
        assert exchange.is_json and exchange.json_lines and exchange.json_problem is None
        assert exchange.document == [{"id": 0}, {"id": 1}, {"id": 2}]


def test_invalid_utf8_is_flagged_not_silently_replaced() -> None:
    exchange = _read_body(b'{"name": "Zo\xeb"}', "text/plain")
    assert exchange.text_problem is not None
    assert "0xeb at offset 12" in exchange.text_problem
    assert "".join(exchange.response.iter_text()) == '{"name": "Zo\\xeb"}'
    assert not exchange.binary


def test_raw_text_is_the_bytes_received() -> None:
    body = b'{"name": "Zo\\u00eb", "a": 1}\r\n'
    exchange = _read_body(body)
    assert "".join(exchange.response.iter_text()) == body.decode()
    assert exchange.text_problem is None


def test_a_body_in_an_encoding_not_undone_says_so_even_when_it_looks_binary() -> None:
    import lzma

    from app.core.exchange import read_exchange
    from app.core.prepare import PreparedRequest
    from app.core.response import ResponseData

    body = lzma.compress(b'{"a": 1}' * 100)
    response = ResponseData(
        200,
        "OK",
        (("Content-Type", "application/json"), ("Content-Encoding", "xz")),
        body,
        1.0,
        encoding_problem="The body is encoded as xz, which is not undone; shown as it arrived.",
    )
    exchange = read_exchange(PreparedRequest("GET", "http://h/", (), b"", 5.0), response)
    assert exchange.binary
    assert exchange.text_problem is not None and "xz" in exchange.text_problem


class _CountingBytes(bytes):
    """A body that counts how often it is decoded (each decoding of 50 MB holds the GIL)."""

    decoded = 0

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        type(self).decoded += 1
        return super().decode(encoding, errors)


@pytest.mark.parametrize("status", [200, 404])
def test_a_json_body_is_decoded_once(status: int) -> None:
    _CountingBytes.decoded = 0
    body = _CountingBytes(b'{"error": "not_found", "amount": 10.10}')
    response = ResponseData(status, "", (("Content-Type", "application/json"),), body, 1.0)
    exchange = read_exchange(PreparedRequest("GET", "http://h/x", (), b"", 0.0), response)
    assert exchange.is_json and exchange.document == {"error": "not_found", "amount": "10.10"}
    assert _CountingBytes.decoded == 1


def test_a_body_that_does_not_decode_still_says_so() -> None:
    response = ResponseData(200, "", (("Content-Type", "application/json"),), b'{"a": "\xff"}', 1.0)
    exchange = read_exchange(PreparedRequest("GET", "http://h/x", (), b"", 0.0), response)
    assert exchange.text_problem is not None and "0xff" in exchange.text_problem


class _File:
    path = "/nowhere/body.json"


@pytest.mark.parametrize(
    ("status", "content_type", "indexed"),
    [
        (200, "application/json", True),
        (200, "application/problem+json; charset=utf-8", True),
        (200, "application/json; charset=UTF8", True),
        (200, "application/json; charset=iso-8859-1", False),  # the index reads UTF-8 only
        (200, "application/x-ndjson", False),  # JSON lines are read as lines
        (200, "text/plain", False),  # text that starts like JSON is shown as text
        (200, "", False),
        (404, "application/json", False),  # an error body is parsed: its error decoded
    ],
)
def test_a_body_in_a_file_is_left_to_the_index_only_when_declared_json_in_utf8(
    status: int, content_type: str, indexed: bool
) -> None:
    body = b'{"items": [1, 2], "note": "caf\xc3\xa9"}\n{"next": 1}'
    headers = (("Content-Type", content_type),) if content_type else ()
    response = ResponseData(status, "", headers, body, 1.0, body_file=_File())
    exchange = read_exchange(REQUEST, response, index_above=10)
    assert exchange.indexed is indexed
    # Within the size the window parses, the document is there for filters and Find.
    assert not read_exchange(REQUEST, response, index_above=len(body)).indexed
    if indexed:
        assert exchange.document is None and not exchange.is_json
        assert read_exchange(REQUEST, response, whole=True, index_above=10).indexed is False

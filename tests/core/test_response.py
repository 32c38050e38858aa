from app.core.response import ResponseData, reason_phrase


def _response(content_type: str, body: bytes) -> ResponseData:
    return ResponseData(200, "OK", (("Content-Type", content_type),), body, 1.0)


def test_declared_charset_is_honoured() -> None:
    response = _response("text/plain; charset=ISO-8859-1", "Café crème".encode("latin-1"))
    assert response.charset == "iso8859-1"
    assert response.text() == "Café crème"


def test_no_charset_means_utf8() -> None:
    assert _response("application/json", "ą".encode()).text() == "ą"


def test_unknown_or_non_text_charsets_fall_back_to_utf8() -> None:
    for charset in ("klingon", "base64", "rot13", "hex"):
        response = _response(f"text/plain; charset={charset}", b"plain")
        assert response.charset is None
        assert response.text() == "plain"


def test_undecodable_bytes_are_replaced_not_raised() -> None:
    assert _response("text/plain", b"ok\xff").text() == "ok\ufffd"


def test_header_lookup_is_case_insensitive_and_content_type_is_bare() -> None:
    response = _response("Application/JSON; charset=utf-8", b"{}")
    assert response.header("content-TYPE") == "Application/JSON; charset=utf-8"
    assert response.content_type == "application/json"
    assert response.header("missing") is None


def test_reason_phrase() -> None:
    assert reason_phrase(404) == "Not Found"
    assert reason_phrase(599) == ""


def test_text_from_a_byte_offset_starts_where_a_character_starts() -> None:
    utf8 = ResponseData(200, "OK", (), "aé€😀z".encode(), 1.0)  # 1, 2, 3 and 4 bytes
    assert ["".join(utf8.iter_text(n)) for n in range(12)] == [
        "aé€😀z",
        "é€😀z",
        "€😀z",
        "€😀z",
        "😀z",
        "😀z",
        "😀z",
        "z",
        "z",
        "z",
        "z",
        "",
    ]
    utf16 = ResponseData(
        200,
        "OK",
        (("Content-Type", "text/plain; charset=utf-16-le"),),
        "ab".encode("utf-16-le"),
        1.0,
    )
    assert "".join(utf16.iter_text(1)) == "b"

from app.core.prepare import PreparedRequest
from app.core.sent_request import describe_sent_request

REQUEST = PreparedRequest(
    "POST",
    "https://h/rest/v1/transfers?key=k3y-value",
    (
        ("Authorization", 'MAC id="demo", ts="1", nonce="n", mac="abc="'),
        ("X-Trace", "t"),
    ),
    b'{"note": "k3y-value"}',
    30.0,
)


def test_masked_by_default() -> None:
    text = describe_sent_request(REQUEST, secrets={"key": "k3y-value"}, reveal=False)
    assert text.splitlines()[0] == "POST https://h/rest/v1/transfers?key=«secret:key»"
    assert "Authorization: MAC ••••••" in text
    assert "X-Trace: t" in text
    assert "k3y-value" not in text
    assert text.endswith('{"note": "«secret:key»"}')


def test_revealed_shows_everything_as_sent() -> None:
    text = describe_sent_request(REQUEST, secrets={"key": "k3y-value"}, reveal=True)
    assert 'Authorization: MAC id="demo", ts="1", nonce="n", mac="abc="' in text
    assert "?key=k3y-value" in text


def test_big_bodies_are_cut_with_a_note() -> None:
    big = PreparedRequest("POST", "https://h/", (), b"x" * (70 * 1024), 30.0)
    text = describe_sent_request(big, secrets={}, reveal=True)
    assert text.endswith(f"… {6 * 1024} more bytes")

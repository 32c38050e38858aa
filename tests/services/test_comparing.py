"""Responses compared: replays, history entries, examples (``app.services.comparing``)."""

from __future__ import annotations

from dataclasses import replace
from unittest import mock

from app.core.collection import MAX_EXAMPLE_BODY_CHARS, ResponseExample
from app.core.json_diff import Change, render
from app.core.json_doc import parse_json_exact
from app.core.request import KeyValue
from app.core.response import ResponseData
from app.services.comparing import (
    Comparison,
    compare_responses,
    compare_with_example,
    example_of,
    replay_diff,
)

JSON = (("Content-Type", "application/json"),)


def test_a_replay_that_echoes_a_secret_is_the_same_and_never_shows_it() -> None:
    recorded = ResponseData(
        200,
        "OK",
        (("Content-Type", "application/json"), ("paysera-correlation-id", "a")),
        b'{"you_sent": "Bearer \\u00absecret:token\\u00bb", "n": 1.10}',
        5.0,
    )
    echoed = ResponseData(
        200,
        "OK",
        (("Content-Type", "application/json"), ("paysera-correlation-id", "b")),
        b'{"you_sent": "Bearer tok-Zx81-secret", "n": 1.1}',
        7.0,
    )
    same = replay_diff(recorded, echoed, {"token": "tok-Zx81-secret"})
    assert same.differences == ()  # the secret is its marker; 1.10 == 1.1; the id is left out
    changed = replace(echoed, body=b'{"you_sent": "Bearer tok-Zx81-secret", "n": 2}')
    text = render(replay_diff(recorded, changed, {"token": "tok-Zx81-secret"}))
    assert "~ $.n: 1.10 → 2" in text and "tok-Zx81-secret" not in text


def test_a_comparison_reads_its_bodies_once_whatever_it_ignores() -> None:
    before = ResponseData(200, "OK", JSON, b'{"at": "09:00", "items": [{"id": 1, "n": 1}]}', 1.0)
    after = ResponseData(200, "OK", JSON, b'{"at": "09:05", "items": [{"id": 1, "n": 2}]}', 1.0)
    comparison = compare_responses(before, after)
    with mock.patch("app.core.json_diff.parse_json_exact", wraps=parse_json_exact) as spy:
        assert [d.path for d in comparison.diff().differences] == ["$.at", "$.items[0].n"]
        assert [d.path for d in comparison.diff(["$.at"]).differences] == ["$.items[0].n"]
        assert comparison.diff(["$.at", "$.items[*].n"]).same
    assert spy.call_count == 2  # one per body, not per diff


def test_status_and_headers_are_compared_too_but_not_what_changes_on_every_send() -> None:
    before = ResponseData(200, "OK", (*JSON, ("paysera-correlation-id", "a")), b"{}", 1.0)
    after = ResponseData(
        404, "Not Found", (*JSON, ("paysera-correlation-id", "b"), ("X-New", "1")), b"{}", 1.0
    )
    diff = Comparison(before, after).diff()
    assert [(d.kind, d.path) for d in diff.differences] == [
        (Change.CHANGED, "status"),
        (Change.ADDED, "header:X-New"),
    ]


def test_an_example_keeps_the_text_with_secrets_as_names_and_no_cookies() -> None:
    response = ResponseData(
        201,
        "Created",
        (*JSON, ("Set-Cookie", "s=tok-9"), ("X-Echo", "Bearer tok-9")),
        b'{"amount": 10.10, "token": "tok-9"}',
        3.0,
    )
    example = example_of(response, " Created ", {"token": "tok-9"})
    assert example == ResponseExample(
        "Created",
        201,
        (KeyValue("Content-Type", "application/json"), KeyValue("X-Echo", "Bearer {{token}}")),
        '{"amount": 10.10, "token": "{{token}}"}',
    )


def test_an_example_refuses_what_a_collection_file_should_not_hold() -> None:
    big = ResponseData(200, "OK", JSON, b'"' + b"a" * MAX_EXAMPLE_BODY_CHARS + b'"', 1.0)
    assert "at most 1,000,000" in str(example_of(big, "big", {}))
    binary = ResponseData(200, "OK", (), b"\x89PNG\x00\x01", 1.0)
    assert "binary" in str(example_of(binary, "png", {}))


def test_a_response_compared_with_an_example_meets_its_secrets_as_names() -> None:
    example = ResponseExample(
        "OK", 200, (KeyValue("Content-Type", "application/json"),), '{"t": "{{token}}", "n": 1.10}'
    )
    same = ResponseData(200, "OK", JSON, b'{"n": 1.1, "t": "tok-9"}', 1.0)
    assert compare_with_example(example, same, {"token": "tok-9"}).diff().same
    changed = ResponseData(404, "Not Found", JSON, b'{"n": 2, "t": "tok-9"}', 1.0)
    text = render(compare_with_example(example, changed, {"token": "tok-9"}).diff())
    assert text.splitlines()[:2] == ["~ status: 200 → 404", "~ $.n: 1.10 → 2"]
    assert "tok-9" not in text

"""Saved examples in a request file: written as a reader expects, read back exactly, and
refused in a sentence with a line number when malformed."""

from __future__ import annotations

import pytest

from app.core.collection import CollectionFileError, ResponseExample, SavedRequest
from app.core.request import KeyValue
from app.storage.collection_files import dump_request, parse_request

EXAMPLES = (
    ResponseExample(
        "200 OK",
        200,
        (KeyValue("Content-Type", "application/json"),),
        '{\n  "amount": 10.10,\n  "big": 12345678901234567890123\n}\n',
    ),
    ResponseExample("Not found", 404),
    ResponseExample("no trailing newline", 500, (), '{"error": "internal"}'),
)


def test_examples_round_trip_exactly_and_read_as_written() -> None:
    request = SavedRequest("Payment", url="/payments/1", examples=EXAMPLES)
    text = dump_request(request)
    assert parse_request(text, "p.request.yaml") == request
    assert dump_request(parse_request(text, "p.request.yaml")) == text
    assert '    body: |\n      {\n        "amount": 10.10,\n' in text  # a literal block
    assert "  - name: Not found\n    status: 404\n" in text  # nothing else when empty


@pytest.mark.parametrize(
    ("examples", "line", "reason"),
    [
        ("- name: a\n  status: '200'\n", 5, "status is a number from 100 to 599"),
        ("- name: a\n  status: 99\n", 5, "status is a number from 100 to 599"),
        ("- name: a\n  status: 2000\n", 5, "status is a number from 100 to 599"),
        ("- name: a\n", 4, "needs a status"),
        ("- status: 200\n", 4, "missing name"),
        ("- name: ''\n  status: 200\n", 4, "the name is empty"),
        ("- name: a\n  status: 200\n  colour: red\n", 6, "unknown key 'colour'"),
        ("- name: a\n  status: 200\n  body: [1]\n", 6, "expected text"),
        ("oops\n", 3, "expected a list of examples"),
    ],
)
def test_a_malformed_example_is_a_sentence_with_its_line(
    examples: str, line: int, reason: str
) -> None:
    text = "name: P\nurl: /p\nexamples:\n" + "".join(
        "  " + row if row.strip() else row for row in examples.splitlines(keepends=True)
    )
    if examples == "oops\n":
        text = "name: P\nurl: /p\nexamples: oops\n"
    with pytest.raises(CollectionFileError) as raised:
        parse_request(text, "p.request.yaml")
    assert reason in raised.value.reason
    assert raised.value.line == line

"""jq over a huge body that was not parsed: the values at jq's paths come from the body's
index (``JsonIndex.values``), labelled and exact as for a parsed body."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.json_doc import JsonNumber, parse_json_exact
from app.services.filtering import FilterError, Language, filter_json
from app.services.json_index import JsonIndex

BODY = (
    b'{"items": [{"id": 1, "rate": 1.10}, {"id": 12345678901234567890123, "rate": 2.50},'
    b' {"id": 3}], "a b": {"x": null}, "s": "h\xc3\xa9llo", "big": 1e400, "z": -0}'
)


@pytest.fixture
def index(tmp_path: Path) -> Iterator[JsonIndex]:
    path = tmp_path / "body.json"
    path.write_bytes(BODY)
    ready = threading.Event()
    opened = JsonIndex(str(path), lambda _reply: ready.set())
    assert ready.wait(10)
    yield opened
    opened.close()


@pytest.mark.parametrize(
    "program",
    [
        ".items[1].id",
        ".items[-1]",
        ".items[1:3]",
        '.["a b"].x, .nope',
        ".items[] | select(.rate) | .rate",
        ".items[0:2][1].rate",
        ".items[1.5]",  # jq gives the index as a number text: a name, as the parsed path
        ".items[1.5:3]",  # slice bounds are floored
        ".items[0:2.5]",
        ".s[1:3], .s[-2:]",  # strings slice too
        ".items[0:][] | .id",  # one path per item through the same slice
        ".items[-10]",
        ".big, .z",
    ],
)
def test_paths_read_from_the_index_match_a_parsed_body(index: JsonIndex, program: str) -> None:
    def values_at(paths: list[list[object]]) -> list[tuple[str, str]]:
        return index.values(paths, 1 << 20)

    from_index = filter_json(Language.JQ, program, None, BODY, values_at=values_at)
    parsed = filter_json(Language.JQ, program, parse_json_exact(BODY.decode()), BODY)
    assert from_index == parsed
    assert from_index.matches  # every program selects something


def test_numbers_stay_as_sent(index: JsonIndex) -> None:
    filtered = filter_json(
        Language.JQ,
        ".items[].rate, .items[1].id",
        None,
        BODY,
        values_at=lambda paths: index.values(paths, 1 << 20),
    )
    assert list(filtered.matches.values()) == [
        JsonNumber("1.10"),
        JsonNumber("2.50"),
        None,  # the third item has no rate
        12345678901234567890123,
    ]


def test_values_jq_builds_say_their_numbers_are_jq_s(index: JsonIndex) -> None:
    filtered = filter_json(
        Language.JQ, ".items[0].rate * 2", None, BODY, values_at=lambda p: index.values(p, 99)
    )
    assert filtered.matches == {"#1": JsonNumber("2.2")}
    assert "64-bit floating point" in filtered.note


def test_jsonpath_cannot_run_without_the_parsed_body(index: JsonIndex) -> None:
    with pytest.raises(FilterError, match="choose jq"):
        filter_json(
            Language.JSONPATH, "$.items[0]", None, BODY, values_at=lambda p: index.values(p, 9)
        )


def test_the_values_read_are_bounded(index: JsonIndex) -> None:
    filtered = filter_json(
        Language.JQ, ".items[]", None, BODY, values_at=lambda paths: index.values(paths, 40)
    )
    assert len(filtered.matches) == 1  # the second item would pass 40 bytes
    assert "the values of the first 1 paths are shown" in filtered.note

"""jq's paths followed over a parsed document: labels, negative indexes, slices as views."""

from __future__ import annotations

import pytest

from app.core.jq_paths import Slice, ValueSteps, at_path, slice_bound
from app.core.json_doc import JsonNumber, parse_json_exact

DOCUMENT = parse_json_exact('{"items": [10, 20, 30, 40], "s": "héllo", "a b": {"x": null}}')


@pytest.mark.parametrize(
    ("path", "label", "value"),
    [
        (["items", -1], "$.items[3]", 40),
        (["items", -9], "$.items[-9]", None),
        (["items", {"start": 1, "end": 3}, 0], "$.items[1:3][0]", 20),
        (["items", {"start": JsonNumber("1.5"), "end": None}], "$.items[1:]", [20, 30, 40]),
        (["s", {"start": 1, "end": 3}], "$.s[1:3]", "él"),
        (["a b", "x"], '$["a b"].x', None),
        (["items", "x"], "$.items.x", None),
        (["items", 1.5], "$.items", None),  # not a step jq gives: nothing there
    ],
)
def test_a_path_is_labelled_and_read_as_jq_reads_it(
    path: list[object], label: str, value: object
) -> None:
    found_label, found = at_path(ValueSteps(DOCUMENT), path)
    assert found_label == label
    assert (list(found) if isinstance(found, Slice) else found) == value


def test_a_slice_is_a_view_of_its_list() -> None:
    items = list(range(10))
    view = Slice(items)[2:8][1:3]
    assert (len(view), list(view), view[0]) == (2, [3, 4], 3)
    assert view.items is items  # nothing copied
    with pytest.raises(IndexError):
        view[2]


@pytest.mark.parametrize(
    ("bound", "read"),
    [(2, 2), (JsonNumber("1.5"), 1), (JsonNumber("-1.5"), -2), ("x", None), (True, None)],
)
def test_slice_bounds_are_floored_numbers(bound: object, read: int | None) -> None:
    assert slice_bound(bound) == read

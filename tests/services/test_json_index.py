"""The JSON index of a huge body (``app.services.json_index`` and its worker process).

Every test starts a real worker on a small file and reads its replies, which come on a
reader thread, from a queue. No Qt.
"""

from __future__ import annotations

import json
import queue
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core.json_doc import json_scalar_text
from app.services.json_index import IndexProblem, IndexReply, IndexRow, JsonIndex

TIMEOUT = 10.0

Opener = Callable[..., tuple[JsonIndex, "queue.Queue[IndexReply]"]]

ITEMS = ", ".join(str(n) for n in range(1000))
DOC = (
    '{"zeta": "say \\"hi\\" caf\\u00e9\\n", "n": 10.10, "big": 12345678901234567890123,\n'
    ' "huge": 1e400, "neg": -0, "yes": true, "no": false, "none": null,\n'
    ' "obj": {"a": 1.50, "b": [1e400, -0], "c": {}},\n'
    f' "items": [{ITEMS}]}}'
).encode()


@pytest.fixture
def open_index(tmp_path: Path) -> Iterator[Opener]:
    opened: list[JsonIndex] = []

    def open_(
        data: bytes | None, name: str = "body.json"
    ) -> tuple[JsonIndex, queue.Queue[IndexReply]]:
        path = tmp_path / name
        if data is not None:
            path.write_bytes(data)
        replies: queue.Queue[IndexReply] = queue.Queue()
        index = JsonIndex(str(path), replies.put)
        opened.append(index)
        return index, replies

    yield open_
    for index in opened:
        index.close()


def next_reply(replies: queue.Queue[IndexReply], request: int | None = None) -> IndexReply:
    reply = replies.get(timeout=TIMEOUT)
    if request is not None:
        assert reply.request == request, reply
    return reply


def first_reply(open_index: Opener, data: bytes | None, **kwargs: str) -> IndexReply:
    _, replies = open_index(data, **kwargs)
    return next_reply(replies, 0)


def no_more(replies: queue.Queue[IndexReply], seconds: float = 0.5) -> None:
    with pytest.raises(queue.Empty):
        replies.get(timeout=seconds)


def test_first_reply_gives_root_and_top_level_rows_in_document_order(open_index: Opener) -> None:
    reply = first_reply(open_index, DOC)
    assert reply.error is None
    assert reply.root == IndexRow(None, "object", 10, "{10 keys}")
    assert reply.rows == (
        IndexRow("zeta", "string", 0, '"say \\"hi\\" café\\n"'),
        IndexRow("n", "number", 0, "10.10"),
        IndexRow("big", "number", 0, "12345678901234567890123"),
        IndexRow("huge", "number", 0, "1e400"),
        IndexRow("neg", "number", 0, "-0"),
        IndexRow("yes", "boolean", 0, "true"),
        IndexRow("no", "boolean", 0, "false"),
        IndexRow("none", "null", 0, "null"),
        IndexRow("obj", "object", 3, "{3 keys}"),
        # the same summary as a body parsed in the window shows
        IndexRow("items", "array", 1000, json_scalar_text([0] * 1000)),
    )


def test_rows_for_a_nested_path_and_an_array_slice(open_index: Opener) -> None:
    index, replies = open_index(DOC)
    next_reply(replies, 0)
    ident = index.ask_rows(["obj"], 0, 10)
    assert next_reply(replies, ident).rows == (
        IndexRow("a", "number", 0, "1.50"),
        IndexRow("b", "array", 2, "[2 items]"),
        IndexRow("c", "object", 0, "{}"),
    )
    ident = index.ask_rows(["obj", "b"], 1, 1)
    assert next_reply(replies, ident).rows == (IndexRow(1, "number", 0, "-0"),)
    ident = index.ask_rows(["items"], 10, 3)
    rows = next_reply(replies, ident).rows
    assert [row.key for row in rows] == [10, 11, 12]
    assert all(type(row.key) is int and row.text == str(row.key) for row in rows)
    ident = index.ask_rows(["items"], 998, 5)  # past the end: only what there is
    assert [row.key for row in next_reply(replies, ident).rows] == [998, 999]


def test_copy_gives_strings_raw_and_json_compact_with_numbers_exact(open_index: Opener) -> None:
    index, replies = open_index(DOC)
    next_reply(replies, 0)
    assert index.copy(["zeta"]) == 'say "hi" café\n'
    assert index.copy(["n"]) == "10.10"
    assert index.copy(["big"]) == "12345678901234567890123"
    assert index.copy(["huge"]) == "1e400"
    assert index.copy(["obj"]) == '{"a":1.50,"b":[1e400,-0],"c":{}}'
    assert index.copy(["obj", "b"]) == "[1e400,-0]"
    assert index.copy(["items"], (2, 5)) == "[2,3,4]"
    assert index.copy(["items"], (998, 1000)) == "[998,999]"


def test_copy_past_the_limit_names_the_size(open_index: Opener) -> None:
    big = b'{"list": [' + b",".join([b'"' + b"x" * 998 + b'"'] * 1536) + b'], "small": 1}'
    index, replies = open_index(big)
    next_reply(replies, 0)
    with pytest.raises(IndexProblem, match=r"1\.5 MB"):
        index.copy(["list"], limit=1 << 20)
    with pytest.raises(IndexProblem, match=r"1\.5 MB"):
        index.copy(["list"], (0, 1536), limit=1 << 20)
    assert index.copy(["list"], (0, 1), limit=1 << 20) == '["' + "x" * 998 + '"]'
    assert index.copy(["small"], limit=1 << 20) == "1"  # the worker is still there


def test_invalid_json_names_line_and_column(open_index: Opener) -> None:
    reply = first_reply(open_index, b'{"a":\n [1,\n 2,, 3]}')
    assert reply.root is None and reply.rows == ()
    assert reply.error is not None
    # The same sentence as for a body parsed in the window.
    assert reply.error == (
        "The body is declared as JSON but is not valid JSON. Line 3, column 4: expected a "
        "value (a string, number, object, array, true, false or null)."
    )


@pytest.mark.parametrize(
    "data",
    [b"", b"   ", b'{"a": [1, 2', b"[" * 100_000 + b"]" * 100_000],
    ids=["empty", "blank", "truncated", "nested-100000"],
)
def test_bodies_not_shown_give_a_sentence(open_index: Opener, data: bytes) -> None:
    reply = first_reply(open_index, data)
    assert reply.root is None
    assert reply.error and reply.error.endswith(".")


def test_a_missing_file_gives_a_sentence(open_index: Opener) -> None:
    reply = first_reply(open_index, None, name="gone.json")
    assert reply.root is None
    assert reply.error and "file is gone" in reply.error and "Raw tab" in reply.error


def test_json_msgspec_refuses_is_shown_by_the_app_parser(open_index: Opener) -> None:
    # An escaped lone surrogate is JSON (Python reads it); msgspec refuses the document.
    _, replies = open_index(b'{"a": "\\ud83d", "n": 10.10, "a": 2}')
    reply = next_reply(replies, 0)
    assert reply.error is None
    assert reply.root == IndexRow(None, "object", 3, "{3 keys}")  # the repeated key too
    assert [(row.key, row.text) for row in reply.rows] == [
        ("a", '"\ud83d"'),  # as the parsed tree shows it: the character itself
        ("n", "10.10"),
        ("a", "2"),
    ]


def test_a_body_of_more_values_than_memory_allows_is_a_sentence(open_index: Opener) -> None:
    # 73 bytes per indexed item: 24 MB of zeros would need 876 MB, past 512 MB + 6x.
    _, replies = open_index(b"[" + b"0," * 12_000_000 + b"0]")
    reply = next_reply(replies, 0)
    assert reply.error is not None and "memory allowed" in reply.error


def test_a_byte_order_mark_is_skipped(open_index: Opener) -> None:
    reply = first_reply(open_index, b'\xef\xbb\xbf{"a": 1}')
    assert reply.error is None
    assert reply.root == IndexRow(None, "object", 1, "{1 key}")
    assert reply.rows == (IndexRow("a", "number", 0, "1"),)


def test_a_string_not_utf8_is_a_placeholder_and_the_worker_lives(open_index: Opener) -> None:
    index, replies = open_index(b'{"bad": "ok \xff\xfe", "after": 2}')
    reply = next_reply(replies, 0)
    assert reply.error is None and reply.root is not None and reply.root.size == 2
    bad, after = reply.rows
    assert (bad.key, bad.kind, bad.size) == ("bad", "string", 0)
    assert bad.text and "\ufffd" not in bad.text and bad.text != '"ok "'
    assert after == IndexRow("after", "number", 0, "2")
    with pytest.raises(IndexProblem):
        index.copy(["bad"])
    ident = index.ask_rows([], 1, 1)
    assert next_reply(replies, ident).rows == (after,)


def test_a_missing_member_gives_an_error_reply(open_index: Opener) -> None:
    index, replies = open_index(DOC)
    next_reply(replies, 0)
    paths: list[list[str | int]] = [["nope"], ["items", 1000], ["items", "0"], ["obj", 0], ["n"]]
    for path in paths:
        ident = index.ask_rows(path, 0, 5)
        reply = next_reply(replies, ident)
        assert reply.error and reply.rows == (), path
    with pytest.raises(IndexProblem):
        index.copy(["nope"])
    with pytest.raises(IndexProblem):
        index.copy(["obj"], (0, 1))  # an object has no items to span
    assert index.copy(["n"]) == "10.10"


def test_after_close_requests_get_an_error_and_the_worker_is_gone(open_index: Opener) -> None:
    index, replies = open_index(DOC)
    next_reply(replies, 0)
    process = index._process
    assert process is not None and process.poll() is None
    index.close()
    assert index._process is None
    assert process.poll() is not None
    ident = index.ask_rows(["obj"], 0, 10)
    reply = next_reply(replies, ident)
    assert reply.error and reply.rows == ()
    with pytest.raises(IndexProblem):
        index.copy(["n"])
    index.close()
    no_more(replies)  # neither rows nor a "the worker stopped" reply


def test_a_worker_that_dies_is_reported(open_index: Opener) -> None:
    index, replies = open_index(DOC)
    next_reply(replies, 0)
    assert index._process is not None
    index._process.kill()
    reply = next_reply(replies)
    assert reply.request < 0 and reply.error


@pytest.mark.parametrize(
    ("data", "root"),
    [
        (b"42", IndexRow(None, "number", 0, "42")),
        (b" {} ", IndexRow(None, "object", 0, "{}")),
        (b"[]\n", IndexRow(None, "array", 0, "[]")),
        (b'"alone"', IndexRow(None, "string", 0, '"alone"')),
    ],
)
def test_a_scalar_or_empty_root_has_size_0(open_index: Opener, data: bytes, root: IndexRow) -> None:
    reply = first_reply(open_index, data)
    assert reply.error is None
    assert reply.root == root and reply.rows == ()


def test_a_body_not_shown_gets_one_error_only(open_index: Opener) -> None:
    _, replies = open_index(b"[1,,2]")
    assert next_reply(replies, 0).error
    no_more(replies, 2.0)


def test_repeated_keys_are_all_shown(open_index: Opener) -> None:
    reply = first_reply(open_index, b'{"a": 1, "b": 2, "a": 3}')
    assert reply.root is not None and reply.root.size == 3
    assert [(row.key, row.text, row.occurrence) for row in reply.rows] == [
        ("a", "1", 0),
        ("b", "2", None),
        ("a", "3", 1),
    ]


def test_each_value_of_a_repeated_key_opens_and_copies_as_itself(open_index: Opener) -> None:
    body = b'{"items": [{"x": {"n": 1.10}, "y": 0, "x": {"n": 2.20, "m": [1]}}]}'
    index, replies = open_index(body)
    next_reply(replies, 0)
    index.ask_rows(["items", 0], 0, 10)
    rows = next_reply(replies).rows
    assert [(row.key, row.size, row.occurrence) for row in rows] == [
        ("x", 1, 0),
        ("y", 0, None),
        ("x", 2, 1),
    ]
    index.ask_rows(["items", 0, ["x", 0]], 0, 10)
    assert [(row.key, row.text) for row in next_reply(replies).rows] == [("n", "1.10")]
    index.ask_rows(["items", 0, ["x", 1]], 0, 10)
    assert [(row.key, row.text) for row in next_reply(replies).rows] == [
        ("n", "2.20"),
        ("m", "[1 item]"),
    ]
    assert index.copy(["items", 0, ["x", 0]]) == '{"n":1.10}'
    assert index.copy(["items", 0, ["x", 1], "m"]) == "[1]"
    assert index.copy(["items", 0]) == '{"x":{"n":1.10},"y":0,"x":{"n":2.20,"m":[1]}}'
    index.ask_rows(["items"], 0, 10)
    [item] = next_reply(replies).rows
    assert item.text == "{3 keys}"  # each repeat counts, as it shows


def test_invalid_json_too_big_to_parse_whole_still_says_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    # In this process, with the worker's own limits off: the app's parser (the fallback
    # for what msgspec refuses) runs out of memory on a huge damaged body.
    from app.services import json_index_child as child

    def out_of_memory(_buffer: memoryview) -> object:
        raise MemoryError

    monkeypatch.setattr(child, "_bound_memory", lambda _size: None)
    monkeypatch.setattr(child, "_die_with_parent", lambda: None)
    monkeypatch.setattr(child, "_parsed", out_of_memory)
    path = tmp_path / "body.json"
    path.write_bytes(b'{"items": [1,\n 2,, 3]}')
    child.main([str(path)])
    reply = json.loads(capsysbinary.readouterr().out)
    assert reply == {
        "id": 0,
        "error": "The body is not valid JSON: invalid character at line 2, column 4 (byte 17).",
    }

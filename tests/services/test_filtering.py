"""Filters over a response: JSONPath in process, jq in a child process, numbers exact."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from app.core.json_doc import JsonNumber, parse_json_exact
from app.services import filtering
from app.services.filtering import (
    FilterError,
    JqRun,
    Language,
    filter_json,
    results_text,
    split_language,
)

BODY = (
    b'{"a": 10.10, "big": 12345678901234567890123, "huge": 1e400, "total": 2,'
    b' "items": [{"id": 1, "amount": 10.10, "status": "new"},'
    b' {"id": 2, "amount": 0.5, "status": "done"}, {"id": 3, "amount": 7, "status": "new"}]}'
)
DOC = parse_json_exact(BODY.decode())


def jq(program: str, document: object = DOC, body: bytes = BODY) -> dict[str, object]:
    return filter_json(Language.JQ, program, document, body).matches


def test_the_command_line_prefix_picks_the_language() -> None:
    assert split_language("jq:.a") == (Language.JQ, ".a")
    assert split_language("$.a") == (Language.JSONPATH, "$.a")


def test_jsonpath_matches_keep_their_paths_and_exact_numbers() -> None:
    result = filter_json(Language.JSONPATH, "$.items[?@.status == 'new'].amount", DOC, BODY)
    assert result.matches == {"$.items[0].amount": JsonNumber("10.10"), "$.items[2].amount": 7}
    assert result.matches["$.items[0].amount"] == "10.10"  # the text as sent


def test_a_bad_jsonpath_is_a_sentence() -> None:
    with pytest.raises(FilterError, match="not a valid JSONPath"):
        filter_json(Language.JSONPATH, "$.items[", DOC, BODY)


def test_jq_selections_are_read_from_the_exact_document() -> None:
    # libjq alone gives 10.1 and 12345678901234567741440 here.
    assert jq('.items[] | select(.status == "new") | .amount') == {
        "$.items[0].amount": "10.10",
        "$.items[2].amount": 7,
    }
    assert jq(".big") == {"$.big": 12345678901234567890123}
    assert jq(".huge") == {"$.huge": "1e400"}


def test_jq_paths_cover_negative_indexes_slices_and_missing_members() -> None:
    assert jq(".items[-1].id") == {"$.items[2].id": 3}
    assert jq(".items[1:] | .[0].id") == {"$.items[1:][0].id": 2}
    assert jq(".nothing.here") == {"$.nothing.here": None}
    assert jq(".a, .a") == {"$.a": "10.10", "$.a (2)": "10.10"}


def test_values_jq_builds_keep_the_numbers_they_pass_on() -> None:
    result = jq("{first: .items[0].amount, big, huge, count: (.items | length)}")
    assert result == {
        "#1": {"first": "10.10", "big": 12345678901234567890123, "huge": "1e400", "count": 3}
    }
    assert jq("[.items[].id]") == {"#1": [1, 2, 3]}
    assert jq("keys") == {"#1": ["a", "big", "huge", "items", "total"]}


def test_numbers_jq_computes_are_its_own() -> None:
    (value,) = jq(".items[1].amount * 3").values()
    assert value == "1.5"  # jq's float, written as JSON


def test_numbers_that_cannot_be_told_apart_are_said() -> None:
    body = b'{"x": 12345678901234567890123, "y": 12345678901234567890124}'
    result = filter_json(Language.JQ, "[.x, .y]", parse_json_exact(body.decode()), body)
    assert "17 significant digits" in result.note
    # Selected (a path), each is exact.
    selected = filter_json(Language.JQ, ".x, .y", parse_json_exact(body.decode()), body)
    assert list(selected.matches.values()) == [12345678901234567890123, 12345678901234567890124]
    assert selected.note == ""


def test_jq_errors_are_one_sentence() -> None:
    with pytest.raises(FilterError, match=r"^jq: syntax error") as syntax:
        jq(".items[")
    assert "\n" not in str(syntax.value)
    with pytest.raises(FilterError, match=r"^jq: Cannot index number"):
        jq(".a.b")


def test_jq_never_sees_the_users_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_EXPLORER_SECRET_TOKEN", "s3cret-value")
    (environment,) = jq("$ENV").values()
    assert isinstance(environment, dict)
    assert "API_EXPLORER_SECRET_TOKEN" not in environment
    assert "s3cret-value" not in repr(environment)


def test_a_program_that_never_ends_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filtering, "JQ_TIMEOUT_SECONDS", 1.0)
    started = time.monotonic()
    with pytest.raises(FilterError, match="still running after 1 s"):
        jq("repeat(.) | empty")
    assert time.monotonic() - started < 10


def test_kill_stops_a_run_from_another_thread() -> None:
    run = JqRun()
    outcome: list[Any] = []

    def work() -> None:
        try:
            filter_json(Language.JQ, "repeat(.) | empty", DOC, BODY, run)
        except FilterError as exc:
            outcome.append(str(exc))

    thread = threading.Thread(target=work)
    thread.start()
    time.sleep(0.5)
    run.kill()
    thread.join(10)
    assert outcome == ["The filter was stopped."]


def test_results_stop_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filtering, "MAX_RESULTS", 5)
    result = filter_json(Language.JQ, "range(100)", DOC, BODY)
    assert list(result.matches.values()) == [0, 1, 2, 3, 4]
    assert "the first 5 results" in result.note


def test_missing_jq_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    child = filtering._CHILD.replace("import jq\n", "import jq_that_is_not_there\n")
    monkeypatch.setattr(filtering, "_CHILD", child)
    with pytest.raises(FilterError, match="need the jq package"):
        jq(".a")


def test_printed_results_are_json_with_exact_numbers() -> None:
    assert results_text(filter_json(Language.JQ, ".items[0] | .amount, .status", DOC, BODY)) == (
        '$.items[0].amount: 10.10\n$.items[0].status: "new"'
    )
    assert results_text(filter_json(Language.JQ, "{a}", DOC, BODY)) == '{"a":10.10}'


def test_an_empty_filter_is_refused() -> None:
    with pytest.raises(FilterError, match="Type a filter"):
        filter_json(Language.JQ, "  ", DOC, BODY)


def test_a_child_that_dies_without_a_last_word_is_not_a_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Output that stops short (libjq aborting, the CPU limit) must not pass for all there is.
    monkeypatch.setattr(filtering, "_CHILD", "print('{\"v\": 1}'); import os; os._exit(3)")
    with pytest.raises(FilterError, match="stopped before it finished"):
        jq(".a")


def test_one_result_bigger_than_the_output_bound_is_not_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(filtering, "MAX_OUTPUT_BYTES", 1000)
    result = filter_json(Language.JQ, "[range(1000)], 1", DOC, BODY)
    assert result.matches == {}  # the 4 KB array is not written, nor anything after it
    assert "the first 0 results" in result.note


def test_a_result_nested_too_deeply_is_a_sentence() -> None:
    with pytest.raises(FilterError, match="nested too deeply"):
        jq("reduce range(3000) as $i (0; [.])")


def test_the_child_never_imports_from_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "jq.py").write_text("open(__file__ + '.ran', 'w').close()\n")
    monkeypatch.chdir(tmp_path)
    assert jq(".a") == {"$.a": "10.10"}  # the real jq
    assert not (tmp_path / "jq.py.ran").exists()


def _exchange(body: bytes, content_type: str) -> Any:
    from app.core.exchange import read_exchange
    from app.core.prepare import PreparedRequest
    from app.core.response import ResponseData

    response = ResponseData(200, "OK", (("Content-Type", content_type),), body, 1.0)
    return read_exchange(PreparedRequest("GET", "http://h/x", (), b"", 0.0), response)


def test_jq_reads_json_lines_and_other_charsets_as_the_document() -> None:
    lines = _exchange(b'{"a": 1}\n{"a": 2.50}\n', "application/json")
    assert lines.json_lines and filtering.jq_body(lines) is None
    text = filtering.document_text(lines.document)
    assert filter_json(Language.JQ, ".[1].a", lines.document, text).matches == {"$[1].a": "2.50"}
    latin = _exchange(
        '{"name": "José", "n": 1.10}'.encode("latin-1"), "application/json; charset=iso-8859-1"
    )
    assert filtering.jq_body(latin) is None  # jq would misread it as UTF-8
    built = filter_json(
        Language.JQ, "{x: .name}", latin.document, filtering.document_text(latin.document)
    )
    assert built.matches == {"#1": {"x": "José"}}
    utf8 = _exchange(b'{"a": 1}', "application/json")
    assert filtering.jq_body(utf8) == b'{"a": 1}'  # the bytes as sent, not written out again


def test_a_filter_is_checked_before_anything_is_sent() -> None:
    with pytest.raises(filtering.FilterSyntaxError):
        filtering.check_filter("jq:.a |")
    with pytest.raises(filtering.FilterSyntaxError):
        filtering.check_filter("$.items[")
    filtering.check_filter("jq:keys")  # fails on null, may run on a response: not refused
    filtering.check_filter("$.items[*].id")

import json
import os
import random
import stat
from pathlib import Path

import pytest

from app.core.urls import request_key
from app.storage.request_memory import (
    FILTERS_KEPT,
    IGNORED_KEPT,
    MAX_FILE_BYTES,
    MAX_TEXT_CHARS,
    REQUESTS_KEPT,
    RequestMemory,
)
from tests.storage.arbitrary_json import damaged_text, json_value, mutated

PAYMENT = request_key("get", "{{base_url}}/payments/{{id}}?expand=items")
TRANSFERS = request_key("POST", "https://wallet.paysera.com/rest/v1/transfers")


def loaded(folder: Path) -> RequestMemory:
    memory = RequestMemory(folder)
    memory.load()
    return memory


def kept_aside(folder: Path) -> Path:
    [kept] = folder.glob("request-memory.json.damaged-*")
    return kept


def write(folder: Path, document: object) -> bytes:
    data = json.dumps(document).encode()
    (folder / "request-memory.json").write_bytes(data)
    return data


def test_what_is_remembered_survives_a_restart(tmp_path: Path) -> None:
    memory = loaded(tmp_path)
    memory.remember_filter(PAYMENT, "$.items[*].id")
    memory.remember_filter(PAYMENT, "$.status")
    memory.set_ignored(PAYMENT, ["$.created_at", "$.items[*].id", "header:Date"])
    memory.set_ignored(TRANSFERS, ["header:Date"])
    assert memory.problem is None

    again = loaded(tmp_path)
    assert again.problem is None
    assert again.filters(PAYMENT) == ("$.status", "$.items[*].id")
    assert again.ignored(PAYMENT) == ("$.created_at", "$.items[*].id", "header:Date")
    assert again.filters(TRANSFERS) == ()
    assert again.ignored(TRANSFERS) == ("header:Date",)
    assert again.filters("GET /unknown") == () and again.ignored("GET /unknown") == ()


def test_the_file_is_private_versioned_json_beside_nothing_else(tmp_path: Path) -> None:
    memory = loaded(tmp_path)
    memory.remember_filter(PAYMENT, "$.id")
    assert memory.path == tmp_path / "request-memory.json"
    assert [p.name for p in tmp_path.iterdir()] == ["request-memory.json"]  # no temporary file
    assert stat.S_IMODE(memory.path.stat().st_mode) == 0o600
    text = memory.path.read_text(encoding="utf-8")
    assert json.loads(text)["version"] == 1
    assert '\n  "version": 1' in text  # indented for a person reading it


def test_a_missing_file_remembers_nothing_and_is_not_created_by_loading(tmp_path: Path) -> None:
    memory = loaded(tmp_path)
    assert memory.problem is None
    assert memory.filters(PAYMENT) == ()
    assert not memory.path.exists()


def test_filters_are_newest_first_stripped_and_once_each(tmp_path: Path) -> None:
    memory = loaded(tmp_path)
    for expression in ("$.a", "  $.b\n", "$.c", "$.a"):
        memory.remember_filter(PAYMENT, expression)
    assert memory.filters(PAYMENT) == ("$.a", "$.c", "$.b")
    assert loaded(tmp_path).filters(PAYMENT) == ("$.a", "$.c", "$.b")


def test_nothing_to_remember_writes_nothing(tmp_path: Path) -> None:
    memory = loaded(tmp_path)
    memory.remember_filter(PAYMENT, "   ")
    memory.remember_filter(PAYMENT, "")
    memory.set_ignored(TRANSFERS, [" ", ""])  # nothing was remembered: nothing to forget
    assert memory.filters(PAYMENT) == () and memory.ignored(TRANSFERS) == ()
    assert not memory.path.exists()


def test_at_most_twenty_filters_the_oldest_go_first(tmp_path: Path) -> None:
    memory = loaded(tmp_path)
    for number in range(FILTERS_KEPT + 5):
        memory.remember_filter(PAYMENT, f"$.f{number}")
    expected = tuple(f"$.f{n}" for n in reversed(range(5, FILTERS_KEPT + 5)))
    assert FILTERS_KEPT == 20
    assert memory.filters(PAYMENT) == expected
    assert loaded(tmp_path).filters(PAYMENT) == expected


def test_ignore_patterns_are_stripped_deduplicated_in_order(tmp_path: Path) -> None:
    memory = loaded(tmp_path)
    memory.set_ignored(PAYMENT, [" $.b ", "", "header:Date", "$.b", "  ", "$.a"])
    assert memory.ignored(PAYMENT) == ("$.b", "header:Date", "$.a")
    memory.set_ignored(PAYMENT, iter(["$.z"]))  # replaces, and any iterable will do
    assert memory.ignored(PAYMENT) == ("$.z",)
    assert loaded(tmp_path).ignored(PAYMENT) == ("$.z",)


def test_one_string_is_not_taken_for_its_characters(tmp_path: Path) -> None:
    memory = loaded(tmp_path)
    with pytest.raises(TypeError):
        memory.set_ignored(PAYMENT, "$.created_at")
    assert memory.ignored(PAYMENT) == ()


def test_at_most_a_hundred_ignore_patterns_the_first_are_kept(tmp_path: Path) -> None:
    memory = loaded(tmp_path)
    patterns = [f"$.p{n}" for n in range(IGNORED_KEPT + 10)]
    memory.set_ignored(PAYMENT, patterns)
    assert IGNORED_KEPT == 100
    assert memory.ignored(PAYMENT) == tuple(patterns[:IGNORED_KEPT])
    assert loaded(tmp_path).ignored(PAYMENT) == tuple(patterns[:IGNORED_KEPT])


def test_no_patterns_forget_them_and_a_request_with_nothing_left(tmp_path: Path) -> None:
    memory = loaded(tmp_path)
    memory.remember_filter(PAYMENT, "$.id")
    memory.set_ignored(PAYMENT, ["$.created_at"])
    memory.set_ignored(TRANSFERS, ["header:Date"])
    memory.set_ignored(PAYMENT, [" ", ""])
    memory.set_ignored(TRANSFERS, [])
    again = loaded(tmp_path)
    assert again.ignored(PAYMENT) == () and again.filters(PAYMENT) == ("$.id",)
    assert again.ignored(TRANSFERS) == ()
    assert TRANSFERS not in again.path.read_text(encoding="utf-8")


def test_text_of_two_thousand_characters_is_remembered_and_longer_is_not(
    tmp_path: Path,
) -> None:
    longest = "$." + "a" * (MAX_TEXT_CHARS - 2)
    too_long = longest + "b"
    long_key = "GET /" + "k" * (MAX_TEXT_CHARS - 5)
    assert MAX_TEXT_CHARS == 2_000 and len(longest) == len(long_key) == 2_000
    memory = loaded(tmp_path)
    memory.remember_filter(PAYMENT, longest)
    memory.remember_filter(PAYMENT, too_long)
    memory.set_ignored(PAYMENT, [too_long, longest])
    memory.remember_filter(long_key, "$.x")
    memory.remember_filter(long_key + "k", "$.x")
    memory.set_ignored(long_key + "k", ["$.x"])
    again = loaded(tmp_path)
    assert again.problem is None
    assert again.filters(PAYMENT) == (longest,)
    assert again.ignored(PAYMENT) == (longest,)
    assert again.filters(long_key) == ("$.x",)
    assert again.filters(long_key + "k") == () and again.ignored(long_key + "k") == ()


def test_text_that_cannot_be_written_as_utf8_is_not_remembered(tmp_path: Path) -> None:
    memory = loaded(tmp_path)
    memory.remember_filter(PAYMENT, "$.a\ud800")
    memory.set_ignored(PAYMENT, ["$.b\udfff", "$.ok"])
    memory.remember_filter("GET /\ud800", "$.a")
    assert memory.problem is None  # the save did not fail on them
    again = loaded(tmp_path)
    assert again.problem is None
    assert again.filters(PAYMENT) == ()
    assert again.ignored(PAYMENT) == ("$.ok",)
    assert again.filters("GET /\ud800") == ()


def test_five_hundred_requests_the_least_recently_touched_go_first(tmp_path: Path) -> None:
    memory = loaded(tmp_path)
    keys = [f"GET /r{n}" for n in range(REQUESTS_KEPT)]
    for key in keys:
        memory.remember_filter(key, "$.id")
    memory.set_ignored(keys[0], ["header:Date"])  # touched: now the most recent
    memory.remember_filter(keys[1], "$.other")  # and now this one
    memory.remember_filter("GET /new", "$.id")
    assert REQUESTS_KEPT == 500
    assert memory.filters(keys[2]) == ()  # the least recently touched
    assert memory.ignored(keys[0]) == ("header:Date",)
    assert memory.filters(keys[1]) == ("$.other", "$.id")
    assert memory.filters(keys[3]) == ("$.id",)

    # The order outlives a restart: the next one to go is keys[3], not keys[0] or keys[1].
    again = loaded(tmp_path)
    assert again.problem is None
    again.set_ignored("GET /newer", ["$.x"])
    assert again.filters(keys[3]) == ()
    assert again.filters(keys[4]) == ("$.id",)
    assert again.ignored(keys[0]) == ("header:Date",)
    assert again.filters(keys[1]) == ("$.other", "$.id")
    assert again.filters("GET /new") == ("$.id",)
    third = loaded(tmp_path)
    assert third.filters(keys[3]) == () and third.ignored("GET /newer") == ("$.x",)
    assert len(json.loads(third.path.read_text(encoding="utf-8"))["requests"]) == REQUESTS_KEPT


def _file_size(newest_first: dict[str, list[str]]) -> int:
    """The size of the file remembering these ignore patterns, as ``save`` writes it."""
    entries = [{"key": k, "filters": [], "ignored": v} for k, v in newest_first.items()]
    document = {"version": 1, "requests": entries}
    return len((json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


@pytest.mark.parametrize("over", [0, 1])
def test_a_file_of_exactly_four_mb_is_kept_and_one_byte_more_is_not(
    tmp_path: Path, over: int
) -> None:
    # 100 patterns of 2,000 control characters, each written as 6 bytes: 1.2 MB a request.
    oldest_first = {
        f"GET /big{n}": [f"{n}{p:03}" + "\x01" * 1996 for p in range(100)] for n in range(3)
    }
    patterns: list[str] = []
    while True:  # fill the rest of 4 MB, to the byte
        oldest_first["GET /last"] = [*patterns, "a"]
        room = MAX_FILE_BYTES - _file_size(dict(reversed(oldest_first.items())))
        if room < MAX_TEXT_CHARS - 10:
            break
        filler = "\x01" if room > 7 * MAX_TEXT_CHARS else "a"  # 6 bytes, then 1
        patterns.append(f"{len(patterns):04}" + filler * (MAX_TEXT_CHARS - 4))
    oldest_first["GET /last"] = [*patterns, "a" * (1 + room + over)]
    assert _file_size(dict(reversed(oldest_first.items()))) == MAX_FILE_BYTES + over
    assert len(oldest_first["GET /last"]) <= IGNORED_KEPT

    memory = loaded(tmp_path)
    for key, ignored in oldest_first.items():
        memory.set_ignored(key, ignored)
    again = loaded(tmp_path)
    assert again.problem is None
    kept = [again.ignored(key) == tuple(ignored) for key, ignored in oldest_first.items()]
    assert kept == [memory.ignored(key) != () for key in oldest_first]
    if over:
        assert kept == [False, True, True, True]  # the least recently touched went
        assert memory.path.stat().st_size < MAX_FILE_BYTES
    else:
        assert kept == [True, True, True, True]
        assert memory.path.stat().st_size == MAX_FILE_BYTES


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"{not json", "could not be read"),
        (b"\xff\xfe{}", "could not be read"),  # not UTF-8
        (b'{"version": 1, "requests": [NaN]}', "could not be read"),
        (b"[" * 100_000 + b"]" * 100_000, "could not be read"),
        (b'["version", 1]', "not a JSON object"),
        (b'{"requests": []}', "unknown format"),
        (b'{"version": 2, "requests": []}', "unknown format"),
        (b'{"version": true, "requests": []}', "unknown format"),
        (b'{"version": 1, "requests": {"GET /a": []}}', "no list of requests"),
        (
            b'{"version": 1, "requests": [], "pad": "' + b"x" * MAX_FILE_BYTES + b'"}',
            "larger than 4 MB",
        ),
    ],
)
def test_a_file_that_cannot_be_used_is_set_aside_intact(
    tmp_path: Path, data: bytes, why: str
) -> None:
    path = tmp_path / "request-memory.json"
    path.write_bytes(data)
    memory = loaded(tmp_path)
    kept = kept_aside(tmp_path)
    assert memory.problem is not None
    assert why in memory.problem
    assert str(path) in memory.problem and str(kept) in memory.problem
    assert "none of it is used" in memory.problem
    assert kept.read_bytes() == data
    assert not path.exists()
    assert memory.filters("GET /a") == ()
    # The next change starts a clean file; the damaged one stays.
    memory.remember_filter(PAYMENT, "$.id")
    again = loaded(tmp_path)
    assert again.problem is None and again.filters(PAYMENT) == ("$.id",)
    assert kept_aside(tmp_path).read_bytes() == data


GOOD = {"key": "GET /good", "filters": ["$.a", "$.b"], "ignored": ["header:Date"]}


@pytest.mark.parametrize(
    ("entries", "why", "expected"),
    [
        (
            [{"key": "GET /\ud800", "filters": ["$.a"], "ignored": []}, GOOD],
            "request 1 has a key that is not valid text",
            {},
        ),
        ([{"key": 5, "filters": [], "ignored": []}, GOOD], "key that is not text", {}),
        ([{"key": "", "filters": ["$.a"], "ignored": []}, GOOD], "key that is empty", {}),
        ([["GET /a", "$.a"], GOOD], "request 1 is not a JSON object", {}),
        ([{"key": "GET /a", "filters": ["$.a"]}, GOOD], "has no list of ignored", {}),
        ([{"key": "GET /a", "filters": "$.a", "ignored": []}, GOOD], "no list of filters", {}),
        (
            [{"key": "GET /a", "filters": ["$.x", 5, None, "$.y"], "ignored": ["$.i", {}]}, GOOD],
            "request 1's filter 2 is not text",
            {"GET /a": (("$.x", "$.y"), ("$.i",))},
        ),
        (
            [{"key": "GET /a", "filters": ["$.\udc80", "$.y"], "ignored": []}, GOOD],
            "request 1's filter 1 is not valid text",
            {"GET /a": (("$.y",), ())},
        ),
        (
            [{"key": "GET /a", "filters": ["$." + "x" * 2000, "$.y"], "ignored": []}, GOOD],
            "is longer than 2,000 characters",
            {"GET /a": (("$.y",), ())},
        ),
        (
            [{"key": "GET /a", "filters": [f"$.f{n}" for n in range(25)], "ignored": []}, GOOD],
            "request 1 has more than 20 filters",
            {"GET /a": (tuple(f"$.f{n}" for n in range(20)), ())},
        ),
        (
            [{"key": "GET /good", "filters": ["$.newer"], "ignored": []}, GOOD],
            "request 2 repeats the key",
            {"GET /good": (("$.newer",), ())},
        ),
    ],
)
def test_unusable_entries_are_skipped_one_by_one_and_the_file_set_aside(
    tmp_path: Path,
    entries: list[object],
    why: str,
    expected: dict[str, tuple[tuple[str, ...], tuple[str, ...]]],
) -> None:
    data = write(tmp_path, {"version": 1, "requests": entries})
    memory = loaded(tmp_path)
    assert memory.problem is not None and why in memory.problem
    assert "partly unusable" in memory.problem
    assert str(kept_aside(tmp_path)) in memory.problem
    assert kept_aside(tmp_path).read_bytes() == data
    expected = {"GET /good": (("$.a", "$.b"), ("header:Date",)), **expected}
    for key, (filters, ignored) in expected.items():
        assert memory.filters(key) == filters
        assert memory.ignored(key) == ignored
    assert memory.filters("GET /a") == expected.get("GET /a", ((), ()))[0]


def test_more_than_five_hundred_requests_in_the_file_keeps_the_newest(tmp_path: Path) -> None:
    entries = [{"key": f"GET /r{n}", "filters": ["$.id"], "ignored": []} for n in range(510)]
    write(tmp_path, {"version": 1, "requests": entries})
    memory = loaded(tmp_path)
    assert memory.problem is not None and f"more than {REQUESTS_KEPT} requests" in memory.problem
    assert memory.filters("GET /r0") == ("$.id",)  # the file lists the newest first
    assert memory.filters(f"GET /r{REQUESTS_KEPT - 1}") == ("$.id",)
    assert memory.filters(f"GET /r{REQUESTS_KEPT}") == ()


def test_many_damaged_entries_are_counted_not_all_listed(tmp_path: Path) -> None:
    write(tmp_path, {"version": 1, "requests": [5] * 400})
    memory = loaded(tmp_path)
    assert memory.problem is not None and "and 397 more" in memory.problem
    assert len(memory.problem) < 500


def test_unknown_keys_are_kept_quiet(tmp_path: Path) -> None:
    # A newer version may add a field: that is no damage.
    entry = {**GOOD, "colour": "blue"}
    data = write(tmp_path, {"version": 1, "requests": [entry], "written_by": "2.0"})
    memory = loaded(tmp_path)
    assert memory.problem is None
    assert memory.filters("GET /good") == ("$.a", "$.b")
    assert memory.path.read_bytes() == data


def test_a_file_that_cannot_be_read_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    (tmp_path / "request-memory.json").mkdir()  # reading it fails with IsADirectoryError
    memory = loaded(tmp_path)
    assert memory.problem is not None and "could not be read" in memory.problem
    assert kept_aside(tmp_path).is_dir()
    memory.remember_filter(PAYMENT, "$.id")
    assert loaded(tmp_path).filters(PAYMENT) == ("$.id",)


def test_a_save_that_fails_is_a_problem_and_memory_keeps_the_change(tmp_path: Path) -> None:
    memory = loaded(tmp_path)
    memory.path.mkdir()  # a folder where the file goes: replacing it fails, even as root
    memory.remember_filter(PAYMENT, "$.id")
    memory.set_ignored(PAYMENT, ["header:Date"])
    assert memory.problem is not None
    assert memory.problem.startswith("Filters and ignore patterns could not be saved in ")
    assert str(memory.path) in memory.problem and "Traceback" not in memory.problem
    assert memory.filters(PAYMENT) == ("$.id",)
    assert memory.ignored(PAYMENT) == ("header:Date",)
    assert [p.name for p in tmp_path.iterdir()] == ["request-memory.json"]  # no temporary file

    memory.path.rmdir()
    memory.remember_filter(PAYMENT, "$.status")
    assert memory.problem is None  # saved again: the notice no longer holds
    again = loaded(tmp_path)
    assert again.filters(PAYMENT) == ("$.status", "$.id")
    assert again.ignored(PAYMENT) == ("header:Date",)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root writes into read-only folders",
)
def test_a_read_only_folder_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    memory = loaded(folder)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        memory.remember_filter(PAYMENT, "$.id")
    finally:
        folder.chmod(stat.S_IRWXU)
    assert memory.problem is not None and "could not be saved" in memory.problem
    assert memory.filters(PAYMENT) == ("$.id",)
    assert not memory.path.exists()


def _bounded(memory: RequestMemory, keys: list[str]) -> None:
    for key in keys:
        for values, limit in ((memory.filters(key), FILTERS_KEPT), (memory.ignored(key), 100)):
            assert isinstance(values, tuple) and len(values) <= limit
            assert len(set(values)) == len(values)
            for value in values:
                assert isinstance(value, str) and value and value == value.strip()
                assert len(value) <= MAX_TEXT_CHARS
                value.encode("utf-8")


@pytest.mark.parametrize("seed", range(6))
def test_any_json_reads_as_usable_memory_or_is_set_aside(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    keys = ["GET /a", "POST {{base}}/b", "\ud800", "x"]
    valid = {
        "version": 1,
        "requests": [
            {"key": "GET /a", "filters": ["$.a", "$.b", " $.c "], "ignored": ["header:Date"]},
            {"key": "POST {{base}}/b", "filters": [], "ignored": ["$.x", "$.y"]},
        ],
    }
    for number in range(60):
        folder = tmp_path / str(number)
        folder.mkdir()
        document = mutated(rng, valid, rate=0.5) if rng.random() < 0.8 else json_value(rng)
        data = damaged_text(rng, document)
        (folder / "request-memory.json").write_bytes(data)
        case = f"seed {seed}, case {number}: {data[:200]!r}"
        memory = loaded(folder)
        _bounded(memory, keys)
        if memory.problem is None:
            assert (folder / "request-memory.json").read_bytes() == data, case
        else:
            assert not (folder / "request-memory.json").exists(), case
            assert kept_aside(folder).read_bytes() == data, case
        # What was loaded is written back with the next change and read back as it was.
        before = {key: (memory.filters(key), memory.ignored(key)) for key in keys}
        memory.remember_filter("GET /touch", "$.t")
        again = loaded(folder)
        assert again.problem is None, case
        assert {key: (again.filters(key), again.ignored(key)) for key in keys} == before, case

"""The history of sent requests: recording, searching, retention, redaction, damage."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.core.prepare import PreparedRequest
from app.core.response import ResponseData
from app.storage.history import (
    BODY_IN_DB_LIMIT,
    HistoryError,
    HistoryStore,
    summary_matches,
)
from app.storage.settings import data_dir


def sent(
    url: str = "https://api.test/rest/v1/payments", method: str = "GET", body: bytes = b""
) -> PreparedRequest:
    return PreparedRequest(method, url, (("Accept", "application/json"),), body, 30.0)


def received(status: int = 200, body: bytes = b'{"ok": true}') -> ResponseData:
    return ResponseData(status, "OK", (("Content-Type", "application/json"),), body, 12.5)


@pytest.fixture
def store() -> Iterator[HistoryStore]:
    history = HistoryStore(data_dir())
    yield history
    history.close()


def test_record_and_get_round_trip(store: HistoryStore) -> None:
    entry_id = store.record(
        sent(method="POST", body=b'{"a": 1}'),
        received(201, b'{"id": "p1"}'),
        error_code=None,
        failure=None,
        secrets={},
        sent_at=1000.0,
    )
    entry = store.get(entry_id)
    assert entry is not None
    assert (entry.method, entry.url, entry.sent_at) == (
        "POST",
        "https://api.test/rest/v1/payments",
        1000.0,
    )
    assert entry.request_headers == (("Accept", "application/json"),)
    assert entry.request_body == b'{"a": 1}'
    assert (entry.status, entry.reason, entry.elapsed_ms) == (201, "OK", 12.5)
    assert entry.response_headers == (("Content-Type", "application/json"),)
    assert entry.response_body == b'{"id": "p1"}'
    assert entry.size > 0
    assert store.get(entry_id + 100) is None


def test_a_failure_without_response_is_recorded(store: HistoryStore) -> None:
    failure = "Nothing answered at api.test:443; check the address and try again."
    entry_id = store.record(sent(), None, error_code="timeout", failure=failure, secrets={})
    entry = store.get(entry_id)
    assert entry is not None
    assert (entry.status, entry.failure, entry.error_code) == (None, failure, "timeout")
    assert entry.response_body == b"" and entry.response_headers == ()
    [summary] = store.search(error_code="timeout")
    assert summary.failure == failure and summary.status is None


def test_search_is_newest_first_and_filters(store: HistoryStore) -> None:
    ids = {}
    for at, (method, url, status, code) in enumerate(
        [
            ("GET", "https://a.test/Payments/1", 200, None),
            ("POST", "https://a.test/payments", 400, "invalid_parameters"),
            ("GET", "https://b.test/users", 404, "not_found"),
            ("DELETE", "https://a.test/payments/1", 500, "internal_server_error"),
        ]
    ):
        ids[url, method] = store.record(
            sent(url, method),
            received(status),
            error_code=code,
            failure=None,
            secrets={},
            sent_at=float(at),
        )
    assert [s.url for s in store.search()] == [
        "https://a.test/payments/1",
        "https://b.test/users",
        "https://a.test/payments",
        "https://a.test/Payments/1",
    ]
    assert [s.method for s in store.search("PAYMENTS")] == ["DELETE", "POST", "GET"]
    assert [s.url for s in store.search(method="get")] == [
        "https://b.test/users",
        "https://a.test/Payments/1",
    ]
    assert [s.status for s in store.search(status="4xx")] == [404, 400]
    assert [s.status for s in store.search(status=500)] == [500]
    assert [s.status for s in store.search(status="200")] == [200]
    assert [s.error_code for s in store.search(error_code="not_found")] == ["not_found"]
    assert [s.status for s in store.search("payments", status="4xx")] == [400]
    assert len(store.search(limit=2)) == 2
    assert store.search("%") == [] and store.search("_") == []
    with pytest.raises(ValueError, match="4xx"):
        store.search(status="teapot")


def test_search_does_not_read_bodies(store: HistoryStore) -> None:
    big = b"x" * (BODY_IN_DB_LIMIT + 1)
    entry_id = store.record(sent(), received(body=big), error_code=None, failure=None, secrets={})
    (store.bodies / f"{entry_id}.bin").unlink()  # search must not need it
    [summary] = store.search()
    assert summary.response_size == len(big)


def test_big_bodies_live_in_files_not_in_the_database(store: HistoryStore) -> None:
    big_request = b"q" * (BODY_IN_DB_LIMIT + 1)
    big_response = b"r" * (BODY_IN_DB_LIMIT * 4)
    small = b"s" * BODY_IN_DB_LIMIT
    big_id = store.record(
        sent(body=big_request),
        received(body=big_response),
        error_code=None,
        failure=None,
        secrets={},
    )
    small_id = store.record(
        sent(body=small), received(body=small), error_code=None, failure=None, secrets={}
    )
    assert (store.bodies / f"{big_id}.bin").read_bytes() == big_response
    assert (store.bodies / f"{big_id}.request.bin").read_bytes() == big_request
    assert not list(store.bodies.glob(f"{small_id}.*"))
    store.close()
    assert b"rrrrrrrrrrrrrrrrrrrr" not in store.path.read_bytes()
    reopened = HistoryStore(store.path.parent)
    entry = reopened.get(big_id)
    assert entry is not None
    assert (entry.request_body, entry.response_body) == (big_request, big_response)
    small_entry = reopened.get(small_id)
    assert small_entry is not None and small_entry.response_body == small


def test_delete_and_clear_remove_body_files(store: HistoryStore) -> None:
    big = b"x" * (BODY_IN_DB_LIMIT + 1)
    first = store.record(sent(), received(body=big), error_code=None, failure=None, secrets={})
    second = store.record(sent(), received(body=big), error_code=None, failure=None, secrets={})
    store.delete(first)
    assert store.get(first) is None
    assert not (store.bodies / f"{first}.bin").exists()
    assert (store.bodies / f"{second}.bin").exists()
    store.clear()
    assert store.search() == []
    assert list(store.bodies.iterdir()) == []


def test_retention_by_count_drops_the_oldest() -> None:
    store = HistoryStore(data_dir(), max_entries=3)
    ids = [
        store.record(
            sent(f"https://h/{i}"),
            received(),
            error_code=None,
            failure=None,
            secrets={},
            sent_at=float(i),
        )
        for i in range(5)
    ]
    assert [s.id for s in store.search()] == ids[:1:-1]
    assert len(store) == 3
    store.set_limits(max_entries=1, max_bytes=store.max_bytes)
    assert [s.id for s in store.search()] == [ids[-1]]


def test_retention_by_size_counts_body_files_and_deletes_them() -> None:
    body = b"b" * (BODY_IN_DB_LIMIT * 2)
    store = HistoryStore(data_dir(), max_bytes=int(len(body) * 2.5))
    ids = [
        store.record(
            sent(), received(body=body), error_code=None, failure=None, secrets={}, sent_at=float(i)
        )
        for i in range(4)
    ]
    assert [s.id for s in store.search()] == [ids[3], ids[2]]
    assert sorted(p.name for p in store.bodies.iterdir()) == sorted(
        [f"{ids[2]}.bin", f"{ids[3]}.bin"]
    )


def test_the_newest_entry_stays_even_when_alone_over_the_size_limit() -> None:
    store = HistoryStore(data_dir(), max_bytes=10)
    store.record(sent(), received(), error_code=None, failure=None, secrets={}, sent_at=1.0)
    newest = store.record(
        sent(), received(body=b"z" * 1000), error_code=None, failure=None, secrets={}, sent_at=2.0
    )
    assert [s.id for s in store.search()] == [newest]


def test_no_byte_of_a_secret_reaches_any_file(store: HistoryStore) -> None:
    token = "tok-Zq8-very-secret"
    password = "pa55-w0rd"
    secrets = {"token": token, "password": password}
    basic = base64.b64encode(f"alice:{password}".encode()).decode()
    request = PreparedRequest(
        "POST",
        f"https://api.test/rest/v1/pay?key={token}&pw=pa55-w0rd",
        (("Authorization", f"Bearer {token}"), ("Proxy-Authorization", f"Basic {basic}")),
        f'{{"token": "{token}"}}'.encode(),
        30.0,
    )
    echo = f'{{"seen": "{token}", "pw": "{password}"}}'.encode()
    big_echo = echo * (BODY_IN_DB_LIMIT // len(echo) + 2)
    for response_body in (echo, big_echo):
        response = ResponseData(401, f"Bad token {token}", (("X-Echo", token),), response_body, 5.0)
        entry_id = store.record(
            request,
            response,
            error_code="unauthorized",
            failure=f"failed with {password}",
            secrets=secrets,
        )
        entry = store.get(entry_id)
        assert entry is not None
        assert entry.url == "https://api.test/rest/v1/pay?key=«secret:token»&pw=«secret:password»"
        assert ("Authorization", "Bearer «secret:token»") in entry.request_headers
        assert ("Proxy-Authorization", "Basic alice:«secret:password»") in entry.request_headers
        assert b"\xc2\xabsecret:token\xc2\xbb" in entry.response_body
    assert any(p.suffix == ".bin" for p in data_dir().rglob("*"))
    assert_no_secret_in_any_file((token, password, basic))  # the WAL included
    store.close()
    assert_no_secret_in_any_file((token, password, basic))


def assert_no_secret_in_any_file(values: tuple[str, ...]) -> None:
    files = [p for p in data_dir().rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        for value in values:
            assert value.encode() not in data, path


def test_a_corrupt_database_is_moved_aside_and_a_new_one_started() -> None:
    folder = data_dir()
    damaged = b"this is not a database, whatever it once was " * 100
    (folder / "history.sqlite3").write_bytes(damaged)
    store = HistoryStore(folder)
    assert store.problem is not None and "moved to" in store.problem
    [aside] = folder.glob("history.sqlite3.corrupt-*")
    assert aside.read_bytes() == damaged
    assert str(aside) in store.problem
    entry_id = store.record(sent(), received(), error_code=None, failure=None, secrets={})
    assert store.get(entry_id) is not None
    store.close()
    assert HistoryStore(folder).problem is None


def test_a_database_from_a_newer_version_is_left_alone() -> None:
    folder = data_dir()
    path = folder / "history.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = path.read_bytes()
    store = HistoryStore(folder)
    assert store.problem is not None and "newer version" in store.problem
    store.record(
        sent(),
        received(body=b"y" * (BODY_IN_DB_LIMIT + 1)),
        error_code=None,
        failure=None,
        secrets={},
    )
    assert len(store.search()) == 1
    store.close()
    assert path.read_bytes() == before
    assert not (folder / "history-bodies").exists()


def test_schema_version_and_wal_mode(store: HistoryStore) -> None:
    store.close()
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_a_version_1_database_is_migrated_and_keeps_its_entries(tmp_path: Path) -> None:
    from app.core.collection import AuthKind, AuthSpec
    from app.storage.history import _SCHEMA_V1

    path = tmp_path / "history.sqlite3"
    conn = sqlite3.connect(path)
    for statement in _SCHEMA_V1:
        conn.execute(statement)
    conn.execute(
        "INSERT INTO entry (sent_at, method, url, request_headers, request_body, status, reason,"
        " response_headers, response_body, elapsed_ms, error_code, failure, response_size, size)"
        " VALUES (1, 'GET', 'https://old/', '[]', x'', 200, 'OK', '[]', x'', 1, NULL, NULL, 0, 1)"
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    store = HistoryStore(tmp_path)
    old = store.get(store.search()[0].id)
    assert old is not None and old.url == "https://old/" and old.auth is None
    mac = AuthSpec(AuthKind.PAYSERA_MAC, (("mac_id", "{{id}}"), ("mac_key", "k3y")))
    new_id = store.record(
        PreparedRequest("GET", "https://new/", (), b"", 5),
        None,
        failure="x",
        secrets={"key": "k3y"},
        auth=mac,
        warning="verification off",
    )
    new = store.get(new_id)
    assert new is not None and new.warning == "verification off"
    assert new.auth == AuthSpec(
        AuthKind.PAYSERA_MAC, (("mac_id", "{{id}}"), ("mac_key", "«secret:key»"))
    )
    store.close()


def test_orphan_body_files_are_removed_on_open(store: HistoryStore) -> None:
    store.bodies.mkdir(parents=True, exist_ok=True)
    orphan = store.bodies / "999.bin"
    orphan.write_bytes(b"left by a crash")
    unrelated = store.bodies / "notes.txt"
    unrelated.write_text("mine")
    store.close()
    HistoryStore(store.path.parent).close()
    assert not orphan.exists()
    assert unrelated.exists()


def test_damaged_pages_are_found_and_each_damaged_file_kept() -> None:
    folder = data_dir()
    path = folder / "history.sqlite3"
    for round_ in range(2):
        store = HistoryStore(folder)
        for i in range(100):
            store.record(
                sent(f"https://h/{i}" * 20, body=b"x" * 3000),
                received(),
                error_code=None,
                failure=None,
                secrets={},
            )
        store.close()
        data = bytearray(path.read_bytes())
        for offset in range(4096 * 3, len(data), 4096):
            data[offset : offset + 50] = b"\xff" * 50
        path.write_bytes(bytes(data))
        damaged = HistoryStore(folder)
        assert damaged.problem is not None
        assert "malformed" in damaged.problem and "\n" not in damaged.problem
        assert damaged.search() == []
        damaged.close()
        assert len(list(folder.glob("history.sqlite3.corrupt-*[0-9]"))) == round_ + 1


def test_commits_wait_for_no_disk_sync_but_the_database_stays_consistent() -> None:
    # WAL with synchronous=NORMAL: a power cut may lose the last entries, never the
    # database. Both are per connection, so they are checked on the store's own.
    folder = data_dir()
    (folder / "history.sqlite3").write_bytes(b"damaged " * 512)
    for store in (HistoryStore(folder / "fresh"), HistoryStore(folder)):
        assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        store.close()


def test_a_missing_body_file_is_a_sentence_not_a_crash(store: HistoryStore) -> None:
    big = b"x" * (BODY_IN_DB_LIMIT + 1)
    entry_id = store.record(
        sent(body=big), received(body=big), error_code=None, failure=None, secrets={}
    )
    # What a power cut can do: the row is on disk, the body file's name is not.
    (store.bodies / f"{entry_id}.bin").unlink()
    with pytest.raises(HistoryError) as caught:
        store.get(entry_id)
    message = str(caught.value)
    assert f"response body of history entry {entry_id} is missing" in message
    assert str(store.bodies / f"{entry_id}.bin") in message and "\n" not in message
    (store.bodies / f"{entry_id}.request.bin").unlink()
    with pytest.raises(HistoryError, match="request body"):
        store.get(entry_id)
    summary = store.summary(entry_id)
    assert summary is not None and summary.response_size == len(big)
    assert [s.id for s in store.search()] == [entry_id]
    store.delete(entry_id)
    assert store.get(entry_id) is None


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, under which files are made readable by everyone unless kept private."""
    mask = os.umask(0o022)
    yield
    os.umask(mask)


def test_every_history_file_is_readable_only_by_the_user(umask_022: None) -> None:
    store = HistoryStore(data_dir())
    big = b"x" * (BODY_IN_DB_LIMIT + 1)
    entry_id = store.record(
        sent(body=big), received(body=big), error_code=None, failure=None, secrets={}
    )
    files = {p.name: mode(p) for p in store.path.parent.glob("history.sqlite3*")}
    assert files == {
        "history.sqlite3": 0o600,
        "history.sqlite3-wal": 0o600,
        "history.sqlite3-shm": 0o600,
    }
    assert mode(store.bodies) == 0o700
    bodies = {p.name: mode(p) for p in store.bodies.iterdir()}
    assert bodies == {f"{entry_id}.bin": 0o600, f"{entry_id}.request.bin": 0o600}
    store.close()


def test_a_history_an_older_version_left_readable_is_narrowed(umask_022: None) -> None:
    folder = data_dir()
    HistoryStore(folder).close()
    (folder / "history.sqlite3").chmod(0o644)
    store = HistoryStore(folder)
    store.record(sent(), received(), error_code=None, failure=None, secrets={})
    assert {p.name: mode(p) for p in folder.glob("history.sqlite3*")} == dict.fromkeys(
        ("history.sqlite3", "history.sqlite3-wal", "history.sqlite3-shm"), 0o600
    )
    store.close()


def test_a_new_history_after_a_damaged_one_is_private(umask_022: None) -> None:
    folder = data_dir()
    (folder / "history.sqlite3").write_bytes(b"not a database " * 100)
    store = HistoryStore(folder)
    assert store.problem is not None and "moved to" in store.problem
    store.record(sent(), received(), error_code=None, failure=None, secrets={})
    assert mode(folder / "history.sqlite3") == 0o600
    assert mode(folder / "history.sqlite3-wal") == 0o600
    store.close()


def test_limits_beyond_what_sqlite_holds_mean_no_limit() -> None:
    # A size limit from a damaged settings file once reached SQL as a number SQLite
    # cannot hold (OverflowError while recording).
    store = HistoryStore(data_dir(), max_entries=1, max_bytes=10**30)
    for _ in range(3):
        store.record(sent(), received(), error_code=None, failure=None, secrets={})
    assert len(store) == 1
    store.set_limits(max_entries=10**30, max_bytes=10**30)
    store.record(sent(), received(), error_code=None, failure=None, secrets={})
    assert len(store) == 2
    store.close()


def test_no_temporary_body_file_stays(store: HistoryStore) -> None:
    big = b"x" * (BODY_IN_DB_LIMIT + 1)
    entry_id = store.record(sent(), received(body=big), error_code=None, failure=None, secrets={})
    assert [p.name for p in store.bodies.iterdir()] == [f"{entry_id}.bin"]


def test_a_failed_record_leaves_no_body_file_and_says_why(store: HistoryStore) -> None:
    store.close()  # the app closing while the worker thread still records
    big = b"x" * (BODY_IN_DB_LIMIT + 1)
    with pytest.raises(HistoryError, match="could not be recorded"):
        store.record(sent(body=big), received(body=big), secrets={})
    assert not any(store.bodies.glob("*"))


def test_summary_is_the_row_search_lists(store: HistoryStore) -> None:
    entry_id = store.record(sent(), received(404), error_code="not_found", secrets={})
    assert store.summary(entry_id) == store.search()[0]
    assert store.summary(entry_id + 1) is None


def test_removals_and_existing_ids_tell_a_list_which_rows_went() -> None:
    store = HistoryStore(data_dir(), max_entries=2)
    first, second = (
        store.record(sent(), received(), secrets={}, sent_at=float(i)) for i in range(2)
    )
    assert store.removals == 0
    third = store.record(sent(), received(), secrets={}, sent_at=2.0)
    assert store.removals == 1
    assert store.existing_ids([first, second, third, 999]) == {second, third}
    assert store.existing_ids(range(1, 2000)) == {second, third}  # past SQLite's cap
    store.delete(second)
    store.clear()
    assert store.removals == 3
    assert store.existing_ids([third]) == set()


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"text": "PAY"},
        {"text": "users"},
        {"method": "post"},
        {"status": "4xx"},
        {"status": 500},
        {"status": " 404 "},
        {"error_code": "not_found"},
        {"text": "payments", "method": "GET", "status": "2xx"},
    ],
)
def test_summary_matches_agrees_with_search(store: HistoryStore, query: dict[str, object]) -> None:
    for method, url, status, code in [
        ("GET", "https://a.test/Payments/1", 200, None),
        ("POST", "https://a.test/payments", 400, "invalid_parameters"),
        ("GET", "https://b.test/users", 404, "not_found"),
        ("DELETE", "https://a.test/payments/1", 500, "internal_server_error"),
    ]:
        store.record(sent(url, method), received(status), error_code=code, secrets={})
    store.record(sent(), None, failure="refused", secrets={})
    found = {s.id for s in store.search(**query)}  # type: ignore[arg-type]
    assert {
        s.id
        for s in store.search()
        if summary_matches(s, **query)  # type: ignore[arg-type]
    } == found
    with pytest.raises(ValueError, match="4xx"):
        summary_matches(store.search()[0], status="teapot")


def test_a_worker_thread_records_while_the_main_thread_reads(store: HistoryStore) -> None:
    # The send pipeline records in a ThreadPoolExecutor while the GUI searches and reads.
    big = b"b" * (BODY_IN_DB_LIMIT + 1)
    reading = threading.Event()

    def record(i: int) -> int:
        if i == 1:  # the rest overlaps the main thread's reads
            assert reading.wait(timeout=10)
        body = big if i % 10 == 0 else b'{"i": %d}' % i
        return store.record(sent(f"https://h/{i}"), received(body=body), secrets={})

    with ThreadPoolExecutor(max_workers=1) as worker:
        futures = [worker.submit(record, i) for i in range(60)]
        while not all(f.done() for f in futures):
            for summary in store.search():
                entry = store.get(summary.id)
                assert entry is not None and entry.url == summary.url
            reading.set()
        ids = [f.result() for f in futures]
    assert [s.id for s in store.search()] == ids[::-1]
    assert store.get(ids[0]) is not None and store.get(ids[0]).response_body == big  # type: ignore[union-attr]


def test_reading_does_not_wait_while_a_big_body_is_being_written(
    store: HistoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier = store.record(sent(), received(), secrets={})
    writing = threading.Event()
    read = threading.Event()
    write_body = store._write_temp_body

    def slow_write(body: bytes) -> Path:
        writing.set()
        assert read.wait(timeout=10), "the main thread could not read meanwhile"
        return write_body(body)

    monkeypatch.setattr(store, "_write_temp_body", slow_write)
    big = b"x" * (BODY_IN_DB_LIMIT + 1)
    with ThreadPoolExecutor(max_workers=1) as worker:
        future = worker.submit(store.record, sent(), received(body=big), secrets={})
        assert writing.wait(timeout=10)
        assert [s.id for s in store.search()] == [earlier]  # would block if the lock were held
        read.set()
        newest = future.result(timeout=10)
    entry = store.get(newest)
    assert entry is not None and entry.response_body == big


def test_a_response_echoing_basic_credentials_or_a_mac_signature_keeps_neither(
    store: HistoryStore,
) -> None:
    """httpbin-style servers echo the request's headers in their body: the base64 token of
    Basic credentials and a MAC signature are derived from secrets and are redacted too."""
    password = "pa55-w0rd"
    basic = base64.b64encode(f"alice:{password}".encode()).decode()
    mac = "ZmFrZS1zaWduYXR1cmU="
    mac_header = f'MAC id="wallet", ts="1", nonce="n", mac="{mac}"'
    request = PreparedRequest(
        "GET",
        "https://api.test/rest/v1/anything",
        (("Authorization", f"Basic {basic}"),),
        b"",
        30.0,
    )
    signed = PreparedRequest(
        "GET", "https://api.test/x", (("Authorization", mac_header),), b"", 30.0
    )
    secrets = {"password": password, "mac_key": "k3y-k3y"}
    for sent_request, header in ((request, f"Basic {basic}"), (signed, mac_header)):
        echo = json.dumps({"headers": {"Authorization": header}}).encode()
        for body in (echo, echo * (BODY_IN_DB_LIMIT // len(echo) + 2)):
            response = ResponseData(200, "OK", (("X-Echo", header),), body, 5.0)
            entry_id = store.record(sent_request, response, secrets=secrets)
            entry = store.get(entry_id)
            assert entry is not None
            assert basic.encode() not in entry.response_body
            assert mac.encode() not in entry.response_body
    store.close()
    assert_no_secret_in_any_file((password, basic, mac))

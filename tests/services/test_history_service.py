"""HistoryService, the history as the window uses it: a search and a shown list that agree,
limits, and reopening an entry as a request with a sentence for what could not be."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.collection import AuthKind, AuthSpec
from app.core.history_query import HistoryQuery, parse_history_query
from app.core.prepare import PreparedRequest
from app.core.response import ResponseData
from app.services.history import HistoryError, HistoryService
from app.storage.history import BODY_IN_DB_LIMIT, HistoryStore

HOST = "https://api.test/rest/v1"
MAC_HEADER = ("Authorization", 'MAC id="wallet", ts="1700000000", nonce="n0nce", mac="c2ln"')


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    store = HistoryStore(tmp_path / "history")
    yield store
    store.close()


@pytest.fixture
def history(store: HistoryStore) -> HistoryService:
    return HistoryService(store)


def record(
    store: HistoryStore,
    path: str,
    *,
    method: str = "GET",
    status: int | None = 200,
    error_code: str | None = None,
    headers: tuple[tuple[str, str], ...] = (("Accept", "application/json"),),
    body: bytes = b"",
    auth: AuthSpec | None = None,
    sent_at: float | None = None,
) -> int:
    request = PreparedRequest(method, f"{HOST}{path}", headers, body, 30.0)
    response = None
    if status is not None:
        response = ResponseData(status, "", (("Content-Type", "application/json"),), b"{}", 5.0)
    return store.record(
        request,
        response,
        error_code=error_code,
        failure=None if status is not None else "Nothing answered at api.test:443.",
        secrets={},
        auth=auth,
        sent_at=sent_at,
    )


@pytest.fixture
def recorded(store: HistoryStore) -> list[int]:
    """Eight entries of every kind, oldest first."""
    entries = [
        ("/payments", "GET", 200, None),
        ("/payments", "POST", 201, None),
        ("/payments/10145", "GET", 404, "not_found"),
        ("/Payments/10145/refunds", "POST", 400, "invalid_parameters"),
        ("/transfers", "DELETE", 204, None),
        ("/server_time", "GET", 500, "internal_error"),
        ("/server_time", "GET", None, None),  # no response at all
        ("/users?name=payments", "PUT", 302, None),
    ]
    return [
        record(store, path, method=method, status=status, error_code=code, sent_at=1000.0 + i)
        for i, (path, method, status, code) in enumerate(entries)
    ]


QUERIES = [
    "",
    "payments",
    "PAYMENTS/10145",
    "method:post",
    "method:GET payments",
    "status:4xx",
    "status:404",
    "status:2xx method:DELETE",
    "status:5XX",
    "status:3xx users",
    "error:not_found",
    "code:invalid_parameters payments",
    "error:none_such",
    "nothing matches this",
]


@pytest.mark.parametrize("text", QUERIES)
def test_search_and_matches_agree(history: HistoryService, recorded: list[int], text: str) -> None:
    query = parse_history_query(text)
    found = history.search(query, limit=100)
    assert [s.id for s in found] == sorted((s.id for s in found), reverse=True)  # newest first
    everything = history.search(HistoryQuery(), limit=100)
    assert len(everything) == len(recorded)
    assert [s.id for s in everything if history.matches(s, query)] == [s.id for s in found]


def test_search_filters_what_the_box_says(history: HistoryService, recorded: list[int]) -> None:
    def urls(text: str) -> list[str]:
        return [s.url.removeprefix(HOST) for s in history.search(parse_history_query(text), 100)]

    assert urls("status:4xx") == ["/Payments/10145/refunds", "/payments/10145"]
    assert urls("method:post payments") == ["/Payments/10145/refunds", "/payments"]
    assert urls("error:not_found") == ["/payments/10145"]
    assert urls("status:5xx") == ["/server_time"]  # the one without a response has no status
    assert len(history.search(HistoryQuery(), limit=3)) == 3


def test_a_status_it_cannot_read_is_a_sentence(
    history: HistoryService, recorded: list[int]
) -> None:
    query = parse_history_query("status:teapot")
    message = '"teapot" is not a status: use a code such as 404 or a class such as 4xx.'
    with pytest.raises(ValueError) as raised:
        history.search(query, limit=10)
    assert str(raised.value) == message
    summary = history.summary(recorded[0])
    assert summary is not None
    with pytest.raises(ValueError, match="is not a status"):
        history.matches(summary, query)


def test_a_new_entry_is_listed_by_the_search_it_matches(
    history: HistoryService, store: HistoryStore, recorded: list[int]
) -> None:
    query = parse_history_query("payments status:2xx")
    new = record(store, "/payments?limit=5", status=200)
    summary = history.summary(new)
    assert summary is not None and history.matches(summary, query)
    assert history.search(query, limit=1)[0] == summary
    other = history.summary(record(store, "/transfers", status=200))
    assert other is not None and not history.matches(other, query)


def test_summaries_ids_and_clearing(
    history: HistoryService, store: HistoryStore, recorded: list[int]
) -> None:
    assert history.summary(recorded[-1] + 100) is None
    assert history.existing_ids([recorded[0], recorded[-1] + 100]) == {recorded[0]}
    removals = history.removals
    history.clear()
    assert history.search(HistoryQuery(), limit=100) == []
    assert history.existing_ids(recorded) == set()
    assert history.removals > removals


def test_limits_apply_at_once_and_the_oldest_go_first(
    history: HistoryService, recorded: list[int]
) -> None:
    assert history.limits() == (1000, 200)
    removals = history.removals
    history.set_limits(3, 1)
    assert history.limits() == (3, 1)
    assert [s.id for s in history.search(HistoryQuery(), limit=100)] == recorded[:-4:-1]
    assert history.removals > removals
    with pytest.raises(ValueError, match="at least one entry"):
        history.set_limits(0, 1)
    assert history.limits() == (3, 1)


# --- reopening -----------------------------------------------------------------------------


def test_reopening_gives_the_request_back(history: HistoryService, store: HistoryStore) -> None:
    entry_id = record(
        store,
        "/payments?limit=5",
        method="POST",
        headers=(("Content-Type", "application/json"), ("X-Trace", "t1")),
        body=b'{"amount": 5}',
    )
    reopened = history.reopen(entry_id)
    assert reopened.notice is None
    request = reopened.request
    assert (request.method, request.url, request.body) == (
        "POST",
        f"{HOST}/payments",
        '{"amount": 5}',
    )
    assert [(p.name, p.value) for p in request.params] == [("limit", "5")]
    assert [(h.name, h.value) for h in request.headers] == [("X-Trace", "t1")]


def test_reopening_an_entry_that_is_gone_says_so(
    history: HistoryService, store: HistoryStore
) -> None:
    entry_id = record(store, "/payments")
    store.delete(entry_id)
    with pytest.raises(HistoryError) as raised:
        history.reopen(entry_id)
    assert str(raised.value) == "That history entry is gone."


def test_reopening_an_entry_whose_body_was_lost_says_so(
    history: HistoryService, store: HistoryStore
) -> None:
    entry_id = record(store, "/upload", method="POST", body=b"x" * (BODY_IN_DB_LIMIT + 1))
    [body_file] = [p for p in store.bodies.iterdir() if p.is_file()]
    body_file.unlink()  # the computer stopped just after recording
    with pytest.raises(HistoryError) as raised:
        history.reopen(entry_id)
    message = str(raised.value)
    assert message.startswith("That history entry could not be opened: ")
    assert f"history entry {entry_id} is missing" in message
    assert "Traceback" not in message


def test_a_mac_signed_entry_reopens_without_the_signature_and_says_why(
    history: HistoryService, store: HistoryStore
) -> None:
    entry_id = record(store, "/wallets", headers=(MAC_HEADER, ("X-Trace", "t1")))
    reopened = history.reopen(entry_id)
    assert reopened.notice is not None
    assert "MAC signature was not copied" in reopened.notice
    assert "Paysera MAC" in reopened.notice
    assert [(h.name, h.value) for h in reopened.request.headers] == [("X-Trace", "t1")]


def test_a_mac_signed_entry_that_kept_its_auth_reopens_signing_afresh(
    history: HistoryService, store: HistoryStore
) -> None:
    auth = AuthSpec(AuthKind.PAYSERA_MAC, (("mac_id", "{{mac_id}}"), ("mac_key", "{{mac_key}}")))
    entry_id = record(store, "/wallets", headers=(MAC_HEADER,), auth=auth)
    reopened = history.reopen(entry_id)
    # The auth itself comes back, so every send is signed anew: nothing to warn about.
    assert reopened.notice is None
    assert reopened.request.auth == auth
    assert reopened.request.headers == ()

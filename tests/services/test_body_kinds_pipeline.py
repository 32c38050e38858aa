"""Form, multipart, file and GraphQL bodies through the real pipeline to a loopback server:
the exact bytes and parts it received, what history keeps, and re-opening from history."""

from __future__ import annotations

import asyncio
import email.policy
import json
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from app.core.collection import AuthKind, AuthSpec, SavedRequest
from app.core.request import BodyMode, FormField
from app.demo import DemoServer
from app.demo.server import DEMO_MAC_ID, DEMO_MAC_KEY
from app.http import body_files
from app.services import pipeline as pipeline_module
from app.services.history_records import request_from_history
from app.services.pipeline import Outcome, OutcomeKind, Pipeline, SendPlan
from app.services.workspace import Workspace
from app.storage.collection_store import CollectionStore, create_collection
from app.storage.history import HistoryStore
from tests.redirect_server import Received, RedirectServer, redirect_server

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40 + b"\r\n--\r\n"


@pytest.fixture
def server() -> Iterator[RedirectServer]:
    with redirect_server() as running:
        yield running


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    store = create_collection(tmp_path / "api", "API")
    (store.root / "files").mkdir()
    (store.root / "files" / "logo.png").write_bytes(PNG)
    (store.root / "files" / "payment.json").write_text('{"amount": {"amount": "1.00"}}\n')
    return store.root


@pytest.fixture
def workspace(collection: Path) -> Workspace:
    workspace = Workspace()
    workspace.set_collection(CollectionStore(collection).load())
    return workspace


@pytest.fixture
def history(tmp_path: Path) -> Iterator[HistoryStore]:
    store = HistoryStore(tmp_path / "history")
    yield store
    store.close()


def run(pipeline: Pipeline, *requests: SavedRequest) -> list[Outcome]:
    async def main() -> list[Outcome]:
        try:
            return [await pipeline.run(request, timeout_seconds=10) for request in requests]
        finally:
            await pipeline.aclose()

    return asyncio.run(main())


def parts_of(received: Received) -> list[EmailMessage]:
    """The parts of a multipart body, read by the standard library's MIME parser."""
    head = f"Content-Type: {received.headers['content-type']}\r\n\r\n".encode()
    message = email.message_from_bytes(head + received.body, policy=email.policy.HTTP)
    assert isinstance(message, EmailMessage) and message.is_multipart()
    return list(message.iter_parts())  # type: ignore[arg-type]


def test_a_form_goes_out_urlencoded(server: RedirectServer, workspace: Workspace) -> None:
    request = SavedRequest(
        "Form",
        method="POST",
        url=server.url("/form"),
        body_mode=BodyMode.FORM,
        form=(FormField("amount", "10.12"), FormField("note", "Jūratė & co")),
    )
    [outcome] = run(Pipeline(workspace), request)
    assert outcome.kind is OutcomeKind.RESPONDED, outcome.message
    [received] = server.received
    assert received.body == b"amount=10.12&note=J%C5%ABrat%C4%97+%26+co"
    assert received.headers["content-type"] == "application/x-www-form-urlencoded"


def test_a_multipart_form_sends_text_and_a_file_read_in_the_worker(
    server: RedirectServer, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[str] = []
    real_load = body_files.load_body

    def load_body(*args: object, **kwargs: object) -> body_files.LoadedBody:
        threads.append(threading.current_thread().name)
        return real_load(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline_module, "load_body", load_body)
    request = SavedRequest(
        "Upload",
        method="POST",
        url=server.url("/upload"),
        body_mode=BodyMode.MULTIPART,
        form=(
            FormField("note", "Jūratė"),
            FormField("logo", "files/logo.png", file=True),
            FormField("meta", '{"a": 1}', content_type="application/json"),
        ),
    )
    [outcome] = run(Pipeline(workspace), request)
    assert outcome.kind is OutcomeKind.RESPONDED, outcome.message
    assert threads and all(name.startswith("pipeline") for name in threads)
    [received] = server.received
    assert received.headers["content-type"].startswith("multipart/form-data; boundary=")
    note, logo, meta = parts_of(received)
    assert note.get_param("name", header="content-disposition") == "note"
    assert note.get_filename() is None
    assert note.get_payload(decode=True) == "Jūratė".encode()
    assert logo.get_param("name", header="content-disposition") == "logo"
    assert logo.get_filename() == "logo.png"
    assert logo.get_content_type() == "image/png"
    assert logo.get_payload(decode=True) == PNG
    assert meta.get_content_type() == "application/json"
    assert meta.get_payload(decode=True) == b'{"a": 1}'


def test_a_file_body_is_the_files_bytes(server: RedirectServer, workspace: Workspace) -> None:
    request = SavedRequest(
        "File",
        method="PUT",
        url=server.url("/file"),
        body="files/logo.png",
        body_mode=BodyMode.FILE,
    )
    [outcome] = run(Pipeline(workspace), request)
    assert outcome.kind is OutcomeKind.RESPONDED, outcome.message
    [received] = server.received
    assert received.body == PNG
    assert received.headers["content-type"] == "image/png"
    assert received.headers["content-length"] == str(len(PNG))


def test_graphql_goes_out_as_its_json(server: RedirectServer, workspace: Workspace) -> None:
    request = SavedRequest(
        "GraphQL",
        method="POST",
        url=server.url("/graphql"),
        body="query($id: ID!) { payment(id: $id) { amount } }",
        body_mode=BodyMode.GRAPHQL,
        graphql_variables='{"id": "10145"}',
    )
    [outcome] = run(Pipeline(workspace), request)
    assert outcome.kind is OutcomeKind.RESPONDED, outcome.message
    [received] = server.received
    assert json.loads(received.body) == {
        "query": "query($id: ID!) { payment(id: $id) { amount } }",
        "variables": {"id": "10145"},
    }
    assert received.headers["content-type"] == "application/json;charset=utf-8"


def test_a_missing_file_is_refused_with_a_sentence_and_nothing_is_sent(
    server: RedirectServer, workspace: Workspace, collection: Path
) -> None:
    request = SavedRequest(
        "Upload",
        method="POST",
        url=server.url("/upload"),
        body_mode=BodyMode.MULTIPART,
        form=(FormField("doc", "files/missing.pdf", file=True),),
    )
    [outcome] = run(Pipeline(workspace), request)
    assert outcome.kind is OutcomeKind.REFUSED
    assert outcome.message.startswith(
        f'The file "{collection / "files" / "missing.pdf"}" of field "doc" does not exist.'
    )
    assert server.received == []


def test_history_keeps_each_file_as_a_line_and_reopens_the_form(
    server: RedirectServer, workspace: Workspace, history: HistoryStore, collection: Path
) -> None:
    logo = str(collection / "files" / "logo.png")
    request = SavedRequest(
        "Upload",
        method="POST",
        url=server.url("/upload"),
        body_mode=BodyMode.MULTIPART,
        form=(
            FormField("note", "Jūratė"),
            FormField("logo", "files/logo.png", file=True),
            FormField("scan", "files/payment.json", file=True, content_type="text/plain"),
        ),
    )
    [outcome] = run(Pipeline(workspace, history=history), request)
    assert outcome.request is not None
    # The Request tab shows the parts, each file as a line; Content-Length counts the bytes.
    assert PNG not in outcome.request.body
    assert f"«file {logo}, {len(PNG)} bytes»".encode() in outcome.request.body
    assert outcome.request.header("Content-Length") == str(len(server.received[0].body))

    [summary] = history.search("")
    entry = history.get(summary.id)
    assert entry is not None
    assert PNG not in entry.request_body and len(entry.request_body) < 1000
    reopened = request_from_history(entry)
    assert reopened.body_mode is BodyMode.MULTIPART
    assert reopened.form == (
        FormField("note", "Jūratė"),
        FormField("logo", logo, file=True),
        FormField(
            "scan", str(collection / "files" / "payment.json"), file=True, content_type="text/plain"
        ),
    )
    assert all(h.name.lower() != "content-type" for h in reopened.headers)

    # Sent again from history, the server gets the same parts (under a new boundary).
    run(Pipeline(workspace), reopened)
    first, again = server.received
    assert [p.get_payload(decode=True) for p in parts_of(again)] == [
        p.get_payload(decode=True) for p in parts_of(first)
    ]


def test_history_reopens_form_file_and_graphql_bodies_as_such(
    server: RedirectServer, workspace: Workspace, history: HistoryStore, collection: Path
) -> None:
    form = SavedRequest(
        "Form",
        method="POST",
        url=server.url("/form"),
        body_mode=BodyMode.FORM,
        form=(FormField("a", "1 2"), FormField("b", "")),
    )
    file = SavedRequest(
        "File", method="PUT", url=server.url("/f"), body="files/logo.png", body_mode=BodyMode.FILE
    )
    graphql = SavedRequest(
        "GraphQL",
        method="POST",
        url=server.url("/graphql"),
        body="{ wallet { id } }",
        body_mode=BodyMode.GRAPHQL,
        graphql_variables='{\n  "n": 0.10\n}',
    )
    run(Pipeline(workspace, history=history), form, file, graphql)
    summaries = history.search("")
    entries = [history.get(s.id) for s in reversed(summaries)]
    reopened = [request_from_history(entry) for entry in entries if entry is not None]
    assert [r.body_mode for r in reopened] == [BodyMode.FORM, BodyMode.FILE, BodyMode.GRAPHQL]
    assert reopened[0].form == (FormField("a", "1 2"), FormField("b", ""))
    assert reopened[1].body == str(collection / "files" / "logo.png")
    assert reopened[1].headers == ()  # image/png comes back from the file's name
    assert (reopened[2].body, reopened[2].graphql_variables) == (
        "{ wallet { id } }",
        '{\n  "n": 0.10\n}',
    )


def test_a_file_is_read_again_at_each_send_of_one_plan(
    server: RedirectServer, workspace: Workspace, collection: Path
) -> None:
    (collection / "body.txt").write_text("first")
    pipeline = Pipeline(workspace)
    plan = pipeline.plan(
        SavedRequest(
            "File", method="POST", url=server.url("/f"), body="body.txt", body_mode=BodyMode.FILE
        )
    )
    assert isinstance(plan, SendPlan) and plan.prepared.body == b""

    async def twice() -> None:
        try:
            await pipeline.run_plan(plan)
            (collection / "body.txt").write_text("second")
            await pipeline.run_plan(plan)
        finally:
            await pipeline.aclose()

    asyncio.run(twice())
    assert [r.body for r in server.received] == [b"first", b"second"]
    assert [r.headers["content-type"] for r in server.received] == ["text/plain"] * 2


def test_a_mac_signs_the_files_bytes_even_when_signed_before_they_were_read(
    tmp_path: Path,
) -> None:
    # The window signs when it plans (to refuse a missing key at once), before any file is
    # read; the demo checks the body hash, so only a signature over the bytes sent passes.
    (tmp_path / "transfer.json").write_text('{"amount": {"amount": "1.00", "currency": "EUR"}}')
    auth = AuthSpec(AuthKind.PAYSERA_MAC, (("mac_id", DEMO_MAC_ID), ("mac_key", DEMO_MAC_KEY)))
    with DemoServer() as demo:
        pipeline = Pipeline(Workspace())
        plan = pipeline.plan(
            SavedRequest(
                "Transfer",
                method="POST",
                url=f"{demo.base_url}/rest/v1/mac/transfers",
                body=str(tmp_path / "transfer.json"),
                body_mode=BodyMode.FILE,
                auth=auth,
            )
        )
        assert isinstance(plan, SendPlan)
        signed = pipeline.sign(plan)

        async def send() -> Outcome:
            try:
                return await pipeline.execute(plan, signed)  # type: ignore[arg-type]
            finally:
                await pipeline.aclose()

        outcome = asyncio.run(send())
    assert outcome.kind is OutcomeKind.RESPONDED, outcome.message
    assert outcome.exchange is not None
    assert outcome.exchange.response.status < 300, outcome.exchange.response.body


def test_the_inherited_headers_name_the_content_type_each_kind_adds(
    workspace: Workspace,
) -> None:
    def added(request: SavedRequest) -> list[tuple[str, str]]:
        rows = workspace.inherited_headers(request, None)
        return [(h.value, h.origin) for h in rows if h.name == "Content-Type"]

    fields = (FormField("a", "1"),)
    cases = [
        (SavedRequest("J", body="{}"), "application/json;charset=utf-8", "with a JSON body"),
        (
            SavedRequest("F", body_mode=BodyMode.FORM, form=fields),
            "application/x-www-form-urlencoded",
            "with a urlencoded form",
        ),
        (
            SavedRequest("M", body_mode=BodyMode.MULTIPART, form=fields),
            "multipart/form-data; boundary=…",
            "with a multipart form (a new boundary each send)",
        ),
        (
            SavedRequest("P", body="files/logo.png", body_mode=BodyMode.FILE),
            "image/png",
            "from the file's name",
        ),
        (
            SavedRequest("G", body="{ x }", body_mode=BodyMode.GRAPHQL),
            "application/json;charset=utf-8",
            "with a GraphQL body",
        ),
    ]
    for request, value, why in cases:
        assert added(request) == [(value, f"the app, {why}")]
    # Nothing to send, nothing added; a raw body never gets one.
    for empty in (
        SavedRequest("F", body="{}", body_mode=BodyMode.FORM),
        SavedRequest("F", body_mode=BodyMode.FORM, form=(FormField("a", "1", enabled=False),)),
        SavedRequest("P", body_mode=BodyMode.FILE),
        SavedRequest("G", body_mode=BodyMode.GRAPHQL, form=fields),
        SavedRequest("R", body="a=1", body_mode=BodyMode.RAW),
    ):
        assert added(empty) == []

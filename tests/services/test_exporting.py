from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from app.core.collection import AuthKind, SavedRequest
from app.core.prepare import PreparedRequest
from app.core.request import BodyMode, FormField, KeyValue
from app.core.response import ResponseData
from app.core.urls import has_query, url_with_params
from app.formats import FormatError
from app.formats.curl import parse_command
from app.formats.har import read as read_har
from app.formats.postman import read
from app.resources import sample_collection
from app.services.exporting import (
    export_postman,
    folder_tree,
    history_har,
    history_snippet,
    request_snippet,
)
from app.services.pipeline import Pipeline
from app.services.workspace import Workspace
from app.storage.collection_store import load_collection
from app.storage.history import HistoryStore
from tests.services.pipeline_support import Api, mock_pipeline, secret_workspace
from tests.services.test_pipeline import run_with


@pytest.fixture
def sample() -> Path:
    return Path(str(sample_collection()))  # a plain folder in the source tree


def _sent_url(request: SavedRequest) -> str:
    """The URL with the enabled params, as the builder and the sender put them together."""
    return request.url if has_query(request.url) else url_with_params(request.url, request.params)


def test_the_sample_collection_goes_to_postman_and_reads_back_the_same(sample: Path) -> None:
    loaded = load_collection(sample)
    text = export_postman(loaded)
    document = json.loads(text)
    assert document["info"]["name"] == "Demo API (sample)"
    back = read(text.encode(), "sample.postman_collection.json")
    ours = sorted(
        (n.request.method, _sent_url(n.request))
        for n in loaded.tree.walk()
        if n.request is not None
    )
    theirs = sorted((r.method, _sent_url(r)) for _, r in back.requests())
    assert len(theirs) == len(ours) == 26  # counted in the sample collection folder
    assert theirs == ours
    assert sorted(back.folders()) == ["Auth", "Errors", "Payments", "Server", "Wallet"]


def test_a_folder_exported_alone_keeps_what_it_inherits(sample: Path) -> None:
    loaded = load_collection(sample)
    tree, inherited = folder_tree(loaded, Path("payments"))
    assert tree.name == "Payments" and inherited  # the collection's header, at least
    document = json.loads(export_postman(loaded, Path("payments")))
    assert document["info"]["name"] == "Demo API (sample) - Payments"
    first = document["item"][0]["request"]
    assert {"key": "Accept-Language", "value": "en"}.items() <= first["header"][0].items()
    mac = read(export_postman(loaded, Path("auth")).encode(), "auth.json")
    # Postman cannot sign Paysera MAC: written as no auth, and said in the description.
    assert all(r.auth.kind in (AuthKind.NONE, AuthKind.INHERIT) for _, r in mac.requests())
    with pytest.raises(FormatError, match="not a folder or request"):
        folder_tree(loaded, Path("nowhere"))


TOKEN = "tok-Zx81-secret"
ECHO = SavedRequest(
    "Echo",
    method="POST",
    url="{{host}}/echo?key={{token}}",
    headers=(KeyValue("Authorization", "Bearer {{token}}"),),
    body='{"token": "{{token}}"}',
)


@pytest.mark.parametrize("kind", ["curl", "httpie", "httpx"])
def test_a_request_as_a_snippet_names_its_secrets_unless_asked(tmp_path: Path, kind: str) -> None:
    pipeline = Pipeline(secret_workspace(tmp_path, TOKEN))
    text = request_snippet(pipeline, ECHO, None, kind)
    assert TOKEN not in text
    assert "{{token}}" in text and "https://api.test/echo" in text
    shown = request_snippet(pipeline, ECHO, None, kind, include_secrets=True)
    assert TOKEN in shown and "{{token}}" not in shown
    with pytest.raises(ValueError, match="missing"):
        request_snippet(pipeline, replace(ECHO, url="{{missing}}/x"), None, kind)


def test_history_entries_go_out_as_curl_and_har_with_their_secrets_still_hidden(
    tmp_path: Path,
) -> None:
    history = HistoryStore(tmp_path / "data")
    api = Api(lambda request: httpx.Response(201, json={"echo": request.headers["Authorization"]}))
    pipeline = mock_pipeline(api, secret_workspace(tmp_path, TOKEN), history)
    run_with(pipeline, lambda p: p.run(ECHO))
    (summary,) = history.search()
    entry = history.get(summary.id)
    assert entry is not None
    command = history_snippet(entry)
    assert command.startswith("curl") and TOKEN not in command and "{{token}}" in command
    har = json.loads(history_har([entry], "1.2.3"))
    (logged,) = har["log"]["entries"]
    assert logged["response"]["status"] == 201
    assert logged["request"]["method"] == "POST"
    assert TOKEN not in json.dumps(har)
    back = read_har(json.dumps(har).encode(), "history.har")
    assert [r.method for _, r in back.requests()] == ["POST"]
    history.close()


def test_a_body_of_files_is_named_in_curl_and_carried_in_the_others(tmp_path: Path) -> None:
    (tmp_path / "receipt.pdf").write_bytes(b"%PDF-1.4 tiny")
    pipeline = Pipeline(Workspace(app_variables={"host": "https://api.test"}))
    upload = SavedRequest(
        "Upload",
        method="PUT",
        url="https://api.test/files",
        body_mode=BodyMode.MULTIPART,
        form=(
            FormField("note", "for; the record"),
            FormField("file", str(tmp_path / "receipt.pdf"), file=True),
        ),
    )
    command = request_snippet(pipeline, upload, None, "curl")
    assert "--form-string 'note=for; the record'" in command
    assert f"-F file=@{tmp_path}/receipt.pdf" in command
    assert " -X PUT " in command.split("\n")[0] and "multipart/form-data" not in command
    request, _report, _secrets = parse_command(command)
    assert request.method == "PUT" and request.body_mode is BodyMode.MULTIPART
    assert [(f.name, f.file) for f in request.form] == [("note", False), ("file", True)]
    httpx_script = request_snippet(pipeline, upload, None, "httpx")
    assert "%PDF-1.4 tiny" in httpx_script  # the bytes themselves, the file being small

    raw = replace(upload, body_mode=BodyMode.FILE, body=str(tmp_path / "receipt.pdf"), form=())
    assert f"--data-binary @{tmp_path}/receipt.pdf" in request_snippet(pipeline, raw, None)


def test_a_history_entry_with_a_redacted_basic_header_exports_as_har(tmp_path: Path) -> None:
    # History keeps "Basic user:«secret:pw»": base64 of that raised ValueError (non-ASCII),
    # which the redaction did not catch, and every HAR export of such an entry failed.
    history = HistoryStore(tmp_path / "data")
    prepared = PreparedRequest(
        "GET", "https://api.test/x", (("Authorization", "Basic user:«secret:pw»"),), b"", 30.0
    )
    history.record(prepared, ResponseData(200, "OK", (), b"{}", 3.0), secrets={})
    (summary,) = history.search()
    entry = history.get(summary.id)
    assert entry is not None
    har = json.loads(history_har([entry]))
    assert har["log"]["entries"][0]["response"]["status"] == 200
    history.close()

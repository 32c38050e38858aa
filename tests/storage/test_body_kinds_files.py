"""Form, multipart, file and GraphQL bodies in request files and drafts: written readably,
read back exactly, refused with a line when wrong, and older files unchanged."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from app.core.collection import CollectionFileError, SavedRequest
from app.core.request import BodyMode, FormField
from app.core.tabs import OpenTab, TabSession
from app.storage.collection_files import dump_request, parse_request
from app.storage.drafts import DraftStore

FIELDS = (
    FormField("amount", "{{amount}}"),
    FormField("note", 'Jūratė: "quoted"\nsecond line'),
    FormField("avatar", "files/avatar.png", file=True),
    FormField("scan", "/tmp/scan.pdf", file=True, content_type="application/pdf", enabled=False),
    FormField("meta", '{"a": 1}', content_type="application/json"),
    FormField("", ""),
)


def round_trip(request: SavedRequest) -> str:
    text = dump_request(request)
    back = parse_request(text, "x.request.yaml")
    assert back == request
    assert dump_request(back) == text, "saving an unchanged request must give identical bytes"
    return text


def test_a_multipart_form_is_written_as_readable_fields() -> None:
    request = SavedRequest("Upload", "POST", "/upload", body_mode=BodyMode.MULTIPART, form=FIELDS)
    assert round_trip(request) == (
        "name: Upload\n"
        "method: POST\n"
        "url: /upload\n"
        "body_mode: multipart\n"
        "form:\n"
        "  - name: amount\n"
        "    value: '{{amount}}'\n"
        "  - name: note\n"
        "    value: |-\n"
        '      Jūratė: "quoted"\n'
        "      second line\n"
        "  - name: avatar\n"
        "    file: files/avatar.png\n"
        "  - name: scan\n"
        "    file: /tmp/scan.pdf\n"
        "    content_type: application/pdf\n"
        "    enabled: false\n"
        "  - name: meta\n"
        "    value: '{\"a\": 1}'\n"
        "    content_type: application/json\n"
        "  - name: ''\n"
        "    value: ''\n"
    )


def test_a_urlencoded_form_a_file_and_graphql_round_trip() -> None:
    form = SavedRequest(
        "Form",
        "POST",
        "/form",
        body_mode=BodyMode.FORM,
        form=(FormField("a", "1"), FormField("b", "", enabled=False)),
    )
    assert "body_mode: form\nform:\n  - name: a\n    value: '1'\n" in round_trip(form)

    file = SavedRequest("File", "PUT", "/f", body="files/payload.bin", body_mode=BodyMode.FILE)
    assert round_trip(file).endswith("body_mode: file\nbody: files/payload.bin\n")

    graphql = SavedRequest(
        "GraphQL",
        "POST",
        "/graphql",
        body="query Pay($id: ID!) {\n  payment(id: $id) { amount }\n}\n",
        body_mode=BodyMode.GRAPHQL,
        graphql_variables='{\n  "id": "{{payment_id}}"\n}\n',
    )
    assert round_trip(graphql).endswith(
        "body_mode: graphql\n"
        "body: |\n"
        "  query Pay($id: ID!) {\n"
        "    payment(id: $id) { amount }\n"
        "  }\n"
        "graphql_variables: |\n"
        "  {\n"
        '    "id": "{{payment_id}}"\n'
        "  }\n"
    )


def test_what_another_mode_holds_is_kept_with_the_request() -> None:
    request = SavedRequest(
        "Switched",
        "POST",
        "/p",
        body='{"typed": "as JSON first"}',
        body_mode=BodyMode.FORM,
        form=(FormField("a", "1"),),
        graphql_variables='{"id": 1}',
    )
    round_trip(request)


def test_request_files_written_before_these_kinds_read_and_save_unchanged() -> None:
    sample = files("app.resources") / "sample-collection"
    texts: list[str] = []
    for folder in sample.iterdir():
        if folder.is_dir():
            texts += [f.read_text("utf-8") for f in folder.iterdir() if f.name.endswith(".yaml")]
    requests = [t for t in texts if t.startswith("name:") and "\nmethod:" in t]
    assert len(requests) > 20
    for text in requests:
        request = parse_request(text, "sample.request.yaml")
        assert request.form == () and request.graphql_variables == ""
        assert request.body_mode in (BodyMode.JSON, BodyMode.RAW)
        assert dump_request(request) == text


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (
            "name: x\nform:\n  - name: a\n    value: '1'\n    file: a.png\n",
            5,
            "form field a has both a value and a file: keep one",
        ),
        ("name: x\nform:\n  - name: a\n    filename: a.png\n", 4, "unknown key 'filename'"),
        (
            "name: x\nform:\n  - name: a\n    file: true\n",
            4,
            "file takes the file's path (file: files/a.png), not true or false",
        ),
        ("name: x\nform: a=1\n", 2, "expected a list of form fields"),
        (
            "name: x\nform:\n  - name: a\n    type: image/png\n",
            4,
            "unknown key 'type' (known keys: name, value, file, content_type, enabled)",
        ),
        ("name: x\ngraphql_variables: [1]\n", 2, "expected text for graphql_variables"),
        ("name: x\ngraphql_vars: '{}'\n", 2, "did you mean 'graphql_variables'?"),
    ],
)
def test_bad_body_fields_are_reported_with_their_line(text: str, line: int, reason: str) -> None:
    with pytest.raises(CollectionFileError) as caught:
        parse_request(text, "x.request.yaml")
    assert caught.value.line == line
    assert reason in caught.value.reason


def test_drafts_keep_every_kind(tmp_path: Path) -> None:
    current = SavedRequest(
        "Upload",
        "POST",
        "/upload",
        body="query { x }",
        body_mode=BodyMode.GRAPHQL,
        form=FIELDS,
        graphql_variables='{"id": 1}',
    )
    saved = SavedRequest("Upload", "POST", "/upload", body_mode=BodyMode.MULTIPART, form=FIELDS[:2])
    session = TabSession((OpenTab("t1", current, saved, "upload.request.yaml"),))
    store = DraftStore(tmp_path)
    store.save(session)
    assert DraftStore(tmp_path).load() == session

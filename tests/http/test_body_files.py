"""Bodies read from files: the exact multipart bytes, a file as the body, and a sentence for
every file that cannot be sent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core.prepare import prepare_request
from app.core.request import BodyMode, FormField, KeyValue, RequestSpec
from app.http import body_files
from app.http.body_files import (
    BodyFileError,
    BodyFiles,
    guess_content_type,
    load_body,
    resolve_path,
    summary_line,
)

URL = "https://api.test/upload"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00binary\r\n--not-a-boundary\r\n"


def _load(request: RequestSpec, root: Path | None, boundary: str | None = None):  # type: ignore[no-untyped-def]
    files = BodyFiles.of(request, root)
    assert files is not None
    return load_body(prepare_request(request), files, boundary=boundary)


def test_a_multipart_form_has_exact_parts_and_a_boundary_in_its_content_type(
    tmp_path: Path,
) -> None:
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "logo.png").write_bytes(PNG)
    (tmp_path / "notes.unknownext").write_bytes(b"plain")
    request = RequestSpec(
        "POST",
        URL,
        body_mode=BodyMode.MULTIPART,
        form=(
            FormField("note", "Jūratė\r\nline 2"),
            FormField('say "hi"', "{}", content_type="application/json"),
            FormField("logo", "files/logo.png", file=True),
            FormField("raw", str(tmp_path / "notes.unknownext"), file=True),
            FormField("off", "x", enabled=False),
        ),
    )
    loaded = _load(request, tmp_path, boundary="XyZ")
    assert loaded.request.header("Content-Type") == "multipart/form-data; boundary=XyZ"
    logo = str(tmp_path / "files" / "logo.png")
    notes = str(tmp_path / "notes.unknownext")
    assert loaded.request.body == (
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="note"\r\n\r\n'
        + "Jūratė\r\nline 2".encode()
        + b"\r\n--XyZ\r\n"
        b'Content-Disposition: form-data; name="say %22hi%22"\r\n'
        b"Content-Type: application/json\r\n\r\n"
        b"{}\r\n--XyZ\r\n"
        b'Content-Disposition: form-data; name="logo"; filename="logo.png"\r\n'
        b"Content-Type: image/png\r\n\r\n" + PNG + b"\r\n--XyZ\r\n"
        b'Content-Disposition: form-data; name="raw"; filename="notes.unknownext"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
        b"plain\r\n--XyZ--\r\n"
    )
    # What the Request tab and history keep: the same parts, each file as a line naming it.
    shown = loaded.shown.decode()
    assert summary_line(logo, len(PNG)) in shown and summary_line(notes, 5) in shown
    assert "PNG" not in shown and "Jūratė\r\nline 2" in shown


def test_a_random_boundary_never_occurs_in_the_content(tmp_path: Path) -> None:
    request = RequestSpec(
        "POST", URL, body_mode=BodyMode.MULTIPART, form=(FormField("a", "----APIExplorer"),)
    )
    boundaries = set()
    for _ in range(5):
        loaded = _load(request, tmp_path)
        content_type = loaded.request.header("Content-Type")
        assert content_type is not None
        boundary = content_type.split("boundary=", 1)[1]
        assert loaded.request.body.count(boundary.encode()) == 2  # one part, then the end
        boundaries.add(boundary)
    assert len(boundaries) == 5


def test_a_file_body_is_the_files_bytes_with_a_guessed_or_own_content_type(
    tmp_path: Path,
) -> None:
    (tmp_path / "payment.json").write_bytes(b'{"amount": "1.00"}')
    loaded = _load(RequestSpec("PUT", URL, body="payment.json", body_mode=BodyMode.FILE), tmp_path)
    assert loaded.request.body == b'{"amount": "1.00"}'
    assert loaded.request.header("Content-Type") == "application/json"
    assert loaded.shown == summary_line(str(tmp_path / "payment.json"), 18).encode()

    own = RequestSpec(
        "PUT",
        URL,
        headers=(KeyValue("content-type", "application/vnd.api+json"),),
        body="payment.json",
        body_mode=BodyMode.FILE,
    )
    types = [v for k, v in _load(own, tmp_path).request.headers if k.lower() == "content-type"]
    assert types == ["application/vnd.api+json"]


def test_paths_are_taken_from_the_collection_folder_unless_absolute_or_home() -> None:
    root = Path("/collections/api")
    assert resolve_path("files/a.png", root) == "/collections/api/files/a.png"
    assert resolve_path(" /tmp/a.png ", root) == "/tmp/a.png"
    assert resolve_path("~/a.png", root) == str(Path.home() / "a.png")
    assert resolve_path("a.png", None) == "a.png"
    assert guess_content_type("{{dir}}/report.csv") == "text/csv"
    assert guess_content_type("no-extension") == "application/octet-stream"


def _refusal(request: RequestSpec, root: Path) -> str:
    with pytest.raises(BodyFileError) as caught:
        _load(request, root)
    return str(caught.value)


def test_a_missing_file_or_a_folder_is_a_sentence_naming_it(tmp_path: Path) -> None:
    missing = RequestSpec("POST", URL, body="gone.bin", body_mode=BodyMode.FILE)
    assert _refusal(missing, tmp_path) == (
        f'The body file "{tmp_path / "gone.bin"}" does not exist. Check the path in the Body '
        "tab (a relative path starts at the collection folder)."
    )
    folder = RequestSpec(
        "POST",
        URL,
        body_mode=BodyMode.MULTIPART,
        form=(FormField("doc", ".", file=True),),
    )
    assert _refusal(folder, tmp_path).startswith(
        f'The file "{tmp_path}" of field "doc" is a folder, not a file.'
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable files")
def test_an_unreadable_file_says_why(tmp_path: Path) -> None:
    secret = tmp_path / "locked.bin"
    secret.write_bytes(b"x")
    secret.chmod(0)
    request = RequestSpec("POST", URL, body=str(secret), body_mode=BodyMode.FILE)
    assert _refusal(request, tmp_path) == (
        f'The body file "{secret}" cannot be read (Permission denied). Check the path in the '
        "Body tab (a relative path starts at the collection folder)."
    )


def test_a_pipe_is_refused_rather_than_read_for_ever(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    # Opened for writing too, so opening it to read does not wait for a writer.
    writer = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
    try:
        request = RequestSpec("POST", URL, body=str(fifo), body_mode=BodyMode.FILE)
        assert "is not a regular file" in _refusal(request, tmp_path)
    finally:
        os.close(writer)


def test_files_over_the_bound_are_refused_with_the_bound_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(body_files, "MAX_BODY_FILE_BYTES", 3 * 1024)
    (tmp_path / "a.bin").write_bytes(b"a" * 2048)
    (tmp_path / "b.bin").write_bytes(b"b" * 2048)
    one = RequestSpec(
        "POST", URL, body_mode=BodyMode.MULTIPART, form=(FormField("a", "a.bin", file=True),)
    )
    assert _load(one, tmp_path).request.body.count(b"a" * 2048) == 1
    both = RequestSpec(
        "POST",
        URL,
        body_mode=BodyMode.MULTIPART,
        form=(FormField("a", "a.bin", file=True), FormField("b", "b.bin", file=True)),
    )
    assert _refusal(both, tmp_path) == (
        f'The file "{tmp_path / "b.bin"}" of field "b" is 2 KB: a body read from files may '
        "hold at most 3 KB in all (it is held in memory to be signed and sent). Send a "
        "smaller file."
    )
    (tmp_path / "big.bin").write_bytes(b"c" * 4096)
    big = RequestSpec("POST", URL, body="big.bin", body_mode=BodyMode.FILE)
    assert _refusal(big, tmp_path).startswith(f'The body file "{tmp_path / "big.bin"}" is 4 KB:')


def test_the_real_bound_is_512_mb() -> None:
    assert body_files.MAX_BODY_FILE_BYTES == 512 * 1024 * 1024

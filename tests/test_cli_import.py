"""``api-explorer import``: a file in any format the app reads becomes a new collection; the
report goes to stdout; a file of no known format, or a folder in use, is one sentence on
stderr, exit 2, and nothing written."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.storage.collection_store import load_collection

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
BRUNO = CORPUS / "postman" / "bruno-basic-auth-folder.postman_collection.json"


def test_a_postman_collection_becomes_a_collection_and_its_passwords_stay_out_of_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "bruno"
    assert main(["import", str(BRUNO), "--into", str(target), "--name", "Bruno auth"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        f"Imported Postman collection v2.1 into {target}: 8 requests in 3 folders"
    )
    assert "Secret values stored in this computer's secret store" in out
    loaded = load_collection(target)
    assert loaded.name == "Bruno auth" and loaded.problems == ()
    assert sum(1 for node in loaded.tree.walk() if node.request is not None) == 8
    # The literal passwords of the corpus file, counted by hand.
    passwords = ("johnm", "leaf-pass", "folder-pass", "johndoe1", "leaf-pass2", "johndoefolder")
    for path in target.rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert not [value for value in passwords if value in text], path


def test_a_file_of_no_known_format_exits_2_with_a_sentence_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("milk, eggs\n")
    target = tmp_path / "out"
    assert main(["import", str(junk), "--into", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("api-explorer: notes.txt is not something this app can import")
    assert not target.exists()


def test_a_folder_with_files_in_it_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["import", str(BRUNO), "--into", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_a_curl_command_comes_from_stdin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    command = b"curl -X POST https://api.example/rest/v1/payments -H 'Accept: application/json'"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(command)))
    assert main(["import", "-", "--into", str(tmp_path / "pasted")]) == 0
    assert "1 request" in capsys.readouterr().out
    loaded = load_collection(tmp_path / "pasted")
    requests = [n.request for n in loaded.tree.walk() if n.request is not None]
    assert [(r.method, r.url) for r in requests] == [
        ("POST", "https://api.example/rest/v1/payments")
    ]


def test_a_raml_definition_is_read_with_its_includes_beside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api = Path(__file__).parent / "formats" / "raml" / "wallet-api" / "api.raml"
    assert main(["import", str(api), "--into", str(tmp_path / "wallet")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Imported RAML 1.0")
    loaded = load_collection(tmp_path / "wallet")
    assert loaded.problems == ()
    assert any(node.request is not None for node in loaded.tree.walk())

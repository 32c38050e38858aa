from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest

from app.core.collection import AuthKind, AuthSpec, Defaults, Environment, SavedRequest, Variable
from app.formats import Imported, ImportedFolder, ReportLine
from app.services.importing import write_imported
from app.storage.collection_store import CollectionWriteError, load_collection
from app.storage.secrets import FileSecretStore

SECRET = "s3cr3t-t0ken-value"


def _imported() -> Imported:
    token = SavedRequest(
        "Get token",
        method="POST",
        url="{{baseUrl}}/oauth/token",
        auth=AuthSpec(AuthKind.BEARER, (("token", "{{token}}"),)),
    )
    same_name = SavedRequest("Get token", url="{{baseUrl}}/oauth/again")
    nested = ImportedFolder(
        "Cards / PCI",
        (SavedRequest("List cards", url="{{baseUrl}}/cards"),),
        description="Card endpoints.",
    )
    root = ImportedFolder(
        "Wise Cards",
        (ImportedFolder("Auth", (token, same_name)), nested, SavedRequest("Ping", url="/ping")),
        defaults=Defaults(base_url="https://api.example", variables=(Variable("a", "1"),)),
    )
    return Imported(
        "Test format",
        root,
        environments=(Environment("Wise Cards", (Variable("token", secret=True),)),),
        secrets=MappingProxyType({("Wise Cards", "token"): SECRET}),
        report=(ReportLine("Auth / Get token", "A test script was not carried over."),),
    )


def test_an_import_becomes_a_collection_folder_and_its_secrets_go_to_the_store(
    tmp_path: Path,
) -> None:
    store = FileSecretStore(tmp_path / "secrets.json")
    written = write_imported(_imported(), tmp_path / "cards", secret_store=lambda: store)
    loaded = load_collection(tmp_path / "cards")
    assert loaded.name == "Wise Cards" and loaded.problems == ()
    paths = sorted(n.path.as_posix() for n in loaded.tree.walk() if n.request is not None)
    assert paths == [
        "auth/get-token-2.request.yaml",
        "auth/get-token.request.yaml",
        "cards-pci/list-cards.request.yaml",
        "ping.request.yaml",
    ]
    assert loaded.tree.defaults is not None
    assert loaded.tree.defaults.base_url == "https://api.example"
    assert (written.requests, written.folders) == (4, 2)
    assert store.get(written.collection_id, "Wise Cards", "token") == SECRET
    assert written.secrets_stored == ("Wise Cards: token",)
    assert [line.where for line in written.report] == ["Auth / Get token", "Cards / PCI"]
    for path in (tmp_path / "cards").rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text()


def test_an_empty_folder_is_used_and_a_full_one_refused_untouched(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    write_imported(_imported(), empty, name="Renamed")
    assert load_collection(empty).name == "Renamed"

    full = tmp_path / "full"
    full.mkdir()
    (full / "notes.txt").write_text("mine")
    with pytest.raises(CollectionWriteError, match="not empty"):
        write_imported(_imported(), full)
    assert [p.name for p in full.iterdir()] == ["notes.txt"]


def test_a_failed_write_leaves_an_empty_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()

    def fail(*_args: object) -> Path:
        raise CollectionWriteError("disk full")

    monkeypatch.setattr("app.services.importing.write_collection", fail)
    with pytest.raises(CollectionWriteError):
        write_imported(_imported(), empty)
    assert empty.is_dir() and not any(empty.iterdir())


def test_saved_examples_keep_no_secret_and_never_outgrow_a_collection_file(
    tmp_path: Path,
) -> None:
    from app.core.collection import ResponseExample
    from app.core.request import KeyValue

    echoed = ResponseExample(
        "OK", 200, (KeyValue("X-Api-Key", SECRET),), f'{{"key": "{SECRET}", "n": 1.10}}'
    )
    huge = ResponseExample("Huge", 200, (), "中" * 900_000)  # 2.7 MB of UTF-8
    root = ImportedFolder(
        "API",
        (
            SavedRequest("Echo", url="/echo", examples=(echoed,)),
            SavedRequest("Big", url="/big", examples=(huge,)),
        ),
    )
    imported = Imported(
        "Test format",
        root,
        environments=(Environment("API", (Variable("token", secret=True),)),),
        secrets=MappingProxyType({("API", "token"): SECRET}),
    )
    written = write_imported(imported, tmp_path / "api", secret_store=lambda: None)
    loaded = load_collection(tmp_path / "api")
    assert loaded.problems == ()  # every file reads back
    requests = {n.request.name: n.request for n in loaded.tree.walk() if n.request is not None}
    (example,) = requests["Echo"].examples
    assert example.body == '{"key": "{{token}}", "n": 1.10}'
    assert example.headers == (KeyValue("X-Api-Key", "{{token}}"),)
    assert requests["Big"].examples == ()
    assert any("examples were not kept" in line.what for line in written.report)
    for path in (tmp_path / "api").rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text()

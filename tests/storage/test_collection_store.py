"""A collection folder on disk: loading that never writes or fails, and safe atomic changes."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from app.core.collection import (
    AuthKind,
    AuthSpec,
    Defaults,
    Environment,
    LoadedCollection,
    NodeKind,
    SavedRequest,
    Variable,
)
from app.core.request import KeyValue
from app.storage import collection_store
from app.storage.collection_files import parse_defaults, parse_request
from app.storage.collection_store import (
    CollectionStore,
    CollectionWriteError,
    create_collection,
    load_collection,
    slugify,
)

Snapshot = dict[str, tuple[bytes | None, int]]
_P = TypeVar("_P")


def snapshot(root: Path) -> Snapshot:
    """Every entry under ``root`` (hidden ones too) with its bytes and modification time."""
    return {
        path.relative_to(root).as_posix(): (
            path.read_bytes() if path.is_file() else None,
            path.stat().st_mtime_ns,
        )
        for path in sorted(root.rglob("*"))
    }


def names(loaded: LoadedCollection, path: str = ".") -> list[str]:
    node = loaded.find(Path(path))
    assert node is not None
    return [child.name for child in node.children]


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "my-api"


@pytest.fixture
def store(root: Path) -> CollectionStore:
    store = create_collection(root, "My API")
    store.load()
    return store


# --- loading ---------------------------------------------------------------------------------


def test_tree_orders_folders_first_then_requests_by_name(root: Path) -> None:
    write(root, "collection.yaml", "name: Wallet\nbase_url: https://wallet.example\n")
    write(root, "zeta.request.yaml", "name: zeta\n")
    write(root, "alpha.request.yaml", "name: Alpha\n")
    write(root, "b.request.yaml", "name: beta\n")
    write(root, "payments/folder.yaml", "name: Payments\nbase_url: /payments\n")
    write(root, "payments/list.request.yaml", "name: List payments\n")
    write(root, "Accounts/x.request.yaml", "name: X\n")
    loaded = load_collection(root)
    assert loaded.name == "Wallet"
    assert loaded.problems == ()
    assert names(loaded) == ["Accounts", "Payments", "Alpha", "beta", "zeta"]
    assert [c.kind for c in loaded.tree.children] == [NodeKind.FOLDER] * 2 + [NodeKind.REQUEST] * 3
    payments = loaded.find(Path("payments"))
    assert payments is not None and payments.defaults == Defaults(base_url="/payments")
    request = loaded.find(Path("payments/list.request.yaml"))
    assert request is not None and request.request == SavedRequest("List payments")
    assert request.path == Path("payments/list.request.yaml")


def test_hidden_and_unrelated_entries_are_ignored(root: Path) -> None:
    write(root, "collection.yaml", "name: C\n")
    write(root, "a.request.yaml", "name: A\n")
    write(root, ".git/config", "x")
    write(root, ".hidden.request.yaml", "name: Hidden\n")
    write(root, "README.md", "# notes\n")
    write(root, "notes.yaml", "not: a request\n")
    write(root, "sub/collection.yaml", "{{{ ignored, not a folder file")
    write(root, "folder.yaml", "{{{ ignored at the root")
    write(root, "environments/sandbox.yaml", "name: sandbox\n")
    loaded = load_collection(root)
    assert loaded.problems == ()
    assert names(loaded) == ["sub", "A"]
    assert names(loaded, "sub") == []
    assert [env.name for env in loaded.environments] == ["sandbox"]


def test_folder_without_collection_file_opens_named_after_it_and_nothing_is_written(
    root: Path,
) -> None:
    write(root, "ping.request.yaml", "name: Ping\nmethod: GET\nurl: /ping\n")
    before = snapshot(root)
    loaded = load_collection(root)
    assert loaded.name == "my-api"
    assert uuid.UUID(loaded.collection_id).version == 4
    assert names(loaded) == ["Ping"]
    assert snapshot(root) == before


def test_first_save_writes_collection_file_with_the_loaded_id(root: Path) -> None:
    write(root, "ping.request.yaml", "name: Ping\n")
    store = CollectionStore(root)
    loaded = store.load()
    store.save_request(Path("ping.request.yaml"), SavedRequest("Ping", url="/ping"))
    file = parse_defaults((root / "collection.yaml").read_text(), "c", collection=True)
    assert file.name == "my-api"
    assert file.collection_id == loaded.collection_id
    assert load_collection(root).collection_id == loaded.collection_id


def test_create_collection_writes_name_and_id_and_refuses_twice(root: Path) -> None:
    create_collection(root, "Demo API")
    file = parse_defaults((root / "collection.yaml").read_text(), "c", collection=True)
    assert file.name == "Demo API"
    assert file.collection_id is not None and uuid.UUID(file.collection_id).version == 4
    with pytest.raises(CollectionWriteError, match="already holds a collection"):
        create_collection(root, "Again")


def test_missing_folder_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    loaded = load_collection(tmp_path / "gone")
    assert len(loaded.problems) == 1
    assert "there is no folder here" in str(loaded.problems[0])
    assert not (tmp_path / "gone").exists()


EXPLOIT = '!!python/object/apply:os.system ["touch {marker}"]\n'


def test_corrupt_and_malicious_files_are_reported_and_left_untouched(
    root: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    write(root, "collection.yaml", "name: C\n")
    write(root, "good.request.yaml", "name: Good\n")
    write(root, "payments/list.request.yaml", "name: List\nheaders: [\n")
    write(root, "payments/ok.request.yaml", "name: Still fine\n")
    evil = f"name: Evil\nurl: {EXPLOIT.format(marker=marker)}"
    write(root, "evil.request.yaml", evil)
    write(root, "environments/prod.yaml", EXPLOIT.format(marker=marker))
    before = snapshot(root)

    store = CollectionStore(root)
    loaded = store.load()

    assert snapshot(root) == before
    assert not marker.exists()
    found = {(p.source, p.line) for p in loaded.problems}
    assert found == {
        ("payments/list.request.yaml", 3),
        ("evil.request.yaml", 2),
        ("environments/prod.yaml", 1),
    }
    assert names(loaded) == ["payments", "evil.request.yaml", "Good"]
    assert names(loaded, "payments") == ["list.request.yaml", "Still fine"]
    broken = loaded.find(Path("evil.request.yaml"))
    assert broken is not None and broken.kind is NodeKind.BROKEN and broken.problem is not None
    assert "python/object/apply" in str(broken.problem)
    assert loaded.environments == ()

    for rel in ("payments/list.request.yaml", "evil.request.yaml"):
        with pytest.raises(CollectionWriteError, match="never overwritten"):
            store.save_request(Path(rel), SavedRequest("Replacement"))
        with pytest.raises(CollectionWriteError, match="could not be read"):
            store.duplicate(Path(rel))
    with pytest.raises(CollectionWriteError, match=r"prod\.yaml could not be read"):
        store.save_environment(Environment("prod"))
    assert (root / "evil.request.yaml").read_text() == evil
    assert (root / "environments/prod.yaml").read_bytes() == before["environments/prod.yaml"][0]
    assert not marker.exists()


def test_broken_files_can_be_renamed_moved_and_deleted_with_their_bytes(root: Path) -> None:
    store = create_collection(root, "C")
    bad = write(root, "bad.request.yaml", "name: [unclosed\n").read_bytes()
    store.new_folder(Path("."), "Archive")
    store.load()
    renamed = store.rename(Path("bad.request.yaml"), "Fixed later")
    assert renamed == Path("fixed-later.request.yaml")
    assert (root / renamed).read_bytes() == bad
    moved = store.move(renamed, Path("archive"))
    assert (root / moved).read_bytes() == bad
    with pytest.raises(CollectionWriteError, match="never overwritten"):
        store.save_request(moved, SavedRequest("Overwrite"))
    store.delete(moved)
    assert not (root / moved).exists()


def test_file_that_breaks_after_loading_is_not_overwritten(store: CollectionStore) -> None:
    rel = store.new_request(Path("."), SavedRequest("Ping"))
    store.load()
    (store.root / rel).write_text("<<<<<<< HEAD\nname: Ping\n=======\n", encoding="utf-8")
    with pytest.raises(CollectionWriteError, match="never overwritten"):
        store.save_request(rel, SavedRequest("Ping", url="/mine"))
    assert (store.root / rel).read_text().startswith("<<<<<<< HEAD")


def test_file_broken_at_load_stays_protected_until_reloaded(store: CollectionStore) -> None:
    path = write(store.root, "x.request.yaml", "name: [\n")
    store.load()
    path.write_text("name: Fixed by hand\n", encoding="utf-8")
    with pytest.raises(CollectionWriteError, match="reload"):
        store.save_request(Path("x.request.yaml"), SavedRequest("Mine"))
    store.load()
    store.save_request(Path("x.request.yaml"), SavedRequest("Mine"))
    assert path.read_text() == "name: Mine\nmethod: GET\nurl: ''\n"


def test_loading_never_writes(root: Path) -> None:
    store = create_collection(root, "C")
    folder = store.new_folder(Path("."), "Payments")
    store.new_request(folder, SavedRequest("List"))
    store.save_environment(Environment("sandbox", (Variable("k", "v"),)))
    write(root, "broken.request.yaml", "name: [\n")
    write(root, "no-collection-file/x.request.yaml", "name: X\n")
    before = snapshot(root.parent)
    load_collection(root)
    CollectionStore(root).load()
    load_collection(root / "no-collection-file")
    assert snapshot(root.parent) == before


# --- requests --------------------------------------------------------------------------------


def test_new_request_gets_a_unique_slug(store: CollectionStore) -> None:
    first = store.new_request(Path("."), SavedRequest("List payments"))
    second = store.new_request(Path("."), SavedRequest("List Payments!"))
    third = store.new_request(Path("."), SavedRequest("list   payments"))
    assert [first, second, third] == [
        Path("list-payments.request.yaml"),
        Path("list-payments-2.request.yaml"),
        Path("list-payments-3.request.yaml"),
    ]
    assert names(store.load()) == ["list   payments", "List payments", "List Payments!"]


def test_saving_round_trips_every_field_and_an_unchanged_save_is_byte_identical(
    store: CollectionStore,
) -> None:
    req = SavedRequest(
        name="Create",
        method="POST",
        url="/payments",
        headers=(KeyValue("X-A", "1", enabled=False),),
        body='{\n  "a": {{amount}}  \n}',
        auth=AuthSpec(AuthKind.PAYSERA_MAC, (("mac_id", "{{mac_id}}"), ("mac_key", "{{key}}"))),
        variables=(Variable("amount", "5"),),
    )
    rel = store.new_request(Path("."), req)
    first = (store.root / rel).read_bytes()
    loaded = store.load().find(rel)
    assert loaded is not None and loaded.request == req
    store.save_request(rel, loaded.request)
    assert (store.root / rel).read_bytes() == first


def test_save_keeps_the_file_name_and_refuses_bad_requests(store: CollectionStore) -> None:
    rel = store.new_request(Path("."), SavedRequest("Old name"))
    assert store.save_request(rel, SavedRequest("New name")) == rel
    assert parse_request((store.root / rel).read_text(), "r").name == "New name"
    with pytest.raises(CollectionWriteError, match="unknown method 'FETCH'"):
        store.save_request(rel, SavedRequest("x", method="FETCH"))
    with pytest.raises(CollectionWriteError, match="name"):
        store.new_request(Path("."), SavedRequest("  "))
    for elsewhere in ("notes.txt", "environments/x.request.yaml", ".git/x.request.yaml"):
        with pytest.raises(CollectionWriteError, match="not a request file of the collection"):
            store.save_request(Path(elsewhere), SavedRequest("x"))
    assert parse_request((store.root / rel).read_text(), "r").name == "New name"


def test_secret_values_never_reach_the_folder(store: CollectionStore) -> None:
    secret = "s3cr3t-tok3n-value"
    variables = (Variable("token", secret, secret=True), Variable("plain", "visible"))
    store.new_request(Path("."), SavedRequest("R", variables=variables))
    store.save_defaults(Path("."), Defaults(variables=variables))
    folder = store.new_folder(Path("."), "F")
    store.save_defaults(folder, Defaults(variables=variables))
    store.save_environment(Environment("production", variables, protected=True))
    loaded = store.load()
    assert loaded.environments == (
        Environment("production", (Variable("token", "", secret=True), variables[1]), True),
    )
    for path in store.root.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


# --- folders, rename, duplicate, delete, move ------------------------------------------------


def test_new_folder_uses_a_slug_and_keeps_the_display_name(store: CollectionStore) -> None:
    payments = store.new_folder(Path("."), "Payments")
    assert payments == Path("payments")
    assert parse_defaults((store.root / "payments/folder.yaml").read_text(), "f", collection=False)
    plain = store.new_folder(Path("."), "misc")
    assert not (store.root / plain / "folder.yaml").exists()
    assert store.new_folder(Path("."), "payments") == Path("payments-2")
    assert store.new_folder(Path("."), "Environments") == Path("environments-2")
    nested = store.new_folder(payments, "Refunds")
    assert nested == Path("payments/refunds")
    assert names(store.load()) == ["Environments", "misc", "Payments", "payments"]
    assert names(store.load(), "payments") == ["Refunds"]


def test_rename_request_rewrites_name_and_file(store: CollectionStore) -> None:
    rel = store.new_request(Path("."), SavedRequest("List", url="/list"))
    store.new_request(Path("."), SavedRequest("All payments"))
    new = store.rename(rel, "All Payments")
    assert new == Path("all-payments-2.request.yaml")
    assert not (store.root / rel).exists()
    assert parse_request((store.root / new).read_text(), "r") == SavedRequest(
        "All Payments", url="/list"
    )
    assert store.rename(new, "All payments!") == new  # its own name is not a clash


def test_rename_folder_renames_directory_and_display_name(store: CollectionStore) -> None:
    folder = store.new_folder(Path("."), "Payments")
    store.save_defaults(folder, Defaults(base_url="/p"))
    store.new_request(folder, SavedRequest("List"))
    new = store.rename(folder, "Old Payments")
    assert new == Path("old-payments")
    loaded = store.load()
    node = loaded.find(new)
    assert node is not None and node.name == "Old Payments"
    assert node.defaults == Defaults(base_url="/p")
    assert names(loaded, "old-payments") == ["List"]
    store.rename(new, "old-payments")  # the name now matches the directory: no name kept
    file = parse_defaults(
        (store.root / "old-payments/folder.yaml").read_text(), "f", collection=False
    )
    assert file.name is None and file.defaults == Defaults(base_url="/p")


def test_rename_collection_changes_only_its_name(store: CollectionStore) -> None:
    before = store.load().collection_id
    assert store.rename(Path("."), "Renamed API") == Path(".")
    loaded = store.load()
    assert (loaded.name, loaded.collection_id) == ("Renamed API", before)
    assert store.root.name == "my-api"


def test_duplicate_request_and_folder(store: CollectionStore) -> None:
    folder = store.new_folder(Path("."), "Payments")
    rel = store.new_request(folder, SavedRequest("List", url="/l"))
    copy = store.duplicate(rel)
    assert copy == Path("payments/copy-of-list.request.yaml")
    assert parse_request((store.root / copy).read_text(), "r") == SavedRequest(
        "Copy of List", url="/l"
    )
    folder_copy = store.duplicate(folder)
    assert folder_copy == Path("copy-of-payments")
    loaded = store.load()
    assert names(loaded) == ["Copy of Payments", "Payments"]
    assert names(loaded, "copy-of-payments") == ["Copy of List", "List"]
    assert store.duplicate(folder) == Path("copy-of-payments-2")


def test_delete_request_and_folder_tree(store: CollectionStore) -> None:
    folder = store.new_folder(Path("."), "Payments")
    store.new_folder(folder, "Deep")
    store.new_request(Path("payments/deep"), SavedRequest("Inner"))
    rel = store.new_request(Path("."), SavedRequest("Top"))
    store.delete(rel)
    store.delete(folder)
    store.delete(folder)  # already gone: nothing to do
    assert sorted(p.name for p in store.root.iterdir()) == ["collection.yaml"]
    with pytest.raises(CollectionWriteError, match="can't be deleted"):
        store.delete(Path("."))
    with pytest.raises(CollectionWriteError, match="not a request or folder"):
        store.delete(Path("collection.yaml"))


def test_move_keeps_names_avoids_clashes_and_refuses_moving_into_itself(
    store: CollectionStore,
) -> None:
    a = store.new_folder(Path("."), "A")
    b = store.new_folder(Path("."), "B")
    inner = store.new_folder(a, "Inner")
    store.new_request(b, SavedRequest("Same"))
    top = store.new_request(Path("."), SavedRequest("Same"))
    assert store.move(top, b) == Path("b/same-2.request.yaml")
    assert store.move(inner, Path(".")) == Path("inner")
    assert store.move(Path("inner"), Path(".")) == Path("inner")
    for target in (a, Path("a/inner-deeper")):
        if target != a:
            store.new_folder(a, "Inner deeper")
        with pytest.raises(CollectionWriteError, match="into itself"):
            store.move(a, target)
    with pytest.raises(CollectionWriteError, match="not a request or folder"):
        store.move(Path("b/same.request.yaml"), Path("environments"))
    with pytest.raises(CollectionWriteError, match="no longer exists"):
        store.move(Path("gone.request.yaml"), b)
    assert names(store.load(), "b") == ["Same", "Same"]


def test_paths_outside_the_collection_are_refused(store: CollectionStore) -> None:
    for path in (Path("../elsewhere.request.yaml"), store.root.parent / "x.request.yaml"):
        with pytest.raises(CollectionWriteError, match="not a place inside the collection"):
            store.save_request(path, SavedRequest("x"))
    assert not (store.root.parent / "elsewhere.request.yaml").exists()


# --- defaults and environments ---------------------------------------------------------------


def test_save_defaults_for_collection_and_folder(store: CollectionStore) -> None:
    collection_id = store.load().collection_id
    defaults = Defaults(
        base_url="https://wallet.example",
        headers=(KeyValue("Accept", "application/json"),),
        auth=AuthSpec(AuthKind.BEARER, (("token", "{{token}}"),)),
    )
    assert store.save_defaults(Path("."), defaults) == Path("collection.yaml")
    folder = store.new_folder(Path("."), "misc")
    assert store.save_defaults(folder, Defaults(base_url="/misc")) == Path("misc/folder.yaml")
    loaded = store.load()
    assert (loaded.name, loaded.collection_id, loaded.tree.defaults) == (
        "My API",
        collection_id,
        defaults,
    )
    misc = loaded.find(folder)
    assert misc is not None and misc.defaults == Defaults(base_url="/misc")
    store.save_defaults(folder, Defaults())
    assert not (store.root / "misc/folder.yaml").exists()


def test_environments_save_load_and_delete(store: CollectionStore) -> None:
    assert store.save_environment(Environment("Sandbox")) == Path("environments/sandbox.yaml")
    prod = Environment("Production", (Variable("base", "https://p"),), protected=True)
    assert store.save_environment(prod) == Path("environments/production.yaml")
    assert store.save_environment(Environment("sandbox")) == Path("environments/sandbox-2.yaml")
    changed = Environment("Production", (Variable("base", "https://q"),), protected=True)
    assert store.save_environment(changed) == Path("environments/production.yaml")
    assert [e.name for e in store.load().environments] == ["Production", "Sandbox", "sandbox"]
    assert store.load().environments[0] == changed
    store.delete_environment("Sandbox")
    store.delete_environment("Nobody")
    assert [e.name for e in store.load().environments] == ["Production", "sandbox"]


# --- atomic writes and errors ----------------------------------------------------------------


def test_no_temporary_files_are_left_behind(store: CollectionStore) -> None:
    folder = store.new_folder(Path("."), "Payments")
    rel = store.new_request(folder, SavedRequest("List"))
    store.save_request(rel, SavedRequest("List", url="/x"))
    store.duplicate(folder)
    store.rename(folder, "Money")
    store.delete(Path("copy-of-payments"))
    store.save_environment(Environment("sandbox"))
    leftovers = [p for p in store.root.rglob("*") if p.name.startswith(".")]
    assert leftovers == []


def test_failing_write_keeps_the_old_file_and_says_so(
    store: CollectionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    rel = store.new_request(Path("."), SavedRequest("List", url="/old"))
    before = (store.root / rel).read_bytes()

    def refuse(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(CollectionWriteError) as caught:
        store.save_request(rel, SavedRequest("List", url="/new"))
    assert "No space left on device" in str(caught.value)
    assert "unchanged" in str(caught.value)
    assert isinstance(caught.value.__cause__, OSError)
    assert (store.root / rel).read_bytes() == before
    assert sorted(p.name for p in store.root.iterdir()) == ["collection.yaml", rel.name]


def test_failing_folder_creation_leaves_nothing(
    store: CollectionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(src: object, dst: object) -> None:
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(os, "rename", refuse)
    with pytest.raises(CollectionWriteError, match="Permission denied"):
        store.new_folder(Path("."), "Payments")
    assert sorted(p.name for p in store.root.iterdir()) == ["collection.yaml"]


# --- slugs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Get Server Time", "get-server-time"),
        ("  List   payments!! ", "list-payments"),
        ("Mokėjimai ąčęėįšųūž", "mokejimai-aceeisuuz"),
        ("Straße Łódź", "strasse-lodz"),
        ("Платежи", "платежи"),
        ('a/b\\c:d*e?f"g<h>i|j', "a-b-c-d-e-f-g-h-i-j"),
        ("../../etc/passwd", "etc-passwd"),
        ("CON", "con-1"),
        ("lpt1", "lpt1-1"),
        ("", "untitled"),
        ("!!!", "untitled"),
        ("x" * 100, "x" * 60),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_a_huge_file_is_a_problem_not_a_stall(tmp_path: Path) -> None:
    from app.storage.collection_store import MAX_FILE_BYTES, create_collection, load_collection

    store = create_collection(tmp_path / "c", "C")
    huge = store.root / "huge.request.yaml"
    huge.write_bytes(b"name: x\nbody: '" + b"a" * (MAX_FILE_BYTES + 1) + b"'\n")
    loaded = load_collection(store.root)
    assert [p.source for p in loaded.problems] == ["huge.request.yaml"]
    assert "too large" in str(loaded.problems[0])


def test_environment_files_are_listed_for_watching(tmp_path: Path) -> None:
    from app.core.collection import Environment
    from app.storage.collection_store import create_collection

    store = create_collection(tmp_path / "c", "C")
    store.save_environment(Environment("sandbox"))
    assert store.load().environment_files == (Path("environments/sandbox.yaml"),)


# --- reloading -------------------------------------------------------------------------------


class CountingParsers:
    """The store's parsers, counting which files each load reads."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.read: list[str] = []
        for name in ("parse_request", "parse_defaults", "parse_environment"):
            monkeypatch.setattr(
                collection_store, name, self._counting(getattr(collection_store, name))
            )

    def _counting(self, parse: Callable[..., _P]) -> Callable[..., _P]:
        def counted(text: str, source: str, **options: bool) -> _P:
            self.read.append(source)
            return parse(text, source, **options)

        return counted

    def take(self) -> list[str]:
        read, self.read = sorted(self.read), []
        return read


def age(root: Path, seconds: float = 3600) -> None:
    """Make every file under ``root`` look last changed ``seconds`` ago."""
    then = time.time() - seconds
    for path in root.rglob("*"):
        os.utime(path, (then, then))


def test_a_reload_reads_only_the_files_that_changed(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsers = CountingParsers(monkeypatch)
    store = create_collection(root, "My API")
    for i in range(5):
        store.new_request(Path("."), SavedRequest(f"Request {i}"))
    store.new_folder(Path("."), "Payments")
    store.save_defaults(Path("payments"), Defaults(base_url="/payments"))
    store.save_environment(Environment("sandbox"))
    age(root)
    parsers.take()

    first = store.load()
    assert len(parsers.take()) == 8  # collection.yaml, five requests, folder.yaml, sandbox
    assert store.load() == first
    assert parsers.take() == []

    write(root, "request-2.request.yaml", "name: Changed\n")
    (root / "request-3.request.yaml").unlink()
    loaded = store.load()

    assert parsers.take() == ["request-2.request.yaml"]
    assert names(loaded) == ["Payments", "Changed", "Request 0", "Request 1", "Request 4"]


def test_a_file_changed_in_place_is_read_again_even_with_the_same_size_and_time(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsers = CountingParsers(monkeypatch)
    store = create_collection(root, "My API")
    path = write(root, "a.request.yaml", "name: Before\n")
    age(root)
    then = path.stat().st_mtime_ns
    store.load()
    parsers.take()

    time.sleep(0.05)  # past a tick of the clock that stamps the change time
    with path.open("r+", encoding="utf-8") as handle:
        handle.write("name: Behind\n")  # same size, same inode
    os.utime(path, ns=(then, then))  # and the same modification time, as `cp -p` leaves it
    loaded = store.load()

    assert parsers.take() == ["a.request.yaml"]
    assert names(loaded) == ["Behind"]


def test_a_file_written_just_now_is_read_again_at_the_next_load(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its next change could fall within the same tick of the file system's clock, with the
    # same size: nothing about it would tell. So it is not kept until it is older.
    parsers = CountingParsers(monkeypatch)
    store = create_collection(root, "My API")
    age(root)
    write(root, "fresh.request.yaml", "name: Fresh\n")
    parsers.take()
    store.load()
    assert parsers.take() == ["collection.yaml", "fresh.request.yaml"]
    store.load()
    assert parsers.take() == ["fresh.request.yaml"]


def test_a_load_that_ends_after_a_newer_one_keeps_the_newer_ones_marks(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A reload in a worker thread (after an outside change) may end after a reload made
    # for an operation: a file fixed in between stays savable.
    store = create_collection(root, "My API")
    write(root, "a.request.yaml", "name: [broken\n")
    read, release = threading.Event(), threading.Event()
    real = collection_store.load_collection

    def first_load_ends_last(folder: Path, cache: collection_store.LoadCache | None) -> Any:
        loaded = real(folder, cache)
        if not read.is_set():
            read.set()
            release.wait(timeout=5)
        return loaded

    monkeypatch.setattr(collection_store, "load_collection", first_load_ends_last)
    background = threading.Thread(target=store.load)
    background.start()
    assert read.wait(timeout=5)
    write(root, "a.request.yaml", "name: Fixed\n")
    assert names(store.load()) == ["Fixed"]
    release.set()
    background.join(timeout=5)

    assert store.save_request(Path("a.request.yaml"), SavedRequest("Saved"))
    assert parse_request((root / "a.request.yaml").read_text(), "a").name == "Saved"

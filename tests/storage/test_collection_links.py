"""Collections shared by others are untrusted: a symbolic link in one is never followed, so
nothing outside the collection's folder is read, listed or written; a folder too big to be a
collection opens at once, with a problem saying what was left out."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from app.core.collection import Defaults, Environment, LoadedCollection, SavedRequest, Variable
from app.storage import collection_store
from app.storage.collection_store import (
    CollectionStore,
    CollectionWriteError,
    create_collection,
    load_collection,
    write_collection,
)

SECRET = "root:$6$secret-hash:19000:0:99999:7:::\n"
LINKED = "is a symbolic link; links are not followed"

Snapshot = dict[str, bytes | None]


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def link(root: Path, rel: str, target: Path | str) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, root / rel)


def snapshot(folder: Path) -> Snapshot:
    """Every entry under ``folder`` (never following links) with its bytes."""
    found: Snapshot = {}
    for current, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(current, name)
            regular = path.is_file() and not path.is_symlink()
            found[path.relative_to(folder).as_posix()] = path.read_bytes() if regular else None
    return found


def problem_texts(loaded: LoadedCollection) -> list[str]:
    return [str(problem) for problem in loaded.problems]


def node_names(loaded: LoadedCollection) -> set[str]:
    return {node.name for node in loaded.tree.walk()}


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the collection: what a link in a shared collection could lead to."""
    folder = tmp_path / "outside"
    write(folder, "shadow", SECRET)
    write(folder, "api/stolen.request.yaml", "name: Stolen\n")
    write(folder, "api/folder.yaml", "name: Outside folder\n")
    write(folder, "collection.yaml", "name: Outside\nbase_url: https://evil.example\n")
    write(folder, "prod.yaml", "name: prod\nvariables:\n  - name: token\n    value: t0p\n")
    return folder


@pytest.fixture
def root(tmp_path: Path) -> Path:
    store = create_collection(tmp_path / "api", "API")
    store.new_folder(Path("."), "payments")
    store.new_request(Path("payments"), SavedRequest("List payments"))
    store.new_request(Path("."), SavedRequest("Ping"))
    return store.root


def loaded_store(root: Path) -> CollectionStore:
    store = CollectionStore(root)
    store.load()
    return store


# --- loading ---------------------------------------------------------------------------------


def test_a_linked_request_file_is_a_problem_and_what_it_leads_to_is_never_read(
    root: Path, outside: Path
) -> None:
    link(root, "secret.request.yaml", outside / "shadow")
    link(root, "stolen.request.yaml", outside / "api" / "stolen.request.yaml")
    link(root, "payments/ping-again.request.yaml", root / "ping.request.yaml")  # inside, too

    loaded = load_collection(root)

    assert f"secret.request.yaml: {LINKED}" in "\n".join(problem_texts(loaded))
    assert f"stolen.request.yaml: {LINKED}" in "\n".join(problem_texts(loaded))
    assert f"payments/ping-again.request.yaml: {LINKED}" in "\n".join(problem_texts(loaded))
    assert not any("secret-hash" in text or "root" in text for text in problem_texts(loaded))
    assert "Stolen" not in node_names(loaded)
    assert loaded.find(Path("secret.request.yaml")) is None
    assert [n.name for n in loaded.tree.children] == ["payments", "Ping"]
    assert [n.name for n in loaded.tree.children[0].children] == ["List payments"]


def test_linked_folders_are_problems_and_are_not_listed(root: Path, outside: Path) -> None:
    link(root, "linked", outside / "api")
    link(root, "payments/again", root / "payments")  # a link inside, back up the tree
    link(root, "everything", "/")
    link(root, "usr", "/usr")

    started = time.perf_counter()
    loaded = load_collection(root)

    assert time.perf_counter() - started < 1.0
    assert sorted(problem_texts(loaded)) == [
        f"everything: {LINKED} (put the file or folder itself here instead)",
        f"linked: {LINKED} (put the file or folder itself here instead)",
        f"payments/again: {LINKED} (put the file or folder itself here instead)",
        f"usr: {LINKED} (put the file or folder itself here instead)",
    ]
    assert node_names(loaded) == {"API", "payments", "List payments", "Ping"}


def test_linked_collection_folder_and_environment_files_are_problems(
    root: Path, outside: Path
) -> None:
    (root / "collection.yaml").unlink()
    link(root, "collection.yaml", outside / "collection.yaml")
    link(root, "payments/folder.yaml", outside / "api" / "folder.yaml")
    link(root, "environments/prod.yaml", outside / "prod.yaml")
    write(root, "environments/sandbox.yaml", "name: sandbox\n")

    loaded = load_collection(root)

    assert loaded.name == "api" and loaded.tree.defaults is None
    assert loaded.tree.problem is not None and LINKED in loaded.tree.problem.reason
    payments = loaded.find(Path("payments"))
    assert payments is not None and payments.name == "payments" and payments.defaults is None
    assert payments.problem is not None and payments.problem.source == "payments/folder.yaml"
    assert [env.name for env in loaded.environments] == ["sandbox"]
    assert loaded.environment_files == (Path("environments/sandbox.yaml"),)
    assert {problem.source for problem in loaded.problems} == {
        "collection.yaml",
        "payments/folder.yaml",
        "environments/prod.yaml",
    }


def test_a_linked_environments_folder_is_a_problem(root: Path, outside: Path) -> None:
    link(root, "environments", outside)
    loaded = load_collection(root)
    assert loaded.environments == () and loaded.environment_files == ()
    assert problem_texts(loaded) == [
        f"environments: {LINKED} (put the file or folder itself here instead)"
    ]


def test_a_collection_opened_through_a_link_is_read_as_chosen(root: Path, tmp_path: Path) -> None:
    # The user chose the path: the link to the collection itself is followed.
    link(tmp_path, "shortcut", root)
    loaded = load_collection(tmp_path / "shortcut")
    assert loaded.problems == ()
    assert node_names(loaded) == {"API", "payments", "List payments", "Ping"}


def test_a_folder_with_too_many_entries_opens_with_what_fits_and_says_so(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(collection_store, "MAX_ENTRIES", 30)
    for i in range(40):
        write(root, f"many/r{i:02}.request.yaml", f"name: R{i}\n")

    loaded = load_collection(root)

    assert len(list(loaded.tree.walk())) < 30
    [problem] = loaded.problems
    assert problem.source == "many"
    assert "30 files and folders" in problem.reason and "not shown" in problem.reason


def test_folders_nested_too_deep_are_not_read_and_say_so(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(collection_store, "MAX_DEPTH", 3)
    write(root, "a/b/c/d/e/deep.request.yaml", "name: Deep\n")
    write(root, "a/b/shallow.request.yaml", "name: Shallow\n")

    loaded = load_collection(root)

    assert "Shallow" in node_names(loaded) and "Deep" not in node_names(loaded)
    assert loaded.find(Path("a/b/c")) is not None and loaded.find(Path("a/b/c/d")) is None
    assert problem_texts(loaded) == [
        "a/b/c: is 3 folders deep, the most a collection may have; what it holds is not shown"
    ]


def test_files_beyond_the_total_size_limit_are_not_read_and_say_so(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(collection_store, "MAX_TOTAL_BYTES", 2000)
    for i in range(5):
        write(root, f"big/r{i}.request.yaml", f"name: R{i}\ndescription: {'x' * 500}\n")

    loaded = load_collection(root)

    assert 1 <= len(loaded.find(Path("big")).children) < 5  # type: ignore[union-attr]
    [problem] = loaded.problems
    assert problem.source.startswith("big/r") and "not shown" in problem.reason


# --- writing ---------------------------------------------------------------------------------


def test_nothing_is_written_read_or_deleted_through_a_linked_folder(
    root: Path, outside: Path
) -> None:
    link(root, "linked", outside / "api")
    store = loaded_store(root)
    before = snapshot(outside)
    attempts = [
        lambda: store.new_request(Path("linked"), SavedRequest("Planted")),
        lambda: store.new_folder(Path("linked"), "Planted"),
        lambda: store.move(Path("ping.request.yaml"), Path("linked")),
        lambda: store.move(Path("payments"), Path("linked")),
        lambda: store.save_request(Path("linked/stolen.request.yaml"), SavedRequest("Planted")),
        lambda: store.save_request(Path("linked/new.request.yaml"), SavedRequest("Planted")),
        lambda: store.save_defaults(Path("linked"), Defaults(base_url="https://evil.example")),
        lambda: store.rename(Path("linked/stolen.request.yaml"), "Renamed"),
        lambda: store.rename(Path("linked"), "Renamed"),
        lambda: store.duplicate(Path("linked")),
        lambda: store.duplicate(Path("linked/stolen.request.yaml")),
        lambda: store.delete(Path("linked/stolen.request.yaml")),
        lambda: store.move(Path("linked/stolen.request.yaml"), Path(".")),
    ]
    for attempt in attempts:
        with pytest.raises(CollectionWriteError):
            attempt()
        assert snapshot(outside) == before

    store.delete(Path("linked"))  # the link itself goes, never what it leads to
    assert not os.path.lexists(root / "linked")
    assert snapshot(outside) == before


def test_a_linked_request_file_is_never_written_and_delete_removes_only_the_link(
    root: Path, outside: Path
) -> None:
    link(root, "secret.request.yaml", outside / "shadow")
    store = loaded_store(root)

    with pytest.raises(CollectionWriteError, match="symbolic link"):
        store.save_request(Path("secret.request.yaml"), SavedRequest("Planted"))
    with pytest.raises(CollectionWriteError, match="symbolic link"):
        store.duplicate(Path("secret.request.yaml"))
    moved = store.move(Path("secret.request.yaml"), Path("payments"))  # the link moves itself
    assert (root / moved).is_symlink()
    store.delete(moved)

    assert not os.path.lexists(root / moved)
    assert (outside / "shadow").read_text() == SECRET


def test_a_deleted_folder_loses_its_links_never_what_they_lead_to(
    root: Path, outside: Path
) -> None:
    link(root, "payments/linked", outside / "api")
    link(root, "payments/secret.request.yaml", outside / "shadow")
    store = loaded_store(root)
    before = snapshot(outside)

    store.delete(Path("payments"))

    assert not os.path.lexists(root / "payments")
    assert snapshot(outside) == before


def test_environments_are_never_written_through_links(root: Path, outside: Path) -> None:
    link(root, "environments/prod.yaml", outside / "prod.yaml")
    store = loaded_store(root)
    before = snapshot(outside)

    with pytest.raises(CollectionWriteError, match="symbolic link"):
        store.save_environment(Environment("prod", (Variable("token", "planted"),)))
    store.delete_environment("prod")  # not an environment of the collection: nothing to do
    assert snapshot(outside) == before

    (root / "environments/prod.yaml").unlink()
    (root / "environments").rmdir()
    link(root, "environments", outside)
    store.load()
    with pytest.raises(CollectionWriteError, match="environments is a symbolic link"):
        store.save_environment(Environment("staging"))
    assert snapshot(outside) == before


def test_a_linked_collection_file_is_never_written(root: Path, outside: Path) -> None:
    (root / "collection.yaml").unlink()
    link(root, "collection.yaml", outside / "collection.yaml")
    store = loaded_store(root)
    before = snapshot(outside)

    with pytest.raises(CollectionWriteError, match="symbolic link"):
        store.save_collection_name("Planted")
    with pytest.raises(CollectionWriteError, match="symbolic link"):
        store.save_defaults(Path("."), Defaults(base_url="https://evil.example"))
    new = store.new_request(Path("."), SavedRequest("Still works"))  # written inside, as usual

    assert (root / new).is_file() and not (root / new).is_symlink()
    assert (root / "collection.yaml").is_symlink()
    assert snapshot(outside) == before


def test_a_new_collection_is_never_written_through_a_link(tmp_path: Path, outside: Path) -> None:
    link(tmp_path, "dangling", tmp_path / "nowhere")
    loaded = load_collection(outside / "api")
    with pytest.raises(CollectionWriteError, match="already exists"):
        write_collection(tmp_path / "dangling", loaded)
    assert not (tmp_path / "nowhere").exists()

    link(tmp_path, "new-api/collection.yaml", outside / "collection.yaml")
    with pytest.raises(CollectionWriteError, match="already holds a collection"):
        create_collection(tmp_path / "new-api", "New")
    assert (outside / "collection.yaml").read_text().startswith("name: Outside")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_named_like_a_request_is_never_waited_on(root: Path) -> None:
    # Opening a pipe for reading waits for a writer: a shared collection could freeze the app.
    os.mkfifo(root / "pipe.request.yaml")
    store = loaded_store(root)
    errors: list[str] = []

    def save() -> None:
        try:
            store.save_request(Path("pipe.request.yaml"), SavedRequest("Planted"))
        except CollectionWriteError as exc:
            errors.append(str(exc))

    saving = threading.Thread(target=save, daemon=True)
    saving.start()
    saving.join(timeout=5)

    assert not saving.is_alive()
    assert len(errors) == 1 and "is not a regular file" in errors[0]
    assert load_collection(root).find(Path("pipe.request.yaml")) is None

import os
import stat
from pathlib import Path

import pytest

from app.storage.fs import atomic_write, private_folder, set_aside


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_atomic_write_keeps_permissions_and_uses_the_umask_for_new_files(tmp_path: Path) -> None:
    shared = tmp_path / "shared.yaml"
    shared.write_text("old")
    shared.chmod(0o644)
    atomic_write(shared, b"new")
    assert shared.read_bytes() == b"new"
    assert mode(shared) == 0o644

    mask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.yaml"
        atomic_write(fresh, b"x")
    finally:
        os.umask(mask)
    assert mode(fresh) == 0o644


def test_a_private_file_is_only_the_owners_whatever_it_was_before(tmp_path: Path) -> None:
    mask = os.umask(0)
    try:
        fresh = tmp_path / "new" / "secrets.json"
        atomic_write(fresh, b"{}", private=True)
        assert mode(fresh) == 0o600

        shared = tmp_path / "drafts.json"
        shared.write_text("old")
        shared.chmod(0o644)
        atomic_write(shared, b"new", private=True)
    finally:
        os.umask(mask)
    assert shared.read_bytes() == b"new"
    assert mode(shared) == 0o600


def test_a_private_file_is_0600_before_it_replaces_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    real_replace = os.replace

    def spy(src: str, dst: Path) -> None:
        seen.append(mode(Path(src)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    atomic_write(tmp_path / "secrets.json", b"s", private=True)
    assert seen == [0o600]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "settings.json"
    target.write_bytes(b"old")

    def refuse(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_private_folder_is_made_0700_and_an_existing_one_narrowed(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        fresh = private_folder(tmp_path / "a" / "data")
    finally:
        os.umask(mask)
    assert mode(fresh) == 0o700
    fresh.chmod(0o755)
    assert mode(private_folder(fresh)) == 0o700


def test_a_missing_folder_for_a_private_file_is_made_private(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        atomic_write(tmp_path / "drafts" / "session.json", b"{}", private=True)
        atomic_write(tmp_path / "shared" / "a.yaml", b"a")
    finally:
        os.umask(mask)
    assert mode(tmp_path / "drafts") == 0o700
    assert mode(tmp_path / "shared") == 0o755


def test_set_aside_renames_beside_and_never_over_an_earlier_one(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    kept = []
    for text in ("first", "second", "third"):
        path.write_text(text)
        kept.append(set_aside(path))
        assert not path.exists()
    assert [p.read_text() for p in kept] == ["first", "second", "third"]
    assert all(p.parent == tmp_path and p.name.startswith("settings.json.damaged-") for p in kept)


def test_set_aside_of_a_missing_file_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        set_aside(tmp_path / "gone.json")

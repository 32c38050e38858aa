"""Copying the shipped sample collection into the user's data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.resources import copy_sample_collection, sample_collection


def test_the_copy_holds_every_shipped_file_and_nothing_else(tmp_path: Path) -> None:
    target = copy_sample_collection(tmp_path / "collections" / "demo-api")
    assert target == tmp_path / "collections" / "demo-api"
    shipped = sample_collection()
    assert (target / "collection.yaml").read_bytes() == (shipped / "collection.yaml").read_bytes()
    assert (target / "environments" / "demo.yaml").is_file()
    assert (target / "payments" / "list-payments.request.yaml").is_file()
    # No staging folder is left beside it.
    assert [p.name for p in target.parent.iterdir()] == ["demo-api"]


def test_an_existing_folder_is_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "demo-api"
    target.mkdir()
    (target / "collection.yaml").write_text("mine\n")
    with pytest.raises(FileExistsError):
        copy_sample_collection(target)
    assert (target / "collection.yaml").read_text() == "mine\n"


def test_a_copy_left_half_done_by_a_killed_start_is_replaced(tmp_path: Path) -> None:
    leftover = tmp_path / ".demo-api.partial"
    leftover.mkdir()
    (leftover / "collection.yaml").write_text("half\n")
    target = copy_sample_collection(tmp_path / "demo-api")
    assert (target / "collection.yaml").read_text() != "half\n"
    assert not leftover.exists()


def test_a_failed_copy_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(self: Path, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    with pytest.raises(OSError, match="No space left"):
        copy_sample_collection(tmp_path / "demo-api")
    assert list(tmp_path.iterdir()) == []

"""Secrets at rest: the data folder is the user's alone, and so is every file in it."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.prepare import PreparedRequest
from app.core.response import ResponseData
from app.core.tabs import TabSession, new_tab
from app.storage.drafts import DraftStore
from app.storage.history import BODY_IN_DB_LIMIT, HistoryStore
from app.storage.secrets import open_secret_store
from app.storage.settings import Settings, SettingsStore, data_dir


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """0022: without the app's care, every file would be readable by everyone."""
    mask = os.umask(0o022)
    yield
    os.umask(mask)


def modes(folder: Path) -> dict[str, int]:
    return {
        str(path.relative_to(folder)): stat.S_IMODE(path.stat().st_mode)
        for path in folder.rglob("*")
    }


def test_everything_the_app_writes_is_readable_only_by_the_user() -> None:
    folder = data_dir()
    SettingsStore(folder).save(Settings())
    DraftStore(folder).save(TabSession((new_tab(),)))
    secrets, _notice = open_secret_store(folder)  # API_EXPLORER_KEYRING=off: the file
    secrets.set("collection", "sandbox", "token", "s3cr3t")
    history = HistoryStore(folder)
    big = b"x" * (BODY_IN_DB_LIMIT + 1)
    history.record(
        PreparedRequest("POST", "https://api.test/p", (), big, 30.0),
        ResponseData(200, "OK", (), big, 1.0),
        secrets={},
    )
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    found = modes(folder)
    history.close()
    folders = {"drafts", "history-bodies"}
    assert {name: m for name, m in found.items() if name in folders} == dict.fromkeys(
        folders, 0o700
    )
    files = {name: m for name, m in found.items() if name not in folders}
    assert set(files) == {
        "settings.json",
        "drafts/session.json",
        "secrets.json",
        "secrets-file-notice-shown",
        "history.sqlite3",
        "history.sqlite3-wal",
        "history.sqlite3-shm",
        "history-bodies/1.bin",
        "history-bodies/1.request.bin",
    }
    assert set(files.values()) == {0o600}

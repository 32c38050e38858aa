"""Secret values in the OS keyring, or in a private file when no keyring works."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors
import pytest

from app.storage.secrets import (
    SERVICE_NAME,
    FileSecretStore,
    KeyringSecretStore,
    SecretStoreError,
    open_secret_store,
)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that keeps passwords in a dict, for tests."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.passwords:
            raise keyring.errors.PasswordDeleteError("not found")
        del self.passwords[(service, username)]


class BrokenKeyring(MemoryKeyring):
    """Claims to work but loses what it is given, like a locked or misconfigured one."""

    def get_password(self, service: str, username: str) -> str | None:
        return None


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    monkeypatch.delenv("API_EXPLORER_KEYRING", raising=False)
    yield backend
    keyring.set_keyring(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- the file store ------------------------------------------------------------------------


def test_file_store_round_trip_and_delete(tmp_path: Path) -> None:
    store = FileSecretStore(tmp_path / "secrets.json")
    assert store.get("coll", "sandbox", "token") is None
    store.set("coll", "sandbox", "token", "s3cr3t")
    store.set("coll", "production", "token", "other")
    assert store.get("coll", "sandbox", "token") == "s3cr3t"
    assert FileSecretStore(tmp_path / "secrets.json").get("coll", "production", "token") == "other"
    store.delete("coll", "sandbox", "token")
    assert store.get("coll", "sandbox", "token") is None
    assert store.get("coll", "production", "token") == "other"
    store.delete("coll", "sandbox", "token")  # deleting twice is fine


def test_file_store_is_readable_only_by_the_owner(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    store = FileSecretStore(path)
    store.set("c", "", "a", "1")
    assert mode(path) == 0o600
    path.chmod(0o644)  # someone loosened it; the next write tightens it again
    store.set("c", "", "a", "2")
    assert mode(path) == 0o600
    store.delete("c", "", "a")
    assert mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secrets.json"]  # no temp files left


def test_file_store_never_overwrites_a_file_it_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    path.write_text("{broken", encoding="utf-8")
    store = FileSecretStore(path)
    with pytest.raises(SecretStoreError, match=r"secrets\.json"):
        store.set("c", "", "a", "1")
    with pytest.raises(SecretStoreError, match="could not be read"):
        store.get("c", "", "a")
    assert path.read_text(encoding="utf-8") == "{broken"


@pytest.mark.parametrize(
    "text",
    [
        '{"version": 1, "secrets": ' + "[" * 100_000 + "]" * 100_000 + "}",  # RecursionError
        '{"version": 1, "secrets": {"c": {"": {"a": NaN}}}}',
        "\ud800",
    ],
)
def test_file_store_reports_a_file_json_cannot_read_and_keeps_it(tmp_path: Path, text: str) -> None:
    path = tmp_path / "secrets.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    store = FileSecretStore(path)
    with pytest.raises(SecretStoreError, match="could not be read"):
        store.get("c", "", "a")
    with pytest.raises(SecretStoreError, match="could not be read"):
        store.set("c", "", "a", "1")
    assert path.read_text(encoding="utf-8", errors="surrogatepass") == text


def test_the_notice_marker_is_private_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_EXPLORER_KEYRING", "off")
    mask = os.umask(0o022)
    try:
        open_secret_store(tmp_path / "home")
    finally:
        os.umask(mask)
    assert mode(tmp_path / "home") == 0o700
    assert [(p.name, mode(p)) for p in (tmp_path / "home").iterdir()] == [
        ("secrets-file-notice-shown", 0o600)
    ]


def test_file_store_rejects_a_file_of_the_wrong_shape(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    path.write_text('{"secrets": {"c": {"": {"a": 1}}}}', encoding="utf-8")
    with pytest.raises(SecretStoreError, match="expected shape"):
        FileSecretStore(path).get("c", "", "a")


# --- choosing a store ----------------------------------------------------------------------


def test_env_var_forces_the_file_store(
    memory_keyring: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_EXPLORER_KEYRING", "off")
    store, notice = open_secret_store(tmp_path)
    assert isinstance(store, FileSecretStore)
    assert store.path == tmp_path / "secrets.json"
    assert notice is not None and str(tmp_path / "secrets.json") in notice
    store.set("c", "env", "n", "v")
    assert memory_keyring.passwords == {}


def test_no_working_keyring_falls_back_to_the_file_and_says_so_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    previous = keyring.get_keyring()
    monkeypatch.delenv("API_EXPLORER_KEYRING", raising=False)
    try:
        for backend in (keyring.backends.fail.Keyring(), BrokenKeyring()):
            keyring.set_keyring(backend)
            folder = tmp_path / type(backend).__name__
            store, notice = open_secret_store(folder)
            assert isinstance(store, FileSecretStore)
            assert notice == (
                "No system keyring is available, so secrets are stored in "
                f"{folder / 'secrets.json'}, readable only by you."
            )
            again, second = open_secret_store(folder)
            assert isinstance(again, FileSecretStore)
            assert second is None
    finally:
        keyring.set_keyring(previous)


def test_notice_only_once_with_the_env_var(tmp_path: Path) -> None:
    first = open_secret_store(tmp_path)[1]
    assert first is not None
    assert open_secret_store(tmp_path)[1] is None


def test_working_keyring_is_used_and_the_probe_leaves_nothing(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    store, notice = open_secret_store(tmp_path)
    assert isinstance(store, KeyringSecretStore)
    assert notice is None
    assert memory_keyring.passwords == {}
    assert not (tmp_path / "secrets.json").exists()


def test_keyring_store_round_trip_and_naming(memory_keyring: MemoryKeyring) -> None:
    store = KeyringSecretStore()
    store.set("coll-id", "sandbox", "token", "s3cr3t")
    assert memory_keyring.passwords == {(SERVICE_NAME, "coll-id/sandbox/token"): "s3cr3t"}
    assert store.get("coll-id", "sandbox", "token") == "s3cr3t"
    assert store.get("coll-id", "production", "token") is None
    store.delete("coll-id", "sandbox", "token")
    store.delete("coll-id", "sandbox", "token")
    assert store.get("coll-id", "sandbox", "token") is None


def test_keyring_failures_become_sentences() -> None:
    store = KeyringSecretStore(keyring.backends.fail.Keyring())
    with pytest.raises(SecretStoreError, match="keyring"):
        store.get("c", "e", "n")


def test_keyring_is_imported_only_when_a_secret_is_needed() -> None:
    import subprocess
    import sys

    code = "import sys, app.storage.secrets; print('keyring' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert loaded.stdout.strip() == "False", loaded.stderr

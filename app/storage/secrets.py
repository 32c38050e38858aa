"""Where secret variable values live: the OS keyring, or a private file when none works.

A secret is addressed by (collection id, environment, variable name); the collection folder
keeps only the variable's name. ``open_secret_store`` picks the store:

- ``KeyringSecretStore`` when the ``keyring`` library has a working backend (Secret
  Service, macOS Keychain, Windows Credential Locker), proven by a round trip;
- ``FileSecretStore`` otherwise, or when ``API_EXPLORER_KEYRING=off``: ``secrets.json`` in
  the data folder, mode 0600, written atomically. The user is told once.

Failures of either store raise ``SecretStoreError`` whose ``str()`` is a sentence for the user.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets as _random
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from app.core import json_strict
from app.storage.fs import PRIVATE_FILE_MODE, PRIVATE_FOLDER_MODE, atomic_write

if TYPE_CHECKING:
    import keyring.backend

# keyring is imported where a secret is first needed, not at start-up: its import (backends,
# entry points) took 15-17 ms of every start, also of command-line runs that use no secret.

__all__ = [
    "KEYRING_ENV",
    "SECRET_ENV_PREFIX",
    "SERVICE_NAME",
    "EnvironmentSecretStore",
    "FileSecretStore",
    "KeyringSecretStore",
    "SecretStore",
    "SecretStoreError",
    "open_secret_store",
    "secret_env_name",
]

SERVICE_NAME = "api-explorer"
KEYRING_ENV = "API_EXPLORER_KEYRING"
"""Set to ``off`` to use the file store even where a keyring works (tests do)."""

_FILE_NAME = "secrets.json"
_NOTICE_MARKER = "secrets-file-notice-shown"
_FORMAT_VERSION = 1


class SecretStoreError(Exception):
    """A secret could not be read or written; ``str(exc)`` says what to do."""


class SecretStore(Protocol):
    """Secret values by (collection id, environment, variable name).

    ``environment`` is ``""`` for a secret of the collection, a folder or a request.
    """

    def get(self, collection_id: str, environment: str, name: str) -> str | None: ...

    def set(self, collection_id: str, environment: str, name: str, value: str) -> None: ...

    def delete(self, collection_id: str, environment: str, name: str) -> None:
        """Forget the value; deleting a value that is not there is not an error."""
        ...


def _username(collection_id: str, environment: str, name: str) -> str:
    return f"{collection_id}/{environment}/{name}"


class KeyringSecretStore:
    """Secrets in the OS keyring, service ``api-explorer``, user ``collection/env/name``."""

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        import keyring
        import keyring.errors

        self._errors = keyring.errors
        self.backend = backend if backend is not None else keyring.get_keyring()

    def _failed(self, exc: Exception) -> SecretStoreError:
        return SecretStoreError(
            f"The system keyring did not answer ({exc}); unlock it or check that it is "
            "running, then try again."
        )

    def get(self, collection_id: str, environment: str, name: str) -> str | None:
        try:
            return self.backend.get_password(
                SERVICE_NAME, _username(collection_id, environment, name)
            )
        except (self._errors.KeyringError, OSError) as exc:
            raise self._failed(exc) from exc

    def set(self, collection_id: str, environment: str, name: str, value: str) -> None:
        try:
            self.backend.set_password(
                SERVICE_NAME, _username(collection_id, environment, name), value
            )
        except (self._errors.KeyringError, OSError) as exc:
            raise self._failed(exc) from exc

    def delete(self, collection_id: str, environment: str, name: str) -> None:
        try:
            self.backend.delete_password(SERVICE_NAME, _username(collection_id, environment, name))
        except self._errors.PasswordDeleteError:
            return
        except (self._errors.KeyringError, OSError) as exc:
            raise self._failed(exc) from exc


_Tree = dict[str, dict[str, dict[str, str]]]


class FileSecretStore:
    """Secrets in one JSON file, mode 0600: ``{"version": 1, "secrets": {id: {env: {name:
    value}}}}``. A file that cannot be read is reported and never overwritten."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> _Tree:
        try:
            raw = json_strict.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise SecretStoreError(
                f"The secrets file {self.path} could not be read ({exc}); it was left as it "
                "is. Repair or remove it, then enter the secret values again."
            ) from exc
        tree = raw.get("secrets") if isinstance(raw, dict) else None
        if not isinstance(tree, dict) or not all(
            isinstance(envs, dict)
            and all(
                isinstance(values, dict) and all(isinstance(v, str) for v in values.values())
                for values in envs.values()
            )
            for envs in tree.values()
        ):
            raise SecretStoreError(
                f"The secrets file {self.path} is not in the expected shape; it was left as "
                "it is. Repair or remove it, then enter the secret values again."
            )
        return tree

    def _save(self, tree: _Tree) -> None:
        text = json.dumps({"version": _FORMAT_VERSION, "secrets": tree}, indent=2, sort_keys=True)
        try:
            atomic_write(self.path, (text + "\n").encode("utf-8"), private=True)
        except OSError as exc:
            raise SecretStoreError(
                f"The secret could not be saved to {self.path} ({exc}); check that the "
                "folder is writable, then try again."
            ) from exc

    def get(self, collection_id: str, environment: str, name: str) -> str | None:
        return self._load().get(collection_id, {}).get(environment, {}).get(name)

    def set(self, collection_id: str, environment: str, name: str, value: str) -> None:
        tree = self._load()
        tree.setdefault(collection_id, {}).setdefault(environment, {})[name] = value
        self._save(tree)

    def delete(self, collection_id: str, environment: str, name: str) -> None:
        tree = self._load()
        values = tree.get(collection_id, {}).get(environment, {})
        if name not in values:
            return
        del values[name]
        if not values:
            del tree[collection_id][environment]
        if not tree[collection_id]:
            del tree[collection_id]
        self._save(tree)


def _working_keyring() -> keyring.backend.KeyringBackend | None:
    """The default keyring backend when it demonstrably stores and returns a value."""
    try:
        import keyring
        import keyring.backends.chainer
        import keyring.backends.fail
        import keyring.backends.null

        backend = keyring.get_keyring()
        if isinstance(backend, keyring.backends.fail.Keyring | keyring.backends.null.Keyring):
            return None
        if isinstance(backend, keyring.backends.chainer.ChainerBackend) and not list(
            backend.backends
        ):
            return None
        probe_user = f"probe/{_random.token_hex(8)}"
        probe_value = _random.token_hex(8)
        backend.set_password(SERVICE_NAME, probe_user, probe_value)
        try:
            works = backend.get_password(SERVICE_NAME, probe_user) == probe_value
        finally:
            backend.delete_password(SERVICE_NAME, probe_user)
    except Exception:  # any failure at all means "no working keyring": use the file
        return None
    return backend if works else None


def open_secret_store(folder: Path) -> tuple[SecretStore, str | None]:
    """The secret store to use, and a notice for the user the first time it is a file.

    ``folder`` is the data folder; the notice is remembered there so it is given once.
    """
    if os.environ.get(KEYRING_ENV, "").strip().lower() != "off":
        backend = _working_keyring()
        if backend is not None:
            return KeyringSecretStore(backend), None
        reason = "No system keyring is available, so secrets"
    else:
        reason = f"The system keyring is turned off ({KEYRING_ENV}=off), so secrets"
    path = folder / _FILE_NAME
    store = FileSecretStore(path)
    marker = folder / _NOTICE_MARKER
    if marker.exists():
        return store, None
    # Should the marker not be writable, the notice comes again next time: harmless.
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER_MODE)
        marker.touch(mode=PRIVATE_FILE_MODE)
    return store, f"{reason} are stored in {path}, readable only by you."


SECRET_ENV_PREFIX = "API_EXPLORER_SECRET_"


def secret_env_name(name: str) -> str:
    """The environment variable that gives secret ``name`` to the command line:
    ``API_EXPLORER_SECRET_`` and the name upper-cased, other characters than letters and
    digits as ``_`` (``mac-key`` -> ``API_EXPLORER_SECRET_MAC_KEY``)."""
    return SECRET_ENV_PREFIX + "".join(c if c.isalnum() else "_" for c in name.upper())


class EnvironmentSecretStore:
    """Read-only secrets for the command line: ``API_EXPLORER_SECRET_<NAME>`` from the
    process environment first, else ``fallback`` (the keyring, opened only when needed)."""

    def __init__(
        self, environ: Mapping[str, str], fallback: Callable[[], SecretStore | None]
    ) -> None:
        self._environ = environ
        self._fallback = fallback
        self._store: SecretStore | None = None
        self._opened = False

    def get(self, collection_id: str, environment: str, name: str) -> str | None:
        value = self._environ.get(secret_env_name(name))
        if value is not None:
            return value
        if not self._opened:
            self._opened = True
            self._store = self._fallback()
        return self._store.get(collection_id, environment, name) if self._store else None

    def set(self, collection_id: str, environment: str, name: str, value: str) -> None:
        raise SecretStoreError("The command line does not store secrets.")

    def delete(self, collection_id: str, environment: str, name: str) -> None:
        raise SecretStoreError("The command line does not store secrets.")

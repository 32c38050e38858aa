"""Every request sent, as sent, with its response: SQLite in the data folder.

``HistoryStore`` keeps ``history.sqlite3`` (one connection, WAL mode, schema version in
``PRAGMA user_version``) and, for bodies over ``BODY_IN_DB_LIMIT`` bytes, files beside it in
``history-bodies/`` (``<id>.bin`` for the response, ``<id>.request.bin`` for the request).

Secrets are redacted before anything is written (``app.core.variables.redact``), so no byte
of a secret value reaches the database or a body file. Retention runs after every record:
the oldest entries go first until both the count and the size limit hold; the entry just
recorded always stays.

A damaged database is moved aside (``history.sqlite3.corrupt-<time>``) and a new one is
started; a database from a newer version of the app is left alone and history is kept in
memory for the session. Either way ``problem`` says so in a sentence. Failures while
recording or reading raise ``HistoryError``, whose ``str()`` is a sentence for the user.

Threads: one store may be used from several threads. Every use of its one connection holds
the store's lock, so ``record()`` may run in a worker thread while the Qt main thread calls
``search()``, ``summary()`` or ``get()``; the lock is never held while a body is redacted,
written to its file or read back, so a big body does not stall the other thread. Recording
is not meant to race with itself: the send pipeline records one entry at a time.

Durability: the database runs in WAL mode with ``synchronous=NORMAL``, so a commit waits for
no disk sync (one cost 0.3 ms on the project's machine, and costs more on many disks). A
power cut may lose the last few entries, never the database's consistency; a crash of the
app alone loses nothing. A body file's bytes are synced before it gets its final name, but
the folder is not: after a power cut the row may outlive the file's name (``get()`` then
raises ``HistoryError``, a sentence) or the file its row (removed as an orphan at the next
start).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import stat
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from app.core.collection import AuthKind, AuthSpec
from app.core.prepare import PreparedRequest
from app.core.response import ResponseData
from app.core.variables import derived_secrets, redact, redact_bytes, redact_headers
from app.storage.fs import PRIVATE_FILE_MODE, private_folder

__all__ = [
    "BODY_IN_DB_LIMIT",
    "SCHEMA_VERSION",
    "HistoryEntry",
    "HistoryError",
    "HistoryStore",
    "HistorySummary",
    "KeptBodyFile",
    "summary_matches",
]

SCHEMA_VERSION = 2
_SQLITE_MAX_INTEGER = 2**63 - 1
BODY_IN_DB_LIMIT = 64 * 1024
"""Bodies longer than this many bytes are kept as files, not in the database."""

_SCHEMA_V1 = (
    """
    CREATE TABLE entry (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        sent_at REAL NOT NULL,
        method TEXT NOT NULL,
        url TEXT NOT NULL,
        request_headers TEXT NOT NULL,
        request_body BLOB,
        status INTEGER,
        reason TEXT NOT NULL,
        response_headers TEXT NOT NULL,
        response_body BLOB,
        elapsed_ms REAL,
        error_code TEXT,
        failure TEXT,
        response_size INTEGER NOT NULL,
        size INTEGER NOT NULL
    )
    """,
    "CREATE INDEX entry_sent_at ON entry (sent_at, id)",
)
# Version 2: the auth the request was sent with (``{{variables}}`` unresolved), so a
# re-opened request signs again instead of replaying a header; and a warning shown with it.
_SCHEMA_V2 = (
    "ALTER TABLE entry ADD COLUMN auth TEXT",
    "ALTER TABLE entry ADD COLUMN warning TEXT",
)
# Each step takes the schema from version ``index`` to ``index + 1``.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (_SCHEMA_V1, _SCHEMA_V2)

_SUMMARY_COLUMNS = (
    "id, sent_at, method, url, status, reason, elapsed_ms, error_code, failure, response_size"
)
_ENTRY_COLUMNS = (
    "id, sent_at, method, url, request_headers, request_body, status, reason, "
    "response_headers, response_body, elapsed_ms, error_code, failure, size, auth, warning"
)
_NEWEST_FIRST = " ORDER BY sent_at DESC, id DESC"
_STATUS_CLASS = re.compile(r"^([1-5])xx$", re.IGNORECASE)
_BODY_FILE = re.compile(r"^(\d+)(\.request)?\.bin$")
_CORRUPT = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB"})

Headers = tuple[tuple[str, str], ...]


def _auth_json(auth: AuthSpec) -> str:
    return json.dumps([auth.kind.value, [list(pair) for pair in auth.values]])


def _auth_from_json(text: str | None) -> AuthSpec | None:
    if not text:
        return None
    try:
        kind, values = json.loads(text)
        return AuthSpec(AuthKind(kind), tuple((str(k), str(v)) for k, v in values))
    except (ValueError, TypeError):
        return None  # an entry written by a newer version: its auth is simply not restored


class HistoryError(Exception):
    """History could not be written or read; ``str(exc)`` says what to do."""


@dataclass(frozen=True, slots=True)
class HistorySummary:
    """One row of the history list: no headers, no bodies."""

    id: int
    sent_at: float
    method: str
    url: str
    status: int | None
    reason: str
    elapsed_ms: float | None
    error_code: str | None
    failure: str | None
    response_size: int


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """A recorded request and what came back, secrets already redacted.

    ``status`` is ``None`` when no response came; ``failure`` then says why. ``size`` is
    what the entry occupies on disk (URL, headers and bodies), the measure retention uses.
    """

    id: int
    sent_at: float
    method: str
    url: str
    request_headers: Headers
    request_body: bytes
    status: int | None
    reason: str
    response_headers: Headers
    response_body: bytes
    elapsed_ms: float | None
    error_code: str | None
    failure: str | None
    size: int
    auth: AuthSpec | None = None
    warning: str | None = None
    response_body_file: KeptBodyFile | None = None
    """The file that holds ``response_body`` when it is kept beside the database."""


@dataclass(frozen=True, slots=True)
class KeptBodyFile:
    """A body History keeps in a file of its own (an ``app.core.response.BodyFile``); it
    is History's: removed with its entry, never by a reader."""

    path: str


def _casefold(value: object) -> str:
    return str(value).casefold() if value is not None else ""


def _headers_json(headers: Headers) -> str:
    return json.dumps([list(pair) for pair in headers], ensure_ascii=False)


def _headers_from_json(text: str) -> Headers:
    return tuple((str(name), str(value)) for name, value in json.loads(text))


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    return getattr(exc, "sqlite_errorname", "") in _CORRUPT or "malformed" in str(exc)


def _status_range(status: int | str) -> tuple[int, int]:
    if isinstance(status, int):
        if not 0 <= status <= 999:
            raise ValueError(f"{status} is not a status: HTTP status codes have three digits.")
        return status, status
    cleaned = status.strip()
    if cleaned.isdigit() and len(cleaned) <= 3:
        return int(cleaned), int(cleaned)
    match = _STATUS_CLASS.match(cleaned)
    if match is None:
        raise ValueError(
            f'"{status}" is not a status: use a code such as 404 or a class such as 4xx.'
        )
    first = int(match.group(1)) * 100
    return first, first + 99


def summary_matches(
    summary: HistorySummary,
    text: str = "",
    *,
    method: str | None = None,
    status: int | str | None = None,
    error_code: str | None = None,
) -> bool:
    """Whether ``HistoryStore.search`` with these filters would list ``summary``.

    Lets a list that shows a search add a newly recorded entry without searching again.
    Raises ``ValueError`` for a ``status`` that ``search`` refuses.
    """
    if text and text.casefold() not in summary.url.casefold():
        return False
    if method and summary.method != method.upper():
        return False
    if status is not None:
        low, high = _status_range(status)
        if summary.status is None or not low <= summary.status <= high:
            return False
    return not error_code or summary.error_code == error_code


class HistoryStore:
    """The history of sent requests in ``folder``, bounded by count and by bytes.

    Safe to share between threads (see the module docstring): ``record()`` in a worker
    while the Qt main thread searches and reads.
    """

    FILE_NAME = "history.sqlite3"
    BODIES_DIR = "history-bodies"

    def __init__(
        self,
        folder: Path,
        *,
        max_entries: int = 1000,
        max_bytes: int = 200 * 1024 * 1024,
    ) -> None:
        self.path = folder / self.FILE_NAME
        self.bodies = folder / self.BODIES_DIR
        self.problem: str | None = None
        self._check_limits(max_entries, max_bytes)
        self.max_entries, self.max_bytes = self._storable(max_entries, max_bytes)
        # In memory when the file on disk cannot be used; bodies then stay in the database
        # too, so nothing in ``bodies`` (perhaps a newer app's) is touched.
        self._in_memory = False
        # Re-entrant: recording applies retention, which deletes, inside the same hold.
        self._lock = threading.RLock()
        self._removals = 0
        folder.mkdir(parents=True, exist_ok=True)
        self._conn = self._open()
        if not self._in_memory:
            self._remove_orphan_bodies()

    # --- opening -------------------------------------------------------------------------
    @staticmethod
    def _connect(target: str) -> sqlite3.Connection:
        # Shared between threads; ``_lock`` serialises every use.
        conn = sqlite3.connect(target, isolation_level=None, timeout=5.0, check_same_thread=False)
        conn.create_function("casefold", 1, _casefold, deterministic=True)
        return conn

    def _open(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = None
        try:
            self._make_private()
            conn = self._connect(str(self.path))
            rows = conn.execute("PRAGMA quick_check").fetchall()
            if [tuple(r) for r in rows] != [("ok",)]:
                raise sqlite3.DatabaseError("database disk image is malformed")
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                conn.close()
                self.problem = (
                    f"The history in {self.path} was written by a newer version of "
                    "API Explorer; it was left as it is, and requests sent now are kept "
                    "only until the app closes."
                )
                return self._open_in_memory()
            self._use_wal(conn)
            self._migrate(conn, version)
            return conn
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            if not _is_corruption(exc):
                self.problem = (
                    f"The history in {self.path} could not be opened ({exc}); requests sent "
                    "now are kept only until the app closes. Close other API Explorer "
                    "windows or check the folder's permissions, then restart."
                )
                return self._open_in_memory()
            try:
                moved = self._move_aside()
            except OSError as move_exc:
                self.problem = (
                    f"The history database {self.path} is damaged ({exc}) and could not be "
                    f"moved aside ({move_exc}); requests sent now are kept only until the app "
                    "closes. Move or delete that file, then restart."
                )
                return self._open_in_memory()
            reason = str(exc).splitlines()[0] if str(exc) else "unreadable"
            self.problem = (
                f"The history database {self.path} was damaged ({reason}); it was moved to "
                f"{moved} and a new, empty history was started."
            )
            self._make_private()
            conn = self._connect(str(self.path))
            self._use_wal(conn)
            self._migrate(conn, 0)
            return conn

    def _make_private(self) -> None:
        """The database, and its WAL and shared-memory files, readable only by the user.

        SQLite creates a new database ``0644 & ~umask`` and gives the ``-wal`` and ``-shm``
        files the database's own mode, so the database is created here first, empty
        (which SQLite takes for a new database), with mode 0600; one made by an older
        version is narrowed.
        """
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
            os.close(os.open(self.path, flags, PRIVATE_FILE_MODE))
        except FileExistsError:
            pass
        except OSError:
            return  # the folder is not writable: opening the database says so
        for extra in ("", "-wal", "-shm"):
            path = self.path.with_name(self.path.name + extra)
            # A file that cannot be changed is not the user's: opening it says what matters.
            with contextlib.suppress(OSError):
                mode = path.stat().st_mode
                if stat.S_ISREG(mode) and stat.S_IMODE(mode) != PRIVATE_FILE_MODE:
                    path.chmod(PRIVATE_FILE_MODE)

    @staticmethod
    def _use_wal(conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL syncs only at checkpoints: a power cut may undo the last
        # commits but never leaves the database inconsistent (see the module docstring).
        conn.execute("PRAGMA synchronous=NORMAL")

    def _open_in_memory(self) -> sqlite3.Connection:
        self._in_memory = True
        conn = self._connect(":memory:")
        self._migrate(conn, 0)
        return conn

    @staticmethod
    def _migrate(conn: sqlite3.Connection, version: int) -> None:
        for target in range(version + 1, SCHEMA_VERSION + 1):
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _MIGRATIONS[target - 1]:
                    conn.execute(statement)
                # PRAGMA takes no bound parameters; ``target`` is an int from range().
                conn.execute(f"PRAGMA user_version = {int(target)}")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _move_aside(self) -> Path:
        """Move the damaged database (and its WAL and body files) to free ``.corrupt-`` names."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        serial = 1
        while True:
            suffix = f".corrupt-{stamp}" if serial == 1 else f".corrupt-{stamp}-{serial}"
            moves = [
                (self.path.with_name(self.path.name + extra), self.path.name + suffix + extra)
                for extra in ("", "-wal", "-shm")
            ]
            moves.append((self.bodies, self.bodies.name + suffix))
            if not any(self.path.with_name(target).exists() for _, target in moves):
                break
            serial += 1
        for source, target in moves:
            if source.exists():
                source.replace(source.with_name(target))
        return self.path.with_name(moves[0][1])

    def _remove_orphan_bodies(self) -> None:
        """Body files whose entry is gone: left by a crash between writing and committing."""
        if not self.bodies.is_dir():
            return
        ids = {row[0] for row in self._conn.execute("SELECT id FROM entry")}
        for path in self.bodies.iterdir():
            match = _BODY_FILE.match(path.name)
            stray_temp = path.name.startswith(".") and path.name.endswith(".tmp")
            if stray_temp or (match is not None and int(match.group(1)) not in ids):
                path.unlink(missing_ok=True)

    # --- lifecycle -----------------------------------------------------------------------
    def close(self) -> None:
        """Close the database; waits for a ``record()`` running in another thread."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    # --- body files ----------------------------------------------------------------------
    def _body_path(self, entry_id: int, *, request: bool) -> Path:
        return self.bodies / (f"{entry_id}.request.bin" if request else f"{entry_id}.bin")

    def _in_file(self, body: bytes) -> bool:
        return not self._in_memory and len(body) > BODY_IN_DB_LIMIT

    def _write_temp_body(self, body: bytes) -> Path:
        """``body`` in a new temporary file in ``bodies``, its bytes synced to disk.

        Named like every stray temporary file removed at the next start (``.*.tmp``). The
        folder is not synced (see the module docstring): a lost name is reported on reading.
        """
        private_folder(self.bodies)
        path = self.bodies / f".{uuid.uuid4().hex}.tmp"
        # Bodies may hold personal data the server sent: readable only by the user.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
        fd = os.open(path, flags, PRIVATE_FILE_MODE)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(body)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path

    def _link_temp_body(self, source: str, body: bytes) -> Path:
        """A new temporary name in ``bodies`` for the file ``source`` that holds ``body``
        (a response streamed to a file): a hard link, so 200 MB are not written again;
        ``body`` is written when the two are on different file systems or links fail."""
        private_folder(self.bodies)
        path = self.bodies / f".{uuid.uuid4().hex}.tmp"
        try:
            os.link(source, path)
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            try:
                linked_size = os.fstat(fd).st_size
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError:
            path.unlink(missing_ok=True)
            return self._write_temp_body(body)
        if linked_size != len(body):
            path.unlink(missing_ok=True)
            return self._write_temp_body(body)
        return path

    def _read_body(self, entry_id: int, stored: bytes | None, *, request: bool) -> bytes:
        if stored is not None:
            return bytes(stored)
        which = "request" if request else "response"
        path = self._body_path(entry_id, request=request)
        try:
            return path.read_bytes()
        except FileNotFoundError as exc:
            raise HistoryError(
                f"The {which} body of history entry {entry_id} is missing ({path} is gone; "
                "the computer may have stopped just after it was recorded). Delete the entry "
                "or send the request again."
            ) from exc
        except OSError as exc:
            raise HistoryError(
                f"The {which} body of history entry {entry_id} could not be read ({exc})."
            ) from exc

    def _unlink_bodies(self, ids: Sequence[int]) -> None:
        try:
            for entry_id in ids:
                for request in (True, False):
                    self._body_path(entry_id, request=request).unlink(missing_ok=True)
        except OSError as exc:
            raise HistoryError(
                f"Body files of removed history entries could not be deleted from "
                f"{self.bodies} ({exc}); check the folder's permissions."
            ) from exc

    # --- recording -----------------------------------------------------------------------
    def record(
        self,
        request: PreparedRequest,
        response: ResponseData | None,
        *,
        error_code: str | None = None,
        failure: str | None = None,
        secrets: Mapping[str, str],
        sent_at: float | None = None,
        auth: AuthSpec | None = None,
        warning: str | None = None,
    ) -> int:
        """Store a sent request and its response (or ``failure``); returns the entry's id.

        ``secrets`` maps secret variable names to the values that went into the request;
        every one is redacted from URL, headers, bodies and texts before storing.
        """
        # A response may echo the request: its Basic token and MAC signature too.
        secrets = derived_secrets(request.headers, secrets)
        url = redact(request.url, secrets)
        request_headers = redact_headers(request.headers, secrets)
        request_body = redact_bytes(request.body, secrets)
        if response is not None:
            status: int | None = response.status
            reason = redact(response.reason, secrets)
            response_headers = redact_headers(response.headers, secrets)
            response_body = redact_bytes(response.body, secrets)
            elapsed_ms: float | None = response.elapsed_ms
        else:
            status, reason, response_headers, response_body, elapsed_ms = None, "", (), b"", None
        request_headers_json = _headers_json(request_headers)
        response_headers_json = _headers_json(response_headers)
        size = (
            len(url.encode("utf-8"))
            + len(request_headers_json.encode("utf-8"))
            + len(response_headers_json.encode("utf-8"))
            + len(request_body)
            + len(response_body)
        )
        request_in_file = self._in_file(request_body)
        response_in_file = self._in_file(response_body)
        row = (
            time.time() if sent_at is None else sent_at,
            request.method,
            url,
            request_headers_json,
            None if request_in_file else request_body,
            status,
            reason,
            response_headers_json,
            None if response_in_file else response_body,
            elapsed_ms,
            None if error_code is None else redact(error_code, secrets),
            None if failure is None else redact(failure, secrets),
            len(response_body),
            size,
            None if auth is None else redact(_auth_json(auth), secrets),
            warning,
        )
        # Big bodies are written before the lock is taken, so that a search or a read in
        # the other thread does not wait for them; under the lock they only get their names.
        temporary: dict[bool, Path] = {}
        written: list[Path] = []
        # A body streamed to a file, with no secret in it, is the file: linked, not copied.
        spooled = response.body_file if response is not None else None
        unchanged = response is not None and response_body is response.body
        try:
            for in_file, body, is_request in (
                (request_in_file, request_body, True),
                (response_in_file, response_body, False),
            ):
                if in_file and not is_request and spooled is not None and unchanged:
                    temporary[is_request] = self._link_temp_body(spooled.path, body)
                elif in_file:
                    temporary[is_request] = self._write_temp_body(body)
            with self._lock:
                with self._transaction() as conn:
                    cursor = conn.execute(
                        "INSERT INTO entry (sent_at, method, url, request_headers,"
                        " request_body, status, reason, response_headers, response_body,"
                        " elapsed_ms, error_code, failure, response_size, size, auth, warning)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        row,
                    )
                    entry_id = cursor.lastrowid
                    assert entry_id is not None  # an INSERT always sets it
                    for is_request, path in temporary.items():
                        final = self._body_path(entry_id, request=is_request)
                        os.replace(path, final)
                        written.append(final)
                # In the same hold as the insert: no reader sees more than the limits allow.
                # It raises only HistoryError, so the entry's files stay if it fails.
                self._apply_retention()
        except (sqlite3.Error, OSError) as exc:
            for path in [*temporary.values(), *written]:
                path.unlink(missing_ok=True)
            raise HistoryError(
                f"The request could not be recorded in the history ({exc}); check the free "
                f"space and permissions of {self.path.parent}."
            ) from exc
        return entry_id

    # --- retention -----------------------------------------------------------------------
    @staticmethod
    def _check_limits(max_entries: int, max_bytes: int) -> None:
        if max_entries < 1 or max_bytes < 0:
            raise ValueError("History keeps at least one entry and a size of 0 bytes or more.")

    @staticmethod
    def _storable(max_entries: int, max_bytes: int) -> tuple[int, int]:
        # The limits are bound into SQL, which overflows past a 64-bit integer; a limit that
        # large already means "no limit", so it is lowered to one SQLite can hold.
        return min(max_entries, _SQLITE_MAX_INTEGER), min(max_bytes, _SQLITE_MAX_INTEGER)

    def set_limits(self, *, max_entries: int, max_bytes: int) -> None:
        """Change the retention limits and apply them now."""
        self._check_limits(max_entries, max_bytes)
        with self._lock:
            self.max_entries, self.max_bytes = self._storable(max_entries, max_bytes)
            self._apply_retention()

    def _apply_retention(self) -> None:
        try:
            with self._lock:
                count, total = self._conn.execute(
                    "SELECT count(*), total(size) FROM entry"
                ).fetchone()
                if count <= self.max_entries and total <= self.max_bytes:
                    return  # the usual case, and cheaper than ranking every entry
                # Newest first, with a running size: the first entry over either limit and
                # all older ones go. The newest always stays, however big: it is the request
                # just sent.
                doomed = [
                    int(entry_id)
                    for (entry_id,) in self._conn.execute(
                        "SELECT id FROM (SELECT id, row_number() OVER newest AS rank,"
                        " sum(size) OVER newest AS running FROM entry"
                        " WINDOW newest AS (ORDER BY sent_at DESC, id DESC"
                        " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))"
                        " WHERE rank > 1 AND (rank > ? OR running > ?)",
                        (self.max_entries, self.max_bytes),
                    )
                ]
        except sqlite3.Error as exc:
            raise HistoryError(f"The history's size could not be checked ({exc}).") from exc
        if doomed:
            self._delete_ids(doomed)

    def _delete_ids(self, ids: Sequence[int]) -> None:
        try:
            with self._transaction() as conn:
                conn.executemany("DELETE FROM entry WHERE id = ?", [(i,) for i in ids])
                self._removals += 1
        except sqlite3.Error as exc:
            raise HistoryError(f"History entries could not be deleted ({exc}).") from exc
        self._unlink_bodies(ids)

    @property
    def removals(self) -> int:
        """Goes up each time entries are removed (retention, ``delete``, ``clear``).

        A list showing search results compares it with the value it last saw to know
        whether some of its rows may be gone, without searching again.
        """
        return self._removals

    # --- reading -------------------------------------------------------------------------
    def search(
        self,
        text: str = "",
        *,
        method: str | None = None,
        status: int | str | None = None,
        error_code: str | None = None,
        limit: int = 200,
    ) -> list[HistorySummary]:
        """Entries newest first, without bodies.

        ``text`` matches part of the URL, ignoring case; ``status`` is a code (``404`` or
        ``"404"``) or a class (``"4xx"``); ``method`` and ``error_code`` match exactly
        (the method ignoring case).
        """
        clauses: list[str] = []
        params: list[object] = []
        if text:
            clauses.append("instr(casefold(url), ?) > 0")
            params.append(text.casefold())
        if method:
            clauses.append("method = ?")
            params.append(method.upper())
        if status is not None:
            low, high = _status_range(status)
            clauses.append("status BETWEEN ? AND ?")
            params.extend((low, high))
        if error_code:
            clauses.append("error_code = ?")
            params.append(error_code)
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        params.append(max(0, limit))
        sql = f"SELECT {_SUMMARY_COLUMNS} FROM entry{where}{_NEWEST_FIRST} LIMIT ?"
        try:
            with self._lock:
                rows = self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise HistoryError(f"The history could not be searched ({exc}).") from exc
        return [HistorySummary(*row) for row in rows]

    def summary(self, entry_id: int) -> HistorySummary | None:
        """One entry's row for the list (what ``search`` gives); ``None`` when it is gone."""
        try:
            with self._lock:
                row = self._conn.execute(
                    f"SELECT {_SUMMARY_COLUMNS} FROM entry WHERE id = ?", (entry_id,)
                ).fetchone()
        except sqlite3.Error as exc:
            raise HistoryError(f"History entry {entry_id} could not be read ({exc}).") from exc
        return None if row is None else HistorySummary(*row)

    def existing_ids(self, ids: Iterable[int]) -> set[int]:
        """Those of ``ids`` whose entries are still there."""
        wanted = list(ids)
        found: set[int] = set()
        try:
            with self._lock:
                # In chunks: SQLite caps the number of bound parameters.
                for start in range(0, len(wanted), 500):
                    chunk = wanted[start : start + 500]
                    marks = ", ".join("?" * len(chunk))
                    found.update(
                        int(entry_id)
                        for (entry_id,) in self._conn.execute(
                            f"SELECT id FROM entry WHERE id IN ({marks})", chunk
                        )
                    )
        except sqlite3.Error as exc:
            raise HistoryError(f"The history could not be read ({exc}).") from exc
        return found

    def get(self, entry_id: int) -> HistoryEntry | None:
        """The whole entry, bodies included; ``None`` when there is no such entry.

        Raises ``HistoryError`` when the entry or one of its body files cannot be read (a
        body file lost in a power cut, say): its ``str()`` names the entry and the file.
        """
        try:
            with self._lock:
                row = self._conn.execute(
                    f"SELECT {_ENTRY_COLUMNS} FROM entry WHERE id = ?", (entry_id,)
                ).fetchone()
        except sqlite3.Error as exc:
            raise HistoryError(f"History entry {entry_id} could not be read ({exc}).") from exc
        if row is None:
            return None
        (
            id_,
            sent_at,
            method,
            url,
            request_headers,
            request_body,
            status,
            reason,
            response_headers,
            response_body,
            elapsed_ms,
            error_code,
            failure,
            size,
            auth,
            warning,
        ) = row
        try:
            # Read outside the lock, as they are written: the entry may go meanwhile.
            bodies = (
                self._read_body(id_, request_body, request=True),
                self._read_body(id_, response_body, request=False),
            )
        except HistoryError:
            if self.summary(id_) is None:
                return None  # removed by retention in the other thread while being read
            raise
        return HistoryEntry(
            id=id_,
            sent_at=sent_at,
            method=method,
            url=url,
            request_headers=_headers_from_json(request_headers),
            request_body=bodies[0],
            status=status,
            reason=reason,
            response_headers=_headers_from_json(response_headers),
            response_body=bodies[1],
            elapsed_ms=elapsed_ms,
            error_code=error_code,
            failure=failure,
            size=size,
            auth=_auth_from_json(auth),
            warning=warning,
            response_body_file=(
                KeptBodyFile(str(self._body_path(id_, request=False)))
                if response_body is None and status is not None
                else None
            ),
        )

    def __len__(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM entry").fetchone()[0])

    # --- removing ------------------------------------------------------------------------
    def delete(self, entry_id: int) -> None:
        """Remove one entry and its body files; an unknown id is ignored."""
        self._delete_ids([entry_id])

    def clear(self) -> None:
        """Remove every entry and every body file."""
        try:
            with self._transaction() as conn:
                conn.execute("DELETE FROM entry")
                self._removals += 1
        except sqlite3.Error as exc:
            raise HistoryError(f"The history could not be cleared ({exc}).") from exc
        if self._in_memory or not self.bodies.is_dir():
            return
        try:
            for path in self.bodies.iterdir():
                if _BODY_FILE.match(path.name):
                    path.unlink(missing_ok=True)
        except OSError as exc:
            raise HistoryError(
                f"The history was cleared, but its body files in {self.bodies} could not all "
                f"be removed ({exc}); delete that folder by hand."
            ) from exc

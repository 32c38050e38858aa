"""Helpers for the cURL import and snippet tests: a loopback HTTP server that records each
request byte for byte, the app's pipeline over an imported collection held in memory, and
comparisons of two recorded requests (no Qt)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from app.core.collection import (
    CollectionNode,
    Defaults,
    Environment,
    LoadedCollection,
    NodeKind,
    SavedRequest,
    Variable,
)
from app.formats import Imported
from app.services.pipeline import Outcome, OutcomeKind, Pipeline
from app.services.workspace import Workspace

CURL = shutil.which("curl")
BASH = shutil.which("bash")


@dataclass(frozen=True)
class Recorded:
    """One request as it arrived: request line, header lines as sent (names stripped of
    the spaces curl may keep before the colon), body bytes."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def values(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def header(self, name: str) -> str | None:
        found = self.values(name)
        return found[0] if found else None


class Recorder:
    """A server on 127.0.0.1 that answers every request with ``200 {}`` and keeps it."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.requests: list[Recorded] = []
        self._arrived = threading.Condition()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, rest = data.partition(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = tuple(
                    (name.strip(), value.strip())
                    for name, _, value in (line.partition(":") for line in lines[1:])
                )
                record = Recorded(method, target, headers, b"")
                if (record.header("Expect") or "").lower() == "100-continue":
                    conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                if (record.header("Transfer-Encoding") or "").lower() == "chunked":
                    body = self._chunked(conn, rest)
                else:
                    length = int(record.header("Content-Length") or 0)
                    while len(rest) < length:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        rest += chunk
                    body = rest[:length]
                with self._arrived:
                    self.requests.append(replace(record, body=body))
                    self._arrived.notify_all()
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 2\r\nConnection: close\r\n\r\n{}"
                )
            except OSError:
                return

    @staticmethod
    def _chunked(conn: socket.socket, data: bytes) -> bytes:
        body = b""
        while True:
            while b"\r\n" not in data:
                data += conn.recv(65536)
            size_line, _, data = data.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            while len(data) < size + 2:
                data += conn.recv(65536)
            body += data[:size]
            data = data[size + 2 :]
            if size == 0:
                return body

    def take(self) -> Recorded:
        """The one request that arrived since the last ``take`` (waits up to 10 s)."""
        with self._arrived:
            assert self._arrived.wait_for(lambda: self.requests, timeout=10), "no request"
            assert len(self.requests) == 1, self.requests
            return self.requests.pop()

    def take_all(self, count: int) -> list[Recorded]:
        """The ``count`` requests that arrived since the last ``take``, in order."""
        with self._arrived:
            arrived = self._arrived.wait_for(lambda: len(self.requests) >= count, timeout=10)
            assert arrived, f"{len(self.requests)} of {count} requests arrived"
            taken, self.requests[:] = list(self.requests), []
            assert len(taken) == count, taken
            return taken

    def close(self) -> None:
        self.listener.close()


@contextlib.contextmanager
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    try:
        yield server
    finally:
        server.close()


# --------------------------------------------------------------------------- the app side


class MemorySecrets:
    """A secret store over a dict keyed by (environment, name)."""

    def __init__(self, values: Mapping[tuple[str, str], str]) -> None:
        self.values = dict(values)

    def get(self, collection_id: str, environment: str, name: str) -> str | None:
        return self.values.get((environment, name))

    def set(self, collection_id: str, environment: str, name: str, value: str) -> None:
        self.values[(environment, name)] = value

    def delete(self, collection_id: str, environment: str, name: str) -> None:
        self.values.pop((environment, name), None)


def send_imported(
    imported: Imported,
    request: SavedRequest,
    root: Path,
    *,
    extra: tuple[Variable, ...] = (),
    extra_secrets: Mapping[str, str] | None = None,
) -> Outcome:
    """``request`` of ``imported`` through the app's pipeline, in a collection at ``root``
    (relative file paths resolve there) with the import's environment selected and its
    secrets in the store, as after ``api-explorer import``. ``extra`` adds variables to
    that environment (values the test gives the command's shell variables)."""
    environment = imported.environments[0] if imported.environments else Environment("Imported")
    replaced = {v.name for v in extra}
    kept = tuple(v for v in environment.variables if v.name not in replaced)
    environment = replace(environment, variables=(*kept, *extra))
    values = dict(imported.secrets)
    for name, value in (extra_secrets or {}).items():
        values[(environment.name, name)] = value
    store = MemorySecrets(values)
    tree = CollectionNode(NodeKind.COLLECTION, Path("."), imported.root.name, defaults=Defaults())
    collection = LoadedCollection(root, imported.root.name, "curl-test", tree, (), (environment,))
    workspace = Workspace(secret_store=lambda: store)
    workspace.set_collection(collection)
    workspace.select_environment(environment.name)
    pipeline = Pipeline(workspace)

    async def main() -> Outcome:
        try:
            return await pipeline.run(request, timeout_seconds=10)
        finally:
            await pipeline.aclose()

    outcome = asyncio.run(main())
    assert outcome.kind is OutcomeKind.RESPONDED, outcome.message
    return outcome


def with_origin(url: str, base: str) -> str:
    """``url`` sent to ``base`` (scheme and authority replaced), path and query as typed."""
    parts = urlsplit(url)
    rest = url[len(f"{parts.scheme}://{parts.netloc}") :]
    return base + rest


# --------------------------------------------------------------------------- bash and curl


def bash_argv(
    script: str, *, env: Mapping[str, str] | None = None, name: str = "curl"
) -> list[str]:
    """The arguments bash gives ``name`` when it runs ``script`` (the command is replaced by
    a function that prints them), so a test reads a command exactly as a shell does."""
    wrapper = f'{name}() {{ printf "%s\\0" "$@"; }}\n' + script
    printed = _bash(wrapper, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **(env or {})})
    return printed.decode("utf-8", "surrogateescape").split("\0")[:-1]


def bash_stdin_of(script: str, name: str) -> bytes:
    """What ``name`` reads on its standard input when bash runs ``script``."""
    return _bash(f"{name}() {{ cat; }}\n" + script)


def _bash(script: str, env: Mapping[str, str] | None = None) -> bytes:
    """What bash, without rc files, prints running ``script``; ``env`` is its whole
    environment (``None``: this process's)."""
    assert BASH is not None
    ran = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", script],
        capture_output=True,
        timeout=20,
        env=env,
        check=False,
    )
    return ran.stdout


def run_curl(argv: list[str], cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """Real curl with ``argv`` (after ``curl``): no ~/.curlrc, no proxy, output discarded."""
    assert CURL is not None
    args = [CURL, "-q", "--noproxy", "*", "-s", "-o", os.devnull, "--max-time", "10", *argv]
    return subprocess.run(args, cwd=cwd, input=stdin, capture_output=True, timeout=20)


# --------------------------------------------------------------------------- comparisons


def form_fields(body: bytes) -> list[tuple[str, str]]:
    """A urlencoded body as decoded (name, value) pairs."""
    return parse_qsl(body.decode("utf-8"), keep_blank_values=True)


def multipart_parts(content_type: str, body: bytes) -> list[tuple[str, str | None, bytes]]:
    """A multipart body as (field name, file name or None, content) per part."""
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    parts: list[tuple[str, str | None, bytes]] = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        parts.append((str(name), filename, payload if isinstance(payload, bytes) else b""))
    return parts

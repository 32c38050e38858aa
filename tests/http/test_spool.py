"""Bodies past the streaming threshold go to a file as they arrive (``app.http.spool``),
against real sockets on 127.0.0.1; a body that does not arrive whole leaves no file."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import gzip
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core.outcome import FailureKind
from app.core.prepare import PreparedRequest
from app.core.response import Progress
from app.http.client import HttpClient, SendFailed
from app.http.spool import SpooledBody, SpoolSettings, sweep

Handler = Callable[[socket.socket], object]


@pytest.fixture
def serve() -> Iterator[Callable[[Handler], str]]:
    listeners: list[socket.socket] = []

    def start(handler: Handler) -> str:
        listener = socket.create_server(("127.0.0.1", 0))
        listeners.append(listener)

        def run() -> None:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                with contextlib.suppress(OSError):  # the client went away, as a cancel does
                    handler(conn)

        threading.Thread(target=run, daemon=True).start()
        return f"http://127.0.0.1:{listener.getsockname()[1]}/"

    yield start
    for listener in listeners:
        listener.close()


def _reply(body: bytes, *headers: str) -> bytes:
    head = ["HTTP/1.1 200 OK", f"Content-Length: {len(body)}", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def _client(folder: Path, threshold: int) -> HttpClient:
    client = HttpClient()
    client.spool = SpoolSettings(folder, threshold)
    return client


def _get(url: str, client: HttpClient, progress: Progress | None = None) -> object:
    async def go() -> object:
        try:
            return await client.send(PreparedRequest("GET", url, (), b"", 10.0), progress=progress)
        finally:
            await client.aclose()

    return asyncio.run(go())


def _body(size: int) -> bytes:
    return b'{"items": [' + b",".join(b'{"n": 1.10}' for _ in range(size // 12)) + b"]}"


def test_a_body_past_the_threshold_is_in_a_file_byte_for_byte(
    serve: Callable[[Handler], str], tmp_path: Path
) -> None:
    body = _body(300_000)
    url = serve(lambda conn: conn.sendall(_reply(body, "Content-Type: application/json")))
    progress = Progress()
    response = _get(url, _client(tmp_path, 100_000), progress)
    assert response.body == body  # type: ignore[attr-defined]
    spooled = response.body_file  # type: ignore[attr-defined]
    assert isinstance(spooled, SpooledBody)
    assert Path(spooled.path).parent == tmp_path
    assert Path(spooled.path).read_bytes() == body
    assert progress.to_file and progress.received == len(body)
    assert os.stat(spooled.path).st_mode & 0o077 == 0  # the user's only
    path = spooled.path
    del response, spooled
    gc.collect()
    assert not Path(path).exists()  # gone with the last reference


def test_a_body_within_the_threshold_stays_in_memory_only(
    serve: Callable[[Handler], str], tmp_path: Path
) -> None:
    body = _body(50_000)
    url = serve(lambda conn: conn.sendall(_reply(body)))
    response = _get(url, _client(tmp_path, 100_000))
    assert response.body == body  # type: ignore[attr-defined]
    assert response.body_file is None  # type: ignore[attr-defined]
    assert not any(tmp_path.iterdir())


def test_the_threshold_counts_decoded_bytes(
    serve: Callable[[Handler], str], tmp_path: Path
) -> None:
    body = _body(400_000)
    packed = gzip.compress(body)
    assert len(packed) < 100_000
    url = serve(lambda conn: conn.sendall(_reply(packed, "Content-Encoding: gzip")))
    response = _get(url, _client(tmp_path, 100_000))
    assert response.body == body  # type: ignore[attr-defined]
    assert Path(response.body_file.path).read_bytes() == body  # type: ignore[attr-defined]


def test_a_dropped_connection_leaves_no_file(
    serve: Callable[[Handler], str], tmp_path: Path
) -> None:
    def half(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n" + b"x" * 500_000)

    url = serve(half)
    with pytest.raises(SendFailed) as caught:
        _get(url, _client(tmp_path, 100_000))
    assert caught.value.failure.kind is FailureKind.DROPPED
    assert not any(tmp_path.iterdir())


def test_a_body_past_the_ceiling_leaves_no_file(
    serve: Callable[[Handler], str], tmp_path: Path
) -> None:
    url = serve(lambda conn: conn.sendall(_reply(b"x" * 600_000)))
    client = _client(tmp_path, 100_000)
    client.body_ceiling = 300_000
    with pytest.raises(SendFailed):
        _get(url, client)
    assert not any(tmp_path.iterdir())


def test_cancelling_while_the_body_streams_leaves_no_file(
    serve: Callable[[Handler], str], tmp_path: Path
) -> None:
    release = threading.Event()

    def slow(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n" + b"x" * 300_000)
        release.wait(10)

    url = serve(slow)
    client = _client(tmp_path, 100_000)
    progress = Progress()
    seen_file: list[bool] = []

    async def go() -> None:
        task = asyncio.create_task(
            client.send(PreparedRequest("GET", url, (), b"", 10.0), progress=progress)
        )
        while progress.received < 300_000:
            await asyncio.sleep(0.01)
        seen_file.append(any(tmp_path.iterdir()))
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await client.aclose()

    try:
        asyncio.run(go())
    finally:
        release.set()
    assert seen_file == [True]  # it was streaming to a file when cancelled
    assert not any(tmp_path.iterdir())


def test_sweep_removes_files_of_processes_gone_and_keeps_the_living_ones(tmp_path: Path) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = tmp_path / f"{gone.stdout.strip()}-abc.body"
    alive = tmp_path / f"{os.getpid()}-def.body"
    other = tmp_path / "notes.txt"
    for path in (dead, alive, other):
        path.write_bytes(b"x")
    assert sweep(tmp_path) == 1
    assert not dead.exists() and alive.exists() and other.exists()
    assert sweep(tmp_path / "missing") == 0


def test_a_folder_that_cannot_be_written_costs_the_file_not_the_response(
    serve: Callable[[Handler], str], tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_bytes(b"")  # a file where the folder should be: mkdir fails
    body = _body(300_000)
    url = serve(lambda conn: conn.sendall(_reply(body)))
    progress = Progress()
    response = _get(url, _client(blocked / "responses", 100_000), progress)
    assert response.body == body  # type: ignore[attr-defined]
    assert response.body_file is None  # type: ignore[attr-defined]
    assert not progress.to_file


def test_a_disk_that_fills_up_midway_costs_the_file_not_the_response(
    serve: Callable[[Handler], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.http import spool

    written: list[int] = []
    real_write = spool.SpoolWriter.write

    def fill_up(self: spool.SpoolWriter, data: bytes | memoryview) -> None:
        if sum(written) > 150_000:
            raise OSError(28, "No space left on device")
        written.append(len(data))
        real_write(self, data)

    monkeypatch.setattr(spool.SpoolWriter, "write", fill_up)
    body = _body(300_000)
    url = serve(lambda conn: conn.sendall(_reply(body)))
    response = _get(url, _client(tmp_path, 100_000))
    assert response.body == body  # type: ignore[attr-defined]
    assert response.body_file is None  # type: ignore[attr-defined]
    assert not any(tmp_path.iterdir())  # what was written is gone

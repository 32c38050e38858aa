"""Issue 12's small hostile responses, each sent by the real window: how long until it is on
screen, the longest stall of the window meanwhile, and what it cost in memory. A benchmark,
not a test (``tests/e2e/test_hostile_responses.py`` holds the assertions).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/hostile_window.py [--case NAME ...]

A loopback server in its own process (this script again, with ``--serve``: its CPU does not
count against the window) writes each canned response as raw bytes on the socket. The 2 MB
gzip body that expands to 2 GB (and its brotli twin) is built once, streaming zeros, and
kept in ``$TMPDIR/api-explorer-bench-bombs`` for the next run. The window is
``create_main_window()`` on a fresh data folder (removed at the end), driven by clicking
Send on a new tab for each case; "shown" is the ``finished`` signal handled and the loop
come round once more.

Per case: seconds from the click to shown; the longest gap between ticks of a 10 ms QTimer
meanwhile (the longest time the window could not repaint or take input); RSS before the
click, the peak RSS from the click until the tab is closed again (VmHWM, reset before the
click by writing 5 to ``/proc/self/clear_refs``; where that is refused, VmRSS sampled at
every tick), and RSS once history has recorded the exchange and the tab is closed. The last
column is what the window shows: the status line and the message under it, then the error
panel's labels, the binary summary or the tree's first row (a character the window left
unescaped that is not printable is written ``⟨U+XXXX⟩`` here: the table cannot be spoofed).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import itertools
import json
import os
import random
import shutil
import socketserver
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

MB = 1024 * 1024
BOMB_DECODED_BYTES = 2048 * MB
BOMB_FOLDER = Path(tempfile.gettempdir()) / "api-explorer-bench-bombs"
CASE_TIMEOUT_SECONDS = 120.0


# --- the responses ---------------------------------------------------------------------------
def raw_response(
    status: int, reason: str, headers: list[tuple[str, str]], body: bytes = b""
) -> bytes:
    """The exact bytes of an HTTP/1.1 response; the server closes the connection after it."""
    lines = [f"HTTP/1.1 {status} {reason}".encode()]
    lines += [f"{name}: {value}".encode() for name, value in headers]
    lines.append(f"Content-Length: {len(body)}".encode())
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def json_response(status: int, reason: str, document: object) -> bytes:
    body = json.dumps(document, ensure_ascii=False).encode()
    return raw_response(status, reason, [("Content-Type", "application/json")], body)


def zeros_bomb(path: Path, compress: Callable[[bytes], bytes], finish: Callable[[], bytes]) -> None:
    """Write ``BOMB_DECODED_BYTES`` of zeros through a streaming compressor into ``path``."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(".part")
    zeros = bytes(MB)
    with part.open("wb") as out:
        for _ in range(BOMB_DECODED_BYTES // MB):
            out.write(compress(zeros))
        out.write(finish())
    part.replace(path)


def gzip_bomb(folder: Path) -> bytes:
    path = folder / "zeros-2g.gz"
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: the gzip container
    zeros_bomb(path, packer.compress, packer.flush)
    return path.read_bytes()


def brotli_bomb(folder: Path) -> bytes:
    import brotli

    path = folder / "zeros-2g.br"
    packer = brotli.Compressor(quality=5)  # 2 GB of zeros in about 3 KB, built in 2 s
    zeros_bomb(path, packer.process, packer.finish)
    data: bytes = path.read_bytes()
    return data


def png_image(width: int = 58, height: int = 58) -> bytes:
    """A valid PNG of noise (incompressible, so about 10 KB)."""
    noise = random.Random(12)
    rows = b"".join(
        b"\x00" + bytes(noise.randrange(256) for _ in range(width * 3)) for _ in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


@dataclass(frozen=True)
class Case:
    name: str
    path: str


CASES = (
    Case("gzip 2 MB -> 2 GB", "/gzip-bomb"),
    Case("brotli -> 2 GB", "/brotli-bomb"),
    Case("4.8 MB error_description", "/long-description"),
    Case("200,000 error_properties", "/field-problems"),
    Case("duplicate keys", "/duplicate-keys"),
    Case("10 KB PNG as application/json", "/png-as-json"),
    Case("invalid UTF-8 in JSON", "/invalid-utf8"),
    Case("302 Location: javascript:", "/javascript-redirect"),
    Case("10,000 response headers", "/many-headers"),
    Case("one 1 MB header", "/huge-header"),
    Case("bidi/control chars, user@ error_uri", "/spoofing"),
)


def build_responses(folder: Path) -> dict[str, bytes]:
    """Path -> the raw response served for it."""
    json_type = [("Content-Type", "application/json")]
    properties = {f"field{i}": ["Required."] for i in range(200_000)}
    spoofing = {
        "error": "invalid_request",
        "error_description": "Pay \u202e01.0\u202c EUR\u0000 \u001b[31mnow\u001b[0m\u0007",
        "error_uri": "https://paysera.com@evil.example",
    }
    return {
        "/warm-up": json_response(200, "OK", {"ok": True}),
        "/gzip-bomb": raw_response(
            200, "OK", [*json_type, ("Content-Encoding", "gzip")], gzip_bomb(folder)
        ),
        "/brotli-bomb": raw_response(
            200, "OK", [*json_type, ("Content-Encoding", "br")], brotli_bomb(folder)
        ),
        "/long-description": json_response(
            400,
            "Bad Request",
            {"error": "invalid_request", "error_description": "Too long. " * 480_000},
        ),
        "/field-problems": json_response(
            400,
            "Bad Request",
            {"error": "invalid_parameters", "error_properties": properties},
        ),
        "/duplicate-keys": raw_response(
            200, "OK", json_type, b'{"amount":"1.00","amount":"1000000.00"}'
        ),
        "/png-as-json": raw_response(200, "OK", json_type, png_image()),
        "/invalid-utf8": raw_response(200, "OK", json_type, b'{"name":"caf\xe9 cr\xe8me"}'),
        "/javascript-redirect": raw_response(
            302, "Found", [("Location", "javascript:alert(1)"), ("Content-Type", "text/html")]
        ),
        "/many-headers": raw_response(
            200,
            "OK",
            [*json_type, *((f"X-Header-{i}", f"value {i}") for i in range(10_000))],
            b"{}",
        ),
        "/huge-header": raw_response(200, "OK", [*json_type, ("X-Big", "a" * MB)], b"{}"),
        "/spoofing": json_response(400, "Bad Request", spoofing),
    }


def serve(folder: Path) -> None:
    """The server process: once every response is built, prints its port and the size of each
    body as one line of JSON; serves until its standard input closes."""
    responses = build_responses(folder)
    not_found = json_response(404, "Not Found", {"error": "not_found"})

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            request_line = self.rfile.readline(65_536)
            while self.rfile.readline(65_536) not in (b"\r\n", b"\n", b""):
                pass  # the request's headers
            parts = request_line.split()
            path = parts[1].decode("latin-1") if len(parts) > 1 else "/"
            # OSError: the client gave up reading (too many or too large headers).
            with contextlib.suppress(OSError):
                self.wfile.write(responses.get(path, not_found))

    socketserver.ThreadingTCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    body_bytes = {path: len(raw) - raw.index(b"\r\n\r\n") - 4 for path, raw in responses.items()}
    print(json.dumps({"port": server.server_address[1], "body_bytes": body_bytes}), flush=True)
    sys.stdin.read()
    server.shutdown()


# --- measuring -------------------------------------------------------------------------------
def status_kb(field: str) -> int:
    """A ``/proc/self/status`` field (``VmRSS``, ``VmHWM``) in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak() -> bool:
    """Make VmHWM start again from the current RSS; False where the kernel refuses."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


@dataclass
class Row:
    case: Case
    wire_bytes: int
    seconds: float = 0.0
    stall: float = 0.0
    rss_before_kb: int = 0
    peak_kb: int = 0
    rss_after_kb: int = 0
    shown: str = ""


def printable(text: str) -> str:
    """``text`` on one line (line breaks as " / "); any other non-printable character (bidi,
    controls) the window left as it is is written ``⟨U+XXXX⟩`` (the window's own escapes
    stay ``\\uXXXX``)."""
    one_line = text.replace("\n", " / ")
    return "".join(c if c.isprintable() else f"⟨U+{ord(c):04X}⟩" for c in one_line)


def table(rows: list[Row]) -> str:
    head = (
        "| case | body on the wire | click → shown | longest stall | RSS before "
        "| peak RSS | RSS after closing the tab | what the window shows |"
    )
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        shown = row.shown.replace("|", "\\|")
        lines.append(
            f"| {row.case.name} | {row.wire_bytes:,} B | {row.seconds:.2f} s "
            f"| {row.stall * 1000:.0f} ms | {row.rss_before_kb / 1024:.0f} MB "
            f"| {row.peak_kb / 1024:.0f} MB | {row.rss_after_kb / 1024:.0f} MB | {shown} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--case", action="append", default=[], help="run only cases whose name contains this"
    )
    parser.add_argument(
        "--width", type=int, default=80, help="characters of what the window shows, per case"
    )
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve)
        return
    cases = [c for c in CASES if not args.case or any(w in c.name for w in args.case)]

    home = tempfile.mkdtemp(prefix="api-explorer-bench-")
    os.environ.update(API_EXPLORER_HOME=home, API_EXPLORER_KEYRING="off")
    print(f"building the responses (the bombs once, in {BOMB_FOLDER})…", flush=True)
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(BOMB_FOLDER)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    served = json.loads(server.stdout.readline())
    port, wire = int(served["port"]), dict(served["body_bytes"])

    import qasync
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QPushButton

    from app.application import create_main_window
    from app.services.prompts import UnsavedChoice
    from app.ui.prompts import DialogPrompts

    class BenchPrompts(DialogPrompts):
        """No dialogs: closing a tab drops its edits, a warning is printed."""

        def ask_unsaved(self, title: str) -> UnsavedChoice:
            return UnsavedChoice.DISCARD

        def warn(self, text: str) -> None:
            print(f"warning: {text}")

    app = QApplication([])
    app.setQuitOnLastWindowClosed(False)  # the loop must outlive the window: see DEVELOPERS.md
    rows: list[Row] = []
    peak_resets = reset_peak()

    async def run() -> None:
        window = create_main_window(demo=False, prompts=BenchPrompts())
        window.show()
        finished: list[asyncio.Event] = [asyncio.Event()]
        recorded: list[asyncio.Event] = [asyncio.Event()]
        window.sends.finished.connect(lambda *_: finished[-1].set())
        window.sends.recorded.connect(lambda *_: recorded[-1].set())
        window.sends.recording_failed.connect(lambda *_: recorded[-1].set())
        send_button = window.findChild(QPushButton, "sendButton")
        assert send_button is not None
        pane = window.response_pane
        panel = pane.error_panel

        def what_is_shown() -> str:
            """The status line and the message under it; then whichever of the error panel,
            the binary summary or the tree's first row is there."""
            parts = [pane.status_label.text(), pane.message_label.text()]
            if not panel.isHidden():
                labels = [panel.code_label, panel.duplicate_label, panel.uri_warning_label]
                labels += [panel.fields_label, panel.description_label]
                parts += [label.text() for label in labels if not label.isHidden()]
            elif not pane.raw_view.binary_view.isHidden():
                parts.append(pane.raw_view.binary_view.summary_label.text())
            elif (model := pane.tree_model).rowCount() > 0:
                parts.append(" ".join(str(model.index(0, c).data()) for c in range(3)))
            return " · ".join(part for part in parts if part)

        async def send(path: str, row: Row | None) -> None:
            finished.append(asyncio.Event())
            recorded.append(asyncio.Event())
            window.new_tab()
            window.builder.set_request("GET", f"http://127.0.0.1:{port}{path}")
            gc.collect()
            await asyncio.sleep(0.3)  # the new tab painted, the previous case's leftovers done
            rss_before = status_kb("VmRSS")
            reset_peak()
            ticks = [time.perf_counter()]
            samples = [rss_before]
            timer = QTimer()
            timer.setInterval(10)

            def tick() -> None:
                ticks.append(time.perf_counter())
                if not peak_resets:
                    samples.append(status_kb("VmRSS"))

            timer.timeout.connect(tick)
            timer.start()
            started = time.perf_counter()
            send_button.click()
            try:
                await asyncio.wait_for(finished[-1].wait(), CASE_TIMEOUT_SECONDS)
            except TimeoutError:
                window.cancel()
            # One more turn of the loop: what the pane posted when it showed the response.
            # Not app.processEvents(): inside a task it would run other tasks' steps.
            await asyncio.sleep(0)
            shown_at = time.perf_counter()
            tick()
            timer.stop()
            shown = what_is_shown()
            if not finished[-1].is_set():
                shown = f"no response in {CASE_TIMEOUT_SECONDS:.0f} s; {shown}"
            # History records after the response is on screen: part of the case's cost.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(recorded[-1].wait(), 30)
            tab = window.active_tab()
            assert tab is not None
            window.close_tab(tab.id)
            gc.collect()
            await asyncio.sleep(0.5)
            if row is None:
                return
            samples.append(status_kb("VmRSS"))
            row.seconds = shown_at - started
            row.stall = max(b - a for a, b in itertools.pairwise(ticks))
            row.rss_before_kb = rss_before
            row.peak_kb = status_kb("VmHWM") if peak_resets else max(samples)
            row.rss_after_kb = samples[-1]
            row.shown = printable(shown)[: args.width]
            print(f"{row.case.name}: {row.seconds:.2f} s, stall {row.stall * 1000:.0f} ms")

        await send("/warm-up", None)  # imports, the first layout of each view, history's file
        for case in cases:
            row = Row(case, wire.get(case.path, 0))
            await send(case.path, row)
            rows.append(row)
        window.close()
        await window.sends.aclose()

    try:
        qasync.run(run())
    finally:
        server.communicate("")
        shutil.rmtree(home, ignore_errors=True)
    peak = "VmHWM, reset before each click" if peak_resets else "VmRSS sampled every 10 ms"
    print(f"\nPeak RSS: {peak}, until the tab was closed.\n")
    print(table(rows))
    app.quit()


if __name__ == "__main__":
    main()

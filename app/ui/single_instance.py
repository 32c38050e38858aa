"""One window per data folder: a second start hands over to the window already running.

Two windows on one data folder would overwrite each other's drafts (what one typed would be
lost) and race on history. The first start holds the folder's ``InstanceLock`` and listens on
a local socket named after the folder (``HandOverServer``); a later start finds the lock taken,
sends what it was asked to open (``hand_over``) and exits, and the running window comes to
the front and opens that collection or reproduction bundle.

The message is one line of JSON, ``{"collection": PATH | null, "bundle": PATH | null}``; a
window from before bundles ignores ``bundle`` (it still comes to the front).
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

__all__ = ["HandOverServer", "hand_over", "server_name"]

_MAX_MESSAGE = 64 * 1024  # a path and a little JSON; anything longer is not from us


def server_name(folder: Path) -> str:
    """The local socket name for ``folder`` (the same for every start on that folder)."""
    digest = hashlib.sha256(str(folder.resolve()).encode("utf-8")).hexdigest()[:16]
    return f"api-explorer-{digest}"


def hand_over(
    folder: Path,
    collection: Path | None,
    bundle: Path | None = None,
    timeout_s: float = 5.0,
) -> bool:
    """Ask the window running on ``folder`` to come to the front (and open ``collection``
    and the reproduction bundle ``bundle``); True once it answered. Blocks for at most
    ``timeout_s`` (the first window may still be starting)."""
    deadline = time.monotonic() + timeout_s
    socket = QLocalSocket()
    while True:
        socket.connectToServer(server_name(folder))
        if socket.waitForConnected(200):
            break
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    message = {
        "collection": str(collection.absolute()) if collection is not None else None,
        "bundle": str(bundle.absolute()) if bundle is not None else None,
    }
    socket.write(json.dumps(message).encode("utf-8") + b"\n")
    socket.waitForBytesWritten(1000)
    answered = False
    while not answered and time.monotonic() < deadline:
        if socket.waitForReadyRead(200) or socket.bytesAvailable():
            answered = bytes(socket.readLine().data()).startswith(b"ok")
        elif socket.state() != QLocalSocket.LocalSocketState.ConnectedState:
            break
    socket.disconnectFromServer()
    return answered


class HandOverServer(QObject):
    """Listens for later starts on the same data folder; ``requested(collection, bundle)``
    follows each one (each a ``Path``, or ``None`` when none was named)."""

    requested = Signal(object, object)

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        name = server_name(folder)
        # The caller holds the folder's lock, so a socket file left here is from a run that
        # crashed: remove it, or listening fails.
        QLocalServer.removeServer(name)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.listening = self._server.listen(name)
        self._server.newConnection.connect(self._on_server_new_connection)

    def close(self) -> None:
        self._server.close()

    def _on_server_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._on_socket_ready_read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _on_socket_ready_read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            if socket.bytesAvailable() > _MAX_MESSAGE:
                socket.abort()
            return
        line = bytes(socket.readLine(_MAX_MESSAGE).data())
        try:
            message = json.loads(line)
        except ValueError:
            socket.abort()
            return
        socket.write(b"ok\n")
        socket.flush()
        self.requested.emit(_named(message, "collection"), _named(message, "bundle"))


def _named(message: object, key: str) -> Path | None:
    named = message.get(key) if isinstance(message, dict) else None
    return Path(named) if isinstance(named, str) and named else None

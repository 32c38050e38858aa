"""TLS settings of environments, through the real window, against real TLS servers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from app.core.collection import Environment, SavedRequest
from app.core.transport import TlsSettings
from app.storage.collection_store import CollectionStore, create_collection
from app.ui.main_window import MainWindow
from tests.e2e.conftest import child, running_window
from tests.e2e.test_send_and_read import TIMEOUT_MS, text
from tests.http.test_tls import (  # noqa: F401 - pytest fixtures used by name
    StartServer,
    _write_client_files,
    ca,
    client_ca,
    server_cert,
    start_server,
)


@pytest.fixture
def tls_collection(
    tmp_path: Path,
    ca: trustme.CA,  # noqa: F811
    client_ca: trustme.CA,  # noqa: F811
) -> CollectionStore:
    store = create_collection(tmp_path / "secure-api", "Secure API")
    ca.cert_pem.write_to_path(str(store.root / "ca.pem"))  # a CA bundle the team shares
    cert, key = _write_client_files(client_ca.issue_cert("me@example.com"), tmp_path)
    store.new_request(Path("."), SavedRequest("Hello", url="/hello"))
    store.save_environment(
        Environment(
            "mtls",
            tls=TlsSettings(ca_bundle="ca.pem", client_cert=cert, client_key=key),
        )
    )
    store.save_environment(Environment("insecure", tls=TlsSettings(verify=False)))
    store.save_environment(Environment("plain"))
    return store


@pytest.fixture
def tls_window(
    qtbot: Any, qt_loop: asyncio.AbstractEventLoop, tls_collection: CollectionStore
) -> Iterator[MainWindow]:
    with running_window(qtbot, qt_loop, collection=tls_collection.root, demo=False) as window:
        yield window


def _send_to(qtbot: Any, window: MainWindow, env: str, url: str) -> None:
    window.environment_bar.select(env)
    window.new_tab()
    window.builder.url_edit.setText(url)
    window.send()
    qtbot.waitUntil(lambda: text(window, "statusLabel") != "Sending…", timeout=TIMEOUT_MS)


def test_client_certificate_and_shared_ca_from_the_environment(
    qtbot: Any,
    tls_window: MainWindow,
    start_server: StartServer,  # noqa: F811
    server_cert: trustme.LeafCert,  # noqa: F811
    client_ca: trustme.CA,  # noqa: F811
) -> None:
    server = start_server(server_cert, client_ca=client_ca)
    _send_to(qtbot, tls_window, "mtls", f"https://127.0.0.1:{server.port}/hello")
    assert text(tls_window, "statusLabel") == "200 OK"
    assert not child(tls_window, "tlsWarningLabel").isVisible()


def test_without_the_ca_the_failure_names_it(
    qtbot: Any,
    tls_window: MainWindow,
    start_server: StartServer,  # noqa: F811
    server_cert: trustme.LeafCert,  # noqa: F811
) -> None:
    server = start_server(server_cert)
    _send_to(qtbot, tls_window, "plain", f"https://127.0.0.1:{server.port}/hello")
    assert text(tls_window, "statusLabel") == "No response"
    assert "not trust" in text(tls_window, "responseMessageLabel")


def test_verification_off_is_a_warning_on_the_response(
    qtbot: Any,
    tls_window: MainWindow,
    start_server: StartServer,  # noqa: F811
    server_cert: trustme.LeafCert,  # noqa: F811
) -> None:
    server = start_server(server_cert)
    _send_to(qtbot, tls_window, "insecure", f"https://127.0.0.1:{server.port}/hello")
    assert text(tls_window, "statusLabel") == "200 OK"
    warning = child(tls_window, "tlsWarningLabel")
    assert warning.isVisible() and "verification is off" in warning.text()


def test_verification_off_is_warned_on_failures_and_in_history_too(
    qtbot: Any, tls_window: MainWindow
) -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    _send_to(qtbot, tls_window, "insecure", f"https://127.0.0.1:{port}/hello")
    assert text(tls_window, "statusLabel") == "No response"
    assert child(tls_window, "tlsWarningLabel").isVisible()
    qtbot.wait(30)
    entry_id = tls_window.history.store.search()[0].id
    tls_window.history_actions.show_entry(entry_id)
    assert "verification is off" in child(tls_window, "tlsWarningLabel").text()


def test_plain_http_gets_no_verification_warning(
    qtbot: Any,
    tls_window: MainWindow,
    start_server: StartServer,  # noqa: F811
) -> None:
    server = start_server()
    _send_to(qtbot, tls_window, "insecure", f"http://127.0.0.1:{server.port}/hello")
    assert text(tls_window, "statusLabel") == "200 OK"
    assert not child(tls_window, "tlsWarningLabel").isVisible()

"""``api-explorer export``: requests as snippets that send what the app sends, a Postman
file, and what history recorded as HAR; secrets named, never written, unless asked."""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app.cli import main
from app.core.collection import (
    AuthKind,
    AuthSpec,
    Defaults,
    Environment,
    SavedRequest,
    Variable,
)
from app.core.prepare import PreparedRequest
from app.core.request import KeyValue
from app.core.response import ResponseData
from app.demo import DemoServer
from app.formats.bundle import read_bundle, write_bundle
from app.formats.curl import parse_command
from app.resources import sample_collection
from app.storage.collection_store import create_collection
from app.storage.history import HistoryStore
from app.storage.settings import data_dir

SAMPLE = str(sample_collection())
TOKEN = "demo-token-8c1f"


def test_a_folder_as_curl_commands_that_resolve_like_the_window(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["export", SAMPLE, "payments", "--format", "curl", "--env", "demo", "--demo"]) == 0
    out = capsys.readouterr().out
    commands = [block for block in out.split("\n\n") if block.strip()]
    assert len(commands) == 10  # the payments folder's requests, counted on disk
    request, _report, _secrets = parse_command(commands[1].split("\n", 1)[1])
    assert request.method == "POST" and request.url.endswith("/rest/v1/payments")
    assert ("Accept-Language", "en") in [(h.name, h.value) for h in request.headers]


def test_secrets_are_named_unless_asked_and_a_missing_one_is_said(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    item = "wallet/wallet-with-token.request.yaml"
    assert main(["export", SAMPLE, item, "--format", "httpie", "--env", "demo", "--demo"]) == 1
    assert "was not exported" in capsys.readouterr().err
    monkeypatch.setenv("API_EXPLORER_SECRET_TOKEN", TOKEN)
    assert main(["export", SAMPLE, item, "--format", "curl", "--env", "demo", "--demo"]) == 0
    out = capsys.readouterr().out
    assert TOKEN not in out and "{{token}}" in out
    args = ["export", SAMPLE, item, "--format", "curl", "--env", "demo", "--demo"]
    assert main([*args, "--include-secrets"]) == 0
    assert TOKEN in capsys.readouterr().out


def test_the_collection_as_postman_into_a_file(tmp_path: Path) -> None:
    target = tmp_path / "sample.postman_collection.json"
    assert main(["export", SAMPLE, "--format", "postman", "--out", str(target)]) == 0
    document = json.loads(target.read_text())
    assert [item["name"] for item in document["item"]] == [
        "Auth",
        "Errors",
        "Payments",
        "Server",
        "Wallet",
    ]


def test_history_of_a_request_as_har(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    history = HistoryStore(data_dir())
    url = "https://api.example/rest/v1/server"
    for status in (200, 503):
        history.record(
            PreparedRequest("GET", url, (("Accept", "application/json"),), b"", 30.0),
            ResponseData(status, "", (("Content-Type", "application/json"),), b"{}", 12.0),
            secrets={},
        )
    history.record(  # another request: not in the export
        PreparedRequest("GET", "https://api.example/rest/v1/other", (), b"", 30.0),
        ResponseData(200, "OK", (), b"", 1.0),
        secrets={},
    )
    history.close()
    store = create_collection(tmp_path / "api", "API")
    store.save_defaults(Path("."), Defaults(base_url="https://api.example/rest/v1"))
    store.new_request(Path("."), SavedRequest("Server time", url="/server"))
    assert main(["export", str(tmp_path / "api"), "--format", "har"]) == 0
    out = capsys.readouterr().out
    entries = json.loads(out)["log"]["entries"]
    assert [e["response"]["status"] for e in entries] == [503, 200]  # newest first
    assert os.environ["API_EXPLORER_HOME"]  # the test's own data folder, not the user's


def test_send_writes_a_reproduction_bundle_without_the_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_EXPLORER_SECRET_TOKEN", TOKEN)
    bundle = tmp_path / "wallet.apx"
    request = str(sample_collection() / "wallet" / "wallet-with-token.request.yaml")
    args = ["send", request, "--env", "demo", "--demo", "--bundle", str(bundle)]
    assert main([*args, "--note", "customer 42 sees this"]) == 0
    assert "wrote the reproduction bundle" in capsys.readouterr().err
    data = bundle.read_bytes()
    assert TOKEN.encode() not in data
    read = read_bundle(data)
    assert read.exchange.status == 200
    assert read.note == "customer 42 sees this" and read.environment == "demo"
    assert TOKEN not in json.dumps([read.exchange.request.url, list(read.exchange.request.headers)])


@pytest.fixture
def demo() -> Iterator[str]:
    server = DemoServer()
    server.start()
    try:
        yield f"{server.base_url}/rest/v1"
    finally:
        server.stop()


def test_replay_of_a_bundle_says_same_or_prints_the_differences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], demo: str
) -> None:
    store = create_collection(tmp_path / "api", "API")
    store.save_defaults(Path("."), Defaults(base_url=demo))
    source = store.new_request(Path("."), SavedRequest("Payment", url="/payments/10145"))
    bundle = tmp_path / "payment.apx"
    assert main(["send", str(store.root / source), "--bundle", str(bundle)]) == 0
    capsys.readouterr()
    assert main(["replay", str(bundle)]) == 0
    assert capsys.readouterr().out.strip() == "No differences"

    # The same bundle with the recorded body changed where a customer saw something else.
    read = read_bundle(bundle.read_bytes())
    recorded = json.loads(read.exchange.body)
    recorded["status"] = "rejected"
    changed = replace(read.exchange, body=json.dumps(recorded).encode())
    altered = tmp_path / "altered.apx"
    altered.write_bytes(
        write_bundle(
            changed,
            secrets={},
            environment=None,
            note="",
            app_version="test",
            os_name="test",
            created=read.created,
        )
    )
    assert main(["replay", str(altered)]) == 1
    out = capsys.readouterr().out
    assert '~ $.status: "rejected" → ' in out
    assert out.rstrip().endswith("1 changed, 0 added, 0 removed")
    assert main(["replay", str(altered), "--ignore", "$.status"]) == 0
    assert main(["replay", str(tmp_path / "nothing.apx")]) == 2


MAC_KEY = "ux1ibsDO7xYx7kqo2K0z3yFZ1sSXDtic"  # the demo API's key for demo-client


def test_a_bundle_of_a_mac_signed_request_with_a_token_holds_neither_and_replays_the_same(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    demo: str,
) -> None:
    store = create_collection(tmp_path / "api", "API")
    mac = AuthSpec(AuthKind.PAYSERA_MAC, (("mac_id", "{{mac_id}}"), ("mac_key", "{{mac_key}}")))
    store.save_defaults(Path("."), Defaults(base_url=demo, auth=mac))
    store.save_environment(
        Environment(
            "sandbox",
            (
                Variable("mac_id", "demo-client"),
                Variable("mac_key", secret=True),
                Variable("token", secret=True),
            ),
        )
    )
    source = store.new_request(
        Path("."),
        SavedRequest(
            "Wallet", url="/mac/wallet", headers=(KeyValue("X-Customer-Token", "{{token}}"),)
        ),
    )
    monkeypatch.setenv("API_EXPLORER_SECRET_MAC_KEY", MAC_KEY)
    monkeypatch.setenv("API_EXPLORER_SECRET_TOKEN", TOKEN)
    bundle = tmp_path / "wallet.apx"
    args = ["send", str(store.root / source), "--env", "sandbox", "--bundle", str(bundle)]
    assert main(args) == 0, capsys.readouterr().err
    capsys.readouterr()
    data = bundle.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [archive.read(name) for name in archive.namelist()]
    for secret in (MAC_KEY, TOKEN):
        assert secret.encode() not in data
        assert not any(secret.encode() in member for member in members)
    read = read_bundle(data)
    assert read.exchange.status == 200
    sent = dict(read.exchange.request.headers)
    assert sent["X-Customer-Token"] == "«secret:token»"
    # Replayed (re-signed with the key from the environment): the same answer.
    assert main(["replay", str(bundle), "--collection", str(store.root), "--env", "sandbox"]) == 0
    assert capsys.readouterr().out.strip() == "No differences"

from pathlib import Path

from app.core.prepare import PreparedRequest
from app.core.request import BodyMode, KeyValue
from app.core.response import ResponseData
from app.services.history_records import (
    had_mac_signature,
    recorded_exchange,
    request_from_history,
)
from app.storage.history import HistoryStore


def _entry(tmp_path: Path, headers: tuple[tuple[str, str], ...], body: bytes = b""):  # type: ignore[no-untyped-def]
    store = HistoryStore(tmp_path)
    request = PreparedRequest("POST", "https://h/rest/v1/x?key=t0k3n", headers, body, 5)
    entry_id = store.record(
        request, ResponseData(201, "Created", (), b"{}", 2.0), secrets={"token": "t0k3n"}
    )
    entry = store.get(entry_id)
    store.close()
    assert entry is not None
    return entry


def test_reopened_request_has_placeholders_instead_of_secrets(tmp_path: Path) -> None:
    entry = _entry(
        tmp_path,
        (("Authorization", "Bearer t0k3n"), ("Content-Type", "application/json"), ("X-A", "1")),
        b'{"a": "t0k3n"}',
    )
    request = request_from_history(entry)
    assert request.method == "POST"
    assert request.url == "https://h/rest/v1/x"
    assert request.params == (KeyValue("key", "{{token}}"),)
    assert request.headers == (KeyValue("Authorization", "Bearer {{token}}"), KeyValue("X-A", "1"))
    assert request.body == '{"a": "{{token}}"}'
    assert request.body_mode is BodyMode.JSON
    assert not had_mac_signature(entry)


def test_a_mac_signature_is_never_replayed(tmp_path: Path) -> None:
    entry = _entry(tmp_path, (("Authorization", 'MAC id="a", ts="1", nonce="n", mac="m"'),))
    assert had_mac_signature(entry)
    assert all(h.name.lower() != "authorization" for h in request_from_history(entry).headers)


def test_recorded_exchange(tmp_path: Path) -> None:
    entry = _entry(tmp_path, ())
    request, response = recorded_exchange(entry)
    assert request.method == "POST"
    assert response is not None and response.status == 201

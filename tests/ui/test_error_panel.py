import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QLabel

from app.core.errors import decode_error
from app.core.response import ResponseData
from app.ui.error_panel import ErrorPanel


def _panel(
    qtbot: Any, status: int, body: bytes, headers: tuple[tuple[str, str], ...] = ()
) -> ErrorPanel:
    panel = ErrorPanel()
    qtbot.addWidget(panel)
    response = ResponseData(status, "", (("Content-Type", "application/json"), *headers), body, 1)
    error = decode_error(response)
    assert error is not None
    panel.show_error(error)
    panel.show()
    return panel


def _visible_texts(panel: ErrorPanel) -> str:
    return "\n".join(label.text() for label in panel.findChildren(QLabel) if label.isVisible())


def test_absent_optional_fields_are_not_shown(qtbot: Any) -> None:
    panel = _panel(qtbot, 404, b'{"error": "not_found"}')
    assert panel.code_label.text() == "not_found"
    for label in (panel.description_label, panel.uri_label, panel.fields_label, panel.data_label):
        assert not label.isVisible()
    assert not panel.mismatch_label.isVisible()
    assert "None" not in _visible_texts(panel) and "null" not in _visible_texts(panel)


def test_null_fields_are_not_shown_either(qtbot: Any) -> None:
    body = b'{"error": "forbidden", "error_description": null, "error_uri": null}'
    panel = _panel(qtbot, 403, body)
    assert not panel.description_label.isVisible()
    assert not panel.uri_label.isVisible()
    assert "null" not in _visible_texts(panel)


def test_catalogue_hint_is_shown(qtbot: Any) -> None:
    panel = _panel(qtbot, 401, b'{"error": "unauthorized"}')
    assert "Authorization" in panel.hint_label.text()


def test_javascript_uri_is_shown_as_plain_text_and_never_opened(
    qtbot: Any, monkeypatch: Any
) -> None:
    opened: list[Any] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url))
    panel = _panel(qtbot, 400, b'{"error": "invalid_request", "error_uri": "javascript:alert(1)"}')
    assert panel.uri_label.textFormat() == Qt.TextFormat.PlainText
    assert "javascript:alert(1)" in panel.uri_label.text()
    assert "not opened" in panel.uri_label.text()
    panel.uri_label.linkActivated.emit("javascript:alert(1)")
    assert opened == []


def test_https_uri_opens_in_the_browser(qtbot: Any, monkeypatch: Any) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    uri = "https://developers.paysera.com/en/wallet/errors?a=1&b=<2>"
    body = json.dumps({"error": "invalid_request", "error_uri": uri}).encode()
    panel = _panel(qtbot, 400, body)
    assert "&lt;2&gt;" in panel.uri_label.text()  # escaped inside the link markup
    panel.uri_label.linkActivated.emit(uri)
    assert opened and opened[0].startswith("https://developers.paysera.com/en/wallet/errors")


def test_field_problems_and_errors_array_are_listed(qtbot: Any) -> None:
    body = (
        b'{"error": "invalid_parameters", "error_properties": {"amount": ["Too small."]},'
        b' "errors": [{"code": "required", "message": "Missing.", "field": "currency"}]}'
    )
    panel = _panel(qtbot, 400, body)
    assert panel.fields_label.text().splitlines() == [
        "amount: Too small.",
        "currency: Missing. (required)",
    ]


def test_a_problem_sent_in_both_lists_is_shown_once_with_its_code(qtbot: Any) -> None:
    body = (
        b'{"error": "invalid_parameters", "error_properties": {"amount": ["Too small."]},'
        b' "errors": [{"code": "min", "message": "Too small.", "field": "amount"}]}'
    )
    panel = _panel(qtbot, 400, body)
    assert panel.fields_label.text() == "amount: Too small. (min)"


def test_correlation_id_row_and_copy(qtbot: Any) -> None:
    panel = _panel(
        qtbot, 500, b'{"error": "internal_server_error"}', (("Paysera-Correlation-Id", "abc-123"),)
    )
    assert "abc-123" in panel.correlation_label.text()
    qtbot.mouseClick(panel.copy_correlation_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "abc-123"

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
    assert "not opened" in panel.uri_warning_label.text()
    assert panel.uri_warning_label.isVisible()
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


def test_a_huge_description_is_bounded_and_show_all_opens_it_whole(qtbot: Any) -> None:
    description = "word " * 1_000_000
    body = json.dumps({"error": "invalid_request", "error_description": description}).encode()
    panel = _panel(qtbot, 400, body)
    assert len(panel.description_label.text()) <= 2002
    assert panel.description_label.text().endswith(" …")
    assert panel.description_all_button.isVisible()
    panel.description_all_button.click()
    dialog = panel.text_dialog()
    assert dialog is not None and dialog.isVisible()
    assert dialog.text_edit.toPlainText() == description.strip()
    assert dialog.text_edit.isReadOnly()


def test_a_short_description_has_no_show_all(qtbot: Any) -> None:
    panel = _panel(qtbot, 400, b'{"error": "invalid_request", "error_description": "Bad."}')
    assert panel.description_label.text() == "Bad."
    assert not panel.description_all_button.isVisible()


def test_long_error_data_is_previewed_and_shown_whole_on_request(qtbot: Any) -> None:
    data = {"ids": list(range(100_000))}
    body = json.dumps({"error": "invalid_request", "error_data": data}).encode()
    panel = _panel(qtbot, 400, body)
    assert panel.data_label.text().startswith('error_data: {"ids":[0,1,2')
    assert len(panel.data_label.text()) < 2100
    panel.data_all_button.click()
    dialog = panel.text_dialog()
    assert dialog is not None
    assert json.loads(dialog.text_edit.toPlainText()) == data


def test_bidi_and_control_characters_in_server_text_are_visible(qtbot: Any) -> None:
    body = json.dumps(
        {
            "error": "invalid\u202erequest",
            "error_description": "Pay \u202e01.0\u202c EUR\x00\x1b[31m\x07",
            "error_properties": {"amount\u2066": "bad\u2069"},
        }
    ).encode()
    panel = _panel(qtbot, 400, body, (("Paysera-Correlation-Id", "id\u202e1"),))
    assert panel.code_label.text() == "invalid\\u202erequest"
    assert panel.description_label.text() == "Pay \\u202e01.0\\u202c EUR\\u0000\\u001b[31m\\u0007"
    assert panel.fields_label.text() == "amount\\u2066: bad\\u2069"
    assert panel.correlation_label.text() == "paysera-correlation-id: id\\u202e1"


def test_many_field_problems_go_to_a_lazy_list(qtbot: Any) -> None:
    properties = {f"f{i}": "Bad." for i in range(50)}
    body = json.dumps({"error": "invalid_parameters", "error_properties": properties}).encode()
    panel = _panel(qtbot, 400, body)
    assert panel.fields_label.text() == "50 field problems:"
    assert panel.fields_view.isVisible()
    assert panel.fields_view.model().rowCount() == 50


def test_a_link_with_a_user_part_is_a_warning_not_a_link(qtbot: Any, monkeypatch: Any) -> None:
    opened: list[Any] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url))
    uri = "https://paysera.com@evil.example/errors"
    body = json.dumps({"error": "invalid_request", "error_uri": uri}).encode()
    panel = _panel(qtbot, 400, body)
    assert panel.uri_label.textFormat() == Qt.TextFormat.PlainText
    assert "<a" not in panel.uri_label.text()
    warning = panel.uri_warning_label.text()
    assert "evil.example" in warning and "paysera.com" in warning and "not opened" in warning
    panel.uri_label.linkActivated.emit(uri)
    assert opened == []


def test_a_link_no_browser_opens_says_so_and_offers_copy(qtbot: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    uri = "https://developers.paysera.com/en/errors"
    body = json.dumps({"error": "invalid_request", "error_uri": uri}).encode()
    panel = _panel(qtbot, 400, body)
    assert not panel.uri_failed_label.isVisible()
    panel.uri_label.linkActivated.emit(uri)
    assert "No browser could open the link" in panel.uri_failed_label.text()
    assert panel.copy_uri_button.isVisible()
    qtbot.mouseClick(panel.copy_uri_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == uri


def test_two_error_keys_are_flagged(qtbot: Any) -> None:
    panel = _panel(qtbot, 400, b'{"error": "not_found", "error": "invalid_request"}')
    assert panel.code_label.text() == "invalid_request"
    assert '"error" more than once' in panel.duplicate_label.text()
    assert panel.duplicate_label.isVisible()


# --- each thing said once (issue 11, defect 8) ---------------------------------------------


def test_without_a_code_the_panel_does_not_repeat_the_status_as_a_heading(qtbot: Any) -> None:
    panel = _panel(qtbot, 503, b"", (("paysera-correlation-id", "c-1"),))
    assert not panel.code_label.isVisible()  # the status line above says "503 …" already
    assert panel.no_object_label.text() == "The server sent an empty body, not an error object."
    assert panel.hint_label.text().startswith("The service is unavailable")
    assert "503" not in _visible_texts(panel)


def test_a_405_not_found_says_check_the_http_method_once(qtbot: Any) -> None:
    body = (
        b'{"error": "not_found", "error_description": "Provided method not allowed for this url"}'
    )
    panel = _panel(qtbot, 405, body)
    assert _visible_texts(panel).lower().count("check the http method") == 1
    assert "check the HTTP method" in panel.mismatch_label.text()
    assert not panel.hint_label.isVisible()


def test_a_gateway_html_page_names_the_proxy_once(qtbot: Any) -> None:
    panel = _panel(qtbot, 502, b"<html>nginx</html>", (("Content-Type", "text/html"),))
    assert panel.no_object_label.text() == "The server sent an HTML page, not an error object."
    assert "proxy or gateway" in panel.hint_label.text()
    assert _visible_texts(panel).count("proxy") == 1


def test_a_body_the_line_above_describes_is_not_described_again(qtbot: Any) -> None:
    panel = ErrorPanel()
    qtbot.addWidget(panel)
    response = ResponseData(400, "", (("Content-Type", "application/json"),), b'{"a": ', 1)
    error = decode_error(response)
    assert error is not None and error.no_error_object is not None
    panel.show_error(error, body_described=True)
    panel.show()
    assert not panel.no_object_label.isVisible()
    assert panel.hint_label.isVisible()
    panel.show_error(error)
    assert panel.no_object_label.isVisible()

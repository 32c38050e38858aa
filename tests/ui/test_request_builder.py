from typing import Any

from PySide6.QtCore import Qt

from app.core.collection import AuthKind, AuthSpec, SavedRequest, Variable
from app.core.request import BodyMode, KeyValue
from app.ui.request_builder import RequestBuilder

FULL = SavedRequest(
    name="Create payment",
    method="POST",
    url="/payments",
    params=(KeyValue("a", "1"), KeyValue("off", "x", enabled=False), KeyValue("b", "2")),
    headers=(KeyValue("X-Trace", "{{trace}}"), KeyValue("X-Off", "1", enabled=False)),
    body='{\n  "amount": "{{amount}}"\n}',
    body_mode=BodyMode.RAW,
    auth=AuthSpec(AuthKind.BEARER, (("token", "{{token}}"),)),
    variables=(Variable("amount", "10.10"), Variable("unused", "1", enabled=False)),
    description="Makes a payment",
)


def _builder(qtbot: Any) -> RequestBuilder:
    builder = RequestBuilder()
    qtbot.addWidget(builder)
    return builder


def test_load_then_read_back_is_unchanged(qtbot: Any) -> None:
    builder = _builder(qtbot)
    builder.load_request(FULL)
    assert builder.url_edit.text() == "/payments?a=1&b=2"
    assert builder.request() == FULL


def test_loading_does_not_count_as_an_edit_but_typing_does(qtbot: Any) -> None:
    builder = _builder(qtbot)
    edits: list[bool] = []
    builder.edited.connect(lambda: edits.append(True))
    builder.load_request(FULL)
    assert edits == []
    builder.url_edit.clear()
    qtbot.keyClicks(builder.url_edit, "/x?z=1")
    assert edits
    assert builder.request().url == "/x"
    assert set(builder.request().params) == {
        KeyValue("z", "1"),
        KeyValue("off", "x", enabled=False),
    }


def test_disabled_param_keeps_its_place_after_url_edit(qtbot: Any) -> None:
    builder = _builder(qtbot)
    builder.load_request(FULL)
    builder.url_edit.setText("/payments?a=1&b=3")
    builder.url_edit.textEdited.emit("/payments?a=1&b=3")
    assert builder.request().params == (
        KeyValue("a", "1"),
        KeyValue("off", "x", enabled=False),
        KeyValue("b", "3"),
    )


def test_request_variables_are_edited_in_their_table(qtbot: Any) -> None:
    builder = _builder(qtbot)
    builder.load_request(FULL)
    model = builder.variables.model
    model.setData(model.index(0, 2), "20.00", Qt.ItemDataRole.EditRole)
    assert builder.request().variables[0] == Variable("amount", "20.00")


def test_a_secret_request_variable_stays_secret_and_valueless(qtbot: Any) -> None:
    builder = _builder(qtbot)
    request = SavedRequest("r", variables=(Variable("token", secret=True), Variable("a", "1")))
    builder.load_request(request)
    assert builder.request() == request


def test_the_keyboard_reaches_every_builder_tab_and_leaves_a_table_with_tab(qtbot: Any) -> None:
    builder = _builder(qtbot)
    builder.show()
    qtbot.waitExposed(builder)
    builder.timeout_spin.setFocus()
    qtbot.keyClick(builder.timeout_spin, Qt.Key.Key_Tab)
    assert builder.focusWidget() is builder.follow_redirects_check
    qtbot.keyClick(builder.follow_redirects_check, Qt.Key.Key_Tab)
    bar = builder.tabs.tabBar()
    assert builder.focusWidget() is bar
    for _ in range(builder.tabs.count()):
        if builder.tabs.currentWidget() is builder.assertions:
            break
        qtbot.keyClick(bar, Qt.Key.Key_Right)
    assert builder.tabs.currentWidget() is builder.assertions

    # A table hands Tab on to the next control instead of walking its cells for ever.
    builder.tabs.setCurrentWidget(builder.params)
    builder.params.view.setFocus()
    qtbot.keyClick(builder.params.view, Qt.Key.Key_Tab)
    assert builder.focusWidget() is not builder.params.view
    builder.tabs.setCurrentWidget(builder.assertions)
    builder.assertions.view.setFocus()
    qtbot.keyClick(builder.assertions.view, Qt.Key.Key_Tab)
    assert builder.focusWidget() is not builder.assertions.view


def test_a_request_without_a_body_opens_on_its_parameters_not_an_empty_body(
    qtbot: Any,
) -> None:
    builder = _builder(qtbot)
    builder.load_request(SavedRequest("Create", method="POST", body='{"a": 1}'))
    builder.tabs.setCurrentWidget(builder.body)
    builder.load_request(SavedRequest("List", url="/payments?limit=5"))
    assert builder.tabs.currentWidget() is builder.params
    builder.tabs.setCurrentWidget(builder.headers_page)
    builder.load_request(SavedRequest("Other", url="/time"))
    assert builder.tabs.currentWidget() is builder.headers_page  # any other page is kept

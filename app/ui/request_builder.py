"""The request builder: method, base URL, URL, timeout, following redirects, parameters,
headers, body, auth, variables, tests (assertions and their last results), send and cancel."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app.core.assertions import AssertionResult
from app.core.collection import SavedRequest, Variable
from app.core.preferences import TIMEOUT_SECONDS
from app.core.request import METHODS, BodyMode, KeyValue, RequestSpec
from app.core.urls import (
    join_url,
    merge_disabled,
    params_from_url,
    url_with_params,
    url_without_query,
)
from app.core.variables import VARIABLE_PATTERN
from app.services.workspace import Workspace
from app.ui.assertions_editor import AssertionsEditor
from app.ui.auth_editor import AuthEditor
from app.ui.body_editor import BodyEditor
from app.ui.elided_label import ElidedLabel
from app.ui.inherited_headers import InheritedHeadersView
from app.ui.key_value_table import KeyValueTableWidget
from app.ui.variable_line_edit import VariableLineEdit

__all__ = ["RequestBuilder"]


class RequestBuilder(QWidget):
    """Edits one ``RequestSpec``. Keeps the URL's query and the Params table in step.

    Disabled parameter rows are not part of the URL, so when the user edits the URL the
    enabled rows are replaced by what the URL now says and the disabled ones are kept.
    """

    send_requested = Signal()
    cancel_requested = Signal()
    edited = Signal()  # the user changed the request (not emitted by load_request)
    target_changed = Signal()  # the URL or base URL changed: the final URL may differ

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._syncing = False
        self._loaded = SavedRequest("")

        self.method_combo = QComboBox(self)
        self.method_combo.setObjectName("methodCombo")
        self.method_combo.addItems(list(METHODS))
        self.method_combo.setToolTip("HTTP method")
        self.url_edit = VariableLineEdit(self)
        self.url_edit.setObjectName("urlEdit")
        self.url_edit.setPlaceholderText("/rest/v1/payments or https://…")
        self.url_edit.setClearButtonEnabled(True)
        self.send_button = QPushButton("Send", self)
        self.send_button.setObjectName("sendButton")
        self.send_button.setToolTip("Send the request (Ctrl+Enter)")
        self.send_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setToolTip("Stop the request in flight (Esc)")
        self.cancel_button.setEnabled(False)

        self.base_url_edit = QLineEdit(self)
        self.base_url_edit.setObjectName("baseUrlEdit")
        self.base_url_edit.setPlaceholderText("https://wallet.paysera.com/rest/v1/")
        self.base_url_edit.setToolTip("A URL that starts with / is joined to this base URL")
        self.timeout_spin = QDoubleSpinBox(self)
        self.timeout_spin.setObjectName("timeoutSpin")
        self.timeout_spin.setRange(*TIMEOUT_SECONDS)
        self.timeout_spin.setDecimals(1)
        self.timeout_spin.setValue(30)
        self.timeout_spin.setSuffix(" s")
        self.timeout_spin.setToolTip("Give up when the server sends nothing for this long")
        # Two states on screen: what this request does. Until the user clicks it, it shows
        # what the request inherits (``show_context``) and the request keeps saying nothing.
        self.follow_redirects_check = QCheckBox("Follow redirects", self)
        self.follow_redirects_check.setObjectName("followRedirectsCheck")
        self._follow_choice: bool | None = None
        # Back to what the folder or collection says, once the request set its own choice.
        self.follow_inherit_button = QPushButton("Inherit", self)
        self.follow_inherit_button.setObjectName("followRedirectsInheritButton")
        self.follow_inherit_button.setFlat(True)
        self.follow_inherit_button.setVisible(False)
        self._inherited_follow = (False, "the default")
        self._show_follow_redirects()
        self.final_url_label = ElidedLabel(self)
        self.final_url_label.setObjectName("finalUrlLabel")
        self.final_url_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.params = KeyValueTableWidget("paramsTable", self, name_hint="Add parameter")
        self.headers = KeyValueTableWidget("headersTable", self, name_hint="Add header")
        self.body = BodyEditor(self)
        self.variables = KeyValueTableWidget(
            "requestVariablesTable", self, name_hint="Add variable"
        )
        self.variables.setToolTip(
            "Variables of this request: they win over the folder, collection and environment"
        )
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("requestTabs")
        self.tabs.addTab(self.params, "Params")
        self.inherited_headers = InheritedHeadersView(self)
        # The request's own headers above, what it inherits below; the user moves the line.
        self.headers_page = headers_page = QSplitter(Qt.Orientation.Vertical, self)
        headers_page.setObjectName("headersSplitter")
        headers_page.setChildrenCollapsible(False)
        headers_page.addWidget(self.headers)
        headers_page.addWidget(self.inherited_headers)
        headers_page.setStretchFactor(0, 1)
        headers_page.setStretchFactor(1, 0)
        self.tabs.addTab(headers_page, "Headers")
        self.tabs.addTab(self.body, "Body")
        self.auth = AuthEditor(self)
        self.tabs.addTab(self.auth, "Auth")
        self.tabs.addTab(self.variables, "Variables")
        self.assertions = AssertionsEditor(self)
        self._tests_tab = self.tabs.addTab(self.assertions, "Tests")
        self.assertions.title_changed.connect(self._on_assertions_title_changed)
        # Tab goes from the request line to the tabs (arrow keys pick one), then into the page.
        QWidget.setTabOrder(self.timeout_spin, self.follow_redirects_check)
        QWidget.setTabOrder(self.follow_redirects_check, self.follow_inherit_button)
        QWidget.setTabOrder(self.follow_inherit_button, self.tabs.tabBar())
        # The tab widget hands its focus to that tab bar (its focus proxy): left in the chain
        # after the pages, it sent Tab from the last field of a page back to the tab bar, for
        # ever. Without the proxy it is skipped; the tab bar keeps its place above.
        self.tabs.setFocusProxy(None)  # type: ignore[arg-type]  # Qt takes nullptr: no proxy
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tabs.tabBar().setFocusPolicy(Qt.FocusPolicy.TabFocus)  # the line above cleared it

        line = QHBoxLayout()
        line.addWidget(self.method_combo)
        line.addWidget(self.url_edit, 1)
        line.addWidget(self.send_button)
        line.addWidget(self.cancel_button)
        settings = QHBoxLayout()
        settings.addWidget(QLabel("Base URL", self))
        settings.addWidget(self.base_url_edit, 1)
        settings.addWidget(QLabel("Timeout", self))
        settings.addWidget(self.timeout_spin)
        settings.addWidget(self.follow_redirects_check)
        settings.addWidget(self.follow_inherit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(settings)
        layout.addLayout(line)
        layout.addWidget(self.final_url_label)
        layout.addWidget(self.tabs, 1)

        # textChanged, not textEdited: a URL set from code must update the table too.
        self.url_edit.textChanged.connect(self._on_url_edit_text_changed)
        self.url_edit.returnPressed.connect(self.send_requested)
        self.base_url_edit.textChanged.connect(self.target_changed)
        self.url_edit.textChanged.connect(self.target_changed)
        # The inherited headers strike out the names the table now has, and list the JSON
        # Content-Type with a JSON body.
        self.headers.model.rows_edited.connect(self.target_changed)
        self.headers.cell_text_edited.connect(self.target_changed)
        self.body.mode_changed.connect(self.target_changed)
        self.body.changed.connect(self._on_body_changed)
        self._had_body = False
        self._describe: Callable[[str], str] = lambda _text: ""
        for watched in (
            self.url_edit,
            self.body.editor.viewport(),
            self.params.view.viewport(),
            self.headers.view.viewport(),
        ):
            watched.installEventFilter(self)
        self.params.model.rows_edited.connect(self._on_params_rows_edited)
        self.send_button.clicked.connect(self.send_requested)
        self.cancel_button.clicked.connect(self.cancel_requested)
        for signal in (
            self.method_combo.activated,
            self.url_edit.textEdited,
            self.params.model.rows_edited,
            self.headers.model.rows_edited,
            self.variables.model.rows_edited,
            self.body.changed,
            self.auth.edited,
            self.params.cell_text_edited,
            self.headers.cell_text_edited,
            self.variables.cell_text_edited,
        ):
            signal.connect(self.edited)
        self.assertions.edited.connect(self.edited)
        # clicked, not toggled: only the user's click makes it this request's own setting.
        self.follow_redirects_check.clicked.connect(self._on_follow_redirects_clicked)
        self.follow_inherit_button.clicked.connect(self._on_follow_inherit_button_clicked)

    # --- URL <-> params ------------------------------------------------------------------
    def _on_url_edit_text_changed(self, text: str) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            self.params.model.set_rows(
                merge_disabled(params_from_url(text), self.params.model.rows())
            )
        finally:
            self._syncing = False

    def _on_params_rows_edited(self) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            self.url_edit.setText(url_with_params(self.url_edit.text(), self.params.model.rows()))
        finally:
            self._syncing = False

    def show_target(self, url: str) -> None:
        """Show where the request will go (``url`` as resolved, secrets not shown)."""
        typed = self.url_edit.text().strip()
        self.final_url_label.setText(f"Sends to: {url}" if url and url != typed else "")
        self.final_url_label.setVisible(bool(self.final_url_label.text()))

    def _on_body_changed(self) -> None:
        # O(1) at each key: only a body that appears or empties changes the headers sent.
        has_body = not self.body.editor.document().isEmpty()
        if has_body != self._had_body:
            self._had_body = has_body
            self.target_changed.emit()

    # --- following redirects ----------------------------------------------------------------
    def _on_follow_redirects_clicked(self, checked: bool) -> None:
        self._follow_choice = checked
        self._show_follow_redirects()
        self.edited.emit()

    def _on_follow_inherit_button_clicked(self) -> None:
        self._follow_choice = None
        self._show_follow_redirects()
        self.follow_redirects_check.setFocus()  # the button it was on is gone
        self.edited.emit()

    def _show_follow_redirects(self) -> None:
        inherited, where = self._inherited_follow
        said = "on" if inherited else "off"
        check = self.follow_redirects_check
        self.follow_inherit_button.setVisible(self._follow_choice is not None)
        self.follow_inherit_button.setToolTip(
            f"Follow redirects as {where} says ({said}), not as this request sets"
        )
        if self._follow_choice is None:
            check.setChecked(inherited)
            check.setToolTip(
                f"Follow 301/302/303/307/308 to http(s), up to 10 hops: {said}, as "
                f"{where} says. Click to set it for this request."
            )
        else:
            check.setChecked(self._follow_choice)
            check.setToolTip(
                "Follow 301/302/303/307/308 to http(s), up to 10 hops: set for this request "
                f"({where} says {said})."
            )

    def show_context(self, workspace: Workspace, source: str | None) -> None:
        """Show where the request goes and what it inherits, for the request file ``source``
        (``None``: unsaved) in ``workspace``; always computed from what will be sent."""
        request = self.request(commit=False)
        base = self.base_url_edit.text()
        self.show_target(workspace.preview_url(request, source, base_url=base))
        self.auth.set_inherited(workspace.inherited_auth(source))
        self.body.set_collection_folder(workspace.root)  # where Browse… starts
        self.inherited_headers.show_headers(workspace.inherited_headers(request, source))
        inherited = workspace.inherited_follow_redirects(source)
        if inherited != self._inherited_follow:
            self._inherited_follow = inherited
            self._show_follow_redirects()
        described = workspace.describe_variables(self.url_edit.text(), request, source)
        self.url_edit.setToolTip(described or "A full URL, or a path joined to the base URL")
        # The base URL field is only a fallback: say so when the collection sets its own.
        from_collection = workspace.has_base_url(source)
        self.base_url_edit.setEnabled(not from_collection)
        self.base_url_edit.setToolTip(
            "The collection (or a folder) sets the base URL of this request"
            if from_collection
            else "A URL that starts with / is joined to this base URL"
        )

    # --- variables under the mouse -------------------------------------------------------------
    def set_variable_describer(self, describe: Callable[[str], str]) -> None:
        """``describe(text)`` explains the ``{{variables}}`` in ``text`` (secrets masked);
        it feeds the tooltips of the URL, the body and the tables."""
        self._describe = describe

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self._text_under_mouse(watched, event)
            described = self._describe(text) if text and "{{" in text else ""
            if described:
                QToolTip.showText(event.globalPos(), described, self)
                return True
        return super().eventFilter(watched, event)

    def _text_under_mouse(self, watched: QObject, event: QHelpEvent) -> str:
        if watched is self.url_edit:
            return self.url_edit.text()
        if watched is self.body.editor.viewport():
            cursor = self.body.editor.cursorForPosition(event.pos())
            line = cursor.block().text()
            column = cursor.positionInBlock()
            for match in VARIABLE_PATTERN.finditer(line):
                if match.start() <= column <= match.end():
                    return match.group(0)
            return ""
        for table in (self.params, self.headers):
            if watched is table.view.viewport():
                index = table.view.indexAt(event.pos())
                value = index.data(Qt.ItemDataRole.EditRole) if index.isValid() else None
                return value if isinstance(value, str) else ""
        return ""

    # --- the spec --------------------------------------------------------------------------
    def spec(self) -> RequestSpec:
        """The request as built now, with the base URL joined (open cell edits included)."""
        self.params.commit_pending_edit()
        self.headers.commit_pending_edit()
        return RequestSpec(
            method=self.method_combo.currentText(),
            url=join_url(self.base_url_edit.text(), self.url_edit.text()),
            params=self.params.model.rows(),
            headers=self.headers.model.rows(),
            body=self.body.text(),
            body_mode=self.body.mode(),
            timeout_seconds=self.timeout_spin.value(),
        )

    def set_request(
        self,
        method: str,
        url: str,
        *,
        headers: tuple[KeyValue, ...] = (),
        body: str = "",
        body_mode: BodyMode = BodyMode.JSON,
    ) -> None:
        """Put a request into the editors, keeping the loaded request's name and the
        settings the editors do not show (the URL as typed: a path stays a path)."""
        self.load_request(
            replace(
                self._loaded,
                method=method.upper(),
                url=url_without_query(url),
                params=tuple(params_from_url(url)),
                headers=headers,
                body=body,
                body_mode=body_mode,
            )
        )

    def load_request(self, request: SavedRequest) -> None:
        """Show ``request`` in the editors; keeps what the editors cannot change (auth...)."""
        self._loaded = request
        self.method_combo.setCurrentText(request.method.upper())
        self._syncing = True
        try:
            self.url_edit.setText(url_with_params(request.url, request.params))
            self.params.model.set_rows(request.params)
        finally:
            self._syncing = False
        self.headers.model.set_rows(request.headers)
        self.variables.model.set_rows(
            KeyValue(v.name, v.value, v.enabled) for v in request.variables
        )
        self.body.load(request.body, request.body_mode, request.form, request.graphql_variables)
        self.auth.set_auth(request.auth)
        self.assertions.set_assertions(request.assertions)
        self._follow_choice = request.follow_redirects
        self._show_follow_redirects()
        has_body = request.body or request.form or request.graphql_variables
        if not has_body and self.tabs.currentWidget() is self.body:
            # An empty Body page says nothing about a GET: its parameters do.
            self.tabs.setCurrentWidget(self.params)

    def set_base(self, request: SavedRequest) -> None:
        """Take what the editors cannot change (name, description) from ``request`` without
        touching the editors: the tab was saved under a new name, or renamed."""
        self._loaded = request

    def request(self, *, commit: bool = True) -> SavedRequest:
        """What the editors hold now, on top of the last loaded request.

        With ``commit`` a cell still being edited is committed first (sending needs it);
        without, its text is read but its editor stays open (drafts while typing).
        """
        if commit:
            for table in (self.params, self.headers, self.variables):
                table.commit_pending_edit()
            self.body.form_fields.commit_pending_edit()
            self.assertions.commit_pending_edit()
        return replace(
            self._loaded,
            method=self.method_combo.currentText(),
            url=url_without_query(self.url_edit.text().strip()),
            # The URL is the truth for enabled params; the table adds the disabled ones.
            params=merge_disabled(
                params_from_url(self.url_edit.text()), self.params.rows_with_pending_edit()
            ),
            headers=self.headers.rows_with_pending_edit(),
            body=self.body.body_text(),
            body_mode=self.body.mode(),
            form=self.body.form(),
            graphql_variables=self.body.graphql_variables(),
            auth=self.auth.auth(),
            variables=tuple(self._variable(row) for row in self.variables.rows_with_pending_edit()),
            assertions=self.assertions.assertions(),
            follow_redirects=self._follow_choice,
        )

    def _variable(self, row: KeyValue) -> Variable:
        # A secret variable keeps its flag (the table has no column for it) and never a
        # value: its value lives in the secret store.
        if any(v.secret and v.name == row.name for v in self._loaded.variables):
            return Variable(row.name, "", secret=True, enabled=row.enabled)
        return Variable(row.name, row.value, enabled=row.enabled)

    # --- tests --------------------------------------------------------------------------------
    def show_assertion_results(self, results: Sequence[AssertionResult]) -> None:
        """Show how each assertion fared on the response just received (the Tests tab's
        Result and Actual columns, and its title: "Tests 2/3")."""
        self.assertions.show_results(results)

    def clear_assertion_results(self) -> None:
        """Forget the last results (a new send started, or its response is gone)."""
        self.assertions.clear_results()

    def _on_assertions_title_changed(self, title: str) -> None:
        # Only a real change: setTabText repaints the whole tab widget and re-lays-out the
        # window, in the same repaint as a response's status (about 1 ms per send).
        if self.tabs.tabText(self._tests_tab) != title:
            self.tabs.setTabText(self._tests_tab, title)

    def set_in_flight(self, in_flight: bool) -> None:
        """While the request is in flight Send is off (one request per tab; Cancel or Esc
        first), so a second click never silently replaces the first."""
        self.cancel_button.setEnabled(in_flight)
        self.send_button.setEnabled(not in_flight)

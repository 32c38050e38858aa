"""Collection and folder settings: what they hand down to their requests.

``DefaultsDialog`` edits a ``Defaults`` and a name: the base URL, following redirects,
headers, auth and variables of a folder, and for the collection also its TLS settings
(``TlsEditor``) and proxy (``ProxyEditor``). Unchanged input gives back an equal
``Defaults``, so saving it rewrites the same file. Secret variables keep their flag and never
get a value here: secret values live in the secret store and are edited in environments.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.collection import AuthKind, Defaults, Variable
from app.core.request import KeyValue
from app.core.transport import ProxyMode, ProxySettings
from app.ui.auth_editor import AuthEditor
from app.ui.key_value_table import KeyValueTableWidget
from app.ui.status_style import problem_label
from app.ui.tls_editor import TlsEditor

__all__ = ["MANUAL_PROXY_PROBLEM", "DefaultsDialog", "ProxyEditor"]

MANUAL_PROXY_PROBLEM = (
    "A manual proxy needs a proxy URL: type one for http://, for https:// or both (for "
    "example http://proxy.example.com:3128), or choose System or No proxy."
)

_MODE_LABELS = {
    ProxyMode.SYSTEM: "System",
    ProxyMode.NONE: "No proxy",
    ProxyMode.MANUAL: "Manual",
}


class ProxyEditor(QWidget):
    """Edits the collection's optional ``ProxySettings``; ``None`` means the system's proxy.

    The address fields are enabled only in Manual mode, and only a Manual proxy keeps them.
    Settings that were loaded and not changed come back as they were. ``edited`` is emitted
    after user changes, never after ``set_proxy``.
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loaded: ProxySettings | None = None

        self.mode_combo = QComboBox(self)
        self.mode_combo.setObjectName("proxyModeCombo")
        for mode, label in _MODE_LABELS.items():
            self.mode_combo.addItem(label, mode)
        self.mode_combo.setToolTip(
            "System: the proxy configured for this computer. No proxy: always connect "
            "directly. Manual: the proxies typed below."
        )
        self.http_edit = QLineEdit(self)
        self.http_edit.setObjectName("proxyHttpEdit")
        self.http_edit.setPlaceholderText("http://proxy.example.com:3128")
        self.http_edit.setToolTip("The proxy for http:// requests; empty: they go direct")
        self.https_edit = QLineEdit(self)
        self.https_edit.setObjectName("proxyHttpsEdit")
        self.https_edit.setPlaceholderText("http://proxy.example.com:3128")
        self.https_edit.setToolTip("The proxy for https:// requests; empty: they go direct")
        self.no_proxy_edit = QLineEdit(self)
        self.no_proxy_edit.setObjectName("noProxyEdit")
        self.no_proxy_edit.setPlaceholderText("localhost, 127.0.0.1, .internal.example.com")
        self.no_proxy_edit.setToolTip(
            "Hosts that go direct, separated by commas: names (covering their subdomains), "
            "IP addresses, networks such as 10.0.0.0/8, each with an optional :port; "
            "* for all"
        )

        form = QFormLayout(self)
        form.addRow("Proxy", self.mode_combo)
        form.addRow("HTTP proxy", self.http_edit)
        form.addRow("HTTPS proxy", self.https_edit)
        form.addRow("No proxy for", self.no_proxy_edit)

        self.mode_combo.activated.connect(self._on_mode_combo_activated)
        for edit in (self.http_edit, self.https_edit, self.no_proxy_edit):
            edit.textEdited.connect(self._on_text_edited)
        self._update()

    def mode(self) -> ProxyMode:
        data = self.mode_combo.currentData()
        return data if isinstance(data, ProxyMode) else ProxyMode.SYSTEM

    def set_proxy(self, proxy: ProxySettings | None) -> None:
        """Show ``proxy`` (``None``: System); no ``edited`` signal."""
        self._loaded = proxy
        shown = proxy if proxy is not None else ProxySettings()
        self.mode_combo.setCurrentIndex(max(0, self.mode_combo.findData(shown.mode)))
        self.http_edit.setText(shown.http_proxy)
        self.https_edit.setText(shown.https_proxy)
        self.no_proxy_edit.setText(shown.no_proxy)
        self._update()

    def proxy(self) -> ProxySettings | None:
        """The settings as edited; ``None`` for the system's proxy with nothing else set."""
        edited = ProxySettings(
            mode=self.mode(),
            http_proxy=self.http_edit.text(),
            https_proxy=self.https_edit.text(),
            no_proxy=self.no_proxy_edit.text(),
        )
        if edited == (self._loaded if self._loaded is not None else ProxySettings()):
            return self._loaded
        if edited.mode is not ProxyMode.MANUAL:
            # The greyed-out fields mean nothing in this mode: they stay out of the file.
            edited = ProxySettings(mode=edited.mode)
        return None if edited == ProxySettings() else edited

    def problem(self) -> str | None:
        """Why these settings must not be saved, as a sentence; ``None`` when they may."""
        if self.mode() is ProxyMode.MANUAL and not (
            self.http_edit.text().strip() or self.https_edit.text().strip()
        ):
            return MANUAL_PROXY_PROBLEM
        return None

    def _update(self) -> None:
        manual = self.mode() is ProxyMode.MANUAL
        for edit in (self.http_edit, self.https_edit, self.no_proxy_edit):
            edit.setEnabled(manual)

    def _on_mode_combo_activated(self, _index: int) -> None:
        self._update()
        self.edited.emit()

    def _on_text_edited(self, _text: str) -> None:
        self.edited.emit()


class DefaultsDialog(QDialog):
    """Edits the settings of the collection (``collection=True``) or of one folder.

    Both have a name, a base URL, headers, auth and variables; the collection also has TLS
    and proxy settings (a folder file accepts neither). After the dialog is accepted,
    ``result_defaults()`` and ``result_name()`` are what to save. OK is refused, with a
    sentence saying why, while the name is blank, the TLS key passphrase is typed as a
    literal, or a Manual proxy has no proxy URL.
    """

    def __init__(
        self,
        defaults: Defaults,
        name: str,
        *,
        collection: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("defaultsDialog")
        self.setWindowTitle("Collection settings" if collection else "Folder settings")
        self._defaults = defaults
        self._collection = collection
        self._auth_edited = False
        what = "collection" if collection else "folder"

        self.name_edit = QLineEdit(name, self)
        self.name_edit.setObjectName("collectionNameEdit" if collection else "folderNameEdit")
        self.base_url_edit = QLineEdit(defaults.base_url or "", self)
        self.base_url_edit.setObjectName("defaultsBaseUrlEdit")
        self.base_url_edit.setPlaceholderText(
            "Not set: the window's Base URL field applies"
            if collection
            else "Not set: the parent folder's or the collection's"
        )
        self.base_url_edit.setToolTip(
            f"A request URL that is a path (such as /rest/v1/wallet) joins the {what}'s base "
            "URL; {{variables}} are allowed"
        )

        self.follow_redirects_combo = QComboBox(self)
        self.follow_redirects_combo.setObjectName("defaultsFollowRedirectsCombo")
        self.follow_redirects_combo.addItem(
            "Not set (off)" if collection else "Not set: as the parent folder / collection", None
        )
        self.follow_redirects_combo.addItem("On", True)
        self.follow_redirects_combo.addItem("Off", False)
        self.follow_redirects_combo.setCurrentIndex(
            self.follow_redirects_combo.findData(defaults.follow_redirects)
            if defaults.follow_redirects is not None
            else 0
        )
        self.follow_redirects_combo.setToolTip(
            f"Whether the requests of this {what} follow 301/302/303/307/308 (a request may "
            "say otherwise)"
        )

        self.headers = KeyValueTableWidget("defaultsHeadersTable", self, name_hint="Add header")
        self.headers.model.set_rows(defaults.headers)
        self.headers.setToolTip(f"Headers sent with every request of this {what}")

        self.auth = AuthEditor(self)
        inherit = self.auth.kind_combo.findData(AuthKind.INHERIT)
        self.auth.kind_combo.setItemText(
            inherit,
            "Not set (no auth)" if collection else "Inherit from the parent folder / collection",
        )
        self.auth.set_auth(defaults.auth)

        self.variables = KeyValueTableWidget(
            "defaultsVariablesTable", self, name_hint="Add variable"
        )
        self.variables.model.set_rows(
            KeyValue(v.name, v.value, v.enabled) for v in defaults.variables
        )
        self.variables.setToolTip(
            f"Variables of this {what}: sub-folders and requests may override them"
        )
        secret_names = [v.name for v in defaults.variables if v.secret]
        secrets_note = QLabel(
            "Secret values belong in an environment, where they are kept out of the "
            "collection folder."
            + (
                f" Secret here, with the value in the secret store: {', '.join(secret_names)}."
                if secret_names
                else ""
            ),
            self,
        )
        secrets_note.setObjectName("defaultsSecretsNote")
        secrets_note.setTextFormat(Qt.TextFormat.PlainText)
        secrets_note.setWordWrap(True)

        self.tls_editor: TlsEditor | None = None
        self.proxy_editor: ProxyEditor | None = None
        if collection:
            self.tls_editor = TlsEditor(
                self, off_hint="Off: the system's trusted certificates, no client certificate"
            )
            self.tls_editor.set_tls(defaults.tls)
            self.proxy_editor = ProxyEditor(self)
            self.proxy_editor.set_proxy(defaults.proxy)

        self.problem_label = problem_label("defaultsProblemLabel", self)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )

        general = QWidget(self)
        form = QFormLayout(general)
        form.addRow("Name", self.name_edit)
        form.addRow("Base URL", self.base_url_edit)
        form.addRow("Follow redirects", self.follow_redirects_combo)
        variables_page = QWidget(self)
        variables_layout = QVBoxLayout(variables_page)
        variables_layout.addWidget(self.variables, 1)
        variables_layout.addWidget(secrets_note)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("defaultsTabs")
        self.tabs.addTab(general, "General")
        self.tabs.addTab(self.headers, "Headers")
        self.tabs.addTab(self.auth, "Auth")
        self.tabs.addTab(variables_page, "Variables")
        if self.tls_editor is not None:
            self.tabs.addTab(self.tls_editor, "TLS")
        if self.proxy_editor is not None:
            self.tabs.addTab(self.proxy_editor, "Proxy")

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.resize(640, 460)

        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.auth.edited.connect(self._on_auth_edited)
        self.name_edit.textEdited.connect(self._refresh_problem)
        if self.tls_editor is not None:
            self.tls_editor.edited.connect(self._refresh_problem)
        if self.proxy_editor is not None:
            self.proxy_editor.edited.connect(self._refresh_problem)
        self._update_auth_hint()

    # Results ----------------------------------------------------------------------------

    def result_name(self) -> str:
        return self.name_edit.text().strip()

    def result_defaults(self) -> Defaults:
        """The settings to save; what was not changed comes back as it was loaded."""
        tls = self.tls_editor.tls() if self.tls_editor is not None else self._defaults.tls
        proxy = self.proxy_editor.proxy() if self.proxy_editor is not None else self._defaults.proxy
        return dataclasses.replace(
            self._defaults,
            base_url=self._base_url(),
            headers=self.headers.rows_with_pending_edit(),
            # The editor may order or spell the same auth differently from the file.
            auth=self.auth.auth() if self._auth_edited else self._defaults.auth,
            variables=tuple(self._variable(row) for row in self.variables.rows_with_pending_edit()),
            tls=tls,
            proxy=proxy,
            follow_redirects=self.follow_redirects_combo.currentData(),
        )

    def problem(self) -> str | None:
        """Why the settings cannot be saved yet, as a sentence; ``None`` when they can."""
        return self._problem_and_page()[0]

    # Actions ----------------------------------------------------------------------------

    def accept(self) -> None:
        self.headers.commit_pending_edit()
        self.variables.commit_pending_edit()
        problem, page = self._problem_and_page()
        if problem is not None:
            self.problem_label.setText(problem)
            self.problem_label.show()
            if page is not None:
                self.tabs.setCurrentWidget(page)
            return
        super().accept()

    # Helpers ----------------------------------------------------------------------------

    def _problem_and_page(self) -> tuple[str | None, QWidget | None]:
        what = "collection" if self._collection else "folder"
        if not self.name_edit.text().strip():
            return f"Type a name for the {what}.", self.tabs.widget(0)
        for editor in (self.tls_editor, self.proxy_editor):
            problem = editor.problem() if editor is not None else None
            if problem is not None:
                return problem, editor
        return None, None

    def _refresh_problem(self) -> None:
        # Once a refusal is shown it follows the edits, and goes when all is well.
        if self.problem_label.isHidden():
            return
        problem = self.problem()
        self.problem_label.setText(problem or "")
        self.problem_label.setVisible(problem is not None)

    def _base_url(self) -> str | None:
        text = self.base_url_edit.text()
        if text:
            return text
        # Empty means "not set"; a base URL loaded as "" (same meaning) is kept as it was.
        return self._defaults.base_url if self._defaults.base_url == "" else None

    def _variable(self, row: KeyValue) -> Variable:
        # A secret variable keeps its flag (the table has no column for it) and never a
        # value: its value lives in the secret store.
        if any(v.secret and v.name == row.name for v in self._defaults.variables):
            return Variable(row.name, "", secret=True, enabled=row.enabled)
        return Variable(row.name, row.value, enabled=row.enabled)

    def _on_auth_edited(self) -> None:
        self._auth_edited = True
        self._update_auth_hint()

    def _update_auth_hint(self) -> None:
        # The editor's hint speaks of inheriting; the collection has nothing to inherit from.
        if self._collection and self.auth.kind() is AuthKind.INHERIT:
            self.auth.hint_label.setText("No auth, unless a folder or a request sets one.")

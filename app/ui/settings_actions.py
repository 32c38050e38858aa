"""What requests are sent within: choosing and editing environments, and the settings a
collection or folder hands down (base URL, headers, auth, variables, TLS, proxy).

``SettingsActions`` keeps the environment bar and the protected-environment banner in step
with the workspace, runs the dialogs through the window's ``Prompts``, and writes what they
return through the ``CollectionService`` and the workspace's secret store.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.core.collection import Defaults, Environment, Variable
from app.services.collections import (
    ROOT,
    CollectionEvent,
    CollectionLoaded,
    CollectionService,
    CollectionWriteError,
)
from app.services.workspace import SecretStoreError
from app.ui.defaults_dialog import DefaultsDialog
from app.ui.environment_bar import EnvironmentBar, ProtectedBanner
from app.ui.environment_dialog import EnvironmentDialog
from app.ui.prompts import Prompts

__all__ = ["SettingsActions"]


class SettingsActions(QObject):
    """Environments and collection/folder settings, for the window's bar and sidebar."""

    changed = Signal()  # the environment or the settings changed: what a tab sends may differ

    def __init__(
        self,
        collections: CollectionService,
        prompts: Prompts,
        bar: EnvironmentBar,
        banner: ProtectedBanner,
        report: Callable[[str], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.collections = collections
        self.workspace = collections.workspace
        self.prompts = prompts
        self.bar = bar
        self.banner = banner
        self._report = report  # a failure: a sentence the user must see
        self._parent = parent
        bar.environment_selected.connect(self.select_environment)
        bar.edit_requested.connect(self.edit_environment)
        bar.new_requested.connect(self.new_environment)
        collections.subscribe(self._on_collection_event)

    def _on_collection_event(self, event: CollectionEvent) -> None:
        if isinstance(event, CollectionLoaded):
            self.refresh()

    def refresh(self) -> None:
        env = self.workspace.environment
        self.bar.set_environments(
            self.workspace.environments,
            env.name if env else None,
            enabled=self.workspace.collection is not None,
        )
        self.banner.show_environment(env)
        self.changed.emit()

    def select_environment(self, name: str | None) -> None:
        self.workspace.select_environment(name)
        self.refresh()

    def edit_environment(self) -> None:
        env = self.workspace.environment
        if env is not None:
            self._edit_environment(env)

    def new_environment(self) -> None:
        name = self.prompts.ask_text("New environment", "Name of the environment:", "sandbox")
        if name == "":
            self._report("An environment needs a name: nothing was created.")
        elif name is not None:
            self._edit_environment(Environment(name))

    def _edit_environment(self, environment: Environment) -> None:
        secrets = self.workspace.secret_values(environment)
        dialog = EnvironmentDialog(environment, secrets, self._parent)
        if self.workspace.root is not None:
            dialog.tls_editor.set_base_folder(self.workspace.root)
        if self.prompts.run_dialog(dialog):
            self.apply_environment(dialog.result_environment(), dialog.result_secrets())

    def apply_environment(
        self, environment: Environment, secrets: Mapping[str, str | None]
    ) -> bool:
        """Write ``environment`` into the collection and its secret values into the store;
        False when that failed (and was reported)."""
        if self.collections.root is None:
            return False
        try:
            self.workspace.store_secrets(environment.name, secrets)
            self.collections.save_environment(environment)
        except (CollectionWriteError, SecretStoreError) as exc:
            self._report(str(exc))
            return False
        self.collections.reload()
        self.select_environment(environment.name)
        return True

    def add_secrets(self, values: Mapping[str, str]) -> str | None:
        """Keep ``values`` as secret variables of the active environment (declared in its
        file, values in the secret store); its name, or ``None`` when no collection or
        environment is open or the write failed (the failure is reported)."""
        environment = self.workspace.environment
        if self.collections.root is None or environment is None:
            return None
        declared = {v.name for v in environment.variables}
        added = tuple(Variable(name, secret=True) for name in values if name not in declared)
        updated = dataclasses.replace(environment, variables=environment.variables + added)
        return updated.name if self.apply_environment(updated, dict(values)) else None

    def edit_defaults(self, folder: Path) -> None:
        """Edit what ``folder`` (``Path(".")``: the collection) hands down to its requests."""
        loaded = self.collections.loaded
        node = self.collections.find(folder)
        if loaded is None or node is None:
            return
        dialog = DefaultsDialog(
            node.defaults or Defaults(), node.name, collection=folder == ROOT, parent=self._parent
        )
        if dialog.tls_editor is not None:
            dialog.tls_editor.set_base_folder(loaded.root)
        if not self.prompts.run_dialog(dialog):
            return
        try:
            self.collections.save_defaults(folder, dialog.result_defaults())
            if dialog.result_name() != node.name:
                self.collections.rename(folder, dialog.result_name())
        except CollectionWriteError as exc:
            self._report(str(exc))
        self.collections.reload()

"""The main window's menu bar and keyboard: every action once, with its shortcut and a
tooltip naming it, and focus that never stays in a panel the user cannot see.

File (New tab, Open collection…, recent collections, Save, Save As, Close tab, Quit), Edit
(Focus URL, Send, Cancel, next and previous tab), View (the panels, which can be closed and
come back here; theme; zoom), Help (Keyboard shortcuts, About). Shortcuts are window-wide, so they
work from any field.
"""

from __future__ import annotations

import functools
import platform
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt, qVersion
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QMenu, QMessageBox

from app.core.preferences import THEMES
from app.http.spool import DEFAULT_THRESHOLD
from app.services.collections import CollectionWriteError
from app.services.exporting import SNIPPET_NAMES
from app.services.importing import write_imported
from app.ui.example_actions import ExampleActions
from app.ui.export_actions import ExportActions
from app.ui.import_dialog import ImportDialog, describe_import
from app.ui.preferences_dialog import PreferencesDialog
from app.ui.text_dialog import TextDialog
from app.ui.themes import apply_theme

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

__all__ = ["WindowMenus", "app_version"]

ZOOM_STEPS = (0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0)


_FALLBACK_LICENCES = (
    "PySide6 (LGPL-3.0), httpx (BSD-3-Clause), brotli (MIT), zstandard (BSD-3-Clause), "
    "qasync (BSD-2-Clause), PyYAML (MIT), keyring (MIT), truststore (MIT), python-jsonpath "
    "(MIT), regex (Apache-2.0)"
)


@functools.cache
def licences() -> str:
    """Every package the app runs on (its requirements, theirs, and the extras it asks
    for: httpx's brotli and zstandard), with its licence, from the installed metadata."""
    found: dict[str, str] = {}

    def licence(dist: metadata.Distribution) -> str:
        meta = dist.metadata
        expression = meta.get_all("License-Expression") or []
        if expression:
            return str(expression[0])
        classified = [
            c.split("::")[-1].strip()
            for c in meta.get_all("Classifier") or []
            if c.startswith("License ::")
        ]
        text = str((meta.get_all("License") or [""])[0]).strip()
        return ", ".join(classified) or (text.splitlines()[0][:40] if text else "see package")

    def walk(requirement: str) -> None:
        match = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(?:\[([^\]]*)\])?", requirement)
        if match is None:
            return
        name, extras = match.group(1), {e.strip() for e in (match.group(2) or "").split(",")}
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            return
        title = str(dist.metadata["Name"])
        if title not in found:
            found[title] = licence(dist)
        for needed in dist.requires or []:
            requirement, _, marker = needed.partition(";")
            wanted = re.search(r"extra\s*==\s*[\"']([^\"']+)", marker)
            if wanted is not None and wanted.group(1) not in extras:
                continue
            # brotlicffi and such are for Pythons other than this one.
            if re.search(
                r"platform_python_implementation\s*(!=\s*[\"']CPython|==\s*[\"'](?!CPython))",
                marker,
            ):
                continue
            walk(requirement)

    try:
        walk("api-explorer")
    except (OSError, ValueError):
        return _FALLBACK_LICENCES
    found.pop("api-explorer", None)
    if not found:
        return _FALLBACK_LICENCES
    return ", ".join(
        f"{name} ({kind})" for name, kind in sorted(found.items(), key=lambda i: i[0].lower())
    )


def app_version() -> str:
    try:
        return metadata.version("api-explorer")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


class WindowMenus(QObject):
    """Builds the menu bar of ``window`` and keeps its recent-collections menu current."""

    def __init__(self, window: MainWindow, data_folder: Path | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.data_folder = data_folder
        self.actions: dict[str, QAction] = {}
        self._base_point_size = QApplication.font().pointSizeF()
        self._zoom = ZOOM_STEPS.index(1.0)
        bar = window.menuBar()

        file = bar.addMenu("&File")
        self._add(file, "new_tab", "&New tab", "Ctrl+T", window.new_tab)
        self._add(file, "new_collection", "New &collection…", (), self.new_collection)
        self._add(file, "open", "&Open collection…", "Ctrl+O", window.sidebar.choose_collection)
        self.recent_menu = file.addMenu("Open &recent")
        file.addSeparator()
        self._add(file, "import", "&Import…", "Ctrl+I", self.import_collection)
        self._add(
            file,
            "open_bundle",
            "Open a &reproduction bundle…",
            (),
            lambda: window.history_actions.open_bundle(),
        )
        exports = ExportActions(window)
        self.exports = exports
        export = file.addMenu("&Export")
        self._add(
            export,
            "export_collection",
            "The collection as &Postman v2.1…",
            (),
            lambda: exports.export_collection(),
        )
        for kind, name in SNIPPET_NAMES.items():
            self._add(
                export,
                f"export_{kind}",
                f"The request as {name}…",
                (),
                partial(exports.save_request, kind),
            )
        self._add(export, "export_har", "History as &HAR…", (), exports.export_history)
        file.addSeparator()
        self._add(file, "save", "&Save", "Ctrl+S", window.save_active_tab)
        self._add(
            file,
            "save_as",
            "Save &as…",
            "Ctrl+Shift+S",
            lambda: window.save_active_tab(ask_name=True),
        )
        self._add(file, "close_tab", "&Close tab", "Ctrl+W", window.close_active_tab)
        file.addSeparator()
        self._add(file, "quit", "&Quit", "Ctrl+Q", window.close)

        edit = bar.addMenu("&Edit")
        self._add(edit, "focus_url", "Go to the &URL", "Ctrl+L", self._focus_url)
        self._add(edit, "send", "Sen&d", ("Ctrl+Return", "Ctrl+Enter"), window.send)
        self._add(edit, "cancel", "&Cancel the request", "Escape", window.cancel)
        edit.addSeparator()
        self._add(edit, "next_tab", "Ne&xt tab", "Ctrl+Tab", lambda: self._step_tab(1))
        self._add(
            edit, "previous_tab", "&Previous tab", "Ctrl+Shift+Tab", lambda: self._step_tab(-1)
        )
        edit.addSeparator()
        self._add(
            edit, "copy_curl", "Copy as c&URL", "Ctrl+Shift+C", lambda: exports.copy_request("curl")
        )
        self._add(edit, "copy_httpie", "Copy as HTTPie", (), lambda: exports.copy_request("httpie"))
        self._add(
            edit,
            "copy_curl_secrets",
            "Copy as cURL, secrets included",
            (),
            lambda: exports.copy_request("curl", include_secrets=True),
        )
        self._add(
            edit, "copy_httpx", "Copy as Python httpx", (), lambda: exports.copy_request("httpx")
        )
        edit.addSeparator()
        pane = window.response_pane
        self._add(edit, "find", "&Find in the response…", "Ctrl+F", pane.show_find)
        self._add(edit, "find_next", "Find ne&xt", "F3", lambda: pane.find_step(1))
        self._add(
            edit,
            "find_previous",
            "Find pre&vious",
            "Shift+F3",
            lambda: pane.find_step(-1),
        )
        edit.addSeparator()
        self._add(edit, "preferences", "P&references…", "Ctrl+,", self.edit_preferences)

        response = bar.addMenu("&Response")
        examples = ExampleActions(window)
        self.examples = examples
        self._add(response, "save_example", "&Save as example…", (), examples.save_example)
        self._add(
            response,
            "compare_example",
            "&Compare with a saved example…",
            (),
            examples.compare_with_example,
        )
        response.addSeparator()
        self._add(response, "share_response", "S&hare reproduction…", (), exports.share_response)

        view = bar.addMenu("&View")
        for dock in (window.collection_dock, window.history_dock):
            toggle = dock.toggleViewAction()
            toggle.setToolTip(f"Show or hide the {dock.windowTitle()} panel")
            view.addAction(toggle)
            dock.visibilityChanged.connect(
                lambda visible, d=dock: None if visible else self._leave_hidden(d)
            )
        view.addSeparator()
        themes = view.addMenu("&Theme")
        self._theme_group = QActionGroup(self)
        for name in THEMES:
            action = themes.addAction(name.capitalize())
            action.setCheckable(True)
            action.setData(name)
            self._theme_group.addAction(action)
            action.triggered.connect(lambda _checked=False, n=name: self.set_theme(n))
        self.theme = "system"
        self._add(view, "zoom_in", "Zoom &in", ("Ctrl+=", "Ctrl++"), lambda: self.zoom(1))
        self._add(view, "zoom_out", "Zoom &out", "Ctrl+-", lambda: self.zoom(-1))
        self._add(view, "zoom_reset", "&Actual size", "Ctrl+0", lambda: self.zoom(0))

        help_menu = bar.addMenu("&Help")
        self._add(help_menu, "shortcuts", "&Keyboard shortcuts", "F1", self.show_shortcuts)
        self._add(help_menu, "about", "&About API Explorer", (), self.show_about)
        self.set_recent([])
        # Each action's tooltip names its shortcut; menus hide tooltips unless told.
        for menu in bar.findChildren(QMenu):
            menu.setToolTipsVisible(True)

    def _add(
        self,
        menu: QMenu,
        key: str,
        text: str,
        shortcuts: str | Sequence[str],
        slot: Callable[[], object],
    ) -> QAction:
        action = QAction(text, self.window)
        keys = [shortcuts] if isinstance(shortcuts, str) else list(shortcuts)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        label = text.replace("&", "").rstrip("…")
        shown = (
            QKeySequence(keys[0]).toString(QKeySequence.SequenceFormat.NativeText) if keys else ""
        )
        action.setToolTip(f"{label} ({shown})" if shown else label)
        action.triggered.connect(slot)
        menu.addAction(action)
        self.window.addAction(action)  # the shortcut works while the menu bar is hidden too
        self.actions[key] = action
        return action

    def import_collection(self, source: Path | None = None) -> None:
        """The Import dialog (``source``: a file dropped on the window); the new collection
        is opened, and what did not come across is shown."""
        window = self.window
        root = window.collections.root
        parent = root.parent if root is not None else Path.home()
        dialog = ImportDialog(window.prompts, parent, window, source)
        if not window.prompts.run_dialog(dialog):
            return
        imported = dialog.imported()
        if imported is None:
            return
        try:
            written = write_imported(
                imported,
                dialog.target(),
                name=dialog.name(),
                secret_store=window.workspace.secret_store,
            )
        except CollectionWriteError as exc:
            window.show_error(str(exc))
            return
        window.open_collection(written.folder)
        recorded = ""
        if imported.recorded:
            count = window.history.record_imported(imported)
            window.history_panel.refresh()
            recorded = f" {count:,} recorded responses are in History."
        secrets = len(written.secrets_stored)
        stored = (
            f" {secrets} secret values went to this computer's secret store." if secrets else ""
        )
        window.statusBar().showMessage(
            f"Imported {describe_import(imported)}{stored if secrets else ''}{recorded}", 30_000
        )
        if written.report:
            lines = "\n".join(f"{line.where}: {line.what}" for line in written.report)
            text = f"Not carried over, or changed, in {imported.format}:\n\n{lines}"
            window.prompts.run_dialog(TextDialog("Import report", text, window))

    def edit_preferences(self) -> None:
        """The Preferences dialog; what it accepts applies to the next send."""
        pipeline = self.window.pipeline
        spool = pipeline.spool
        stream_above = spool.threshold if spool is not None else DEFAULT_THRESHOLD
        dialog = PreferencesDialog(pipeline.body_ceiling, stream_above, self.window)
        if self.window.prompts.run_dialog(dialog):
            pipeline.body_ceiling = dialog.response_max_bytes()
            if spool is not None:
                pipeline.spool = replace(spool, threshold=dialog.stream_above_bytes())

    def new_collection(self) -> None:
        """Ask for a folder and a name, make the folder a new collection and open it."""
        prompts = self.window.prompts
        folder = prompts.choose_folder("Folder of the new collection", None)
        if folder is None:
            return
        name = prompts.ask_text("New collection", "Name of the collection:", folder.name)
        if name is None:
            return
        try:
            self.window.collections.create(folder, name)
        except (OSError, CollectionWriteError) as exc:
            self.window.show_error(str(exc))
            return
        self.window.collection_opened.emit(folder)

    def set_recent(self, paths: Sequence[Path]) -> None:
        self.recent_menu.clear()
        for path in paths:
            action = self.recent_menu.addAction(
                f"{path.name or path}  —  {path.parent}".replace("&", "&&")
            )
            action.setToolTip(str(path))
            action.triggered.connect(
                lambda _checked=False, p=path: self.window.open_collection(p, background=True)
            )
        self.recent_menu.setEnabled(bool(paths))

    def _leave_hidden(self, dock: QDockWidget) -> None:
        """Keys typed next must not land in a panel the user can no longer see (the history
        search box behind the Collection tab). Also called while the window is destroyed
        (its docks hide), when there is nothing to do."""
        if not shiboken6.isValid(self.window):
            return
        focused = self.window.focusWidget()
        if focused is not None and dock.isAncestorOf(focused):
            self._focus_url()

    def _focus_url(self) -> None:
        edit = self.window.builder.url_edit
        edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        edit.selectAll()

    def _step_tab(self, step: int) -> None:
        session = self.window.session
        tabs = session.tabs()
        active = session.active()
        if active is None or len(tabs) < 2:
            return
        index = (session.index(active.id) + step) % len(tabs)
        self.window.area.pull_builder()
        session.activate(tabs[index].id)

    def set_theme(self, name: str) -> None:
        """Use the look ``name`` (system, light or dark) now; remembered by the app."""
        self.theme = apply_theme(name)
        for action in self._theme_group.actions():
            action.setChecked(action.data() == self.theme)

    def zoom(self, step: int) -> None:
        """Larger (1), smaller (-1) or actual size (0) text everywhere."""
        if step == 0:
            self._zoom = ZOOM_STEPS.index(1.0)
        else:
            self._zoom = max(0, min(len(ZOOM_STEPS) - 1, self._zoom + step))
        font = QApplication.font()
        font.setPointSizeF(self._base_point_size * ZOOM_STEPS[self._zoom])
        QApplication.setFont(font)

    def shortcut_lines(self) -> list[str]:
        lines = []
        for action in self.actions.values():
            keys = ", ".join(
                k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()
            )
            if keys:
                lines.append(f"{keys}\t{action.text().replace('&', '')}")
        return lines

    def show_shortcuts(self) -> None:
        QMessageBox.information(self.window, "Keyboard shortcuts", "\n".join(self.shortcut_lines()))

    def about_text(self) -> str:
        folder = str(self.data_folder) if self.data_folder is not None else "(not known)"
        return (
            f"API Explorer {app_version()}\n\n"
            "A client for JSON REST APIs that follow the Paysera conventions.\n\n"
            f"Data folder: {folder}\n"
            f"Python {platform.python_version()} on {sys.platform}; "
            f"Qt {qVersion()}\n\n"
            f"Licence: MIT. Built with: {licences()}."
        )

    def show_about(self) -> None:
        QMessageBox.about(self.window, "About API Explorer", self.about_text())

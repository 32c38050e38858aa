"""The open tabs, without Qt: their order, the active one, their edits, what each last showed,
saving them into the collection, and keeping them in step with the files on disk.

``Session`` is the one owner of the tab list. The tab strip, the builder and the response pane
observe it through plain events (``TabAdded``, ``TabChanged``, ``TabRemoved``,
``TabActivated``) and call its methods; nothing else keeps a copy of a tab.

It listens to the ``CollectionService``: after a reload, tabs whose file changed on disk (git
pull, an editor) show the new version when they hold no edits (``TabChanged(reloaded=True)``);
tabs with edits keep them, and saving them asks first. A renamed or moved file takes its tabs
along; a deleted one leaves them open as requests saved nowhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from app.core.assertions import AssertionResult
from app.core.collection import NodeKind, ResponseExample, SavedRequest
from app.core.exchange import Exchange
from app.core.tabs import NEW_REQUEST_NAME, OpenTab, TabSession, new_tab
from app.services.collections import (
    CollectionEvent,
    CollectionLoaded,
    CollectionService,
    CollectionWriteError,
    RequestDeleted,
    RequestMoved,
    walk,
)
from app.services.pipeline import Outcome
from app.services.prompts import Questions, UnsavedChoice
from app.storage.collection_store import MAX_FILE_BYTES, request_file_too_large
from app.storage.drafts import DraftStore
from app.storage.history import HistoryEntry

__all__ = [
    "Cancelled",
    "Finished",
    "Notice",
    "Recorded",
    "Refused",
    "SaveResult",
    "Sending",
    "Session",
    "SessionEvent",
    "TabActivated",
    "TabAdded",
    "TabChanged",
    "TabRemoved",
    "TabResult",
]


@dataclass(frozen=True, slots=True)
class TabAdded:
    tab: OpenTab
    index: int


@dataclass(frozen=True, slots=True)
class TabChanged:
    """``reloaded``: the request was replaced from outside (the file changed on disk), so a
    view showing it loads it again; otherwise only its title or saved state changed."""

    tab: OpenTab
    reloaded: bool = False


@dataclass(frozen=True, slots=True)
class TabRemoved:
    tab_id: str
    index: int


@dataclass(frozen=True, slots=True)
class TabActivated:
    previous_id: str  # "" when no tab was active
    tab_id: str


@dataclass(frozen=True, slots=True)
class Notice:
    """A sentence the user must read (an action they asked for did not happen)."""

    text: str


SessionEvent = TabAdded | TabChanged | TabRemoved | TabActivated | Notice


# What the response pane shows for a tab, kept so that switching back shows it again.
@dataclass(frozen=True, slots=True)
class Refused:
    message: str


@dataclass(frozen=True, slots=True)
class Sending:
    method: str
    url: str


@dataclass(frozen=True, slots=True)
class Finished:
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class Cancelled:
    pass


@dataclass(frozen=True, slots=True)
class Recorded:
    """A history entry shown in a tab: the response as recorded (``None``: none came)."""

    entry: HistoryEntry
    exchange: Exchange | None


TabResult = Refused | Sending | Finished | Cancelled | Recorded


@dataclass(frozen=True, slots=True)
class SaveResult:
    """``path`` of the file written, or ``None`` with ``message`` saying why nothing was."""

    path: Path | None
    message: str = ""

    @property
    def saved(self) -> bool:
        return self.path is not None


class Session:
    """The tabs open in the window, in the order shown."""

    def __init__(
        self,
        collections: CollectionService,
        drafts: DraftStore,
        questions: Questions,
    ) -> None:
        self.collections = collections
        self.drafts = drafts
        self.questions = questions
        self._tabs: list[OpenTab] = []
        self._active_id = ""
        self._results: dict[str, TabResult] = {}
        self._preview_id = ""  # the tab a single click in the sidebar replaces
        self._verdicts: dict[str, tuple[AssertionResult, ...]] = {}  # of the last finished send
        self._listeners: list[Callable[[SessionEvent], None]] = []
        collections.subscribe(self._on_collection_event)

    def subscribe(self, listener: Callable[[SessionEvent], None]) -> None:
        self._listeners.append(listener)

    def _emit(self, event: SessionEvent) -> None:
        for listener in list(self._listeners):
            listener(event)

    # --- reading -----------------------------------------------------------------------------
    def tabs(self) -> tuple[OpenTab, ...]:
        return tuple(self._tabs)

    def get(self, tab_id: str) -> OpenTab | None:
        return next((tab for tab in self._tabs if tab.id == tab_id), None)

    def active(self) -> OpenTab | None:
        return self.get(self._active_id)

    def index(self, tab_id: str) -> int:
        return next((i for i, tab in enumerate(self._tabs) if tab.id == tab_id), -1)

    def result(self, tab_id: str) -> TabResult | None:
        return self._results.get(tab_id)

    def verdicts(self, tab_id: str) -> tuple[AssertionResult, ...] | None:
        """The assertion results of the tab's last finished send (``None``: none yet)."""
        return self._verdicts.get(tab_id)

    def _root(self) -> str | None:
        root = self.collections.root
        return str(root) if root is not None else None

    # --- changing the list -------------------------------------------------------------------
    def open(self, tab: OpenTab) -> None:
        """Append ``tab`` and make it the active one."""
        self._tabs.append(tab)
        self._emit(TabAdded(tab, len(self._tabs) - 1))
        self.activate(tab.id)

    def open_new(self) -> None:
        """A blank tab, named apart from the other blank ones ("New request 2")."""
        taken = {tab.title for tab in self._tabs}
        name, number = NEW_REQUEST_NAME, 1
        while name in taken:
            number += 1
            name = f"{NEW_REQUEST_NAME} {number}"
        self.open(new_tab(SavedRequest(name)))

    def open_saved(self, path: Path, request: SavedRequest, *, preview: bool = False) -> None:
        """Show the request file ``path`` of the open collection: its tab if one is open.

        A ``preview`` (a single click in the sidebar) reuses the preview tab, as editors do,
        until that tab is edited or opened for good (a double click); then it stays.
        """
        source, root = path.as_posix(), self._root()
        existing = next((t for t in self._tabs if t.belongs_to(root, source)), None)
        if existing is not None:
            if not preview and existing.id == self._preview_id:
                self._preview_id = ""  # opened for good
            self.activate(existing.id)
            return
        previous = self.get(self._preview_id)
        if preview and previous is not None and not previous.dirty:
            self._results.pop(previous.id, None)  # another request: not its response
            self._verdicts.pop(previous.id, None)
            shown = replace(new_tab(request, source, root), id=previous.id)
            self.update(shown, reloaded=True)
            self.activate(shown.id)
            return
        tab = new_tab(request, source, root)
        self._preview_id = tab.id if preview else self._preview_id
        self.open(tab)

    def is_preview(self, tab_id: str) -> bool:
        """Whether the next single click in the sidebar replaces this tab."""
        tab = self.get(tab_id)
        return tab is not None and tab.id == self._preview_id and not tab.dirty

    def activate(self, tab_id: str) -> None:
        if tab_id == self._active_id or self.get(tab_id) is None:
            return
        previous, self._active_id = self._active_id, tab_id
        self._emit(TabActivated(previous, tab_id))

    def move(self, source: int, target: int) -> None:
        """The user dragged a tab from ``source`` to ``target`` (the view has moved it)."""
        self._tabs.insert(target, self._tabs.pop(source))

    def update(self, tab: OpenTab, *, reloaded: bool = False) -> None:
        """Replace the tab with ``tab.id``."""
        index = self.index(tab.id)
        if index < 0 or (self._tabs[index] == tab and not reloaded):
            return
        self._tabs[index] = tab
        self._emit(TabChanged(tab, reloaded))

    def edit(self, tab_id: str, current: SavedRequest) -> OpenTab | None:
        """What the editors hold became ``current``."""
        tab = self.get(tab_id)
        if tab is not None and tab.current != current:
            tab = tab.edited(current)
            self.update(tab)
        return tab

    def close(self, tab_id: str) -> bool:
        """Close a tab, asking first when it holds unsaved edits; False if the user kept
        it. The last tab closed leaves a new blank one."""
        tab = self.get(tab_id)
        if tab is None:
            return True
        if tab.dirty:
            choice = self.questions.ask_unsaved(tab.title)
            if choice is UnsavedChoice.CANCEL:
                return False
            if choice is UnsavedChoice.SAVE:
                saved = self.save(tab_id)
                if not saved.saved:
                    if saved.message:
                        self._emit(Notice(f"{tab.title} was not closed: {saved.message}"))
                    return False
        index = self.index(tab_id)
        del self._tabs[index]
        self._results.pop(tab_id, None)
        self._verdicts.pop(tab_id, None)
        self._emit(TabRemoved(tab_id, index))
        if tab_id == self._active_id:
            self._active_id = ""
            if self._tabs:
                # The neighbour on the right, as a tab bar does.
                self.activate(self._tabs[min(index, len(self._tabs) - 1)].id)
        if not self._tabs:
            self.open_new()
        return True

    def show(self, tab_id: str, result: TabResult) -> None:
        """Keep what the tab's response pane shows now."""
        if self.get(tab_id) is None:
            return
        self._results[tab_id] = result
        if isinstance(result, Finished):
            self._verdicts[tab_id] = result.outcome.assertions

    # --- saving into the collection ----------------------------------------------------------
    def save(self, tab_id: str, *, ask_name: bool = False, folder: Path = Path(".")) -> SaveResult:
        """Save a tab into the open collection: in place, or (a new request, Save As, a tab of
        another collection) as a new request file in ``folder``."""
        tab = self.get(tab_id)
        root = self._root()
        if tab is None:
            return SaveResult(None)
        if root is None:
            return SaveResult(
                None, "Open a collection folder first (Open… in the Collection panel), then save."
            )
        source = tab.source if tab.collection == root and not ask_name else None
        if source is not None:
            # A watcher may not have caught up: follow the disk first, so that a tab without
            # edits shows the file's new version instead of writing its old one over it.
            self.collections.reload()
            tab = self.get(tab_id) or tab
        request = tab.current
        try:
            if source is not None:
                if not self._may_overwrite(tab, source):
                    return SaveResult(None, "Not saved: the file on disk was kept.")
                path = self.collections.save_request(Path(source), request)
            else:
                name = self.questions.ask_text("Save request", "Name of the request:", request.name)
                if name is None:
                    return SaveResult(None)
                where = self._ask_folder(folder)
                if where is None:
                    return SaveResult(None)
                request = replace(request, name=name)
                path = self.collections.new_request(where, request)
        except CollectionWriteError as exc:
            return SaveResult(None, str(exc))
        self.update(tab.saved_as(request, path.as_posix(), root))
        self.collections.reload()
        return SaveResult(path, f"Saved {path.as_posix()}")

    def keep_example(self, tab_id: str, example: ResponseExample) -> SaveResult:
        """Add ``example`` to the tab's request (one of the same name is replaced). A tab
        saved in the open collection: written to its file at once, with nothing else of the
        tab's unsaved edits; any other tab: kept with its edits, saved when the tab is."""
        tab = self.get(tab_id)
        if tab is None:
            return SaveResult(None)

        def with_example(request: SavedRequest) -> SavedRequest:
            kept = tuple(e for e in request.examples if e.name != example.name)
            return replace(request, examples=(*kept, example))

        if request_file_too_large(with_example(tab.current)):
            return SaveResult(
                None,
                f'"{example.name}" was not kept: with it the request\'s file would pass '
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB, more than a collection file holds. "
                "Remove an older example from the file, or keep a smaller response.",
            )
        root = self._root()
        source = tab.source if tab.collection == root and root is not None else None
        if source is None:
            self.update(replace(tab, current=with_example(tab.current)))
            return SaveResult(
                None,
                f'Kept "{example.name}" as an example of this request: save the request '
                "(Ctrl+S) to keep it in a collection.",
            )
        self.collections.reload()
        tab = self.get(tab_id) or tab
        node = self.collections.find(Path(source))
        on_disk = node.request if node is not None else None
        if on_disk is None:
            return SaveResult(None, f'"{source}" could not be read, so the example was not saved.')
        if request_file_too_large(with_example(on_disk)):
            return SaveResult(
                None,
                f'"{example.name}" was not saved: with it "{source}" would pass '
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB, more than a collection file holds.",
            )
        try:
            path = self.collections.save_request(Path(source), with_example(on_disk))
        except CollectionWriteError as exc:
            return SaveResult(None, str(exc))
        saved = with_example(tab.saved) if tab.saved is not None else None
        self.update(replace(tab, current=with_example(tab.current), saved=saved))
        self.collections.reload()
        return SaveResult(path, f'Saved "{example.name}" as an example in {path.as_posix()}')

    def _ask_folder(self, suggested: Path) -> Path | None:
        """Where a new request file goes: asked when the collection has folders."""
        loaded = self.collections.loaded
        folders = [n.path for n in walk(loaded.tree) if n.kind is NodeKind.FOLDER] if loaded else []
        if not folders:
            return Path(".")
        top = "(the collection itself)"
        options = [top, *(path.as_posix() for path in folders)]
        default = top if suggested == Path(".") else suggested.as_posix()
        chosen = self.questions.choose("Save request", "Save it in the folder:", options, default)
        if chosen is None:
            return None
        return Path(".") if chosen == top else Path(chosen)

    def _may_overwrite(self, tab: OpenTab, source: str) -> bool:
        """True unless the file changed on disk since the tab loaded it and the user
        chose to keep the file's version (the collection was just reloaded)."""
        node = self.collections.find(Path(source))
        on_disk = node.request if node is not None else None
        if on_disk is None or on_disk == tab.saved:
            return True
        return self.questions.confirm(
            "Changed on disk",
            f'"{source}" was changed outside API Explorer (by git or an editor) since you '
            "opened it. Overwrite it with your version? (No keeps the file as it is; you can "
            "Save As to keep yours too.)",
        )

    # --- following the files on disk ---------------------------------------------------------
    def _on_collection_event(self, event: CollectionEvent) -> None:
        root = self._root()
        if isinstance(event, CollectionLoaded):
            self.follow_disk()
        elif isinstance(event, RequestMoved):
            for tab in self._tabs:
                if tab.belongs_to(root, event.old.as_posix()):
                    self.update(replace(tab, source=event.new.as_posix()))
        elif isinstance(event, RequestDeleted):
            # The tab stays, with its edits, as a request that is no longer saved anywhere.
            for tab in self._tabs:
                if tab.belongs_to(root, event.path.as_posix()):
                    self.update(replace(tab, source=None, saved=None, collection=None))

    def follow_disk(self) -> None:
        """Tabs of the open collection whose file changed show the new version, unless
        they hold edits."""
        loaded = self.collections.loaded
        if loaded is None:
            return
        root = str(loaded.root)
        for tab in self._tabs:
            if tab.collection != root or tab.source is None:
                continue
            node = loaded.find(Path(tab.source))
            if node is None or node.request is None or node.request == tab.saved:
                continue
            if tab.dirty:
                # A rename changes the name in the file; the tab's edits keep the rest.
                if tab.saved is not None and node.request.name != tab.saved.name:
                    name = node.request.name
                    self.update(
                        replace(
                            tab,
                            saved=replace(tab.saved, name=name),
                            current=replace(tab.current, name=name),
                        ),
                        reloaded=True,
                    )
                continue
            self.update(replace(tab, saved=node.request, current=node.request), reloaded=True)

    # --- drafts ------------------------------------------------------------------------------
    def snapshot(self) -> TabSession:
        workspace = self.collections.workspace
        environment = workspace.environment
        return TabSession(
            tabs=self.tabs(),
            active=max(0, self.index(self._active_id)),
            collection_root=self._root(),
            environment=environment.name if environment else None,
        )

    def restore(self, saved: TabSession) -> None:
        """Open the tabs of a session kept in drafts, then follow the files on disk."""
        for tab in saved.tabs:
            self._tabs.append(tab)
            self._emit(TabAdded(tab, len(self._tabs) - 1))
        if saved.tabs:
            self.activate(saved.tabs[min(saved.active, len(saved.tabs) - 1)].id)
        self.follow_disk()

    def save_drafts(self, snapshot: TabSession | None = None) -> str | None:
        """Keep every tab's edits (``snapshot``, default: now) in the data folder; a sentence
        when that failed. Safe in another thread with a snapshot (see ``DraftKeeper``)."""
        try:
            self.drafts.save(snapshot if snapshot is not None else self.snapshot())
        except OSError as exc:
            return f"Unsaved edits could not be kept in drafts: {exc}"
        return None

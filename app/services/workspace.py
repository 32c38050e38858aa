"""What a request is sent within: its collection, folders, environment and secrets.

``Workspace`` answers "what exactly does this tab send?" without any Qt: it walks the
inheritance chain, builds the variable context (request > folders > collection >
environment > app) and fetches secret values only when a secret is actually used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from app.core.collection import Defaults, Environment, SavedRequest, Variable
from app.core.variables import ResolvedRequest, Scope, VariableContext, resolve_request
from app.storage.secrets import SecretStore

__all__ = ["Workspace"]


class Workspace:
    """The context requests resolve in. ``app_variables`` come last (e.g. ``demo_url``)."""

    def __init__(
        self,
        *,
        app_variables: Mapping[str, str] | None = None,
        secret_store: Callable[[], SecretStore] | None = None,
    ) -> None:
        self.app_variables = dict(app_variables or {})
        self._secret_store_factory = secret_store
        self._secret_store: SecretStore | None = None
        self.collection_id = ""
        self.collection_defaults = Defaults()
        self.folder_defaults: dict[str, Defaults] = {}
        self.environments: tuple[Environment, ...] = ()
        self.environment: Environment | None = None
        self.root: Path | None = None

    # --- secrets ---------------------------------------------------------------------------
    def secret_store(self) -> SecretStore | None:
        """The secret store, opened on first use (opening may ask the OS keyring)."""
        if self._secret_store is None and self._secret_store_factory is not None:
            self._secret_store = self._secret_store_factory()
        return self._secret_store

    def _secret_values(self, scopes: Sequence[Scope]) -> dict[str, str]:
        names = {v.name for scope in scopes for v in scope.variables if v.secret and v.enabled}
        if not names or self.environment is None:
            return {}
        store = self.secret_store()
        if store is None:
            return {}
        values = {}
        for name in names:
            value = store.get(self.collection_id, self.environment.name, name)
            if value:
                values[name] = value
        return values

    # --- resolution --------------------------------------------------------------------------
    def chain(self, source: str | None) -> list[Defaults]:
        """Inherited defaults for the request file ``source``: nearest folder first, then the
        collection. ``folder_defaults`` is keyed by folder path relative to the root."""
        chain: list[Defaults] = []
        if source:
            parts = Path(source).parent.parts
            for depth in range(len(parts), 0, -1):
                key = Path(*parts[:depth]).as_posix()
                if key in self.folder_defaults:
                    chain.append(self.folder_defaults[key])
        chain.append(self.collection_defaults)
        return chain

    def context(self, request: SavedRequest, source: str | None) -> VariableContext:
        scopes = [Scope("request", request.variables)]
        for defaults, name in zip(
            self.chain(source)[:-1], self._folder_names(source), strict=False
        ):
            scopes.append(Scope(f'folder "{name}"', defaults.variables))
        scopes.append(Scope("collection", self.collection_defaults.variables))
        if self.environment is not None:
            scopes.append(
                Scope(f'environment "{self.environment.name}"', self.environment.variables)
            )
        scopes.append(Scope("app", tuple(Variable(k, v) for k, v in self.app_variables.items())))
        return VariableContext(scopes, self._secret_values(scopes))

    def _folder_names(self, source: str | None) -> list[str]:
        if not source:
            return []
        parts = Path(source).parent.parts
        return [
            parts[depth - 1]
            for depth in range(len(parts), 0, -1)
            if Path(*parts[:depth]).as_posix() in self.folder_defaults
        ]

    def resolve(
        self,
        request: SavedRequest,
        source: str | None,
        *,
        base_url: str = "",
        timeout_seconds: float = 30.0,
    ) -> ResolvedRequest:
        """``request`` as it will be sent. ``base_url`` (the window's field) is the last
        fallback, below every folder's and the collection's base URL."""
        chain = [*self.chain(source), Defaults(base_url=base_url or None)]
        return resolve_request(
            request, chain, self.context(request, source), timeout_seconds=timeout_seconds
        )

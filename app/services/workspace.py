"""What a request is sent within: its collection, folders, environment and secrets.

``Workspace`` answers "what exactly does this tab send?" without any Qt: it walks the
inheritance chain of the open collection (base URL, headers, auth, following redirects),
builds the variable context (request > folders > collection > environment > app) and
fetches secret values only when a secret is used.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from app.core.collection import (
    AuthKind,
    AuthSpec,
    Defaults,
    Environment,
    LoadedCollection,
    NodeKind,
    SavedRequest,
    Variable,
    auth_label,
)
from app.core.prepare import (
    DEFAULT_HEADERS,
    FORM_CONTENT_TYPE,
    JSON_CONTENT_TYPE,
    MULTIPART_CONTENT_TYPE,
)
from app.core.request import BodyMode
from app.core.transport import ProxySettings, TlsSettings, TransportSettings
from app.core.variables import (
    MASK,
    VARIABLE_PATTERN,
    ResolvedRequest,
    Scope,
    VariableContext,
    effective_auth,
    redact,
    resolve_request,
)
from app.http.body_files import guess_content_type
from app.storage.secrets import SecretStore, SecretStoreError

__all__ = ["InheritedHeader", "SecretStoreError", "Workspace"]


@dataclass(frozen=True, slots=True)
class InheritedHeader:
    """A header a request sends without having a row for it: ``origin`` says who adds it
    (``the collection``, ``the folder "x"``, ``the app``); ``replaced`` when the request's
    own row of that name is sent instead."""

    name: str
    value: str
    origin: str
    replaced: bool


def _body_content_type(request: SavedRequest) -> tuple[str, str] | None:
    """The Content-Type the app adds for ``request``'s body, and why; ``None`` for none."""
    mode = request.body_mode
    text = request.body.strip(" \t\r\n")
    fields = any(f.enabled and (f.name.strip() or f.value.strip()) for f in request.form)
    if mode is BodyMode.JSON:
        return (JSON_CONTENT_TYPE, "the app, with a JSON body") if text else None
    if mode is BodyMode.FORM:
        return (FORM_CONTENT_TYPE, "the app, with a urlencoded form") if fields else None
    if mode is BodyMode.MULTIPART:
        why = "the app, with a multipart form (a new boundary each send)"
        return (f"{MULTIPART_CONTENT_TYPE}; boundary=…", why) if fields else None
    if mode is BodyMode.FILE:
        return (guess_content_type(text), "the app, from the file's name") if text else None
    if mode is BodyMode.GRAPHQL and (text or request.graphql_variables.strip()):
        return JSON_CONTENT_TYPE, "the app, with a GraphQL body"
    return None


class Workspace:
    """The context requests resolve in. ``app_variables`` come last (e.g. ``demo_url``)."""

    def __init__(
        self,
        *,
        app_variables: Mapping[str, str] | None = None,
        secret_store: Callable[[], SecretStore] | None = None,
    ) -> None:
        self.app_variables = dict(app_variables or {})
        # Values given for this run only (``--var``, a data file's row): they win over all.
        self.overrides: dict[str, str] = {}
        self._secret_store_factory = secret_store
        self._secret_store: SecretStore | None = None
        # secret_store() may first be called from a thread (the window opens the store off
        # its thread at start: asking the OS keyring took 0.1 s of every start).
        self._secret_store_lock = threading.Lock()
        self.collection: LoadedCollection | None = None
        self.environment: Environment | None = None
        self.problem: str | None = None  # the last secret-store failure, for the UI
        # Secret values by environment name: the keyring is asked once, not per keystroke.
        self._secret_cache: dict[str, dict[str, str]] = {}

    # --- collection and environment ----------------------------------------------------------
    @property
    def root(self) -> Path | None:
        return self.collection.root if self.collection else None

    @property
    def environments(self) -> tuple[Environment, ...]:
        return self.collection.environments if self.collection else ()

    def set_collection(self, collection: LoadedCollection | None) -> None:
        """Use ``collection`` (after a reload too); the environment is kept by name."""
        self.collection = collection
        self._secret_cache.clear()
        self.select_environment(self.environment.name if self.environment else None)

    def select_environment(self, name: str | None) -> Environment | None:
        self.environment = next((e for e in self.environments if e.name == name), None)
        return self.environment

    # --- secrets ---------------------------------------------------------------------------
    def secret_store(self) -> SecretStore | None:
        """The secret store, opened on first use (opening may ask the OS keyring); from any
        thread, once."""
        with self._secret_store_lock:
            if self._secret_store is None and self._secret_store_factory is not None:
                self._secret_store = self._secret_store_factory()
            return self._secret_store

    @property
    def secret_store_open(self) -> bool:
        """Whether asking for secret values now is quick (the store is open, or there is
        none)."""
        return self._secret_store is not None or self._secret_store_factory is None

    def secret_values(self, environment: Environment | None = None) -> dict[str, str]:
        """Stored values of the secret variables of ``environment`` (default: the active one)."""
        environment = environment or self.environment
        collection = self.collection
        if environment is None or collection is None:
            return {}
        cached = self._secret_cache.get(environment.name)
        if cached is not None:
            return dict(cached)
        names = [v.name for v in environment.variables if v.secret]
        store = self.secret_store() if names else None
        values: dict[str, str] = {}
        for name in names:
            try:
                value = (
                    store.get(collection.collection_id, environment.name, name) if store else None
                )
            except SecretStoreError as exc:
                self.problem = str(exc)
                value = None
            if value:
                values[name] = value
        self._secret_cache[environment.name] = values
        return dict(values)

    def secrets_without_value(self) -> list[str]:
        """Secret variables the active environment declares that have no value here."""
        environment = self.environment
        if environment is None:
            return []
        stored = self.secret_values(environment)
        return [v.name for v in environment.variables if v.secret and not stored.get(v.name)]

    def store_secrets(self, environment: str, values: Mapping[str, str | None]) -> None:
        """Save (or, for ``None``, forget) secret values of ``environment``."""
        store = self.secret_store()
        if store is None or self.collection is None:
            return
        self._secret_cache.pop(environment, None)
        for name, value in values.items():
            if value is None:
                store.delete(self.collection.collection_id, environment, name)
            else:
                store.set(self.collection.collection_id, environment, name, value)

    # --- resolution --------------------------------------------------------------------------
    def _folders(self, source: str | None) -> list[tuple[str, Defaults]]:
        """(name, defaults) of the folders enclosing ``source``, nearest first."""
        if self.collection is None or not source:
            return []
        found = []
        parent = Path(source).parent
        while parent != Path("."):
            node = self.collection.find(parent)
            if node is not None and node.kind is NodeKind.FOLDER and node.defaults is not None:
                found.append((node.name, node.defaults))
            parent = parent.parent
        return found

    def context(
        self, request: SavedRequest, source: str | None, *, wait_for_secrets: bool = True
    ) -> VariableContext:
        """Where ``request``'s ``{{variables}}`` come from. Without ``wait_for_secrets``,
        secret values are left out while the store is not open yet (their ``{{name}}``
        stays as typed) instead of opening it."""
        scopes = [Scope("command line", tuple(Variable(k, v) for k, v in self.overrides.items()))]
        scopes.append(Scope("request", request.variables))
        scopes += [Scope(f'folder "{name}"', d.variables) for name, d in self._folders(source)]
        if self.collection is not None and self.collection.tree.defaults is not None:
            scopes.append(Scope("collection", self.collection.tree.defaults.variables))
        if self.environment is not None:
            env = self.environment
            scopes.append(Scope(f'environment "{env.name}"', env.variables))
        scopes.append(Scope("app", tuple(Variable(k, v) for k, v in self.app_variables.items())))
        secrets = self.secret_values() if wait_for_secrets or self.secret_store_open else {}
        return VariableContext(scopes, secrets)

    def resolve(
        self,
        request: SavedRequest,
        source: str | None,
        *,
        base_url: str = "",
        timeout_seconds: float = 30.0,
        wait_for_secrets: bool = True,
    ) -> ResolvedRequest:
        """``request`` as it will be sent. ``base_url`` (the window's field) is the last
        fallback, below every folder's and the collection's base URL."""
        chain = [*self._chain(source), Defaults(base_url=base_url or None)]
        context = self.context(request, source, wait_for_secrets=wait_for_secrets)
        return resolve_request(request, chain, context, timeout_seconds=timeout_seconds)

    def transport(self, request: SavedRequest, source: str | None) -> TransportSettings:
        """TLS and proxy settings for ``request``: the environment's TLS settings replace the
        collection's; paths may hold ``{{variables}}`` and are relative to the collection
        folder; the key passphrase comes from its (secret) variable. Proxy addresses may hold
        ``{{variables}}`` too, so proxy credentials can be secrets of the environment."""
        collection_defaults = self.collection.tree.defaults if self.collection else None
        tls = (self.environment.tls if self.environment else None) or (
            collection_defaults.tls if collection_defaults else None
        )
        proxy = (collection_defaults.proxy if collection_defaults else None) or ProxySettings()
        if tls is None and proxy == ProxySettings():
            return TransportSettings()
        context = self.context(request, source)
        proxy = replace(
            proxy,
            http_proxy=context.resolve(proxy.http_proxy),
            https_proxy=context.resolve(proxy.https_proxy),
            no_proxy=context.resolve(proxy.no_proxy),
        )
        if tls is None:
            return TransportSettings(proxy=proxy)

        def path(value: str) -> str:
            resolved = context.resolve(value).strip()
            if not resolved or resolved.startswith("~") or Path(resolved).is_absolute():
                return resolved
            return str(self.root / resolved) if self.root else resolved

        return TransportSettings(
            tls=TlsSettings(
                verify=tls.verify,
                ca_bundle=path(tls.ca_bundle),
                client_cert=path(tls.client_cert),
                client_key=path(tls.client_key),
                key_passphrase=context.resolve(tls.key_passphrase),
            ),
            proxy=proxy,
        )

    def _chain(self, source: str | None) -> list[Defaults]:
        """Inherited defaults of ``source``: nearest folder first, the collection last."""
        chain = [d for _, d in self._folders(source)]
        if self.collection is not None and self.collection.tree.defaults is not None:
            chain.append(self.collection.tree.defaults)
        return chain

    def auth_of(self, request: SavedRequest, source: str | None) -> AuthSpec:
        """The auth ``request`` sends with, ``{{variables}}`` unresolved."""
        return effective_auth(request, self._chain(source))

    def inherited_headers(
        self, request: SavedRequest, source: str | None
    ) -> tuple[InheritedHeader, ...]:
        """The headers ``request`` (saved at ``source``) gets from its folders, the
        collection and the app, ``{{variables}}`` unresolved, in the order they are sent.
        A nearer layer replaces every row of a name from farther ones, as when sending."""
        layers = [(f'the folder "{name}"', d.headers) for name, d in self._folders(source)]
        if self.collection is not None and self.collection.tree.defaults is not None:
            layers.append(("the collection", self.collection.tree.defaults.headers))
        merged: list[tuple[str, str, str]] = []
        for origin, headers in reversed(layers):
            rows = [(h.name, h.value, origin) for h in headers if h.enabled and h.name.strip()]
            names = {name.strip().lower() for name, _, _ in rows}
            merged = [m for m in merged if m[0].strip().lower() not in names] + rows
        taken = {name.strip().lower() for name, _, _ in merged}
        body_type = _body_content_type(request)
        if body_type is not None and "content-type" not in taken:
            merged.append(("Content-Type", *body_type))
        merged += [(n, v, "the app") for n, v in DEFAULT_HEADERS if n.lower() not in taken]
        own = {h.name.strip().lower() for h in request.headers if h.enabled and h.name.strip()}
        return tuple(
            InheritedHeader(name, value, origin, name.strip().lower() in own)
            for name, value, origin in merged
        )

    def inherited_auth(self, source: str | None) -> str:
        """What a request at ``source`` set to "inherit" authenticates with, and from where."""
        for name, defaults in self._folders(source):
            if defaults.auth.kind is not AuthKind.INHERIT:
                return f'{auth_label(defaults.auth.kind)}, from the folder "{name}"'
        collection = self.collection.tree.defaults if self.collection else None
        if collection is not None and collection.auth.kind is not AuthKind.INHERIT:
            return f"{auth_label(collection.auth.kind)}, from the collection"
        return "no auth (neither its folders nor the collection set one)"

    def inherited_follow_redirects(self, source: str | None) -> tuple[bool, str]:
        """Whether a request at ``source`` that does not say follows redirects, and where
        that comes from (the nearest folder that says, then the collection; off when none)."""
        for name, defaults in self._folders(source):
            if defaults.follow_redirects is not None:
                return defaults.follow_redirects, f'the folder "{name}"'
        collection = self.collection.tree.defaults if self.collection else None
        if collection is not None and collection.follow_redirects is not None:
            return collection.follow_redirects, "the collection"
        return False, "the default"

    def follow_redirects(self, request: SavedRequest, source: str | None) -> bool:
        """Whether ``request`` follows redirects: its own setting, else inherited."""
        if request.follow_redirects is not None:
            return request.follow_redirects
        return self.inherited_follow_redirects(source)[0]

    def transport_unresolved(self, request: SavedRequest, source: str | None) -> list[str]:
        """``{{variables}}`` in the TLS and proxy settings that do not resolve (they block
        sending: a placeholder is neither a file, a passphrase nor a proxy)."""
        env_tls = self.environment.tls if self.environment else None
        collection_defaults = self.collection.tree.defaults if self.collection else None
        tls = env_tls or (collection_defaults.tls if collection_defaults else None)
        proxy = collection_defaults.proxy if collection_defaults else None
        texts: list[str] = []
        if tls is not None:
            texts += [tls.ca_bundle, tls.client_cert, tls.client_key, tls.key_passphrase]
        if proxy is not None:
            texts += [proxy.http_proxy, proxy.https_proxy, proxy.no_proxy]
        if not texts:
            return []
        context = self.context(request, source)
        return [name for text in texts for name in context.unresolved(text)]

    def verification_warning(self, url: str) -> str | None:
        """A sentence for every https response while certificate verification is off."""
        if not url.lower().startswith("https:"):
            return None
        env = self.environment
        if env is not None and env.tls is not None and not env.tls.verify:
            where = f'environment "{env.name}"'
        elif (
            (env is None or env.tls is None)
            and self.collection is not None
            and self.collection.tree.defaults is not None
            and self.collection.tree.defaults.tls is not None
            and not self.collection.tree.defaults.tls.verify
        ):
            where = "this collection"
        else:
            return None
        return (
            f"Certificate verification is off for {where}: this response may come from "
            "anyone between you and the server."
        )

    # --- what the screen shows ---------------------------------------------------------------
    def has_base_url(self, source: str | None) -> bool:
        """True when a folder of ``source`` or the collection sets a base URL."""
        return any(d.base_url and d.base_url.strip() for d in self._chain(source))

    def preview_url(self, request: SavedRequest, source: str | None, *, base_url: str) -> str:
        """The URL ``request`` goes to, secrets shown by name, unresolved placeholders as typed
        (and secrets too while the store is still opening: a preview never waits for it)."""
        resolved = self.resolve(request, source, base_url=base_url, wait_for_secrets=False)
        return redact(resolved.spec.url, resolved.secrets_used)

    def describe_variables(self, text: str, request: SavedRequest, source: str | None) -> str:
        """One line per ``{{variable}}`` in ``text``: its value (secrets masked) and where
        it comes from, or that it is not defined. Empty when ``text`` has none. Secret values
        are never shown, so this does not wait for the secret store to open."""
        context = self.context(request, source, wait_for_secrets=False)
        lines = []
        for name in dict.fromkeys(m.group(1) for m in VARIABLE_PATTERN.finditer(text)):
            found = context.lookup(name)
            if found is None:
                lines.append(f"{{{{{name}}}}} is not defined")
            else:
                value = MASK if found.secret else found.value
                lines.append(f"{{{{{name}}}}} = {value}   ({found.scope})")
        return "\n".join(lines)

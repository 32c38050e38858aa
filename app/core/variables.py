"""``{{name}}`` variables: resolving them for a request, and keeping secret values out of text.

Pure: no files, no keyring. The caller fetches secret values from the secret store and
hands them in as ``secret_values``; this module never learns where they came from.

Resolution
    ``VariableContext`` holds ``Scope``s in priority order (request, folders nearest first,
    collection, environment); ``app.services.workspace`` builds one for a tab.
    ``lookup``, ``resolve`` and ``unresolved`` work on single names and texts;
    ``resolve_request`` turns a ``SavedRequest`` and its inherited ``Defaults`` into the
    ``RequestSpec`` to send, the effective ``AuthSpec``, the names that did not resolve
    and the secret values that went in.

Redaction
    ``redact`` / ``redact_bytes`` / ``redact_headers`` replace every secret value with a
    marker naming its variable (``«secret:token»``) before anything is stored or copied;
    ``restore_placeholders`` turns markers back into ``{{token}}`` for re-opening a request.
    ``mask`` is the on-screen stand-in for a secret value.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from urllib.parse import quote, quote_plus

from app.core.collection import (
    AuthKind,
    AuthSpec,
    Defaults,
    SavedRequest,
    Variable,
)
from app.core.request import BodyMode, FormField, KeyValue, RequestSpec
from app.core.urls import has_query, has_scheme, join_url, url_with_params

__all__ = [
    "MASK",
    "MAX_DEPTH",
    "REDACTION_PATTERN",
    "VARIABLE_PATTERN",
    "Resolution",
    "ResolvedRequest",
    "Scope",
    "VariableContext",
    "derived_secrets",
    "effective_auth",
    "fill_variables",
    "mask",
    "redact",
    "redact_bytes",
    "redact_headers",
    "redaction_marker",
    "resolve_request",
    "restore_placeholders",
    "unresolved_message",
]

_NAME = r"[A-Za-z0-9_.\-]+"

VARIABLE_PATTERN = re.compile(r"\{\{\s*(" + _NAME + r")\s*\}\}")
"""A ``{{ name }}`` placeholder; group 1 is the name."""

REDACTION_PATTERN = re.compile(r"«secret:(" + _NAME + r")»")
"""A redaction marker as written by ``redact``; group 1 is the variable's name."""

MAX_DEPTH = 16
"""How deeply variables may refer to variables; deeper references stay unresolved."""

MASK = "••••••"
"""The on-screen stand-in for any secret value; always this long, so it hides the length too."""

# Headers whose Basic credentials are base64 of "user:password": redacting the raw value
# alone would leave the password one decode away.
_CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization"})


@dataclass(frozen=True, slots=True)
class Scope:
    """One level of variables, e.g. ``request`` or ``environment "sandbox"``."""

    name: str
    variables: tuple[Variable, ...]


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a name resolves to, and where it was found.

    ``value`` has nested variables resolved (those that do not resolve stay as typed);
    ``secret`` is true when the variable or any variable it refers to is secret, so the
    value must be masked on screen.
    """

    value: str
    secret: bool
    scope: str


@dataclass(slots=True)
class _Trace:
    """What one resolution pass met: names left unresolved, secret values used."""

    unresolved: dict[str, None] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)


class VariableContext:
    """The variables visible to one request, nearest scope first.

    A disabled variable is skipped, so the next scope's variable of that name is used.
    A secret variable's value comes from ``secret_values`` (keyed by variable name), never
    from ``Variable.value``; a secret with no stored (or an empty) value is unresolved,
    and is not replaced by a farther scope's variable of the same name. Secret values are
    inserted literally: ``{{...}}`` inside a secret value is not expanded.
    """

    def __init__(self, scopes: Sequence[Scope], secret_values: Mapping[str, str]) -> None:
        self.scopes: tuple[Scope, ...] = tuple(scopes)
        self.secret_values: Mapping[str, str] = MappingProxyType(dict(secret_values))

    def _find(self, name: str) -> tuple[Variable, Scope] | None:
        for scope in self.scopes:
            for variable in scope.variables:
                if variable.enabled and variable.name == name:
                    return variable, scope
        return None

    def _value_of(self, name: str, stack: tuple[str, ...], trace: _Trace) -> str | None:
        if name in stack or len(stack) >= MAX_DEPTH:
            return None
        found = self._find(name)
        if found is None:
            return None
        variable, _ = found
        if variable.secret:
            value = self.secret_values.get(name)
            if not value:
                return None
            trace.secrets[name] = value
            return value
        return self._expand(variable.value, (*stack, name), trace)

    def _expand(self, text: str, stack: tuple[str, ...], trace: _Trace) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            value = self._value_of(name, stack, trace)
            if value is None:
                trace.unresolved[name] = None
                return match.group(0)
            return value

        return VARIABLE_PATTERN.sub(replace, text)

    def lookup(self, name: str) -> Resolution | None:
        """The resolved value of ``name``; ``None`` when undefined, a secret without a
        value, or part of a cycle."""
        found = self._find(name)
        if found is None:
            return None
        variable, scope = found
        trace = _Trace()
        value = self._value_of(name, (), trace)
        if value is None or name in trace.unresolved:
            return None
        return Resolution(value, variable.secret or bool(trace.secrets), scope.name)

    def resolve(self, text: str) -> str:
        """``text`` with every resolvable placeholder replaced; the rest left as typed."""
        return self._expand(text, (), _Trace())

    def unresolved(self, text: str) -> list[str]:
        """The names in ``text`` (or in the variables it uses) that do not resolve, in order."""
        trace = _Trace()
        self._expand(text, (), trace)
        return list(trace.unresolved)


@dataclass(frozen=True, slots=True)
class ResolvedRequest:
    """A saved request with inheritance applied and variables resolved.

    ``spec.url`` is the final URL (base joined; the query as typed, or built from the
    enabled params when the URL has none); ``spec.headers`` are the merged, enabled
    headers; ``spec.params`` keeps disabled rows as typed. ``unresolved`` lists the names
    that block sending. ``secrets_used`` maps each secret variable that
    went into the request to its value, ready for ``redact`` and ``HistoryStore.record``.
    """

    spec: RequestSpec
    auth: AuthSpec
    unresolved: tuple[str, ...]
    secrets_used: Mapping[str, str]


def _merged_headers(request: SavedRequest, chain: Sequence[Defaults]) -> list[KeyValue]:
    layers = [d.headers for d in reversed(chain)] + [request.headers]
    merged: list[KeyValue] = []
    for layer in layers:
        rows = [h for h in layer if h.enabled and h.name.strip()]
        # Several rows of one name within a layer are all sent; a nearer layer replaces
        # every row of that name from farther layers.
        names = {h.name.strip().lower() for h in rows}
        merged = [h for h in merged if h.name.strip().lower() not in names] + rows
    return merged


def effective_auth(request: SavedRequest, chain: Sequence[Defaults]) -> AuthSpec:
    """The auth ``request`` uses, variables unresolved: its own, else the nearest folder's
    or the collection's (``chain`` nearest first); inherit all the way up means none."""
    for auth in (request.auth, *(d.auth for d in chain)):
        if auth.kind is not AuthKind.INHERIT:
            return auth
    return AuthSpec(AuthKind.NONE)


def resolve_request(
    request: SavedRequest,
    chain: Sequence[Defaults],
    context: VariableContext,
    *,
    timeout_seconds: float = 30.0,
) -> ResolvedRequest:
    """Apply ``chain`` (the inherited defaults, nearest folder first, collection last) to
    ``request`` and resolve its variables in URL, params, headers, body and auth.

    The body is what its mode sends: the text (a FILE body's path, a GRAPHQL body's query,
    with ``graphql_variables``), or the enabled ``form`` fields (names, values, file paths
    and content types); disabled fields stay as typed, like disabled params.

    A URL with a query is sent as typed: the params table mirrors it, as in the request
    builder. A URL without one gets the enabled params appended, for requests saved with
    the query only in ``params``. Disabled params stay as typed and their variables do not
    block sending.
    """
    trace = _Trace()

    def expand(text: str) -> str:
        return context._expand(text, (), trace)

    base = next((d.base_url for d in chain if d.base_url and d.base_url.strip()), "")
    url = expand(request.url)
    if not has_scheme(url) and base:
        url = join_url(expand(base), url)
    params = tuple(
        KeyValue(expand(p.name), expand(p.value), True) if p.enabled else p for p in request.params
    )
    if not has_query(url):
        url = url_with_params(url, params)
    headers = tuple(
        KeyValue(expand(h.name), expand(h.value), True) for h in _merged_headers(request, chain)
    )
    # Only what the body mode sends is resolved: text typed under another mode (kept, not
    # sent) must not block sending with its variables.
    mode = request.body_mode
    form_modes = (BodyMode.FORM, BodyMode.MULTIPART)
    body = "" if mode in form_modes else expand(request.body)
    form = (
        tuple(
            FormField(expand(f.name), expand(f.value), True, f.file, expand(f.content_type))
            if f.enabled
            else f
            for f in request.form
        )
        if mode in form_modes
        else ()
    )
    graphql_variables = expand(request.graphql_variables) if mode is BodyMode.GRAPHQL else ""
    auth = effective_auth(request, chain)
    if auth.kind is not AuthKind.NONE:
        auth = AuthSpec(auth.kind, tuple((k, expand(v)) for k, v in auth.values))
    spec = RequestSpec(
        method=request.method,
        url=url,
        headers=headers,
        body=body,
        body_mode=request.body_mode,
        timeout_seconds=timeout_seconds,
        params=params,
        form=form,
        graphql_variables=graphql_variables,
    )
    return ResolvedRequest(
        spec, auth, tuple(trace.unresolved), MappingProxyType(dict(trace.secrets))
    )


def _and_join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def unresolved_message(
    names: Iterable[str],
    environment: str | None = None,
    secrets_without_value: Iterable[str] = (),
) -> str:
    """A sentence naming the variables that block sending (``""`` when there are none).

    Names in ``secrets_without_value`` are declared as secrets of ``environment`` but have
    no value on this computer (a teammate's collection, a new machine): that is said, with
    where to set them, instead of calling them undefined.
    """
    unique = list(dict.fromkeys(names))
    declared = set(secrets_without_value) if environment else set()
    unset = [n for n in unique if n in declared]
    rest = [n for n in unique if n not in declared]
    sentences = []
    if unset:
        placeholders = _and_join([f"{{{{{n}}}}}" for n in unset])
        one = len(unset) == 1
        sentences.append(
            f'The environment "{environment}" declares {placeholders} as '
            f"{'a secret that has' if one else 'secrets that have'} no value on this "
            f"computer: set {'it' if one else 'them'} in Environment > Edit… (secret values "
            "stay in this computer's keyring, never in the collection), then send again."
        )
    if rest:
        sentences.append(_undefined_sentence(rest, environment))
    return " ".join(sentences)


def _undefined_sentence(unique: list[str], environment: str | None) -> str:
    placeholders = _and_join([f"{{{{{n}}}}}" for n in unique])
    if len(unique) == 1:
        subject, verb, pronoun = f"The variable {placeholders}", "is", "it"
    else:
        subject, verb, pronoun = f"The variables {placeholders}", "are", "them"
    if environment:
        where = f'the request, its folders, the collection or the environment "{environment}"'
        fix = f"define {pronoun} or pick another environment"
    else:
        where = "the request, its folders or the collection, and no environment is selected"
        fix = f"define {pronoun} or pick an environment"
    return f"{subject} {verb} not defined in {where}; {fix}, then send again."


# --- redaction ---------------------------------------------------------------------------


def redaction_marker(name: str) -> str:
    """The text that stands for secret variable ``name`` in stored or copied text."""
    return f"«secret:{name}»"


def restore_placeholders(text: str) -> str:
    """Markers turned back into ``{{name}}``, so a recorded request can be re-opened."""
    return REDACTION_PATTERN.sub(lambda m: "{{" + m.group(1) + "}}", text)


def mask(value: str) -> str:
    """What the screen shows for a secret value: ``MASK`` whatever its length, ``""`` if empty."""
    return MASK if value else ""


def _forms(value: str) -> list[str]:
    """The value and the shapes it takes inside URLs and JSON strings."""
    forms = [
        value,
        quote(value, safe=""),
        quote(value),
        quote_plus(value),
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
    ]
    return [f for f in dict.fromkeys(forms) if f]


def _needles(secrets: Mapping[str, str]) -> list[tuple[str, str]]:
    """(form, name) pairs, longest form first; a form shared by two names keeps the first."""
    by_form: dict[str, str] = {}
    for name, value in secrets.items():
        if value:
            for form in _forms(value):
                by_form.setdefault(form, name)
    return sorted(by_form.items(), key=lambda item: len(item[0]), reverse=True)


def _replace_spans(
    text: str, needles: Sequence[tuple[str, str]], marker: Callable[[str], str]
) -> str:
    present = [(form, name) for form, name in needles if form in text]
    if not present:
        return text
    names = dict(present)
    # A lookahead finds the longest form starting at every position, overlaps included;
    # overlapping occurrences merge into one span so no byte between them survives.
    pattern = re.compile("(?=(" + "|".join(re.escape(form) for form, _ in present) + "))")
    pieces: list[str] = []
    done = 0
    span_start = span_end = -1
    span_names: list[str] = []
    for match in pattern.finditer(text):
        start = match.start()
        end = start + len(match.group(1))
        name = names[match.group(1)]
        if start < span_end:
            if end > span_end:
                span_end = end
                if name not in span_names:
                    span_names.append(name)
            continue
        if span_end >= 0:
            pieces.append(text[done:span_start])
            pieces.extend(marker(n) for n in span_names)
            done = span_end
        span_start, span_end, span_names = start, end, [name]
    pieces.append(text[done:span_start])
    pieces.extend(marker(n) for n in span_names)
    pieces.append(text[span_end:])
    return "".join(pieces)


def _redact_text(text: str, needles: Sequence[tuple[str, str]], encode: bool) -> str:
    """``_replace_spans`` with a guarantee: the result contains no form of any value.

    A marker could itself spell a (tiny) secret value, or join with its neighbours into
    one; then a plainer marker is tried, and as a last resort occurrences are deleted.
    """

    def leaks(result: str) -> bool:
        return any(form in result for form, _ in needles)

    def as_text(marker: str) -> str:
        return marker.encode("utf-8").decode("latin-1") if encode else marker

    result = text
    for marker in (lambda n: as_text(redaction_marker(n)), lambda _n: as_text("«secret»")):
        result = _replace_spans(text, needles, marker)
        if not leaks(result):
            return result
    while leaks(result):
        result = _replace_spans(result, needles, lambda _n: "")
    return result


def redact(text: str, secrets: Mapping[str, str]) -> str:
    """``text`` with every occurrence of each secret value replaced by its marker.

    ``secrets`` maps variable names to values; empty values are skipped. Longer values
    are matched first, overlapping occurrences are replaced as one span, and the value's
    percent-encoded and JSON-escaped forms are replaced too. The result never contains
    a value (see ``_redact_text`` for the rare case where a marker would spell one).
    """
    return _redact_text(text, _needles(secrets), encode=False)


def redact_bytes(data: bytes, secrets: Mapping[str, str]) -> bytes:
    """``redact`` for bodies: values and markers are matched and written as UTF-8."""
    # Latin-1 maps bytes to characters one to one, so text matching is exact byte matching.
    needles = [(form.encode("utf-8").decode("latin-1"), name) for form, name in _needles(secrets)]
    if not any(form.encode("latin-1") in data for form, _ in needles):
        return data
    return _redact_text(data.decode("latin-1"), needles, encode=True).encode("latin-1")


def _redact_basic(value: str, secrets: Mapping[str, str]) -> str | None:
    """``Basic user:«secret:password»`` when Basic credentials hold a secret, else None."""
    scheme, _, credentials = value.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except ValueError:  # binascii.Error, UnicodeDecodeError, and non-ASCII text
        return None
    redacted = redact(decoded, secrets)
    return None if redacted == decoded else f"{scheme} {redacted}"


_MAC_VALUE = re.compile(r'\bmac="([^"]+)"', re.IGNORECASE)


def derived_secrets(
    headers: Iterable[tuple[str, str]], secrets: Mapping[str, str]
) -> dict[str, str]:
    """``secrets`` plus what a request derived from them that no form of a value shows: the
    base64 token of Basic credentials holding a secret (a server may echo it in a body), and
    a Paysera MAC signature (computed with the secret key), as ``NAME_base64`` and
    ``mac_signature``. Redact with the result wherever a response may repeat the request."""
    result = dict(secrets)
    for name, value in headers:
        if name.lower() not in _CREDENTIAL_HEADERS:
            continue
        scheme, _, rest = value.strip().partition(" ")
        if scheme.lower() == "mac":
            signature = _MAC_VALUE.search(rest)
            if signature is not None:
                result.setdefault("mac_signature", signature.group(1))
        elif scheme.lower() == "basic":
            token = rest.strip()
            try:
                decoded = base64.b64decode(token, validate=True).decode("utf-8")
            except ValueError:  # binascii.Error, UnicodeDecodeError, and non-ASCII text
                continue
            for secret_name, secret in secrets.items():
                if secret and secret in decoded:
                    result.setdefault(f"{secret_name}_base64", token)
    return result


def redact_headers(
    headers: Iterable[tuple[str, str]], secrets: Mapping[str, str]
) -> tuple[tuple[str, str], ...]:
    """Headers with secrets redacted, including inside Basic credentials, where a value
    is base64-encoded (those are then written decoded, with the marker in place)."""
    result: list[tuple[str, str]] = []
    for name, value in headers:
        basic = _redact_basic(value, secrets) if name.lower() in _CREDENTIAL_HEADERS else None
        result.append((redact(name, secrets), basic or redact(value, secrets)))
    return tuple(result)


def fill_variables(request: SavedRequest, values: Mapping[str, str]) -> SavedRequest:
    """``request`` with the ``{{name}}`` of each of ``values`` written back as its value."""

    def fill(text: str) -> str:
        return VARIABLE_PATTERN.sub(lambda m: values.get(m.group(1), m.group(0)), text)

    return replace(
        request,
        url=fill(request.url),
        params=tuple(replace(p, value=fill(p.value)) for p in request.params),
        headers=tuple(replace(h, value=fill(h.value)) for h in request.headers),
        body=fill(request.body),
        auth=replace(request.auth, values=tuple((k, fill(v)) for k, v in request.auth.values)),
        form=tuple(replace(f, value=fill(f.value)) for f in request.form),
    )

"""Authentication added to a request just before it is sent, signed over its exact bytes.

Public and stable: call it from your own scripts too. ``paysera_mac_header`` returns the
whole ``Authorization`` value for Paysera's MAC access authentication (hmac-sha-256); it
signs the URL as httpx puts it on the wire (raw query, host, port) and the exact body, with
a fresh timestamp and nonce on every call::

    import json

    import httpx

    from app.http.auth import paysera_mac_header

    url = "https://wallet.paysera.com/rest/v1/transfers"
    body = json.dumps({"amount": {"amount": "1.00", "currency": "EUR"}}).encode()
    headers = {
        "Authorization": paysera_mac_header("POST", url, body, "my-mac-id", "my-mac-key"),
        "Content-Type": "application/json",
    }
    httpx.post(url, content=body, headers=headers)

``apply_auth`` adds an ``AuthSpec`` (with its ``{{variables}}`` already resolved) to a
``PreparedRequest``. The values each kind reads from ``AuthSpec.values``:

``BASIC``
    ``username`` (required) and ``password``: ``Authorization: Basic`` + base64 of
    ``username:password`` in UTF-8.
``BEARER``
    ``token`` (required): ``Authorization: Bearer <token>``.
``API_KEY``
    ``name`` and ``value`` (required), and ``in``: ``header`` (the default) sends the header
    ``name: value``; ``query`` appends ``name=value``, percent-encoded, to the URL's query,
    after what is already there and before any fragment.
``PAYSERA_MAC``
    ``mac_id`` and ``mac_key`` (required):
    ``Authorization: MAC id="...", ts="...", nonce="...", mac="..."[, ext="..."]``.
``INHERIT`` and ``NONE``
    The request is returned unchanged (``INHERIT`` only gets here when nothing up the tree
    sets an auth).

The auth wins over a hand-made duplicate: a header of the same name (``Authorization``, or
the API key's header; names compared case-insensitively) is replaced where it stood, and a
query parameter of the API key's name is replaced, so the server never gets two
credentials. A MAC signs the ``Host`` header the user set, if any, since that is what the
server sees. Everything else in the request is left byte for byte as it was.

Exceptions::

    ValueError
     └── RequestNotSendable   (app.core.prepare)
          └── AuthNotApplicable   a required value is missing or cannot go into a header;
                                  str(exc) is a sentence naming the field
"""

from __future__ import annotations

import base64
import dataclasses
import time

import httpx

from app.core.collection import AuthKind, AuthSpec
from app.core.http_syntax import (
    breaks_header_line,
    default_port,
    first_non_ascii,
    is_header_name,
)
from app.core.mac import (
    NONCE_ALPHABET,
    body_hash_ext,
    build_mac_header,
    mac_signature,
    new_nonce,
    normalized_string,
    split_host,
    split_url_for_mac,
)
from app.core.prepare import PreparedRequest, RequestNotSendable
from app.core.urls import url_with_query_param

__all__ = ["AuthNotApplicable", "apply_auth", "paysera_mac_header"]

_AUTHORIZATION = "Authorization"
_NEED_MAC_ID = "Paysera MAC needs a MAC id"
_NEED_MAC_KEY = "Paysera MAC needs a MAC key"


class AuthNotApplicable(RequestNotSendable):
    """The auth cannot be added as set up; ``str(exc)`` says which field to fix, and how.

    A ``RequestNotSendable``, so code that reports unsendable requests reports this too.
    """


def paysera_mac_header(
    method: str,
    url: str,
    body: bytes,
    mac_id: str,
    mac_key: str,
    *,
    ts: int | None = None,
    nonce: str | None = None,
) -> str:
    """The whole ``Authorization`` header value that signs this request with Paysera MAC.

    ``url`` is the full URL as sent (its query is signed as httpx sends it), ``body`` the
    exact body bytes (``b""`` for none). ``ts`` defaults to the current Unix time and
    ``nonce`` to a fresh random one; pass them only to reproduce a known signature.
    Raises ``AuthNotApplicable`` for a missing id or key, or a value a header cannot carry.
    """
    _present(mac_id, _NEED_MAC_ID)
    _present(mac_key, _NEED_MAC_KEY, secret=True)
    path_and_query, host, port = _wire_target(url)
    return _mac_header(method, path_and_query, host, port, body, mac_id, mac_key, ts, nonce)


def apply_auth(request: PreparedRequest, auth: AuthSpec) -> PreparedRequest:
    """A copy of ``request`` with ``auth`` added; see the module docstring for each kind.

    Call it last, on the request exactly as it will be sent: a MAC signs its method, URL
    and body as they are. Raises ``AuthNotApplicable`` when a required value is missing.
    """
    kind = auth.kind
    if kind is AuthKind.BASIC:
        username = _required(auth, "username", "Basic auth needs a username")
        if ":" in username:
            raise AuthNotApplicable(
                "A Basic auth username cannot contain a colon (:): the server would split "
                "it there. Change the username in the Auth tab."
            )
        pair = f"{username}:{auth.get('password')}".encode()
        credentials = base64.b64encode(pair).decode("ascii")
        return _with_header(request, _AUTHORIZATION, f"Basic {credentials}")
    if kind is AuthKind.BEARER:
        token = _required(auth, "token", "Bearer auth needs a token", secret=True)
        _check_header_text("The bearer token", token)
        return _with_header(request, _AUTHORIZATION, f"Bearer {token}")
    if kind is AuthKind.API_KEY:
        return _with_api_key(request, auth)
    if kind is AuthKind.PAYSERA_MAC:
        mac_id = _required(auth, "mac_id", _NEED_MAC_ID)
        mac_key = _required(auth, "mac_key", _NEED_MAC_KEY, secret=True)
        path_and_query, host, port = _wire_target(request.url)
        host_header = request.header("Host")
        if host_header is not None:
            # Without a port, the Host header means the default port of the URL's scheme.
            scheme = request.url.split(":", 1)[0].strip()
            try:
                host, port = split_host(host_header, default_port(scheme))
            except ValueError:
                raise AuthNotApplicable(
                    f'The Host header "{host_header}" has a port that is not a number, '
                    "so the MAC cannot be signed. Fix or remove the header."
                ) from None
        value = _mac_header(
            request.method, path_and_query, host, port, request.body, mac_id, mac_key, None, None
        )
        return _with_header(request, _AUTHORIZATION, value)
    return request


# --------------------------------------------------------------------------- helpers


def _required(auth: AuthSpec, name: str, need: str, *, secret: bool = False) -> str:
    return _present(auth.get(name), need, secret=secret)


def _present(value: str, need: str, *, secret: bool = False) -> str:
    """``value``, or ``AuthNotApplicable`` ("<need>: set it in the Auth tab.") when blank."""
    if not value.strip():
        hint = " (a {{secret}} variable is best)" if secret else ""
        raise AuthNotApplicable(f"{need}: set it in the Auth tab{hint}.")
    return value


def _check_header_text(what: str, value: str) -> None:
    if breaks_header_line(value):
        raise AuthNotApplicable(f"{what} contains a line break, which a header cannot carry.")
    odd = first_non_ascii(value)
    if odd is not None:
        raise AuthNotApplicable(
            f'{what} contains "{odd}", which a header cannot carry. Use ASCII only.'
        )


def _with_header(request: PreparedRequest, name: str, value: str) -> PreparedRequest:
    """``request`` with ``name: value`` in place of every header of that name."""
    wanted = name.lower()
    headers: list[tuple[str, str]] = []
    placed = False
    for key, existing in request.headers:
        if key.lower() != wanted:
            headers.append((key, existing))
        elif not placed:
            headers.append((name, value))
            placed = True
    if not placed:
        headers.append((name, value))
    return dataclasses.replace(request, headers=tuple(headers))


def _with_api_key(request: PreparedRequest, auth: AuthSpec) -> PreparedRequest:
    name = _required(auth, "name", "API key auth needs the name of its header or parameter")
    value = _required(auth, "value", "API key auth needs a key", secret=True)
    where = auth.get("in", "header").strip().lower() or "header"
    if where == "header":
        if not is_header_name(name):
            raise AuthNotApplicable(
                f'"{name}" cannot be a header name: use letters, digits and - only. '
                "Change the API key's name in the Auth tab."
            )
        _check_header_text("The API key", value)
        return _with_header(request, name, value)
    if where == "query":
        return dataclasses.replace(request, url=url_with_query_param(request.url, name, value))
    raise AuthNotApplicable(
        f'An API key goes in a "header" or the "query", not "{where}": choose one in the Auth tab.'
    )


def _wire_target(url: str) -> tuple[str, str, int]:
    """Path with query, host and port as httpx sends them: it percent-encodes what may not
    travel raw (a space, ``"``) and IDNA-encodes the host, so those are the bytes to sign."""
    try:
        on_the_wire = str(httpx.URL(url.strip()))
        return split_url_for_mac(on_the_wire)
    except (httpx.InvalidURL, ValueError) as exc:
        raise AuthNotApplicable(
            f'The URL "{url}" cannot be signed ({exc}). Use a full http or https URL.'
        ) from None


def _check_mac_attribute(what: str, value: str) -> None:
    odd = next((char for char in value if char not in NONCE_ALPHABET), None)
    if odd is not None:
        shown = "a control character" if not odd.isprintable() else f'"{odd}"'
        raise AuthNotApplicable(
            f"{what} contains {shown}, which a MAC header cannot carry: "
            'use printable ASCII without " and \\.'
        )


def _mac_header(
    method: str,
    path_and_query: str,
    host: str,
    port: int,
    body: bytes,
    mac_id: str,
    mac_key: str,
    ts: int | None,
    nonce: str | None,
) -> str:
    _check_mac_attribute("The MAC id", mac_id)
    if nonce is None:
        nonce = new_nonce()
    else:
        _check_mac_attribute("The nonce", nonce)
    if ts is None:
        ts = int(time.time())
    ext = body_hash_ext(body)
    # httpx sends the method upper-cased, so that is the text the server signs too.
    text = normalized_string(ts, nonce, method.upper(), path_and_query, host, port, ext)
    return build_mac_header(mac_id, ts, nonce, mac_signature(mac_key, text), ext)

"""Following redirects: which responses are followed, and what the next request is.

Pure rules; the pipeline (``app.services.pipeline``) sends. Off unless the request, a folder
or the collection turns "Follow redirects" on. When on:

- **Which**: 301, 302, 303, 307 and 308 with a ``Location`` header; at most
  ``MAX_REDIRECTS`` (10) hops. The response after the tenth hop is shown as it is, with a
  sentence, if it is one more redirect (a loop, most likely).
- **Where**: ``Location`` is resolved against the URL just requested (RFC 3986: a relative
  ``/b`` or ``b`` works); the fragment is not sent. Only ``http`` and ``https`` are followed: a
  ``javascript:``, ``file:``, ``data:`` or any other target stops the chain and the redirect
  response itself is shown with a sentence.
- **Method and body**: 303 turns every method but ``HEAD`` into ``GET``; 301 and 302 turn
  ``POST`` into ``GET`` (what browsers and curl do); a request turned into ``GET`` loses
  its body and the headers that describe it (``Content-Type``, ``Content-Length``,
  ``Content-Encoding``, ``Transfer-Encoding``). 307 and 308 keep the method and the exact
  body bytes.
- **Credentials**: the request's auth (from the Auth tab or inherited) is applied again to
  every hop while the chain stays on the first request's origin (scheme, host and port): a
  Paysera MAC covers the method, path, query, host and port, so it is signed afresh for
  each new URL (new ts and nonce). Once a hop leaves that origin, nothing is signed and
  ``Authorization``, ``Proxy-Authorization``, ``Cookie`` (and an API key's own header) are
  dropped, for that hop and every later one, even one that comes back: a server elsewhere
  must not be able to steer signed requests at the first one. A ``Host`` header the user set
  is dropped on any hop to another origin (it named the first server).
- Each hop gets the request's whole timeout.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from app.core.http_syntax import default_port
from app.core.prepare import PreparedRequest

__all__ = [
    "MAX_REDIRECTS",
    "REDIRECT_STATUSES",
    "RedirectHop",
    "describe_chain",
    "next_request",
    "origin_of",
    "redirect_target",
]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 10

# Headers that carry credentials: never sent to another origin.
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
_BODY_HEADERS = frozenset(
    {"content-type", "content-length", "content-encoding", "transfer-encoding"}
)


@dataclass(frozen=True, slots=True)
class RedirectHop:
    """One redirect followed: its status and the ``Location`` the server sent (as sent,
    secrets masked), and the absolute URL it led to."""

    status: int
    location: str
    url: str


def origin_of(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of ``url``, the port made explicit; ``None`` when it has none."""
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").lower()
        port = parts.port or default_port(scheme)
    except ValueError:
        return None
    if not scheme or not host:
        return None
    return scheme, host, port


def redirect_target(current_url: str, location: str) -> str:
    """The absolute URL ``location`` names, seen from ``current_url``, without a fragment.
    Raises ``ValueError`` when it cannot be resolved."""
    target = urljoin(current_url, location.strip())
    return target.split("#", 1)[0]


def _method_after(method: str, status: int) -> str:
    method = method.upper()
    if status == 303 and method != "HEAD":
        return "GET"
    if status in (301, 302) and method == "POST":
        return "GET"
    return method


def next_request(
    request: PreparedRequest,
    status: int,
    target: str,
    *,
    same_origin: bool,
    drop_headers: frozenset[str] = frozenset(),
) -> PreparedRequest:
    """The request to send to ``target`` after ``request`` got ``status`` (unsigned: the
    caller signs it again when ``same_origin``). ``drop_headers`` (lower case) are dropped
    too on another origin: e.g. the API key's own header."""
    method = _method_after(request.method, status)
    body = request.body
    dropped: set[str] = set()
    if method != request.method.upper() and method == "GET":
        body = b""
        dropped |= _BODY_HEADERS
    if not same_origin:
        dropped |= CREDENTIAL_HEADERS | drop_headers | {"host"}
    headers = tuple((k, v) for k, v in request.headers if k.lower() not in dropped)
    return dataclasses.replace(request, method=method, url=target, headers=headers, body=body)


def _shown_target(location: str) -> str:
    text = " ".join(location.split())
    return text if len(text) <= 120 else text[:119] + "…"


def describe_chain(hops: tuple[RedirectHop, ...]) -> str:
    """ "Followed 2 redirects: 302 → /b, 301 → /c." ("" for none)."""
    if not hops:
        return ""
    steps = ", ".join(f"{hop.status} → {_shown_target(hop.location)}" for hop in hops)
    noun = "redirect" if len(hops) == 1 else "redirects"
    return f"Followed {len(hops)} {noun}: {steps}."

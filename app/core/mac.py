"""MAC access authentication (``hmac-sha-256``) as Paysera's REST APIs define it.

Pure (the standard library and ``app.core.http_syntax`` only), so the client
(``app.http.auth``) and the demo API (``app.demo.server``) share one implementation of the
algorithm. For every request::

    ts      Unix time in seconds
    nonce   32 random printable ASCII characters, without '"' and '\\'
    ext     "" for an empty body, else "body_hash=" + form-encoded base64(sha256(body))
    normalized string: ts, nonce, METHOD, path?query, host, port, ext; each line ends in "\\n"
    mac     base64(HMAC-SHA256(key=mac_key, msg=normalized string))
    header  MAC id="...", ts="...", nonce="...", mac="..."[, ext="..."]

Example, the one Paysera publishes::

    >>> path, host, port = split_url_for_mac("https://wallet.paysera.com/rest/v1/payment/10145")
    >>> text = normalized_string(
    ...     1343811600, "nQnNaSNyubfPErjRO55yaaEYo9YZfKHN", "GET", path, host, port, ""
    ... )
    >>> mac_signature("IrdTc8uQodU7PRpLzzLTW6wqZAO6tAMU", text)
    '/qxTA8FOgT0Dd0MHh9k/sUQ3Q38ckx8+S0PBxpIuttY='
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import re
import secrets
from urllib.parse import urlencode, urlsplit

from app.core.http_syntax import DEFAULT_PORTS

__all__ = [
    "NONCE_ALPHABET",
    "NONCE_LENGTH",
    "body_hash_ext",
    "build_mac_header",
    "mac_signature",
    "new_nonce",
    "normalized_string",
    "parse_mac_header",
    "split_host",
    "split_url_for_mac",
]

NONCE_LENGTH = 32
"""How many characters ``new_nonce`` returns."""

NONCE_ALPHABET = "".join(chr(code) for code in range(0x20, 0x7F) if chr(code) not in '"\\')
"""Printable ASCII except ``"`` and ``\\``: a nonce must fit in a quoted header attribute."""

# One attribute: name="value"; values hold neither '"' nor '\', so no escapes to undo.
_ATTRIBUTE = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*"([^"\\]*)"\s*(?:,|$)')
_REQUIRED_ATTRIBUTES = ("id", "ts", "nonce", "mac")


def body_hash_ext(body: bytes) -> str:
    """The ``ext`` value for ``body``: ``""`` when empty, else ``body_hash=...`` form-encoded.

    Form encoding turns the base64 padding ``=`` into ``%3D`` (and ``+``, ``/`` into
    ``%2B``, ``%2F``), as Paysera's own clients do.
    """
    if not body:
        return ""
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")
    return urlencode({"body_hash": digest})


def normalized_string(
    ts: int, nonce: str, method: str, path_and_query: str, host: str, port: int, ext: str
) -> str:
    """The text that is signed: the seven values, each on its own line ending in ``\\n``.

    Every value is taken as given: ``method`` as sent (upper case), ``path_and_query``
    with the query exactly as on the wire, ``host`` without a port.
    """
    return "".join(f"{line}\n" for line in (ts, nonce, method, path_and_query, host, port, ext))


def mac_signature(mac_key: str, normalized: str) -> str:
    """``base64(HMAC-SHA256(mac_key, normalized))``; both texts are encoded as UTF-8."""
    digest = hmac.new(mac_key.encode("utf-8"), normalized.encode("utf-8"), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode("ascii")


def new_nonce() -> str:
    """A fresh nonce: ``NONCE_LENGTH`` characters from ``NONCE_ALPHABET``, from ``secrets``."""
    return "".join(secrets.choice(NONCE_ALPHABET) for _ in range(NONCE_LENGTH))


def build_mac_header(mac_id: str, ts: int, nonce: str, mac: str, ext: str) -> str:
    """The ``Authorization`` header value; the ``ext`` attribute only when ``ext`` is set."""
    value = f'MAC id="{mac_id}", ts="{ts}", nonce="{nonce}", mac="{mac}"'
    if ext:
        value += f', ext="{ext}"'
    return value


def parse_mac_header(value: str) -> dict[str, str] | None:
    """The attributes of a ``MAC ...`` header value, e.g. ``{"id": ..., "ts": ..., ...}``.

    Tolerant of spacing around names, ``=`` and commas, and of the scheme's case. ``None``
    when ``value`` is not a well-formed MAC header: another scheme, a syntax error, an
    attribute given twice, or one of ``id``, ``ts``, ``nonce``, ``mac`` missing.
    """
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "mac":
        return None
    attributes: dict[str, str] = {}
    position = 0
    rest = rest.strip()
    while position < len(rest):
        match = _ATTRIBUTE.match(rest, position)
        if match is None or match.end() == position:
            return None
        name, attribute = match.group(1), match.group(2)
        if name in attributes:
            return None
        attributes[name] = attribute
        position = match.end()
    if any(name not in attributes for name in _REQUIRED_ATTRIBUTES):
        return None
    return attributes


def _ascii_host(host: str) -> str:
    """``host`` as it goes into a Host header: lower case, IDNA-encoded when not ASCII."""
    host = host.lower()
    if not host.isascii():
        # Left as typed when it cannot be encoded: sending then fails with a clearer message.
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    return host


def split_host(value: str, default_port: int) -> tuple[str, int]:
    """``(host, port)`` from a Host header value such as ``example.com:8443`` or ``[::1]``.

    The host is lower-cased and loses IPv6 brackets, as ``split_url_for_mac`` gives it;
    ``default_port`` applies when the value names none. Raises ``ValueError`` for a port
    that is not a number.
    """
    value = value.strip()
    if value.startswith("["):
        host, _, after = value[1:].partition("]")
        port_text = after[1:] if after.startswith(":") else ""
    else:
        host, _, port_text = value.partition(":")
    if port_text and not port_text.isdigit():
        raise ValueError(f'"{value}" has a port that is not a number')
    return _ascii_host(host), int(port_text) if port_text else default_port


def split_url_for_mac(url: str) -> tuple[str, str, int]:
    """``(path_and_query, host, port)`` of ``url`` as the MAC signs them.

    The path and query are kept exactly as written (no decoding, no re-encoding; an empty
    path is ``/``; the fragment is dropped because it never leaves the client). The host is
    lower-cased without IPv6 brackets; the port is the explicit one, else 443 for https and
    80 for http. Raises ``ValueError`` for a URL that is not http(s) or has no host.
    """
    before_fragment = url.strip().partition("#")[0]
    parts = urlsplit(before_fragment)
    default_port = DEFAULT_PORTS.get(parts.scheme)
    if default_port is None or not parts.hostname:
        raise ValueError(f'"{url}" is not an http or https URL with a host')
    start = before_fragment.index("//") + 2 + len(parts.netloc)
    target = before_fragment[start:]
    if not target.startswith("/"):
        target = "/" + target
    port = parts.port  # raises ValueError for a port out of range or not a number
    return target, _ascii_host(parts.hostname), port if port is not None else default_port

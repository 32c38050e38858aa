"""What HTTP's syntax allows in a header, and the port a URL means when it names none.

Pure predicates only: each caller words its own sentence for the user, since it knows what
the text is (a header the user typed, an API key, a bearer token).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "DEFAULT_PORTS",
    "breaks_header_line",
    "default_port",
    "first_non_ascii",
    "is_header_name",
]

DEFAULT_PORTS: Mapping[str, int] = MappingProxyType({"http": 80, "https": 443})
"""The port of each scheme this client sends to, when the URL (or Host header) names none."""

# RFC 9110 token characters: anything else in a header name is refused by every server.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def is_header_name(name: str) -> bool:
    """True when ``name`` is an RFC 9110 token, the only text a header name may be."""
    return _TOKEN.fullmatch(name) is not None


def breaks_header_line(value: str) -> bool:
    """True when ``value`` holds CR, LF or NUL, which would end the header (or the request)
    early: a header value must never carry them."""
    return any(char in value for char in "\r\n\0")


def first_non_ascii(value: str) -> str | None:
    """The first character of ``value`` that is not ASCII, which a header cannot carry as
    text; ``None`` when there is none."""
    if value.isascii():
        return None
    return next((char for char in value if not char.isascii()), None)


def default_port(scheme: str) -> int:
    """The port a URL of ``scheme`` (any case) means when it names none: 443 for https, else 80."""
    return DEFAULT_PORTS.get(scheme.lower(), 80)

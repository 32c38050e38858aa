"""The request as it went on the wire, as text a person reads (and may copy)."""

from __future__ import annotations

from collections.abc import Mapping

from app.core.prepare import PreparedRequest
from app.core.variables import MASK, redact

__all__ = ["SENSITIVE_HEADERS", "describe_sent_request"]

# Headers whose whole value is a credential: shown as "<scheme> ••••••" unless revealed.
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})

_BODY_PREVIEW = 64 * 1024


def _masked(value: str) -> str:
    scheme, space, _ = value.partition(" ")
    return f"{scheme} {MASK}" if space else MASK


def describe_sent_request(
    request: PreparedRequest, *, secrets: Mapping[str, str], reveal: bool
) -> str:
    """``METHOD URL``, the headers, a blank line and the body (its first 64 KB).

    Unless ``reveal``, credential headers are masked and every secret value is replaced by
    its ``«secret:name»`` marker, so what is shown (and copied) names secrets, never holds them.
    """
    lines = [f"{request.method} {request.url}"]
    for name, value in request.headers:
        if not reveal and name.lower() in SENSITIVE_HEADERS:
            value = _masked(value)
        lines.append(f"{name}: {value}")
    text = "\n".join(lines)
    if request.body:
        body = request.body[:_BODY_PREVIEW].decode("utf-8", errors="replace")
        more = len(request.body) - _BODY_PREVIEW
        text += "\n\n" + body + (f"\n… {more} more bytes" if more > 0 else "")
    return text if reveal else redact(text, secrets)

"""What became of a sent request when no response came back."""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["FailureKind", "TransportFailure"]


class FailureKind(enum.Enum):
    """Why no complete response arrived; the UI shows ``TransportFailure.message``."""

    CONNECTION_REFUSED = "connection_refused"
    DNS = "dns"
    TLS = "tls"
    TIMEOUT = "timeout"
    DROPPED = "dropped"
    INVALID_URL = "invalid_url"
    INVALID_REQUEST = "invalid_request"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class TransportFailure:
    """One clear sentence (what happened, what to do) plus a kind tests and UI can branch on."""

    kind: FailureKind
    message: str

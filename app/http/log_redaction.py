"""Secret values kept out of httpx's and httpcore's log lines.

With logging on, httpcore logs the host it connects to and the response headers it reads
(a ``Location`` often repeats the query, ``?key=...``), and httpx logs whole URLs: a secret
in a host name, a query or an echoed header would be printed. The pipeline registers each
request's secrets for as long as it is in flight (``secrets_in_flight.sending``), and a
``logging.Filter`` on those loggers replaces every registered value by its marker.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from app.core.variables import redact

__all__ = ["SecretsInFlight", "install_log_redaction", "secrets_in_flight"]

# A filter on a logger sees only the records made on that very logger, not its children's.
_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)


class SecretsInFlight:
    """The secret values of the requests being sent now, by the send they belong to."""

    def __init__(self) -> None:
        self._by_send: dict[int, Mapping[str, str]] = {}
        self._ids = itertools.count()

    @contextmanager
    def sending(self, secrets: Mapping[str, str]) -> Iterator[None]:
        """Registers ``secrets`` until the block ends (nothing at all when there are none)."""
        if not secrets:
            yield
            return
        send_id = next(self._ids)
        self._by_send[send_id] = secrets
        try:
            yield
        finally:
            del self._by_send[send_id]

    @property
    def active(self) -> bool:
        """Whether any secret is registered (the filter's quick way out)."""
        return bool(self._by_send)

    def redact(self, text: str) -> str:
        """``text`` with every registered secret value replaced by its marker."""
        if not self._by_send:
            return text
        merged: dict[str, str] = {}
        for secrets in list(self._by_send.values()):
            merged.update(secrets)
        return redact(text, merged)


secrets_in_flight = SecretsInFlight()


class _RedactingFilter(logging.Filter):
    """Rewrites a record's message with the secrets in flight masked; drops nothing."""

    def __init__(self, registry: SecretsInFlight) -> None:
        super().__init__()
        self._registry = registry

    def filter(self, record: logging.LogRecord) -> bool:
        if self._registry.active:
            message = record.getMessage()
            redacted = self._registry.redact(message)
            if redacted != message:
                record.msg, record.args = redacted, None
        return True


_filter = _RedactingFilter(secrets_in_flight)


def install_log_redaction() -> None:
    """Puts the filter on httpx's and httpcore's loggers (again is harmless)."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _filter not in logger.filters:
            logger.addFilter(_filter)

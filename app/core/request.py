"""What the user asks to send: a method, a URL, parameters, headers and a body."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

__all__ = ["METHODS", "BodyMode", "FormField", "KeyValue", "RequestSpec"]

METHODS: tuple[str, ...] = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")


class BodyMode(enum.Enum):
    """How the body editor's text is treated when sending."""

    JSON = "json"  # validated before sending; sent with a JSON Content-Type
    RAW = "raw"  # sent as typed, no validation
    FORM = "form"  # the ``form`` fields, application/x-www-form-urlencoded
    MULTIPART = "multipart"  # the ``form`` fields, multipart/form-data (files by path)
    FILE = "file"  # the bytes of the file whose path is the body text
    GRAPHQL = "graphql"  # the body text is the query; sent as JSON with its variables


@dataclass(frozen=True, slots=True)
class KeyValue:
    """One row of the query parameters or headers table; disabled rows are kept, not sent."""

    name: str
    value: str = ""
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class FormField:
    """One field of a urlencoded or multipart body. With ``file``, ``value`` is the path of
    the file to send (relative to the collection folder, or absolute) and ``content_type``
    may name its type; disabled fields are kept, not sent."""

    name: str
    value: str = ""
    enabled: bool = True
    file: bool = False
    content_type: str = ""


@dataclass(frozen=True, slots=True)
class RequestSpec:
    """A request as the user built it, before it is turned into bytes on the wire.

    ``url`` is the final URL (base joined, query included); ``params``, ``headers`` and
    ``form`` keep disabled rows so that nothing the user typed is lost.
    """

    method: str
    url: str
    headers: tuple[KeyValue, ...] = ()
    body: str = ""
    body_mode: BodyMode = BodyMode.JSON
    timeout_seconds: float = 30.0
    params: tuple[KeyValue, ...] = field(default=())
    # The fields of a FORM or MULTIPART body (disabled ones kept); a FILE body's path and a
    # GRAPHQL body's query are ``body``, its variables (JSON text) ``graphql_variables``.
    form: tuple[FormField, ...] = ()
    graphql_variables: str = ""

    def enabled_headers(self) -> list[tuple[str, str]]:
        return [(h.name, h.value) for h in self.headers if h.enabled and h.name.strip()]

    def enabled_form(self) -> list[FormField]:
        """The form fields that are sent: enabled, and not blank (a name or a value)."""
        return [f for f in self.form if f.enabled and (f.name.strip() or f.value.strip())]

    def has_header(self, name: str) -> bool:
        wanted = name.lower()
        return any(n.lower() == wanted for n, _ in self.enabled_headers())

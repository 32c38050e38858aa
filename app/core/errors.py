"""Decoding Paysera-style error responses into something a person can read and act on.

The types, from the outside in:

``decode_error(response) -> DecodedError | None``
    ``None`` for a success status whose body is not an error object; otherwise a
    ``DecodedError``. It never raises, whatever the server sent.

``DecodedError``
    Everything the response says about the failure: the status and what it means, the
    error object's fields (``code``, ``description``, ``uri``, ``properties``, ``errors``,
    ``data``), the ``paysera-correlation-id`` support needs, the catalogue entry for the
    code, and two warnings: ``status_mismatch`` (the status and the code disagree) and
    ``no_error_object`` (the body is not an error object, and what came instead). A key the
    error object holds more than once is named in ``duplicate_error_keys`` (the last value
    of each is the one decoded).
    Absent and ``null`` fields are ``None`` or empty, never the text "None".
    ``advice`` explains the failure on its own; ``hint`` and ``body_note`` are what a panel
    showing every field adds, so that no line says what another already says (issue 11).

``FieldProblem``
    One message about one field, flattened from ``error_properties``.

``ErrorItem``
    One entry of the ``errors`` array.

``ErrorCodeInfo`` and ``CATALOGUE``
    The known error codes: the status each is documented with, what it means, and what
    to do next. ``CATALOGUE`` is read-only.

Server-supplied strings are returned unchanged: callers must show them as plain text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import urlsplit

from app.core.json_doc import DuplicateKeysObject, json_value_text, parse_json_exact
from app.core.response import ResponseData, reason_phrase

__all__ = [
    "CATALOGUE",
    "DecodedError",
    "ErrorCodeInfo",
    "ErrorItem",
    "FieldProblem",
    "decode_error",
]

# A success body is only scanned for an error object when it is this small: a large
# download must not be decoded and parsed a second time just to rule out an error.
_SUCCESS_SCAN_LIMIT = 1_000_000

# Nested error_properties deeper than this are shown as compact JSON under the last path
# reached, so hostile nesting cannot exhaust the stack.
_MAX_PROPERTY_DEPTH = 32


@dataclass(frozen=True, slots=True)
class ErrorCodeInfo:
    """What a known error code means, and what the user can do about it.

    ``status`` is the HTTP status the code is documented with, or ``None`` when no status
    is documented; a ``None`` status never produces a mismatch warning.
    """

    code: str
    status: int | None
    meaning: str
    next_step: str


_KNOWN_CODES: tuple[ErrorCodeInfo, ...] = (
    # The basic eight: documented for every method, with these statuses.
    ErrorCodeInfo(
        "invalid_request",
        400,
        "The request content is invalid, for example a body that is not valid JSON.",
        "Check that the body is valid JSON in the shape the method documents, "
        "sent with Content-Type: application/json.",
    ),
    ErrorCodeInfo(
        "invalid_parameters",
        400,
        "A required parameter is missing or its format is invalid.",
        "Compare the query parameters and body fields with the method's documentation; "
        "the field problems, when present, name the ones at fault.",
    ),
    ErrorCodeInfo(
        "invalid_state",
        409,
        "The action cannot be done to the resource in its current state.",
        "Fetch the resource again, check its status, and repeat the action only once "
        "that state allows it.",
    ),
    ErrorCodeInfo(
        "unauthorized",
        401,
        "Authentication parameters are missing or incorrect.",
        "Check the Authorization header: the MAC id and key, or the token, "
        "and that it has not expired.",
    ),
    ErrorCodeInfo(
        "forbidden",
        403,
        "The client has no right to access this resource or to perform this action.",
        "Use credentials that own the resource or have the needed rights, "
        "or ask the API owner to grant them.",
    ),
    ErrorCodeInfo(
        "not_found",
        404,
        "The resource was not found.",
        "Check the path and the IDs in it. A method the URL does not allow also comes back "
        'as not_found ("Provided method not allowed for this url"), '
        "so check the HTTP method too.",
    ),
    ErrorCodeInfo(
        "internal_server_error",
        500,
        "An unexpected error happened inside the server.",
        "Retry later; if it keeps failing, send the paysera-correlation-id header value "
        "and the time of the request to support.",
    ),
    ErrorCodeInfo(
        "not_acceptable",
        406,
        "The request or response format is not supported.",
        "Send Accept: application/json, and send bodies as JSON "
        "with Content-Type: application/json.",
    ),
    # Codes from method documentation and the SDKs.
    ErrorCodeInfo(
        "rate_limit_exceeded",
        429,
        "Too many requests were sent in a short time.",
        "Wait before retrying (for the number of seconds in the Retry-After header, "
        "when there is one), then send requests less often.",
    ),
    # OAuth 2.0 (RFC 6749, section 5.2) answers invalid_grant with 400.
    ErrorCodeInfo(
        "invalid_grant",
        400,
        "The OAuth grant is no longer valid: the access token, refresh token or "
        "authorization code has expired or was revoked.",
        "Get a new access token: refresh it with a valid refresh token, "
        "or authorize again if the refresh token has expired too.",
    ),
    # No status is documented, and a signature check could as well answer 401 as 400:
    # guessing would raise false mismatch warnings on exactly the error users need to fix.
    ErrorCodeInfo(
        "invalid_timestamp",
        None,
        "The request's timestamp (the MAC ts value) is in the future or too old: "
        "the computer's clock is probably off.",
        "Compare the computer's clock with the server time from GET /rest/v1/server "
        "(no authentication needed), correct the clock, then send again.",
    ),
    # The next three reject a parameter value, which the basic table answers with 400.
    ErrorCodeInfo(
        "offset_too_large",
        400,
        "The offset is larger than the API allows for this list.",
        "Use a smaller offset, narrow the list with filters, "
        "or page with the after/before cursors instead.",
    ),
    ErrorCodeInfo(
        "invalid_cursor",
        400,
        "The after or before cursor is not valid for this list.",
        "Use a cursor exactly as returned in _metadata.cursors of the previous page, "
        "or start again from the first page without one.",
    ),
    ErrorCodeInfo(
        "invalid_code",
        400,
        "The code sent, such as a confirmation or authorization code, is wrong or has expired.",
        "Check the code and send it again, or ask for a new one if it has expired.",
    ),
    # 403 would be plausible, but no status is documented: do not warn on a guess.
    ErrorCodeInfo(
        "no_rights",
        None,
        "The client lacks a right (permission or scope) that this action or data needs.",
        "Ask the account owner or the API provider to grant the needed rights to this "
        "client, or use a client that has them.",
    ),
)

CATALOGUE: Mapping[str, ErrorCodeInfo] = MappingProxyType(
    {info.code: info for info in _KNOWN_CODES}
)
"""Known error codes by code; read-only.

A code that is not here gets ``info=None`` and no mismatch warning. The notes say unknown
codes "default to 400", but method-specific codes are documented per method with their
own statuses, so comparing an unknown code against 400 would warn about correct answers.
"""


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One message about one request field.

    ``field`` is a dotted path for nested properties (``"beneficiary.iban"``, list items
    by index: ``"items.0.amount"``), and ``""`` when the server named no field.
    """

    field: str
    message: str


@dataclass(frozen=True, slots=True)
class ErrorItem:
    """One entry of the ``errors`` array; each part may be missing."""

    code: str | None = None
    message: str | None = None
    field: str | None = None


@dataclass(frozen=True, slots=True)
class DecodedError:
    """What an error response says, ready to show; see the module docstring.

    ``uri_openable`` is true only for an ``http``/``https`` URI with a host and no user part:
    any other URI is shown as text, never opened, with ``uri_warning`` saying why.
    ``status_mismatch`` also carries the note for a success status whose body is an error
    object.
    """

    status: int
    status_text: str
    status_explanation: str
    code: str | None = None
    description: str | None = None
    uri: str | None = None
    uri_openable: bool = False
    uri_warning: str | None = None
    properties: tuple[FieldProblem, ...] = ()
    errors: tuple[ErrorItem, ...] = ()
    # Raw JSON (possibly a dict or list), so it is left out of the hash.
    data: object | None = field(default=None, hash=False)
    correlation_id: str | None = None
    info: ErrorCodeInfo | None = None
    status_mismatch: str | None = None
    no_error_object: str | None = None
    duplicate_error_keys: tuple[str, ...] = ()

    @property
    def advice(self) -> str:
        """One explanation of what went wrong and what to do: the error code's when the
        catalogue knows it (it is the more precise), else the status's."""
        if self.info is not None:
            return f"{self.info.meaning} {self.info.next_step}"
        return self.status_explanation

    @property
    def hint(self) -> str | None:
        """``advice`` without what the other fields already say, for a panel that shows them
        all; ``None`` when they say everything.

        The server's ``description`` says what went wrong more precisely than the code's
        meaning, so only the next step is added to it. A ``not_found`` that is really a
        method the URL does not allow gets only the method advice (at 405,
        ``status_mismatch`` gives it). A success status has nothing to add: its
        ``status_mismatch`` says that the body is an error object all the same.
        """
        info = self.info
        if info is not None:
            if info.code == "not_found" and self.status == 405 and self.status_mismatch:
                return None
            if info.code == "not_found" and _says_method_not_allowed(self.description):
                return "Use an HTTP method that the API documents for this path."
            return info.next_step if self.description else self.advice
        if 200 <= self.status < 300:
            return None
        return self.status_explanation

    @property
    def body_note(self) -> str | None:
        """``no_error_object`` without what ``hint`` says: at a status whose explanation is
        about a proxy or gateway, an HTML page's "probably a proxy answered" goes."""
        note = self.no_error_object
        if note is not None and self.status in _PROXY_STATUSES and note.endswith(_PROXY_GUESS):
            return note.removesuffix(_PROXY_GUESS) + "."
        return note


def _says_method_not_allowed(description: str | None) -> bool:
    """Whether ``description`` is Paysera's "Provided method not allowed for this url"."""
    text = (description or "").lower()
    return "method" in text and "not allowed" in text


def decode_error(
    response: ResponseData, parsed: tuple[object, bool] | None = None
) -> DecodedError | None:
    """Decode the error in ``response``, or return ``None`` when there is none.

    A non-2xx status always gives a ``DecodedError``, even with no error object in the
    body; a 2xx status gives one only when its (small enough) body is an error object.
    ``parsed`` is ``(document, parsed_ok)`` when the caller already parsed the body with
    ``parse_json_exact``, so a body is parsed once and the panel and tree agree.
    """
    success = 200 <= response.status < 300
    if success and parsed is None and len(response.body) > _SUCCESS_SCAN_LIMIT:
        return None
    # The text only when needed: decoding a 50 MB body that the caller already parsed held
    # the GIL about 35 ms, and the window waited for it.
    text: str | None = None
    if parsed is None:
        text = _body_text(response)
        if success and not text.lstrip("\ufeff \t\r\n").startswith("{"):
            # Cheap pre-check so that ordinary arrays and non-JSON successes are never parsed.
            return None
        document, parses = _parse_json(text)
    else:
        document, parses = parsed
    body = document if isinstance(document, dict) else None
    code = _error_code(body)
    if success and code is None:
        return None

    status_text = _status_text(response)
    info = CATALOGUE.get(code) if code is not None else None
    if success:
        mismatch: str | None = _success_with_error(response.status, status_text, code, info)
    else:
        mismatch = _status_mismatch(response.status, code, info)
    if code is None and text is None:
        text = _body_text(response)
    no_error_object = (
        None
        if code is not None or text is None
        else _describe_non_error(response, text, document, parses)
    )
    uri = _plain_text(body.get("error_uri")) if body is not None else None
    correlation_id = _non_blank(response.header("paysera-correlation-id"))
    uri_warning = _uri_problem(uri) if uri is not None else None
    return DecodedError(
        status=response.status,
        status_text=status_text,
        status_explanation=_explain_status(response.status, correlation_id),
        code=code,
        description=_plain_text(body.get("error_description")) if body is not None else None,
        uri=uri,
        uri_openable=uri is not None and uri_warning is None,
        uri_warning=uri_warning,
        properties=_field_problems(body.get("error_properties")) if body is not None else (),
        errors=_error_items(body.get("errors")) if body is not None else (),
        data=body.get("error_data") if body is not None else None,
        correlation_id=correlation_id,
        info=info,
        status_mismatch=mismatch,
        no_error_object=no_error_object,
        duplicate_error_keys=(
            tuple(body.duplicate_keys()) if isinstance(body, DuplicateKeysObject) else ()
        ),
    )


def _body_text(response: ResponseData) -> str:
    try:
        return response.text()
    except (LookupError, ValueError):
        # Content-Type can name a codec that is not a text encoding (charset=base64):
        # Python knows it, but refuses to decode bytes to text with it.
        return response.body.decode("utf-8", errors="replace")


def _parse_json(text: str) -> tuple[object, bool]:
    """The parsed value and whether parsing succeeded (``null`` parses to ``None``)."""
    try:
        return parse_json_exact(text.lstrip("\ufeff")), True
    except (ValueError, RecursionError):
        # ValueError covers malformed JSON and integers too long to convert;
        # RecursionError covers pathological nesting.
        return None, False


def _error_code(body: dict[str, object] | None) -> str | None:
    if body is None:
        return None
    value = body.get("error")
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _status_text(response: ResponseData) -> str:
    reason = response.reason.strip()
    if reason:
        return reason
    standard = reason_phrase(response.status)
    if standard:
        return standard
    return _CLASS_NAMES.get(response.status // 100, "")


_CLASS_NAMES: dict[int, str] = {
    1: "Informational",
    2: "Success",
    3: "Redirection",
    4: "Client Error",
    5: "Server Error",
}


def _status_mismatch(status: int, code: str | None, info: ErrorCodeInfo | None) -> str | None:
    if info is None or info.status is None or info.status == status:
        return None
    sentence = (
        f'The code "{code}" is documented with status {info.status}, '
        f"but the server answered {status}."
    )
    if code == "not_found" and status == 405:
        sentence += (
            " Paysera APIs report a method the URL does not allow as not_found, "
            "so check the HTTP method."
        )
    return sentence


def _success_with_error(
    status: int, status_text: str, code: str | None, info: ErrorCodeInfo | None
) -> str:
    sentence = f"The status {status} {status_text} means success, but the body is an error object."
    if info is not None and info.status is not None:
        sentence += f' The code "{code}" is documented with status {info.status}.'
    return sentence


# An HTML page where an error object was expected, and the guess at who sent it; at the
# statuses whose explanation names the proxy or gateway already, ``body_note`` drops it.
_PROXY_GUESS = ": probably a proxy or gateway answered."
_PROXY_STATUSES = frozenset({502, 504})


def _describe_non_error(response: ResponseData, text: str, parsed: object, parses: bool) -> str:
    stripped = text.strip().lstrip("\ufeff")
    if not stripped:
        return "The server sent an empty body, not an error object."
    if parses:
        return _describe_json(parsed)
    media_type = response.content_type
    head = stripped[:256].lower()
    if media_type in ("text/html", "application/xhtml+xml") or head.startswith(
        ("<!doctype html", "<html")
    ):
        return f"The server sent an HTML page, not an error object{_PROXY_GUESS}"
    if media_type == "application/json" or media_type.endswith("+json"):
        return "The server declared JSON but sent text that does not parse as JSON."
    if media_type:
        return f"The server sent a body that is not JSON ({media_type}), not an error object."
    return "The server sent a body that is not JSON, not an error object."


def _describe_json(parsed: object) -> str:
    if isinstance(parsed, dict):
        value = parsed.get("error")
        if value is None:
            return 'The server sent a JSON object without an "error" code, not an error object.'
        if isinstance(value, str):
            return 'The server sent a JSON object with an empty "error" code, not an error object.'
        return (
            f'The server sent a JSON object whose "error" is {_json_kind(value)}, '
            "not a string code, so it is not an error object."
        )
    return f"The server sent JSON {_json_kind(parsed)}, not an error object."


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _plain_text(value: object) -> str | None:
    """A server value as display text; ``None`` for absent, null or blank values.

    Odd types are stringified rather than dropped: the user still sees what was sent.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    try:
        return json_value_text(value)
    except (ValueError, RecursionError):
        return None


def _non_blank(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip() or None


def _uri_problem(uri: str) -> str | None:
    """Why ``uri`` must not be opened, as a sentence; ``None`` when it may be."""
    # Whitespace or control characters would be silently dropped or re-encoded by the
    # URL opener, so what opens could differ from what the user read.
    if any(ch.isspace() or not ch.isprintable() for ch in uri):
        return "This link holds spaces or invisible characters, so it is not opened."
    try:
        parts = urlsplit(uri)
        _ = parts.port  # raises ValueError for a port that is not a number in range
    except ValueError:
        return "This link is not a valid URL, so it is not opened."
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "Only http and https links open; this one is not opened."
    if parts.username is not None or parts.password is not None:
        # https://paysera.com@evil.example/ reads as paysera.com but goes to evil.example.
        user = parts.netloc.rpartition("@")[0]
        return (
            f'Warning: this link is not what it seems: "{user}" before the @ is a user '
            f"name, and the link really goes to {parts.hostname}. It is not opened."
        )
    return None


def _field_problems(value: object) -> tuple[FieldProblem, ...]:
    return tuple(_walk_properties("", value, 0))


def _walk_properties(path: str, value: object, depth: int) -> Iterator[FieldProblem]:
    if value is None:
        return
    if depth >= _MAX_PROPERTY_DEPTH:
        message = _plain_text(value)
        if message is not None:
            yield FieldProblem(path, message)
        return
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _walk_properties(_join(path, str(key)), child, depth + 1)
    elif isinstance(value, list):
        # A list holds messages for one field; objects inside it are nested items,
        # named by their index so two items' problems stay apart.
        for index, child in enumerate(value):
            if isinstance(child, dict):
                yield from _walk_properties(_join(path, str(index)), child, depth + 1)
            else:
                yield from _walk_properties(path, child, depth + 1)
    else:
        message = _plain_text(value)
        if message is not None:
            yield FieldProblem(path, message)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _error_items(value: object) -> tuple[ErrorItem, ...]:
    if not isinstance(value, list):
        return ()
    items: list[ErrorItem] = []
    for entry in value:
        if not isinstance(entry, dict):
            continue
        item = ErrorItem(
            code=_plain_text(entry.get("code")),
            message=_plain_text(entry.get("message")),
            field=_plain_text(entry.get("field")),
        )
        if item != ErrorItem():
            items.append(item)
    return tuple(items)


_STATUS_EXPLANATIONS: dict[int, str] = {
    200: "The request succeeded.",
    201: "The request succeeded and created a resource.",
    202: "The request was accepted and will be processed later.",
    204: "The request succeeded and the server sent no body.",
    301: "The resource moved permanently; use the URL in the Location header from now on.",
    302: "The resource is temporarily at the URL in the Location header.",
    303: "The answer is at the URL in the Location header; fetch it with GET.",
    304: "The resource has not changed since the version the request named, so no body came.",
    307: "The resource is temporarily at the URL in the Location header; "
    "repeat the request there with the same method.",
    308: "The resource moved permanently; repeat the request with the same method "
    "at the URL in the Location header.",
    400: "The server could not accept the request as sent; "
    "check the error code and field problems, then fix the parameters or body.",
    401: "The request carried no valid credentials; check the authentication settings "
    "(MAC id and key, token or certificate).",
    403: "The server knows who is asking but does not let these credentials do this; "
    "use an account or token with the needed rights.",
    404: "Nothing was found at this URL; check the base URL, the path and the IDs in it.",
    405: "The URL exists but does not accept this HTTP method; check the method.",
    406: "The server cannot answer in the format the request asked for; "
    "send Accept: application/json.",
    408: "The server gave up waiting for the request to arrive; send it again.",
    409: "The request clashes with the current state of the resource; "
    "fetch it again and check its state before retrying.",
    410: "The resource existed but is gone for good; stop using this URL.",
    411: "The server needs a Content-Length header; send the body with its length.",
    412: "A condition in the request headers (such as If-Match) did not hold; "
    "fetch the resource again and retry with its current version.",
    413: "The request body is larger than the server accepts; send less data.",
    414: "The URL is longer than the server accepts; move data from the query to the body "
    "or send fewer parameters.",
    415: "The server does not accept the body's format; "
    "send JSON with Content-Type: application/json.",
    422: "The body is well-formed but some of its values were rejected; check the field problems.",
    429: "Too many requests were sent too quickly; wait (see the Retry-After header, if any) "
    "and try again.",
    431: "The request headers are too large; remove unneeded headers or shorten them.",
    500: "The server failed while handling the request; retry later.",
    501: "The server does not support what the request asked for; check the method and URL.",
    502: "A proxy or gateway in front of the API got no valid answer from the server "
    "behind it: the API may be down or restarting, so retry in a moment.",
    503: "The service is unavailable, overloaded or down for maintenance; wait "
    "(see the Retry-After header, if any) and try again later.",
    504: "A proxy or gateway gave up waiting for the API to answer; retry later, but first "
    "check whether the action was carried out, so a payment or change is not repeated.",
    505: "The server does not support the HTTP version the request used.",
}

_CLASS_EXPLANATIONS: dict[int, str] = {
    1: "The server sent an interim answer, not a final response.",
    2: "The request succeeded.",
    3: "The server redirected the request elsewhere and the redirect was not followed; "
    "check the Location header and the URL.",
    4: "The server rejected the request as sent; check the URL, the parameters, "
    "the body and the authentication.",
    5: "The server failed to handle the request; retry later.",
}


def _explain_status(status: int, correlation_id: str | None = None) -> str:
    explanation = _STATUS_EXPLANATIONS.get(status) or _CLASS_EXPLANATIONS.get(status // 100)
    if explanation is not None and status >= 500 and correlation_id:
        # Support can only trace a request by its id: advise it only when the server sent one.
        return (
            f"{explanation} If it keeps failing, send the paysera-correlation-id below to support."
        )
    if explanation is not None:
        return explanation
    return f"The status {status} is outside the ranges HTTP defines, so it has no set meaning."

"""The demo API: a threaded HTTP server on loopback that behaves like a Paysera REST API.

It exists so the explorer has something real to talk to: ordinary JSON resources, every
error shape the Paysera conventions allow, and the misbehaviours a client must survive
(HTML from a proxy, empty bodies, dropped connections, slow and huge responses, a body
in a non-UTF-8 charset). Standard library and pure ``app.core`` only, so it starts anywhere
the app does.

Public surface: :class:`DemoServer` (start/stop, ``base_url``), :func:`main`
(``python -m app.demo.server`` runs it in the foreground), and the sample MAC credentials
``DEMO_MAC_ID`` / ``DEMO_MAC_KEY`` that the ``/mac/...`` endpoints accept. Those endpoints
verify Paysera MAC access authentication with ``app.core.mac``, the code the client signs
with; request bodies are refused for ``NaN`` and ``Infinity`` by ``app.core.json_strict``,
as the client's own checks refuse them.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import hmac
import itertools
import json
import logging
import math
import re
import select
import socket
import socketserver
import sys
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self, TypeAlias, cast
from urllib.parse import parse_qs, unquote, urlsplit

from app.core.http_syntax import default_port
from app.core.json_strict import reject_constant
from app.core.mac import (
    body_hash_ext,
    mac_signature,
    normalized_string,
    parse_mac_header,
    split_host,
    split_url_for_mac,
)

__all__ = ["DEMO_MAC_ID", "DEMO_MAC_KEY", "DemoServer", "main"]

DEMO_MAC_ID = "demo-client"
"""The MAC id the demo API knows. A public sample value, like ``DEMO_MAC_KEY``."""

DEMO_MAC_KEY = "ux1ibsDO7xYx7kqo2K0z3yFZ1sSXDtic"
"""The MAC key of ``DEMO_MAC_ID``. Public on purpose: it only opens the demo API."""

_log = logging.getLogger(__name__)

_JSON_CONTENT_TYPE = "application/json;charset=utf-8"
_CORRELATION_HEADER = "paysera-correlation-id"

_API_PREFIX = "/rest/v1"
_DEFAULT_LIMIT = 100
_MAX_LIMIT = 500
_MAX_OFFSET = 10_000
_MAX_REQUEST_BODY = 16 * 1024 * 1024
_MAX_SLOW_SECONDS = 60.0
_MAX_LARGE_MB = 200.0
_MAX_LARGE_ITEMS = 2_000_000
# Large bodies are kept for repeat requests, but never more than this in total.
_LARGE_CACHE_BYTES = 256 * 1024 * 1024
_WRITE_CHUNK = 1024 * 1024
# How often waiting code checks whether the server is stopping or the client has left.
_POLL_SECONDS = 0.05
# Payment 2 exists but belongs to another project: it demonstrates 403 `forbidden`.
_FOREIGN_PAYMENT_IDS = frozenset({2})
_AUTH_DOCS_URI = "https://developers.paysera.com/en/wallet/authentication"
# How far a MAC timestamp may be from the server's clock, either way; a nonce is remembered
# for as long as its timestamp is acceptable, so a replay is caught for its whole life.
_MAC_WINDOW_SECONDS = 300
_MAC_CREDENTIALS = {DEMO_MAC_ID: DEMO_MAC_KEY}


@dataclass(frozen=True)
class _RawJsonNumber:
    """A number written to the wire exactly as ``text``.

    ``json.dumps(1.10)`` gives ``1.1``; the demo must send ``1.10`` so the explorer can prove
    it shows numbers exactly as they arrived rather than as a float round-trip.
    """

    text: str


_JsonValue: TypeAlias = (
    "bool | int | float | str | _RawJsonNumber | list[_JsonValue] | dict[str, _JsonValue] | None"
)
_JsonObject: TypeAlias = dict[str, _JsonValue]


def _encode_json(value: _JsonValue) -> str:
    """Serialise like ``json.dumps(ensure_ascii=False)`` but honour :class:`_RawJsonNumber`."""
    if isinstance(value, _RawJsonNumber):
        return value.text
    if isinstance(value, dict):
        members = (
            f"{json.dumps(key, ensure_ascii=False)}: {_encode_json(item)}"
            for key, item in value.items()
        )
        return "{" + ", ".join(members) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_encode_json(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


# --------------------------------------------------------------------------- requests, replies


@dataclass(frozen=True)
class _Request:
    method: str
    path: str
    query: Mapping[str, list[str]]
    # Lower-cased names; repeated headers joined with ", " as RFC 9110 allows.
    headers: Mapping[str, str]
    body: bytes
    stopping: threading.Event
    client_gone: Callable[[], bool]
    path_params: tuple[str, ...] = ()
    # The path and query exactly as the request line carried them: what a MAC signs.
    target: str = "/"

    def query_value(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None


@dataclass(frozen=True)
class _Response:
    status: int
    body: bytes = b""
    content_type: str | None = _JSON_CONTENT_TYPE
    headers: tuple[tuple[str, str], ...] = ()
    # Declare the full Content-Length but send only this many bytes, then hang up.
    truncate_body_at: int | None = None
    close: bool = False


def _json_response(status: int, value: _JsonValue) -> _Response:
    return _Response(status, _encode_json(value).encode("utf-8"))


class _ApiError(Exception):
    """Raised by handlers; becomes a Paysera error object with the given status."""

    def __init__(
        self,
        status: int,
        error: str,
        description: str | None = None,
        *,
        uri: str | None = None,
        properties: dict[str, list[str]] | None = None,
        errors: list[dict[str, str]] | None = None,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(f"{status} {error}: {description}")
        self.status = status
        self.error = error
        self.description = description
        self.uri = uri
        self.properties = properties
        self.errors = errors
        self.headers = headers

    def to_response(self, *, close: bool = False) -> _Response:
        # Optional members are omitted, never null, as the conventions require.
        body: _JsonObject = {"error": self.error}
        if self.description is not None:
            body["error_description"] = self.description
        if self.uri is not None:
            body["error_uri"] = self.uri
        if self.properties is not None:
            body["error_properties"] = cast(_JsonObject, self.properties)
        if self.errors is not None:
            body["errors"] = cast(list[_JsonValue], self.errors)
        response = _json_response(self.status, body)
        return replace(response, headers=self.headers, close=close)


class _Abort(Exception):
    """Close the connection without answering (the server is stopping or the client left)."""


class _SimulatedCrash(RuntimeError):
    """Raised on purpose by ``/crash``; logged quietly, unlike a real handler bug."""


class _Problems:
    """Collects per-field validation problems into one `invalid_parameters` error."""

    def __init__(self) -> None:
        self._items: list[tuple[str, str, str]] = []

    def add(self, field_name: str, code: str, message: str) -> None:
        self._items.append((field_name, code, message))

    def raise_if_any(self) -> None:
        if not self._items:
            return
        properties: dict[str, list[str]] = {}
        for field_name, _code, message in self._items:
            properties.setdefault(field_name, []).append(message)
        raise _ApiError(
            400,
            "invalid_parameters",
            "Some required parameters are missing or invalid",
            properties=properties,
            errors=[
                {"code": code, "message": message, "field": field_name}
                for field_name, code, message in self._items
            ],
        )


def _accepts_json(accept: str | None) -> bool:
    """Whether an ``Accept`` header value allows a JSON answer (no header means yes).

    The most specific of ``application/json``, ``application/*`` and ``*/*`` decides, so
    ``application/json;q=0, */*`` refuses JSON; any ``+json`` type with q > 0 also counts.
    """
    if accept is None or not accept.strip():
        return True
    specificity = {"application/json": 2, "application/*": 1, "*/*": 0}
    best: tuple[int, float] | None = None
    for media_range in accept.split(","):
        media_type, *params = media_range.split(";")
        media_type = media_type.strip().lower()
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                # A malformed weight is a client slip, not a refusal: treat it as the default.
                with contextlib.suppress(ValueError):
                    quality = float(value.strip())
        if media_type.endswith("+json") and quality > 0:
            return True
        rank = specificity.get(media_type)
        if rank is not None and (best is None or rank > best[0]):
            best = (rank, quality)
    return best is not None and best[1] > 0


# --------------------------------------------------------------------------- payment store

_Payment: TypeAlias = _JsonObject

_SEED_PAYMENTS: tuple[_Payment, ...] = (
    {
        "id": 10145,
        "status": "new",
        "price": {"amount": "10.12", "currency": "EUR"},
        "description": "Order #10145: coffee beans",
        "created_at": 1_717_200_000,
        "big_id": 9_007_199_254_740_993_123,
        "rate": _RawJsonNumber("1.10"),
    },
    {
        "id": 10146,
        "status": "done",
        "price": {"amount": "1999.00", "currency": "USD"},
        "description": "Annual licence",
        "created_at": 1_717_286_400,
    },
    {
        "id": 10147,
        "status": "new",
        "price": {"amount": "7.50", "currency": "EUR"},
        "description": "Kavinė „Vilnius“ – pusryčiai ☕",
        "created_at": 1_717_372_800,
    },
    {
        # No description on purpose: optional members are omitted, never null.
        "id": 10148,
        "status": "done",
        "price": {"amount": "0.99", "currency": "GBP"},
        "created_at": 1_717_459_200,
    },
)


class _PaymentStore:
    """The payments of one demo server; every method is safe to call from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._payments: dict[int, _Payment] = {
            cast(int, payment["id"]): copy.deepcopy(payment) for payment in _SEED_PAYMENTS
        }
        self._next_id = max(self._payments) + 1

    def page(self, offset: int, limit: int) -> tuple[list[_Payment], int]:
        with self._lock:
            ids = sorted(self._payments)
            chosen = [copy.deepcopy(self._payments[i]) for i in ids[offset : offset + limit]]
            return chosen, len(ids)

    def get(self, payment_id: int) -> _Payment | None:
        with self._lock:
            payment = self._payments.get(payment_id)
            return copy.deepcopy(payment) if payment is not None else None

    def create(self, price: dict[str, str], description: str | None) -> _Payment:
        with self._lock:
            payment: _Payment = {
                "id": self._next_id,
                "status": "new",
                "price": cast(_JsonObject, dict(price)),
                "created_at": int(time.time()),
            }
            if description is not None:
                payment["description"] = description
            self._payments[self._next_id] = payment
            self._next_id += 1
            return copy.deepcopy(payment)

    def cancel(self, payment_id: int) -> tuple[str, _Payment] | None:
        """Cancel a new payment. Returns (status before, payment now), or None if missing."""
        with self._lock:
            payment = self._payments.get(payment_id)
            if payment is None:
                return None
            before = cast(str, payment["status"])
            if before == "new":
                payment["status"] = "canceled"
            return before, copy.deepcopy(payment)

    def delete(self, payment_id: int) -> _Payment | None:
        with self._lock:
            return self._payments.pop(payment_id, None)


# --------------------------------------------------------------------------- large bodies

_LARGE_ITEM_TEMPLATE = (
    '{"id": %d, "status": "%s", "price": {"amount": "%d.%02d", "currency": "EUR"}, '
    '"description": "Generated payment %d for load testing", "created_at": %d}'
)
_LARGE_STATUSES = ("new", "done")
_LARGE_FIRST_ID = 1_000_000


def _large_item(index: int) -> str:
    payment_id = _LARGE_FIRST_ID + index
    status = _LARGE_STATUSES[index & 1]
    return _LARGE_ITEM_TEMPLATE % (
        payment_id,
        status,
        index % 1000,
        index % 100,
        payment_id,
        1_700_000_000 + index,
    )


def _large_body(item_count: int) -> bytes:
    # One %-format per item and a single join: ~0.5 s for 60 MB, where json.dumps of
    # equivalent dicts takes several times longer.
    items = ", ".join([_large_item(i) for i in range(item_count)])
    metadata = f'"_metadata": {{"has_next": false, "has_previous": false, "total": {item_count}}}'
    return ('{"items": [' + items + "], " + metadata + "}").encode("ascii")


def _items_for_megabytes(megabytes: float) -> int:
    # Items are nearly the same length, so a mid-range sample predicts the size well.
    average = len(_large_item(500)) + 2  # plus the ", " separator
    return max(0, round(megabytes * 1024 * 1024 / average))


class _LargeBodyCache:
    """Large bodies by item count, evicting the oldest once the total passes a budget."""

    def __init__(self, budget: int = _LARGE_CACHE_BYTES) -> None:
        self._lock = threading.Lock()
        self._bodies: OrderedDict[int, bytes] = OrderedDict()
        self._budget = budget

    def get(self, item_count: int) -> bytes:
        # Building under the lock means two simultaneous requests build the body once.
        with self._lock:
            body = self._bodies.get(item_count)
            if body is None:
                body = _large_body(item_count)
                self._bodies[item_count] = body
                while sum(map(len, self._bodies.values())) > self._budget and len(self._bodies) > 1:
                    self._bodies.popitem(last=False)
            else:
                self._bodies.move_to_end(item_count)
            return body


# --------------------------------------------------------------------------- the API itself

_Handler: TypeAlias = Callable[[_Request], _Response]


@dataclass(frozen=True)
class _Route:
    pattern: re.Pattern[str]
    handlers: Mapping[str, _Handler]
    # Fixtures that imitate proxies or odd servers ignore Accept, as those servers do.
    negotiates: bool = True

    def allow_header(self) -> str:
        methods = list(self.handlers)
        if "GET" in methods:
            methods.append("HEAD")
        methods.append("OPTIONS")
        return ", ".join(methods)


_PROXY_ERROR_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
_AMOUNT = re.compile(r"[0-9]+(\.[0-9]{1,2})?")
_CURRENCY = re.compile(r"[A-Z]{3}")
_DIGITS = re.compile(r"[0-9]+")


class _DemoApi:
    """Routes requests to handlers and turns every failure into a Paysera error object.

    Pure request-in, response-out: it knows nothing about sockets, which keeps the HTTP
    plumbing in :class:`_DemoRequestHandler` and the behaviour here.
    """

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self._payments = _PaymentStore()
        self._large = _LargeBodyCache()
        self._mac = _MacVerifier(_MAC_CREDENTIALS)
        self._transfer_ids = itertools.count(5001)
        self._transfer_lock = threading.Lock()

        def route(path: str, negotiates: bool = True, **handlers: _Handler) -> _Route:
            pattern = re.compile(re.escape(_API_PREFIX + path).replace(r"\{id\}", "([^/]+)"))
            return _Route(pattern, handlers, negotiates)

        self._routes = (
            route("/server", GET=self._server_time),
            route("/payments", GET=self._list_payments, POST=self._create_payment),
            route("/payments/{id}", GET=self._get_payment, DELETE=self._delete_payment),
            route("/payments/{id}/cancel", POST=self._cancel_payment),
            route("/wallet/me", GET=self._wallet),
            route("/mac/wallet", GET=self._mac_wallet),
            route("/mac/transfers", POST=self._mac_transfer),
            route("/rate-limited", GET=self._rate_limited),
            route("/crash", GET=self._crash),
            route("/proxy-error", negotiates=False, GET=self._proxy_error),
            route("/empty-error", negotiates=False, GET=self._empty_error),
            route("/large", GET=self._large_list),
            route("/slow", GET=self._slow),
            route("/drop", negotiates=False, GET=self._drop),
            route("/latin1", negotiates=False, GET=self._latin1),
        )

    def handle(self, request: _Request) -> _Response:
        try:
            return self._dispatch(request)
        except _ApiError as error:
            return error.to_response()
        except _Abort:
            raise
        except Exception as exc:
            if not isinstance(exc, _SimulatedCrash):
                _log.exception("Demo API handler failed on %s %s", request.method, request.path)
            # A handler bug must look like a Paysera 500, never a dead connection.
            return _ApiError(
                500, "internal_server_error", "Unexpected internal system error"
            ).to_response()

    def _dispatch(self, request: _Request) -> _Response:
        for candidate in self._routes:
            match = candidate.pattern.fullmatch(request.path)
            if match is not None:
                break
        else:
            raise _ApiError(404, "not_found", f'No resource found at "{unquote(request.path)}"')
        allow = candidate.allow_header()
        if request.method == "OPTIONS":
            return _Response(204, content_type=None, headers=(("Allow", allow),))
        handler = candidate.handlers.get("GET" if request.method == "HEAD" else request.method)
        if handler is None:
            raise _ApiError(
                405,
                "not_found",
                "Provided method not allowed for this url",
                headers=(("Allow", allow),),
            )
        if candidate.negotiates and not _accepts_json(request.headers.get("accept")):
            raise _ApiError(406, "not_acceptable", "Unknown request or response format")
        params = tuple(unquote(group) for group in match.groups())
        return handler(replace(request, path_params=params))

    # ----------------------------------------------------------------- payments

    def _server_time(self, request: _Request) -> _Response:
        return _json_response(200, {"time": int(time.time())})

    def _list_payments(self, request: _Request) -> _Response:
        problems = _Problems()
        limit = _int_param(request, "limit", _DEFAULT_LIMIT, _MAX_LIMIT, problems)
        offset = _int_param(request, "offset", 0, None, problems)
        problems.raise_if_any()
        if offset > _MAX_OFFSET:
            raise _ApiError(
                400,
                "offset_too_large",
                f"Offset is too large (at most {_MAX_OFFSET}); narrow the query instead",
            )
        items, total = self._payments.page(offset, limit)
        metadata: _JsonObject = {
            "has_next": offset + len(items) < total,
            "has_previous": offset > 0,
        }
        fields = {name.strip() for name in (request.query_value("fields") or "").split(",")}
        if "_metadata.total" in fields:
            metadata["total"] = total
        return _json_response(200, {"items": cast(list[_JsonValue], items), "_metadata": metadata})

    def _payment_id(self, request: _Request) -> int:
        text = request.path_params[0]
        if _DIGITS.fullmatch(text) is None:
            raise _payment_not_found(text)
        payment_id = int(text)
        if payment_id in _FOREIGN_PAYMENT_IDS:
            raise _ApiError(
                403,
                "forbidden",
                "This resource is assigned to other project, client has no rights to read it",
            )
        return payment_id

    def _get_payment(self, request: _Request) -> _Response:
        payment = self._payments.get(self._payment_id(request))
        if payment is None:
            raise _payment_not_found(request.path_params[0])
        return _json_response(200, payment)

    def _create_payment(self, request: _Request) -> _Response:
        body = _json_object_body(request.body)
        problems = _Problems()
        price = body.get("price")
        description = body.get("description")
        amount: object = None
        currency: object = None
        if price is None:
            problems.add("price", "required", "This value should not be blank.")
        elif not isinstance(price, dict):
            problems.add("price", "invalid_type", "This value should be an object.")
        else:
            amount, currency = price.get("amount"), price.get("currency")
            if amount is None or amount == "":
                problems.add("price.amount", "required", "This value should not be blank.")
            elif not isinstance(amount, str):
                problems.add("price.amount", "invalid_type", "This value should be a string.")
            elif _AMOUNT.fullmatch(amount) is None:
                problems.add(
                    "price.amount",
                    "invalid_format",
                    'Amount must be a decimal number with up to 2 decimals, e.g. "10.12".',
                )
            if not isinstance(currency, str) or _CURRENCY.fullmatch(currency) is None:
                problems.add(
                    "price.currency", "invalid_format", "Currency must be a 3-letter ISO code."
                )
        if description is not None and not isinstance(description, str):
            problems.add("description", "invalid_type", "This value should be a string.")
        elif isinstance(description, str) and len(description) > 255:
            problems.add(
                "description", "too_long", "This value is too long: at most 255 characters."
            )
        problems.raise_if_any()
        created = self._payments.create(
            {"amount": cast(str, amount), "currency": cast(str, currency)},
            cast("str | None", description),
        )
        return _json_response(200, created)

    def _cancel_payment(self, request: _Request) -> _Response:
        outcome = self._payments.cancel(self._payment_id(request))
        if outcome is None:
            raise _payment_not_found(request.path_params[0])
        before, payment = outcome
        if before != "new":
            raise _ApiError(409, "invalid_state", f"Payment is already {before}")
        return _json_response(200, payment)

    def _delete_payment(self, request: _Request) -> _Response:
        payment = self._payments.delete(self._payment_id(request))
        if payment is None:
            raise _payment_not_found(request.path_params[0])
        return _json_response(200, payment)

    def _wallet(self, request: _Request) -> _Response:
        if not request.headers.get("authorization", "").strip():
            raise _unauthorized("Authentication parameters are not provided or are incorrect")
        return _json_response(200, _demo_wallet())

    # ----------------------------------------------------------------- MAC-protected

    def _mac_wallet(self, request: _Request) -> _Response:
        self._mac.verify(request)
        return _json_response(200, _demo_wallet())

    def _mac_transfer(self, request: _Request) -> _Response:
        self._mac.verify(request)
        body = _json_object_body(request.body)
        problems = _Problems()
        amount = body.get("amount")
        if not isinstance(amount, dict):
            problems.add(
                "amount", "required", 'Give an amount: {"amount": "1.00", "currency": "EUR"}.'
            )
        else:
            value, currency = amount.get("amount"), amount.get("currency")
            if not isinstance(value, str) or _AMOUNT.fullmatch(value) is None:
                problems.add(
                    "amount.amount",
                    "invalid_format",
                    'Amount must be a decimal number with up to 2 decimals, e.g. "10.12".',
                )
            if not isinstance(currency, str) or _CURRENCY.fullmatch(currency) is None:
                problems.add(
                    "amount.currency", "invalid_format", "Currency must be a 3-letter ISO code."
                )
        purpose = body.get("purpose")
        if purpose is not None and not isinstance(purpose, str):
            problems.add("purpose", "invalid_type", "This value should be a string.")
        problems.raise_if_any()
        with self._transfer_lock:
            transfer_id = next(self._transfer_ids)
        transfer: _JsonObject = {
            "id": transfer_id,
            "status": "new",
            "amount": cast(_JsonObject, dict(cast(dict[str, str], amount))),
            "created_at": int(time.time()),
        }
        if purpose is not None:
            transfer["purpose"] = purpose
        return _json_response(200, transfer)

    # ----------------------------------------------------------------- failure fixtures

    def _rate_limited(self, request: _Request) -> _Response:
        raise _ApiError(
            429,
            "rate_limit_exceeded",
            "Too many requests; try again in 30 seconds",
            headers=(("Retry-After", "30"),),
        )

    def _crash(self, request: _Request) -> _Response:
        raise _SimulatedCrash("the /crash endpoint always fails")

    def _proxy_error(self, request: _Request) -> _Response:
        return _Response(502, _PROXY_ERROR_PAGE, content_type="text/html")

    def _empty_error(self, request: _Request) -> _Response:
        return _Response(503, b"", content_type=None)

    def _drop(self, request: _Request) -> _Response:
        body = b'{"items": [' + b" " * 989
        return _Response(200, body, truncate_body_at=10, close=True)

    def _latin1(self, request: _Request) -> _Response:
        return _Response(
            200, "Café crème".encode("latin-1"), content_type="text/plain; charset=iso-8859-1"
        )

    def _large_list(self, request: _Request) -> _Response:
        size_text = request.query_value("size_mb")
        items_text = request.query_value("items")
        problems = _Problems()
        if size_text is not None and items_text is not None:
            message = "Give either size_mb or items, not both."
            problems.add("size_mb", "invalid_value", message)
            problems.add("items", "invalid_value", message)
        item_count = 0
        if items_text is not None:
            item_count = _int_param(request, "items", 0, _MAX_LARGE_ITEMS, problems)
        else:
            megabytes = _number_param(request, "size_mb", 5.0, _MAX_LARGE_MB, problems)
            item_count = _items_for_megabytes(megabytes)
        problems.raise_if_any()
        return _Response(200, self._large.get(item_count))

    def _slow(self, request: _Request) -> _Response:
        problems = _Problems()
        seconds = _number_param(request, "seconds", 10.0, _MAX_SLOW_SECONDS, problems)
        problems.raise_if_any()
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            # Short waits so a stop() or a cancelled request frees this thread promptly.
            if request.stopping.wait(min(_POLL_SECONDS, remaining)) or request.client_gone():
                raise _Abort
        waited: _JsonValue = int(seconds) if seconds.is_integer() else seconds
        return _json_response(200, {"waited": waited})


def _demo_wallet() -> _JsonObject:
    return {
        "id": 14,
        "owner": 1024,
        "account": {"number": "EVP0010001000101"},
        "balance": [
            {"amount": "125.50", "currency": "EUR"},
            {"amount": "3.00", "currency": "USD"},
        ],
    }


def _unauthorized(description: str, error: str = "unauthorized") -> _ApiError:
    return _ApiError(401, error, description, uri=_AUTH_DOCS_URI)


class _MacVerifier:
    """Checks Paysera MAC access authentication the way the real API does.

    The host and port signed are those of the Host header as the client sent it, the path
    and query those of the request line. A nonce is remembered per MAC id until its
    timestamp leaves the window, and only once the request has passed every other check,
    so a rejected request does not burn the nonce. Safe to call from any thread.
    """

    def __init__(self, credentials: Mapping[str, str]) -> None:
        self._credentials = dict(credentials)
        self._lock = threading.Lock()
        # (mac id, nonce) -> the time after which the pair can no longer be replayed.
        self._seen: dict[tuple[str, str], float] = {}

    def verify(self, request: _Request) -> None:
        """Return quietly for a valid MAC; raise a 401 :class:`_ApiError` otherwise."""
        header = parse_mac_header(request.headers.get("authorization", ""))
        if header is None or re.fullmatch(r"[0-9]{1,12}", header["ts"]) is None:
            raise _unauthorized("Authentication parameters are not provided or are incorrect")
        mac_id, nonce, ts = header["id"], header["nonce"], int(header["ts"])
        ext = header.get("ext", "")
        key = self._credentials.get(mac_id)
        try:
            host, port = split_host(request.headers.get("host", ""), default_port("http"))
        except ValueError:
            host, port = "", 0
        expected = ""
        if key is not None and host:
            text = normalized_string(ts, nonce, request.method, request.target, host, port, ext)
            expected = mac_signature(key, text)
        if not expected or not hmac.compare_digest(expected, header["mac"]):
            raise _unauthorized("MAC signature is invalid")
        if ext != body_hash_ext(request.body):
            raise _unauthorized("Body hash in ext does not match the request body")
        now = time.time()
        if ts > now + _MAC_WINDOW_SECONDS:
            raise _unauthorized("Timestamp is in future", "invalid_timestamp")
        if ts < now - _MAC_WINDOW_SECONDS:
            raise _unauthorized("Timestamp lifetime exceeded", "invalid_timestamp")
        with self._lock:
            self._seen = {pair: until for pair, until in self._seen.items() if until >= now}
            if (mac_id, nonce) in self._seen:
                raise _unauthorized("Nonce was already used")
            self._seen[(mac_id, nonce)] = ts + _MAC_WINDOW_SECONDS


def _payment_not_found(id_text: str) -> _ApiError:
    return _ApiError(404, "not_found", f'Payment "{id_text}" was not found')


def _int_param(
    request: _Request, name: str, default: int, maximum: int | None, problems: _Problems
) -> int:
    text = request.query_value(name)
    if text is None:
        return default
    if re.fullmatch(r"-?[0-9]+", text) is None:
        problems.add(name, "invalid_type", "This value should be an integer.")
        return default
    value = int(text)
    if value < 0:
        problems.add(name, "invalid_value", "This value should be 0 or more.")
    elif maximum is not None and value > maximum:
        problems.add(name, "invalid_value", f"This value should be {maximum} or less.")
    return value


def _number_param(
    request: _Request, name: str, default: float, maximum: float, problems: _Problems
) -> float:
    text = request.query_value(name)
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        problems.add(name, "invalid_type", "This value should be a number.")
        return default
    if not 0 <= value <= maximum:
        problems.add(name, "invalid_value", f"This value should be between 0 and {maximum:g}.")
        return default
    return value


def _json_object_body(body: bytes) -> dict[str, Any]:
    if not body.strip():
        raise _ApiError(400, "invalid_request", "The request body is empty; send a JSON object.")
    try:
        value = json.loads(body.decode("utf-8"), parse_constant=reject_constant)
    except UnicodeDecodeError:
        raise _ApiError(400, "invalid_request", "The request body is not UTF-8 text.") from None
    except ValueError as exc:
        raise _ApiError(
            400, "invalid_request", f"The request body is not valid JSON: {exc}."
        ) from None
    if not isinstance(value, dict):
        raise _ApiError(400, "invalid_request", "The request body must be a JSON object.")
    return value


# --------------------------------------------------------------------------- HTTP plumbing


class _DemoRequestHandler(BaseHTTPRequestHandler):
    """Turns one HTTP/1.1 connection into :class:`_Request` objects and writes the replies."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, the body waits for the
    # client's delayed ACK and every keep-alive request costs ~40 ms.
    disable_nagle_algorithm = True
    # An idle keep-alive connection is dropped after this long instead of holding a thread.
    timeout = 30

    @property
    def _api(self) -> _DemoApi:
        return cast(_DemoHTTPServer, self.server).api

    def version_string(self) -> str:
        return "api-explorer-demo"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay silent: access logs on stderr would drown the app's own output and tests."""

    def _dispatch(self) -> None:
        head_only = self.command == "HEAD"
        try:
            body = self._read_body()
        except _ApiError as error:
            # The rest of the stream cannot be trusted, so answer and hang up.
            self._send(error.to_response(close=True), head_only)
            return
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        raw_path, _, query = self.path.partition("?")
        target = self.path.partition("#")[0]
        if "://" in raw_path:  # absolute-form target, as sent to proxies
            raw_path = urlsplit(raw_path).path
            with contextlib.suppress(ValueError):  # not http(s): no MAC will verify anyway
                target = split_url_for_mac(target)[0]
        request = _Request(
            method=self.command,
            target=target,
            path=raw_path.partition("#")[0],
            query=parse_qs(query.partition("#")[0], keep_blank_values=True),
            headers=headers,
            body=body,
            stopping=self._api.stopping,
            client_gone=self._client_gone,
        )
        try:
            response = self._api.handle(request)
        except _Abort:
            self.close_connection = True
            return
        self._send(response, head_only)

    # Every method funnels into one router, which answers 405 itself for known paths;
    # methods outside this list get a JSON 501 from send_error.
    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch
    do_OPTIONS = do_TRACE = do_CONNECT = _dispatch

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer protocol-level failures (bad request line, unknown method) the Paysera way."""
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "Error"
        if code == 404:
            error = "not_found"
        elif code >= 500 and code != 501:
            error = "internal_server_error"
        else:
            error = "invalid_request"
        response = _ApiError(code, error, message or phrase).to_response(close=True)
        self._send(response, head_only=self.command == "HEAD")

    def _read_body(self) -> bytes:
        # Always consume the body, even for requests that ignore it: leftover bytes would
        # be parsed as the next request on a keep-alive connection.
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length_text = self.headers.get("Content-Length")
        if length_text is None:
            return b""
        if _DIGITS.fullmatch(length_text.strip()) is None:
            raise _ApiError(400, "invalid_request", "Content-Length is not a valid number.")
        length = int(length_text)
        if length > _MAX_REQUEST_BODY:
            raise _body_too_large()
        return self.rfile.read(length)

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            size_line = self.rfile.readline(65537)
            try:
                size = int(size_line.split(b";")[0].strip(), 16)
            except ValueError:
                raise _ApiError(400, "invalid_request", "Malformed chunked body.") from None
            if size == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass  # trailer fields carry nothing the demo uses
                return b"".join(parts)
            total += size
            if total > _MAX_REQUEST_BODY:
                raise _body_too_large()
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    def _client_gone(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _send(self, response: _Response, head_only: bool) -> None:
        self.send_response(response.status)
        if response.content_type is not None:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header(_CORRELATION_HEADER, str(uuid.uuid4()))
        # 204 must not carry Content-Length; everything else always does, for keep-alive.
        if response.status != 204:
            self.send_header("Content-Length", str(len(response.body)))
        if response.close and response.truncate_body_at is None:
            self.send_header("Connection", "close")
        self.end_headers()
        if response.close:
            self.close_connection = True
        if head_only or response.status == 204:
            return
        body = memoryview(response.body)[: response.truncate_body_at]
        for start in range(0, len(body), _WRITE_CHUNK):
            # Chunked writes give each chunk its own socket timeout and let stop() cut in.
            if self._api.stopping.is_set():
                self.close_connection = True
                return
            self.wfile.write(body[start : start + _WRITE_CHUNK])


def _body_too_large() -> _ApiError:
    limit_mb = _MAX_REQUEST_BODY // (1024 * 1024)
    return _ApiError(413, "invalid_request", f"The request body is larger than {limit_mb} MB.")


class _DemoHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that can close its live connections and join their threads.

    ThreadingMixIn's own ``block_on_close`` joins handler threads with no timeout, and an idle
    keep-alive connection would block that forever; so it is off and we track them here.
    """

    daemon_threads = True
    block_on_close = False
    # socketserver's default backlog of 5 drops bursts of connects; the client then waits
    # a full second for the SYN retry.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], api: _DemoApi) -> None:
        self.api = api
        self._connections: set[socket.socket] = set()
        self._handler_threads: set[threading.Thread] = set()
        self._connections_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _DemoRequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the FQDN, a reverse DNS query that can stall start().
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._serve_connection,
            args=(request, client_address),
            name="demo-api-connection",
            daemon=True,
        )
        with self._connections_lock:
            self._connections.add(request)
            self._handler_threads.add(thread)
        thread.start()

    def _serve_connection(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self._connections_lock:
                self._handler_threads.discard(threading.current_thread())

    def shutdown_request(self, request: Any) -> None:
        # Under the lock so close_connections() never touches a socket being closed.
        with self._connections_lock:
            self._connections.discard(request)
            super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake every handler blocked on its socket so its thread can finish."""
        with self._connections_lock:
            for connection in self._connections:
                with contextlib.suppress(OSError):  # already closed by the peer
                    connection.shutdown(socket.SHUT_RDWR)

    def join_handlers(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self._connections_lock:
            threads = list(self._handler_threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-reply is normal for an API explorer (Cancel, timeouts).
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


# --------------------------------------------------------------------------- public surface


class DemoServer:
    """Runs the demo API on 127.0.0.1 at a random free port in a daemon background thread.

    Each instance has its own payment store, seeded with a few payments. A server starts
    once; ``stop()`` may be called any number of times. Use as a context manager::

        with DemoServer() as server:
            print(server.base_url)  # e.g. http://127.0.0.1:54321
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._port = port
        self._api = _DemoApi()
        self._lock = threading.Lock()
        self._httpd: _DemoHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._base_url: str | None = None
        self._stopped = False

    def start(self) -> None:
        """Bind and start serving; returns once the socket is listening."""
        with self._lock:
            if self._httpd is not None:
                raise RuntimeError("A DemoServer can only be started once; create a new one.")
            httpd = _DemoHTTPServer((self._host, self._port), self._api)
            host, port = httpd.server_name, httpd.server_port
            host_text = f"[{host}]" if ":" in host else host
            self._base_url = f"http://{host_text}:{port}"
            self._thread = threading.Thread(
                target=httpd.serve_forever,
                kwargs={"poll_interval": _POLL_SECONDS},
                name=f"demo-api-{port}",
                daemon=True,
            )
            self._thread.start()
            self._httpd = httpd

    def stop(self) -> None:
        """Stop serving, drop open connections, close the socket and join the threads."""
        with self._lock:
            httpd, thread = self._httpd, self._thread
            if httpd is None or thread is None or self._stopped:
                return
            self._stopped = True
            self._api.stopping.set()
            httpd.shutdown()
            httpd.server_close()
            httpd.close_connections()
            thread.join()
            httpd.join_handlers(timeout=5.0)

    @property
    def base_url(self) -> str:
        """Scheme, host and port, without a trailing slash, e.g. ``http://127.0.0.1:54321``."""
        if self._base_url is None:
            raise RuntimeError("The demo server has no address until start() is called.")
        return self._base_url

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo API in the foreground until Ctrl+C; prints the base URL first."""
    parser = argparse.ArgumentParser(description="Run the API Explorer demo API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    with DemoServer(args.host, args.port) as server:
        # The URL alone on stdout, so scripts can capture it; the hint goes to the human.
        print(server.base_url, flush=True)
        print(f"Demo API at {server.base_url}{_API_PREFIX}/; Ctrl+C stops it.", file=sys.stderr)
        # Ctrl+C is the intended way out, not an error.
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The one HTTP client: sends a ``PreparedRequest`` and returns a ``ResponseData``.

Errors: ``send`` raises ``SendFailed`` (carrying a ``TransportFailure``) for anything that
kept a complete response from arriving; ``asyncio.CancelledError`` passes through.
"""

from __future__ import annotations

import asyncio
import time

import httpx

from app.core.outcome import TransportFailure
from app.core.prepare import PreparedRequest
from app.core.response import ResponseData, reason_phrase
from app.http._failures import describe_failure

__all__ = ["HttpClient", "SendFailed", "to_httpx_request"]


class SendFailed(Exception):
    """No complete response arrived; ``failure.message`` says why, for the user."""

    def __init__(self, failure: TransportFailure) -> None:
        super().__init__(failure.message)
        self.failure = failure


def to_httpx_request(prepared: PreparedRequest) -> httpx.Request:
    """The httpx request for ``prepared``, byte for byte (the URL is not re-encoded)."""
    return httpx.Request(
        prepared.method,
        prepared.url,
        headers=list(prepared.headers),
        content=prepared.body if prepared.body else None,
    )


class HttpClient:
    """Owns one ``httpx.AsyncClient``, created on first use inside the running loop.

    Created lazily because an AsyncClient is bound to the loop it first runs on, and each
    test may bring a fresh loop. Redirects are not followed: an API explorer shows the
    3xx the server sent.
    """

    def __init__(self, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    def _get_client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                transport=self._transport,
                follow_redirects=False,
                trust_env=True,
                headers={},
            )
        return self._client

    async def send(self, prepared: PreparedRequest) -> ResponseData:
        """Send ``prepared`` and read the whole response within its timeout (in total)."""
        client = self._get_client()
        timeout = prepared.timeout_seconds
        try:
            request = to_httpx_request(prepared)
        except (httpx.HTTPError, httpx.InvalidURL, UnicodeError, ValueError) as exc:
            # Built before any connection is opened: nothing went on the wire.
            raise SendFailed(describe_failure(exc, prepared.url, timeout)) from exc
        # httpx adds its own defaults; drop any the user did not ask for.
        for name in ("user-agent", "accept"):
            if prepared.header(name) is None:
                request.headers.pop(name, None)
        request.extensions["timeout"] = httpx.Timeout(timeout).as_dict()
        started = time.perf_counter()
        try:
            # httpx's timeouts are per phase; the user's setting bounds the whole exchange.
            async with asyncio.timeout(timeout):
                response = await client.send(request, stream=True)
                try:
                    body = await response.aread()
                finally:
                    await response.aclose()
        except TimeoutError as exc:
            raise SendFailed(
                describe_failure(httpx.ReadTimeout("total timeout"), prepared.url, timeout)
            ) from exc
        except (httpx.HTTPError, OSError, UnicodeError) as exc:
            raise SendFailed(describe_failure(exc, prepared.url, timeout)) from exc
        elapsed_ms = (time.perf_counter() - started) * 1000
        return ResponseData(
            status=response.status_code,
            reason=response.reason_phrase or reason_phrase(response.status_code),
            headers=tuple(
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw
            ),
            body=body,
            elapsed_ms=elapsed_ms,
            url=str(response.request.url),
            http_version=response.http_version,
        )

    async def aclose(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

"""The send pipeline, without Qt: one request from "Send" to a verdict.

For one saved request the pipeline resolves inheritance and variables (``Workspace``),
refuses with a sentence what cannot be sent (an undefined variable, a protected environment,
a request that cannot be built), prepares the exact bytes, signs them at send time (a MAC
gets a fresh timestamp and nonce every time), sends them (``HttpClient``), reads the response
once (JSON parsed with exact numbers, Paysera error decoded), checks the request's assertions
and records the exchange in history. Every end is an ``Outcome`` value.

The window (through ``app.services.qt_adapter``) and the command line (``app.services.runner``)
both call it, so they send the same bytes and reach the same verdicts::

    plan = pipeline.plan(request, source)          # sync: resolve, refuse, prepare
    if isinstance(plan, Refusal): ...              # a sentence; nothing was sent
    outcome = await pipeline.execute(plan)         # sign, send, read, assert
    await pipeline.record(outcome)                 # history, off the event loop

Parsing big bodies and writing history run in the pipeline's one worker thread, so an event
loop that paints a window keeps painting.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import logging
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

from app.core.assertions import Assertion, AssertionKind, AssertionResult, check_assertions
from app.core.clock import describe_skew, server_time_of, server_time_url
from app.core.collection import AuthKind, AuthSpec, SavedRequest
from app.core.exchange import INDEX_ABOVE_BYTES, Exchange, read_exchange
from app.core.outcome import FailureKind, TransportFailure
from app.core.prepare import PreparedRequest, RequestNotSendable, prepare_request
from app.core.redirects import (
    MAX_REDIRECTS,
    REDIRECT_STATUSES,
    RedirectHop,
    next_request,
    origin_of,
    redirect_target,
)
from app.core.request import RequestSpec
from app.core.response import Progress, ResponseData
from app.core.transport import TransportSettings
from app.core.variables import redact, unresolved_message
from app.http.auth import apply_auth
from app.http.body_files import BodyFileError, BodyFiles, LoadedBody, load_body
from app.http.client import HttpClient, SendFailed, as_sent
from app.http.log_redaction import install_log_redaction, secrets_in_flight
from app.http.spool import SpoolSettings
from app.services.workspace import Workspace

if TYPE_CHECKING:
    # The command line keeps no history: the history store (sqlite3, uuid) is imported where
    # the window opens an entry; it is about 15 ms of a start of the command line.
    from app.storage.history import HistoryEntry, HistoryStore

__all__ = [
    "SAFE_METHODS",
    "Confirm",
    "Outcome",
    "OutcomeKind",
    "Pipeline",
    "Refusal",
    "SendPlan",
    "unexpected_failure",
]

# Methods that do not change data: a protected environment sends them without asking.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Bodies up to this size are parsed on the loop's thread: a hop to the worker costs more than
# the parse, and a small request's click-to-status is what people feel.
_INLINE_PARSE_BYTES = 64 * 1024

Confirm = Callable[[str, str], bool]
"""Asks the user yes or no: ``confirm(title, text)``; ``None`` in its place means "no one to
ask" (the command line), and the question's answer is No."""

_T = TypeVar("_T")
_log = logging.getLogger(__name__)
_NO_SECRETS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Refusal:
    """Nothing was sent: ``message`` says why and what to do. ``unprepared`` is true when the
    request as built cannot be sent (bad JSON body, bad URL), as opposed to a refusal of the
    context (undefined variable, protected environment, missing auth value)."""

    message: str
    unprepared: bool = False


@dataclass(frozen=True, slots=True)
class SendPlan:
    """A request ready to go: the exact bytes, the auth to sign them with at send time (its
    values resolved), the same auth with its ``{{variables}}`` (what history keeps), the
    transport settings, the secret values to redact and the assertions to check."""

    prepared: PreparedRequest
    auth: AuthSpec | None = None
    stored_auth: AuthSpec | None = None
    transport: TransportSettings = field(default_factory=TransportSettings)
    secrets: Mapping[str, str] = field(default_factory=lambda: _NO_SECRETS)
    warning: str | None = None
    assertions: tuple[Assertion, ...] = ()
    follow_redirects: bool = False  # see app.core.redirects for the rules
    # The environment it was resolved in (a bundle names it, whatever is chosen later).
    environment: str | None = None
    # A multipart or file body: read into ``prepared`` (empty until then) at each send.
    body_files: BodyFiles | None = None
    # Counts the response body's bytes as they arrive, for the window's "received" line.
    progress: Progress = field(default_factory=Progress, compare=False)

    @property
    def shown_url(self) -> str:
        """The URL with secret values replaced by their names, for the screen and logs."""
        return redact(self.prepared.url, self.secrets)


class OutcomeKind(enum.Enum):
    """How one request ended."""

    REFUSED = "refused"  # nothing was sent; ``message`` says why
    RESPONDED = "responded"  # a complete response arrived; ``exchange`` holds it
    FAILED = "failed"  # sent, but no complete response; ``failure`` says why


@dataclass(frozen=True, slots=True)
class Outcome:
    """The end of one request. ``request`` is what went on the wire (signed)."""

    kind: OutcomeKind
    plan: SendPlan | None = None
    refusal: Refusal | None = None
    request: PreparedRequest | None = None
    exchange: Exchange | None = None
    failure: TransportFailure | None = None
    assertions: tuple[AssertionResult, ...] = ()

    @property
    def message(self) -> str:
        """The sentence for a refusal or a failure ("" for a response)."""
        if self.refusal is not None:
            return self.refusal.message
        return self.failure.message if self.failure is not None else ""

    @property
    def secrets(self) -> Mapping[str, str]:
        return self.plan.secrets if self.plan is not None else _NO_SECRETS

    @property
    def passed(self) -> bool:
        """A response arrived and every assertion held (none at all passes too)."""
        return self.kind is OutcomeKind.RESPONDED and all(r.passed for r in self.assertions)


def unexpected_failure(exc: BaseException) -> TransportFailure:
    """The sentence for an exception nobody expected while sending (the log has the rest)."""
    return TransportFailure(
        FailureKind.OTHER,
        f"The request could not be completed: {exc}. Try again; if it happens again, "
        "please report it with this message.",
    )


def _masked(failure: TransportFailure, secrets: Mapping[str, str]) -> TransportFailure:
    """``failure`` with the request's secret values masked: its sentence names the host
    and URL, and a secret may be part of either."""
    if not secrets:
        return failure
    return dataclasses.replace(failure, message=redact(failure.message, secrets))


def _shown(request: PreparedRequest, loaded: LoadedBody | None) -> PreparedRequest:
    """``request`` as the Request tab and history show it: a body read from files (unless a
    redirect dropped it) with each file's contents as a line naming the file, and every
    header that went on the wire (Content-Length counts the real bytes)."""
    if loaded is None or not request.body or request.body is not loaded.request.body:
        return request
    return dataclasses.replace(as_sent(request), body=loaded.shown)


def _read_and_check(
    request: PreparedRequest,
    response: ResponseData,
    assertions: tuple[Assertion, ...],
    index_above: int = INDEX_ABOVE_BYTES,
) -> tuple[Exchange, tuple[AssertionResult, ...]]:
    # Only a JSONPath assertion needs the document: a body past the streaming threshold is
    # parsed whole for it, and otherwise left to the worker's index.
    whole = any(assertion.kind is AssertionKind.PATH for assertion in assertions)
    exchange = read_exchange(request, response, whole=whole, index_above=index_above)
    return exchange, check_assertions(assertions, exchange)


class Pipeline:
    """Resolves, refuses, prepares, signs, sends, reads, asserts and records requests.

    Owns one ``HttpClient`` and one worker thread (not the loop's default executor: qasync's
    runs QThreads that outlive a test's loop and abort the interpreter at exit). ``history``
    is optional: the command line records nothing.
    """

    def __init__(
        self,
        workspace: Workspace,
        *,
        client: HttpClient | None = None,
        history: HistoryStore | None = None,
    ) -> None:
        self.workspace = workspace
        self.history = history
        self._client = client or HttpClient()
        self.index_above = INDEX_ABOVE_BYTES
        """Bodies in a file larger than this show through the worker's index (``Exchange``)."""
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pipeline")
        install_log_redaction()

    @property
    def body_ceiling(self) -> int:
        """The largest decoded response body read, in bytes; a larger one fails in a
        sentence without being kept."""
        return self._client.ceiling()

    @body_ceiling.setter
    def body_ceiling(self, size: int) -> None:
        self._client.body_ceiling = size

    @property
    def spool(self) -> SpoolSettings | None:
        """Where bodies past a size stream to a file as they arrive (``None``: none do)."""
        return self._client.spool

    @spool.setter
    def spool(self, settings: SpoolSettings | None) -> None:
        self._client.spool = settings

    # --- resolve, refuse, prepare ------------------------------------------------------------
    def plan(
        self,
        request: SavedRequest,
        source: str | None = None,
        *,
        base_url: str = "",
        timeout_seconds: float = 30.0,
        confirm: Confirm | None = None,
        allow_protected: bool = False,
    ) -> SendPlan | Refusal:
        """``request`` (saved at ``source`` in the workspace's collection) ready to send, or
        why not. ``base_url`` is the last fallback below every folder's and the collection's.

        On a protected environment a request that may change data is sent only when
        ``allow_protected`` is true or ``confirm`` says yes.
        """
        workspace = self.workspace
        resolved = workspace.resolve(
            request, source, base_url=base_url, timeout_seconds=timeout_seconds
        )
        unresolved = [*resolved.unresolved, *workspace.transport_unresolved(request, source)]
        env = workspace.environment
        if unresolved:
            message = unresolved_message(
                dict.fromkeys(unresolved),
                env.name if env else None,
                workspace.secrets_without_value(),
            )
            if workspace.problem:
                # A secret that could not be read is not "undefined": say what really failed.
                message = f"{workspace.problem} {message}"
            return Refusal(message)
        try:
            prepared = prepare_request(resolved.spec)
        except RequestNotSendable as exc:
            return Refusal(str(exc), unprepared=True)
        if env is not None and env.protected and prepared.method not in SAFE_METHODS:
            shown = redact(prepared.url, resolved.secrets_used)
            question = (
                f'"{env.name}" is a protected environment. Send {prepared.method} {shown}? '
                "It may change data there."
            )
            if not allow_protected:
                if confirm is None:
                    return Refusal(
                        f'Not sent: "{env.name}" is a protected environment and '
                        f"{prepared.method} may change data there. Pass --allow-protected to "
                        "send it anyway."
                    )
                if not confirm(f"Send to {env.name}?", question):
                    return Refusal("Not sent: you chose not to.")
        return SendPlan(
            prepared=prepared,
            auth=resolved.auth,
            stored_auth=workspace.auth_of(request, source),
            transport=workspace.transport(request, source),
            secrets=resolved.secrets_used,
            warning=workspace.verification_warning(prepared.url),
            assertions=request.assertions,
            follow_redirects=workspace.follow_redirects(request, source),
            body_files=BodyFiles.of(resolved.spec, workspace.root),
            environment=workspace.environment.name if workspace.environment else None,
        )

    def clock_plan(self, exchange: Exchange, request: SavedRequest, source: str | None) -> SendPlan:
        """Asking the API that sent ``exchange`` for its time (``GET /rest/v1/server``, no
        auth), with the transport settings of ``request``. Raises ``RequestNotSendable``."""
        url = server_time_url(exchange.request.url)
        prepared = prepare_request(
            RequestSpec("GET", url, timeout_seconds=exchange.request.timeout_seconds)
        )
        return SendPlan(
            prepared=prepared,
            transport=self.workspace.transport(request, source),
        )

    # --- sign, send, read, assert ------------------------------------------------------------
    @staticmethod
    def sign(plan: SendPlan) -> PreparedRequest | Refusal:
        """``plan``'s request with its auth applied (a MAC signed now, over these exact
        bytes), or why it cannot be: an auth value is missing."""
        if plan.auth is None:
            return plan.prepared
        try:
            return apply_auth(plan.prepared, plan.auth)
        except RequestNotSendable as exc:
            return Refusal(str(exc))

    async def execute(self, plan: SendPlan, signed: PreparedRequest | None = None) -> Outcome:
        """Sign (unless ``signed`` is given: the result of ``sign(plan)``), send and read
        ``plan``'s request and check its assertions.

        A missing auth value is a ``REFUSED`` outcome (nothing went out); no complete
        response is ``FAILED``. ``asyncio.CancelledError`` passes through. With
        ``plan.follow_redirects`` a redirect is followed (``_follow``) and the outcome is the
        last response, its exchange carrying the hops.

        A body made of files (``plan.body_files``) is read first, in the worker thread, and
        signed once read (``signed`` is then not used: it signed no body); a file that cannot
        be sent is a ``REFUSED`` outcome. The outcome's request shows each file as a line
        naming it (``app.http.body_files``), not its bytes.
        """
        loaded: LoadedBody | None = None
        if plan.body_files is not None:
            try:
                loaded = await self.in_worker(load_body, plan.prepared, plan.body_files)
            except BodyFileError as exc:
                return Outcome(
                    OutcomeKind.REFUSED, plan, refusal=Refusal(str(exc), unprepared=True)
                )
            sending = dataclasses.replace(plan, prepared=loaded.request, body_files=None)
            signed = None
        else:
            sending = plan
        request = self.sign(sending) if signed is None else signed
        if isinstance(request, Refusal):
            return Outcome(OutcomeKind.REFUSED, plan, refusal=request)
        hops: tuple[RedirectHop, ...] = ()
        stop: str | None = None
        sent = [request]
        try:
            with secrets_in_flight.sending(plan.secrets):
                response = await self._client.send(request, plan.transport, plan.progress)
                if plan.follow_redirects and response.status in REDIRECT_STATUSES:
                    response, hops, stop = await self._follow(sending, response, sent)
                    request = sent[-1]
            if loaded is not None:
                request = _shown(request, loaded)
            if len(response.body) <= _INLINE_PARSE_BYTES:
                exchange, results = _read_and_check(
                    request, response, plan.assertions, self.index_above
                )
            else:
                # JSONPath over a big body takes as long as its parse: both off the loop.
                exchange, results = await self.in_worker(
                    _read_and_check, request, response, plan.assertions, self.index_above
                )
        except SendFailed as exc:
            failure = _masked(exc.failure, plan.secrets)
            shown = _shown(sent[-1], loaded)
            return Outcome(OutcomeKind.FAILED, plan, request=shown, failure=failure)
        except Exception as exc:  # a bug, not the server: say so, never hang or crash a run
            _log.error("request to %s failed unexpectedly", plan.shown_url, exc_info=exc)
            failure = _masked(unexpected_failure(exc), plan.secrets)
            shown = _shown(sent[-1], loaded)
            return Outcome(OutcomeKind.FAILED, plan, request=shown, failure=failure)
        if hops or stop:
            exchange = dataclasses.replace(exchange, redirects=hops, redirect_stop=stop)
        return Outcome(
            OutcomeKind.RESPONDED, plan, request=request, exchange=exchange, assertions=results
        )

    @staticmethod
    def as_sent(outcome: Outcome) -> Outcome:
        """``outcome`` with its request's headers exactly as they went on the wire (Host,
        Content-Length…), for the Request tab and history. Not done in ``execute``: rebuilding
        the httpx request costs about 15 µs, which a run of 1,000 requests does not need."""
        if outcome.request is None:
            return outcome
        return dataclasses.replace(outcome, request=as_sent(outcome.request))

    async def _follow(
        self, plan: SendPlan, response: ResponseData, sent: list[PreparedRequest]
    ) -> tuple[ResponseData, tuple[RedirectHop, ...], str | None]:
        """Follow the redirect ``response`` (to ``sent[-1]``) by the rules of
        ``app.core.redirects``; each request sent is appended to ``sent``. Returns the last
        response, the hops followed and, when a redirect was not followed, why.

        The next request is built from the unsigned one (``plan.prepared``, then each hop's)
        and signed with ``plan.auth`` only while every hop so far stayed on the first
        request's origin: a MAC is signed afresh for the new URL.
        """
        first_origin = origin_of(plan.prepared.url)
        on_origin = first_origin is not None
        unsigned = plan.prepared
        auth = plan.auth
        own_header: frozenset[str] = frozenset()
        if (
            auth is not None
            and auth.kind is AuthKind.API_KEY
            and auth.get("in", "header").strip().lower() in ("", "header")
        ):
            own_header = frozenset({auth.get("name").strip().lower()})
        hops: list[RedirectHop] = []

        def shown(text: str) -> str:
            return redact(text.strip(), plan.secrets)

        def stopped(why: str) -> tuple[ResponseData, tuple[RedirectHop, ...], str]:
            return response, tuple(hops), why

        while response.status in REDIRECT_STATUSES:
            location = response.header("location") or ""
            if not location.strip():
                return stopped(
                    f"The server sent {response.status} without a Location, so there is "
                    "nowhere to follow."
                )
            if len(hops) >= MAX_REDIRECTS:
                return stopped(
                    f"Stopped after {MAX_REDIRECTS} redirects: the server sent another "
                    f"({response.status} → {shown(location)}); it may be a loop."
                )
            try:
                target = redirect_target(sent[-1].url, location)
                origin = origin_of(target)
            except ValueError:
                origin, target = None, ""
            scheme = target.split(":", 1)[0].lower() if ":" in target else ""
            if scheme not in ("http", "https") or origin is None:
                where = f'a "{scheme}:" URL' if scheme else f'"{shown(location)}"'
                return stopped(
                    f"Not followed: the server redirected to {where}; only http and https "
                    "redirects are followed."
                )
            on_origin = on_origin and origin == first_origin
            unsigned = next_request(
                unsigned,
                response.status,
                target,
                same_origin=on_origin,
                drop_headers=own_header,
            )
            request = unsigned
            if on_origin and auth is not None:
                try:
                    request = apply_auth(unsigned, auth)
                except RequestNotSendable as exc:
                    return stopped(f"Not followed: {exc}")
            hops.append(RedirectHop(response.status, shown(location), shown(target)))
            sent.append(request)
            response = await self._client.send(request, plan.transport, plan.progress)
        return response, tuple(hops), None

    async def in_worker(self, work: Callable[..., _T], *args: object) -> _T:
        """Run ``work(*args)`` in the pipeline's worker thread (parsing, history)."""
        return await asyncio.get_running_loop().run_in_executor(self._worker, work, *args)

    async def run(
        self,
        request: SavedRequest,
        source: str | None = None,
        *,
        base_url: str = "",
        timeout_seconds: float = 30.0,
        allow_protected: bool = False,
    ) -> Outcome:
        """``plan``, ``execute`` and ``record`` in one go, with no one to ask."""
        plan = self.plan(
            request,
            source,
            base_url=base_url,
            timeout_seconds=timeout_seconds,
            allow_protected=allow_protected,
        )
        return await self.run_plan(plan)

    async def run_plan(self, plan: SendPlan | Refusal) -> Outcome:
        """``execute`` and ``record`` a plan made earlier; a refusal is its own outcome."""
        if isinstance(plan, Refusal):
            return Outcome(OutcomeKind.REFUSED, refusal=plan)
        outcome = await self.execute(plan)
        await self.record(outcome)
        return outcome

    # --- history -----------------------------------------------------------------------------
    async def record(self, outcome: Outcome) -> int | None:
        """Add ``outcome`` to history (secrets redacted) in the worker thread; the entry's id,
        or ``None`` when there is no history or nothing was sent. Raises ``HistoryError``."""
        history = self.history
        plan, request = outcome.plan, outcome.request
        if history is None or plan is None or request is None:
            return None
        if outcome.kind is OutcomeKind.REFUSED:
            return None
        exchange = outcome.exchange
        error = exchange.error if exchange is not None else None

        def write() -> int:
            return history.record(
                request,
                exchange.response if exchange is not None else None,
                error_code=error.code if error else None,
                failure=outcome.failure.message if outcome.failure is not None else None,
                secrets=plan.secrets,
                auth=plan.stored_auth,
                warning=plan.warning,
            )

        return await self.in_worker(write)

    async def open_history_entry(self, entry_id: int) -> tuple[HistoryEntry, Exchange | None]:
        """A history entry and its response read again (``None`` when none came), in the
        worker thread: a 50 MB entry takes a while. Raises ``LookupError`` when it is gone
        and ``HistoryError`` when it cannot be read."""
        from app.services.history_records import recorded_exchange

        history = self.history
        if history is None:
            raise LookupError("There is no history.")

        def load() -> tuple[HistoryEntry, Exchange | None]:
            entry = history.get(entry_id)
            if entry is None:
                raise LookupError("That history entry is gone.")
            request, response = recorded_exchange(entry)
            if response is None:
                return entry, None
            if entry.response_body_file is not None:
                # Kept in a file: as a body streamed to one, indexed when big enough.
                response = dataclasses.replace(response, body_file=entry.response_body_file)
            return entry, read_exchange(request, response, index_above=self.index_above)

        return await self.in_worker(load)

    # --- clock -------------------------------------------------------------------------------
    @staticmethod
    def describe_clock(outcome: Outcome) -> str:
        """What a server-time answer says about this computer's clock."""
        exchange = outcome.exchange
        if exchange is None:
            return outcome.message
        server_time = server_time_of(exchange.response, exchange.document)
        if server_time is None:
            return (
                f"{exchange.request.url} did not say what time it is there "
                f"({exchange.response.status} {exchange.response.reason})."
            )
        return describe_skew(server_time, time.time())

    async def aclose(self) -> None:
        """Close the HTTP client and stop the worker (call with nothing in flight)."""
        self._worker.shutdown(wait=False, cancel_futures=True)
        await self._client.aclose()

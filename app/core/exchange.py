"""A request and its response, read: the parsed JSON document and the decoded error."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.errors import DecodedError, decode_error
from app.core.json_doc import parse_json_exact
from app.core.prepare import PreparedRequest
from app.core.response import ResponseData

__all__ = ["Exchange", "read_exchange"]


@dataclass(frozen=True, slots=True)
class Exchange:
    """What the response pane shows.

    ``is_json`` is true when the body parsed as JSON; ``document`` is then the parsed value
    (numbers exact, see ``json_doc``). ``json_problem`` says why a body that claimed to be
    JSON did not parse.
    """

    request: PreparedRequest
    response: ResponseData
    is_json: bool
    document: object
    json_problem: str | None
    error: DecodedError | None


def _looks_like_json(response: ResponseData) -> bool:
    media = response.content_type
    if media == "application/json" or media.endswith("+json"):
        return True
    if media and not media.startswith("text/plain"):
        return False
    head = response.body[:64].lstrip()
    return head.startswith((b"{", b"["))


def read_exchange(request: PreparedRequest, response: ResponseData) -> Exchange:
    """Parse and decode ``response``; slow for big bodies, so callers run it off the UI."""
    document: object = None
    is_json = False
    problem: str | None = None
    if response.body.strip() and _looks_like_json(response):
        try:
            document = parse_json_exact(response.text())
            is_json = True
        except ValueError as exc:
            problem = f"The body is not valid JSON: {exc}."
    return Exchange(request, response, is_json, document, problem, decode_error(response))

"""A request and its response, read: the parsed JSON document and the decoded error."""

from __future__ import annotations

import json
from dataclasses import dataclass

from app.core.errors import DecodedError, decode_error
from app.core.json_check import explain_decode_error
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


def _declares_json(response: ResponseData) -> bool:
    media = response.content_type
    return media == "application/json" or media.endswith("+json")


def _looks_like_json(response: ResponseData) -> bool:
    """Declared JSON, or undeclared/plain text that starts like a JSON document."""
    if _declares_json(response):
        return True
    media = response.content_type
    if media and not media.startswith("text/plain"):
        return False
    head = response.body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"{", b"["))


def read_exchange(request: PreparedRequest, response: ResponseData) -> Exchange:
    """Parse (once) and decode ``response``; slow for big bodies, so callers run it off the UI.

    Only a body the server declared as JSON gets a "not valid JSON" message: plain text
    that merely starts with ``{`` is shown as text without complaint.
    """
    document: object = None
    is_json = False
    problem: str | None = None
    if response.body.strip() and _looks_like_json(response):
        text = response.text().lstrip("\ufeff")
        try:
            document = parse_json_exact(text)
            is_json = True
        except json.JSONDecodeError as exc:
            if _declares_json(response):
                described = explain_decode_error(text, exc).describe()
                problem = f"The body is declared as JSON but is not valid JSON. {described}"
        except ValueError as exc:
            if _declares_json(response):
                problem = f"The body is declared as JSON but cannot be read. {exc}"
        error = decode_error(response, (document, is_json))
    else:
        error = decode_error(response)
    return Exchange(request, response, is_json, document, problem, error)

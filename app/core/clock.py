"""Comparing this computer's clock with a Paysera server's (``GET /rest/v1/server``).

MAC signatures carry a timestamp; a clock that is off makes the server answer
``invalid_timestamp`` ("Timestamp is in future", "Timestamp lifetime exceeded").
"""

from __future__ import annotations

import email.utils
from urllib.parse import urlsplit, urlunsplit

from app.core.response import ResponseData

__all__ = ["describe_skew", "server_time_of", "server_time_url"]

_API_ROOT = "/rest/v1/"


def server_time_url(request_url: str) -> str:
    """The ``/rest/v1/server`` URL of the API ``request_url`` belongs to (same origin and
    API prefix, e.g. ``https://h/transfer/rest/v1/x`` -> ``https://h/transfer/rest/v1/server``)."""
    parts = urlsplit(request_url)
    path = parts.path
    index = path.find(_API_ROOT)
    prefix = path[: index + len(_API_ROOT)] if index >= 0 else _API_ROOT
    return urlunsplit((parts.scheme, parts.netloc, prefix + "server", "", ""))


def server_time_of(response: ResponseData, document: object) -> float | None:
    """The server's time from the ``time`` field of the body, else from the Date header."""
    if isinstance(document, dict):
        value = document.get("time")
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
    date = response.header("date")
    if date:
        try:
            return email.utils.parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            return None
    return None


def describe_skew(server_time: float, local_time: float) -> str:
    """A sentence about how far this computer's clock is from the server's."""
    skew = round(local_time - server_time)
    if abs(skew) <= 2:
        return (
            "This computer's clock agrees with the server's (within 2 seconds): the "
            "timestamp is not the problem; check that each request is signed when sent."
        )
    direction = "ahead of" if skew > 0 else "behind"
    amount = abs(skew)
    spelled = f"{amount} seconds" if amount < 120 else f"{amount / 60:.0f} minutes"
    return (
        f"This computer's clock is {spelled} {direction} the server's. Set the clock "
        "automatically (NTP) and send again."
    )

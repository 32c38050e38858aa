"""Requests out as something a colleague can run: a cURL command (bash), an HTTPie command
and a Python script with httpx.

Each takes a ``PreparedRequest``: what was sent, or what would be sent. The window passes
the current request prepared and signed; a history entry passes the request it recorded
(``app.services.history_records.recorded_exchange``), whose secret values are already
markers. Headers every client adds by itself from the URL and body (``Host`` for the URL's
own host, ``Content-Length``) are left out; every other header goes out as it was sent.

Secrets: ``secrets`` maps variable names to the values that went into the request. Unless
``include_secrets`` is true each value, in every form ``app.core.variables.redact`` knows
(percent-encoded, JSON-escaped) and inside Basic credentials, is written as ``{{name}}``,
and a redaction marker of a history entry (``«secret:name»``) too; Basic credentials that
hold a secret are written as the tool's user option (``-u 'user:{{password}}'``), since
base64 of a placeholder means nothing.

The shell commands read back exactly in bash (``to_curl``'s output is what
``app.formats.curl.parse_command`` reads): arguments are single-quoted, text with control
characters is ``$'…'``-quoted, and a body holding a NUL byte, which no shell argument can
carry, is piped in with ``printf``.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol
from urllib.parse import urlsplit

from app.core.prepare import PreparedRequest
from app.core.request import FormField
from app.core.variables import (
    REDACTION_PATTERN,
    derived_secrets,
    redact,
    redact_bytes,
    restore_placeholders,
)

__all__ = ["SNIPPETS", "Snippet", "to_curl", "to_httpie", "to_httpx"]

_NO_SECRETS: Mapping[str, str] = MappingProxyType({})
_CONTINUE = " \\\n  "
_MARKER_BYTES = re.compile(REDACTION_PATTERN.pattern.encode("utf-8"))


class Snippet(Protocol):
    """The shape of ``to_curl``, ``to_httpie`` and ``to_httpx``."""

    def __call__(
        self,
        request: PreparedRequest,
        *,
        secrets: Mapping[str, str] = ...,
        include_secrets: bool = ...,
        follow_redirects: bool = ...,
        verify: bool = ...,
    ) -> str: ...


@dataclass(frozen=True, slots=True)
class _Shown:
    """The request as the snippet shows it: secrets hidden (unless asked), wire-only
    headers left out, Basic credentials holding a secret split into ``basic``."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    basic: tuple[str, str] | None

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def _authority(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        netloc = parts.netloc.rpartition("@")[2]
        port = parts.port
    except ValueError:
        return None
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    if port is not None and port == default:
        netloc = netloc.rsplit(":", 1)[0]
    return netloc.lower()


def _decoded_basic(value: str) -> str | None:
    """``user:password`` of a ``Basic`` header value: base64 as sent, or the decoded form
    with markers that history keeps (``app.core.variables.redact_headers``)."""
    scheme, _, credentials = value.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    credentials = credentials.strip()
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = credentials if REDACTION_PATTERN.search(credentials) else ""
    return decoded if ":" in decoded else None


def _shown(request: PreparedRequest, secrets: Mapping[str, str], include: bool) -> _Shown:
    hidden = {} if include else {k: v for k, v in secrets.items() if v}
    if hidden:
        derived = derived_secrets(request.headers, hidden)
        derived.pop("mac_signature", None)  # good for one send; it does not reveal the key
        hidden = derived

    def text(value: str) -> str:
        return restore_placeholders(redact(value, hidden) if hidden else value)

    authority = _authority(request.url)
    headers: list[tuple[str, str]] = []
    basic: tuple[str, str] | None = None
    for name, value in request.headers:
        lowered = name.lower()
        if lowered == "content-length":
            continue
        if lowered == "host" and value.strip().lower() == authority:
            continue
        if lowered == "authorization" and basic is None:
            decoded = _decoded_basic(value)
            if decoded is not None:
                shown = text(decoded)
                if shown != decoded or REDACTION_PATTERN.search(decoded):
                    user, _, password = shown.partition(":")
                    basic = (user, password)
                    continue
        headers.append((text(name), text(value)))
    body = request.body
    if hidden:
        try:
            body = text(body.decode("utf-8")).encode("utf-8")
        except UnicodeDecodeError:
            body = redact_bytes(body, hidden)
    body = _MARKER_BYTES.sub(lambda m: b"{{" + m.group(1) + b"}}", body)
    return _Shown(request.method.upper(), text(request.url), tuple(headers), body, basic)


# --------------------------------------------------------------------------- shell quoting

_SAFE = re.compile(r"[A-Za-z0-9_@%+=:,./-]+")


def _bash_quote(text: str) -> str:
    """``text`` as one bash word that reads back exactly: bare when only safe characters,
    ``'…'`` for printable text (``'`` as ``'\\''``), ``$'…'`` when it holds control
    characters (a pasted carriage return or tab would act in a terminal)."""
    if _SAFE.fullmatch(text):
        return text
    if any(_needs_escape(char) for char in text):
        return "$'" + "".join(_ansi_c_char(char) for char in text) + "'"
    return "'" + text.replace("'", "'\\''") + "'"


def _needs_escape(char: str) -> bool:
    return (char < " " and char != "\n") or char == "\x7f" or "\udc80" <= char <= "\udcff"


_ANSI_C = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _ansi_c_char(char: str) -> str:
    if char in _ANSI_C:
        return _ANSI_C[char]
    if "\udc80" <= char <= "\udcff":  # a byte that is not UTF-8, kept by surrogateescape
        return f"\\x{ord(char) - 0xDC00:02x}"
    if char < " " or char == "\x7f":
        return f"\\x{ord(char):02x}"
    return char


def _printf_format(body: bytes) -> str:
    """``body`` as a ``printf`` format that prints exactly its bytes (NUL included):
    printable ASCII as itself, everything else as a three-digit octal escape."""
    out: list[str] = []
    for byte in body:
        char = chr(byte)
        if char == "%":
            out.append("%%")
        elif char == "\\":
            out.append("\\\\")
        elif 0x20 <= byte < 0x7F or char == "\n":
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return "".join(out)


def _body_word(body: bytes) -> str | None:
    """The body as one bash word, or ``None`` when it holds a NUL byte (pipe it instead)."""
    if b"\x00" in body:
        return None
    return _bash_quote(body.decode("utf-8", "surrogateescape"))


# --------------------------------------------------------------------------- the snippets


def _form_word(field: FormField) -> str:
    """One ``-F`` / ``--form-string`` argument: text as it is, a file by its path."""
    if not field.file:
        return "--form-string " + _bash_quote(f"{field.name}={field.value}")
    path = field.value
    if any(char in path for char in ';,"'):
        path = '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'
    typed = f";type={field.content_type}" if field.content_type else ""
    return "-F " + _bash_quote(f"{field.name}=@{path}{typed}")


def to_curl(
    request: PreparedRequest,
    *,
    secrets: Mapping[str, str] = _NO_SECRETS,
    include_secrets: bool = False,
    follow_redirects: bool = False,
    verify: bool = True,
    form: Sequence[FormField] = (),
    body_file: str = "",
) -> str:
    """A bash command that makes curl send ``request``: same method, URL, headers and
    body bytes (``--data-binary``; curl adds no ``Content-Type`` the request did not have).

    A body made of files is named, not copied: ``form`` (the fields of a multipart body,
    files by path; curl makes the boundary) or ``body_file`` (a file sent as the body).
    """
    if form or body_file:
        files = [_form_word(f) for f in form]
        if body_file:
            files.append("--data-binary " + _bash_quote("@" + body_file))
        headers = request.headers
        if form:  # curl writes its own Content-Type, with its boundary
            headers = tuple(
                (n, v) for n, v in headers if not (n.lower() == "content-type" and "multipart" in v)
            )
        plain = dataclasses.replace(request, headers=headers, body=b"")
        command = to_curl(
            plain,
            secrets=secrets,
            include_secrets=include_secrets,
            follow_redirects=follow_redirects,
            verify=verify,
        )
        # With -F curl sends a POST: any other method is said (an empty GET body adds none).
        program, _, rest = command.partition(" ")
        if request.method != "POST" and " -X " not in command.split("\n", 1)[0]:
            command = f"{program} -X {_bash_quote(request.method)} {rest}"
        return _CONTINUE.join([command, *files])
    shown = _shown(request, secrets, include_secrets)
    first = ["curl"]
    has_body = bool(shown.body)
    if shown.method == "HEAD" and not has_body:
        first.append("--head")
    elif not ((shown.method == "GET" and not has_body) or (shown.method == "POST" and has_body)):
        first += ["-X", _bash_quote(shown.method)]
    if re.search(r"[\[\]{}]", shown.url):
        first.append("-g")  # curl would read [] and {} as ranges and lists of URLs
    first.append(_bash_quote(shown.url))
    lines = [" ".join(first)]
    for name, value in shown.headers:
        lines.append("-H " + _bash_quote(f"{name}: {value}" if value else f"{name};"))
    if has_body and shown.header("Content-Type") is None:
        lines.append("-H 'Content-Type:'")  # else curl adds x-www-form-urlencoded
    encoding = shown.header("Accept-Encoding")
    if encoding is not None and encoding.strip().lower() != "identity":
        lines.append("--compressed")  # decode what the Accept-Encoding asked for
    if shown.basic is not None:
        lines.append("-u " + _bash_quote(f"{shown.basic[0]}:{shown.basic[1]}"))
    if follow_redirects:
        lines.append("-L")
    if not verify:
        lines.append("-k")
    prefix = ""
    if has_body:
        word = _body_word(shown.body)
        if word is None:
            prefix = f"printf {_bash_quote(_printf_format(shown.body))} | "
            lines.append("--data-binary @-")
        elif shown.body.startswith(b"@"):
            lines.append("--data-raw " + word)  # --data-binary @… would read a file
        else:
            lines.append("--data-binary " + word)
    return prefix + _CONTINUE.join(lines)


def _httpie_header(name: str, value: str) -> str:
    if not value:
        return f"{name};"
    # A value starting with = or @ would turn "Name:" into HTTPie's ":=" or ":@".
    escape = "\\" if value[0] in "=@" else ""
    return f"{name}:{escape}{value}"


def to_httpie(
    request: PreparedRequest,
    *,
    secrets: Mapping[str, str] = _NO_SECRETS,
    include_secrets: bool = False,
    follow_redirects: bool = False,
    verify: bool = True,
) -> str:
    """An HTTPie (3.2+) command that sends ``request``: the body with ``--raw`` (or piped
    in with ``printf`` when it holds a NUL byte); a header HTTPie would add on its own
    (its JSON ``Content-Type`` for a body) is unset when the request did not send it."""
    shown = _shown(request, secrets, include_secrets)
    first = ["http"]
    if follow_redirects:
        first.append("--follow")
    if not verify:
        first.append("--verify=no")
    if shown.basic is not None:
        first += ["-a", _bash_quote(f"{shown.basic[0]}:{shown.basic[1]}")]
    word = _body_word(shown.body) if shown.body else ""
    prefix = ""
    if word is None:
        prefix = f"printf {_bash_quote(_printf_format(shown.body))} | "
    elif word:
        first += ["--raw", word]
    first += [_bash_quote(shown.method), _bash_quote(shown.url)]
    lines = [" ".join(first)]
    lines += [_bash_quote(_httpie_header(n, v)) for n, v in shown.headers]
    if shown.body and shown.header("Content-Type") is None:
        lines.append("Content-Type:")
    return prefix + _CONTINUE.join(lines)


def _python_body(body: bytes) -> str:
    """The body as a Python expression of its exact bytes: text split at its line breaks
    and encoded, or a bytes literal when it is not UTF-8."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pieces_b = body.splitlines(keepends=True)
        if len(pieces_b) == 1:
            return repr(body)
        inner_b = "\n".join(f"        {piece!r}" for piece in pieces_b)
        return f"(\n{inner_b}\n    )"
    pieces = text.splitlines(keepends=True)
    if len(pieces) <= 1 and len(text) <= 70:
        return f"{text!r}.encode()"
    inner = "\n".join(f"        {piece!r}" for piece in pieces)
    return f"(\n{inner}\n    ).encode()"


def to_httpx(
    request: PreparedRequest,
    *,
    secrets: Mapping[str, str] = _NO_SECRETS,
    include_secrets: bool = False,
    follow_redirects: bool = False,
    verify: bool = True,
) -> str:
    """A Python script that sends ``request`` with httpx and prints the response."""
    shown = _shown(request, secrets, include_secrets)
    lines = [
        "import httpx",
        "",
        "response = httpx.request(",
        f"    {shown.method!r},",
        f"    {shown.url!r},",
    ]
    if shown.headers:
        lines.append("    headers=[")
        lines += [f"        ({n!r}, {v!r})," for n, v in shown.headers]
        lines.append("    ],")
    if shown.body:
        lines.append(f"    content={_python_body(shown.body)},")
    if shown.basic is not None:
        user, password = shown.basic
        lines.append(f"    auth=({user!r}, {password!r}),")
    if follow_redirects:
        lines.append("    follow_redirects=True,")
    if not verify:
        lines.append("    verify=False,")
    if request.timeout_seconds > 0:
        lines.append(f"    timeout={request.timeout_seconds!r},")
    lines += [
        ")",
        "print(response.status_code, response.reason_phrase)",
        "print(response.text)",
        "",
    ]
    return "\n".join(lines)


SNIPPETS: Mapping[str, Snippet] = MappingProxyType(
    {"curl": to_curl, "httpie": to_httpie, "httpx": to_httpx}
)
"""Each snippet by the name ``api-explorer export --format`` uses."""

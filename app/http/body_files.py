"""Request bodies made of files, read when the request is sent: a multipart form (text
fields and files) and a file sent as the whole body.

``app.core.prepare`` checks such a request but leaves its body empty (core reads no files).
The pipeline describes what to read (``BodyFiles.of``, paths made absolute against the
collection folder) when it plans the request, and calls ``load_body`` in its worker thread
when it sends it, never on the event loop: a file may be hundreds of megabytes, or sit on a
slow disk. ``load_body`` returns the request with its bytes and Content-Type, and the body
as the Request tab and history show it: each file's contents replaced by a line naming the
file and its size (``summary_line``), so a 500 MB upload is not copied into history.

Errors: ``load_body`` raises ``BodyFileError`` (a ``RequestNotSendable``) whose ``str()``
names the file and says what to do: it does not exist, is a folder, cannot be read, or is
larger than ``MAX_BODY_FILE_BYTES``.
"""

from __future__ import annotations

import dataclasses
import mimetypes
import os
import re
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from app.core.display_text import describe_size
from app.core.prepare import MULTIPART_CONTENT_TYPE, PreparedRequest, RequestNotSendable
from app.core.request import BodyMode, FormField, RequestSpec

__all__ = [
    "MAX_BODY_FILE_BYTES",
    "SUMMARY_PATTERN",
    "BodyFileError",
    "BodyFiles",
    "LoadedBody",
    "guess_content_type",
    "load_body",
    "resolve_path",
    "summary_line",
]

MAX_BODY_FILE_BYTES = 512 * 1024 * 1024
"""The most a request body read from files may hold: the whole body is held in memory,
to be signed (a MAC covers every byte) and sent."""

SUMMARY_PATTERN = re.compile(r"«file (.+), (\d+) bytes»")
"""What ``summary_line`` writes in place of a file's contents; group 1 is the path (as
sent, absolute), group 2 the size."""

_OCTET_STREAM = "application/octet-stream"
_types: mimetypes.MimeTypes | None = None


class BodyFileError(RequestNotSendable):
    """A file of the body cannot be sent; ``str(exc)`` names it and says what to do."""


def guess_content_type(path: str) -> str:
    """The media type a file's name suggests (``image/png``), else
    ``application/octet-stream``. Python's own table, not the system's, so a collection
    sends the same type on every computer."""
    global _types
    if _types is None:
        _types = mimetypes.MimeTypes()
    return _types.guess_type(Path(path).name, strict=True)[0] or _OCTET_STREAM


def resolve_path(text: str, root: Path | None) -> str:
    """``text`` as an absolute path: ``~`` expanded, a relative path taken from the
    collection folder ``root`` (left as it is when there is none)."""
    path = Path(text.strip()).expanduser()
    if not path.is_absolute() and root is not None:
        path = root / path
    return str(path)


def summary_line(path: str, size: int) -> str:
    """What the Request tab and history show instead of a file's contents."""
    return f"«file {path}, {size} bytes»"


@dataclass(frozen=True, slots=True)
class BodyFiles:
    """What a MULTIPART or FILE body reads when it is sent: the enabled fields, file paths
    absolute (MULTIPART), or the file's absolute path (FILE)."""

    mode: BodyMode
    fields: tuple[FormField, ...] = ()
    path: str = ""

    @classmethod
    def of(cls, spec: RequestSpec, root: Path | None) -> BodyFiles | None:
        """What ``spec`` (resolved and prepared) reads; ``None`` when its body is not made
        of files. Relative paths start at the collection folder ``root``."""
        if spec.body_mode is BodyMode.FILE:
            return cls(BodyMode.FILE, path=resolve_path(spec.body, root))
        if spec.body_mode is BodyMode.MULTIPART:
            fields = tuple(
                dataclasses.replace(f, value=resolve_path(f.value, root)) if f.file else f
                for f in spec.enabled_form()
            )
            return cls(BodyMode.MULTIPART, fields=fields)
        return None


@dataclass(frozen=True, slots=True)
class LoadedBody:
    """``request`` with its body read; ``shown`` is that body with each file's contents
    replaced by its ``summary_line`` (for the Request tab and history)."""

    request: PreparedRequest
    shown: bytes


def _read(path: str, subject: str, budget: int) -> bytes:
    """The bytes of the file at ``path``, at most ``budget`` of them, or a sentence about
    ``subject`` (``The body file "/x/a.bin"``)."""
    advice = "Check the path in the Body tab (a relative path starts at the collection folder)."
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise BodyFileError(f"{subject} is a folder, not a file. {advice}")
            if not stat.S_ISREG(info.st_mode):
                # A pipe or a device could be read for ever.
                raise BodyFileError(f"{subject} is not a regular file. {advice}")
            if info.st_size > budget:
                raise _too_large(subject, info.st_size)
            data = handle.read(budget + 1)
    except FileNotFoundError:
        raise BodyFileError(f"{subject} does not exist. {advice}") from None
    except IsADirectoryError:
        raise BodyFileError(f"{subject} is a folder, not a file. {advice}") from None
    except OSError as exc:
        raise BodyFileError(f"{subject} cannot be read ({exc.strerror or exc}). {advice}") from None
    if len(data) > budget:  # it grew while being read
        raise _too_large(subject, len(data))
    return data


def _too_large(subject: str, size: int) -> BodyFileError:
    limit = describe_size(MAX_BODY_FILE_BYTES)
    return BodyFileError(
        f"{subject} is {describe_size(size)}: a body read from files may hold at most "
        f"{limit} in all (it is held in memory to be signed and sent). Send a smaller file."
    )


def _quoted(text: str) -> bytes:
    """A name or file name inside ``name="..."``, escaped as browsers do (WHATWG)."""
    return text.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A").encode("utf-8")


def _part_head(field: FormField, content_type: str, filename: str | None) -> bytes:
    head = b'Content-Disposition: form-data; name="' + _quoted(field.name) + b'"'
    if filename is not None:
        head += b'; filename="' + _quoted(filename) + b'"'
    head += b"\r\n"
    if content_type:
        head += b"Content-Type: " + content_type.encode("ascii") + b"\r\n"
    return head + b"\r\n"


def _multipart(
    prepared: PreparedRequest, fields: tuple[FormField, ...], boundary: str | None
) -> LoadedBody:
    heads: list[bytes] = []
    contents: list[bytes] = []
    shown: list[bytes] = []
    budget = MAX_BODY_FILE_BYTES
    for field in fields:
        if field.file:
            subject = f'The file "{field.value}" of field "{field.name}"'
            data = _read(field.value, subject, budget)
            budget -= len(data)
            content_type = field.content_type.strip() or guess_content_type(field.value)
            heads.append(_part_head(field, content_type, Path(field.value).name))
            contents.append(data)
            shown.append(summary_line(field.value, len(data)).encode("utf-8"))
        else:
            value = field.value.encode("utf-8")
            heads.append(_part_head(field, field.content_type.strip(), None))
            contents.append(value)
            shown.append(value)
    if not fields:
        return LoadedBody(prepared, b"")
    if boundary is None:
        boundary = _fresh_boundary(contents)

    def joined(parts: list[bytes]) -> bytes:
        delimiter = b"--" + boundary.encode("ascii")
        pieces: list[bytes] = []
        for head, content in zip(heads, parts, strict=True):
            pieces += [delimiter, b"\r\n", head, content, b"\r\n"]
        pieces += [delimiter, b"--\r\n"]
        return b"".join(pieces)

    content_type = f"{MULTIPART_CONTENT_TYPE}; boundary={boundary}"
    return LoadedBody(_with_body(prepared, joined(contents), content_type), joined(shown))


def _fresh_boundary(contents: list[bytes]) -> str:
    # 128 random bits: that a file holds them is all but impossible, but checking is cheap.
    while True:
        boundary = "----APIExplorer" + secrets.token_hex(16)
        marker = boundary.encode("ascii")
        if not any(marker in content for content in contents):
            return boundary


def _with_body(prepared: PreparedRequest, body: bytes, content_type: str) -> PreparedRequest:
    headers = prepared.headers
    if prepared.header("Content-Type") is None:
        headers = (*headers, ("Content-Type", content_type))
    return dataclasses.replace(prepared, headers=headers, body=body)


def load_body(
    prepared: PreparedRequest, files: BodyFiles, *, boundary: str | None = None
) -> LoadedBody:
    """``prepared`` (its body left empty by ``prepare_request``) with the body ``files``
    describes: the Content-Type is added unless the request sets one (a multipart form's
    carries its ``boundary``, random unless given). Reads files: call it off the event
    loop. Raises ``BodyFileError``."""
    if files.mode is BodyMode.MULTIPART:
        return _multipart(prepared, files.fields, boundary)
    data = _read(files.path, f'The body file "{files.path}"', MAX_BODY_FILE_BYTES)
    request = _with_body(prepared, data, guess_content_type(files.path))
    return LoadedBody(request, summary_line(files.path, len(data)).encode("utf-8"))

"""A classic hex dump of bytes: offset, sixteen bytes in hex, the same bytes as ASCII."""

from __future__ import annotations

__all__ = ["BYTES_PER_LINE", "hex_dump"]

BYTES_PER_LINE = 16


def _printable(byte: int) -> str:
    return chr(byte) if 0x20 <= byte < 0x7F else "."


def hex_dump(data: bytes, start: int = 0, length: int | None = None) -> str:
    """Lines of ``data[start:start + length]``, each ``00000010  48 65 …  |He…|``; offsets
    count from the start of ``data``, so a page of a big body reads like the whole dump."""
    end = len(data) if length is None else min(len(data), start + length)
    lines = []
    for offset in range(start, end, BYTES_PER_LINE):
        chunk = data[offset : min(offset + BYTES_PER_LINE, end)]
        hex_part = " ".join(f"{byte:02x}" for byte in chunk)
        text = "".join(_printable(byte) for byte in chunk)
        lines.append(f"{offset:08x}  {hex_part:<{BYTES_PER_LINE * 3 - 1}}  |{text}|")
    return "\n".join(lines)

"""Example values built from JSON-schema-like dicts: what a body looks like when the
description gives no example of its own (OpenAPI and Swagger schemas; RAML types once
turned into the same shape).

``example_from_schema(schema, resolve)`` returns plain JSON data: ``dict``, ``list``,
``str``, ``int``, ``bool``, ``None`` and :class:`~app.core.json_doc.JsonNumber` for numbers
that must keep their exact text. A value the schema gives (``example``, ``examples``,
``const``, ``default``, the first of ``enum``) wins over one made up from the type;
``allOf`` parts are merged, ``oneOf``/``anyOf`` take their first choice, and a string
whose format is a decimal (``decimal``, ``money``) is an exact ``"10.00"``.

Bounded whatever the schema: at most ``max_depth`` levels and ``max_nodes`` values (past
them objects and arrays come out empty), and a ``$ref`` met again inside itself is cut
(the property is left out, an array is empty), so cyclic and huge schemas cost little.
Pure: no I/O; ``resolve`` turns a ``$ref`` into the schema it names, or ``None``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Final

from app.core.json_doc import JsonNumber

__all__ = ["Resolve", "example_from_schema"]

Resolve = Callable[[str], object]
"""Returns the schema a ``$ref`` names (``None`` when it names nothing that can be read)."""


class _Omit:
    """Marks a value to leave out: a ``$ref`` cycle cut, or a read-only property."""


_OMIT: Final = _Omit()

_STRING_FORMATS: Final[Mapping[str, str]] = {
    "date": "2024-01-01",
    "date-time": "2024-01-01T00:00:00Z",
    "time": "00:00:00",
    "duration": "P1D",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "uri": "https://example.com",
    "url": "https://example.com",
    "iri": "https://example.com",
    "uri-reference": "/path",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "c3RyaW5n",
    "binary": "",
    "regex": ".*",
    "json-pointer": "/",
}

_DECIMAL_FORMATS: Final = frozenset({"decimal", "money"})
_DECIMAL_EXAMPLE: Final = "10.00"
_MAX_REF_HOPS: Final = 32
_MAX_REPEAT: Final = 3  # items shown for an array with minItems


def example_from_schema(
    schema: object,
    resolve: Resolve,
    *,
    writing: bool = True,
    max_depth: int = 12,
    max_nodes: int = 2000,
) -> object:
    """An example value for ``schema``.

    ``writing``: the value is sent (a request body), so ``readOnly`` properties are left
    out; otherwise ``writeOnly`` ones are.
    """
    builder = _Builder(resolve, writing, max_depth, max_nodes)
    value = builder.build(schema, 0)
    return {} if isinstance(value, _Omit) else value


class _Builder:
    def __init__(self, resolve: Resolve, writing: bool, max_depth: int, max_nodes: int) -> None:
        self.resolve = resolve
        self.writing = writing
        self.max_depth = max_depth
        self.nodes_left = max_nodes
        self.active: list[str] = []  # the $refs being expanded, outermost first

    def build(self, schema: object, depth: int) -> object:
        entered = 0
        try:
            for _ in range(_MAX_REF_HOPS):
                if not isinstance(schema, Mapping):
                    return None
                ref = schema.get("$ref")
                if not isinstance(ref, str):
                    break
                if ref in self.active:
                    return _OMIT
                self.active.append(ref)
                entered += 1
                schema = self.resolve(ref)
            else:
                return None
            if not isinstance(schema, Mapping):
                return None
            return self._build_resolved(schema, depth)
        finally:
            del self.active[len(self.active) - entered :]

    def _build_resolved(self, schema: Mapping[str, object], depth: int) -> object:
        if self.writing and schema.get("readOnly") is True:
            return _OMIT
        if not self.writing and schema.get("writeOnly") is True:
            return _OMIT
        self.nodes_left -= 1
        given = _given_value(schema)
        if given is not _OMIT:
            return given
        exhausted = depth >= self.max_depth or self.nodes_left <= 0
        all_of = schema.get("allOf")
        if isinstance(all_of, list) and all_of and not exhausted:
            return self._all_of(schema, all_of, depth)
        for key in ("oneOf", "anyOf"):
            choices = schema.get(key)
            if isinstance(choices, list) and choices and not exhausted:
                return self._first_choice(choices, depth)
        kind = _type_of(schema)
        if kind == "object":
            return {} if exhausted else self._object(schema, depth)
        if kind == "array":
            return [] if exhausted else self._array(schema, depth)
        if kind == "string":
            return _string(schema)
        if kind in ("integer", "number"):
            return _number(schema, kind)
        if kind == "boolean":
            return True
        return None

    def _all_of(self, schema: Mapping[str, object], parts: list[object], depth: int) -> object:
        merged: dict[str, object] = {}
        other: object = _OMIT
        own = {k: v for k, v in schema.items() if k != "allOf"}
        for part in [*parts, own] if _type_of(own) else parts:
            value = self.build(part, depth + 1)
            if isinstance(value, dict):
                for key, item in value.items():
                    merged.setdefault(key, item)
            elif other is _OMIT and not isinstance(value, _Omit):
                other = value
        if merged or other is _OMIT:
            return merged
        return other

    def _first_choice(self, choices: list[object], depth: int) -> object:
        fallback: object = None
        for choice in choices:
            if isinstance(choice, Mapping) and choice.get("type") == "null":
                continue
            value = self.build(choice, depth + 1)
            if not isinstance(value, _Omit):
                return value
            fallback = {}
        return fallback

    def _object(self, schema: Mapping[str, object], depth: int) -> dict[str, object]:
        result: dict[str, object] = {}
        properties = schema.get("properties")
        if isinstance(properties, Mapping):
            for name, sub in properties.items():
                if self.nodes_left <= 0:
                    break
                value = self.build(sub, depth + 1)
                if not isinstance(value, _Omit):
                    result[str(name)] = value
        extra = schema.get("additionalProperties")
        if not result and isinstance(extra, Mapping) and extra and self.nodes_left > 0:
            value = self.build(extra, depth + 1)
            if not isinstance(value, _Omit):
                result["additionalProp1"] = value
        return result

    def _array(self, schema: Mapping[str, object], depth: int) -> list[object]:
        items = schema.get("prefixItems", schema.get("items"))
        if isinstance(items, list):  # a tuple: one value per position
            values = [self.build(item, depth + 1) for item in items[: _MAX_REPEAT * 4]]
            return [v for v in values if not isinstance(v, _Omit)]
        if not isinstance(items, Mapping):
            return []
        value = self.build(items, depth + 1)
        if isinstance(value, _Omit):
            return []
        count = _as_int(schema.get("minItems"), 1)
        return [value] * max(1, min(count, _MAX_REPEAT))


def _given_value(schema: Mapping[str, object]) -> object:
    """The value the schema itself states, or ``_OMIT``."""
    for key in ("example", "x-example", "const", "default"):
        if key in schema:
            return schema[key]
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return next((v for v in enum if v is not None), enum[0])
    return _OMIT


def _type_of(schema: Mapping[str, object]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):  # JSON Schema / OpenAPI 3.1: ["string", "null"]
        kind = next((k for k in kind if isinstance(k, str) and k != "null"), "null")
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    return ""


def _string(schema: Mapping[str, object]) -> str:
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt.lower() in _DECIMAL_FORMATS:
        return _DECIMAL_EXAMPLE
    text = _STRING_FORMATS.get(fmt, "string") if isinstance(fmt, str) else "string"
    longest = _as_int(schema.get("maxLength"), -1)
    if 0 <= longest < len(text):
        return text[:longest]
    shortest = min(_as_int(schema.get("minLength"), 0), 256)
    return text + "x" * (shortest - len(text)) if shortest > len(text) else text


def _number(schema: Mapping[str, object], kind: str) -> object:
    fmt = schema.get("format")
    low = _bound(schema, "minimum", "exclusiveMinimum", 1)
    high = _bound(schema, "maximum", "exclusiveMaximum", -1)
    value = Decimal(0)
    if low is not None and value < low:
        value = low
    if high is not None and value > high:
        value = high
    if kind == "integer":
        whole = int(value.to_integral_value(rounding="ROUND_CEILING"))
        if high is not None and whole > high:
            whole -= 1
        return whole
    if isinstance(fmt, str) and fmt.lower() in _DECIMAL_FORMATS:
        exact = _DECIMAL_EXAMPLE if low is None and high is None else f"{value:.2f}"
        return JsonNumber(exact)
    if value == value.to_integral_value():
        return int(value)
    return JsonNumber(str(value))


def _bound(
    schema: Mapping[str, object], inclusive: str, exclusive: str, step: int
) -> Decimal | None:
    found = _decimal(schema.get(inclusive))
    strict = schema.get(exclusive)
    if strict is True and found is not None:  # OpenAPI 3.0: a flag beside the bound
        return found + step
    strict_value = _decimal(strict)
    if strict_value is not None:  # OpenAPI 3.1 / JSON Schema: the bound itself
        return strict_value + step
    return found


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    # A bound like 1e999999 would make the example itself huge; such bounds are ignored.
    return number if number.is_finite() and abs(number) < 10**18 else None


def _as_int(value: object, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default

"""How long importing a 10 MB OpenAPI description takes. A benchmark, not a test.

Run: .venv/bin/python bench/import_openapi.py [--mb 10] [--repeat 3]

It generates an OpenAPI 3.0 description of about ``--mb`` MB, as YAML and as JSON (the
same document), shaped like real ones: many paths with path, query and header
parameters, tags, operation-level security, request bodies whose schemas come from
``components`` through ``$ref`` or sit inline (each inline one different, so no cache
helps), ``allOf`` and nested objects, a few ``example``s. It then times
``app.formats.openapi.read`` on each (fresh each time, median of ``--repeat``) and prints
the size, the operations imported, the time, and how often the progress callback ran.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import yaml

from app.formats import openapi


def operation(index: int, method: str) -> dict[str, object]:
    body_schema: dict[str, object]
    if index % 3:
        body_schema = {"$ref": f"#/components/schemas/Thing{index % 200}"}
    else:  # inline and unique: the example is made up afresh
        body_schema = {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "example": f"thing {index}"},
                "amount": {"type": "string", "format": "decimal"},
                "owner": {"$ref": "#/components/schemas/Owner"},
                f"field{index}": {"type": "array", "items": {"type": "integer"}},
            },
        }
    op: dict[str, object] = {
        "tags": [f"Area {index % 40}"],
        "summary": f"{method.upper()} thing {index}",
        "operationId": f"{method}Thing{index}",
        "description": "Does something to a thing. " * 4,
        "parameters": [
            {
                "name": "limit",
                "in": "query",
                "required": index % 2 == 0,
                "schema": {"type": "integer", "default": 20, "maximum": 100},
                "description": "How many to return.",
            },
            {
                "name": "fields",
                "in": "query",
                "schema": {"type": "array", "items": {"type": "string"}},
            },
            {
                "name": "X-Request-Id",
                "in": "header",
                "required": True,
                "schema": {"type": "string", "format": "uuid"},
            },
        ],
        "responses": {
            "200": {
                "description": "OK",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Owner"}}},
            },
            "default": {"$ref": "#/components/responses/Error"},
        },
    }
    if index % 5 == 0:
        op["security"] = [{"apiKey": []}]
    if method in ("post", "put"):
        op["requestBody"] = {"content": {"application/json": {"schema": body_schema}}}
    return op


def description(count: int) -> dict[str, object]:
    schemas: dict[str, object] = {
        "Owner": {
            "type": "object",
            "properties": {
                "id": {"type": "integer", "readOnly": True},
                "email": {"type": "string", "format": "email"},
                "created": {"type": "string", "format": "date-time"},
                "manager": {"$ref": "#/components/schemas/Owner"},  # a cycle, cut
            },
        }
    }
    for n in range(200):
        schemas[f"Thing{n}"] = {
            "allOf": [
                {"$ref": "#/components/schemas/Owner"},
                {
                    "type": "object",
                    "properties": {
                        f"size{n}": {"type": "number", "minimum": 1},
                        "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
                        "price": {
                            "type": "object",
                            "properties": {
                                "amount": {"type": "string", "format": "decimal"},
                                "currency": {"type": "string", "example": "EUR"},
                            },
                        },
                    },
                },
            ]
        }
    paths: dict[str, object] = {}
    doc: dict[str, object] = {
        "openapi": "3.0.3",
        "info": {"title": "Generated", "version": "1.0"},
        "servers": [
            {
                "url": "https://{region}.api.example.com/v1",
                "variables": {"region": {"default": "eu", "enum": ["eu", "us"]}},
            }
        ],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": {
                "Error": {
                    "description": "Error",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"error": {"type": "string"}},
                            }
                        }
                    },
                }
            },
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
            },
        },
    }
    for index in range(count):
        paths[f"/area{index % 40}/things{index}/{{id}}"] = {
            "parameters": [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "example": index},
                }
            ],
            **{
                m: operation(index * 4 + i, m)
                for i, m in enumerate(("get", "post", "put", "delete"))
            },
        }
    return doc


def generated(kind: str, target_bytes: int) -> bytes:
    """The description as ``kind`` text, within a few percent of ``target_bytes``."""

    def dump(count: int) -> bytes:
        doc = description(count)
        if kind == "YAML":
            return yaml.dump(doc, Dumper=yaml.CSafeDumper, sort_keys=False).encode()
        return json.dumps(doc, indent=2).encode()

    small, large = len(dump(200)), len(dump(400))
    per_path = (large - small) / 200
    fixed = small - 200 * per_path  # info, servers, components
    return dump(max(1, int((target_bytes - fixed) / per_path)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mb", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    target = int(args.mb * 1024 * 1024)
    texts = {kind: generated(kind, target) for kind in ("YAML", "JSON")}
    for kind, data in texts.items():
        times: list[float] = []
        calls = 0
        requests = 0
        for _ in range(args.repeat):
            calls = 0

            def progress(done: int, total: int) -> None:
                nonlocal calls
                calls += 1

            start = time.perf_counter()
            imported = openapi.read(data, f"generated.{kind.lower()}", progress=progress)
            times.append(time.perf_counter() - start)
            requests = len(imported.requests())
        print(
            f"{kind}: {len(data) / 1024 / 1024:.1f} MB, {requests} operations imported in "
            f"{statistics.median(times):.2f} s (median of {args.repeat}; "
            f"min {min(times):.2f} s, max {max(times):.2f} s), {calls} progress calls"
        )


if __name__ == "__main__":
    main()

"""The OpenAPI 3.1 document, generated from the operations and their pydantic models."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from taskai.api.operations import OPERATIONS
from taskai.api.schemas import ErrorPublic

REF = "#/components/schemas/{model}"
CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
ERRORS = {
    "401": "Missing, invalid or expired token",
    "404": "Not found (or not yours)",
    "409": "Conflicts with existing data",
    "413": "Body larger than the limit",
    "415": "Body is not application/json",
    "422": "Invalid input; `fields` names each bad field",
    "429": "Too many failed attempts; wait the Retry-After seconds",
    "503": "Temporarily unavailable; retry after the Retry-After seconds",
}


@cache
def document() -> dict[str, Any]:
    """The whole API as one OpenAPI 3.1 document."""
    models: set[type[BaseModel]] = {ErrorPublic}
    for op in OPERATIONS:
        models |= {m for m in (op.body, op.response) if m is not None}
    _, defs = models_json_schema(
        [(m, "validation") for m in sorted(models, key=lambda m: m.__name__)], ref_template=REF
    )
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        path = CONVERTER.sub(r"{\1}", op.path)
        entry: dict[str, Any] = {"operationId": op.id, "summary": op.summary, "tags": [op.function]}
        params = [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "string", "format": "uuid"},
            }
            for name in CONVERTER.findall(op.path)
        ]
        if op.query is not None:
            params += query_parameters(op.query)
        if params:
            entry["parameters"] = params
        if op.body is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": REF.format(model=op.body.__name__)}}
                },
            }
        entry["responses"] = responses(op.status, op.response)
        if not op.public:
            entry["security"] = [{"bearer": []}]
        paths.setdefault(path, {})[op.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": "TaskAI", "version": "1", "description": "Tasks, tags, search and sync."},
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template=REF)
    return [
        {"name": name, "in": "query", "required": False, "schema": prop}
        for name, prop in schema["properties"].items()
    ]


def responses(status: int, model: type[BaseModel] | None) -> dict[str, Any]:
    error = {"content": {"application/json": {"schema": {"$ref": REF.format(model="ErrorPublic")}}}}
    out: dict[str, Any] = {}
    if model is None:
        out[str(status)] = {"description": "Done"}
    else:
        content = {"application/json": {"schema": {"$ref": REF.format(model=model.__name__)}}}
        out[str(status)] = {"description": "OK", "content": content}
    for code, description in ERRORS.items():  # a public operation's 401 is a failed login
        out[code] = {"description": description, **error}
    return out

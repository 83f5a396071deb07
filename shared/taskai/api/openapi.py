"""The OpenAPI 3.1 document, generated from the operations and their pydantic models."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from taskai.api.operations import OPERATIONS, Operation
from taskai.api.schemas import ErrorPublic
from taskai.domain.api_tokens import SESSION

REF = "#/components/schemas/{model}"
CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
ERRORS = {
    "401": "Missing, invalid or expired token",
    "403": "The password or reset link given to confirm is not right, or the API token lacks "
    "the operation's scope (`insufficient_scope`)",
    "404": "Not found (or not yours)",
    "408": "The body did not arrive in time (READ_TIMEOUT_S, plus 1 s per 16 KiB); send it again",
    "409": "Conflicts with existing data",
    "413": "Body larger than the limit",
    "415": "Body is not application/json",
    "422": "Invalid input; `fields` names each bad field",
    "429": "Too many failed attempts; wait the Retry-After seconds",
    "503": "Temporarily unavailable; retry after the Retry-After seconds",
}
CONFIRMED = {"deleteAccount", "changePassword", "confirmPasswordReset"}  # 403 on a wrong one
THROTTLED = {"login", "deleteAccount", "changePassword"}  # count failed passwords


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
        paths.setdefault(CONVERTER.sub(r"{\1}", op.path), {})[op.method.lower()] = operation(op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "TaskAI", "version": "1", "description": "Tasks, tags, search and sync."},
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "apiToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "tai_…",
                    "description": "A personal API token (POST /api/tokens), limited to its "
                    "scopes; each operation names the one it needs. A token lacking it is "
                    'refused with 403 and `WWW-Authenticate: Bearer error="insufficient_scope"`.',
                },
            },
        },
    }


def operation(op: Operation) -> dict[str, Any]:
    """The OpenAPI 3.1 Operation Object of one operation: parameters, body, responses, security."""
    entry: dict[str, Any] = {"operationId": op.id, "summary": op.summary, "tags": [op.function]}
    params = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "format": "uuid"}
            if f"<uuid:{name}>" in op.path
            else {"type": "string"},
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
    if op.upload is not None:
        media, text_format = op.upload
        schema = {"type": "string", "format": text_format}
        entry["requestBody"] = {"required": True, "content": {media: {"schema": schema}}}
    entry["responses"] = responses(op)
    if op.gives is not None:
        entry["responses"][str(op.status)]["links"] = links(*op.gives)
    if not op.public:
        entry["security"] = [{"bearer": []}]
        if op.scope == SESSION:
            entry["description"] = "A password login's token only: API tokens are refused (403)."
        else:  # OpenAPI 3.1 lists the scopes of any scheme, not only OAuth2's
            entry["security"].append({"apiToken": [op.scope] if op.scope else []})
            entry["description"] = f"With an API token: needs the scope `{op.scope}`."
    return entry


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """OpenAPI 3.1 parameter objects, one optional `in: query` entry per field of `model`."""
    schema = model.model_json_schema(ref_template=REF)
    return [
        {"name": name, "in": "query", "required": False, "schema": prop}
        for name, prop in schema["properties"].items()
    ]


def links(param: str, pointer: str) -> dict[str, Any]:
    """OpenAPI links from an answer carrying `param` to every operation that takes it."""
    return {
        target.id: {
            "operationId": target.id,
            "parameters": {param: f"$response.body#{pointer}"},
        }
        for target in OPERATIONS
        if param in CONVERTER.findall(target.path)
    }


def error_statuses(op: Operation) -> list[str]:
    """The error statuses `op` can answer: what its inputs, its checks and its writes allow."""
    has_id = CONVERTER.search(op.path) is not None
    codes = {"503"}  # every operation reads the database
    if not op.public or op.id == "login":  # a public operation's 401 is a failed login
        codes.add("401")
    if op.id in CONFIRMED or not op.public:  # a token lacking the scope is refused with 403
        codes.add("403")
    if has_id or op.refers:
        codes.add("404")
    if op.method != "GET" or op.id == "listTasks":  # a write clashes; a cursor of another sort
        codes.add("409")
    if op.body is not None:
        codes |= {"408", "413", "415", "422"}
    if op.query is not None or op.upload is not None:
        codes.add("422")
    if op.upload is not None:
        codes |= {"408", "413"}
    if op.id in THROTTLED:
        codes.add("429")
    return sorted(codes)


def responses(op: Operation) -> dict[str, Any]:
    """The OpenAPI responses object of `op`: its success status, then each error status it can
    answer with ErrorPublic."""
    error = {"content": {"application/json": {"schema": {"$ref": REF.format(model="ErrorPublic")}}}}
    out: dict[str, Any] = {}
    if op.media is not None:  # the calendar feed: not JSON, and 304 for a current copy
        out[str(op.status)] = {"description": "OK", "content": {op.media: {"schema": {}}}}
        if op.media == "text/calendar":
            out["304"] = {"description": "Not modified: the If-None-Match ETag is current"}
    elif op.response is None:
        out[str(op.status)] = {"description": "Done"}
    else:
        content = {"application/json": {"schema": {"$ref": REF.format(model=op.response.__name__)}}}
        out[str(op.status)] = {"description": "OK", "content": content}
        if op.repeats:  # Web Push (issue 17)
            out["200"] = {"description": "Already there: the existing one", "content": content}
    for code in error_statuses(op):
        out[code] = {"description": ERRORS[code], **error}
    return out

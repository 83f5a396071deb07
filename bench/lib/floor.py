"""The floor of the design's stack: a functions-framework function that answers the benchmark's
requests by sending pgbench's SQL (lib/pgbench.py, the statements TaskAI sends) through pg8000,
with no TaskAI code between the request and the driver.

Served by bench_api.py --floor under the same gunicorn command as the tasks function, it gives
the CPU a request costs in gunicorn, Flask, functions-framework, PyJWT, pg8000 and json alone:
the least any implementation on this stack can spend, measured beside TaskAI in one run. It does
what the API must and no more: checks the bearer token (HS256, exp/iat/iss/aud, as TaskAI does),
reads the JSON body or the query, runs each statement prepared once per connection in one
transaction, and answers JSON. Not done here and done by TaskAI: validation with field errors,
the outbox relay pass after a commit, logs, traces, metrics.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import functions_framework
import jwt
import pg8000.native
from flask import Request
from sqlalchemy.engine import make_url

from lib.pgbench import CREATE_SQL, LIST_SQL, SEARCH_SQL
from taskai.adapters import orm
from taskai.config import Settings

PRIORITIES = ("low", "medium", "high", "urgent")
USER_ZONE = [c.name for c in orm.users.columns].index("timezone")
TAG = {c.name: i for i, c in enumerate(orm.tags.columns)}


def statements(script: str) -> list[str]:
    """The statements of a pgbench script's transaction (between BEGIN and its end), as pg8000
    takes them: `\\gset` and `;` end one."""
    body = script.split("BEGIN;\n", 1)[1].rsplit("\n", 2)[0]
    found = []
    for part in body.replace("\\gset", ";").split(";\n"):
        if part.strip() and part.strip() not in ("COMMIT", "ROLLBACK"):
            found.append(part.strip().rstrip(";"))
    return found


SQL = {
    "create": statements(CREATE_SQL),
    "list": statements(LIST_SQL),
    "search": statements(SEARCH_SQL),
}
settings = Settings.from_env(os.environ)
local = threading.local()


def prepared() -> tuple[pg8000.native.Connection, dict[str, list[Any]]]:
    """This thread's connection and its prepared statements, opened on first use."""
    if getattr(local, "conn", None) is None:
        url = make_url(os.environ["DATABASE_URL"])
        local.conn = pg8000.native.Connection(
            url.username or "postgres",
            host=url.host or "127.0.0.1",
            port=url.port or 5432,
            database=url.database,
            password=url.password,
        )
        local.statements = {op: [local.conn.prepare(s) for s in sql] for op, sql in SQL.items()}
    return local.conn, local.statements


def caller(request: Request) -> str:
    """The user id of the request's bearer token; PermissionError when it does not check."""
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    try:
        claims = jwt.decode(
            token,
            str(settings.jwt_secret),
            algorithms=["HS256"],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.PyJWTError as e:
        raise PermissionError(str(e)) from e
    return str(claims["sub"])


def create(run: list[Any], uid: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST /api/tasks with two tags: the caller, its tags, its change number, the insert."""
    account = run[0].run(uid=uid)[0]
    key1, key2 = (name.casefold() for name in body["tags"])
    tags = run[1].run(uid=uid, key1=key1, key2=key2)
    seq, last = run[2].run(uid=uid, p_id=account[-1])[0]
    task_id = str(uuid.uuid4())
    now = datetime.now(UTC)
    due = (
        datetime.fromisoformat(body["due_date"]).replace(tzinfo=UTC) if "due_date" in body else now
    )
    run[3].run(
        uid=uid,
        p_id=account[-1],
        prio=PRIORITIES.index(body.get("priority", "medium")),
        due=(due - now).days,
        seq=seq,
        max_1=last,
        task_id=task_id,
        tag1=tags[0][TAG["id"]],
        tag2=tags[1][TAG["id"]],
    )
    return {
        "id": task_id,
        "title": body["title"],
        "description": body.get("description", ""),
        "status": "pending",
        "priority": body.get("priority", "medium"),
        "due_date": due.isoformat(),
        "created_at": now.isoformat(),
        "tags": [
            {"id": str(t[TAG["id"]]), "name": t[TAG["name"]], "color": t[TAG["color"]]}
            for t in tags
        ],
    }


def page(run: list[Any], uid: str, op: str, word: str | None) -> str:
    """GET /api/tasks, the filtered list or a one-word search: the caller, the page's JSON."""
    account = run[0].run(uid=uid)[0]
    found = run[1].run(
        uid=uid,
        zone=account[USER_ZONE],
        size=50 if op == "list" else 20,
        **({"word": word, "prefix": f"{word}:*"} if op == "search" else {}),
    )[0]
    return f'{{"items": {found[0] or "[]"}, "next_cursor": null}}'


@functions_framework.http
def floor(request: Request) -> tuple[str, int, dict[str, str]]:
    """The benchmark's three requests and /health, each in one transaction."""
    if request.path == "/health":
        return "ok", 200, {}
    try:
        uid = caller(request)
    except PermissionError as e:
        return json.dumps({"error": {"code": "unauthorized", "message": str(e)}}), 401, {}
    conn, run = prepared()
    conn.run("BEGIN")
    try:
        if request.method == "POST":
            answer, status = json.dumps(create(run["create"], uid, request.get_json())), 201
        else:
            word = request.args.get("q")
            op = "search" if word else "list"
            answer, status = page(run[op], uid, op, word), 200
        conn.run("COMMIT")
    except BaseException:
        conn.run("ROLLBACK")
        raise
    return answer, status, {"Content-Type": "application/json"}

"""What every HTTP function does the same way: health, limits, content types, errors, OpenAPI."""

from __future__ import annotations

from pathlib import Path

import pytest

from taskai.bootstrap import GC_THRESHOLDS
from taskai.local.devserver import HTTP_FUNCTIONS, functions_dir, load_function
from taskai.triggers import TRIGGERS


@pytest.mark.parametrize("name", HTTP_FUNCTIONS + [t.function for t in TRIGGERS])
def test_every_function_answers_health(name, database):
    from werkzeug.test import Client

    response = Client(load_function(name)).get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "function": name}


def test_every_function_folder_is_one_self_contained_main_module():
    # The dev server hosts all functions in one process; functions-framework names each
    # source "main" and adds its folder to sys.path, so sibling modules would collide.
    for folder in functions_dir().iterdir():
        if folder.is_dir() and not folder.name.startswith(("_", ".")):
            assert sorted(p.name for p in folder.glob("*.py")) == ["main.py"], folder


LEFT_OUT = """
import importlib.abc, sys

class LeftOut(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "taskai.local" or name.startswith("taskai.local."):
            raise ImportError(name + " is not in the image")

sys.meta_path.insert(0, LeftOut())
import functions_framework
from werkzeug.test import Client

for name in sys.argv[2:]:
    source = f"{sys.argv[1]}/{name}/main.py"
    app = functions_framework.create_app(target=name, source=source, signature_type="http")
    assert Client(app).get("/health").status_code == 200, name
"""


def test_every_function_starts_without_the_local_stand_ins_which_the_image_leaves_out(tmp_path):
    import subprocess
    import sys

    names = [t.function for t in TRIGGERS] + HTTP_FUNCTIONS
    env = {"PATH": "/usr/bin:/bin", "DATA_DIR": str(tmp_path), "LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        [sys.executable, "-c", LEFT_OUT, str(functions_dir()), *names],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]


FIRST_ANSWER = """
import gc, json, sys
from werkzeug.test import Client
from taskai.local.devserver import load_function

app = Client(load_function(sys.argv[1]))
before = [gc.get_freeze_count(), gc.get_threshold()]
if sys.argv[2] == "post":  # an admitted delivery that is no CloudEvent: 400
    from taskai import bootstrap

    sender = {"Authorization": f"Bearer {bootstrap.ingress().shared_secret}"}
    answered = app.post("/", data=b"{}", headers=sender)
else:  # no bearer token: 401
    answered = app.get("/api/tasks")
assert answered.status_code in (400, 401), answered.status_code
print(json.dumps([before, [gc.get_freeze_count(), gc.get_threshold()]]))
"""


@pytest.mark.parametrize(("name", "method"), [("tasks", "get"), ("recurrence", "post")])
def test_a_function_freezes_what_it_loaded_once_it_has_answered(name, method, tmp_path):
    # Unfrozen, a full collection scanned every loaded module's objects and stalled all the
    # threads of a worker for up to 310 ms, every few seconds at 32 clients (the p99).
    import json
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "DATA_DIR": str(tmp_path), "LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        [sys.executable, "-c", FIRST_ANSWER, name, method],
        env={**env, "PYTHONPATH": str(Path(__file__).parents[2] / "shared")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    [frozen, thresholds], [frozen_after, thresholds_after] = json.loads(done.stdout)
    assert frozen == 0 and thresholds != list(GC_THRESHOLDS)  # CPython's defaults until then
    assert frozen_after > 10_000 and thresholds_after == list(GC_THRESHOLDS)


def test_a_body_over_one_mebibyte_is_413(alice):
    response = alice.post(
        "/api/tasks",
        data=b"{" + b" " * (1024 * 1024 + 10) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"


def test_a_non_json_content_type_is_415(alice):
    response = alice.post("/api/tasks", data="title=x", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    response = alice.post(
        "/api/tasks", data="title=x", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 415


def test_malformed_json_and_a_non_object_body_are_422_not_500(alice):
    response = alice.post(
        "/api/tasks", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422 and response.json["error"]["fields"] == {
        "body": "invalid JSON"
    }
    assert alice.post("/api/tasks", json=["a list"]).status_code == 422
    assert alice.post("/api/tasks", json=None).status_code == 422


def test_an_unknown_path_is_404_and_a_wrong_method_405(alice):
    assert alice.get("/api/tasks/nope/nope").status_code == 404
    response = alice.call("PUT", "/api/tasks")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


def test_the_openapi_document_describes_every_operation_from_the_models(api):
    document = api.get("/api/openapi.json").json
    assert document["openapi"].startswith("3.1")
    operations = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert {"register", "login", "createTask", "listTasks", "sync", "listTags"} <= operations
    task = document["components"]["schemas"]["TaskCreate"]
    assert task["additionalProperties"] is False and "title" in task["required"]
    assert "/api/tasks/{task_id}" in document["paths"]


def test_the_openapi_document_is_valid_openapi_3_1(api):
    from openapi_spec_validator import validate

    validate(api.get("/api/openapi.json").json)


def test_no_client_mistake_is_a_500(alice):
    for method, path, body in [
        ("POST", "/api/tasks", {"title": 5}),
        ("POST", "/api/tasks", {"title": "x", "due_date": 12}),
        ("POST", "/api/tasks", {"title": "x", "tags": "home"}),
        ("POST", "/api/tasks", {"title": "x", "reminders": [{"minutes_before": -5}]}),
        ("POST", "/api/tasks", {"title": "x", "reminders": [{}]}),
        ("POST", "/api/tasks", {"title": "x", "recurrence": {}}),
        (
            "POST",
            "/api/tasks",
            {"title": "x", "recurrence": {"rule": "FREQ=DAILY", "preset": "daily"}},
        ),
        ("PATCH", "/api/auth/me", {"timezone": 3}),
        ("POST", "/api/tags", {"name": ""}),
        ("POST", "/api/tags", {"name": "a,b"}),
        ("GET", "/api/tasks?limit=abc", None),
    ]:
        response = alice.call(method, path, json=body)
        assert 400 <= response.status_code < 500, (path, body, response.json)
        assert response.json["error"]["message"], (path, body)


def test_readme_names_the_openapi_path():
    assert "/api/openapi.json" in (Path(__file__).parents[2] / "README.md").read_text()


@pytest.mark.parametrize("path", ["/api/tasks//", "/api//tasks", "/api"])
def test_odd_api_paths_answer_a_json_404_not_a_redirect_or_the_web_app(alice, path):
    response = alice.get(path)
    assert response.status_code == 404, (response.status_code, response.headers)
    assert response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/js/nope.js", 404), ("GET", "/index.html%00", 404), ("POST", "/today", 405)])  # fmt: skip
def test_the_web_apps_paths_answer_errors_as_json_too(api, method, path, status):
    response = api.call(method, path)
    assert response.status_code == status
    assert response.json["error"]["code"] in ("not_found", "method_not_allowed")

"""Every client mistake is a 4xx with a JSON error naming the field, never a 500."""

from __future__ import annotations

import base64
import json

import pytest

from taskai import bootstrap


def cursor_of(parts) -> str:
    raw = json.dumps(parts) if not isinstance(parts, str) else parts
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def assert_client_error(response, status=422, field=None):
    assert response.status_code == status, (response.status_code, response.data[:300])
    assert response.mimetype == "application/json"
    error = response.json["error"]
    assert error["code"] and error["message"]
    if field is not None:
        assert field in error["fields"], error


@pytest.mark.parametrize("field", ["name", "timezone"])
def test_a_null_in_a_profile_change_is_422_naming_the_field(alice, field):
    assert_client_error(alice.patch("/api/auth/me", {field: None}), field=field)


def test_a_login_password_past_bcrypts_72_bytes_is_a_plain_401(api, alice):
    for password in ["x" * 73, "é" * 40, "correct horse" + "!" * 100]:
        response = api.post("/api/auth/login", {"email": alice.email, "password": password})
        assert_client_error(response, status=401)


def test_registering_a_password_past_72_bytes_is_422(api):
    response = api.post("/api/auth/register", {"email": "long@example.com", "password": "é" * 40})
    assert_client_error(response, field="password")


@pytest.mark.parametrize(
    "cursor",
    [
        ["created", False, {"t": 5}, "00000000-0000-0000-0000-000000000001"],
        ["created", False, {"t": "2031-03-10T00:00:00"}, "00000000-0000-0000-0000-000000000001"],
        ["created", False, "2031-03-10T00:00:00+00:00", "00000000-0000-0000-0000-000000000001"],
        [
            "created",
            False,
            {"t": "0001-01-01T00:00:00+14:00"},
            "00000000-0000-0000-0000-000000000001",
        ],
        ["created", False, [1, 2], "00000000-0000-0000-0000-000000000001"],
        ["created", False, {"t": "2031-03-10T00:00:00+00:00"}, 7],
        ["created", False],
        {"a": 1},
        '["relevance", true, Infinity, "00000000-0000-0000-0000-000000000001"]',
        "not json at all",
    ],
)
def test_a_hand_made_task_cursor_is_422(alice, cursor):
    alice.post("/api/tasks", {"title": "one"})
    assert_client_error(
        alice.get("/api/tasks", query_string={"cursor": cursor_of(cursor)}), field="cursor"
    )


@pytest.mark.parametrize(
    ("sort", "value"),
    [("priority", 10**30), ("priority", True), ("priority", -1), ("title", 5), ("due", 1.5)],
)
def test_a_cursor_value_of_the_wrong_kind_for_its_sort_is_422(alice, sort, value):
    cursor = cursor_of([sort, False, value, "00000000-0000-0000-0000-000000000001"])
    response = alice.get("/api/tasks", query_string={"sort": sort, "cursor": cursor})
    assert_client_error(response, field="cursor")


@pytest.mark.parametrize("cursor", ["1" * 30, "²", "-1", "1.5"])
def test_a_hand_made_sync_cursor_is_422(alice, cursor):
    assert_client_error(alice.get("/api/sync", query_string={"cursor": cursor}), field="cursor")


def test_due_filters_without_an_offset_are_read_in_the_owners_zone(alice):
    # alice lives in New York: 09:00 there is 14:00 UTC in March 2031 (EDT starts on the 9th)
    alice.post("/api/tasks", {"title": "at nine", "due_date": "2031-03-10T09:00:00-04:00"})
    before = alice.get("/api/tasks", query_string={"due_before": "2031-03-10T09:30:00"})
    after = alice.get("/api/tasks", query_string={"due_after": "2031-03-10T09:30:00"})
    assert [t["title"] for t in before.json["items"]] == ["at nine"]
    assert after.status_code == 200 and after.json["items"] == []


@pytest.mark.parametrize("value", ["0.5", "1700000000", "tomorrow", "2031-13-45T00:00:00"])
def test_a_due_filter_that_is_not_an_iso_date_time_is_422(alice, value):
    assert_client_error(
        alice.get("/api/tasks", query_string={"due_before": value}), field="due_before"
    )


@pytest.mark.parametrize(
    "path", ["/%00", "/api/%00", "/api/tasks/%00", "/api/tasks/a%0Ab", "/api/tags/x%00y"]
)
def test_odd_paths_are_404_with_a_json_body_or_the_web_app(api, path):
    response = api.get(path)
    assert response.status_code == 404
    if path.startswith("/api/"):
        assert response.mimetype == "application/json" and response.json["error"]["code"]


def test_a_functions_own_unroutable_path_answers_json(database):
    from werkzeug.test import Client

    from taskai.local.devserver import load_function

    response = Client(load_function("tasks")).get("/api/tasks/a%0Ab")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_valid_token_of_a_user_that_is_gone_is_401_everywhere(api, alice):
    task = alice.post("/api/tasks", {"title": "mine"}).json
    user_id = alice.get("/api/auth/me").json["id"]
    with bootstrap.uow() as uow:
        uow.session.delete(uow.users.get(__import__("uuid").UUID(user_id)))
        uow.session.commit()
    for method, path, body in [
        ("POST", "/api/tags", {"name": "x"}),
        ("GET", "/api/tags", None),
        ("GET", f"/api/tasks/{task['id']}", None),
        ("GET", "/api/tasks", None),
        ("GET", "/api/auth/me", None),
        ("PATCH", "/api/auth/me", {"name": "x"}),
        ("GET", "/api/sync", None),
        ("POST", "/api/ai/parse", {"text": "x"}),
    ]:
        assert_client_error(alice.call(method, path, json=body), status=401)


def test_the_token_is_checked_before_the_body(api, alice):
    task = alice.post("/api/tasks", {"title": "mine"}).json
    response = api.patch(f"/api/tasks/{task['id']}", {"title": None, "nope": 1})
    assert_client_error(response, status=401)
    response = api.post("/api/tasks", data="{not json", headers={"Content-Type": "text/plain"})
    assert_client_error(response, status=401)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/projects/{inbox}", {"archived": "true"}, "archived"),
        ("/api/projects", {"name": "Home", "position": "3"}, "position"),
        ("/api/filters", {"name": "Soon", "query": "p1", "position": True}, "position"),
        ("/api/tasks", {"title": "x", "reminders": [{"minutes_before": "60"}]}, "reminders.0"),
        ("/api/tasks", {"title": "x", "reminders": [{"minutes_before": True}]}, "reminders.0"),
        ("/api/tasks", {"title": "x", "recurrence": {"preset": "daily", "interval": "2"}}, None),
        ("/api/import", {"format": "taskai-export", "version": True}, "version"),
    ],
)
def test_a_body_value_of_another_json_type_is_422_not_coerced(alice, path, body, field):
    inbox = next(p for p in alice.get("/api/projects").json["items"] if p["inbox"])
    path = path.format(inbox=inbox["id"])
    call = alice.patch if "{" not in path and path.count("/") > 2 else alice.post
    response = call(path, body)
    assert_client_error(response)
    if field is not None:
        assert any(name.startswith(field) for name in response.json["error"]["fields"]), (
            response.json
        )


def test_a_webhook_is_enabled_by_true_only(alice, monkeypatch):
    from taskai.config import get_settings

    monkeypatch.setenv("WEBHOOK_ALLOW_HOSTS", "127.0.0.1")
    get_settings.cache_clear()
    hook = alice.post("/api/webhooks", {"url": "http://127.0.0.1:9/hook"})
    get_settings.cache_clear()
    assert hook.status_code == 201, hook.json
    response = alice.patch(f"/api/webhooks/{hook.json['id']}", {"enabled": 1})
    assert_client_error(response, field="enabled")


INVISIBLE = ["\u200b", "\u200b\u200c\u200d", " \ufeff ", "\u2060", "\u3164", "\u00ad"]


@pytest.mark.parametrize("name", INVISIBLE)
def test_a_name_of_only_invisible_characters_is_422_naming_it_for_every_kind(alice, name):
    project = alice.post("/api/projects", {"name": "Visible"}).json
    for path, body in (
        ("/api/projects", {"name": name}),
        (f"/api/projects/{project['id']}/sections", {"name": name}),
        ("/api/tags", {"name": name}),
        ("/api/filters", {"name": name, "query": "p1"}),
    ):
        response = alice.post(path, body)
        assert_client_error(response, field="name")
        assert "visible" in response.json["error"]["fields"]["name"], path
    tagged = alice.post("/api/tasks", {"title": "x", "tags": [f"#{name}"]})  # a tag's # is dropped
    assert_client_error(tagged, field="tags.0")
    assert alice.post("/api/projects", {"name": "\u200bZero\u200dwidth"}).status_code == 201


@pytest.mark.parametrize("title", INVISIBLE)
def test_a_title_or_token_name_of_only_invisible_characters_is_422_naming_it(alice, title):
    assert_client_error(alice.post("/api/tasks", {"title": title}), field="title")
    task = alice.post("/api/tasks", {"title": "Visible"}).json
    assert_client_error(alice.patch(f"/api/tasks/{task['id']}", {"title": title}), field="title")
    token = alice.post("/api/tokens", {"name": title, "scopes": ["tasks:read"]})
    assert_client_error(token, field="name")
    assert alice.get(f"/api/tasks/{task['id']}").json["title"] == "Visible"
    assert alice.post("/api/tasks", {"title": "Zero\u200bwidth"}).status_code == 201


@pytest.mark.parametrize("path", ["/api/ai/parse", "/api/ai/tasks"])
@pytest.mark.parametrize("text", ["\u200b", "   ", "\u200b #home"])
def test_quick_add_text_that_names_nothing_is_422_naming_text_in_words(alice, path, text):
    response = alice.post(path, {"text": text})
    assert_client_error(response, field="text")
    assert list(response.json["error"]["fields"]) == ["text"]
    assert "pattern" not in response.json["error"]["fields"]["text"]


@pytest.mark.parametrize("path", ["/api/tasks", "/api/sync"])
@pytest.mark.parametrize("cursor", ["%00", "%00%00", "%00abc"])
def test_a_cursor_holding_a_nul_is_422_not_the_first_page(alice, path, cursor):
    alice.post("/api/tasks", {"title": "On the first page"})
    assert_client_error(alice.get(f"{path}?cursor={cursor}"), field="cursor")


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"title": "x", "due_date": "2031-02-30"}, "due_date", "must be a real date"),
        ({"title": "x", "due_date": "1066-10-14"}, "due_date", "must be in the years"),
    ],
)
def test_field_messages_carry_no_pydantic_prefix(alice, body, field, message):
    response = alice.post("/api/tasks", body)
    assert_client_error(response, field=field)
    text = response.json["error"]["fields"][field]
    assert text.startswith(message) and "Value error" not in response.json["error"]["message"], text


def test_a_move_naming_two_anchors_says_so_in_plain_words(alice):
    made = alice.post("/api/tasks", {"title": "x"}).json
    response = alice.post(
        f"/api/tasks/{made['id']}/move", {"after_id": made["id"], "before_id": made["id"]}
    )
    assert_client_error(response)
    assert "give after_id or before_id, not both" in response.json["error"]["fields"].values()

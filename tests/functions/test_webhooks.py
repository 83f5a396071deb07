"""Webhooks over HTTP, on both stores: managed by their owner, refused for private addresses
(SSRF), fed the owner's own events as signed CloudEvents, retried with backoff, disabled after a
day of failures and enabled again by the owner."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from support import settle
from taskai import bootstrap
from taskai.config import get_settings
from taskai.domain.webhooks import MAX_WEBHOOKS
from taskai.services import webhooks as service
from webhook_sink import WebhookSink, body_json

HOOKS = "/api/webhooks"


@pytest.fixture
def sink(database, monkeypatch):
    """A signature-checking receiver on 127.0.0.1, which WEBHOOK_ALLOW_HOSTS lets webhooks reach."""
    monkeypatch.setenv("WEBHOOK_ALLOW_HOSTS", "127.0.0.1")
    get_settings.cache_clear()
    bootstrap.webhook_sender.cache_clear()
    receiver = WebhookSink()
    yield receiver
    receiver.close()
    get_settings.cache_clear()
    bootstrap.webhook_sender.cache_clear()


def hook(user, sink, **fields) -> dict:
    """Create a webhook of `user`'s to `sink`; its answer (the sink learns the secret)."""
    response = user.post(HOOKS, {"url": sink.url, **fields})
    assert response.status_code == 201, response.json
    sink.secret = response.json["secret"]
    return response.json


def test_the_secret_is_shown_at_creation_only_and_the_webhook_is_listed_without_it(alice, sink):
    created = hook(alice, sink)
    assert created["secret"].startswith("whsec_")
    assert created["event_types"] == ["*"] and created["enabled"] is True
    assert created["disabled_reason"] is None
    listed = alice.get(HOOKS)
    assert listed.status_code == 200
    assert set(listed.json["webhooks"][0]) == {
        "id", "url", "event_types", "enabled", "disabled_reason", "created_at", "updated_at"
    }  # fmt: skip
    assert created["secret"] not in listed.data.decode()


def test_the_owner_changes_and_deletes_a_webhook_and_nobody_else_sees_it(alice, bob, sink):
    created = hook(alice, sink, event_types=["com.taskai.task.completed"])
    path = f"{HOOKS}/{created['id']}"
    changed = alice.patch(path, {"event_types": ["com.taskai.task.created", "*"][:1]})
    assert changed.status_code == 200 and changed.json["event_types"] == ["com.taskai.task.created"]
    assert bob.patch(path, {"enabled": False}).status_code == 404
    assert bob.get(f"{path}/deliveries").status_code == 404
    assert bob.delete(path).status_code == 404
    assert bob.get(HOOKS).json == {"webhooks": []}
    assert alice.delete(path).status_code == 204
    assert alice.get(HOOKS).json == {"webhooks": []}
    assert alice.delete(path).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://example.com/"}, "url"),
        ({"url": "https://user:pw@example.com/"}, "url"),
        ({"url": "https://93.184.216.34/ü/日本?q=✓"}, "url"),  # not ASCII: never sendable
        ({"url": " https://93.184.216.34/"}, "url"),
        ({"url": "https://93.184.216.34:0/"}, "url"),
        ({"url": "http://example.com/"}, "url"),  # plain http only to an allowed host
        (
            {"url": "https://example.com/", "event_types": ["com.taskai.task.exploded"]},
            "event_types",
        ),
        (
            {"url": "https://example.com/", "event_types": ["com.taskai.reminder.due"]},
            "event_types",
        ),
        ({"url": "https://example.com/", "event_types": []}, "event_types"),
        ({}, "url"),
    ],
)
def test_a_bad_url_or_event_type_is_422_naming_the_field(alice, body, field):
    response = alice.post(HOOKS, body)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://localhost/hook",  # a name that resolves to loopback
    ],
)
def test_a_url_reaching_a_private_address_is_refused(alice, url):
    response = alice.post(HOOKS, {"url": url})
    assert response.status_code == 422, response.json
    assert "public address" in response.json["error"]["fields"]["url"]


def test_a_url_whose_host_does_not_resolve_is_refused_saying_so(alice):
    response = alice.post(HOOKS, {"url": "https://hooks.example.invalid/in"})  # RFC 2606
    assert response.status_code == 422, response.json
    assert response.json["error"]["message"] == (
        "url has a host, hooks.example.invalid, that does not resolve"
    )


def test_an_account_has_at_most_the_cap_of_webhooks(alice, sink):
    for _ in range(MAX_WEBHOOKS):
        hook(alice, sink)
    assert alice.post(HOOKS, {"url": sink.url}).status_code == 409


def test_the_owners_events_arrive_signed_as_structured_cloudevents_and_nobody_elses(
    alice, bob, sink
):
    hook(alice, sink, event_types=["com.taskai.task.created", "com.taskai.task.completed"])
    task = alice.post("/api/tasks", {"title": "Water the plants"}).json
    bob.post("/api/tasks", {"title": "Bob's secret"})
    alice.post(f"/api/tasks/{task['id']}/complete")
    settle()
    calls = sink.wait_for(2)
    assert len(sink.events()) == len(calls) == 2  # every one verified with the secret
    first = calls[0]
    assert first["headers"]["content-type"] == "application/cloudevents+json"
    event = body_json(first)
    assert event["specversion"] == "1.0" and event["type"] == "com.taskai.task.created"
    assert first["headers"]["webhook-id"] == event["id"]
    assert event["data"]["task"]["title"] == "Water the plants"
    assert [e["type"] for e in sink.events()][1] == "com.taskai.task.completed"
    assert "Bob's secret" not in b"".join(c["body"] for c in calls).decode()


def test_only_the_wanted_types_are_delivered_and_each_event_once(alice, sink):
    created = hook(alice, sink, event_types=["com.taskai.task.completed"])
    task = alice.post("/api/tasks", {"title": "Once"}).json
    alice.post(f"/api/tasks/{task['id']}/complete")
    settle()
    [call] = sink.wait_for(1)
    event = body_json(call)
    again = service.record_deliveries(
        uow=bootstrap.uow(),
        user_id=uuid.UUID(event["data"]["task"]["user_id"]),
        event_id=event["id"],
        event_type=event["type"],
        payload=call["body"].decode(),
        now=datetime.now(UTC),
    )
    assert again == []  # a redelivered event has its delivery already
    deliveries = alice.get(f"{HOOKS}/{created['id']}/deliveries").json["deliveries"]
    assert [
        (d["event_type"], d["status"], d["attempts"], d["response_status"]) for d in deliveries
    ] == [("com.taskai.task.completed", "delivered", 1, 204)]


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(alice, sink):
    created = hook(alice, sink, event_types=["com.taskai.task.created"])
    sink.statuses = [500, 503]
    alice.post("/api/tasks", {"title": "Retry me"})
    settle()
    sink.wait_for(1)
    deliveries = f"{HOOKS}/{created['id']}/deliveries"
    [pending] = alice.get(deliveries).json["deliveries"]
    assert (pending["status"], pending["attempts"], pending["response_status"]) == (
        "pending", 1, 500
    )  # fmt: skip
    assert pending["last_error"] == "HTTP 500" and pending["next_attempt_at"]
    now = datetime.now(UTC)
    assert retry(now) == "attempted 0"  # not due yet: the first wait is a minute
    assert retry(now + timedelta(minutes=1, seconds=5)) == "attempted 1"
    assert retry(now + timedelta(minutes=2)) == "attempted 0"  # the second wait is 2 minutes
    assert retry(now + timedelta(minutes=4)) == "attempted 1"
    [delivered] = alice.get(deliveries).json["deliveries"]
    assert (delivered["status"], delivered["attempts"], delivered["response_status"]) == (
        "delivered", 3, 204
    )  # fmt: skip
    assert len(sink.events()) == 3 and len({c["body"] for c in sink.calls}) == 1


def test_a_receiver_that_does_not_answer_holds_up_no_other_event(alice, sink):
    created = hook(alice, sink, event_types=["com.taskai.task.created"])
    sink.answering.clear()  # every call waits, as at a receiver that hangs
    daily = {
        "title": "Daily",
        "due_date": "2031-03-10T09:00:00Z",
        "recurrence": {"preset": "daily"},
    }
    task = alice.post("/api/tasks", daily).json
    for n in range(3):
        alice.post("/api/tasks", {"title": f"Meanwhile {n}"})
    alice.post(f"/api/tasks/{task['id']}/complete")
    assert bootstrap.relay().idle.wait(3), "the events waited for the webhook's receiver"
    titles = [t["title"] for t in alice.get("/api/tasks?status=pending&limit=50").json["items"]]
    assert titles.count("Daily") == 1  # the next occurrence, while the receiver still hangs
    sink.answering.set()
    settle()
    deliveries = alice.get(f"{HOOKS}/{created['id']}/deliveries").json["deliveries"]
    assert sorted(d["status"] for d in deliveries) == ["delivered"] * 5  # the occurrence too


def test_a_process_at_exit_publishes_what_waits_and_finishes_its_webhook_calls(alice, sink):
    # A serve worker's exit: its relay had stopped, a commit's events still waited in the
    # outbox; drain() publishes them now rather than after a restart, and lets the webhook
    # attempts they start finish before the process goes.
    created = hook(alice, sink, event_types=["com.taskai.task.created"])
    settle()
    bootstrap.relay().stop()
    alice.post("/api/tasks", {"title": "Written as the worker exits"})
    assert len(bootstrap.outbox().unpublished(10)) == 1
    bootstrap.drain(timeout_s=10)
    assert bootstrap.outbox().unpublished(10) == []
    assert [e["data"]["task"]["title"] for e in sink.events()] == ["Written as the worker exits"]
    [delivery] = alice.get(f"{HOOKS}/{created['id']}/deliveries").json["deliveries"]
    assert (delivery["status"], delivery["attempts"]) == ("delivered", 1)


def test_a_redirect_is_a_failure_and_is_not_followed(alice, sink):
    created = hook(alice, sink, event_types=["com.taskai.task.created"])
    sink.statuses = [302]
    alice.post("/api/tasks", {"title": "Go elsewhere"})
    settle()
    sink.wait_for(1)
    [delivery] = alice.get(f"{HOOKS}/{created['id']}/deliveries").json["deliveries"]
    assert (delivery["status"], delivery["response_status"]) == ("pending", 302)
    assert len(sink.calls) == 1


def test_a_day_of_failures_disables_the_webhook_and_the_owner_enables_it_again(alice, sink):
    created = hook(alice, sink, event_types=["com.taskai.task.created"])
    sink.statuses = [500] * 100
    alice.post("/api/tasks", {"title": "Nobody listens"})
    settle()
    sink.wait_for(1)
    start = datetime.now(UTC)
    for minutes in range(0, 25 * 60, 30):
        retry(start + timedelta(minutes=minutes))
    path = f"{HOOKS}/{created['id']}"
    [disabled] = [w for w in alice.get(HOOKS).json["webhooks"] if w["id"] == created["id"]]
    assert disabled["enabled"] is False
    assert "failed for 24 hours" in disabled["disabled_reason"]
    assert "HTTP 500" in disabled["disabled_reason"]
    [failed] = alice.get(f"{path}/deliveries").json["deliveries"]
    assert failed["status"] == "failed" and failed["next_attempt_at"] is None
    assert 10 <= failed["attempts"] <= 14  # 1, 2, 4 … minutes apart, at most 6 hours
    calls = len(sink.calls)
    alice.post("/api/tasks", {"title": "While disabled"})
    settle()
    assert len(sink.calls) == calls  # a disabled webhook gets nothing
    sink.statuses = []
    enabled = alice.patch(path, {"enabled": True})
    assert enabled.status_code == 200
    assert (enabled.json["enabled"], enabled.json["disabled_reason"]) == (True, None)
    alice.post("/api/tasks", {"title": "Back again"})
    settle()
    sink.wait_for(calls + 1)
    assert body_json(sink.calls[-1])["data"]["task"]["title"] == "Back again"


def test_a_webhook_whose_host_turns_private_at_delivery_time_is_not_called(
    alice, sink, monkeypatch
):
    created = hook(alice, sink, event_types=["com.taskai.task.created"])
    monkeypatch.setenv("WEBHOOK_ALLOW_HOSTS", "")
    get_settings.cache_clear()
    bootstrap.webhook_sender.cache_clear()  # 127.0.0.1 is no longer allowed, as after rebinding
    alice.post("/api/tasks", {"title": "Rebound"})
    settle()
    [delivery] = alice.get(f"{HOOKS}/{created['id']}/deliveries").json["deliveries"]
    assert delivery["status"] == "pending" and delivery["response_status"] is None
    assert "loopback" in delivery["last_error"]
    assert sink.calls == []


def test_api_tokens_need_the_webhooks_scope(alice, sink):
    token = alice.post("/api/tokens", {"name": "ci", "scopes": ["tasks:read"]}).json["token"]
    from support import Api

    script = Api(alice.client.application, token)
    assert script.get(HOOKS).status_code == 403
    token = alice.post("/api/tokens", {"name": "ci", "scopes": ["webhooks:write"]}).json["token"]
    assert Api(alice.client.application, token).get(HOOKS).status_code == 200


def retry(now: datetime) -> str:
    """One retry tick at `now`."""
    return service.retry_due(uow=bootstrap.uow(), sender=bootstrap.webhook_sender(), now=now)


def test_a_token_may_only_hook_events_whose_rows_its_scopes_read(alice, sink):
    from support import Api

    def script(*scopes):
        token = alice.post("/api/tokens", {"name": "ci", "scopes": list(scopes)}).json["token"]
        return Api(alice.client.application, token)

    only_hooks = script("webhooks:write")
    refused = only_hooks.post(HOOKS, {"url": sink.url})  # every type: every task, project…
    assert refused.status_code == 403 and "tasks:read" in refused.json["error"]["message"]
    tasks = {"url": sink.url, "event_types": ["com.taskai.task.updated"]}
    assert only_hooks.post(HOOKS, tasks).status_code == 403
    reader = script("webhooks:write", "tasks:read")
    assert reader.post(HOOKS, tasks).status_code == 201
    projects = {"url": sink.url, "event_types": ["com.taskai.project.created"]}
    refused = reader.post(HOOKS, projects)
    assert refused.status_code == 403 and "projects:read" in refused.json["error"]["message"]
    assert script("webhooks:write", "tasks:read", "projects:read").post(HOOKS, {"url": sink.url}).status_code == 201  # fmt: skip
    everything = hook(alice, sink)  # a password login hooks anything
    moved = only_hooks.patch(f"{HOOKS}/{everything['id']}", {"url": sink.url + "&elsewhere"})
    assert moved.status_code == 403  # nor can the token point the owner's webhook elsewhere

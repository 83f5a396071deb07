"""Web Push reminders over HTTP, on both stores: browsers subscribe (validated, idempotent,
capped, private to their owner), a test push reaches each, and a due reminder is pushed once to
every subscription of its owner through a push-service stand-in that checks VAPID and decrypts."""

from __future__ import annotations

import base64
import stat
import uuid
from datetime import datetime, timedelta

import pytest

from push_service import PushServiceStandIn
from reminder_support import as_cloudevent, fire_at, queued, reminder_id, soon, tick, with_reminder
from support import event_client, settle
from taskai import bootstrap
from taskai.adapters.webpush import new_private_pem
from taskai.domain.push import MAX_SUBSCRIPTIONS

SUBSCRIPTIONS = "/api/push-subscriptions"
PEM = new_private_pem()


@pytest.fixture
def pushes(database, monkeypatch):
    """The push-service stand-in on 127.0.0.1, which PUSH_ALLOW_HOSTS lets pushes reach, with a
    VAPID key configured as production has it."""
    monkeypatch.setenv("VAPID_PRIVATE_KEY", PEM)
    monkeypatch.setenv("VAPID_SUBJECT", "mailto:ops@example.com")
    monkeypatch.setenv("PUSH_ALLOW_HOSTS", "127.0.0.1")
    bootstrap.reset()
    service = PushServiceStandIn()
    yield service
    service.close()


@pytest.fixture(scope="module")
def notifications():
    return event_client("notifications")


def subscribe(user, pushes) -> dict:
    """A new browser subscription of `user`'s at the stand-in; the API's answer."""
    response = user.post(SUBSCRIPTIONS, pushes.subscription())
    assert response.status_code == 201, response.json
    return response.json


def push_attempts(reminder: str) -> list[dict]:
    with bootstrap.uow() as uow:
        return uow.push_attempts.of_reminder(uuid.UUID(reminder))


def test_the_public_key_is_an_uncompressed_p256_point_in_base64url(alice, pushes):
    response = alice.get("/api/push/key")
    assert response.status_code == 200
    key = response.json["public_key"]
    point = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert len(point) == 65 and point[0] == 4 and "=" not in key


def test_subscribing_twice_from_one_browser_gives_the_same_subscription(alice, pushes):
    browser = pushes.subscription()
    first = alice.post(SUBSCRIPTIONS, browser)
    again = alice.post(SUBSCRIPTIONS, browser)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    assert set(first.json) == {"id", "endpoint", "created_at"}  # never the keys
    assert alice.get(SUBSCRIPTIONS).json == {"subscriptions": [first.json]}


def test_another_users_subscription_is_not_found_and_the_owner_deletes_it(alice, bob, pushes):
    mine = subscribe(alice, pushes)
    path = f"{SUBSCRIPTIONS}/{mine['id']}"
    assert bob.get(SUBSCRIPTIONS).json == {"subscriptions": []}
    assert bob.delete(path).status_code == 404
    assert alice.delete(path).status_code == 204
    assert alice.get(SUBSCRIPTIONS).json == {"subscriptions": []}
    assert alice.delete(path).status_code == 404


def _with(browser: dict, **keys: str) -> dict:
    return {**browser, "keys": {**browser["keys"], **keys}}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: {**b, "endpoint": "ftp://127.0.0.1/push/x"}, "endpoint"),
        (lambda b: {**b, "endpoint": "http://push.example.com/x"}, "endpoint"),  # http: not allowed
        (lambda b: {**b, "endpoint": "https://10.1.2.3/push/x"}, "endpoint"),  # private address
        (lambda b: {**b, "endpoint": "https://[::1]/push/x"}, "endpoint"),  # loopback
        (lambda b: {**b, "endpoint": "https://169.254.169.254/x"}, "endpoint"),  # link-local
        (lambda b: _with(b, p256dh=b["keys"]["p256dh"][:-4]), "keys.p256dh"),  # too short
        (lambda b: _with(b, p256dh="A" + b["keys"]["p256dh"][1:]), "keys.p256dh"),  # not 0x04
        (lambda b: _with(b, p256dh="BA" + "A" * 85), "keys.p256dh"),  # not on the curve
        (lambda b: _with(b, p256dh="B+" + b["keys"]["p256dh"][2:]), "keys.p256dh"),  # not url
        (lambda b: _with(b, auth=b["keys"]["auth"][:-2]), "keys.auth"),
        (lambda b: _with(b, auth="!!!!"), "keys.auth"),
        (lambda b: {"endpoint": b["endpoint"]}, "keys"),
    ],
)
def test_a_bad_subscription_is_refused_naming_its_field(alice, pushes, change, field):
    response = alice.post(SUBSCRIPTIONS, change(pushes.subscription()))
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"], response.json


def test_an_account_has_at_most_the_cap_of_subscriptions(alice, pushes):
    for _ in range(MAX_SUBSCRIPTIONS):
        subscribe(alice, pushes)
    response = alice.post(SUBSCRIPTIONS, pushes.subscription())
    assert response.status_code == 409, response.json
    assert len(alice.get(SUBSCRIPTIONS).json["subscriptions"]) == MAX_SUBSCRIPTIONS


def test_a_test_push_reaches_each_browser_and_a_gone_one_is_deleted(alice, pushes):
    kept, gone = subscribe(alice, pushes), subscribe(alice, pushes)
    pushes.status_of[gone["endpoint"].rsplit("/", 1)[-1]] = 410  # the pushes go out at once
    response = alice.post("/api/push/test")
    assert response.status_code == 200, response.json
    results = {r["subscription_id"]: r for r in response.json["results"]}
    assert results[kept["id"]]["outcome"] == "sent"
    assert (results[gone["id"]]["outcome"], results[gone["id"]]["response_status"]) == ("gone", 410)
    [payload] = pushes.delivered()
    assert payload == {"task_id": None, "title": "TaskAI test notification", "due": None}
    assert [s["id"] for s in alice.get(SUBSCRIPTIONS).json["subscriptions"]] == [kept["id"]]
    assert all(p["problems"] == [] for p in pushes.pushes)
    assert pushes.pushes[0]["claims"]["sub"] == "mailto:ops@example.com"


def test_a_due_reminder_is_pushed_once_to_each_browser_of_its_owner(alice, bob, pushes):
    laptop, phone = subscribe(alice, pushes), subscribe(alice, pushes)
    subscribe(bob, pushes)
    task = with_reminder(alice, due=soon(7200), title="Pay rent")
    tick(fire_at(task) + timedelta(minutes=1))
    settle()  # the relay hands reminder.due to the notifications function (the in-process bus)
    for endpoint in (laptop["endpoint"], phone["endpoint"]):
        [payload] = pushes.delivered(endpoint)
        assert payload == {"task_id": task["id"], "title": "Pay rent", "due": payload["due"]}
        assert datetime.fromisoformat(payload["due"]) == datetime.fromisoformat(task["due_date"])
    assert len(pushes.pushes) == 2  # none to bob's browser
    for push in pushes.pushes:
        assert push["problems"] == []
        assert push["headers"]["urgency"] == "high"
        assert push["headers"]["topic"] == uuid.UUID(reminder_id(task)).hex
        assert int(push["headers"]["ttl"]) > 0
    attempts = push_attempts(reminder_id(task))
    assert sorted(a["status"] for a in attempts) == ["sent", "sent"]


def test_a_redelivered_reminder_is_not_pushed_again(alice, pushes, notifications):
    subscribe(alice, pushes)
    task, event_id, data = queued(alice)
    for _ in range(2):
        headers, body = as_cloudevent(event_id, data)
        assert notifications.post("/", headers=headers, data=body).status_code == 200
    assert len(pushes.delivered()) == 1 and len(push_attempts(reminder_id(task))) == 1


def test_a_410_deletes_the_subscription_and_the_others_still_get_the_reminder(alice, pushes):
    gone, kept = subscribe(alice, pushes), subscribe(alice, pushes)
    pushes.statuses = [410]  # the first push, to the oldest subscription
    task = with_reminder(alice, due=soon(7200))
    tick(fire_at(task) + timedelta(minutes=1))
    settle()
    assert [s["id"] for s in alice.get(SUBSCRIPTIONS).json["subscriptions"]] == [kept["id"]]
    assert len(pushes.delivered(kept["endpoint"])) == 1
    assert pushes.delivered(gone["endpoint"]) == []
    statuses = sorted((a["status"], a["response_status"]) for a in push_attempts(reminder_id(task)))
    assert statuses == [("gone", 410), ("sent", 201)]


def test_a_push_service_error_is_retried_and_the_reminder_pushed_and_emailed_once(
    alice, pushes, notifications
):
    subscribe(alice, pushes)
    task, event_id, data = queued(alice)
    pushes.statuses = [500]
    headers, body = as_cloudevent(event_id, data)
    first = notifications.post("/", headers=headers, data=body)
    assert first.status_code == 503 and first.headers["Retry-After"]
    again = notifications.post("/", headers=headers, data=body)
    assert (again.status_code, again.json["outcome"]) == (200, "duplicate")  # emailed already
    assert len(pushes.pushes) == 2 and len(pushes.delivered()) == 1
    attempts = push_attempts(reminder_id(task))
    assert [(a["attempt"], a["status"]) for a in attempts] == [(1, "retry"), (2, "sent")]
    third = notifications.post("/", headers=headers, data=body)
    assert third.status_code == 200 and len(pushes.pushes) == 2


def test_a_completed_task_is_not_pushed(alice, pushes, notifications):
    subscribe(alice, pushes)
    task, event_id, data = queued(alice)
    assert alice.post(f"/api/tasks/{task['id']}/complete").status_code == 200
    headers, body = as_cloudevent(event_id, data)
    assert notifications.post("/", headers=headers, data=body).status_code == 200
    assert pushes.pushes == []


def test_without_a_vapid_key_a_server_with_a_database_answers_503(api, alice, monkeypatch):
    if not bootstrap.get_settings().database_url:
        pytest.skip("embedded mode always has a key")
    assert alice.get("/api/push/key").status_code == 503
    assert alice.post("/api/push/test").status_code == 503


def test_the_embedded_key_is_generated_once_beside_the_database_with_mode_0600(
    alice, monkeypatch, tmp_path
):
    if bootstrap.get_settings().database_url:
        pytest.skip("only the embedded mode generates a key")
    key = alice.get("/api/push/key").json["public_key"]
    path = bootstrap.get_settings().data_dir / "vapid-private.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    bootstrap.reset()  # a restart
    assert alice.get("/api/push/key").json["public_key"] == key

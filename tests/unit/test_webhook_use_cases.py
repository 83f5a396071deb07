"""Webhooks with in-memory fakes: who gets which event, once; the backoff schedule; giving up
after a day; disabling after failures and enabling again; and the SSRF address rules."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from fakes import NOW, FakeUnitOfWork, FakeWebhookSender

from taskai.adapters.webhook_http import WebhookHttp, forbidden
from taskai.domain.webhooks import RETRY_FOR, check_url
from taskai.errors import InvalidInput
from taskai.services import webhooks as service

ALICE, BOB = uuid.uuid4(), uuid.uuid4()


def create(uow, sender, user_id=ALICE, event_types=("*",), url="https://hooks.example.com/"):
    return service.create_webhook(
        uow=uow, sender=sender, user_id=user_id, url=url, event_types=event_types, now=NOW
    )


def deliver(uow, sender, user_id=ALICE, event_id="e1", kind="com.taskai.task.created", now=NOW):
    """Record the event's deliveries and attempt each once, as the webhooks function does."""
    ids = service.record_deliveries(
        uow=uow,
        user_id=user_id,
        event_id=event_id,
        event_type=kind,
        payload=f'{{"id": "{event_id}"}}',
        now=now,
    )
    outcomes = [service.attempt(uow=uow, sender=sender, delivery_id=i, now=now) for i in ids]
    return f"delivered {outcomes.count('delivered')} of {len(ids)}"


def test_an_event_goes_once_to_each_enabled_webhook_of_its_owner_that_wants_its_type():
    uow, sender = FakeUnitOfWork(), FakeWebhookSender()
    every = create(uow, sender)
    create(uow, sender, event_types=["com.taskai.task.completed"])
    create(uow, sender, user_id=BOB)
    assert deliver(uow, sender) == "delivered 1 of 1"
    assert deliver(uow, sender) == "delivered 0 of 0"  # the same event again: nothing new
    assert [(s["url"], s["secret"], s["id"]) for s in sender.sent] == [
        (every.url, every.secret, "e1")
    ]


def test_a_failure_is_retried_1_2_4_minutes_later_and_so_on_then_given_up_after_a_day():
    uow, sender = FakeUnitOfWork(), FakeWebhookSender(*[500] * 50)
    webhook = create(uow, sender)
    deliver(uow, sender)
    [delivery] = uow.deliveries.items.values()
    waits, now = [], NOW
    while delivery.status == "pending":
        assert delivery.next_attempt_at is not None
        waits.append(delivery.next_attempt_at - now)
        assert service.retry_due(uow=uow, sender=sender, now=delivery.next_attempt_at - timedelta(seconds=1)) == "attempted 0"  # fmt: skip
        now = delivery.next_attempt_at
        service.retry_due(uow=uow, sender=sender, now=now)
    minutes = [int(w.total_seconds() // 60) for w in waits]
    assert minutes[:9] == [1, 2, 4, 8, 16, 32, 64, 128, 256]
    assert max(minutes) == 360 and now - NOW <= RETRY_FOR
    assert delivery.status == "failed" and delivery.last_error == "HTTP 500"
    assert webhook.enabled is False and "HTTP 500" in (webhook.disabled_reason or "")


def test_a_success_ends_the_run_of_failures_and_enabling_forgets_it():
    uow, sender = FakeUnitOfWork(), FakeWebhookSender(500)
    webhook = create(uow, sender)
    deliver(uow, sender)
    assert webhook.failing_since == NOW
    service.retry_due(uow=uow, sender=sender, now=NOW + timedelta(minutes=1))
    assert webhook.failing_since is None and webhook.enabled
    webhook.disable("down", NOW)
    assert deliver(uow, sender, event_id="e2") == "delivered 0 of 0"
    service.update_webhook(
        uow=uow, sender=sender, user_id=ALICE, webhook_id=webhook.id, changes={"enabled": True}, now=NOW
    )  # fmt: skip
    assert (webhook.enabled, webhook.disabled_reason) == (True, None)
    assert deliver(uow, sender, event_id="e3") == "delivered 1 of 1"


def test_a_pending_delivery_of_a_webhook_disabled_meanwhile_fails_without_a_call():
    uow, sender = FakeUnitOfWork(), FakeWebhookSender(500)
    webhook = create(uow, sender)
    deliver(uow, sender)
    webhook.disable(None, NOW)
    service.retry_due(uow=uow, sender=sender, now=NOW + timedelta(minutes=5))
    [delivery] = uow.deliveries.items.values()
    assert delivery.status == "failed" and len(sender.sent) == 1


def test_a_claimed_delivery_whose_sender_died_is_due_again_after_its_lease():
    uow, sender = FakeUnitOfWork(), FakeWebhookSender()
    create(uow, sender)
    [claimed] = service.record_deliveries(
        uow=uow, user_id=ALICE, event_id="e1", event_type="com.taskai.task.created", payload="{}", now=NOW
    )  # fmt: skip
    assert service.claim_due(uow=uow, now=NOW + timedelta(seconds=30)) == []
    assert service.claim_due(uow=uow, now=NOW + timedelta(minutes=3)) == [claimed]


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://hooks.example.com/x?y=1", True),
        ("http://hooks.example.com/", False),
        ("http://sink.internal:8080/", True),  # named by the allow-list
        ("https://user@hooks.example.com/", False),
        ("https://hooks.example.com:99999/", False),
        ("javascript:alert(1)", False),
        ("https:///path-only", False),
    ],
)
def test_url_rules(url, allowed):
    if allowed:
        assert check_url(url, plain_http_hosts={"sink.internal"}) == url
    else:
        with pytest.raises(InvalidInput) as refused:
            check_url(url, plain_http_hosts={"sink.internal"})
        assert set(refused.value.fields) == {"url"}


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "10.0.0.7", "172.16.3.4", "192.168.1.1", "169.254.169.254", "0.0.0.0",
        "100.64.0.1", "224.0.0.251", "240.0.0.1", "255.255.255.255", "::1", "::", "fe80::1",
        "fc00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::1",
    ],
)  # fmt: skip
def test_private_loopback_link_local_multicast_and_reserved_addresses_are_forbidden(address):
    assert forbidden(address) is not None


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_public_addresses_are_allowed(address):
    assert forbidden(address) is None


def test_a_name_is_refused_when_any_of_its_addresses_is_private_unless_allowed():
    def resolver(host, port):
        return {"rebound.example": ["93.184.215.14", "127.0.0.1"]}.get(host, ["93.184.215.14"])

    strict = WebhookHttp(resolver=resolver)
    strict.check("https://fine.example/")
    with pytest.raises(InvalidInput, match="loopback"):
        strict.check("https://rebound.example/")
    WebhookHttp(resolver=resolver, allow_hosts=["rebound.example"]).check(
        "https://rebound.example/"
    )
    WebhookHttp(resolver=resolver, allow_private=True).check("https://rebound.example/")


def test_a_refused_address_at_delivery_time_is_a_failed_attempt_without_a_connection():
    sender = WebhookHttp(resolver=lambda host, port: ["10.0.0.1"])
    answer = sender.send(
        url="https://x.example/", secret="whsec_" + "A" * 44, message_id="m", body="{}", now=NOW
    )
    assert answer.status == 0 and "private" in (answer.error or "")

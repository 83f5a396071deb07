"""Wires adapters once per process, lazily: nothing connects at import time."""

from __future__ import annotations

import gc
import logging
import secrets
import threading
import uuid
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING

from taskai import logs
from taskai.config import get_settings

# Each adapter is imported where it is first built: a function that answers /health (or any
# request without the database) starts without SQLAlchemy, bcrypt or the ORM mapping loaded.
if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from taskai.adapters.background import BoundedPool
    from taskai.adapters.event_ingress import EventIngress
    from taskai.adapters.kafka_bus import KafkaPublisher
    from taskai.adapters.outbox import BackgroundRelay, SqlOutbox
    from taskai.adapters.security import TokenIssuer
    from taskai.adapters.unit_of_work import UnitOfWork
    from taskai.domain.api_tokens import Credential
    from taskai.domain.emails import Email
    from taskai.local.bus import InProcessBus
    from taskai.ports import (
        EmailSender,
        Parser,
        PasswordHasher,
        Publisher,
        PushSender,
        WebhookSender,
    )
    from taskai.services.notifications import Mailing

log = logging.getLogger("taskai.bootstrap")


@cache
def engine() -> Engine:
    """The process's SQLAlchemy engine for Settings' database URL (made once; also sets up
    logging)."""
    from taskai.adapters.db import make_engine

    settings = get_settings()
    logs.configure(settings.log_level)
    return make_engine(
        settings.sqlalchemy_url,
        pool_size=settings.db_pool_size,
        connect_timeout_s=settings.db_connect_timeout_s,
        statement_timeout_s=settings.db_statement_timeout_s,
    )


@cache
def session_factory() -> sessionmaker[Session]:
    """The process's session factory, mappers started, objects kept usable after commit."""
    from sqlalchemy.orm import sessionmaker

    from taskai.adapters.orm import start_mappers

    start_mappers()
    return sessionmaker(bind=engine(), expire_on_commit=False)


def uow(
    traceparent: str | None = None,
    caller: Credential | None = None,
    read_only: bool = False,
) -> UnitOfWork:
    """A fresh unit of work (checking `caller`, a bearer token's credential, as it begins;
    `read_only` ones refuse to write and never wait for SQLite's writer); its commit wakes the
    outbox relay and the live streams of this process."""
    from taskai.adapters.unit_of_work import UnitOfWork

    return UnitOfWork(
        session_factory(),
        traceparent=traceparent,
        caller=caller,
        after_commit=committed,
        read_only=read_only,
    )


def committed() -> None:
    """After each commit of this process: wake its outbox relay and its live streams."""
    from taskai.services.live import WAKEUP

    relay().kick()
    WAKEUP.notify()  # live push (issue 17)


@cache
def tokens() -> TokenIssuer:
    """The process's JWT issuer with Settings' secret, issuer, audience and lifetime (seconds)."""
    from taskai.adapters.security import TokenIssuer

    settings = get_settings()
    assert settings.jwt_secret is not None  # Settings.from_env guarantees one
    return TokenIssuer(
        secret=settings.jwt_secret,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_seconds=settings.jwt_ttl_seconds,
    )


@cache
def passwords() -> PasswordHasher:
    """bcrypt at the configured cost."""
    from taskai.adapters.security import BcryptPasswords

    return BcryptPasswords(rounds=get_settings().bcrypt_rounds)


@cache
def process_secret() -> str:
    """The event deliveries' secret when none is configured: only this process knows it."""
    return secrets.token_urlsafe(32)


@cache
def ingress() -> EventIngress:
    """Who may deliver events to this process's event functions."""
    from taskai.adapters.event_ingress import SERVICE_ACCOUNT, EventIngress, OidcSenders

    settings = get_settings()
    oidc = None
    if settings.events_oidc_audience:
        subjects = (settings.events_oidc_subjects or "").split(",")
        oidc = OidcSenders(
            issuer=settings.events_oidc_issuer,
            audience=settings.events_oidc_audience,
            jwks_url=settings.events_oidc_jwks_url,
            subjects=tuple(s.strip() for s in subjects if s.strip()),
            ca_file=SERVICE_ACCOUNT / "ca.crt",
            token_file=SERVICE_ACCOUNT / "token",
        )
    return EventIngress(shared_secret=settings.events_token or process_secret(), oidc=oidc)


def event_credential() -> dict[str, str]:
    """The header this process's own deliveries (bus, ticker, KafkaSource stand-in) carry."""
    return ingress().credential()


@cache
def bus() -> InProcessBus:
    """The in-process bus of the embedded mode (the dev server subscribes the event functions)."""
    from taskai.local.bus import InProcessBus  # a local stand-in: not in the image

    return InProcessBus(credential=event_credential)


@cache
def kafka() -> KafkaPublisher | None:
    """The process's Kafka producer, or None when KAFKA_BOOTSTRAP_SERVERS is unset."""
    servers = get_settings().kafka_bootstrap_servers
    if not servers:
        return None
    from taskai.adapters.kafka_bus import KafkaPublisher

    return KafkaPublisher(servers)


def publisher() -> Publisher:
    """Kafka when configured, else the in-process bus."""
    return kafka() or bus()


def clock() -> datetime:
    """The current time: an aware datetime in UTC (the `Clock` port)."""
    return datetime.now(UTC)


@cache
def outbox() -> SqlOutbox:
    """The process's outbox store (it remembers when it last purged)."""
    from taskai.adapters.outbox import SqlOutbox

    return SqlOutbox(engine())


def relay_now(stopping: Callable[[], bool] = lambda: False) -> int:
    """Publish everything waiting in the outbox (the relay function's work on each tick), or
    up to the end of a batch once `stopping()` is true."""
    from taskai.services.relay import relay_pending

    return relay_pending(outbox=outbox(), publisher=publisher(), clock=clock, stopping=stopping)


@cache
def relay() -> BackgroundRelay:
    """The process's background outbox relay; a commit kicks it, it publishes with relay_now
    and, once stopped, ends its pass at the next batch (9,400 events' in-process handlers held
    a pass, and the stop waiting for it, for over 30 s)."""
    from taskai.adapters.outbox import BackgroundRelay

    background = BackgroundRelay(lambda: relay_now(lambda: background.stopped))
    return background


@cache
def email_sender() -> EmailSender:
    """Resend when RESEND_API_KEY is set, else Amazon SES when AWS_REGION is, else a log line."""
    from taskai.adapters.email import LogSender, ResendSender, SesSender

    settings = get_settings()
    if settings.resend_api_key:
        return ResendSender(api_key=settings.resend_api_key, api_url=settings.resend_api_url)
    if settings.aws_region:
        return SesSender(region=settings.aws_region)
    return LogSender()


def send_soon(email: Email) -> None:
    """Send `email` from a daemon thread so the caller answers first; a failure is logged."""

    def send() -> None:
        try:
            email_sender().send(email)
        except Exception:
            log.exception("email not sent", extra={"subject": email.subject})

    threading.Thread(target=send, name="send-email", daemon=True).start()


def mailing() -> Mailing:
    """How reminder emails go out, from the settings."""
    from taskai.services.notifications import Mailing

    settings = get_settings()
    return Mailing(
        from_address=settings.email_from,
        public_url=settings.public_url,
        missed_after=settings.reminder_missed_after,
    )


@cache
def quick_add_parser() -> Parser | None:
    """OpenAI when OPENAI_API_KEY is set; None means quick add's rule-based parser."""
    settings = get_settings()
    if not settings.openai_api_key:
        return None
    from taskai.adapters.openai_parser import OpenAIParser

    return OpenAIParser(
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        model=settings.openai_model,
        timeout_s=settings.ai_timeout_s,
    )


@cache
def webhook_sender() -> WebhookSender:
    """Webhook deliveries over HTTP, limited to public addresses but for the allow-list."""
    from taskai.adapters.webhook_http import WebhookHttp

    settings = get_settings()
    return WebhookHttp(
        allow_hosts=settings.webhook_hosts, allow_private=settings.webhook_allow_private
    )


@cache
def push_sender() -> PushSender | None:
    """Web Push with the VAPID key of the settings (embedded: generated once beside the SQLite
    file, mode 0600); None when push is off (no VAPID_PRIVATE_KEY outside the embedded mode)."""
    settings = get_settings()
    if not settings.push_enabled:
        return None
    from taskai.adapters.webpush import WebPush, new_private_pem
    from taskai.config import embedded_file

    def private_key() -> str:
        given = settings.vapid_private_key
        return given or embedded_file(settings.data_dir, "vapid-private.pem", new_private_pem)

    return WebPush(
        private_key=private_key,
        public_key=settings.vapid_public_key,
        subject=settings.push_contact,
        allow_hosts=settings.push_hosts,
    )


@cache
def webhook_attempts() -> BoundedPool[uuid.UUID]:
    """Webhook deliveries' attempts, off the event consumer's path: a receiver that does not
    answer holds one of these threads, never the next event (a full pool leaves the rest to the
    retry tick, once their lease is over)."""
    from taskai.adapters.background import BoundedPool
    from taskai.services import webhooks

    def attempt(delivery_id: uuid.UUID) -> object:
        return webhooks.attempt(
            uow=uow(), sender=webhook_sender(), delivery_id=delivery_id, now=clock()
        )

    return BoundedPool(attempt, name="webhook-attempt", workers=4, waiting=1000)


_frozen = threading.Event()
GC_THRESHOLDS = (20_000, 20, 10)  # allocations before a young collection, and the older ones'


def freeze_loaded() -> None:
    """Once per process, after its first answer: move what it has allocated by then (loaded
    modules, wired adapters) out of the collector's reach (gc.freeze), and collect the young
    generation every GC_THRESHOLDS[0] allocations instead of 700. A full collection scanned
    every loaded object, and at 700 the objects of requests still under way (8 threads) were
    promoted to the old generation by the thousand, so full ones came every few seconds: each
    stalled every thread of the worker for 12-310 ms (the p99 of list and search at 32
    clients). Now they are 3-4 a run of 60 s, not 23-30, and 20-40 ms."""
    if not _frozen.is_set():
        _frozen.set()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)


def drain(timeout_s: float = 20.0) -> None:
    """Before this process exits: let its relay finish the pass under way and publish what
    waits (so the events go out now, not after a restart), then let the webhook attempts it
    started finish; each wait at most `timeout_s`."""
    if relay.cache_info().currsize:
        relay().stop(timeout_s)
        from taskai.ports import RelayBusy

        try:
            relay_now()  # what was committed since the last pass
        except RelayBusy:
            pass  # another process's relay is publishing them
        except Exception as e:  # the bus or the database away: a later pass relays them
            log.warning("outbox not drained at exit", extra={"error": repr(e)})
    if webhook_attempts.cache_info().currsize:
        webhook_attempts().wait_idle(timeout_s)


def reset() -> None:
    """Forget every wired adapter (tests change the environment between cases): background
    work stopped first, so none of it wires adapters anew from a changing environment."""
    if relay.cache_info().currsize:
        relay().stop()
    if webhook_attempts.cache_info().currsize:
        webhook_attempts().stop()
    if engine.cache_info().currsize:
        engine().dispose()
    if kafka.cache_info().currsize and (producer := kafka()) is not None:
        producer.close()
    for cached in (engine, session_factory, tokens, kafka, relay, outbox, ingress, get_settings):
        cached.cache_clear()
    email_sender.cache_clear()
    passwords.cache_clear()
    quick_add_parser.cache_clear()
    webhook_sender.cache_clear()
    push_sender.cache_clear()
    webhook_attempts.cache_clear()

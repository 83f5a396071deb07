"""auth function: register, log in, profile, password change and reset, logout, deletion,
personal API tokens, webhooks, and Web Push subscriptions."""

import flask
import functions_framework

from taskai import bootstrap
from taskai.api import schemas as s
from taskai.api.http import Api, Call
from taskai.api.presenters import local, user_public
from taskai.api.responses import json_response
from taskai.config import get_settings
from taskai.domain.api_tokens import ApiToken
from taskai.domain.push import PushSubscription
from taskai.domain.webhooks import Delivery, Webhook
from taskai.services import api_tokens, push, webhooks
from taskai.services import auth as service

api = Api("auth")


@api.handles("register")
def register(call: Call) -> s.RegisteredPublic:
    """POST /api/auth/register → 201 RegisteredPublic (account and bearer token); 422
    InvalidInput, 409 Conflict for a known email."""
    body = call.body(s.RegisterIn)
    session = service.register(
        uow=call.uow(),
        tokens=bootstrap.tokens(),
        now=call.now,
        passwords=bootstrap.passwords(),
        **body.model_dump(),
    )
    return s.RegisteredPublic(
        user=user_public(session.user),
        access_token=session.access_token,
        expires_in=session.expires_in,
    )


@api.handles("login")
def login(call: Call) -> s.TokenPublic:
    """POST /api/auth/login → 200 TokenPublic (token, expires_in seconds); 401 Unauthorized, 429
    TooManyAttempts with Retry-After."""
    body = call.body(s.LoginIn)
    session = service.login(
        uow=call.uow(),
        tokens=bootstrap.tokens(),
        email=body.email,
        password=body.password,
        address=call.client_address(),
        now=call.now,
        passwords=bootstrap.passwords(),
    )
    return s.TokenPublic(access_token=session.access_token, expires_in=session.expires_in)


@api.handles("getProfile")
def get_profile(call: Call) -> s.UserPublic:
    """GET /api/auth/me → 200 UserPublic of the caller; 401 Unauthorized."""
    return user_public(service.get_profile(uow=call.uow(), user_id=call.user_id))


@api.handles("updateProfile")
def update_profile(call: Call) -> s.UserPublic:
    """PATCH /api/auth/me → 200 UserPublic after changing name, time zone, language or all-day
    reminder time; 422 InvalidInput."""
    changes = s.fields_set(call.body(s.ProfileUpdate))
    return user_public(
        service.update_profile(uow=call.uow(), user_id=call.user_id, changes=changes, now=call.now)
    )


@api.handles("changePassword")
def change_password(call: Call) -> None:
    """POST /api/auth/password → 204, every earlier session token revoked (API tokens stay);
    403 Forbidden (wrong current), 422, 429 TooManyAttempts."""
    body = call.body(s.PasswordChange)
    service.change_password(
        uow=call.uow(),
        user_id=call.user_id,
        current_password=body.current_password,
        new=body.new_password,
        now=call.now,
        passwords=bootstrap.passwords(),
    )


@api.handles("logout")
def logout(call: Call) -> None:
    """POST /api/auth/logout → 204, every session token of the account revoked (API tokens
    stay); 401 Unauthorized."""
    service.logout(uow=call.uow(), user_id=call.user_id)


@api.handles("deleteAccount")
def delete_account(call: Call) -> None:
    """DELETE /api/auth/me → 204, the account and all it owns deleted; 403 Forbidden (wrong
    password), 429 TooManyAttempts."""
    body = call.body(s.AccountDeletion)
    service.delete_account(
        uow=call.uow(),
        user_id=call.user_id,
        password=body.password,
        now=call.now,
        passwords=bootstrap.passwords(),
    )


@api.handles("requestPasswordReset")
def request_password_reset(call: Call) -> s.AcceptedPublic:
    """POST /api/auth/password-reset → 202 whether or not the email is known; the link is mailed
    after answering (OWASP Forgot Password)."""
    body = call.body(s.PasswordResetRequest)
    settings = get_settings()
    email = service.request_password_reset(
        uow=call.uow(),
        email=body.email,
        now=call.now,
        public_url=settings.public_url,
        sender=settings.email_from,
    )
    if email is not None:  # sent after answering: the answer takes as long for any email
        bootstrap.send_soon(email)
    return s.AcceptedPublic(message="if an account has this email, a reset link is on its way")


@api.handles("confirmPasswordReset")
def confirm_password_reset(call: Call) -> None:
    """POST /api/auth/password-reset/confirm → 204 with the new password set; 403 Forbidden for a
    used, expired or unknown token, 422."""
    body = call.body(s.PasswordResetConfirm)
    service.reset_password(
        uow=call.uow(),
        token=body.token,
        new=body.new_password,
        now=call.now,
        passwords=bootstrap.passwords(),
    )


@api.handles("listApiTokens")
def list_api_tokens(call: Call) -> s.ApiTokenList:
    """GET /api/tokens → 200 ApiTokenList (never the secrets); 403 InsufficientScope for a
    token."""
    tokens = api_tokens.list_tokens(uow=call.uow(), user_id=call.user_id)
    return s.ApiTokenList(tokens=[api_token_public(call, token) for token in tokens])


@api.handles("createApiToken")
def create_api_token(call: Call) -> s.ApiTokenCreated:
    """POST /api/tokens → 201 ApiTokenCreated with the secret, shown this once; 422 naming the
    field, 409 Conflict at the cap, 403 InsufficientScope for a token."""
    body = call.body(s.ApiTokenCreate)
    token, secret = api_tokens.create_token(
        uow=call.uow(),
        user_id=call.user_id,
        name=body.name,
        scopes=list(body.scopes),
        expires_at=call.in_zone(body.expires_at),
        now=call.now,
    )
    return s.ApiTokenCreated(**api_token_public(call, token).model_dump(), token=secret)


@api.handles("deleteApiToken")
def delete_api_token(call: Call) -> None:
    """DELETE /api/tokens/{id} → 204, the token refused from now on; 404 NotFound (also for
    another account's), 403 InsufficientScope for a token."""
    api_tokens.revoke_token(uow=call.uow(), user_id=call.user_id, token_id=call.values["token_id"])


def api_token_public(call: Call, token: ApiToken) -> s.ApiTokenPublic:
    """The token's public shape (no secret, no hash), times in the caller's zone."""
    zone = call.zone()
    return s.ApiTokenPublic(
        id=str(token.id),
        name=token.name,
        scopes=list(token.scopes),  # type: ignore[arg-type]  # checked when created
        expires_at=local(token.expires_at, zone),
        last_used_at=local(token.last_used_at, zone),
        created_at=token.created_at.astimezone(zone),
    )


@api.handles("listWebhooks")
def list_webhooks(call: Call) -> s.WebhookList:
    """GET /api/webhooks → 200 WebhookList (never the secrets); 403 without webhooks:write."""
    found = webhooks.list_webhooks(uow=call.uow(), user_id=call.user_id)
    return s.WebhookList(webhooks=[webhook_public(call, webhook) for webhook in found])


@api.handles("createWebhook")
def create_webhook(call: Call) -> s.WebhookCreated:
    """POST /api/webhooks → 201 WebhookCreated with the secret, shown this once; 422 naming url
    (also a private address) or event_types, 409 Conflict at the cap."""
    body = call.body(s.WebhookCreate)
    webhook = webhooks.create_webhook(
        uow=call.uow(),
        sender=bootstrap.webhook_sender(),
        user_id=call.user_id,
        url=body.url,
        event_types=body.event_types,
        now=call.now,
    )
    return s.WebhookCreated(**webhook_public(call, webhook).model_dump(), secret=webhook.secret)


@api.handles("updateWebhook")
def update_webhook(call: Call) -> s.WebhookPublic:
    """PATCH /api/webhooks/{id} → 200 WebhookPublic; 404 NotFound (also another account's), 422
    naming the field."""
    webhook = webhooks.update_webhook(
        uow=call.uow(),
        sender=bootstrap.webhook_sender(),
        user_id=call.user_id,
        webhook_id=call.values["webhook_id"],
        changes=s.fields_set(call.body(s.WebhookUpdate)),
        now=call.now,
    )
    return webhook_public(call, webhook)


@api.handles("deleteWebhook")
def delete_webhook(call: Call) -> None:
    """DELETE /api/webhooks/{id} → 204 with its deliveries gone; 404 NotFound."""
    webhooks.delete_webhook(
        uow=call.uow(), user_id=call.user_id, webhook_id=call.values["webhook_id"]
    )


@api.handles("listWebhookDeliveries")
def list_webhook_deliveries(call: Call) -> s.DeliveryList:
    """GET /api/webhooks/{id}/deliveries → 200 DeliveryList, newest first; 404 NotFound."""
    found = webhooks.list_deliveries(
        uow=call.uow(),
        user_id=call.user_id,
        webhook_id=call.values["webhook_id"],
        limit=call.query(s.DeliveryParams).limit,
    )
    return s.DeliveryList(deliveries=[delivery_public(call, d) for d in found])


def webhook_public(call: Call, webhook: Webhook) -> s.WebhookPublic:
    """The webhook's public shape (no secret), times in the caller's zone."""
    zone = call.zone()
    return s.WebhookPublic(
        id=str(webhook.id),
        url=webhook.url,
        event_types=list(webhook.event_types),
        enabled=webhook.enabled,
        disabled_reason=webhook.disabled_reason,
        created_at=webhook.created_at.astimezone(zone),
        updated_at=webhook.updated_at.astimezone(zone),
    )


def delivery_public(call: Call, delivery: Delivery) -> s.DeliveryPublic:
    """A delivery's public shape (not its payload), times in the caller's zone."""
    zone = call.zone()
    return s.DeliveryPublic(
        id=str(delivery.id),
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        status=delivery.status,
        attempts=delivery.attempts,
        response_status=delivery.response_status,
        last_error=delivery.last_error,
        next_attempt_at=local(delivery.next_attempt_at, zone),
        created_at=delivery.created_at.astimezone(zone),
        finished_at=local(delivery.finished_at, zone),
    )


@api.handles("getPushKey")
def get_push_key(call: Call) -> s.PushKeyPublic:
    """GET /api/push/key → 200 PushKeyPublic (base64url); 503 when push is not configured."""
    call.user  # noqa: B018  # the caller checked (account, token) though nothing else is read
    sender = push.sender_or_unavailable(bootstrap.push_sender())
    return s.PushKeyPublic(public_key=sender.public_key)


@api.handles("listPushSubscriptions")
def list_push_subscriptions(call: Call) -> s.PushSubscriptionList:
    """GET /api/push-subscriptions → 200 PushSubscriptionList, oldest first."""
    found = push.list_subscriptions(uow=call.uow(), user_id=call.user_id)
    return s.PushSubscriptionList(subscriptions=[subscription_public(call, f) for f in found])


@api.handles("createPushSubscription")
def create_push_subscription(call: Call) -> s.PushSubscriptionPublic | flask.Response:
    """POST /api/push-subscriptions → 201 PushSubscriptionPublic, or 200 with the existing one of
    the endpoint; 422 naming endpoint, keys.p256dh or keys.auth, 409 at the cap, 503 when push
    is not configured."""
    body = call.body(s.PushSubscriptionCreate)
    subscription, created = push.subscribe(
        uow=call.uow(),
        sender=push.sender_or_unavailable(bootstrap.push_sender()),
        user_id=call.user_id,
        endpoint=body.endpoint,
        p256dh=body.keys.p256dh,
        auth=body.keys.auth,
        now=call.now,
    )
    public = subscription_public(call, subscription)
    return public if created else json_response(public, 200)


@api.handles("deletePushSubscription")
def delete_push_subscription(call: Call) -> None:
    """DELETE /api/push-subscriptions/{id} → 204; 404 NotFound (also another account's)."""
    push.unsubscribe(
        uow=call.uow(), user_id=call.user_id, subscription_id=call.values["subscription_id"]
    )


@api.handles("sendTestPush")
def send_test_push(call: Call) -> s.PushTestReport:
    """POST /api/push/test → 200 PushTestReport, one result per subscription (a gone one is
    deleted); 503 when push is not configured."""
    results = push.send_test(
        uow=call.uow(),
        sender=push.sender_or_unavailable(bootstrap.push_sender()),
        user_id=call.user_id,
    )
    return s.PushTestReport(
        results=[
            s.PushTestResult(
                subscription_id=str(subscription.id),
                outcome=word,  # type: ignore[arg-type]  # one of push.outcome's words
                response_status=answer.status or None,
                error=answer.error,
            )
            for subscription, word, answer in results
        ]
    )


def subscription_public(call: Call, subscription: PushSubscription) -> s.PushSubscriptionPublic:
    """A push subscription's public shape (not its keys), its time in the caller's zone."""
    return s.PushSubscriptionPublic(
        id=str(subscription.id),
        endpoint=subscription.endpoint,
        created_at=subscription.created_at.astimezone(call.zone()),
    )


@functions_framework.http
def auth(request):  # type: ignore[no-untyped-def]
    """Entry point Knative runs (FUNCTION_TARGET=auth)."""
    return api(request)

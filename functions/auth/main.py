"""auth function: register, log in, profile, password change and reset, logout, deletion, and
personal API tokens."""

import functions_framework

from taskai import bootstrap
from taskai.api import schemas as s
from taskai.api.http import Api, Call
from taskai.api.presenters import local, user_public
from taskai.config import get_settings
from taskai.domain.api_tokens import ApiToken
from taskai.services import api_tokens
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
        service.update_profile(
            uow=call.uow(), user_id=call.user_id, changes=changes, now=call.now
        )
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


@functions_framework.http
def auth(request):  # type: ignore[no-untyped-def]
    """Entry point Knative runs (FUNCTION_TARGET=auth)."""
    return api(request)

"""auth function: register, log in, read and change the profile (HTTP /api/auth/*)."""

import functions_framework

from taskai import bootstrap
from taskai.api import schemas as s
from taskai.api.http import Api, Call
from taskai.api.presenters import user_public
from taskai.config import get_settings
from taskai.services import auth as service

api = Api("auth")


@api.handles("register")
def register(call: Call) -> s.RegisteredPublic:
    body = call.body(s.RegisterIn)
    session = service.register(
        uow=call.uow(),
        tokens=bootstrap.tokens(),
        now=call.now,
        bcrypt_rounds=get_settings().bcrypt_rounds,
        **body.model_dump(),
    )
    return s.RegisteredPublic(
        user=user_public(session.user),
        access_token=session.access_token,
        expires_in=session.expires_in,
    )


@api.handles("login")
def login(call: Call) -> s.TokenPublic:
    body = call.body(s.LoginIn)
    session = service.login(
        uow=call.uow(),
        tokens=bootstrap.tokens(),
        email=body.email,
        password=body.password,
        now=call.now,
        bcrypt_rounds=get_settings().bcrypt_rounds,
    )
    return s.TokenPublic(access_token=session.access_token, expires_in=session.expires_in)


@api.handles("getProfile")
def get_profile(call: Call) -> s.UserPublic:
    return user_public(service.get_profile(uow=call.uow(), user_id=call.user_id))


@api.handles("updateProfile")
def update_profile(call: Call) -> s.UserPublic:
    changes = s.fields_set(call.body(s.ProfileUpdate))
    user = service.update_profile(
        uow=call.uow(),
        user_id=call.user_id,
        changes=changes,
        bcrypt_rounds=get_settings().bcrypt_rounds,
    )
    return user_public(user)


@functions_framework.http
def auth(request):  # type: ignore[no-untyped-def]
    """Entry point Knative runs (FUNCTION_TARGET=auth)."""
    return api(request)

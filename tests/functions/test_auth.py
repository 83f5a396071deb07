"""The auth function over HTTP: accounts, tokens, and every way a token can be wrong."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from taskai.config import get_settings

REGISTER = "/api/auth/register"


def test_registering_returns_the_user_and_a_bearer_token(api):
    response = api.post(
        REGISTER,
        {
            "email": " Ann@Example.COM ",
            "password": "longenough",
            "name": "Ann",
            "timezone": "Asia/Tokyo",
        },
    )
    assert response.status_code == 201
    body = response.json
    assert body["token_type"] == "bearer" and body["expires_in"] == 24 * 3600
    assert body["user"]["email"] == "Ann@Example.COM"  # stored as given, compared by its key
    assert body["user"]["timezone"] == "Asia/Tokyo"
    assert "password" not in json.dumps(body)


def test_registering_an_email_twice_in_any_case_is_a_conflict(api):
    api.post(REGISTER, {"email": "dup@example.com", "password": "longenough"})
    response = api.post(REGISTER, {"email": "DUP@example.com", "password": "longenough"})
    assert response.status_code == 409
    assert response.json["error"]["fields"] == {"email": "already registered"}


def test_a_short_password_an_unknown_zone_and_a_bad_email_are_named(api):
    response = api.post(REGISTER, {"email": "x@example.com", "password": "short"})
    assert response.status_code == 422 and "password" in response.json["error"]["fields"]
    response = api.post(
        REGISTER, {"email": "x@example.com", "password": "longenough", "timezone": "Mars/Olympus"}
    )
    assert response.status_code == 422 and "timezone" in response.json["error"]["fields"]
    response = api.post(REGISTER, {"email": "not-an-email", "password": "longenough"})
    assert response.status_code == 422 and "email" in response.json["error"]["fields"]


@pytest.mark.parametrize(
    ("email", "says"),
    [
        ("x" * 300 + "@example.com", "at most 254"),  # RFC 5321: 254 octets in all
        ("x" * 65 + "@example.com", "before the @-sign"),
        ("a@" + ".".join(["b" * 60] * 4) + ".comcomcom", "at most 254"),  # 255 in all
        ("two@@example.com", "@"),
        ("a b@example.com", "invalid characters"),
        ("a@localhost", "period"),
    ],
)
def test_an_address_mail_cannot_be_sent_to_is_refused_saying_why(api, email, says):
    response = api.post(REGISTER, {"email": email, "password": "correct horse battery staple"})
    assert response.status_code == 422, response.json
    assert says in response.json["error"]["fields"]["email"], response.json
    assert (
        api.post(
            REGISTER,
            {"email": "x" * 64 + "@example.com", "password": "correct horse battery staple"},
        ).status_code
        == 201
    )


def test_login_gives_one_generic_401_whether_or_not_the_email_exists(api, alice):
    wrong_password = api.post("/api/auth/login", {"email": alice.email, "password": "wrong pass"})
    no_such_user = api.post("/api/auth/login", {"email": "ghost@example.com", "password": "x" * 9})
    assert wrong_password.status_code == no_such_user.status_code == 401
    assert wrong_password.json == no_such_user.json


def test_login_with_the_right_password_gives_a_token_that_works(api, alice):
    response = api.post(
        "/api/auth/login", {"email": alice.email.upper(), "password": "correct horse"}
    )
    assert response.status_code == 200
    me = api.get(
        "/api/auth/me", headers={"Authorization": "Bearer " + response.json["access_token"]}
    )
    assert me.status_code == 200 and me.json["email"] == alice.email


def test_the_profile_changes_name_and_zone_but_not_the_password(api, alice):
    response = alice.patch("/api/auth/me", {"name": "Alice", "timezone": "Europe/Paris"})
    assert response.status_code == 200
    assert (response.json["name"], response.json["timezone"]) == ("Alice", "Europe/Paris")
    assert alice.patch("/api/auth/me", {"timezone": "Nowhere/Land"}).status_code == 422
    response = alice.patch("/api/auth/me", {"password": "new password"})
    assert response.status_code == 422 and "password" in response.json["error"]["fields"]
    login = api.post("/api/auth/login", {"email": alice.email, "password": "new password"})
    assert login.status_code == 401


def forge(
    claims_update=None,
    secret=None,
    algorithm="HS256",
    user_id="00000000-0000-0000-0000-000000000001",
):
    settings = get_settings()
    now = datetime.now(UTC)
    claims = {
        "sub": user_id,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + timedelta(hours=1),
    }
    claims.update(claims_update or {})
    return jwt.encode(claims, secret or settings.jwt_secret, algorithm=algorithm)


def status_with(api, token):
    return api.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code


def test_missing_and_malformed_authorization_is_401_with_a_challenge(api):
    response = api.get("/api/auth/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert api.get("/api/auth/me", headers={"Authorization": "Basic abc"}).status_code == 401
    assert status_with(api, "not.a.jwt") == 401


def test_expired_wrong_audience_wrong_issuer_and_wrong_key_tokens_are_refused(api, alice):
    me = alice.get("/api/auth/me").json["id"]
    past = datetime.now(UTC) - timedelta(hours=2)
    assert status_with(api, forge(user_id=me)) == 200  # the forge itself is right
    assert (
        status_with(api, forge({"iat": past, "exp": past + timedelta(minutes=5)}, user_id=me))
        == 401
    )
    assert status_with(api, forge({"aud": "someone-else"}, user_id=me)) == 401
    assert status_with(api, forge({"iss": "evil"}, user_id=me)) == 401
    assert (
        status_with(api, forge(secret="another-secret-that-is-long-enough-000000", user_id=me))
        == 401
    )


def test_a_tampered_token_is_refused(api, alice):
    header, payload, signature = alice.token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "00000000-0000-0000-0000-000000000002"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    assert status_with(api, f"{header}.{forged}.{signature}") == 401


def test_an_alg_none_token_is_refused(api, alice):
    me = alice.get("/api/auth/me").json["id"]
    unsigned = jwt.encode(
        {
            "sub": me,
            "iss": "taskai",
            "aud": "taskai-api",
            "iat": datetime.now(UTC),
            "exp": datetime.now(UTC) + timedelta(hours=1),
        },
        key=None,
        algorithm="none",
    )
    assert status_with(api, unsigned) == 401


def test_a_token_without_expiry_is_refused(api, alice):
    me = alice.get("/api/auth/me").json["id"]
    settings = get_settings()
    token = jwt.encode(
        {
            "sub": me,
            "iss": settings.jwt_issuer,
            "aud": settings.jwt_audience,
            "iat": datetime.now(UTC),
        },
        settings.jwt_secret,
        algorithm="HS256",
    )
    assert status_with(api, token) == 401


def test_the_accounts_creation_time_is_shown_in_its_own_zone(api):
    # It was the one time the API showed in UTC whatever the account's zone.
    user = api.as_new_user("Asia/Kathmandu")
    assert user.get("/api/auth/me").json["created_at"].endswith("+05:45")

"""Wires adapters once per process, lazily: nothing connects at import time."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from taskai import logs
from taskai.adapters.db import make_engine
from taskai.adapters.orm import start_mappers
from taskai.adapters.security import TokenIssuer
from taskai.adapters.unit_of_work import UnitOfWork
from taskai.config import Settings, get_settings


@cache
def engine() -> Engine:
    settings = get_settings()
    logs.configure(settings.log_level)
    return make_engine(settings.sqlalchemy_url, pool_size=settings.db_pool_size)


@cache
def session_factory() -> sessionmaker[Session]:
    start_mappers()
    return sessionmaker(bind=engine(), expire_on_commit=False)


def uow(traceparent: str | None = None) -> UnitOfWork:
    """A fresh unit of work on the process's engine."""
    return UnitOfWork(session_factory(), traceparent=traceparent)


@cache
def tokens() -> TokenIssuer:
    settings: Settings = get_settings()
    assert settings.jwt_secret is not None  # Settings.from_env guarantees one
    return TokenIssuer(
        secret=settings.jwt_secret,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_seconds=settings.jwt_ttl_seconds,
    )


def reset() -> None:
    """Forget every wired adapter (tests change the environment between cases)."""
    if engine.cache_info().currsize:
        engine().dispose()
    for cached in (engine, session_factory, tokens, get_settings):
        cached.cache_clear()

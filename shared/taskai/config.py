"""One typed Settings object, read from the environment once per process."""

from __future__ import annotations

import errno
import os
import re
import secrets
import tempfile
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from datetime import timedelta
from functools import cache
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from taskai.errors import TaskAIError

PLACEHOLDER_SECRETS = {"changeme", "change-me", "secret", "jwt-secret", "please-change", "dev"}
MIN_SECRET_LENGTH = 32
_BASE64URL = re.compile(r"[A-Za-z0-9_-]{40,}={0,2}")  # a raw or DER VAPID key, not a placeholder


class ConfigurationError(TaskAIError):
    """The process cannot start with the environment it was given."""

    code = "configuration_error"


_environ: ContextVar[Mapping[str, str] | None] = ContextVar("environ", default=None)


class Environ(EnvSettingsSource):
    """pydantic-settings' environment source, reading `from_env`'s mapping when it is given one."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        environ = _environ.get()
        if environ is None:
            return super()._load_env_vars()
        return {name.lower(): value for name, value in environ.items() if value}


class Settings(BaseSettings):
    """Every knob of TaskAI; each field is read from the upper-cased env var of the same name."""

    # An empty variable counts as unset; no .env file and no secrets directory are read.
    model_config = SettingsConfigDict(env_ignore_empty=True, extra="ignore")

    database_url: str | None = Field(None, description="SQLAlchemy URL; unset = embedded SQLite")
    data_dir: Path = Field(Path("var"), description="Embedded mode: where the SQLite file lives")
    jwt_secret: str | None = Field(None, description="HS256 signing key; generated when embedded")
    jwt_issuer: str = "taskai"
    jwt_audience: str = "taskai-api"
    jwt_ttl_seconds: int = Field(24 * 3600, ge=60, le=30 * 24 * 3600)
    kafka_bootstrap_servers: str | None = None
    resend_api_key: str | None = None
    resend_api_url: str | None = Field(None, description="Resend API base URL; unset = Resend's")
    aws_region: str | None = Field(None, description="Amazon SES region; set to send through SES")
    email_from: str = "TaskAI <reminders@taskai.local>"
    reminder_missed_after_minutes: int = Field(24 * 60, ge=1)
    openai_api_key: str | None = None
    openai_base_url: str | None = Field(None, description="OpenAI-compatible API base URL")
    openai_model: str = "gpt-4o-mini"
    ai_timeout_s: float = Field(8.0, gt=0, le=60)
    public_url: str = "http://localhost:8080"
    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    read_timeout_s: float = Field(
        10.0, ge=0.1, le=300, description="Seconds a request's headers, then body, may take"
    )
    log_level: str = "INFO"
    db_pool_size: int = Field(10, ge=1, le=200)
    db_connect_timeout_s: float = Field(5.0, gt=0, le=60, description="Seconds to connect")
    db_statement_timeout_s: float = Field(
        10.0, gt=0, le=600, description="Seconds a statement, a lock or a pooled connection waits"
    )
    bcrypt_rounds: int = Field(12, ge=4, le=16)
    trusted_proxy_hops: int = Field(
        0, ge=0, le=5, description="Proxies in front that append X-Forwarded-For"
    )
    events_token: str | None = Field(
        None, min_length=MIN_SECRET_LENGTH, description="Shared secret of event deliveries"
    )
    events_oidc_issuer: str = Field(
        "https://kubernetes.default.svc.cluster.local",
        description="Issuer of the event senders' OIDC tokens (the cluster's)",
    )
    events_oidc_audience: str | None = Field(
        None, description="Audience this function's event sources are given; set = OIDC on"
    )
    events_oidc_jwks_url: str = Field(
        "https://kubernetes.default.svc/openid/v1/jwks", description="The cluster's signing keys"
    )
    events_oidc_subjects: str | None = Field(
        None, description="Comma-separated service accounts allowed to send; unset = any"
    )
    # Webhooks (issue 17): where deliveries may go besides public https URLs (SSRF).
    webhook_allow_hosts: str | None = Field(
        None,
        description="Comma-separated hosts a webhook may reach at any address, over http too",
    )
    webhook_allow_private: bool = Field(
        False, description="Let webhooks reach private, loopback and link-local addresses"
    )
    # Live push (issue 17): GET /api/stream, Server-Sent Events of sync pages.
    stream_heartbeat_s: float = Field(
        15.0, gt=0, le=300, description="Seconds between a stream's heartbeats (caller re-checked)"
    )
    stream_lifetime_s: float = Field(
        60.0, gt=0, le=3600, description="Seconds a stream stays open before the client reconnects"
    )
    stream_poll_s: float = Field(
        0.5, ge=0.05, le=10, description="Seconds between a stream's checks for new changes"
    )
    stream_max_per_process: int = Field(
        8, ge=0, le=1000, description="Open streams one process holds (a thread each); over: 503"
    )
    stream_max_per_user: int = Field(
        4, ge=0, le=100, description="Open streams one account holds per process; over: 503"
    )
    # Web Push reminders (issue 17): the VAPID key pair signing pushes, and whom it names.
    vapid_private_key: str | None = Field(
        None, description="P-256 key, PEM or base64url; embedded: generated beside the SQLite file"
    )
    vapid_public_key: str | None = Field(
        None, description="Its public key, base64url (applicationServerKey); derived when unset"
    )
    vapid_subject: str | None = Field(
        None, description="mailto: or https: contact for push services; required with a key"
    )
    push_allow_hosts: str | None = Field(
        None, description="Comma-separated push service hosts reachable at any address, over http"
    )

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value

    @field_validator("vapid_subject")
    @classmethod
    def _contact(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("mailto:", "https://")):
            raise ValueError("must be a mailto: or https:// URL")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Keyword arguments, then the environment (os.environ or `from_env`'s mapping)."""
        return init_settings, Environ(settings_cls)

    @property
    def webhook_hosts(self) -> frozenset[str]:
        """WEBHOOK_ALLOW_HOSTS as a set of lower-cased host names (or IP literals)."""
        hosts = (self.webhook_allow_hosts or "").split(",")
        return frozenset(h.strip().lower().strip("[]") for h in hosts if h.strip())

    @property
    def push_hosts(self) -> frozenset[str]:
        """PUSH_ALLOW_HOSTS as a set of lower-cased host names (or IP literals)."""
        hosts = (self.push_allow_hosts or "").split(",")
        return frozenset(h.strip().lower().strip("[]") for h in hosts if h.strip())

    @property
    def push_enabled(self) -> bool:
        """Web Push reminders are on: embedded (with a generated key) or VAPID_PRIVATE_KEY set."""
        return self.embedded or self.vapid_private_key is not None

    @property
    def push_contact(self) -> str:
        """The VAPID `sub` claim: VAPID_SUBJECT, else (embedded) mailto: the EMAIL_FROM address."""
        if self.vapid_subject:
            return self.vapid_subject
        address = self.email_from.rsplit("<", 1)[-1].rstrip(">").strip()
        return f"mailto:{address}"

    @property
    def embedded(self) -> bool:
        """True when nothing external is configured: SQLite file, in-process bus."""
        return self.database_url is None

    @property
    def reminder_missed_after(self) -> timedelta:
        """How late a reminder may still be sent; later, it is marked missed."""
        return timedelta(minutes=self.reminder_missed_after_minutes)

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL, defaulting to the embedded SQLite file."""
        if self.database_url:
            return normalize_database_url(self.database_url)
        return f"sqlite:///{(self.data_dir / 'taskai.db').resolve()}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from `environ` (default os.environ); ConfigurationError naming each bad
        variable, a missing or placeholder secret, or a client library not installed."""
        token = _environ.set(environ)
        try:
            settings = cls()  # type: ignore[call-arg]  # fields come from the environment
        except ValidationError as e:
            # each variable with pydantic's rule ("should be greater than 0"), never its value
            bad = "; ".join(
                f"{str(err['loc'][0]).upper()} {err['msg'][:1].lower()}{err['msg'][1:]}"
                for err in e.errors()
            )
            raise ConfigurationError(f"invalid configuration: {bad}") from e
        finally:
            _environ.reset(token)
        settings.check_installed()
        settings.check_push()
        return settings.with_signing_secret()

    def check_installed(self) -> None:
        """Refuse a setting whose client library is not installed (looked up, not imported)."""
        from importlib.util import find_spec

        if self.kafka_bootstrap_servers and find_spec("kafka") is None:
            raise ConfigurationError(
                "KAFKA_BOOTSTRAP_SERVERS is set but kafka-python is not installed: "
                "pip install 'taskai[kafka]'"
            )

    def check_push(self) -> None:
        """Refuse a half-configured VAPID key pair, or a key without a subject outside the
        embedded mode (push services need a contact); ConfigurationError naming the variable."""
        if self.vapid_public_key and not self.vapid_private_key:
            raise ConfigurationError("VAPID_PUBLIC_KEY is set without VAPID_PRIVATE_KEY")
        if self.vapid_private_key and not self.embedded and not self.vapid_subject:
            raise ConfigurationError("VAPID_SUBJECT is required when VAPID_PRIVATE_KEY is set")
        key = (self.vapid_private_key or "").strip()
        if key and not (key.startswith("-----BEGIN") or _BASE64URL.fullmatch(key)):
            raise ConfigurationError("VAPID_PRIVATE_KEY must be a PEM key or base64url")
        public = (self.vapid_public_key or "").strip().rstrip("=")
        if public and not (_BASE64URL.fullmatch(public) and len(public) == 87):
            raise ConfigurationError("VAPID_PUBLIC_KEY must be 65 bytes in base64url")

    def with_signing_secret(self) -> Settings:
        """Embedded mode keeps a generated secret beside the database; elsewhere one is required."""
        if self.jwt_secret:
            if self.jwt_secret.lower() in PLACEHOLDER_SECRETS or (
                not self.embedded and len(self.jwt_secret) < MIN_SECRET_LENGTH
            ):
                raise ConfigurationError(
                    f"JWT_SECRET is a placeholder or shorter than {MIN_SECRET_LENGTH} characters"
                )
            return self
        if not self.embedded:
            raise ConfigurationError("JWT_SECRET is required when DATABASE_URL is set")
        return self.model_copy(update={"jwt_secret": embedded_secret(self.data_dir)})


def normalize_database_url(url: str) -> str:
    """Accept the usual postgres:// spellings and pin the pg8000 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+pg8000://" + url[len(prefix) :]
    return url


def embedded_secret(data_dir: Path) -> str:
    """Read, or create once with mode 0600, the signing secret of the embedded install."""
    return embedded_file(data_dir, "jwt-secret", lambda: secrets.token_urlsafe(48))


def embedded_file(data_dir: Path, name: str, make: Callable[[], str]) -> str:
    """Read, or write once with mode 0600 what `make()` returns, the secret file `name` of the
    embedded install (stripped); concurrent first writers agree on one. Raises
    ConfigurationError naming DATA_DIR when the folder or file cannot be made or read."""
    path = data_dir / name
    try:
        if data_dir.exists() and not data_dir.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(data_dir))
        if path.exists() and not path.is_file():  # a folder, or a FIFO that reading would wait on
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if not path.exists():
            data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, draft = tempfile.mkstemp(dir=data_dir, prefix=f".{name}.")  # mode 0600
            with os.fdopen(fd, "w") as f:
                f.write(make())
            try:
                os.link(draft, path)  # atomic: the first writer wins, the others read its secret
            except FileExistsError:
                pass
            finally:
                os.unlink(draft)
        return path.read_text().strip()
    except OSError as e:
        raise ConfigurationError(
            f"DATA_DIR {data_dir} cannot hold the embedded files: {e.strerror or e} "
            f"({e.filename or path}); set DATA_DIR to a folder this user can write"
        ) from e


@cache
def get_settings() -> Settings:
    """The process-wide settings, read on first use."""
    return Settings.from_env()

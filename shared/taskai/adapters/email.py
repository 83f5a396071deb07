"""Email senders: Resend, Amazon SES, or a JSON log line (the embedded mode); one interface.

Each turns the provider's answer into `Sent` or `SendFailed(transient=…)`; the heavy SDKs are
imported by the sender that uses them, on its first message.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from taskai.domain.emails import Email
from taskai.ports import SendFailed, Sent

log = logging.getLogger("taskai.email")
THROTTLED = {"Throttling", "ThrottlingException", "TooManyRequestsException"}


class LogSender:
    """The embedded mode's sender: the rendered email becomes one JSON log line."""

    provider = "log"

    def send(self, email: Email) -> Sent:
        """Log the whole email as one JSON line at INFO; always Sent, with the email's key as
        message id."""
        log.info(
            "email",
            extra={
                "to": email.to,
                "sender": email.sender,
                "subject": email.subject,
                "text": email.text,
                "html": email.html,
                "key": email.key,
            },
        )
        return Sent(message_id=email.key)


class ResendSender:
    """Resend's API through its SDK, with the email's key as the idempotency key."""

    provider = "resend"

    def __init__(self, *, api_key: str, api_url: str | None = None, timeout_s: int = 10) -> None:
        self.api_key, self.api_url, self.timeout_s = api_key, api_url, timeout_s
        self._sdk: Any = None
        self._lock = threading.Lock()

    def sdk(self) -> Any:
        """The `resend` module set up for this sender (the SDK keeps its settings in globals)."""
        with self._lock:
            if self._sdk is None:
                import resend

                resend.default_http_client = kept_alive_client(resend, self.timeout_s)
                self._sdk = resend
        self._sdk.api_key = self.api_key
        if self.api_url:
            self._sdk.api_url = self.api_url.rstrip("/")
        return self._sdk

    def send(self, email: Email) -> Sent:
        """Send through Resend with the email's key as idempotency key; Sent(None) if Resend already
        has it; raises SendFailed."""
        resend = self.sdk()
        params = {
            "from": email.sender,
            "to": [email.to],
            "subject": email.subject,
            "text": email.text,
            "html": email.html,
        }
        try:
            response = resend.Emails.send(params, {"idempotency_key": email.key})
        except resend.exceptions.ResendError as e:
            if e.error_type == "invalid_idempotent_request":  # Resend sent one under this key
                return Sent(message_id=None, note=f"resend: {e.message}")
            raise resend_failure(e) from e
        return Sent(message_id=str(response["id"]))


def kept_alive_client(resend: Any, timeout_s: int) -> Any:
    """The SDK's own requests-based HTTP client, but reusing connections: one requests.Session
    per thread (the stock client opens a new connection for every email)."""
    import requests

    class KeptAliveClient(resend.HTTPClient):
        def __init__(self) -> None:
            self.local = threading.local()

        def request(
            self,
            method: str,
            url: str,
            headers: Any,
            json: Any = None,
            files: Any = None,
            data: Any = None,
        ) -> tuple[bytes, int, Any]:
            if not hasattr(self.local, "session"):
                self.local.session = requests.Session()
            body = {"files": files, "data": data} if files is not None else {"data": data}
            if files is None and data is None:
                body["json"] = json
            try:
                response = self.local.session.request(
                    method, url, headers=headers, timeout=timeout_s, **body
                )
            except requests.RequestException as e:  # the SDK reports it as a 500 HttpClientError
                raise RuntimeError(f"Request failed: {e}") from e
            return response.content, response.status_code, response.headers

    return KeptAliveClient()


def resend_failure(error: Any) -> SendFailed:
    """5xx, 429, timeouts (the SDK reports them as 500) and a key still in use are transient."""
    try:
        status = int(error.code)
    except (TypeError, ValueError):
        status = 500
    transient = (
        status >= 500 or status == 429 or error.error_type == "concurrent_idempotent_requests"
    )
    headers = {k.lower(): v for k, v in (error.headers or {}).items()}
    return SendFailed(
        f"resend {status} {error.error_type}: {error.message}",
        transient=transient,
        retry_after_s=seconds(headers.get("retry-after")),
    )


class SesSender:
    """Amazon SES (SendEmail) through boto3; the sender address must be a verified identity."""

    provider = "ses"

    def __init__(
        self, *, region: str, endpoint_url: str | None = None, timeout_s: int = 10
    ) -> None:
        self.region, self.endpoint_url, self.timeout_s = region, endpoint_url, timeout_s
        self._client: Any = None
        self._lock = threading.Lock()

    def client(self) -> Any:
        """The process's boto3 SES client (timeouts `timeout_s`, 2 attempts in standard retry mode),
        made on first use."""
        with self._lock:  # creating a boto3 client is not thread-safe; using one is
            if self._client is None:
                import boto3
                from botocore.config import Config

                config = Config(
                    connect_timeout=self.timeout_s,
                    read_timeout=self.timeout_s,
                    retries={"mode": "standard", "max_attempts": 2},
                )
                self._client = boto3.client(
                    "ses", region_name=self.region, endpoint_url=self.endpoint_url, config=config
                )
            return self._client

    def send(self, email: Email) -> Sent:
        """Send through SES v1 SendEmail; raises SendFailed, transient for throttling, 5xx and no
        answer."""
        from botocore.exceptions import BotoCoreError, ClientError

        message = {
            "Subject": {"Data": email.subject, "Charset": "UTF-8"},
            "Body": {
                "Text": {"Data": email.text, "Charset": "UTF-8"},
                "Html": {"Data": email.html, "Charset": "UTF-8"},
            },
        }
        try:
            response = self.client().send_email(
                Source=email.sender, Destination={"ToAddresses": [email.to]}, Message=message
            )
        except ClientError as e:
            raise ses_failure(e.response) from e
        except BotoCoreError as e:  # no answer: connection refused, timeouts
            raise SendFailed(f"ses unreachable: {e}", transient=True) from e
        return Sent(message_id=str(response["MessageId"]))


def ses_failure(response: dict[str, Any]) -> SendFailed:
    """SES throttling is a 400 with its own code; it and 5xx are transient."""
    error = response.get("Error", {})
    code, status = error.get("Code", ""), response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    transient = code in THROTTLED or (status or 500) >= 500 or status == 429
    return SendFailed(f"ses {status} {code}: {error.get('Message', '')}", transient=transient)


def seconds(value: str | None) -> float | None:
    """A Retry-After value in seconds (the delay form; an HTTP date is not used by Resend)."""
    try:
        return max(float(value), 0.0) if value else None
    except ValueError:
        return None

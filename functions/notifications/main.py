"""notifications function: on reminder.due, email the task's owner and push to each of their
browsers, once per channel, logging every attempt."""

import functions_framework
from werkzeug.exceptions import ServiceUnavailable

from taskai import bootstrap
from taskai.api.consumers import consume, serve_events
from taskai.services import notifications as service


def on_event(event):  # type: ignore[no-untyped-def]
    """Email and push the reminder of a reminder.due event once per channel; the email's outcome
    in words; RetryLater becomes 503 with Retry-After (seconds)."""
    try:
        return consume(
            event,
            consumer=service.CONSUMER,
            handler=lambda event_id, kind, data, now: service.send_reminder(
                uow=bootstrap.uow(),
                sender=bootstrap.email_sender(),
                mailing=bootstrap.mailing(),
                event_id=event_id,
                data=data,
                now=now,
                clock=bootstrap.clock,
                pusher=bootstrap.push_sender(),
            ),
        )
    except service.RetryLater as e:  # transient: 503, so the source delivers it again later
        retry_after = None if e.retry_after_s is None else max(1, round(e.retry_after_s))
        raise ServiceUnavailable(str(e), retry_after=retry_after) from e


@functions_framework.http
def notifications(request):  # type: ignore[no-untyped-def]
    """Entry point (FUNCTION_TARGET=notifications), fed by a KafkaSource on reminders."""
    return serve_events(request, consumer=service.CONSUMER, handler=on_event)

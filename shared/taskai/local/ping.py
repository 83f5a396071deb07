"""A local stand-in for Knative's PingSource: a CloudEvent to each target on a fixed period."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from taskai.adapters.cloudevents_io import PING_TYPE, http_request

log = logging.getLogger("taskai.ping")
Deliver = Callable[[dict[str, str], bytes], int]


def ping_event(name: str) -> tuple[dict[str, str], bytes]:
    """The binary-mode HTTP CloudEvent (headers, body) a PingSource named `name` sends."""
    from cloudevents.http import CloudEvent

    attributes = {
        "type": PING_TYPE,
        "source": f"/apis/v1/namespaces/default/pingsources/{name}",
        "datacontenttype": "application/json",
    }
    return http_request(CloudEvent(attributes, b"{}"))


class Ticker:
    """Sends a ping to every target each `period_s` seconds, from a daemon thread."""

    def __init__(self, targets: dict[str, Deliver], period_s: float) -> None:
        self.targets, self.period_s = targets, period_s
        self.stopped = threading.Event()

    def tick(self) -> None:
        """Send one PingSource-shaped CloudEvent to each target; a failure or a status ≥ 300 is
        logged, never raised."""
        for name, deliver in self.targets.items():
            try:
                status = deliver(*ping_event(name))
            except Exception:  # a failing target must not stop the clock
                log.exception("ping failed", extra={"target": name})
                continue
            if status >= 300:
                log.warning("ping not accepted", extra={"target": name, "status": status})

    def run(self) -> None:
        """Tick every `period_s` seconds until stopped (the first tick after one period)."""
        while not self.stopped.wait(self.period_s):
            self.tick()

    def start(self) -> threading.Thread:
        """Run in a new daemon thread named "ping-source"; returns the started thread."""
        thread = threading.Thread(target=self.run, name="ping-source", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop ticking; the thread ends within one period (no tick is interrupted)."""
        self.stopped.set()

"""A local stand-in of the Kubernetes API: the real paths of custom resources, bearer-token
auth and the API server's Status answers, serving whatever objects a test gives it."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

Run = Callable[..., tuple[int, str, str]]  # the `taskai` fixture: (exit code, out, err)

# (group, plural) -> (kind, versions served): as Knative 1.23 and Strimzi 0.49+ install them
# (tests/ops/test_kube_standin.py holds this against ../shared/crds).
SERVED: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("serving.knative.dev", "services"): ("Service", ("v1",)),
    ("serving.knative.dev", "revisions"): ("Revision", ("v1",)),
    ("sources.knative.dev", "kafkasources"): ("KafkaSource", ("v1beta1", "v1")),
    ("sources.knative.dev", "pingsources"): ("PingSource", ("v1", "v1beta2")),
    ("kafka.strimzi.io", "kafkas"): ("Kafka", ("v1",)),
    ("kafka.strimzi.io", "kafkatopics"): ("KafkaTopic", ("v1",)),
}
PLURALS = {kind: key for key, (kind, _) in SERVED.items()}
PATH = re.compile(
    r"^/apis/(?P<group>[^/]+)/(?P<version>[^/]+)/"
    r"(?:namespaces/(?P<namespace>[^/]+)/)?(?P<plural>[^/]+)(?:/(?P<name>[^/]+))?$"
)
TOKEN = "standin-operator-token"


def status_object(code: int, reason: str, message: str) -> dict[str, Any]:
    """A metav1.Status, as the API server answers an error."""
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }


class KubeStandin:
    """Serves `objects` (any of the SERVED kinds) on 127.0.0.1; `requests` records each path."""

    def __init__(
        self,
        objects: list[dict[str, Any]],
        token: str = TOKEN,
        served: dict[tuple[str, str], tuple[str, tuple[str, ...]]] | None = None,
    ) -> None:
        self.objects = objects
        self.token = token
        self.served = SERVED if served is None else served
        self.requests: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> KubeStandin:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def kubeconfig(self, path: Path, token: str | None = None) -> Path:
        """A kubeconfig whose current context is this stand-in, with a bearer token."""
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "standin", "cluster": {"server": self.url}}],
            "users": [{"name": "operator", "user": {"token": token or self.token}}],
            "contexts": [
                {
                    "name": "standin",
                    "context": {"cluster": "standin", "user": "operator", "namespace": "taskai"},
                }
            ],
            "current-context": "standin",
        }
        path.write_text(json.dumps(config))  # JSON is YAML
        return path

    def answer(self, path: str, authorization: str | None) -> tuple[int, dict[str, Any]]:
        self.requests.append(path)
        if authorization != f"Bearer {self.token}":
            return 401, status_object(401, "Unauthorized", "Unauthorized")
        match = PATH.match(path.partition("?")[0])
        served = self.served.get((match["group"], match["plural"])) if match else None
        if not match or not served or match["version"] not in served[1]:
            return 404, status_object(
                404, "NotFound", "the server could not find the requested resource"
            )
        kind, api_version = served[0], f"{match['group']}/{match['version']}"
        found = [
            {**o, "apiVersion": api_version}
            for o in self.objects
            if o["kind"] == kind
            and o["apiVersion"].split("/")[0] == match["group"]
            and match["namespace"] in (None, o["metadata"].get("namespace"))
            and match["name"] in (None, o["metadata"]["name"])
        ]
        if match["name"]:
            if not found:
                message = f'{match["plural"]}.{match["group"]} "{match["name"]}" not found'
                return 404, status_object(404, "NotFound", message)
            return 200, found[0]
        return 200, {
            "apiVersion": api_version,
            "kind": f"{kind}List",
            "metadata": {"resourceVersion": "48213", "continue": ""},
            "items": found,
        }

    def handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                code, body = standin.answer(self.path, self.headers.get("Authorization"))
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

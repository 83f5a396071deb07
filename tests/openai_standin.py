"""A local stand-in for OpenAI's Chat Completions API, so the real SDK can be tested offline."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class OpenAIStandIn:
    """Answers POST /v1/chat/completions from a script of behaviours, recording each request.

    A behaviour is a dict: {"content": str} (the assistant message), {"status": 429} (an API
    error), or {"sleep": seconds} (answer too late). With no script left it repeats the last.
    """

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.script: list[dict[str, Any]] = []
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                standin.requests.append(body)
                standin.headers.append({k.lower(): v for k, v in self.headers.items()})
                step = standin.script.pop(0) if len(standin.script) > 1 else standin.script[0]
                if self.path != "/v1/chat/completions":
                    return self.answer(
                        404,
                        {"error": {"message": "no such route", "type": "invalid_request_error"}},
                    )
                if "sleep" in step:
                    time.sleep(step["sleep"])
                if "status" in step:
                    error = {
                        "error": {
                            "message": "Rate limit reached",
                            "type": "rate_limit_error",
                            "param": None,
                            "code": "rate_limit_exceeded",
                        }
                    }
                    return self.answer(step["status"], error, {"retry-after": "0"})
                return self.answer(200, completion(body["model"], step.get("content", "")))

            def answer(self, status: int, payload: dict, headers: dict | None = None) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_port}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def completion(model: str, content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-standin",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "logprobs": None,
                "message": {"role": "assistant", "content": content, "refusal": None},
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }

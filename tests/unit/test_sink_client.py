"""The stand-in's HTTP client: one kept-alive connection, whatever framing the sink answers in."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from taskai.adapters.http_delivery import SinkClient

ANSWERS = {
    "/length": (200, {"Content-Length": "2"}, [b"ok"]),
    "/chunked": (200, {"Transfer-Encoding": "chunked"}, [b"2\r\nok\r\n", b"0\r\n\r\n"]),
    "/close": (202, {"Connection": "close"}, [b"bye"]),
    "/busy": (503, {"Retry-After": "7", "Content-Length": "0"}, []),
}


class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[tuple[str, int, str | None, bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Sink.seen.append((self.path, self.client_address[1], self.headers["ce-id"], body))
        status, headers, chunks = ANSWERS[self.path]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        for chunk in chunks:
            self.wfile.write(chunk)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def sink() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Sink.seen.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["/length", "/chunked"])
def test_posts_go_over_one_kept_alive_connection_with_their_headers_and_body(sink, path):
    client = SinkClient(sink + path, timeout_s=5)

    statuses = [client.post({"ce-id": f"e{i}"}, b'{"n": %d}' % i) for i in range(3)]

    assert statuses == [200, 200, 200]
    assert [(p, i, b) for p, _port, i, b in Sink.seen] == [
        (path, f"e{i}", b'{"n": %d}' % i) for i in range(3)
    ]
    assert len({port for _p, port, _i, _b in Sink.seen}) == 1
    client.close()


def test_a_sink_that_closes_after_answering_is_reconnected_to(sink):
    client = SinkClient(sink + "/close", timeout_s=5)

    assert [client.post({"ce-id": "e"}, b"x") for _ in range(2)] == [202, 202]
    assert len({port for _p, port, _i, _b in Sink.seen}) == 2


def test_a_503_brings_its_retry_after_and_a_refused_connection_is_status_0(sink):
    assert SinkClient(sink + "/busy", timeout_s=5).send({}, b"").retry_after_s == 7
    assert SinkClient("http://127.0.0.1:1/", timeout_s=5).post({}, b"") == 0


def test_a_header_with_a_line_break_is_refused_before_anything_is_sent(sink):
    client = SinkClient(sink + "/length", timeout_s=5)

    with pytest.raises(ValueError):
        client.post({"ce-id": "e\r\nX-Injected: 1"}, b"")
    assert Sink.seen == []

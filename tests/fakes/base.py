"""A stdlib HTTP server that records every request it gets, for fakes of providers and collectors."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO


@dataclass(frozen=True)
class Recorded:
    """One request as it reached the fake: header names keep their case and order."""

    method: str
    path: str
    header_items: tuple[tuple[str, str], ...]
    body: bytes
    at: float

    @property
    def headers(self) -> dict[str, str]:
        """Lower-cased names; repeated headers joined with ``, ``."""
        out: dict[str, str] = {}
        for name, value in self.header_items:
            key = name.lower()
            out[key] = f"{out[key]}, {value}" if key in out else value
        return out

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def to_json(self) -> str:
        body = self.body.decode("utf-8", "replace")
        return json.dumps(
            {"at": self.at, "method": self.method, "path": self.path, "headers": self.header_items, "body": body}
        )


def json_object(body: bytes) -> dict:
    """``body`` as a JSON object, or ``{}``."""
    try:
        value = json.loads(body) if body else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class RecordingHandler(BaseHTTPRequestHandler):
    """Reads the body (Content-Length or chunked), records the request, then dispatches."""

    protocol_version = "HTTP/1.1"
    #: Headers and body go out in separate small writes; with Nagle's algorithm and delayed
    #: ACKs each JSON reply would stall about 40 ms.
    disable_nagle_algorithm = True
    server: RecordingServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass

    def _body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length:
            return self.rfile.read(int(length))
        if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
            return b""
        chunks = []
        while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
            chunks.append(self.rfile.read(size))
            self.rfile.readline()
        self.rfile.readline()
        return b"".join(chunks)

    def _handle(self) -> None:
        body = self._body()
        self.server.record(Recorded(self.command, self.path, tuple(self.headers.items()), body, time.time()))
        self.respond(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

    @property
    def route(self) -> str:
        return self.path.split("?", 1)[0].rstrip("/")

    def respond(self, body: bytes) -> None:
        self.send_json({"error": {"message": f"fake: no route for {self.command} {self.route}"}}, 404)

    def send_json(self, obj: object, status: int = 200, headers: Iterable[tuple[str, str]] = ()) -> None:
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def start_sse(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def send_event(self, data: dict | str, event: str | None = None) -> None:
        payload = data if isinstance(data, str) else json.dumps(data)
        self.wfile.write(((f"event: {event}\n" if event else "") + f"data: {payload}\n\n").encode())
        self.wfile.flush()


class RecordingServer(ThreadingHTTPServer):
    """Serves ``handler`` on ``host:port`` (0 picks a free port) and keeps what it got.

    ``host`` is 127.0.0.1 unless a test needs the fake reachable from elsewhere (e.g. other
    containers on a Docker network: 0.0.0.0).
    """

    daemon_threads = True

    def __init__(
        self, handler: type[RecordingHandler], port: int = 0, *, host: str = "127.0.0.1", log: TextIO | None = None
    ) -> None:
        super().__init__((host, port), handler)
        self._lock = threading.Lock()
        self._requests: list[Recorded] = []
        self._log = log
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = self.server_address[0]
        return f"http://{'127.0.0.1' if host == '0.0.0.0' else host}:{self.server_address[1]}"

    def record(self, request: Recorded) -> None:
        with self._lock:
            self._requests.append(request)
            if self._log:
                self._log.write(request.to_json() + "\n")
                self._log.flush()

    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    def wait_for(self, predicate: Callable[[Recorded], bool], *, timeout: float, since: int = 0) -> list[Recorded]:
        """Requests after the first ``since`` that match, as soon as there is one; [] after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            found = [r for r in self.requests[since:] if predicate(r)]
            if found or time.monotonic() >= deadline:
                return found
            time.sleep(0.05)

    def start(self) -> RecordingServer:
        self._thread = threading.Thread(target=self.serve_forever, name=f"fake {self.url}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> RecordingServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

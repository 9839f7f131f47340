"""Local processes (LiteLLM, Caddy) and plain HTTP for the conformance tests.

Every server binds 127.0.0.1 on a port picked at run time. A process is stopped by whoever
started it; as a backstop it also gets SIGTERM when this Python process dies (``setpriv
--pdeathsig``) and at interpreter exit.
"""

from __future__ import annotations

import atexit
import http.client
import json
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VENV_BIN = Path(sys.executable).parent
LITELLM = VENV_BIN / "litellm"
CADDY = VENV_BIN / "caddy"
#: LiteLLM takes 8-15 s to start on 2 cores; three at once take longer.
STARTUP_TIMEOUT = 90.0
STOP_TIMEOUT = 10.0

_running: list[Process] = []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Process:
    """A child process whose stdout and stderr go to ``log``."""

    def __init__(self, name: str, argv: list[str], *, env: dict[str, str], cwd: Path, log: Path) -> None:
        self.name = name
        self.log = log
        deathsig = ["setpriv", "--pdeathsig", "TERM"] if shutil.which("setpriv") else []
        with open(log, "wb") as out:
            self.popen = subprocess.Popen(
                [*deathsig, *argv], env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
            )
        _running.append(self)

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(STOP_TIMEOUT)
        if self in _running:
            _running.remove(self)


def running() -> list[Process]:
    return list(_running)


@atexit.register
def _stop_all() -> None:
    for process in running():
        process.stop()


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)

    def events(self) -> list[tuple[str | None, str]]:
        """Server-sent events as ``(event name or None, data)``."""
        out = []
        for block in self.text.replace("\r\n", "\n").split("\n\n"):
            name, data = None, []
            for line in block.splitlines():
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
            if name or data:
                out.append((name, "\n".join(data)))
        return out


def request(
    port: int,
    method: str,
    path: str,
    *,
    host: str | None = None,
    headers: dict[str, str] | None = None,
    body: object = None,
    timeout: float = 60.0,
) -> Response:
    """One HTTP/1.1 request to ``127.0.0.1:port`` with ``Host: host`` (names need no resolving)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    sent = dict(headers or {})
    if host:
        sent["Host"] = host
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent.setdefault("Content-Type", "application/json")
    try:
        conn.request(method, path, body=data, headers=sent)
        resp = conn.getresponse()
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
    finally:
        conn.close()


def wait_ready(
    process: Process, port: int, path: str, *, host: str | None = None, timeout: float = STARTUP_TIMEOUT
) -> float:
    """Poll ``path`` until it answers 200; the seconds it took. Fails with the process log."""
    start = time.monotonic()
    last = "no answer yet"
    while time.monotonic() - start < timeout:
        if process.popen.poll() is not None:
            raise RuntimeError(
                f"{process.name} exited with code {process.popen.returncode} while starting; log:\n{process.log_tail()}"
            )
        try:
            resp = request(port, "GET", path, host=host, timeout=5)
            if resp.status == 200:
                return time.monotonic() - start
            last = f"HTTP {resp.status}: {resp.text[:200]}"
        except OSError as exc:
            last = f"{exc.__class__.__name__}: {exc}"
        time.sleep(0.2)
    raise RuntimeError(
        f"{process.name} did not answer GET {path} on 127.0.0.1:{port} within {timeout:.0f}s "
        f"(last: {last}); log:\n{process.log_tail()}"
    )


@dataclass
class Gateway:
    """One lab's LiteLLM, started from the files our plan rendered."""

    lab: str
    agent: str
    host: str
    key: str
    port: int
    models: tuple[str, ...]
    config_dir: Path
    process: Process
    langfuse: dict[str, str] | None = None
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Proxy:
    """The shared Caddy, from the Caddyfile our builder rendered."""

    port: int
    process: Process
    caddyfile: Path

    def request(self, host: str, method: str, path: str, **kwargs: Any) -> Response:
        return request(self.port, method, path, host=host, **kwargs)


# Requests shaped like the real clients' (research/real-clients.md has the captured headers).

ANTHROPIC_VERSION = "2023-06-01"
CLAUDE_BETAS = ("claude-code-20250219", "oauth-2025-04-20", "interleaved-thinking-2025-05-14")


def claude_headers(key: str | None, *, oauth: str | None = None, api_key: str | None = None) -> dict[str, str]:
    """Claude Code's headers: the lab key in ``x-litellm-api-key`` (as ``ANTHROPIC_CUSTOM_HEADERS``
    puts it), and the user's own credential: an OAuth token or an API key."""
    headers = {
        "anthropic-version": ANTHROPIC_VERSION,
        "anthropic-beta": ",".join(CLAUDE_BETAS),
        "x-app": "cli",
        "user-agent": "claude-cli/2.1.332 (external, sdk-cli)",
    }
    if key:
        headers["x-litellm-api-key"] = f"Bearer {key}"
    if oauth:
        headers["Authorization"] = f"Bearer {oauth}"
    if api_key:
        headers["x-api-key"] = api_key
    return headers


def messages_body(text: str, *, stream: bool, model: str = "claude-opus-4-8") -> dict:
    return {"model": model, "max_tokens": 64, "stream": stream, "messages": [{"role": "user", "content": text}]}


def codex_headers(key: str, *, session_id: str) -> dict[str, str]:
    """Codex's headers with our config.toml: the bare lab key, the agent id, its turn metadata."""
    metadata = {
        "installation_id": "inst-fake",
        "session_id": session_id,
        "thread_id": session_id,
        "turn_id": f"turn-{session_id}",
        "request_kind": "turn",
        "model": "gpt-5.5",
    }
    return {
        "x-litellm-api-key": key,
        "x-litellm-agent-id": "codex",
        "x-codex-turn-metadata": json.dumps(metadata),
        # Codex sends the session id here too; a different value shows which header the session comes from.
        "x-client-request-id": f"request-{session_id}",
        "originator": "codex_exec",
        "accept": "text/event-stream",
    }


def responses_body(text: str, *, stream: bool = True, model: str = "gpt-5.5") -> dict:
    return {
        "model": model,
        "stream": stream,
        "store": False,
        "input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}],
    }

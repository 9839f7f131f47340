"""The real agent CLIs, configured only by what ``invoke clients`` wrote, answer through our gateway.

Path of every request: CLI -> the conformance Caddy (rendered by our builder, routing by Host)
-> the lab's LiteLLM (started from our rendered config) -> a fake provider that records it.
The CLIs are the pinned npm packages (``tests/clients/package.json``), installed by
``scripts/ci/install-clients.sh``; a test is skipped only when its CLI is not installed.

How the lab hostname ``<lab>.litellm.localhost`` is reached here. glibc on this machine does not
resolve ``*.localhost`` (``getent hosts alpha.litellm.localhost`` exits 2), and no ``/etc/hosts``
entry is added. Measured with the pinned CLIs:

- Claude Code (a Bun executable) resolves ``*.localhost`` to loopback by itself (WHATWG rule):
  strace shows no DNS query, a connect to ``::1`` and then ``127.0.0.1``, and
  ``Host: alpha.litellm.localhost:<port>``. So the env file is used exactly as written, base URL
  included; the lab is rendered with proxy port = the test Caddy's port.
- Codex (a static Rust binary) asks the system resolver (DNS queries for
  ``alpha.litellm.localhost`` to the nameserver in ``/etc/resolv.conf``), gets no address and
  then never fails: ``ERROR: Reconnecting... waiting for network`` until killed. Codex does
  honour ``HTTP_PROXY`` for ``http://`` base URLs, sending the request in absolute form
  (``POST http://bravo.litellm.localhost:<port>/v1/responses``, ``Host: bravo.litellm.localhost:<port>``)
  to the proxy without resolving the name. Pointing ``HTTP_PROXY`` at the test Caddy itself is
  therefore the narrowest override: the ``config.toml`` stays byte for byte what ``invoke
  clients`` wrote, no extra Caddy route is needed, and Caddy still picks the lab by its real
  hostname (it takes the host from the absolute request target). The alternative (base URL host
  replaced by ``127.0.0.1`` plus a Caddy ``Route`` whose host is ``127.0.0.1``) would change both
  the client file and the proxy config, so it is not used.
"""

from __future__ import annotations

import base64
import json
import re
import time
from pathlib import Path

import pytest

from taxiway_build.builders.clients import CODEX_PROVIDER
from taxiway_build.envfile import read_env
from tests.conformance.harness import Gateway, Proxy
from tests.fakes import spans

pytestmark = pytest.mark.conformance

PROMPT = "Respond with only: trace-ok"
REPLY = "trace-ok"
#: The user's Claude subscription login (fake), given to Claude Code as CLAUDE_CODE_OAUTH_TOKEN.
CLAUDE_OAUTH = "sk-ant-oat01-fake-real-client-test"
CLAUDE_TIMEOUT = 90.0
#: A healthy run takes 1-3 s; Codex retries a dead upstream for about 7 s before it fails.
CODEX_TIMEOUT = 60.0
#: Sources an env file written by `invoke clients` the way its printed usage line does, then
#: runs the CLI: ``sh -c SOURCE_AND_EXEC sh FILE CLI ARGS...``.
SOURCE_AND_EXEC = 'set -a; . "$1"; set +a; shift; exec "$@"'
SESSION_LINE = re.compile(r"^session id: (\S+)$", re.MULTILINE)


def _all_header_values(request) -> str:
    return "\n".join(f"{k}: {v}" for k, v in request.header_items)


def test_claude_code_answers_through_the_gateway_with_the_users_oauth_login(
    claude_bin: Path, invoke_clients, alpha: Gateway, proxy: Proxy, fakes, fake_reply, run_cli
) -> None:
    """``claude -p`` with only the env file of a claude-code lab plus the user's OAuth login.

    Proves: the env file ``invoke clients`` wrote is enough (base URL = the lab's hostname on the
    proxy port, lab key in ``ANTHROPIC_CUSTOM_HEADERS``, nothing that would make Claude Code drop
    its login); Caddy routes the lab's hostname to the lab's LiteLLM; LiteLLM forwards the user's
    ``Authorization: Bearer sk-ant-oat…`` and the OAuth beta to Anthropic and strips the lab key;
    the reply comes back to the CLI's stdout.
    """
    fake_reply(REPLY)
    files = invoke_clients(alpha.lab)
    written = read_env(files.claude_env)
    assert written["ANTHROPIC_BASE_URL"] == f"http://{alpha.host}:{proxy.port}"
    assert not {"ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"} & set(written)
    since = len(fakes.anthropic.requests)

    result = run_cli(
        ["sh", "-c", SOURCE_AND_EXEC, "sh", str(files.claude_env),
         str(claude_bin), "-p", PROMPT, "--model", "claude-sonnet-4-6"],
        env={"CLAUDE_CODE_OAUTH_TOKEN": CLAUDE_OAUTH, "DISABLE_TELEMETRY": "1", "DISABLE_AUTOUPDATER": "1"},
        timeout=CLAUDE_TIMEOUT,
    )  # fmt: skip

    assert result.returncode == 0, result.describe()
    assert result.stdout.strip() == REPLY, result.describe()
    messages = [r for r in fakes.anthropic.requests[since:] if r.path.split("?")[0] == "/v1/messages"]
    assert len(messages) == 1, [r.path for r in fakes.anthropic.requests[since:]]
    got = messages[0]
    assert got.headers["authorization"] == f"Bearer {CLAUDE_OAUTH}"
    assert "oauth-2025-04-20" in got.headers["anthropic-beta"]
    assert got.json()["model"] == "claude-sonnet-4-6"
    # Caddy picked the route by the lab's hostname (it sets X-Forwarded-Host; LiteLLM passes x-*).
    assert got.headers["x-forwarded-host"] == f"{alpha.host}:{proxy.port}"
    assert got.headers["x-claude-code-session-id"]
    assert alpha.key not in _all_header_values(got)
    assert "x-litellm-api-key" not in got.headers and "x-api-key" not in got.headers


def test_codex_exec_answers_through_the_gateway_and_its_session_reaches_langfuse(
    codex_bin: Path, invoke_clients, bravo: Gateway, proxy: Proxy, fakes, settings, fake_reply, run_cli
) -> None:
    """``codex exec`` with ``CODEX_HOME`` = the codex dir and the env of ``lab.env`` that ``invoke clients`` wrote.

    Proves: that ``config.toml`` passes ``--strict-config`` and selects the lab's provider
    (``/v1/responses``, lab key and agent id from the environment, no OpenAI auth); Caddy routes
    the lab's hostname to the lab's LiteLLM; the ``chatgpt/`` provider answers with the login
    written by ``credentials.codex`` against the fake ChatGPT backend, never seeing the lab key;
    and Codex's ``x-codex-turn-metadata`` reached LiteLLM: the lab's Langfuse export carries the
    Codex session id (mapped by our callback), under the lab's Langfuse keys.
    """
    fake_reply(REPLY)
    files = invoke_clients(bravo.lab)
    lab_env = read_env(files.lab_env)
    assert lab_env["TAXIWAY_LITELLM_API_KEY"] == bravo.key
    config = (files.codex_home / "config.toml").read_text()
    assert f'base_url = "http://{bravo.host}:{proxy.port}/v1"' in config
    assert f'model_provider = "{CODEX_PROVIDER}"' in config
    backend_since, otlp_since = len(fakes.chatgpt.requests), len(fakes.otlp.requests)

    result = run_cli(
        ["sh", "-c", SOURCE_AND_EXEC, "sh", str(files.lab_env),
         str(codex_bin), "exec", "--skip-git-repo-check", "--strict-config", PROMPT],
        env={"CODEX_HOME": str(files.codex_home), "HTTP_PROXY": f"http://127.0.0.1:{proxy.port}"},
        timeout=CODEX_TIMEOUT,
    )  # fmt: skip

    assert result.returncode == 0, result.describe()
    assert REPLY in result.stdout, result.describe()
    assert (files.codex_home / "config.toml").read_text() == config, "codex exec rewrote config.toml"
    session = SESSION_LINE.search(result.stderr)
    assert session, result.describe()
    session_id = session.group(1)

    upstream = [r for r in fakes.chatgpt.requests[backend_since:] if r.path.endswith("/responses")]
    assert len(upstream) == 1, [r.path for r in fakes.chatgpt.requests[backend_since:]]
    got = upstream[0]
    assert got.method == "POST" and got.path == "/backend-api/codex/responses"
    # What `invoke credentials.codex` wrote (LiteLLM may have added fields since; same token).
    login = json.loads((settings.paths.codex_token_dir / "auth.json").read_text())
    assert got.headers["authorization"] == f"Bearer {login['access_token']}"
    assert got.headers["chatgpt-account-id"] == login["account_id"]
    # Caddy routed Codex's absolute-form request by the lab's hostname.
    assert got.headers["x-forwarded-host"] == f"{bravo.host}:{proxy.port}"
    assert got.headers["x-litellm-agent-id"] == "codex"
    assert json.loads(got.headers["x-codex-turn-metadata"])["session_id"] == session_id
    assert bravo.key not in _all_header_values(got)

    # x-codex-turn-metadata reached LiteLLM, and our callback made its session id the trace's
    # session (Codex gets no x-litellm-session-id). The export uses the lab's Langfuse keys.
    deadline = time.monotonic() + 30
    exported: list = []
    while time.monotonic() < deadline and not exported:
        exported = [
            (req, span)
            for req in fakes.otlp.requests[otlp_since:]
            for span in spans(req)
            if span.name == "litellm_request" and span.attributes.get("session.id") == session_id
        ]
        time.sleep(0.2)
    seen = [s.attributes.get("session.id") for r in fakes.otlp.requests[otlp_since:] for s in spans(r)]
    assert exported, f"no litellm_request span with session.id={session_id}; session ids exported: {seen}"
    request, span = exported[0]
    received = json.loads(span.attributes["metadata"])["requester_custom_headers"]
    assert json.loads(received["x-codex-turn-metadata"])["session_id"] == session_id
    assert bravo.langfuse
    basic = base64.b64encode(f"{bravo.langfuse['LANGFUSE_PUBLIC_KEY']}:{bravo.langfuse['LANGFUSE_SECRET_KEY']}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {basic}"

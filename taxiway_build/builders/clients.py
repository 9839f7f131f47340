"""Client configs: Codex ``config.toml`` and the Claude Code environment."""

from __future__ import annotations

from collections.abc import Sequence

from taxiway_build.builders.env import BASE_URL_VAR, KEY_VAR

CODEX_PROVIDER = "taxiway-litellm"
AGENT_ID_VAR = "TAXIWAY_LITELLM_AGENT_ID"
CODEX_OWNED = f"model_provider, model and [model_providers.{CODEX_PROVIDER}]"


def codex_config(*, url: str, model: str) -> dict:
    """The Codex settings we own: the provider table and the two top-level keys selecting it.

    Codex sends the key as ``x-litellm-api-key`` from the environment (never written here) and
    no OpenAI auth (``requires_openai_auth = false``): LiteLLM authenticates to ChatGPT with
    the converted host login. No ``x-litellm-session-id``: the session comes from Codex's own
    ``x-codex-turn-metadata`` (see ``config/litellm/callbacks/codex_session_mapper.py``).
    """
    return {
        "model_provider": CODEX_PROVIDER,
        "model": model,
        "model_providers": {
            CODEX_PROVIDER: {
                "name": "Taxiway LiteLLM",
                "base_url": f"{url}/v1",
                "wire_api": "responses",
                "requires_openai_auth": False,
                "supports_websockets": False,
                "env_http_headers": {"x-litellm-api-key": KEY_VAR, "x-litellm-agent-id": AGENT_ID_VAR},
            }
        },
    }


def claude_code_env(*, url: str, key: str, model: str, models: Sequence[str] = ()) -> dict[str, str]:
    """Claude Code's environment for a lab.

    The lab key travels in ``ANTHROPIC_CUSTOM_HEADERS`` so that ``Authorization`` stays free
    for the user's own Claude login, which LiteLLM forwards to Anthropic. Setting
    ``ANTHROPIC_API_KEY`` or ``ANTHROPIC_AUTH_TOKEN`` here would make Claude Code drop that
    login, so neither is set.

    Claude Code also picks models by tier (``opus``/``sonnet``/``haiku``, e.g. haiku for
    background work); each tier is pinned to the lab's first model of that family, so those
    requests use full names the gateway serves.
    """
    env = {
        "ANTHROPIC_BASE_URL": url,
        "ANTHROPIC_CUSTOM_HEADERS": f"x-litellm-api-key: Bearer {key}",
        "ANTHROPIC_MODEL": model,
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    }
    for tier in ("opus", "sonnet", "haiku"):
        match = next((name for name in models if tier in name), None)
        if match:
            env[f"ANTHROPIC_DEFAULT_{tier.upper()}_MODEL"] = match
    return env


__all__ = ["AGENT_ID_VAR", "BASE_URL_VAR", "CODEX_PROVIDER", "claude_code_env", "codex_config"]

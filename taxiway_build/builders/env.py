"""Env files: the lab's gateway env (host side) and the managed block copied into a lab."""

from __future__ import annotations

from collections.abc import Mapping

KEY_VAR = "TAXIWAY_LITELLM_API_KEY"
BASE_URL_VAR = "TAXIWAY_LITELLM_BASE_URL"
LANGFUSE_VARS = ("LANGFUSE_PUBLIC_KEY", "LANGFUSE_SECRET_KEY", "LANGFUSE_OTEL_HOST")


def base_url(host: str, port: int) -> str:
    return f"http://{host}:{port}"


def gateway_env(*, key: str, url: str, langfuse: Mapping[str, str] | None) -> dict[str, str]:
    """``gateway/env``: the lab key (kept across refreshes), its base URL, Langfuse export.

    Compose reads it with ``--env-file`` so secrets never sit in the compose file.
    """
    env = {KEY_VAR: key, BASE_URL_VAR: url}
    if langfuse:
        env.update({name: langfuse[name] for name in LANGFUSE_VARS})
    return env


def lab_env_block(*, key: str, url: str, agent: str) -> dict[str, str]:
    """What a lab's shell needs to reach its gateway (``set -a; . file``)."""
    return {KEY_VAR: key, BASE_URL_VAR: url, "TAXIWAY_LITELLM_AGENT_ID": agent}

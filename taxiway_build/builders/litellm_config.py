"""LiteLLM proxy config (``gateway/litellm_config.yaml``) and the environment it reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from taxiway_build.catalog import Model

#: The callback reference LiteLLM imports from the module next to its config file.
SESSION_MAPPER_MODULE = "codex_session_mapper"
SESSION_MAPPER_CALLBACK = f"{SESSION_MAPPER_MODULE}.proxy_handler_instance"
#: Tags each request with ``lab:<lab>`` and ``agent:<id>`` for the traces (labs that export).
LAB_TAGS_MODULE = "lab_tags"
LAB_TAGS_CALLBACK = f"{LAB_TAGS_MODULE}.proxy_handler_instance"
LAB_VAR = "TAXIWAY_LAB"


@dataclass(frozen=True)
class LangfuseExport:
    """Where and as whom LiteLLM's ``langfuse_otel`` callback exports (values or ``${VAR}``)."""

    public_key: str
    secret_key: str
    host: str


def model_entry(model: Model) -> dict:
    params: dict[str, str] = {"model": f"{model.provider}/{model.upstream}"}
    if model.api_base:
        params["api_base"] = model.api_base
    if model.api_key:
        params["api_key"] = model.api_key
    entry: dict = {"model_name": model.name}
    if model.api:
        entry["model_info"] = {"mode": model.api}
    entry["litellm_params"] = params
    return entry


def litellm_config(
    models: Sequence[Model], *, session_mapper: bool, langfuse: bool, database: bool, lab_tags: bool = False
) -> dict:
    """The whole LiteLLM config for one lab.

    - ``master_key`` comes from ``LITELLM_MASTER_KEY`` under ``general_settings`` (where LiteLLM
      reads it), so the key never sits in this file.
    - ``forward_client_headers_to_llm_api`` passes the client's ``anthropic-beta`` and ``x-*``
      headers; the client's Anthropic OAuth ``Authorization`` is forwarded by LiteLLM itself.
    - ``forward_llm_provider_auth_headers`` lets Claude Code users with an API key (``x-api-key``)
      through instead of a 401.
    - ``disable_cooldowns``: one client's 401 (say, no Claude login) must not put the shared
      deployment in cooldown and fail every other client's next request with a 429.
    - ``langfuse_otel`` only when the lab has Langfuse keys: without them LiteLLM would print
      spans to its log instead. The custom callbacks come first: they must change the request
      before the exporter builds its trace.
    """
    callbacks = (
        ([SESSION_MAPPER_CALLBACK] if session_mapper else [])
        + ([LAB_TAGS_CALLBACK] if lab_tags else [])
        + (["langfuse_otel"] if langfuse else [])
    )
    litellm_settings: dict = {"redact_user_api_key_info": True}
    if callbacks:
        litellm_settings["callbacks"] = callbacks
    forwarded = [m.name for m in models if m.forward_client_headers]
    if forwarded:
        litellm_settings["model_group_settings"] = {"forward_client_headers_to_llm_api": forwarded}
    general: dict = {"master_key": "os.environ/LITELLM_MASTER_KEY"}
    if database:
        general["database_url"] = "os.environ/DATABASE_URL"
    general["forward_client_headers_to_llm_api"] = True
    general["forward_llm_provider_auth_headers"] = True
    return {
        "model_list": [model_entry(m) for m in models],
        "litellm_settings": litellm_settings,
        "general_settings": general,
        "router_settings": {"disable_cooldowns": True},
    }


def litellm_environment(
    *,
    master_key: str,
    database_url: str | None,
    langfuse: LangfuseExport | None,
    chatgpt_token_dir: str | None,
    chatgpt_api_base: str | None,
    lab: str | None = None,
) -> dict[str, str]:
    """The environment the LiteLLM process needs, for a container or a local process.

    Compose passes ``${VAR}`` references (the values live in the gateway env file, never in
    the compose file); a local run passes the values themselves. ``lab`` names the lab for
    the ``lab_tags`` callback.
    """
    env = {"LITELLM_MASTER_KEY": master_key}
    if database_url:
        env["DATABASE_URL"] = database_url
    if chatgpt_token_dir:
        env["CHATGPT_TOKEN_DIR"] = chatgpt_token_dir
        env["CHATGPT_AUTH_FILE"] = "auth.json"
    if chatgpt_api_base:
        env["CHATGPT_API_BASE"] = chatgpt_api_base
    if langfuse:
        env["LANGFUSE_PUBLIC_KEY"] = langfuse.public_key
        env["LANGFUSE_SECRET_KEY"] = langfuse.secret_key
        env["LANGFUSE_OTEL_HOST"] = langfuse.host
    if lab:
        env[LAB_VAR] = lab
    return env

"""LiteLLM callback: tag every request with its lab and agent, for the Langfuse traces.

All labs export into one Langfuse project; these tags tell their traces apart. Before the
call, ``lab:<lab>`` (from ``TAXIWAY_LAB``, set by taxiway-build) and, when the client sends
``x-litellm-agent-id``, ``agent:<id>`` are added to the request's metadata ``tags``, which
LiteLLM's loggers turn into trace tags (``langfuse.trace.tags``).

Installed by taxiway-build next to the lab's ``litellm_config.yaml`` and enabled as
``lab_tags.proxy_handler_instance`` for labs that export traces.
"""

from __future__ import annotations

import os
from typing import Any

from litellm.integrations.custom_logger import CustomLogger

AGENT_HEADER = "x-litellm-agent-id"


def tags_for(headers: Any, lab: str | None) -> list[str]:
    """``lab:<lab>`` and ``agent:<id>``, for whichever of the two is known."""
    tags = [f"lab:{lab}"] if lab else []
    if isinstance(headers, dict):
        agent = next((v for k, v in headers.items() if str(k).lower() == AGENT_HEADER), None)
        if isinstance(agent, str) and agent.strip():
            tags.append(f"agent:{agent.strip()}")
    return tags


def add_tags(data: dict, tags: list[str]) -> None:
    """Append ``tags`` to the request's metadata (``litellm_metadata`` on /v1/messages and
    /v1/responses, ``metadata`` on chat completions); never duplicates one."""
    containers = [data[key] for key in ("metadata", "litellm_metadata") if isinstance(data.get(key), dict)]
    if not containers:
        data["litellm_metadata"] = {}
        containers = [data["litellm_metadata"]]
    for meta in containers:
        existing = meta.get("tags") if isinstance(meta.get("tags"), list) else []
        meta["tags"] = existing + [tag for tag in tags if tag not in existing]


class LabTags(CustomLogger):
    async def async_pre_call_hook(self, user_api_key_dict, cache, data: dict, call_type):  # noqa: ANN001
        request = data.get("proxy_server_request") or {}
        tags = tags_for(request.get("headers"), os.environ.get("TAXIWAY_LAB"))
        if tags:
            add_tags(data, tags)
        return data


proxy_handler_instance = LabTags()

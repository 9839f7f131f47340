"""LiteLLM callback: Codex turn metadata -> the Langfuse session.

Codex sends ``x-codex-turn-metadata`` (a JSON object) on every request; its ``session_id``
(or, failing that, ``thread_id``) names the Codex conversation. This callback copies it to
where LiteLLM's loggers look for a session, so all turns of one Codex session land in one
Langfuse session. Codex gets no ``x-litellm-session-id`` header from us: this is the one
source of the session id.

Installed by taxiway-build next to the lab's ``litellm_config.yaml`` and enabled as
``codex_session_mapper.proxy_handler_instance`` for codex labs only.
"""

from __future__ import annotations

import json
from typing import Any

from litellm.integrations.custom_logger import CustomLogger

HEADER = "x-codex-turn-metadata"


def session_from_headers(headers: Any) -> str | None:
    """The session id in Codex's turn metadata header, or None when absent or malformed."""
    if not isinstance(headers, dict):
        return None
    raw = next((v for k, v in headers.items() if str(k).lower() == HEADER), None)
    if not raw:
        return None
    try:
        meta = json.loads(raw)
    except (TypeError, ValueError):
        return None
    if not isinstance(meta, dict):
        return None
    for field in ("session_id", "thread_id"):
        value = meta.get(field)
        if isinstance(value, str) and value:
            return value
    return None


def _apply(container: dict, session_id: str) -> None:
    container["litellm_session_id"] = session_id
    for key in ("metadata", "litellm_metadata"):
        meta = container.get(key)
        if isinstance(meta, dict):
            meta["session_id"] = session_id
    if not isinstance(container.get("metadata"), dict) and not isinstance(container.get("litellm_metadata"), dict):
        container["metadata"] = {"session_id": session_id}


class CodexSessionMapper(CustomLogger):
    """Maps the Codex session before any logger (``langfuse_otel``) builds its trace."""

    async def async_pre_call_hook(self, user_api_key_dict, cache, data: dict, call_type):  # noqa: ANN001
        request = data.get("proxy_server_request") or {}
        session_id = session_from_headers(request.get("headers"))
        if session_id:
            _apply(data, session_id)
        return data

    def _map_logged(self, kwargs: dict) -> None:
        params = kwargs.get("litellm_params") or {}
        request = params.get("proxy_server_request") or {}
        session_id = session_from_headers(request.get("headers"))
        if not session_id:
            return
        _apply(params, session_id)
        logging_object = kwargs.get("standard_logging_object")
        if isinstance(logging_object, dict):
            logging_object["trace_id"] = session_id
            meta = logging_object.get("metadata")
            if isinstance(meta, dict):
                meta["session_id"] = session_id

    async def async_logging_hook(self, kwargs: dict, result, call_type):  # noqa: ANN001
        self._map_logged(kwargs)
        return kwargs, result

    async def async_log_success_event(self, kwargs, response_obj, start_time, end_time):  # noqa: ANN001
        self._map_logged(kwargs)

    async def async_log_stream_event(self, kwargs, response_obj, start_time, end_time):  # noqa: ANN001
        self._map_logged(kwargs)


proxy_handler_instance = CodexSessionMapper()

"""Fake ChatGPT Codex backend (``CHATGPT_API_BASE`` = ``<url>/backend-api/codex``) and OpenAI Responses API.

Answers ``POST …/responses`` with the full Responses event stream when ``stream`` is true (LiteLLM's
``chatgpt/`` provider always asks for it), a response object otherwise, and ``GET …/models``.
"""

from __future__ import annotations

import base64
import json
import time
import uuid

from .base import RecordingHandler, RecordingServer, json_object

REPLY = "trace-ok"
API_BASE_PATH = "/backend-api/codex"


def _response(rid: str, model: str, status: str, output: list, usage: dict | None) -> dict:
    return {
        "id": rid,
        "object": "response",
        "created_at": int(time.time()),
        "status": status,
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "max_output_tokens": None,
        "model": model,
        "output": output,
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "reasoning": {"effort": None, "summary": None},
        "store": False,
        "temperature": 1.0,
        "text": {"format": {"type": "text"}},
        "tool_choice": "auto",
        "tools": [],
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": usage,
        "user": None,
        "metadata": {},
    }


class ChatGPTHandler(RecordingHandler):
    # No method may be called `responses`: it would shadow BaseHTTPRequestHandler.responses.

    def respond(self, body: bytes) -> None:
        if self.command == "GET" and self.route.endswith("/models"):
            return self.send_json(
                {
                    "object": "list",
                    "data": [{"id": "gpt-5.5", "object": "model", "created": 0, "owned_by": "fake"}],
                    "models": [],
                }
            )
        if self.command != "POST" or not self.route.endswith("/responses"):
            return super().respond(body)
        request = json_object(body)
        self.answer(str(request.get("model", "gpt-5.5")), bool(request.get("stream")))

    def answer(self, model: str, stream: bool) -> None:
        rid, mid = f"resp_fake_{uuid.uuid4().hex[:16]}", f"msg_fake_{uuid.uuid4().hex[:16]}"
        usage = {
            "input_tokens": 10,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": 3,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 13,
        }
        part = {"type": "output_text", "text": REPLY, "annotations": []}
        item = {"id": mid, "type": "message", "status": "completed", "role": "assistant", "content": [part]}
        if not stream:
            return self.send_json(_response(rid, model, "completed", [item], usage))
        self.start_sse()
        in_progress = _response(rid, model, "in_progress", [], None)
        where = {"item_id": mid, "output_index": 0, "content_index": 0}
        events = [
            {"type": "response.created", "response": in_progress},
            {"type": "response.in_progress", "response": in_progress},
            {
                "type": "response.output_item.added",
                "output_index": 0,
                "item": {**item, "status": "in_progress", "content": []},
            },
            {"type": "response.content_part.added", **where, "part": {**part, "text": ""}},
            {"type": "response.output_text.delta", **where, "delta": REPLY, "logprobs": []},
            {"type": "response.output_text.done", **where, "text": REPLY, "logprobs": []},
            {"type": "response.content_part.done", **where, "part": part},
            {"type": "response.output_item.done", "output_index": 0, "item": item},
            {"type": "response.completed", "response": _response(rid, model, "completed", [item], usage)},
        ]
        for number, event in enumerate(events):
            self.send_event({**event, "sequence_number": number}, event["type"])


def fake_chatgpt(port: int = 0, **kwargs: object) -> RecordingServer:
    return RecordingServer(ChatGPTHandler, port, **kwargs)


ACCOUNT_ID = "acct-fake-123"
AUTH_CLAIM = "https://api.openai.com/auth"


def _jwt(claims: dict) -> str:
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}.fakesig"


def codex_login(*, now: int, days: int = 10, account_id: str = ACCOUNT_ID) -> dict:
    """A ``~/.codex/auth.json`` as ``codex login`` writes it (ChatGPT mode), with unsigned JWTs.

    Tokens expire ``days`` after ``now``, so neither Codex nor LiteLLM tries to refresh them.
    """
    auth = {"chatgpt_plan_type": "pro", "chatgpt_user_id": "user-fake", "chatgpt_account_id": account_id}
    exp = now + days * 86400
    return {
        "auth_mode": "chatgpt",
        "OPENAI_API_KEY": None,
        "tokens": {
            "id_token": _jwt({"email": "fake@example.com", AUTH_CLAIM: auth, "exp": exp, "iat": now}),
            "access_token": _jwt({AUTH_CLAIM: auth, "exp": exp, "iat": now, "scp": ["openid"]}),
            "refresh_token": "rt-fake-refresh",
            "account_id": account_id,
        },
        "last_refresh": "2026-01-01T00:00:00Z",
    }

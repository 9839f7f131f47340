"""Fake Anthropic Messages API: ``/v1/messages`` (JSON or SSE), ``count_tokens``, ``models``.

A request whose ``Authorization`` or ``x-api-key`` carries :data:`REJECTED_TOKEN` gets the 401
Anthropic gives for a revoked credential, so tests can make a provider refuse one client.
"""

from __future__ import annotations

import uuid

from .base import RecordingHandler, RecordingServer, json_object

REPLY = "trace-ok"
REJECTED_TOKEN = "sk-ant-oat01-revoked-by-fake"
MODELS_PATH = "/v1/models"


class AnthropicHandler(RecordingHandler):
    def respond(self, body: bytes) -> None:
        request = json_object(body)
        if self.command == "GET" and self.route.startswith(MODELS_PATH):
            return self.send_json({"data": [{"type": "model", "id": "claude-sonnet-4-6"}], "has_more": False})
        if self.command != "POST":
            return super().respond(body)
        if REJECTED_TOKEN in (self.headers.get("Authorization", "") + self.headers.get("x-api-key", "")):
            return self.send_json(
                {"type": "error", "error": {"type": "authentication_error", "message": "invalid credential"}}, 401
            )
        if self.route == "/v1/messages/count_tokens":
            return self.send_json({"input_tokens": 42})
        if self.route != "/v1/messages":
            return super().respond(body)
        self.answer(str(request.get("model", "claude-sonnet-4-6")), bool(request.get("stream")))

    def answer(self, model: str, stream: bool) -> None:
        mid = f"msg_fake_{uuid.uuid4().hex[:16]}"
        usage = {"input_tokens": 10, "output_tokens": 3, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
        if not stream:
            return self.send_json(
                {
                    "id": mid,
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [{"type": "text", "text": REPLY}],
                    "stop_reason": "end_turn",
                    "stop_sequence": None,
                    "usage": usage,
                }
            )
        self.start_sse()
        start = {
            "id": mid,
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {**usage, "output_tokens": 1},
        }
        for event, data in (
            ("message_start", {"message": start}),
            ("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}}),
            ("ping", {}),
            ("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": REPLY}}),
            ("content_block_stop", {"index": 0}),
            (
                "message_delta",
                {"delta": {"stop_reason": "end_turn", "stop_sequence": None}, "usage": {"output_tokens": 3}},
            ),
            ("message_stop", {}),
        ):
            self.send_event({"type": event, **data}, event)


def fake_anthropic(port: int = 0, **kwargs: object) -> RecordingServer:
    return RecordingServer(AnthropicHandler, port, **kwargs)

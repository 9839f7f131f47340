"""Stdlib fakes that record every request: Anthropic, the ChatGPT Codex backend, a Langfuse OTLP collector.

In-process: ``with fake_anthropic() as server: ... server.url, server.requests``. As a process:
``python -m tests.fakes anthropic|chatgpt|otlp [--port N] [--log requests.jsonl]``.
"""

from .anthropic import fake_anthropic
from .base import Recorded, RecordingServer
from .chatgpt import codex_login, fake_chatgpt
from .otlp import fake_otlp_collector, spans

__all__ = [
    "Recorded",
    "RecordingServer",
    "codex_login",
    "fake_anthropic",
    "fake_chatgpt",
    "fake_otlp_collector",
    "spans",
]

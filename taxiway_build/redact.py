"""Redaction of keys and OAuth tokens from anything we print or raise."""

from __future__ import annotations

import re
from collections.abc import Iterable

_PATTERNS = [
    re.compile(r"sk-taxiway-[A-Za-z0-9]{8,}"),
    re.compile(r"sk-ant-(?:oat|api|ort)[0-9]*-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"sk-lf-[A-Za-z0-9\-]{8,}"),
    re.compile(r"eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*"),  # JWTs (ChatGPT tokens)
    re.compile(r"(?i)(authorization:\s*(?:bearer|basic)\s+)\S+"),
]


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Replace known secrets and anything shaped like a key or token with ``***``."""
    for secret in secrets:
        if secret and len(secret) >= 8:
            text = text.replace(secret, "***")
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "***", text)
    return text

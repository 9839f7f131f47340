"""Codex host login (``~/.codex/auth.json``) -> the flat file LiteLLM's ``chatgpt/`` provider reads."""

from __future__ import annotations

from taxiway_build.errors import TaxiwayError

REQUIRED = ("access_token", "refresh_token", "id_token")
OPTIONAL = ("account_id", "expires_at")
LOGIN_HINT = "run `codex login` on the host, then `invoke credentials.codex`"


def convert_codex_auth(data: object) -> dict:
    """Take the token fields, from ``tokens`` if present (Codex CLI format) or the top level.

    LiteLLM derives ``expires_at`` and ``account_id`` from the JWT when they are missing and
    writes them back, so only the three tokens are required. API-key logins carry no tokens.
    """
    if not isinstance(data, dict):
        raise TaxiwayError("Codex auth file is not a JSON object", LOGIN_HINT)
    source = data.get("tokens") if isinstance(data.get("tokens"), dict) else data
    out: dict = {}
    for field in REQUIRED:
        value = source.get(field)
        if not isinstance(value, str) or not value:
            mode = data.get("auth_mode")
            extra = f" (auth_mode {mode!r}: LiteLLM needs a ChatGPT login)" if mode and mode != "chatgpt" else ""
            raise TaxiwayError(f"Codex auth file is missing {field} for LiteLLM ChatGPT auth{extra}", LOGIN_HINT)
        out[field] = value
    for field in OPTIONAL:
        if source.get(field) not in (None, ""):
            out[field] = source[field]
    return out

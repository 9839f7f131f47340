"""Codex host login (``~/.codex/auth.json``) -> the flat file LiteLLM's ``chatgpt/`` provider reads.

LiteLLM 1.108.7 (``litellm/llms/chatgpt/authenticator.py``) reads ``access_token``,
``refresh_token``, ``id_token``, ``expires_at`` (epoch seconds) and ``account_id`` from the top
level of the file. When ``expires_at`` or ``account_id`` is missing it derives them from the
JWTs and rewrites the file in place (truncate, then write) on the first request. Every codex
lab's LiteLLM mounts the same file, so two labs doing that at once can read it half-written.
Both fields are therefore written here, from the same JWT claims LiteLLM would use, and
LiteLLM rewrites the file only when it refreshes the tokens.
"""

from __future__ import annotations

import base64
import binascii
import json

from taxiway_build.errors import TaxiwayError

REQUIRED = ("access_token", "refresh_token", "id_token")
LOGIN_HINT = "run `codex login` on the host, then `invoke credentials.codex`"
#: The JWT claim holding the ChatGPT account (what LiteLLM and Codex read).
AUTH_CLAIM = "https://api.openai.com/auth"


def jwt_claims(token: str) -> dict:
    """The payload of a JWT, unverified; ``{}`` when ``token`` is not one."""
    parts = token.split(".")
    if len(parts) < 2:
        return {}
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (binascii.Error, ValueError):
        return {}
    return payload if isinstance(payload, dict) else {}


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _account_id(*tokens: str) -> str | None:
    for token in tokens:
        claim = jwt_claims(token).get(AUTH_CLAIM)
        if isinstance(claim, dict) and isinstance(claim.get("chatgpt_account_id"), str) and claim["chatgpt_account_id"]:
            return claim["chatgpt_account_id"]
    return None


def convert_codex_auth(data: object) -> dict:
    """Take the token fields, from ``tokens`` if present (Codex CLI format) or the top level.

    API-key logins carry no tokens and are refused: LiteLLM's ``chatgpt/`` provider needs a
    ChatGPT login. ``expires_at`` and ``account_id`` are kept when the source has them and
    derived from the JWTs otherwise (left out when the tokens carry no such claim).
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
    account_id = source.get("account_id")
    if not isinstance(account_id, str) or not account_id:
        account_id = _account_id(out["id_token"], out["access_token"])
    if account_id:
        out["account_id"] = account_id
    expires_at = source.get("expires_at")
    if not _number(expires_at):
        expires_at = jwt_claims(out["access_token"]).get("exp")
    if _number(expires_at):
        out["expires_at"] = int(expires_at)
    return out

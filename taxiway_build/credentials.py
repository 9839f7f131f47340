"""The host Codex login, converted into the file LiteLLM's ``chatgpt/`` provider reads.

Freshness rule: LiteLLM refreshes expired ChatGPT tokens itself and writes them back into the
converted file (every codex lab mounts its directory read-write). Those tokens are newer than
the ones in the host login, so an existing converted file is replaced only when the host file
was modified after it (mtime, nanoseconds): after a new ``codex login``, or after Codex on the
host refreshed its own tokens. Otherwise it is left as it is. A converted file that is not a
usable token file is always replaced.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from taxiway_build import fs
from taxiway_build.builders.codex_auth import LOGIN_HINT, convert_codex_auth
from taxiway_build.errors import TaxiwayError

AUTH_FILE = "auth.json"


def codex_auth_path(environ: Mapping[str, str]) -> Path:
    """``$CODEX_HOME/auth.json``, default ``~/.codex/auth.json`` (where ``codex login`` writes)."""
    codex_home = environ.get("CODEX_HOME") or str(Path(environ.get("HOME") or Path.home()) / ".codex")
    return Path(codex_home).expanduser() / AUTH_FILE


@dataclass(frozen=True)
class CodexSync:
    source: Path
    destination: Path
    #: ``written``: converted and written; ``unchanged``: same bytes already there;
    #: ``kept``: the destination is newer than the host login (LiteLLM refreshed it).
    outcome: Literal["written", "unchanged", "kept"]


def read_codex_login(source: Path) -> dict:
    """The converted login; a :class:`TaxiwayError` naming ``source`` for anything unusable."""
    if source.is_dir():
        raise TaxiwayError(f"Codex auth path is a directory, expected a file: {source}", LOGIN_HINT)
    try:
        text = source.read_text()
    except FileNotFoundError:
        raise TaxiwayError(f"Codex auth file not found at {source}", LOGIN_HINT) from None
    except OSError as exc:
        raise TaxiwayError(
            f"cannot read Codex auth file {source}: {exc.strerror}", "check its owner and permissions"
        ) from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise TaxiwayError(
            f"Codex auth file {source} is not valid JSON (line {getattr(exc, 'lineno', '?')})", LOGIN_HINT
        ) from None
    try:
        return convert_codex_auth(data)
    except TaxiwayError as error:
        raise TaxiwayError(f"{error.message} ({source})", error.hint) from None


def _usable(path: Path) -> bool:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and all(
        isinstance(data.get(k), str) and data[k] for k in ("access_token", "refresh_token")
    )


def sync_codex(source: Path, token_dir: Path) -> CodexSync:
    """Convert ``source`` into ``token_dir/auth.json`` (0600, in 0700 directories)."""
    converted = read_codex_login(source)
    destination = token_dir / AUTH_FILE
    if destination.is_dir():
        raise TaxiwayError(f"{destination} is a directory, expected a file", "remove it, then run the command again")
    text = json.dumps(converted, separators=(",", ":"))
    if (
        _usable(destination)
        and source.stat().st_mtime_ns <= destination.stat().st_mtime_ns
        and destination.read_bytes() != text.encode()
    ):
        return CodexSync(source, destination, "kept")
    changed = fs.write_file(destination, text, mode=fs.SECRET_MODE)
    return CodexSync(source, destination, "written" if changed else "unchanged")

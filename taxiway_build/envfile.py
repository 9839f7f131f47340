"""Reading env files we wrote (``KEY=value``, optional single quotes, ``#`` comments)."""

from __future__ import annotations

import shlex
from pathlib import Path

from taxiway_build.errors import TaxiwayError


def parse_env(text: str, path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, raw = line.removeprefix("export ").partition("=")
        if not sep or not name.isidentifier():
            raise TaxiwayError(f"{path}:{number}: not a KEY=value line", "fix or remove the file, then run the command again")
        try:
            parts = shlex.split(raw, comments=True)
        except ValueError as exc:
            raise TaxiwayError(f"{path}:{number}: {exc}") from None
        values[name] = parts[0] if parts else ""
    return values


def read_env(path: Path) -> dict[str, str]:
    """The file's values, or ``{}`` when it does not exist."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return {}
    return parse_env(text, path)

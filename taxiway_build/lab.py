"""Lab records: names, agents and the small JSON file that says a lab exists."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from taxiway_build.errors import TaxiwayError

NAME_RULE = "lab names are lowercase letters, digits and hyphens, 1 to 48 characters, starting with a letter or digit"
_NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,47}")

#: Agent -> the catalog providers its lab gets, and the model its client uses by default.
AGENTS: dict[str, tuple[tuple[str, ...], str]] = {
    "codex": (("chatgpt",), "gpt-5.5"),
    "claude-code": (("anthropic",), "claude-opus-4-8"),
}

RECORD_NAME = "lab.json"


def validate_name(name: str) -> str:
    """Return ``name`` if it is a valid lab name; refuse it (never fold it) otherwise."""
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        raise TaxiwayError(f"invalid lab name {name!r}: {NAME_RULE}")
    return name


def validate_agent(agent: str) -> str:
    if agent not in AGENTS:
        raise TaxiwayError(f"unknown agent {agent!r}: use one of {', '.join(sorted(AGENTS))}")
    return agent


@dataclass(frozen=True)
class Lab:
    """One lab: its name, its agent and the default model its client configs use."""

    name: str
    agent: str
    model: str

    @property
    def providers(self) -> tuple[str, ...]:
        return AGENTS[self.agent][0]

    @property
    def host(self) -> str:
        return f"{self.name}.litellm.localhost"

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def default_model(agent: str) -> str:
    return AGENTS[validate_agent(agent)][1]


def parse_record(text: str, path: Path) -> Lab:
    """Parse a lab record; a half-written or hand-broken file is a clear error, not a crash."""
    try:
        data = json.loads(text)
        lab = Lab(name=data["name"], agent=data["agent"], model=data["model"])
    except (ValueError, KeyError, TypeError) as exc:
        raise TaxiwayError(
            f"lab record {path} is unreadable ({exc.__class__.__name__}: {exc})",
            "fix the file by hand, or remove the lab and create it again",
        ) from None
    validate_name(lab.name)
    validate_agent(lab.agent)
    return lab

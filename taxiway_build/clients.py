"""``invoke clients``: a lab's client files, the Codex config merged into the one already there.

Of a Codex ``config.toml`` only the top-level ``model_provider`` and ``model`` and the table
``[model_providers.taxiway-litellm]`` are ours; every other setting and comment is the user's
and is kept. The other client files (env files) are wholly ours.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import InlineTable

from taxiway_build import fs, plan, state
from taxiway_build.builders.clients import CODEX_PROVIDER
from taxiway_build.errors import TaxiwayError
from taxiway_build.lab import Lab
from taxiway_build.settings import Settings

OWNED_KEYS = ("model_provider", "model")
CODEX_CONFIG = PurePosixPath("codex") / "config.toml"
CLAUDE_ENV = PurePosixPath("claude-code") / "env"
LAB_ENV = "lab.env"


def merge_codex_config(existing: str, ours: str, *, path: str) -> str:
    """``existing`` with our keys and provider table taken from ``ours``; ``path`` names it in errors."""
    if not existing.strip():
        return ours
    hint = "fix it, or move it away to have it written afresh, then run the command again"
    try:
        doc = tomlkit.parse(existing)
    except TOMLKitError as exc:
        raise TaxiwayError(f"{path} is not valid TOML ({exc})", hint) from None
    # The trailing blank line keeps our table apart from a table that follows it in ``existing``.
    new = tomlkit.parse(ours.rstrip("\n") + "\n\n")
    for key in OWNED_KEYS:
        doc[key] = new[key]
    table = new["model_providers"][CODEX_PROVIDER]
    providers = doc.get("model_providers")
    if providers is None:
        doc["model_providers"] = new["model_providers"]
    elif not isinstance(providers, dict):
        raise TaxiwayError(f"{path}: model_providers is not a table", hint)
    else:
        providers[CODEX_PROVIDER] = table.unwrap() if isinstance(providers, InlineTable) else table
    return tomlkit.dumps(doc).rstrip("\n") + "\n"


def with_user_settings(home: Path, files: Mapping[str, str]) -> dict[str, str]:
    """``files`` (a plan) with each Codex config merged into the file already at its place under ``home``.

    Anything that writes a plan's client files goes through this, so that a refresh keeps the
    user's own Codex settings.
    """
    merged = dict(files)
    for rel, text in files.items():
        if PurePosixPath(rel).parts[-2:] == CODEX_CONFIG.parts:
            try:
                existing = (home / rel).read_text()
            except FileNotFoundError:
                continue
            merged[rel] = merge_codex_config(existing, text, path=str(home / rel))
    return merged


def write_clients(settings: Settings, name: str) -> tuple[Lab, fs.WriteReport]:
    """Write lab ``name``'s client files; its gateway key must exist (``invoke gateway`` makes it)."""
    paths = settings.paths
    lab = state.read_lab(paths, name)
    key = state.existing_key(paths, name)
    if not key:
        raise TaxiwayError(f"lab {name!r} has no gateway key yet", f"run `invoke gateway --lab={name}` first")
    inputs = state.lab_inputs(settings, lab, key=key, install_catalog=False)
    files = with_user_settings(settings.home, plan.plan_clients(inputs))
    return lab, fs.write_plan(settings.home, files)


def usage(home: Path, lab: Lab) -> list[str]:
    """Shell lines that start the lab's agent on the host with the files ``write_clients`` wrote."""
    cdir = home / plan.clients_dir(lab.name)
    q = shlex.quote
    if lab.agent == "codex":
        command = f"(set -a; . {q(str(cdir / LAB_ENV))}; CODEX_HOME={q(str(cdir / CODEX_CONFIG.parent))} codex)"
    else:
        command = f"(set -a; . {q(str(cdir / CLAUDE_ENV))}; claude)"
    return [command, f"in a lab shell, the gateway variables: set -a; . {q(str(cdir / LAB_ENV))}; set +a"]

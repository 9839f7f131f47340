"""``invoke clients``: the Codex config merge (pure) and the files the task writes."""

from __future__ import annotations

import stat
import subprocess
import textwrap
import tomllib
from pathlib import Path

import pytest

from taxiway_build import fs, plan, state
from taxiway_build.builders.clients import codex_config
from taxiway_build.builders.env import gateway_env
from taxiway_build.clients import merge_codex_config
from taxiway_build.errors import TaxiwayError
from taxiway_build.serialize import to_env, to_toml
from taxiway_build.settings import load_settings

KEY = "sk-taxiway-" + "0" * 48
OURS = to_toml(
    codex_config(url="http://demo.litellm.localhost:4000", model="gpt-5.5"), source="invoke clients --lab=demo"
)
OUR_TABLE = tomllib.loads(OURS)["model_providers"]["taxiway-litellm"]

USER_CONFIG = textwrap.dedent(
    """\
    # my own Codex settings
    model = "o3"  # the model I used before
    approval_policy = "never"

    [model_providers.other]
    # another provider of mine
    name = "Other"
    base_url = "http://other.example/v1"

    [model_providers.taxiway-litellm]
    # an old table of ours
    name = "Old"
    base_url = "http://old.litellm.localhost:4000/v1"
    env_http_headers = { "x-litellm-api-key" = "TAXIWAY_LITELLM_API_KEY", "x-litellm-session-id" = "SESSION" }

    [projects."/home/me/work"]
    trust_level = "trusted"

    [notice.model_migrations]
    "gpt-5.5" = "gpt-6-sol"
    """
)


# --- the merge (pure) -------------------------------------------------------------------------


def test_merge_into_nothing_is_our_file() -> None:
    assert merge_codex_config("", OURS, path="config.toml") == OURS
    assert merge_codex_config("\n  \n", OURS, path="config.toml") == OURS


def test_merge_keeps_the_users_settings_and_comments() -> None:
    merged = merge_codex_config(USER_CONFIG, OURS, path="config.toml")
    data = tomllib.loads(merged)

    for line in (
        "# my own Codex settings",
        'approval_policy = "never"',
        "# another provider of mine",
        '[projects."/home/me/work"]',
        '"gpt-5.5" = "gpt-6-sol"',
    ):
        assert line in merged
    assert data["model_providers"]["other"] == {"name": "Other", "base_url": "http://other.example/v1"}
    assert data["projects"] == {"/home/me/work": {"trust_level": "trusted"}}
    assert data["notice"] == {"model_migrations": {"gpt-5.5": "gpt-6-sol"}}


def test_merge_replaces_our_keys_and_table() -> None:
    merged = merge_codex_config(USER_CONFIG, OURS, path="config.toml")
    data = tomllib.loads(merged)

    assert (data["model_provider"], data["model"]) == ("taxiway-litellm", "gpt-5.5")
    assert data["model_providers"]["taxiway-litellm"] == OUR_TABLE
    assert data["model_providers"]["taxiway-litellm"]["wire_api"] == "responses"
    assert "x-litellm-session-id" not in merged
    assert "# an old table of ours" not in merged


@pytest.mark.parametrize(
    "existing", [USER_CONFIG, "[tui]\nnotifications = true\n"], ids=["ours-in-the-middle", "ours-last"]
)
def test_merge_is_idempotent(existing: str) -> None:
    once = merge_codex_config(existing, OURS, path="config.toml")

    assert merge_codex_config(once, OURS, path="config.toml") == once


def test_merge_adds_our_table_beside_an_inline_providers_table() -> None:
    merged = merge_codex_config('model_providers = { other = { name = "Other" } }\n', OURS, path="config.toml")

    assert tomllib.loads(merged)["model_providers"] == {"other": {"name": "Other"}, "taxiway-litellm": OUR_TABLE}


@pytest.mark.parametrize(
    ("existing", "message"),
    [
        ("model = \n", "c/config.toml is not valid TOML"),
        ("model_providers = 3\n", "c/config.toml: model_providers is not a table"),
    ],
)
def test_merge_refuses_what_it_cannot_merge(existing: str, message: str) -> None:
    with pytest.raises(TaxiwayError, match=message) as error:
        merge_codex_config(existing, OURS, path="c/config.toml")
    assert "move it away" in error.value.hint


# --- the task ---------------------------------------------------------------------------------


def give_key(name: str) -> None:
    """What `invoke gateway` leaves behind: the lab key in the gateway env."""
    paths = load_settings().paths
    fs.write_file(
        state.gateway_env_path(paths, name), to_env(gateway_env(key=KEY, url="http://x", langfuse=None), source="test")
    )


def clients_dir(home: Path, lab: str = "demo") -> Path:
    return home / plan.clients_dir(lab)


def test_without_a_gateway_key_it_asks_for_invoke_gateway(home: Path, cli, tree_state) -> None:
    assert cli("lab.create", "--lab=demo", "--agent=codex")[0] == 0
    before = tree_state(home)

    code, out, err = cli("clients", "--lab=demo")

    assert code == 1
    assert "lab 'demo' has no gateway key yet" in err
    assert "run `invoke gateway --lab=demo` first" in err
    assert tree_state(home) == before


def test_unknown_lab_is_refused(home: Path, cli) -> None:
    code, _, err = cli("clients", "--lab=nope")

    assert code == 1
    assert "lab 'nope' does not exist" in err


def test_codex_lab_files_merge_and_usage(home: Path, cli, tmp_path: Path) -> None:
    cli("lab.create", "--lab=demo", "--agent=codex")
    give_key("demo")
    config = clients_dir(home) / "codex" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(USER_CONFIG)

    code, out, err = cli("clients", "--lab=demo")

    assert (code, err) == (0, "")
    assert f"wrote {config}" in out and f"wrote {clients_dir(home) / 'lab.env'}" in out
    data = tomllib.loads(config.read_text())
    assert data["model_providers"]["taxiway-litellm"]["base_url"] == "http://demo.litellm.localhost:4000/v1"
    assert data["approval_policy"] == "never" and "other" in data["model_providers"]
    for path in (config, clients_dir(home) / "lab.env"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not (clients_dir(home) / "claude-code").exists()
    assert cli("clients", "--lab=demo")[1].count("unchanged") == 2

    seen = _run_usage(out, tmp_path, "codex")
    assert seen["CODEX_HOME"] == str(config.parent)
    assert seen["TAXIWAY_LITELLM_API_KEY"] == KEY
    assert seen["TAXIWAY_LITELLM_AGENT_ID"] == "codex"


def test_claude_code_lab_files_and_usage(home: Path, cli, tmp_path: Path) -> None:
    cli("lab.create", "--lab=demo", "--agent=claude-code")
    give_key("demo")

    code, out, err = cli("clients", "--lab=demo")

    assert (code, err) == (0, "")
    env_file = clients_dir(home) / "claude-code" / "env"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert not (clients_dir(home) / "codex").exists()
    seen = _run_usage(out, tmp_path, "claude")
    assert seen["ANTHROPIC_BASE_URL"] == "http://demo.litellm.localhost:4000"
    assert seen["ANTHROPIC_CUSTOM_HEADERS"] == f"x-litellm-api-key: Bearer {KEY}"
    assert "ANTHROPIC_API_KEY" not in seen and "ANTHROPIC_AUTH_TOKEN" not in seen


def _run_usage(out: str, tmp_path: Path, agent: str) -> dict[str, str]:
    """Run the command the task printed, with a stand-in ``agent`` that prints its environment."""
    [command] = [line.strip() for line in out.splitlines() if line.strip().startswith("(set -a;")]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / agent).write_text("#!/bin/sh\nenv\n")
    (bin_dir / agent).chmod(0o755)
    result = subprocess.run(
        ["sh", "-c", command], env={"PATH": f"{bin_dir}:/usr/bin:/bin"}, capture_output=True, text=True, check=True
    )
    return dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)

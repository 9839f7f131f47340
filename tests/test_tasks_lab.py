"""``invoke lab.create | lab.list | lab.rm`` (and ``gateway.render``) as a user runs them.

Most cases run the collection in-process through ``invoke.Program`` (the ``cli`` fixture); a
few run the real ``invoke -r <checkout>`` binary. Every refusal exits non-zero with one or two
plain lines, no traceback, and leaves TAXIWAY_HOME byte-for-byte (and mode-for-mode) as it was.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from taxiway_build import plan, state
from taxiway_build.lab import NAME_RULE, Lab
from taxiway_build.settings import PROJECT_ROOT, load_settings

INVOKE = str(Path(sys.executable).parent / "invoke")


def record(home: Path, lab: str) -> Path:
    return home / "lab-state" / lab / "lab.json"


def assert_refused(result, first_line: str, hint: str | None = None) -> None:
    code, out, err = result
    assert code == 1, (out, err)
    lines = err.splitlines()
    assert lines[0] == f"error: {first_line}"
    assert len(lines) == (2 if hint else 1), err
    if hint:
        assert lines[1] == f"  {hint}"
    assert "Traceback" not in out + err


@pytest.fixture
def demo(home, cli) -> Path:
    """A home with one codex lab, ``demo``."""
    assert cli("lab.create", "--lab=demo", "--agent=codex")[0] == 0
    return home


# --------------------------------------------------------------------------------------------
# lab.create


def test_create(home, cli, tree_state):
    code, out, err = cli("lab.create", "--lab=demo", "--agent=claude-code")
    assert (code, err) == (0, "")
    assert out == "lab demo: created (claude-code, model claude-opus-4-8)\nnext: invoke gateway --lab=demo\n"
    assert json.loads(record(home, "demo").read_text()) == {"agent": "claude-code", "model": "claude-opus-4-8", "name": "demo"}
    # Only the record: no catalog installed, no gateway files.
    assert sorted(tree_state(home)) == ["lab-state", "lab-state/demo", "lab-state/demo/lab.json"]
    assert tree_state(home)["lab-state/demo/lab.json"][1] == 0o600
    assert tree_state(home)["lab-state"][1] == tree_state(home)["lab-state/demo"][1] == 0o700


def test_create_with_model(home, cli):
    code, out, _ = cli("lab.create", "--lab=demo", "--agent=codex", "--model=gpt-5.4-mini")
    assert code == 0 and "(codex, model gpt-5.4-mini)" in out


def test_create_again_with_the_same_settings_is_unchanged(demo, cli, tree_state):
    before = tree_state(demo)
    code, out, err = cli("lab.create", "--lab=demo", "--agent=codex", "--model=gpt-5.5")
    assert (code, out, err) == (0, "lab demo: unchanged (codex, model gpt-5.5)\n", "")
    assert tree_state(demo) == before


@pytest.mark.parametrize(
    "args",
    [("--agent=claude-code",), ("--agent=codex", "--model=gpt-5.4")],
    ids=["other-agent", "other-model"],
)
def test_create_again_with_other_settings_is_refused_without_update(demo, cli, tree_state, args):
    before = tree_state(demo)
    result = cli("lab.create", "--lab=demo", *args)
    new_agent = args[0].split("=")[1]
    new_model = "claude-opus-4-8" if new_agent == "claude-code" else "gpt-5.4"
    assert_refused(
        result,
        "lab 'demo' already exists as codex with model gpt-5.5",
        f"to change it, run: invoke lab.create --lab=demo --agent={new_agent} --model={new_model} --update",
    )
    assert tree_state(demo) == before
    code, out, _ = cli("lab.create", "--lab=demo", *args, "--update")
    assert code == 0
    assert out.startswith(f"lab demo: updated ({new_agent}, model {new_model})\n")
    assert state.read_lab(load_settings().paths, "demo") == Lab("demo", new_agent, new_model)


BAD_NAMES = ["My-Lab", "my_lab", "-lead", "", "a" * 49, "a b", "ünï", "../x"]


@pytest.mark.parametrize("name", BAD_NAMES, ids=repr)
@pytest.mark.parametrize("task", ["lab.create", "lab.rm", "gateway.render"])
def test_bad_lab_names(demo, cli, tree_state, name, task):
    before = tree_state(demo)
    args = [f"--lab={name}"] + (["--agent=codex"] if task == "lab.create" else [])
    assert_refused(cli(task, *args), f"invalid lab name {name!r}: {NAME_RULE}")
    assert tree_state(demo) == before


def test_my_lab_and_my_underscore_lab_are_not_folded(home, cli):
    assert cli("lab.create", "--lab=my-lab", "--agent=codex")[0] == 0
    assert cli("lab.create", "--lab=my_lab", "--agent=codex")[0] == 1
    assert [lab.name for lab in state.list_labs(load_settings().paths)] == ["my-lab"]


def test_unknown_agent(demo, cli, tree_state):
    before = tree_state(demo)
    assert_refused(cli("lab.create", "--lab=new", "--agent=claude"), "unknown agent 'claude': use one of claude-code, codex")
    assert tree_state(demo) == before


@pytest.mark.parametrize(
    ("agent", "model", "offered"),
    [
        ("codex", "gpt-9", "providers chatgpt; models: gpt-5.5, gpt-5.4, gpt-5.4-mini, gpt-5.3-codex-spark"),
        ("claude-code", "opus", "providers anthropic; models: claude-opus-4-8, claude-sonnet-4-6, claude-haiku-4-5-20251001"),
        ("claude-code", "gpt-5.5", "providers anthropic; models: claude-opus-4-8, claude-sonnet-4-6, claude-haiku-4-5-20251001"),
    ],
)
def test_unknown_model(demo, cli, tree_state, agent, model, offered):
    before = tree_state(demo)
    assert_refused(
        cli("lab.create", "--lab=new", f"--agent={agent}", f"--model={model}"),
        f"model {model!r} of lab 'new' is not in the catalog for {agent} ({offered})",
        f"pick one with: invoke lab.create --lab=new --agent={agent} --model=<name> --update",
    )
    assert tree_state(demo) == before


MALFORMED = [
    ("bad-yaml", "models:\n  - name: a\n   provider: x\n", ":3: not valid YAML"),
    ("missing-field", "models:\n  - name: gpt-5.5\n    provider: chatgpt\n", ": entry 1 (gpt-5.5), field 'upstream': "),
    (
        "wrong-type",
        "models:\n  - name: gpt-5.5\n    provider: chatgpt\n    upstream: gpt-5.5\n    forward_client_headers: 'yes'\n",
        ": entry 1 (gpt-5.5), field 'forward_client_headers': 'yes' is not of type 'boolean'",
    ),
    (
        "unknown-field",
        "models:\n  - name: gpt-5.5\n    provider: chatgpt\n    upstream: gpt-5.5\n    alias: opus\n",
        ": entry 1 (gpt-5.5), field 'alias': ",
    ),
    (
        "duplicate-name",
        "models:\n" + "  - name: gpt-5.5\n    provider: chatgpt\n    upstream: gpt-5.5\n" * 2,
        ": entry 2 (gpt-5.5), field 'name': duplicate model name",
    ),
    ("empty-list", "models: []\n", ": field 'models': [] should be non-empty"),
]


@pytest.mark.parametrize(("text", "fragment"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_malformed_runtime_catalog(demo, cli, tree_state, text, fragment):
    catalog = load_settings().paths.catalog
    catalog.parent.mkdir(parents=True)
    catalog.write_text(text)
    before = tree_state(demo)
    code, out, err = cli("lab.create", "--lab=new", "--agent=codex")
    assert code == 1 and "Traceback" not in err
    assert err.startswith(f"error: {catalog}{fragment}")
    assert len(err.splitlines()) <= 2
    assert tree_state(demo) == before


def test_half_written_record(demo, cli, tree_state):
    broken = record(demo, "demo")
    broken.write_text('{"name": "demo", "agent": "co')
    before = tree_state(demo)
    hint = "fix the file by hand, or remove the lab and create it again"
    for args in (("lab.list",), ("lab.create", "--lab=demo", "--agent=codex"), ("gateway.render", "--lab=demo")):
        code, out, err = cli(*args)
        assert code == 1, args
        lines = err.splitlines()
        assert lines[0].startswith(f"error: lab record {broken} is unreadable (JSONDecodeError: "), args
        assert lines[1:] == [f"  {hint}"], args
        assert tree_state(demo) == before, args
    # Explicitly replacing it works, and so does removing the lab, as the hint says.
    assert cli("lab.create", "--lab=demo", "--agent=codex", "--update")[0] == 0
    assert state.read_lab(load_settings().paths, "demo") == Lab("demo", "codex", "gpt-5.5")
    broken.write_text("{")
    code, out, err = cli("lab.rm", "--lab=demo")
    assert (code, out) == (0, "lab demo: removed\n"), err
    assert not (demo / "lab-state" / "demo").exists()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TAXIWAY_PROXY_PORT", "abc", "TAXIWAY_PROXY_PORT='abc' is not a port number"),
        ("TAXIWAY_PROXY_PORT", "70000", "TAXIWAY_PROXY_PORT=70000 is out of range"),
        ("TAXIWAY_PROXY_BIND", "localhost", "TAXIWAY_PROXY_BIND='localhost' is not an IP address"),
    ],
)
@pytest.mark.parametrize("task", [("lab.create", "--lab=new", "--agent=codex"), ("lab.list",), ("lab.rm", "--lab=demo")], ids=lambda t: t[0])
def test_bad_settings(demo, cli, tree_state, monkeypatch, name, value, message, task):
    monkeypatch.setenv(name, value)
    before = tree_state(demo)
    code, out, err = cli(*task)
    assert code == 1
    assert err.splitlines()[0] == f"error: {message}"
    assert len(err.splitlines()) == 2 and "Traceback" not in err
    assert tree_state(demo) == before


# --------------------------------------------------------------------------------------------
# lab.list


def test_list_empty(home, cli):
    assert cli("lab.list") == (0, "(no labs; create one with: invoke lab.create --lab=NAME --agent=codex|claude-code)\n", "")
    assert cli("lab.list", "--json") == (0, "[]\n", "")


def test_list(demo, cli):
    assert cli("lab.create", "--lab=a-much-longer-lab-name", "--agent=claude-code", "--model=claude-haiku-4-5-20251001")[0] == 0
    # A configured gateway shows as such.
    (demo / "lab-state/demo/gateway").mkdir()
    (demo / "lab-state/demo/gateway" / plan.COMPOSE_FILE).write_text("name: x\n")
    code, out, err = cli("lab.list")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "LAB                     AGENT        MODEL                       GATEWAY",
        "a-much-longer-lab-name  claude-code  claude-haiku-4-5-20251001   -",
        "demo                    codex        gpt-5.5                     configured",
    ]
    code, out, _ = cli("lab.list", "--json")
    assert json.loads(out) == [
        {"lab": "a-much-longer-lab-name", "agent": "claude-code", "model": "claude-haiku-4-5-20251001", "gateway": False},
        {"lab": "demo", "agent": "codex", "model": "gpt-5.5", "gateway": True},
    ]


def test_list_writes_nothing(demo, cli, tree_state):
    before = tree_state(demo)
    cli("lab.list")
    cli("lab.list", "--json")
    assert tree_state(demo) == before


# --------------------------------------------------------------------------------------------
# lab.rm


def test_rm_missing_lab(demo, cli, tree_state):
    before = tree_state(demo)
    assert_refused(
        cli("lab.rm", "--lab=nope"),
        "lab 'nope' does not exist",
        "create it with: invoke lab.create --lab=nope --agent=codex|claude-code",
    )
    assert tree_state(demo) == before


def test_rm_without_a_gateway_needs_no_docker(demo, cli):
    assert cli("lab.create", "--lab=other", "--agent=claude-code")[0] == 0
    code, out, err = cli("lab.rm", "--lab=demo")
    assert (code, out, err) == (0, "lab demo: removed\n", "")
    assert not (demo / "lab-state/demo").exists()
    assert [lab.name for lab in state.list_labs(load_settings().paths)] == ["other"]


def test_rm_calls_the_gateway_removal_then_removes_state(demo, cli, monkeypatch):
    from taxiway_build import gateway

    calls = []
    monkeypatch.setattr(gateway, "remove", lambda s, lab, dry_run=False: calls.append((lab, dry_run)))
    (demo / "lab-state/demo/gateway").mkdir()
    code, out, _ = cli("lab.rm", "--lab=demo", "--dry-run")
    assert code == 0 and out.startswith("[dry-run] would remove ")
    assert (demo / "lab-state/demo/lab.json").exists()
    assert cli("lab.rm", "--lab=demo")[0] == 0
    assert calls == [("demo", True), ("demo", False)]
    assert not (demo / "lab-state/demo").exists()


# --------------------------------------------------------------------------------------------
# gateway.render: the newcomer's second command.


def test_render_prints_and_writes_nothing(demo, cli, tree_state):
    before = tree_state(demo)
    code, out, err = cli("gateway.render", "--lab=demo")
    assert (code, err) == (0, "")
    assert "==> lab-state/demo/gateway/litellm_config.yaml <==" in out
    assert "==> proxy/Caddyfile <==" in out
    assert f"TAXIWAY_LITELLM_API_KEY='{plan.KEY_PLACEHOLDER}'" in out  # before the first gateway run
    assert tree_state(demo) == before


def test_render_out_writes_only_under_out(demo, cli, tree_state, tmp_path):
    before = tree_state(demo)
    out_dir = tmp_path / "rendered"
    code, out, err = cli("gateway.render", "--lab=demo", f"--out={out_dir}")
    assert code == 0, err
    assert tree_state(demo) == before
    written = sorted(str(p.relative_to(out_dir)) for p in out_dir.rglob("*") if p.is_file())
    assert written == sorted(
        [
            "lab-state/demo/clients/codex/config.toml",
            "lab-state/demo/clients/lab.env",
            "lab-state/demo/gateway/codex_session_mapper.py",
            "lab-state/demo/gateway/env",
            "lab-state/demo/gateway/litellm.compose.yml",
            "lab-state/demo/gateway/litellm_config.yaml",
            "proxy/Caddyfile",
            "proxy/proxy.compose.yml",
        ]
    )
    assert out.count("wrote ") == len(written)
    assert (out_dir / "lab-state/demo/gateway/env").stat().st_mode & 0o777 == 0o600
    assert (out_dir / "proxy/Caddyfile").stat().st_mode & 0o777 == 0o644
    # Again: nothing changes.
    code, out, _ = cli("gateway.render", "--lab=demo", f"--out={out_dir}")
    assert code == 0 and "wrote " not in out and out.count("unchanged ") == len(written)


# --------------------------------------------------------------------------------------------
# The real CLI, as a Makefile runs it.


def run_invoke(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TAXIWAY_")}
    environ.update(TAXIWAY_HOME=str(home), **env)
    return subprocess.run(
        [INVOKE, "-r", str(PROJECT_ROOT), *args], env=environ, capture_output=True, text=True, cwd=home, timeout=60
    )


@pytest.mark.parametrize(
    ("args", "env", "first_line"),
    [
        (("lab.create", "--lab=My-Lab", "--agent=codex"), {}, f"error: invalid lab name 'My-Lab': {NAME_RULE}"),
        (("lab.create", "--lab=new", "--agent=gemini"), {}, "error: unknown agent 'gemini': use one of claude-code, codex"),
        (("lab.create", "--lab=demo", "--agent=claude-code"), {}, "error: lab 'demo' already exists as codex with model gpt-5.5"),
        (("lab.list",), {"TAXIWAY_PROXY_PORT": "http"}, "error: TAXIWAY_PROXY_PORT='http' is not a port number"),
        (("lab.rm", "--lab=nope"), {}, "error: lab 'nope' does not exist"),
        (("gateway.render", "--lab=nope"), {}, "error: lab 'nope' does not exist"),
    ],
    ids=["bad-name", "bad-agent", "second-create", "bad-port", "rm-missing", "render-missing"],
)
def test_real_cli_refusals_are_plain(tmp_path, tree_state, args, env, first_line):
    home = tmp_path / "home"
    home.mkdir()
    assert run_invoke(home, "lab.create", "--lab=demo", "--agent=codex").returncode == 0
    before = tree_state(home)
    result = run_invoke(home, *args, **env)
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert lines[0] == first_line
    assert 1 <= len(lines) <= 2
    assert "Traceback" not in result.stderr + result.stdout
    assert tree_state(home) == before


def test_real_cli_newcomer_flow(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    created = run_invoke(home, "lab.create", "--lab=demo", "--agent=claude-code")
    assert created.returncode == 0, created.stderr
    rendered = run_invoke(home, "gateway.render", "--lab=demo")
    assert rendered.returncode == 0, rendered.stderr
    assert "==> lab-state/demo/clients/claude-code/env <==" in rendered.stdout
    listed = run_invoke(home, "lab.list", "--json")
    assert json.loads(listed.stdout) == [{"lab": "demo", "agent": "claude-code", "model": "claude-opus-4-8", "gateway": False}]

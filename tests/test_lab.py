"""Lab names, agents and lab records (``lab-state/<lab>/lab.json``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taxiway_build import state
from taxiway_build.errors import TaxiwayError
from taxiway_build.lab import AGENTS, NAME_RULE, Lab, default_model, parse_record, validate_agent, validate_name
from taxiway_build.settings import load_settings

GOOD_NAMES = ["a", "0", "demo", "my-lab", "lab-1", "1lab", "a--b", "trailing-", "a" * 48]
BAD_NAMES = ["My-Lab", "my_lab", "-lead", "", "a" * 49, "a b", "ünï", "../x", "lab.1", "lab/1", " demo", "demo\n", "DEMO"]


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_good_names(name):
    assert validate_name(name) == name


@pytest.mark.parametrize("name", BAD_NAMES, ids=repr)
def test_bad_names_are_refused_not_folded(name):
    with pytest.raises(TaxiwayError) as info:
        validate_name(name)
    assert str(info.value) == f"invalid lab name {name!r}: {NAME_RULE}"


def test_name_rule_says_the_rule():
    assert NAME_RULE == (
        "lab names are lowercase letters, digits and hyphens, 1 to 48 characters, starting with a letter or digit"
    )


def test_agents_and_default_models():
    assert sorted(AGENTS) == ["claude-code", "codex"]
    assert default_model("codex") == "gpt-5.5"
    assert default_model("claude-code") == "claude-opus-4-8"
    assert Lab("demo", "codex", "gpt-5.5").providers == ("chatgpt",)
    assert Lab("demo", "claude-code", "claude-opus-4-8").providers == ("anthropic",)


@pytest.mark.parametrize("agent", ["claude", "Codex", "", "gemini"])
def test_unknown_agent(agent):
    with pytest.raises(TaxiwayError) as info:
        validate_agent(agent)
    assert str(info.value) == f"unknown agent {agent!r}: use one of claude-code, codex"
    with pytest.raises(TaxiwayError):
        default_model(agent)


def test_lab_host():
    assert Lab("my-lab", "codex", "gpt-5.5").host == "my-lab.litellm.localhost"


def test_record_round_trip():
    lab = Lab("demo", "claude-code", "claude-sonnet-4-6")
    text = lab.to_json()
    assert text == '{\n  "agent": "claude-code",\n  "model": "claude-sonnet-4-6",\n  "name": "demo"\n}\n'
    assert parse_record(text, Path("lab.json")) == lab


BAD_RECORDS = [
    ("half-written", '{"name": "demo", "ag', "JSONDecodeError"),
    ("empty", "", "JSONDecodeError"),
    ("missing-field", '{"name": "demo", "agent": "codex"}', "KeyError: 'model'"),
    ("not-an-object", '["demo"]', "TypeError"),
]


@pytest.mark.parametrize(("text", "kind"), [r[1:] for r in BAD_RECORDS], ids=[r[0] for r in BAD_RECORDS])
def test_unreadable_record_is_a_message_not_a_crash(text, kind):
    path = Path("/fake-home/lab-state/demo/lab.json")
    with pytest.raises(TaxiwayError) as info:
        parse_record(text, path)
    first, second = str(info.value).splitlines()
    assert first.startswith(f"lab record {path} is unreadable ({kind}")
    assert second.strip() == "fix the file by hand, or remove the lab and create it again"


def test_record_with_a_bad_name_or_agent():
    with pytest.raises(TaxiwayError, match="invalid lab name 'My-Lab'"):
        parse_record(json.dumps({"name": "My-Lab", "agent": "codex", "model": "gpt-5.5"}), Path("lab.json"))
    with pytest.raises(TaxiwayError, match="unknown agent 'gemini'"):
        parse_record(json.dumps({"name": "demo", "agent": "gemini", "model": "x"}), Path("lab.json"))


# --------------------------------------------------------------------------------------------
# Records on disk (state.py).


def test_write_read_and_list(home):
    paths = load_settings().paths
    assert state.list_labs(paths) == []
    labs = [Lab("beta", "codex", "gpt-5.4"), Lab("alpha", "claude-code", "claude-opus-4-8")]
    for lab in labs:
        assert state.write_lab(paths, lab) is True
    assert state.write_lab(paths, labs[0]) is False  # identical bytes: unchanged
    assert state.read_lab(paths, "beta") == labs[0]
    assert state.list_labs(paths) == sorted(labs, key=lambda lab: lab.name)
    record = paths.lab_dir("alpha") / "lab.json"
    assert record.stat().st_mode & 0o777 == 0o600
    assert paths.lab_dir("alpha").stat().st_mode & 0o777 == 0o700


def test_read_missing_lab(home):
    with pytest.raises(TaxiwayError) as info:
        state.read_lab(load_settings().paths, "nope")
    assert str(info.value) == "lab 'nope' does not exist\n  create it with: invoke lab.create --lab=nope --agent=codex|claude-code"


@pytest.mark.parametrize("name", ["../x", "My-Lab", ""], ids=repr)
def test_read_refuses_bad_names_before_touching_disk(home, name):
    with pytest.raises(TaxiwayError, match="invalid lab name"):
        state.read_lab(load_settings().paths, name)


def test_half_written_record_names_its_file(home, tree_state):
    paths = load_settings().paths
    record = paths.lab_dir("demo") / "lab.json"
    record.parent.mkdir(parents=True)
    record.write_text('{"name": "demo", "agent": "cod')
    before = tree_state(home)
    for call in (lambda: state.read_lab(paths, "demo"), lambda: state.list_labs(paths)):
        with pytest.raises(TaxiwayError) as info:
            call()
        assert str(info.value).startswith(f"lab record {record} is unreadable (JSONDecodeError")
    assert tree_state(home) == before


def test_record_naming_another_lab(home):
    paths = load_settings().paths
    state.write_lab(paths, Lab("demo", "codex", "gpt-5.5"))
    (paths.lab_dir("other")).mkdir()
    (paths.lab_dir("other") / "lab.json").write_text(Lab("demo", "codex", "gpt-5.5").to_json())
    with pytest.raises(TaxiwayError, match="names lab 'demo', not 'other'"):
        state.read_lab(paths, "other")


def test_directories_without_a_record_are_not_labs(home):
    paths = load_settings().paths
    (paths.lab_state / "stray").mkdir(parents=True)
    assert state.list_labs(paths) == []

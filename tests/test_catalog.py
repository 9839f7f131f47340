"""The model catalog: the shipped default, the runtime copy, and malformed catalogs.

A malformed catalog fails with the file, the entry and the field named.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from taxiway_build import plan, state
from taxiway_build.catalog import DEFAULT_CATALOG, SCHEMA_PATH, Model, load_catalog, parse_catalog
from taxiway_build.errors import TaxiwayError
from taxiway_build.lab import Lab
from taxiway_build.settings import load_settings

FILE = Path("/fake-home/runtime/infra/gateway/litellm/models.yaml")
SCHEMA_HINT = "fix the catalog (schema: config/litellm/models.schema.json)"

ENTRY = "  - name: gpt-5.5\n    provider: chatgpt\n    upstream: gpt-5.5\n"


def test_default_catalog_has_the_reference_entries():
    catalog = load_catalog(DEFAULT_CATALOG)
    assert catalog.names() == (
        "gpt-5.5",
        "gpt-5.4",
        "gpt-5.4-mini",
        "gpt-5.3-codex-spark",
        "claude-opus-4-8",
        "claude-sonnet-4-6",
        "claude-haiku-4-5-20251001",
    )
    for model in catalog.models:
        if model.provider == "chatgpt":
            assert (model.api, model.forward_client_headers) == ("responses", False)
        else:
            assert (model.provider, model.api, model.forward_client_headers) == ("anthropic", None, True)
        assert model.upstream == model.name
        assert model.api_base is None and model.api_key is None


def test_default_catalog_matches_its_schema():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(DEFAULT_CATALOG.read_text()))


def test_optional_fields_are_passed_through():
    text = (
        "models:\n"
        "  - name: claude-opus-4-8\n    provider: anthropic\n    upstream: claude-opus-4-8\n"
        "    api_base: http://host.docker.internal:18080\n    api_key: os.environ/ANTHROPIC_API_KEY\n"
        "    forward_client_headers: true\n    api: chat\n"
    )
    (model,) = parse_catalog(text, FILE).models
    assert model == Model(
        name="claude-opus-4-8",
        provider="anthropic",
        upstream="claude-opus-4-8",
        api="chat",
        forward_client_headers=True,
        api_base="http://host.docker.internal:18080",
        api_key="os.environ/ANTHROPIC_API_KEY",
    )


BAD_CATALOGS = [
    # (id, text, the whole first line of the message after the file name)
    ("bad-yaml-indent", "models:\n  - name: a\n   provider: x\n", ":3: not valid YAML (expected <block end>, but found '<block mapping start>')"),
    ("bad-yaml-unclosed", "models: [\n", ":2: not valid YAML (expected the node content, but found '<stream end>')"),
    ("bad-yaml-tab", "models:\n\t- name: x\n", ":2: not valid YAML (found character '\\t' that cannot start any token)"),
    (
        "missing-field",
        "models:\n  - name: gpt-5.5\n    provider: chatgpt\n",
        ": entry 1 (gpt-5.5), field 'upstream': 'upstream' is a required property",
    ),
    (
        "wrong-type-bool",
        "models:\n" + ENTRY + "    forward_client_headers: 'yes'\n",
        ": entry 1 (gpt-5.5), field 'forward_client_headers': 'yes' is not of type 'boolean'",
    ),
    ("wrong-type-name", "models:\n  - name: 5\n    provider: chatgpt\n    upstream: x\n", ": entry 1, field 'name': 5 is not of type 'string'"),
    (
        "unknown-field",
        "models:\n" + ENTRY + "    alias: opus\n",
        ": entry 1 (gpt-5.5), field 'alias': Additional properties are not allowed ('alias' was unexpected)",
    ),
    ("duplicate-name", "models:\n" + ENTRY + ENTRY, ": entry 2 (gpt-5.5), field 'name': duplicate model name"),
    ("empty-list", "models: []\n", ": field 'models': [] should be non-empty"),
    ("null-models", "models:\n", ": field 'models': None is not of type 'array'"),
    ("empty-file", "", ": None is not of type 'object'"),
    ("not-a-mapping", "- gpt-5.5\n", ": ['gpt-5.5'] is not of type 'object'"),
    ("no-models-key", "model:\n" + ENTRY, ": 'models' is a required property"),
    ("entry-not-a-mapping", "models:\n  - gpt-5.5\n", ": entry 1: 'gpt-5.5' is not of type 'object'"),
    (
        "bad-api",
        "models:\n" + ENTRY + "    api: response\n",
        ": entry 1 (gpt-5.5), field 'api': 'response' is not one of ['chat', 'responses', 'completion', 'embedding']",
    ),
    (
        "bad-api-base",
        "models:\n" + ENTRY + "    api_base: localhost:8080\n",
        ": entry 1 (gpt-5.5), field 'api_base': 'localhost:8080' does not match '^https?://'",
    ),
    (
        "bad-second-entry",
        "models:\n" + ENTRY + "  - name: claude\n    provider: Anthropic\n    upstream: x\n",
        ": entry 2 (claude), field 'provider': 'Anthropic' does not match '^[a-z0-9_]+$'",
    ),
    (
        "bad-name-with-space",
        "models:\n  - name: gpt 5.5\n    provider: chatgpt\n    upstream: x\n",
        ": entry 1 (gpt 5.5), field 'name': 'gpt 5.5' does not match '^[A-Za-z0-9][A-Za-z0-9._:/-]*$'",
    ),
]


@pytest.mark.parametrize(("text", "first_line"), [c[1:] for c in BAD_CATALOGS], ids=[c[0] for c in BAD_CATALOGS])
def test_bad_catalog_message_names_file_entry_and_field(text, first_line):
    with pytest.raises(TaxiwayError) as info:
        parse_catalog(text, FILE)
    lines = str(info.value).splitlines()
    assert lines[0] == f"{FILE}{first_line}"
    assert len(lines) <= 2
    if len(lines) == 2:
        assert lines[1].strip() == SCHEMA_HINT


def test_unreadable_catalog(tmp_path):
    with pytest.raises(TaxiwayError, match=r"^cannot read model catalog .*/missing.yaml: No such file or directory$"):
        load_catalog(tmp_path / "missing.yaml")


# --------------------------------------------------------------------------------------------
# The runtime catalog under TAXIWAY_HOME.


def test_runtime_catalog_is_installed_once_and_then_the_users(home):
    paths = load_settings().paths
    assert state.catalog(paths, install=True) == load_catalog(DEFAULT_CATALOG)
    assert paths.catalog.read_text() == DEFAULT_CATALOG.read_text()
    assert paths.catalog.stat().st_mode & 0o777 == 0o644
    edited = "models:\n" + ENTRY
    paths.catalog.write_text(edited)
    assert state.catalog(paths, install=True).names() == ("gpt-5.5",)
    assert paths.catalog.read_text() == edited  # never overwritten


def test_render_without_install_reads_the_default_and_writes_nothing(home, tree_state):
    before = tree_state(home)
    assert state.catalog(load_settings().paths, install=False) == load_catalog(DEFAULT_CATALOG)
    assert tree_state(home) == before


def test_malformed_runtime_catalog_names_the_runtime_file(home):
    paths = load_settings().paths
    paths.catalog.parent.mkdir(parents=True)
    paths.catalog.write_text("models:\n  - name: gpt-5.5\n    provider: chatgpt\n")
    with pytest.raises(TaxiwayError) as info:
        state.catalog(paths, install=True)
    assert str(info.value).startswith(f"{paths.catalog}: entry 1 (gpt-5.5), field 'upstream'")


# --------------------------------------------------------------------------------------------
# A lab's models.


def test_lab_models_and_unknown_default_model():
    catalog = load_catalog(DEFAULT_CATALOG)
    lab = Lab(name="demo", agent="claude-code", model="claude-sonnet-4-6")
    assert [m.name for m in plan.lab_models(lab, catalog.models)] == [
        "claude-opus-4-8",
        "claude-sonnet-4-6",
        "claude-haiku-4-5-20251001",
    ]
    with pytest.raises(TaxiwayError) as info:
        plan.lab_models(Lab(name="demo", agent="claude-code", model="opus"), catalog.models)
    assert str(info.value).splitlines()[0] == (
        "model 'opus' of lab 'demo' is not in the catalog for claude-code (providers anthropic; "
        "models: claude-opus-4-8, claude-sonnet-4-6, claude-haiku-4-5-20251001)"
    )
    # A model of another agent's provider is not offered either.
    with pytest.raises(TaxiwayError, match="not in the catalog for codex"):
        plan.lab_models(Lab(name="demo", agent="codex", model="claude-opus-4-8"), catalog.models)


def test_lab_with_no_model_of_its_provider():
    only_anthropic = parse_catalog("models:\n  - name: claude-opus-4-8\n    provider: anthropic\n    upstream: x\n", FILE)
    with pytest.raises(TaxiwayError, match=r"\(providers chatgpt; models: none\)"):
        plan.lab_models(Lab(name="demo", agent="codex", model="gpt-5.5"), only_anthropic.models)

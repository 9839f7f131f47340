"""Tier 1: every file of every rendered variant as a snapshot, plus targeted asserts.

Plans come from the pure functions (:func:`plan.plan_lab`, :func:`plan.plan_proxy`) with fixed
fake keys; see ``conftest.py`` for the matrix. Update with ``pytest --snapshot-update`` and
read the diff under ``tests/snapshots/test_snapshots/``.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import tomllib

import pytest
import yaml

from taxiway_build import naming, plan
from taxiway_build.builders import langfuse
from taxiway_build.builders.env import LANGFUSE_VARS
from taxiway_build.envfile import parse_env
from taxiway_build.lab import AGENTS
from taxiway_build.serialize import GENERATED
from taxiway_build.settings import Images
from tests.conftest import FAKE_OBSERVABILITY

HEADER_PREFIX = f"# {GENERATED}\n"
#: A second obviously fake lab key (the first comes from the ``fake_key`` fixture).
OTHER_FAKE_KEY = "sk-taxiway-" + "0" * 47 + "1"


def gw(rel: str, lab: str = "demo") -> str:
    return f"lab-state/{lab}/gateway/{rel}"


def compose_of(files: dict[str, str], lab: str = "demo") -> dict:
    return yaml.safe_load(files[gw(plan.COMPOSE_FILE, lab)])


def config_of(files: dict[str, str], lab: str = "demo") -> dict:
    return yaml.safe_load(files[gw(plan.CONFIG_FILE, lab)])


def hash_label(files: dict[str, str], lab: str = "demo") -> str:
    return compose_of(files, lab)["services"]["litellm"]["labels"][naming.CONFIG_HASH_LABEL]


# --------------------------------------------------------------------------------------------
# Snapshots.


def test_lab_files(lab_variant, file_snapshot):
    # The callback modules are copies of config/litellm/callbacks/ under a header, checked
    # against those files below; snapshotting each copy again would only repeat them.
    for rel, text in sorted(lab_variant.files.items()):
        if not rel.endswith(".py"):
            assert file_snapshot(rel, text), rel


def test_proxy_files(proxy_variant, file_snapshot):
    for rel, text in sorted(proxy_variant.files.items()):
        assert file_snapshot(rel, text), rel


def test_lab_file_set(lab_variant):
    lab = lab_variant.inputs.lab.name
    expected = {gw("litellm_config.yaml"), gw("litellm.compose.yml"), gw("env"), f"lab-state/{lab}/clients/lab.env"}
    if lab_variant.variant.agent == "codex":
        expected |= {gw("codex_session_mapper.py"), f"lab-state/{lab}/clients/codex/config.toml"}
    else:
        expected |= {f"lab-state/{lab}/clients/claude-code/env"}
    if lab_variant.variant.langfuse:
        expected |= {gw("lab_tags.py")}
    assert set(lab_variant.files) == expected


def test_proxy_file_set(proxy_variant):
    assert set(proxy_variant.files) == {"proxy/Caddyfile", "proxy/proxy.compose.yml"}


# --------------------------------------------------------------------------------------------
# Secrets and headers.


def test_no_secret_in_compose_or_config(lab_variant, fake_key, fake_langfuse):
    """The lab key and Langfuse keys live in env files only (0600), never in compose/config."""
    secrets = [fake_key, fake_langfuse["LANGFUSE_PUBLIC_KEY"], fake_langfuse["LANGFUSE_SECRET_KEY"]]
    for rel, text in lab_variant.files.items():
        if rel.endswith(("/env", ".env")):
            continue
        for secret in secrets:
            assert secret not in text, f"{secret} leaked into {rel}"
            # Not even a recognisable part of it.
            assert secret[:20] not in text, f"part of {secret} leaked into {rel}"


def test_no_secret_in_proxy(proxy_variant):
    for rel, text in proxy_variant.files.items():
        assert "sk-" not in text, rel


def test_secrets_where_they_belong(lab_variant, fake_langfuse):
    files, v = lab_variant.files, lab_variant.variant
    gateway_env = parse_env(files[gw("env")], gw("env"))
    assert gateway_env["TAXIWAY_LITELLM_API_KEY"] == v.key
    assert parse_env(files["lab-state/demo/clients/lab.env"], "lab.env")["TAXIWAY_LITELLM_API_KEY"] == v.key
    for name in LANGFUSE_VARS:
        assert (gateway_env.get(name) == fake_langfuse[name]) if v.langfuse else name not in gateway_env
    # The lab's own env never carries Langfuse secrets.
    assert "LANGFUSE" not in files["lab-state/demo/clients/lab.env"]


def _check_headers(files: dict[str, str]) -> None:
    # Every format we render (YAML, TOML, env, Caddyfile, Python) allows # comments. The Codex
    # config.toml is merged into the user's file, so its header says what is ours instead.
    for rel, text in files.items():
        if rel.endswith("codex/config.toml"):
            assert text.startswith("# invoke clients --lab=") and "Everything else here is yours" in text, rel
        else:
            assert text.startswith(HEADER_PREFIX), rel
        assert text.endswith("\n") and not text.endswith("\n\n"), rel


def test_every_lab_file_starts_with_generated_header(lab_variant):
    _check_headers(lab_variant.files)


def test_every_proxy_file_starts_with_generated_header(proxy_variant):
    _check_headers(proxy_variant.files)


def test_session_mapper_is_the_config_asset(lab_variant, assets):
    rel = gw("codex_session_mapper.py")
    if lab_variant.variant.agent != "codex":
        assert rel not in lab_variant.files
        return
    text = lab_variant.files[rel]
    assert text.endswith(assets.session_mapper)
    compile(text, rel, "exec")


# --------------------------------------------------------------------------------------------
# The LiteLLM config.


def test_model_list_has_every_model_of_the_agents_providers(lab_variant, default_catalog, custom_catalog):
    v = lab_variant.variant
    catalog = custom_catalog if v.catalog == "custom" else default_catalog
    providers = AGENTS[v.agent][0]
    config = config_of(lab_variant.files)
    names = [entry["model_name"] for entry in config["model_list"]]
    assert names == [m.name for m in catalog.models if m.provider in providers]
    assert lab_variant.inputs.lab.model in names
    for entry, model in zip(config["model_list"], (m for m in catalog.models if m.provider in providers)):
        params = entry["litellm_params"]
        assert params["model"] == f"{model.provider}/{model.upstream}"
        assert params.get("api_base") == model.api_base
        assert params.get("api_key") == model.api_key
        assert entry.get("model_info") == ({"mode": model.api} if model.api else None)
    forwarded = config["litellm_settings"].get("model_group_settings", {}).get("forward_client_headers_to_llm_api")
    assert forwarded == ([m.name for m in catalog.models if m.provider in providers and m.forward_client_headers] or None)


def test_custom_catalog_models_of_other_providers_are_left_out(make_inputs, assets):
    for agent, model in (("codex", "gpt-5.5"), ("claude-code", "claude-sonnet-4-6")):
        files = plan.plan_lab(make_inputs(agent=agent, model=model, catalog="custom"), assets)
        names = [e["model_name"] for e in config_of(files)["model_list"]]
        assert "gpt-4.1" not in names


def test_default_catalog_covers_both_agents(default_catalog):
    for agent, (providers, model) in AGENTS.items():
        assert model in [m.name for m in default_catalog.models if m.provider in providers], agent


def test_no_alias_model_names(lab_variant, default_catalog):
    aliases = {"opus", "sonnet", "haiku", "claude-opus", "claude-sonnet", "gpt", "codex"}
    names = [e["model_name"] for e in config_of(lab_variant.files)["model_list"]]
    assert not aliases & set(names)
    assert not aliases & set(default_catalog.names())
    for rel, text in lab_variant.files.items():
        if rel.endswith(".py"):
            continue
        assert not re.search(r"(?m)(?<![\w-])(opus|sonnet)(?![\w-])", text), rel


def test_langfuse_callback_only_with_keys(lab_variant):
    v, files = lab_variant.variant, lab_variant.files
    callbacks = config_of(files)["litellm_settings"].get("callbacks", [])
    assert ("langfuse_otel" in callbacks) == v.langfuse
    env = compose_of(files)["services"]["litellm"]["environment"]
    assert all((name in env) == v.langfuse for name in LANGFUSE_VARS)
    if v.langfuse:
        # By reference to the env file, never by value.
        assert env["LANGFUSE_SECRET_KEY"].startswith("${LANGFUSE_SECRET_KEY")
    assert ("langfuse" in files[gw("litellm_config.yaml")].lower()) == v.langfuse


def test_session_mapper_only_for_codex_labs(lab_variant):
    v, files = lab_variant.variant, lab_variant.files
    codex = v.agent == "codex"
    config = config_of(files)
    callbacks = config["litellm_settings"].get("callbacks", [])
    assert ("codex_session_mapper.proxy_handler_instance" in callbacks) == codex
    if codex and v.langfuse:
        # The mapper (and the tagger) must run before the exporter builds its trace.
        assert callbacks == ["codex_session_mapper.proxy_handler_instance", "lab_tags.proxy_handler_instance", "langfuse_otel"]
    volumes = compose_of(files)["services"]["litellm"]["volumes"]
    assert any("codex_session_mapper.py" in vol for vol in volumes) == codex
    assert (gw("codex_session_mapper.py") in files) == codex


def test_lab_tags_only_when_exporting(lab_variant, assets):
    """Labs that export traces tag them with the lab (TAXIWAY_LAB) and the agent header."""
    v, files = lab_variant.variant, lab_variant.files
    callbacks = config_of(files)["litellm_settings"].get("callbacks", [])
    service = compose_of(files)["services"]["litellm"]
    assert ("lab_tags.proxy_handler_instance" in callbacks) == v.langfuse
    assert ("./lab_tags.py:/app/lab_tags.py:ro" in service["volumes"]) == v.langfuse
    assert service["environment"].get("TAXIWAY_LAB") == ("demo" if v.langfuse else None)
    if v.langfuse:
        assert callbacks[-2:] == ["lab_tags.proxy_handler_instance", "langfuse_otel"]
        text = files[gw("lab_tags.py")]
        assert text.endswith(assets.lab_tags)
        compile(text, "lab_tags.py", "exec")


def test_token_mount_only_with_credentials(lab_variant):
    v = lab_variant.variant
    service = compose_of(lab_variant.files)["services"]["litellm"]
    mounts = [vol for vol in service["volumes"] if vol.endswith(":/app/chatgpt_token")]
    assert len(mounts) == (1 if v.creds else 0)
    assert ("CHATGPT_TOKEN_DIR" in service["environment"]) == v.creds
    if v.creds:
        # Relative to the gateway dir: lab-state/<lab>/gateway -> TAXIWAY_HOME/auth/...
        assert mounts == ["../../../auth/providers/codex/chatgpt_token:/app/chatgpt_token"]


def test_database_only_with_postgres(lab_variant):
    v, files = lab_variant.variant, lab_variant.files
    compose = compose_of(files)
    assert ("postgres" in compose["services"]) == v.database
    assert ("volumes" in compose) == v.database
    litellm = compose["services"]["litellm"]
    assert ("DATABASE_URL" in litellm["environment"]) == v.database
    assert ("depends_on" in litellm) == v.database
    assert ("database_url" in config_of(files)["general_settings"]) == v.database
    if v.database:
        assert litellm["depends_on"] == {"postgres": {"condition": "service_healthy"}}
        assert "healthcheck" in compose["services"]["postgres"]


def test_lab_compose_shape(lab_variant):
    compose = compose_of(lab_variant.files)
    assert compose["name"] == f"{lab_variant.variant.prefix}-demo-gateway"
    assert compose["networks"]["default"]["name"] == f"{lab_variant.variant.prefix}-demo-gateway_default"
    for name, service in compose["services"].items():
        assert "ports" not in service, f"{name} publishes a host port"
        assert service["restart"] == "unless-stopped"
        assert "healthcheck" in service
        assert service["labels"][naming.LAB_LABEL] == "demo"
    env = compose["services"]["litellm"]["environment"]
    assert env["LITELLM_MASTER_KEY"].startswith("${TAXIWAY_LITELLM_API_KEY:?")
    assert ("CHATGPT_API_BASE" in env) == bool(lab_variant.variant.chatgpt_api_base)


def test_unique_network_aliases(make_inputs, assets):
    aliases: list[str] = []
    for lab in ("alpha", "beta", "my-lab", "mylab"):
        compose = compose_of(plan.plan_lab(make_inputs(agent="codex", lab=lab), assets), lab)
        for service in compose["services"].values():
            aliases += service["networks"]["default"]["aliases"]
    proxy = yaml.safe_load(plan.plan_proxy(["alpha"], port=4000, bind="127.0.0.1", image="x", assets=assets)["proxy/proxy.compose.yml"])
    aliases += proxy["services"]["caddy"]["networks"]["default"]["aliases"]
    # Another installation (TAXIWAY_PROJECT_PREFIX) on the same engine gets other aliases.
    compose = compose_of(plan.plan_lab(make_inputs(agent="codex", lab="alpha", prefix="taxiway-test"), assets), "alpha")
    for service in compose["services"].values():
        aliases += service["networks"]["default"]["aliases"]
    assert len(aliases) == len(set(aliases)) == 5 * 2 + 1


def test_client_configs(lab_variant):
    v, files, inputs = lab_variant.variant, lab_variant.files, lab_variant.inputs
    url = f"http://demo.litellm.localhost:{v.port}"
    lab_env = parse_env(files["lab-state/demo/clients/lab.env"], "lab.env")
    assert lab_env == {"TAXIWAY_LITELLM_API_KEY": v.key, "TAXIWAY_LITELLM_BASE_URL": url, "TAXIWAY_LITELLM_AGENT_ID": v.agent}
    if v.agent == "codex":
        toml = tomllib.loads(files["lab-state/demo/clients/codex/config.toml"])
        assert toml["model"] == inputs.lab.model
        provider = toml["model_providers"][toml["model_provider"]]
        assert provider["base_url"] == f"{url}/v1"
        # The key is read from the environment by Codex, never written to config.toml.
        assert provider["env_http_headers"]["x-litellm-api-key"] == "TAXIWAY_LITELLM_API_KEY"
    else:
        env = parse_env(files["lab-state/demo/clients/claude-code/env"], "env")
        assert env["ANTHROPIC_MODEL"] == inputs.lab.model
        assert env["ANTHROPIC_BASE_URL"] == url
        assert env["ANTHROPIC_CUSTOM_HEADERS"] == f"x-litellm-api-key: Bearer {v.key}"
        assert "ANTHROPIC_API_KEY" not in env and "ANTHROPIC_AUTH_TOKEN" not in env


# --------------------------------------------------------------------------------------------
# The proxy.


def test_proxy_has_one_site_per_lab(proxy_variant):
    v, caddyfile = proxy_variant.variant, proxy_variant.files["proxy/Caddyfile"]
    labs = sorted(set(v.labs))
    sites = re.findall(r"(?m)^http://([a-z0-9-]+)\.litellm\.localhost:(\d+) \{$", caddyfile)
    assert [s[0] for s in sites] == labs
    assert {s[1] for s in sites} <= {str(naming.CONTAINER_PORT)}
    for lab in labs:
        assert f"reverse_proxy {naming.Names(v.prefix).litellm_alias(lab)}:{naming.CONTAINER_PORT} " in caddyfile
    assert caddyfile.count(f"http://:{naming.CONTAINER_PORT} {{") == 1  # the catch-all page
    compose = yaml.safe_load(proxy_variant.files["proxy/proxy.compose.yml"])
    assert compose["services"]["caddy"]["ports"] == [f"{v.bind}:{v.port}:{naming.CONTAINER_PORT}"]


# --------------------------------------------------------------------------------------------
# The config-hash label and determinism.


BASE = {"agent": "codex"}


@pytest.mark.parametrize(
    "change",
    [
        {"langfuse": True},
        {"creds": True},
        {"database": False},
        {"catalog": "custom"},
        {"agent": "claude-code"},
    ],
    ids=lambda c: ",".join(c),
)
def test_config_hash_changes_with_the_config(change, make_inputs, assets):
    before = plan.plan_lab(make_inputs(**BASE), assets)
    after = plan.plan_lab(make_inputs(**{**BASE, **change}), assets)
    assert hash_label(after) != hash_label(before)


def test_config_hash_changes_with_the_session_mapper(make_inputs, assets):
    inputs = make_inputs(**BASE)
    changed = dataclasses.replace(assets, session_mapper=assets.session_mapper + "# changed\n")
    assert hash_label(plan.plan_lab(inputs, changed)) != hash_label(plan.plan_lab(inputs, assets))


@pytest.mark.parametrize(
    "change",
    [
        {"key": OTHER_FAKE_KEY},
        {"port": 14000},
        {"images": Images(litellm="example.invalid/litellm:fake", postgres="example.invalid/postgres:fake")},
        {"chatgpt_api_base": "http://host.docker.internal:18080"},
        {"model": "gpt-5.4"},
    ],
    ids=lambda c: ",".join(c),
)
def test_config_hash_stable_when_the_config_is_unchanged(change, make_inputs, assets):
    """Values that are not in the mounted files leave the label alone (Compose sees them itself)."""
    before = plan.plan_lab(make_inputs(**BASE), assets)
    after = plan.plan_lab(make_inputs(**{**BASE, **change}), assets)
    assert after[gw("litellm_config.yaml")] == before[gw("litellm_config.yaml")]
    assert hash_label(after) == hash_label(before)


def test_render_is_deterministic(lab_variant, make_inputs, assets):
    again = plan.plan_lab(make_inputs(lab_variant.variant), assets)
    assert list(again) == list(lab_variant.files)
    assert {k: v.encode() for k, v in again.items()} == {k: v.encode() for k, v in lab_variant.files.items()}


def test_langfuse_key_order_does_not_matter(make_inputs, assets, fake_langfuse):
    inputs = make_inputs(**BASE, langfuse=True)
    reversed_keys = dataclasses.replace(inputs, langfuse=dict(reversed(list(fake_langfuse.items()))))
    assert plan.plan_lab(reversed_keys, assets) == plan.plan_lab(inputs, assets)


def test_proxy_lab_order_does_not_matter(assets):
    a = plan.plan_proxy(["gamma", "alpha", "beta"], port=4000, bind="127.0.0.1", image="x", assets=assets)
    b = plan.plan_proxy(("beta", "alpha", "gamma", "alpha"), port=4000, bind="127.0.0.1", image="x", assets=assets)
    assert a == b


_RENDER_SCRIPT = """
import hashlib, json
from taxiway_build import plan, state
from taxiway_build.catalog import DEFAULT_CATALOG, load_catalog
from taxiway_build.lab import Lab
from taxiway_build.settings import Images
assets = state.load_assets()
out = {}
for agent, model in (("codex", "gpt-5.5"), ("claude-code", "claude-opus-4-8")):
    lab = Lab(name="demo", agent=agent, model=model)
    inputs = plan.LabInputs(lab=lab, models=plan.lab_models(lab, load_catalog(DEFAULT_CATALOG).models),
        key=%r, proxy_port=4000, images=Images(), database=True, langfuse=%r,
        has_codex_credentials=True, chatgpt_api_base=None)
    out.update(plan.plan_lab(inputs, assets))
out.update(plan.plan_proxy({"c", "a", "b", "demo"}, port=4000, bind="127.0.0.1", image="x", assets=assets))
print(hashlib.sha256(json.dumps(out, sort_keys=True).encode()).hexdigest(), len(out))
"""


def test_render_is_identical_across_processes(fake_key, fake_langfuse):
    """Set and dict ordering must not leak into the bytes (different hash seeds, same output)."""
    script = _RENDER_SCRIPT % (fake_key, fake_langfuse)
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        outputs.add(result.stdout)
    assert len(outputs) == 1, outputs



# --------------------------------------------------------------------------------------------
# The observability stack (Langfuse) and its routes.


def test_observability_files(observability_variant, file_snapshot):
    for rel, text in sorted(observability_variant.files.items()):
        assert file_snapshot(rel, text), rel


def test_observability_file_set(observability_variant):
    assert set(observability_variant.files) == {"observability/langfuse.compose.yml", "observability/.env"}


def _langfuse_compose(rendered) -> dict:
    return yaml.safe_load(rendered.files["observability/langfuse.compose.yml"])


def test_observability_compose_shape(observability_variant):
    v = observability_variant.variant
    names = naming.Names(v.prefix)
    compose = _langfuse_compose(observability_variant)
    assert compose["name"] == f"{v.prefix}-observability"
    assert compose["networks"] == {"default": {"name": f"{v.prefix}-observability_default"}}
    assert list(compose["services"]) == list(langfuse.SERVICES)
    assert not [k for k in compose if k.startswith("x-")]
    images = langfuse.images_by_service(v.images)
    for name, service in compose["services"].items():
        assert "ports" not in service, f"{name} publishes a host port"
        assert service["image"] == images[name]
        assert service["networks"]["default"]["aliases"] == [names.observability_alias(name)]
        assert service["restart"] == "unless-stopped"
        assert "healthcheck" in service, name
    web = compose["services"][langfuse.WEB]
    assert web["environment"]["NEXTAUTH_URL"] == f"http://langfuse.localhost:{v.port}"
    for name in (langfuse.WEB, langfuse.WORKER):
        assert set(compose["services"][name]["depends_on"]) == {"postgres", "clickhouse", "minio", "redis"}
    assert set(compose["volumes"]) == {"postgres_data", "clickhouse_data", "clickhouse_logs", "minio_data", "redis_data"}


def test_observability_secrets_only_by_reference(observability_variant):
    """Every secret is in the .env only; the compose file reads each with ${NAME:?}."""
    text = observability_variant.files["observability/langfuse.compose.yml"]
    for name, value in FAKE_OBSERVABILITY.items():
        assert value not in text, name
    refs = set(re.findall(r"\$\{([A-Z0-9_]+)([^}]*)\}", text))
    assert {modifier for _, modifier in refs} == {":?"}
    env = parse_env(observability_variant.files["observability/.env"], ".env")
    assert {name for name, _ in refs} == set(env) == set(langfuse.GENERATED) | set(langfuse.DEFAULTS)


def test_observability_env_values(observability_variant):
    env = parse_env(observability_variant.files["observability/.env"], ".env")
    assert env == {**langfuse.DEFAULTS, **FAKE_OBSERVABILITY}
    assert env["LANGFUSE_INIT_USER_EMAIL"] == "admin@taxiway.local"
    assert env["LANGFUSE_INIT_PROJECT_NAME"] == "taxiway"
    assert re.fullmatch(r"[0-9a-f]{64}", env["LANGFUSE_ENCRYPTION_KEY"])
    assert env["LANGFUSE_INIT_PROJECT_PUBLIC_KEY"].startswith("pk-lf-")
    assert env["LANGFUSE_INIT_PROJECT_SECRET_KEY"].startswith("sk-lf-")
    assert observability_variant.files["observability/.env"].startswith(langfuse.ENV_HEADER)


def test_langfuse_builder_refuses_a_bad_static_file(static_langfuse_compose):
    broken = {**static_langfuse_compose, "services": dict(static_langfuse_compose["services"])}
    broken["services"].pop("redis")
    with pytest.raises(ValueError, match="must define exactly"):
        langfuse.langfuse_compose(broken, images=Images(), names=naming.Names(), port=4000)
    published = {**static_langfuse_compose, "services": dict(static_langfuse_compose["services"])}
    published["services"]["langfuse-web"] = {**published["services"]["langfuse-web"], "ports": ["3000:3000"]}
    with pytest.raises(ValueError, match="publishes ports"):
        langfuse.langfuse_compose(published, images=Images(), names=naming.Names(), port=4000)
    with pytest.raises(ValueError, match="generated values missing"):
        langfuse.env_values({})


def test_observability_aliases_are_unique_across_installations(static_langfuse_compose):
    aliases = []
    for prefix in ("taxiway", "taxiway-test"):
        compose = langfuse.langfuse_compose(static_langfuse_compose, images=Images(), names=naming.Names(prefix), port=4000)
        aliases += [a for s in compose["services"].values() for a in s["networks"]["default"]["aliases"]]
    assert len(aliases) == len(set(aliases)) == 2 * len(langfuse.SERVICES)


def test_proxy_langfuse_routes(proxy_variant):
    v, caddyfile = proxy_variant.variant, proxy_variant.files["proxy/Caddyfile"]
    names = naming.Names(v.prefix)
    upstream = f"reverse_proxy {names.observability_alias('langfuse-web')}:3000"
    public = f"http://langfuse.localhost:{naming.CONTAINER_PORT} {{"
    internal = f"http://{names.proxy_container}:{naming.CONTAINER_PORT} {{"
    if not v.langfuse:
        assert "langfuse" not in caddyfile
        return
    assert caddyfile.count(public) == caddyfile.count(internal) == 1
    assert caddyfile.count(upstream) == 2
    assert "\thandle_path /_taxiway/langfuse/* {\n" in caddyfile
    # Lab sites first, then Langfuse, then the catch-all page.
    assert caddyfile.index(internal) < caddyfile.index(f"http://:{naming.CONTAINER_PORT} {{")
    for lab in v.labs:
        assert caddyfile.index(f"http://{lab}.litellm.localhost") < caddyfile.index(public)


def test_otel_host_reaches_the_proxys_internal_site():
    """What a lab exports to is exactly the proxy's internal Langfuse site plus the prefix."""
    names = naming.Names("taxiway-test")
    export = langfuse.lab_export({**langfuse.DEFAULTS, **FAKE_OBSERVABILITY}, proxy_host=names.proxy_container)
    assert export == {
        "LANGFUSE_PUBLIC_KEY": FAKE_OBSERVABILITY["LANGFUSE_INIT_PROJECT_PUBLIC_KEY"],
        "LANGFUSE_SECRET_KEY": FAKE_OBSERVABILITY["LANGFUSE_INIT_PROJECT_SECRET_KEY"],
        "LANGFUSE_OTEL_HOST": "http://taxiway-test-proxy-caddy-1:4000/_taxiway/langfuse",
    }
    assert set(export) == set(LANGFUSE_VARS)

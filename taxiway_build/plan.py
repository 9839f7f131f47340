"""Plans: the exact files (``{path relative to TAXIWAY_HOME: text}``) for one lab and the proxy.

This is where builders' dicts become bytes. ``invoke gateway`` writes a plan, ``invoke
gateway.render`` prints or writes it elsewhere, and the snapshot tests compare plans.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from taxiway_build import naming
from taxiway_build.builders import caddy, clients, compose, env, langfuse, litellm_config
from taxiway_build.catalog import Model
from taxiway_build.errors import TaxiwayError
from taxiway_build.lab import Lab
from taxiway_build.serialize import env_lines, header, to_env, to_toml, to_yaml
from taxiway_build.settings import Images

#: Shown in place of the lab key before the first ``invoke gateway`` generates it.
KEY_PLACEHOLDER = "<generated-by-invoke-gateway>"

CONFIG_FILE = "litellm_config.yaml"
COMPOSE_FILE = "litellm.compose.yml"
ENV_FILE = "env"
PROXY_COMPOSE_FILE = "proxy.compose.yml"
CADDYFILE = "Caddyfile"
OBSERVABILITY_DIR = PurePosixPath("observability")
OBSERVABILITY_COMPOSE = OBSERVABILITY_DIR / "langfuse.compose.yml"
OBSERVABILITY_ENV = OBSERVABILITY_DIR / ".env"


@dataclass(frozen=True)
class Assets:
    """Static inputs read from ``config/`` by the caller (builders do no IO)."""

    session_mapper: str
    caddy_global: str
    caddy_index: str
    lab_tags: str


@dataclass(frozen=True)
class LabInputs:
    lab: Lab
    models: tuple[Model, ...]
    key: str
    proxy_port: int
    images: Images
    database: bool
    #: ``LANGFUSE_PUBLIC_KEY``/``SECRET_KEY``/``OTEL_HOST`` when the lab exports traces.
    langfuse: Mapping[str, str] | None
    has_codex_credentials: bool
    chatgpt_api_base: str | None
    names: naming.Names = naming.Names()


def gateway_dir(lab: str) -> PurePosixPath:
    return PurePosixPath("lab-state") / lab / "gateway"


def clients_dir(lab: str) -> PurePosixPath:
    return PurePosixPath("lab-state") / lab / "clients"


def lab_models(lab: Lab, catalog_models: Iterable[Model]) -> tuple[Model, ...]:
    """Every catalog model of the lab's providers; the lab's default model must be among them."""
    models = tuple(m for m in catalog_models if m.provider in lab.providers)
    if lab.model not in {m.name for m in models}:
        offered = ", ".join(m.name for m in models) or "none"
        raise TaxiwayError(
            f"model {lab.model!r} of lab {lab.name!r} is not in the catalog for {lab.agent} "
            f"(providers {', '.join(lab.providers)}; models: {offered})",
            f"pick one with: invoke lab.create --lab={lab.name} --agent={lab.agent} --model=<name> --update",
        )
    return models


def catalog_env_refs(models: Iterable[Model]) -> list[str]:
    """Variables the catalog reads with LiteLLM's ``os.environ/NAME`` (e.g. provider API keys)."""
    refs = {
        value.removeprefix("os.environ/")
        for m in models
        for value in (m.api_key, m.api_base)
        if value and value.startswith("os.environ/")
    }
    return sorted(refs)


def config_hash(files: Mapping[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].encode() + b"\0")
    return digest.hexdigest()[:16]


def plan_lab(inputs: LabInputs, assets: Assets) -> dict[str, str]:
    lab = inputs.lab
    gw = gateway_dir(lab.name)
    url = env.base_url(lab.host, inputs.proxy_port)
    session_mapper = lab.agent == "codex"
    # A lab that exports traces tags them with its name (all labs share one Langfuse project).
    lab_tags = bool(inputs.langfuse)
    source = f"invoke gateway --lab={lab.name}"
    config_text = to_yaml(
        litellm_config.litellm_config(
            inputs.models, session_mapper=session_mapper, langfuse=bool(inputs.langfuse), database=inputs.database,
            lab_tags=lab_tags,
        ),
        source=source,
    )
    mounted = {CONFIG_FILE: config_text}
    # The callback modules are copied from config/ into the gateway dir: generated, so headed.
    mapper_text = header(source=source) + assets.session_mapper if session_mapper else ""
    if session_mapper:
        mounted[f"{litellm_config.SESSION_MAPPER_MODULE}.py"] = mapper_text
    tags_text = header(source=source) + assets.lab_tags if lab_tags else ""
    if lab_tags:
        mounted[f"{litellm_config.LAB_TAGS_MODULE}.py"] = tags_text
    token_dir = "../../../auth/providers/codex/chatgpt_token" if inputs.has_codex_credentials else None
    if token_dir:
        # A new mount must recreate the container even though the config text is unchanged.
        mounted["codex-token-mount"] = token_dir
    compose_text = to_yaml(
        compose.lab_compose(
            lab.name,
            images=inputs.images,
            config_hash=config_hash(mounted),
            database=inputs.database,
            langfuse=bool(inputs.langfuse),
            session_mapper=session_mapper,
            codex_token_dir=token_dir,
            chatgpt_api_base=inputs.chatgpt_api_base,
            names=inputs.names,
            passthrough_env=catalog_env_refs(inputs.models),
            lab_tags=lab_tags,
        ),
        source=source,
    )
    files = {
        str(gw / CONFIG_FILE): config_text,
        str(gw / COMPOSE_FILE): compose_text,
        str(gw / ENV_FILE): to_env(env.gateway_env(key=inputs.key, url=url, langfuse=inputs.langfuse), source=source),
    }
    if session_mapper:
        files[str(gw / f"{litellm_config.SESSION_MAPPER_MODULE}.py")] = mapper_text
    if lab_tags:
        files[str(gw / f"{litellm_config.LAB_TAGS_MODULE}.py")] = tags_text
    files.update(plan_clients(inputs))
    return files


def plan_clients(inputs: LabInputs) -> dict[str, str]:
    lab = inputs.lab
    url = env.base_url(lab.host, inputs.proxy_port)
    cdir = clients_dir(lab.name)
    source = f"invoke clients --lab={lab.name}"
    files = {
        str(cdir / "lab.env"): to_env(env.lab_env_block(key=inputs.key, url=url, agent=lab.agent), source=source),
    }
    if lab.agent == "codex":
        files[str(cdir / "codex" / "config.toml")] = to_toml(
            clients.codex_config(url=url, model=lab.model), source=source, owned=clients.CODEX_OWNED
        )
    else:
        files[str(cdir / "claude-code" / "env")] = to_env(
            clients.claude_code_env(url=url, key=inputs.key, model=lab.model, models=[m.name for m in inputs.models]), source=source
        )
    return files


def plan_proxy(
    labs: Iterable[str],
    *,
    port: int,
    bind: str,
    image: str,
    assets: Assets,
    names: naming.Names = naming.Names(),
    langfuse_routes: bool = False,
) -> dict[str, str]:
    """The shared proxy's files, with a route for every lab in ``labs`` (and for Langfuse)."""
    sites = None
    if langfuse_routes:
        sites = caddy.LangfuseSites(
            public_host=langfuse.PUBLIC_HOST,
            internal_host=names.proxy_container,
            path_prefix=langfuse.INGEST_PREFIX,
            upstream=f"{names.observability_alias(langfuse.WEB)}:{langfuse.WEB_PORT}",
        )
    routes = [
        caddy.Route(lab=name, host=f"{name}.litellm.localhost", upstream=f"{names.litellm_alias(name)}:{naming.CONTAINER_PORT}")
        for name in sorted(set(labs))
    ]
    source = "invoke gateway (shared proxy)"
    return {
        f"proxy/{CADDYFILE}": caddy.caddyfile(
            routes,
            listen_port=naming.CONTAINER_PORT,
            global_options=assets.caddy_global,
            index_html=assets.caddy_index,
            header=header(source=source),
            langfuse=sites,
        ),
        f"proxy/{PROXY_COMPOSE_FILE}": to_yaml(compose.proxy_compose(image=image, bind=bind, port=port, names=names), source=source),
    }


def plan_observability(static_compose: Mapping, env_values: Mapping[str, str] | None, *, port: int, images: Images,
                       names: naming.Names = naming.Names()) -> dict[str, str]:
    """The Langfuse stack's files: its Compose file and (as first written) its ``.env``.

    ``static_compose`` is the parsed ``compose/langfuse.compose.yml``; ``env_values`` every
    ``.env`` value (:func:`langfuse.env_values`), or None to plan the Compose file only. The
    ``.env`` is append-only on disk: once it exists, only missing keys are added
    (``taxiway_build.observability``).
    """
    files = {
        str(OBSERVABILITY_COMPOSE): to_yaml(
            langfuse.langfuse_compose(static_compose, images=images, names=names, port=port), source="invoke observe.up"
        ),
    }
    if env_values is not None:
        files[str(OBSERVABILITY_ENV)] = langfuse.ENV_HEADER + env_lines(env_values)
    return files

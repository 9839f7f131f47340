"""Compose projects: one per lab (LiteLLM + Postgres) and the shared proxy (Caddy)."""

from __future__ import annotations

from collections.abc import Sequence

from taxiway_build import naming
from taxiway_build.builders.litellm_config import (
    LAB_TAGS_MODULE,
    SESSION_MAPPER_MODULE,
    LangfuseExport,
    litellm_environment,
)
from taxiway_build.settings import Images

DB_USER = DB_PASSWORD = DB_NAME = "litellm"
#: The gateway env file supplies these to Compose interpolation; they never sit in compose files.
KEY_REF = "${TAXIWAY_LITELLM_API_KEY:?the lab key is missing; run invoke gateway}"
LANGFUSE_REFS = LangfuseExport(
    public_key="${LANGFUSE_PUBLIC_KEY:?}", secret_key="${LANGFUSE_SECRET_KEY:?}", host="${LANGFUSE_OTEL_HOST:?}"
)
LITELLM_HEALTHCHECK = [
    "CMD",
    "python3",
    "-c",
    "import urllib.request; urllib.request.urlopen('http://127.0.0.1:4000/health/liveliness', timeout=4)",
]
TOKEN_MOUNT = "/app/chatgpt_token"


def database_url(names: naming.Names, lab: str) -> str:
    return f"postgresql://{DB_USER}:{DB_PASSWORD}@{names.postgres_alias(lab)}:5432/{DB_NAME}"


def lab_compose(
    lab: str,
    *,
    images: Images,
    config_hash: str,
    database: bool,
    langfuse: bool,
    session_mapper: bool,
    codex_token_dir: str | None,
    chatgpt_api_base: str | None,
    names: naming.Names = naming.Names(),
    passthrough_env: Sequence[str] = (),
    lab_tags: bool = False,
) -> dict:
    """The lab's Compose project.

    No host ports: LiteLLM is reachable only through the proxy, by a network alias unique to
    this lab. ``config_hash`` goes into a label so that a changed config, callback or mount
    recreates the container (Compose alone would keep running the stale config).
    ``codex_token_dir`` is the host directory of converted Codex credentials, relative to the
    gateway directory, or ``None`` when there are none. ``passthrough_env`` names variables
    the catalog reads (``os.environ/NAME``): Compose takes them from the environment of
    ``invoke gateway``, so provider keys never sit in a file we write. ``lab_tags`` mounts
    the callback that tags requests with the lab (named in ``TAXIWAY_LAB``).
    """
    volumes = ["./litellm_config.yaml:/app/config.yaml:ro"]
    if session_mapper:
        volumes.append(f"./{SESSION_MAPPER_MODULE}.py:/app/{SESSION_MAPPER_MODULE}.py:ro")
    if lab_tags:
        volumes.append(f"./{LAB_TAGS_MODULE}.py:/app/{LAB_TAGS_MODULE}.py:ro")
    if codex_token_dir:
        # Read-write: LiteLLM writes refreshed tokens back.
        volumes.append(f"{codex_token_dir}:{TOKEN_MOUNT}")
    litellm: dict = {
        "image": images.litellm,
        "restart": "unless-stopped",
        "command": ["--config", "/app/config.yaml", "--port", str(naming.CONTAINER_PORT)],
        "environment": litellm_environment(
            master_key=KEY_REF,
            database_url=database_url(names, lab) if database else None,
            langfuse=LANGFUSE_REFS if langfuse else None,
            chatgpt_token_dir=TOKEN_MOUNT if codex_token_dir else None,
            chatgpt_api_base=chatgpt_api_base,
            lab=lab if lab_tags else None,
        )
        | {name: f"${{{name}:-}}" for name in passthrough_env},
        "volumes": volumes,
        "extra_hosts": ["host.docker.internal:host-gateway"],
        "labels": {naming.LAB_LABEL: lab, naming.CONFIG_HASH_LABEL: config_hash},
        "healthcheck": {
            "test": LITELLM_HEALTHCHECK,
            "interval": "10s",
            "timeout": "5s",
            "retries": 6,
            "start_period": "90s",
        },
        "networks": {"default": {"aliases": [names.litellm_alias(lab)]}},
    }
    services: dict = {}
    if database:
        services["postgres"] = {
            "image": images.postgres,
            "restart": "unless-stopped",
            "environment": {"POSTGRES_USER": DB_USER, "POSTGRES_PASSWORD": DB_PASSWORD, "POSTGRES_DB": DB_NAME},
            "volumes": ["postgres_data:/var/lib/postgresql/data"],
            "labels": {naming.LAB_LABEL: lab},
            "healthcheck": {
                "test": ["CMD-SHELL", f"pg_isready -U {DB_USER} -d {DB_NAME}"],
                "interval": "5s",
                "timeout": "3s",
                "retries": 10,
            },
            "networks": {"default": {"aliases": [names.postgres_alias(lab)]}},
        }
        litellm["depends_on"] = {"postgres": {"condition": "service_healthy"}}
    services["litellm"] = litellm
    project: dict = {
        "name": names.lab_project(lab),
        "services": services,
        "networks": {"default": {"name": names.lab_network(lab)}},
    }
    if database:
        project["volumes"] = {"postgres_data": {}}
    return project


def proxy_compose(*, image: str, bind: str, port: int, names: naming.Names = naming.Names()) -> dict:
    """The shared proxy's Compose project.

    It mounts the proxy directory (not the single Caddyfile) so the writer can replace the
    Caddyfile atomically and the container still sees the new file. Lab networks are joined
    with ``docker network connect`` at run time, so adding a lab never recreates the proxy.
    """
    return {
        "name": names.proxy_project,
        "services": {
            naming.PROXY_SERVICE: {
                "image": image,
                "restart": "unless-stopped",
                "command": ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"],
                "ports": [f"{bind}:{port}:{naming.CONTAINER_PORT}"],
                "volumes": ["./:/etc/caddy:ro"],
                "labels": {"sh.taxiway.role": "proxy"},
                "networks": {"default": {"aliases": [names.proxy_alias]}},
            }
        },
        "networks": {"default": {"name": f"{names.proxy_project}_default"}},
    }


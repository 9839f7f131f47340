"""The optional Langfuse stack: its Compose project, its ``.env``, and how labs export to it.

The Compose file is static (``compose/langfuse.compose.yml``); the caller loads and parses it
and :func:`langfuse_compose` fills in what differs per installation. Secrets never appear
in it: the static file reads them with ``${NAME:?}`` from ``observability/.env`` (Compose
``--env-file``). :data:`GENERATED` says how each secret is made; the randomness itself lives
in ``taxiway_build.observability``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from taxiway_build import naming
from taxiway_build.settings import Images

WEB = "langfuse-web"
WORKER = "langfuse-worker"
SERVICES = (WEB, WORKER, "clickhouse", "minio", "redis", "postgres")
WEB_PORT = 3000
#: The UI's host name on the shared proxy (``http://langfuse.localhost:<proxy port>``).
PUBLIC_HOST = "langfuse.localhost"
#: Path prefix on the proxy that lab gateways export traces through (stripped by the proxy).
INGEST_PREFIX = "/_taxiway/langfuse"
HEALTH_PATH = "/api/public/health"
ROLE_LABEL = "sh.taxiway.role"

PUBLIC_KEY = "LANGFUSE_INIT_PROJECT_PUBLIC_KEY"
SECRET_KEY = "LANGFUSE_INIT_PROJECT_SECRET_KEY"
EMAIL = "LANGFUSE_INIT_USER_EMAIL"
PASSWORD = "LANGFUSE_INIT_USER_PASSWORD"


@dataclass(frozen=True)
class Generated:
    """How a generated ``.env`` value is made: ``hex`` (``size`` random bytes), ``uuid``, or
    a Langfuse API key (``pk-lf-<uuid4>`` / ``sk-lf-<uuid4>``)."""

    kind: str
    size: int = 0


#: Values generated once, on the first ``invoke observe.up``, and never rewritten.
GENERATED: dict[str, Generated] = {
    "LANGFUSE_NEXTAUTH_SECRET": Generated("hex", 32),
    "LANGFUSE_SALT": Generated("hex", 16),
    # 64 hex characters, as Langfuse requires.
    "LANGFUSE_ENCRYPTION_KEY": Generated("hex", 32),
    "LANGFUSE_POSTGRES_PASSWORD": Generated("hex", 24),
    "LANGFUSE_CLICKHOUSE_PASSWORD": Generated("hex", 24),
    "LANGFUSE_REDIS_AUTH": Generated("hex", 24),
    "LANGFUSE_MINIO_ROOT_PASSWORD": Generated("hex", 24),
    "LANGFUSE_INIT_ORG_ID": Generated("uuid"),
    PASSWORD: Generated("hex", 16),
    # The headless-init project every lab exports into, and its API keys.
    "LANGFUSE_INIT_PROJECT_ID": Generated("uuid"),
    PUBLIC_KEY: Generated("pk-lf"),
    SECRET_KEY: Generated("sk-lf"),
}

#: Plain values, written once like the generated ones (so a user's edit before the first
#: start, e.g. of the email, is kept).
DEFAULTS: dict[str, str] = {
    "LANGFUSE_INIT_ORG_NAME": "taxiway",
    "LANGFUSE_INIT_PROJECT_NAME": "taxiway",
    "LANGFUSE_INIT_USER_NAME": "taxiway-admin",
    EMAIL: "admin@taxiway.local",
}

ENV_HEADER = (
    "# Langfuse secrets for the taxiway observability stack, written by invoke observe.up.\n"
    "# Values are generated once and never rewritten; a missing one is added on the next observe.up.\n"
    "# Compose reads them with --env-file; data in the stack's volumes depends on them.\n"
)


def env_values(generated: Mapping[str, str]) -> dict[str, str]:
    """Every ``.env`` value: :data:`DEFAULTS` plus the ``generated`` ones (all of :data:`GENERATED`)."""
    missing = sorted(set(GENERATED) - set(generated))
    if missing:
        raise ValueError(f"generated values missing: {', '.join(missing)}")
    return {**DEFAULTS, **{name: generated[name] for name in GENERATED}}


def public_url(port: int) -> str:
    return f"http://{PUBLIC_HOST}:{port}"


def otel_host(proxy_host: str) -> str:
    """``LANGFUSE_OTEL_HOST`` for a lab gateway: the proxy, over the lab network both share."""
    return f"http://{proxy_host}:{naming.CONTAINER_PORT}{INGEST_PREFIX}"


def lab_export(env: Mapping[str, str], *, proxy_host: str) -> dict[str, str]:
    """A lab gateway's ``LANGFUSE_*`` settings: the init project's keys, through the proxy."""
    return {
        "LANGFUSE_PUBLIC_KEY": env[PUBLIC_KEY],
        "LANGFUSE_SECRET_KEY": env[SECRET_KEY],
        "LANGFUSE_OTEL_HOST": otel_host(proxy_host),
    }


def images_by_service(images: Images) -> dict[str, str]:
    return {
        WEB: images.langfuse,
        WORKER: images.langfuse_worker,
        "clickhouse": images.clickhouse,
        "minio": images.minio,
        "redis": images.redis,
        "postgres": images.postgres,
    }


def _plain(value: object) -> object:
    """A fresh copy with no shared sub-objects (YAML anchors in the static file would otherwise
    come out as ``&id001`` aliases)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def langfuse_compose(static: Mapping, *, images: Images, names: naming.Names, port: int) -> dict:
    """The stack's Compose project from the parsed static file.

    Sets the project and network names, each service's image and a network alias unique to
    this installation (the proxy reaches ``langfuse-web`` by it), and ``NEXTAUTH_URL`` (the
    proxy port). Extension fields (``x-*``) are dropped: their anchors are already expanded.
    """
    services = static.get("services") or {}
    if set(services) != set(SERVICES):
        raise ValueError(f"the Langfuse compose file must define exactly {', '.join(SERVICES)}; it has {', '.join(services)}")
    by_service = images_by_service(images)
    out: dict = {"name": names.observability_project}
    rendered: dict = {}
    for name in SERVICES:
        service = _plain(services[name])
        if "ports" in service:
            raise ValueError(f"the Langfuse compose file publishes ports of {name}; it must not")
        service = {"image": by_service[name], **{k: v for k, v in service.items() if k != "image"}}
        service["labels"] = {**service.get("labels", {}), ROLE_LABEL: "observability"}
        service["networks"] = {"default": {"aliases": [names.observability_alias(name)]}}
        rendered[name] = service
    rendered[WEB]["environment"] = {**rendered[WEB].get("environment", {}), "NEXTAUTH_URL": public_url(port)}
    out["services"] = rendered
    out["networks"] = {"default": {"name": names.observability_network}}
    out.update({k: _plain(v) for k, v in static.items() if k not in ("name", "services", "networks") and not k.startswith("x-")})
    return out

"""Settings from the environment, parsed once into a frozen value.

Everything below this module receives a :class:`Settings`; nothing else reads ``os.environ``.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from taxiway_build.errors import TaxiwayError
from taxiway_build.naming import Names

#: The checkout (or installed source tree) that holds ``config/`` and ``compose/``.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = PROJECT_ROOT / "config"
COMPOSE_DIR = PROJECT_ROOT / "compose"

DEFAULT_IMAGES = {
    "litellm": "ghcr.io/berriai/litellm:v1.108.7",
    "postgres": "postgres:17-alpine",
    "caddy": "caddy:2.11-alpine",
    # The optional Langfuse v3 stack (`invoke observe.up`); its Postgres uses ``postgres``.
    "langfuse": "langfuse/langfuse:3.178.0",
    "langfuse_worker": "langfuse/langfuse-worker:3.178.0",
    "clickhouse": "clickhouse/clickhouse-server:25.3",
    "minio": "minio/minio:RELEASE.2025-09-07T16-13-09Z",
    "redis": "redis:7.4-alpine",
}

DB_MODES = ("postgres", "none")


@dataclass(frozen=True)
class Images:
    """Pinned image references, each overridable on its own (``TAXIWAY_<NAME>_IMAGE``)."""

    litellm: str = DEFAULT_IMAGES["litellm"]
    postgres: str = DEFAULT_IMAGES["postgres"]
    caddy: str = DEFAULT_IMAGES["caddy"]
    langfuse: str = DEFAULT_IMAGES["langfuse"]
    langfuse_worker: str = DEFAULT_IMAGES["langfuse_worker"]
    clickhouse: str = DEFAULT_IMAGES["clickhouse"]
    minio: str = DEFAULT_IMAGES["minio"]
    redis: str = DEFAULT_IMAGES["redis"]


@dataclass(frozen=True)
class StatePaths:
    """The state layout under ``TAXIWAY_HOME`` (same relative paths as the reference)."""

    home: Path

    @property
    def runtime(self) -> Path:
        return self.home / "runtime"

    @property
    def lab_state(self) -> Path:
        return self.home / "lab-state"

    @property
    def auth(self) -> Path:
        return self.home / "auth"

    @property
    def proxy(self) -> Path:
        return self.home / "proxy"

    @property
    def observability(self) -> Path:
        return self.home / "observability"

    @property
    def catalog(self) -> Path:
        """The runtime model catalog: installed from the default once, then the user's."""
        return self.runtime / "infra" / "gateway" / "litellm" / "models.yaml"

    @property
    def codex_token_dir(self) -> Path:
        """Converted Codex login, in the format LiteLLM's ``chatgpt/`` provider reads."""
        return self.auth / "providers" / "codex" / "chatgpt_token"

    def lab_dir(self, lab: str) -> Path:
        return self.lab_state / lab

    def gateway_dir(self, lab: str) -> Path:
        return self.lab_dir(lab) / "gateway"


@dataclass(frozen=True)
class Settings:
    """Parsed, validated settings. Build with :func:`load_settings`."""

    home: Path
    proxy_port: int = 4000
    proxy_bind: str = "127.0.0.1"
    images: Images = Images()
    #: ``none`` runs a gateway without its Postgres (no DB-backed UI login or virtual keys).
    gateway_db: str = "postgres"
    #: Upstream for the ``chatgpt/`` provider; ``None`` keeps LiteLLM's default (ChatGPT).
    chatgpt_api_base: str | None = None
    #: Seconds ``invoke gateway`` waits for the route to answer.
    wait_timeout: float = 300.0
    #: Prefix of every Compose project, container and network name.
    prefix: str = "taxiway"

    @property
    def paths(self) -> StatePaths:
        return StatePaths(self.home)

    @property
    def names(self) -> Names:
        return Names(self.prefix)


def _port(name: str, raw: str) -> int:
    # Plain ASCII digits only: int() would also take "4_000", "+4000" or non-ASCII digits.
    if not re.fullmatch(r"[0-9]+", raw.strip()):
        raise TaxiwayError(f"{name}={raw!r} is not a port number", "use an integer from 1 to 65535")
    port = int(raw)
    if not 1 <= port <= 65535:
        raise TaxiwayError(f"{name}={port} is out of range", "use an integer from 1 to 65535")
    return port


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read ``TAXIWAY_*`` variables; anything malformed is a :class:`TaxiwayError`.

    An empty variable counts as unset (``make`` passes ``TAXIWAY_PROXY_PORT=$(PORT)`` even
    when ``PORT`` is empty), as it already did for ``TAXIWAY_HOME`` and the image overrides.
    """
    env = {k: v for k, v in (os.environ if environ is None else environ).items() if v != ""}
    home = Path(env.get("TAXIWAY_HOME") or Path(env.get("HOME") or Path.home()) / ".taxiway").expanduser()
    port = _port("TAXIWAY_PROXY_PORT", env.get("TAXIWAY_PROXY_PORT", "4000"))
    bind = env.get("TAXIWAY_PROXY_BIND", "127.0.0.1")
    try:
        ipaddress.ip_address(bind)
    except ValueError:
        raise TaxiwayError(
            f"TAXIWAY_PROXY_BIND={bind!r} is not an IP address", "use e.g. 127.0.0.1 (default) or 0.0.0.0"
        ) from None
    images = Images(
        **{name: env.get(f"TAXIWAY_{name.upper()}_IMAGE") or default for name, default in DEFAULT_IMAGES.items()}
    )
    db = env.get("TAXIWAY_GATEWAY_DB", "postgres")
    if db not in DB_MODES:
        raise TaxiwayError(f"TAXIWAY_GATEWAY_DB={db!r} is not one of {', '.join(DB_MODES)}")
    raw_timeout = env.get("TAXIWAY_WAIT_TIMEOUT", "300")
    try:
        timeout = float(raw_timeout)
    except ValueError:
        raise TaxiwayError(f"TAXIWAY_WAIT_TIMEOUT={raw_timeout!r} is not a number of seconds") from None
    if not 0 < timeout < float("inf"):
        raise TaxiwayError(f"TAXIWAY_WAIT_TIMEOUT={raw_timeout!r} is not a positive number of seconds")
    prefix = env.get("TAXIWAY_PROJECT_PREFIX", "taxiway")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,23}", prefix):
        raise TaxiwayError(
            f"TAXIWAY_PROJECT_PREFIX={prefix!r} is invalid", "use lowercase letters, digits and hyphens, at most 24 characters"
        )
    return Settings(
        home=home,
        proxy_port=port,
        proxy_bind=bind,
        images=images,
        gateway_db=db,
        chatgpt_api_base=env.get("TAXIWAY_CHATGPT_API_BASE") or None,
        wait_timeout=timeout,
        prefix=prefix,
    )

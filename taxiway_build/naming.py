"""Docker-side names derived from lab names: projects, networks, aliases, containers.

Lab names are validated (never folded), so each lab maps to exactly one project.
"""

from __future__ import annotations

import hashlib

PROXY_PROJECT = "taxiway-proxy"
PROXY_SERVICE = "caddy"
#: Port the gateway containers and the proxy listen on inside Docker.
CONTAINER_PORT = 4000
#: Label on the LiteLLM service whose value changes whenever its mounted inputs change.
CONFIG_HASH_LABEL = "sh.taxiway.config-hash"
LAB_LABEL = "sh.taxiway.lab"


def lab_project(lab: str) -> str:
    return f"taxiway-{lab}-gateway"


def lab_network(lab: str) -> str:
    return f"{lab_project(lab)}_default"


def service_alias(scope: str, service: str) -> str:
    """A DNS alias unique across every network the proxy joins (each has a ``litellm``)."""
    digest = hashlib.sha256(f"{scope}\0{service}".encode()).hexdigest()[:12]
    return f"taxiway-{digest}-{service}"


def litellm_alias(lab: str) -> str:
    return service_alias(lab_project(lab), "litellm")


def postgres_alias(lab: str) -> str:
    return service_alias(lab_project(lab), "postgres")


def container(project: str, service: str) -> str:
    """Compose v2 container naming."""
    return f"{project}-{service}-1"

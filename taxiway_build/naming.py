"""Docker-side names derived from lab names: projects, networks, aliases, containers.

Lab names are validated (never folded), so each lab maps to exactly one project. A prefix
(``TAXIWAY_PROJECT_PREFIX``, default ``taxiway``) keeps separate installations, such as a
test run beside a user's own gateways, apart on one Docker engine.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

PROXY_SERVICE = "caddy"
#: Port the gateway containers and the proxy listen on inside Docker.
CONTAINER_PORT = 4000
#: Label on the LiteLLM service whose value changes whenever its mounted inputs change.
CONFIG_HASH_LABEL = "sh.taxiway.config-hash"
LAB_LABEL = "sh.taxiway.lab"


def service_alias(scope: str, service: str) -> str:
    """A DNS alias unique across every network the proxy joins (each has a ``litellm``)."""
    digest = hashlib.sha256(f"{scope}\0{service}".encode()).hexdigest()[:12]
    return f"taxiway-{digest}-{service}"


def container(project: str, service: str) -> str:
    """Compose v2 container naming."""
    return f"{project}-{service}-1"


@dataclass(frozen=True)
class Names:
    prefix: str = "taxiway"

    @property
    def proxy_project(self) -> str:
        return f"{self.prefix}-proxy"

    @property
    def proxy_container(self) -> str:
        return container(self.proxy_project, PROXY_SERVICE)

    @property
    def proxy_alias(self) -> str:
        return service_alias(self.proxy_project, PROXY_SERVICE)

    def lab_project(self, lab: str) -> str:
        return f"{self.prefix}-{lab}-gateway"

    def lab_network(self, lab: str) -> str:
        return f"{self.lab_project(lab)}_default"

    def litellm_alias(self, lab: str) -> str:
        return service_alias(self.lab_project(lab), "litellm")

    def postgres_alias(self, lab: str) -> str:
        return service_alias(self.lab_project(lab), "postgres")

    def lab_container(self, lab: str, service: str) -> str:
        return container(self.lab_project(lab), service)

    @property
    def observability_project(self) -> str:
        """The optional Langfuse stack (``invoke observe.*``)."""
        return f"{self.prefix}-observability"

    @property
    def observability_network(self) -> str:
        return f"{self.observability_project}_default"

    def observability_alias(self, service: str) -> str:
        return service_alias(self.observability_project, service)

    def observability_container(self, service: str) -> str:
        return container(self.observability_project, service)

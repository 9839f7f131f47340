"""Read-only views of the installation for `invoke access` and `invoke status`.

``access`` reads state files only; ``status`` also asks Docker and never fails on Docker
problems: it reports them.
"""

from __future__ import annotations

from taxiway_build import naming, observability, state
from taxiway_build.builders import langfuse as langfuse_builder
from taxiway_build.builders.env import KEY_VAR, base_url
from taxiway_build.settings import Settings

UI_USER = "admin"


def access(settings: Settings) -> dict:
    paths = settings.paths
    proxy_url = f"http://{'127.0.0.1' if settings.proxy_bind == '0.0.0.0' else settings.proxy_bind}:{settings.proxy_port}"
    labs = []
    for lab in state.configured_gateways(paths):
        url = base_url(f"{lab}.litellm.localhost", settings.proxy_port)
        key = state.read_gateway_env(paths, lab).get(KEY_VAR)
        labs.append({"lab": lab, "api": f"{url}/v1", "ui": f"{url}/ui/login", "username": UI_USER, "key": key})
    return {
        "proxy": {"url": proxy_url, "configured": (paths.proxy / "proxy.compose.yml").is_file()},
        "langfuse": observability.access(settings),
        "labs": labs,
    }


def _containers(client, project: str) -> dict[str, str]:  # noqa: ANN001 - docker.DockerClient, lazily imported
    found = client.containers.list(all=True, filters={"label": f"com.docker.compose.project={project}"})
    return {c.labels.get("com.docker.compose.service", c.name): c.status for c in found}


def _summary(services: dict[str, str], expected: list[str]) -> str:
    running = [s for s in expected if services.get(s) == "running"]
    if not any(s in services for s in expected):
        return "stopped" if services else "not started"
    if len(running) == len(expected):
        return "running"
    return "partial" if running else "stopped"


def langfuse_status(settings: Settings, client) -> dict:  # noqa: ANN001 - docker.DockerClient or None
    """The Langfuse stack: overall state, a reason when it is not running, each service's state."""
    paths = settings.paths
    out: dict = {
        "project": settings.names.observability_project,
        "state_dir": str(paths.observability),
        "url": langfuse_builder.public_url(settings.proxy_port),
    }
    if not observability.initialized(paths):
        if observability.env_path(paths).is_file():
            return out | {"state": "removed", "reason": "stack removed; credentials kept; run `invoke observe.up`"}
        return out | {"state": "not initialized", "reason": "run `invoke observe.up` to start Langfuse"}
    if client is None:
        return out | {"state": "docker unavailable"}
    services = _containers(client, settings.names.observability_project)
    expected = list(langfuse_builder.SERVICES)
    out["state"] = _summary(services, expected)
    reasons = {
        "not started": "no Langfuse containers found; run `invoke observe.up`",
        "partial": "only some Langfuse services are running",
        "stopped": "Langfuse containers exist but are not running; run `invoke observe.up`",
    }
    if out["state"] in reasons:
        out["reason"] = reasons[out["state"]]
    out["services"] = {
        s: "missing" if s not in services else ("running" if services[s] == "running" else "stopped") for s in expected
    }
    return out


def langfuse(settings: Settings) -> dict:
    """:func:`langfuse_status` with its own Docker client (for ``invoke observe.status``)."""
    from taxiway_build.docker import daemon_problem

    if not observability.initialized(settings.paths):
        return langfuse_status(settings, None)
    problem = daemon_problem()
    if problem is not None:
        return langfuse_status(settings, None) | {"reason": problem}
    import docker

    client = docker.from_env(timeout=10)
    try:
        return langfuse_status(settings, client)
    finally:
        client.close()


def status(settings: Settings) -> dict:
    from taxiway_build.docker import daemon_problem

    paths = settings.paths
    names = settings.names
    problem = daemon_problem()
    result: dict = {
        "docker": {"available": problem is None, "reason": problem},
        "dirs": {name: str(getattr(paths, name)) for name in ("home", "runtime", "lab_state", "auth", "proxy", "observability")},
        "proxy": {"container": names.proxy_container},
        "labs": [],
        "langfuse": {"state": "not initialized"},
    }
    client = None
    if problem is None:
        import docker

        client = docker.from_env(timeout=10)
    try:
        if client is None:
            result["proxy"]["status"] = "docker unavailable"
        else:
            services = _containers(client, names.proxy_project)
            result["proxy"]["status"] = services.get(naming.PROXY_SERVICE, "not started")
        result["proxy"]["url"] = f"http://{settings.proxy_bind}:{settings.proxy_port}"
        configured = set(state.configured_gateways(paths))
        for lab in state.list_labs(paths):
            entry: dict = {"lab": lab.name, "agent": lab.agent, "model": lab.model,
                           "state_dir": str(paths.gateway_dir(lab.name))}
            if lab.name not in configured:
                entry["gateway"] = "not configured"
            elif client is None:
                entry["gateway"] = "docker unavailable"
            else:
                expected = ["postgres", "litellm"] if settings.gateway_db == "postgres" else ["litellm"]
                services = _containers(client, names.lab_project(lab.name))
                entry["gateway"] = _summary(services, expected)
                entry["project"] = names.lab_project(lab.name)
                entry["services"] = {s: services.get(s, "missing") for s in sorted(set(expected) | set(services))}
                entry["url"] = base_url(lab.host, settings.proxy_port)
            result["labs"].append(entry)
        result["langfuse"] = langfuse_status(settings, client)
    finally:
        if client is not None:
            client.close()
    return result

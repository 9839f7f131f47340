"""Read-only views of the installation for `invoke access` and `invoke status`.

``access`` reads state files only; ``status`` also asks Docker and never fails on Docker
problems: it reports them.
"""

from __future__ import annotations

from taxiway_build import naming, state
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
        "langfuse": {"state": "not initialized"},
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


def status(settings: Settings) -> dict:
    from taxiway_build.docker import daemon_problem

    paths = settings.paths
    names = settings.names
    problem = daemon_problem()
    result: dict = {
        "docker": {"available": problem is None, "reason": problem},
        "dirs": {name: str(getattr(paths, name)) for name in ("home", "runtime", "lab_state", "auth", "proxy")},
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
    finally:
        if client is not None:
            client.close()
    return result

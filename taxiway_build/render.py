"""Assembling a lab's full plan from state (read-only): what `gateway.render` shows."""

from __future__ import annotations

from taxiway_build import observability, plan, state
from taxiway_build.settings import Settings


def lab_plan(settings: Settings, name: str, *, key: str | None = None, install_catalog: bool = False) -> dict[str, str]:
    """Every file ``invoke gateway`` writes for lab ``name``, and the proxy files.

    ``key`` defaults to the lab's existing key, or a visible placeholder before the first
    gateway run. Reads state, writes nothing (unless ``install_catalog``).
    """
    paths = settings.paths
    lab = state.read_lab(paths, name)
    key = key or state.existing_key(paths, name) or plan.KEY_PLACEHOLDER
    inputs = state.lab_inputs(settings, lab, key=key, install_catalog=install_catalog)
    assets = state.load_assets()
    files = plan.plan_lab(inputs, assets)
    files.update(proxy_plan(settings, extra=[name], assets=assets))
    return files


def proxy_plan(
    settings: Settings,
    *,
    extra: list[str] = (),
    exclude: list[str] = (),
    assets: plan.Assets | None = None,
    langfuse: bool | None = None,
) -> dict[str, str]:
    """The proxy's files; ``langfuse`` (default: whether observability is initialized) adds its routes."""
    labs = (set(state.configured_gateways(settings.paths)) | set(extra)) - set(exclude)
    return plan.plan_proxy(
        labs,
        port=settings.proxy_port,
        bind=settings.proxy_bind,
        image=settings.images.caddy,
        assets=assets or state.load_assets(),
        names=settings.names,
        langfuse_routes=observability.initialized(settings.paths) if langfuse is None else langfuse,
    )


#: Files a container user other than root may need to read, or that hold no secret.
PUBLIC_FILES = ("proxy/Caddyfile", "proxy/proxy.compose.yml")


def modes(files: dict[str, str]) -> dict[str, int]:
    from taxiway_build.fs import PUBLIC_MODE

    return {rel: PUBLIC_MODE for rel in files if rel in PUBLIC_FILES or rel.endswith(("codex_session_mapper.py", "lab_tags.py"))}

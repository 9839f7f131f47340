"""The shared proxy's Caddyfile: one site per lab, plus an index page for any other host."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    """``host`` (no port) is served by ``upstream`` (``host:port``)."""

    lab: str
    host: str
    upstream: str


@dataclass(frozen=True)
class LangfuseSites:
    """The Langfuse UI at ``public_host``, and trace ingestion for lab gateways: on
    ``internal_host`` (the proxy's own name on their networks), ``path_prefix`` is stripped
    and the rest goes to ``upstream``."""

    public_host: str
    internal_host: str
    path_prefix: str
    upstream: str


def _indent(text: str, prefix: str = "\t") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def caddyfile(
    routes: Sequence[Route],
    *,
    listen_port: int,
    global_options: str,
    index_html: str,
    header: str,
    admin: str = "localhost:2019",
    bind: str | None = None,
    langfuse: LangfuseSites | None = None,
) -> str:
    """Render the Caddyfile.

    ``listen_port`` is the port Caddy listens on (the container port, or a loopback port in
    tests); host matching ignores the port clients put in ``Host``. ``bind`` adds
    ``default_bind`` for a Caddy running outside a container. ``langfuse`` adds the sites of
    the observability stack.
    """
    options = [f"admin {admin}", *(line for line in global_options.splitlines() if line and not line.startswith("#"))]
    if bind:
        options.append(f"default_bind {bind}")
    parts = [header + "{\n" + _indent("\n".join(options)) + "\n}"]
    for route in sorted(routes, key=lambda r: r.lab):
        parts.append(
            f"# lab {route.lab}\n"
            f"http://{route.host}:{listen_port} {{\n"
            f"\treverse_proxy {route.upstream} {{\n"
            f"\t\tflush_interval -1\n"
            f"\t}}\n"
            f"}}"
        )
    if langfuse:
        parts.append(
            "# observability: the Langfuse UI and API\n"
            f"http://{langfuse.public_host}:{listen_port} {{\n"
            f"\treverse_proxy {langfuse.upstream}\n"
            "}"
        )
        parts.append(
            "# observability: trace export from lab gateways, which reach the proxy by this name\n"
            f"http://{langfuse.internal_host}:{listen_port} {{\n"
            f"\thandle_path {langfuse.path_prefix}/* {{\n"
            f"\t\treverse_proxy {langfuse.upstream}\n"
            "\t}\n"
            "\thandle {\n"
            "\t\trespond 404\n"
            "\t}\n"
            "}"
        )
    parts.append(
        "# Any other host gets this page, never a gateway.\n"
        f"http://:{listen_port} {{\n"
        '\theader Content-Type "text/html; charset=utf-8"\n'
        "\theader Cache-Control no-store\n"
        "\trespond <<HTML\n" + _indent(index_html.rstrip("\n"), "\t\t") + "\n\t\tHTML 200\n"
        "}"
    )
    return "\n\n".join(parts) + "\n"

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
) -> str:
    """Render the Caddyfile.

    ``listen_port`` is the port Caddy listens on (the container port, or a loopback port in
    tests); host matching ignores the port clients put in ``Host``. ``bind`` adds
    ``default_bind`` for a Caddy running outside a container.
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
    parts.append(
        "# Any other host gets this page, never a gateway.\n"
        f"http://:{listen_port} {{\n"
        '\theader Content-Type "text/html; charset=utf-8"\n'
        "\theader Cache-Control no-store\n"
        "\trespond <<HTML\n" + _indent(index_html.rstrip("\n"), "\t\t") + "\n\t\tHTML 200\n"
        "}"
    )
    return "\n\n".join(parts) + "\n"

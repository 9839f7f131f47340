"""Benchmark: `invoke gateway` against the local Docker engine (issue: no-op refresh < 2 s, < 10 commands).

Prints, for one lab: a cold gateway to a ready route, a no-op refresh, and a refresh after a
catalog change, each as wall time and the number of docker commands run. Needs a running
engine and the local images (scripts/ci/docker-engine.sh, scripts/ci/build-images.sh).

    .venv/bin/python benchmarks/gateway_lifecycle.py [--keep]
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from taxiway_build import gateway, state
from taxiway_build.docker import Runner
from taxiway_build.lab import Lab
from taxiway_build.settings import load_settings

LOCAL_IMAGES = {
    "TAXIWAY_LITELLM_IMAGE": "taxiway-local/litellm:1.108.7",
    "TAXIWAY_POSTGRES_IMAGE": "taxiway-local/postgres:15",
    "TAXIWAY_CADDY_IMAGE": "taxiway-local/caddy:2.11.7",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def timed(label: str, settings, lab: str) -> None:  # noqa: ANN001
    runner = Runner()
    start = time.perf_counter()
    outcome = gateway.reconcile(settings, lab, runner=runner)
    elapsed = time.perf_counter() - start
    verdict = "unchanged" if outcome.unchanged else f"changed: {', '.join(outcome.containers_changed) or 'files only'}"
    # Plus one Docker API ping (the SDK preflight), which is not a docker command.
    print(f"{label:<28} {elapsed:7.2f} s   {len(runner.log):2d} docker commands   ({verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="leave the lab and proxy running")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="taxiway-bench-"))
    prefix = f"twbench-{secrets.token_hex(3)}"
    env = {**os.environ, **LOCAL_IMAGES, "TAXIWAY_HOME": str(home), "TAXIWAY_PROXY_PORT": str(free_port()),
           "TAXIWAY_PROJECT_PREFIX": prefix,
           "TAXIWAY_GATEWAY_DB": os.environ.get("TAXIWAY_GATEWAY_DB", "none")}
    settings = load_settings(env)
    lab = "bench"
    state.write_lab(settings.paths, Lab(name=lab, agent="claude-code", model="claude-opus-4-8"))
    print(f"TAXIWAY_HOME={home} port={settings.proxy_port} db={settings.gateway_db}")
    try:
        timed("cold gateway (to ready)", settings, lab)
        timed("no-op refresh", settings, lab)
        catalog = settings.paths.catalog
        catalog.write_text(catalog.read_text().replace("- name: claude-haiku-4-5-20251001", "- name: claude-haiku-bench"))
        timed("refresh after catalog change", settings, lab)
    finally:
        if not args.keep:
            gateway.remove(settings, lab)
            subprocess.run(["docker", "compose", "-p", settings.names.proxy_project, "down", "--remove-orphans"],
                           capture_output=True, check=False)
    sys.exit(0)


if __name__ == "__main__":
    main()

"""``invoke observe.*``: the optional Langfuse stack that lab gateways export traces to."""

from __future__ import annotations

import json

from invoke import Context

from taxiway_build.tasks._common import print_changes, settings, task


def _gateway_hint(labs: list[str], what: str) -> None:
    if labs:
        print(f"  {what}: " + ", ".join(f"invoke gateway --lab={lab}" for lab in labs))


@task(
    help={
        "dry_run": "print every docker command and file write; run and write nothing",
        "no_wait": "do not wait for Langfuse to answer",
    }
)
def up(c: Context, dry_run: bool = False, no_wait: bool = False) -> None:
    """Start (or refresh) the Langfuse stack and its routes on the shared proxy."""
    from taxiway_build import observability, observe
    from taxiway_build.builders import langfuse
    from taxiway_build.docker import Runner

    s = settings()
    runner = Runner(dry_run=dry_run)
    outcome = observe.up(s, runner, wait=not no_wait)
    if dry_run:
        print(f"[dry-run] {len(runner.log)} docker command(s); nothing was run or written")
        return
    print_changes(outcome)
    if outcome.healthy:
        print(f"Langfuse: ready in {outcome.waited:.1f}s")
    elif outcome.healthy is False:
        print(f"warning: Langfuse is not answering yet; it may still be starting.\n  {outcome.problem}")
        print("  check with: invoke observe.status")
    else:
        print("Langfuse: started (not waited for)")
    print(f"  URL:   {langfuse.public_url(s.proxy_port)}")
    print(f"  Email: {observability.read_values(s.paths).get(langfuse.EMAIL)}")
    print("  Password: run `invoke access`")
    _gateway_hint(observe.stale_labs(s), "labs start exporting traces after")


@task(help={"dry_run": "print the docker command; run nothing"})
def down(c: Context, dry_run: bool = False) -> None:
    """Stop the Langfuse containers; keep their data, the secrets, the routes and the proxy."""
    from taxiway_build import observe
    from taxiway_build.docker import Runner

    if not observe.down(settings(), Runner(dry_run=dry_run)):
        print("Langfuse: not set up; nothing to stop")
        return
    if not dry_run:
        print("Langfuse: stopped (the proxy keeps running; `invoke observe.up` starts it again)")


@task(
    help={
        "volumes": "also delete the stored traces (volumes) and the secrets (.env): a clean slate",
        "dry_run": "print every docker command and file change; run and change nothing",
    }
)
def rm(c: Context, volumes: bool = False, dry_run: bool = False) -> None:
    """Remove the Langfuse stack and its routes. Its data and secrets stay unless --volumes."""
    from taxiway_build import observe
    from taxiway_build.docker import Runner

    s = settings()
    exporting = observe.exporting_labs(s)
    runner = Runner(dry_run=dry_run)
    if not observe.remove(s, runner, volumes=volumes):
        print("Langfuse: not set up; nothing to remove")
        return
    if dry_run:
        print(f"[dry-run] {len(runner.log)} docker command(s); nothing was run or changed")
        return
    if volumes:
        print("Langfuse: removed, with its data and secrets")
    else:
        print(f"Langfuse: removed (data volumes and {s.paths.observability / '.env'} kept; "
              "`invoke observe.rm --volumes` deletes them)")
    _gateway_hint(exporting, "labs stop exporting traces after")


@task(name="open")
def open_(c: Context) -> None:
    """Print the Langfuse URL, and open it in a browser when there is one (and a terminal)."""
    import shutil
    import subprocess
    import sys

    from taxiway_build import observability
    from taxiway_build.builders import langfuse
    from taxiway_build.errors import TaxiwayError

    s = settings()
    if not observability.initialized(s.paths):
        raise TaxiwayError("Langfuse is not set up", "start it with: invoke observe.up")
    url = langfuse.public_url(s.proxy_port)
    print(url)
    opener = shutil.which("xdg-open") or shutil.which("open")
    if opener and sys.stdout.isatty():
        subprocess.Popen([opener, url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


@task(help={"json": "print JSON"})
def status(c: Context, json_: bool = False) -> None:
    """Show the Langfuse stack: state, and each service running, stopped or missing."""
    from taxiway_build import inventory
    from taxiway_build.tasks.info import print_langfuse_status

    data = inventory.langfuse(settings())
    if json_:
        print(json.dumps(data, indent=2))
        return
    print_langfuse_status(data)

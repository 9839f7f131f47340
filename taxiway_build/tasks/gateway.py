"""``invoke gateway`` and ``gateway.*``: create, refresh, render, stop and remove lab gateways."""

from __future__ import annotations

from pathlib import Path

from invoke import Context

from taxiway_build.tasks._common import print_changes, settings, task


@task(
    help={
        "lab": "lab name (see invoke lab.list)",
        "out": "write the files under this directory instead of printing them",
    }
)
def render(c: Context, lab: str, out: str | None = None) -> None:
    """Show exactly what `invoke gateway` would write; no Docker, no writes outside --out.

    Printed, secrets (the lab key, Langfuse keys) show as ***: only `invoke access` prints keys.
    Under --out the files are written as they are, 0600.
    """
    from taxiway_build import fs, render as rendering
    from taxiway_build.redact import redact

    s = settings()
    files = rendering.lab_plan(s, lab)
    if out:
        report = fs.write_plan(Path(out), files, rendering.modes(files))
        for path in report.changed:
            print(f"wrote {path}")
        for path in report.unchanged:
            print(f"unchanged {path}")
        return
    for rel, text in sorted(files.items()):
        print(f"==> {rel} <==")
        print(redact(text), end="" if text.endswith("\n") else "\n")
        print()


@task(
    default=True,
    help={
        "lab": "lab name (see invoke lab.list)",
        "dry_run": "print every docker command and file write; run and write nothing",
        "no_wait": "do not wait for the route to answer",
    },
)
def gateway(c: Context, lab: str, dry_run: bool = False, no_wait: bool = False) -> None:
    """Create or refresh a lab's gateway (LiteLLM + Postgres) and its route in the shared proxy."""
    from taxiway_build import gateway as lifecycle
    from taxiway_build.builders.env import base_url
    from taxiway_build.docker import Runner

    s = settings()
    runner = Runner(dry_run=dry_run)
    outcome = lifecycle.reconcile(s, lab, dry_run=dry_run, wait=not no_wait, runner=runner)
    if dry_run:
        print(f"[dry-run] {len(runner.log)} docker command(s); nothing was run or written")
        return
    url = base_url(f"{lab}.litellm.localhost", s.proxy_port)
    if outcome.unchanged:
        print(f"lab {lab}: gateway unchanged ({url})")
    else:
        print_changes(outcome)
        print(f"lab {lab}: gateway ready in {outcome.waited:.1f}s")
    print(f"  API: {url}/v1")
    print(f"  UI:  {url}/ui/login")
    print("  key: run `invoke access`")


@task(help={"lab": "lab name", "dry_run": "print the docker command; run nothing"})
def down(c: Context, lab: str, dry_run: bool = False) -> None:
    """Stop a lab's gateway containers; keep its state, key, database and route."""
    from taxiway_build import gateway as lifecycle

    lifecycle.down(settings(), lab, dry_run=dry_run)
    if not dry_run:
        print(f"lab {lab}: gateway stopped (start it again with: invoke gateway --lab={lab})")


@task(help={"lab": "lab name", "dry_run": "print what would be removed; remove nothing"})
def rm(c: Context, lab: str, dry_run: bool = False) -> None:
    """Remove a lab's gateway: containers, database volume, gateway state and route."""
    from taxiway_build import gateway as lifecycle
    from taxiway_build import state

    s = settings()
    state.read_lab(s.paths, lab)
    lifecycle.remove(s, lab, dry_run=dry_run)
    if not dry_run:
        print(f"lab {lab}: gateway removed (the lab record stays; `invoke lab.rm --lab={lab}` removes it)")

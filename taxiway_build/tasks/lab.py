"""``invoke lab.*``: create, list and remove lab records."""

from __future__ import annotations

import json

from invoke import Context

from taxiway_build.tasks._common import settings, task


@task(
    help={
        "lab": "lab name: lowercase letters, digits, hyphens; 1-48 chars",
        "agent": "codex or claude-code",
        "model": "default model for the lab's client configs (a full catalog name)",
        "update": "change an existing lab's agent or model instead of refusing",
    }
)
def create(c: Context, lab: str, agent: str, model: str | None = None, update: bool = False) -> None:
    """Create a lab record (state only; run `invoke gateway` to start its gateway)."""
    from taxiway_build import state
    from taxiway_build.errors import TaxiwayError
    from taxiway_build.lab import Lab, default_model, validate_agent, validate_name
    from taxiway_build.plan import lab_models

    s = settings()
    name = validate_name(lab)
    new = Lab(name=name, agent=validate_agent(agent), model=model or default_model(agent))
    lab_models(new, state.catalog(s.paths, install=False).models)
    try:
        old = state.read_lab(s.paths, name)
    except TaxiwayError:
        # Only a missing record means "new lab"; an unreadable one is replaced only on --update.
        if state.record_path(s.paths, name).exists() and not update:
            raise
        old = None
    if old == new:
        print(f"lab {name}: unchanged ({new.agent}, model {new.model})")
        return
    if old and not update:
        raise TaxiwayError(
            f"lab {name!r} already exists as {old.agent} with model {old.model}",
            f"to change it, run: invoke lab.create --lab={name} --agent={new.agent} --model={new.model} --update",
        )
    state.write_lab(s.paths, new)
    verb = "updated" if old else "created"
    print(f"lab {name}: {verb} ({new.agent}, model {new.model})")
    print(f"next: invoke gateway --lab={name}")


@task(name="list", help={"json": "print JSON instead of a table"})
def list_(c: Context, json_: bool = False) -> None:
    """List labs with their agent, default model and gateway state."""
    from taxiway_build import state

    s = settings()
    labs = state.list_labs(s.paths)
    configured = set(state.configured_gateways(s.paths))
    rows = [
        {"lab": lab.name, "agent": lab.agent, "model": lab.model, "gateway": lab.name in configured} for lab in labs
    ]
    if json_:
        print(json.dumps(rows, indent=2))
        return
    if not rows:
        print("(no labs; create one with: invoke lab.create --lab=NAME --agent=codex|claude-code)")
        return
    width = max(len(r["lab"]) for r in rows)
    print(f"{'LAB':<{width}}  {'AGENT':<11}  {'MODEL':<26}  GATEWAY")
    for r in rows:
        print(f"{r['lab']:<{width}}  {r['agent']:<11}  {r['model']:<26}  {'configured' if r['gateway'] else '-'}")


@task(help={"lab": "lab to remove", "dry_run": "print what would be removed, remove nothing"})
def rm(c: Context, lab: str, dry_run: bool = False) -> None:
    """Remove a lab: its gateway (containers, DB volume, route) and its state."""
    from taxiway_build import gateway, state
    from taxiway_build.errors import TaxiwayError
    from taxiway_build.lab import validate_name

    s = settings()
    validate_name(lab)
    try:
        state.read_lab(s.paths, lab)
    except TaxiwayError:
        # An unreadable record must not block removing the lab (its message says to remove it).
        if not state.record_path(s.paths, lab).is_file():
            raise
    gateway.remove(s, lab, dry_run=dry_run)
    if dry_run:
        print(f"[dry-run] would remove {s.paths.lab_dir(lab)}")
        return
    state.remove_lab_state(s.paths, lab)
    print(f"lab {lab}: removed")

"""``invoke up``: the whole path for one lab in one command."""

from __future__ import annotations

from invoke import Context

from taxiway_build.tasks._common import settings, task


@task(
    help={
        "lab": "lab name: lowercase letters, digits, hyphens; 1-48 chars",
        "agent": "codex or claude-code (needed only when the lab does not exist yet)",
        "model": "default model for a new lab's client configs",
    }
)
def up(c: Context, lab: str, agent: str | None = None, model: str | None = None) -> None:
    """Create the lab if missing, start or refresh its gateway, then write its client files."""
    from taxiway_build import clients as client_files
    from taxiway_build import gateway as lifecycle
    from taxiway_build import state
    from taxiway_build.errors import TaxiwayError
    from taxiway_build.lab import Lab, default_model, validate_agent, validate_name

    s = settings()
    if not state.record_path(s.paths, validate_name(lab)).exists():
        if not agent:
            raise TaxiwayError(f"lab {lab!r} does not exist", f"create it with: invoke up --lab={lab} --agent=codex|claude-code")
        new = Lab(name=lab, agent=validate_agent(agent), model=model or default_model(agent))
        state.write_lab(s.paths, new)
        print(f"lab {lab}: created ({new.agent}, model {new.model})")
    else:
        existing = state.read_lab(s.paths, lab)
        if (agent and agent != existing.agent) or (model and model != existing.model):
            raise TaxiwayError(
                f"lab {lab!r} already exists as {existing.agent} with model {existing.model}",
                f"change it with: invoke lab.create --lab={lab} --agent={agent or existing.agent} "
                f"--model={model or existing.model} --update",
            )
    outcome = lifecycle.reconcile(s, lab)
    print(f"lab {lab}: gateway {'unchanged' if outcome.unchanged else f'ready in {outcome.waited:.1f}s'}")
    record, _ = client_files.write_clients(s, lab)
    command, _ = client_files.usage(s.home, record)
    print(f"lab {lab}: start {record.agent} through its gateway with:\n  {command}")
    print("  keys and URLs: invoke access")

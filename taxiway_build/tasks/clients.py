"""``invoke clients``: write a lab's Codex / Claude Code client files and say how to use them."""

from __future__ import annotations

from invoke import Context

from taxiway_build.tasks._common import settings, task


@task(help={"lab": "lab name (see invoke lab.list)"})
def clients(c: Context, lab: str) -> None:
    """Write the lab's client files (Codex config.toml merged into yours, Claude Code env, lab.env)."""
    from taxiway_build import clients as client_files

    s = settings()
    record, report = client_files.write_clients(s, lab)
    for path in report.changed:
        print(f"  wrote {path}")
    for path in report.unchanged:
        print(f"  unchanged {path}")
    command, lab_shell = client_files.usage(s.home, record)
    print(f"lab {lab}: {record.agent} client files ready; start {record.agent} through the lab gateway with:")
    print(f"  {command}")
    print(f"  ({lab_shell})")

"""``invoke gateway`` and ``gateway.*``: create, refresh, render, stop and remove lab gateways."""

from __future__ import annotations

from pathlib import Path

from invoke import Context

from taxiway_build.tasks._common import settings, task


@task(
    help={
        "lab": "lab name (see invoke lab.list)",
        "out": "write the files under this directory instead of printing them",
    }
)
def render(c: Context, lab: str, out: str | None = None) -> None:
    """Show exactly what `invoke gateway` would write; no Docker, no writes outside --out."""
    from taxiway_build import fs, render as rendering

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
        print(text, end="" if text.endswith("\n") else "\n")
        print()

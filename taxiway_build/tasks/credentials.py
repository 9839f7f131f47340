"""``invoke credentials.codex``: hand the host Codex login to the gateways' LiteLLM."""

from __future__ import annotations

from invoke import Context

from taxiway_build.tasks._common import settings, task


@task()
def codex(c: Context) -> None:
    """Convert $CODEX_HOME/auth.json (default ~/.codex/auth.json) for LiteLLM; never runs `codex login`."""
    import os

    from taxiway_build import credentials, state
    from taxiway_build.errors import TaxiwayError

    s = settings()
    result = credentials.sync_codex(credentials.codex_auth_path(os.environ), s.paths.codex_token_dir)
    print(f"LiteLLM will use Codex auth from {result.source}")
    if result.outcome == "kept":
        print(
            f"  kept {result.destination}: it is newer than the host login (LiteLLM refreshed the tokens);"
            " run `codex login` to replace it"
        )
    else:
        print(f"  {result.outcome} {result.destination}")
    try:
        labs = [lab.name for lab in state.list_labs(s.paths) if lab.agent == "codex"]
    except TaxiwayError:
        labs = []
    for name in labs:
        print(f"next: invoke gateway --lab={name}")
    if not labs:
        print("next: invoke lab.create --lab=<lab> --agent=codex, then invoke gateway --lab=<lab>")

"""``invoke access`` and ``invoke status``: read-only views."""

from __future__ import annotations

import json

from invoke import Context

from taxiway_build.tasks._common import settings, task


@task(help={"json": "print JSON"})
def access(c: Context, json_: bool = False) -> None:
    """Print each gateway's UI URL, API URL, username and key (the only command that prints keys)."""
    from taxiway_build import inventory

    data = inventory.access(settings())
    if json_:
        print(json.dumps(data, indent=2))
        return
    proxy = data["proxy"]
    print("Proxy:")
    print(f"  URL: {proxy['url']}" + ("" if proxy["configured"] else " (not started yet; run invoke gateway --lab=<lab>)"))
    print()
    print("Observability:")
    print_langfuse_access(data["langfuse"])
    print()
    print("Lab gateways:")
    if not data["labs"]:
        print("  (none yet; run invoke gateway --lab=<lab>)")
    for lab in data["labs"]:
        print(f"  {lab['lab']}:")
        print(f"    UI:  {lab['ui']}")
        print(f"    API: {lab['api']}")
        if lab["key"]:
            print(f"    Username: {lab['username']}")
            print(f"    Password/API key: {lab['key']}")


@task(help={"json": "print JSON"})
def status(c: Context, json_: bool = False) -> None:
    """Show Docker, the shared proxy, every lab gateway and the Langfuse stack."""
    from taxiway_build import inventory

    data = inventory.status(settings())
    if json_:
        print(json.dumps(data, indent=2))
        return
    docker = data["docker"]
    print("Docker:")
    print(f"  {'available' if docker['available'] else 'unavailable (' + docker['reason'] + ')'}")
    print()
    print("Proxy:")
    print(f"  Status: {data['proxy']['status']}")
    print(f"  Container: {data['proxy']['container']}")
    print(f"  URL: {data['proxy']['url']}")
    print()
    print("Labs:")
    if not data["labs"]:
        print("  (no labs found)")
    for lab in data["labs"]:
        print(f"  {lab['lab']} ({lab['agent']}, model {lab['model']}):")
        print(f"    Gateway: {lab['gateway']}")
        if "project" in lab:
            print(f"    Compose project: {lab['project']}")
            print(f"    URL: {lab['url']}")
            print("    Services:")
            for service, state in lab["services"].items():
                print(f"      {service}: {state}")
    print()
    print_langfuse_status(data["langfuse"])


def print_langfuse_access(langfuse: dict) -> None:
    if langfuse["state"] == "not initialized":
        print("  Langfuse: not initialized (run `invoke observe.up` to enable traces)")
        return
    print("  Langfuse:")
    print(f"    URL: {langfuse['url']}" + ("" if langfuse["state"] == "initialized" else " (stack removed; run `invoke observe.up`)"))
    print(f"    Email: {langfuse['email']}")
    print(f"    Password: {langfuse['password']}")


def print_langfuse_status(langfuse: dict) -> None:
    print("Langfuse stack:")
    print(f"  Status: {langfuse['state']}")
    print(f"  Compose project: {langfuse['project']}")
    print(f"  State dir: {langfuse['state_dir']}")
    if langfuse["state"] == "running":
        print(f"  URL: {langfuse['url']}")
    if langfuse.get("reason"):
        print(f"  Reason: {langfuse['reason']}")
    if langfuse.get("services"):
        print("  Services:")
        for service, state in langfuse["services"].items():
            print(f"    {service}: {state}")


@task(help={"lab": "check only this lab"})
def doctor(c: Context, lab: str | None = None) -> None:
    """Check Docker, Compose, the proxy port, the model catalog and each lab's prerequisites."""
    from invoke import Exit

    from taxiway_build.doctor import run_checks

    checks = run_checks(settings(), lab)
    for name, problem in checks:
        print(f"{'ok ' if problem is None else 'BAD'}  {name}" + ("" if problem is None else f": {problem}"))
    bad = sum(problem is not None for _, problem in checks)
    if bad:
        raise Exit(f"{bad} problem(s) found", code=1)

"""Benchmark: `invoke --list` start-up cost and render time (prints figures, asserts nothing).

- `invoke -r <checkout> --list` against `invoke -r <dir> --list` for a tasks.py holding one
  empty task: Makefiles pay this on every call (target: at most 1.5x). When the ratio misses
  the target, the heaviest imports of `taxiway_build.tasks` (`python -X importtime`) are shown.
- Rendering 1 and 100 labs (plan functions, in-process; each lab's files plus the proxy
  files for all of them), and the real `invoke gateway.render --lab=NAME` for one lab.

    .venv/bin/python benchmarks/cli_and_render.py [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from taxiway_build import plan, state
from taxiway_build.catalog import DEFAULT_CATALOG, load_catalog
from taxiway_build.lab import Lab, default_model
from taxiway_build.settings import PROJECT_ROOT, Images

INVOKE = str(Path(sys.executable).parent / "invoke")
TARGET_RATIO = 1.5
EMPTY_TASKS = "from invoke import task\n\n\n@task\ndef noop(c):\n    pass\n"
FAKE_KEY = "sk-taxiway-" + "0" * 48


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAXIWAY_")}
    env.update(extra)
    return env


def wall(cmd: list[str], runs: int, env: dict[str, str], cwd: str) -> list[float]:
    """Wall times of ``runs`` runs, after one unmeasured warm-up (page cache, .pyc files)."""
    subprocess.run(cmd, env=env, cwd=cwd, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def fmt(times: list[float]) -> str:
    return f"median {statistics.median(times) * 1000:7.1f} ms  (min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, n={len(times)})"


def import_times(module: str) -> list[tuple[int, str]]:
    """``(cumulative us, name)`` for every module ``import module`` loads (python -X importtime)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"], capture_output=True, text=True, cwd=PROJECT_ROOT
    )
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        rows.append((int(cumulative), name.strip()))
    return rows


def wall_once(cmd: list[str], env: dict[str, str], cwd: str) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def bench_list(runs: int) -> None:
    print("== invoke --list (wall time of a fresh process; the two commands interleaved) ==")
    env = clean_env()
    ours: list[float] = []
    empty: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "tasks.py").write_text(EMPTY_TASKS)
        repo = ([INVOKE, "-r", str(PROJECT_ROOT), "--list"], str(PROJECT_ROOT))
        bare = ([INVOKE, "-r", tmp, "--list"], tmp)
        wall_once(repo[0], env, repo[1])  # warm-ups (page cache, .pyc files)
        wall_once(bare[0], env, bare[1])
        for _ in range(runs):
            ours.append(wall_once(repo[0], env, repo[1]))
            empty.append(wall_once(bare[0], env, bare[1]))
    ratio = statistics.median(ours) / statistics.median(empty)
    print(f"this repo             {fmt(ours)}")
    print(f"one empty task        {fmt(empty)}")
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(f"ratio                 {ratio:.2f}x  ({verdict} the {TARGET_RATIO}x target)")

    # The same question without process noise: what does our collection add to invoke's own import?
    rows = import_times("taxiway_build.tasks")
    total = next(c for c, name in rows if name == "taxiway_build.tasks")
    invoke_cost = next((c for c, name in rows if name == "invoke"), 0)
    print(
        f"import taxiway_build.tasks: {total / 1000:.1f} ms, of which invoke itself {invoke_cost / 1000:.1f} ms "
        f"(ours beyond invoke: {(total - invoke_cost) / 1000:.1f} ms)"
    )
    if ratio > TARGET_RATIO:
        print("heaviest imports (cumulative, python -X importtime -c 'import taxiway_build.tasks'):")
        for micros, name in sorted(rows, reverse=True)[:12]:
            print(f"  {micros / 1000:8.1f} ms  {name}")


def lab_inputs(n: int) -> list[plan.LabInputs]:
    catalog = load_catalog(DEFAULT_CATALOG)
    inputs = []
    for i in range(n):
        agent = "codex" if i % 2 == 0 else "claude-code"
        lab = Lab(name=f"lab-{i:03d}", agent=agent, model=default_model(agent))
        inputs.append(
            plan.LabInputs(
                lab=lab,
                models=plan.lab_models(lab, catalog.models),
                key=FAKE_KEY,
                proxy_port=4000,
                images=Images(),
                database=True,
                langfuse=None,
                has_codex_credentials=agent == "codex",
                chatgpt_api_base=None,
            )
        )
    return inputs


def render_all(inputs: list[plan.LabInputs], assets: plan.Assets) -> int:
    files: dict[str, str] = {}
    for item in inputs:
        files.update(plan.plan_lab(item, assets))
    files.update(plan.plan_proxy([i.lab.name for i in inputs], port=4000, bind="127.0.0.1", image="caddy", assets=assets))
    return len(files)


def bench_render(runs: int) -> None:
    print("== render, in-process (plan_lab per lab + plan_proxy for all) ==")
    assets = state.load_assets()
    for n in (1, 100):
        inputs = lab_inputs(n)
        count = render_all(inputs, assets)  # warm-up
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            render_all(inputs, assets)
            times.append(time.perf_counter() - start)
        per_lab = statistics.median(times) / n * 1000
        print(f"{n:3d} lab(s), {count:4d} files  {fmt(times)}  ({per_lab:.2f} ms per lab)")

    print("== invoke gateway.render --lab=bench (real CLI, fresh process, temp TAXIWAY_HOME) ==")
    with tempfile.TemporaryDirectory() as home:
        env = clean_env(TAXIWAY_HOME=home)
        subprocess.run([INVOKE, "-r", str(PROJECT_ROOT), "lab.create", "--lab=bench", "--agent=codex"], env=env, check=True, capture_output=True)
        printed = wall([INVOKE, "-r", str(PROJECT_ROOT), "gateway.render", "--lab=bench"], runs, env, home)
        out = str(Path(home) / "rendered")
        written = wall([INVOKE, "-r", str(PROJECT_ROOT), "gateway.render", "--lab=bench", f"--out={out}"], runs, env, home)
    print(f"print                 {fmt(printed)}")
    print(f"--out DIR             {fmt(written)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="measured runs per figure (default 10)")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.runs} runs per figure")
    bench_list(args.runs)
    bench_render(args.runs)


if __name__ == "__main__":
    main()

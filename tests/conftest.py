"""Shared fixtures: file snapshots with their own extension, a temporary TAXIWAY_HOME, fixed
fake keys, the matrix of rendered lab/proxy variants, and small helpers for on-disk checks.

Every key here is obviously fake (zeros and the word ``fake``): no real secret can ever end up
in a snapshot.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pytest
import yaml
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from taxiway_build import naming, plan, state
from taxiway_build.builders import langfuse
from taxiway_build.catalog import DEFAULT_CATALOG, Catalog, load_catalog, parse_catalog
from taxiway_build.lab import Lab, default_model
from taxiway_build.settings import Images

#: Tier-3 session fixtures (fakes, lab LiteLLMs, Caddy), shared by tests/conformance and
#: tests/clients; registered once here so one test session starts each gateway once.
pytest_plugins = ["tests.conformance.gateways"]

# Snapshot files are named after their test, so a snapshot of a Python file is called
# ``test_….py``: never collect anything under the snapshot directory.
collect_ignore_glob = ["snapshots/*"]

# --------------------------------------------------------------------------------------------
# Fixed fake secrets.

FAKE_KEY = "sk-taxiway-" + "0" * 48
FAKE_LANGFUSE = {
    "LANGFUSE_PUBLIC_KEY": "pk-lf-fake-00000000-0000-0000-0000-000000000000",
    "LANGFUSE_SECRET_KEY": "sk-lf-fake-00000000-0000-0000-0000-000000000000",
    "LANGFUSE_OTEL_HOST": "http://host.docker.internal:3000",
}


def _fake_generated(index: int, spec: langfuse.Generated) -> str:
    if spec.kind == "hex":
        return (f"{index:x}" * spec.size * 2)[: spec.size * 2]
    uuid = f"00000000-0000-4000-8000-{index:012d}"
    return uuid if spec.kind == "uuid" else f"{spec.kind}-{uuid}"


#: Every generated value of the observability ``.env``, each obviously fake and distinct.
FAKE_OBSERVABILITY = {name: _fake_generated(i, spec) for i, (name, spec) in enumerate(langfuse.GENERATED.items(), 1)}


@pytest.fixture
def fake_key() -> str:
    return FAKE_KEY


@pytest.fixture
def fake_langfuse() -> dict[str, str]:
    return dict(FAKE_LANGFUSE)


# --------------------------------------------------------------------------------------------
# Snapshot extensions: one file per snapshot, with the artifact's own extension (text mode).


class TextSnapshot(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "txt"


def _text_snapshot(extension: str) -> type[TextSnapshot]:
    """A text snapshot stored with its own file extension, so its diff reads as that format."""
    return type(f"{extension.capitalize()}Snapshot", (TextSnapshot,), {"file_extension": extension})


_BY_EXTENSION = {ext: _text_snapshot(ext) for ext in ("yaml", "yml", "toml", "env", "caddy", "py")}
_BY_SUFFIX = {f".{ext}": cls for ext, cls in _BY_EXTENSION.items() if ext != "caddy"}
_BY_NAME = {"env": _BY_EXTENSION["env"], ".env": _BY_EXTENSION["env"], "Caddyfile": _BY_EXTENSION["caddy"]}


def extension_for(rel: str) -> type[TextSnapshot]:
    """The snapshot extension for a rendered file's relative path (``Caddyfile`` -> ``.caddy``)."""
    p = PurePosixPath(rel)
    return _BY_NAME.get(p.name) or _BY_SUFFIX.get(p.suffix) or TextSnapshot


@pytest.fixture
def file_snapshot(snapshot) -> Callable[[str, str], bool]:
    """``file_snapshot(rel, text)`` compares ``text`` with the snapshot file named after ``rel``.

    The file is ``tests/snapshots/<module>/<test>[<param>][<rel with / as __>].<ext>``.
    """

    def check(rel: str, text: str) -> bool:
        return snapshot(name=rel.replace("/", "__"), extension_class=extension_for(rel)) == text

    return check


# --------------------------------------------------------------------------------------------
# A temporary TAXIWAY_HOME and a clean TAXIWAY_* environment.


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty TAXIWAY_HOME in a temp dir; every other TAXIWAY_* variable unset."""
    for name in list(os.environ):
        if name.startswith("TAXIWAY_"):
            monkeypatch.delenv(name)
    path = tmp_path / "taxiway-home"
    path.mkdir(mode=0o700)
    monkeypatch.setenv("TAXIWAY_HOME", str(path))
    return path


@pytest.fixture
def tree_state() -> Callable[[Path], dict[str, tuple]]:
    """``tree_state(root)``: every entry under ``root`` with its mode and (for files) bytes."""

    def capture(root: Path) -> dict[str, tuple]:
        out: dict[str, tuple] = {}
        if not root.exists():
            return out
        for dirpath, dirnames, filenames in os.walk(root):
            for name in sorted(dirnames + filenames):
                p = Path(dirpath) / name
                st = p.lstat()
                rel = str(p.relative_to(root))
                if stat.S_ISREG(st.st_mode):
                    out[rel] = ("file", stat.S_IMODE(st.st_mode), p.read_bytes(), st.st_mtime_ns)
                else:
                    out[rel] = ("dir" if stat.S_ISDIR(st.st_mode) else "other", stat.S_IMODE(st.st_mode))
        return out

    return capture


@pytest.fixture
def cli(capsys: pytest.CaptureFixture) -> Callable[..., tuple[int, str, str]]:
    """Run the task collection in-process as the ``invoke`` CLI would: ``(exit code, out, err)``."""
    from invoke import Program

    from taxiway_build.tasks import ns

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = 0
        try:
            Program(namespace=ns, version="test").run(["invoke", *argv], exit=True)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return run


# --------------------------------------------------------------------------------------------
# The rendered variants (pure plan functions, fixed inputs).

#: A user catalog: a chatgpt model pointed at another endpoint, an anthropic model with its own
#: endpoint and key from the environment, and an openai model that no agent's lab gets.
CUSTOM_CATALOG = """\
models:
  - name: gpt-5.5
    provider: chatgpt
    upstream: gpt-5.5
    api: responses
    api_base: http://host.docker.internal:18080/v1
  - name: claude-sonnet-4-6
    provider: anthropic
    upstream: claude-sonnet-4-6
    forward_client_headers: true
    api_base: https://anthropic-proxy.fake.invalid
    api_key: os.environ/ANTHROPIC_API_KEY
  - name: claude-haiku-4-5-20251001
    provider: anthropic
    upstream: claude-haiku-4-5-20251001
  - name: gpt-4.1
    provider: openai
    upstream: gpt-4.1
    api_base: http://host.docker.internal:18081/v1
    api_key: os.environ/OPENAI_API_KEY
"""


@pytest.fixture(scope="session")
def assets() -> plan.Assets:
    return state.load_assets()


@pytest.fixture(scope="session")
def default_catalog() -> Catalog:
    return load_catalog(DEFAULT_CATALOG)


@pytest.fixture(scope="session")
def custom_catalog() -> Catalog:
    return parse_catalog(CUSTOM_CATALOG, Path("custom/models.yaml"))


@dataclass(frozen=True)
class LabVariant:
    """One row of the lab matrix; ``name`` is the snapshot id."""

    name: str
    agent: str
    model: str | None = None
    langfuse: bool = False
    creds: bool = False
    database: bool = True
    catalog: str = "default"
    chatgpt_api_base: str | None = None
    key: str = FAKE_KEY
    lab: str = "demo"
    port: int = 4000
    images: Images = field(default_factory=Images)
    prefix: str = "taxiway"


def _lab_matrix() -> tuple[LabVariant, ...]:
    rows = []
    for with_langfuse in (False, True):
        for creds in (False, True):
            for database in (True, False):
                parts = ["codex"]
                parts += ["langfuse"] if with_langfuse else []
                parts += ["creds"] if creds else []
                parts += [] if database else ["nodb"]
                rows.append(LabVariant("-".join(parts), "codex", langfuse=with_langfuse, creds=creds, database=database))
    for with_langfuse in (False, True):
        for database in (True, False):
            parts = ["claude-code"] + (["langfuse"] if with_langfuse else []) + ([] if database else ["nodb"])
            rows.append(LabVariant("-".join(parts), "claude-code", langfuse=with_langfuse, database=database))
    rows += [
        LabVariant("codex-custom-catalog", "codex", catalog="custom", chatgpt_api_base="http://host.docker.internal:18080"),
        LabVariant("claude-code-custom-catalog", "claude-code", model="claude-sonnet-4-6", catalog="custom", langfuse=True),
        # Before the first `invoke gateway`: the key is a visible placeholder.
        LabVariant("claude-code-placeholder-key", "claude-code", key=plan.KEY_PLACEHOLDER, port=4100),
        # Another installation on the same engine (TAXIWAY_PROJECT_PREFIX), with its own images.
        LabVariant(
            "codex-prefix-images",
            "codex",
            prefix="taxiway-test",
            images=Images(litellm="taxiway-test/litellm:local", postgres="taxiway-test/postgres:local"),
        ),
    ]
    return tuple(rows)


LAB_VARIANTS = _lab_matrix()


@dataclass(frozen=True)
class Rendered:
    variant: LabVariant
    inputs: plan.LabInputs
    files: dict[str, str]


@pytest.fixture(scope="session")
def make_inputs(default_catalog: Catalog, custom_catalog: Catalog) -> Callable[..., plan.LabInputs]:
    """``make_inputs(variant=None, **fields)``: plan inputs for a variant, with fields replaced.

    ``make_inputs(agent="codex", langfuse=True)`` builds from a fresh :class:`LabVariant`.
    """

    def build(variant: LabVariant | None = None, **fields) -> plan.LabInputs:
        v = dataclasses.replace(variant, **fields) if variant else LabVariant(fields.pop("name", "adhoc"), **fields)
        lab = Lab(name=v.lab, agent=v.agent, model=v.model or default_model(v.agent))
        cat = custom_catalog if v.catalog == "custom" else default_catalog
        return plan.LabInputs(
            lab=lab,
            models=plan.lab_models(lab, cat.models),
            key=v.key,
            proxy_port=v.port,
            images=v.images,
            database=v.database,
            langfuse=dict(FAKE_LANGFUSE) if v.langfuse else None,
            has_codex_credentials=v.creds,
            chatgpt_api_base=v.chatgpt_api_base,
            names=naming.Names(v.prefix),
        )

    return build


@pytest.fixture(params=LAB_VARIANTS, ids=lambda v: v.name)
def lab_variant(request, make_inputs, assets) -> Rendered:
    """Every lab variant, rendered with :func:`plan.plan_lab`."""
    inputs = make_inputs(request.param)
    return Rendered(request.param, inputs, plan.plan_lab(inputs, assets))


@dataclass(frozen=True)
class ProxyVariant:
    name: str
    labs: tuple[str, ...]
    port: int = 4000
    bind: str = "127.0.0.1"
    image: str = Images().caddy
    prefix: str = "taxiway"
    #: Observability initialized: the Langfuse routes.
    langfuse: bool = False


PROXY_VARIANTS = (
    ProxyVariant("proxy-0-labs", ()),
    ProxyVariant("proxy-1-lab", ("demo",)),
    # Unsorted and with a duplicate on purpose: routes come out sorted and unique.
    ProxyVariant("proxy-3-labs", ("gamma", "alpha", "beta-2", "alpha")),
    ProxyVariant("proxy-1-lab-lan-port", ("demo",), port=14000, bind="0.0.0.0"),
    ProxyVariant("proxy-1-lab-ipv6-loopback", ("demo",), bind="::1"),
    ProxyVariant("proxy-1-lab-prefix", ("demo",), image="taxiway-test/caddy:local", prefix="taxiway-test"),
    ProxyVariant("proxy-0-labs-langfuse", (), langfuse=True),
    ProxyVariant("proxy-2-labs-langfuse", ("demo", "alpha"), langfuse=True),
    ProxyVariant("proxy-1-lab-prefix-langfuse", ("demo",), port=14000, prefix="taxiway-test", langfuse=True),
)


@dataclass(frozen=True)
class RenderedProxy:
    variant: ProxyVariant
    files: dict[str, str]


@pytest.fixture(params=PROXY_VARIANTS, ids=lambda v: v.name)
def proxy_variant(request, assets) -> RenderedProxy:
    v = request.param
    files = plan.plan_proxy(
        v.labs, port=v.port, bind=v.bind, image=v.image, assets=assets, names=naming.Names(v.prefix), langfuse_routes=v.langfuse
    )
    return RenderedProxy(v, files)


@dataclass(frozen=True)
class ObservabilityVariant:
    name: str
    port: int = 4000
    images: Images = field(default_factory=Images)
    prefix: str = "taxiway"


OBSERVABILITY_VARIANTS = (
    ObservabilityVariant("observability"),
    # Another installation on another port, with every image of the stack overridden.
    ObservabilityVariant(
        "observability-prefix-images-port",
        port=14000,
        prefix="taxiway-test",
        images=Images(
            postgres="taxiway-test/postgres:local",
            langfuse="taxiway-test/langfuse:local",
            langfuse_worker="taxiway-test/langfuse-worker:local",
            clickhouse="taxiway-test/clickhouse:local",
            minio="taxiway-test/minio:local",
            redis="taxiway-test/redis:local",
        ),
    ),
)


@dataclass(frozen=True)
class RenderedObservability:
    variant: ObservabilityVariant
    files: dict[str, str]


@pytest.fixture(scope="session")
def static_langfuse_compose() -> dict:
    from taxiway_build import observability

    return yaml.safe_load(observability.STATIC_COMPOSE.read_text())


@pytest.fixture(params=OBSERVABILITY_VARIANTS, ids=lambda v: v.name)
def observability_variant(request, static_langfuse_compose) -> RenderedObservability:
    """The Langfuse stack's files (Compose file and ``.env`` with fixed fake secrets)."""
    v = request.param
    files = plan.plan_observability(
        static_langfuse_compose, langfuse.env_values(FAKE_OBSERVABILITY), port=v.port, images=v.images,
        names=naming.Names(v.prefix),
    )
    return RenderedObservability(v, files)


@pytest.fixture
def write_files() -> Callable[[Path, Mapping[str, str]], Path]:
    """Write a plan under ``root`` (plain writes, for validators that read files)."""

    def write(root: Path, files: Mapping[str, str]) -> Path:
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        return root

    return write


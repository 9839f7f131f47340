"""The observability stack's state under ``TAXIWAY_HOME/observability/`` and what labs export to it.

- ``.env``: the stack's secrets, generated here (the only randomness of the stack) and
  append-only: an existing key is never rewritten, a missing one is added. It outlives
  ``invoke observe.rm`` (the data in kept volumes needs the same passwords and keys) and is
  deleted only by ``invoke observe.rm --volumes``.
- ``langfuse.compose.yml``: the rendered stack; it exists from ``invoke observe.up`` until
  ``invoke observe.rm``, and its presence is what "initialized" means. While it exists, the
  proxy carries the Langfuse routes and ``invoke gateway`` makes labs export to the stack.

Every lab exports into the one headless-init project (``taxiway``); per-lab Langfuse projects
(which the reference provisions with SQL) are not made.
"""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path

import yaml

from taxiway_build import fs, plan
from taxiway_build.builders import langfuse
from taxiway_build.envfile import read_env
from taxiway_build.errors import TaxiwayError
from taxiway_build.serialize import env_lines
from taxiway_build.settings import COMPOSE_DIR, Settings, StatePaths

STATIC_COMPOSE = COMPOSE_DIR / "langfuse.compose.yml"


def env_path(paths: StatePaths) -> Path:
    return paths.home / plan.OBSERVABILITY_ENV


def compose_path(paths: StatePaths) -> Path:
    return paths.home / plan.OBSERVABILITY_COMPOSE


def initialized(paths: StatePaths) -> bool:
    """The stack is set up: ``invoke observe.up`` wrote its Compose file, no ``observe.rm`` since."""
    return compose_path(paths).is_file()


def read_values(paths: StatePaths) -> dict[str, str]:
    """The ``.env`` values, or ``{}`` before the first ``invoke observe.up``."""
    return read_env(env_path(paths))


def new_value(spec: langfuse.Generated) -> str:
    if spec.kind == "hex":
        return secrets.token_hex(spec.size)
    if spec.kind == "uuid":
        return str(uuid.uuid4())
    if spec.kind in ("pk-lf", "sk-lf"):
        return f"{spec.kind}-{uuid.uuid4()}"
    raise ValueError(f"unknown kind of generated value: {spec.kind}")


def ensure_env(settings: Settings, *, dry_run: bool = False) -> tuple[dict[str, str], list[str]]:
    """Every ``.env`` value, after adding the missing ones; and the names added.

    Append-only: the existing text is kept byte for byte (a value edited by hand stays) and
    missing keys are appended; a new file gets them all. 0600. ``dry_run`` writes nothing.
    """
    path = env_path(settings.paths)
    existing = read_env(path)
    generated = {name: existing[name] if name in existing else new_value(spec) for name, spec in langfuse.GENERATED.items()}
    values = langfuse.env_values(generated) | existing
    added = {name: values[name] for name in values if name not in existing}
    if not added:
        return values, []
    if dry_run:
        verb = f"add {len(added)} value(s) to" if path.exists() else "write"
        print(f"[dry-run] would {verb} {path}")
        return values, sorted(added)
    if path.exists():
        text = path.read_text()
        if text and not text.endswith("\n"):
            text += "\n"
        text += env_lines(added)
    else:
        text = plan.plan_observability(_static(), values, port=settings.proxy_port, images=settings.images,
                                       names=settings.names)[str(plan.OBSERVABILITY_ENV)]
    fs.write_file(path, text, mode=fs.SECRET_MODE)
    return values, sorted(added)


def _static() -> dict:
    return yaml.safe_load(STATIC_COMPOSE.read_text())


def files(settings: Settings) -> dict[str, str]:
    """The stack's Compose file (the ``.env`` is written by :func:`ensure_env` only)."""
    return plan.plan_observability(
        _static(), None, port=settings.proxy_port, images=settings.images, names=settings.names
    )


def otel_host(settings: Settings) -> str:
    return langfuse.otel_host(settings.names.proxy_container)


def lab_export(settings: Settings) -> dict[str, str] | None:
    """A lab gateway's ``LANGFUSE_*`` settings while the stack is initialized, else None."""
    if not initialized(settings.paths):
        return None
    values = read_values(settings.paths)
    missing = [name for name in (langfuse.PUBLIC_KEY, langfuse.SECRET_KEY) if not values.get(name)]
    if missing:
        raise TaxiwayError(
            f"{env_path(settings.paths)} lacks {', '.join(missing)}", "run `invoke observe.up` to add what is missing"
        )
    return langfuse.lab_export(values, proxy_host=settings.names.proxy_container)


def access(settings: Settings) -> dict:
    """What ``invoke access`` shows: URL and login while the ``.env`` exists."""
    path = env_path(settings.paths)
    if not path.is_file():
        return {"state": "not initialized"}
    values = read_values(settings.paths)
    return {
        "state": "initialized" if initialized(settings.paths) else "removed",
        "url": langfuse.public_url(settings.proxy_port),
        "email": values.get(langfuse.EMAIL) or langfuse.DEFAULTS[langfuse.EMAIL],
        "password": values.get(langfuse.PASSWORD),
    }

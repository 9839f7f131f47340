"""The model catalog (``models.yaml``): parsed and validated once, errors naming file, entry, field."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import yaml

from taxiway_build.errors import TaxiwayError
from taxiway_build.settings import CONFIG_DIR

DEFAULT_CATALOG = CONFIG_DIR / "litellm" / "models.yaml"
SCHEMA_PATH = CONFIG_DIR / "litellm" / "models.schema.json"


@dataclass(frozen=True)
class Model:
    name: str
    provider: str
    upstream: str
    api: str | None = None
    forward_client_headers: bool = False
    api_base: str | None = None
    api_key: str | None = None


@dataclass(frozen=True)
class Catalog:
    models: tuple[Model, ...]

    def for_providers(self, providers: tuple[str, ...]) -> tuple[Model, ...]:
        return tuple(m for m in self.models if m.provider in providers)

    def names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.models)


def _schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


def _where(path: Path, data: object, error: jsonschema.ValidationError) -> str:
    parts = list(error.absolute_path)
    if len(parts) >= 2 and parts[0] == "models" and isinstance(parts[1], int):
        entry = data["models"][parts[1]] if isinstance(data, dict) else None
        label = f"entry {parts[1] + 1}"
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            label += f" ({entry['name']})"
        field = ".".join(str(p) for p in parts[2:])
        if not field and error.validator in ("required", "additionalProperties"):
            field = error.message.split("'")[1] if "'" in error.message else ""
        return f"{path}: {label}" + (f", field {field!r}" if field else "")
    field = ".".join(str(p) for p in parts)
    return f"{path}" + (f": field {field!r}" if field else "")


def parse_catalog(text: str, path: Path) -> Catalog:
    """Parse and validate catalog text; ``path`` names the file in messages."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise TaxiwayError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    errors = sorted(jsonschema.Draft202012Validator(_schema()).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        raise TaxiwayError(
            f"{_where(path, data, first)}: {first.message}",
            f"fix the catalog (schema: {SCHEMA_PATH.relative_to(CONFIG_DIR.parent)})",
        )
    models = tuple(Model(**entry) for entry in data["models"])
    seen: set[str] = set()
    for index, model in enumerate(models, start=1):
        if model.name in seen:
            raise TaxiwayError(f"{path}: entry {index} ({model.name}), field 'name': duplicate model name")
        seen.add(model.name)
    return Catalog(models)


def load_catalog(path: Path) -> Catalog:
    try:
        text = path.read_text()
    except OSError as exc:
        raise TaxiwayError(f"cannot read model catalog {path}: {exc.strerror}") from None
    return parse_catalog(text, path)

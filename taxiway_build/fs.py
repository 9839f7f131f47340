"""The one writer: atomic, private by default, skips identical bytes, reports what changed."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

SECRET_MODE = 0o600
DIR_MODE = 0o700
#: Files a container reads as a non-root user, or that hold nothing secret.
PUBLIC_MODE = 0o644


@dataclass
class WriteReport:
    changed: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)

    @property
    def any_changed(self) -> bool:
        return bool(self.changed)

    def merge(self, other: WriteReport) -> WriteReport:
        return WriteReport(self.changed + other.changed, self.unchanged + other.unchanged)


def ensure_dir(path: Path) -> None:
    """Create ``path`` and missing parents as 0700 (existing dirs keep their mode)."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for directory in reversed(missing):
        directory.mkdir(mode=DIR_MODE, exist_ok=True)
        directory.chmod(DIR_MODE)  # mkdir's mode is masked by the umask


def write_file(path: Path, text: str, *, mode: int = SECRET_MODE) -> bool:
    """Write ``text`` to ``path`` atomically unless the bytes are already there.

    Returns True when the file changed. The temp file is created in the target directory
    with ``mode`` from the start, so a secret is never readable by others, and a crash
    leaves either the old file or the new one, never half of one.
    """
    data = text.encode()
    try:
        if path.read_bytes() == data:
            if (path.stat().st_mode & 0o777) != mode:
                path.chmod(mode)
            return False
    except FileNotFoundError:
        pass
    ensure_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def write_plan(root: Path, files: Mapping[str, str], modes: Mapping[str, int] | None = None) -> WriteReport:
    """Write every file of a plan under ``root``; ``modes`` overrides the 0600 default."""
    report = WriteReport()
    for rel, text in sorted(files.items()):
        path = root / rel
        mode = (modes or {}).get(rel, SECRET_MODE)
        (report.changed if write_file(path, text, mode=mode) else report.unchanged).append(path)
    return report


def diff_plan(root: Path, files: Mapping[str, str]) -> WriteReport:
    """What :func:`write_plan` would change, without writing (for ``--dry-run``)."""
    report = WriteReport()
    for rel, text in sorted(files.items()):
        path = root / rel
        try:
            same = path.read_bytes() == text.encode()
        except OSError:
            same = False
        (report.unchanged if same else report.changed).append(path)
    return report

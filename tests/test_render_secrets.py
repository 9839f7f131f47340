"""`gateway.render` prints no secret: only `invoke access` prints keys."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
INVOKE = Path(sys.executable).parent / "invoke"
KEY = "sk-taxiway-" + "fa4e" * 12


def run(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAXIWAY_")} | {"TAXIWAY_HOME": str(home)}
    return subprocess.run([str(INVOKE), "-r", str(REPO), *args], capture_output=True, text=True, env=env, timeout=60)


def test_render_masks_the_lab_key_but_out_writes_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run(home, "lab.create", "--lab=demo", "--agent=claude-code").returncode == 0
    gateway = home / "lab-state" / "demo" / "gateway"
    gateway.mkdir(mode=0o700)
    (gateway / "env").write_text(f"TAXIWAY_LITELLM_API_KEY={KEY}\n")
    printed = run(home, "gateway.render", "--lab=demo")
    assert printed.returncode == 0
    assert KEY not in printed.stdout
    assert "TAXIWAY_LITELLM_API_KEY=***" in printed.stdout
    assert "x-litellm-api-key: Bearer ***" in printed.stdout
    out = tmp_path / "out"
    assert run(home, "gateway.render", "--lab=demo", f"--out={out}").returncode == 0
    written = out / "lab-state" / "demo" / "gateway" / "env"
    assert f"TAXIWAY_LITELLM_API_KEY={KEY}" in written.read_text()
    assert written.stat().st_mode & 0o777 == 0o600

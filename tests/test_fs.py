"""The one writer: 0600 files, 0700 dirs, atomic replace, identical bytes skipped."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from taxiway_build import fs


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def loose_umask():
    """A permissive umask, so the modes we see are the writer's, not the umask's."""
    old = os.umask(0o002)
    yield
    os.umask(old)


def test_new_file_is_0600_in_0700_dirs_including_intermediate_ones(tmp_path):
    target = tmp_path / "a" / "b" / "c" / "secret.env"
    assert fs.write_file(target, "KEY=value\n") is True
    assert target.read_text() == "KEY=value\n"
    assert mode(target) == 0o600
    for directory in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert mode(directory) == 0o700, directory


def test_existing_dirs_keep_their_mode(tmp_path):
    (tmp_path / "shared").mkdir()
    os.chmod(tmp_path / "shared", 0o755)
    fs.write_file(tmp_path / "shared" / "new" / "f", "x")
    assert mode(tmp_path / "shared") == 0o755
    assert mode(tmp_path / "shared" / "new") == 0o700


def test_public_mode(tmp_path):
    target = tmp_path / "Caddyfile"
    fs.write_file(target, "x\n", mode=fs.PUBLIC_MODE)
    assert mode(target) == 0o644


def test_identical_bytes_are_skipped(tmp_path):
    target = tmp_path / "f"
    fs.write_file(target, "same\n")
    past = 1_000_000_000
    os.utime(target, ns=(past, past))
    inode = target.stat().st_ino
    assert fs.write_file(target, "same\n") is False
    assert target.stat().st_mtime_ns == past
    assert target.stat().st_ino == inode


def test_changed_bytes_replace_atomically(tmp_path):
    target = tmp_path / "f"
    fs.write_file(target, "old\n")
    inode = target.stat().st_ino
    assert fs.write_file(target, "new\n") is True
    assert target.read_text() == "new\n"
    # A rename, not an in-place write: readers holding the old file never see half of the new one.
    assert target.stat().st_ino != inode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f"]  # no temp file left


def test_mode_is_fixed_when_bytes_are_identical(tmp_path):
    target = tmp_path / "f"
    target.write_text("same\n")
    os.chmod(target, 0o644)
    assert fs.write_file(target, "same\n") is False
    assert mode(target) == 0o600
    fs.write_file(target, "same\n", mode=fs.PUBLIC_MODE)
    assert mode(target) == 0o644


def test_changed_file_gets_the_requested_mode(tmp_path):
    target = tmp_path / "f"
    target.write_text("old\n")
    os.chmod(target, 0o666)
    fs.write_file(target, "new\n")
    assert mode(target) == 0o600


def test_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "f"
    fs.write_file(target, "old\n")

    def boom(*args, **kwargs):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(fs.os, "replace", boom)
    with pytest.raises(OSError, match="simulated"):
        fs.write_file(target, "new\n")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f"]


def test_write_plan_reports_changes_and_modes(tmp_path):
    files = {"lab-state/demo/gateway/env": "K=v\n", "proxy/Caddyfile": "x\n"}
    report = fs.write_plan(tmp_path, files, {"proxy/Caddyfile": fs.PUBLIC_MODE})
    assert report.changed == [tmp_path / "lab-state/demo/gateway/env", tmp_path / "proxy/Caddyfile"]
    assert report.unchanged == [] and report.any_changed
    assert mode(tmp_path / "lab-state/demo/gateway/env") == 0o600
    assert mode(tmp_path / "proxy/Caddyfile") == 0o644
    assert mode(tmp_path / "lab-state") == mode(tmp_path / "lab-state/demo") == 0o700
    again = fs.write_plan(tmp_path, {**files, "proxy/Caddyfile": "y\n"}, {"proxy/Caddyfile": fs.PUBLIC_MODE})
    assert again.changed == [tmp_path / "proxy/Caddyfile"]
    assert again.unchanged == [tmp_path / "lab-state/demo/gateway/env"]


def test_diff_plan_writes_nothing(tmp_path):
    fs.write_file(tmp_path / "a", "same\n")
    report = fs.diff_plan(tmp_path, {"a": "same\n", "b/c": "new\n"})
    assert report.unchanged == [tmp_path / "a"]
    assert report.changed == [tmp_path / "b/c"]
    assert not (tmp_path / "b").exists()


def test_non_ascii_text_round_trips(tmp_path):
    fs.write_file(tmp_path / "f", "naïve → ok\n")
    assert (tmp_path / "f").read_bytes() == "naïve → ok\n".encode()
    assert fs.write_file(tmp_path / "f", "naïve → ok\n") is False

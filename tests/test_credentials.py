"""``invoke credentials.codex`` and the Codex auth conversion it uses."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from taxiway_build import credentials, state
from taxiway_build.builders.codex_auth import convert_codex_auth, jwt_claims
from taxiway_build.errors import TaxiwayError
from taxiway_build.lab import Lab
from taxiway_build.settings import load_settings
from tests.fakes import codex_login
from tests.fakes.chatgpt import ACCOUNT_ID

NOW = 1_800_000_000
LOGIN = codex_login(now=NOW)
TOKENS = LOGIN["tokens"]


@pytest.fixture
def codex_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "codex-home"
    path.mkdir()
    monkeypatch.setenv("CODEX_HOME", str(path))
    return path


@pytest.fixture
def destination(home: Path) -> Path:
    return load_settings().paths.codex_token_dir / "auth.json"


def write_login(codex_home: Path, data: object = LOGIN, *, mtime_ns: int | None = None) -> Path:
    path = codex_home / "auth.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    if mtime_ns is not None:
        os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


# --- the conversion (pure) ------------------------------------------------------------------


def test_conversion_flattens_the_codex_cli_format() -> None:
    out = convert_codex_auth(LOGIN)

    assert out == {
        "access_token": TOKENS["access_token"],
        "refresh_token": TOKENS["refresh_token"],
        "id_token": TOKENS["id_token"],
        "account_id": ACCOUNT_ID,
        "expires_at": jwt_claims(TOKENS["access_token"])["exp"],
    }


def test_conversion_derives_what_litellm_would_write_back() -> None:
    """LiteLLM rewrites its file when ``expires_at`` or ``account_id`` is missing; both are
    derived here from the JWT claims it would use."""
    flat = {k: TOKENS[k] for k in ("access_token", "refresh_token", "id_token")}

    out = convert_codex_auth(flat)

    assert out["account_id"] == ACCOUNT_ID
    assert out["expires_at"] == NOW + 10 * 86400


def test_conversion_keeps_given_fields_and_omits_underivable_ones() -> None:
    given = convert_codex_auth(
        {"access_token": "opaque", "refresh_token": "r", "id_token": "i", "expires_at": 5, "account_id": "a"}
    )
    opaque = convert_codex_auth({"access_token": "opaque", "refresh_token": "r", "id_token": "i"})

    assert (given["expires_at"], given["account_id"]) == (5, "a")
    assert opaque == {"access_token": "opaque", "refresh_token": "r", "id_token": "i"}


def test_default_source_is_the_codex_login_file() -> None:
    assert credentials.codex_auth_path({"HOME": "/h"}) == Path("/h/.codex/auth.json")
    assert credentials.codex_auth_path({"HOME": "/h", "CODEX_HOME": "/c"}) == Path("/c/auth.json")


# --- bad inputs: a clear message, nothing on disk changed -------------------------------------


def _missing(codex_home: Path) -> None:
    pass


def _directory(codex_home: Path) -> None:
    (codex_home / "auth.json").mkdir()


def _writer(data: object) -> Callable[[Path], None]:
    return lambda codex_home: write_login(codex_home, data)


BAD_INPUTS = [
    ("missing", _missing, "Codex auth file not found at {source}"),
    ("directory", _directory, "Codex auth path is a directory, expected a file: {source}"),
    ("bad-json", _writer('{"tokens": {'), "Codex auth file {source} is not valid JSON (line 1)"),
    ("not-an-object", _writer("[]"), "Codex auth file is not a JSON object ({source})"),
    ("no-tokens", _writer({"auth_mode": "chatgpt", "tokens": {}}), "Codex auth file is missing access_token"),
    (
        "no-refresh-token",
        _writer({**LOGIN, "tokens": {**TOKENS, "refresh_token": ""}}),
        "Codex auth file is missing refresh_token for LiteLLM ChatGPT auth ({source})",
    ),
    (
        "no-id-token",
        _writer({**LOGIN, "tokens": {k: v for k, v in TOKENS.items() if k != "id_token"}}),
        "missing id_token",
    ),
    (
        "api-key-login",
        _writer({"auth_mode": "apikey", "OPENAI_API_KEY": "sk-proj-fake"}),
        "missing access_token for LiteLLM ChatGPT auth (auth_mode 'apikey': LiteLLM needs a ChatGPT login)",
    ),
]


@pytest.mark.parametrize(("case", "setup", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_login_is_refused_with_a_hint_and_changes_nothing(
    case: str,
    setup: Callable[[Path], None],
    message: str,
    home: Path,
    codex_home: Path,
    destination: Path,
    cli,
    tree_state,
) -> None:
    destination.parent.mkdir(parents=True)
    destination.write_text('{"access_token":"kept","refresh_token":"kept"}')
    setup(codex_home)
    before = (tree_state(home), tree_state(codex_home))

    code, out, err = cli("credentials.codex")

    assert code == 1
    assert message.format(source=codex_home / "auth.json") in err
    assert "run `codex login` on the host, then `invoke credentials.codex`" in err
    assert "Traceback" not in out + err
    assert (tree_state(home), tree_state(codex_home)) == before


# --- the happy path ---------------------------------------------------------------------------


def test_converts_the_login_privately(home: Path, codex_home: Path, destination: Path, cli) -> None:
    source = write_login(codex_home)
    state.write_lab(load_settings().paths, Lab("demo", "codex", "gpt-5.5"))

    code, out, err = cli("credentials.codex")

    assert (code, err) == (0, "")
    assert f"LiteLLM will use Codex auth from {source}" in out
    assert f"written {destination}" in out
    assert "next: invoke gateway --lab=demo" in out
    for token in TOKENS.values():
        assert token not in out
    assert json.loads(destination.read_text()) == convert_codex_auth(LOGIN)
    assert stat.S_IMODE(destination.stat().st_mode) == 0o600
    for directory in (destination.parent, destination.parent.parent, destination.parent.parent.parent, home / "auth"):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory


# --- freshness: LiteLLM's refreshed tokens are kept unless the host login is newer -------------


def test_tokens_litellm_refreshed_are_kept_until_the_host_login_is_newer(
    home: Path, codex_home: Path, destination: Path
) -> None:
    token_dir = destination.parent
    source = write_login(codex_home, mtime_ns=1_000_000_000_000_000_000)
    assert credentials.sync_codex(source, token_dir).outcome == "written"
    assert credentials.sync_codex(source, token_dir).outcome == "unchanged"

    # LiteLLM refreshes: it rewrites the file in place, later than the host login.
    refreshed = {**convert_codex_auth(LOGIN), "access_token": "refreshed-by-litellm", "refresh_token": "rotated"}
    destination.write_text(json.dumps(refreshed))
    os.utime(destination, ns=(1_000_000_000_100_000_000,) * 2)
    assert credentials.sync_codex(source, token_dir).outcome == "kept"
    assert json.loads(destination.read_text()) == refreshed

    # A new `codex login` on the host is newer than LiteLLM's refresh: it wins.
    os.utime(source, ns=(1_000_000_000_200_000_000,) * 2)
    assert credentials.sync_codex(source, token_dir).outcome == "written"
    assert json.loads(destination.read_text()) == convert_codex_auth(LOGIN)


def test_an_unusable_destination_is_replaced_even_when_newer(home: Path, codex_home: Path, destination: Path) -> None:
    source = write_login(codex_home, mtime_ns=1_000_000_000_000_000_000)
    destination.parent.mkdir(parents=True)
    destination.write_text("{half written")

    assert credentials.sync_codex(source, destination.parent).outcome == "written"
    assert json.loads(destination.read_text()) == convert_codex_auth(LOGIN)


def test_a_directory_in_place_of_the_destination_is_refused(home: Path, codex_home: Path, destination: Path) -> None:
    destination.mkdir(parents=True)

    with pytest.raises(TaxiwayError, match="is a directory, expected a file"):
        credentials.sync_codex(write_login(codex_home), destination.parent)

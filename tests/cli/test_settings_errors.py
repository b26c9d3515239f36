from __future__ import annotations

import base64
import json

import pytest

from tests.cli.conftest import Hub

SHORT = "too-short-but-secret"


@pytest.mark.parametrize(
    "args",
    [("keys", "list"), ("projects", "list"), ("projections", "status"), ("serve", "--port", "0")],
)
def test_a_short_master_key_exits_2_with_one_clear_line(hub: Hub, args: tuple[str, ...]) -> None:
    result = hub(*args, MASTER_API_KEY=SHORT)
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: invalid settings: MASTER_API_KEY must be at least 32 characters")
    assert "Value error" not in line
    assert SHORT not in result.output
    assert "Traceback" not in result.output
    assert not (hub.data_dir / "events.sqlite3").exists()


def test_a_malformed_encryption_key_exits_2_without_its_value(hub: Hub) -> None:
    bad = base64.urlsafe_b64encode(b"sixteen byte key").decode()
    result = hub("keys", "list", ENCRYPTION_KEY=bad)
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: ENCRYPTION_KEY must decode to 32 bytes, not 16"
    assert bad not in result.output


def test_an_unparseable_setting_is_named(hub: Hub) -> None:
    result = hub("keys", "list", PORT="eighty")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: invalid settings: PORT:")


def test_data_dir_option_overrides_the_setting(hub: Hub) -> None:
    other = hub.work_dir / "elsewhere"
    hub.ok("--data-dir", str(other), "keys", "issue", "--all-projects", "--scope", "read")
    assert (other / "events.sqlite3").exists()
    assert not (hub.data_dir / "events.sqlite3").exists()
    assert len(json.loads(hub.ok("--data-dir", str(other), "keys", "list", "--json").stdout)) == 1
    assert json.loads(hub.ok("keys", "list", "--json").stdout) == []


def test_a_generated_master_key_is_announced_by_path_never_by_value(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MASTER_API_KEY")
    result = hub.ok("keys", "list")
    path = hub.data_dir / "secrets" / "master_api_key"
    assert f"generated one into {path}" in result.stderr
    assert path.read_text().strip() not in result.output
    assert (path.stat().st_mode & 0o777) == 0o600
    assert (hub.data_dir.stat().st_mode & 0o777) == 0o700
    assert "generated" not in hub.ok("keys", "list").stderr  # only when it was created

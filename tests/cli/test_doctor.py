from __future__ import annotations

import base64
import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from interfaces.cli.context import CliState
from interfaces.cli.diagnosis import Diagnosis, Finding
from interfaces.cli.doctor import run_checks
from tests.cli.conftest import Hub

EXPLICIT = ("ENCRYPTION_KEY", "KEY_DIGEST_PEPPER", "PSEUDONYMISATION_KEY")


def _random_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _lines(output: str, status: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(f"{status}  ")]


@pytest.fixture
def explicit(hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every secret set explicitly, as in production (after ``hub`` cleared the settings)."""
    for name in EXPLICIT:
        monkeypatch.setenv(name, _random_key())


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def git_repo(hub: Hub) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    _git(hub.work_dir, "init", "-q")
    return hub.work_dir


@pytest.mark.usefixtures("explicit")
def test_a_sound_setup_has_no_failure_and_exits_0(hub: Hub) -> None:
    hub.add_project("blog", "https://blog.example.com")
    result = hub("doctor")
    assert result.exit_code == 0, result.output
    assert _lines(result.output, "FAIL") == []
    assert "PASS  master key: set in the environment" in result.output
    for name in EXPLICIT:
        assert f"PASS  secret {name}: set explicitly" in result.output
    assert "PASS  persistence: SQLite" in result.output
    assert "embedded: one server process" in result.output
    assert "PASS  sites on HTTPS: 1 site(s), all on HTTPS" in result.output
    assert "PASS  data directory:" in result.output
    assert "PASS  secret file permissions:" in result.output
    assert "0 failed" in result.output


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("too-short-but-secret", "shorter than 32 characters"),
        ("changeme-changeme-changeme-changeme", "placeholder"),
        ("your-master-api-key-goes-here-please!", "placeholder"),
        ("ab" * 20, "too repetitive"),
    ],
)
def test_a_weak_master_key_fails(hub: Hub, value: str, reason: str) -> None:
    result = hub("doctor", MASTER_API_KEY=value)
    assert result.exit_code == 1
    (line,) = [line for line in _lines(result.output, "FAIL") if "master key" in line]
    assert reason in line
    assert value not in result.output
    assert "Traceback" not in result.output


def test_generated_secrets_warn_as_a_development_setup(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MASTER_API_KEY")
    result = hub("doctor")
    assert result.exit_code == 0, result.output
    warnings = "\n".join(_lines(result.output, "WARN"))
    assert "WARN  master key: MASTER_API_KEY is not set; generated just now into" in warnings
    for name in EXPLICIT:
        assert f"WARN  secret {name}: generated into" in warnings
    assert warnings.count("development setup") == 4
    generated = (hub.data_dir / "secrets" / "master_api_key").read_text().strip()
    assert generated not in result.output
    again = hub("doctor")
    assert "master key: MASTER_API_KEY is not set; generated into" in again.output


@pytest.mark.usefixtures("explicit")
def test_a_site_on_plain_http_warns_unless_it_is_loopback(hub: Hub) -> None:
    for alias, url in (("blog", "http://blog.example.com"), ("dev", "http://127.0.0.1:8081")):
        hub.add_project(alias, url)
    result = hub("doctor")
    assert result.exit_code == 0
    (line,) = [line for line in _lines(result.output, "WARN") if "sites on HTTPS" in line]
    assert "blog: http://blog.example.com is not HTTPS" in line
    assert "dev" not in line


@pytest.mark.usefixtures("explicit")
def test_a_tracked_env_file_fails(hub: Hub, git_repo: Path) -> None:
    (git_repo / ".env").write_text("LOG_LEVEL=INFO\n")
    (git_repo / ".env").chmod(0o600)
    _git(git_repo, "add", ".env")
    result = hub("doctor")
    assert result.exit_code == 1
    (line,) = _lines(result.output, "FAIL")
    assert line.startswith("FAIL  .env not in git: .env is tracked by git")


@pytest.mark.usefixtures("explicit")
def test_an_untracked_env_file_passes_when_ignored_and_warns_when_not(
    hub: Hub, git_repo: Path
) -> None:
    (git_repo / ".env").write_text("LOG_LEVEL=INFO\n")
    (git_repo / ".env").chmod(0o600)
    assert "WARN  .env not in git: .env is not tracked but not ignored" in hub("doctor").output
    (git_repo / ".gitignore").write_text(".env\n")
    assert "PASS  .env not in git: .env is ignored by git" in hub("doctor").output


@pytest.mark.usefixtures("explicit")
def test_readable_secret_files_and_data_dir_warn(hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MASTER_API_KEY")
    hub.ok("keys", "list")
    (hub.data_dir / "secrets" / "master_api_key").chmod(0o644)
    hub.data_dir.chmod(0o755)
    output = hub("doctor").output
    assert "WARN  secret file permissions:" in output
    assert "master_api_key is accessible by group or others (0644); chmod 600" in output
    assert "WARN  data directory:" in output


def test_public_base_url_without_https_warns_unless_loopback(hub: Hub) -> None:
    assert "PASS  public URL:" in hub("doctor").output
    result = hub("doctor", PUBLIC_BASE_URL="http://hub.example.com")
    assert "WARN  public URL: PUBLIC_BASE_URL http://hub.example.com is not HTTPS" in result.output


def test_root_is_a_warning(hub: Hub) -> None:
    output = hub("doctor").output
    expected = "WARN  non-root" if os.geteuid() == 0 else "PASS  non-root"
    assert expected in output


def test_unusable_settings_fail_once_and_do_not_crash(hub: Hub) -> None:
    result = hub("doctor", PORT="eighty")
    assert result.exit_code == 1
    fails = _lines(result.output, "FAIL")
    assert len(fails) == 1
    assert fails[0].startswith("FAIL  settings: PORT:")
    assert "PASS  .env not in git" in result.output
    assert "Traceback" not in result.output


def test_an_unreachable_postgres_fails_persistence(hub: Hub) -> None:
    result = hub("doctor", DATABASE_URL="postgresql://nobody:pw@127.0.0.1:1/none")
    assert result.exit_code == 1
    (line,) = [line for line in _lines(result.output, "FAIL") if "persistence" in line]
    assert "PostgreSQL at 127.0.0.1:1/none is unreachable" in line
    assert ":pw@" not in result.output


def test_checks_are_pluggable_and_a_broken_one_does_not_hide_the_rest(hub: Hub) -> None:
    def check_custom(d: Diagnosis) -> Iterator[Finding]:
        yield Finding("PASS", "custom", f"data in {d.require_settings().data_dir}")

    def check_broken(d: Diagnosis) -> Iterator[Finding]:
        raise RuntimeError("boom")
        yield  # pragma: no cover

    findings = run_checks(Diagnosis(CliState(None), hub.work_dir), [check_broken, check_custom])
    assert findings == [
        Finding("FAIL", "broken", "could not run: RuntimeError: boom"),
        Finding("PASS", "custom", f"data in {hub.data_dir}"),
    ]


def test_moving_to_explicit_secrets_with_new_values_fails_doctor(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The generated setup works; setting *different* values explicitly would break every key
    and every site credential — doctor says so instead of passing."""
    hub.add_project("blog", "https://blog.example.com")
    hub.ok("keys", "issue", "--all-projects", "--scope", "read")
    assert "PASS  keys match the store" in hub("doctor").output
    monkeypatch.setenv("KEY_DIGEST_PEPPER", _random_key())
    monkeypatch.setenv("ENCRYPTION_KEY", _random_key())
    result = hub("doctor")
    assert result.exit_code != 0
    failures = "\n".join(_lines(result.output, "FAIL"))
    assert "KEY_DIGEST_PEPPER differs" in failures
    assert "site credentials of blog do not open" in failures


def test_moving_to_explicit_secrets_with_the_same_values_passes(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub.add_project("blog", "https://blog.example.com")
    hub.ok("keys", "issue", "--all-projects", "--scope", "read")
    folder = hub.data_dir / "secrets"
    for name in EXPLICIT:
        monkeypatch.setenv(name, (folder / name.lower()).read_text().strip())
    result = hub("doctor")
    assert "PASS  keys match the store" in result.output
    assert _lines(result.output, "FAIL") == []

"""End to end: ``mcphub serve`` as a process, keys issued by the CLI, used over HTTP, and the
same state after a restart."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.process import Server, base_env, cli, request, wait_until_accepted

pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    logs = tmp_path / "logs"
    logs.mkdir()
    running = Server(data_dir=tmp_path / "data", env=base_env(tmp_path / "data"), logs=logs)
    yield running
    running.stop()


def test_cli_issued_key_works_over_http_and_survives_a_restart(server: Server) -> None:
    server.start(terminal=True)
    first_output = server.output(1)
    generated = (server.data_dir / "secrets" / "master_api_key").read_text().strip()
    # A generated master key is shown once, on the terminal, and said to be a dev setup.
    assert generated in first_output
    assert "development" in first_output.lower()
    assert f"{server.url}" in first_output

    admin = cli(server.env, "keys", "issue", "--all-projects", "--scope", "admin", "--label", "e2e")
    admin_key = re.search(r"mcphub_[a-z2-7]{12}_[A-Za-z0-9_-]{43}", admin)
    assert admin_key is not None, admin
    key = admin_key.group(0)

    # The server sees the CLI's event within a second.
    wait_until_accepted(server.url, key)
    listed = request(f"{server.url}/api/v1/keys", key=key)
    assert [k["label"] for k in listed.json()] == ["e2e"]

    # A project added through the CLI (password on stdin) is visible to the running server.
    cli(
        server.env,
        "projects",
        "add",
        "shop",
        "--url",
        "https://shop.example.com",
        "--wp-user",
        "editor",
        stdin="abcd EFGH 1234 ijkl MNOP 5678\n",
    )
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        projects = request(f"{server.url}/api/v1/projects", key=key).json()
        if projects:
            break
        time.sleep(0.05)
    assert [p["alias"] for p in projects] == ["shop"]

    # A key revoked by another process stops working in the server within a second.
    victim = request(
        f"{server.url}/api/v1/keys", "POST", key=key, body={"project": "shop", "scope": "admin"}
    ).json()
    assert request(f"{server.url}/api/v1/keys", key=victim["key"]).status == 200
    cli(server.env, "keys", "revoke", victim["info"]["key_id"])
    revoked_at = time.monotonic()
    while request(f"{server.url}/api/v1/keys", key=victim["key"]).status != 401:
        assert time.monotonic() - revoked_at < 1.0, "revocation took longer than a second"
        time.sleep(0.02)

    before = request(f"{server.url}/api/v1/keys", key=key).json()
    server.stop()
    server.start()
    after = request(f"{server.url}/api/v1/keys", key=key).json()
    assert after == before
    assert request(f"{server.url}/api/v1/keys", key=victim["key"]).status == 401
    assert request(f"{server.url}/api/v1/keys", key=generated).status == 200
    # The second start does not show the master key again.
    assert generated not in server.output(2)


def test_a_short_master_key_is_refused_at_startup_with_a_clear_message(tmp_path: Path) -> None:
    env = base_env(tmp_path / "data", MASTER_API_KEY="too-short-but-secret")
    output = cli(env, "serve", "--port", "0", check=False)
    assert "MASTER_API_KEY" in output
    assert "32" in output
    assert "too-short-but-secret" not in output
    assert "Traceback" not in output


def test_a_generated_master_key_is_not_printed_when_output_is_not_a_terminal(
    server: Server,
) -> None:
    server.start()  # standard output is a file, as under a service manager
    generated = (server.data_dir / "secrets" / "master_api_key").read_text().strip()
    output = server.output(1)
    assert generated not in output
    assert str(server.data_dir / "secrets" / "master_api_key") in output


def test_a_second_server_on_the_same_embedded_store_is_refused(server: Server) -> None:
    server.start()
    output = cli(server.env, "serve", "--port", "0", check=False)
    assert "already serves" in output
    assert "Traceback" not in output
    assert request(f"{server.url}/health").status == 200

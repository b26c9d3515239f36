from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.cli.conftest import Hub, errors, issued_key


def test_an_issued_key_is_printed_once_and_listing_never_shows_it(hub: Hub) -> None:
    result = hub.ok("keys", "issue", "--all-projects", "--scope", "admin", "--label", "ops")
    key = issued_key(result.stdout)
    secret = key.rsplit("_", 1)[1]
    assert result.stdout.count(secret) == 1
    assert "shown once" in result.stderr
    assert secret not in result.stderr

    listed = hub.ok("keys", "list")
    key_id = key.split("_")[1]
    assert key_id in listed.stdout
    assert "ops" in listed.stdout
    assert "(all)" in listed.stdout
    as_json = hub.ok("keys", "list", "--json")
    for output in (listed.output, as_json.output):
        assert secret not in output
    (info,) = json.loads(as_json.stdout)
    assert "key" not in info
    assert info["key_id"] == key_id
    assert info["status"] == "active"


def test_issue_with_json_gives_the_key_and_its_details(hub: Hub) -> None:
    hub.add_project("blog", "https://blog.example.com", wp_user="bot", secrets="app password\n")
    result = hub.ok(
        "keys", "issue", "--project", "blog", "--scope", "write", "--expires-in", "12h", "--json"
    )
    data = json.loads(result.stdout)
    assert data["key"] == issued_key(result.stdout)
    assert data["project"] == "blog"
    assert data["scope"] == "write"
    expires = datetime.fromisoformat(data["expires_at"])
    assert abs(expires - (datetime.now(UTC) + timedelta(hours=12))) < timedelta(minutes=1)


def test_an_expiry_can_be_given_as_a_moment(hub: Hub) -> None:
    result = hub.ok(
        "keys",
        "issue",
        "--all-projects",
        "--scope",
        "read",
        "--expires-at",
        "2999-01-31T12:00:00+01:00",
        "--json",
    )
    assert json.loads(result.stdout)["expires_at"] == "2999-01-31T11:00:00Z"


def test_revoke_then_list_shows_the_key_revoked(hub: Hub) -> None:
    key_id = issued_key(hub.ok("keys", "issue", "--all-projects", "--scope", "read").stdout)
    key_id = key_id.split("_")[1]
    revoked = hub.ok("keys", "revoke", key_id, "--reason", "left the team")
    assert f"revoked key {key_id}" in revoked.stdout
    listed = hub.ok("keys", "list")
    row = next(line for line in listed.stdout.splitlines() if key_id in line)
    assert "revoked" in row
    (info,) = json.loads(hub.ok("keys", "list", "--json").stdout)
    assert info["status"] == "revoked"
    again = hub("keys", "revoke", key_id)
    assert again.exit_code == 1
    assert again.stderr.startswith("error: ")


def test_rotate_prints_a_new_key_once_and_the_old_one_stops_working(hub: Hub) -> None:
    old = issued_key(hub.ok("keys", "issue", "--all-projects", "--scope", "write").stdout)
    key_id = old.split("_")[1]
    rotated = hub.ok("keys", "rotate", key_id)
    new = issued_key(rotated.stdout)
    assert new != old
    assert new.split("_")[1] == key_id
    assert "shown once" in rotated.stderr
    with hub.container() as container:
        assert container.hub.authenticator.authenticate(old) is None
        principal = container.hub.authenticator.authenticate(new)
        assert principal is not None
        assert principal.id == key_id


def test_issuing_needs_exactly_one_binding(hub: Hub) -> None:
    neither = hub("keys", "issue", "--scope", "read")
    both = hub("keys", "issue", "--scope", "read", "--project", "blog", "--all-projects")
    for result in (neither, both):
        assert result.exit_code == 2
        assert "--all-projects" in result.output
        assert not any(line.startswith("mcphub_") for line in result.output.split())


def test_bad_expiries_are_usage_errors(hub: Hub) -> None:
    for option, value in (
        ("--expires-in", "soon"),
        ("--expires-in", "0d"),
        ("--expires-at", "next tuesday"),
    ):
        result = hub("keys", "issue", "--all-projects", "--scope", "read", option, value)
        assert result.exit_code == 2, result.output
        assert option in result.output
    both = hub(
        "keys",
        "issue",
        "--all-projects",
        "--scope",
        "read",
        "--expires-in",
        "1d",
        "--expires-at",
        "2999-01-01",
    )
    assert both.exit_code == 2


def test_refusals_are_one_error_line_and_exit_one(hub: Hub) -> None:
    cases = [
        (("keys", "issue", "--project", "nowhere", "--scope", "read"), "error: no such project"),
        (
            ("keys", "issue", "--all-projects", "--scope", "read", "--expires-at", "2000-01-01"),
            "error: expires_at must be in the future",
        ),
        (("keys", "revoke", "aaaaaaaaaaaa"), "error: no such key"),
        (("keys", "rotate", "not-a-key-id"), "error: no such key"),
    ]
    for args, message in cases:
        result = hub(*args)
        assert result.exit_code == 1, result.output
        assert errors(result) == message
        assert "Traceback" not in result.output
    assert json.loads(hub.ok("keys", "list", "--json").stdout) == []


def test_a_command_run_where_there_is_no_hub_says_it_started_an_empty_one(
    hub: Hub, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    result = hub("--data-dir", str(elsewhere), "keys", "list")
    assert result.exit_code == 0
    assert f"no hub store in {elsewhere.resolve()}" in result.stderr
    again = hub("--data-dir", str(elsewhere), "keys", "list")
    assert "no hub store" not in again.stderr

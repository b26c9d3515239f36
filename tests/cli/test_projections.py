from __future__ import annotations

import json
import sqlite3

from tests.cli.conftest import Hub, errors, issued_key


def _issue(hub: Hub) -> str:
    key = issued_key(hub.ok("keys", "issue", "--all-projects", "--scope", "read").stdout)
    return key.split("_")[1]


def _listed_ids(hub: Hub) -> list[str]:
    return [k["key_id"] for k in json.loads(hub.ok("keys", "list", "--json").stdout)]


def test_rebuild_restores_a_cleared_key_registry(hub: Hub) -> None:
    key_ids = sorted(_issue(hub) for _ in range(3))
    hub.ok("keys", "revoke", key_ids[0])
    before = json.loads(hub.ok("keys", "list", "--json").stdout)
    with sqlite3.connect(hub.data_dir / "views.sqlite3") as conn:
        conn.execute("DELETE FROM view_documents WHERE view = 'key_registry'")
    conn.close()
    assert _listed_ids(hub) == []  # the view still claims its position: nothing to catch up

    result = hub.ok("projections", "rebuild", "key_registry")
    assert "rebuilt key_registry: 4 event(s) applied" in result.stdout
    assert json.loads(hub.ok("keys", "list", "--json").stdout) == before


def test_rebuild_restores_a_deleted_view_file_and_status_shows_the_gap(hub: Hub) -> None:
    key_id = _issue(hub)
    hub.add_project("blog", "https://blog.example.com")
    for suffix in ("", "-wal", "-shm"):
        (hub.data_dir / f"views.sqlite3{suffix}").unlink(missing_ok=True)

    status = json.loads(hub.ok("projections", "status", "--json").stdout)
    assert {s["name"]: (s["position"], s["pending"]) for s in status} == {
        "key_registry": (0, status[0]["log_end"]),
        "project_registry": (0, 1),
        "usage": (0, 0),  # no tool calls yet
    }
    assert "behind by" in hub.ok("projections", "status").stdout

    result = hub.ok("projections", "rebuild")
    assert "rebuilt key_registry" in result.stdout
    assert "rebuilt project_registry: 1 event(s) applied" in result.stdout
    table = hub.ok("projections", "status").stdout
    assert table.count("up to date") == 3
    assert _listed_ids(hub) == [key_id]
    assert [p["alias"] for p in json.loads(hub.ok("projects", "list", "--json").stdout)] == ["blog"]


def test_an_unknown_projection_is_an_error_that_names_the_known_ones(hub: Hub) -> None:
    result = hub("projections", "rebuild", "nope")
    assert result.exit_code == 1
    assert errors(result) == (
        "error: unknown projection 'nope'; known projections: key_registry, project_registry, usage"
    )


def test_rebuilding_an_empty_log_works(hub: Hub) -> None:
    result = hub.ok("projections", "rebuild", "project_registry")
    assert "rebuilt project_registry: 0 event(s) applied, at position 0" in result.stdout

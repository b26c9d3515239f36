"""No raw key, password or secret in any sink: the event store (SQLite file and WAL), the read
models, the server's stdout/stderr, CLI listings and API responses — whole, as its secret part,
percent-encoded or base64-encoded. (The one place a key is meant to appear — the answer that
issues it — is the exception, and is excluded.)"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.leaks import files_under, leaks, needles
from tests.e2e.process import Server, base_env, cli, request, wait_until_accepted

pytestmark = pytest.mark.slow

MASTER = "master-" + "Zq9x" * 10
WP_PASSWORD = "abcd EFGH 1234 ijkl MNOP 5678"
WC_KEY = "ck_4f8a1b2c3d4e5f60718293a4b5c6d7e8f9012345"
WC_SECRET = "cs_9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a291807"
NEW_WP_PASSWORD = "wxyz QRST 9876 mnop UVWX 4321"
KEY_RE = re.compile(r"mcphub_[a-z2-7]{12}_[A-Za-z0-9_-]{43}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    logs = tmp_path / "logs"
    logs.mkdir()
    env = base_env(tmp_path / "data", MASTER_API_KEY=MASTER)
    running = Server(data_dir=tmp_path / "data", env=env, logs=logs)
    yield running
    running.stop()


def test_the_needles_cover_every_encoding() -> None:
    found = needles("mcphub_abcdefghijkl_" + "S" * 43)
    assert "S" * 43 in found
    assert any("%" not in n and n.startswith("U1NT") for n in found)  # base64 of "SSS..."


def test_secrets_never_reach_the_store_logs_listings_or_responses(server: Server) -> None:
    server.start()
    url = server.url
    responses: dict[str, bytes] = {}
    secrets = [MASTER, WP_PASSWORD, WC_KEY, WC_SECRET, NEW_WP_PASSWORD]

    issued_cli = cli(server.env, "keys", "issue", "--all-projects", "--scope", "admin")
    admin_key = KEY_RE.findall(issued_cli)[0]
    wait_until_accepted(url, admin_key)
    cli(
        server.env,
        "projects",
        "add",
        "shop",
        "--url",
        "https://shop.example.com",
        "--wp-user",
        "editor",
        "--woocommerce",
        stdin=f"{WP_PASSWORD}\n{WC_KEY}\n{WC_SECRET}\n",
    )
    project_key = request(
        f"{url}/api/v1/keys", "POST", key=admin_key, body={"project": "shop", "scope": "write"}
    ).json()
    rotated = request(
        f"{url}/api/v1/keys/{project_key['info']['key_id']}/rotate", "POST", key=MASTER
    ).json()
    secrets += [admin_key, project_key["key"], rotated["key"]]

    responses["PUT credentials"] = request(
        f"{url}/api/v1/projects/shop/credentials",
        "PUT",
        key=admin_key,
        body={"wordpress": {"user": "editor", "application_password": NEW_WP_PASSWORD}},
    ).text.encode()
    responses["POST project (refused)"] = request(
        f"{url}/api/v1/projects",
        "POST",
        key=admin_key,
        body={
            "alias": "Bad Alias",
            "base_url": "https://x.example",
            "wordpress": {"user": "u", "application_password": WP_PASSWORD},
        },
    ).text.encode()
    responses["bad key"] = request(f"{url}/api/v1/keys", key=project_key["key"]).text.encode()
    responses["query token"] = request(f"{url}/api/v1/keys?access_token={MASTER}").text.encode()
    for path in ("/api/v1/keys", "/api/v1/projects", "/api/v1/projects/shop", "/openapi.json"):
        responses[f"GET {path}"] = request(f"{url}{path}", key=admin_key).text.encode()
    listings = {
        "keys list": cli(server.env, "keys", "list", "--json").encode(),
        "projects list": cli(server.env, "projects", "list", "--json").encode(),
        "doctor": cli(server.env, "doctor", check=False).encode(),
    }

    server.stop()  # flush the logs; the WAL may or may not be checkpointed — both are read
    store = files_under(server.data_dir, skip=("secrets",))
    assert any(name.startswith("events.sqlite3") for name in store)
    sinks = {
        **{f"store:{k}": v for k, v in store.items()},
        "serve stdout+stderr": server.output().encode(),
        **{f"cli:{k}": v for k, v in listings.items()},
        **{f"http:{k}": v for k, v in responses.items()},
    }
    assert leaks(secrets, sinks) == []
    # The check can fail: the sealed password really is in the store, just not in clear.
    assert b"sealed:v1:" in b"".join(store.values())
    assert leaks([WP_PASSWORD], {"probe": f"x{WP_PASSWORD.replace(' ', '')}x".encode()})


def test_secrets_never_reach_postgresql_rows_or_api_responses(
    postgres_url: str, postgres_schema: str, tmp_path: Path
) -> None:
    import psycopg
    from fastapi.testclient import TestClient

    from infrastructure.local_secrets import ResolvedSecrets
    from infrastructure.sites import HttpxSiteGateway
    from interfaces.bootstrap import Container, build_tools
    from interfaces.http.app import create_app
    from tests.contract.backends import MASTER_KEY, PostgresBackend

    backend = PostgresBackend(postgres_url, postgres_schema, tmp_path / "data")
    hub = backend.hub()
    gateway = HttpxSiteGateway()
    container = Container(
        settings=backend.settings,
        secrets=ResolvedSecrets(MASTER_KEY, "", [], "", ""),
        hub=hub,
        tools=build_tools(hub, gateway, os.urandom(32)),
        gateway=gateway,
    )
    master = {"Authorization": f"Bearer {MASTER_KEY}"}
    responses: dict[str, bytes] = {}
    try:
        with TestClient(create_app(container), base_url="http://localhost") as client:
            admin = client.post(
                "/api/v1/keys", json={"all_projects": True, "scope": "admin"}, headers=master
            ).json()["key"]
            auth = {"Authorization": f"Bearer {admin}"}
            site = {
                "alias": "shop",
                "base_url": "https://shop.example.com",
                "wordpress": {"user": "editor", "application_password": WP_PASSWORD},
                "woocommerce": {"consumer_key": WC_KEY, "consumer_secret": WC_SECRET},
            }
            responses["POST project"] = client.post(
                "/api/v1/projects", json=site, headers=auth
            ).content
            project_key = client.post(
                "/api/v1/keys", json={"project": "shop", "scope": "read"}, headers=auth
            ).json()
            rotated = client.post(
                f"/api/v1/keys/{project_key['info']['key_id']}/rotate", headers=auth
            ).json()["key"]
            for path in ("/api/v1/keys", "/api/v1/projects", "/api/v1/projects/shop"):
                responses[f"GET {path}"] = client.get(path, headers=auth).content
        assert hub.project_credentials("shop").wc_secret == WC_SECRET
    finally:
        backend.close_all()

    rows: dict[str, bytes] = {}
    with psycopg.connect(postgres_url) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (postgres_schema,),
        ).fetchall()
        assert {"hub_events", "hub_view_documents"} <= {t[0] for t in tables}
        for (table,) in tables:
            dump = conn.execute(f'SELECT t::text FROM "{postgres_schema}"."{table}" t').fetchall()
            rows[f"postgres:{table}"] = "\n".join(r[0] for r in dump).encode()
    # Event payloads are stored as bytea: its text form is hex; decode it to search it.
    with psycopg.connect(postgres_url) as conn:
        state = conn.execute(f'SELECT state FROM "{postgres_schema}".hub_events').fetchall()
    rows["postgres:hub_events.state"] = b"\n".join(bytes(r[0]) for r in state)
    assert b"sealed:v1:" in rows["postgres:hub_events.state"]

    secrets = [MASTER_KEY, WP_PASSWORD, WC_KEY, WC_SECRET, admin, project_key["key"], rotated]
    assert leaks(secrets, {**rows, **{f"http:{k}": v for k, v in responses.items()}}) == []

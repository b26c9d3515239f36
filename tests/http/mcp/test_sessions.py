"""F12 and issue 3 item 1: an MCP session belongs to the credential (and endpoint) that opened
it — another key presenting its id gets 404, as for an unknown id — and each principal may hold
``mcp_sessions_per_principal`` sessions (2 here): one more ``initialize`` is 429 with
``Retry-After``, also when the extra ones arrive at once, while other principals are unaffected."""

from __future__ import annotations

import asyncio

import httpx
from fastapi.testclient import TestClient

from tests.http.mcp.conftest import (
    MASTER,
    MCP_HEADERS,
    SESSIONS_PER_PRINCIPAL,
    Hub,
    LiveServer,
    bearer,
    initialize,
    open_session,
    session_headers,
)

LIST = {"jsonrpc": "2.0", "id": 9, "method": "tools/list"}


def test_a_session_presented_by_another_key_is_not_found(hub: Hub, client: TestClient) -> None:
    owner = hub.issue(None, "write")
    other = hub.issue(None, "write")
    session = open_session(client, owner)

    stolen_post = client.post("/mcp", json=LIST, headers=session_headers(other, session))
    stolen_get = client.get(
        "/mcp", headers={**session_headers(other, session), "Accept": "text/event-stream"}
    )
    stolen_delete = client.delete("/mcp", headers=session_headers(other, session))
    by_master = client.post("/mcp", json=LIST, headers=session_headers(MASTER, session))
    own = client.post("/mcp", json=LIST, headers=session_headers(owner, session))

    assert stolen_post.status_code == 404
    assert stolen_get.status_code == 404
    assert stolen_delete.status_code == 404
    assert by_master.status_code == 404  # even the master key: it did not open the session
    assert own.status_code == 200  # and the owner's session survived the attempts
    assert own.json()["result"]["tools"]


def test_a_session_belongs_to_the_endpoint_it_was_opened_on(client: TestClient) -> None:
    session = open_session(client, MASTER, "/mcp")

    elsewhere = client.post("/system/mcp", json=LIST, headers=session_headers(MASTER, session))
    with_slash = client.post("/mcp/", json=LIST, headers=session_headers(MASTER, session))

    assert elsewhere.status_code == 404
    assert with_slash.status_code == 200  # /mcp/ is /mcp


def test_the_session_quota_answers_429_and_frees_up_on_delete(hub: Hub, client: TestClient) -> None:
    assert SESSIONS_PER_PRINCIPAL == 2
    key = hub.issue(None, "read")
    other = hub.issue(None, "read")
    first = open_session(client, key)
    open_session(client, key, "/system/mcp")  # the quota counts sessions on every endpoint

    third = client.post("/mcp", json=initialize(), headers={**MCP_HEADERS, **bearer(key)})
    others = client.post("/mcp", json=initialize(), headers={**MCP_HEADERS, **bearer(other)})
    master = client.post("/mcp", json=initialize(), headers={**MCP_HEADERS, **bearer(MASTER)})

    assert third.status_code == 429
    assert third.headers["content-type"] == "application/json"
    assert int(third.headers["retry-after"]) >= 1
    assert third.json()["error"] == "too_many_sessions"
    assert "mcp-session-id" not in third.headers
    assert others.status_code == 200
    assert master.status_code == 200
    # Requests inside an existing session are not initialize: never counted against it.
    assert client.post("/mcp", json=LIST, headers=session_headers(key, first)).status_code == 200

    assert client.delete("/mcp", headers=session_headers(key, first)).status_code in (200, 204)
    again = client.post("/mcp", json=initialize(), headers={**MCP_HEADERS, **bearer(key)})
    assert again.status_code == 200


def test_refused_or_failed_openings_do_not_use_up_the_quota(hub: Hub, client: TestClient) -> None:
    key = hub.issue(None, "read")
    for _ in range(3):
        # No session id and not initialize: the SDK refuses it and keeps no session.
        refused = client.post("/mcp", json=LIST, headers={**MCP_HEADERS, **bearer(key)})
        assert refused.status_code == 400
        malformed = client.post("/mcp", content=b"{nope", headers={**MCP_HEADERS, **bearer(key)})
        assert malformed.status_code == 400

    open_session(client, key)
    open_session(client, key)


def test_concurrent_initializes_cannot_slip_past_the_quota(hub: Hub, live: LiveServer) -> None:
    one = hub.issue(None, "read")
    other = hub.issue(None, "read")
    attempts = {one: 6, other: 3}

    async def burst() -> dict[str, list[int]]:
        async with httpx.AsyncClient(timeout=10) as http:
            keys = [key for key, n in attempts.items() for _ in range(n)]
            answers = await asyncio.gather(
                *[
                    http.post(
                        live.url + "/mcp",
                        json=initialize(n),
                        headers={**MCP_HEADERS, **bearer(key)},
                    )
                    for n, key in enumerate(keys)
                ]
            )
        return {
            key: sorted(a.status_code for k, a in zip(keys, answers, strict=True) if k == key)
            for key in attempts
        }

    statuses = asyncio.run(burst())

    for key, n in attempts.items():
        assert statuses[key] == [200] * SESSIONS_PER_PRINCIPAL + [429] * (
            n - SESSIONS_PER_PRINCIPAL
        )

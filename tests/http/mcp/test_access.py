"""Who may do what at the HTTP level (ARCHITECTURE.md "Who may do what", issue 3 items 2 and 8):
a missing scope is 403 ``insufficient_scope`` naming the scope, a project outside the key's
binding is 403 ``forbidden``; either leaves exactly one ``ToolCall.Denied`` and never reaches the
site. Bodies over the cap (16 MiB) are 413, malformed JSON is the SDK's JSON-RPC parse error —
never 500."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from domain.tool_call import ToolCall
from interfaces.mcp.edge import MAX_BODY
from tests.http.mcp.conftest import (
    BASE,
    MASTER,
    MCP_HEADERS,
    Hub,
    LiveServer,
    bearer,
    call,
    initialize,
    open_session,
    session_headers,
)

MIB = 1024 * 1024
UA_TOKEN = "ua-token-" + "Wd4Fs8" * 3


def _challenge(header: str) -> dict[str, str]:
    scheme, _, rest = header.partition(" ")
    assert scheme == "Bearer"
    return dict(re.findall(r'(\w+)="([^"]*)"', rest))


def test_a_read_key_calling_a_write_tool_gets_insufficient_scope(
    hub: Hub, client: TestClient
) -> None:
    key = hub.issue(None, "read")
    session = open_session(client, key, "/wordpress/mcp")

    answer = client.post(
        "/wordpress/mcp",
        json=call("wp_create_post", {"site": "shop", "title": "Hi"}),
        headers={**session_headers(key, session), "User-Agent": f"probe/1 Bearer {UA_TOKEN}"},
    )

    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["error"] == "insufficient_scope"
    params = _challenge(answer.headers["www-authenticate"])
    assert params["error"] == "insufficient_scope"
    assert params["scope"] == "write"
    assert params["resource_metadata"] == (
        f"{BASE}/.well-known/oauth-protected-resource/wordpress/mcp"
    )
    denied = hub.events_of(ToolCall.Denied)
    assert [(d.reason, d.tool, d.project, d.endpoint) for d in denied] == [
        ("scope", "wp_create_post", "shop", "/wordpress/mcp")
    ]
    assert denied[0].client.startswith("probe/1 Bearer ")  # the client label, scrubbed
    assert UA_TOKEN not in denied[0].client
    assert hub.events_of(ToolCall.Requested) == []
    assert hub.gateway.requests == []


@pytest.mark.parametrize(
    ("project", "scope", "path", "tool", "arguments", "needed", "recorded_project"),
    [
        ("shop", "write", "/project/shop/mcp", "wp_delete_post", {"id": 4}, "admin", "shop"),
        (
            "shop",
            "write",
            "/system/mcp",
            "hub_issue_key",
            {"project": "shop", "scope": "read"},
            "admin",
            None,
        ),
        (None, "read", "/mcp", "wc_create_product", {"site": "shop", "name": "x"}, "write", "shop"),
    ],
    ids=["project-endpoint", "system-admin-tool", "all-projects-endpoint"],
)
def test_insufficient_scope_names_the_scope_on_every_kind_of_endpoint(
    hub: Hub,
    client: TestClient,
    project: str | None,
    scope: str,
    path: str,
    tool: str,
    arguments: dict[str, object],
    needed: str,
    recorded_project: str | None,
) -> None:
    key = hub.issue(project, scope)
    session = open_session(client, key, path)

    answer = client.post(path, json=call(tool, arguments), headers=session_headers(key, session))

    assert answer.status_code == 403
    params = _challenge(answer.headers["www-authenticate"])
    assert (params["error"], params["scope"]) == ("insufficient_scope", needed)
    assert params["resource_metadata"] == f"{BASE}/.well-known/oauth-protected-resource{path}"
    denied = hub.events_of(ToolCall.Denied)
    assert [(d.reason, d.tool, d.project) for d in denied] == [("scope", tool, recorded_project)]
    assert hub.gateway.requests == []


def test_a_read_key_may_still_read(hub: Hub, client: TestClient) -> None:
    key = hub.issue(None, "read")
    session = open_session(client, key, "/wordpress/mcp")

    answer = client.post(
        "/wordpress/mcp",
        json=call("wp_get_post", {"site": "shop", "id": 7}),
        headers=session_headers(key, session),
    )

    assert answer.status_code == 200
    assert answer.json()["result"]["isError"] is False
    assert [(alias, r.method, r.route) for alias, r in hub.gateway.requests] == [
        ("shop", "GET", "/wp/v2/posts/7")
    ]


@pytest.mark.parametrize("path", ["/mcp", "/mcp/", "/project/blog/mcp"])
def test_a_project_key_is_refused_at_endpoints_outside_its_binding(
    hub: Hub, client: TestClient, path: str
) -> None:
    key = hub.issue("shop", "admin")

    answer = client.post(path, json=initialize(), headers={**MCP_HEADERS, **bearer(key)})

    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["error"] == "forbidden"
    assert "mcp-session-id" not in answer.headers


def test_a_project_key_naming_another_project_is_forbidden_and_denied(
    hub: Hub, client: TestClient
) -> None:
    key = hub.issue("shop", "write")
    session = open_session(client, key, "/wordpress/mcp")

    refused = client.post(
        "/wordpress/mcp",
        json=call("wp_get_post", {"site": "blog", "id": 1}),
        headers=session_headers(key, session),
    )

    assert refused.status_code == 403
    assert refused.json()["error"] == "forbidden"
    # More scope would not help: no step-up challenge that would send a client to re-authorise.
    assert "insufficient_scope" not in refused.headers.get("www-authenticate", "")
    denied = hub.events_of(ToolCall.Denied)
    assert [(d.reason, d.tool, d.project) for d in denied] == [("project", "wp_get_post", "blog")]
    assert hub.gateway.requests == []

    own = client.post(
        "/wordpress/mcp",
        json=call("wp_get_post", {"site": "shop", "id": 1}),
        headers=session_headers(key, session),
    )
    assert own.status_code == 200
    assert [alias for alias, _ in hub.gateway.requests] == ["shop"]


def test_an_unknown_project_endpoint_is_404_for_a_key_that_may_see_all(
    client: TestClient,
) -> None:
    answer = client.post(
        "/project/unknown/mcp", json=initialize(), headers={**MCP_HEADERS, **bearer(MASTER)}
    )

    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/json"


def test_a_body_over_the_cap_is_413_json(client: TestClient) -> None:
    body = json.dumps({**initialize(), "padding": "x" * MAX_BODY}).encode()

    answer = client.post("/mcp", content=body, headers={**MCP_HEADERS, **bearer(MASTER)})

    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["error"] == "payload_too_large"


def test_a_chunked_body_over_the_cap_is_413_json(live: LiveServer) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(MAX_BODY // MIB + 1):
            yield b" " * MIB  # whitespace: valid JSON padding, only the size is wrong

    with httpx.Client(timeout=10) as http:
        answer = http.post(
            live.url + "/mcp", content=chunks(), headers={**MCP_HEADERS, **bearer(MASTER)}
        )

    assert answer.status_code == 413
    assert answer.json()["error"] == "payload_too_large"


def test_a_body_just_under_the_cap_is_not_refused_for_its_size(client: TestClient) -> None:
    body = json.dumps(initialize()).encode()
    body += b" " * (MAX_BODY - len(body))

    answer = client.post("/mcp", content=body, headers={**MCP_HEADERS, **bearer(MASTER)})

    assert answer.status_code == 200


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"", b"[" * 100_000, b'{"jsonrpc": "2.0", "id": 1, "method": ' + b"[" * 50_000],
    ids=["garbage", "empty", "deep-nesting", "deep-nesting-in-object"],
)
def test_malformed_json_is_the_sdks_parse_error_not_a_500(client: TestClient, body: bytes) -> None:
    answer = client.post("/mcp", content=body, headers={**MCP_HEADERS, **bearer(MASTER)})

    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == -32700  # JSON-RPC parse error

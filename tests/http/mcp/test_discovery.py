"""F01 (protected-resource documents): one JSON document per MCP endpoint at the RFC 9728 path,
``resource`` byte-equal to the endpoint's URL; everything else under ``/.well-known/`` is a JSON
404 — the authorization-server metadata too, until the OAuth issue serves it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from domain.principal import OPERATOR
from tests.http.mcp.conftest import BASE, Hub

PRM = "/.well-known/oauth-protected-resource"


@pytest.mark.parametrize(
    ("path", "resource"),
    [
        (f"{PRM}/mcp", f"{BASE}/mcp"),
        (PRM, f"{BASE}/mcp"),
        (f"{PRM}/wordpress/mcp", f"{BASE}/wordpress/mcp"),
        (f"{PRM}/woocommerce/mcp", f"{BASE}/woocommerce/mcp"),
        (f"{PRM}/project/shop/mcp", f"{BASE}/project/shop/mcp"),
        (f"{PRM}/system/mcp", f"{BASE}/system/mcp"),
    ],
)
def test_each_endpoint_has_its_own_document(shared: TestClient, path: str, resource: str) -> None:
    answer = shared.get(path, follow_redirects=False)

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    document = answer.json()
    assert document["resource"] == resource  # byte for byte: no trailing slash, public origin
    assert document["bearer_methods_supported"] == ["header"]
    assert {"read", "write", "admin"} <= set(document["scopes_supported"])
    assert isinstance(document["authorization_servers"], list)


@pytest.mark.parametrize(
    "path",
    [
        "/.well-known/nonexistent",
        "/.well-known/oauth-authorization-server",
        "/.well-known/oauth-authorization-server/mcp",
        "/.well-known/openid-configuration",
        f"{PRM}/",
        f"{PRM}/mcp/",
        f"{PRM}/nope/mcp",
        f"{PRM}/project/unknown/mcp",  # decision: a document exists only for a live project
        f"{PRM}/project/Shop/mcp",
    ],
)
def test_anything_else_is_a_json_404_never_a_page_or_a_redirect(
    shared: TestClient, path: str
) -> None:
    answer = shared.get(path, follow_redirects=False)

    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/json"
    assert "location" not in answer.headers
    assert answer.json()["error"]


def test_a_retired_project_loses_its_document(client: TestClient, hub: Hub) -> None:
    assert client.get(f"{PRM}/project/blog/mcp").status_code == 200
    hub.container.hub.retire_project(OPERATOR, "blog")

    assert client.get(f"{PRM}/project/blog/mcp").status_code == 404


def test_documents_answer_any_origin_and_their_preflight(shared: TestClient) -> None:
    origin = {"Origin": "https://anywhere.example"}
    document = shared.get(f"{PRM}/mcp", headers=origin)
    missing = shared.get("/.well-known/oauth-authorization-server", headers=origin)
    preflight = shared.options(
        f"{PRM}/mcp",
        headers={
            **origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "mcp-protocol-version",
        },
    )

    assert document.headers["access-control-allow-origin"] == "*"
    assert missing.headers["access-control-allow-origin"] == "*"
    assert preflight.status_code in (200, 204)
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "GET" in preflight.headers["access-control-allow-methods"]
    assert "mcp-protocol-version" in preflight.headers["access-control-allow-headers"].lower()

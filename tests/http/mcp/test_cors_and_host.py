"""F07 and DNS-rebinding protection: preflights on the MCP endpoints are answered before
authentication for allowed origins (localhost, the public origin, ``ALLOWED_ORIGINS``) and
refused (403) for others; the real 401 exposes the headers a browser client must read. Host is
checked before anything else: a foreign Host is 421 (the SDK's own answer for it), whatever the
credential."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from interfaces.mcp.policy import OriginPolicy
from tests.http.mcp.conftest import (
    ALLOWED_HOST,
    ALLOWED_ORIGIN,
    BASE,
    ENDPOINTS,
    MASTER,
    MCP_HEADERS,
    bearer,
    initialize,
)

BROWSER_HEADERS = "authorization, content-type, mcp-protocol-version, mcp-session-id, last-event-id"


@pytest.mark.parametrize(
    "origin",
    [
        "http://localhost:5173",
        "http://127.0.0.1:6274",
        "http://[::1]:3000",
        ALLOWED_ORIGIN,
        f"{ALLOWED_ORIGIN}:443",
        BASE,
    ],
)
@pytest.mark.parametrize("path", [*ENDPOINTS, "/mcp/"])
def test_a_preflight_from_an_allowed_origin_is_answered_before_authentication(
    shared: TestClient, origin: str, path: str
) -> None:
    answer = shared.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": BROWSER_HEADERS,
        },
    )

    assert 200 <= answer.status_code < 300
    assert answer.headers["access-control-allow-origin"] == origin
    assert "origin" in answer.headers["vary"].lower()
    methods = {m.strip() for m in answer.headers["access-control-allow-methods"].split(",")}
    assert {"GET", "POST", "DELETE"} <= methods
    allowed = {h.strip().lower() for h in answer.headers["access-control-allow-headers"].split(",")}
    assert {h.strip() for h in BROWSER_HEADERS.split(",")} <= allowed
    assert "www-authenticate" not in answer.headers


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "http://localhost.evil.example",
        "https://app.example.org.evil.example",
        "http://app.example.org",  # the allowed origin is https
        "null",
    ],
)
def test_a_preflight_from_another_origin_is_refused(shared: TestClient, origin: str) -> None:
    answer = shared.options(
        "/mcp",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": BROWSER_HEADERS,
        },
    )

    assert answer.status_code == 403
    assert "access-control-allow-origin" not in answer.headers


def test_a_request_from_another_origin_is_refused_even_with_the_master_key(
    shared: TestClient,
) -> None:
    answer = shared.post(
        "/mcp",
        json=initialize(),
        headers={**MCP_HEADERS, **bearer(MASTER), "Origin": "https://evil.example"},
    )

    assert answer.status_code == 403
    assert "mcp-session-id" not in answer.headers


def test_the_real_401_exposes_the_headers_a_browser_client_reads(shared: TestClient) -> None:
    answer = shared.post(
        "/mcp", json=initialize(), headers={**MCP_HEADERS, "Origin": "http://localhost:5173"}
    )

    assert answer.status_code == 401
    assert answer.headers["access-control-allow-origin"] == "http://localhost:5173"
    exposed = {
        h.strip().lower() for h in answer.headers["access-control-expose-headers"].split(",")
    }
    assert {"www-authenticate", "mcp-session-id", "retry-after"} <= exposed


def test_a_successful_answer_exposes_the_session_id(shared: TestClient) -> None:
    answer = shared.post(
        "/mcp",
        json=initialize(),
        headers={**MCP_HEADERS, **bearer(MASTER), "Origin": ALLOWED_ORIGIN},
    )

    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "mcp-session-id" in answer.headers["access-control-expose-headers"].lower()
    shared.delete(
        "/mcp", headers={**bearer(MASTER), "Mcp-Session-Id": answer.headers["mcp-session-id"]}
    )


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:80", "localhost.evil.example", "127.0.0.1.nip.io"]
)
@pytest.mark.parametrize("method", ["POST", "OPTIONS", "GET"])
def test_a_foreign_host_is_refused_before_authentication(
    shared: TestClient, host: str, method: str
) -> None:
    answer = shared.request(
        method,
        "/mcp",
        json=initialize() if method == "POST" else None,
        headers={
            **MCP_HEADERS,
            **bearer(MASTER),
            "Host": host,
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "POST",
        },
    )

    assert answer.status_code == 421
    assert answer.headers["content-type"] == "application/json"
    assert "www-authenticate" not in answer.headers
    assert "mcp-session-id" not in answer.headers
    assert "access-control-allow-origin" not in answer.headers


@pytest.mark.parametrize(
    "host",
    [
        "localhost:1234",
        "localhost",
        "127.0.0.1:8080",
        "[::1]:8080",
        "hub.example.com",
        "HUB.example.com:443",
        ALLOWED_HOST,
        f"{ALLOWED_HOST}:8443",
    ],
)
def test_loopback_the_public_host_and_allowed_hosts_are_accepted(
    shared: TestClient, host: str
) -> None:
    unauthenticated = shared.post("/mcp", json=initialize(), headers={**MCP_HEADERS, "Host": host})
    opened = shared.post(
        "/mcp", json=initialize(), headers={**MCP_HEADERS, **bearer(MASTER), "Host": host}
    )

    assert unauthenticated.status_code == 401
    assert opened.status_code == 200, opened.text
    shared.delete(
        "/mcp",
        headers={
            **bearer(MASTER),
            "Host": host,
            "Mcp-Session-Id": opened.headers["mcp-session-id"],
        },
    )


@pytest.mark.parametrize(
    ("public", "allowed", "origin", "expected"),
    [
        ("https://hub.example.com:443", [], "https://hub.example.com", True),
        ("https://hub.example.com", [], "https://HUB.example.com:443", True),
        ("https://hub.example.com:8443", [], "https://hub.example.com", False),
        ("https://hub.example.com:8443", [], "https://hub.example.com:8443", True),
        ("http://127.0.0.1:8080", ["http://app.example.org:80/"], "http://app.example.org", True),
        ("http://127.0.0.1:8080", ["https://app.example.org"], "http://app.example.org", False),
        ("http://127.0.0.1:8080", [], "http://app.example.org:8080", False),
    ],
)
def test_origins_compare_as_origins_default_ports_included(
    public: str, allowed: list[str], origin: str, expected: bool
) -> None:
    policy = OriginPolicy.build(public, [], allowed)

    assert policy.origin_allowed(origin) is expected

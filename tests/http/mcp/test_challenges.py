"""F02: every 401 on an MCP endpoint carries a usable challenge — ``Bearer``, the absolute URL
of this endpoint's own protected-resource document (which resolves to a document naming this
endpoint), ``error="invalid_token"`` whenever a credential was presented, a JSON body, and the
same challenge whichever kind of credential failed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from domain.principal import OPERATOR
from tests.fakes import FakeClock
from tests.http.mcp.conftest import BASE, ENDPOINTS, MCP_HEADERS, Hub, bearer, initialize

NOT_A_KEY = "mcphub_aaaaaaaaaaaa_" + "B" * 43  # the hub's key format, never issued

PRESENTED = {
    "Bearer (empty)": "Bearer",
    "Bearer x": "Bearer x",
    "Basic": "Basic dXNlcjpwYXNz",
    "invalid API key": f"Bearer {NOT_A_KEY}",
    "master key under another scheme": "Token whatever",
}


def _params(header: str) -> dict[str, str]:
    scheme, _, rest = header.partition(" ")
    assert scheme == "Bearer"
    return dict(re.findall(r'(\w+)="([^"]*)"', rest))


def _assert_challenge(answer: Any, endpoint: str, presented: bool) -> dict[str, str]:
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["error"] == ("invalid_token" if presented else "unauthorized")
    params = _params(answer.headers["www-authenticate"])
    assert params["resource_metadata"] == f"{BASE}/.well-known/oauth-protected-resource{endpoint}"
    if presented:
        assert params["error"] == "invalid_token"
    else:
        assert "error" not in params  # RFC 6750 3.1: no error code without a credential
    return params


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_no_credential_gets_the_challenge_of_this_endpoint(
    shared: TestClient, endpoint: str
) -> None:
    answer = shared.post(endpoint, json=initialize(), headers=MCP_HEADERS)

    _assert_challenge(answer, endpoint, presented=False)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("authorization", PRESENTED.values(), ids=PRESENTED.keys())
def test_a_failed_credential_of_any_kind_gets_the_same_challenge(
    shared: TestClient, endpoint: str, authorization: str
) -> None:
    answer = shared.post(
        endpoint, json=initialize(), headers={**MCP_HEADERS, "Authorization": authorization}
    )

    params = _assert_challenge(answer, endpoint, presented=True)
    reference = shared.post(endpoint, json=initialize(), headers={**MCP_HEADERS, **bearer("x")})
    assert answer.headers["www-authenticate"] == reference.headers["www-authenticate"]
    assert params["error"] == "invalid_token"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_resource_metadata_url_resolves_to_this_endpoints_document(
    shared: TestClient, endpoint: str
) -> None:
    challenge = shared.post(endpoint, json=initialize(), headers=MCP_HEADERS)
    url = _params(challenge.headers["www-authenticate"])["resource_metadata"]
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE  # absolute, on the public origin

    document = shared.get(parts.path, headers={"Host": parts.netloc}, follow_redirects=False)

    assert document.status_code == 200
    assert document.headers["content-type"] == "application/json"
    assert document.json()["resource"] == f"{BASE}{endpoint}"


def test_an_expired_key_gets_the_challenge_and_a_live_one_does_not(
    hub: Hub, client: TestClient
) -> None:
    clock = FakeClock(datetime.now(UTC))
    hub.container.hub.authenticator._clock = clock
    key = hub.issue(None, "read", expires_at=datetime.now(UTC) + timedelta(hours=1))
    live = client.post("/mcp", json=initialize(), headers={**MCP_HEADERS, **bearer(key)})
    assert live.status_code == 200

    clock.advance(hours=2)
    expired = client.post("/mcp", json=initialize(), headers={**MCP_HEADERS, **bearer(key)})

    _assert_challenge(expired, "/mcp", presented=True)


def test_a_revoked_key_gets_the_challenge(hub: Hub, client: TestClient) -> None:
    issued = hub.container.hub.issue_key(OPERATOR, None, "read")
    hub.container.hub.revoke_key(OPERATOR, issued.info.key_id)

    answer = client.post("/mcp", json=initialize(), headers={**MCP_HEADERS, **bearer(issued.key)})

    _assert_challenge(answer, "/mcp", presented=True)


@pytest.mark.parametrize("method", ["GET", "DELETE", "HEAD"])
def test_other_methods_are_challenged_too(shared: TestClient, method: str) -> None:
    answer = shared.request(method, "/mcp/", headers={"Accept": "text/event-stream"})

    assert answer.status_code == 401
    params = _params(answer.headers["www-authenticate"])
    assert params["resource_metadata"] == f"{BASE}/.well-known/oauth-protected-resource/mcp"

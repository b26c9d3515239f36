"""F11 and F12: ``/mcp`` and ``/mcp/`` are both served (also with a chunked body), never
redirected; GET opens an SSE stream whose headers arrive at once, HEAD is 401/405, DELETE ends
the session — never 200 JSON, never a hang, never 500. Streaming and chunked bodies are tested
over a real socket."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.http.mcp.conftest import (
    BASE,
    MASTER,
    MCP_HEADERS,
    PROTOCOL,
    LiveServer,
    bearer,
    initialize,
    open_session,
    session_headers,
)


@pytest.mark.parametrize("path", ["/mcp", "/mcp/", "/wordpress/mcp/", "/project/shop/mcp/"])
def test_initialize_is_served_with_and_without_the_trailing_slash(
    client: TestClient, path: str
) -> None:
    answer = client.post(
        path, json=initialize(), headers={**MCP_HEADERS, **bearer(MASTER)}, follow_redirects=False
    )

    assert answer.status_code == 200, answer.text
    assert answer.json()["result"]["protocolVersion"] == PROTOCOL
    assert answer.headers["mcp-session-id"]


@pytest.mark.parametrize("path", ["/mcp", "/mcp/"])
def test_unauthenticated_initialize_is_challenged_on_both(client: TestClient, path: str) -> None:
    answer = client.post(path, json=initialize(), headers=MCP_HEADERS, follow_redirects=False)

    assert answer.status_code == 401
    assert (
        f'resource_metadata="{BASE}/.well-known/oauth-protected-resource/mcp"'
        in answer.headers["www-authenticate"]
    )


def _chunks(body: bytes) -> Iterator[bytes]:
    # A generator body: httpx sends it with Transfer-Encoding: chunked and no Content-Length.
    yield body[:7]
    yield body[7:40]
    yield body[40:]


@pytest.mark.parametrize("path", ["/mcp", "/mcp/"])
def test_a_chunked_initialize_over_real_http_is_served(live: LiveServer, path: str) -> None:
    body = json.dumps(initialize()).encode()
    with httpx.Client(timeout=5) as http:
        answer = http.post(
            live.url + path,
            content=_chunks(body),
            headers={**MCP_HEADERS, **bearer(MASTER)},
            follow_redirects=False,
        )
        unauthenticated = http.post(
            live.url + path, content=_chunks(body), headers=MCP_HEADERS, follow_redirects=False
        )

    assert answer.request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in answer.request.headers
    assert answer.status_code == 200, answer.text
    assert answer.json()["result"]["serverInfo"]["name"] == "mcphub"
    assert unauthenticated.status_code == 401
    assert "resource_metadata=" in unauthenticated.headers["www-authenticate"]


def _head_of_response(port: int, request: bytes, timeout: float) -> bytes:
    """Send a raw request; return what arrived up to the end of the headers (or the timeout)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        received = b""
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in received and time.monotonic() < deadline:
            try:
                chunk = sock.recv(4096)
            except TimeoutError:
                break
            if not chunk:
                break
            received += chunk
        return received


def test_an_authenticated_get_opens_a_stream_whose_headers_arrive_at_once(
    live: LiveServer,
) -> None:
    with httpx.Client(timeout=5) as http:
        session = open_session(http, MASTER, live.url + "/mcp")
    request = (
        f"GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:{live.port}\r\n"
        f"Authorization: Bearer {MASTER}\r\nAccept: text/event-stream\r\n"
        f"Mcp-Session-Id: {session}\r\nMcp-Protocol-Version: {PROTOCOL}\r\n\r\n"
    ).encode()

    started = time.monotonic()
    head = _head_of_response(live.port, request, timeout=2.0)
    elapsed = time.monotonic() - started

    status_line, _, rest = head.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 "), head
    status = int(status_line.split()[1])
    assert b"\r\n\r\n" in head, f"headers did not arrive within 2 s: {head!r}"
    assert elapsed < 1.5
    if status == 405:  # the other acceptable answer
        assert b"allow:" in rest.lower()
    else:
        assert status == 200
        assert b"content-type: text/event-stream" in rest.lower()
        assert b"application/json" not in rest.lower()
    # The hub still answers after the stream was dropped.
    with httpx.Client(timeout=5) as http:
        assert (
            http.post(live.url + "/mcp", json=initialize(), headers=MCP_HEADERS).status_code == 401
        )


def test_a_get_never_answers_200_json(client: TestClient) -> None:
    session = open_session(client, MASTER)
    no_sse = client.get(
        "/mcp", headers={**bearer(MASTER), "Accept": "application/json", "Mcp-Session-Id": session}
    )
    no_session = client.get("/mcp", headers={**bearer(MASTER), "Accept": "text/event-stream"})

    for answer in (no_sse, no_session):
        assert answer.status_code in (400, 405, 406), answer.text
        assert answer.status_code != 200


def test_a_get_in_the_sessionless_era_is_405_with_allow(client: TestClient) -> None:
    answer = client.get(
        "/mcp",
        headers={
            **bearer(MASTER),
            "Accept": "text/event-stream",
            "Mcp-Protocol-Version": "2026-07-28",
        },
    )

    assert answer.status_code == 405
    assert "POST" in answer.headers["allow"]


def test_head_is_401_unauthenticated_and_405_authenticated(live: LiveServer) -> None:
    with httpx.Client(timeout=5) as http:
        anonymous = http.head(live.url + "/mcp")
        known = http.head(live.url + "/mcp", headers=bearer(MASTER))
        known_slash = http.head(live.url + "/mcp/", headers=bearer(MASTER))

    assert anonymous.status_code == 401
    assert "resource_metadata=" in anonymous.headers["www-authenticate"]
    for answer in (known, known_slash):
        assert answer.status_code == 405
        assert "POST" in answer.headers["allow"]
        assert answer.content == b""


def test_delete_ends_the_session_and_its_id_then_gives_404(client: TestClient) -> None:
    session = open_session(client, MASTER)
    listed = client.post(
        "/mcp",
        json={"jsonrpc": "2.0", "id": 5, "method": "tools/list"},
        headers=session_headers(MASTER, session),
    )
    assert listed.status_code == 200

    deleted = client.delete("/mcp", headers=session_headers(MASTER, session))
    after = client.post(
        "/mcp",
        json={"jsonrpc": "2.0", "id": 6, "method": "tools/list"},
        headers=session_headers(MASTER, session),
    )
    again = client.delete("/mcp", headers=session_headers(MASTER, session))

    assert deleted.status_code in (200, 204)
    assert after.status_code == 404
    assert again.status_code == 404


@pytest.mark.parametrize("method", ["POST", "GET", "DELETE"])
def test_an_unknown_session_id_gives_404(client: TestClient, method: str) -> None:
    answer = client.request(
        method,
        "/mcp",
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"} if method == "POST" else None,
        headers={
            **session_headers(MASTER, "0" * 32),
            "Accept": "application/json, text/event-stream",
        },
    )

    assert answer.status_code == 404

"""Fixtures for the MCP endpoints over HTTP: a hub with a fake site gateway, in-process
(Starlette's TestClient) or on a real loopback socket (uvicorn in a thread) for streaming and
chunked bodies.

The hub's public origin is ``https://hub.example.com`` (so challenges and metadata carry an
absolute URL that is not the test server's own); ``alt.example.net`` is an extra allowed host
and ``https://app.example.org`` an extra allowed origin. Each principal may hold two sessions.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from application.dto import SiteCredentials
from application.sites import SiteConnection, SiteRequest, SiteResponse
from domain.principal import OPERATOR
from infrastructure.settings import load_settings
from interfaces.bootstrap import Container, build
from interfaces.http.app import create_app

MASTER = "hub-master-key-" + "Vb8nR3tW6y" * 3
BASE = "https://hub.example.com"
ALLOWED_HOST = "alt.example.net"
ALLOWED_ORIGIN = "https://app.example.org"
SESSIONS_PER_PRINCIPAL = 2
PROTOCOL = "2025-11-25"
WP_PASSWORD = "abcd EFGH 1234 ijkl MNOP 5678"
WC_KEY = "ck_4f8a1b2c3d4e5f60718293a4b5c6d7e8f9012345"
WC_SECRET = "cs_9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a291807"
ENDPOINTS = ("/mcp", "/wordpress/mcp", "/project/shop/mcp", "/system/mcp")

Handler = Callable[[SiteRequest], SiteResponse]


@dataclass
class FakeGateway:
    """A SiteGateway that records every request and answers from ``handler`` (default: an empty
    object). A handler may raise :class:`SiteError` to play an upstream failure."""

    handler: Handler = lambda request: SiteResponse(200, {})
    requests: list[tuple[str, SiteRequest]] = field(default_factory=list)

    async def call(self, site: SiteConnection, request: SiteRequest) -> SiteResponse:
        self.requests.append((site.alias, request))
        return self.handler(request)

    async def call_all(
        self, site: SiteConnection, request: SiteRequest, *, max_pages: int
    ) -> SiteResponse:
        return await self.call(site, request)

    async def aclose(self) -> None:
        return None


@dataclass
class Hub:
    """The running hub as a test sees it."""

    container: Container
    gateway: FakeGateway
    data_dir: Path

    def issue(self, project: str | None, scope: str, expires_at: datetime | None = None) -> str:
        return self.container.hub.issue_key(OPERATOR, project, scope, expires_at=expires_at).key

    def events(self) -> list[Any]:
        hub = self.container.hub
        notes = hub.recorder.select_notifications(start=1, limit=100_000)
        return [hub.mapper.to_domain_event(n) for n in notes]

    def events_of(self, kind: type) -> list[Any]:
        return [e for e in self.events() if isinstance(e, kind)]


@pytest.fixture
def gateway() -> FakeGateway:
    return FakeGateway()


@contextlib.contextmanager
def running_hub(data_dir: Path, gateway: FakeGateway) -> Iterator[Hub]:
    """A hub over a fresh store with two projects: ``shop`` (WordPress and WooCommerce) and
    ``blog`` (WordPress)."""
    settings = load_settings(
        data_dir=data_dir,
        master_api_key=MASTER,
        public_base_url=BASE,
        allowed_hosts=[ALLOWED_HOST],
        allowed_origins=[ALLOWED_ORIGIN],
        mcp_sessions_per_principal=SESSIONS_PER_PRINCIPAL,
    )
    container = build(settings, gateway=gateway)
    try:
        container.hub.register_project(
            OPERATOR,
            "shop",
            "https://shop.example.com",
            SiteCredentials(
                wp_user="editor", wp_password=WP_PASSWORD, wc_key=WC_KEY, wc_secret=WC_SECRET
            ),
        )
        container.hub.register_project(
            OPERATOR,
            "blog",
            "https://blog.example.com",
            SiteCredentials(wp_user="editor", wp_password=WP_PASSWORD),
        )
        yield Hub(container, gateway, data_dir)
    finally:
        container.close()


@pytest.fixture
def hub(tmp_path: Path, gateway: FakeGateway) -> Iterator[Hub]:
    with running_hub(tmp_path / "data", gateway) as running:
        yield running


@pytest.fixture
def client(hub: Hub) -> Iterator[TestClient]:
    """In-process; requests go to ``http://localhost`` (an accepted host) unless told otherwise."""
    with TestClient(create_app(hub.container), base_url="http://localhost") as test_client:
        yield test_client


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One hub for a module's tests that change nothing (discovery, challenges, CORS): quicker
    than a hub per test. Tests that open sessions, issue keys or call tools use ``client``."""
    data_dir = tmp_path_factory.mktemp("shared") / "data"
    with (
        running_hub(data_dir, FakeGateway()) as running,
        TestClient(create_app(running.container), base_url="http://localhost") as test_client,
    ):
        yield test_client


@dataclass
class LiveServer:
    url: str
    port: int
    logs: list[str]


class _Capture(logging.Handler):
    """Every record of the server side at DEBUG (the most a deployment can log), with its
    exception text; the test's own HTTP client (httpx, httpcore) is not the server."""

    _CLIENT = ("httpx", "httpcore", "httpx2")

    def __init__(self, lines: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.lines = lines
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] not in self._CLIENT:
            self.lines.append(self.format(record))


@pytest.fixture
def live(hub: Hub) -> Iterator[LiveServer]:
    """The app under uvicorn on a free loopback port, configured as ``mcphub serve`` runs it
    (no uvicorn access log); the server's log records are captured in ``logs``."""
    lines: list[str] = []
    capture = _Capture(lines)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(hub.container),
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=2,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", port, lines)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        root.removeHandler(capture)
        root.setLevel(previous)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


MCP_HEADERS = {
    "Accept": "application/json, text/event-stream",
    "Content-Type": "application/json",
}


def initialize(request_id: int = 1) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "initialize",
        "params": {
            "protocolVersion": PROTOCOL,
            "capabilities": {},
            "clientInfo": {"name": "field-case-tests", "version": "1"},
        },
    }


def call(name: str, arguments: dict[str, Any], request_id: int = 2) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "tools/call",
        "params": {"name": name, "arguments": arguments},
    }


def open_session(client: Any, key: str, path: str = "/mcp") -> str:
    """``initialize`` + ``notifications/initialized``; the session id."""
    opened = client.post(path, json=initialize(), headers={**MCP_HEADERS, **bearer(key)})
    assert opened.status_code == 200, opened.text
    session = opened.headers["mcp-session-id"]
    done = client.post(
        path,
        json={"jsonrpc": "2.0", "method": "notifications/initialized"},
        headers=session_headers(key, session),
    )
    assert done.status_code == 202, done.text
    return str(session)


def session_headers(key: str, session: str) -> dict[str, str]:
    return {
        **MCP_HEADERS,
        **bearer(key),
        "Mcp-Session-Id": session,
        "Mcp-Protocol-Version": PROTOCOL,
    }

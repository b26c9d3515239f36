"""The hub over real HTTP, in-process, for end-to-end tests with the official MCP client.

``running_hub`` builds the hub exactly as ``mcphub serve`` does (``build`` + ``create_app``) on a
temporary SQLite data directory, serves it with uvicorn on a free loopback port in a thread, and
stops it cleanly::

    with running_hub(tmp_path, gateway=HttpxSiteGateway(allow=["127.0.0.1"])) as hub:
        hub.register("blog", wordpress.base_url, wordpress.user, wordpress.app_password)
        async with hub.client("/project/blog/mcp", hub.master_key, mode="auto") as client:
            result = await client.call_tool("wp_list_posts", {})

``mode="legacy"`` speaks the 2025-11-25 protocol (``initialize`` and a session id),
``mode="auto"`` the 2026-07-28 one (sessionless). :meth:`HubServer.rpc` posts one raw JSON-RPC
message, for assertions on HTTP status and headers the SDK turns into exceptions.
:meth:`HubServer.tool_calls` reads the ``ToolCall`` events back from the event store.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import httpx2
import uvicorn
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from application.dto import SiteCredentials
from application.sites import SiteGateway
from domain.principal import OPERATOR
from infrastructure.settings import load_settings
from interfaces.bootstrap import Container, build
from interfaces.http.app import create_app

MASTER_KEY = "e2e-master-key-Qx7Lm2Pz9Kc4Vb8Nw3Rt6Yh1"
TOOL_CALL_TOPIC = "domain.tool_call:ToolCall."
LEGACY_PROTOCOL = "2025-11-25"
ACCEPT = "application/json, text/event-stream"


@dataclass(frozen=True)
class RecordedEvent:
    """One ``ToolCall`` event as stored: its position, kind, aggregate and raw state."""

    position: int
    kind: str
    """``Requested``, ``Completed``, ``Failed`` or ``Denied``."""
    originator_id: str
    event: Any
    state: bytes = field(repr=False)


@dataclass
class HubServer:
    url: str
    """``http://127.0.0.1:<port>``, also the hub's ``PUBLIC_BASE_URL``."""
    container: Container
    master_key: str

    # -- set-up ----------------------------------------------------------------------------------

    def register(
        self,
        alias: str,
        base_url: str,
        wp_user: str,
        wp_password: str,
        *,
        wc_key: str | None = None,
        wc_secret: str | None = None,
    ) -> None:
        credentials = SiteCredentials(
            wp_user=wp_user, wp_password=wp_password, wc_key=wc_key, wc_secret=wc_secret
        )
        self.container.hub.register_project(OPERATOR, alias, base_url, credentials)

    def issue_key(self, project: str | None, scope: str) -> str:
        return self.container.hub.issue_key(OPERATOR, project, scope, label="e2e").key

    # -- talking to it ---------------------------------------------------------------------------

    @asynccontextmanager
    async def client(self, path: str, token: str, *, mode: str = "auto") -> AsyncIterator[Client]:
        """The official SDK client on ``path`` with ``token`` as the bearer credential."""
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx2.AsyncClient(headers=headers, timeout=60) as http:
            transport = streamable_http_client(self.url + path, http_client=http)
            async with Client(transport, mode=mode) as client:  # type: ignore[arg-type]
                yield client

    def rpc(
        self,
        path: str,
        token: str | None,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> httpx2.Response:
        """One raw JSON-RPC request over HTTP (no session: the edge answers before the SDK)."""
        sent = {
            "Accept": ACCEPT,
            "Content-Type": "application/json",
            "MCP-Protocol-Version": LEGACY_PROTOCOL,
            **(headers or {}),
        }
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params or {}}
        with httpx2.Client(timeout=30) as http:
            return http.post(self.url + path, json=body, headers=sent)

    # -- the event log ---------------------------------------------------------------------------

    def position(self) -> int:
        return self.container.hub.recorder.max_notification_id() or 0

    def tool_calls(self, after: int = 0) -> list[RecordedEvent]:
        """Every ``ToolCall`` event after notification ``after``, in log order."""
        hub = self.container.hub
        found = []
        for note in hub.recorder.select_notifications(start=after + 1, limit=1_000_000):
            if not note.topic.startswith(TOOL_CALL_TOPIC):
                continue
            found.append(
                RecordedEvent(
                    position=note.id,
                    kind=note.topic.removeprefix(TOOL_CALL_TOPIC),
                    originator_id=str(note.originator_id),
                    event=hub.mapper.to_domain_event(note),
                    state=bytes(note.state),
                )
            )
        return found

    def all_state(self) -> bytes:
        """Every stored event's raw state, for grepping for secrets."""
        notes = self.container.hub.recorder.select_notifications(start=1, limit=1_000_000)
        return b"\n".join(bytes(n.state) for n in notes)


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def _with_shutdown_hooks(app: ASGIApp, hooks: Sequence[Callable[[], Awaitable[None]]]) -> ASGIApp:
    """Run ``hooks`` on the server's own event loop once the app has shut down (closing a
    transport the test owns where its connections live)."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan" or not hooks:
            await app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                for hook in hooks:
                    await hook()
            await send(message)

        await app(scope, receive, sending)

    return wrapped


@contextmanager
def running_hub(
    data_dir: Path,
    *,
    master_key: str = MASTER_KEY,
    gateway: SiteGateway | None = None,
    site_allowlist: Sequence[str] = ("127.0.0.1",),
    on_shutdown: Sequence[Callable[[], Awaitable[None]]] = (),
    start_timeout: float = 15.0,
) -> Iterator[HubServer]:
    """The hub on a free port; ``gateway`` replaces the default httpx site gateway."""
    sock = free_socket()
    port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    settings = load_settings(
        data_dir=data_dir,
        database_url=None,
        master_api_key=master_key,
        site_allowlist=list(site_allowlist),
        public_base_url=url,
        allowed_hosts=[],
        allowed_origins=[],
        projection_poll_interval=0.05,
    )
    container = build(settings, gateway=gateway)
    app = _with_shutdown_hooks(create_app(container), on_shutdown)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="e2e-hub", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + start_timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the hub did not start")
            time.sleep(0.02)
        yield HubServer(url=url, container=container, master_key=master_key)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
        container.close()
        if thread.is_alive():  # pragma: no cover - a hang is a failure, not a leak
            raise RuntimeError("the hub did not stop within 15 s")


class CountingTransport(httpx.AsyncBaseTransport):
    """Real HTTP (for the site gateway) that remembers every request's method and URL."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport(retries=0)
        self.requests: list[tuple[str, httpx.URL]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, request.url))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def rest_calls(self, route: str) -> list[httpx.URL]:
        """Requests for one REST route (``?rest_route=`` or ``/wp-json``), discovery excluded."""
        return [
            url
            for _, url in self.requests
            if url.params.get("rest_route") == route or url.path == f"/wp-json{route}"
        ]


class StaticResolver:
    """DNS for made-up host names (the site gateway never asks real DNS in these tests)."""

    def __init__(self, table: dict[str, Sequence[str]]) -> None:
        self.table = table

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        if host not in self.table:
            raise OSError(-2, "Name or service not known")
        return self.table[host]

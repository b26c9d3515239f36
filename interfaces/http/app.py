"""The FastAPI application: health, the admin API, OpenAPI at ``/docs``.

The hub's own access log records method, path (never the query string), status and duration;
the server's default access log is switched off by ``serve`` because it prints query strings.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interfaces.bootstrap import Container
from interfaces.http import routes_keys, routes_projects, well_known
from interfaces.http.errors import error_response, install_error_handlers
from interfaces.mcp.edge import McpEdge
from interfaces.mcp.policy import OriginPolicy
from interfaces.mcp.server import build_server
from interfaces.version import hub_version

access_log = logging.getLogger("mcphub.access")

MAX_BODY_BYTES = 64 * 1024


class BodyLimit:
    """Refuses bodies over ``limit`` bytes with 413, by declared length or as they stream."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        too_large = error_response(413, "payload_too_large", f"body over {self.limit} bytes")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await too_large(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await too_large(scope, receive, send)


class _TooLarge(Exception):  # noqa: N818 - control flow inside BodyLimit
    pass


def create_app(container: Container) -> ASGIApp:
    """The whole HTTP surface: the MCP endpoints (behind their edge) and the FastAPI app."""
    settings = container.settings
    manager = StreamableHTTPSessionManager(
        app=build_server(container.tools),
        json_response=True,
        # One Host/Origin policy, the hub's own (McpEdge); the SDK's check would be a second.
        security_settings=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        max_sessions=10_000,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        container.hub.projections.start()
        try:
            async with manager.run():
                yield
        finally:
            await container.gateway.aclose()
            container.hub.writer.stop()
            container.hub.projections.stop()

    app = FastAPI(
        title="MCP Hub",
        version=hub_version(),
        summary="Admin API of the MCP Hub. Authenticate with the master key or an admin key.",
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.container = container
    install_error_handlers(app)
    app.include_router(routes_keys.router)
    app.include_router(routes_projects.router)
    app.include_router(well_known.router)

    @app.get("/health", tags=["health"], summary="Liveness and version")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": hub_version()}

    @app.middleware("http")
    async def log_access(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        access_log.info(
            "%s %s %d %.1fms",
            request.method,
            request.url.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response

    app.add_middleware(BodyLimit)
    return McpEdge(
        app,
        manager=manager,
        service=container.tools,
        authenticator=container.hub.authenticator,
        sites=container.hub.sites,
        policy=OriginPolicy.build(
            settings.public_base_url, settings.allowed_hosts, settings.allowed_origins
        ),
        public_base_url=settings.public_base_url,
        sessions_per_principal=settings.mcp_sessions_per_principal,
    )

"""The HTTP surface: the MCP endpoints behind their edge, and the FastAPI app (health, the
admin API, discovery documents, OpenAPI at ``/docs``).

The hub's own access log records method, path (never the query string), status and duration;
the server's default access log is switched off by ``serve`` because it prints query strings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import ASGIApp

from interfaces.bootstrap import Container
from interfaces.http import routes_keys, routes_projects, well_known
from interfaces.http.errors import install_error_handlers
from interfaces.http.middleware import AccessLog, BodyLimit, HostGuard
from interfaces.mcp.edge import MAX_BODY, McpEdge
from interfaces.mcp.policy import OriginPolicy
from interfaces.mcp.server import build_server
from interfaces.version import hub_version


def create_app(container: Container) -> ASGIApp:
    """The whole HTTP surface: the MCP endpoints (behind their edge) and the FastAPI app."""
    settings = container.settings
    manager = StreamableHTTPSessionManager(
        app=build_server(container.tools),
        json_response=True,
        # One Host/Origin policy, the hub's own (McpEdge); the SDK's check would be a second.
        security_settings=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        max_sessions=10_000,
        max_request_body_size=MAX_BODY,  # the edge enforces it first; the SDK must not be lower
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
        # A redirect would be built from the caller's Host header; unknown paths are a JSON 404.
        redirect_slashes=False,
    )
    app.state.container = container
    install_error_handlers(app)
    app.include_router(routes_keys.router)
    app.include_router(routes_projects.router)
    app.include_router(well_known.router)

    @app.get("/health", tags=["health"], summary="Liveness and version")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": hub_version()}

    app.add_middleware(BodyLimit)
    policy = OriginPolicy.build(
        settings.public_base_url, settings.allowed_hosts, settings.allowed_origins
    )
    edge = McpEdge(
        app,
        manager=manager,
        service=container.tools,
        authenticator=container.hub.authenticator,
        sites=container.hub.sites,
        policy=policy,
        public_base_url=settings.public_base_url,
        sessions_per_principal=settings.mcp_sessions_per_principal,
    )
    return AccessLog(HostGuard(edge, policy, exempt=frozenset({"/health"})))

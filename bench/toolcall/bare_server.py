"""The bare mcp-SDK server (its own process): a low-level ``Server`` with one tool making the
upstream ``GET`` with a pooled ``httpx.AsyncClient``, over streamable HTTP under uvicorn.
Started as ``tool_call.py --role bare --upstream URL``."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx

from toolcall.constants import WP_PASSWORD, WP_USER


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def upstream_client(base_url: str) -> httpx.AsyncClient:
    """A pooled client like the hub gateway's: 10 connections per site, keep-alive, no env."""
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=httpx.Timeout(30.0, connect=5.0, pool=5.0),
        limits=httpx.Limits(max_connections=10, max_keepalive_connections=10),
        trust_env=False,
        follow_redirects=False,
        headers={
            "User-Agent": "bench-bare",
            "Accept": "application/json",
            "Authorization": _basic(WP_USER, WP_PASSWORD),
        },
    )


def serve_bare(upstream: str) -> None:
    import uvicorn  # noqa: PLC0415 - only the child processes need the server stack
    from mcp import types  # noqa: PLC0415
    from mcp.server.lowlevel import Server  # noqa: PLC0415
    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager  # noqa: PLC0415
    from mcp.server.transport_security import TransportSecuritySettings  # noqa: PLC0415

    from interfaces.cli.serve import bind_socket  # noqa: PLC0415

    clients: list[httpx.AsyncClient] = []
    schema = {
        "type": "object",
        "properties": {"id": {"type": "integer", "minimum": 1}},
        "required": ["id"],
    }

    async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        return types.ListToolsResult(
            tools=[types.Tool(name="get_post", description="Fetch a post.", input_schema=schema)]
        )

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        post_id = int((params.arguments or {})["id"])
        response = await clients[0].get(f"/wp-json/wp/v2/posts/{post_id}")
        data = response.json()
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=json.dumps(data, ensure_ascii=False))],
            structured_content=data,
            is_error=response.status_code >= 400,
        )

    manager = StreamableHTTPSessionManager(
        app=Server("bare", on_list_tools=list_tools, on_call_tool=call_tool),
        json_response=True,
        security_settings=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        max_sessions=10_000,
    )

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await receive()  # lifespan.startup
            async with manager.run(), upstream_client(upstream) as client:
                clients.append(client)
                await send({"type": "lifespan.startup.complete"})
                await receive()  # lifespan.shutdown
            await send({"type": "lifespan.shutdown.complete"})
            return
        await manager.handle_request(scope, receive, send)

    sock = bind_socket("127.0.0.1", 0)
    # uvicorn as the hub's `serve` configures it (no access log, no server header).
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        server_header=False,
        lifespan="on",
        timeout_graceful_shutdown=10,
    )
    server = uvicorn.Server(config)
    print(f"listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    server.run(sockets=[sock])

"""The MCP server: tools listed and called per endpoint, through the application's ToolService.

One low-level ``Server`` serves every endpoint; the HTTP edge (``edge.py``) has already
authenticated the request and put the principal and the endpoint into the ASGI scope, where the
handlers read them back from ``ctx.request``.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

from mcp import types
from mcp.server.lowlevel import Server

from application.redaction import redact_text
from application.tool_calls import ToolService
from domain.access import Endpoint
from domain.principal import Principal
from interfaces.version import hub_version

SCOPE_PRINCIPAL = "mcphub.principal"
SCOPE_ENDPOINT = "mcphub.endpoint"


def _caller(ctx: Any) -> tuple[Principal, Endpoint]:
    scope = ctx.request.scope
    return scope[SCOPE_PRINCIPAL], scope[SCOPE_ENDPOINT]


def _client_name(ctx: Any) -> str:
    params = getattr(ctx.session, "client_params", None)
    info = getattr(params, "client_info", None)
    if info is None:
        return "unknown"
    # Client-supplied text goes into events: through the one redactor like everything else.
    return redact_text(f"{info.name}/{info.version}"[:80])


def _annotations(tool: Any) -> types.ToolAnnotations:
    marks = tool.spec.annotations
    return types.ToolAnnotations(
        title=tool.spec.title,
        read_only_hint=marks.read_only,
        destructive_hint=marks.destructive,
        idempotent_hint=marks.idempotent,
        open_world_hint=marks.open_world,
    )


def build_server(service: ToolService) -> Server[Any]:
    catalogue = service.catalogue

    async def list_tools(
        ctx: Any, params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        _, endpoint = _caller(ctx)
        tools = catalogue.for_endpoint(endpoint)
        if endpoint.alias is not None:
            site = service.sites.connection(endpoint.alias)
            if site is None or not site.has_woocommerce:
                tools = [t for t in tools if not t.spec.needs_woocommerce]
        return types.ListToolsResult(
            tools=[
                types.Tool(
                    name=tool.name,
                    title=tool.spec.title,
                    description=tool.spec.description,
                    input_schema=catalogue.advertised_schema(endpoint, tool),
                    annotations=_annotations(tool),
                )
                for tool in tools
            ]
        )

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        principal, endpoint = _caller(ctx)
        outcome = await service.call(
            principal, endpoint, params.name, dict(params.arguments or {}), _client_name(ctx)
        )
        text = json.dumps(outcome.content, ensure_ascii=False, default=str)
        structured = (
            outcome.content if isinstance(outcome.content, dict) else {"result": outcome.content}
        )
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=text)],
            structured_content=structured,
            is_error=outcome.is_error,
        )

    async def set_logging_level(ctx: Any, params: types.SetLevelRequestParams) -> types.EmptyResult:
        # The hub sends no log notifications; the level is accepted for clients that set it.
        return types.EmptyResult()

    with warnings.catch_warnings():
        # logging/setLevel is deprecated from protocol 2026-07-28 but still part of 2025-11-25.
        warnings.simplefilter("ignore")
        return Server(
            "mcphub",
            version=hub_version(),
            title="MCP Hub",
            instructions=(
                "Manage WordPress and WooCommerce sites. On /mcp and the plugin endpoints every "
                "site tool takes a `site` argument: the project alias."
            ),
            on_list_tools=list_tools,
            on_call_tool=call_tool,
            on_set_logging_level=set_logging_level,
        )

"""The compiled tool catalogue, and which tools each MCP endpoint offers."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from application.tools.compiler import CompiledTool, compile_tool
from application.tools.spec import ToolSpec
from domain.access import Endpoint, EndpointKind

SITE_PROPERTY = {
    "type": "string",
    "pattern": "^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$",
    "description": "The project (site) alias to act on.",
}


class Catalogue:
    def __init__(self, specs: Iterable[ToolSpec]) -> None:
        self._tools: dict[str, CompiledTool] = {}
        for spec in specs:
            if spec.name in self._tools:
                raise ValueError(f"duplicate tool name {spec.name!r}")
            self._tools[spec.name] = compile_tool(spec)
        self._schemas: dict[tuple[str, bool], dict[str, Any]] = {}

    def __len__(self) -> int:
        return len(self._tools)

    def all(self) -> list[CompiledTool]:
        return list(self._tools.values())

    def offers(self, endpoint: Endpoint, tool: CompiledTool) -> bool:
        plugin = tool.spec.plugin
        if endpoint.kind is EndpointKind.SYSTEM:
            return plugin == "system"
        if endpoint.kind is EndpointKind.PLUGIN:
            return plugin == endpoint.plugin
        if endpoint.kind is EndpointKind.PROJECT:
            return plugin != "system"
        return True

    def for_endpoint(self, endpoint: Endpoint) -> list[CompiledTool]:
        return [tool for tool in self._tools.values() if self.offers(endpoint, tool)]

    def get(self, endpoint: Endpoint, name: str) -> CompiledTool | None:
        tool = self._tools.get(name)
        return tool if tool is not None and self.offers(endpoint, tool) else None

    def advertised_schema(self, endpoint: Endpoint, tool: CompiledTool) -> dict[str, Any]:
        """The input schema a client sees: with a required ``site`` on endpoints that take one."""
        with_site = endpoint.takes_site_argument and tool.spec.plugin != "system"
        key = (tool.name, with_site)
        schema = self._schemas.get(key)
        if schema is None:
            schema = copy.deepcopy(dict(tool.spec.input_schema))
            if with_site:
                schema["properties"] = {"site": SITE_PROPERTY, **schema.get("properties", {})}
                schema["required"] = ["site", *schema.get("required", [])]
            self._schemas[key] = schema
        return schema

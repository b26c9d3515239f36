"""Who may use which MCP endpoint, and which tool calls a principal may make there.

The table (ARCHITECTURE.md, "Who may do what"):

| endpoint | master | all-projects key | project key |
|---|---|---|---|
| ``/mcp`` (``site`` argument) | yes | yes, within its scope | no |
| ``/{plugin}/mcp`` (``site`` argument) | yes | yes | yes, ``site`` must be its project |
| ``/project/{alias}/mcp`` (site injected) | yes | yes | if bound to ``alias`` |
| ``/system/mcp`` | yes | yes (admin tools need admin) | tools about its own project |

OAuth access tokens join through the same principal and these rules (plus their audience).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import NotPermittedError
from domain.principal import Principal
from domain.scopes import Scope

PLUGINS = ("wordpress", "woocommerce")


class EndpointKind(StrEnum):
    ALL = "all"
    PLUGIN = "plugin"
    PROJECT = "project"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Endpoint:
    kind: EndpointKind
    path: str
    """The endpoint's path, e.g. ``/mcp``, ``/wordpress/mcp``, ``/project/shop/mcp``."""
    plugin: str | None = None
    alias: str | None = None

    @property
    def takes_site_argument(self) -> bool:
        return self.kind in (EndpointKind.ALL, EndpointKind.PLUGIN)

    @classmethod
    def all(cls) -> Endpoint:
        return cls(EndpointKind.ALL, "/mcp")

    @classmethod
    def for_plugin(cls, plugin: str) -> Endpoint:
        return cls(EndpointKind.PLUGIN, f"/{plugin}/mcp", plugin=plugin)

    @classmethod
    def for_project(cls, alias: str) -> Endpoint:
        return cls(EndpointKind.PROJECT, f"/project/{alias}/mcp", alias=alias)

    @classmethod
    def system(cls) -> Endpoint:
        return cls(EndpointKind.SYSTEM, "/system/mcp")


class EndpointRefusedError(NotPermittedError):
    """The credential is valid but may not use this endpoint at all."""


class ScopeRefusedError(NotPermittedError):
    """The call needs a scope the credential does not hold."""

    def __init__(self, needed: Scope) -> None:
        super().__init__(f"this tool needs the {needed.value!r} scope")
        self.needed = needed


class ProjectRefusedError(NotPermittedError):
    """The call names a project outside the credential's binding."""


def check_endpoint(principal: Principal, endpoint: Endpoint) -> None:
    if endpoint.kind is EndpointKind.ALL and principal.project is not None:
        raise EndpointRefusedError(
            "a project key cannot use /mcp; use /project/<alias>/mcp or /<plugin>/mcp"
        )
    if endpoint.kind is EndpointKind.PROJECT and not principal.covers_project(endpoint.alias):
        raise EndpointRefusedError("this credential is not bound to that project")


def check_tool_call(principal: Principal, needed: Scope, project: str | None) -> None:
    """Scope first (the answer names the scope to ask for), then the project binding."""
    if not principal.scope.includes(needed):
        raise ScopeRefusedError(needed)
    if project is not None and not principal.covers_project(project):
        raise ProjectRefusedError("this credential is not bound to that project")

"""The declarative tool spec.

A spec says everything the hub needs to list, authorise, validate, record and run a tool: its
name and texts, the scope it needs (declared, never guessed from the name), the JSON Schema of
its input, MCP annotations, which arguments are free text or personal data (stored only as a
keyed digest and a length), and either an HTTP mapping onto the site's REST API or a small
handler. ``application.tools.compiler`` turns specs into callables once, at start-up.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from application.sites import Api, SiteConnection, SiteError, SiteErrorKind, SiteGateway
from domain.principal import Principal
from domain.scopes import Scope

Plugin = Literal["wordpress", "woocommerce", "system"]
Where = Literal["path", "query", "body"]


@dataclass(frozen=True, slots=True)
class Annotations:
    """MCP tool annotations (hints to the client; the hub enforces scope, not these)."""

    read_only: bool = False
    destructive: bool = False
    idempotent: bool = False
    open_world: bool = True


@dataclass(frozen=True, slots=True)
class HttpMapping:
    """How arguments become one REST call.

    ``route`` is a template such as ``/wp/v2/posts/{id}``; every ``{name}`` must be a path
    argument whose schema is an integer or a constrained string, so nothing unchecked reaches
    the URL. Arguments not named in ``path`` go to the query (GET/DELETE) or the JSON body
    (POST/PUT/PATCH) unless ``where`` says otherwise. ``fixed`` adds constant parameters
    (e.g. ``force=true`` for a permanent delete). ``paginate``: a list endpoint whose
    ``all_pages`` argument follows pages up to ``max_pages``.
    """

    method: str
    route: str
    api: Api = "wp"
    where: Mapping[str, Where] = field(default_factory=dict)
    fixed: Mapping[str, Any] = field(default_factory=dict)
    paginate: bool = False
    max_pages: int = 3


@dataclass(frozen=True, slots=True)
class ToolContext:
    """What a handler may use: the site (opened credentials; ``None`` for the hub's own
    tools), the gateway, and the principal the call runs as."""

    site: SiteConnection | None
    gateway: SiteGateway
    principal: Principal

    def require_site(self) -> SiteConnection:
        if self.site is None:
            raise SiteError(SiteErrorKind.NOT_CONFIGURED, "this tool needs a site")
        return self.site


Handler = Callable[[ToolContext, Mapping[str, Any]], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class ToolSpec:
    name: str
    title: str
    description: str
    plugin: Plugin
    scope: Scope
    input_schema: Mapping[str, Any]
    annotations: Annotations = field(default_factory=Annotations)
    http: HttpMapping | None = None
    handler: Handler | None = None
    personal: frozenset[str] = frozenset()
    """Arguments holding free text or personal data: recorded only as keyed digest + length."""
    needs_woocommerce: bool = False

    def __post_init__(self) -> None:
        if (self.http is None) == (self.handler is None):
            raise ValueError(f"tool {self.name}: give exactly one of http or handler")
        if self.input_schema.get("type") != "object":
            raise ValueError(f"tool {self.name}: the input schema must be an object")

"""Small constructors that keep the catalogue modules declarative.

The scope is always passed explicitly at the call site (declared, never derived from a name
or a method). MCP annotations are hints that follow from the HTTP method: GET is read-only
and idempotent, PUT (update) is idempotent, DELETE is destructive and idempotent, POST
(create) is none of these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from application.catalogue.schemas import MAX_ALL_PAGES, Schema
from application.sites import Api
from application.tools.spec import Annotations, Handler, HttpMapping, Plugin, ToolSpec
from domain.scopes import Scope

READS = Annotations(read_only=True, idempotent=True)
CREATES = Annotations()
UPDATES = Annotations(idempotent=True)
DELETES = Annotations(destructive=True, idempotent=True)

_BY_METHOD = {"GET": READS, "POST": CREATES, "PUT": UPDATES, "DELETE": DELETES}


def http_tool(
    name: str,
    title: str,
    description: str,
    *,
    scope: Scope,
    method: str,
    route: str,
    schema: Schema,
    personal: Iterable[str] = (),
    paginate: bool = False,
    fixed: Mapping[str, Any] | None = None,
    api: Api = "wp",
) -> ToolSpec:
    """A tool that is one REST call; ``api="wc"`` makes it a WooCommerce tool."""
    woo = api == "wc"
    plugin: Plugin = "woocommerce" if woo else "wordpress"
    return ToolSpec(
        name=name,
        title=title,
        description=description,
        plugin=plugin,
        scope=scope,
        input_schema=schema,
        annotations=_BY_METHOD[method],
        http=HttpMapping(
            method=method,
            route=route,
            api=api,
            fixed=dict(fixed or {}),
            paginate=paginate,
            max_pages=MAX_ALL_PAGES,
        ),
        personal=_checked_personal(name, schema, personal),
        needs_woocommerce=woo,
    )


def handler_tool(
    name: str,
    title: str,
    description: str,
    *,
    scope: Scope,
    schema: Schema,
    handler: Handler,
    annotations: Annotations,
    personal: Iterable[str] = (),
) -> ToolSpec:
    """A WordPress tool run by a small handler (several calls, or a reshaped answer)."""
    return ToolSpec(
        name=name,
        title=title,
        description=description,
        plugin="wordpress",
        scope=scope,
        input_schema=schema,
        annotations=annotations,
        handler=handler,
        personal=_checked_personal(name, schema, personal),
    )


def _checked_personal(name: str, schema: Schema, personal: Iterable[str]) -> frozenset[str]:
    """Only arguments the schema declares may be named personal (a typo would leak text)."""
    names = frozenset(personal)
    unknown = names - set(schema.get("properties", {}))
    if unknown:
        raise ValueError(f"tool {name}: personal names {sorted(unknown)} are not arguments")
    return names

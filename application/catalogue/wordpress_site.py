"""The site itself: what the REST index says about it, and whether the connection works.

Both are handlers because they reshape the answer: the REST index (``GET /``) lists every
route of every plugin (often megabytes), and a connection test must report a failure as its
result rather than fail.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from application.catalogue import schemas as s
from application.catalogue.builders import READS, handler_tool
from application.sites import SiteError, SiteErrorKind, SiteRequest
from application.tools.spec import ToolContext, ToolSpec
from domain.scopes import Scope

INDEX_FIELDS = (
    "name",
    "description",
    "url",
    "home",
    "gmt_offset",
    "timezone_string",
    "namespaces",
    "authentication",
)
_ME_FIELDS = ("id", "name", "slug", "roles")


async def site_info(ctx: ToolContext, arguments: Mapping[str, Any]) -> Any:
    site = ctx.require_site()
    # _fields keeps the routes map (the bulk of the index) off the wire; the filtering
    # below still holds if a site ignores it.
    response = await ctx.gateway.call(
        site, SiteRequest(method="GET", route="/", params={"_fields": ",".join(INDEX_FIELDS)})
    )
    if not isinstance(response.data, dict):
        raise SiteError(SiteErrorKind.INVALID_RESPONSE, "the site's REST index is not an object")
    info = {field: response.data.get(field) for field in INDEX_FIELDS}
    namespaces = info["namespaces"] if isinstance(info["namespaces"], list) else []
    info["woocommerce_api"] = "wc/v3" in namespaces
    return info


async def connection_test(ctx: ToolContext, arguments: Mapping[str, Any]) -> Any:
    site = ctx.require_site()
    # WordPress lets any logged-in user read their own account with context=edit (no
    # list_users needed), and only that context carries the roles; _fields keeps the
    # e-mail address and capabilities out of the answer.
    request = SiteRequest(
        method="GET",
        route="/wp/v2/users/me",
        params={"context": "edit", "_fields": ",".join(_ME_FIELDS)},
    )
    # A failed connection is a failed call (isError, recorded as Failed), never a "success"
    # whose payload says it failed: the gateway's diagnosis is the error text.
    response = await ctx.gateway.call(site, request)
    data = response.data if isinstance(response.data, dict) else {}
    return {
        "ok": True,
        "user": {field: data.get(field) for field in _ME_FIELDS},
        "woocommerce_configured": site.has_woocommerce,
    }


def site_tools() -> list[ToolSpec]:
    return [
        handler_tool(
            "wp_site_info",
            "Site information",
            "The site's name, tagline, URLs, timezone, the REST namespaces its plugins provide "
            "(woocommerce_api tells whether wc/v3 is there) and the authentication methods it "
            "advertises.",
            scope=Scope.READ,
            schema=s.obj({}),
            handler=site_info,
            annotations=READS,
        ),
        handler_tool(
            "wp_test_connection",
            "Test the site connection",
            "Check that the hub can reach the site and log in: returns ok=true with the "
            "connected user's ID, name and roles; a failure is a tool error with the reason "
            "(unreachable, wrong application password, Authorization header stripped by the "
            "server, ...).",
            scope=Scope.READ,
            schema=s.obj({}),
            handler=connection_test,
            annotations=READS,
        ),
    ]

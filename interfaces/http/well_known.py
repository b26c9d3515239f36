"""Discovery documents (RFC 9728 protected-resource metadata) for every MCP endpoint.

Each endpoint's document sits at the well-known path inserted before the endpoint's path and
names the endpoint's own URL as ``resource``, byte for byte. URLs come from ``PUBLIC_BASE_URL``,
never from request headers. ``/.well-known/oauth-protected-resource`` alone describes ``/mcp``.
A project endpoint's document exists while the project does: an unknown or retired alias is a
404 (aliases are not secret: they name sites and appear in every project key's endpoint).
Anything else under ``/.well-known/`` — the authorization-server metadata included, until the
hub is an authorization server — is a JSON 404, never a redirect or a page. The documents answer
any origin (no credentials involved).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from domain.access import Endpoint
from domain.scopes import Scope
from interfaces.mcp.edge import endpoint_for

router = APIRouter(tags=["discovery"])

PREFIX = "/.well-known/oauth-protected-resource"


def resource_document(base: str, endpoint: Endpoint) -> dict[str, Any]:
    return {
        "resource": f"{base}{endpoint.path}",
        "authorization_servers": [],
        "scopes_supported": [s.value for s in Scope],
        "bearer_methods_supported": ["header"],
        "resource_name": f"MCP Hub {endpoint.path}",
    }


def _cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@router.options("/.well-known/{rest:path}", include_in_schema=False)
def preflight(rest: str) -> Response:
    response = Response(status_code=204)
    response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = (
        "authorization, content-type, mcp-protocol-version"
    )
    response.headers["Access-Control-Max-Age"] = "600"
    return _cors(response)


@router.get(PREFIX, summary="Protected-resource metadata of /mcp")
@router.get(PREFIX + "/{path:path}", summary="Protected-resource metadata of an MCP endpoint")
def protected_resource(request: Request, path: str = "mcp") -> Response:
    endpoint = endpoint_for("/" + path)
    if endpoint is None or path.endswith("/"):
        return _not_found()
    container = request.app.state.container
    if endpoint.alias is not None and not container.hub.sites.exists(endpoint.alias):
        return _not_found()
    base = container.settings.public_base_url
    return _cors(JSONResponse(resource_document(base, endpoint)))


@router.get("/.well-known/{rest:path}", include_in_schema=False)
def unknown(rest: str) -> Response:
    return _not_found()


def _not_found() -> Response:
    return _cors(
        JSONResponse(
            {"error": {"code": "not_found", "message": "no such document"}}, status_code=404
        )
    )

"""The HTTP edge of every MCP endpoint, in front of the SDK's streamable-HTTP transport.

Order: route -> Host/Origin (before authentication) -> CORS preflight -> credentials only in
the header -> authenticate (401 with this endpoint's challenge) -> endpoint access (403) ->
method -> body cap -> for ``tools/call``: the tool's scope and project (403, recorded as
``ToolCall.Denied``) -> per-principal session quota -> the SDK. Every answer the edge gives
itself is JSON.

Decisions:
- A refused Host is 421 (the status the SDK's own check uses); a refused Origin is 403.
- Any ``Authorization`` header that does not authenticate (``Bearer`` with or without a value,
  ``Basic``, an unknown, expired or revoked key) gets the same challenge, with
  ``error="invalid_token"``; no header at all gets it without an error code (RFC 6750 3.1).
- A missing scope is 403 with ``error="insufficient_scope", scope="<needed>"`` (clients step up
  from it); a project outside the credential's binding is 403 ``forbidden`` without that
  challenge, like a refused endpoint: asking for more scope would not help.
- The session quota: one principal's session-opening ``initialize`` requests are served one at
  a time (other principals and all other requests are not held up), so concurrent openings
  cannot all slip under it. Over the quota: 429 with ``Retry-After``.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import anyio
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from starlette.datastructures import Headers
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from application.authentication import Authenticator
from application.redaction import redact_text
from application.site_index import SiteDirectory
from application.tool_calls import RefusalError, ToolService
from domain.access import Endpoint, EndpointRefusedError, check_endpoint
from domain.principal import Principal
from domain.tool_call import DenialReason
from interfaces.http.auth import query_carries_credential
from interfaces.http.bodies import read_body, replay
from interfaces.mcp.policy import (
    ALLOWED_METHODS,
    ALLOWED_REQUEST_HEADERS,
    EXPOSED_HEADERS,
    OriginPolicy,
)
from interfaces.mcp.server import SCOPE_ENDPOINT, SCOPE_PRINCIPAL

MCP_PATH = re.compile(
    r"^/(?:(?P<all>mcp)|(?P<plugin>wordpress|woocommerce)/mcp|(?P<system>system)/mcp"
    r"|project/(?P<alias>[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?)/mcp)/?$"
)
# Room for the largest upload a tool accepts (10 MiB of media as base64, ~13.4 MiB) plus JSON.
MAX_BODY = 16 * 1024 * 1024


def endpoint_for(path: str) -> Endpoint | None:
    match = MCP_PATH.match(path)
    if match is None:
        return None
    if match["all"]:
        return Endpoint.all()
    if match["plugin"]:
        return Endpoint.for_plugin(match["plugin"])
    if match["system"]:
        return Endpoint.system()
    return Endpoint.for_project(match["alias"])


def metadata_url(base_url: str, endpoint: Endpoint) -> str:
    """RFC 9728: the well-known path is inserted before the resource's path."""
    return f"{base_url}/.well-known/oauth-protected-resource{endpoint.path}"


class McpEdge:
    def __init__(
        self,
        app: ASGIApp,
        *,
        manager: StreamableHTTPSessionManager,
        service: ToolService,
        authenticator: Authenticator,
        sites: SiteDirectory,
        policy: OriginPolicy,
        public_base_url: str,
        sessions_per_principal: int = 32,
    ) -> None:
        self.app = app
        self.manager = manager
        self.service = service
        self.authenticator = authenticator
        self.sites = sites
        self.policy = policy
        self.base = public_base_url
        self.sessions_per_principal = sessions_per_principal
        # Per actor with a session being opened: serialises that actor's openings (only).
        self._openers: dict[str, _Opener] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = endpoint_for(scope["path"]) if scope["type"] == "http" else None
        if endpoint is None:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if not self.policy.host_allowed(headers.get("host")):
            await _json(
                421, {"error": "misdirected_request", "error_description": "Host not allowed"}
            )(scope, receive, send)
            return
        if origin is not None and not self.policy.origin_allowed(origin):
            await _json(403, {"error": "forbidden", "error_description": "Origin not allowed"})(
                scope, receive, send
            )
            return
        cors = _cors_headers(origin)
        send = _with_headers(send, cors)
        method = scope["method"]
        if method == "OPTIONS":
            await Response(status_code=204, headers=_preflight_headers())(scope, receive, send)
            return
        if query_carries_credential(scope.get("query_string", b"").decode("latin-1")):
            await _json(
                400,
                {
                    "error": "invalid_request",
                    "error_description": "credentials belong in the Authorization header",
                },
            )(scope, receive, send)
            return
        principal = self._authenticate(headers)
        if principal is None:
            await self._challenge(endpoint, headers)(scope, receive, send)
            return
        await self._serve(principal, endpoint, headers, scope, receive, send)

    async def _serve(
        self,
        principal: Principal,
        endpoint: Endpoint,
        headers: Headers,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        """Everything after authentication: endpoint access, method, body, precheck, the SDK."""
        method = scope["method"]
        try:
            check_endpoint(principal, endpoint)
        except EndpointRefusedError as refused:
            await _json(403, {"error": "forbidden", "error_description": str(refused)})(
                scope, receive, send
            )
            return
        if endpoint.alias is not None and not self.sites.exists(endpoint.alias):
            await _json(404, {"error": "not_found", "error_description": "no such project"})(
                scope, receive, send
            )
            return
        if method not in ("GET", "POST", "DELETE"):
            await _json(
                405,
                {"error": "method_not_allowed", "error_description": f"{method} is not supported"},
                {"Allow": "GET, POST, DELETE, OPTIONS"},
            )(scope, receive, send)
            return
        opening = False
        if method == "POST":
            body = await read_body(receive, MAX_BODY, headers.get("content-length"))
            if body is None:
                await _json(
                    413,
                    {
                        "error": "payload_too_large",
                        "error_description": f"body over {MAX_BODY} bytes",
                    },
                )(scope, receive, send)
                return
            message = _json_object(body)  # None: the SDK answers it in JSON-RPC's own shape
            rpc_method = message.get("method") if message is not None else None
            opening = rpc_method == "initialize" and "mcp-session-id" not in headers
            if rpc_method == "tools/call" and message is not None:
                refusal = await self._precheck_call(
                    principal, endpoint, headers, message.get("params")
                )
                if refusal is not None:
                    await refusal(scope, receive, send)
                    return
            receive = replay(body, receive)
        scope[SCOPE_PRINCIPAL] = principal
        scope[SCOPE_ENDPOINT] = endpoint
        scope["user"] = AuthenticatedUser(
            AccessToken(
                token=principal.actor,  # an identity for session ownership, not a secret
                client_id=f"{principal.actor}@{endpoint.path}",
                scopes=list(principal.scope.implied()),
            )
        )
        if not opening:
            await self.manager.handle_request(scope, receive, send)
            return
        # One opening at a time per principal: the count it checks includes every session the
        # principal's earlier openings established (the SDK registers a session while it serves
        # the initialize that opens it, and forgets it again if that initialize failed).
        async with self._opening_slot(principal.actor):
            if self._sessions_of(principal) >= self.sessions_per_principal:
                await _json(
                    429,
                    {
                        "error": "too_many_sessions",
                        "error_description": (
                            "close a session first (DELETE) or wait for one to expire"
                        ),
                    },
                    {"Retry-After": "60"},
                )(scope, receive, send)
                return
            await self.manager.handle_request(scope, receive, send)

    @contextlib.asynccontextmanager
    async def _opening_slot(self, actor: str) -> AsyncIterator[None]:
        opener = self._openers.get(actor)
        if opener is None:
            opener = self._openers[actor] = _Opener()
        opener.users += 1
        try:
            async with opener.lock:
                yield
        finally:
            opener.users -= 1
            if opener.users == 0:
                del self._openers[actor]

    def _authenticate(self, headers: Headers) -> Principal | None:
        scheme, _, value = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return None
        return self.authenticator.authenticate(value.strip())

    def _challenge(self, endpoint: Endpoint, headers: Headers) -> Response:
        presented = bool(headers.get("authorization", "").strip())
        challenge = (
            f'Bearer realm="mcphub", resource_metadata="{metadata_url(self.base, endpoint)}"'
        )
        body = {"error": "unauthorized", "error_description": "a bearer credential is required"}
        if presented:
            challenge += ', error="invalid_token", error_description="the credential is not valid"'
            body = {"error": "invalid_token", "error_description": "the credential is not valid"}
        return _json(401, body, {"WWW-Authenticate": challenge})

    async def _precheck_call(
        self, principal: Principal, endpoint: Endpoint, headers: Headers, params: Any
    ) -> Response | None:
        """A ``tools/call`` the credential may not make: recorded as ``Denied``, answered 403."""
        if not isinstance(params, dict) or not isinstance(params.get("name"), str):
            return None
        raw_arguments = params.get("arguments")
        arguments: dict[str, Any] = raw_arguments if isinstance(raw_arguments, dict) else {}
        try:
            self.service.authorize(principal, endpoint, params["name"], arguments)
        except RefusalError as refusal:
            if not refusal.is_authorization:
                return None  # unknown tools and the like: a tool error from the server
            # The client label is whatever the caller sent: scrubbed before it becomes an event.
            client = redact_text(headers.get("user-agent", "unknown")[:80])
            site = arguments.get("site")
            project = endpoint.alias or (site[:40] if isinstance(site, str) else None)
            await self.service.deny(principal, client, endpoint, params["name"], refusal, project)
            if refusal.reason is not DenialReason.SCOPE:
                return _json(403, {"error": "forbidden", "error_description": refusal.message})
            challenge = 'Bearer realm="mcphub", error="insufficient_scope"'
            if refusal.needed_scope:
                challenge += f', scope="{refusal.needed_scope}"'
            challenge += f', resource_metadata="{metadata_url(self.base, endpoint)}"'
            return _json(
                403,
                {"error": "insufficient_scope", "error_description": refusal.message},
                {"WWW-Authenticate": challenge},
            )
        return None

    def _sessions_of(self, principal: Principal) -> int:
        prefix = f"{principal.actor}@"
        # The SDK keeps each session's owner; counting them is how a quota per principal is kept.
        owners = self.manager._session_owners.values()
        return sum(1 for owner in owners if str(owner["client_id"]).startswith(prefix))


@dataclass
class _Opener:
    lock: anyio.Lock = field(default_factory=anyio.Lock)
    users: int = 0


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        message = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser goes
        return None
    return message if isinstance(message, dict) else None


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(
        body, status_code=status, headers={"Cache-Control": "no-store", **(headers or {})}
    )


def _cors_headers(origin: str | None) -> list[tuple[bytes, bytes]]:
    if origin is None:
        return []
    return [
        (b"access-control-allow-origin", origin.encode("latin-1")),
        (b"access-control-expose-headers", EXPOSED_HEADERS.encode()),
        (b"vary", b"Origin"),
    ]


def _preflight_headers() -> dict[str, str]:
    return {
        "Access-Control-Allow-Methods": ALLOWED_METHODS,
        "Access-Control-Allow-Headers": ALLOWED_REQUEST_HEADERS,
        "Access-Control-Max-Age": "600",
    }


def _with_headers(send: Send, extra: list[tuple[bytes, bytes]]) -> Send:
    if not extra:
        return send

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)

    return sending

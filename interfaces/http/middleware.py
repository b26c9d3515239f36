"""ASGI middleware around the whole HTTP surface: access log, Host check, body cap."""

from __future__ import annotations

import logging
import time

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from application.redaction import redact_text
from interfaces.http.bodies import read_body, replay
from interfaces.http.errors import error_response
from interfaces.mcp.policy import OriginPolicy

access_log = logging.getLogger("mcphub.access")

MAX_BODY_BYTES = 64 * 1024


def loggable_path(path: str) -> str:
    """The path as a log line may carry it: credential shapes masked (a key pasted where an id
    belongs), control and non-ASCII characters escaped (no forged lines). Never the query."""
    return redact_text(path[:300]).encode("unicode_escape").decode("ascii")


class AccessLog:
    """Method, path, status and duration of every request — MCP and admin API alike."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            access_log.info(
                "%s %s %d %.1fms",
                scope["method"],
                loggable_path(scope["path"]),
                status,
                (time.perf_counter() - started) * 1000,
            )


class HostGuard:
    """DNS-rebinding protection for every route but the liveness probe: the same policy the MCP
    edge applies, so there is one answer."""

    def __init__(self, app: ASGIApp, policy: OriginPolicy, exempt: frozenset[str]) -> None:
        self.app, self.policy, self.exempt = app, policy, exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        checked = scope["type"] == "http" and scope["path"] not in self.exempt
        if checked and not self.policy.host_allowed(Headers(scope=scope).get("host")):
            refused = error_response(421, "misdirected_request", "Host not allowed")
            await refused(scope, receive, send)
            return
        await self.app(scope, receive, send)


class BodyLimit:
    """Reads the whole body up to ``limit`` bytes (declared or chunked) and replays it; over the
    limit the answer is 413 in the API's error shape, before any handler parses anything."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = error_response(413, "payload_too_large", f"body over {self.limit} bytes")
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await too_large(scope, receive, send)
            return
        body = await read_body(receive, self.limit, None)
        if body is None:
            await too_large(scope, receive, send)
            return
        await self.app(scope, replay(body, receive), send)

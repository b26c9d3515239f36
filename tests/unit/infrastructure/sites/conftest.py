"""Helpers for the site gateway tests: a scripted site behind ``httpx.MockTransport``, a fake
resolver (no test touches real DNS), a recorder for retry pauses.

Every test runs on asyncio (the gateway uses ``asyncio.timeout`` and ``asyncio.Lock``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from application.sites import SiteConnection
from infrastructure.sites import HttpxSiteGateway

PASSWORD = "abcd EFGH 1234 ijkl MNOP 5678"
WC_KEY = "ck_4f1d0c8e5b7a29631d0e2f4a6b8c0d2e4f6a8b0c"
WC_SECRET = "cs_9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d"
PUBLIC_IP = "93.184.216.34"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def site(base_url: str = "https://blog.example", **changes: Any) -> SiteConnection:
    values: dict[str, Any] = {
        "alias": "blog",
        "base_url": base_url,
        "wp_user": "editor",
        "wp_password": PASSWORD,
    }
    values.update(changes)
    return SiteConnection(**values)


class FakeResolver:
    """Answers from a table; counts lookups. Unknown names do not resolve."""

    def __init__(self, table: dict[str, Sequence[str]] | None = None) -> None:
        self.table: dict[str, list[Sequence[str]]] = {}
        for name, answer in (table or {}).items():
            self.table[name] = [answer]
        self.lookups: list[str] = []

    def answer(self, name: str, *answers: Sequence[str]) -> None:
        """Successive lookups of ``name`` get successive answers (the last one repeats)."""
        self.table[name] = list(answers)

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        self.lookups.append(host)
        answers = self.table.get(host)
        if not answers:
            raise OSError(-2, "Name or service not known")
        return answers.pop(0) if len(answers) > 1 else answers[0]


def resolver_for(*names: str, address: str = PUBLIC_IP) -> FakeResolver:
    return FakeResolver({name: [address] for name in names})


Responder = Callable[[httpx.Request], httpx.Response]


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"Content-Type": "application/json; charset=UTF-8", **(headers or {})},
    )


def html_response(status: int, page: str) -> httpx.Response:
    return httpx.Response(status, text=page, headers={"Content-Type": "text/html; charset=UTF-8"})


def wp_error(status: int, code: str, message: str, **data: Any) -> httpx.Response:
    return json_response(
        status, {"code": code, "message": message, "data": {"status": status, **data}}
    )


def index(application_passwords: bool = True) -> dict[str, Any]:
    auth: Any = {"application-passwords": {"endpoints": {"authorization": "x"}}}
    return {
        "name": "Blog",
        "namespaces": ["wp/v2"],
        "authentication": auth if application_passwords else [],
    }


@dataclass
class ScriptedSite:
    """A WordPress with pretty permalinks (or not) whose REST routes answer from ``routes``:
    ``{(METHOD, route): responder}``. Every request is recorded."""

    pretty: bool = True
    application_passwords: bool = True
    routes: dict[tuple[str, str], Responder] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    xmlrpc: Responder | None = None
    """Answers ``POST /xmlrpc.php`` (a 404 page when ``None``)."""

    def route_of(self, request: httpx.Request) -> str | None:
        rest_route = request.url.params.get("rest_route")
        if rest_route is not None and request.url.path == "/":
            return rest_route
        if self.pretty and request.url.path.startswith("/wp-json"):
            return request.url.path.removeprefix("/wp-json") or "/"
        return None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        route = self.route_of(request)
        if request.url.path == "/xmlrpc.php" and self.xmlrpc is not None:
            return self.xmlrpc(request)
        if route is None:
            return html_response(404, "<html><body><h1>Not Found</h1></body></html>")
        if route == "/":
            return json_response(200, index(self.application_passwords))
        responder = self.routes.get((request.method, route))
        if responder is None:
            return wp_error(
                404, "rest_no_route", "No route was found matching the URL and request method."
            )
        return responder(request)

    def api_requests(self) -> list[httpx.Request]:
        """Requests other than the index discovery."""
        return [r for r in self.requests if self.route_of(r) not in (None, "/")]


class PauseRecorder:
    def __init__(self) -> None:
        self.pauses: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.pauses.append(seconds)


def gateway_for(
    handler: Responder, *, resolver: FakeResolver | None = None, **options: Any
) -> HttpxSiteGateway:
    options.setdefault("sleep", PauseRecorder())
    return HttpxSiteGateway(
        transport=httpx.MockTransport(handler),
        resolver=resolver or resolver_for("blog.example", "shop.example"),
        **options,
    )

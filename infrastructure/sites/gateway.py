"""The httpx implementation of :class:`application.sites.SiteGateway` (issue 3, item 6).

One pooled client per site (:mod:`~infrastructure.sites.clients`), closed by ``aclose()``;
connect 5 s / read 30 s / write 30 s timeouts and a total deadline per call (default 60 s,
discovery, retries and backoff included); an SSRF guard pinned to the checked address
(:mod:`~infrastructure.sites.ssrf`, :mod:`~infrastructure.sites.pinning`); bounded bodies,
same-host redirects and idempotent-only retries (:mod:`~infrastructure.sites.exchange`).

Per call: the REST root is discovered once per site (:mod:`~infrastructure.sites.discovery`),
the route is built on it, credentials are attached (:mod:`~infrastructure.sites.auth`), the
answer is read within the size cap and mapped (:mod:`~infrastructure.sites.errors`); every error
message is scrubbed of the site's credentials (:mod:`~infrastructure.sites.scrub`).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal

import httpx

from application.sites import SiteConnection, SiteError, SiteErrorKind, SiteRequest, SiteResponse
from infrastructure.sites.auth import basic_authorization, oauth1_authorization
from infrastructure.sites.auth_errors import confirmed_stripping
from infrastructure.sites.clients import ClientSettings, SiteClients, SiteState
from infrastructure.sites.discovery import ApiRoot, NoApiFoundError, discover
from infrastructure.sites.errors import CallContext, invalid_body, map_response, map_transport
from infrastructure.sites.exchange import Body, RetryPolicy
from infrastructure.sites.pagination import collect_pages, page_size
from infrastructure.sites.ssrf import AddressPolicy, BlockedAddressError, Resolver, system_resolver
from infrastructure.sites.wire import NOT_JSON, RawResponse, header_int, parse_json
from infrastructure.sites.xmlrpc_probe import Verdict, probe_body, read_verdict

__all__ = ["HttpxSiteGateway"]

log = logging.getLogger(__name__)

MIB = 1024 * 1024
_PROBE_SECONDS = 10.0
_DROPPED_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
    }
)
AuthKind = Literal["basic", "oauth1", "none"]


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        # WordPress reads comma-separated lists for array arguments (wp_parse_list).
        return ",".join(_query_value(item) for item in value)
    return str(value)


def _query(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(str(k), _query_value(v)) for k, v in params.items() if v is not None]


def _check_route(route: str) -> None:
    path = route.split("?", 1)[0]
    unsafe = any(ch.isspace() or ord(ch) < 32 for ch in route) or "\\" in route or "#" in route
    if not path.startswith("/") or path.startswith("//") or "/../" in f"{path}/" or unsafe:
        raise SiteError(SiteErrorKind.BAD_REQUEST, "the tool built an invalid REST route")


class HttpxSiteGateway:
    """Calls WordPress and WooCommerce REST APIs with httpx.

    ``allow``: hostnames, addresses or CIDR networks that may be private (tests allow-list
    ``127.0.0.1``). ``transport``: replaces the network (``httpx.MockTransport``); it is wrapped by
    the SSRF guard like the real one and is not closed by the gateway. ``resolver``: replaces DNS
    (``(host, port) -> addresses``). ``verify``: TLS verification (an ``ssl.SSLContext`` trusting a
    private CA; never switch it off outside tests). ``sleep`` and ``wall_clock`` are seams for
    retry pauses and OAuth timestamps. ``xmlrpc_probe``: when WordPress answers an authenticated
    request as anonymous, check the credentials once over XML-RPC to tell a stripped header from
    a wrong password (:mod:`~infrastructure.sites.xmlrpc_probe`).
    """

    def __init__(
        self,
        *,
        allow: Sequence[str] = (),
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        total_timeout: float = 60.0,
        max_response_bytes: int = 10 * MIB,
        retry: RetryPolicy | None = None,
        max_connections_per_site: int = 10,
        verify: ssl.SSLContext | bool = True,
        dns_ttl: float = 30.0,
        user_agent: str = "mcphub-site-gateway",
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        wall_clock: Callable[[], float] = time.time,
        xmlrpc_probe: bool = True,
    ) -> None:
        self._total = total_timeout
        self._xmlrpc_probe = xmlrpc_probe
        self._wall_clock = wall_clock
        self._clients = SiteClients(
            ClientSettings(
                policy=AddressPolicy(allow),
                transport=transport,
                resolver=resolver or system_resolver,
                timeout=httpx.Timeout(read_timeout, connect=connect_timeout, pool=connect_timeout),
                limits=httpx.Limits(
                    max_connections=max_connections_per_site,
                    max_keepalive_connections=max_connections_per_site,
                ),
                verify=verify,
                dns_ttl=dns_ttl,
                user_agent=user_agent,
                max_bytes=max_response_bytes,
                retry=retry or RetryPolicy(),
                sleep=sleep,
                wall_clock=wall_clock,
            )
        )

    # -- the port ------------------------------------------------------------------------------

    async def call(self, site: SiteConnection, request: SiteRequest) -> SiteResponse:
        state = await self._clients.get(site)
        raw = await self._perform(state, site, request)
        data = parse_json(raw)
        if data is NOT_JSON:
            raise invalid_body(raw, state.scrub)
        return SiteResponse(
            raw.status,
            data,
            total=header_int(raw.headers, "x-wp-total"),
            total_pages=header_int(raw.headers, "x-wp-totalpages"),
        )

    async def call_all(
        self, site: SiteConnection, request: SiteRequest, *, max_pages: int
    ) -> SiteResponse:
        if request.method.upper() != "GET":
            raise SiteError(SiteErrorKind.BAD_REQUEST, "only GET listings can be paginated")
        per_page = page_size(request.params.get("per_page"))

        async def fetch_page(page: int, size: int) -> SiteResponse:
            params = {**request.params, "page": page, "per_page": size}
            return await self.call(site, replace(request, params=params))

        return await collect_pages(fetch_page, per_page, max_pages)

    async def aclose(self) -> None:
        await self._clients.aclose()

    # -- one call ------------------------------------------------------------------------------

    async def _perform(
        self, state: SiteState, site: SiteConnection, request: SiteRequest
    ) -> RawResponse:
        _check_route(request.route)
        method = request.method.upper()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _DROPPED_HEADERS}
        body = Body(json=request.json, content=request.content, headers=headers)
        auth: list[AuthKind] = ["none"]

        def authorize(hop_method: str, url: httpx.URL) -> str | None:
            value, auth[0] = self._authorization(site, request.api, hop_method, url)
            return value

        started = time.monotonic()
        try:
            async with asyncio.timeout(self._total):
                root = await self._root(state, site)
                url = root.url_for(request.route, _query(request.params))
                raw = await state.exchanger.fetch(
                    method, url, body, authorize, idempotent=request.idempotent
                )
        except TimeoutError:
            raise SiteError(
                SiteErrorKind.TIMEOUT, f"the site did not finish answering within {self._total:g} s"
            ) from None
        except (httpx.TransportError, BlockedAddressError) as error:
            raise map_transport(error, state.host, state.scrub) from None
        log.debug(
            "site %s: %s %s -> HTTP %d in %.1f ms",
            site.alias,
            method,
            request.route.split("?", 1)[0],
            raw.status,
            (time.monotonic() - started) * 1e3,
        )
        if raw.status == 404 and root.pretty and parse_json(raw) is NOT_JSON:
            state.root = None  # pretty permalinks switched off? discover again next time
        if not 200 <= raw.status < 300:
            context = CallContext(request.api, method, request.route, auth[0], root)
            failure = map_response(raw, context, state.scrub)
            if failure.kind is SiteErrorKind.AUTH_HEADER_STRIPPED and request.api == "wp":
                verdict = await self._credentials_verdict(state, site)
                failure = confirmed_stripping(failure, verdict)
            raise failure
        return raw

    async def _credentials_verdict(self, state: SiteState, site: SiteConnection) -> Verdict:
        """Check the WordPress credentials over XML-RPC, once per credential set (a login
        limiter counts failures: never hammer it)."""
        if state.credentials_verdict is None:
            verdict = Verdict.UNKNOWN
            if self._xmlrpc_probe:
                url = httpx.URL(site.base_url.rstrip("/") + "/xmlrpc.php")
                body = Body(
                    content=probe_body(site.wp_user, site.wp_password),
                    headers={"Content-Type": "text/xml"},
                )
                try:
                    async with asyncio.timeout(min(self._total, _PROBE_SECONDS)):
                        raw = await state.exchanger.fetch(
                            "POST", url, body, lambda _m, _u: None, idempotent=False
                        )
                    verdict = read_verdict(raw)
                except (TimeoutError, httpx.HTTPError, SiteError, BlockedAddressError):
                    verdict = Verdict.UNKNOWN
            state.credentials_verdict = verdict
        return state.credentials_verdict

    def _authorization(
        self, site: SiteConnection, api: str, method: str, url: httpx.URL
    ) -> tuple[str | None, AuthKind]:
        if api == "wc":
            if site.wc_key is None or site.wc_secret is None or not site.has_woocommerce:
                raise SiteError(
                    SiteErrorKind.NOT_CONFIGURED,
                    "this project has no WooCommerce "
                    "API key; add a consumer key and secret (WooCommerce → Settings "
                    "→ Advanced → REST API) to the project",
                )
            if url.scheme == "https":
                return basic_authorization(site.wc_key, site.wc_secret), "basic"
            timestamp = int(self._wall_clock())
            value = oauth1_authorization(
                method, url, site.wc_key, site.wc_secret, timestamp=timestamp
            )
            return value, "oauth1"
        if not site.wp_user or not site.wp_password:
            return None, "none"
        return basic_authorization(site.wp_user, site.wp_password), "basic"

    async def _root(self, state: SiteState, site: SiteConnection) -> ApiRoot:
        root = state.root
        if root is not None:
            return root
        async with state.discovering:
            if state.root is None:

                async def fetch(url: httpx.URL) -> RawResponse:
                    return await state.exchanger.fetch(
                        "GET", url, Body(), lambda _m, _u: None, idempotent=True
                    )

                try:
                    state.root = await discover(site.base_url, fetch)
                except NoApiFoundError as missing:
                    raise self._no_api(missing, state) from None
            return state.root

    @staticmethod
    def _no_api(missing: NoApiFoundError, state: SiteState) -> SiteError:
        for raw in missing.tried:
            if raw.status >= 500:
                context = CallContext("wp", "GET", "/", "none")
                return map_response(raw, context, state.scrub)
        pretty, plain = missing.tried
        return SiteError(
            SiteErrorKind.INVALID_RESPONSE,
            state.scrub(
                "no WordPress REST API found at the project's base URL: /wp-json/ answered HTTP "
                f"{pretty.status} and ?rest_route=/ answered HTTP {plain.status} without a REST "
                "index (is this the WordPress address, and is the REST API enabled?)"
            ),
            status=plain.status,
        )

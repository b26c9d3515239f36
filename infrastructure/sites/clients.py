"""One pooled ``httpx.AsyncClient`` per site.

Clients are keyed by the project's alias and a keyed fingerprint (HMAC under a per-process random
key, so no plain digest of a password sits in memory) of its base URL and credentials: a changed
address or credential opens a new client and closes the old one. Every client connects through
:class:`~infrastructure.sites.pinning.PinnedTransport`, ignores proxy settings from the
environment (a proxy would resolve names itself, past the SSRF check), keeps no cookies (a REST
call must never ride on a cookie session) and follows no redirect on its own
(:mod:`~infrastructure.sites.exchange` decides).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx

from application.sites import SiteConnection, SiteError, SiteErrorKind
from infrastructure.sites.discovery import ApiRoot
from infrastructure.sites.exchange import Exchanger, RetryPolicy
from infrastructure.sites.pinning import PinnedTransport
from infrastructure.sites.scrub import CredentialScrubber
from infrastructure.sites.ssrf import AddressPolicy, Resolver
from infrastructure.sites.xmlrpc_probe import Verdict

__all__ = ["ClientSettings", "SiteClients", "SiteState"]


@dataclass(frozen=True, slots=True)
class ClientSettings:
    policy: AddressPolicy
    transport: httpx.AsyncBaseTransport | None
    resolver: Resolver
    timeout: httpx.Timeout
    limits: httpx.Limits
    verify: ssl.SSLContext | bool
    dns_ttl: float
    user_agent: str
    max_bytes: int
    retry: RetryPolicy
    sleep: Callable[[float], Awaitable[None]]
    wall_clock: Callable[[], float]


@dataclass(slots=True)
class SiteState:
    """A site's client and what the gateway learnt about the site."""

    identity: bytes
    host: str
    client: httpx.AsyncClient
    exchanger: Exchanger
    scrub: CredentialScrubber
    root: ApiRoot | None = None
    discovering: asyncio.Lock = field(default_factory=asyncio.Lock)
    credentials_verdict: Verdict | None = None
    """What XML-RPC said of the credentials (asked at most once per credential set)."""


def base_host(base_url: str) -> str:
    """The host of a usable base URL, or ``NOT_CONFIGURED`` (never echoing the URL)."""
    try:
        url: httpx.URL | None = httpx.URL(base_url)
    except httpx.InvalidURL:
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise SiteError(
            SiteErrorKind.NOT_CONFIGURED, "the project's base URL is not an http(s) URL"
        )
    if url.userinfo or url.query or url.fragment:
        raise SiteError(
            SiteErrorKind.NOT_CONFIGURED,
            "the project's base URL must not carry credentials, a query or a fragment",
        )
    return url.host


class SiteClients:
    def __init__(self, settings: ClientSettings) -> None:
        self._settings = settings
        self._fingerprint_key = secrets.token_bytes(32)
        self._sites: dict[str, SiteState] = {}
        self._opening = asyncio.Lock()

    def _identity(self, site: SiteConnection) -> bytes:
        material = json.dumps(
            [site.base_url, site.wp_user, site.wp_password, site.wc_key, site.wc_secret]
        ).encode()
        return hmac.new(self._fingerprint_key, material, hashlib.sha256).digest()

    async def get(self, site: SiteConnection) -> SiteState:
        identity = self._identity(site)
        state = self._sites.get(site.alias)
        if state is not None and hmac.compare_digest(state.identity, identity):
            return state
        async with self._opening:
            state = self._sites.get(site.alias)
            if state is not None and hmac.compare_digest(state.identity, identity):
                return state
            fresh = self._open(site, identity)
            self._sites[site.alias] = fresh
        if state is not None:
            # The address or credentials changed: the old pool must not be used again.
            await state.client.aclose()
        return fresh

    async def aclose(self) -> None:
        states, self._sites = list(self._sites.values()), {}
        for state in states:
            await state.client.aclose()

    def _open(self, site: SiteConnection, identity: bytes) -> SiteState:
        s = self._settings
        host = base_host(site.base_url)
        inner = s.transport or httpx.AsyncHTTPTransport(
            verify=s.verify, limits=s.limits, retries=0, trust_env=False
        )
        transport = PinnedTransport(
            inner, s.policy, s.resolver, ttl=s.dns_ttl, owns_inner=s.transport is None
        )
        client = httpx.AsyncClient(
            transport=transport,
            timeout=s.timeout,
            follow_redirects=False,
            trust_env=False,
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
            headers={"User-Agent": s.user_agent, "Accept": "application/json"},
        )
        exchanger = Exchanger(
            client, max_bytes=s.max_bytes, retry=s.retry, sleep=s.sleep, wall_clock=s.wall_clock
        )
        return SiteState(identity, host, client, exchanger, CredentialScrubber(site))

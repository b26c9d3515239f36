"""An httpx transport that connects only to addresses the SSRF policy accepted — and to exactly
the address it checked (DNS-rebinding defence).

Every request's host is resolved through :func:`~infrastructure.sites.ssrf.resolve_checked`; the
request then goes to the checked IP address itself, with the original ``Host`` header and, over
https, the original name as TLS SNI and for certificate verification (httpcore's
``sni_hostname`` extension). A later DNS answer therefore cannot swap in a private address for a
connection the check approved. Checked answers are kept for ``ttl`` seconds (monotonic clock) so a
busy site is not resolved on every call; a lookup after that is checked again.

Addresses are tried in resolver order while connecting fails (``httpx.ConnectError``: nothing
was sent), so a dual-stack host with broken IPv6 still works.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from infrastructure.sites.ssrf import (
    AddressPolicy,
    IPAddress,
    Resolver,
    parse_ip,
    resolve_checked,
    system_resolver,
)

__all__ = ["PinnedTransport"]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_MAX_ADDRESSES_TRIED = 4


class PinnedTransport(httpx.AsyncBaseTransport):
    """Wraps ``inner`` (the real pool, or ``httpx.MockTransport`` in tests).

    ``owns_inner``: close ``inner`` with this transport (false for a transport the caller
    injected and may share).
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        policy: AddressPolicy,
        resolver: Resolver = system_resolver,
        *,
        ttl: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        owns_inner: bool = True,
    ) -> None:
        self._inner = inner
        self._policy = policy
        self._resolver = resolver
        self._ttl = ttl
        self._clock = clock
        self._owns_inner = owns_inner
        self._answers: dict[tuple[str, int], tuple[float, list[IPAddress]]] = {}

    async def _addresses(self, host: str, port: int) -> list[IPAddress]:
        key = (host, port)
        now = self._clock()
        cached = self._answers.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            addresses = await resolve_checked(host, port, self._policy, self._resolver)
        except OSError as error:
            # Mapped like any other failure to connect (and retried for idempotent calls).
            raise httpx.ConnectError(
                f"could not resolve {host}: {error.strerror or error}"
            ) from None
        if self._ttl > 0:
            self._answers[key] = (now + self._ttl, addresses)
        return addresses

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        host = url.host
        port = url.port or _DEFAULT_PORTS.get(url.scheme, 80)
        addresses = await self._addresses(host, port)
        extensions = dict(request.extensions)
        if url.scheme == "https" and parse_ip(host) is None:
            extensions.setdefault("sni_hostname", host)
        failure = httpx.ConnectError(f"no address to connect to for {host}")
        for address in addresses[:_MAX_ADDRESSES_TRIED]:
            pinned = httpx.Request(
                request.method,
                url.copy_with(host=str(address)),
                headers=request.headers,  # keeps the original Host header
                stream=request.stream,
                extensions=extensions,
            )
            try:
                return await self._inner.handle_async_request(pinned)
            except httpx.ConnectError as error:
                failure = error
        raise failure

    async def aclose(self) -> None:
        if self._owns_inner:
            await self._inner.aclose()

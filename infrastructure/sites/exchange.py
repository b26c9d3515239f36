"""One upstream exchange: send, follow a safe redirect, read a bounded body, retry what may be
retried.

- **Redirects** are followed by hand, at most three, only for GET/HEAD and only to the same host
  (http → https on that host is fine, https → http is not); anything else is an error asking the
  admin to fix the base URL. Each hop is authenticated afresh for its own URL (an http → https
  hop switches WooCommerce from OAuth to Basic), and each hop passes the SSRF check again
  (:class:`~infrastructure.sites.pinning.PinnedTransport`).
- **Body size** is capped (decoded bytes, so a compressed bomb is caught too).
- **Retries** only for idempotent requests (GET, HEAD, OPTIONS, PUT, DELETE), after connect
  errors, timeouts, broken connections (not TLS failures: they would repeat) and 502/503/504 —
  at most ``max_retries`` times, after a short backoff or the site's ``Retry-After`` (seconds or
  an HTTP date) when that is within ``retry_after_cap``; a longer ``Retry-After`` is not waited
  for. POST is never retried.
"""

from __future__ import annotations

import ssl
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from application.sites import SiteError, SiteErrorKind
from infrastructure.sites.wire import RawResponse, header_int

__all__ = ["Body", "Exchanger", "RetryPolicy"]

MAX_REDIRECTS = 3
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUSES = frozenset({502, 503, 504})
_RETRY_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)

Authorize = Callable[[str, httpx.URL], str | None]
"""``(method, url) -> Authorization header value`` (or ``None``) for one hop."""


@dataclass(frozen=True, slots=True)
class Body:
    json: Any = None
    content: bytes | None = None
    headers: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int = 2
    backoff: tuple[float, ...] = (0.2, 0.8)
    retry_after_cap: float = 5.0

    def delay(self, attempt: int) -> float:
        return self.backoff[min(attempt, len(self.backoff)) - 1] if self.backoff else 0.0


def _retry_after(headers: httpx.Headers, now: Callable[[], float]) -> float | None:
    seconds = header_int(headers, "retry-after")
    if seconds is not None:
        return float(seconds)
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - now())


def _tls_failure(error: BaseException) -> bool:
    """A TLS handshake or certificate failure: it will fail the same way again."""
    seen: BaseException | None = error
    for _depth in range(5):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _size(count: int) -> str:
    mib = 1024 * 1024
    return f"{count / mib:g} MiB" if count >= mib else f"{count} bytes"


def _same_site_hop(current: httpx.URL, target: httpx.URL) -> bool:
    if target.host.lower() != current.host.lower():
        return False
    if target.scheme == current.scheme:
        return target.port == current.port
    # Upgrading to https on the default ports is the one scheme change allowed.
    return (current.scheme, target.scheme) == ("http", "https") and target.port in (None, 443)


class Exchanger:
    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        max_bytes: int,
        retry: RetryPolicy,
        sleep: Callable[[float], Awaitable[None]],
        wall_clock: Callable[[], float],
    ) -> None:
        self._client = client
        self._max_bytes = max_bytes
        self._retry = retry
        self._sleep = sleep
        self._wall_clock = wall_clock

    async def fetch(
        self, method: str, url: httpx.URL, body: Body, authorize: Authorize, *, idempotent: bool
    ) -> RawResponse:
        attempt = 0
        while True:
            try:
                raw = await self._follow(method, url, body, authorize)
            except _RETRY_ERRORS as error:
                if not idempotent or attempt >= self._retry.max_retries or _tls_failure(error):
                    raise
                attempt += 1
                await self._sleep(self._retry.delay(attempt))
                continue
            if raw.status not in _RETRY_STATUSES or not idempotent:
                return raw
            if attempt >= self._retry.max_retries:
                return raw
            wait = _retry_after(raw.headers, self._wall_clock)
            if wait is not None and wait > self._retry.retry_after_cap:
                return raw
            attempt += 1
            await self._sleep(wait if wait is not None else self._retry.delay(attempt))

    async def _follow(
        self, method: str, url: httpx.URL, body: Body, authorize: Authorize
    ) -> RawResponse:
        for _hop in range(MAX_REDIRECTS + 1):
            raw = await self._once(method, url, body, authorize(method, url))
            location = raw.headers.get("location")
            if raw.status not in _REDIRECTS or not location:
                return raw
            target = url.join(location)
            if method.upper() not in ("GET", "HEAD") or not _same_site_hop(url, target):
                raise SiteError(
                    SiteErrorKind.NOT_CONFIGURED,
                    f"the site redirects {method.upper()} requests to "
                    f"{target.scheme}://{target.netloc.decode('ascii', 'replace')}: set the "
                    "project's base URL to the address the site really answers on",
                    status=raw.status,
                )
            url = target
        raise SiteError(SiteErrorKind.INVALID_RESPONSE, "the site redirected too many times")

    async def _once(
        self, method: str, url: httpx.URL, body: Body, authorization: str | None
    ) -> RawResponse:
        headers = dict(body.headers or {})
        if authorization is not None:
            headers["Authorization"] = authorization
        request = self._client.build_request(
            method, url, headers=headers, json=body.json, content=body.content
        )
        response = await self._client.send(request, stream=True)
        try:
            declared = header_int(response.headers, "content-length")
            if declared is not None and declared > self._max_bytes:
                raise self._too_large(response.status_code)
            received = bytearray()
            async for chunk in response.aiter_bytes():
                received += chunk
                if len(received) > self._max_bytes:
                    raise self._too_large(response.status_code)
        finally:
            await response.aclose()
        return RawResponse(response.status_code, response.headers, bytes(received), url)

    def _too_large(self, status: int) -> SiteError:
        return SiteError(
            SiteErrorKind.INVALID_RESPONSE,
            f"the site's answer is larger than {_size(self._max_bytes)}; "
            "ask for fewer items (per_page) or fields (_fields)",
            status=status,
        )

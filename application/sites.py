"""The site gateway port: how tools reach a managed WordPress / WooCommerce site.

Tools describe *what* to call (:class:`SiteRequest`); the gateway (httpx, in infrastructure)
decides *how*: API root discovery, authentication, retries of idempotent requests, pagination,
timeouts, SSRF protection and the mapping of upstream failures to :class:`SiteError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, Protocol

Api = Literal["wp", "wc"]


@dataclass(frozen=True, slots=True)
class SiteConnection:
    """Everything needed to reach one project's site. Holds opened secrets: never log it."""

    alias: str
    base_url: str
    wp_user: str
    wp_password: str = field(repr=False)
    wc_key: str | None = field(default=None, repr=False)
    wc_secret: str | None = field(default=None, repr=False)

    @property
    def has_woocommerce(self) -> bool:
        return self.wc_key is not None and self.wc_secret is not None


@dataclass(frozen=True, slots=True)
class SiteRequest:
    """One upstream call. ``route`` is relative to the REST root, e.g. ``/wp/v2/posts/42``
    (already built from validated arguments); ``api`` picks the credentials."""

    method: str
    route: str
    api: Api = "wp"
    params: Mapping[str, Any] = field(default_factory=dict)
    json: Any = None
    content: bytes | None = field(default=None, repr=False)
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def idempotent(self) -> bool:
        return self.method.upper() in {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}


@dataclass(frozen=True, slots=True)
class SiteResponse:
    status: int
    data: Any
    total: int | None = None
    """``X-WP-Total`` when the site sent it."""
    total_pages: int | None = None
    """``X-WP-TotalPages`` when the site sent it."""


class SiteErrorKind(StrEnum):
    """Stable names for what went wrong upstream (recorded on ``ToolCall.Failed``)."""

    AUTHENTICATION = "authentication"
    AUTH_HEADER_STRIPPED = "auth_header_stripped"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    BAD_REQUEST = "bad_request"
    CONFLICT = "conflict"
    RATE_LIMITED = "rate_limited"
    UPSTREAM = "upstream_error"
    TIMEOUT = "timeout"
    UNREACHABLE = "unreachable"
    BLOCKED = "blocked_address"
    NOT_CONFIGURED = "not_configured"
    INVALID_RESPONSE = "invalid_response"


class SiteError(Exception):
    """An upstream failure, already phrased for the AI client: never a traceback, never a whole
    HTML page, never a credential."""

    def __init__(
        self,
        kind: SiteErrorKind,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status
        self.code = code

    def describe(self) -> str:
        parts = [self.message]
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.code:
            parts.append(f"code {self.code}")
        return " — ".join(parts)


class SiteGateway(Protocol):
    """Calls a site's REST API. Implementations keep one pooled client per site."""

    async def call(self, site: SiteConnection, request: SiteRequest) -> SiteResponse: ...

    async def call_all(
        self, site: SiteConnection, request: SiteRequest, *, max_pages: int
    ) -> SiteResponse:
        """Follow pagination (``page`` = 1, 2, ...) until the last page or ``max_pages``;
        ``data`` is the concatenated list."""
        ...

    async def aclose(self) -> None: ...

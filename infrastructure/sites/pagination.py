"""Following a WordPress collection across pages (REST API Handbook, "Pagination"; field case F18).

Pages are requested as ``page=1, 2, ...`` with ``per_page`` at most 100 (WordPress's maximum; a
larger request is clamped before anything is sent). The walk stops at ``X-WP-TotalPages`` when the
site sends it — a short page is then not the end, because WooCommerce leaves out items the key's
user may not read — otherwise at the first page shorter than ``per_page``; a 400
``rest_post_invalid_page_number`` (asking past the last page) is the end too, not an error. It
never makes more than ``max_pages`` upstream calls. Totals come from the first page's
``X-WP-Total`` / ``X-WP-TotalPages``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from application.sites import SiteError, SiteErrorKind, SiteResponse

__all__ = ["MAX_PER_PAGE", "collect_pages", "page_size"]

MAX_PER_PAGE = 100
PAST_THE_END = "rest_post_invalid_page_number"

FetchPage = Callable[[int, int], Awaitable[SiteResponse]]
"""``(page, per_page) -> response`` for one page."""


def page_size(requested: Any) -> int:
    """``per_page`` to send: the request's, clamped to 100; 100 when not given."""
    if requested is None:
        return MAX_PER_PAGE
    try:
        size = int(requested)
    except (TypeError, ValueError):
        size = 0
    if isinstance(requested, bool) or size < 1 or str(size) != str(requested).strip():
        raise SiteError(SiteErrorKind.BAD_REQUEST, "per_page must be a whole number from 1 to 100")
    return min(size, MAX_PER_PAGE)


async def collect_pages(fetch_page: FetchPage, per_page: int, max_pages: int) -> SiteResponse:
    if max_pages < 1:
        raise SiteError(SiteErrorKind.BAD_REQUEST, "max_pages must be at least 1")
    items: list[Any] = []
    first: SiteResponse | None = None
    for page in range(1, max_pages + 1):
        try:
            response = await fetch_page(page, per_page)
        except SiteError as error:
            if error.code == PAST_THE_END:
                break
            raise
        if not isinstance(response.data, list):
            raise SiteError(
                SiteErrorKind.INVALID_RESPONSE,
                "the site did not answer a list for a paginated route",
                status=response.status,
            )
        first = first or response
        items.extend(response.data)
        total_pages = response.total_pages
        if not response.data:
            break
        if total_pages is not None:
            if page >= total_pages:
                break
        elif len(response.data) < per_page:
            break
    if first is None:
        return SiteResponse(200, items)
    return SiteResponse(first.status, items, total=first.total, total_pages=first.total_pages)

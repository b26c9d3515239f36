"""F18: "list all" follows pages with bounded upstream calls, with and without the total headers,
and treats ``rest_post_invalid_page_number`` as the end."""

from __future__ import annotations

import math

import httpx
import pytest

from application.sites import SiteError, SiteErrorKind, SiteRequest

from .conftest import ScriptedSite, gateway_for, json_response, site, wp_error

pytestmark = pytest.mark.anyio

_LIST = SiteRequest("GET", "/wp/v2/posts", params={"status": "publish"})


def _posts(count: int, *, headers: bool, past_the_end: str = "empty") -> ScriptedSite:
    scripted = ScriptedSite(pretty=False)

    def listing(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        per_page = int(request.url.params["per_page"])
        pages = math.ceil(count / per_page)
        if page > pages and past_the_end == "error":
            return wp_error(
                400,
                "rest_post_invalid_page_number",
                "The page number requested is larger than the number of pages available.",
            )
        items = [{"id": i} for i in range((page - 1) * per_page, min(page * per_page, count))]
        extra = {"X-WP-Total": str(count), "X-WP-TotalPages": str(pages)} if headers else {}
        return json_response(200, items, extra)

    scripted.routes[("GET", "/wp/v2/posts")] = listing
    return scripted


async def _list_all(scripted: ScriptedSite, request: SiteRequest = _LIST, max_pages: int = 5):
    gateway = gateway_for(scripted)
    try:
        return await gateway.call_all(site(), request, max_pages=max_pages)
    finally:
        await gateway.aclose()


async def test_250_posts_with_total_headers_take_three_calls() -> None:
    scripted = _posts(250, headers=True)
    response = await _list_all(scripted)
    assert len(response.data) == 250
    assert (response.total, response.total_pages) == (250, 3)
    assert [r.url.params["page"] for r in scripted.api_requests()] == ["1", "2", "3"]
    assert {r.url.params["per_page"] for r in scripted.api_requests()} == {"100"}
    assert {r.url.params["status"] for r in scripted.api_requests()} == {"publish"}


async def test_250_posts_without_headers_stop_at_the_short_page() -> None:
    scripted = _posts(250, headers=False)
    response = await _list_all(scripted)
    assert [item["id"] for item in response.data] == list(range(250))
    assert response.total is None
    assert len(scripted.api_requests()) == 3


async def test_a_past_the_end_error_on_page_four_ends_the_listing() -> None:
    scripted = _posts(300, headers=False, past_the_end="error")
    response = await _list_all(scripted)
    assert len(response.data) == 300
    assert len(scripted.api_requests()) == 4


async def test_never_more_calls_than_max_pages() -> None:
    scripted = _posts(1000, headers=True)
    response = await _list_all(scripted, max_pages=3)
    assert len(response.data) == 300
    assert response.total == 1000
    assert len(scripted.api_requests()) == 3


async def test_per_page_above_100_is_clamped_before_any_call() -> None:
    scripted = _posts(150, headers=True)
    request = SiteRequest("GET", "/wp/v2/posts", params={"per_page": 500, "page": 9})
    response = await _list_all(scripted, request)
    assert len(response.data) == 150
    assert [r.url.params["per_page"] for r in scripted.api_requests()] == ["100", "100"]
    assert [r.url.params["page"] for r in scripted.api_requests()] == ["1", "2"]


async def test_a_smaller_per_page_is_kept() -> None:
    scripted = _posts(25, headers=False)
    response = await _list_all(
        scripted, SiteRequest("GET", "/wp/v2/posts", params={"per_page": 10})
    )
    assert len(response.data) == 25
    assert len(scripted.api_requests()) == 3


@pytest.mark.parametrize("per_page", [0, -1, "ten"])
async def test_an_invalid_per_page_is_refused_before_any_call(per_page: object) -> None:
    scripted = _posts(10, headers=True)
    with pytest.raises(SiteError) as caught:
        await _list_all(scripted, SiteRequest("GET", "/wp/v2/posts", params={"per_page": per_page}))
    assert caught.value.kind is SiteErrorKind.BAD_REQUEST
    assert scripted.requests == []


async def test_a_short_page_is_not_the_end_when_the_site_says_there_are_more_pages() -> None:
    scripted = ScriptedSite()
    sizes = {1: 98, 2: 100, 3: 3}  # WooCommerce leaves out items the user may not read

    def listing(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        items = [{"id": f"{page}-{i}"} for i in range(sizes[page])]
        return json_response(200, items, {"X-WP-Total": "203", "X-WP-TotalPages": "3"})

    scripted.routes[("GET", "/wp/v2/posts")] = listing
    response = await _list_all(scripted)
    assert len(response.data) == 201
    assert len(scripted.api_requests()) == 3


async def test_other_errors_during_pagination_are_raised() -> None:
    scripted = ScriptedSite()
    scripted.routes[("GET", "/wp/v2/posts")] = lambda r: wp_error(403, "rest_forbidden", "No.")
    with pytest.raises(SiteError) as caught:
        await _list_all(scripted)
    assert caught.value.kind is SiteErrorKind.FORBIDDEN

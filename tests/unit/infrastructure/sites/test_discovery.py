"""REST root discovery: pretty permalinks, the ``?rest_route=`` fallback (F18), caching, and
redirects that stay on the site's host."""

from __future__ import annotations

import httpx
import pytest

from application.sites import SiteError, SiteErrorKind, SiteRequest

from .conftest import (
    ScriptedSite,
    gateway_for,
    html_response,
    index,
    json_response,
    site,
)

pytestmark = pytest.mark.anyio


def _posts(request: httpx.Request) -> httpx.Response:
    return json_response(200, [{"id": 1}], {"X-WP-Total": "1", "X-WP-TotalPages": "1"})


async def test_pretty_permalinks_build_routes_under_wp_json() -> None:
    scripted = ScriptedSite(pretty=True)
    scripted.routes[("GET", "/wp/v2/posts")] = _posts
    gateway = gateway_for(scripted)
    response = await gateway.call(
        site(), SiteRequest("GET", "/wp/v2/posts", params={"per_page": 5, "status": "draft"})
    )
    assert response.data == [{"id": 1}]
    assert (response.total, response.total_pages) == (1, 1)
    sent = scripted.api_requests()[0]
    assert sent.url.path == "/wp-json/wp/v2/posts"
    assert dict(sent.url.params) == {"per_page": "5", "status": "draft"}
    await gateway.aclose()


async def test_plain_permalinks_send_the_route_as_rest_route_merged_with_params() -> None:
    scripted = ScriptedSite(pretty=False)
    scripted.routes[("GET", "/wp/v2/posts")] = _posts
    gateway = gateway_for(scripted)
    await gateway.call(
        site(), SiteRequest("GET", "/wp/v2/posts?context=edit", params={"per_page": 5, "page": 2})
    )
    sent = scripted.api_requests()[0]
    raw = str(sent.url)
    assert raw.count("?") == 1
    assert sent.url.path == "/"
    assert list(sent.url.params.multi_items()) == [
        ("rest_route", "/wp/v2/posts"),
        ("context", "edit"),
        ("per_page", "5"),
        ("page", "2"),
    ]
    await gateway.aclose()


async def test_the_discovered_root_is_cached_per_site() -> None:
    scripted = ScriptedSite(pretty=False)
    scripted.routes[("GET", "/wp/v2/posts")] = _posts
    gateway = gateway_for(scripted)
    for _ in range(3):
        await gateway.call(site(), SiteRequest("GET", "/wp/v2/posts"))
    index_requests = [r for r in scripted.requests if scripted.route_of(r) in (None, "/")]
    assert len(index_requests) == 2  # /wp-json/ (404 page) and ?rest_route=/, once
    await gateway.aclose()


async def test_discovery_asks_only_for_the_index_fields_it_reads() -> None:
    scripted = ScriptedSite()
    scripted.routes[("GET", "/wp/v2/posts")] = _posts
    gateway = gateway_for(scripted)
    await gateway.call(site(), SiteRequest("GET", "/wp/v2/posts"))
    assert scripted.requests[0].url.params["_fields"] == "name,namespaces,authentication"
    assert "authorization" not in scripted.requests[0].headers  # the index is public
    await gateway.aclose()


async def test_a_base_url_without_a_rest_api_is_explained() -> None:
    gateway = gateway_for(lambda r: html_response(404, "<h1>Nothing here</h1>"))
    with pytest.raises(SiteError) as caught:
        await gateway.call(site(), SiteRequest("GET", "/wp/v2/posts"))
    assert caught.value.kind is SiteErrorKind.INVALID_RESPONSE
    assert "no WordPress REST API" in caught.value.message
    await gateway.aclose()


async def test_an_index_closed_to_anonymous_callers_still_locates_the_api() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/wp-json/":
            return json_response(401, {"code": "rest_login_required", "message": "Log in."})
        return json_response(200, {"id": 7})

    gateway = gateway_for(handler)
    response = await gateway.call(site(), SiteRequest("GET", "/wp/v2/posts/7"))
    assert response.data == {"id": 7}
    await gateway.aclose()


async def test_an_upgrade_to_https_on_the_same_host_is_followed_and_becomes_the_root() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url.copy_with(host=request.headers["host"])))
        if request.url.scheme == "http":
            target = f"https://blog.example{request.url.raw_path.decode()}"
            return httpx.Response(301, headers={"Location": target})
        if request.url.path == "/wp-json/":
            return json_response(200, index())
        return json_response(200, [])

    gateway = gateway_for(handler)
    await gateway.call(site("http://blog.example"), SiteRequest("GET", "/wp/v2/posts"))
    assert seen[-1] == "https://blog.example/wp-json/wp/v2/posts"
    assert len(seen) == 3  # http index -> https index -> https posts
    await gateway.aclose()


async def test_a_redirect_to_another_host_is_not_followed() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["host"])
        if request.headers["host"] == "blog.example" and request.url.path == "/wp-json/":
            return json_response(200, index())
        return httpx.Response(302, headers={"Location": "https://evil.example/steal"})

    gateway = gateway_for(handler)
    with pytest.raises(SiteError) as caught:
        await gateway.call(site(), SiteRequest("GET", "/wp/v2/posts"))
    assert caught.value.kind is SiteErrorKind.NOT_CONFIGURED
    assert "evil.example" in caught.value.message
    assert "evil.example" not in seen
    await gateway.aclose()


async def test_a_post_is_never_redirected() -> None:
    scripted = ScriptedSite()
    scripted.routes[("POST", "/wp/v2/posts")] = lambda r: httpx.Response(
        301, headers={"Location": "https://blog.example/wp-json/wp/v2/posts/"}
    )
    gateway = gateway_for(scripted)
    with pytest.raises(SiteError) as caught:
        await gateway.call(site(), SiteRequest("POST", "/wp/v2/posts", json={"title": "x"}))
    assert caught.value.kind is SiteErrorKind.NOT_CONFIGURED
    assert len(scripted.api_requests()) == 1
    await gateway.aclose()


async def test_a_site_that_drops_pretty_permalinks_is_rediscovered() -> None:
    scripted = ScriptedSite(pretty=True)
    scripted.routes[("GET", "/wp/v2/posts")] = _posts
    gateway = gateway_for(scripted)
    await gateway.call(site(), SiteRequest("GET", "/wp/v2/posts"))
    scripted.pretty = False
    with pytest.raises(SiteError) as caught:
        await gateway.call(site(), SiteRequest("GET", "/wp/v2/posts"))
    assert caught.value.kind is SiteErrorKind.NOT_FOUND
    response = await gateway.call(site(), SiteRequest("GET", "/wp/v2/posts"))
    assert response.data == [{"id": 1}]
    assert scripted.requests[-1].url.params["rest_route"] == "/wp/v2/posts"
    await gateway.aclose()


@pytest.mark.parametrize(
    "base_url", ["ftp://blog.example", "https://user:pw@blog.example", "https://blog.example/?x=1"]
)
async def test_unusable_base_urls_are_refused_without_echoing_them(base_url: str) -> None:
    gateway = gateway_for(ScriptedSite())
    with pytest.raises(SiteError) as caught:
        await gateway.call(site(base_url), SiteRequest("GET", "/wp/v2/posts"))
    assert caught.value.kind is SiteErrorKind.NOT_CONFIGURED
    assert "pw" not in caught.value.message
    await gateway.aclose()
